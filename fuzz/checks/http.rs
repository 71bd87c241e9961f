//! Fuzz checks of REST transcoding (`channel-http`), both ways: a client
//! building the HTTP request of any method from any field values, and a
//! server matching any path and rebuilding the request from any query and
//! body.
#![allow(dead_code)]

use arbitrary::{Result, Unstructured};
use channel_http::transcoding;
use channel_types::methods::{self, HttpVerb, Method};
use channel_types::rpc::Code;
use serde_json::{Map, Value};

use crate::schema;

/// Tokens of REST requests, for the mutator.
pub(crate) const REST_WORDS: &[&[u8]] = &[
    b"/v1/",
    b"accounts/",
    b"customers/",
    b"entitlements/",
    b"operations/",
    b"products/",
    b"C0emulator",
    b"/",
    b".",
    b"..",
    b"%2F",
    b"%2e",
    b"%",
    b"?",
    b"&",
    b"=",
    b"pageToken",
    b"pageSize",
    b":",
    b":import",
    "\u{20ac}".as_bytes(),
];

const VERBS: [HttpVerb; 5] = [
    HttpVerb::Get,
    HttpVerb::Put,
    HttpVerb::Post,
    HttpVerb::Delete,
    HttpVerb::Patch,
];

/// Some method of the API, chosen by the input.
pub(crate) fn method(u: &mut Unstructured<'_>) -> &'static Method {
    methods::ALL[u.choose_index(methods::ALL.len()).unwrap_or(0)]
}

/// The `{field=pattern}` variables of a URL template, in order.
pub(crate) fn variables(template: &str) -> Vec<(&str, &str)> {
    template
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}'))
        .map(|(var, _)| var.split_once('=').unwrap_or((var, "*")))
        .collect()
}

/// Percent-encodes all but RFC 3986's unreserved characters.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A value for a path variable of `pattern`: its literal segments, and for
/// each wildcard a plain id, the emulator's account, or odd text.
pub(crate) fn path_value(u: &mut Unstructured<'_>, pattern: &str) -> Result<Vec<String>> {
    pattern
        .split('/')
        .map(|segment| match segment {
            "*" | "**" => match u.int_in_range(0u8..=4)? {
                0 | 1 => Ok(format!("x{}", u.int_in_range(0u16..=999)?)),
                2 => Ok("C0emulator".to_owned()),
                _ => schema::text(u),
            },
            literal => Ok(literal.to_owned()),
        })
        .collect()
}

/// A request of `method` in proto3 JSON: schema-shaped fields, with its
/// routing fields mostly set to values of the shape its URL wants.
pub(crate) fn request_json(u: &mut Unstructured<'_>, method: &Method) -> Result<Value> {
    let mut json = match schema::pool().get_message_by_name(method.input) {
        Some(input) => schema::json_message(u, &input, 1)?,
        None => Value::Object(Map::new()),
    };
    let binding = &method.http[u.choose_index(method.http.len())?];
    for (field, pattern) in variables(binding.path) {
        if u.ratio(1u8, 6)? {
            continue;
        }
        let value = path_value(u, pattern)?.join("/");
        set(&mut json, field, Value::String(value));
    }
    Ok(json)
}

/// Sets a dotted proto field path in a JSON object, by JSON names.
fn set(json: &mut Value, field: &str, value: Value) {
    let mut at = json;
    let names: Vec<String> = field.split('.').map(channel_types::json_name).collect();
    for (i, name) in names.iter().enumerate() {
        let Value::Object(object) = at else { return };
        if i + 1 == names.len() {
            object.insert(name.clone(), value);
            return;
        }
        let next = object
            .entry(name.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if !next.is_object() {
            *next = Value::Object(Map::new());
        }
        at = next;
    }
}

/// The message a JSON request stands for, as our canonical JSON, or `None`
/// if it is not a valid message of that type.
fn canonical(input: &str, json: Value) -> Option<Value> {
    let mut json = json;
    let Value::Object(object) = &mut json else {
        return None;
    };
    object.insert(
        "@type".into(),
        Value::String(format!("type.googleapis.com/{input}")),
    );
    channel_types::wkt::Any::from_json(json)
        .ok()?
        .to_json()
        .ok()
}

/// Client side: any request of any method encodes to an HTTP request or
/// fails with INVALID_ARGUMENT; what encodes routes back to the same method
/// on a server and decodes back to the same message.
pub(crate) fn client(data: &[u8]) {
    let u = &mut Unstructured::new(data);
    let method = method(u);
    let Ok(json) = request_json(u, method) else {
        return;
    };
    // Any JSON at all encodes or fails cleanly.
    if let Err(e) = transcoding::encode_json(method, json.clone()) {
        assert_eq!(e.code(), Code::InvalidArgument, "{}: {e}", method.name);
    }
    // A valid message, as a typed client would send it (the schema drops
    // members it does not know), goes there and back unchanged.
    let Some(sent) = canonical(method.input, json) else {
        return;
    };
    let mut request = sent.clone();
    if let Value::Object(object) = &mut request {
        object.remove("@type");
    }
    let encoded = match transcoding::encode_json(method, request) {
        Ok(encoded) => encoded,
        Err(e) => {
            assert_eq!(e.code(), Code::InvalidArgument, "{}: {e}", method.name);
            return;
        }
    };
    let path = encoded.path().to_owned();
    let route = transcoding::match_route(encoded.verb(), &path)
        .unwrap_or_else(|| panic!("{}: {path} routes nowhere", method.name));
    assert_eq!(
        (route.method().service, route.method().name),
        (method.service, method.name),
        "{path} routes to another method"
    );
    let body = encoded
        .body()
        .map(|b| serde_json::to_vec(b).expect("JSON prints"))
        .unwrap_or_default();
    let decoded = transcoding::decode_json(&route, Some(&encoded.query_string()), &body)
        .unwrap_or_else(|e| panic!("{}: {path} does not decode back: {e}", method.name));
    let received = canonical(method.input, decoded.clone())
        .unwrap_or_else(|| panic!("{}: decoded request is not valid: {decoded}", method.name));
    let (mut received, mut sent) = (received, sent);
    if binding_has_query(&encoded) {
        // A query string cannot say "this message, empty" (HTTP rules
        // have no syntax for it), so an empty message there is not a loss.
        drop_empty_objects(&mut received);
        drop_empty_objects(&mut sent);
    }
    assert_eq!(
        received, sent,
        "{}: the request changed on the way",
        method.name
    );
}

fn binding_has_query(encoded: &transcoding::EncodedRequest) -> bool {
    encoded.binding().body != Some("*")
}

/// Removes members whose value is an empty object, at any depth.
fn drop_empty_objects(json: &mut Value) {
    if let Value::Object(object) = json {
        for value in object.values_mut() {
            drop_empty_objects(value);
        }
        object.retain(|_, v| !matches!(v, Value::Object(o) if o.is_empty()));
    }
}

/// Client side, the path itself: what a URL library makes of an encoded
/// path is that same path (no `.` or `..` segment it could collapse).
pub(crate) fn client_paths(data: &[u8]) {
    let u = &mut Unstructured::new(data);
    let method = method(u);
    let Ok(json) = request_json(u, method) else {
        return;
    };
    if let Ok(encoded) = transcoding::encode_json(method, json) {
        let url = reqwest::Url::parse(&format!("http://localhost{}", encoded.path()))
            .expect("an encoded path is a valid URL path");
        assert_eq!(
            url.path(),
            encoded.path(),
            "{}: a URL library rewrites the path",
            method.name
        );
    }
}

/// A request line's target for a server: from one of the API's templates
/// filled with odd values, escaped or not, or just text.
pub(crate) fn server_path(u: &mut Unstructured<'_>, method: &Method) -> Result<String> {
    if u.ratio(1u8, 8)? {
        return Ok(format!("/v1/{}", schema::text(u)?));
    }
    let template = method.http[u.choose_index(method.http.len())?].path;
    let escape_values = !u.ratio(1u8, 6)?;
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let var = &rest[open + 1..open + close];
        let pattern = var.split_once('=').map_or("*", |(_, p)| p);
        let segments = path_value(u, pattern)?;
        let segments: Vec<String> = if escape_values {
            segments.iter().map(|s| escape(s)).collect()
        } else {
            segments
        };
        out.push_str(&segments.join("/"));
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A query string: the method's own parameters with odd values, unknown
/// ones, system ones, or text.
pub(crate) fn server_query(u: &mut Unstructured<'_>, method: &Method) -> Result<String> {
    let mut pairs = Vec::new();
    for _ in 0..u.int_in_range(0u8..=3)? {
        let name = match u.int_in_range(0u8..=5)? {
            0 if !method.query.is_empty() => method.query[u.choose_index(method.query.len())?]
                .field
                .to_owned(),
            1 => "alt".to_owned(),
            2 => schema::text(u)?,
            _ if !method.query.is_empty() => method.query[u.choose_index(method.query.len())?]
                .json
                .to_owned(),
            _ => "pageToken".to_owned(),
        };
        let value = schema::text(u)?;
        if u.ratio(1u8, 4)? {
            pairs.push(format!("{name}={value}"));
        } else {
            pairs.push(format!("{}={}", escape(&name), escape(&value)));
        }
    }
    Ok(pairs.join("&"))
}

/// A body: the method's request in JSON, any JSON, or any bytes.
pub(crate) fn server_body(u: &mut Unstructured<'_>, method: &Method) -> Result<Vec<u8>> {
    Ok(match u.int_in_range(0u8..=4)? {
        0 => u.arbitrary::<Vec<u8>>()?,
        1 => serde_json::to_vec(&schema::odd_json(u)?).unwrap_or_default(),
        _ => serde_json::to_vec(&request_json(u, method)?).unwrap_or_default(),
    })
}

/// Server side: any verb, path, query and body is matched to a method or
/// not, and then decoded to a request or refused with INVALID_ARGUMENT.
pub(crate) fn server(data: &[u8]) {
    let Some(RawRequest {
        verb,
        path,
        query,
        body,
    }) = raw_request(data)
    else {
        return;
    };
    let Some(route) = transcoding::match_route(verb, &path) else {
        return;
    };
    for (field, value) in route.variables() {
        assert!(
            !field.is_empty() && !value.is_empty(),
            "{path}: empty variable"
        );
    }
    match transcoding::decode_json(&route, Some(&query), &body) {
        Ok(json) => {
            let _ = canonical(route.method().input, json);
        }
        Err(e) => assert_eq!(e.code(), Code::InvalidArgument, "{path}?{query}: {e}"),
    }
}

/// An HTTP request in parts, as a server sees it.
pub(crate) struct RawRequest {
    /// The verb.
    pub(crate) verb: HttpVerb,
    /// The path, percent-encoded.
    pub(crate) path: String,
    /// The query string, without `?`.
    pub(crate) query: String,
    /// The body.
    pub(crate) body: Vec<u8>,
}

/// The request an input stands for: either written out as text, the way
/// corpus files are (`DELETE /v1/operations/x?a=b`, then optionally a blank
/// line and the body), or built from the input for a method it picks.
pub(crate) fn raw_request(data: &[u8]) -> Option<RawRequest> {
    if let Some(request) = written_request(data) {
        return Some(request);
    }
    let u = &mut Unstructured::new(data);
    let method = method(u);
    let verb = if u.ratio(1u8, 4).ok()? {
        VERBS[u.choose_index(VERBS.len()).ok()?]
    } else {
        method.http[0].verb
    };
    Some(RawRequest {
        verb,
        path: server_path(u, method).ok()?,
        query: server_query(u, method).ok()?,
        body: server_body(u, method).ok()?,
    })
}

fn written_request(data: &[u8]) -> Option<RawRequest> {
    let text = std::str::from_utf8(data).ok()?;
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let (verb, target) = head.trim_end().split_once(' ')?;
    let verb = *VERBS.iter().find(|v| v.as_str() == verb)?;
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    Some(RawRequest {
        verb,
        path: path.to_owned(),
        query: query.to_owned(),
        body: body.as_bytes().to_vec(),
    })
}
