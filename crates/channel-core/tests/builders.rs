//! The request builders of the `Client`: what their setters, `with_request`
//! and per-call options put on the wire, however the call is sent.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use channel_core::transport::{BoxFuture, Stubs};
use channel_core::{
    CallOptions, Client, CloudChannelReportsService, CloudChannelService, Operations, Result,
};
use channel_types::longrunning;
use channel_types::model::import_customer_request::CustomerIdentity;
use channel_types::model::{
    ChannelPartnerLinkView, CreateEntitlementRequest, Customer, Entitlement, GetCustomerRequest,
    ImportCustomerRequest, ListChannelPartnerLinksRequest, ListChannelPartnerLinksResponse,
    ListCustomersRequest, ListCustomersResponse, Parameter, UpdateCustomerRequest, Value,
};
use channel_types::wkt::FieldMask;

/// Keeps every request it gets, with the time left of its deadline.
#[derive(Default)]
struct Recorder {
    gets: Mutex<Vec<(GetCustomerRequest, Option<Duration>)>>,
    lists: Mutex<Vec<ListCustomersRequest>>,
    creates: Mutex<Vec<CreateEntitlementRequest>>,
    imports: Mutex<Vec<ImportCustomerRequest>>,
    links: Mutex<Vec<ListChannelPartnerLinksRequest>>,
    updates: Mutex<Vec<UpdateCustomerRequest>>,
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

    fn import_customer(
        &self,
        request: ImportCustomerRequest,
        _: CallOptions,
    ) -> BoxFuture<'_, Result<Customer>> {
        self.imports.lock().unwrap().push(request);
        Box::pin(async { Ok(Customer::new()) })
    }

    fn list_channel_partner_links(
        &self,
        request: ListChannelPartnerLinksRequest,
        _: CallOptions,
    ) -> BoxFuture<'_, Result<ListChannelPartnerLinksResponse>> {
        self.links.lock().unwrap().push(request);
        Box::pin(async { Ok(ListChannelPartnerLinksResponse::new()) })
    }

    fn update_customer(
        &self,
        request: UpdateCustomerRequest,
        _: CallOptions,
    ) -> BoxFuture<'_, Result<Customer>> {
        self.updates.lock().unwrap().push(request);
        Box::pin(async { Ok(Customer::new()) })
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

#[tokio::test]
async fn with_request_after_setters_replaces_what_they_set() {
    let (client, recorder) = client();
    let whole = ListCustomersRequest::new()
        .set_parent("accounts/A2")
        .set_filter("domain=example.com");
    client
        .list_customers(Default::default())
        .set_parent("accounts/A1")
        .set_page_size(3)
        .with_request(whole.clone())
        .await
        .unwrap();
    let lists = recorder.lists.lock().unwrap();
    assert_eq!(lists[0], whole);
}

#[tokio::test]
async fn an_operation_builder_keeps_a_request_id_given_with_the_request_and_fills_an_empty_one() {
    let (client, recorder) = client();
    let given = CreateEntitlementRequest::new()
        .set_parent(NAME)
        .set_entitlement(Entitlement::new().set_offer("accounts/A1/offers/O1"))
        .set_request_id("5e3c9a26-9a5b-4f1e-8d0e-2b7f3c1a9d04");
    client
        .create_entitlement(Default::default())
        .with_request(given.clone())
        .await
        .unwrap();
    client
        .create_entitlement(given.clone())
        .set_request_id("")
        .await
        .unwrap();
    let creates = recorder.creates.lock().unwrap();
    assert_eq!(creates[0], given);
    assert_eq!(creates[1].request_id.len(), 36, "a UUID was filled in");
    assert_ne!(creates[1].request_id, given.request_id);
}

#[tokio::test]
async fn builder_setters_take_oneof_members_enums_and_optional_messages() {
    let (client, recorder) = client();
    // A later member of a oneof replaces an earlier one.
    client
        .import_customer(Default::default())
        .set_parent("accounts/A1")
        .set_domain("example.com")
        .set_cloud_identity_id("C03")
        .set_auth_token("t")
        .await
        .unwrap();
    // An enum field takes the enum.
    client
        .list_channel_partner_links(Default::default())
        .set_parent("accounts/A1")
        .set_view(ChannelPartnerLinkView::Full)
        .await
        .unwrap();
    // An optional message is set, or set and then cleared.
    client
        .update_customer(Default::default())
        .set_customer(Customer::new().set_name(NAME))
        .set_update_mask(FieldMask::new(["org_display_name"]))
        .await
        .unwrap();
    client
        .update_customer(Default::default())
        .set_customer(Customer::new().set_name(NAME))
        .set_update_mask(FieldMask::default())
        .set_or_clear_update_mask(None::<FieldMask>)
        .await
        .unwrap();
    let imports = recorder.imports.lock().unwrap();
    assert_eq!(
        imports[0].customer_identity,
        Some(CustomerIdentity::CloudIdentityId("C03".into()))
    );
    let links = recorder.links.lock().unwrap();
    assert_eq!(links[0].view(), ChannelPartnerLinkView::Full);
    let updates = recorder.updates.lock().unwrap();
    assert_eq!(
        updates[0].update_mask.as_ref().map(|m| m.paths.clone()),
        Some(vec!["org_display_name".to_string()])
    );
    assert_eq!(updates[1].update_mask, None);
    assert_eq!(updates[1].customer.as_ref().unwrap().name, NAME);
}
