//! HTTP/JSON transcoding of requests, both ways, driven by the HTTP rules of
//! [`channel_types::methods`].
//!
//! It works on the proto3 JSON form of a request (a [`serde_json::Value`]),
//! so one piece of code serves every method without per-type code.
//!
//! - Client side, [`encode`] picks the binding whose path patterns the
//!   request's fields match, fills the URL template with those fields, puts
//!   the body (`*`: every other field; `field`: that one field) in the body,
//!   and every remaining field in the query string.
//! - Server side, [`match_route`] finds the method and binding of a verb and
//!   path, and [`decode`] rebuilds the request from the path variables, the
//!   query string (typed through [`Method::query`]) and the body.
//!
//! ```
//! use channel_http::transcoding;
//! use channel_types::methods::{HttpVerb, cloud_channel_service::LIST_CUSTOMERS};
//! use channel_types::model::ListCustomersRequest;
//!
//! let request = ListCustomersRequest {
//!     parent: "accounts/A1".into(),
//!     page_size: 50,
//!     filter: "domain=example.com".into(),
//!     ..Default::default()
//! };
//! let encoded = transcoding::encode(&LIST_CUSTOMERS, &request)?;
//! assert_eq!(encoded.verb(), HttpVerb::Get);
//! assert_eq!(
//!     encoded.path_and_query(),
//!     "/v1/accounts/A1/customers?filter=domain%3Dexample.com&pageSize=50"
//! );
//! assert!(encoded.body().is_none());
//!
//! // What a REST server does with it.
//! let route = transcoding::match_route(HttpVerb::Get, encoded.path()).unwrap();
//! assert_eq!(route.method().name, "ListCustomers");
//! let decoded: ListCustomersRequest =
//!     transcoding::decode(&route, Some(&encoded.query_string()), b"")?;
//! assert_eq!(decoded, request);
//! # Ok::<(), channel_core::Error>(())
//! ```

mod fields;
mod query;
mod template;

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use channel_core::{Error, Result};
use channel_types::methods::{self, HttpBinding, HttpVerb, Method, QueryField};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

pub use query::SYSTEM_PARAMETERS;

use fields::{FieldPath, set_json_path};
use template::Template;

/// A request turned into the parts of an HTTP request.
#[derive(Debug, Clone, PartialEq)]
pub struct EncodedRequest {
    binding: &'static HttpBinding,
    path: String,
    query: Vec<(String, String)>,
    body: Option<Value>,
}

impl EncodedRequest {
    /// The HTTP verb.
    pub fn verb(&self) -> HttpVerb {
        self.binding.verb
    }

    /// The binding that was chosen.
    pub fn binding(&self) -> &'static HttpBinding {
        self.binding
    }

    /// The URL path, percent-encoded, e.g. `/v1/accounts/A1/customers`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query parameters, not yet encoded, in the order they are sent.
    pub fn query(&self) -> &[(String, String)] {
        &self.query
    }

    /// The encoded query string, without the `?` (empty when there is none).
    pub fn query_string(&self) -> String {
        query::to_query_string(&self.query)
    }

    /// The path and, when there is one, `?` and the query string.
    pub fn path_and_query(&self) -> String {
        if self.query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, self.query_string())
        }
    }

    /// The JSON body, `None` when the request has none.
    pub fn body(&self) -> Option<&Value> {
        self.body.as_ref()
    }

    /// Takes the JSON body out.
    pub fn take_body(&mut self) -> Option<Value> {
        self.body.take()
    }
}

/// The parsed template of every binding in the method table, by path.
fn templates() -> &'static HashMap<&'static str, Template> {
    static TEMPLATES: OnceLock<HashMap<&'static str, Template>> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        methods::ALL
            .iter()
            .flat_map(|m| m.http.iter())
            .filter_map(|b| Template::parse(b.path).ok().map(|t| (b.path, t)))
            .collect()
    })
}

fn template_of(method: &Method, binding: &'static HttpBinding) -> Result<Cow<'static, Template>> {
    if let Some(t) = templates().get(binding.path) {
        return Ok(Cow::Borrowed(t));
    }
    Template::parse(binding.path).map(Cow::Owned).map_err(|e| {
        Error::invalid_request(
            "http",
            format!("{} has a bad URL template: {e}", method.grpc_path),
        )
    })
}

/// Encodes a request for `method`; see the [module docs](self).
///
/// Fails with an `INVALID_ARGUMENT` [`Error`] naming the field when a path
/// field matches none of the method's bindings, or when a field left for
/// the query string cannot be written there (a repeated message, a map).
pub fn encode<Req: Serialize + ?Sized>(method: &Method, request: &Req) -> Result<EncodedRequest> {
    let json = serde_json::to_value(request).map_err(|e| {
        Error::invalid_request("request", format!("cannot be written as JSON: {e}"))
    })?;
    encode_json(method, json)
}

/// Why a binding's path variable does not fit a request.
struct Misfit {
    /// The variable's field, proto names.
    field: String,
    /// What is wrong with its value, e.g. `"x" does not match`.
    problem: String,
    /// The pattern the value had to match.
    pattern: String,
}

/// Encodes a request given in its proto3 JSON form (camelCase or proto field
/// names); see [`encode`].
pub fn encode_json(method: &Method, mut request: Value) -> Result<EncodedRequest> {
    if !request.is_object() {
        return Err(Error::invalid_request(
            "request",
            format!("{} must be a JSON object", method.input),
        ));
    }
    let mut chosen = None;
    // Per binding tried, the first variable that does not fit.
    let mut misfits: Vec<Misfit> = Vec::new();
    for binding in method.http {
        let template = template_of(method, binding)?;
        let mut values = Vec::with_capacity(template.variables().len());
        let mut misfit = None;
        for var in template.variables() {
            match var.field.get(&request) {
                Some(Value::String(s)) if var.matches(s) => values.push(s.clone()),
                found => {
                    let problem = match found {
                        None => "is empty, but must match".to_string(),
                        Some(Value::String(s)) if s.is_empty() => {
                            "is empty, but must match".to_string()
                        }
                        Some(Value::String(s)) => format!("{s:?} does not match"),
                        Some(_) => "is not a string; it must match".to_string(),
                    };
                    misfit = Some(Misfit {
                        field: var.field.proto().to_string(),
                        problem,
                        pattern: var.pattern_text.clone(),
                    });
                    break;
                }
            }
        }
        match misfit {
            None => {
                chosen = Some((binding, template, values));
                break;
            }
            Some(m) => misfits.push(m),
        }
    }
    let Some((binding, template, values)) = chosen else {
        return Err(no_binding_fits(misfits));
    };

    let value_refs: Vec<&str> = values.iter().map(String::as_str).collect();
    let path = template.render(&value_refs);
    let body = match binding.body {
        Some("*") => {
            for var in template.variables() {
                var.field.take(&mut request);
            }
            return Ok(EncodedRequest {
                binding,
                path,
                query: Vec::new(),
                body: Some(request),
            });
        }
        Some(field) => FieldPath::new(field).take(&mut request),
        None => None,
    };
    for var in template.variables() {
        var.field.take(&mut request);
    }
    let mut pairs = Vec::new();
    if let Value::Object(rest) = &request {
        query::flatten(rest, &mut pairs)?;
    }
    Ok(EncodedRequest {
        binding,
        path,
        query: pairs,
        body,
    })
}

/// The error naming the field (or fields, when bindings differ in which
/// field they route on) and every pattern it could have matched.
fn no_binding_fits(misfits: Vec<Misfit>) -> Error {
    let Some(first) = misfits.first() else {
        return Error::invalid_request("request", "the method has no HTTP binding");
    };
    let field = first.field.clone();
    if misfits.iter().all(|m| m.field == field) {
        let patterns: Vec<&str> = misfits.iter().map(|m| m.pattern.as_str()).collect();
        return Error::invalid_request(
            &field,
            format!("{} {}", first.problem, patterns.join(" or ")),
        );
    }
    let clauses: Vec<String> = misfits
        .iter()
        .map(|m| format!("{} {} {}", m.field, m.problem, m.pattern))
        .collect();
    Error::invalid_request(
        &field,
        format!("no HTTP binding fits: {}", clauses.join("; ")),
    )
}

/// The HTTP verb of an `http::Method`, if the schema uses it.
pub fn verb_of(method: &http::Method) -> Option<HttpVerb> {
    Some(match *method {
        http::Method::GET => HttpVerb::Get,
        http::Method::PUT => HttpVerb::Put,
        http::Method::POST => HttpVerb::Post,
        http::Method::DELETE => HttpVerb::Delete,
        http::Method::PATCH => HttpVerb::Patch,
        _ => return None,
    })
}

struct Route {
    method: &'static Method,
    binding: &'static HttpBinding,
    template: &'static Template,
}

fn routes() -> &'static [Route] {
    static ROUTES: OnceLock<Vec<Route>> = OnceLock::new();
    ROUTES.get_or_init(|| {
        let templates = templates();
        methods::ALL
            .iter()
            .flat_map(|m| m.http.iter().map(move |b| (*m, b)))
            .filter_map(|(method, binding)| {
                templates.get(binding.path).map(|template| Route {
                    method,
                    binding,
                    template,
                })
            })
            .collect()
    })
}

/// A request path matched to a method and one of its bindings.
#[derive(Debug, Clone)]
pub struct RouteMatch {
    method: &'static Method,
    binding: &'static HttpBinding,
    template: &'static Template,
    values: Vec<String>,
}

impl RouteMatch {
    /// The method called.
    pub fn method(&self) -> &'static Method {
        self.method
    }

    /// The binding the path matched.
    pub fn binding(&self) -> &'static HttpBinding {
        self.binding
    }

    /// The path variables: the field path (proto names, e.g. `customer.name`)
    /// and its percent-decoded value.
    pub fn variables(&self) -> impl Iterator<Item = (&str, &str)> {
        self.template
            .variables()
            .iter()
            .zip(&self.values)
            .map(|(var, value)| (var.field.proto(), value.as_str()))
    }

    /// The path variables as the members of a request's JSON form, each a
    /// field's JSON name and its value; `None` when a variable binds a
    /// nested field (`customer.name`), which is no member of its own.
    pub fn json_members(&self) -> Option<Vec<(&str, &str)>> {
        let variables = self.template.variables();
        let mut members = Vec::with_capacity(variables.len());
        for (var, value) in variables.iter().zip(&self.values) {
            let name = var.field.json();
            if name.contains('.') {
                return None;
            }
            members.push((name, value.as_str()));
        }
        Some(members)
    }
}

/// Finds the method and binding that serve `verb` on `path` (percent-encoded;
/// a `?query` suffix is ignored). When several templates match, the one with
/// more literal segments wins, then one without `**`.
pub fn match_route(verb: HttpVerb, path: &str) -> Option<RouteMatch> {
    let path = path.split_once('?').map_or(path, |(p, _)| p);
    let mut best: Option<(&Route, Vec<String>)> = None;
    for route in routes().iter().filter(|r| r.binding.verb == verb) {
        let Some(values) = route.template.match_path(path) else {
            continue;
        };
        let better = best.as_ref().is_none_or(|(b, _)| {
            let rank = |t: &Template| (t.literal_count(), !t.has_double_star());
            rank(route.template) > rank(b.template)
        });
        if better {
            best = Some((route, values));
        }
    }
    best.map(|(route, values)| RouteMatch {
        method: route.method,
        binding: route.binding,
        template: route.template,
        values,
    })
}

/// Matches `path` (percent-encoded, no query string) against one binding
/// of `method` only, as [`match_route`] would: for a server that found its
/// candidates another way (a prefix tree, say) and checks them here.
pub fn match_binding(
    method: &'static Method,
    binding: &'static HttpBinding,
    path: &str,
) -> Option<RouteMatch> {
    let template = templates().get(binding.path)?;
    let values = template.match_path(path)?;
    Some(RouteMatch {
        method,
        binding,
        template,
        values,
    })
}

/// Rebuilds a request in its proto3 JSON form from a matched route, the raw
/// query string (without `?`) and the body; see [`decode`].
pub fn decode_json(route: &RouteMatch, query_string: Option<&str>, body: &[u8]) -> Result<Value> {
    let method = route.method;
    let mut json = Map::new();
    let body_text = body.trim_ascii();
    match route.binding.body {
        Some(field) if !body_text.is_empty() => {
            let value: Value = serde_json::from_slice(body_text).map_err(|e| {
                Error::invalid_request("body", format!("the request body is not valid JSON: {e}"))
            })?;
            if field == "*" {
                match value {
                    Value::Object(fields) => json = fields,
                    _ => {
                        return Err(Error::invalid_request(
                            "body",
                            format!("the request body must be a JSON object ({})", method.input),
                        ));
                    }
                }
            } else if !value.is_null() {
                FieldPath::new(field)
                    .set(&mut json, value)
                    .map_err(|e| Error::invalid_request(field, e))?;
            }
        }
        // No body where one is expected leaves the fields unset; a body where
        // none is expected is ignored.
        _ => {}
    }

    let pairs = query::parse(query_string.unwrap_or_default())?;
    // Repeated parameters are gathered first, then set once as arrays.
    let mut gathered: Vec<(&'static QueryField, &str, Vec<Value>)> = Vec::new();
    for (name, text) in &pairs {
        if SYSTEM_PARAMETERS.contains(&name.as_str()) {
            continue;
        }
        // Either spelling, even mixed along the path, names the same field.
        let json_path = name
            .split('.')
            .map(fields::json_name)
            .collect::<Vec<_>>()
            .join(".");
        let in_path = route
            .template
            .variables()
            .iter()
            .any(|v| v.field.json() == json_path);
        let in_body = match route.binding.body {
            Some("*") => true,
            Some(body) => {
                let body = FieldPath::new(body);
                json_path == body.json()
                    || json_path
                        .strip_prefix(body.json())
                        .is_some_and(|rest| rest.starts_with('.'))
            }
            None => false,
        };
        let why = if route.binding.body == Some("*") {
            Some("the request body carries every field")
        } else if in_path {
            Some("the URL path sets it")
        } else if in_body {
            Some("the request body carries it")
        } else {
            None
        };
        if let Some(why) = why {
            return Err(Error::invalid_request(
                name,
                format!("{name} cannot be a query parameter here: {why}"),
            ));
        }
        let Some(field) = method.query.iter().find(|f| f.json == json_path) else {
            return Err(Error::invalid_request(
                name,
                format!("unknown query parameter {name:?} for {}", method.name),
            ));
        };
        let value = query::typed_value(field, name, text)?;
        match gathered.iter_mut().find(|(f, _, _)| f.field == field.field) {
            Some((f, _, values)) if f.repeated => values.push(value),
            Some(_) => {
                return Err(Error::invalid_request(
                    name,
                    format!("query parameter {name} is given more than once"),
                ));
            }
            None => gathered.push((field, name, vec![value])),
        }
    }
    for (field, name, mut values) in gathered {
        let value = if field.repeated {
            Value::Array(values)
        } else {
            values.pop().unwrap_or(Value::Null)
        };
        set_json_path(&mut json, field.json, value).map_err(|e| Error::invalid_request(name, e))?;
    }

    // The path wins over anything the body or query said.
    for (var, value) in route.template.variables().iter().zip(&route.values) {
        var.field
            .set(&mut json, Value::String(value.clone()))
            .map_err(|e| Error::invalid_request(var.field.proto(), e))?;
    }
    Ok(Value::Object(json))
}

/// Rebuilds a typed request from a matched route, the raw query string
/// (without `?`) and the body bytes: path variables set at their fields,
/// query parameters typed by their fields (both camelCase and proto names
/// accepted; [`SYSTEM_PARAMETERS`] skipped; unknown ones refused), the body
/// merged (`*`) or set at the body field. Read strictly, as a server reads
/// a request: an unknown member or enum value name is refused.
pub fn decode<Req: DeserializeOwned>(
    route: &RouteMatch,
    query_string: Option<&str>,
    body: &[u8],
) -> Result<Req> {
    let json = decode_json(route, query_string, body)?;
    channel_types::json::from_value_strict(&json).map_err(|e| {
        Error::invalid_request(
            "request",
            format!("not a valid {}: {e}", route.method.input),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use channel_core::ErrorKind;
    use channel_types::methods::cloud_channel_service as ccs;
    use serde_json::json;

    #[test]
    fn every_template_in_the_table_parses() {
        for m in methods::ALL {
            for b in m.http {
                assert!(Template::parse(b.path).is_ok(), "{}", b.path);
            }
        }
        assert_eq!(
            routes().len(),
            methods::ALL.iter().map(|m| m.http.len()).sum::<usize>()
        );
    }

    #[test]
    fn every_binding_routes_back_to_itself() {
        for m in methods::ALL {
            for b in m.http {
                let t = Template::parse(b.path).unwrap();
                let values: Vec<String> = t
                    .variables()
                    .iter()
                    .map(|v| v.pattern_text.replace("**", "x/y").replace('*', "s1"))
                    .collect();
                let refs: Vec<&str> = values.iter().map(String::as_str).collect();
                let path = t.render(&refs);
                let found = match_route(b.verb, &path).unwrap_or_else(|| panic!("{path}"));
                assert_eq!(found.method().grpc_path, m.grpc_path, "{path}");
                assert_eq!(found.binding(), b);
                let vars: Vec<&str> = found.variables().map(|(_, v)| v).collect();
                assert_eq!(vars, refs);
            }
        }
    }

    #[test]
    fn the_more_specific_route_wins() {
        let list = match_route(HttpVerb::Get, "/v1/operations").unwrap();
        assert_eq!(list.method().name, "ListOperations");
        let get = match_route(HttpVerb::Get, "/v1/operations/a/b?x=1").unwrap();
        assert_eq!(get.method().name, "GetOperation");
        assert!(match_route(HttpVerb::Put, "/v1/operations/a").is_none());
        assert!(match_route(HttpVerb::Get, "/v2/accounts/A/customers").is_none());
    }

    #[test]
    fn bindings_are_chosen_by_pattern() {
        let direct = json!({"name": "accounts/A/customers/C"});
        let encoded = encode_json(&ccs::GET_CUSTOMER, direct).unwrap();
        assert_eq!(encoded.path(), "/v1/accounts/A/customers/C");
        let linked = json!({"name": "accounts/A/channelPartnerLinks/L/customers/C"});
        let encoded = encode_json(&ccs::GET_CUSTOMER, linked).unwrap();
        assert_eq!(encoded.binding(), &ccs::GET_CUSTOMER.http[1]);
        // A field spelled with its proto name is found as well.
        let snake = json!({"integrator": "integrators/I", "service_account": "sa@x"});
        let encoded = encode_json(&ccs::REGISTER_SUBSCRIBER, snake).unwrap();
        assert_eq!(encoded.path(), "/v1/integrators/I:registerSubscriber");
        assert_eq!(encoded.body(), Some(&json!({"service_account": "sa@x"})));
    }

    #[test]
    fn a_field_matching_no_binding_is_refused() {
        let err = encode_json(&ccs::GET_CUSTOMER, json!({"name": "customers/C"})).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
        assert_eq!(err.field_violations()[0].field, "name");
        assert_eq!(
            err.field_violations()[0].description,
            "\"customers/C\" does not match accounts/*/customers/* or \
             accounts/*/channelPartnerLinks/*/customers/*"
        );
        let err = encode_json(&ccs::UPDATE_CUSTOMER, json!({"customer": {}})).unwrap_err();
        assert_eq!(err.field_violations()[0].field, "customer.name");
        assert!(err.message().contains("is empty"), "{err}");
        let err = encode_json(&ccs::LIST_SUBSCRIBERS, json!({})).unwrap_err();
        assert_eq!(err.field_violations()[0].field, "account");
        assert!(err.message().contains("integrator is empty"), "{err}");
        assert!(encode_json(&ccs::GET_CUSTOMER, json!({"name": 7})).is_err());
        assert!(encode_json(&ccs::GET_CUSTOMER, json!("x")).is_err());
    }

    #[test]
    fn body_field_keeps_its_name_and_the_rest_goes_to_the_query() {
        let request = json!({
            "customer": {"name": "accounts/A/customers/C", "orgDisplayName": "Org"},
            "updateMask": "orgDisplayName,domain",
        });
        let encoded = encode_json(&ccs::UPDATE_CUSTOMER, request).unwrap();
        assert_eq!(encoded.verb(), HttpVerb::Patch);
        assert_eq!(encoded.path(), "/v1/accounts/A/customers/C");
        assert_eq!(
            encoded.body(),
            Some(&json!({"name": "accounts/A/customers/C", "orgDisplayName": "Org"}))
        );
        assert_eq!(encoded.query_string(), "updateMask=orgDisplayName%2Cdomain");
        // A missing body field means no body at all.
        let bare = json!({"parent": "accounts/A"});
        let encoded = encode_json(&ccs::CREATE_CUSTOMER, bare).unwrap();
        assert_eq!(encoded.body(), None);
        assert_eq!(encoded.path_and_query(), "/v1/accounts/A/customers");
    }

    fn route(method: &Method, verb: HttpVerb, path: &str) -> RouteMatch {
        let r = match_route(verb, path).unwrap();
        assert_eq!(r.method().grpc_path, method.grpc_path);
        r
    }

    #[test]
    fn decoding_types_query_values_and_accepts_both_names() {
        let r = route(&ccs::LIST_OFFERS, HttpVerb::Get, "/v1/accounts/A/offers");
        let json = decode_json(
            &r,
            Some("pageSize=5&show_future_offers=true&languageCode=en-US&alt=json&%24.xgafv=2"),
            b"",
        )
        .unwrap();
        assert_eq!(
            json,
            json!({"parent": "accounts/A", "pageSize": "5", "showFutureOffers": true, "languageCode": "en-US"})
        );
        let typed: channel_types::model::ListOffersRequest =
            decode(&r, Some("pageSize=5"), b"").unwrap();
        assert_eq!(typed.page_size, 5);
        let r = route(
            &ccs::LIST_PURCHASABLE_SKUS,
            HttpVerb::Get,
            "/v1/accounts/A/customers/C:listPurchasableSkus",
        );
        let json = decode_json(
            &r,
            Some("change_offer_purchase.changeType=UPGRADE&changeOfferPurchase.entitlement=e&language_code=en"),
            b"",
        )
        .unwrap();
        assert_eq!(
            json["changeOfferPurchase"],
            json!({"changeType": "UPGRADE", "entitlement": "e"})
        );
        assert_eq!(json["languageCode"], "en");
    }

    #[test]
    fn decoding_refuses_bad_parameters() {
        let r = route(&ccs::LIST_OFFERS, HttpVerb::Get, "/v1/accounts/A/offers");
        let err = decode_json(&r, Some("bogus=1"), b"").unwrap_err();
        assert_eq!(err.code(), channel_types::rpc::Code::InvalidArgument);
        assert_eq!(err.field_violations()[0].field, "bogus");
        let err = decode_json(&r, Some("parent=accounts/B"), b"").unwrap_err();
        assert!(err.message().contains("URL path"), "{err}");
        let err = decode_json(&r, Some("pageSize=1&pageSize=2"), b"").unwrap_err();
        assert!(err.message().contains("more than once"), "{err}");
        let err = decode_json(&r, Some("showFutureOffers=maybe"), b"").unwrap_err();
        assert_eq!(err.field_violations()[0].field, "showFutureOffers");
        let create = route(
            &ccs::CREATE_ENTITLEMENT,
            HttpVerb::Post,
            "/v1/accounts/A/customers/C/entitlements",
        );
        let err = decode_json(&create, Some("requestId=x"), b"{}").unwrap_err();
        assert!(err.message().contains("body"), "{err}");
        assert!(decode_json(&create, None, b"{nope").is_err());
        assert!(decode_json(&create, None, b"[1]").is_err());
        let bad: Result<channel_types::model::ListOffersRequest> =
            decode(&r, Some("languageCode=en"), b"");
        assert!(bad.is_ok());
        let r = route(
            &ccs::LIST_PURCHASABLE_SKUS,
            HttpVerb::Get,
            "/v1/accounts/A/customers/C:listPurchasableSkus",
        );
        let bad: Result<channel_types::model::ListPurchasableSkusRequest> =
            decode(&r, Some("changeOfferPurchase.changeType=SIDEWAYS"), b"");
        assert_eq!(bad.unwrap_err().kind(), ErrorKind::InvalidRequest);
    }

    #[test]
    fn decoding_sets_the_path_over_the_body() {
        let r = route(
            &ccs::UPDATE_CUSTOMER,
            HttpVerb::Patch,
            "/v1/accounts/A/customers/C",
        );
        let json = decode_json(
            &r,
            Some("updateMask=domain"),
            br#"{"name": "accounts/X/customers/Y", "domain": "d.example"}"#,
        )
        .unwrap();
        assert_eq!(
            json,
            json!({"customer": {"name": "accounts/A/customers/C", "domain": "d.example"}, "updateMask": "domain"})
        );
        let json = decode_json(&r, None, b"").unwrap();
        assert_eq!(
            json,
            json!({"customer": {"name": "accounts/A/customers/C"}})
        );
    }
}
