//! One RPC on its way: the request, its options, and the loop that sends it
//! with retries inside the deadline.

use std::future::IntoFuture;
use std::marker::PhantomData;
use std::time::Duration;

use channel_types::methods::{HttpVerb, Method};
use channel_types::rpc::Code;
use tokio::time::Instant;
use tracing::Instrument;

use crate::future::BoxFuture;
use crate::options::DEFAULT_TIMEOUT;
use crate::options::deadline_after;
use crate::transport::Stubs;
use crate::validation::{self, RequestFields};
use crate::{CallOptions, Client, Error, ErrorKind, Result, RetryPolicy};

/// How a call reaches its service: a method of [`Stubs`].
pub(crate) type Invoke<Req, Resp> =
    for<'a> fn(&'a Stubs, Req, CallOptions) -> BoxFuture<'a, Result<Resp>>;

/// Turns the response into what the caller gets (an operation handle, say).
pub(crate) type Finish<Resp, Out> = fn(&Client, Resp) -> Out;

/// Checks the request before anything is sent (see [`validation`]).
type Check<Req> = fn(&Method, &Req) -> Result<()>;

/// A call ready to send, with the request its method was given: change a field
/// with `set_*` (or all of it with [`with_request`](Self::with_request)), set options with
/// `with_*`, then `.await` it.
///
/// Before anything is sent, the request is checked against its method
/// (path variables match their patterns, required fields are set; see
/// [`validation`](crate::validation)). A failed attempt is retried under the
/// call's [`RetryPolicy`] when the server answered with a retryable status
/// or the request never left; when it was sent and no answer came
/// ([`ErrorKind::OutcomeUnknown`]), only an idempotent method is retried: a
/// read (its HTTP binding is a `GET`) or one whose request carries a
/// `request_id`, which the server uses to recognise a repeat.
///
/// ```no_run
/// # async fn example(client: channel_core::Client) -> channel_core::Result<()> {
/// use std::time::Duration;
/// use channel_types::model::GetCustomerRequest;
///
/// let customer = client
///     .get_customer(GetCustomerRequest::new().set_name("accounts/A1/customers/C1"))
///     .with_timeout(Duration::from_secs(5))
///     .await?;
/// # Ok(()) }
/// ```
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<Req, Resp, Out = Resp> {
    client: Client,
    method: &'static Method,
    request: Req,
    options: CallOptions,
    invoke: Invoke<Req, Resp>,
    check: Check<Req>,
    request_id: Option<fn(&mut Req) -> &mut String>,
    finish: Finish<Resp, Out>,
    output: PhantomData<fn() -> Out>,
}

impl<Req: RequestFields, Resp> Call<Req, Resp, Resp> {
    pub(crate) fn new(
        client: Client,
        method: &'static Method,
        request: Req,
        invoke: Invoke<Req, Resp>,
    ) -> Self {
        Call {
            client,
            method,
            request,
            options: CallOptions::new(),
            invoke,
            check: validation::check_request::<Req>,
            request_id: None,
            finish: |_, response| response,
            output: PhantomData,
        }
    }
}

impl Client {
    /// The call of `method` with `request`, sent through `invoke`: what each
    /// generated RPC method returns.
    pub(crate) fn call<Req: RequestFields, Resp>(
        &self,
        method: &'static Method,
        request: Req,
        invoke: Invoke<Req, Resp>,
    ) -> Call<Req, Resp> {
        Call::new(self.clone(), method, request, invoke)
    }
}

impl<Req, Resp, Out> Call<Req, Resp, Out> {
    /// The same call, resolving to what `finish` makes of the response.
    pub(crate) fn with_finish<Next>(self, finish: Finish<Resp, Next>) -> Call<Req, Resp, Next> {
        Call {
            client: self.client,
            method: self.method,
            request: self.request,
            options: self.options,
            invoke: self.invoke,
            check: self.check,
            request_id: self.request_id,
            finish,
            output: PhantomData,
        }
    }

    pub(crate) fn with_request_id_field(mut self, field: fn(&mut Req) -> &mut String) -> Self {
        self.request_id = Some(field);
        self
    }

    /// Replaces the whole request, for one built as a message (a struct
    /// literal, say) or kept from before; the `set_*` setters change one
    /// field of it.
    pub fn with_request(mut self, request: impl Into<Req>) -> Self {
        self.request = request.into();
        self
    }

    /// Changes the request in place: what the generated `set_*` setters use.
    pub(crate) fn map_request(mut self, change: impl FnOnce(Req) -> Req) -> Self {
        self.request = change(self.request);
        self
    }

    /// Bounds the whole call, retries included (default 60 s).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.options = self.options.with_timeout(timeout);
        self
    }

    /// Replaces the retry policy for this call.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.options = self.options.with_retry(retry);
        self
    }

    /// Adds a request header for this call.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.options = self.options.with_header(name, value);
        self
    }

    /// Sets all options at once (options set before are replaced).
    pub fn with_options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }

    /// The request as it will be sent.
    pub fn request(&self) -> &Req {
        &self.request
    }

    /// The method this call invokes.
    pub fn method(&self) -> &'static Method {
        self.method
    }

    /// A maker of calls like this one (same method and options) for another
    /// request: the next page, say.
    pub(crate) fn with_same_options(&self) -> impl FnOnce(Req) -> Self + Send + 'static
    where
        Req: 'static,
        Resp: 'static,
        Out: 'static,
    {
        let client = self.client.clone();
        let (method, invoke, check, request_id, finish) = (
            self.method,
            self.invoke,
            self.check,
            self.request_id,
            self.finish,
        );
        let options = self.options.clone();
        move |request| Call {
            client,
            method,
            request,
            options,
            invoke,
            check,
            request_id,
            finish,
            output: PhantomData,
        }
    }

    /// Whether sending the request twice cannot apply it twice: a read, or
    /// a request with a `request_id` (always filled in before sending).
    fn is_idempotent(&self) -> bool {
        self.request_id.is_some()
            || self
                .method
                .http
                .first()
                .is_some_and(|binding| binding.verb == HttpVerb::Get)
    }
}

impl<Req, Resp, Out> Call<Req, Resp, Out>
where
    Req: Clone + Send + 'static,
    Resp: Send + 'static,
    Out: Send + 'static,
{
    /// Sends the request; the same as `.await`ing the call.
    pub async fn send(self) -> Result<Out> {
        let finish = self.finish;
        let (response, _, client) = self.run(Keep::No).await?;
        Ok(finish(&client, response))
    }

    /// Sends the request and returns the raw response with the request as
    /// sent (request id filled in), for callers that page or poll further.
    pub(crate) async fn send_raw(self) -> Result<(Resp, Req)> {
        let (response, request, _) = self.run(Keep::Yes).await?;
        // With `Keep::Yes` every attempt sends a copy and the request stays.
        let request = request
            .ok_or_else(|| Error::rpc(Code::Internal, "the request as sent was not kept"))?;
        Ok((response, request))
    }

    /// The call itself; hands the client back so that [`send`](Self::send)
    /// need not hold a second handle on it.
    ///
    /// Only what a call uses is paid for: each attempt's options are one
    /// merge of the call's own over the client's defaults (what a caller of
    /// the transport builds anyway), the request is copied only when another
    /// attempt may need it, the retry policy is looked up after a failure,
    /// and the spans are left out when no subscriber wants them.
    async fn run(mut self, keep: Keep) -> Result<(Resp, Option<Req>, Client)> {
        (self.check)(self.method, &self.request)?;
        if let Some(field) = self.request_id {
            fill_request_id(field(&mut self.request))?;
        }
        let idempotent = self.is_idempotent();
        let Call {
            client,
            method,
            request,
            options,
            invoke,
            ..
        } = self;
        let defaults = client.defaults();
        let timeout = options
            .timeout()
            .or(defaults.timeout())
            .unwrap_or(DEFAULT_TIMEOUT);
        let max_attempts = match options.retry().or(defaults.retry()) {
            Some(retry) => retry.max_attempts(),
            None => RetryPolicy::max_attempts_for(method),
        };
        let started = Instant::now();
        let deadline = deadline_after(started, timeout);
        let span = tracing::info_span!(
            "cloudchannel.call",
            method = method.name,
            service = method.service,
            attempts = tracing::field::Empty,
            code = tracing::field::Empty,
        );
        let attempts = Attempts {
            stubs: client.stubs(),
            method,
            invoke,
            own: &options,
            defaults,
            max_attempts,
            keep,
            idempotent,
            started,
            deadline,
            timeout,
            span: &span,
        };
        let outcome = if span.is_disabled() {
            attempts.run(request).await
        } else {
            attempts.run(request).instrument(span.clone()).await
        };
        outcome.map(|(response, request)| (response, request, client))
    }
}

/// Whether the caller wants the request back after the call.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keep {
    Yes,
    No,
}

/// The retry loop of one call, inside its deadline.
struct Attempts<'a, Req, Resp> {
    stubs: &'a Stubs,
    method: &'static Method,
    invoke: Invoke<Req, Resp>,
    /// The options set on the call.
    own: &'a CallOptions,
    /// The client's defaults, under the call's own.
    defaults: &'a CallOptions,
    /// The most attempts the retry policy allows.
    max_attempts: u32,
    keep: Keep,
    idempotent: bool,
    started: Instant,
    deadline: Instant,
    timeout: Duration,
    /// The call's span (disabled when no subscriber wants it).
    span: &'a tracing::Span,
}

impl<Req: Clone + Send + 'static, Resp: Send + 'static> Attempts<'_, Req, Resp> {
    async fn run(self, request: Req) -> Result<(Resp, Option<Req>)> {
        let Attempts {
            stubs,
            method,
            invoke,
            own,
            defaults,
            max_attempts,
            keep,
            idempotent,
            started,
            deadline,
            timeout,
            span,
        } = self;
        // Looked up after the first failure: most calls never need it.
        let mut retry: Option<RetryPolicy> = None;
        let mut attempt = 0;
        let mut request = Some(request);
        loop {
            attempt += 1;
            // Read only for the event of a failed attempt.
            let attempt_started = tracing::enabled!(tracing::Level::DEBUG).then(Instant::now);
            // A retry needs the request again, so an attempt that may be
            // followed by another sends a copy; the last one sends it.
            let last = attempt >= max_attempts && keep == Keep::No;
            let to_send = match (last, request.take()) {
                (true, Some(request)) => request,
                (false, Some(kept)) => {
                    let copy = kept.clone();
                    request = Some(kept);
                    copy
                }
                (_, None) => {
                    return Err(Error::rpc(
                        Code::Internal,
                        format!("{}: no request left to send", method.name),
                    ));
                }
            };
            let sent = invoke(
                stubs,
                to_send,
                own.clone().or(defaults).for_attempt(deadline, attempt),
            );
            let attempt_span = tracing::debug_span!("cloudchannel.attempt", attempt);
            let outcome = if attempt_span.is_disabled() {
                tokio::time::timeout_at(deadline, sent).await
            } else {
                tokio::time::timeout_at(deadline, sent.instrument(attempt_span)).await
            };
            let error = match outcome {
                Ok(Ok(response)) => {
                    span.record("attempts", attempt).record("code", "OK");
                    tracing::debug!(
                        latency_ms = started.elapsed().as_millis() as u64,
                        "call succeeded"
                    );
                    return Ok((response, request));
                }
                Ok(Err(error)) => error,
                Err(_) => Error::timeout(format!(
                    "{} did not finish within {timeout:?} ({attempt} attempt(s))",
                    method.name
                )),
            };
            if let Some(attempt_started) = attempt_started {
                tracing::debug!(
                    attempt,
                    code = error.code().as_str_name(),
                    latency_ms = attempt_started.elapsed().as_millis() as u64,
                    "attempt failed"
                );
            }
            let retry = retry.get_or_insert_with(|| {
                own.retry()
                    .or(defaults.retry())
                    .cloned()
                    .unwrap_or_else(|| RetryPolicy::for_method(method))
            });
            // A request that may have been applied is sent again only
            // when that cannot apply it twice.
            let may_duplicate = error.kind() == ErrorKind::OutcomeUnknown && !idempotent;
            if may_duplicate || !retry.should_retry(&error, attempt) {
                span.record("attempts", attempt)
                    .record("code", error.code().as_str_name());
                return Err(error);
            }
            let wake = Instant::now().checked_add(retry.delay(attempt, &error));
            match wake {
                Some(wake) if wake < deadline => tokio::time::sleep_until(wake).await,
                _ => {
                    tokio::time::sleep_until(deadline).await;
                    let unknown = error.is_outcome_unknown();
                    return Err(Error::timeout(format!(
                        "{} did not finish within {timeout:?}: no time left to retry after {attempt} attempt(s)",
                        method.name
                    ))
                    .with_source(error)
                    .with_outcome_unknown(unknown));
                }
            }
        }
    }
}

/// Fills an empty request id with a random UUID; refuses one that is not a
/// valid, non-zero UUID in its hyphenated form (the server would refuse
/// it, after a round trip).
fn fill_request_id(id: &mut String) -> Result<()> {
    if id.is_empty() {
        *id = uuid::Uuid::new_v4().to_string();
        return Ok(());
    }
    // `try_parse` also takes the braced, URN and bare-hex spellings.
    let hyphenated = id.len() == uuid::fmt::Hyphenated::LENGTH;
    match uuid::Uuid::try_parse(id) {
        Ok(parsed) if hyphenated && !parsed.is_nil() => Ok(()),
        Ok(parsed) if !parsed.is_nil() => Err(Error::invalid_request(
            "request_id",
            "must be a UUID in its hyphenated form, e.g. 8f6c1f3e-2d4b-4a8e-9c1d-5b7a3e2f1d0c",
        )),
        Ok(_) => Err(Error::invalid_request(
            "request_id",
            "must not be the all-zero UUID",
        )),
        Err(_) => Err(Error::invalid_request(
            "request_id",
            "must be a UUID, e.g. 8f6c1f3e-2d4b-4a8e-9c1d-5b7a3e2f1d0c",
        )),
    }
}

impl<Req, Resp, Out> IntoFuture for Call<Req, Resp, Out>
where
    Req: Clone + Send + 'static,
    Resp: Send + 'static,
    Out: Send + 'static,
{
    type Output = Result<Out>;
    type IntoFuture = BoxFuture<'static, Result<Out>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
