//! The wire log of a response (TRACE events on `cloudchannel::wire`): the
//! headers shown, secrets redacted. Alone in its binary: which callsites a
//! subscriber set for one test sees is decided once per process, so tests
//! on other threads without it could hide its events.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use channel_core::Client;
use channel_http::{HttpTransport, WIRE_TARGET};
use channel_types::model::GetCustomerRequest;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A subscriber that takes the wire events and nothing else, as a filter on
/// the kind of callsite would (`Metadata::is_event`).
struct WireEvents(Arc<Mutex<Vec<String>>>);

impl tracing::Subscriber for WireEvents {
    fn register_callsite(
        &self,
        _: &'static tracing::Metadata<'static>,
    ) -> tracing::subscriber::Interest {
        // Asked each time, never cached for the process.
        tracing::subscriber::Interest::sometimes()
    }

    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        metadata.is_event() && metadata.target() == WIRE_TARGET
    }

    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }

    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        struct Message(String);
        impl tracing::field::Visit for Message {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                if field.name() == "message" {
                    self.0 = format!("{value:?}");
                }
            }
        }
        let mut message = Message(String::new());
        event.record(&mut message);
        self.0.lock().unwrap().push(message.0);
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn a_subscriber_of_events_only_sees_the_response_headers_with_secrets_redacted() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = vec![0u8; 64 * 1024];
        let _ = socket.read(&mut request).await;
        let _ = socket
            .write_all(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\
                  x-served-by: test-server\r\nx-goog-api-key: AIza-secret\r\n\r\n{}",
            )
            .await;
    });
    let events = Arc::new(Mutex::new(Vec::new()));
    let _log = tracing::subscriber::set_default(WireEvents(events.clone()));
    let client = Client::builder()
        .endpoint(endpoint)
        .build_with(HttpTransport::new)
        .unwrap();
    client
        .get_customer(GetCustomerRequest {
            name: "accounts/A1/customers/C1".into(),
        })
        .with_timeout(Duration::from_secs(10))
        .await
        .unwrap();
    let events = events.lock().unwrap();
    let response = events
        .iter()
        .find(|line| line.starts_with("< "))
        .unwrap_or_else(|| panic!("no response in {events:?}"));
    assert!(
        response.contains("\nx-served-by: test-server"),
        "{response}"
    );
    assert!(
        response.contains("\nx-goog-api-key: <redacted>"),
        "{response}"
    );
    assert!(!response.contains("AIza-secret"), "{response}");
}
