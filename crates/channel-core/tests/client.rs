//! The client's behaviour over an in-memory service, on tokio's paused clock:
//! retries and backoff, deadlines, request ids, operations, pagination.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use channel_core::transport::{BoxFuture, Stubs};
use channel_core::{
    CallOptions, Client, CloudChannelReportsService, CloudChannelService, Error, ErrorKind,
    Operations, PollingPolicy, Result, RetryPolicy,
};
use channel_types::longrunning::{
    self, CancelOperationRequest, DeleteOperationRequest, GetOperationRequest, operation,
};
use channel_types::model::{
    CreateCustomerRequest, CreateEntitlementRequest, Customer, Entitlement, GetCustomerRequest,
    ListCustomersRequest, ListCustomersResponse, ListProductsRequest, OperationMetadata,
    ProvisionCloudIdentityRequest, operation_metadata,
};
use channel_types::rpc::{Code, ErrorInfo, Status};
use channel_types::wkt::{Any, Empty};
use futures_util::{StreamExt, TryStreamExt};
use tokio::time::Instant;

type Script<T> = Mutex<VecDeque<Result<T>>>;

/// Page token -> (customer names, next page token), or the page's error.
type Pages = Mutex<HashMap<String, Result<(Vec<String>, String)>>>;

/// What the fake saw of one attempt.
#[derive(Debug, Clone)]
struct Seen {
    method: &'static str,
    at: Duration,
    request_id: String,
    page_token: String,
    deadline_left: Option<Duration>,
    attempt: u32,
}

#[derive(Default)]
struct Fake {
    start: Mutex<Option<Instant>>,
    seen: Mutex<Vec<Seen>>,
    customers: Script<Customer>,
    operations_started: Script<longrunning::Operation>,
    pages: Pages,
    operation_states: Script<longrunning::Operation>,
    hang: bool,
}

impl Fake {
    fn record(
        &self,
        method: &'static str,
        request_id: &str,
        page_token: &str,
        options: &CallOptions,
    ) {
        let start = *self.start.lock().unwrap().get_or_insert_with(Instant::now);
        self.seen.lock().unwrap().push(Seen {
            method,
            at: Instant::now() - start,
            request_id: request_id.to_string(),
            page_token: page_token.to_string(),
            deadline_left: options.remaining(),
            attempt: options.attempt(),
        });
    }

    fn seen(&self, method: &str) -> Vec<Seen> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.method == method)
            .cloned()
            .collect()
    }

    fn pop<T>(script: &Script<T>) -> Result<T> {
        script
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or_else(|| Err(Error::rpc(Code::Internal, "script exhausted")))
    }
}

impl CloudChannelService for Fake {
    fn get_customer(
        &self,
        request: GetCustomerRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<Customer>> {
        self.record("GetCustomer", "", "", &options);
        let hang = self.hang;
        let result = Fake::pop(&self.customers);
        Box::pin(async move {
            if hang {
                std::future::pending::<()>().await;
            }
            result.map(|mut c| {
                c.name = request.name;
                c
            })
        })
    }

    fn list_customers(
        &self,
        request: ListCustomersRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<ListCustomersResponse>> {
        self.record("ListCustomers", "", &request.page_token, &options);
        let page = match self.pages.lock().unwrap().get(&request.page_token) {
            Some(Ok((names, next))) => Ok(ListCustomersResponse {
                customers: names
                    .iter()
                    .map(|n| Customer {
                        name: n.clone(),
                        ..Default::default()
                    })
                    .collect(),
                next_page_token: next.clone(),
            }),
            Some(Err(e)) => Err(Error::rpc(e.code(), e.message())),
            None => Err(Error::rpc(Code::InvalidArgument, "unknown page token")),
        };
        Box::pin(async move {
            // Every page takes a second to fetch.
            tokio::time::sleep(Duration::from_secs(1)).await;
            page
        })
    }

    fn create_customer(
        &self,
        request: CreateCustomerRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<Customer>> {
        self.record("CreateCustomer", "", "", &options);
        let result = Fake::pop(&self.customers).map(|mut c| {
            c.name = format!("{}/customers/C1", request.parent);
            c
        });
        Box::pin(std::future::ready(result))
    }

    fn create_entitlement(
        &self,
        request: CreateEntitlementRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<longrunning::Operation>> {
        self.record("CreateEntitlement", &request.request_id, "", &options);
        let result = Fake::pop(&self.operations_started);
        Box::pin(std::future::ready(result))
    }

    fn provision_cloud_identity(
        &self,
        _request: ProvisionCloudIdentityRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<longrunning::Operation>> {
        self.record("ProvisionCloudIdentity", "", "", &options);
        let result = Fake::pop(&self.operations_started);
        Box::pin(std::future::ready(result))
    }
}

impl CloudChannelReportsService for Fake {}

impl Operations for Fake {
    fn get_operation(
        &self,
        request: GetOperationRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<longrunning::Operation>> {
        self.record("GetOperation", "", "", &options);
        let result = Fake::pop(&self.operation_states).map(|mut op| {
            op.name = request.name;
            op
        });
        Box::pin(std::future::ready(result))
    }

    fn cancel_operation(
        &self,
        _: CancelOperationRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<Empty>> {
        self.record("CancelOperation", "", "", &options);
        Box::pin(std::future::ready(Ok(Empty {})))
    }

    fn delete_operation(
        &self,
        _: DeleteOperationRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<Empty>> {
        self.record("DeleteOperation", "", "", &options);
        Box::pin(std::future::ready(Ok(Empty {})))
    }
}

fn unavailable() -> Error {
    Error::rpc(Code::Unavailable, "try again")
}

fn client(fake: Fake) -> (Client, Arc<Fake>) {
    let fake = Arc::new(fake);
    let client = Client::builder()
        .default_retry(RetryPolicy::default().with_jitter(false))
        .polling_policy(PollingPolicy::default().with_intervals(
            Duration::from_secs(2),
            2.0,
            Duration::from_secs(8),
        ))
        .build_with_stubs(Stubs::from_backend(fake.clone()));
    (client, fake)
}

fn script<T>(items: impl IntoIterator<Item = Result<T>>) -> Script<T> {
    Mutex::new(items.into_iter().collect())
}

fn get(name: &str) -> GetCustomerRequest {
    GetCustomerRequest { name: name.into() }
}

fn create_entitlement() -> CreateEntitlementRequest {
    CreateEntitlementRequest {
        parent: "accounts/A/customers/C".into(),
        entitlement: Some(Entitlement::default()),
        ..Default::default()
    }
}

fn create_customer() -> CreateCustomerRequest {
    CreateCustomerRequest {
        parent: "accounts/A".into(),
        customer: Some(Customer::default()),
    }
}

fn provision() -> ProvisionCloudIdentityRequest {
    ProvisionCloudIdentityRequest {
        customer: "accounts/A/customers/C".into(),
        ..Default::default()
    }
}

/// The error of a request that reached the server but whose answer was lost.
fn lost() -> Error {
    Error::outcome_unknown("connection reset after sending", "reset by peer")
}

#[tokio::test(start_paused = true)]
async fn unavailable_is_retried_on_the_backoff_schedule() {
    let fake = Fake {
        customers: script([
            Err(unavailable()),
            Err(unavailable()),
            Err(unavailable()),
            Ok(Customer::default()),
        ]),
        ..Fake::default()
    };
    let (client, fake) = client(fake);
    let customer = client
        .get_customer(get("accounts/A/customers/C"))
        .await
        .unwrap();
    assert_eq!(customer.name, "accounts/A/customers/C");
    let seen = fake.seen("GetCustomer");
    let at: Vec<u128> = seen.iter().map(|s| s.at.as_millis()).collect();
    assert_eq!(at, [0, 1000, 2300, 3990]);
    assert_eq!(
        seen.iter().map(|s| s.attempt).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    // Each attempt is told when the whole call must end (60 s after it began).
    assert_eq!(seen[0].deadline_left, Some(Duration::from_secs(60)));
    assert_eq!(
        seen[3].deadline_left,
        Some(Duration::from_millis(60_000 - 3990))
    );
}

#[tokio::test(start_paused = true)]
async fn retries_stop_after_five_attempts() {
    let fake = Fake {
        customers: script((0..10).map(|_| Err(unavailable()))),
        ..Fake::default()
    };
    let (client, fake) = client(fake);
    let err = client
        .get_customer(get("accounts/A/customers/C"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unavailable);
    assert_eq!(fake.seen("GetCustomer").len(), 5);
}

#[tokio::test(start_paused = true)]
async fn non_retryable_codes_are_not_retried() {
    let fake = Fake {
        customers: script([
            Err(Error::rpc(Code::NotFound, "no such customer")),
            Ok(Customer::default()),
        ]),
        ..Fake::default()
    };
    let (client, fake) = client(fake);
    let err = client
        .get_customer(get("accounts/A/customers/C"))
        .await
        .unwrap_err();
    assert_eq!((err.kind(), err.code()), (ErrorKind::Rpc, Code::NotFound));
    assert_eq!(fake.seen("GetCustomer").len(), 1);
}

#[tokio::test(start_paused = true)]
async fn the_timeout_bounds_the_whole_call_retries_included() {
    let fake = Fake {
        customers: script((0..10).map(|_| Err(unavailable()))),
        ..Fake::default()
    };
    let (client, fake) = client(fake);
    let started = Instant::now();
    let err = client
        .get_customer(get("accounts/A/customers/C"))
        .with_timeout(Duration::from_secs(3))
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Timeout, Code::DeadlineExceeded)
    );
    assert_eq!(started.elapsed(), Duration::from_secs(3));
    // Attempts at 0 s, 1 s and 2.3 s; the next would start after the deadline.
    assert_eq!(fake.seen("GetCustomer").len(), 3);
    assert_eq!(
        std::error::Error::source(&err).map(ToString::to_string),
        Some("UNAVAILABLE: try again".into())
    );
}

#[tokio::test(start_paused = true)]
async fn a_hanging_call_ends_at_its_timeout() {
    let fake = Fake {
        customers: script([Ok(Customer::default())]),
        hang: true,
        ..Fake::default()
    };
    let (client, _fake) = client(fake);
    let started = Instant::now();
    let err = client
        .get_customer(get("accounts/A/customers/C"))
        .with_timeout(Duration::from_millis(1500))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    // The request was on its way when time ran out.
    assert!(err.is_outcome_unknown());
    assert_eq!(started.elapsed(), Duration::from_millis(1500));
}

#[tokio::test(start_paused = true)]
async fn per_call_retry_policy_overrides_the_default() {
    let fake = Fake {
        customers: script([Err(unavailable()), Ok(Customer::default())]),
        ..Fake::default()
    };
    let (client, fake) = client(fake);
    let err = client
        .get_customer(get("accounts/A/customers/C"))
        .with_retry(RetryPolicy::none())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unavailable);
    assert_eq!(fake.seen("GetCustomer").len(), 1);
}

fn running_operation() -> longrunning::Operation {
    let meta = OperationMetadata {
        operation_type: operation_metadata::OperationType::CreateEntitlement as i32,
    };
    longrunning::Operation {
        name: "operations/op-1".into(),
        metadata: Some(Any::from_msg(&meta).unwrap()),
        done: false,
        result: None,
    }
}

fn finished(entitlement: &str) -> longrunning::Operation {
    let e = Entitlement {
        name: entitlement.into(),
        ..Default::default()
    };
    longrunning::Operation {
        done: true,
        result: Some(operation::Result::Response(Any::from_msg(&e).unwrap())),
        ..running_operation()
    }
}

#[tokio::test(start_paused = true)]
async fn operations_are_retried_with_one_generated_request_id() {
    let fake = Fake {
        operations_started: script([
            Err(unavailable()),
            Err(unavailable()),
            Ok(running_operation()),
        ]),
        ..Fake::default()
    };
    let (client, fake) = client(fake);
    let op = client
        .create_entitlement(create_entitlement())
        .await
        .unwrap();
    assert_eq!(op.name(), "operations/op-1");
    let seen = fake.seen("CreateEntitlement");
    assert_eq!(seen.len(), 3);
    let id = uuid::Uuid::parse_str(&seen[0].request_id).expect("a UUID");
    assert_eq!(id.get_version_num(), 4);
    assert!(
        seen.iter().all(|s| s.request_id == seen[0].request_id),
        "{seen:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_user_request_id_is_kept_and_a_bad_one_refused_before_sending() {
    let fake = Fake {
        operations_started: script([Ok(running_operation())]),
        ..Fake::default()
    };
    let (client, fake) = client(fake);
    let id = "1b4e28ba-2fa1-4d2c-883f-0016d3cca427";
    let request = CreateEntitlementRequest {
        request_id: id.into(),
        ..create_entitlement()
    };
    client.create_entitlement(request).await.unwrap();
    assert_eq!(fake.seen("CreateEntitlement")[0].request_id, id);

    // Other spellings of a UUID are refused too: the service takes the
    // hyphenated form.
    for bad in [
        "not-a-uuid",
        "00000000-0000-0000-0000-000000000000",
        "1b4e28ba2fa14d2c883f0016d3cca427",
        "{1b4e28ba-2fa1-4d2c-883f-0016d3cca427}",
        "urn:uuid:1b4e28ba-2fa1-4d2c-883f-0016d3cca427",
    ] {
        let request = CreateEntitlementRequest {
            request_id: bad.into(),
            ..create_entitlement()
        };
        let err = client.create_entitlement(request).await.unwrap_err();
        assert_eq!(
            (err.kind(), err.code()),
            (ErrorKind::InvalidRequest, Code::InvalidArgument)
        );
        assert_eq!(err.field_violations()[0].field, "request_id");
    }
    assert_eq!(
        fake.seen("CreateEntitlement").len(),
        1,
        "nothing was sent for the bad ids"
    );
}

#[tokio::test(start_paused = true)]
async fn an_operation_without_a_request_id_is_not_sent_again_after_a_lost_answer() {
    let fake = Fake {
        operations_started: script([Err(lost()), Ok(running_operation())]),
        ..Fake::default()
    };
    let (client, fake) = client(fake);
    let err = client
        .provision_cloud_identity(provision())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    assert!(err.is_outcome_unknown() && !err.is_retryable());
    assert_eq!(fake.seen("ProvisionCloudIdentity").len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_status_the_server_returned_is_retried_for_every_method() {
    // UNAVAILABLE from the server says the request was not carried out.
    let fake = Fake {
        operations_started: script([Err(unavailable()), Ok(running_operation())]),
        customers: script([Err(unavailable()), Ok(Customer::default())]),
        ..Fake::default()
    };
    let (client, fake) = client(fake);
    client.provision_cloud_identity(provision()).await.unwrap();
    assert_eq!(fake.seen("ProvisionCloudIdentity").len(), 2);
    let customer = client.create_customer(create_customer()).await.unwrap();
    assert_eq!(customer.name, "accounts/A/customers/C1");
    assert_eq!(fake.seen("CreateCustomer").len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_create_whose_answer_was_lost_is_reported_as_outcome_unknown() {
    let fake = Fake {
        customers: script([Err(lost()), Ok(Customer::default())]),
        ..Fake::default()
    };
    let (client, fake) = client(fake);
    let err = client.create_customer(create_customer()).await.unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::OutcomeUnknown, Code::Unavailable)
    );
    assert_eq!(fake.seen("CreateCustomer").len(), 1, "never sent twice");
}

#[tokio::test(start_paused = true)]
async fn reads_and_requests_with_a_request_id_are_retried_after_a_lost_answer() {
    let fake = Fake {
        customers: script([Err(lost()), Ok(Customer::default())]),
        operations_started: script([Err(lost()), Err(lost()), Ok(running_operation())]),
        ..Fake::default()
    };
    let (client, fake) = client(fake);
    client
        .get_customer(get("accounts/A/customers/C"))
        .await
        .unwrap();
    assert_eq!(fake.seen("GetCustomer").len(), 2);
    client
        .create_entitlement(create_entitlement())
        .await
        .unwrap();
    let seen = fake.seen("CreateEntitlement");
    assert_eq!(seen.len(), 3);
    assert!(seen.iter().all(|s| s.request_id == seen[0].request_id));
}

#[tokio::test(start_paused = true)]
async fn a_request_that_fails_its_checks_is_never_sent() {
    let (client, fake) = client(Fake::default());
    let traversal = "operations/../accounts/A/customers/C";
    let err = client
        .delete_operation(DeleteOperationRequest {
            name: traversal.into(),
        })
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::InvalidRequest, Code::InvalidArgument)
    );
    assert_eq!(err.field_violations()[0].field, "name");
    assert!(err.message().contains("operations/**"), "{err}");
    let err = client
        .get_operation(GetOperationRequest {
            name: traversal.into(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    let missing = CreateEntitlementRequest {
        entitlement: None,
        ..create_entitlement()
    };
    let err = client.create_entitlement(missing).await.unwrap_err();
    assert_eq!(err.field_violations()[0].field, "entitlement");
    assert_eq!(err.field_violations()[0].description, "is required");
    let err = client
        .get_customer(get("accounts/A/customers/"))
        .await
        .unwrap_err();
    assert_eq!(err.field_violations()[0].field, "name");
    assert!(
        fake.seen.lock().unwrap().is_empty(),
        "nothing reached the service"
    );
}

#[tokio::test(start_paused = true)]
async fn a_timeout_of_duration_max_means_no_timeout() {
    let fake = Fake {
        customers: script([Err(unavailable()), Ok(Customer::default())]),
        ..Fake::default()
    };
    let (client, fake) = client(fake);
    client
        .get_customer(get("accounts/A/customers/C"))
        .with_timeout(Duration::MAX)
        .await
        .unwrap();
    let seen = fake.seen("GetCustomer");
    assert_eq!(seen.len(), 2);
    assert!(seen[0].deadline_left.unwrap() > Duration::from_secs(20 * 365 * 24 * 3600));
}

#[tokio::test(start_paused = true)]
async fn huge_backoffs_end_at_the_deadline_instead_of_panicking() {
    let fake = Fake {
        customers: script((0..3).map(|_| Err(unavailable()))),
        ..Fake::default()
    };
    let (client, fake) = client(fake);
    let started = Instant::now();
    let err = client
        .get_customer(get("accounts/A/customers/C"))
        .with_retry(RetryPolicy::default().with_backoff(Duration::MAX, f64::MAX, Duration::MAX))
        .with_timeout(Duration::from_secs(3))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(
        !err.is_outcome_unknown(),
        "the server answered every attempt"
    );
    assert_eq!(started.elapsed(), Duration::from_secs(3));
    assert_eq!(fake.seen("GetCustomer").len(), 1);
}

#[tokio::test(start_paused = true)]
async fn huge_polling_intervals_and_timeouts_do_not_panic() {
    let fake = Fake {
        operation_states: script([Ok(finished("accounts/A/customers/C/entitlements/E"))]),
        ..Fake::default()
    };
    let (client, _fake) = client(fake);
    let policy = PollingPolicy::default()
        .with_intervals(Duration::MAX, f64::MAX, Duration::MAX)
        .with_timeout(Duration::MAX);
    assert_eq!(policy.interval(u32::MAX), Duration::MAX);
    let op = client.operation::<Entitlement, OperationMetadata>("operations/op-1");
    let entitlement = op.wait_with(&policy).await.unwrap();
    assert_eq!(entitlement.name, "accounts/A/customers/C/entitlements/E");
}

#[tokio::test(start_paused = true)]
async fn an_operation_is_polled_to_its_result() {
    let fake = Fake {
        operations_started: script([Ok(running_operation())]),
        operation_states: script([
            Ok(running_operation()),
            Err(unavailable()),
            Ok(finished("accounts/A/customers/C/entitlements/E")),
        ]),
        ..Fake::default()
    };
    let (client, fake) = client(fake);
    let op = client
        .create_entitlement(create_entitlement())
        .await
        .unwrap();
    assert!(!op.done());
    let meta = op.metadata().unwrap().unwrap();
    assert_eq!(
        meta.operation_type(),
        operation_metadata::OperationType::CreateEntitlement
    );
    let started = Instant::now();
    let entitlement = op.wait().await.unwrap();
    assert_eq!(entitlement.name, "accounts/A/customers/C/entitlements/E");
    // Polls after 2 s and 4 s more; the UNAVAILABLE poll is retried by the
    // call's own retry policy 1 s later.
    let polls = fake.seen("GetOperation");
    assert_eq!(polls.len(), 3);
    assert_eq!(started.elapsed(), Duration::from_secs(2 + 4 + 1));
}

#[tokio::test(start_paused = true)]
async fn an_operation_that_fails_returns_its_error_with_details() {
    let info = ErrorInfo {
        reason: "SKU_ALREADY_PURCHASED".into(),
        domain: "cloudchannel.googleapis.com".into(),
        ..Default::default()
    };
    let failed = longrunning::Operation {
        done: true,
        result: Some(operation::Result::Error(Status {
            code: Code::AlreadyExists as i32,
            message: "already bought".into(),
            details: vec![Any::from_msg(&info).unwrap()],
        })),
        ..running_operation()
    };
    let fake = Fake {
        operations_started: script([Ok(running_operation())]),
        operation_states: script([Ok(failed)]),
        ..Fake::default()
    };
    let (client, _fake) = client(fake);
    let op = client
        .create_entitlement(create_entitlement())
        .await
        .unwrap();
    let err = op.wait().await.unwrap_err();
    assert_eq!(err.code(), Code::AlreadyExists);
    assert_eq!(err.reason(), Some("SKU_ALREADY_PURCHASED"));
}

#[tokio::test(start_paused = true)]
async fn an_operation_resumed_by_name_can_be_waited_cancelled_and_deleted() {
    let fake = Fake {
        operation_states: script([Ok(finished("accounts/A/customers/C/entitlements/E9"))]),
        ..Fake::default()
    };
    let (client, fake) = client(fake);
    let op = client.operation::<Entitlement, OperationMetadata>("operations/op-7");
    assert_eq!(op.name(), "operations/op-7");
    assert!(!op.done() && op.result().is_none());
    op.cancel().await.unwrap();
    op.delete().await.unwrap();
    let entitlement = op.wait().await.unwrap();
    assert_eq!(entitlement.name, "accounts/A/customers/C/entitlements/E9");
    assert_eq!(fake.seen("CancelOperation").len(), 1);
    assert_eq!(fake.seen("DeleteOperation").len(), 1);
}

#[tokio::test(start_paused = true)]
async fn waiting_gives_up_after_the_polling_timeout() {
    let fake = Fake {
        operation_states: script((0..100).map(|_| Ok(running_operation()))),
        ..Fake::default()
    };
    let (client, _fake) = client(fake);
    let op = client.operation::<Entitlement, OperationMetadata>("operations/op-1");
    let policy = PollingPolicy::default()
        .with_intervals(Duration::from_secs(1), 1.0, Duration::from_secs(1))
        .with_timeout(Duration::from_secs(5));
    let err = op.wait_with(&policy).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.message().contains("resume it by name"));
}

/// An interval longer than the time left does not end the wait unpolled:
/// the last poll is made when the time is up.
#[tokio::test(start_paused = true)]
async fn an_interval_longer_than_the_polling_timeout_still_polls_when_time_is_up() {
    let fake = Fake {
        operation_states: script([
            Ok(finished("accounts/A/customers/C/entitlements/E")),
            Ok(running_operation()),
        ]),
        ..Fake::default()
    };
    let (client, fake) = client(fake);
    let policy = PollingPolicy::default()
        .with_intervals(Duration::from_secs(3600), 1.0, Duration::from_secs(3600))
        .with_timeout(Duration::from_secs(1800));
    let started = Instant::now();
    let op = client.operation::<Entitlement, OperationMetadata>("operations/op-1");
    let entitlement = op.wait_with(&policy).await.unwrap();
    assert_eq!(entitlement.name, "accounts/A/customers/C/entitlements/E");
    assert_eq!(started.elapsed(), Duration::from_secs(1800));
    assert_eq!(fake.seen("GetOperation").len(), 1);

    // Still running then: one poll, at the end, and the wait gives up.
    let started = Instant::now();
    let op = client.operation::<Entitlement, OperationMetadata>("operations/op-2");
    let err = op.wait_with(&policy).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(started.elapsed(), Duration::from_secs(1800));
    assert_eq!(fake.seen("GetOperation").len(), 2);
}

#[tokio::test(start_paused = true)]
async fn progress_updates_end_with_the_done_state() {
    let fake = Fake {
        operation_states: script([
            Ok(running_operation()),
            Ok(finished("accounts/A/customers/C/entitlements/E")),
        ]),
        ..Fake::default()
    };
    let (client, _fake) = client(fake);
    let op = client.operation::<Entitlement, OperationMetadata>("operations/op-1");
    let states: Vec<_> = op.updates().try_collect().await.unwrap();
    assert_eq!(
        states.iter().map(|s| s.done()).collect::<Vec<_>>(),
        [false, false, true]
    );
    let last = states.last().unwrap().result().unwrap().unwrap();
    assert_eq!(last.name, "accounts/A/customers/C/entitlements/E");
}

fn paged(pages: &[(&str, &[&str], &str)]) -> Fake {
    let map = pages
        .iter()
        .map(|(token, names, next)| {
            (
                token.to_string(),
                Ok((
                    names.iter().map(|n| n.to_string()).collect(),
                    next.to_string(),
                )),
            )
        })
        .collect();
    Fake {
        pages: Mutex::new(map),
        ..Fake::default()
    }
}

fn list() -> ListCustomersRequest {
    ListCustomersRequest {
        parent: "accounts/A".into(),
        page_size: 2,
        ..Default::default()
    }
}

#[tokio::test(start_paused = true)]
async fn items_stream_across_pages() {
    let fake = paged(&[
        ("", &["c1", "c2"], "t1"),
        ("t1", &["c3", "c4"], "t2"),
        ("t2", &["c5"], ""),
    ]);
    let (client, fake) = client(fake);
    let names: Vec<String> = client
        .list_customers(list())
        .items()
        .map_ok(|c| c.name)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names, ["c1", "c2", "c3", "c4", "c5"]);
    let tokens: Vec<String> = fake
        .seen("ListCustomers")
        .into_iter()
        .map(|s| s.page_token)
        .collect();
    assert_eq!(tokens, ["", "t1", "t2"]);
    let all = client.list_customers(list()).collect_items().await.unwrap();
    assert_eq!(all.len(), 5);
}

#[tokio::test(start_paused = true)]
async fn the_timeout_bounds_each_page_and_a_slow_page_ends_the_stream_at_it() {
    let pages = [
        ("", &["c1", "c2"][..], "t1"),
        ("t1", &["c3", "c4"][..], "t2"),
        ("t2", &["c5"][..], ""),
    ];
    // Each page takes a second: within a timeout of 1.5 s, every one comes.
    let (quick, fake) = client(paged(&pages));
    let all = quick
        .list_customers(list())
        .with_timeout(Duration::from_millis(1500))
        .collect_items()
        .await
        .unwrap();
    assert_eq!(all.len(), 5);
    let left: Vec<_> = fake
        .seen("ListCustomers")
        .into_iter()
        .map(|s| s.deadline_left)
        .collect();
    assert_eq!(left, [Some(Duration::from_millis(1500)); 3]);

    // Within half a second, none does, and the stream ends then.
    let (slow, fake) = client(paged(&pages));
    let started = Instant::now();
    let err = slow
        .list_customers(list())
        .with_timeout(Duration::from_millis(500))
        .collect_items()
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Timeout, Code::DeadlineExceeded)
    );
    assert_eq!(started.elapsed(), Duration::from_millis(500));
    assert_eq!(fake.seen("ListCustomers").len(), 1);
}

#[tokio::test(start_paused = true)]
async fn the_next_page_is_fetched_ahead_but_only_one() {
    let fake = paged(&[
        ("", &["c1"], "t1"),
        ("t1", &["c2"], "t2"),
        ("t2", &["c3"], "t3"),
        ("t3", &["c4"], ""),
    ]);
    let (client, fake) = client(fake);
    let mut pages = client.list_customers(list()).pages();
    let first = pages.next().await.unwrap().unwrap();
    assert_eq!(first.customers[0].name, "c1");
    // While the caller works on page 1, page 2 arrives; page 3 is not asked for.
    tokio::time::sleep(Duration::from_secs(30)).await;
    assert_eq!(fake.seen("ListCustomers").len(), 2);
    let second = pages.next().await.unwrap().unwrap();
    assert_eq!(second.customers[0].name, "c2");
    tokio::time::sleep(Duration::from_secs(30)).await;
    assert_eq!(fake.seen("ListCustomers").len(), 3);
    // The prefetched page is ready at once: no wait for the 1 s fetch.
    let before = Instant::now();
    pages.next().await.unwrap().unwrap();
    assert_eq!(before.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn dropping_the_pages_stops_the_fetching() {
    let fake = paged(&[
        ("", &["c1"], "t1"),
        ("t1", &["c2"], "t2"),
        ("t2", &["c3"], ""),
    ]);
    let (client, fake) = client(fake);
    let mut pages = client.list_customers(list()).pages();
    pages.next().await.unwrap().unwrap();
    drop(pages);
    // Page 2 may have been asked for ahead already; page 3 never is,
    // however long we wait.
    tokio::time::sleep(Duration::from_secs(60)).await;
    let tokens: Vec<String> = fake
        .seen("ListCustomers")
        .into_iter()
        .map(|s| s.page_token)
        .collect();
    assert!(tokens == [""] || tokens == ["", "t1"], "{tokens:?}");
}

#[tokio::test(start_paused = true)]
async fn dropping_the_updates_stops_the_polling() {
    let fake = Fake {
        operation_states: script([
            Ok(running_operation()),
            Ok(running_operation()),
            Ok(running_operation()),
            Ok(finished("accounts/A/customers/C/entitlements/E")),
        ]),
        ..Fake::default()
    };
    let (client, fake) = client(fake);
    let op = client.operation::<Entitlement, OperationMetadata>("operations/op-1");
    let mut updates = Box::pin(op.updates());
    // The current state, then the state of the first poll.
    updates.next().await.unwrap().unwrap();
    updates.next().await.unwrap().unwrap();
    assert_eq!(fake.seen("GetOperation").len(), 1);
    drop(updates);
    tokio::time::sleep(Duration::from_secs(3600)).await;
    assert_eq!(fake.seen("GetOperation").len(), 1);
}

#[tokio::test(start_paused = true)]
async fn an_error_mid_stream_is_yielded_then_the_stream_ends() {
    let mut fake = paged(&[("", &["c1", "c2"], "t1")]);
    fake.pages.get_mut().unwrap().insert(
        "t1".into(),
        Err(Error::rpc(Code::PermissionDenied, "not yours")),
    );
    let (client, _fake) = client(fake);
    let results: Vec<Result<Customer>> = client.list_customers(list()).items().collect().await;
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok() && results[1].is_ok());
    assert_eq!(
        results[2].as_ref().unwrap_err().code(),
        Code::PermissionDenied
    );
}

#[tokio::test(start_paused = true)]
async fn a_repeated_page_token_ends_the_stream_with_an_error() {
    let fake = paged(&[("", &["c1"], "t1"), ("t1", &["c2"], "t1")]);
    let (client, fake) = client(fake);
    let results: Vec<Result<Customer>> = client.list_customers(list()).items().collect().await;
    assert_eq!(results.len(), 3);
    let err = results[2].as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.message().contains("t1"));
    assert_eq!(fake.seen("ListCustomers").len(), 2);
}

#[tokio::test(start_paused = true)]
async fn unimplemented_methods_say_so() {
    let (client, _fake) = client(Fake::default());
    let request = ListProductsRequest {
        account: "accounts/A".into(),
        ..Default::default()
    };
    let err = client.list_products(request).await.unwrap_err();
    assert_eq!(err.code(), Code::Unimplemented);
    assert!(
        err.message()
            .contains("/google.cloud.channel.v1.CloudChannelService/ListProducts")
    );
}

#[tokio::test(start_paused = true)]
async fn without_a_default_retry_each_method_follows_the_service_configuration() {
    let fake = Arc::new(Fake {
        operations_started: script([
            Err(unavailable()),
            Err(unavailable()),
            Ok(running_operation()),
        ]),
        customers: script([Err(unavailable()), Ok(Customer::default())]),
        ..Fake::default()
    });
    let client = Client::builder().build_with_stubs(Stubs::from_backend(fake.clone()));
    // ProvisionCloudIdentity: in the no-retry list and without a request id.
    let err = client
        .provision_cloud_identity(provision())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unavailable);
    assert_eq!(fake.seen("ProvisionCloudIdentity").len(), 1);
    // CreateEntitlement: in the list, but its request id makes a retry safe.
    client
        .create_entitlement(create_entitlement())
        .await
        .unwrap();
    let attempts = fake.seen("CreateEntitlement");
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[0].request_id, attempts[1].request_id);
    // Any other method: retried on UNAVAILABLE.
    client
        .get_customer(get("accounts/A/customers/C1"))
        .await
        .unwrap();
    assert_eq!(fake.seen("GetCustomer").len(), 2);
    // Every method's timeout is 60 s.
    assert_eq!(client.defaults().timeout(), Some(Duration::from_secs(60)));
}
