//! Partial responses: the `fields` property (`-p fields=...`).
//!
//! Google's front end trims a response to the fields a selector names,
//! written `a,b/c,d(e,f)`: a comma list of paths, `/` stepping into a
//! message, parentheses selecting several fields below one, `*` every
//! field. The selector is sent as `x-goog-fieldmask` and also applied here
//! to the decoded response, so the printed result is the same whether or
//! not the server honoured it (an emulator, a gRPC proxy).

use serde_json::{Map, Value};

use crate::schema::{Kind, Schema, json_name};

/// What to keep of a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Selection {
    /// The whole value.
    All,
    /// Only these members (JSON names), each with what to keep of it.
    Members(Vec<(String, Selection)>),
}

impl Selection {
    /// Parses a selector; the error says where it went wrong.
    pub(crate) fn parse(text: &str) -> Result<Selection, String> {
        let mut parser = Parser {
            chars: text.chars().collect(),
            at: 0,
            depth: 0,
        };
        let selection = parser.list()?;
        if parser.at < parser.chars.len() {
            return Err(parser.unexpected());
        }
        Ok(selection)
    }

    /// Keeps what the selection names of `value` (each element of a list).
    pub(crate) fn apply(&self, value: Value) -> Value {
        match (self, value) {
            (Selection::All, value) => value,
            (selection, Value::Array(items)) => {
                Value::Array(items.into_iter().map(|v| selection.apply(v)).collect())
            }
            (Selection::Members(members), Value::Object(mut object)) => {
                if members.iter().any(|(name, _)| name == "*") {
                    return Value::Object(object);
                }
                let mut kept = Map::new();
                // In the response's order, not the selector's.
                let names: Vec<String> = object.keys().cloned().collect();
                for name in names {
                    let chosen: Vec<&Selection> = members
                        .iter()
                        .filter(|(wanted, _)| *wanted == name)
                        .map(|(_, s)| s)
                        .collect();
                    if chosen.is_empty() {
                        continue;
                    }
                    if let Some(inner) = object.remove(&name) {
                        let inner = if chosen.contains(&&Selection::All) {
                            inner
                        } else {
                            let merged = Selection::Members(
                                chosen
                                    .iter()
                                    .flat_map(|s| match s {
                                        Selection::Members(m) => m.clone(),
                                        Selection::All => Vec::new(),
                                    })
                                    .collect(),
                            );
                            merged.apply(inner)
                        };
                        kept.insert(name, inner);
                    }
                }
                Value::Object(kept)
            }
            (_, scalar) => scalar,
        }
    }
}

impl Selection {
    /// Checks that each name the selection uses is a field of the message
    /// `message` (full name) at that place, as Google's front end does
    /// before it answers: a misspelt name would otherwise print an empty
    /// result. Below a field whose content has no fixed schema (`Any`,
    /// `Struct`, `Value`) any name is taken.
    pub(crate) fn check(&self, schema: &Schema, message: &str) -> Result<(), String> {
        self.check_at(schema, message, "")
    }

    fn check_at(&self, schema: &Schema, message: &str, at: &str) -> Result<(), String> {
        let Selection::Members(members) = self else {
            return Ok(());
        };
        let Some(fields) = schema.message(message) else {
            return Ok(());
        };
        for (name, inner) in members {
            if name == "*" {
                continue;
            }
            let path = if at.is_empty() {
                name.clone()
            } else {
                format!("{at}/{name}")
            };
            let invalid = || format!("fields: Invalid field selection {path}");
            let field = fields.field(name).ok_or_else(invalid)?;
            let open = matches!(
                &field.kind,
                Kind::Message(t) if matches!(
                    t.as_str(),
                    "google.protobuf.Any"
                        | "google.protobuf.Struct"
                        | "google.protobuf.Value"
                        | "google.protobuf.ListValue"
                )
            );
            match (field.message_type(), inner) {
                (_, Selection::All) => {}
                _ if open => {}
                (Some(inner_type), inner) => inner.check_at(schema, inner_type, &path)?,
                // A sub-selection on a scalar (or a map of scalars).
                (None, Selection::Members(m)) => {
                    let below = m.first().map_or(String::new(), |(n, _)| n.clone());
                    return Err(format!("fields: Invalid field selection {path}/{below}"));
                }
            }
        }
        Ok(())
    }
}

/// How deep a selector may reach: as deep as protobuf lets messages nest.
/// Deeper selectors name no field of any response, and parsing or
/// applying them would exhaust the stack.
const MAX_DEPTH: usize = 100;

struct Parser {
    chars: Vec<char>,
    at: usize,
    /// How many levels (`/` or `(`) the current item is below the top.
    depth: usize,
}

impl Parser {
    fn unexpected(&self) -> String {
        match self.chars.get(self.at) {
            Some(c) => format!(
                "fields: unexpected '{c}' at position {}; expected a selector like \
                 name,offer,parameters(name,value)",
                self.at + 1
            ),
            None => "fields: the selector ends too early; expected a selector like \
                     name,offer,parameters(name,value)"
                .into(),
        }
    }

    /// `item (, item)*`
    fn list(&mut self) -> Result<Selection, String> {
        let mut members = Vec::new();
        loop {
            let (name, selection) = self.item()?;
            members.push((name, selection));
            if self.chars.get(self.at) == Some(&',') {
                self.at += 1;
            } else {
                return Ok(Selection::Members(members));
            }
        }
    }

    fn too_deep(&self) -> String {
        format!(
            "fields: the selector nests more than {MAX_DEPTH} levels deep (at position {}); \
             expected a selector like name,offer,parameters(name,value)",
            self.at + 1
        )
    }

    /// `name (/ name)* ( '(' list ')' )?`
    fn item(&mut self) -> Result<(String, Selection), String> {
        let mut path = vec![self.name()?];
        while self.chars.get(self.at) == Some(&'/') {
            if self.depth + path.len() > MAX_DEPTH {
                return Err(self.too_deep());
            }
            self.at += 1;
            path.push(self.name()?);
        }
        let mut selection = if self.chars.get(self.at) == Some(&'(') {
            if self.depth + path.len() > MAX_DEPTH {
                return Err(self.too_deep());
            }
            self.at += 1;
            self.depth += path.len();
            let inner = self.list();
            self.depth -= path.len();
            let inner = inner?;
            if self.chars.get(self.at) != Some(&')') {
                return Err(self.unexpected());
            }
            self.at += 1;
            inner
        } else {
            Selection::All
        };
        while path.len() > 1 {
            let name = path.pop().unwrap_or_default();
            selection = Selection::Members(vec![(name, selection)]);
        }
        Ok((path.pop().unwrap_or_default(), selection))
    }

    fn name(&mut self) -> Result<String, String> {
        let start = self.at;
        while let Some(c) = self.chars.get(self.at) {
            if c.is_ascii_alphanumeric() || *c == '_' || *c == '*' {
                self.at += 1;
            } else {
                break;
            }
        }
        if start == self.at {
            return Err(self.unexpected());
        }
        let name: String = self.chars[start..self.at].iter().collect();
        Ok(if name == "*" { name } else { json_name(&name) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selectors_keep_what_they_name_in_the_responses_order() {
        let page = json!({
            "entitlements": [
                {"name": "e1", "offer": "o1", "parameters": [{"name": "n", "value": {"int64Value": "5"}}]},
                {"name": "e2", "offer": "o2"},
            ],
            "nextPageToken": "t",
        });
        let keep = |s: &str| Selection::parse(s).unwrap().apply(page.clone());
        assert_eq!(keep("nextPageToken"), json!({"nextPageToken": "t"}));
        assert_eq!(
            keep("entitlements(offer,name)"),
            json!({"entitlements": [{"name": "e1", "offer": "o1"}, {"name": "e2", "offer": "o2"}]})
        );
        assert_eq!(
            keep("entitlements/parameters/value,next_page_token"),
            json!({"entitlements": [{"parameters": [{"value": {"int64Value": "5"}}]}, {}],
                   "nextPageToken": "t"})
        );
        assert_eq!(keep("*"), page);
    }

    #[test]
    fn a_selector_naming_no_field_of_the_response_is_refused() {
        let schema = Schema::load().unwrap();
        let list = "google.cloud.channel.v1.ListCustomersResponse";
        let check = |s: &str, message: &str| Selection::parse(s).unwrap().check(&schema, message);
        for good in [
            "customers(name,org_display_name),nextPageToken",
            "customers/orgPostalAddress/regionCode",
            "customers/cloudIdentityInfo(*)",
            "*",
        ] {
            assert_eq!(check(good, list), Ok(()), "{good}");
        }
        for (bad, expected) in [
            ("bogus", "fields: Invalid field selection bogus"),
            (
                "customers(name,domian)",
                "fields: Invalid field selection customers/domian",
            ),
            (
                "customers/name/x",
                "fields: Invalid field selection customers/name/x",
            ),
        ] {
            assert_eq!(check(bad, list), Err(expected.to_string()), "{bad}");
        }
        // An operation's response is an Any: its fields are not known here.
        assert_eq!(
            check("name,response/anything", "google.longrunning.Operation"),
            Ok(())
        );
    }

    #[test]
    fn a_bad_selector_says_where() {
        assert_eq!(
            Selection::parse("name,(x)").unwrap_err(),
            "fields: unexpected '(' at position 6; expected a selector like \
             name,offer,parameters(name,value)"
        );
        assert!(
            Selection::parse("a(b")
                .unwrap_err()
                .contains("ends too early")
        );
        assert!(Selection::parse("").is_err());
    }

    #[test]
    fn a_selector_nested_past_any_message_is_refused_not_a_crash() {
        let parens = format!("{}b{}", "a(".repeat(30_000), ")".repeat(30_000));
        let slashes = format!("{}b", "a/".repeat(30_000));
        let mixed = format!("{}b{}", "a/a(".repeat(60), ")".repeat(60));
        for selector in [parens, slashes, mixed] {
            let e = Selection::parse(&selector).unwrap_err();
            assert!(e.contains("nests more than 100 levels deep"), "{e}");
        }
        // 100 levels are still read.
        let deep = format!("{}b{}", "a(".repeat(99), ")".repeat(99));
        assert!(Selection::parse(&deep).is_ok());
        let deep = format!("{}b", "a/".repeat(99));
        assert!(Selection::parse(&deep).is_ok());
    }
}
