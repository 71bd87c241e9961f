//! What a call tells a tracing subscriber that wants its spans: the call's
//! span names the method and service and ends with the number of attempts
//! and the final code; each attempt has a span of its own.
//!
//! The subscriber here is a small recorder rather than a formatting one, so
//! the tests read the fields' values themselves.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex};

use channel_core::transport::{BoxFuture, Stubs};
use channel_core::{CallOptions, Client, CloudChannelService, Error, Result, RetryPolicy};
use channel_types::model::{Customer, GetCustomerRequest};
use channel_types::rpc::Code;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// One span as the recorder saw it: its name and every field value given
/// to it, at its start or later, in order.
#[derive(Clone, Debug, Default)]
struct SeenSpan {
    name: &'static str,
    fields: Vec<(&'static str, String)>,
}

impl SeenSpan {
    /// The last value given to `field`.
    fn field(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .rev()
            .find(|(name, _)| *name == field)
            .map(|(_, value)| value.as_str())
    }
}

/// A subscriber that wants every span and keeps what it is told of them.
#[derive(Clone, Default)]
struct Recorder {
    spans: Arc<Mutex<Vec<SeenSpan>>>,
}

impl Recorder {
    fn spans(&self, name: &str) -> Vec<SeenSpan> {
        let spans = self.spans.lock().unwrap();
        spans.iter().filter(|s| s.name == name).cloned().collect()
    }
}

/// Writes field values down as text.
struct Values<'a>(&'a mut Vec<(&'static str, String)>);

impl Visit for Values<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push((field.name(), value.to_string()));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.push((field.name(), format!("{value:?}")));
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut seen = SeenSpan {
            name: span.metadata().name(),
            fields: Vec::new(),
        };
        span.record(&mut Values(&mut seen.fields));
        let mut spans = self.spans.lock().unwrap();
        spans.push(seen);
        // Ids start at 1: 0 is not a valid span id.
        Id::from_u64(spans.len() as u64)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut spans = self.spans.lock().unwrap();
        let index = span.into_u64() as usize - 1;
        values.record(&mut Values(&mut spans[index].fields));
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, _: &Event<'_>) {}
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

/// A `CloudChannelService` that answers `GetCustomer` from a script.
struct Scripted(Mutex<VecDeque<Result<Customer>>>);

impl CloudChannelService for Scripted {
    fn get_customer(
        &self,
        request: GetCustomerRequest,
        _: CallOptions,
    ) -> BoxFuture<'_, Result<Customer>> {
        let answer =
            self.0.lock().unwrap().pop_front().unwrap_or_else(|| {
                Err(Error::rpc(Code::Internal, "the script ran out of answers"))
            });
        Box::pin(std::future::ready(answer.map(|customer| Customer {
            name: request.name,
            ..customer
        })))
    }
}

fn client(answers: impl IntoIterator<Item = Result<Customer>>) -> Client {
    let service = Scripted(Mutex::new(answers.into_iter().collect()));
    Client::builder()
        .default_retry(RetryPolicy::default().with_jitter(false))
        .build_with_stubs(Stubs::default().with_channel(Arc::new(service)))
}

fn get() -> GetCustomerRequest {
    GetCustomerRequest {
        name: "accounts/A1/customers/C1".into(),
    }
}

#[tokio::test(start_paused = true)]
async fn a_retried_call_records_its_attempts_and_final_code_on_its_span() {
    let recorder = Recorder::default();
    let _subscribed = tracing::subscriber::set_default(recorder.clone());
    let client = client([
        Err(Error::rpc(Code::Unavailable, "try again")),
        Ok(Customer::default()),
    ]);

    let customer = client.get_customer(get()).await.unwrap();

    assert_eq!(customer.name, "accounts/A1/customers/C1");
    let calls = recorder.spans("cloudchannel.call");
    assert_eq!(calls.len(), 1, "{calls:?}");
    let call = &calls[0];
    assert_eq!(call.field("method"), Some("GetCustomer"));
    assert_eq!(
        call.field("service"),
        Some("google.cloud.channel.v1.CloudChannelService")
    );
    assert_eq!(call.field("attempts"), Some("2"));
    assert_eq!(call.field("code"), Some("OK"));
    let attempts: Vec<_> = recorder
        .spans("cloudchannel.attempt")
        .iter()
        .map(|span| span.field("attempt").map(str::to_string))
        .collect();
    assert_eq!(attempts, [Some("1".to_string()), Some("2".to_string())]);
}

#[tokio::test(start_paused = true)]
async fn a_failed_call_records_the_code_it_ended_with_on_its_span() {
    let recorder = Recorder::default();
    let _subscribed = tracing::subscriber::set_default(recorder.clone());
    let client = client([Err(Error::rpc(Code::NotFound, "no such customer"))]);

    let error = client.get_customer(get()).await.unwrap_err();

    assert_eq!(error.code(), Code::NotFound);
    let calls = recorder.spans("cloudchannel.call");
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].field("attempts"), Some("1"));
    assert_eq!(calls[0].field("code"), Some("NOT_FOUND"));
}
