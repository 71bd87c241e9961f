//! The `x-goog-request-params` header: which resource a call is about.
//!
//! Google's front ends route a gRPC call by the request fields that its
//! primary HTTP binding puts in the URL path, as Google's generated clients
//! send them; a field that only an additional binding names is left out.
//! Each field becomes `path=value`, the value percent-encoded so that only
//! unreserved characters stay as they are (`/` becomes `%2F`), and the pairs
//! are joined with `&`, in the order of the binding:
//! `customer.name=accounts%2FA1%2Fcustomers%2FC1`. An empty field is sent
//! empty (`account=`), as Google's clients send it.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but the unreserved characters of RFC 3986 is encoded.
const VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The header name.
pub(crate) const HEADER: &str = "x-goog-request-params";

/// Builds the header value from the routing fields' paths and values, in
/// order; `None` when the method has no routing field.
pub(crate) fn request_params(fields: &[(&str, &str)]) -> Option<String> {
    let mut header = String::new();
    for (field, value) in fields {
        if !header.is_empty() {
            header.push('&');
        }
        header.push_str(field);
        header.push('=');
        header.extend(utf8_percent_encode(value, VALUE));
    }
    (!fields.is_empty()).then_some(header)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_encoded_and_joined() {
        assert_eq!(
            request_params(&[("parent", "accounts/C01")]).as_deref(),
            Some("parent=accounts%2FC01")
        );
        assert_eq!(
            request_params(&[("customer.name", "accounts/A/customers/C")]).as_deref(),
            Some("customer.name=accounts%2FA%2Fcustomers%2FC")
        );
        assert_eq!(
            request_params(&[("account", "accounts/A"), ("integrator", "integrators/I")])
                .as_deref(),
            Some("account=accounts%2FA&integrator=integrators%2FI")
        );
    }

    #[test]
    fn only_unreserved_characters_stay() {
        assert_eq!(
            request_params(&[("name", "a-b_c.d~e f+g&h=i%j/é")]).as_deref(),
            Some("name=a-b_c.d~e%20f%2Bg%26h%3Di%25j%2F%C3%A9")
        );
    }

    #[test]
    fn empty_values_are_sent_empty_and_no_field_means_no_header() {
        assert_eq!(
            request_params(&[("account", "")]).as_deref(),
            Some("account=")
        );
        assert_eq!(
            request_params(&[("account", ""), ("name", "a/b")]).as_deref(),
            Some("account=&name=a%2Fb")
        );
        assert_eq!(request_params(&[]), None);
    }
}
