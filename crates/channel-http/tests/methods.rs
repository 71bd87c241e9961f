//! Every RPC of the method table through the transport against a local
//! server: the verb, path, query and body the server sees, the request the
//! server rebuilds from them with the transcoding module, and the typed
//! response; plus round trips through the transcoding module alone.

#![allow(deprecated)]

mod support;

use channel_core::{CallOptions, Result};
use channel_http::{HttpTransport, transcoding};
use channel_types::methods::{
    self, Method, cloud_channel_reports_service, cloud_channel_service, operations,
};
use channel_types::{longrunning, model};
use serde_json::{Value, json};

use support::{Reply, Seen, TestServer};

/// Calls the typed trait method of `method` with `request` (its proto3 JSON
/// form), checks that the server side rebuilds exactly the typed request
/// from what it received, and returns the typed response as JSON.
async fn call_typed(
    transport: &HttpTransport,
    server: &TestServer,
    method: &Method,
    request: Value,
) -> Result<(Seen, Value)> {
    macro_rules! typed_calls {
        ($($service:path { $($name:ident($request:ty) -> $response:ty = $table:path;)* })*) => {{
            $($(
                if method.grpc_path == $table.grpc_path {
                    let typed: $request = serde_json::from_value(request.clone())
                        .unwrap_or_else(|e| panic!("{}: {e}: {request}", method.name));
                    let response: $response =
                        <HttpTransport as $service>::$name(transport, typed.clone(), CallOptions::new())
                            .await?;
                    let seen = server.take_one();
                    let verb = transcoding::verb_of(&seen.method.parse().unwrap()).unwrap();
                    let route = transcoding::match_route(verb, &seen.path)
                        .unwrap_or_else(|| panic!("no route for {} {}", seen.method, seen.path));
                    assert_eq!(route.method().grpc_path, method.grpc_path);
                    let rebuilt: $request = transcoding::decode(&route, seen.query.as_deref(), &seen.body)?;
                    assert_eq!(rebuilt, typed, "{}: the server rebuilt another request", method.name);
                    return Ok((seen, serde_json::to_value(&response).unwrap()));
                }
            )*)*
            panic!("no typed call for {}", method.grpc_path)
        }};
    }
    channel_core::for_each_rpc!(typed_calls)
}

/// A value fitting a path pattern: each `*` a distinct id, `**` two segments.
fn sample(pattern: &str, n: &mut usize) -> String {
    let mut segments = Vec::new();
    for segment in pattern.split('/') {
        match segment {
            "*" => {
                *n += 1;
                segments.push(format!("id{n}"));
            }
            "**" => {
                *n += 2;
                segments.push(format!("id{}/id{}", *n - 1, *n));
            }
            literal => segments.push(literal.to_string()),
        }
    }
    segments.join("/")
}

/// Sets a value at a dotted proto field path, with JSON names.
fn set(root: &mut Value, path: &str, value: Value) {
    let mut at = root;
    let steps: Vec<String> = channel_types::json_name(path)
        .split('.')
        .map(str::to_string)
        .collect();
    for step in &steps[..steps.len() - 1] {
        at = at
            .as_object_mut()
            .unwrap()
            .entry(step.clone())
            .or_insert_with(|| json!({}));
    }
    at[steps.last().unwrap()] = value;
}

/// What one generic call of a method should look like on the wire.
struct Case {
    request: Value,
    path: String,
    query: Vec<(String, String)>,
    body: Option<Value>,
}

const REQUEST_ID: &str = "6f1d7c3e-3b8e-4c3a-9d3e-2a1b0c9d8e7f";
const PAGE_TOKEN: &str = "tok en/1+é&=";

/// A request with every path variable of the primary binding set, plus the
/// paging fields and request id where the method has them, and what the
/// server must see for it: worked out from the table's template text, not
/// through the transcoding module.
fn case_for(m: &Method) -> Case {
    let binding = &m.http[0];
    let mut request = json!({});
    let mut path = String::new();
    let mut rest = binding.path;
    let mut n = 0;
    let mut path_fields = Vec::new();
    while let Some(start) = rest.find('{') {
        let end = rest.find('}').unwrap();
        path.push_str(&rest[..start]);
        let inner = &rest[start + 1..end];
        let (field, pattern) = inner.split_once('=').unwrap_or((inner, "*"));
        let value = sample(pattern, &mut n);
        path.push_str(&value);
        set(&mut request, field, json!(value));
        path_fields.push(field);
        rest = &rest[end + 1..];
    }
    path.push_str(rest);

    let mut extras: Vec<(&str, Value, String)> = Vec::new();
    if m.paging.is_some() {
        extras.push(("pageSize", json!(7), "7".into()));
        extras.push(("pageToken", json!(PAGE_TOKEN), PAGE_TOKEN.into()));
    }
    if m.request_id {
        extras.push(("requestId", json!(REQUEST_ID), REQUEST_ID.into()));
    }
    for (name, value, _) in &extras {
        request[*name] = value.clone();
    }
    let mut query: Vec<(String, String)> = extras
        .iter()
        .map(|(name, _, text)| (name.to_string(), text.clone()))
        .collect();
    let body = match binding.body {
        Some("*") => {
            let mut body = request.clone();
            for field in &path_fields {
                assert!(
                    !field.contains('.'),
                    "{}: nested path field with body *",
                    m.name
                );
                body.as_object_mut()
                    .unwrap()
                    .remove(&channel_types::json_name(field));
            }
            query.clear();
            Some(body)
        }
        Some(field) => {
            let key = channel_types::json_name(field);
            if request.get(&key).is_none() {
                request[&key] = json!({"name": "body-name"});
            }
            Some(request[&key].clone())
        }
        None => None,
    };
    query.sort();
    Case {
        request,
        path,
        query,
        body,
    }
}

fn response_for(m: &Method) -> Value {
    match m.output {
        "google.protobuf.Empty" => json!({}),
        "google.longrunning.Operation" => json!({
            "name": "operations/op-1",
            "metadata": {
                "@type": "type.googleapis.com/google.cloud.channel.v1.OperationMetadata",
                "operationType": "CREATE_ENTITLEMENT"
            },
            "done": true
        }),
        _ => json!({
            "name": "resp-name",
            "nextPageToken": "next-page",
            "topic": "topic-1",
            "fieldFromTheFuture": {"x": 1}
        }),
    }
}

fn check_response(m: &Method, served: &Value, decoded: &Value) {
    match m.output {
        "google.protobuf.Empty" | "google.longrunning.Operation" => {
            assert_eq!(decoded, served, "{}", m.name)
        }
        _ => {
            let decoded = decoded.as_object().unwrap();
            for (key, value) in decoded {
                assert_eq!(served.get(key), Some(value), "{}: {key}", m.name);
            }
            if m.paging.is_some() {
                assert_eq!(decoded["nextPageToken"], "next-page", "{}", m.name);
            }
        }
    }
}

#[tokio::test]
async fn every_method_sends_its_primary_binding_and_decodes_its_response() {
    let server = TestServer::start().await;
    let transport = HttpTransport::new(&server.config()).unwrap();
    assert!(!methods::ALL.is_empty());
    for m in methods::ALL {
        let case = case_for(m);
        let served = response_for(m);
        server.reply(Reply::Json(200, served.clone()));
        let (seen, decoded) = call_typed(&transport, &server, m, case.request.clone())
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", m.name));
        assert_eq!(seen.method, m.http[0].verb.as_str(), "{}", m.name);
        assert_eq!(seen.path, case.path, "{}", m.name);
        assert_eq!(seen.query_pairs(), case.query, "{}", m.name);
        assert_eq!(seen.json(), case.body, "{}", m.name);
        assert_eq!(
            seen.header("content-type"),
            case.body.as_ref().map(|_| "application/json"),
            "{}",
            m.name
        );
        check_response(m, &served, &decoded);

        // The same call with the request as plain JSON.
        let untyped: Value = transport
            .unary(m, &case.request, CallOptions::new())
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", m.name));
        let again = server.take_one();
        assert_eq!(
            (
                &again.method,
                &again.path,
                again.query_pairs(),
                again.json()
            ),
            (&seen.method, &seen.path, seen.query_pairs(), seen.json()),
            "{}",
            m.name
        );
        assert_eq!(untyped, served, "{}", m.name);
    }
}

/// Hand-written requests with nested, repeated, enum, bool and
/// well-known-type fields, and values that need escaping.
#[tokio::test]
async fn query_and_body_fields_of_a_few_methods() {
    let server = TestServer::start().await;
    let transport = HttpTransport::new(&server.config()).unwrap();
    struct Hand {
        method: &'static Method,
        request: Value,
        verb: &'static str,
        path: &'static str,
        query: &'static [(&'static str, &'static str)],
        body: Option<Value>,
    }
    let cases = [
        Hand {
            method: &cloud_channel_service::LIST_PURCHASABLE_SKUS,
            request: json!({
                "customer": "accounts/A1/customers/C1",
                "changeOfferPurchase": {
                    "entitlement": "accounts/A1/customers/C1/entitlements/E1",
                    "changeType": "UPGRADE"
                },
                "languageCode": "de-DE",
                "pageSize": 20
            }),
            verb: "GET",
            path: "/v1/accounts/A1/customers/C1:listPurchasableSkus",
            query: &[
                ("changeOfferPurchase.changeType", "UPGRADE"),
                (
                    "changeOfferPurchase.entitlement",
                    "accounts/A1/customers/C1/entitlements/E1",
                ),
                ("languageCode", "de-DE"),
                ("pageSize", "20"),
            ],
            body: None,
        },
        Hand {
            method: &cloud_channel_service::LIST_OFFERS,
            request: json!({
                "parent": "accounts/A1",
                "filter": "sku.product.name=products/P1 AND sku.name=\"x y\"",
                "showFutureOffers": true
            }),
            verb: "GET",
            path: "/v1/accounts/A1/offers",
            query: &[
                (
                    "filter",
                    "sku.product.name=products/P1 AND sku.name=\"x y\"",
                ),
                ("showFutureOffers", "true"),
            ],
            body: None,
        },
        Hand {
            method: &cloud_channel_service::UPDATE_CUSTOMER,
            request: json!({
                "customer": {
                    "name": "accounts/A1/customers/C1",
                    "orgDisplayName": "Example Org",
                    "alternateEmail": "admin@example.com"
                },
                "updateMask": "orgDisplayName,alternateEmail"
            }),
            verb: "PATCH",
            path: "/v1/accounts/A1/customers/C1",
            query: &[("updateMask", "orgDisplayName,alternateEmail")],
            body: Some(json!({
                "name": "accounts/A1/customers/C1",
                "orgDisplayName": "Example Org",
                "alternateEmail": "admin@example.com"
            })),
        },
        Hand {
            method: &cloud_channel_service::CREATE_ENTITLEMENT,
            request: json!({
                "parent": "accounts/A1/customers/C1",
                "entitlement": {
                    "offer": "accounts/A1/offers/O1",
                    "parameters": [{"name": "num_units", "value": {"int64Value": "10"}}],
                    "purchaseOrderId": "PO-1"
                },
                "requestId": REQUEST_ID
            }),
            verb: "POST",
            path: "/v1/accounts/A1/customers/C1/entitlements",
            query: &[],
            body: Some(json!({
                "entitlement": {
                    "offer": "accounts/A1/offers/O1",
                    "parameters": [{"name": "num_units", "value": {"int64Value": "10"}}],
                    "purchaseOrderId": "PO-1"
                },
                "requestId": REQUEST_ID
            })),
        },
        Hand {
            method: &cloud_channel_service::GET_CUSTOMER,
            request: json!({"name": "accounts/A 1/customers/C~é:x"}),
            verb: "GET",
            path: "/v1/accounts/A%201/customers/C~%C3%A9%3Ax",
            query: &[],
            body: None,
        },
        Hand {
            method: &operations::DELETE_OPERATION,
            request: json!({"name": "operations/a/b"}),
            verb: "DELETE",
            path: "/v1/operations/a/b",
            query: &[],
            body: None,
        },
        Hand {
            method: &operations::LIST_OPERATIONS,
            request: json!({
                "name": "operations",
                "filter": "done=true",
                "pageSize": 3,
                "returnPartialSuccess": true
            }),
            verb: "GET",
            path: "/v1/operations",
            query: &[
                ("filter", "done=true"),
                ("pageSize", "3"),
                ("returnPartialSuccess", "true"),
            ],
            body: None,
        },
        Hand {
            method: &cloud_channel_service::LIST_SUBSCRIBERS,
            request: json!({"integrator": "integrators/I1", "pageSize": 5}),
            verb: "GET",
            path: "/v1/integrators/I1:listSubscribers",
            query: &[("pageSize", "5")],
            body: None,
        },
        Hand {
            method: &cloud_channel_reports_service::RUN_REPORT_JOB,
            request: json!({
                "name": "accounts/A1/reports/R1",
                "dateRange": {
                    "usageStartDateTime": {"year": 2024, "month": 1, "day": 1},
                    "usageEndDateTime": {"year": 2024, "month": 1, "day": 31}
                },
                "filter": "customer = \"accounts/A1/customers/C1\"",
                "languageCode": "en-US"
            }),
            verb: "POST",
            path: "/v1/accounts/A1/reports/R1:run",
            query: &[],
            body: Some(json!({
                "dateRange": {
                    "usageStartDateTime": {"year": 2024, "month": 1, "day": 1},
                    "usageEndDateTime": {"year": 2024, "month": 1, "day": 31}
                },
                "filter": "customer = \"accounts/A1/customers/C1\"",
                "languageCode": "en-US"
            })),
        },
    ];
    for case in cases {
        let m = case.method;
        server.reply(Reply::Json(200, response_for(m)));
        let (seen, _) = call_typed(&transport, &server, m, case.request.clone())
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", m.name));
        assert_eq!(seen.method, case.verb, "{}", m.name);
        assert_eq!(seen.path, case.path, "{}", m.name);
        let mut expected: Vec<(String, String)> = case
            .query
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        expected.sort();
        assert_eq!(seen.query_pairs(), expected, "{}", m.name);
        assert_eq!(seen.json(), case.body, "{}", m.name);
    }
    // One parameter, to see its exact encoding on the wire.
    let request = json!({
        "customer": {"name": "accounts/A1/customers/C1"},
        "updateMask": "orgDisplayName,alternateEmail"
    });
    let _: Value = transport
        .unary(
            &cloud_channel_service::UPDATE_CUSTOMER,
            &request,
            CallOptions::new(),
        )
        .await
        .unwrap();
    let seen = server.take_one();
    assert_eq!(
        seen.query.as_deref(),
        Some("updateMask=orgDisplayName%2CalternateEmail")
    );
}

/// Encodes a typed request, routes and decodes it again as a REST server
/// would, and checks that nothing changed.
fn round_trip<Req>(method: &Method, request: Value)
where
    Req: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let typed: Req = serde_json::from_value(request).unwrap();
    let encoded = transcoding::encode(method, &typed).unwrap();
    let route = transcoding::match_route(encoded.verb(), encoded.path())
        .unwrap_or_else(|| panic!("{}: no route for {}", method.name, encoded.path()));
    assert_eq!(route.method().grpc_path, method.grpc_path);
    assert_eq!(route.binding(), encoded.binding());
    let body = encoded
        .body()
        .map(|b| serde_json::to_vec(b).unwrap())
        .unwrap_or_default();
    let query = encoded.query_string();
    let back: Req = transcoding::decode(&route, Some(&query), &body).unwrap();
    assert_eq!(back, typed, "{}", method.name);
}

#[test]
fn decode_of_encode_is_the_request() {
    use cloud_channel_service as ccs;
    round_trip::<model::ListPurchasableSkusRequest>(
        &ccs::LIST_PURCHASABLE_SKUS,
        json!({
            "customer": "accounts/A1/customers/C1",
            "createEntitlementPurchase": {"product": "products/P1"},
            "pageSize": 10,
            "pageToken": "a b&c",
            "languageCode": "fr"
        }),
    );
    round_trip::<model::ListPurchasableOffersRequest>(
        &ccs::LIST_PURCHASABLE_OFFERS,
        json!({
            "customer": "accounts/A1/customers/C1",
            "changeOfferPurchase": {
                "entitlement": "accounts/A1/customers/C1/entitlements/E1",
                "newSku": "products/P1/skus/S1",
                "billingAccount": "accounts/A1/billingAccounts/B1"
            }
        }),
    );
    round_trip::<model::UpdateCustomerRequest>(
        &ccs::UPDATE_CUSTOMER,
        json!({
            "customer": {
                "name": "accounts/A1/channelPartnerLinks/L1/customers/C1",
                "orgDisplayName": "Org",
                "orgPostalAddress": {"regionCode": "US", "addressLines": ["1 Main St", "Suite 2"]}
            },
            "updateMask": "orgDisplayName,orgPostalAddress"
        }),
    );
    round_trip::<model::CreateEntitlementRequest>(
        &ccs::CREATE_ENTITLEMENT,
        json!({
            "parent": "accounts/A1/customers/C1",
            "entitlement": {
                "offer": "accounts/A1/offers/O1",
                "parameters": [
                    {"name": "num_units", "value": {"int64Value": "10"}},
                    {"name": "max_units", "value": {"int64Value": "9007199254740993"}}
                ]
            },
            "requestId": REQUEST_ID
        }),
    );
    round_trip::<model::ListOffersRequest>(
        &ccs::LIST_OFFERS,
        json!({"parent": "accounts/A1", "showFutureOffers": true, "filter": "x=\"y\""}),
    );
    round_trip::<model::GetCustomerRequest>(
        &ccs::GET_CUSTOMER,
        json!({"name": "accounts/A1/channelPartnerLinks/L1/customers/C 1"}),
    );
    round_trip::<model::RegisterSubscriberRequest>(
        &ccs::REGISTER_SUBSCRIBER,
        json!({"integrator": "integrators/I1", "serviceAccount": "sa@example.iam.gserviceaccount.com"}),
    );
    round_trip::<model::ListSubscribersRequest>(
        &ccs::LIST_SUBSCRIBERS,
        json!({"account": "accounts/A1", "pageSize": 3}),
    );
    round_trip::<model::UpdateChannelPartnerRepricingConfigRequest>(
        &ccs::UPDATE_CHANNEL_PARTNER_REPRICING_CONFIG,
        json!({
            "channelPartnerRepricingConfig": {
                "name": "accounts/A1/channelPartnerLinks/L1/channelPartnerRepricingConfigs/R1",
                "repricingConfig": {
                    "effectiveInvoiceMonth": {"year": 2025, "month": 3},
                    "channelPartnerGranularity": {},
                    "adjustment": {"percentageAdjustment": {"value": "-5.25"}},
                    "rebillingBasis": "DIRECT_CUSTOMER_COST"
                }
            }
        }),
    );
    round_trip::<model::ChangeOfferRequest>(
        &ccs::CHANGE_OFFER,
        json!({
            "name": "accounts/A1/customers/C1/entitlements/E1",
            "offer": "accounts/A1/offers/O2",
            "purchaseOrderId": "PO 7",
            "requestId": REQUEST_ID
        }),
    );
    round_trip::<longrunning::ListOperationsRequest>(
        &operations::LIST_OPERATIONS,
        json!({"name": "operations", "filter": "done=false", "returnPartialSuccess": true}),
    );
    round_trip::<longrunning::CancelOperationRequest>(
        &operations::CANCEL_OPERATION,
        json!({"name": "operations/x/y:z"}),
    );
    round_trip::<model::DeleteCustomerRequest>(
        &ccs::DELETE_CUSTOMER,
        json!({"name": "accounts/A1/customers/C1"}),
    );
}
