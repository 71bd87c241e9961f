//! `-p NAME=VALUE`: the general properties every Google API call takes
//! (the "system parameters", named as the `cloudchannel1` CLI names them)
//! and the method's own query parameters.
//!
//! The transports send no query string of their own, so each general
//! property takes the form Google's front end also reads on both wires:
//! `key` becomes `x-goog-api-key`, `quota-user` `x-goog-quota-user`,
//! `$-xgafv` `x-goog-api-format-version`, `access-token`/`oauth-token` a
//! bearer token, and `fields` both `x-goog-fieldmask` and a trim of the
//! printed response. `alt`, `pretty-print` and `callback` shape the output
//! here. The upload properties concern media uploads, which no Cloud
//! Channel method has.

use channel::methods::{Method, QueryField};

use crate::fields::Selection;

/// The general properties, as the `cloudchannel1` CLI spells them.
pub(crate) const GENERAL: [&str; 11] = [
    "$-xgafv",
    "access-token",
    "alt",
    "callback",
    "fields",
    "key",
    "oauth-token",
    "pretty-print",
    "quota-user",
    "upload-type",
    "upload-protocol",
];

/// The general properties whose values are credentials.
const SECRETS: [&str; 3] = ["key", "access-token", "oauth-token"];

/// What the `-p` items of one command ask for.
#[derive(Debug, Clone, Default)]
pub(crate) struct Properties {
    /// `fields`: the selector as given, and parsed.
    pub(crate) fields: Option<(String, Selection)>,
    /// `$-xgafv`: the error format version, 1 or 2.
    pub(crate) xgafv: Option<String>,
    /// `key`.
    pub(crate) key: Option<String>,
    /// `quota-user`.
    pub(crate) quota_user: Option<String>,
    /// `access-token` or `oauth-token`.
    pub(crate) token: Option<String>,
    /// `pretty-print`.
    pub(crate) pretty: Option<bool>,
    /// `callback`.
    pub(crate) callback: Option<String>,
    /// Properties accepted that change nothing here, with why.
    pub(crate) notes: Vec<String>,
    /// The method's query parameters: request field (dotted proto names)
    /// and value, in order.
    pub(crate) parameters: Vec<(&'static str, String)>,
}

/// `page-size`, `change-offer-purchase.new-sku`: how a query field is
/// named with `-p`.
pub(crate) fn parameter_name(field: &QueryField) -> String {
    field
        .field
        .split('.')
        .map(crate::naming::kebab)
        .collect::<Vec<_>>()
        .join(".")
}

/// Compares names whatever their case and separators: `pretty-print`,
/// `prettyPrint` and `pretty_print` are one name.
fn squeeze(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '-' | '_' | '$'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The general properties that only shape what is printed: the ones a
/// command that makes no API call (`config`, `emulator`) takes.
pub(crate) const OUTPUT_ONLY: [&str; 4] = ["alt", "callback", "fields", "pretty-print"];

impl Properties {
    /// Reads the `-p` items given to `method`.
    pub(crate) fn parse(items: &[String], method: &Method) -> Result<Properties, String> {
        Properties::parse_for(items, Some(method))
    }

    /// Reads the `-p` items of a command that makes no API call: only the
    /// ones that shape what it prints ([`OUTPUT_ONLY`]) apply, and any
    /// other is refused rather than silently dropped.
    pub(crate) fn parse_output(items: &[String]) -> Result<Properties, String> {
        Properties::parse_for(items, None)
    }

    fn parse_for(items: &[String], method: Option<&Method>) -> Result<Properties, String> {
        let mut properties = Properties::default();
        let mut seen: Vec<String> = Vec::new();
        for item in items {
            let Some((name, value)) = item.split_once('=') else {
                return Err(format!(
                    "-p '{item}': expected NAME=VALUE, e.g. -p page-size=10"
                ));
            };
            // An error goes to a terminal or a CI log: a key or token given
            // here is never part of it.
            let shown = if SECRETS.iter().any(|s| squeeze(s) == squeeze(name)) {
                format!("{name}=<redacted>")
            } else {
                item.clone()
            };
            let refuse = |problem: String| format!("-p '{shown}': {problem}");
            let wanted = squeeze(name);
            // `$.xgafv` is the query spelling, `$-xgafv` the CLI's.
            let general = GENERAL
                .iter()
                .find(|g| squeeze(g) == wanted.replace('.', ""));
            let no_call = || {
                refuse(format!(
                    "this command makes no API call; the properties it takes shape what \
                     it prints: {}",
                    OUTPUT_ONLY.join(", ")
                ))
            };
            if let Some(general) = general {
                if method.is_none() && !OUTPUT_ONLY.contains(general) {
                    return Err(no_call());
                }
                if seen.iter().any(|s| s == general) {
                    return Err(refuse(format!(
                        "{general} is given twice; it takes one value"
                    )));
                }
                seen.push(general.to_string());
                properties.set_general(general, value).map_err(refuse)?;
                continue;
            }
            let Some(method) = method else {
                return Err(no_call());
            };
            let parameter = method.query.iter().find(|q| {
                let name_parts: Vec<String> = name.split('.').map(squeeze).collect();
                let field_parts: Vec<String> = q.field.split('.').map(squeeze).collect();
                name_parts == field_parts
            });
            match parameter {
                Some(parameter) => properties
                    .parameters
                    .push((parameter.field, value.to_string())),
                None => return Err(refuse(unknown(name, method))),
            }
        }
        Ok(properties)
    }

    fn set_general(&mut self, name: &str, value: &str) -> Result<(), String> {
        match name {
            "fields" => {
                let selection = Selection::parse(value)?;
                self.fields = Some((value.to_string(), selection));
            }
            "$-xgafv" => match value {
                "1" | "2" => self.xgafv = Some(value.to_string()),
                _ => return Err(format!("$-xgafv: expected 1 or 2, got '{value}'")),
            },
            // Google's front end also has `proto` and `media`; what this
            // command reads and prints is the JSON form.
            "alt" if value != "json" => {
                return Err(format!(
                    "alt: expected json, got '{value}' (choose how responses are \
                     printed with --format)"
                ));
            }
            "key" => self.key = Some(nonempty("key", value)?),
            "quota-user" => {
                let value = nonempty("quota-user", value)?;
                if value.chars().count() > 40 {
                    return Err(format!(
                        "quota-user: at most 40 characters, got {}",
                        value.chars().count()
                    ));
                }
                self.quota_user = Some(value);
            }
            "access-token" | "oauth-token" => {
                if self.token.is_some() {
                    return Err("access-token and oauth-token name the same token: give one".into());
                }
                self.token = Some(nonempty(name, value)?);
            }
            "pretty-print" => {
                self.pretty = Some(match value.to_ascii_lowercase().as_str() {
                    "true" => true,
                    "false" => false,
                    _ => {
                        return Err(format!(
                            "pretty-print: expected true or false, got '{value}'"
                        ));
                    }
                });
            }
            "callback" => {
                let valid = value
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
                    && value
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '.'));
                if !valid {
                    return Err(format!(
                        "callback: expected a JavaScript function name such as handle_response, \
                         got '{value}'"
                    ));
                }
                self.callback = Some(value.to_string());
            }
            "upload-type" | "upload-protocol" => {
                self.notes.push(format!(
                    "{name} has no effect: no Cloud Channel method uploads media"
                ));
            }
            _ => {}
        }
        Ok(())
    }

    /// The headers the properties stand for on the wire.
    pub(crate) fn headers(&self, single_call: bool) -> Vec<(String, String)> {
        let mut headers = Vec::new();
        if let Some(user) = &self.quota_user {
            headers.push(("x-goog-quota-user".to_string(), user.clone()));
        }
        if let Some(version) = &self.xgafv {
            headers.push(("x-goog-api-format-version".to_string(), version.clone()));
        }
        // Only where one response is all there is: a mask on the pages of
        // `--all` or on the polls of an operation could drop the fields
        // that keep them going (nextPageToken, done).
        if single_call && let Some((selector, _)) = &self.fields {
            headers.push(("x-goog-fieldmask".to_string(), selector.clone()));
        }
        headers
    }
}

fn nonempty(name: &str, value: &str) -> Result<String, String> {
    if value.trim().is_empty() {
        Err(format!("{name}: expected a value, got nothing"))
    } else {
        Ok(value.trim().to_string())
    }
}

/// The message for a name that is neither property nor parameter.
fn unknown(name: &str, method: &Method) -> String {
    let parameters: Vec<String> = method.query.iter().map(parameter_name).collect();
    let mut message = format!(
        "unknown property '{name}'; the general properties are {}",
        GENERAL.join(", ")
    );
    if parameters.is_empty() {
        message.push_str(&format!(
            ", and {} takes no query parameters (set its fields with -r)",
            method.name
        ));
    } else {
        message.push_str(&format!(
            ", and the query parameters of {} are {}",
            method.name,
            parameters.join(", ")
        ));
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;
    use channel::methods::cloud_channel_service::{CREATE_ENTITLEMENT, LIST_CUSTOMERS};

    fn parse(items: &[&str], method: &Method) -> Result<Properties, String> {
        let items: Vec<String> = items.iter().map(|s| s.to_string()).collect();
        Properties::parse(&items, method)
    }

    #[test]
    fn general_properties_and_query_parameters() {
        let p = parse(
            &[
                "page-size=1",
                "filter=domain = \"a.example\"",
                "$.xgafv=2",
                "quotaUser=reporting",
                "pretty_print=false",
                "fields=customers(name)",
                "key=k",
                "alt=json",
                "upload-type=media",
            ],
            &LIST_CUSTOMERS,
        )
        .unwrap();
        assert_eq!(
            p.parameters,
            [
                ("page_size", "1".to_string()),
                ("filter", "domain = \"a.example\"".to_string())
            ]
        );
        assert_eq!(p.pretty, Some(false));
        assert_eq!(p.key.as_deref(), Some("k"));
        assert_eq!(
            p.headers(true),
            [
                ("x-goog-quota-user".to_string(), "reporting".to_string()),
                ("x-goog-api-format-version".to_string(), "2".to_string()),
                (
                    "x-goog-fieldmask".to_string(),
                    "customers(name)".to_string()
                ),
            ]
        );
        assert_eq!(p.headers(false).len(), 2);
        assert_eq!(p.notes.len(), 1);
    }

    #[test]
    fn unknown_names_list_the_valid_ones() {
        let e = parse(&["colour=blue"], &LIST_CUSTOMERS).unwrap_err();
        assert_eq!(
            e,
            "-p 'colour=blue': unknown property 'colour'; the general properties are \
             $-xgafv, access-token, alt, callback, fields, key, oauth-token, pretty-print, \
             quota-user, upload-type, upload-protocol, and the query parameters of \
             ListCustomers are page-size, page-token, filter"
        );
        let e = parse(&["page-size=1"], &CREATE_ENTITLEMENT).unwrap_err();
        assert!(
            e.ends_with("and CreateEntitlement takes no query parameters (set its fields with -r)"),
            "{e}"
        );
        for (item, message) in [
            ("$-xgafv=3", "$-xgafv: expected 1 or 2, got '3'"),
            ("alt=proto", "alt: expected json"),
            ("pretty-print=maybe", "pretty-print: expected true or false"),
            (
                "callback=a(b)",
                "callback: expected a JavaScript function name",
            ),
            ("fields=a,", "fields: the selector ends too early"),
            ("nothing", "expected NAME=VALUE"),
        ] {
            let e = parse(&[item], &LIST_CUSTOMERS).unwrap_err();
            assert!(e.contains(message), "{item}: {e}");
        }
        let e = parse(&["key=a", "key=b"], &LIST_CUSTOMERS).unwrap_err();
        assert!(e.contains("key is given twice"), "{e}");
    }

    #[test]
    fn a_refused_key_or_token_is_never_echoed() {
        for items in [
            ["key=AIzaFirst", "key=AIzaSecond"],
            ["access-token=ya29.First", "oauth_token=ya29.Second"],
            ["oauth-token=ya29.First", "accessToken=ya29.Second"],
        ] {
            let e = parse(&items, &LIST_CUSTOMERS).unwrap_err();
            assert!(e.contains("=<redacted>'"), "{e}");
            assert!(!e.contains("First") && !e.contains("Second"), "{e}");
        }
        let e = parse(&["key=  "], &LIST_CUSTOMERS).unwrap_err();
        assert_eq!(e, "-p 'key=<redacted>': key: expected a value, got nothing");
    }
}
