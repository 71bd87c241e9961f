//! The emulator's REST face reads request bodies strictly, as Google's
//! servers do, and names fields in its errors by their JSON names.

mod support;

use channel_mock::{Emulator, EmulatorConfig};
use serde_json::{Value, json};

const CUSTOMERS: &str = "/v1/accounts/C0emulator/customers";

/// One HTTP/1.1 request on a fresh connection; the status code and the
/// body as JSON (null when it is not JSON).
async fn http_call(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    body: &str,
) -> (u16, Value) {
    let (status, _, body) = support::http_call(addr, method, path, "", body).await;
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

fn violations(envelope: &Value) -> Vec<(String, String)> {
    envelope["error"]["details"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["@type"] == "type.googleapis.com/google.rpc.BadRequest")
        .flat_map(|d| d["fieldViolations"].as_array().cloned().unwrap_or_default())
        .map(|v| {
            (
                v["field"].as_str().unwrap_or_default().to_string(),
                v["description"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn an_unknown_enum_name_in_a_request_is_refused_with_its_path_and_value() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let body = json!({"orgDisplayName": "X", "domain": "x.example",
        "orgPostalAddress": {"regionCode": "US"},
        "customerAttestationState": "NOT_A_STATE"});
    let (status, envelope) =
        http_call(emulator.http_addr(), "POST", CUSTOMERS, &body.to_string()).await;
    assert_eq!(status, 400, "{envelope}");
    assert_eq!(envelope["error"]["status"], "INVALID_ARGUMENT");
    let message = "Invalid value at 'customer.customerAttestationState' \
        (type.googleapis.com/google.cloud.channel.v1.Customer.CustomerAttestationState), \
        \"NOT_A_STATE\"";
    assert_eq!(envelope["error"]["message"], message);
    assert_eq!(
        violations(&envelope),
        [(
            "customer.customerAttestationState".to_string(),
            message.to_string()
        )]
    );
    emulator.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_number_that_is_not_an_integer_is_refused_in_googles_words() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let body = json!({"parameters": [{"name": "num_units", "value": {"int64Value": "1.5"}}]});
    let (status, envelope) = http_call(
        emulator.http_addr(),
        "POST",
        "/v1/accounts/C0emulator/customers/C/entitlements/E:changeParameters",
        &body.to_string(),
    )
    .await;
    assert_eq!(status, 400, "{envelope}");
    assert_eq!(
        envelope["error"]["message"],
        "Invalid value at 'parameters[0].value.int64Value' (TYPE_INT64), \"1.5\""
    );
    emulator.shutdown().await.unwrap();
}

#[tokio::test]
async fn field_violations_over_rest_use_json_names() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    // Valid JSON, but the engine refuses a customer without a name or domain.
    let (status, envelope) = http_call(emulator.http_addr(), "POST", CUSTOMERS, "{}").await;
    assert_eq!(status, 400, "{envelope}");
    let fields: Vec<String> = violations(&envelope).into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["customer.orgDisplayName", "customer.domain"]);
    emulator.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_member_named_twice_or_nested_too_deep_is_refused_before_anything_changes() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let addr = emulator.http_addr();
    // A parsed body keeps only the last of two members: the text is checked.
    let twice = r#"{"orgDisplayName": "X", "domain": "a.example", "domain": "b.example",
        "orgPostalAddress": {"regionCode": "US"}}"#;
    let (status, envelope) = http_call(addr, "POST", CUSTOMERS, twice).await;
    assert_eq!(status, 400, "{envelope}");
    assert_eq!(
        envelope["error"]["message"],
        "Invalid JSON payload received. Duplicate name \"domain\" at 'customer': \
         a field, or one member of a oneof, may be set once."
    );
    assert_eq!(violations(&envelope)[0].0, "customer.domain");

    // A Struct under an Any, 101 levels deep.
    let deep = format!(
        r#"{{"parameters": [{{"name": "p", "value": {{"protoValue": {{
            "@type": "type.googleapis.com/google.protobuf.ListValue", "value": {}{}}}}}}}]}}"#,
        "[".repeat(101),
        "]".repeat(101)
    );
    let (status, envelope) = http_call(
        addr,
        "POST",
        "/v1/accounts/C0emulator/customers/C/entitlements/E:changeParameters",
        &deep,
    )
    .await;
    assert_eq!(status, 400, "{envelope}");
    assert_eq!(
        envelope["error"]["message"],
        "Invalid JSON payload received. Message too deep. Max recursion depth is 100."
    );

    // Not JSON at all: Google's words, not the parser's.
    let (status, envelope) = http_call(addr, "POST", CUSTOMERS, r#"{"revision": 1e400}"#).await;
    assert_eq!(status, 400, "{envelope}");
    let message = envelope["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("Invalid JSON payload received."),
        "{message}"
    );
    let (_, list) = http_call(addr, "GET", CUSTOMERS, "").await;
    assert_eq!(list, json!({}), "nothing was created");
    emulator.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_lowercase_t_or_z_in_a_request_timestamp_is_refused() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let body = json!({"orgDisplayName": "X", "domain": "x.example",
        "orgPostalAddress": {"regionCode": "US"},
        "createTime": "2026-01-01t00:00:00z"});
    let (status, envelope) =
        http_call(emulator.http_addr(), "POST", CUSTOMERS, &body.to_string()).await;
    assert_eq!(status, 400, "{envelope}");
    assert_eq!(violations(&envelope)[0].0, "customer.createTime");
    emulator.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_body_refused_before_it_is_read_is_answered_as_the_query_asks() {
    let limit = 1024;
    let emulator = Emulator::start(EmulatorConfig {
        limits: channel_mock::ConnectionLimits {
            max_request_bytes: limit,
            ..Default::default()
        },
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let addr = emulator.http_addr();
    let unknown_encoding = "Content-Encoding: br\r\n";
    let too_large = "x".repeat(limit + 1);
    for (headers, body, status) in [(unknown_encoding, "{}", 400), ("", too_large.as_str(), 413)] {
        let compact = format!("{CUSTOMERS}?prettyPrint=false");
        let (got, _, text) = support::http_call(addr, "POST", &compact, headers, body).await;
        assert_eq!(got, status, "{text}");
        assert!(
            !text.contains('\n'),
            "indented against prettyPrint=false: {text}"
        );
        let jsonp = format!("{CUSTOMERS}?callback=seen");
        let (got, content_type, text) =
            support::http_call(addr, "POST", &jsonp, headers, body).await;
        assert_eq!(got, status, "{text}");
        assert!(
            content_type.starts_with("text/javascript"),
            "{content_type}"
        );
        assert!(text.starts_with("// API callback\nseen({"), "{text}");
        assert!(text.ends_with(");"), "{text}");
    }
    emulator.shutdown().await.unwrap();
}
