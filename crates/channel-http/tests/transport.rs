//! The transport against a local server: headers, binding choice through
//! the client, requests refused before sending, every shape of error
//! response, deadlines, refused connections, size caps, endpoint checks and
//! HTTP/2.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use channel_core::credentials::StaticToken;
use channel_core::{
    CallOptions, Client, CloudChannelService, ErrorDetail, ErrorKind, Operations, RetryPolicy,
};
use channel_http::{HttpTransport, ResponseTooLarge};
use channel_types::methods::cloud_channel_service as ccs;
use channel_types::model::{Customer, GetCustomerRequest, ListCustomersRequest};
use channel_types::rpc::Code;
use serde_json::{Value, json};
use tokio::io::AsyncReadExt;
use tokio::time::Instant;

use support::{Reply, TestServer, config_for};

fn get_customer(name: &str) -> GetCustomerRequest {
    GetCustomerRequest { name: name.into() }
}

#[tokio::test]
async fn client_sends_token_api_client_quota_project_and_call_headers() {
    let server = TestServer::start().await;
    server.reply(Reply::Json(
        200,
        json!({"name": "accounts/A1/customers/C1", "orgDisplayName": "Org"}),
    ));
    let client = Client::builder()
        .endpoint(server.endpoint())
        .credentials(StaticToken::new("secret-token"))
        .quota_project("billing-project")
        .user_agent("my-tool/1.2")
        .default_retry(RetryPolicy::none())
        .build_with(HttpTransport::new)
        .unwrap();
    let customer: Customer = client
        .get_customer(get_customer("accounts/A1/customers/C1"))
        .with_header("x-extra", "yes")
        .await
        .unwrap();
    assert_eq!(customer.org_display_name, "Org");
    let seen = server.take_one();
    assert_eq!(seen.method, "GET");
    assert_eq!(seen.path, "/v1/accounts/A1/customers/C1");
    assert_eq!(seen.header("authorization"), Some("Bearer secret-token"));
    assert_eq!(seen.header("x-goog-user-project"), Some("billing-project"));
    assert_eq!(seen.header("x-extra"), Some("yes"));
    let api_client = seen.header("x-goog-api-client").unwrap();
    assert!(api_client.starts_with("gl-rust/"), "{api_client}");
    assert!(api_client.ends_with(" my-tool/1.2"), "{api_client}");
    assert!(seen.header("user-agent").unwrap().contains("my-tool/1.2"));
    assert_eq!(seen.header("content-type"), None);
    assert!(seen.body.is_empty());
}

#[tokio::test]
async fn anonymous_calls_send_no_authorization() {
    let server = TestServer::start().await;
    let transport = HttpTransport::new(&server.config()).unwrap();
    let _ = transport
        .get_customer(get_customer("accounts/A1/customers/C1"), CallOptions::new())
        .await
        .unwrap();
    let seen = server.take_one();
    assert_eq!(seen.header("authorization"), None);
    assert!(seen.header("x-goog-api-client").is_some());
}

#[tokio::test]
async fn a_call_header_replaces_a_default_of_the_same_name() {
    let server = TestServer::start().await;
    let transport = HttpTransport::new(&server.config()).unwrap();
    let options = CallOptions::new()
        .with_header("x-goog-user-project", "default")
        .with_header("x-goog-user-project", "per-call");
    let _ = transport
        .get_customer(get_customer("accounts/A1/customers/C1"), options)
        .await
        .unwrap();
    let seen = server.take_one();
    let values: Vec<_> = seen.headers.get_all("x-goog-user-project").iter().collect();
    assert_eq!(values, ["per-call"]);
    let bad = CallOptions::new().with_header("x-bad", "line\nbreak");
    let err = transport
        .get_customer(get_customer("accounts/A1/customers/C1"), bad)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(!err.to_string().contains("line"), "{err}");
    assert!(server.take().is_empty());
}

#[tokio::test]
async fn the_binding_follows_the_name_pattern() {
    let server = TestServer::start().await;
    let client = Client::builder()
        .endpoint(server.endpoint())
        .build_with(HttpTransport::new)
        .unwrap();
    let name = "accounts/A1/channelPartnerLinks/L1/customers/C1";
    server.reply(Reply::Json(200, json!({"name": name})));
    let customer = client.get_customer(get_customer(name)).await.unwrap();
    assert_eq!(customer.name, name);
    assert_eq!(server.take_one().path, format!("/v1/{name}"));
    let list = ListCustomersRequest {
        parent: "accounts/A1/channelPartnerLinks/L1".into(),
        page_size: 2,
        ..Default::default()
    };
    server.reply(Reply::Json(200, json!({"customers": [{"name": name}]})));
    let page = client.list_customers(list).await.unwrap();
    assert_eq!(page.customers.len(), 1);
    let seen = server.take_one();
    assert_eq!(
        seen.path,
        "/v1/accounts/A1/channelPartnerLinks/L1/customers"
    );
    assert_eq!(seen.query.as_deref(), Some("pageSize=2"));
}

#[tokio::test]
async fn a_field_matching_no_binding_is_refused_without_sending() {
    let server = TestServer::start().await;
    let transport = HttpTransport::new(&server.config()).unwrap();
    let err = transport
        .get_customer(get_customer("customers/C1"), CallOptions::new())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.code(), Code::InvalidArgument);
    assert_eq!(err.field_violations()[0].field, "name");
    let text = err.to_string();
    assert!(text.contains("accounts/*/customers/*"), "{text}");
    assert!(
        text.contains("accounts/*/channelPartnerLinks/*/customers/*"),
        "{text}"
    );
    let err = transport
        .get_operation(
            channel_types::longrunning::GetOperationRequest::default(),
            CallOptions::new(),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("operations/**"), "{err}");
    // Nothing reached the server, not even with a passed deadline.
    let expired = CallOptions::new().with_deadline(Instant::now());
    let err = transport
        .get_customer(get_customer(""), expired)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(server.take().is_empty());
}

#[tokio::test]
async fn json_error_envelope_keeps_code_message_and_details() {
    let server = TestServer::start().await;
    let transport = HttpTransport::new(&server.config()).unwrap();
    server.reply(Reply::Json(
        400,
        json!({"error": {
            "code": 400,
            "message": "Entitlement is not suspended.",
            "status": "FAILED_PRECONDITION",
            "details": [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "NOT_SUSPENDED",
                    "domain": "cloudchannel.googleapis.com",
                    "metadata": {"entitlement": "accounts/A1/customers/C1/entitlements/E1"}
                },
                {
                    "@type": "type.googleapis.com/google.rpc.BadRequest",
                    "fieldViolations": [{"field": "name", "description": "is wrong"}]
                }
            ]
        }}),
    ));
    let err = transport
        .get_customer(get_customer("accounts/A1/customers/C1"), CallOptions::new())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Rpc);
    assert_eq!(err.code(), Code::FailedPrecondition);
    assert_eq!(err.message(), "Entitlement is not suspended.");
    assert_eq!(err.reason(), Some("NOT_SUSPENDED"));
    assert_eq!(
        err.error_info().unwrap().metadata["entitlement"],
        "accounts/A1/customers/C1/entitlements/E1"
    );
    assert_eq!(err.field_violations()[0].description, "is wrong");
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn an_unknown_detail_type_is_kept_as_other_and_a_malformed_one_skipped() {
    let server = TestServer::start().await;
    let transport = HttpTransport::new(&server.config()).unwrap();
    server.reply(Reply::Json(
        404,
        json!({"error": {
            "code": 404,
            "message": "Customer not found.",
            "status": "NOT_FOUND",
            "details": [
                {"@type": "type.googleapis.com/vendor.FutureDetail", "anything": [1, 2]},
                {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "CUSTOMER_NOT_FOUND"},
                "not even an object"
            ]
        }}),
    ));
    let err = transport
        .get_customer(get_customer("accounts/A1/customers/C1"), CallOptions::new())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound);
    assert_eq!(err.reason(), Some("CUSTOMER_NOT_FOUND"));
    assert_eq!(err.details().len(), 2);
    assert!(
        matches!(&err.details()[0], ErrorDetail::Other(any) if any.type_url.ends_with("vendor.FutureDetail"))
    );
    assert!(matches!(err.details()[1], ErrorDetail::ErrorInfo(_)));
}

#[tokio::test]
async fn non_json_error_bodies_map_the_http_status() {
    let server = TestServer::start().await;
    let transport = HttpTransport::new(&server.config()).unwrap();
    let page = format!(
        "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body>{}</body></html>",
        "é".repeat(2000)
    );
    server.reply(Reply::Raw(502, "text/html", Bytes::from(page)));
    let err = transport
        .get_customer(get_customer("accounts/A1/customers/C1"), CallOptions::new())
        .await
        .unwrap_err();
    // A gateway forwarded the request and got no answer: the server may
    // have applied it.
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::OutcomeUnknown, Code::Unavailable)
    );
    assert!(!err.is_retryable() && err.is_outcome_unknown());
    assert!(
        err.message()
            .starts_with("HTTP 502: <!DOCTYPE html> <html>"),
        "{err}"
    );
    assert!(err.message().contains("502 Bad Gateway"));
    assert!(err.message().len() < 600, "{}", err.message().len());

    server.reply(Reply::Raw(503, "text/plain", Bytes::new()));
    let err = transport
        .get_customer(get_customer("accounts/A1/customers/C1"), CallOptions::new())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unavailable);
    assert_eq!(err.message(), "HTTP 503 with an empty body");
    assert!(
        err.is_retryable(),
        "503: the server did not take the request"
    );

    for (status, code) in [
        (401, Code::Unauthenticated),
        (403, Code::PermissionDenied),
        (409, Code::Aborted),
        (429, Code::ResourceExhausted),
        (501, Code::Unimplemented),
        (418, Code::Unknown),
    ] {
        server.reply(Reply::Raw(
            status,
            "text/plain",
            Bytes::from_static(b"nope"),
        ));
        let err = transport
            .get_customer(get_customer("accounts/A1/customers/C1"), CallOptions::new())
            .await
            .unwrap_err();
        assert_eq!(err.code(), code, "{status}");
        assert_eq!(err.kind(), ErrorKind::Rpc);
    }
}

#[tokio::test]
async fn invalid_or_truncated_json_in_a_success_is_a_decode_error() {
    let server = TestServer::start().await;
    let transport = HttpTransport::new(&server.config()).unwrap();
    for body in [
        &b"{\"name\": \"accounts/A1/cust"[..],
        b"<html>ok</html>",
        b"",
        b"{\"name\": 5}",
    ] {
        server.reply(Reply::Raw(
            200,
            "application/json",
            Bytes::from_static(body),
        ));
        let err = transport
            .get_customer(get_customer("accounts/A1/customers/C1"), CallOptions::new())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
        assert!(err.message().contains("GetCustomer"), "{err}");
    }
    // No content is an empty message.
    server.reply(Reply::Raw(204, "application/json", Bytes::new()));
    let empty = transport
        .delete_customer(
            channel_types::model::DeleteCustomerRequest {
                name: "accounts/A1/customers/C1".into(),
            },
            CallOptions::new(),
        )
        .await
        .unwrap();
    assert_eq!(empty, channel_types::wkt::Empty {});
}

#[tokio::test]
async fn a_create_whose_answer_does_not_decode_is_sent_once_and_its_outcome_unknown() {
    let server = TestServer::start().await;
    let client = Client::builder()
        .endpoint(server.endpoint())
        .default_retry(quick_retries())
        .build_with(HttpTransport::new)
        .unwrap();
    for body in [
        &b"{\"name\": \"accounts/A1/cust"[..],
        b"<html>ok</html>",
        b"null",
    ] {
        server.reply(Reply::Raw(
            200,
            "application/json",
            Bytes::from_static(body),
        ));
        let err = client
            .create_customer(channel_types::model::CreateCustomerRequest {
                parent: "accounts/A1".into(),
                customer: Some(Customer::default()),
            })
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
        assert!(err.is_outcome_unknown(), "{err:?}");
        assert_eq!(server.take().len(), 1);
    }
}

#[tokio::test]
async fn bodies_over_the_cap_are_refused() {
    let server = TestServer::start().await;
    let transport = HttpTransport::builder(&server.config())
        .max_response_size(64 * 1024)
        .build()
        .unwrap();
    // Announced by Content-Length.
    let big = format!("{{\"name\": \"{}\"}}", "x".repeat(100 * 1024));
    server.reply(Reply::Raw(200, "application/json", Bytes::from(big)));
    let err = transport
        .get_customer(get_customer("accounts/A1/customers/C1"), CallOptions::new())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("65536"), "{err}");
    let source = std::error::Error::source(&err).unwrap();
    let too_large = source.downcast_ref::<ResponseTooLarge>().unwrap();
    assert_eq!(too_large.limit, 64 * 1024);
    // Streamed without a length: reading stops at the cap, long before the end.
    server.reply(Reply::Chunks {
        count: 16 * 1024,
        size: 1024,
    });
    let err = transport
        .get_customer(get_customer("accounts/A1/customers/C1"), CallOptions::new())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    let source = std::error::Error::source(&err).unwrap();
    assert_eq!(
        source.downcast_ref::<ResponseTooLarge>().unwrap().announced,
        None
    );
    // Just under the cap is fine.
    let fits = format!("{{\"name\": \"{}\"}}", "x".repeat(60 * 1024));
    server.reply(Reply::Raw(200, "application/json", Bytes::from(fits)));
    let customer = transport
        .get_customer(get_customer("accounts/A1/customers/C1"), CallOptions::new())
        .await
        .unwrap();
    assert_eq!(customer.name.len(), 60 * 1024);
}

#[tokio::test]
async fn a_server_that_never_answers_hits_the_deadline() {
    let server = TestServer::start().await;
    server.reply(Reply::Never);
    let transport = HttpTransport::new(&server.config()).unwrap();
    let options = CallOptions::new().with_deadline(Instant::now() + Duration::from_millis(200));
    let err = transport
        .get_customer(get_customer("accounts/A1/customers/C1"), options)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(err.code(), Code::DeadlineExceeded);
    assert!(!err.is_retryable());
    assert_eq!(server.take().len(), 1);
}

#[tokio::test]
async fn through_the_client_a_server_that_never_answers_ends_at_the_call_timeout() {
    // The client runs the call's one timer; the transport arms none of its own.
    let server = TestServer::start().await;
    server.reply(Reply::Never);
    let client = Client::builder()
        .endpoint(server.endpoint())
        .build_with(HttpTransport::new)
        .unwrap();
    let started = Instant::now();
    let err = client
        .get_customer(get_customer("accounts/A1/customers/C1"))
        .with_timeout(Duration::from_millis(200))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(err.code(), Code::DeadlineExceeded);
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(200) && took < Duration::from_secs(5),
        "{took:?}"
    );
}

#[tokio::test]
async fn a_refused_connection_is_a_retryable_transport_error() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let config = config_for(
        &format!("http://{addr}"),
        Arc::new(StaticToken::new("secret-token")),
    );
    let transport = HttpTransport::new(&config).unwrap();
    let err = transport
        .get_customer(get_customer("accounts/A1/customers/C1"), CallOptions::new())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert_eq!(err.code(), Code::Unavailable);
    assert!(err.is_retryable());
    assert!(!format!("{err} {err:?}").contains("secret-token"));
}

#[tokio::test]
async fn a_connection_closed_before_answering_leaves_the_outcome_unknown() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // Accept a few connections and hang up on each without a word.
    tokio::spawn(async move {
        for _ in 0..4 {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            drop(socket);
        }
    });
    let config = config_for(
        &format!("http://{addr}"),
        Arc::new(channel_core::credentials::Anonymous),
    );
    let transport = HttpTransport::new(&config).unwrap();
    let err = transport
        .get_customer(get_customer("accounts/A1/customers/C1"), CallOptions::new())
        .await
        .unwrap_err();
    // The request was written before the hang-up was seen.
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{err:?}");
    assert_eq!(err.code(), Code::Unavailable);
    assert!(err.is_outcome_unknown());
}

/// A server that reads each request whole, then hangs up without a word:
/// what a server looks like that applied a request and lost its answer.
/// It counts the requests it read; it serves at most 20 connections.
async fn read_then_hang_up() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let read = count.clone();
    tokio::spawn(async move {
        for _ in 0..20 {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let read = read.clone();
            tokio::spawn(async move {
                let mut buffer = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let n =
                        match tokio::time::timeout(Duration::from_secs(5), socket.read(&mut chunk))
                            .await
                        {
                            Ok(Ok(n)) if n > 0 => n,
                            _ => return,
                        };
                    buffer.extend_from_slice(&chunk[..n]);
                    let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else {
                        continue;
                    };
                    let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
                    let length = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    if buffer.len() >= end + 4 + length {
                        break;
                    }
                }
                read.fetch_add(1, Ordering::SeqCst);
            });
        }
    });
    (endpoint, count)
}

fn quick_retries() -> RetryPolicy {
    RetryPolicy::default().with_jitter(false).with_backoff(
        Duration::from_millis(5),
        1.0,
        Duration::from_millis(5),
    )
}

#[tokio::test]
async fn a_create_read_then_dropped_is_sent_once_and_reported_as_outcome_unknown() {
    let (endpoint, read) = read_then_hang_up().await;
    let client = Client::builder()
        .endpoint(endpoint)
        .default_retry(quick_retries())
        .build_with(HttpTransport::new)
        .unwrap();
    let request = channel_types::model::CreateCustomerRequest {
        parent: "accounts/A1".into(),
        customer: Some(Customer {
            org_display_name: "Org".into(),
            ..Default::default()
        }),
    };
    let err = client.create_customer(request).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{err:?}");
    assert!(err.is_outcome_unknown());
    assert_eq!(read.load(Ordering::SeqCst), 1, "sent exactly once");

    // A read cannot be applied twice: it is tried the policy's 5 times.
    let err = client
        .get_customer(get_customer("accounts/A1/customers/C1"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    assert_eq!(read.load(Ordering::SeqCst), 1 + 5);
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_a_create() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = Client::builder()
        .endpoint(format!("http://{addr}"))
        .default_retry(quick_retries())
        .build_with(HttpTransport::new)
        .unwrap();
    let request = channel_types::model::CreateCustomerRequest {
        parent: "accounts/A1".into(),
        customer: Some(Customer::default()),
    };
    let started = Instant::now();
    let err = client.create_customer(request).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err:?}");
    assert!(!err.is_outcome_unknown());
    // Four 5 ms backoffs: every attempt was made.
    assert!(started.elapsed() >= Duration::from_millis(20));
}

#[tokio::test]
async fn an_oversize_request_fails_before_sending_and_a_413_is_not_retried() {
    let server = TestServer::start().await;
    let transport = HttpTransport::builder(&server.config())
        .max_request_size(1024)
        .build()
        .unwrap();
    let big = channel_types::model::CreateCustomerRequest {
        parent: "accounts/A1".into(),
        customer: Some(Customer {
            org_display_name: "x".repeat(2000),
            ..Default::default()
        }),
    };
    let err = transport
        .create_customer(big.clone(), CallOptions::new())
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::InvalidRequest, Code::ResourceExhausted)
    );
    assert!(err.message().contains("1024"), "{err}");
    assert!(server.take().is_empty(), "nothing was sent");

    // The server's own refusal: RESOURCE_EXHAUSTED, and never sent again,
    // even under a policy that retries RESOURCE_EXHAUSTED.
    server.reply(Reply::Raw(
        413,
        "text/plain",
        Bytes::from_static(b"Payload Too Large"),
    ));
    let client = Client::builder()
        .endpoint(server.endpoint())
        .default_retry(
            quick_retries().with_retryable_codes([Code::Unavailable, Code::ResourceExhausted]),
        )
        .build_with(HttpTransport::new)
        .unwrap();
    let err = client.create_customer(big).await.unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Rpc, Code::ResourceExhausted)
    );
    assert!(err.message().contains("Payload Too Large"), "{err}");
    assert_eq!(server.take().len(), 1);
}

#[tokio::test]
async fn a_url_too_long_for_http_is_refused_before_sending_without_echoing_it() {
    let server = TestServer::start().await;
    let transport = HttpTransport::new(&server.config()).unwrap();
    let request = ListCustomersRequest {
        parent: "accounts/A1".into(),
        filter: format!("domain={}", "a".repeat(100_000)),
        ..Default::default()
    };
    let err = transport
        .list_customers(request, CallOptions::new())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    assert!(err.message().contains("65534"), "{err}");
    assert!(err.message().len() < 400, "{} bytes", err.message().len());
    assert!(server.take().is_empty());
}

#[tokio::test]
async fn dot_segments_are_refused_and_other_characters_encoded() {
    let server = TestServer::start().await;
    let transport = HttpTransport::new(&server.config()).unwrap();
    let traversal = "operations/../accounts/A/customers/C";
    let err = transport
        .delete_operation(
            channel_types::longrunning::DeleteOperationRequest {
                name: traversal.into(),
            },
            CallOptions::new(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.field_violations()[0].field, "name");
    let err = transport
        .get_operation(
            channel_types::longrunning::GetOperationRequest {
                name: traversal.into(),
            },
            CallOptions::new(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(server.take().is_empty());

    server.reply(Reply::Json(200, json!({"name": "operations/a%b?c#d"})));
    transport
        .get_operation(
            channel_types::longrunning::GetOperationRequest {
                name: "operations/a%b?c#d".into(),
            },
            CallOptions::new(),
        )
        .await
        .unwrap();
    let seen = server.take_one();
    assert_eq!(seen.path, "/v1/operations/a%25b%3Fc%23d");
    assert_eq!(seen.query, None);
}

/// A redirect would carry the API key (reqwest drops only `authorization`
/// when the host changes) and the token (kept when only the scheme
/// changes) to wherever it points, plaintext included: an API has no
/// business redirecting, so none is followed.
#[tokio::test]
async fn redirects_are_not_followed_so_keys_and_tokens_stay_with_the_endpoint() {
    let elsewhere = TestServer::start().await;
    let server = TestServer::start().await;
    let mut config = server.config();
    config.api_key = Some(channel_core::credentials::ApiKey::new("AIza-secret-key"));
    let transport = HttpTransport::new(&config).unwrap();
    for code in [301, 302, 303, 307, 308] {
        server.reply(Reply::Redirect(
            code,
            format!("{}/v1/accounts/A1/customers/C1", elsewhere.endpoint()),
        ));
        let err = transport
            .get_customer(get_customer("accounts/A1/customers/C1"), CallOptions::new())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Rpc, "{code}: {err:?}");
        assert!(err.message().contains(&format!("HTTP {code}")), "{err}");
        assert_eq!(server.take().len(), 1);
        assert!(elsewhere.take().is_empty(), "{code} was followed");
    }
}

/// `emulator` is what `CHANNEL_EMULATOR_HOST` sets: plaintext to any host,
/// so never with credentials, even in a configuration made by hand.
#[tokio::test]
async fn an_emulator_configuration_never_sends_credentials() {
    let server = TestServer::start().await;
    let mut config = config_for(
        &server.endpoint(),
        Arc::new(StaticToken::new("ya29.secret-token")),
    );
    config.emulator = true;
    config.api_key = Some(channel_core::credentials::ApiKey::new("AIza-secret-key"));
    let transport = HttpTransport::new(&config).unwrap();
    transport
        .get_customer(get_customer("accounts/A1/customers/C1"), CallOptions::new())
        .await
        .unwrap();
    let seen = server.take_one();
    assert_eq!(seen.header("authorization"), None);
    assert_eq!(seen.header("x-goog-api-key"), None);
}

#[tokio::test]
async fn user_information_in_the_endpoint_is_refused_before_connecting() {
    // 192.0.2.1 is a documentation address: nothing is ever sent there.
    let credentials = || -> Arc<dyn channel_core::credentials::Credentials> {
        Arc::new(StaticToken::new("secret-token"))
    };
    for endpoint in [
        "http://localhost:@192.0.2.1/",
        "http://127.0.0.1@192.0.2.1:80",
        "https://localhost:secret@192.0.2.1",
    ] {
        let config = config_for(endpoint, credentials());
        let err = HttpTransport::new(&config).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{endpoint}");
        assert_eq!(err.field_violations()[0].field, "endpoint");
        assert!(err.message().contains("user information"), "{err}");
        assert!(!err.message().contains("secret"), "{err}");
        let allowed = HttpTransport::builder(&config).allow_insecure(true).build();
        assert!(allowed.is_err(), "{endpoint}");
    }
}

#[tokio::test]
async fn endpoints_need_tls_unless_local_or_allowed() {
    let anonymous = || -> Arc<dyn channel_core::credentials::Credentials> {
        Arc::new(channel_core::credentials::Anonymous)
    };
    let remote = config_for("http://10.1.2.3:8080", anonymous());
    let err = HttpTransport::new(&remote).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.field_violations()[0].field, "endpoint");
    assert!(err.to_string().contains("allow_insecure"), "{err}");
    assert!(
        HttpTransport::builder(&remote)
            .allow_insecure(true)
            .build()
            .is_ok()
    );
    let mut emulator = remote.clone();
    emulator.emulator = true;
    assert!(HttpTransport::new(&emulator).is_ok());
    for ok in [
        "http://127.0.0.1:1",
        "http://localhost:8080/",
        "http://[::1]:9",
        "https://cloudchannel.googleapis.com",
    ] {
        let transport = HttpTransport::new(&config_for(ok, anonymous()));
        assert!(transport.is_ok(), "{ok}");
    }
    assert_eq!(
        HttpTransport::new(&config_for("http://localhost:8080/", anonymous()))
            .unwrap()
            .endpoint(),
        "http://localhost:8080"
    );
    for bad in ["ftp://example.com", "not a url", "https://"] {
        assert!(
            HttpTransport::new(&config_for(bad, anonymous())).is_err(),
            "{bad}"
        );
    }
}

#[tokio::test]
async fn a_custom_client_can_speak_http2() {
    let server = TestServer::start().await;
    let http2 = reqwest::Client::builder()
        .http2_prior_knowledge()
        .build()
        .unwrap();
    let transport = HttpTransport::builder(&server.config())
        .http_client(http2)
        .build()
        .unwrap();
    server.reply(Reply::Json(
        200,
        json!({"name": "accounts/A1/customers/C1"}),
    ));
    let customer = transport
        .get_customer(get_customer("accounts/A1/customers/C1"), CallOptions::new())
        .await
        .unwrap();
    assert_eq!(customer.name, "accounts/A1/customers/C1");
    let request = json!({"parent": "accounts/A1", "customer": {"orgDisplayName": "New"}});
    let created: Value = transport
        .unary(&ccs::CREATE_CUSTOMER, &request, CallOptions::new())
        .await
        .unwrap();
    assert_eq!(created["name"], "accounts/A1/customers/C1");
    let seen = server.take();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].json(), Some(json!({"orgDisplayName": "New"})));
}

#[tokio::test]
async fn one_transport_serves_concurrent_calls() {
    let server = TestServer::start().await;
    let transport = HttpTransport::new(&server.config()).unwrap();
    let calls = (0..16).map(|i| {
        let transport = transport.clone();
        async move {
            transport
                .get_customer(
                    get_customer(&format!("accounts/A1/customers/C{i}")),
                    CallOptions::new(),
                )
                .await
        }
    });
    let results = futures_util::future::join_all(calls).await;
    assert!(results.iter().all(Result::is_ok));
    let mut paths: Vec<String> = server.take().into_iter().map(|s| s.path).collect();
    paths.sort();
    assert_eq!(paths.len(), 16);
    assert!(paths.contains(&"/v1/accounts/A1/customers/C15".to_string()));
}

#[tokio::test]
async fn operations_and_reports_go_through_the_same_transport() {
    let server = TestServer::start().await;
    let transport = HttpTransport::new(&server.config()).unwrap();
    server.reply(Reply::Json(
        200,
        json!({"operations": [{"name": "operations/o1", "done": true}], "nextPageToken": "n"}),
    ));
    let page = transport
        .list_operations(
            channel_types::longrunning::ListOperationsRequest {
                name: "operations".into(),
                page_size: 1,
                ..Default::default()
            },
            CallOptions::new(),
        )
        .await
        .unwrap();
    assert_eq!(page.operations[0].name, "operations/o1");
    assert_eq!(page.next_page_token, "n");
    let seen = server.take_one();
    assert_eq!(
        (seen.path.as_str(), seen.query.as_deref()),
        ("/v1/operations", Some("pageSize=1"))
    );
}

#[tokio::test]
async fn a_timeout_of_duration_max_is_no_timeout() {
    let server = TestServer::start().await;
    server.reply(Reply::Json(
        200,
        json!({"name": "accounts/A1/customers/C1"}),
    ));
    let client = Client::builder()
        .endpoint(server.endpoint())
        .build_with(HttpTransport::new)
        .unwrap();
    let customer = client
        .get_customer(get_customer("accounts/A1/customers/C1"))
        .with_timeout(Duration::MAX)
        .with_retry(RetryPolicy::default().with_backoff(Duration::MAX, f64::MAX, Duration::MAX))
        .await
        .unwrap();
    assert_eq!(customer.name, "accounts/A1/customers/C1");
    assert_eq!(server.take().len(), 1);
}
