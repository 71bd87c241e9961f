//! From a tonic `Status` to the client's [`Error`].
//!
//! tonic reports two very different things as a `Status`: the status the
//! server sent in its trailers, and a failure on this side (the connection
//! refused or reset, a GOAWAY, a local timeout, a response that would not
//! decode), which tonic dresses up as `UNAVAILABLE`, `UNKNOWN`, `INTERNAL`
//! or `CANCELLED`. The second kind always carries the underlying error as its
//! source, while a status read from trailers never has one: that is how the
//! two are told apart here.
//!
//! Among local failures, only a failure to connect (tonic's `ConnectError`
//! in the source chain) proves the request never left: it is a
//! [`Transport`](channel_core::ErrorKind::Transport) error, safe to retry.
//! Any other lost connection may have carried the request to a server that
//! applied it: [`OutcomeUnknown`](channel_core::ErrorKind::OutcomeUnknown).
//!
//! A third kind has no source either: an answer tonic could not read as a
//! status. A response with an HTTP status and no `grpc-status` (a gateway's
//! 502 or 504), a stream that ends without its status, a message cut short
//! or badly framed: each means the request reached the other side, so the
//! server may have applied it. tonic words them in fixed phrases, which are
//! matched here; the outcome of those calls is unknown.
//!
//! One status exists on both sides: tonic refuses a message over its size
//! limit with `OUT_OF_RANGE` "decoded message length too large", on the
//! client for a response and on a tonic server for a request. Ours names our
//! own receive limit; any other is the server's answer and stays its status.

use std::error::Error as StdError;

use channel_core::Error;
use prost::Message;
use tonic::{Code, Status};

/// A status kept as the cause of an error. tonic's own `Display` of a
/// `Status` lists its fields and its source's `Debug` form, which a cause
/// chain printed for people would show; this shows the status's message,
/// and the status's source comes next in the chain.
#[derive(Debug)]
struct StatusCause(Status);

impl std::fmt::Display for StatusCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.message())
    }
}

impl StdError for StatusCause {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        StdError::source(&self.0)
    }
}

/// Converts the status of a failed call. `deadline_passed` tells whether
/// the call's own deadline is over by now; `receive_limit` is this side's
/// limit on a response message.
pub(crate) fn from_status(status: Status, deadline_passed: bool, receive_limit: usize) -> Error {
    if let Some(source) = StdError::source(&status) {
        if caused_by::<tonic::TimeoutExpired>(source) {
            return Error::timeout("the call's deadline passed before the server answered");
        }
        if caused_by::<prost::DecodeError>(source) {
            let message = status.message().to_string();
            return Error::decode(message, StatusCause(status));
        }
        let root = root_cause(source).to_string();
        let message = if root == status.message() {
            root
        } else {
            format!("{}: {root}", status.message())
        };
        if caused_by::<tonic::ConnectError>(source) {
            return Error::transport(
                format!("could not connect to the server: {message}"),
                StatusCause(status),
            );
        }
        return Error::outcome_unknown(
            format!("the connection to the server failed before it answered: {message}"),
            StatusCause(status),
        );
    }
    if is_broken_answer(&status) {
        return Error::from_status(rpc_status(&status)).into_outcome_unknown();
    }
    if is_own_size_refusal(&status, receive_limit) {
        let message = format!("response refused: {}", status.message());
        return Error::decode(message, StatusCause(status));
    }
    if status.code() == Code::DeadlineExceeded && deadline_passed {
        return Error::timeout(format!("deadline exceeded: {}", status.message()));
    }
    Error::from_status(rpc_status(&status))
}

/// Whether a status is tonic's account of an answer that was not a status:
/// a gateway's 502 or 504 (tonic maps them to `UNAVAILABLE`, like a 503,
/// which is the service saying it is unavailable and stays retryable), a
/// stream without a final status, or a message cut short or badly framed.
fn is_broken_answer(status: &Status) -> bool {
    let message = status.message();
    if let Some(http) =
        message.strip_prefix("grpc-status header missing, mapped from HTTP status code ")
    {
        return matches!(http, "502" | "504");
    }
    match status.code() {
        Code::Unknown | Code::Internal => {
            message.starts_with("protocol error: ")
                || message.starts_with("Error decompressing: ")
                || message == "Unexpected EOF decoding stream."
        }
        _ => false,
    }
}

/// Whether a status is tonic refusing a response over this side's limit
/// (it has no source, so only its words and our limit tell it from the same
/// refusal sent by a tonic server about our request).
fn is_own_size_refusal(status: &Status, receive_limit: usize) -> bool {
    status.code() == Code::OutOfRange
        && status
            .message()
            .starts_with("Error, decoded message length too large")
        && status
            .message()
            .ends_with(&format!("the limit is: {receive_limit} bytes"))
}

/// The `google.rpc.Status` of a status from the server: code and message
/// from the trailers, details from `grpc-status-details-bin`.
fn rpc_status(status: &Status) -> channel_types::rpc::Status {
    let mut rpc = channel_types::rpc::Status {
        code: i32::from(status.code()),
        message: status.message().to_string(),
        details: Vec::new(),
    };
    if status.details().is_empty() {
        return rpc;
    }
    match channel_types::rpc::Status::decode(status.details()) {
        Ok(detailed) => {
            if rpc.message.is_empty() {
                rpc.message = detailed.message;
            }
            rpc.details = detailed.details;
        }
        Err(err) => {
            tracing::debug!(error = %err, "grpc-status-details-bin is not a google.rpc.Status");
        }
    }
    rpc
}

/// The innermost error of `err`'s source chain (the OS error, say).
fn root_cause<'a>(err: &'a (dyn StdError + 'static)) -> &'a (dyn StdError + 'static) {
    let mut root = err;
    // Source chains are short; the bound guards against a cyclic one.
    for _ in 0..32 {
        match root.source() {
            Some(next) => root = next,
            None => break,
        }
    }
    root
}

/// Whether `err` or one of its sources is an `E`.
fn caused_by<E: StdError + 'static>(err: &(dyn StdError + 'static)) -> bool {
    let mut next = Some(err);
    // Source chains are short; the bound guards against a cyclic one.
    for _ in 0..32 {
        match next {
            Some(err) if err.is::<E>() => return true,
            Some(err) => next = err.source(),
            None => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use channel_core::{ErrorDetail, ErrorKind};
    use channel_types::rpc::{BadRequest, ErrorInfo, bad_request::FieldViolation};
    use channel_types::wkt::Any;

    use super::*;

    const LIMIT: usize = 32 * 1024 * 1024;

    fn details() -> channel_types::rpc::Status {
        channel_types::rpc::Status {
            code: Code::FailedPrecondition as i32,
            message: "not suspended".into(),
            details: vec![
                Any::from_msg(&ErrorInfo {
                    reason: "NOT_SUSPENDED".into(),
                    domain: "cloudchannel.googleapis.com".into(),
                    ..Default::default()
                })
                .unwrap(),
                Any::from_msg(&BadRequest {
                    field_violations: vec![FieldViolation {
                        field: "name".into(),
                        description: "required".into(),
                        ..Default::default()
                    }],
                })
                .unwrap(),
            ],
        }
    }

    #[test]
    fn a_failed_connection_s_causes_read_as_sentences_not_field_dumps() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "Connection refused");
        let status = Status::from_error(Box::new(io));
        let err = from_status(status, false, LIMIT);
        let mut causes = Vec::new();
        let mut cause = StdError::source(&err);
        while let Some(c) = cause {
            causes.push(c.to_string());
            cause = c.source();
        }
        assert!(
            causes.iter().any(|c| c == "Connection refused"),
            "{causes:?}"
        );
        for c in &causes {
            assert!(
                !c.contains("source:") && !c.contains("message:"),
                "{causes:?}"
            );
        }
    }

    #[test]
    fn server_status_keeps_code_message_and_details() {
        let status = Status::with_details(
            Code::FailedPrecondition,
            "Entitlement is not suspended.",
            details().encode_to_vec().into(),
        );
        let err = from_status(status, false, LIMIT);
        assert_eq!(err.kind(), ErrorKind::Rpc);
        assert_eq!(err.code(), channel_types::rpc::Code::FailedPrecondition);
        assert_eq!(err.message(), "Entitlement is not suspended.");
        assert_eq!(err.reason(), Some("NOT_SUSPENDED"));
        assert_eq!(err.field_violations()[0].field, "name");
        assert_eq!(err.details().len(), 2);
    }

    #[test]
    fn status_without_details_or_with_garbage_details() {
        let err = from_status(Status::not_found("no such customer"), false, LIMIT);
        assert_eq!(
            (err.kind(), err.code(), err.message()),
            (
                ErrorKind::Rpc,
                channel_types::rpc::Code::NotFound,
                "no such customer"
            )
        );
        assert!(err.details().is_empty());
        let garbage = Status::with_details(Code::Internal, "boom", vec![0xff, 0xff, 0xff].into());
        let err = from_status(garbage, false, LIMIT);
        assert_eq!(err.code(), channel_types::rpc::Code::Internal);
        assert!(err.details().is_empty());
        // Details whose own message is the only message.
        let quiet = Status::with_details(
            Code::FailedPrecondition,
            "",
            details().encode_to_vec().into(),
        );
        assert_eq!(from_status(quiet, false, LIMIT).message(), "not suspended");
    }

    #[test]
    fn local_failures_become_transport_timeout_or_decode() {
        let mut reset = Status::unknown("h2 protocol error");
        reset.set_source(Arc::new(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "reset",
        )));
        let err = from_status(reset, false, LIMIT);
        assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
        assert_eq!(
            err.message(),
            "the connection to the server failed before it answered: h2 protocol error: reset"
        );
        assert!(err.is_outcome_unknown() && !err.is_retryable());

        let mut refused = Status::unavailable("tcp connect error");
        refused.set_source(Arc::new(tonic::ConnectError(Box::new(
            std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused"),
        ))));
        let err = from_status(refused, false, LIMIT);
        assert_eq!(err.kind(), ErrorKind::Transport);
        assert!(err.is_retryable() && !err.is_outcome_unknown());

        let mut timeout = Status::cancelled("Timeout expired");
        timeout.set_source(Arc::new(tonic::TimeoutExpired(())));
        assert_eq!(from_status(timeout, true, LIMIT).kind(), ErrorKind::Timeout);

        let decode_error = channel_types::model::Customer::decode(&[0x0a, 0x05][..]).unwrap_err();
        let mut malformed = Status::internal("malformed response message");
        malformed.set_source(Arc::new(decode_error));
        let err = from_status(malformed, false, LIMIT);
        assert_eq!(err.kind(), ErrorKind::Decode);
        assert!(!err.is_retryable());
    }

    #[test]
    fn a_size_refusal_is_ours_only_when_it_names_our_limit() {
        let ours = Status::out_of_range(format!(
            "Error, decoded message length too large: found 40000000 bytes, the limit is: {LIMIT} bytes"
        ));
        assert_eq!(from_status(ours, false, LIMIT).kind(), ErrorKind::Decode);
        // A tonic server refusing our request says the same words with its
        // own limit: that is the server's status.
        let theirs = Status::out_of_range(
            "Error, decoded message length too large: found 5000000 bytes, the limit is: 4194304 bytes",
        );
        let err = from_status(theirs, false, LIMIT);
        assert_eq!(
            (err.kind(), err.code()),
            (ErrorKind::Rpc, channel_types::rpc::Code::OutOfRange)
        );
        let grpc_go = Status::resource_exhausted(
            "grpc: received message larger than max (5000000 vs. 4194304)",
        );
        let err = from_status(grpc_go, false, LIMIT);
        assert_eq!(
            (err.kind(), err.code()),
            (ErrorKind::Rpc, channel_types::rpc::Code::ResourceExhausted)
        );
    }

    #[test]
    fn deadline_exceeded_is_a_timeout_only_once_the_deadline_passed() {
        let late = from_status(Status::deadline_exceeded("too slow"), true, LIMIT);
        assert_eq!(late.kind(), ErrorKind::Timeout);
        let early = from_status(Status::deadline_exceeded("server gave up"), false, LIMIT);
        assert_eq!(early.kind(), ErrorKind::Rpc);
        assert_eq!(early.code(), channel_types::rpc::Code::DeadlineExceeded);
        assert!(matches!(
            from_status(
                Status::with_details(
                    Code::FailedPrecondition,
                    "x",
                    details().encode_to_vec().into()
                ),
                false,
                LIMIT
            )
            .details()[0],
            ErrorDetail::ErrorInfo(_)
        ));
    }
}
