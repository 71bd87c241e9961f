//! The standard query parameters of Google's REST front end ("system
//! parameters"), which are about the response or the caller rather than the
//! request: taken off the query before the request is decoded, and applied
//! to the response JSON after the call.
//!
//! Google's generated REST clients send `$alt=json;enum-encoding=int` on
//! every call; it asks for enums as numbers. `fields` asks for a partial
//! response (`a,b(c,d),e/f`), `prettyPrint` for indented JSON, `callback`
//! for a JSONP wrapper. The rest (`key`, `quotaUser`, `$.xgafv`, uploads,
//! tokens) are accepted as the front end accepts them; `access_token` and
//! `oauth_token` stand for a bearer token when no `Authorization` header
//! came. A parameter named twice is refused.

use std::collections::BTreeMap;

use axum::http::{StatusCode, header};
use axum::response::Response;
use channel_core::{Error, Result};
use channel_types::json;
use channel_types::rpc::Code;
use serde_json::Value;

use super::reply::Reply;
use crate::engine::errors::invalid;
use crate::engine::schema::{FieldType, schema};
use crate::engine::validate::shorten;

/// Every system parameter, each with the spellings that name it.
const NAMES: &[(&str, &[&str])] = &[
    ("alt", &["alt", "$alt"]),
    ("fields", &["fields", "$fields"]),
    ("prettyPrint", &["prettyPrint", "$prettyPrint"]),
    ("quotaUser", &["quotaUser", "$quotaUser"]),
    ("key", &["key", "$key"]),
    ("$.xgafv", &["$.xgafv", "$-xgafv"]),
    ("callback", &["callback", "$callback"]),
    ("upload_protocol", &["upload_protocol"]),
    ("uploadType", &["uploadType"]),
    ("access_token", &["access_token"]),
    ("oauth_token", &["oauth_token"]),
];

/// The system parameters of one request.
#[derive(Debug)]
pub(crate) struct SystemParams {
    enums_as_numbers: bool,
    /// `alt=proto`: the answer as the binary protobuf encoding.
    proto: bool,
    fields: Option<Selection>,
    pretty: bool,
    callback: Option<String>,
    token: Option<String>,
}

impl Default for SystemParams {
    fn default() -> Self {
        SystemParams {
            enums_as_numbers: false,
            proto: false,
            fields: None,
            // Google's front end indents unless asked not to.
            pretty: true,
            callback: None,
            token: None,
        }
    }
}

/// A refused query, with the system parameters read from it all the same,
/// so the refusal is written as the caller asked (`prettyPrint=false`, a
/// JSONP `callback`) like any other error.
#[derive(Debug)]
pub(crate) struct Refused {
    /// Why the query was refused (the first problem in it).
    pub(crate) error: Error,
    /// The system parameters that were good.
    pub(crate) params: SystemParams,
}

/// Splits the raw query string into the request's own parameters (still
/// encoded, for the request decoder) and the system parameters.
pub(crate) fn split(
    query: Option<&str>,
) -> std::result::Result<(Option<String>, SystemParams), Box<Refused>> {
    let mut params = SystemParams::default();
    let mut kept: Vec<&str> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    let mut first_error: Option<Error> = None;
    for part in query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (raw_name, raw_value) = part.split_once('=').unwrap_or((part, ""));
        let read = decode(raw_name).and_then(|name| {
            let Some((canonical, _)) = NAMES
                .iter()
                .find(|(_, spellings)| spellings.contains(&name.as_str()))
            else {
                return Ok(None);
            };
            if seen.contains(canonical) {
                return Err(invalid(
                    &name,
                    format!("the system parameter {canonical} is given more than once"),
                ));
            }
            seen.push(canonical);
            let value = decode(raw_value)?;
            params.set(canonical, &name, value).map(Some)
        });
        match read {
            Ok(Some(())) => {}
            Ok(None) => kept.push(part),
            // The rest is still read, for the parameters that say how to
            // write this refusal.
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    if let Some(error) = first_error {
        return Err(Box::new(Refused { error, params }));
    }
    let rest = (!kept.is_empty()).then(|| kept.join("&"));
    Ok((rest, params))
}

fn decode(part: &str) -> Result<String> {
    let spaced = part.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| invalid("query", "the query string is not valid UTF-8"))
}

impl SystemParams {
    fn set(&mut self, canonical: &str, name: &str, value: String) -> Result<()> {
        match canonical {
            "alt" => {
                let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
                match compact.as_str() {
                    "json" => {}
                    "json;enum-encoding=int" => self.enums_as_numbers = true,
                    "proto" => self.proto = true,
                    _ => {
                        return Err(invalid(
                            name,
                            format!(
                                "unsupported response format {:?}; use json, json;enum-encoding=int or proto",
                                shorten(&value)
                            ),
                        ));
                    }
                }
            }
            "fields" => self.fields = Some(Selection::parse(&value)?),
            "prettyPrint" => {
                self.pretty = match value.as_str() {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    _ => return Err(invalid(name, "must be true or false")),
                }
            }
            "$.xgafv" if value != "1" && value != "2" => {
                return Err(invalid(name, "the error format version must be 1 or 2"));
            }
            "callback" => {
                let ok = !value.is_empty()
                    && value
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '$'));
                if !ok {
                    return Err(invalid(
                        name,
                        "a callback is a JavaScript name: letters, digits, _, . and $",
                    ));
                }
                self.callback = Some(value);
            }
            "access_token" | "oauth_token" => self.token = Some(value),
            // key, quotaUser and the upload parameters change nothing here.
            _ => {}
        }
        Ok(())
    }

    /// Whether answers are indented (`prettyPrint`, true by default).
    pub(crate) fn pretty(&self) -> bool {
        self.pretty
    }

    /// The bearer token a query parameter carries, if any.
    pub(crate) fn bearer_token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// Refuses a `fields` selection naming a field the answer (of type
    /// `output`) lacks. Called before the call runs, so a request with a
    /// bad selection changes nothing: a client that retries it after the
    /// refusal must not find the first attempt applied.
    pub(crate) fn check_fields(&self, output: &str) -> Result<()> {
        self.fields.as_ref().map_or(Ok(()), |f| f.check(output))
    }

    /// Applies the parameters to a response of type `output` (a full
    /// message name, its `fields` already checked by
    /// [`SystemParams::check_fields`]) and writes it. The message goes
    /// through a JSON tree only when `fields` rewrites it.
    pub(crate) fn render(&self, reply: Reply, output: &str) -> Result<Response> {
        let no_json_form = |e: serde_json::Error| {
            Error::rpc(
                Code::Internal,
                format!("the response has no JSON form: {e}"),
            )
        };
        if self.proto {
            let mut value = reply.to_value().map_err(no_json_form)?;
            if let Some(fields) = &self.fields {
                fields.apply(&mut value);
            }
            return proto_response(value, output);
        }
        // Enum values are written as numbers by the message itself when
        // asked for: no tree is needed for that.
        let numbers = self.enums_as_numbers;
        let text = if let Some(fields) = &self.fields {
            let mut value =
                json::with_enum_numbers(numbers, || reply.to_value()).map_err(no_json_form)?;
            fields.apply(&mut value);
            if self.pretty {
                serde_json::to_vec_pretty(&value)
            } else {
                serde_json::to_vec(&value)
            }
            .map_err(no_json_form)?
        } else {
            json::with_enum_numbers(numbers, || reply.to_bytes(self.pretty))
                .map_err(no_json_form)?
        };
        Ok(self.write(StatusCode::OK, text))
    }

    /// Writes a JSON answer or error envelope with `status`: as it is, or
    /// wrapped in the `callback` (JSONP), which takes an error as it takes
    /// an answer so the page's function sees either.
    pub(crate) fn write(&self, status: StatusCode, text: Vec<u8>) -> Response {
        match &self.callback {
            Some(callback) => {
                let mut wrapped = format!("// API callback\n{callback}(").into_bytes();
                wrapped.extend_from_slice(&text);
                wrapped.extend_from_slice(b");");
                answer(status, "text/javascript; charset=UTF-8", wrapped)
            }
            None => answer(status, "application/json; charset=UTF-8", text),
        }
    }
}

/// A response of `status` with `text` of `content_type`, built directly: the
/// tuple conversions checked a header that is a constant here.
fn answer(status: StatusCode, content_type: &'static str, text: Vec<u8>) -> Response {
    let mut response = Response::new(axum::body::Body::from(text));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static(content_type),
    );
    response
}

/// An answer in the binary protobuf encoding (`alt=proto`), as Google's
/// front end serves it: the JSON answer read back as its message type
/// through the `Any` registry, which knows every output type.
fn proto_response(value: Value, output: &str) -> Result<Response> {
    let mut members = match value {
        Value::Object(members) => members,
        _ => serde_json::Map::new(),
    };
    members.insert(
        "@type".into(),
        Value::String(format!("type.googleapis.com/{output}")),
    );
    let any = channel_types::wkt::Any::from_json(Value::Object(members)).map_err(|e| {
        Error::rpc(
            Code::Internal,
            format!("the response has no binary form: {e}"),
        )
    })?;
    Ok(answer(StatusCode::OK, "application/x-protobuf", any.value))
}

/// A `fields` selection: each named field, with its own sub-selection
/// (empty: the whole field).
#[derive(Debug, Default, Clone, PartialEq)]
struct Selection {
    fields: BTreeMap<String, Selection>,
}

impl Selection {
    /// Parses `a,b(c,d),e/f` (`e/f` is `e(f)`).
    fn parse(text: &str) -> Result<Selection> {
        let mut parser = SelectionParser { text, pos: 0 };
        let selection = parser.list(0)?;
        if parser.pos < text.len() {
            return Err(parser.error("unexpected text"));
        }
        Ok(selection)
    }

    /// Adds `path` (e.g. `a/b`) with its sub-selection; a whole field wins
    /// over any part of it.
    fn merge(&mut self, path: &[String], inner: Selection) {
        let Some((first, rest)) = path.split_first() else {
            return;
        };
        let sub = if rest.is_empty() {
            inner
        } else {
            let mut s = Selection::default();
            s.merge(rest, inner);
            s
        };
        match self.fields.get_mut(first) {
            None => {
                self.fields.insert(first.clone(), sub);
            }
            Some(existing) if existing.fields.is_empty() || sub.fields.is_empty() => {
                existing.fields.clear();
            }
            Some(existing) => {
                for (k, v) in sub.fields {
                    existing.merge(&[k], v);
                }
            }
        }
    }

    /// Refuses a selection naming a field the response does not have.
    fn check(&self, message: &str) -> Result<()> {
        let schema = schema();
        // Inside Any, Struct and the like the fields are not known ahead.
        let Some(fields) = schema
            .fields(message)
            .filter(|_| !message.starts_with("google.protobuf."))
        else {
            return Ok(());
        };
        for (name, inner) in &self.fields {
            if name == "*" {
                continue;
            }
            let field = fields
                .iter()
                .find(|f| f.json_name == *name || f.name == *name)
                .ok_or_else(|| {
                    invalid(
                        "fields",
                        format!("Invalid field selection {}", shorten(name)),
                    )
                })?;
            if !inner.fields.is_empty() {
                match &field.field_type {
                    FieldType::Message(m) => inner.check(m)?,
                    _ => {
                        return Err(invalid(
                            "fields",
                            format!(
                                "Invalid field selection {}: {} has no sub-fields",
                                shorten(name),
                                field.name
                            ),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// Keeps only the selected members of `value`.
    fn apply(&self, value: &mut Value) {
        if self.fields.is_empty() || self.fields.contains_key("*") {
            return;
        }
        match value {
            Value::Array(items) => items.iter_mut().for_each(|v| self.apply(v)),
            Value::Object(members) => {
                // Part of an `Any` keeps its `@type`: without it the member
                // is no `Any` a client can read, and has no binary form.
                members.retain(|key, _| key == "@type" || self.find(key).is_some());
                for (key, member) in members.iter_mut() {
                    if let Some(inner) = self.find(key) {
                        inner.apply(member);
                    }
                }
            }
            _ => {}
        }
    }

    /// The sub-selection for a JSON member, named in either spelling.
    fn find(&self, json_key: &str) -> Option<&Selection> {
        self.fields.get(json_key).or_else(|| {
            self.fields
                .iter()
                .find(|(name, _)| channel_types::json_name(name) == json_key)
                .map(|(_, s)| s)
        })
    }
}

struct SelectionParser<'a> {
    text: &'a str,
    pos: usize,
}

impl SelectionParser<'_> {
    fn error(&self, why: &str) -> Error {
        let at = self.text[..self.pos].chars().count();
        invalid(
            "fields",
            format!(
                "Invalid field selection {:?}: {why} at character {at}",
                shorten(self.text)
            ),
        )
    }

    fn list(&mut self, depth: usize) -> Result<Selection> {
        if depth > 16 {
            return Err(self.error("selections nest too deep"));
        }
        let mut selection = Selection::default();
        loop {
            let mut path = vec![self.name()?];
            while self.text[self.pos..].starts_with('/') {
                self.pos += 1;
                path.push(self.name()?);
            }
            let mut inner = Selection::default();
            if self.text[self.pos..].starts_with('(') {
                self.pos += 1;
                inner = self.list(depth + 1)?;
                if !self.text[self.pos..].starts_with(')') {
                    return Err(self.error("expected )"));
                }
                self.pos += 1;
            }
            selection.merge(&path, inner);
            if self.text[self.pos..].starts_with(',') {
                self.pos += 1;
            } else {
                return Ok(selection);
            }
        }
    }

    fn name(&mut self) -> Result<String> {
        let rest = &self.text[self.pos..];
        let trimmed = rest.trim_start();
        self.pos += rest.len() - trimmed.len();
        let end = trimmed
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '*'))
            .unwrap_or(trimmed.len());
        if end == 0 {
            return Err(self.error("expected a field name"));
        }
        self.pos += end;
        let name = trimmed[..end].to_string();
        let rest = &self.text[self.pos..];
        self.pos += rest.len() - rest.trim_start().len();
        Ok(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn system_parameters_are_taken_off_the_query() {
        let (rest, params) = split(Some(
            "pageSize=2&%24alt=json%3Benum-encoding%3Dint&key=k&$.xgafv=2",
        ))
        .unwrap();
        assert_eq!(rest.as_deref(), Some("pageSize=2"));
        assert!(params.enums_as_numbers);
        let (rest, _) = split(Some(
            "alt=json&quotaUser=u&upload_protocol=raw&uploadType=media",
        ))
        .unwrap();
        assert_eq!(rest, None);
    }

    #[test]
    fn a_repeated_or_malformed_system_parameter_is_refused() {
        assert!(split(Some("alt=json&$alt=json")).is_err());
        assert!(split(Some("alt=media")).is_err());
        assert!(split(Some("prettyPrint=maybe")).is_err());
        assert!(split(Some("$.xgafv=3")).is_err());
        assert!(split(Some("callback=alert(1)")).is_err());
        assert!(split(Some("fields=a(b")).is_err());
    }

    #[test]
    fn access_tokens_in_the_query_are_bearer_tokens() {
        let (_, params) = split(Some("access_token=t1")).unwrap();
        assert_eq!(params.bearer_token(), Some("t1"));
    }

    #[test]
    fn fields_select_nested_members_in_both_syntaxes() {
        let mut value = json!({
            "customers": [
                {"name": "n1", "domain": "d1", "orgPostalAddress": {"regionCode": "US", "postalCode": "1"}},
                {"name": "n2", "domain": "d2"}
            ],
            "nextPageToken": "t"
        });
        let selection = Selection::parse("customers(name,orgPostalAddress/regionCode)").unwrap();
        selection
            .check("google.cloud.channel.v1.ListCustomersResponse")
            .unwrap();
        selection.apply(&mut value);
        assert_eq!(
            value,
            json!({"customers": [{"name": "n1", "orgPostalAddress": {"regionCode": "US"}}, {"name": "n2"}]})
        );
        let bogus = Selection::parse("customers(bogus)").unwrap();
        assert!(
            bogus
                .check("google.cloud.channel.v1.ListCustomersResponse")
                .is_err()
        );
    }

    /// The body of a rendered answer, as JSON.
    async fn rendered(params: &SystemParams, reply: Reply, output: &str) -> Value {
        let response = params.render(reply, output).unwrap();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    #[tokio::test]
    async fn enums_become_numbers_inside_lists_and_anys_and_nowhere_else() {
        use channel_types::model::{
            ChannelPartnerLink, ListChannelPartnerLinksResponse, OperationMetadata,
            operation_metadata::OperationType,
        };
        use channel_types::wkt::Any;
        let links = || {
            Reply::new(ListChannelPartnerLinksResponse {
                channel_partner_links: vec![ChannelPartnerLink {
                    name: "accounts/A/channelPartnerLinks/L".into(),
                    link_state: 2,
                    ..Default::default()
                }],
                ..Default::default()
            })
        };
        let list = "google.cloud.channel.v1.ListChannelPartnerLinksResponse";
        let (_, ints) = split(Some("$alt=json;enum-encoding=int")).unwrap();
        let (_, names) = split(None).unwrap();
        let got = rendered(&ints, links(), list).await;
        assert_eq!(got["channelPartnerLinks"][0]["linkState"], 2, "{got}");
        // Strings that are no enum stay as they are.
        assert_eq!(
            got["channelPartnerLinks"][0]["name"],
            "accounts/A/channelPartnerLinks/L"
        );
        let got = rendered(&names, links(), list).await;
        assert_eq!(got["channelPartnerLinks"][0]["linkState"], "ACTIVE");

        let metadata = OperationMetadata {
            operation_type: OperationType::CreateEntitlement as i32,
        };
        let operation = || {
            Reply::new(channel_types::longrunning::Operation {
                name: "operations/1".into(),
                metadata: Some(Any::from_msg(&metadata).unwrap()),
                ..Default::default()
            })
        };
        let output = "google.longrunning.Operation";
        let got = rendered(&ints, operation(), output).await;
        assert_eq!(
            got["metadata"]["operationType"],
            OperationType::CreateEntitlement as i32,
            "{got}"
        );
        // With a partial response too.
        let (_, partial) = split(Some("$alt=json;enum-encoding=int&fields=metadata")).unwrap();
        let got = rendered(&partial, operation(), output).await;
        assert!(got["metadata"]["operationType"].is_number(), "{got}");
        assert!(got.get("name").is_none(), "{got}");
        // The setting ends with the answer.
        let got = rendered(&names, operation(), output).await;
        assert_eq!(got["metadata"]["operationType"], "CREATE_ENTITLEMENT");
    }

    #[tokio::test]
    async fn enums_are_names_again_after_an_answer_that_failed_to_write_as_numbers() {
        use channel_types::model::ChannelPartnerLink;
        /// A link, then a member that cannot be written.
        #[derive(serde::Serialize)]
        struct HalfWritten {
            link: ChannelPartnerLink,
            #[serde(serialize_with = "refuse")]
            broken: (),
        }
        fn refuse<S: serde::Serializer>(_: &(), _: S) -> std::result::Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("cannot be written"))
        }
        let link = ChannelPartnerLink {
            link_state: 2,
            ..Default::default()
        };
        let output = "google.cloud.channel.v1.ChannelPartnerLink";
        for query in [
            "$alt=json;enum-encoding=int",
            "$alt=json;enum-encoding=int&fields=link",
        ] {
            let (_, ints) = split(Some(query)).unwrap();
            let half = Reply::new(HalfWritten {
                link: link.clone(),
                broken: (),
            });
            let refused = ints.render(half, output).unwrap_err();
            assert_eq!(refused.code(), Code::Internal, "{query}");
            // The next answer on this thread is written as it asks.
            let (_, names) = split(None).unwrap();
            let got = rendered(&names, Reply::new(link.clone()), output).await;
            assert_eq!(got["linkState"], "ACTIVE", "{query}");
        }
    }

    #[tokio::test]
    async fn alt_proto_answers_the_binary_encoding_of_the_output_type() {
        use prost::Message;
        let (_, params) = split(Some("%24alt=proto")).unwrap();
        let response = params
            .render(
                Reply::new(
                    json!({"name": "accounts/A/customers/C", "orgDisplayName": "Acme",
                       "customerAttestationState": "EXEMPT"}),
                ),
                "google.cloud.channel.v1.Customer",
            )
            .unwrap();
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "application/x-protobuf"
        );
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        let customer = channel_types::model::Customer::decode(body).unwrap();
        assert_eq!(customer.name, "accounts/A/customers/C");
        assert_eq!(customer.org_display_name, "Acme");
        assert_eq!(customer.customer_attestation_state, 1);
    }

    #[tokio::test]
    async fn a_selection_inside_an_any_keeps_its_type_in_json_and_in_the_binary_form() {
        use channel_types::longrunning::Operation;
        use channel_types::model::{
            Customer, OperationMetadata, operation_metadata::OperationType,
        };
        use channel_types::wkt::Any;
        use prost::Message;
        let operation = || {
            let metadata = OperationMetadata {
                operation_type: OperationType::ProvisionCloudIdentity as i32,
            };
            let customer = Customer {
                name: "accounts/A/customers/C".into(),
                domain: "example.com".into(),
                ..Default::default()
            };
            Reply::new(Operation {
                name: "operations/1".into(),
                done: true,
                metadata: Some(Any::from_msg(&metadata).unwrap()),
                result: Some(channel_types::longrunning::operation::Result::Response(
                    Any::from_msg(&customer).unwrap(),
                )),
            })
        };
        let output = "google.longrunning.Operation";
        let selection = "fields=metadata(operationType),response(name)";
        let (_, json) = split(Some(selection)).unwrap();
        let got = rendered(&json, operation(), output).await;
        assert_eq!(
            got,
            json!({
                "metadata": {
                    "@type": "type.googleapis.com/google.cloud.channel.v1.OperationMetadata",
                    "operationType": "PROVISION_CLOUD_IDENTITY",
                },
                "response": {
                    "@type": "type.googleapis.com/google.cloud.channel.v1.Customer",
                    "name": "accounts/A/customers/C",
                },
            })
        );
        let (_, proto) = split(Some(&format!("alt=proto&{selection}"))).unwrap();
        let response = proto.render(operation(), output).expect("a binary answer");
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        let read = Operation::decode(body).unwrap();
        assert_eq!(read.name, "");
        let Some(channel_types::longrunning::operation::Result::Response(any)) = read.result else {
            panic!("no response in {read:?}");
        };
        let customer: Customer = any.to_msg().unwrap();
        assert_eq!(customer.name, "accounts/A/customers/C");
        assert_eq!(customer.domain, "");
    }

    #[test]
    fn every_methods_output_has_a_binary_form() {
        for method in channel_types::methods::ALL {
            let (_, params) = split(Some("alt=proto")).unwrap();
            assert!(
                params.render(Reply::new(json!({})), method.output).is_ok(),
                "{}: {}",
                method.name,
                method.output
            );
        }
    }
}
