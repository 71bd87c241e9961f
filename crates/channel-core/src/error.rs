//! The one error type of the client: an RPC status with its decoded details,
//! or a failure that never reached the server (transport, timeout,
//! authentication, decoding, a request refused before sending).

use std::fmt;
use std::time::Duration;

use channel_types::methods::Method;
use channel_types::rpc::{
    BadRequest, Code, DebugInfo, ErrorInfo, Help, LocalizedMessage, PreconditionFailure,
    QuotaFailure, RequestInfo, ResourceInfo, RetryInfo, Status,
};
use channel_types::wkt::{Any, AnyError};
use prost::Name;

use crate::future::BoxFuture;

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The server answered with a non-OK status.
    Rpc,
    /// The server could not be reached and the request was not sent:
    /// connection refused, name resolution or TLS failure, a closed channel.
    /// Retrying is always safe.
    Transport,
    /// The request was sent, or may have been, and no answer came: the
    /// connection was reset or closed, a gateway got no answer from the
    /// server (HTTP 502 or 504), the response was cut short. The server may
    /// have applied it. Such a call is retried only when the method is
    /// idempotent (a read, or a request carrying a `request_id`); otherwise
    /// the caller gets this error and should look at the resource before
    /// trying again. See [`Error::is_outcome_unknown`].
    OutcomeUnknown,
    /// The call's deadline passed (on the client side).
    Timeout,
    /// Credentials could not produce a token.
    Authentication,
    /// A response arrived but could not be decoded. The server received
    /// the request and may have applied it, so
    /// [`Error::is_outcome_unknown`] is true; never retried.
    Decode,
    /// The request was refused before sending: a malformed field, a path
    /// variable that matches no HTTP binding, a missing required field, an
    /// invalid request id (`INVALID_ARGUMENT`), or a request larger than the
    /// transport's limit (`RESOURCE_EXHAUSTED`). Never retried.
    InvalidRequest,
}

/// One decoded entry of `google.rpc.Status.details`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ErrorDetail {
    /// Why the call failed, as a machine-readable reason (e.g. `NOT_SUSPENDED`).
    ErrorInfo(ErrorInfo),
    /// Which request fields were wrong.
    BadRequest(BadRequest),
    /// Which preconditions failed.
    PreconditionFailure(PreconditionFailure),
    /// Which quotas were exceeded.
    QuotaFailure(QuotaFailure),
    /// How long to wait before retrying.
    RetryInfo(RetryInfo),
    /// The resource the error is about.
    ResourceInfo(ResourceInfo),
    /// The server's id for the request.
    RequestInfo(RequestInfo),
    /// Links to documentation.
    Help(Help),
    /// A message translated for the end user.
    LocalizedMessage(LocalizedMessage),
    /// Server-side debugging data.
    DebugInfo(DebugInfo),
    /// A detail of a type this crate does not decode, kept as it came (see
    /// [`UnknownDetail`]).
    Other(UnknownDetail),
}

/// A `Status.details` entry of a type this crate does not decode, kept so
/// that nothing the server said is lost.
///
/// Over gRPC it arrives packed: `value` holds the message's bytes. In a REST
/// error it arrives as proto3 JSON, which has no binary form without the
/// type's schema: `value` is then empty and `json` holds the detail's
/// members (without `"@type"`), written back as they came.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct UnknownDetail {
    /// The detail's type URL, e.g. `type.googleapis.com/vendor.Hint`.
    pub type_url: String,
    /// The packed message, when it came packed.
    pub value: Vec<u8>,
    /// The detail's proto3 JSON members, when it came as JSON.
    pub json: Option<serde_json::Map<String, serde_json::Value>>,
}

impl UnknownDetail {
    /// A detail that came packed in an `Any`.
    pub fn from_any(any: Any) -> Self {
        UnknownDetail {
            type_url: any.type_url,
            value: any.value,
            json: None,
        }
    }

    /// The detail packed in an `Any`; one that came as JSON carries its type
    /// URL alone.
    pub fn to_any(&self) -> Any {
        Any {
            type_url: self.type_url.clone(),
            value: self.value.clone(),
        }
    }
}

impl ErrorDetail {
    /// Decodes one `Any` from `Status.details`; unknown or undecodable types
    /// are kept as [`ErrorDetail::Other`], never dropped.
    pub fn from_any(any: Any) -> Self {
        fn unpack<M: prost::Message + Name + Default>(any: &Any) -> Option<M> {
            any.to_msg::<M>().ok()
        }
        let decoded = match any.type_name() {
            n if n == ErrorInfo::full_name() => unpack(&any).map(ErrorDetail::ErrorInfo),
            n if n == BadRequest::full_name() => unpack(&any).map(ErrorDetail::BadRequest),
            n if n == PreconditionFailure::full_name() => {
                unpack(&any).map(ErrorDetail::PreconditionFailure)
            }
            n if n == QuotaFailure::full_name() => unpack(&any).map(ErrorDetail::QuotaFailure),
            n if n == RetryInfo::full_name() => unpack(&any).map(ErrorDetail::RetryInfo),
            n if n == ResourceInfo::full_name() => unpack(&any).map(ErrorDetail::ResourceInfo),
            n if n == RequestInfo::full_name() => unpack(&any).map(ErrorDetail::RequestInfo),
            n if n == Help::full_name() => unpack(&any).map(ErrorDetail::Help),
            n if n == LocalizedMessage::full_name() => {
                unpack(&any).map(ErrorDetail::LocalizedMessage)
            }
            n if n == DebugInfo::full_name() => unpack(&any).map(ErrorDetail::DebugInfo),
            _ => None,
        };
        decoded.unwrap_or_else(|| ErrorDetail::Other(UnknownDetail::from_any(any)))
    }

    /// Decodes one detail of a REST error (a proto3 JSON object with an
    /// `"@type"`); a type this crate does not know is kept as its JSON in
    /// [`ErrorDetail::Other`]. Fails on a detail that is not such an
    /// object, or whose members do not fit its (known) type.
    ///
    /// ```
    /// use channel_core::ErrorDetail;
    ///
    /// let newer = serde_json::json!({"@type": "type.googleapis.com/vendor.Hint", "x": 1});
    /// let detail = ErrorDetail::from_json(newer.clone())?;
    /// assert!(matches!(&detail, ErrorDetail::Other(d) if d.json.is_some() && d.type_url.ends_with("vendor.Hint")));
    /// assert_eq!(detail.to_json()?, newer);
    /// # Ok::<(), channel_types::wkt::AnyError>(())
    /// ```
    pub fn from_json(value: serde_json::Value) -> Result<Self, AnyError> {
        let members = match &value {
            serde_json::Value::Object(members) => members.clone(),
            _ => return Any::from_json(value).map(ErrorDetail::from_any),
        };
        match Any::from_json(value) {
            Ok(any) => Ok(ErrorDetail::from_any(any)),
            Err(AnyError::UnknownType(type_url)) => {
                let mut json = members;
                json.remove("@type");
                Ok(ErrorDetail::Other(UnknownDetail {
                    type_url,
                    value: Vec::new(),
                    json: Some(json),
                }))
            }
            Err(other) => Err(other),
        }
    }

    /// The detail as a proto3 JSON object, `"@type"` included: what a REST
    /// error carries. A detail kept as JSON is written back as it came.
    pub fn to_json(&self) -> Result<serde_json::Value, AnyError> {
        match self {
            ErrorDetail::Other(UnknownDetail {
                type_url,
                json: Some(members),
                ..
            }) => {
                let mut object = serde_json::Map::new();
                object.insert("@type".into(), serde_json::Value::String(type_url.clone()));
                object.extend(members.clone());
                Ok(serde_json::Value::Object(object))
            }
            _ => self.to_any().to_json(),
        }
    }

    /// Packs the detail back into an `Any`. A detail kept as JSON (see
    /// [`ErrorDetail::Other`]) has no packed form: its `Any` carries the
    /// type URL alone.
    pub fn to_any(&self) -> Any {
        let packed = match self {
            ErrorDetail::ErrorInfo(m) => Any::from_msg(m),
            ErrorDetail::BadRequest(m) => Any::from_msg(m),
            ErrorDetail::PreconditionFailure(m) => Any::from_msg(m),
            ErrorDetail::QuotaFailure(m) => Any::from_msg(m),
            ErrorDetail::RetryInfo(m) => Any::from_msg(m),
            ErrorDetail::ResourceInfo(m) => Any::from_msg(m),
            ErrorDetail::RequestInfo(m) => Any::from_msg(m),
            ErrorDetail::Help(m) => Any::from_msg(m),
            ErrorDetail::LocalizedMessage(m) => Any::from_msg(m),
            ErrorDetail::DebugInfo(m) => Any::from_msg(m),
            ErrorDetail::Other(detail) => return detail.to_any(),
        };
        packed.unwrap_or_default()
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// An error from a Cloud Channel call.
///
/// Every error has a gRPC [`Code`] (errors that never reached the server get
/// the code a Google client would report: `UNAVAILABLE` for transport
/// failures, `DEADLINE_EXCEEDED` for timeouts, and so on), a message, the
/// decoded details of the server's status, and a [`kind`](Error::kind).
///
/// ```
/// use channel_core::{Error, ErrorKind};
/// use channel_types::rpc::Code;
///
/// let err = Error::rpc(Code::FailedPrecondition, "Entitlement is not suspended.")
///     .with_reason("NOT_SUSPENDED", "cloudchannel.googleapis.com");
/// assert_eq!(err.kind(), ErrorKind::Rpc);
/// assert_eq!(err.reason(), Some("NOT_SUSPENDED"));
/// assert_eq!(
///     err.to_string(),
///     "FAILED_PRECONDITION: Entitlement is not suspended. (reason: NOT_SUSPENDED)"
/// );
/// assert!(!err.is_retryable());
/// ```
pub struct Error {
    kind: ErrorKind,
    code: Code,
    message: String,
    details: Vec<ErrorDetail>,
    source: Option<BoxError>,
    outcome_unknown: bool,
}

impl Error {
    fn new(kind: ErrorKind, code: Code, message: impl Into<String>) -> Self {
        Error {
            kind,
            code,
            message: message.into(),
            details: Vec::new(),
            source: None,
            outcome_unknown: kind == ErrorKind::OutcomeUnknown,
        }
    }

    /// An error status returned by the server.
    pub fn rpc(code: Code, message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Rpc, code, message)
    }

    /// A `google.rpc.Status` from the server, its details decoded.
    pub fn from_status(status: Status) -> Self {
        let code = Code::try_from(status.code).unwrap_or(Code::Unknown);
        let mut err = Error::rpc(code, status.message);
        err.details = status
            .details
            .into_iter()
            .map(ErrorDetail::from_any)
            .collect();
        err
    }

    /// A failure to reach the server before the request was sent
    /// (`UNAVAILABLE`); always safe to retry.
    pub fn transport(message: impl Into<String>, source: impl Into<BoxError>) -> Self {
        Error::new(ErrorKind::Transport, Code::Unavailable, message).with_source(source)
    }

    /// A request that was sent, or may have been, without an answer
    /// (`UNAVAILABLE`): see [`ErrorKind::OutcomeUnknown`].
    pub fn outcome_unknown(message: impl Into<String>, source: impl Into<BoxError>) -> Self {
        Error::new(ErrorKind::OutcomeUnknown, Code::Unavailable, message).with_source(source)
    }

    /// The same error, marked as leaving the outcome unknown (kind
    /// [`ErrorKind::OutcomeUnknown`], code, message and details kept): for a
    /// status that came from a gateway rather than the server, such as
    /// HTTP 502 or 504.
    pub fn into_outcome_unknown(mut self) -> Self {
        self.kind = ErrorKind::OutcomeUnknown;
        self.outcome_unknown = true;
        self
    }

    /// The call's deadline passed while the request may have been on its
    /// way: [`is_outcome_unknown`](Self::is_outcome_unknown) is true.
    pub fn timeout(message: impl Into<String>) -> Self {
        let mut err = Error::new(ErrorKind::Timeout, Code::DeadlineExceeded, message);
        err.outcome_unknown = true;
        err
    }

    /// The call's deadline passed before the request was sent.
    pub fn timeout_before_sending(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Timeout, Code::DeadlineExceeded, message)
    }

    /// A request larger than the transport's limit, refused before sending
    /// (`RESOURCE_EXHAUSTED`, kind [`ErrorKind::InvalidRequest`]): sending it
    /// would only have the server refuse it, and retrying cannot help.
    pub fn request_too_large(size: usize, limit: usize) -> Self {
        Error::new(
            ErrorKind::InvalidRequest,
            Code::ResourceExhausted,
            format!("the request is {size} bytes, more than the limit of {limit} bytes"),
        )
    }

    /// Credentials failed to produce a token.
    pub fn authentication(message: impl Into<String>, source: impl Into<BoxError>) -> Self {
        Error::new(ErrorKind::Authentication, Code::Unauthenticated, message).with_source(source)
    }

    /// A response that could not be decoded (`INTERNAL`). The server
    /// answered, so it received the request and may have applied it:
    /// [`is_outcome_unknown`](Self::is_outcome_unknown) is true, and the
    /// call is not retried.
    pub fn decode(message: impl Into<String>, source: impl Into<BoxError>) -> Self {
        let mut err = Error::new(ErrorKind::Decode, Code::Internal, message).with_source(source);
        err.outcome_unknown = true;
        err
    }

    /// A request refused before sending; `field` names the offending field.
    pub fn invalid_request(field: &str, description: impl Into<String>) -> Self {
        let description = description.into();
        let mut err = Error::new(
            ErrorKind::InvalidRequest,
            Code::InvalidArgument,
            format!("{field}: {description}"),
        );
        err.details.push(ErrorDetail::BadRequest(BadRequest {
            field_violations: vec![channel_types::rpc::bad_request::FieldViolation {
                field: field.to_string(),
                description,
                ..Default::default()
            }],
        }));
        err
    }

    /// Adds an `ErrorInfo` detail with this reason and domain.
    pub fn with_reason(mut self, reason: impl Into<String>, domain: impl Into<String>) -> Self {
        self.details.push(ErrorDetail::ErrorInfo(ErrorInfo {
            reason: reason.into(),
            domain: domain.into(),
            ..Default::default()
        }));
        self
    }

    /// Adds a decoded detail.
    pub fn with_detail(mut self, detail: ErrorDetail) -> Self {
        self.details.push(detail);
        self
    }

    /// Sets the underlying cause.
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The gRPC status code.
    pub fn code(&self) -> Code {
        self.code
    }

    /// The message (from the server for RPC errors).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The decoded status details.
    pub fn details(&self) -> &[ErrorDetail] {
        &self.details
    }

    /// The first `ErrorInfo` detail.
    pub fn error_info(&self) -> Option<&ErrorInfo> {
        self.details.iter().find_map(|d| match d {
            ErrorDetail::ErrorInfo(info) => Some(info),
            _ => None,
        })
    }

    /// The `ErrorInfo` reason, e.g. `Some("NOT_SUSPENDED")`.
    pub fn reason(&self) -> Option<&str> {
        self.error_info()
            .map(|i| i.reason.as_str())
            .filter(|r| !r.is_empty())
    }

    /// The field violations of a `BadRequest` detail.
    pub fn field_violations(&self) -> &[channel_types::rpc::bad_request::FieldViolation] {
        self.details
            .iter()
            .find_map(|d| match d {
                ErrorDetail::BadRequest(b) => Some(b.field_violations.as_slice()),
                _ => None,
            })
            .unwrap_or_default()
    }

    /// The delay the server asked for in a `RetryInfo` detail.
    pub fn retry_delay(&self) -> Option<Duration> {
        self.details.iter().find_map(|d| match d {
            ErrorDetail::RetryInfo(r) => r.retry_delay.and_then(|d| d.try_into().ok()),
            _ => None,
        })
    }

    /// Whether retrying the same request may succeed and cannot apply it
    /// twice: `UNAVAILABLE` from the server, or a request that was never
    /// sent. An [`OutcomeUnknown`](ErrorKind::OutcomeUnknown) error is not
    /// retryable in this sense: the request may have been applied.
    pub fn is_retryable(&self) -> bool {
        matches!(self.kind, ErrorKind::Rpc | ErrorKind::Transport) && self.code == Code::Unavailable
    }

    /// Whether the request may have been applied although the call failed:
    /// an [`OutcomeUnknown`](ErrorKind::OutcomeUnknown) error, a
    /// [`Timeout`](ErrorKind::Timeout) that struck once the request may have
    /// left, or a [`Decode`](ErrorKind::Decode) error (an answer came, but
    /// not one that could be read). For a call that changes something, look at the resource before
    /// trying again (or send the same `request_id` again, where the method
    /// has one).
    ///
    /// ```
    /// use channel_core::Error;
    ///
    /// let reset = Error::outcome_unknown("connection reset after sending", "reset");
    /// assert!(reset.is_outcome_unknown() && !reset.is_retryable());
    /// assert!(!Error::transport("connection refused", "refused").is_outcome_unknown());
    /// assert!(Error::timeout("60 s passed").is_outcome_unknown());
    /// assert!(!Error::timeout_before_sending("no time left").is_outcome_unknown());
    /// ```
    pub fn is_outcome_unknown(&self) -> bool {
        self.outcome_unknown
    }

    /// Carries the outcome of the error this one wraps (a timeout after a
    /// failed attempt knows no more than that attempt did).
    pub(crate) fn with_outcome_unknown(mut self, unknown: bool) -> Self {
        self.outcome_unknown = unknown;
        self
    }

    /// The error as a `google.rpc.Status`, details included.
    pub fn to_status(&self) -> Status {
        Status {
            code: self.code as i32,
            message: self.message.clone(),
            details: self.details.iter().map(ErrorDetail::to_any).collect(),
        }
    }
}

/// The default of a trait method nobody implemented.
pub(crate) fn unimplemented<T: Send + 'static>(
    method: &'static Method,
) -> BoxFuture<'static, Result<T>> {
    Box::pin(std::future::ready(Err(Error::rpc(
        Code::Unimplemented,
        format!("{} is not implemented by this service", method.grpc_path),
    ))))
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str_name(), self.message)?;
        if let Some(reason) = self.reason() {
            write!(f, " (reason: {reason})")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("code", &self.code)
            .field("message", &self.message)
            .field("details", &self.details)
            .field("source", &self.source)
            .field("outcome_unknown", &self.outcome_unknown)
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    fn status_with_details() -> Status {
        let info = ErrorInfo {
            reason: "NOT_SUSPENDED".into(),
            domain: "cloudchannel.googleapis.com".into(),
            metadata: [(
                "entitlement".to_string(),
                "accounts/A/customers/C/entitlements/E".to_string(),
            )]
            .into(),
        };
        let bad = BadRequest {
            field_violations: vec![channel_types::rpc::bad_request::FieldViolation {
                field: "name".into(),
                description: "required".into(),
                ..Default::default()
            }],
        };
        let retry = RetryInfo {
            retry_delay: Some(channel_types::wkt::Duration {
                seconds: 2,
                nanos: 0,
            }),
        };
        let unknown = Any {
            type_url: "type.googleapis.com/x.Unknown".into(),
            value: vec![1, 2],
        };
        Status {
            code: Code::FailedPrecondition as i32,
            message: "not suspended".into(),
            details: vec![
                Any::from_msg(&info).unwrap(),
                Any::from_msg(&bad).unwrap(),
                Any::from_msg(&retry).unwrap(),
                unknown,
            ],
        }
    }

    #[test]
    fn status_details_are_decoded_and_kept() {
        let status = status_with_details();
        let err = Error::from_status(status.clone());
        assert_eq!(err.code(), Code::FailedPrecondition);
        assert_eq!(err.reason(), Some("NOT_SUSPENDED"));
        assert_eq!(
            err.error_info().unwrap().metadata["entitlement"],
            "accounts/A/customers/C/entitlements/E"
        );
        assert_eq!(err.field_violations()[0].field, "name");
        assert_eq!(err.retry_delay(), Some(Duration::from_secs(2)));
        assert!(matches!(err.details()[3], ErrorDetail::Other(_)));
        // Nothing is lost on the way back.
        assert_eq!(err.to_status(), status);
        assert_eq!(
            err.to_string(),
            "FAILED_PRECONDITION: not suspended (reason: NOT_SUSPENDED)"
        );
    }

    #[test]
    fn kinds_codes_and_retryability() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset by peer");
        let t = Error::transport("connection reset", io);
        assert_eq!(
            (t.kind(), t.code()),
            (ErrorKind::Transport, Code::Unavailable)
        );
        assert!(t.is_retryable());
        assert_eq!(t.source().unwrap().to_string(), "reset by peer");
        assert!(Error::rpc(Code::Unavailable, "try later").is_retryable());
        assert!(!Error::rpc(Code::NotFound, "gone").is_retryable());
        assert!(!Error::timeout("60s passed").is_retryable());
        assert_eq!(Error::timeout("x").code(), Code::DeadlineExceeded);
        let invalid = Error::invalid_request("request_id", "not a UUID");
        assert_eq!(
            (invalid.kind(), invalid.code()),
            (ErrorKind::InvalidRequest, Code::InvalidArgument)
        );
        assert_eq!(invalid.field_violations()[0].field, "request_id");
        assert!(!invalid.is_retryable());
        let lost = Error::outcome_unknown("reset after sending", "reset");
        assert_eq!(
            (lost.kind(), lost.code()),
            (ErrorKind::OutcomeUnknown, Code::Unavailable)
        );
        assert!(lost.is_outcome_unknown() && !lost.is_retryable());
        let gateway = Error::rpc(Code::Unavailable, "HTTP 502").into_outcome_unknown();
        assert_eq!(gateway.kind(), ErrorKind::OutcomeUnknown);
        assert_eq!(gateway.message(), "HTTP 502");
        assert!(!Error::rpc(Code::Unavailable, "busy").is_outcome_unknown());
        // An answer that does not decode is still an answer: the request
        // arrived, and may have been applied.
        let garbled = Error::decode("not a Customer", "invalid varint");
        assert!(garbled.is_outcome_unknown() && !garbled.is_retryable());
        let big = Error::request_too_large(9, 8);
        assert_eq!(
            (big.kind(), big.code()),
            (ErrorKind::InvalidRequest, Code::ResourceExhausted)
        );
        let unknown_code = Error::from_status(Status {
            code: 99,
            message: "?".into(),
            details: vec![],
        });
        assert_eq!(unknown_code.code(), Code::Unknown);
    }
}
