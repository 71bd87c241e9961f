//! Errors on the REST wire: Google's JSON error envelope both ways, and the
//! mapping between HTTP status codes and gRPC codes.
//!
//! A Google API answers a failed call with
//!
//! ```json
//! {"error": {"code": 404, "message": "...", "status": "NOT_FOUND",
//!            "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "..."}]}}
//! ```
//!
//! where `code` is the HTTP status and `status` the gRPC code's name.
//! [`error_from_response`] turns any error response into an [`Error`],
//! whether it is such an envelope or something a proxy made up (an HTML
//! page, an empty 502); [`error_envelope`] writes one, for a REST server.
//!
//! ```
//! use channel_http::status::{error_envelope, error_from_response};
//! use channel_core::Error;
//! use channel_types::rpc::Code;
//!
//! let err = Error::rpc(Code::NotFound, "Customer not found.")
//!     .with_reason("CUSTOMER_NOT_FOUND", "cloudchannel.googleapis.com");
//! let body = serde_json::to_vec(&error_envelope(&err)).unwrap();
//! let back = error_from_response(404, &body);
//! assert_eq!(back.code(), Code::NotFound);
//! assert_eq!(back.reason(), Some("CUSTOMER_NOT_FOUND"));
//!
//! let proxy = error_from_response(502, b"<html><body>Bad Gateway</body></html>");
//! assert_eq!(proxy.code(), Code::Unavailable);
//! assert!(proxy.message().contains("Bad Gateway"));
//! ```

use channel_core::{Error, ErrorDetail};
use channel_types::rpc::Code;
use serde_json::{Map, Value, json};

/// How much of a body that is not an error envelope goes into the message.
pub const EXCERPT_BYTES: usize = 512;

/// The gRPC code of an HTTP status, as Google's clients map it.
pub fn code_from_http(status: u16) -> Code {
    match status {
        200..=299 => Code::Ok,
        400 => Code::InvalidArgument,
        401 => Code::Unauthenticated,
        403 => Code::PermissionDenied,
        404 => Code::NotFound,
        409 => Code::Aborted,
        429 => Code::ResourceExhausted,
        499 => Code::Cancelled,
        500 => Code::Internal,
        501 => Code::Unimplemented,
        502..=504 => Code::Unavailable,
        _ => Code::Unknown,
    }
}

/// The HTTP status a REST server answers with for a gRPC code.
pub fn http_status(code: Code) -> u16 {
    match code {
        Code::Ok => 200,
        Code::Cancelled => 499,
        Code::Unknown | Code::Internal | Code::DataLoss => 500,
        Code::InvalidArgument | Code::FailedPrecondition | Code::OutOfRange => 400,
        Code::DeadlineExceeded => 504,
        Code::NotFound => 404,
        Code::AlreadyExists | Code::Aborted => 409,
        Code::PermissionDenied => 403,
        Code::ResourceExhausted => 429,
        Code::Unimplemented => 501,
        Code::Unavailable => 503,
        Code::Unauthenticated => 401,
    }
}

/// Google's JSON error envelope for an error, details included (a detail
/// with no JSON form is left out).
pub fn error_envelope(error: &Error) -> Value {
    let details: Vec<Value> = error
        .details()
        .iter()
        .filter_map(|d| d.to_json().ok())
        .collect();
    let mut body = Map::new();
    body.insert("code".into(), json!(http_status(error.code())));
    body.insert("message".into(), json!(error.message()));
    body.insert("status".into(), json!(error.code().as_str_name()));
    if !details.is_empty() {
        body.insert("details".into(), Value::Array(details));
    }
    json!({ "error": body })
}

/// The error a non-2xx response stands for.
///
/// A JSON error envelope keeps its code, message and details. Each detail
/// is decoded on its own: one of a type this crate does not know is kept as
/// its JSON in an [`ErrorDetail::Other`], as the gRPC wire keeps its bytes;
/// one that does not decode is skipped. Anything else becomes an error with
/// the HTTP status mapped to a code and the first [`EXCERPT_BYTES`] of the
/// body in its message.
pub fn error_from_response(http: u16, body: &[u8]) -> Error {
    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        // Some frontends wrap the envelope in a one-element array.
        let value = match value {
            Value::Array(mut items) if items.len() == 1 => items.swap_remove(0),
            other => other,
        };
        if let Some(envelope) = value.get("error").and_then(Value::as_object) {
            return from_envelope(http, envelope, true);
        }
        // A bare google.rpc.Status, as grpc-gateway writes it.
        if let Some(status) = value.as_object().filter(|o| {
            o.get("code").is_some_and(Value::is_u64)
                && o.get("message").is_some_and(Value::is_string)
        }) {
            return from_envelope(http, status, false);
        }
    }
    let code = match code_from_http(http) {
        Code::Ok => Code::Unknown,
        code => code,
    };
    let text = excerpt(body, EXCERPT_BYTES);
    let message = if text.is_empty() {
        format!("HTTP {http} with an empty body")
    } else {
        format!("HTTP {http}: {text}")
    };
    Error::rpc(code, message)
}

/// `envelope_code_is_http`: Google's envelope puts the HTTP status in
/// `code`; a bare `google.rpc.Status` puts the gRPC code there.
fn from_envelope(http: u16, envelope: &Map<String, Value>, envelope_code_is_http: bool) -> Error {
    let by_name = envelope
        .get("status")
        .and_then(Value::as_str)
        .and_then(Code::from_str_name);
    let by_number = envelope.get("code").and_then(Value::as_u64).and_then(|n| {
        if envelope_code_is_http {
            u16::try_from(n).ok().map(code_from_http)
        } else {
            i32::try_from(n).ok().and_then(|n| Code::try_from(n).ok())
        }
    });
    let code = by_name
        .or(by_number)
        .filter(|c| *c != Code::Ok)
        .unwrap_or_else(|| match code_from_http(http) {
            Code::Ok => Code::Unknown,
            c => c,
        });
    let message = envelope
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let mut error = Error::rpc(code, message);
    for detail in envelope
        .get("details")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match ErrorDetail::from_json(detail.clone()) {
            Ok(detail) => error = error.with_detail(detail),
            Err(e) => tracing::debug!(error = %e, "skipping an error detail that does not decode"),
        }
    }
    error
}

/// At most `max` bytes of `body` as one line of text: cut on a character
/// boundary, invalid UTF-8 replaced, whitespace runs squeezed to one space.
pub(crate) fn excerpt(body: &[u8], max: usize) -> String {
    let mut cut = body.len().min(max);
    // Back off to the start of a character (continuation bytes are 10xxxxxx).
    while cut > 0 && cut < body.len() && body[cut] & 0xC0 == 0x80 {
        cut -= 1;
    }
    let text = String::from_utf8_lossy(&body[..cut]);
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if cut < body.len() && !out.is_empty() {
        out.push_str(" …");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use channel_core::ErrorKind;

    #[test]
    fn envelope_with_details_decodes() {
        let body = br#"{"error": {"code": 400, "message": "bad", "status": "FAILED_PRECONDITION",
            "details": [
              {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "NOT_SUSPENDED",
               "domain": "cloudchannel.googleapis.com", "metadata": {"k": "v"}},
              {"@type": "type.googleapis.com/google.rpc.BadRequest",
               "fieldViolations": [{"field": "name", "description": "required"}]},
              {"@type": "type.googleapis.com/some.unknown.Type", "x": 1},
              {"no type": true}
            ]}}"#;
        let err = error_from_response(400, body);
        assert_eq!(err.kind(), ErrorKind::Rpc);
        assert_eq!(err.code(), Code::FailedPrecondition);
        assert_eq!(err.message(), "bad");
        assert_eq!(err.reason(), Some("NOT_SUSPENDED"));
        assert_eq!(err.error_info().unwrap().metadata["k"], "v");
        assert_eq!(err.field_violations()[0].field, "name");
        assert_eq!(err.details().len(), 3);
    }

    #[test]
    fn detail_types_this_crate_does_not_know_are_kept_and_written_back() {
        let body = br#"{"error": {"code": 400, "message": "bad", "status": "INVALID_ARGUMENT",
            "details": [{"@type": "type.googleapis.com/google.rpc.NewerDetail", "hint": {"x": 1}}]}}"#;
        let err = error_from_response(400, body);
        let [ErrorDetail::Other(any)] = err.details() else {
            panic!("expected one kept detail, got {:?}", err.details());
        };
        assert_eq!(any.type_url, "type.googleapis.com/google.rpc.NewerDetail");
        assert_eq!(
            error_envelope(&err)["error"]["details"][0],
            json!({"@type": "type.googleapis.com/google.rpc.NewerDetail", "hint": {"x": 1}})
        );
    }

    #[test]
    fn codes_without_a_status_name() {
        let err = error_from_response(404, br#"{"error": {"code": 404, "message": "gone"}}"#);
        assert_eq!(err.code(), Code::NotFound);
        let err = error_from_response(500, br#"{"error": {"message": "?", "status": "NOPE"}}"#);
        assert_eq!(err.code(), Code::Internal);
        let bare = error_from_response(400, br#"{"code": 9, "message": "precondition"}"#);
        assert_eq!(bare.code(), Code::FailedPrecondition);
        let odd = error_from_response(418, br#"{"error": "teapot"}"#);
        assert_eq!(odd.code(), Code::Unknown);
        assert!(odd.message().contains("teapot"));
    }

    #[test]
    fn http_statuses_map_to_codes_and_back() {
        for (http, code) in [
            (400, Code::InvalidArgument),
            (401, Code::Unauthenticated),
            (403, Code::PermissionDenied),
            (404, Code::NotFound),
            (409, Code::Aborted),
            (429, Code::ResourceExhausted),
            (499, Code::Cancelled),
            (500, Code::Internal),
            (501, Code::Unimplemented),
            (502, Code::Unavailable),
            (503, Code::Unavailable),
            (504, Code::Unavailable),
            (418, Code::Unknown),
        ] {
            assert_eq!(code_from_http(http), code, "{http}");
        }
        for code in [
            Code::InvalidArgument,
            Code::NotFound,
            Code::PermissionDenied,
            Code::Unauthenticated,
            Code::ResourceExhausted,
            Code::Unimplemented,
            Code::Unavailable,
        ] {
            assert_eq!(code_from_http(http_status(code)), code);
        }
    }

    #[test]
    fn envelope_round_trip() {
        let err = Error::rpc(Code::AlreadyExists, "exists")
            .with_reason("DUPLICATE", "cloudchannel.googleapis.com")
            .with_detail(ErrorDetail::Other(channel_core::UnknownDetail::from_any(
                channel_types::wkt::Any {
                    type_url: "type.googleapis.com/x.Unknown".into(),
                    value: vec![1],
                },
            )));
        let envelope = error_envelope(&err);
        assert_eq!(envelope["error"]["code"], 409);
        assert_eq!(envelope["error"]["status"], "ALREADY_EXISTS");
        assert_eq!(envelope["error"]["details"].as_array().unwrap().len(), 1);
        let back = error_from_response(409, &serde_json::to_vec(&envelope).unwrap());
        assert_eq!(back.code(), Code::AlreadyExists);
        assert_eq!(back.reason(), Some("DUPLICATE"));
    }

    #[test]
    fn excerpts_are_bounded_and_utf8_safe() {
        let long = "é".repeat(600);
        let text = excerpt(long.as_bytes(), 511);
        assert!(text.ends_with(" …"));
        assert_eq!(text.trim_end_matches(" …").chars().count(), 255);
        assert_eq!(excerpt(b"  a\n\n b  ", 100), "a b");
        assert_eq!(excerpt(b"\xff\xfeok", 100), "\u{fffd}\u{fffd}ok");
        assert_eq!(excerpt(b"", 100), "");
        let err = error_from_response(503, b"");
        assert_eq!(err.code(), Code::Unavailable);
        assert!(err.is_retryable());
        assert_eq!(err.message(), "HTTP 503 with an empty body");
    }
}
