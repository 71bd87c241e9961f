//! The request builders of the `Client`: what their setters, `with_request`
//! and per-call options put on the wire, however the call is sent.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use channel_core::transport::{BoxFuture, Stubs};
use channel_core::{
    CallOptions, Client, CloudChannelReportsService, CloudChannelService, Operations, Result,
};
use channel_types::longrunning;
use channel_types::model::{
    CreateEntitlementRequest, Customer, Entitlement, GetCustomerRequest, ListCustomersRequest,
    ListCustomersResponse, Parameter, Value,
};

/// Keeps every request it gets, with the time left of its deadline.
#[derive(Default)]
struct Recorder {
    gets: Mutex<Vec<(GetCustomerRequest, Option<Duration>)>>,
    lists: Mutex<Vec<ListCustomersRequest>>,
    creates: Mutex<Vec<CreateEntitlementRequest>>,
}

impl CloudChannelService for Recorder {
    fn get_customer(
        &self,
        request: GetCustomerRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<Customer>> {
        let name = request.name.clone();
        self.gets
            .lock()
            .unwrap()
            .push((request, options.remaining()));
        Box::pin(async move { Ok(Customer::new().set_name(name)) })
    }

    fn list_customers(
        &self,
        request: ListCustomersRequest,
        _: CallOptions,
    ) -> BoxFuture<'_, Result<ListCustomersResponse>> {
        self.lists.lock().unwrap().push(request);
        Box::pin(async { Ok(ListCustomersResponse::new().set_customers([Customer::new()])) })
    }

    fn create_entitlement(
        &self,
        request: CreateEntitlementRequest,
        _: CallOptions,
    ) -> BoxFuture<'_, Result<longrunning::Operation>> {
        self.creates.lock().unwrap().push(request);
        Box::pin(async { Ok(longrunning::Operation::new().set_name("operations/o1")) })
    }
}

impl CloudChannelReportsService for Recorder {}
impl Operations for Recorder {}

fn client() -> (Client, Arc<Recorder>) {
    let recorder = Arc::new(Recorder::default());
    (Client::new(Stubs::from_backend(recorder.clone())), recorder)
}

const NAME: &str = "accounts/A1/customers/C1";

#[tokio::test]
async fn a_builder_sends_the_fields_its_setters_set() {
    let (client, recorder) = client();
    let customer = client
        .get_customer(Default::default())
        .set_name(NAME)
        .await
        .unwrap();
    assert_eq!(customer.name, NAME);
    let gets = recorder.gets.lock().unwrap();
    assert_eq!(gets[0].0, GetCustomerRequest::new().set_name(NAME));
}

#[tokio::test]
async fn with_request_sends_the_whole_message_and_later_setters_change_one_field() {
    let (client, recorder) = client();
    let request = ListCustomersRequest {
        parent: "accounts/A1".into(),
        page_size: 7,
        filter: "domain=example.com".into(),
        ..Default::default()
    };
    client
        .list_customers(request.clone())
        .set_page_size(3)
        .await
        .unwrap();
    let lists = recorder.lists.lock().unwrap();
    assert_eq!(
        lists[0],
        ListCustomersRequest {
            page_size: 3,
            ..request
        }
    );
}

#[tokio::test]
async fn send_and_await_send_the_same_request() {
    let (client, recorder) = client();
    client
        .get_customer(Default::default())
        .set_name(NAME)
        .send()
        .await
        .unwrap();
    client
        .get_customer(Default::default())
        .set_name(NAME)
        .await
        .unwrap();
    let gets = recorder.gets.lock().unwrap();
    assert_eq!(gets.len(), 2);
    assert_eq!(gets[0].0, gets[1].0);
}

#[tokio::test(start_paused = true)]
async fn a_per_call_option_on_the_builder_applies_to_that_call() {
    let (client, recorder) = client();
    client
        .get_customer(Default::default())
        .with_timeout(Duration::from_secs(5))
        .set_name(NAME)
        .await
        .unwrap();
    let gets = recorder.gets.lock().unwrap();
    assert_eq!(gets[0].1, Some(Duration::from_secs(5)));
}

#[tokio::test]
async fn an_operation_builder_wraps_messages_fills_the_request_id_and_yields_a_handle() {
    let (client, recorder) = client();
    let operation = client
        .create_entitlement(Default::default())
        .set_parent(NAME)
        .set_entitlement(
            Entitlement::new()
                .set_offer("accounts/A1/offers/O1")
                .set_parameters([Parameter::new()
                    .set_name("num_units")
                    .set_value(Value::new().set_int64_value(10))]),
        )
        .await
        .unwrap();
    assert_eq!(operation.name(), "operations/o1");
    let creates = recorder.creates.lock().unwrap();
    let sent = &creates[0];
    assert_eq!(sent.parent, NAME);
    let entitlement = sent.entitlement.as_ref().unwrap();
    assert_eq!(entitlement.offer, "accounts/A1/offers/O1");
    assert_eq!(entitlement.parameters[0].name, "num_units");
    assert_eq!(sent.request_id.len(), 36, "a UUID was filled in");
}

#[tokio::test]
async fn list_builders_page_with_the_fields_their_setters_set() {
    let (client, recorder) = client();
    let customers = client
        .list_customers(Default::default())
        .set_parent("accounts/A1")
        .set_page_size(2)
        .collect_items()
        .await
        .unwrap();
    assert_eq!(customers.len(), 1);
    let lists = recorder.lists.lock().unwrap();
    assert_eq!(lists[0].parent, "accounts/A1");
    assert_eq!(lists[0].page_size, 2);
}

#[tokio::test]
async fn a_builder_left_without_its_required_fields_is_refused_before_sending() {
    let (client, recorder) = client();
    let error = client.get_customer(Default::default()).await.unwrap_err();
    assert_eq!(error.code(), channel_types::rpc::Code::InvalidArgument);
    assert!(recorder.gets.lock().unwrap().is_empty());
}
