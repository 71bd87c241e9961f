//! Request checks made before anything is sent, the same on every transport.
//!
//! A resource name is also a URL path on the REST wire: a name such as
//! `operations/../accounts/A/customers/C` would be collapsed by a URL library
//! and reach another method on another resource. So every path variable of
//! the method's HTTP bindings must match one binding's pattern (for example
//! `accounts/*/customers/*`) with no empty, `.` or `..` segment, no
//! control character and at most [`MAX_NAME_BYTES`] bytes, and every field
//! the schema marks `REQUIRED` must be set. A request that fails is refused
//! with `INVALID_ARGUMENT` naming the field and the expected form, without
//! any network I/O.
//!
//! ```
//! use channel_core::validation::check_request;
//! use channel_types::longrunning::DeleteOperationRequest;
//! use channel_types::methods::operations::DELETE_OPERATION;
//!
//! let request = DeleteOperationRequest { name: "operations/../accounts/A/customers/C".into() };
//! let err = check_request(&DELETE_OPERATION, &request).unwrap_err();
//! assert_eq!(err.field_violations()[0].field, "name");
//! assert!(err.message().contains("operations/**"), "{err}");
//! ```

use channel_types::methods::{
    Method, PathVariable, RequiredField, matches_pattern, segment_problem,
};

use crate::{Error, Result};

/// Read access to the fields the checks look at: implemented for every
/// request message of the schema (the implementations are generated).
pub trait RequestFields {
    /// The string field at a dotted path of proto names (`customer.name`):
    /// `Some("")` when it, or a message on the way, is unset; `None` when the
    /// path is not one of the request's path variables.
    fn text(&self, path: &str) -> Option<&str>;

    /// Whether a required top-level field (or one member of a required
    /// oneof, named by the oneof) is set; `None` when it is not one of the
    /// request's required fields.
    fn is_set(&self, field: &str) -> Option<bool>;
}

/// Checks a request against its method's table entry: path variables
/// first (the error then names the pattern), then required fields.
pub fn check_request<R: RequestFields + ?Sized>(method: &Method, request: &R) -> Result<()> {
    check_path(method, request)?;
    for required in method.required {
        check_required(required, request)?;
    }
    Ok(())
}

/// The longest resource name sent, in bytes: 8 KiB, about what common HTTP
/// servers and proxies take in a request line or a header. Names of the
/// Cloud Channel API are a few dozen bytes; a much longer one fails on the
/// way (in the REST URL, or in the gRPC routing header), in ways that
/// differ by wire and proxy, some of them retried. It is refused here
/// instead, the same on both wires.
pub const MAX_NAME_BYTES: usize = 8192;

/// How many characters of a refused value an error repeats.
const ECHO_CHARS: usize = 120;

/// `value` quoted for an error message, cut after [`ECHO_CHARS`] characters.
fn echo(value: &str) -> String {
    match value.char_indices().nth(ECHO_CHARS) {
        Some((cut, _)) => format!("{:?}…", &value[..cut]),
        None => format!("{value:?}"),
    }
}

/// Why one variable of one binding does not fit.
struct Misfit {
    field: &'static str,
    problem: String,
    pattern: &'static str,
}

/// Checks only the path variables: every variable of one of the method's
/// HTTP bindings fits its pattern, with no empty, `.` or `..` segment and no
/// control character. What a transport used on its own checks; the client
/// runs the whole of [`check_request`].
pub fn check_path<R: RequestFields + ?Sized>(method: &Method, request: &R) -> Result<()> {
    let mut misfits = Vec::new();
    for binding in method.http {
        match binding
            .variables
            .iter()
            .find_map(|var| misfit(var, request.text(var.field)))
        {
            None => return Ok(()),
            Some(m) => misfits.push(m),
        }
    }
    let Some(first) = misfits.first() else {
        // A method without bindings has nothing to check here.
        return Ok(());
    };
    if misfits.iter().all(|m| m.field == first.field) {
        let patterns: Vec<&str> = misfits.iter().map(|m| m.pattern).collect();
        return Err(Error::invalid_request(
            first.field,
            format!("{} {}", first.problem, patterns.join(" or ")),
        ));
    }
    let clauses: Vec<String> = misfits
        .iter()
        .map(|m| format!("{} {} {}", m.field, m.problem, m.pattern))
        .collect();
    Err(Error::invalid_request(
        first.field,
        format!("no HTTP binding fits: {}", clauses.join("; ")),
    ))
}

/// What is wrong with one variable's value, worded to end with the
/// pattern it must match.
fn misfit(var: &PathVariable, value: Option<&str>) -> Option<Misfit> {
    // A variable the accessors do not know cannot be checked here; the
    // generated accessors cover every variable of the table.
    let value = value?;
    if value.len() > MAX_NAME_BYTES {
        return Some(Misfit {
            field: var.field,
            problem: format!(
                "is {} bytes long, more than the {MAX_NAME_BYTES} bytes a resource name may have; \
                 it must match",
                value.len()
            ),
            pattern: var.pattern,
        });
    }
    if matches_pattern(var.pattern, value) {
        return None;
    }
    let problem = if value.is_empty() {
        "is required and must match".to_string()
    } else if let Some(why) = value.split('/').find_map(segment_problem) {
        format!(
            "{} is not a valid resource name ({why}); it must match",
            echo(value)
        )
    } else {
        format!("{} does not match", echo(value))
    };
    Some(Misfit {
        field: var.field,
        problem,
        pattern: var.pattern,
    })
}

fn check_required<R: RequestFields + ?Sized>(required: &RequiredField, request: &R) -> Result<()> {
    if request.is_set(required.field) != Some(false) {
        return Ok(());
    }
    Err(match required.one_of {
        [] => Error::invalid_request(required.field, "is required"),
        members => Error::invalid_request(
            required.field,
            format!("is required: set one of {}", members.join(", ")),
        ),
    })
}

#[cfg(test)]
mod tests {
    use channel_types::longrunning::{GetOperationRequest, ListOperationsRequest};
    use channel_types::methods::{cloud_channel_service as ccs, operations};
    use channel_types::model::{
        Customer, ImportCustomerRequest, ListSubscribersRequest, UpdateCustomerRequest,
        import_customer_request,
    };
    use channel_types::rpc::Code;

    use super::*;
    use crate::ErrorKind;

    fn violation(err: &Error) -> (&str, &str) {
        let v = &err.field_violations()[0];
        (v.field.as_str(), v.description.as_str())
    }

    #[test]
    fn dot_segments_and_control_characters_are_refused_with_the_pattern() {
        for name in [
            "operations/../accounts/A/customers/C",
            "operations/./x",
            "operations/a//b",
            "operations/a\u{0}b",
        ] {
            let request = GetOperationRequest { name: name.into() };
            let err = check_request(&operations::GET_OPERATION, &request).unwrap_err();
            assert_eq!(
                (err.kind(), err.code()),
                (ErrorKind::InvalidRequest, Code::InvalidArgument)
            );
            let (field, description) = violation(&err);
            assert_eq!(field, "name");
            assert!(description.ends_with("operations/**"), "{description}");
        }
        let ok = GetOperationRequest {
            name: "operations/a/b c?#%".into(),
        };
        assert!(check_request(&operations::GET_OPERATION, &ok).is_ok());
    }

    #[test]
    fn names_too_long_to_send_are_refused_without_being_echoed() {
        let long = format!("accounts/A/customers/{}", "x".repeat(MAX_NAME_BYTES));
        let request = channel_types::model::GetCustomerRequest { name: long };
        let err = check_request(&ccs::GET_CUSTOMER, &request).unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
        let (field, description) = violation(&err);
        assert_eq!(field, "name");
        assert!(description.contains("8192 bytes"), "{description}");
        assert!(err.message().len() < 300, "{err}");
        // A long value that does not match is echoed cut short.
        let request = channel_types::model::GetCustomerRequest {
            name: format!("customers/{}", "y".repeat(2000)),
        };
        let err = check_request(&ccs::GET_CUSTOMER, &request).unwrap_err();
        assert!(err.message().len() < 400, "{err}");
        assert!(err.message().contains("…"), "{err}");
    }

    #[test]
    fn a_name_of_another_resource_names_every_pattern() {
        let request = channel_types::model::GetCustomerRequest {
            name: "accounts/A/entitlements/E".into(),
        };
        let err = check_request(&ccs::GET_CUSTOMER, &request).unwrap_err();
        assert_eq!(
            violation(&err),
            (
                "name",
                "\"accounts/A/entitlements/E\" does not match accounts/*/customers/* or \
                 accounts/*/channelPartnerLinks/*/customers/*"
            )
        );
        let empty = ListOperationsRequest::default();
        let err = check_request(&operations::LIST_OPERATIONS, &empty).unwrap_err();
        assert_eq!(
            violation(&err),
            ("name", "is required and must match operations")
        );
    }

    #[test]
    fn nested_path_fields_and_alternative_bindings_are_read() {
        let update = UpdateCustomerRequest {
            customer: None,
            ..Default::default()
        };
        let err = check_request(&ccs::UPDATE_CUSTOMER, &update).unwrap_err();
        assert_eq!(violation(&err).0, "customer.name");
        let update = UpdateCustomerRequest {
            customer: Some(Customer {
                name: "accounts/A/customers/C".into(),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert!(check_request(&ccs::UPDATE_CUSTOMER, &update).is_ok());
        // Each binding routes on another field: either one will do.
        let by_integrator = ListSubscribersRequest {
            integrator: Some("integrators/I".into()),
            ..Default::default()
        };
        assert!(check_request(&ccs::LIST_SUBSCRIBERS, &by_integrator).is_ok());
        let err =
            check_request(&ccs::LIST_SUBSCRIBERS, &ListSubscribersRequest::default()).unwrap_err();
        assert!(err.message().contains("no HTTP binding fits"), "{err}");
    }

    #[test]
    fn required_fields_and_oneofs_are_checked() {
        let create = channel_types::model::CreateCustomerRequest {
            parent: "accounts/A".into(),
            customer: None,
        };
        let err = check_request(&ccs::CREATE_CUSTOMER, &create).unwrap_err();
        assert_eq!(violation(&err), ("customer", "is required"));

        let mut import = ImportCustomerRequest {
            parent: "accounts/A".into(),
            ..Default::default()
        };
        let err = check_request(&ccs::IMPORT_CUSTOMER, &import).unwrap_err();
        assert_eq!(
            violation(&err),
            (
                "customer_identity",
                "is required: set one of domain, cloud_identity_id, primary_admin_email"
            )
        );
        import.customer_identity = Some(import_customer_request::CustomerIdentity::Domain(
            "example.com".into(),
        ));
        assert!(check_request(&ccs::IMPORT_CUSTOMER, &import).is_ok());
    }
}
