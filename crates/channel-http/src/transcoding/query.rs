//! The URL query string of a transcoded request: flattening the fields left
//! over into `name=value` pairs (client side), parsing them back and typing
//! each value by its field (server side), and the percent-encoding both use.

use channel_core::Error;
use channel_types::methods::{FieldKind, QueryField};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, PercentEncode, utf8_percent_encode};
use serde_json::{Map, Value};

/// Everything but RFC 3986's unreserved characters is escaped, in path
/// segments and in query names and values alike.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one path segment, query name or query value.
pub(crate) fn encode_component(text: &str) -> PercentEncode<'_> {
    utf8_percent_encode(text, COMPONENT)
}

/// The standard system parameters of Google APIs: they are about the
/// response format or the caller, never request fields, so a server skips
/// them.
pub const SYSTEM_PARAMETERS: &[&str] = &[
    "alt",
    "prettyPrint",
    "fields",
    "key",
    "quotaUser",
    "$.xgafv",
    "access_token",
    "oauth_token",
    "callback",
    "uploadType",
    "upload_protocol",
];

/// Flattens the request fields left for the query string into pairs:
/// nested messages as dotted names, repeated fields as repeated pairs,
/// scalars in their JSON text (int64 as decimal, enums by name, the
/// well-known types in their string forms).
pub(crate) fn flatten(
    rest: &Map<String, Value>,
    out: &mut Vec<(String, String)>,
) -> Result<(), Error> {
    for (name, value) in rest {
        flatten_value(name, value, out)?;
    }
    Ok(())
}

fn flatten_value(name: &str, value: &Value, out: &mut Vec<(String, String)>) -> Result<(), Error> {
    match value {
        Value::Null => {}
        Value::Object(fields) => {
            for (key, inner) in fields {
                if key.starts_with('@') {
                    return Err(Error::invalid_request(
                        name,
                        "a google.protobuf.Any cannot be sent as query parameters",
                    ));
                }
                flatten_value(&format!("{name}.{key}"), inner, out)?;
            }
        }
        Value::Array(items) => {
            for item in items {
                match item {
                    Value::Object(_) | Value::Array(_) => {
                        return Err(Error::invalid_request(
                            name,
                            "a repeated message or map cannot be sent as query parameters",
                        ));
                    }
                    scalar => flatten_value(name, scalar, out)?,
                }
            }
        }
        Value::String(s) => out.push((name.to_string(), s.clone())),
        Value::Bool(b) => out.push((name.to_string(), b.to_string())),
        Value::Number(n) => out.push((name.to_string(), n.to_string())),
    }
    Ok(())
}

/// Writes pairs as an encoded query string (without the `?`).
pub(crate) fn to_query_string(pairs: &[(String, String)]) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.extend(encode_component(name));
        out.push('=');
        out.extend(encode_component(value));
    }
    out
}

/// Splits and decodes a query string; `+` stands for a space, as in forms.
pub(crate) fn parse(query: &str) -> Result<Vec<(String, String)>, Error> {
    let decode = |part: &str, what: &str| -> Result<String, Error> {
        let spaced = part.replace('+', " ");
        percent_encoding::percent_decode_str(&spaced)
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|_| Error::invalid_request(what, "the query string is not valid UTF-8"))
    };
    let mut pairs = Vec::new();
    for part in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = part.split_once('=').unwrap_or((part, ""));
        let name = decode(name, "query")?;
        let value = decode(value, &name)?;
        pairs.push((name, value));
    }
    Ok(pairs)
}

/// The JSON value a query parameter's text stands for, by its field's kind.
pub(crate) fn typed_value(field: &QueryField, name: &str, text: &str) -> Result<Value, Error> {
    let invalid = |what: &str| {
        Error::invalid_request(
            name,
            format!("query parameter {name} must be {what}, not {text:?}"),
        )
    };
    Ok(match field.kind {
        FieldKind::String | FieldKind::Bytes => Value::String(text.to_string()),
        FieldKind::Bool => match text {
            "true" | "True" | "TRUE" | "1" => Value::Bool(true),
            "false" | "False" | "FALSE" | "0" => Value::Bool(false),
            _ => return Err(invalid("true or false")),
        },
        // Numbers stay text: the JSON reader takes integers and floats as
        // strings, and text keeps 64-bit values exact.
        FieldKind::Int => {
            if text.parse::<i128>().is_err() {
                return Err(invalid("an integer"));
            }
            Value::String(text.to_string())
        }
        FieldKind::Double => {
            if text.parse::<f64>().is_err() {
                return Err(invalid("a number"));
            }
            Value::String(text.to_string())
        }
        FieldKind::Enum => match text.parse::<i32>() {
            Ok(n) => Value::from(n),
            Err(_) => Value::String(text.to_string()),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flattens_nested_repeated_and_scalars() {
        let rest = json!({
            "pageSize": 10,
            "filter": "a b&c=d",
            "showFutureOffers": true,
            "changeOfferPurchase": {"entitlement": "accounts/A/customers/C/entitlements/E", "changeType": "UPGRADE"},
            "ids": ["1", "2"],
            "empty": {},
            "unset": null,
        });
        let mut pairs = Vec::new();
        flatten(rest.as_object().unwrap(), &mut pairs).unwrap();
        pairs.sort();
        let expected = [
            ("changeOfferPurchase.changeType", "UPGRADE"),
            (
                "changeOfferPurchase.entitlement",
                "accounts/A/customers/C/entitlements/E",
            ),
            ("filter", "a b&c=d"),
            ("ids", "1"),
            ("ids", "2"),
            ("pageSize", "10"),
            ("showFutureOffers", "true"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        assert_eq!(pairs, expected);
        let text = to_query_string(&pairs);
        assert_eq!(
            text,
            "changeOfferPurchase.changeType=UPGRADE&changeOfferPurchase.entitlement=\
             accounts%2FA%2Fcustomers%2FC%2Fentitlements%2FE&filter=a%20b%26c%3Dd&ids=1&ids=2\
             &pageSize=10&showFutureOffers=true"
        );
        assert_eq!(parse(&text).unwrap(), pairs);
    }

    #[test]
    fn refuses_what_a_query_cannot_hold() {
        let mut pairs = Vec::new();
        let nested = json!({"items": [{"a": 1}]});
        let err = flatten(nested.as_object().unwrap(), &mut pairs).unwrap_err();
        assert_eq!(err.field_violations()[0].field, "items");
        let any = json!({"meta": {"@type": "type.googleapis.com/x.Y"}});
        assert!(flatten(any.as_object().unwrap(), &mut pairs).is_err());
    }

    #[test]
    fn parses_plus_and_odd_pairs() {
        assert_eq!(
            parse("a=1+2&&b&c=%E2%82%AC").unwrap(),
            vec![
                ("a".into(), "1 2".into()),
                ("b".into(), String::new()),
                ("c".into(), "€".into())
            ]
        );
        assert!(parse("a=%FF").is_err());
    }

    #[test]
    fn types_values_by_kind() {
        let field = |kind| QueryField {
            field: "f",
            json: "f",
            kind,
            repeated: false,
        };
        assert_eq!(
            typed_value(&field(FieldKind::Bool), "f", "true").unwrap(),
            json!(true)
        );
        assert_eq!(
            typed_value(&field(FieldKind::Bool), "f", "0").unwrap(),
            json!(false)
        );
        assert!(typed_value(&field(FieldKind::Bool), "f", "yes").is_err());
        assert_eq!(
            typed_value(&field(FieldKind::Int), "f", "-9007199254740993").unwrap(),
            json!("-9007199254740993")
        );
        assert!(typed_value(&field(FieldKind::Int), "f", "1.5").is_err());
        assert_eq!(
            typed_value(&field(FieldKind::Double), "f", "1.5").unwrap(),
            json!("1.5")
        );
        assert!(typed_value(&field(FieldKind::Double), "f", "x").is_err());
        assert_eq!(
            typed_value(&field(FieldKind::Enum), "f", "UPGRADE").unwrap(),
            json!("UPGRADE")
        );
        assert_eq!(
            typed_value(&field(FieldKind::Enum), "f", "2").unwrap(),
            json!(2)
        );
        let err = typed_value(&field(FieldKind::Int), "pageSize", "ten").unwrap_err();
        assert!(err.message().contains("pageSize"), "{err}");
    }
}
