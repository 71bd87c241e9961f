//! The `x-goog-request-params` header: which resource a call is about.
//!
//! Google's front ends route a gRPC call by the request fields that its
//! HTTP bindings put in the URL path (the method table's `routing` list).
//! Each non-empty field becomes `path=value`, the value percent-encoded so
//! that only unreserved characters stay as they are (`/` becomes `%2F`),
//! and the pairs are joined with `&`, in the order of the table:
//! `customer.name=accounts%2FA1%2Fcustomers%2FC1`.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but the unreserved characters of RFC 3986 is encoded.
const VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The header name.
pub(crate) const HEADER: &str = "x-goog-request-params";

/// Builds the header value from the routing field paths and their values
/// (same order, same length); `None` when every value is empty.
pub(crate) fn request_params(fields: &[&str], values: &[&str]) -> Option<String> {
    debug_assert_eq!(fields.len(), values.len(), "routing values out of step");
    let mut header = String::new();
    for (field, value) in fields.iter().zip(values) {
        if value.is_empty() {
            continue;
        }
        if !header.is_empty() {
            header.push('&');
        }
        header.push_str(field);
        header.push('=');
        header.extend(utf8_percent_encode(value, VALUE));
    }
    (!header.is_empty()).then_some(header)
}

/// The text of a string field, plain or `optional` (empty when unset).
pub(crate) trait FieldText {
    /// The field's value as it goes into the header.
    fn text(&self) -> &str;
}

impl FieldText for String {
    fn text(&self) -> &str {
        self
    }
}

impl FieldText for Option<String> {
    fn text(&self) -> &str {
        self.as_deref().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_encoded_and_joined() {
        assert_eq!(
            request_params(&["parent"], &["accounts/C01"]).as_deref(),
            Some("parent=accounts%2FC01")
        );
        assert_eq!(
            request_params(&["customer.name"], &["accounts/A/customers/C"]).as_deref(),
            Some("customer.name=accounts%2FA%2Fcustomers%2FC")
        );
        assert_eq!(
            request_params(&["account", "integrator"], &["accounts/A", "integrators/I"]).as_deref(),
            Some("account=accounts%2FA&integrator=integrators%2FI")
        );
    }

    #[test]
    fn only_unreserved_characters_stay() {
        assert_eq!(
            request_params(&["name"], &["a-b_c.d~e f+g&h=i%j/é"]).as_deref(),
            Some("name=a-b_c.d~e%20f%2Bg%26h%3Di%25j%2F%C3%A9")
        );
    }

    #[test]
    fn empty_values_are_left_out() {
        assert_eq!(
            request_params(&["account", "integrator"], &["", "integrators/I"]).as_deref(),
            Some("integrator=integrators%2FI")
        );
        assert_eq!(
            request_params(&["account", "integrator"], &["accounts/A", ""]).as_deref(),
            Some("account=accounts%2FA")
        );
        assert_eq!(request_params(&["name"], &[""]), None);
        assert_eq!(request_params(&[], &[]), None);
        assert_eq!(None::<String>.text(), "");
        assert_eq!(Some("x".to_string()).text(), "x");
        assert_eq!("y".to_string().text(), "y");
    }
}
