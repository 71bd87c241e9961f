//! The emulator's control surface on the REST port, under `/emulator/v1`:
//! reset, seed, inspect, move the clock, read the events. Not part of the
//! Cloud Channel API; it needs no credentials, as the emulator serves tests.
//!
//! | Method | Path | Body / query | Answer |
//! |---|---|---|---|
//! | POST | `/emulator/v1:reset` | – | `{}` |
//! | GET | `/emulator/v1/requests` | `?limit=N` (default 100) | `{"requests": [...]}` |
//! | GET | `/emulator/v1/state` | – | the state, as the state file holds it |
//! | PUT | `/emulator/v1/state` | a state | `{}` |
//! | POST | `/emulator/v1/scenario` | a scenario, JSON or (by `Content-Type`) YAML | what was made |
//! | GET | `/emulator/v1/time` | – | `{"time": ...}` |
//! | POST | `/emulator/v1/time:advance` | `{"duration": "2592000s"}` | `{"time": ...}` |
//! | POST | `/emulator/v1/time:set` | `{"time": "2027-01-01T00:00:00Z"}` | `{"time": ...}` |
//! | GET | `/emulator/v1/events` | `?after=ID` (default 0) | `{"events": [...]}` |
//! | POST | `/emulator/v1/subscriptions` | `{"endpoint": URL, "account": ID}` (account optional) | `{"subscription": NAME}` |
//! | GET | `/emulator/v1/subscriptions` | – | `{"subscriptions": [...]}` |
//! | POST | `/emulator/v1/customers:verifyDomain` | `{"cloudIdentityId": ID}` | `{"customers": [...]}` |
//! | POST | `/emulator/v1/customers:changeDomain` | `{"cloudIdentityId": ID, "domain": D}` | `{"customers": [...]}` |
//! | POST | `/emulator/v1/entitlements:assignLicenses` | `{"entitlement": NAME, "assignedUnits": N}` | the entitlement |
//!
//! The last three stand for what the customer's own admin does outside the
//! Channel API (verify or change the primary domain, assign licenses to
//! users), so that the events these cause can be tested.

use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use channel_core::Error;
use channel_types::rpc::Code;
use channel_types::wkt::{Duration, Timestamp};
use serde_json::{Value, json};

use super::rest::error_response;
use crate::engine::{Engine, Scenario, ScenarioFormat, State};

/// Requests the journal answers with when no limit is given.
const DEFAULT_LIMIT: usize = 100;

/// Answers one control request; `path` follows `/emulator/v1`.
pub(crate) fn handle(
    engine: &Engine,
    method: &Method,
    path: &str,
    query: Option<&str>,
    content_type: Option<&str>,
    body: &[u8],
) -> Response {
    match answer(engine, method, path, query, content_type, body) {
        Ok(value) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            value.to_string(),
        )
            .into_response(),
        Err(error) => error_response(&error),
    }
}

fn answer(
    engine: &Engine,
    method: &Method,
    path: &str,
    query: Option<&str>,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Value, Error> {
    match (method.as_str(), path) {
        ("POST", ":reset") => {
            engine.reset();
            Ok(json!({}))
        }
        ("GET", "/requests") => {
            let limit = match param(query, "limit") {
                Some(text) => text
                    .parse::<usize>()
                    .map_err(|_| bad("limit", "expected a whole number of requests, such as 50"))?,
                None => DEFAULT_LIMIT,
            };
            Ok(json!({ "requests": engine.requests(limit) }))
        }
        ("GET", "/state") => serde_json::to_value(engine.snapshot()).map_err(|e| {
            Error::rpc(
                Code::Internal,
                format!("the state could not be written: {e}"),
            )
        }),
        ("PUT", "/state") => {
            // A struct also reads from a JSON array, and an empty one would
            // silently replace everything with an empty state: a state is an
            // object, as the state file's loader requires too.
            let expected = "a state as GET /emulator/v1/state returns it";
            let value: Value = parse(body, expected)?;
            if !value.is_object() {
                return Err(Error::rpc(
                    Code::InvalidArgument,
                    format!("the body is not {expected}: expected a JSON object"),
                ));
            }
            let state: State = serde_json::from_value(value).map_err(|e| {
                Error::rpc(
                    Code::InvalidArgument,
                    format!("the body is not {expected}: {e}"),
                )
            })?;
            engine.import_state(state)?;
            Ok(json!({}))
        }
        ("POST", "/scenario") => {
            let format = content_type.map_or(ScenarioFormat::Json, ScenarioFormat::of_content_type);
            let scenario =
                Scenario::parse(&String::from_utf8_lossy(body), format).map_err(|e| {
                    Error::rpc(
                        Code::InvalidArgument,
                        format!("the body is not a scenario with accounts and customers: {e}"),
                    )
                })?;
            let seeded = engine.seed(&scenario)?;
            to_json(seeded)
        }
        ("GET", "/time") => Ok(json!({ "time": engine.clock().to_string() })),
        ("POST", "/time:advance") => {
            let input: Value = parse(body, "{\"duration\": \"2592000s\"}")?;
            let text = input
                .get("duration")
                .and_then(Value::as_str)
                .ok_or_else(|| bad("duration", "required, a duration such as \"2592000s\""))?;
            let duration = Duration::parse(text)
                .map_err(|_| bad("duration", "expected a duration such as \"2592000s\""))?;
            let time = engine.advance_clock(duration.seconds)?;
            Ok(json!({ "time": time.to_string() }))
        }
        ("POST", "/time:set") => {
            let input: Value = parse(body, "{\"time\": \"2027-01-01T00:00:00Z\"}")?;
            let text = input.get("time").and_then(Value::as_str).ok_or_else(|| {
                bad(
                    "time",
                    "required, an RFC 3339 time such as \"2027-01-01T00:00:00Z\"",
                )
            })?;
            let target = Timestamp::parse(text).map_err(|_| {
                bad(
                    "time",
                    "expected an RFC 3339 time such as \"2027-01-01T00:00:00Z\"",
                )
            })?;
            let time = engine.set_clock(target)?;
            Ok(json!({ "time": time.to_string() }))
        }
        ("POST", "/subscriptions") => {
            let input: Value = parse(body, "{\"endpoint\": \"http://127.0.0.1:9000/push\"}")?;
            let endpoint = text(&input, "endpoint", "an http:// or https:// URL")?;
            let account = match input.get("account") {
                None | Some(Value::Null) => "",
                Some(value) => value.as_str().ok_or_else(|| {
                    bad("account", "expected an account id such as \"C0emulator\"")
                })?,
            };
            Ok(json!({ "subscription": engine.add_push(endpoint, account)? }))
        }
        ("GET", "/subscriptions") => Ok(json!({ "subscriptions": engine.pushes() })),
        ("POST", "/customers:verifyDomain") => {
            let input: Value = parse(body, "{\"cloudIdentityId\": \"C01234\"}")?;
            let id = text(&input, "cloudIdentityId", "a Cloud Identity id")?;
            Ok(json!({ "customers": engine.verify_domain(id)? }))
        }
        ("POST", "/customers:changeDomain") => {
            let input: Value = parse(
                body,
                "{\"cloudIdentityId\": \"C01234\", \"domain\": \"new.example\"}",
            )?;
            let id = text(&input, "cloudIdentityId", "a Cloud Identity id")?;
            let domain = text(&input, "domain", "the new primary domain")?;
            Ok(json!({ "customers": engine.change_domain(id, domain)? }))
        }
        ("POST", "/entitlements:assignLicenses") => {
            let input: Value = parse(
                body,
                "{\"entitlement\": \"accounts/A/customers/C/entitlements/E\", \"assignedUnits\": 5}",
            )?;
            let name = text(&input, "entitlement", "an entitlement's resource name")?;
            let units = input
                .get("assignedUnits")
                .and_then(Value::as_i64)
                .ok_or_else(|| bad("assignedUnits", "required, a whole number of licenses"))?;
            to_json(engine.assign_licenses(name, units)?)
        }
        ("GET", "/events") => {
            let after = match param(query, "after") {
                Some(text) => text
                    .parse::<u64>()
                    .map_err(|_| bad("after", "expected an event id, such as 0"))?,
                None => 0,
            };
            Ok(json!({ "events": engine.events_after(after) }))
        }
        _ => Err(Error::rpc(
            Code::NotFound,
            format!(
                "{method} /emulator/v1{path} is not a control method; see the README's emulator section"
            ),
        )),
    }
}

/// A required string member of a control request's body.
fn text<'v>(input: &'v Value, field: &str, what: &str) -> Result<&'v str, Error> {
    input
        .get(field)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad(field, &format!("required, {what}")))
}

fn to_json<T: serde::Serialize>(value: T) -> Result<Value, Error> {
    serde_json::to_value(value).map_err(|e| {
        Error::rpc(
            Code::Internal,
            format!("the answer could not be written: {e}"),
        )
    })
}

fn bad(field: &str, description: &str) -> Error {
    crate::engine::errors::invalid(field, description)
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8], expected: &str) -> Result<T, Error> {
    // The strict reader words its errors as Google's servers do, with the
    // JSON path of the member at fault.
    channel_types::json::from_slice_strict(body).map_err(|e| {
        Error::rpc(
            Code::InvalidArgument,
            format!("the body is not {expected}: {e}"),
        )
    })
}

fn param<'q>(query: Option<&'q str>, name: &str) -> Option<&'q str> {
    query?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}
