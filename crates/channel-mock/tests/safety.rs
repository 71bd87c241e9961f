//! The emulator under hostile input, spoken to at the wire level so that no
//! client library tidies the requests first: malformed names, page tokens
//! and timeouts, a panicking handler, the apply-then-drop fault, idle
//! connections, slow headers and oversize requests.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use channel_core::Client;
use channel_core::transport::Stubs;
use channel_mock::{ConnectionLimits, Emulator, EmulatorConfig, Engine, EngineConfig, FaultConfig};
use channel_types::longrunning::DeleteOperationRequest;
use channel_types::model::{
    CreateCustomerRequest, Customer, GetCustomerRequest, ListCustomersRequest,
    ListCustomersResponse, ListProductsRequest, ListProductsResponse,
};
use channel_types::r#type::PostalAddress;
use channel_types::wkt::Empty;
use prost::Message;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const ACCOUNT: &str = "accounts/C0emulator";

fn customer(domain: &str) -> CreateCustomerRequest {
    CreateCustomerRequest {
        parent: ACCOUNT.into(),
        customer: Some(Customer {
            org_display_name: domain.into(),
            org_postal_address: Some(PostalAddress {
                region_code: "US".into(),
                ..Default::default()
            }),
            domain: domain.into(),
            ..Default::default()
        }),
    }
}

fn customer_json(domain: &str) -> String {
    format!(
        r#"{{"orgDisplayName": "{domain}", "orgPostalAddress": {{"regionCode": "US"}}, "domain": "{domain}"}}"#
    )
}

fn client_of(engine: &Engine) -> Client {
    Client::new(Stubs::from_backend(Arc::new(engine.clone())))
}

/// The customers stored, read from a copy of the state without faults.
async fn stored_customers(emulator: &Emulator) -> Vec<Customer> {
    let engine = Engine::with_state(EngineConfig::default(), emulator.engine().snapshot());
    client_of(&engine)
        .list_customers(ListCustomersRequest {
            parent: ACCOUNT.into(),
            ..Default::default()
        })
        .collect_items()
        .await
        .unwrap()
}

/// One HTTP/1.1 request written byte for byte on a fresh connection; the
/// whole answer as received (empty when none came).
async fn raw_http(addr: SocketAddr, method: &str, target: &str, body: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    // A reset connection is no answer either.
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("the server answers or closes within 10 s");
    String::from_utf8_lossy(&answer).into_owned()
}

fn status_of(answer: &str) -> u16 {
    answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

fn envelope_of(answer: &str) -> serde_json::Value {
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {answer}"))
}

/// A unary gRPC call through tonic's bare client: no client-side checks.
async fn grpc_call<Req, Resp>(
    emulator: &Emulator,
    path: &'static str,
    request: Req,
) -> Result<Resp, tonic::Status>
where
    Req: Message + Send + 'static,
    Resp: Message + Default + Send + 'static,
{
    let channel = tonic::transport::Endpoint::from_shared(emulator.grpc_endpoint())
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready().await.unwrap();
    grpc.unary(
        tonic::Request::new(request),
        http::uri::PathAndQuery::from_static(path),
        tonic_prost::ProstCodec::default(),
    )
    .await
    .map(tonic::Response::into_inner)
}

/// A client that speaks HTTP/2 without asking, as gRPC does.
fn h2_client() -> reqwest::Client {
    reqwest::Client::builder()
        .http2_prior_knowledge()
        .build()
        .unwrap()
}

/// A gRPC request sent as plain HTTP/2, headers as given.
async fn raw_grpc(
    client: &reqwest::Client,
    addr: SocketAddr,
    path: &str,
    message: &impl Message,
    headers: &[(&str, &[u8])],
) -> reqwest::Result<reqwest::Response> {
    let payload = message.encode_to_vec();
    let mut frame = vec![0u8];
    frame.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    frame.extend_from_slice(&payload);
    let mut request = client
        .post(format!("http://{addr}{path}"))
        .header("content-type", "application/grpc")
        .header("te", "trailers");
    for (name, value) in headers {
        request = request.header(*name, http::HeaderValue::from_bytes(value).unwrap());
    }
    request.body(frame).send().await
}

async fn emulator_with(engine: EngineConfig, limits: ConnectionLimits) -> Emulator {
    Emulator::start(EmulatorConfig {
        engine,
        limits,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn a_rest_path_with_dot_segments_never_reaches_another_resource() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let created = client_of(emulator.engine())
        .create_customer(customer("kept.example"))
        .await
        .unwrap();
    let id = created.name.rsplit('/').next().unwrap().to_string();
    for (method, target) in [
        (
            "DELETE",
            format!("/v1/operations/../{ACCOUNT}/customers/{id}"),
        ),
        (
            "DELETE",
            format!("/v1/operations/%2E%2E/{ACCOUNT}/customers/{id}"),
        ),
        (
            "DELETE",
            format!("/v1/operations/%2e%2e/{ACCOUNT}/customers/{id}"),
        ),
        (
            "DELETE",
            format!("/v1/operations/.%2E/{ACCOUNT}/customers/{id}"),
        ),
        ("GET", format!("/v1/operations/../{ACCOUNT}/customers/{id}")),
        (
            "POST",
            format!("/v1/operations/./../{ACCOUNT}/customers/{id}:cancel"),
        ),
    ] {
        let answer = raw_http(emulator.http_addr(), method, &target, "").await;
        assert_eq!(status_of(&answer), 400, "{method} {target}: {answer}");
        let envelope = envelope_of(&answer);
        assert_eq!(envelope["error"]["status"], "INVALID_ARGUMENT");
        let message = envelope["error"]["message"].as_str().unwrap();
        assert!(message.contains("segment"), "{message}");
    }
    // Within one segment, an encoded slash or a control character.
    for target in [
        format!("/v1/{ACCOUNT}/customers/x%2F..%2F{id}"),
        format!("/v1/{ACCOUNT}/customers/{id}%00"),
        format!("/v1/{ACCOUNT}/customers/%2E%2E"),
    ] {
        let answer = raw_http(emulator.http_addr(), "GET", &target, "").await;
        assert_eq!(status_of(&answer), 400, "{target}: {answer}");
        let message = envelope_of(&answer)["error"]["message"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            message.contains("accounts/*/customers/*") || message.contains("segment"),
            "{message}"
        );
    }
    assert_eq!(stored_customers(&emulator).await.len(), 1, "still there");
    let answer = raw_http(
        emulator.http_addr(),
        "GET",
        &format!("/v1/{ACCOUNT}/customers/{id}"),
        "",
    )
    .await;
    assert_eq!(status_of(&answer), 200, "{answer}");
    emulator.shutdown().await.unwrap();
}

#[tokio::test]
async fn grpc_names_with_dot_segments_or_control_characters_are_refused_by_the_server() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let created = client_of(emulator.engine())
        .create_customer(customer("kept.example"))
        .await
        .unwrap();
    let status = grpc_call::<_, Empty>(
        &emulator,
        "/google.longrunning.Operations/DeleteOperation",
        DeleteOperationRequest {
            name: format!("operations/../{}", created.name),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(status.code(), tonic::Code::InvalidArgument, "{status:?}");
    assert!(status.message().starts_with("name: "), "{status:?}");

    for name in [
        format!("{ACCOUNT}/customers/.."),
        format!("{ACCOUNT}/customers/S\u{0}"),
        format!("{ACCOUNT}//customers/S1"),
    ] {
        let status = grpc_call::<_, Customer>(
            &emulator,
            "/google.cloud.channel.v1.CloudChannelService/GetCustomer",
            GetCustomerRequest { name: name.clone() },
        )
        .await
        .unwrap_err();
        assert_eq!(status.code(), tonic::Code::InvalidArgument, "{name:?}");
        assert!(
            status.message().contains("accounts/*/customers/*"),
            "{status:?}"
        );
    }
    assert_eq!(stored_customers(&emulator).await.len(), 1);
    emulator.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_page_token_of_multi_byte_characters_is_invalid_argument_on_both_wires() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let answer = raw_http(
        emulator.http_addr(),
        "GET",
        &format!("/v1/{ACCOUNT}/customers?pageToken=%E2%82%AC%E2%82%AC.0000000000000000"),
        "",
    )
    .await;
    assert_eq!(status_of(&answer), 400, "{answer}");
    assert_eq!(envelope_of(&answer)["error"]["status"], "INVALID_ARGUMENT");

    let status = grpc_call::<_, ListCustomersResponse>(
        &emulator,
        "/google.cloud.channel.v1.CloudChannelService/ListCustomers",
        ListCustomersRequest {
            parent: ACCOUNT.into(),
            page_token: "6€.0000000000000000".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(status.code(), tonic::Code::InvalidArgument, "{status:?}");
    // And the servers are still there.
    let answer = raw_http(
        emulator.http_addr(),
        "GET",
        &format!("/v1/{ACCOUNT}/customers"),
        "",
    )
    .await;
    assert_eq!(status_of(&answer), 200, "{answer}");
    emulator.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_out_of_spec_grpc_timeout_is_ignored_and_the_call_served() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let request = ListProductsRequest {
        account: ACCOUNT.into(),
        ..Default::default()
    };
    for timeout in [
        &b"18446744073709551615H"[..],
        b"123456789S",
        b"5Q",
        b"-1S",
        b"H",
        "5€".as_bytes(),
    ] {
        let response = raw_grpc(
            &h2_client(),
            emulator.grpc_addr(),
            "/google.cloud.channel.v1.CloudChannelService/ListProducts",
            &request,
            &[("grpc-timeout", timeout)],
        )
        .await
        .unwrap();
        assert_eq!(response.status(), 200);
        assert!(
            response.headers().get("grpc-status").is_none(),
            "not a trailers-only error: {:?}",
            response.headers()
        );
        let body = response.bytes().await.unwrap();
        let products = ListProductsResponse::decode(body.get(5..).unwrap_or_default()).unwrap();
        assert!(!products.products.is_empty());
    }
    emulator.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_panicking_handler_is_answered_internal_and_the_servers_keep_serving() {
    let emulator = emulator_with(
        EngineConfig {
            faults: FaultConfig {
                panic_method: Some("GetCustomer".into()),
                ..FaultConfig::default()
            },
            ..EngineConfig::default()
        },
        ConnectionLimits::default(),
    )
    .await;
    let name = format!("{ACCOUNT}/customers/S1");
    let answer = raw_http(emulator.http_addr(), "GET", &format!("/v1/{name}"), "").await;
    assert_eq!(status_of(&answer), 500, "{answer}");
    let envelope = envelope_of(&answer);
    assert_eq!(envelope["error"]["status"], "INTERNAL");
    assert_eq!(envelope["error"]["code"], 500);

    let status = grpc_call::<_, Customer>(
        &emulator,
        "/google.cloud.channel.v1.CloudChannelService/GetCustomer",
        GetCustomerRequest { name },
    )
    .await
    .unwrap_err();
    assert_eq!(status.code(), tonic::Code::Internal, "{status:?}");

    let answer = raw_http(
        emulator.http_addr(),
        "GET",
        &format!("/v1/{ACCOUNT}/customers"),
        "",
    )
    .await;
    assert_eq!(status_of(&answer), 200, "{answer}");
    grpc_call::<_, ListCustomersResponse>(
        &emulator,
        "/google.cloud.channel.v1.CloudChannelService/ListCustomers",
        ListCustomersRequest {
            parent: ACCOUNT.into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    emulator.shutdown().await.unwrap();
}

#[tokio::test]
async fn apply_then_drop_applies_the_change_and_sends_no_answer_on_either_wire() {
    let emulator = emulator_with(
        EngineConfig {
            faults: FaultConfig {
                drop_after_apply_rate: 1.0,
                ..FaultConfig::default()
            },
            ..EngineConfig::default()
        },
        ConnectionLimits::default(),
    )
    .await;
    let answer = raw_http(
        emulator.http_addr(),
        "POST",
        &format!("/v1/{ACCOUNT}/customers"),
        &customer_json("rest.example"),
    )
    .await;
    assert_eq!(answer, "", "not a byte of an answer");
    let stored = stored_customers(&emulator).await;
    assert_eq!(stored.len(), 1, "and yet the customer was created");
    assert_eq!(stored[0].domain, "rest.example");

    let sent = raw_grpc(
        &h2_client(),
        emulator.grpc_addr(),
        "/google.cloud.channel.v1.CloudChannelService/CreateCustomer",
        &customer("grpc.example"),
        &[],
    )
    .await;
    assert!(sent.is_err(), "no answer at all, not a status: {sent:?}");
    let stored = stored_customers(&emulator).await;
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().any(|c| c.domain == "grpc.example"));
    emulator.shutdown().await.unwrap();
}

#[tokio::test]
async fn idle_connections_beyond_the_cap_do_not_deny_service_past_the_idle_timeout() {
    let idle_timeout = Duration::from_millis(300);
    let emulator = emulator_with(
        EngineConfig::default(),
        ConnectionLimits {
            max_connections: 8,
            idle_timeout,
            ..ConnectionLimits::default()
        },
    )
    .await;
    let mut idle = Vec::new();
    for _ in 0..50 {
        idle.push(TcpStream::connect(emulator.http_addr()).await.unwrap());
        idle.push(TcpStream::connect(emulator.grpc_addr()).await.unwrap());
    }
    let start = Instant::now();
    let answer = raw_http(
        emulator.http_addr(),
        "GET",
        &format!("/v1/{ACCOUNT}/customers"),
        "",
    )
    .await;
    assert_eq!(status_of(&answer), 200, "{answer}");
    grpc_call::<_, ListCustomersResponse>(
        &emulator,
        "/google.cloud.channel.v1.CloudChannelService/ListCustomers",
        ListCustomersRequest {
            parent: ACCOUNT.into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let waited = start.elapsed();
    // Fifty idle clients ahead, eight at a time, each for the idle timeout.
    assert!(waited < Duration::from_secs(10), "served after {waited:?}");

    // The first ones accepted were closed by the server.
    let mut first = idle.remove(0);
    let mut buffer = [0u8; 16];
    let read = tokio::time::timeout(Duration::from_secs(5), first.read(&mut buffer))
        .await
        .expect("an idle connection is closed");
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    emulator.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    let emulator = emulator_with(
        EngineConfig::default(),
        ConnectionLimits {
            header_read_timeout: Duration::from_millis(300),
            ..ConnectionLimits::default()
        },
    )
    .await;
    let mut stream = TcpStream::connect(emulator.http_addr()).await.unwrap();
    stream
        .write_all(b"GET /v1/accounts/C0emulator/customers HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "the connection is closed within 5 s");
    emulator.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_call_past_the_request_timeout_is_deadline_exceeded() {
    let emulator = emulator_with(
        EngineConfig {
            faults: FaultConfig {
                latency: Duration::from_secs(2),
                ..FaultConfig::default()
            },
            ..EngineConfig::default()
        },
        ConnectionLimits {
            request_timeout: Duration::from_millis(100),
            ..ConnectionLimits::default()
        },
    )
    .await;
    let answer = raw_http(
        emulator.http_addr(),
        "GET",
        &format!("/v1/{ACCOUNT}/customers"),
        "",
    )
    .await;
    assert_eq!(status_of(&answer), 504, "{answer}");
    assert_eq!(envelope_of(&answer)["error"]["status"], "DEADLINE_EXCEEDED");
    let status = grpc_call::<_, ListCustomersResponse>(
        &emulator,
        "/google.cloud.channel.v1.CloudChannelService/ListCustomers",
        ListCustomersRequest {
            parent: ACCOUNT.into(),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(status.code(), tonic::Code::DeadlineExceeded, "{status:?}");
    emulator.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_oversize_request_is_refused_413_over_rest_and_resource_exhausted_over_grpc() {
    let limit = 64 << 10;
    let emulator = emulator_with(
        EngineConfig::default(),
        ConnectionLimits {
            max_request_bytes: limit,
            ..ConnectionLimits::default()
        },
    )
    .await;
    let big = "x".repeat(limit * 3);
    let answer = raw_http(
        emulator.http_addr(),
        "POST",
        &format!("/v1/{ACCOUNT}/customers"),
        &customer_json(&big),
    )
    .await;
    assert_eq!(
        status_of(&answer),
        413,
        "{}",
        &answer[..answer.len().min(300)]
    );
    let envelope = envelope_of(&answer);
    assert_eq!(envelope["error"]["status"], "RESOURCE_EXHAUSTED");
    assert_eq!(envelope["error"]["code"], 413);

    let status = grpc_call::<_, Customer>(
        &emulator,
        "/google.cloud.channel.v1.CloudChannelService/CreateCustomer",
        customer(&big),
    )
    .await
    .unwrap_err();
    assert_eq!(status.code(), tonic::Code::ResourceExhausted, "{status:?}");
    assert!(stored_customers(&emulator).await.is_empty());
    emulator.shutdown().await.unwrap();
}

#[tokio::test]
async fn limits_beyond_any_clock_are_bounded_not_a_panic() {
    let dir = std::env::temp_dir().join(format!("channel-mock-safety-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let emulator = Emulator::start(EmulatorConfig {
        limits: ConnectionLimits {
            idle_timeout: Duration::MAX,
            header_read_timeout: Duration::MAX,
            request_timeout: Duration::MAX,
            keepalive_interval: Some(Duration::MAX),
            keepalive_timeout: Duration::MAX,
            max_connection_age: Some(Duration::MAX),
            shutdown_grace: Duration::MAX,
            ..ConnectionLimits::default()
        },
        state_file: Some(dir.join("state.json")),
        save_every: Some(Duration::MAX),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let answer = raw_http(
        emulator.http_addr(),
        "GET",
        &format!("/v1/{ACCOUNT}/customers"),
        "",
    )
    .await;
    assert_eq!(status_of(&answer), 200, "{answer}");
    grpc_call::<_, ListCustomersResponse>(
        &emulator,
        "/google.cloud.channel.v1.CloudChannelService/ListCustomers",
        ListCustomersRequest {
            parent: ACCOUNT.into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    emulator.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_streaming_call_keeps_its_connection_from_counting_as_idle() {
    use tonic_health::pb::HealthCheckRequest;
    use tonic_health::pb::health_client::HealthClient;

    let idle_timeout = Duration::from_millis(200);
    let emulator = emulator_with(
        EngineConfig::default(),
        ConnectionLimits {
            idle_timeout,
            ..ConnectionLimits::default()
        },
    )
    .await;
    let channel = tonic::transport::Endpoint::from_shared(emulator.grpc_endpoint())
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut health = HealthClient::new(channel);
    let mut watch = health
        .watch(HealthCheckRequest {
            service: String::new(),
        })
        .await
        .unwrap()
        .into_inner();
    let first = watch.message().await.unwrap().unwrap();
    assert_eq!(first.status, 1, "SERVING");
    tokio::time::sleep(idle_timeout * 5).await;
    let next = tokio::time::timeout(Duration::from_millis(100), watch.message()).await;
    assert!(next.is_err(), "the stream is still open: {next:?}");
    drop(watch);
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_apply_then_drop_each_call_is_applied_once_and_a_fifth_go_unanswered() {
    const CALLS: usize = 500;
    let emulator = emulator_with(
        EngineConfig {
            faults: FaultConfig {
                drop_after_apply_rate: 0.2,
                ..FaultConfig::default()
            },
            ..EngineConfig::default()
        },
        ConnectionLimits::default(),
    )
    .await;
    let start = Instant::now();
    let mut unanswered_rest = 0;
    for n in 0..CALLS {
        let answer = raw_http(
            emulator.http_addr(),
            "POST",
            &format!("/v1/{ACCOUNT}/customers"),
            &customer_json(&format!("rest{n}.example")),
        )
        .await;
        match status_of(&answer) {
            200 => {}
            0 if answer.is_empty() => unanswered_rest += 1,
            _ => panic!("{answer}"),
        }
    }
    let mut unanswered_grpc = 0;
    let client = h2_client();
    for n in 0..CALLS {
        let sent = raw_grpc(
            &client,
            emulator.grpc_addr(),
            "/google.cloud.channel.v1.CloudChannelService/CreateCustomer",
            &customer(&format!("grpc{n}.example")),
            &[],
        )
        .await;
        match sent {
            Ok(response) => {
                assert_eq!(response.status(), 200);
                assert!(response.headers().get("grpc-status").is_none());
            }
            Err(_) => unanswered_grpc += 1,
        }
    }
    let stored = stored_customers(&emulator).await;
    eprintln!(
        "{CALLS} calls per wire in {:?}: unanswered REST {unanswered_rest}, gRPC {unanswered_grpc}; stored {}",
        start.elapsed(),
        stored.len()
    );
    assert_eq!(stored.len(), 2 * CALLS, "every call applied exactly once");
    // 20% of 500 is 100, with a standard deviation of about 9.
    for unanswered in [unanswered_rest, unanswered_grpc] {
        assert!((50..=150).contains(&unanswered), "{unanswered}");
    }
    emulator.shutdown().await.unwrap();
}

/// A URL path for a binding's template, each variable's `*` and `**`
/// replaced by `segment`.
fn render(template: &str, segment: &str) -> String {
    let mut path = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        path.push_str(&rest[..open]);
        let close = rest[open..].find('}').unwrap() + open;
        let variable = &rest[open + 1..close];
        let pattern = variable.split_once('=').map_or("*", |(_, p)| p);
        let filled: Vec<&str> = pattern
            .split('/')
            .map(|part| if part.contains('*') { segment } else { part })
            .collect();
        path.push_str(&filled.join("/"));
        rest = &rest[close + 1..];
    }
    path.push_str(rest);
    path
}

#[tokio::test]
async fn no_hostile_request_to_any_method_makes_the_rest_server_fail() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let segments = [
        "C0emulator",
        "%E2%82%AC",
        "%00",
        "%2E%2E",
        "a%2F..%2Fb",
        "%FF",
    ];
    let suffixes = [
        "",
        "?pageSize=99999999999999999999",
        "?pageSize=-5&pageToken=%E2%82%AC%E2%82%AC.0000000000000000",
        "?readMask=%E2%82%AC,,a..b",
    ];
    let bodies = [
        "",
        "[]",
        "null",
        "{\"pageSize\": 2147483647, \"pageToken\": \"€\"}",
        "{\"requestId\": \"€\", \"parameters\": [{\"name\": \"num_units\", \"value\": {\"int64Value\": \"9223372036854775807\"}}]}",
        "\u{0}{",
    ];
    let mut calls = 0;
    for method in channel_types::methods::ALL {
        for binding in method.http {
            for (i, segment) in segments.iter().enumerate() {
                let target = format!(
                    "{}{}",
                    render(binding.path, segment),
                    suffixes[i % suffixes.len()]
                );
                let body = bodies[i % bodies.len()];
                let answer =
                    raw_http(emulator.http_addr(), binding.verb.as_str(), &target, body).await;
                let status = status_of(&answer);
                assert!(
                    status != 0 && status < 500,
                    "{} {} {target} {body:?}: {answer}",
                    method.name,
                    binding.verb.as_str()
                );
                calls += 1;
            }
        }
    }
    assert!(calls > 300, "{calls} requests");
    emulator.shutdown().await.unwrap();
}

/// A gRPC call whose body is the given bytes, framed or not; the status
/// code and message it gets.
async fn grpc_bytes(addr: SocketAddr, path: &str, body: Vec<u8>) -> (String, String) {
    let response = h2_client()
        .post(format!("http://{addr}{path}"))
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(body)
        .send()
        .await
        .unwrap();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| {
                percent_encoding::percent_decode(v.as_bytes())
                    .decode_utf8_lossy()
                    .into_owned()
            })
            .unwrap_or_default()
    };
    (header("grpc-status"), header("grpc-message"))
}

fn framed(payload: &[u8]) -> Vec<u8> {
    let mut frame = vec![0u8];
    frame.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    frame.extend_from_slice(payload);
    frame
}

#[tokio::test]
async fn a_grpc_message_that_does_not_decode_is_invalid_argument_and_bad_framing_internal() {
    let emulator = emulator_with(EngineConfig::default(), ConnectionLimits::default()).await;
    let path = "/google.cloud.channel.v1.CloudChannelService/GetCustomer";
    for payload in [
        &b"\xff\xff\xff"[..], // a varint that never ends
        &b"\x0f\x00"[..],     // wire type 7
        &b"\x0a\x01\xff"[..], // a name that is not UTF-8
        &b"\x0a\x64abc"[..],  // a name longer than the message
    ] {
        let (code, message) = grpc_bytes(emulator.grpc_addr(), path, framed(payload)).await;
        assert_eq!(code, "3", "{payload:?}: {message}");
        assert!(
            message.contains("not a valid google.cloud.channel.v1.GetCustomerRequest"),
            "{message}"
        );
    }
    // A frame cut short or flagged compressed without an encoding is a
    // protocol error, INTERNAL as gRPC has it; either way an answer comes.
    for body in [
        b"\x00\x00\x00\x00\x64\x0a\x01".to_vec(),
        b"\x01\x00\x00\x00\x02\x0a\x00".to_vec(),
        b"\x00\x00".to_vec(),
    ] {
        let (code, message) = grpc_bytes(emulator.grpc_addr(), path, body.clone()).await;
        assert_eq!(code, "13", "{body:?}: {message}");
    }
    emulator.shutdown().await.unwrap();
}

/// A request with no body and no query parameter (most reads) is read
/// straight from its URL path; it must be answered exactly as the same
/// request with an empty JSON body, which is read through its JSON form.
#[tokio::test]
async fn a_request_that_is_only_its_path_is_read_as_its_json_form_would_be() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let mut compared = 0;
    for method in channel_types::methods::ALL {
        for binding in method.http {
            // A body that sets nothing: `null` leaves a body field unset.
            let empty = match binding.body {
                Some("*") | None => "{}",
                Some(_) => "null",
            };
            let huge = "n".repeat(5000);
            let segments = [
                "C0emulator",
                "x",
                "%00",
                "%0A",
                "%7F",
                "%2E%2E",
                "%2E",
                "a%2Fb",
                "a%2F%2Fb",
                "a%2F",
                "%2Fa",
                "a%2F..%2Fb",
                "%E2%82%AC",
                "%C3%28",
                "%25",
                "%20",
                huge.as_str(),
            ];
            // Only system parameters, or nothing at all, after the `?`:
            // the request is still nothing but its path.
            let queries = [
                "",
                "?",
                "?&",
                "?$alt=json;enum-encoding=int",
                "?$alt=json%3Benum-encoding%3Dint",
                "?alt=json&prettyPrint=false",
                "?fields=name",
                "?key=k&quotaUser=q",
                "?access_token=t",
                "?callback=cb",
                "?$alt=proto",
            ];
            let cases = segments.iter().map(|s| (*s, "")).chain(
                ["C0emulator", "%2E%2E", "a%2F%2Fb"]
                    .into_iter()
                    .flat_map(|s| queries.iter().map(move |q| (s, *q))),
            );
            for (segment, query) in cases {
                let target = format!("{}{query}", render(binding.path, segment));
                let verb = binding.verb.as_str();
                let alone = raw_http(emulator.http_addr(), verb, &target, "").await;
                // Whitespace is no body either.
                let blank = raw_http(emulator.http_addr(), verb, &target, " \r\n\t").await;
                let with_body = raw_http(emulator.http_addr(), verb, &target, empty).await;
                let what = format!("{} {verb} {target}", method.name);
                assert_eq!(status_of(&alone), status_of(&with_body), "{what}");
                assert_eq!(status_of(&blank), status_of(&with_body), "{what}");
                let body = |answer: &str| answer.split_once("\r\n\r\n").map(|(_, b)| b.to_string());
                if status_of(&alone) != 200 || binding.verb == channel_types::methods::HttpVerb::Get
                {
                    assert_eq!(body(&alone), body(&with_body), "{what}");
                    assert_eq!(body(&blank), body(&with_body), "{what}");
                }
                compared += 1;
            }
        }
    }
    assert!(compared > 2000, "{compared} requests");
    emulator.shutdown().await.unwrap();
}
