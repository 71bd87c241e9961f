//! The gRPC face of the emulator: tonic's generated server traits, each
//! method handing its request and metadata to the engine.
//!
//! The trait implementations are generated (`generated/grpc.rs`), each RPC
//! one `GrpcService::unary`.

use std::time::Duration;

use channel_core::transport::BoxFuture;
use channel_core::{CallOptions, Error, Result};
use prost::Message;

use super::conn::{current_grpc_method, cut_current_connection};
use super::names;
use crate::engine::Engine;

/// The engine behind tonic's server traits.
#[derive(Clone, Debug)]
pub(crate) struct GrpcService {
    pub(crate) engine: Engine,
}

impl GrpcService {
    /// Checks a request before the engine sees it, and turns its metadata
    /// into the call's headers (the engine reads the bearer token from
    /// them) and its `grpc-timeout` into the call's deadline.
    fn options<T: serde::Serialize>(
        &self,
        request: &tonic::Request<T>,
    ) -> std::result::Result<CallOptions, tonic::Status> {
        if let Some(method) = current_grpc_method() {
            if self.engine.config().faults.panic_method.as_deref() == Some(method.name) {
                panic!("injected fault: a panic while handling {}", method.name);
            }
            let json = serde_json::to_value(request.get_ref()).map_err(|e| {
                tonic::Status::internal(format!("the request has no JSON form: {e}"))
            })?;
            names::check(method, &json).map_err(|e| status(&e))?;
        }
        let mut options = CallOptions::new();
        for (name, value) in request.metadata().clone().into_headers().iter() {
            if let Ok(value) = value.to_str() {
                options = options.with_header(name.as_str(), value);
            }
        }
        if let Some(deadline) = request
            .metadata()
            .get("grpc-timeout")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_timeout)
            .and_then(|timeout| tokio::time::Instant::now().checked_add(timeout))
        {
            options = options.with_deadline(deadline);
        }
        Ok(options)
    }

    /// One call of `method`, the engine's implementation of an RPC: the
    /// request checked and its metadata read, the answer or the error as
    /// gRPC gives it.
    async fn unary<Req, Resp>(
        &self,
        request: tonic::Request<Req>,
        method: impl for<'a> FnOnce(&'a Engine, Req, CallOptions) -> BoxFuture<'a, Result<Resp>>,
    ) -> std::result::Result<tonic::Response<Resp>, tonic::Status>
    where
        Req: serde::Serialize,
    {
        let options = self.options(&request)?;
        method(&self.engine, request.into_inner(), options)
            .await
            .map(tonic::Response::new)
            .map_err(|e| status(&e))
    }
}

/// `grpc-timeout`: at most 8 digits and a unit (H, M, S, m, u, n), as the
/// gRPC protocol defines it. Anything else is ignored, as tonic and the
/// other gRPC servers do: the call then runs under the server's own bound
/// (`ConnectionLimits::request_timeout`).
pub(crate) fn parse_timeout(text: &str) -> Option<Duration> {
    let (unit, digits) = text.as_bytes().split_last()?;
    if digits.is_empty() || digits.len() > 8 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = digits
        .iter()
        .fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
    Some(match unit {
        b'H' => Duration::from_secs(n * 3600),
        b'M' => Duration::from_secs(n * 60),
        b'S' => Duration::from_secs(n),
        b'm' => Duration::from_millis(n),
        b'u' => Duration::from_micros(n),
        b'n' => Duration::from_nanos(n),
        _ => return None,
    })
}

/// Rewrites the few refusals tonic makes before a handler runs into the
/// codes Google's servers give, and passes every other answer through:
///
/// - a request message over the size limit: tonic says OUT_OF_RANGE; the
///   gRPC protocol, and Google, say RESOURCE_EXHAUSTED;
/// - a request message that is not a valid protobuf encoding of the
///   method's input: tonic says INTERNAL, as if the server were at fault;
///   Google says INVALID_ARGUMENT.
///
/// Both come as a trailers-only response, so only its headers are read.
/// Framing errors (a cut frame, a compressed flag without an encoding)
/// stay INTERNAL, as the gRPC protocol has them.
pub(crate) fn refusals_as_google_gives_them(
    response: http::Response<axum::body::Body>,
    limit: usize,
    method: Option<&channel_types::methods::Method>,
) -> http::Response<axum::body::Body> {
    let headers = response.headers();
    let code = headers.get("grpc-status").map(|c| c.as_bytes());
    let message = headers
        .get("grpc-message")
        .and_then(|m| m.to_str().ok())
        .map(|m| percent_encoding::percent_decode_str(m).decode_utf8_lossy());
    let Some(message) = message else {
        return response;
    };
    if code == Some(b"11") && message.contains("message length too large") {
        return tonic::Status::resource_exhausted(format!(
            "the request message is larger than the limit of {limit} bytes"
        ))
        .into_http();
    }
    if code == Some(b"13")
        && let Some(why) = message.strip_prefix(UNDECODABLE)
    {
        let input = method.map_or("the method's request", |m| m.input);
        return tonic::Status::invalid_argument(format!(
            "Invalid request: the message is not a valid {input}: {}",
            crate::engine::validate::shorten(why)
        ))
        .into_http();
    }
    response
}

/// How tonic's protobuf codec starts the message of a body it cannot decode.
const UNDECODABLE: &str = "failed to decode Protobuf message: ";

/// The engine's error as a gRPC status, details in `grpc-status-details-bin`.
pub(crate) fn status(error: &Error) -> tonic::Status {
    if crate::engine::is_dropped(error) {
        // The change was applied; the connection goes without an answer.
        // Once cut, the socket takes no more bytes: this status is only for
        // a call that came without a connection.
        cut_current_connection();
        return tonic::Status::unavailable("connection dropped");
    }
    let code = tonic::Code::from_i32(error.code() as i32);
    let details = error.to_status().encode_to_vec();
    tonic::Status::with_details(code, error.message(), details.into())
}

// tonic's server traits, one `unary` per RPC.
include!("../generated/grpc.rs");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grpc_timeouts() {
        assert_eq!(parse_timeout("5S"), Some(Duration::from_secs(5)));
        assert_eq!(parse_timeout("250m"), Some(Duration::from_millis(250)));
        assert_eq!(parse_timeout("2H"), Some(Duration::from_secs(7200)));
        assert_eq!(
            parse_timeout("99999999H"),
            Some(Duration::from_secs(99_999_999 * 3600))
        );
        assert_eq!(parse_timeout("x"), None);
        assert_eq!(parse_timeout(""), None);
        assert_eq!(parse_timeout("10Q"), None);
    }

    #[test]
    fn out_of_spec_grpc_timeouts_are_ignored_without_a_panic() {
        for text in [
            "18446744073709551615H",
            "123456789S",
            "H",
            "5",
            "-5S",
            "+5S",
            " 5S",
            "5 S",
            "5€",
            "€",
            "5SS",
            "0x10S",
        ] {
            assert_eq!(parse_timeout(text), None, "{text:?}");
        }
        // The longest valid one still makes a deadline.
        let longest = parse_timeout("99999999H").unwrap();
        assert!(tokio::time::Instant::now().checked_add(longest).is_some());
    }
}
