//! The resource names a request carries, checked before the engine sees
//! them, on both wires.
//!
//! A name travels in a URL path over REST, where an empty, `.` or `..`
//! segment means something to every URL library on the way: a client that
//! lets one through may reach another method on another resource. The
//! servers refuse such names themselves, whoever the client is: every field
//! bound in the method's URL template, and the few body fields that refer to
//! a resource, must be made of plain segments without control characters.
//! An empty field is left to the engine, which knows what is required.

use channel_core::Error;
use channel_http::transcoding::RouteMatch;
use channel_types::methods::Method;
use serde_json::Value;

use crate::engine::errors::invalid;

/// Body fields (proto names, dotted) that hold a resource name, with the
/// form they take; repeated fields along the path are walked item by item.
const BODY_NAMES: &[(&str, &str, &str)] = &[
    ("CreateEntitlement", "entitlement.offer", OFFER),
    (
        "CreateEntitlement",
        "entitlement.association_info.base_entitlement",
        ENTITLEMENT,
    ),
    ("ChangeOffer", "offer", OFFER),
    ("TransferEntitlements", "entitlements.offer", OFFER),
    (
        "TransferEntitlements",
        "entitlements.association_info.base_entitlement",
        ENTITLEMENT,
    ),
    ("TransferEntitlementsToGoogle", "entitlements.offer", OFFER),
    (
        "CreateCustomerRepricingConfig",
        "customer_repricing_config.repricing_config.entitlement_granularity.entitlement",
        ENTITLEMENT,
    ),
    (
        "UpdateCustomerRepricingConfig",
        "customer_repricing_config.repricing_config.entitlement_granularity.entitlement",
        ENTITLEMENT,
    ),
];

const OFFER: &str = "accounts/*/offers/*";
const ENTITLEMENT: &str = "accounts/*/customers/*/entitlements/*";

/// INVALID_ARGUMENT naming the first field of `request` (its proto3 JSON
/// form) that holds a malformed resource name.
pub(crate) fn check(method: &Method, request: &Value) -> Result<(), Error> {
    check_each(method, |field| first_malformed(request, Some(field)))
}

/// [`check`] for a request that is nothing but its URL path's variables.
pub(crate) fn check_path(route: &RouteMatch) -> Result<(), Error> {
    check_each(route.method(), |field| {
        let (_, value) = route.variables().find(|(name, _)| *name == field)?;
        malformed(value).map(|problem| (value, problem))
    })
}

/// Checks each name field of `method`, finding the first malformed value
/// of a field (proto names, dotted) with `first_malformed`.
fn check_each<'a>(
    method: &Method,
    first_malformed: impl Fn(&str) -> Option<(&'a str, &'static str)>,
) -> Result<(), Error> {
    // Every call comes here, so the form named in the error is only
    // written once a name is found wrong.
    for field in method.routing {
        check_field(first_malformed(field), field, || url_pattern(method, field))?;
    }
    for (_, field, pattern) in BODY_NAMES.iter().filter(|(m, ..)| *m == method.name) {
        check_field(first_malformed(field), field, || (*pattern).to_string())?;
    }
    Ok(())
}

fn check_field(
    malformed: Option<(&str, &'static str)>,
    field: &str,
    pattern: impl FnOnce() -> String,
) -> Result<(), Error> {
    let Some((value, problem)) = malformed else {
        return Ok(());
    };
    let pattern = pattern();
    Err(invalid(
        field,
        format!(
            "{value:?} is not a valid resource name ({problem}); expected the form \
             {pattern}, whose segments are neither empty, \".\" nor \"..\" and hold \
             no control characters"
        ),
    ))
}

/// The first malformed string at `path` (proto names, dotted; `None` for
/// the value itself), looking through arrays on the way, with what is wrong
/// with it.
fn first_malformed<'a>(value: &'a Value, path: Option<&str>) -> Option<(&'a str, &'static str)> {
    match (value, path) {
        (Value::Array(items), _) => items.iter().find_map(|item| first_malformed(item, path)),
        (Value::Object(members), Some(path)) => {
            let (head, rest) = path
                .split_once('.')
                .map_or((path, None), |(head, rest)| (head, Some(rest)));
            // The request is in its JSON form: members have JSON names.
            let inner = if head.contains('_') {
                members.get(&channel_types::json_name(head))
            } else {
                members.get(head)
            };
            inner.and_then(|inner| first_malformed(inner, rest))
        }
        (Value::String(text), None) => malformed(text).map(|problem| (text.as_str(), problem)),
        _ => None,
    }
}

/// What is wrong with a name, if anything. An empty name is not malformed
/// here: whether it may be empty is the method's business.
pub(crate) fn malformed(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return None;
    }
    if name.chars().any(char::is_control) {
        return Some("it holds a control character");
    }
    name.split('/').find_map(|segment| match segment {
        "" => Some("it has an empty segment"),
        "." => Some("it has a \".\" segment"),
        ".." => Some("it has a \"..\" segment"),
        _ => None,
    })
}

/// The forms a routing field takes in the method's URL templates, e.g.
/// `accounts/*/customers/*`; several bindings give several forms.
fn url_pattern(method: &Method, field: &str) -> String {
    let mut forms: Vec<&str> = Vec::new();
    for binding in method.http {
        let mut rest = binding.path;
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else { break };
            let variable = &after[..close];
            let (name, form) = variable.split_once('=').unwrap_or((variable, "*"));
            if name == field && !forms.contains(&form) {
                forms.push(form);
            }
            rest = &after[close + 1..];
        }
    }
    if forms.is_empty() {
        "*".to_string()
    } else {
        forms.join(" or ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use channel_types::methods::{cloud_channel_service, operations};

    #[test]
    fn plain_names_pass_and_tricky_ones_are_named() {
        for fine in [
            "",
            "accounts/A/customers/C",
            "operations/o-1.2",
            "a/...",
            "a/.b",
        ] {
            assert_eq!(malformed(fine), None, "{fine:?}");
        }
        for (bad, problem) in [
            ("operations/../accounts/A", "\"..\""),
            ("accounts/./customers", "\".\""),
            ("accounts//customers", "empty"),
            ("accounts/A/", "empty"),
            ("/accounts/A", "empty"),
            ("accounts/A\u{0}", "control"),
            ("accounts/A\ncustomers", "control"),
            ("accounts/A\u{85}", "control"),
        ] {
            assert!(malformed(bad).unwrap().contains(problem), "{bad:?}");
        }
    }

    #[test]
    fn the_error_names_the_field_and_its_form() {
        let request = serde_json::json!({"name": "operations/../accounts/A/customers/C"});
        let err = check(&operations::DELETE_OPERATION, &request).unwrap_err();
        assert_eq!(err.code(), channel_types::rpc::Code::InvalidArgument);
        assert!(err.message().starts_with("name: "), "{}", err.message());
        assert!(err.message().contains("operations/**"), "{}", err.message());

        let request = serde_json::json!({"customer": {"name": "accounts/A/customers/%2e"}});
        assert!(check(&cloud_channel_service::UPDATE_CUSTOMER, &request).is_ok());
        let request = serde_json::json!({"customer": {"name": "accounts/A/customers/.."}});
        let err = check(&cloud_channel_service::UPDATE_CUSTOMER, &request).unwrap_err();
        assert!(
            err.message().starts_with("customer.name: "),
            "{}",
            err.message()
        );
        assert!(err.message().contains("accounts/*/customers/*"));
    }

    #[test]
    fn body_names_are_checked_through_repeated_fields() {
        let request = serde_json::json!({
            "parent": "accounts/A/customers/C",
            "entitlements": [{"offer": "accounts/A/offers/O"}, {"offer": "accounts/A/offers/../x"}],
        });
        let err = check(&cloud_channel_service::TRANSFER_ENTITLEMENTS, &request).unwrap_err();
        assert!(
            err.message().starts_with("entitlements.offer: "),
            "{}",
            err.message()
        );
    }
}
