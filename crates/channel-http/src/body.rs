//! Reading response bodies without trusting their size (the body is
//! streamed and reading stops at a cap, so a huge or endless answer costs at
//! most the cap in memory), and decoding them as Google's clients do.

use std::fmt;

use bytes::{Bytes, BytesMut};
use channel_core::Error;
use channel_types::json;
use channel_types::methods::Method;
use serde::de::DeserializeOwned;

/// Why a body could not be read.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// The body is larger than the cap.
    TooLarge(ResponseTooLarge),
    /// The connection failed while reading.
    Read(reqwest::Error),
}

/// A response body over the configured size cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseTooLarge {
    /// The cap, in bytes.
    pub limit: usize,
    /// The size the server announced, when it did.
    pub announced: Option<u64>,
}

impl fmt::Display for ResponseTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.announced {
            Some(n) => write!(
                f,
                "the response body of {n} bytes exceeds the limit of {} bytes",
                self.limit
            ),
            None => write!(
                f,
                "the response body exceeds the limit of {} bytes",
                self.limit
            ),
        }
    }
}

impl std::error::Error for ResponseTooLarge {}

/// Reads the whole body, failing as soon as it passes `limit` bytes.
pub(crate) async fn read_capped(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Bytes, BodyError> {
    let announced = response.content_length();
    if announced.is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge(ResponseTooLarge { limit, announced }));
    }
    // Most bodies arrive in one chunk: keep it without copying.
    let mut first: Option<Bytes> = None;
    let mut buffer: Option<BytesMut> = None;
    let mut total = 0usize;
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Read)? {
        total = total.saturating_add(chunk.len());
        if total > limit {
            return Err(BodyError::TooLarge(ResponseTooLarge { limit, announced }));
        }
        match (&mut first, &mut buffer) {
            (None, None) => first = Some(chunk),
            (Some(head), None) => {
                let hint = announced.map_or(0, |n| n as usize).min(limit).max(total);
                let mut joined = BytesMut::with_capacity(hint);
                joined.extend_from_slice(head);
                joined.extend_from_slice(&chunk);
                first = None;
                buffer = Some(joined);
            }
            (_, Some(joined)) => joined.extend_from_slice(&chunk),
        }
    }
    Ok(match (first, buffer) {
        (_, Some(joined)) => joined.freeze(),
        (Some(head), None) => head,
        (None, None) => Bytes::new(),
    })
}

/// Reads at most `limit` bytes of the body, keeping what arrived when the
/// connection fails: for error responses, where the status alone already
/// says what happened.
pub(crate) async fn read_prefix(mut response: reqwest::Response, limit: usize) -> Bytes {
    let mut buffer = BytesMut::new();
    while buffer.len() < limit {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = limit - buffer.len();
                buffer.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            Ok(None) | Err(_) => break,
        }
    }
    buffer.freeze()
}

/// Decodes a successful response body into the method's output type.
///
/// Leniently, as Google's clients read responses: a field or an enum value
/// added to the API after this schema is skipped (and logged at `debug`),
/// never a failed call. An empty body stands for `{}` when the status is
/// 204, or when the method returns `google.protobuf.Empty` (some frontends
/// answer those with a bare 200).
pub(crate) fn decode_response<T: DeserializeOwned>(
    method: &Method,
    http_status: u16,
    bytes: &[u8],
) -> Result<T, Error> {
    let empty = bytes.trim_ascii().is_empty();
    let text: &[u8] = if empty && (http_status == 204 || method.output == "google.protobuf.Empty") {
        b"{}"
    } else {
        bytes
    };
    json::from_slice_lenient(text).map_err(|e| {
        Error::decode(
            format!(
                "{}: the response is not a valid {}: {e}",
                method.name, method.output
            ),
            e,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use channel_types::methods::cloud_channel_service::{DELETE_CUSTOMER, GET_CUSTOMER};
    use channel_types::model::Customer;
    use channel_types::wkt::Empty;

    #[test]
    fn an_empty_200_is_an_empty_message_for_methods_returning_empty() {
        let empty: Empty = decode_response(&DELETE_CUSTOMER, 200, b"").unwrap();
        assert_eq!(empty, Empty {});
        let blank: Empty = decode_response(&DELETE_CUSTOMER, 200, b" \r\n").unwrap();
        assert_eq!(blank, Empty {});
    }

    #[test]
    fn an_empty_200_is_still_an_error_for_methods_returning_a_message() {
        let err = decode_response::<Customer>(&GET_CUSTOMER, 200, b"").unwrap_err();
        assert!(err.message().contains("GetCustomer"), "{err}");
        let ok: Customer = decode_response(&GET_CUSTOMER, 204, b"").unwrap();
        assert_eq!(ok, Customer::default());
    }

    #[test]
    fn enum_names_newer_than_the_schema_do_not_fail_the_response() {
        let body = br#"{"name": "accounts/A/customers/C",
            "customerAttestationState": "NEW_FUTURE_STATE",
            "cloudIdentityInfo": {"customerType": "SOMETHING_NEW"},
            "someNewField": {"x": 1}}"#;
        let customer: Customer = decode_response(&GET_CUSTOMER, 200, body).unwrap();
        assert_eq!(customer.name, "accounts/A/customers/C");
        assert_eq!(customer.customer_attestation_state, 0);
        assert_eq!(customer.cloud_identity_info.unwrap().customer_type, 0);
    }
}
