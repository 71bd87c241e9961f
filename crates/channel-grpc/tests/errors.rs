//! How calls fail: statuses with details, deadlines, connections that drop
//! or never open, malformed responses, credentials that fail; and the
//! channel's limits, compression and multiplexing.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use channel_core::credentials::{
    AccessToken, Credentials, CredentialsError, CredentialsErrorKind, StaticToken,
};
use channel_core::transport::BoxFuture;
use channel_core::{
    CallOptions, Client, ClientBuilder, CloudChannelService, ErrorKind, RetryPolicy,
};
use channel_grpc::GrpcTransport;
use channel_types::model::{self, GetCustomerRequest, ListCustomersRequest};
use channel_types::rpc::{BadRequest, Code, ErrorInfo, Status, bad_request::FieldViolation};
use channel_types::wkt::Any;
use prost::Message;
use support::{Reply, TestServer};
use tokio::time::Instant;

fn transport(endpoint: String) -> GrpcTransport {
    let config = ClientBuilder::new()
        .endpoint(endpoint)
        .credentials(StaticToken::new("ya29.secret-token"))
        .transport_config();
    GrpcTransport::new(&config).unwrap()
}

fn get_customer() -> GetCustomerRequest {
    GetCustomerRequest {
        name: "accounts/A1/customers/C1".into(),
    }
}

fn within(timeout: Duration) -> CallOptions {
    CallOptions::new().with_deadline(Instant::now() + timeout)
}

fn not_suspended() -> Status {
    Status {
        code: Code::FailedPrecondition as i32,
        message: "Entitlement is not suspended.".into(),
        details: vec![
            Any::from_msg(&ErrorInfo {
                reason: "NOT_SUSPENDED".into(),
                domain: "cloudchannel.googleapis.com".into(),
                metadata: [("entitlement".to_string(), "E1".to_string())].into(),
            })
            .unwrap(),
            Any::from_msg(&BadRequest {
                field_violations: vec![FieldViolation {
                    field: "name".into(),
                    description: "must name a suspended entitlement".into(),
                    ..Default::default()
                }],
            })
            .unwrap(),
        ],
    }
}

#[tokio::test]
async fn status_details_are_decoded() {
    for trailers_only in [false, true] {
        let server = TestServer::start(move |_| Reply::Status {
            code: Code::FailedPrecondition as i32,
            message: "Entitlement is not suspended.".into(),
            details: Some(not_suspended().encode_to_vec()),
            trailers_only,
        })
        .await;
        let err = transport(server.endpoint())
            .get_customer(get_customer(), within(Duration::from_secs(30)))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Rpc);
        assert_eq!(err.code(), Code::FailedPrecondition);
        assert_eq!(err.message(), "Entitlement is not suspended.");
        assert_eq!(err.reason(), Some("NOT_SUSPENDED"));
        assert_eq!(err.error_info().unwrap().metadata["entitlement"], "E1");
        assert_eq!(err.field_violations()[0].field, "name");
        assert!(!err.is_retryable());
        assert!(!format!("{err:?}").contains("secret-token"));
    }
}

#[tokio::test]
async fn status_without_details_keeps_code_and_message() {
    let server = TestServer::start(|call| {
        if call.path.ends_with("/GetCustomer") {
            Reply::status(Code::NotFound as i32, "Customer ‘C1’ not found: 100%", None)
        } else {
            Reply::status(Code::Unavailable as i32, "try again", Some(vec![0xff; 3]))
        }
    })
    .await;
    let t = transport(server.endpoint());
    let err = t
        .get_customer(get_customer(), CallOptions::new())
        .await
        .unwrap_err();
    assert_eq!((err.kind(), err.code()), (ErrorKind::Rpc, Code::NotFound));
    assert_eq!(err.message(), "Customer ‘C1’ not found: 100%");
    assert!(err.details().is_empty());

    // Details that do not decode are dropped; the status stays.
    let err = t
        .list_customers(ListCustomersRequest::default(), CallOptions::new())
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Rpc, Code::Unavailable)
    );
    assert!(err.is_retryable());
    assert!(err.details().is_empty());
}

#[tokio::test]
async fn deadline_goes_to_the_server_and_a_silent_server_times_out() {
    let server = TestServer::start(|_| Reply::Hang).await;
    let t = transport(server.endpoint());
    let err = t
        .get_customer(get_customer(), within(Duration::from_millis(300)))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert_eq!(err.code(), Code::DeadlineExceeded);
    assert!(!err.is_retryable());

    let timeout = server
        .last_call()
        .header("grpc-timeout")
        .unwrap()
        .to_string();
    let (digits, unit) = timeout.split_at(timeout.len() - 1);
    let value: u64 = digits.parse().unwrap();
    let sent = match unit {
        "n" => Duration::from_nanos(value),
        "u" => Duration::from_micros(value),
        "m" => Duration::from_millis(value),
        "S" => Duration::from_secs(value),
        other => panic!("unexpected grpc-timeout unit {other}"),
    };
    assert!(
        sent > Duration::ZERO && sent <= Duration::from_millis(300),
        "{timeout}"
    );
}

#[tokio::test]
async fn through_the_client_a_silent_server_ends_at_the_call_timeout_and_hears_of_it() {
    // The client runs the call's one timer; the transport only sends the deadline.
    let server = TestServer::start(|_| Reply::Hang).await;
    let client = client(server.endpoint(), RetryPolicy::none());
    let started = tokio::time::Instant::now();
    let err = client
        .get_customer(get_customer())
        .with_timeout(Duration::from_millis(300))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert_eq!(err.code(), Code::DeadlineExceeded);
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_secs(5),
        "{took:?}"
    );
    let timeout = server
        .last_call()
        .header("grpc-timeout")
        .unwrap()
        .to_string();
    assert!(
        timeout.ends_with('u') || timeout.ends_with('n'),
        "{timeout}"
    );
    let micros: u64 = timeout.trim_end_matches(['u', 'n']).parse().unwrap();
    let sent = if timeout.ends_with('u') {
        Duration::from_micros(micros)
    } else {
        Duration::from_nanos(micros)
    };
    assert!(
        sent > Duration::ZERO && sent <= Duration::from_millis(300),
        "{timeout}"
    );
}

#[tokio::test]
async fn a_deadline_already_past_sends_nothing() {
    let server = TestServer::start(|_| Reply::Message(Vec::new())).await;
    let t = transport(server.endpoint());
    let err = t
        .get_customer(
            get_customer(),
            CallOptions::new().with_deadline(Instant::now()),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(server.calls().is_empty());
}

#[tokio::test]
async fn server_gone_mid_call_leaves_the_outcome_unknown_and_the_channel_recovers() {
    let server = TestServer::start(|call| {
        if call.path.ends_with("/GetCustomer") {
            Reply::DropConnection
        } else {
            Reply::Message(Vec::new())
        }
    })
    .await;
    let t = transport(server.endpoint());
    let err = t
        .get_customer(get_customer(), within(Duration::from_secs(30)))
        .await
        .unwrap_err();
    // The server read the whole request before it went away.
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{err:?}");
    assert_eq!(err.code(), Code::Unavailable);
    assert!(err.is_outcome_unknown() && !err.is_retryable());
    assert!(std::error::Error::source(&err).is_some());
    assert!(!format!("{err:?}").contains("secret-token"));

    // The next call reconnects.
    t.list_customers(
        ListCustomersRequest::default(),
        within(Duration::from_secs(30)),
    )
    .await
    .unwrap();
    assert_eq!(server.connections(), 2);
}

#[tokio::test]
async fn connection_refused_is_a_retryable_transport_error() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let t = transport(format!("http://{addr}"));
    let err = t
        .get_customer(get_customer(), within(Duration::from_secs(30)))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err:?}");
    assert_eq!(err.code(), Code::Unavailable);
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_malformed_response_is_a_decode_error() {
    // Field 1 (name) claims 16 bytes and has 2.
    let server = TestServer::start(|_| Reply::Message(vec![0x0a, 0x10, b'a', b'b'])).await;
    let err = transport(server.endpoint())
        .get_customer(get_customer(), CallOptions::new())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err:?}");
    assert!(!err.is_retryable());
}

#[derive(Debug)]
struct BrokenCredentials;

impl Credentials for BrokenCredentials {
    fn token(&self) -> BoxFuture<'_, Result<Option<AccessToken>, CredentialsError>> {
        Box::pin(async {
            Err(CredentialsError::new(
                CredentialsErrorKind::TokenRequest,
                "the token endpoint said no",
            ))
        })
    }
}

#[tokio::test]
async fn failing_credentials_are_an_authentication_error_that_says_why_and_send_nothing() {
    let server = TestServer::start(|_| Reply::Message(Vec::new())).await;
    let config = ClientBuilder::new()
        .endpoint(server.endpoint())
        .credentials(BrokenCredentials)
        .transport_config();
    let err = GrpcTransport::new(&config)
        .unwrap()
        .get_customer(get_customer(), CallOptions::new())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert!(
        err.to_string().contains("the token endpoint said no"),
        "{err}"
    );
    assert!(server.calls().is_empty());
}

/// Credentials that hand out `tok-1`, `tok-2`, ...: a new one each time
/// the server refuses the current one, as a token cache does.
#[derive(Debug, Default)]
struct Rotating {
    current: std::sync::Mutex<Option<AccessToken>>,
    fetches: AtomicUsize,
}

impl Credentials for Rotating {
    fn token(&self) -> BoxFuture<'_, Result<Option<AccessToken>, CredentialsError>> {
        let mut current = self.current.lock().unwrap();
        let token = current.get_or_insert_with(|| {
            let n = self.fetches.fetch_add(1, Ordering::SeqCst) + 1;
            AccessToken::new(format!("tok-{n}"), None)
        });
        let token = token.clone();
        Box::pin(async move { Ok(Some(token)) })
    }

    fn token_rejected(&self, token: &AccessToken) -> bool {
        let mut current = self.current.lock().unwrap();
        if current
            .as_ref()
            .is_some_and(|t| t.secret() == token.secret())
        {
            *current = None;
        }
        true
    }
}

/// A server that refuses the bearer tokens listed, answering a customer
/// to any other.
async fn refusing(tokens: &'static [&'static str]) -> TestServer {
    let customer = model::Customer {
        name: "accounts/A1/customers/C1".into(),
        ..Default::default()
    }
    .encode_to_vec();
    TestServer::start(move |call| {
        let bearer = call.header("authorization").unwrap_or_default();
        if tokens.iter().any(|t| bearer == format!("Bearer {t}")) {
            Reply::status(
                Code::Unauthenticated as i32,
                "Request had invalid authentication credentials.",
                None,
            )
        } else {
            Reply::Message(customer.clone())
        }
    })
    .await
}

fn authorizations(server: &TestServer) -> Vec<String> {
    server
        .calls()
        .iter()
        .map(|call| call.header("authorization").unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn a_refused_token_is_replaced_and_the_call_sent_once_more() {
    let server = refusing(&["tok-1"]).await;
    let credentials = Arc::new(Rotating::default());
    let config = ClientBuilder::new()
        .endpoint(server.endpoint())
        .credentials(credentials.clone())
        .transport_config();
    let customer = GrpcTransport::new(&config)
        .unwrap()
        .get_customer(get_customer(), CallOptions::new())
        .await
        .unwrap();
    assert_eq!(customer.name, "accounts/A1/customers/C1");
    assert_eq!(authorizations(&server), ["Bearer tok-1", "Bearer tok-2"]);
    // The message went both times, the same.
    let calls = server.calls();
    assert_eq!(calls[0].message, calls[1].message);
    assert_eq!(
        calls[0].header("x-goog-request-params"),
        calls[1].header("x-goog-request-params")
    );
    assert_eq!(credentials.fetches.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_new_token_refused_again_ends_the_call_unauthenticated_and_a_static_one_is_not_resent() {
    let server = refusing(&["tok-1", "tok-2", "tok-3", "ya29.secret-token"]).await;
    let config = ClientBuilder::new()
        .endpoint(server.endpoint())
        .credentials(Rotating::default())
        .transport_config();
    let err = GrpcTransport::new(&config)
        .unwrap()
        .get_customer(get_customer(), CallOptions::new())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated, "{err}");
    assert_eq!(authorizations(&server), ["Bearer tok-1", "Bearer tok-2"]);

    let server = refusing(&["ya29.secret-token"]).await;
    let err = transport(server.endpoint())
        .get_customer(get_customer(), CallOptions::new())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated, "{err}");
    assert_eq!(server.calls().len(), 1);
}

#[tokio::test]
async fn large_responses_up_to_the_limit() {
    // Above tonic's default 4 MiB, below the transport's 32 MiB.
    let token = "t".repeat(5 * 1024 * 1024);
    let response = model::ListCustomersResponse {
        customers: Vec::new(),
        next_page_token: token.clone(),
    }
    .encode_to_vec();
    let server = TestServer::start(move |_| Reply::Message(response.clone())).await;
    let page = transport(server.endpoint())
        .list_customers(ListCustomersRequest::default(), CallOptions::new())
        .await
        .unwrap();
    assert_eq!(page.next_page_token.len(), token.len());

    let config = ClientBuilder::new()
        .endpoint(server.endpoint())
        .transport_config();
    let small = GrpcTransport::builder(&config)
        .max_receive_message_size(1024)
        .build()
        .unwrap();
    let err = small
        .list_customers(ListCustomersRequest::default(), CallOptions::new())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err:?}");
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn gzip_compresses_requests_when_enabled() {
    let server = TestServer::start(|_| Reply::Message(Vec::new())).await;
    let config = ClientBuilder::new()
        .endpoint(server.endpoint())
        .transport_config();
    let t = GrpcTransport::builder(&config).gzip(true).build().unwrap();
    t.get_customer(get_customer(), CallOptions::new())
        .await
        .unwrap();
    let seen = server.last_call();
    assert_eq!(seen.header("grpc-encoding"), Some("gzip"));
    assert!(
        seen.header("grpc-accept-encoding")
            .is_some_and(|v| v.contains("gzip"))
    );
    assert!(seen.compressed);
    assert_ne!(seen.message, get_customer().encode_to_vec());

    // Off by default.
    transport(server.endpoint())
        .get_customer(get_customer(), CallOptions::new())
        .await
        .unwrap();
    let seen = server.last_call();
    assert!(seen.header("grpc-encoding").is_none());
    assert_eq!(seen.message, get_customer().encode_to_vec());
}

#[tokio::test]
async fn concurrent_calls_share_one_connection() {
    let answered = Arc::new(AtomicUsize::new(0));
    let counter = answered.clone();
    let server = TestServer::start(move |call| {
        counter.fetch_add(1, Ordering::SeqCst);
        let request = GetCustomerRequest::decode(call.message.clone()).unwrap_or_default();
        Reply::Message(
            model::Customer {
                name: request.name,
                ..Default::default()
            }
            .encode_to_vec(),
        )
    })
    .await;
    let t = transport(server.endpoint());
    let calls = (0..16).map(|i| {
        let t = t.clone();
        tokio::spawn(async move {
            let name = format!("accounts/A1/customers/C{i}");
            let request = GetCustomerRequest { name: name.clone() };
            let customer = t
                .get_customer(request, within(Duration::from_secs(30)))
                .await
                .unwrap();
            assert_eq!(customer.name, name);
        })
    });
    for call in futures_util::future::join_all(calls).await {
        call.unwrap();
    }
    assert_eq!(answered.load(Ordering::SeqCst), 16);
    assert_eq!(server.connections(), 1);
}

fn quick_retries() -> RetryPolicy {
    RetryPolicy::default().with_jitter(false).with_backoff(
        Duration::from_millis(5),
        1.0,
        Duration::from_millis(5),
    )
}

fn client(endpoint: String, retry: RetryPolicy) -> Client {
    Client::builder()
        .endpoint(endpoint)
        .default_retry(retry)
        .build_with(GrpcTransport::new)
        .unwrap()
}

fn create_customer(display_name: &str) -> model::CreateCustomerRequest {
    model::CreateCustomerRequest {
        parent: "accounts/A1".into(),
        customer: Some(model::Customer {
            org_display_name: display_name.into(),
            ..Default::default()
        }),
    }
}

fn calls_to(server: &TestServer, method: &str) -> usize {
    server
        .calls()
        .iter()
        .filter(|c| c.path.ends_with(method))
        .count()
}

#[tokio::test]
async fn a_create_read_then_dropped_is_sent_once_and_reported_as_outcome_unknown() {
    let server = TestServer::start(|_| Reply::DropConnection).await;
    let client = client(server.endpoint(), quick_retries());
    let err = client
        .create_customer(create_customer("Org"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{err:?}");
    assert!(err.is_outcome_unknown());
    assert_eq!(calls_to(&server, "/CreateCustomer"), 1, "sent exactly once");

    // A read cannot be applied twice: it is tried the policy's 5 times.
    let err = client.get_customer(get_customer()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    assert_eq!(calls_to(&server, "/GetCustomer"), 5);
}

fn a_customer() -> Vec<u8> {
    model::Customer {
        name: "accounts/A1/customers/C1".into(),
        org_display_name: "Org".into(),
        ..Default::default()
    }
    .encode_to_vec()
}

/// Asserts that `err` is the call's own timeout, as DEADLINE_EXCEEDED.
fn assert_deadline_exceeded(err: &channel_core::Error) {
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Timeout, Code::DeadlineExceeded),
        "{err:?}"
    );
}

/// Asserts that `took` ended at `timeout`, not before and not long after.
fn ended_at(took: Duration, timeout: Duration) {
    assert!(took >= timeout && took < Duration::from_secs(5), "{took:?}");
}

/// A CreateCustomer (no request id) through the client against a server that
/// answers with `reply`: it ends at its timeout, sent once, outcome unknown.
async fn a_create_ends_at_the_timeout_outcome_unknown(reply: fn() -> Reply) {
    let server = TestServer::start(move |_| reply()).await;
    let client = client(server.endpoint(), quick_retries());
    let started = Instant::now();
    let err = client
        .create_customer(create_customer("Org"))
        .with_timeout(Duration::from_millis(300))
        .await
        .unwrap_err();
    ended_at(started.elapsed(), Duration::from_millis(300));
    assert_deadline_exceeded(&err);
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert_eq!(calls_to(&server, "/CreateCustomer"), 1);
}

#[tokio::test]
async fn through_the_client_a_create_a_silent_server_holds_ends_at_the_timeout_outcome_unknown() {
    a_create_ends_at_the_timeout_outcome_unknown(|| Reply::Hang).await;
}

#[tokio::test]
async fn through_the_client_a_response_stalled_mid_message_ends_at_the_timeout() {
    a_create_ends_at_the_timeout_outcome_unknown(|| Reply::Stalled(a_customer())).await;
}

#[tokio::test]
async fn used_on_its_own_with_a_deadline_the_transport_ends_a_stalled_response_itself() {
    let server = TestServer::start(|_| Reply::Stalled(a_customer())).await;
    let t = transport(server.endpoint());
    let started = Instant::now();
    let err = t
        .create_customer(create_customer("Org"), within(Duration::from_millis(300)))
        .await
        .unwrap_err();
    ended_at(started.elapsed(), Duration::from_millis(300));
    assert_deadline_exceeded(&err);
    assert!(err.is_outcome_unknown(), "{err:?}");
}

#[tokio::test]
async fn retries_of_an_unavailable_server_stop_at_the_timeout() {
    let server = TestServer::start(|_| Reply::status(14, "busy", None)).await;
    let retry = RetryPolicy::default()
        .with_jitter(false)
        .with_max_attempts(100);
    let client = client(server.endpoint(), retry);
    let started = Instant::now();
    let err = client
        .get_customer(get_customer())
        .with_timeout(Duration::from_millis(1500))
        .await
        .unwrap_err();
    ended_at(started.elapsed(), Duration::from_millis(1500));
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    // Attempts at 0 s and 1 s; the next would start after the deadline.
    assert_eq!(calls_to(&server, "/GetCustomer"), 2);
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_a_create() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = client(format!("http://{addr}"), quick_retries());
    let started = Instant::now();
    let err = client
        .create_customer(create_customer("Org"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err:?}");
    assert!(!err.is_outcome_unknown());
    // Four 5 ms backoffs: every attempt was made.
    assert!(started.elapsed() >= Duration::from_millis(20));
}

#[tokio::test]
async fn an_oversize_request_fails_before_sending() {
    let server = TestServer::start(|_| Reply::Message(Vec::new())).await;
    let config = ClientBuilder::new()
        .endpoint(server.endpoint())
        .transport_config();
    let small = GrpcTransport::builder(&config)
        .max_send_message_size(1024)
        .build()
        .unwrap();
    let err = small
        .create_customer(create_customer(&"x".repeat(2000)), CallOptions::new())
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::InvalidRequest, Code::ResourceExhausted)
    );
    assert!(err.message().contains("1024"), "{err}");
    assert!(server.calls().is_empty());
}

#[tokio::test]
async fn a_size_refusal_from_the_server_is_its_status_and_is_not_retried() {
    let server = TestServer::start(|call| {
        if call.path.ends_with("/CreateCustomer") {
            Reply::status(
                Code::ResourceExhausted as i32,
                "grpc: received message larger than max (5000000 vs. 4194304)",
                None,
            )
        } else {
            Reply::status(
                Code::OutOfRange as i32,
                "Error, decoded message length too large: found 5000000 bytes, the limit is: 4194304 bytes",
                None,
            )
        }
    })
    .await;
    let retry = quick_retries().with_retryable_codes([Code::Unavailable, Code::ResourceExhausted]);
    let client = client(server.endpoint(), retry);
    let err = client
        .create_customer(create_customer("Org"))
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Rpc, Code::ResourceExhausted)
    );
    assert_eq!(calls_to(&server, "/CreateCustomer"), 1);
    let err = client.get_customer(get_customer()).await.unwrap_err();
    assert_eq!((err.kind(), err.code()), (ErrorKind::Rpc, Code::OutOfRange));
    assert!(err.message().contains("4194304"), "{err}");
}

#[tokio::test]
async fn a_timeout_of_duration_max_is_sent_as_a_grpc_timeout_of_decades() {
    let server = TestServer::start(|_| Reply::Message(Vec::new())).await;
    let client = client(server.endpoint(), RetryPolicy::none());
    client
        .get_customer(get_customer())
        .with_timeout(Duration::MAX)
        .await
        .unwrap();
    let timeout = server
        .last_call()
        .header("grpc-timeout")
        .unwrap()
        .to_string();
    // Saturated at about 30 years: in minutes, within the header's 8 digits.
    let minutes: u64 = timeout.strip_suffix('M').unwrap().parse().unwrap();
    assert!(minutes > 20 * 365 * 24 * 60, "{timeout}");
    assert!(timeout.len() <= 9, "{timeout}");
}

/// What a gateway in front of the server, or a stream cut short, leaves
/// behind: the request reached the other side and no status came back.
/// None of these may be sent again for a create, and each must say the
/// outcome is unknown.
#[tokio::test]
async fn answers_without_a_status_leave_the_outcome_unknown_and_a_create_is_sent_once() {
    let customer = model::Customer {
        name: "accounts/A1/customers/C1".into(),
        org_display_name: "x".repeat(100),
        ..Default::default()
    }
    .encode_to_vec();
    let cases = [
        ("a gateway's 502", Reply::Http(502)),
        ("a gateway's 504", Reply::Http(504)),
        ("an empty 200 without a status", Reply::Http(200)),
        (
            "a message without a status",
            Reply::NoStatus(customer.clone()),
        ),
        ("a message cut short", Reply::Truncated(customer)),
        (
            "a message that does not decode",
            Reply::Message(vec![0x0a, 0x10, b'a']),
        ),
    ];
    for (case, reply) in cases {
        let server = TestServer::start(move |_| reply.clone()).await;
        let client = client(server.endpoint(), quick_retries());
        let err = client
            .create_customer(create_customer("Org"))
            .await
            .unwrap_err();
        assert!(err.is_outcome_unknown(), "{case}: {err:?}");
        assert_eq!(calls_to(&server, "/CreateCustomer"), 1, "{case}");
    }
}

#[tokio::test]
async fn a_503_without_a_status_is_unavailable_and_retried() {
    let server = TestServer::start(|_| Reply::Http(503)).await;
    let client = client(server.endpoint(), quick_retries());
    let err = client
        .create_customer(create_customer("Org"))
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Rpc, Code::Unavailable)
    );
    assert!(!err.is_outcome_unknown());
    assert_eq!(calls_to(&server, "/CreateCustomer"), 5);
}

/// `emulator` is what `CHANNEL_EMULATOR_HOST` sets: plaintext to any host,
/// so never with credentials, even in a configuration made by hand.
#[tokio::test]
async fn an_emulator_configuration_never_sends_credentials() {
    let server = TestServer::start(|_| Reply::Message(Vec::new())).await;
    let config = channel_core::transport::ClientConfig {
        endpoint: server.endpoint(),
        credentials: Arc::new(StaticToken::new("ya29.secret-token")),
        emulator: true,
        api_key: Some(channel_core::credentials::ApiKey::new("AIza-secret-key")),
        ..channel_core::transport::ClientConfig::default()
    };
    GrpcTransport::new(&config)
        .unwrap()
        .get_customer(get_customer(), CallOptions::new())
        .await
        .unwrap();
    let call = server.last_call();
    assert_eq!(call.header("authorization"), None);
    assert_eq!(call.header("x-goog-api-key"), None);
}
