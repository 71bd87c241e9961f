//! The errors the emulator answers with, shaped like the service's own:
//! a code, a message, and `ErrorInfo` (domain `cloudchannel.googleapis.com`)
//! or `BadRequest` details.

use channel_core::{Error, ErrorDetail};
use channel_types::rpc::bad_request::FieldViolation;
use channel_types::rpc::{BadRequest, Code};

/// The `ErrorInfo` domain of every reason the emulator gives.
pub(crate) const DOMAIN: &str = "cloudchannel.googleapis.com";

/// INVALID_ARGUMENT naming the field.
pub(crate) fn invalid(field: &str, description: impl Into<String>) -> Error {
    let description = description.into();
    Error::rpc(Code::InvalidArgument, format!("{field}: {description}")).with_detail(
        ErrorDetail::BadRequest(BadRequest {
            field_violations: vec![FieldViolation {
                field: field.to_string(),
                description,
                ..Default::default()
            }],
        }),
    )
}

/// Checks required string fields, reporting every missing one at once.
pub(crate) fn require(fields: &[(&str, &str)]) -> Result<(), Error> {
    let missing: Vec<FieldViolation> = fields
        .iter()
        .filter(|(_, value)| value.is_empty())
        .map(|(field, _)| FieldViolation {
            field: (*field).to_string(),
            description: "required field is missing".into(),
            ..Default::default()
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = missing.iter().map(|v| v.field.as_str()).collect();
    Err(Error::rpc(
        Code::InvalidArgument,
        format!("missing required field(s): {}", names.join(", ")),
    )
    .with_detail(ErrorDetail::BadRequest(BadRequest {
        field_violations: missing,
    })))
}

/// NOT_FOUND for a resource name.
pub(crate) fn not_found(what: &str, name: &str) -> Error {
    let name = super::validate::shorten(name);
    Error::rpc(Code::NotFound, format!("{what} {name} was not found"))
}

/// An error with an `ErrorInfo` reason.
pub(crate) fn reason(code: Code, reason: &str, message: impl Into<String>) -> Error {
    Error::rpc(code, message).with_reason(reason, DOMAIN)
}

/// PERMISSION_DENIED: the caller acts for another account.
pub(crate) fn denied(message: impl Into<String>) -> Error {
    Error::rpc(Code::PermissionDenied, message)
}
