//! The REST face of the emulator: Google's HTTP/JSON mapping of every RPC,
//! decoded with the same transcoding rules the REST client encodes with,
//! and errors in Google's JSON envelope.

use std::convert::Infallible;
use std::panic::AssertUnwindSafe;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method as HttpMethod, StatusCode, header};
use axum::response::{IntoResponse, Response};
use channel_core::transport::BoxFuture;
use channel_core::{CallOptions, Error, ErrorDetail, Result};
use channel_http::status::{error_envelope, http_status};
use channel_http::transcoding::{RouteMatch, decode_json, verb_of};
use channel_types::json;
use channel_types::rpc::bad_request::FieldViolation;
use channel_types::rpc::{BadRequest, Code};
use hyper::body::Incoming;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::reply::Reply;
use super::router;
use super::system_params::{self, SystemParams};
use crate::engine::Engine;

/// What every REST call needs.
#[derive(Clone)]
struct Rest {
    engine: Engine,
    /// The largest request body accepted, in bytes.
    max_body: usize,
}

/// The service answering every RPC's REST binding, and the emulator's own
/// control surface beside them.
///
/// Every request goes to one handler, which routes it itself: an axum
/// router around it would only add its own routing, extractors and boxed
/// layers to every call. A panic in the handler is answered as
/// [`recover::rest_answer`] says.
#[derive(Clone)]
pub(crate) struct RestService(Rest);

impl RestService {
    /// The REST service over `engine`, taking bodies up to `max_body` bytes.
    pub(crate) fn new(engine: Engine, max_body: usize) -> Self {
        RestService(Rest { engine, max_body })
    }
}

impl tower::Service<Request<Incoming>> for RestService {
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture<'static, std::result::Result<Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<std::result::Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<Incoming>) -> Self::Future {
        let mut answer = Box::pin(handle(self.0.clone(), request.map(Body::new)));
        Box::pin(std::future::poll_fn(move |cx| {
            // Polling only reads and writes the request's own values and
            // the engine, whose lock recovers from poisoning.
            match std::panic::catch_unwind(AssertUnwindSafe(|| answer.as_mut().poll(cx))) {
                Ok(Poll::Ready(response)) => Poll::Ready(Ok(response)),
                Ok(Poll::Pending) => Poll::Pending,
                Err(panic) => Poll::Ready(Ok(super::recover::rest_answer(panic))),
            }
        }))
    }
}

/// Decodes a request as Google's REST servers do: strictly, so a member
/// that names no field or an enum value name the schema lacks is refused
/// with `INVALID_ARGUMENT`, naming the JSON path and the value.
fn decode<Req: DeserializeOwned>(
    route: &RouteMatch,
    query: Option<&str>,
    body: &[u8],
) -> Result<Req> {
    decode_quoting_in_full(route, query, body).map_err(bounded_echo)
}

/// The shared decoders quote what they refuse in full (an unknown query
/// parameter or member, a value that is no integer or enum name); the
/// emulator's errors quote at most a short prefix of any input, so each
/// quoted run of their messages, and a field named by the input, is cut.
fn bounded_echo(error: Error) -> Error {
    use crate::engine::validate::{shorten, shorten_quoted};
    // A message may start with the field it is about, unquoted; a field
    // that is the input (an unknown parameter's name) is cut there first.
    let mut message = error.message().to_string();
    for violation in error.field_violations() {
        let field = &violation.field;
        if let std::borrow::Cow::Owned(cut) = shorten(field) {
            message = message.replace(field.as_str(), &cut);
        }
    }
    let mut bounded = Error::rpc(error.code(), shorten_quoted(&message));
    for detail in error.details() {
        let detail = match detail {
            ErrorDetail::BadRequest(bad) => ErrorDetail::BadRequest(BadRequest {
                field_violations: bad
                    .field_violations
                    .iter()
                    .map(|v| FieldViolation {
                        field: shorten(&v.field).into_owned(),
                        description: shorten_quoted(&v.description).into_owned(),
                        ..v.clone()
                    })
                    .collect(),
            }),
            other => other.clone(),
        };
        bounded = bounded.with_detail(detail);
    }
    bounded
}

fn decode_quoting_in_full<Req: DeserializeOwned>(
    route: &RouteMatch,
    query: Option<&str>,
    body: &[u8],
) -> Result<Req> {
    // What the parsed body no longer shows: a member named twice, and
    // nesting past Google's limit. Paths start at the body's field.
    if let Some(field) = route.binding().body
        && !body.trim_ascii().is_empty()
        && let Err(e) = json::check_text(body)
    {
        let e = match field {
            "*" => e,
            field => e.under(&channel_types::json_name(field)),
        };
        return Err(invalid_json(&e));
    }
    if body.trim_ascii().is_empty()
        && query.is_none_or(str::is_empty)
        && let Some(members) = route.json_members()
    {
        return from_path_alone(route, &members);
    }
    let input = decode_json(route, query, body)?;
    super::names::check(route.method(), &input)?;
    json::from_value_strict(&input).map_err(|e| invalid_json(&e))
}

/// A request that is nothing but its URL path's variables (most reads),
/// read from them as it would be from its JSON form, with the same checks,
/// without building that form.
fn from_path_alone<Req: DeserializeOwned>(
    route: &RouteMatch,
    members: &[(&str, &str)],
) -> Result<Req> {
    super::names::check_path(route)?;
    json::from_string_members_strict(members).map_err(|e| invalid_json(&e))
}

/// A request the strict JSON reader refused, as INVALID_ARGUMENT naming
/// the field by its JSON path.
fn invalid_json(e: &json::JsonError) -> Error {
    let description = e.to_string();
    Error::rpc(Code::InvalidArgument, description.clone()).with_detail(ErrorDetail::BadRequest(
        BadRequest {
            field_violations: vec![FieldViolation {
                field: e.field(),
                description,
                ..Default::default()
            }],
        },
    ))
}

/// Google's JSON errors name fields in `BadRequest` violations by their
/// JSON names (`customer.orgPostalAddress`); the engine, like gRPC, uses
/// proto names. Renamed in the envelope already written, so no detail is
/// decoded or packed again.
fn rename_violations_to_json(envelope: &mut Value) {
    let Some(details) = envelope["error"]
        .get_mut("details")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    for detail in details {
        let is_bad_request = detail
            .get("@type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.ends_with("/google.rpc.BadRequest"));
        let violations = detail
            .get_mut("fieldViolations")
            .and_then(Value::as_array_mut);
        let (true, Some(violations)) = (is_bad_request, violations) else {
            continue;
        };
        for violation in violations {
            if let Some(Value::String(field)) = violation.get_mut("field")
                && field.contains('_')
            {
                *field = channel_types::json_name(field);
            }
        }
    }
}

/// The response, written once the system parameters are known.
fn json<T: Serialize + Send + 'static>(message: T) -> Result<Reply> {
    Ok(Reply::new(message))
}

/// An error as Google's JSON envelope, with the code's HTTP status,
/// indented as Google's front end writes it by default.
pub(crate) fn error_response(error: &Error) -> Response {
    error_response_in(error, &SystemParams::default())
}

/// [`error_response`] as the request's system parameters ask: indented or
/// compact (`prettyPrint`), wrapped for a JSONP `callback` or not.
fn error_response_in(error: &Error, system: &SystemParams) -> Response {
    let status = StatusCode::from_u16(http_status(error.code()))
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut envelope = error_envelope(error);
    if !error.field_violations().is_empty() {
        rename_violations_to_json(&mut envelope);
    }
    envelope_response(status, envelope, system)
}

fn envelope_response(status: StatusCode, envelope: Value, system: &SystemParams) -> Response {
    let text = if system.pretty() {
        serde_json::to_vec_pretty(&envelope)
    } else {
        serde_json::to_vec(&envelope)
    };
    system.write(status, text.unwrap_or_default())
}

/// Why no method answers a path: a name that climbs out of its resource
/// (`.` or `..`, written plainly or encoded) or holds a control character is
/// a bad argument, anything else an unknown method.
fn unrouted(method: &HttpMethod, path: &str) -> Error {
    let bad_segment = path.split('/').find_map(|raw| {
        let decoded = percent_encoding::percent_decode_str(raw).decode_utf8_lossy();
        decoded
            .split('/')
            .filter(|segment| !segment.is_empty())
            .find_map(channel_types::methods::segment_problem)
    });
    match bad_segment {
        Some(problem) => Error::rpc(
            Code::InvalidArgument,
            format!(
                "{method} {}: {problem}; a resource name never has such a segment",
                crate::engine::validate::shorten(path)
            ),
        ),
        None => Error::rpc(
            Code::NotFound,
            format!(
                "no Cloud Channel method answers {method} {}",
                crate::engine::validate::shorten(path)
            ),
        ),
    }
}

/// Answers a failed call: an error envelope, or no answer at all when the
/// apply-then-drop fault struck.
fn reply_error(error: Error, system: &SystemParams) -> Response {
    if crate::engine::is_dropped(&error) {
        // The change was applied; the connection goes without an answer.
        // Once cut, the socket takes no more bytes: this answer is only
        // for a call that came without a connection.
        super::conn::cut_current_connection();
        return (StatusCode::SERVICE_UNAVAILABLE, "").into_response();
    }
    error_response_in(&error, system)
}

/// A body larger than this past the limit is not read to its end: the
/// connection is closed instead.
const DRAIN_BYTES: usize = 64 << 20;
/// How long the rest of a body too large is read for.
const DRAIN_TIME: Duration = Duration::from_secs(10);

/// Why a body was not read.
enum BodyError {
    TooLarge(usize),
    Unreadable(axum::Error),
    /// A `Content-Encoding` other than gzip, or gzip data that is not.
    Encoding(Error),
}

/// The body as sent, undone from its `Content-Encoding`: Google's front end
/// takes gzip-compressed requests, so a body may come compressed; the
/// limit bounds what it inflates to.
fn decompressed(
    headers: &HeaderMap,
    body: Vec<u8>,
    limit: usize,
) -> std::result::Result<Vec<u8>, BodyError> {
    use std::io::Read;
    let Some(encoding) = headers.get(header::CONTENT_ENCODING) else {
        return Ok(body);
    };
    let encoding = encoding.to_str().unwrap_or_default().trim();
    if body.is_empty() || encoding.is_empty() || encoding.eq_ignore_ascii_case("identity") {
        return Ok(body);
    }
    if !encoding.eq_ignore_ascii_case("gzip") {
        return Err(BodyError::Encoding(Error::invalid_request(
            "Content-Encoding",
            format!(
                "unsupported content encoding {:?}; send the body as it is or compressed with gzip",
                crate::engine::validate::shorten(encoding)
            ),
        )));
    }
    let mut inflated = Vec::new();
    // Every member: gzip members end to end are one stream (RFC 1952),
    // and bytes after the last one are no gzip data.
    let read = flate2::read::MultiGzDecoder::new(body.as_slice())
        .take(limit as u64 + 1)
        .read_to_end(&mut inflated);
    match read {
        Ok(n) if n > limit => Err(BodyError::TooLarge(limit)),
        Ok(_) => Ok(inflated),
        Err(e) => Err(BodyError::Encoding(Error::invalid_request(
            "Content-Encoding",
            format!("the body is not the gzip data its Content-Encoding says: {e}"),
        ))),
    }
}

/// Reads a request body of at most `limit` bytes. A larger one is read to
/// its end (within bounds) and thrown away, so the client, still sending,
/// gets to read the refusal instead of a reset connection.
async fn read_body(mut body: Body, limit: usize) -> std::result::Result<Vec<u8>, BodyError> {
    use http_body_util::BodyExt;
    let mut bytes = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(BodyError::Unreadable)?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        if bytes.len().saturating_add(data.len()) > limit {
            let drain = async {
                let mut drained = 0usize;
                while let Some(Ok(frame)) = body.frame().await {
                    drained = drained.saturating_add(frame.data_ref().map_or(0, |d| d.len()));
                    if drained > DRAIN_BYTES {
                        break;
                    }
                }
            };
            let _ = tokio::time::timeout(DRAIN_TIME, drain).await;
            return Err(BodyError::TooLarge(limit));
        }
        bytes.extend_from_slice(&data);
    }
    Ok(bytes)
}

async fn handle(rest: Rest, request: Request<Body>) -> Response {
    let engine = &rest.engine;
    // Only what the engine's answer needs is kept while it is awaited: the
    // whole request held across that wait made every call's future too
    // large for the allocator's fast path.
    let (running, system, output) = {
        let (parts, body) = request.into_parts();
        let body = match read_whole_body(&parts, body, rest.max_body).await {
            Ok(body) => body,
            Err(response) => return response,
        };
        match start(engine, &parts, &body) {
            Started::Answered(response) => return response,
            Started::Running {
                running,
                system,
                output,
            } => (running, system, output),
        }
    };
    match running.await {
        Ok(value) => system
            .render(value, output)
            .unwrap_or_else(|error| error_response_in(&error, &system)),
        Err(error) => reply_error(error, &system),
    }
}

/// The body, read to its end and undone from its `Content-Encoding`, or
/// the answer refusing it, written as the query's system parameters ask.
/// A request without a body (most reads) reads nothing: the reading is
/// boxed, so its state costs a call only when there is a body.
async fn read_whole_body(
    parts: &Parts,
    body: Body,
    max_body: usize,
) -> std::result::Result<Vec<u8>, Response> {
    use hyper::body::Body as _;
    let read = if body.is_end_stream() {
        Ok(Vec::new())
    } else {
        Box::pin(read_body(body, max_body)).await
    };
    let refused = match read.and_then(|body| decompressed(&parts.headers, body, max_body)) {
        Ok(body) => return Ok(body),
        Err(refused) => refused,
    };
    // A query refused whole still gives the parameters that were good.
    let system = match system_params::split(parts.uri.query()) {
        Ok((_, system)) => system,
        Err(refused) => refused.params,
    };
    match refused {
        BodyError::TooLarge(limit) => {
            let error = Error::rpc(
                Code::ResourceExhausted,
                format!("the request body is larger than the limit of {limit} bytes"),
            );
            // The envelope carries the HTTP status it came with.
            let mut envelope = error_envelope(&error);
            envelope["error"]["code"] = StatusCode::PAYLOAD_TOO_LARGE.as_u16().into();
            Err(envelope_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                envelope,
                &system,
            ))
        }
        BodyError::Unreadable(e) => Err(error_response_in(
            &Error::invalid_request("body", format!("the request body could not be read: {e}")),
            &system,
        )),
        BodyError::Encoding(error) => Err(error_response_in(&error, &system)),
    }
}

/// How far a request got without waiting.
enum Started<'a> {
    /// Answered already: an error, or the emulator's own control surface.
    Answered(Response),
    /// The engine is at work; its answer is written as `system` asks, as
    /// the message type `output`.
    Running {
        running: Pending<'a>,
        system: SystemParams,
        output: &'static str,
    },
}

/// Routes and decodes a request and starts the engine on it.
fn start<'a>(engine: &'a Engine, parts: &Parts, body: &[u8]) -> Started<'a> {
    let Parts {
        method,
        uri,
        headers,
        ..
    } = parts;
    // The emulator's own control surface shares the port, outside /v1.
    if let Some(path) = uri.path().strip_prefix("/emulator/v1") {
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        return Started::Answered(super::admin::handle(
            engine,
            method,
            path,
            uri.query(),
            content_type,
            body,
        ));
    }
    // Split first, so that every later error is written as they ask.
    let (query, system) = match system_params::split(uri.query()) {
        Ok(split) => split,
        Err(refused) => {
            return Started::Answered(error_response_in(&refused.error, &refused.params));
        }
    };
    let route = verb_of(method).and_then(|verb| router::find(verb, uri.path()));
    let Some(route) = route else {
        return Started::Answered(error_response_in(&unrouted(method, uri.path()), &system));
    };
    let output = route.method().output;
    if let Err(error) = system.check_fields(output) {
        return Started::Answered(error_response_in(&error, &system));
    }
    if engine.config().faults.panic_method.as_deref() == Some(route.method().name) {
        panic!(
            "injected fault: a panic while handling {}",
            route.method().name
        );
    }
    // The engine reads the caller's bearer token and nothing else of the
    // headers, so only that header is handed on.
    let mut options = CallOptions::new();
    for value in headers.get_all(header::AUTHORIZATION) {
        if let Ok(value) = value.to_str() {
            options = options.with_header("authorization", value);
        }
    }
    if let Some(token) = system.bearer_token()
        && !headers.contains_key(header::AUTHORIZATION)
    {
        options = options.with_header("authorization", format!("Bearer {token}"));
    }
    match dispatch(engine, &route, query.as_deref(), body, options) {
        Ok(running) => Started::Running {
            running,
            system,
            output,
        },
        Err(error) => Started::Answered(reply_error(error, &system)),
    }
}

/// The engine's answer to a call under way, kept to be written.
type Pending<'a> = BoxFuture<'a, Result<Reply>>;

/// Starts one call of `method`, the engine's implementation of an RPC,
/// with the request decoded into its type.
fn unary<'a, Req: DeserializeOwned, Resp: Serialize + Send + 'static>(
    engine: &'a Engine,
    route: &RouteMatch,
    query: Option<&str>,
    body: &[u8],
    options: CallOptions,
    method: impl FnOnce(&'a Engine, Req, CallOptions) -> BoxFuture<'a, Result<Resp>>,
) -> Result<Pending<'a>> {
    let answer = method(engine, decode::<Req>(route, query, body)?, options);
    Ok(Box::pin(async move { json(answer.await?) }))
}

// `dispatch`: the method of a route to its `unary`, one arm per RPC.
include!("../generated/rest.rs");

#[cfg(test)]
mod tests {
    use super::*;

    /// Each call's future is boxed; past about 1 KiB the allocator leaves
    /// its per-thread cache for the shared heap, which cost every call
    /// more than routing it. Holding the whole request across the engine's
    /// wait made it 2 KiB.
    #[test]
    fn a_call_s_future_stays_small() {
        let rest = Rest {
            engine: Engine::new(Default::default()),
            max_body: 1024,
        };
        let call = handle(rest, Request::new(Body::empty()));
        let size = std::mem::size_of_val(&call);
        assert!(size <= 1024, "the future of one call is {size} bytes");
    }
}
