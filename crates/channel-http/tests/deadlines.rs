//! Deadlines against servers that misbehave after the request is sent: one
//! that answers its headers and then stalls the body, one that trickles the
//! body a byte at a time, one that refuses every attempt; through the client
//! (whose one timer ends the call) and with the transport used on its own
//! (which then ends the attempt itself).

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use channel_core::credentials::Anonymous;
use channel_core::{CallOptions, Client, CloudChannelService, ErrorKind, RetryPolicy};
use channel_http::HttpTransport;
use channel_types::model::{CreateCustomerRequest, Customer, GetCustomerRequest};
use channel_types::rpc::Code;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::time::Instant;

use support::{Reply, TestServer, config_for};

const TIMEOUT: Duration = Duration::from_millis(300);

/// What the server does after reading a request.
#[derive(Clone, Copy)]
enum Body {
    /// Sends its headers, announces 100 bytes of body and sends none.
    Stalled,
    /// Sends its headers, announces 1,000 bytes and sends one every 20 ms.
    Trickled,
}

/// A raw HTTP/1.1 server on 127.0.0.1 port 0 that answers up to four
/// connections as `body` says; returns its endpoint and the count of
/// requests it read.
async fn misbehaving_server(body: Body) -> (String, Arc<Mutex<usize>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(0));
    let seen = requests.clone();
    tokio::spawn(async move {
        for _ in 0..4 {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let seen = seen.clone();
            tokio::spawn(async move {
                // The request head (and any small body) arrives in one read.
                let mut buffer = vec![0u8; 64 * 1024];
                if socket.read(&mut buffer).await.unwrap_or(0) == 0 {
                    return;
                }
                *seen.lock().unwrap() += 1;
                let head = |length: usize| {
                    format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                         content-length: {length}\r\n\r\n"
                    )
                };
                match body {
                    Body::Stalled => {
                        let _ = socket.write_all(head(100).as_bytes()).await;
                        let _ = socket.write_all(b"{\"name\"").await;
                        // Kept open and silent until the test ends.
                        tokio::time::sleep(Duration::from_secs(60)).await;
                    }
                    Body::Trickled => {
                        let _ = socket.write_all(head(1000).as_bytes()).await;
                        for _ in 0..1000 {
                            tokio::time::sleep(Duration::from_millis(20)).await;
                            if socket.write_all(b" ").await.is_err() {
                                return;
                            }
                        }
                    }
                }
            });
        }
    });
    (endpoint, requests)
}

fn client(endpoint: &str) -> Client {
    Client::builder()
        .endpoint(endpoint)
        .build_with(HttpTransport::new)
        .unwrap()
}

fn transport(endpoint: &str) -> HttpTransport {
    HttpTransport::new(&config_for(endpoint, Arc::new(Anonymous))).unwrap()
}

fn get_customer() -> GetCustomerRequest {
    GetCustomerRequest {
        name: "accounts/A1/customers/C1".into(),
    }
}

fn create_customer() -> CreateCustomerRequest {
    CreateCustomerRequest {
        parent: "accounts/A1".into(),
        customer: Some(Customer::default()),
    }
}

/// Asserts that `err` is the call's own timeout, as DEADLINE_EXCEEDED.
fn assert_deadline_exceeded(err: &channel_core::Error) {
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Timeout, Code::DeadlineExceeded),
        "{err:?}"
    );
}

/// Asserts that `took` ended at the timeout, not before and not long after.
fn ended_at_the_timeout(took: Duration) {
    assert!(took >= TIMEOUT && took < Duration::from_secs(5), "{took:?}");
}

#[tokio::test]
async fn through_the_client_a_stalled_body_ends_at_the_timeout_with_the_outcome_unknown() {
    let (endpoint, requests) = misbehaving_server(Body::Stalled).await;
    let started = Instant::now();
    // CreateCustomer carries no request id: sent twice, it could apply twice.
    let err = client(&endpoint)
        .create_customer(create_customer())
        .with_timeout(TIMEOUT)
        .await
        .unwrap_err();
    ended_at_the_timeout(started.elapsed());
    assert_deadline_exceeded(&err);
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert_eq!(*requests.lock().unwrap(), 1);
}

#[tokio::test]
async fn through_the_client_a_trickled_body_ends_at_the_timeout() {
    let (endpoint, requests) = misbehaving_server(Body::Trickled).await;
    let started = Instant::now();
    let err = client(&endpoint)
        .get_customer(get_customer())
        .with_timeout(TIMEOUT)
        .await
        .unwrap_err();
    ended_at_the_timeout(started.elapsed());
    assert_deadline_exceeded(&err);
    assert_eq!(*requests.lock().unwrap(), 1);
}

#[tokio::test]
async fn used_on_its_own_with_a_deadline_the_transport_ends_a_stalled_body_itself() {
    let (endpoint, _) = misbehaving_server(Body::Stalled).await;
    let started = Instant::now();
    let options = CallOptions::new().with_deadline(Instant::now() + TIMEOUT);
    let err = transport(&endpoint)
        .create_customer(create_customer(), options)
        .await
        .unwrap_err();
    ended_at_the_timeout(started.elapsed());
    assert_deadline_exceeded(&err);
    assert!(err.is_outcome_unknown(), "{err:?}");
}

#[tokio::test]
async fn used_on_its_own_with_a_deadline_the_transport_ends_a_trickled_body_itself() {
    let (endpoint, _) = misbehaving_server(Body::Trickled).await;
    let started = Instant::now();
    let options = CallOptions::new().with_deadline(Instant::now() + TIMEOUT);
    let err = transport(&endpoint)
        .get_customer(get_customer(), options)
        .await
        .unwrap_err();
    ended_at_the_timeout(started.elapsed());
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
}

#[tokio::test]
async fn retries_of_a_refusing_server_stop_at_the_timeout() {
    let server = TestServer::start().await;
    server.reply(Reply::Json(
        503,
        serde_json::json!({"error": {"code": 503, "message": "busy", "status": "UNAVAILABLE"}}),
    ));
    let client = Client::builder()
        .endpoint(server.endpoint())
        .default_retry(
            RetryPolicy::default()
                .with_jitter(false)
                .with_max_attempts(100),
        )
        .build_with(HttpTransport::new)
        .unwrap();
    let started = Instant::now();
    let err = client
        .get_customer(get_customer())
        .with_timeout(Duration::from_millis(1500))
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(1500) && took < Duration::from_secs(5),
        "{took:?}"
    );
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    // More than one attempt, and far fewer than the policy allows.
    let attempts = server.take().len();
    assert!((2..10).contains(&attempts), "{attempts}");
}
