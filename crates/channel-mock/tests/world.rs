//! The world around the caller: customers of other resellers and of Google,
//! transfers and imports with auth tokens, the virtual clock, events and the
//! control surface. Seeded from the example scenario through the admin API,
//! and checked over both wires.

use std::sync::Arc;
use std::time::Duration;

use channel_core::transport::Stubs;
use channel_core::{Client, ClientBuilder, Error, PollingPolicy, RetryPolicy};
use channel_grpc::GrpcTransport;
use channel_http::HttpTransport;
use channel_mock::{Emulator, EmulatorConfig, EngineConfig};
use channel_types::model::entitlement::{ProvisioningState, SuspensionReason};
use channel_types::model::entitlement_change::{ChangeReason, ChangeType, OperatorType};
use channel_types::model::*;
use channel_types::rpc::Code;
use serde_json::{Value, json};

const ME: &str = "accounts/C0emulator";
const SCENARIO: &str = include_str!("../examples/scenario.json");
const STANDARD: &str = "products/google-workspace/skus/business-standard";
const VAULT: &str = "products/google-workspace/skus/google-vault";

async fn start() -> Emulator {
    Emulator::start(EmulatorConfig {
        engine: EngineConfig {
            operation_delay: Duration::ZERO,
            ..EngineConfig::default()
        },
        ..EmulatorConfig::default()
    })
    .await
    .unwrap()
}

fn builder() -> ClientBuilder {
    ClientBuilder::new()
        .default_retry(RetryPolicy::none())
        .polling_policy(PollingPolicy::default().with_intervals(
            Duration::from_millis(5),
            1.0,
            Duration::from_millis(5),
        ))
}

fn wires(emulator: &Emulator) -> Vec<(&'static str, Client)> {
    vec![
        (
            "rest",
            builder()
                .endpoint(emulator.http_endpoint())
                .build_with(HttpTransport::new)
                .unwrap(),
        ),
        (
            "grpc",
            builder()
                .endpoint(emulator.grpc_endpoint())
                .build_with(GrpcTransport::new)
                .unwrap(),
        ),
    ]
}

fn local(emulator: &Emulator) -> Client {
    builder().build_with_stubs(Stubs::from_backend(Arc::new(emulator.engine().clone())))
}

/// Calls the control surface; answers the status and the JSON body.
async fn admin(emulator: &Emulator, method: &str, path: &str, body: &str) -> (u16, Value) {
    admin_as(emulator, method, path, "application/json", body).await
}

/// Calls the control surface with a body of the given media type.
async fn admin_as(
    emulator: &Emulator,
    method: &str,
    path: &str,
    content_type: &str,
    body: &str,
) -> (u16, Value) {
    let url = format!("{}/emulator/v1{path}", emulator.http_endpoint());
    let client = reqwest::Client::new();
    let request = match method {
        "GET" => client.get(url),
        "PUT" => client.put(url),
        _ => client.post(url),
    };
    let response = tokio::time::timeout(
        Duration::from_secs(10),
        request
            .header("content-type", content_type)
            .body(body.to_string())
            .send(),
    )
    .await
    .unwrap()
    .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Empties the emulator and seeds the example scenario.
async fn fresh_world(emulator: &Emulator) {
    assert_eq!(admin(emulator, "POST", ":reset", "").await.0, 200);
    let (status, seeded) = admin(emulator, "POST", "/scenario", SCENARIO).await;
    assert_eq!(status, 200, "{seeded}");
}

#[track_caller]
fn refused<T: std::fmt::Debug>(wire: &str, result: Result<T, Error>, code: Code) -> Error {
    let error = result.expect_err(&format!("{wire}: expected {code:?}"));
    assert_eq!(error.code(), code, "{wire}: {error:?}");
    error
}

fn skus_of(identity: &str, token: &str) -> ListTransferableSkusRequest {
    ListTransferableSkusRequest {
        parent: ME.into(),
        transferred_customer_identity: Some(
            list_transferable_skus_request::TransferredCustomerIdentity::CloudIdentityId(
                identity.into(),
            ),
        ),
        auth_token: token.into(),
        ..Default::default()
    }
}

fn offer(id: &str, seats: i64) -> Entitlement {
    Entitlement {
        offer: format!("{ME}/offers/{id}"),
        parameters: vec![Parameter {
            name: "num_units".into(),
            value: Some(Value_::int(seats)),
            editable: true,
        }],
        ..Default::default()
    }
}

/// The API's `Value`, built briefly.
struct Value_;

impl Value_ {
    fn int(n: i64) -> channel_types::model::Value {
        channel_types::model::Value {
            kind: Some(value::Kind::Int64Value(n)),
        }
    }
}

fn import(
    identity: import_customer_request::CustomerIdentity,
    token: &str,
) -> ImportCustomerRequest {
    ImportCustomerRequest {
        parent: ME.into(),
        customer_identity: Some(identity),
        auth_token: token.into(),
        ..Default::default()
    }
}

/// Entitlement names in the exported state under `prefix`.
async fn stored_entitlements(emulator: &Emulator, prefix: &str) -> Vec<String> {
    let (_, state) = admin(emulator, "GET", "/state", "").await;
    state["entitlements"]
        .as_object()
        .map(|m| {
            m.keys()
                .filter(|k| k.starts_with(prefix))
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_of_another_reseller_moves_with_its_auth_token_on_both_wires() {
    let emulator = start().await;
    for (wire, c) in wires(&emulator) {
        fresh_world(&emulator).await;
        // Exactly one of cloud_identity_id and customer_name.
        refused(
            wire,
            c.list_transferable_skus(ListTransferableSkusRequest {
                parent: ME.into(),
                ..Default::default()
            })
            .await,
            Code::InvalidArgument,
        );
        // Someone else's customer: the token is required, and must be its own.
        refused(
            wire,
            c.list_transferable_skus(skus_of("C-rival", "")).await,
            Code::PermissionDenied,
        );
        refused(
            wire,
            c.list_transferable_skus(skus_of("C-rival", "direct-admin-token"))
                .await,
            Code::PermissionDenied,
        );
        refused(
            wire,
            c.list_transferable_skus(ListTransferableSkusRequest {
                parent: "accounts/R2rival".into(),
                ..skus_of("C-rival", "rival-admin-token")
            })
            .await,
            Code::PermissionDenied,
        );
        let skus = c
            .list_transferable_skus(skus_of("C-rival", "rival-admin-token"))
            .await
            .unwrap();
        let mut names: Vec<String> = skus
            .transferable_skus
            .iter()
            .map(|s| s.sku.as_ref().unwrap().name.clone())
            .collect();
        names.sort();
        assert_eq!(names, [STANDARD, VAULT], "{wire}");
        // Authorized once, the offers need no token.
        let offers = c
            .list_transferable_offers(ListTransferableOffersRequest {
                parent: ME.into(),
                sku: STANDARD.into(),
                transferred_customer_identity: Some(
                    list_transferable_offers_request::TransferredCustomerIdentity::CloudIdentityId(
                        "C-rival".into(),
                    ),
                ),
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(!offers.transferable_offers.is_empty(), "{wire}");

        let customer = c
            .import_customer(import(
                import_customer_request::CustomerIdentity::CloudIdentityId("C-rival".into()),
                "rival-admin-token",
            ))
            .await
            .unwrap();
        assert_eq!(
            (
                customer.domain.as_str(),
                customer.cloud_identity_id.as_str()
            ),
            ("rival-customer.example", "C-rival"),
            "{wire}"
        );
        // By customer name: the caller's customer, now authorized.
        let by_name = |name: &str| ListTransferableSkusRequest {
            parent: ME.into(),
            transferred_customer_identity: Some(
                list_transferable_skus_request::TransferredCustomerIdentity::CustomerName(
                    name.into(),
                ),
            ),
            ..Default::default()
        };
        let named = c
            .list_transferable_skus(by_name(&customer.name))
            .await
            .unwrap();
        assert_eq!(named.transferable_skus.len(), 2, "{wire}");
        refused(
            wire,
            c.list_transferable_skus(by_name("accounts/R2rival/customers/S-rival"))
                .await,
            Code::PermissionDenied,
        );
        // Every transferring entitlement of the product must be named.
        let error = refused(
            wire,
            c.transfer_entitlements(TransferEntitlementsRequest {
                parent: customer.name.clone(),
                entitlements: vec![offer("ws-business-standard-flexible", 20)],
                auth_token: "rival-admin-token".into(),
                ..Default::default()
            })
            .await,
            Code::FailedPrecondition,
        );
        assert!(
            error
                .message()
                .contains("specify all transferring entitlements"),
            "{wire}: {error:?}"
        );
        refused(
            wire,
            c.transfer_entitlements(TransferEntitlementsRequest {
                parent: customer.name.clone(),
                entitlements: vec![
                    offer("ws-vault-flexible", 20),
                    offer("ws-business-standard-flexible", 20),
                ],
                auth_token: "not-the-token".into(),
                ..Default::default()
            })
            .await,
            Code::PermissionDenied,
        );
        assert_eq!(
            stored_entitlements(&emulator, "accounts/R2rival/")
                .await
                .len(),
            2,
            "{wire}: a refused transfer moves nothing"
        );
        // The add-on first: the base it needs comes in the same transfer.
        let moved = c
            .transfer_entitlements(TransferEntitlementsRequest {
                parent: customer.name.clone(),
                entitlements: vec![
                    offer("ws-vault-flexible", 20),
                    offer("ws-business-standard-flexible", 20),
                ],
                auth_token: "rival-admin-token".into(),
                ..Default::default()
            })
            .await
            .unwrap()
            .wait()
            .await
            .unwrap();
        assert_eq!(moved.entitlements.len(), 2, "{wire}");
        assert!(
            stored_entitlements(&emulator, "accounts/R2rival/")
                .await
                .is_empty(),
            "{wire}: the previous reseller keeps nothing"
        );
        assert_eq!(
            stored_entitlements(&emulator, &customer.name).await.len(),
            2,
            "{wire}"
        );
        let (_, state) = admin(&emulator, "GET", "/state", "").await;
        assert_eq!(
            state["identities"]["C-rival"]["owner"], "C0emulator",
            "{wire}: the customer is now served by the caller"
        );
        // Moved once; a second time is ALREADY_EXISTS.
        refused(
            wire,
            c.transfer_entitlements(TransferEntitlementsRequest {
                parent: customer.name.clone(),
                entitlements: vec![offer("ws-business-standard-flexible", 20)],
                ..Default::default()
            })
            .await,
            Code::AlreadyExists,
        );
    }
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_google_serves_moves_only_once_its_domain_is_verified() {
    let emulator = start().await;
    for (wire, c) in wires(&emulator) {
        fresh_world(&emulator).await;
        let customer = c
            .import_customer(import(
                import_customer_request::CustomerIdentity::Domain("DIRECT-customer.example".into()),
                "direct-admin-token",
            ))
            .await
            .unwrap();
        assert_eq!(customer.cloud_identity_id, "C-direct", "{wire}");
        assert!(
            !customer
                .cloud_identity_info
                .as_ref()
                .unwrap()
                .is_domain_verified,
            "{wire}"
        );
        let error = refused(
            wire,
            c.transfer_entitlements(TransferEntitlementsRequest {
                parent: customer.name.clone(),
                entitlements: vec![offer("ws-business-starter-flexible", 5)],
                ..Default::default()
            })
            .await,
            Code::FailedPrecondition,
        );
        assert!(
            error.message().contains("domain verification"),
            "{wire}: {error:?}"
        );
    }
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_add_on_moves_only_with_the_base_it_needs() {
    let emulator = start().await;
    fresh_world(&emulator).await;
    let (status, body) = admin(
        &emulator,
        "POST",
        "/scenario",
        r#"{"customers": [{"owner": "google", "domain": "vault-only.example",
            "cloudIdentity": {"id": "C-vault", "authToken": "t"},
            "entitlements": [{"offer": "ws-vault-flexible"}]}]}"#,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    for (wire, c) in wires(&emulator) {
        let customer = c
            .import_customer(ImportCustomerRequest {
                overwrite_if_exists: true,
                ..import(
                    import_customer_request::CustomerIdentity::CloudIdentityId("C-vault".into()),
                    "t",
                )
            })
            .await
            .unwrap();
        let error = refused(
            wire,
            c.transfer_entitlements(TransferEntitlementsRequest {
                parent: customer.name.clone(),
                entitlements: vec![offer("ws-vault-flexible", 1)],
                ..Default::default()
            })
            .await,
            Code::FailedPrecondition,
        );
        assert_eq!(
            error.reason(),
            Some("BASE_ENTITLEMENT_MISSING"),
            "{wire}: {error:?}"
        );
    }
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn importing_finds_an_existing_identity_and_changes_no_other_customer() {
    let emulator = start().await;
    for (wire, c) in wires(&emulator) {
        fresh_world(&emulator).await;
        use import_customer_request::CustomerIdentity::{CloudIdentityId, Domain};
        refused(
            wire,
            c.import_customer(import(Domain("nobody.example".into()), ""))
                .await,
            Code::NotFound,
        );
        refused(
            wire,
            c.import_customer(import(CloudIdentityId("C-none".into()), ""))
                .await,
            Code::NotFound,
        );
        refused(
            wire,
            c.import_customer(import(CloudIdentityId("C-rival".into()), ""))
                .await,
            Code::PermissionDenied,
        );
        refused(
            wire,
            c.import_customer(import(CloudIdentityId("C-rival".into()), "wrong"))
                .await,
            Code::PermissionDenied,
        );
        let (_, before) = admin(&emulator, "GET", "/state", "").await;
        // The caller's own customer: ALREADY_EXISTS unless overwriting.
        refused(
            wire,
            c.import_customer(import(CloudIdentityId("C-trial".into()), ""))
                .await,
            Code::AlreadyExists,
        );
        let again = c
            .import_customer(ImportCustomerRequest {
                overwrite_if_exists: true,
                ..import(CloudIdentityId("C-trial".into()), "")
            })
            .await
            .unwrap();
        assert_eq!(again.name, format!("{ME}/customers/S-trial"), "{wire}");
        assert_eq!(again.domain, "trial-customer.example", "{wire}");
        // Naming a customer linked to another identity is refused, untouched.
        refused(
            wire,
            c.import_customer(ImportCustomerRequest {
                customer: format!("{ME}/customers/S-annual"),
                overwrite_if_exists: true,
                ..import(CloudIdentityId("C-trial".into()), "")
            })
            .await,
            Code::InvalidArgument,
        );
        let (_, after) = admin(&emulator, "GET", "/state", "").await;
        for (name, customer) in before["customers"].as_object().unwrap() {
            if !name.ends_with("/S-trial") {
                assert_eq!(
                    &after["customers"][name], customer,
                    "{wire}: {name} changed"
                );
            }
        }
    }
    emulator.shutdown().await.unwrap();
}

async fn entitlement_of(c: &Client, customer: &str) -> Entitlement {
    c.list_entitlements(ListEntitlementsRequest {
        parent: format!("{ME}/customers/{customer}"),
        ..Default::default()
    })
    .await
    .unwrap()
    .entitlements
    .into_iter()
    .next()
    .expect("one entitlement")
}

async fn changes(c: &Client, customer: &str) -> Vec<EntitlementChange> {
    c.list_entitlement_changes(ListEntitlementChangesRequest {
        parent: format!("{ME}/customers/{customer}/entitlements/-"),
        page_size: 50,
        ..Default::default()
    })
    .await
    .unwrap()
    .entitlement_changes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trial_that_reaches_its_end_is_suspended_with_trial_ended() {
    let emulator = start().await;
    for (wire, c) in wires(&emulator) {
        fresh_world(&emulator).await;
        let trial = entitlement_of(&c, "S-trial").await;
        assert_eq!(
            trial.provisioning_state(),
            ProvisioningState::Active,
            "{wire}"
        );
        let (status, moved) = admin(
            &emulator,
            "POST",
            "/time:advance",
            r#"{"duration":"86400s"}"#,
        )
        .await;
        assert_eq!(status, 200, "{wire}: {moved}");
        assert_eq!(
            entitlement_of(&c, "S-trial").await.provisioning_state(),
            ProvisioningState::Active,
            "{wire}: one day in, the trial runs"
        );
        let (status, _) = admin(
            &emulator,
            "POST",
            "/time:advance",
            r#"{"duration":"1296000s"}"#,
        )
        .await;
        assert_eq!(status, 200, "{wire}");
        let ended = entitlement_of(&c, "S-trial").await;
        assert_eq!(
            ended.provisioning_state(),
            ProvisioningState::Suspended,
            "{wire}"
        );
        assert_eq!(
            ended.suspension_reasons,
            [SuspensionReason::TrialEnded as i32],
            "{wire}"
        );
        let last = changes(&c, "S-trial").await.pop().unwrap();
        assert_eq!(last.change_type(), ChangeType::Suspended, "{wire}");
        assert_eq!(last.operator_type(), OperatorType::System, "{wire}");
        assert_eq!(
            last.change_reason,
            Some(ChangeReason::SuspensionReason(
                SuspensionReason::TrialEnded as i32
            )),
            "{wire}"
        );
        assert_eq!(
            last.create_time,
            trial.trial_settings.unwrap().end_time,
            "{wire}: dated at the trial's end"
        );
    }
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn annual_commitments_renew_switch_to_flexible_or_end_as_their_settings_say() {
    let emulator = start().await;
    for (setting, renewal) in [
        ("renew", None),
        (
            "flexible",
            Some(RenewalSettings {
                enable_renewal: true,
                payment_plan: PaymentPlan::Flexible as i32,
                ..Default::default()
            }),
        ),
        (
            "off",
            Some(RenewalSettings {
                enable_renewal: false,
                ..Default::default()
            }),
        ),
    ] {
        for (wire, c) in wires(&emulator) {
            let setting = &format!("{wire}: {setting}");
            fresh_world(&emulator).await;
            let annual = entitlement_of(&c, "S-annual").await;
            let end = annual
                .commitment_settings
                .as_ref()
                .unwrap()
                .end_time
                .unwrap();
            if let Some(renewal) = renewal {
                c.change_renewal_settings(ChangeRenewalSettingsRequest {
                    name: annual.name.clone(),
                    renewal_settings: Some(renewal),
                    ..Default::default()
                })
                .await
                .unwrap();
            }
            let (status, _) = admin(
                &emulator,
                "POST",
                "/time:advance",
                r#"{"duration":"31622400s"}"#,
            )
            .await;
            assert_eq!(status, 200, "{setting}");
            let last = changes(&c, "S-annual").await.pop().unwrap();
            assert_eq!(last.operator_type(), OperatorType::System, "{setting}");
            assert!(last.change_reason.is_some(), "{setting}: {last:?}");
            match setting.rsplit(' ').next().unwrap() {
                "renew" => {
                    assert_eq!(last.change_type(), ChangeType::Renewed);
                    let now = entitlement_of(&c, "S-annual").await;
                    let settings = now.commitment_settings.unwrap();
                    assert_eq!(settings.start_time, Some(end));
                    assert_eq!(
                        settings.end_time.unwrap().seconds,
                        end.seconds + 365 * 86_400
                    );
                }
                "flexible" => {
                    assert_eq!(last.change_type(), ChangeType::PricePlanSwitched);
                    let now = entitlement_of(&c, "S-annual").await;
                    assert!(
                        now.offer.ends_with("/ws-business-standard-flexible"),
                        "{}",
                        now.offer
                    );
                    assert!(now.commitment_settings.is_none());
                }
                _ => {
                    assert_eq!(last.change_type(), ChangeType::Cancelled);
                    let left = c
                        .list_entitlements(ListEntitlementsRequest {
                            parent: format!("{ME}/customers/S-annual"),
                            ..Default::default()
                        })
                        .await
                        .unwrap();
                    assert!(left.entitlements.is_empty());
                }
            }
        }
    }
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registered_subscribers_get_events_from_calls_and_the_clock() {
    let emulator = start().await;
    fresh_world(&emulator).await;
    let c = local(&emulator);
    let (_, none) = admin(&emulator, "GET", "/events?after=0", "").await;
    assert_eq!(none["events"], json!([]), "no subscriber, no events");
    c.register_subscriber(RegisterSubscriberRequest {
        account: ME.into(),
        service_account: "events@project.iam.gserviceaccount.com".into(),
        ..Default::default()
    })
    .await
    .unwrap();
    let trial = entitlement_of(&c, "S-trial").await;
    c.start_paid_service(StartPaidServiceRequest {
        name: trial.name.clone(),
        ..Default::default()
    })
    .await
    .unwrap();
    admin(
        &emulator,
        "POST",
        "/time:set",
        r#"{"time":"2099-01-01T00:00:00Z"}"#,
    )
    .await;
    let (_, events) = admin(&emulator, "GET", "/events?after=0", "").await;
    let kinds: Vec<(String, String)> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let event = &e["event"]["entitlementEvent"];
            (
                event["entitlement"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                event["eventType"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        kinds[0],
        (trial.name.clone(), "PAID_SERVICE_STARTED".into())
    );
    assert!(kinds.iter().any(|(_, t)| t == "RENEWED"), "{kinds:?}");
    let first = events["events"][0]["id"].as_u64().unwrap();
    let (_, later) = admin(&emulator, "GET", &format!("/events?after={first}"), "").await;
    assert_eq!(later["events"].as_array().unwrap().len(), kinds.len() - 1);
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_control_surface_resets_journals_and_round_trips_the_state() {
    let emulator = start().await;
    fresh_world(&emulator).await;
    for (_, c) in wires(&emulator) {
        c.get_customer(GetCustomerRequest {
            name: format!("{ME}/customers/S-trial"),
        })
        .await
        .unwrap();
        c.get_customer(GetCustomerRequest {
            name: format!("{ME}/customers/S-missing"),
        })
        .await
        .unwrap_err();
    }
    let (_, journal) = admin(&emulator, "GET", "/requests?limit=4", "").await;
    let rows: Vec<(String, String, String)> = journal["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["method"].as_str().unwrap().to_string(),
                r["caller"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let call = |status: &str| {
        (
            "GetCustomer".to_string(),
            "C0emulator".to_string(),
            status.to_string(),
        )
    };
    assert_eq!(
        rows,
        [call("OK"), call("NOT_FOUND"), call("OK"), call("NOT_FOUND")]
    );

    let (_, exported) = admin(&emulator, "GET", "/state", "").await;
    assert_eq!(admin(&emulator, "POST", ":reset", "").await.0, 200);
    let (_, empty) = admin(&emulator, "GET", "/state", "").await;
    assert_eq!(empty["customers"], json!({}));
    let (status, body) = admin(&emulator, "PUT", "/state", &exported.to_string()).await;
    assert_eq!(status, 200, "{body}");
    let (_, imported) = admin(&emulator, "GET", "/state", "").await;
    assert_eq!(imported, exported);

    let (status, error) = admin(
        &emulator,
        "POST",
        "/time:advance",
        r#"{"duration":"30 days"}"#,
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("duration"),
        "{error}"
    );
    let (status, _) = admin(
        &emulator,
        "POST",
        "/time:set",
        r#"{"time":"2001-01-01T00:00:00Z"}"#,
    )
    .await;
    assert_eq!(status, 400, "the clock never goes back");
    let (status, _) = admin(&emulator, "GET", "/nothing", "").await;
    assert_eq!(status, 404);
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_seeds_the_example_scenario_and_refuses_a_bad_one() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    for example in [
        concat!(env!("CARGO_MANIFEST_DIR"), "/examples/scenario.json"),
        concat!(env!("CARGO_MANIFEST_DIR"), "/examples/scenario.yaml"),
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_channel-emulator"))
            .args([
                "--grpc",
                "127.0.0.1:0",
                "--http",
                "127.0.0.1:0",
                "--scenario",
                example,
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let ready: Value = serde_json::from_str(&line).expect("one line of JSON");
        let url = format!(
            "http://{}/emulator/v1/state",
            ready["http"].as_str().unwrap()
        );
        let state: Value = tokio::time::timeout(Duration::from_secs(10), async {
            serde_json::from_str(&reqwest::get(url).await.unwrap().text().await.unwrap()).unwrap()
        })
        .await
        .unwrap();
        Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        child.wait().unwrap();
        assert!(
            state["customers"]["accounts/R2rival/customers/S-rival"].is_object(),
            "{example}: {state}"
        );
        assert_eq!(state["identities"]["C-direct"]["owner"], "google");
    }

    let bad = std::env::temp_dir().join(format!("bad-scenario-{}.json", std::process::id()));
    std::fs::write(
        &bad,
        r#"{"customers": [{"owner": "C0emulator", "domain": "x.example",
            "cloudIdentity": {}, "entitlements": [{"offer": "no-such-offer"}]}]}"#,
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_channel-emulator"))
        .args([
            "--grpc",
            "127.0.0.1:0",
            "--http",
            "127.0.0.1:0",
            "--scenario",
        ])
        .arg(&bad)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&bad);
    assert_eq!(output.status.code(), Some(2));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("customers[0].entitlements[0].offer"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_endpoint_that_fails_twice_gets_every_event_once_more_in_order() {
    use std::sync::Mutex;
    // The receiver: answers 500 to its first two requests, then 200.
    let seen: Arc<Mutex<Vec<(u16, Value)>>> = Arc::default();
    let recorder = seen.clone();
    let app = axum::Router::new().route(
        "/push",
        axum::routing::post(move |body: String| {
            let recorder = recorder.clone();
            async move {
                let mut seen = recorder.lock().unwrap();
                let status = if seen.len() < 2 { 500 } else { 200 };
                seen.push((status, serde_json::from_str(&body).unwrap_or(Value::Null)));
                axum::http::StatusCode::from_u16(status).unwrap()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let emulator = start().await;
    fresh_world(&emulator).await;
    let c = local(&emulator);
    c.register_subscriber(RegisterSubscriberRequest {
        account: ME.into(),
        service_account: "events@project.iam.gserviceaccount.com".into(),
        ..Default::default()
    })
    .await
    .unwrap();
    let (status, made) = admin(
        &emulator,
        "POST",
        "/subscriptions",
        &json!({ "endpoint": format!("http://{addr}/push") }).to_string(),
    )
    .await;
    assert_eq!(status, 200, "{made}");
    let trial = entitlement_of(&c, "S-trial").await;
    c.start_paid_service(StartPaidServiceRequest {
        name: trial.name.clone(),
        ..Default::default()
    })
    .await
    .unwrap();
    let annual = entitlement_of(&c, "S-annual").await;
    c.change_renewal_settings(ChangeRenewalSettingsRequest {
        name: annual.name.clone(),
        renewal_settings: Some(RenewalSettings {
            enable_renewal: false,
            ..Default::default()
        }),
        ..Default::default()
    })
    .await
    .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while seen
        .lock()
        .unwrap()
        .iter()
        .filter(|(s, _)| *s == 200)
        .count()
        < 2
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{:?}",
            seen.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let seen = seen.lock().unwrap().clone();
    let ids: Vec<&str> = seen
        .iter()
        .map(|(_, b)| b["message"]["messageId"].as_str().unwrap())
        .collect();
    // The first event three times (two failures, then acknowledged), then the second.
    assert_eq!(ids.len(), 4, "{seen:?}");
    assert_eq!((ids[0], ids[1]), (ids[2], ids[2]));
    assert!(ids[3].parse::<u64>().unwrap() > ids[2].parse::<u64>().unwrap());
    use base64::Engine as _;
    let kinds: Vec<String> = seen[2..]
        .iter()
        .map(|(_, b)| {
            let data = base64::engine::general_purpose::STANDARD
                .decode(b["message"]["data"].as_str().unwrap())
                .unwrap();
            let event: Value = serde_json::from_slice(&data).unwrap();
            event["entitlementEvent"]["eventType"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(kinds, ["PAID_SERVICE_STARTED", "RENEWAL_SETTING_CHANGED"]);
    assert_eq!(seen[0].1["subscription"], made["subscription"]);
    emulator.shutdown().await.unwrap();
    server.abort();
}

const SCENARIO_YAML: &str = include_str!("../examples/scenario.yaml");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_yaml_and_json_examples_describe_and_seed_the_same_world() {
    let json = channel_mock::Scenario::from_json(SCENARIO).unwrap();
    let yaml = channel_mock::Scenario::from_yaml(SCENARIO_YAML).unwrap();
    assert_eq!(json, yaml);
    assert!(!json.customers.is_empty());

    // Seeded through the admin API, each by its media type, the worlds
    // differ only in their timestamps and generated ids.
    let emulator = start().await;
    let mut worlds = Vec::new();
    for (content_type, body) in [
        ("application/json", SCENARIO),
        ("application/yaml", SCENARIO_YAML),
        ("text/yaml; charset=utf-8", SCENARIO_YAML),
    ] {
        assert_eq!(admin(&emulator, "POST", ":reset", "").await.0, 200);
        let (status, seeded) = admin_as(&emulator, "POST", "/scenario", content_type, body).await;
        assert_eq!(status, 200, "{content_type}: {seeded}");
        let (_, state) = admin(&emulator, "GET", "/state", "").await;
        let customers: Vec<(String, Value, Value)> = state["customers"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(name, c)| {
                (
                    name.clone(),
                    c["domain"].clone(),
                    c["cloudIdentityInfo"].clone(),
                )
            })
            .collect();
        worlds.push((
            customers,
            state["identities"].clone(),
            seeded["entitlements"].as_array().unwrap().len(),
        ));
    }
    assert_eq!(worlds[0], worlds[1]);
    assert_eq!(worlds[0], worlds[2]);

    // YAML sent as JSON is refused, naming what was expected.
    let (status, error) = admin(&emulator, "POST", "/scenario", SCENARIO_YAML).await;
    assert_eq!(status, 400, "{error}");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("scenario"),
        "{error}"
    );
    // A YAML scenario with an unknown member is refused too.
    let (status, error) = admin_as(
        &emulator,
        "POST",
        "/scenario",
        "application/yaml",
        "customers:\n  - owner: C0emulator\n    domian: typo.example\n",
    )
    .await;
    assert_eq!(status, 400, "{error}");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("domian"),
        "{error}"
    );
    emulator.shutdown().await.unwrap();
}

async fn wait_done(
    _c: &Client,
    operation: impl std::future::IntoFuture<
        Output = Result<channel_core::Operation<Entitlement, OperationMetadata>, Error>,
    >,
) -> Entitlement {
    operation.await.unwrap().wait().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offer_changes_during_a_commitment_wait_for_the_renewal_and_then_take_effect() {
    let emulator = start().await;
    for (wire, c) in wires(&emulator) {
        fresh_world(&emulator).await;
        let annual = entitlement_of(&c, "S-annual").await;
        assert!(annual.offer.ends_with("/ws-business-standard-annual"));
        // An upgrade takes effect at once and keeps the commitment.
        let upgraded = wait_done(
            &c,
            c.change_offer(ChangeOfferRequest {
                name: annual.name.clone(),
                offer: format!("{ME}/offers/ws-business-plus-annual"),
                ..Default::default()
            }),
        )
        .await;
        assert!(
            upgraded.offer.ends_with("/ws-business-plus-annual"),
            "{wire}"
        );
        assert_eq!(
            upgraded.commitment_settings, annual.commitment_settings,
            "{wire}"
        );
        // A downgrade waits for the end of the commitment.
        let waiting = wait_done(
            &c,
            c.change_offer(ChangeOfferRequest {
                name: annual.name.clone(),
                offer: format!("{ME}/offers/ws-business-starter-annual"),
                parameters: vec![Parameter {
                    name: "num_units".into(),
                    value: Some(Value_::int(8)),
                    editable: true,
                }],
                ..Default::default()
            }),
        )
        .await;
        assert!(
            waiting.offer.ends_with("/ws-business-plus-annual"),
            "{wire}: {waiting:?}"
        );
        let (_, state) = admin(&emulator, "GET", "/state", "").await;
        assert!(
            state["pending"][&annual.name]["offer"]
                .as_str()
                .unwrap()
                .ends_with("/ws-business-starter-annual"),
            "{wire}: {state}"
        );
        let before = changes(&c, "S-annual").await.len();
        admin(
            &emulator,
            "POST",
            "/time:advance",
            r#"{"duration":"15552000s"}"#,
        )
        .await;
        assert!(
            entitlement_of(&c, "S-annual")
                .await
                .offer
                .ends_with("/ws-business-plus-annual"),
            "{wire}: half a year in, nothing moved"
        );
        admin(
            &emulator,
            "POST",
            "/time:advance",
            r#"{"duration":"16070400s"}"#,
        )
        .await;
        let renewed = entitlement_of(&c, "S-annual").await;
        assert!(
            renewed.offer.ends_with("/ws-business-starter-annual"),
            "{wire}: {renewed:?}"
        );
        assert_eq!(
            renewed
                .parameters
                .iter()
                .find(|p| p.name == "num_units")
                .unwrap()
                .value,
            Some(Value_::int(8)),
            "{wire}"
        );
        let end = annual.commitment_settings.unwrap().end_time.unwrap();
        assert_eq!(
            renewed.commitment_settings.unwrap().start_time,
            Some(end),
            "{wire}: renewed on the new offer from the old end"
        );
        let after = changes(&c, "S-annual").await;
        let clock: Vec<(ChangeType, OperatorType)> = after[before..]
            .iter()
            .map(|ch| (ch.change_type(), ch.operator_type()))
            .collect();
        assert_eq!(
            clock,
            [
                (ChangeType::SkuChanged, OperatorType::System),
                (ChangeType::Renewed, OperatorType::System)
            ],
            "{wire}"
        );
        assert!(
            matches!(&after[before].change_reason, Some(ChangeReason::OtherChangeReason(r)) if r.contains("renewal")),
            "{wire}: {:?}",
            after[before]
        );
        assert_eq!(
            after[before].create_time,
            Some(end),
            "{wire}: dated when due"
        );
        let (_, state) = admin(&emulator, "GET", "/state", "").await;
        assert_eq!(state["pending"], json!({}), "{wire}");

        // A move to the flexible plan waits too, and going back to the
        // current offer calls it off.
        let flexible = format!("{ME}/offers/ws-business-starter-flexible");
        wait_done(
            &c,
            c.change_offer(ChangeOfferRequest {
                name: annual.name.clone(),
                offer: flexible.clone(),
                ..Default::default()
            }),
        )
        .await;
        let (_, state) = admin(&emulator, "GET", "/state", "").await;
        assert_eq!(
            state["pending"][&annual.name]["offer"],
            json!(flexible),
            "{wire}"
        );
        wait_done(
            &c,
            c.change_offer(ChangeOfferRequest {
                name: annual.name.clone(),
                offer: renewed.offer.clone(),
                ..Default::default()
            }),
        )
        .await;
        let (_, state) = admin(&emulator, "GET", "/state", "").await;
        assert_eq!(state["pending"], json!({}), "{wire}");

        // With renewal off, a waiting move to the flexible plan still
        // happens at the end instead of the cancellation.
        wait_done(
            &c,
            c.change_renewal_settings(ChangeRenewalSettingsRequest {
                name: annual.name.clone(),
                renewal_settings: Some(RenewalSettings {
                    enable_renewal: false,
                    ..Default::default()
                }),
                ..Default::default()
            }),
        )
        .await;
        wait_done(
            &c,
            c.change_offer(ChangeOfferRequest {
                name: annual.name.clone(),
                offer: flexible.clone(),
                ..Default::default()
            }),
        )
        .await;
        admin(
            &emulator,
            "POST",
            "/time:advance",
            r#"{"duration":"31622400s"}"#,
        )
        .await;
        let now_flexible = entitlement_of(&c, "S-annual").await;
        assert_eq!(now_flexible.offer, flexible, "{wire}");
        assert!(now_flexible.commitment_settings.is_none(), "{wire}");
        assert_eq!(
            changes(&c, "S-annual").await.pop().unwrap().change_type(),
            ChangeType::PricePlanSwitched,
            "{wire}"
        );
    }
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renewal_with_resize_unit_count_takes_the_licenses_assigned() {
    let emulator = start().await;
    for (wire, c) in wires(&emulator) {
        fresh_world(&emulator).await;
        let annual = entitlement_of(&c, "S-annual").await;
        let (status, error) = admin(
            &emulator,
            "POST",
            "/entitlements:assignLicenses",
            &json!({ "entitlement": annual.name, "assignedUnits": 11 }).to_string(),
        )
        .await;
        assert_eq!(status, 400, "{wire}: more licenses than seats: {error}");
        let (status, assigned) = admin(
            &emulator,
            "POST",
            "/entitlements:assignLicenses",
            &json!({ "entitlement": annual.name, "assignedUnits": 4 }).to_string(),
        )
        .await;
        assert_eq!(status, 200, "{wire}: {assigned}");
        let shown = entitlement_of(&c, "S-annual").await;
        let assigned_units = shown
            .parameters
            .iter()
            .find(|p| p.name == "assigned_units")
            .unwrap();
        assert_eq!(assigned_units.value, Some(Value_::int(4)), "{wire}");
        assert!(!assigned_units.editable, "{wire}: output only");
        // Seats can't go below the licenses in use, nor the commitment down.
        for seats in [3, 6] {
            refused(
                wire,
                c.change_parameters(ChangeParametersRequest {
                    name: annual.name.clone(),
                    parameters: vec![Parameter {
                        name: "num_units".into(),
                        value: Some(Value_::int(seats)),
                        editable: true,
                    }],
                    ..Default::default()
                })
                .await,
                Code::InvalidArgument,
            );
        }
        let more = wait_done(
            &c,
            c.change_parameters(ChangeParametersRequest {
                name: annual.name.clone(),
                parameters: vec![Parameter {
                    name: "num_units".into(),
                    value: Some(Value_::int(12)),
                    editable: true,
                }],
                ..Default::default()
            }),
        )
        .await;
        assert!(
            more.parameters.iter().any(|p| p.name == "assigned_units"),
            "{wire}: kept"
        );
        assert_eq!(
            changes(&c, "S-annual").await.pop().unwrap().change_type(),
            ChangeType::CommitmentChanged,
            "{wire}: seats of a commitment are its commitment"
        );
        wait_done(
            &c,
            c.change_renewal_settings(ChangeRenewalSettingsRequest {
                name: annual.name.clone(),
                renewal_settings: Some(RenewalSettings {
                    enable_renewal: true,
                    resize_unit_count: true,
                    payment_plan: PaymentPlan::Commitment as i32,
                    ..Default::default()
                }),
                ..Default::default()
            }),
        )
        .await;
        admin(
            &emulator,
            "POST",
            "/time:advance",
            r#"{"duration":"31622400s"}"#,
        )
        .await;
        let renewed = entitlement_of(&c, "S-annual").await;
        assert_eq!(
            renewed
                .parameters
                .iter()
                .find(|p| p.name == "num_units")
                .unwrap()
                .value,
            Some(Value_::int(4)),
            "{wire}"
        );
        let all = changes(&c, "S-annual").await;
        let last_two: Vec<ChangeType> = all[all.len() - 2..]
            .iter()
            .map(|ch| ch.change_type())
            .collect();
        assert_eq!(
            last_two,
            [ChangeType::CommitmentChanged, ChangeType::Renewed],
            "{wire}"
        );
        assert!(
            matches!(&all[all.len() - 2].change_reason, Some(ChangeReason::OtherChangeReason(r)) if r.contains("resize_unit_count")),
            "{wire}"
        );
    }
    emulator.shutdown().await.unwrap();
}

/// A push receiver on 127.0.0.1: it acknowledges everything and keeps the
/// events it got (decoded), in order.
async fn receiver() -> (
    String,
    Arc<std::sync::Mutex<Vec<Value>>>,
    tokio::task::JoinHandle<()>,
) {
    use base64::Engine as _;
    let seen: Arc<std::sync::Mutex<Vec<Value>>> = Arc::default();
    let recorder = seen.clone();
    let app = axum::Router::new().route(
        "/push",
        axum::routing::post(move |body: String| {
            let recorder = recorder.clone();
            async move {
                let push: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
                let data = base64::engine::general_purpose::STANDARD
                    .decode(push["message"]["data"].as_str().unwrap_or_default())
                    .unwrap_or_default();
                recorder
                    .lock()
                    .unwrap()
                    .push(serde_json::from_slice(&data).unwrap_or(Value::Null));
                axum::http::StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/push"), seen, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customer_events_and_license_assignments_reach_pull_and_push_subscribers() {
    let emulator = start().await;
    let (endpoint, pushed, task) = receiver().await;
    for (wire, c) in wires(&emulator) {
        fresh_world(&emulator).await;
        pushed.lock().unwrap().clear();
        admin(
            &emulator,
            "POST",
            "/subscriptions",
            &json!({ "endpoint": endpoint, "account": "C0emulator" }).to_string(),
        )
        .await;
        c.register_subscriber(RegisterSubscriberRequest {
            account: ME.into(),
            service_account: "events@project.iam.gserviceaccount.com".into(),
            ..Default::default()
        })
        .await
        .unwrap();
        let (status, seeded) = admin(
            &emulator,
            "POST",
            "/scenario",
            r#"{"customers": [{"owner": "C0emulator", "id": "S-new", "domain": "new-customer.example",
                "cloudIdentity": {"id": "C-new", "verified": false}}]}"#,
        )
        .await;
        assert_eq!(status, 200, "{wire}: {seeded}");
        let name = format!("{ME}/customers/S-new");
        let (status, verified) = admin(
            &emulator,
            "POST",
            "/customers:verifyDomain",
            r#"{"cloudIdentityId": "C-new"}"#,
        )
        .await;
        assert_eq!(status, 200, "{wire}: {verified}");
        assert_eq!(verified["customers"], json!([name]), "{wire}");
        let customer = c
            .get_customer(GetCustomerRequest { name: name.clone() })
            .await
            .unwrap();
        assert!(
            customer.cloud_identity_info.unwrap().is_domain_verified,
            "{wire}"
        );
        let (status, _) = admin(
            &emulator,
            "POST",
            "/customers:changeDomain",
            r#"{"cloudIdentityId": "C-new", "domain": "renamed-customer.example"}"#,
        )
        .await;
        assert_eq!(status, 200, "{wire}");
        let customer = c
            .get_customer(GetCustomerRequest { name: name.clone() })
            .await
            .unwrap();
        assert_eq!(customer.domain, "renamed-customer.example", "{wire}");
        assert_eq!(
            customer.cloud_identity_info.unwrap().primary_domain,
            "renamed-customer.example",
            "{wire}"
        );
        // Another identity's domain can't be taken; an unknown identity is NOT_FOUND.
        let (status, _) = admin(
            &emulator,
            "POST",
            "/customers:changeDomain",
            r#"{"cloudIdentityId": "C-new", "domain": "trial-customer.example"}"#,
        )
        .await;
        assert_eq!(status, 409, "{wire}");
        let (status, _) = admin(
            &emulator,
            "POST",
            "/customers:verifyDomain",
            r#"{"cloudIdentityId": "C-nobody"}"#,
        )
        .await;
        assert_eq!(status, 404, "{wire}");
        let trial = entitlement_of(&c, "S-trial").await;
        let (status, _) = admin(
            &emulator,
            "POST",
            "/entitlements:assignLicenses",
            &json!({ "entitlement": trial.name, "assignedUnits": 3 }).to_string(),
        )
        .await;
        assert_eq!(status, 200, "{wire}");

        let expected = [
            json!({"customerEvent": {"customer": name, "eventType": "PRIMARY_DOMAIN_VERIFIED"}}),
            json!({"customerEvent": {"customer": name, "eventType": "PRIMARY_DOMAIN_CHANGED"}}),
            json!({"entitlementEvent": {"entitlement": trial.name, "eventType": "LICENSE_ASSIGNMENT_CHANGED"}}),
        ];
        let (_, pulled) = admin(&emulator, "GET", "/events?after=0", "").await;
        let pulled: Vec<Value> = pulled["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["event"].clone())
            .collect();
        assert_eq!(pulled, expected, "{wire}: pulled");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while pushed.lock().unwrap().len() < expected.len() {
            assert!(
                tokio::time::Instant::now() < deadline,
                "{wire}: {:?}",
                pushed.lock().unwrap()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(*pushed.lock().unwrap(), expected, "{wire}: pushed");
    }
    emulator.shutdown().await.unwrap();
    task.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_subscriptions_and_undelivered_events_survive_export_import_and_a_restart() {
    let emulator = start().await;
    fresh_world(&emulator).await;
    let c = local(&emulator);
    c.register_subscriber(RegisterSubscriberRequest {
        account: ME.into(),
        service_account: "events@project.iam.gserviceaccount.com".into(),
        ..Default::default()
    })
    .await
    .unwrap();
    // An endpoint that never acknowledges: its events wait.
    let failing = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead = format!("http://{}/push", failing.local_addr().unwrap());
    let failing_task = tokio::spawn(async move {
        let app = axum::Router::new().route(
            "/push",
            axum::routing::post(|| async { axum::http::StatusCode::SERVICE_UNAVAILABLE }),
        );
        let _ = axum::serve(failing, app).await;
    });
    let (status, made) = admin(
        &emulator,
        "POST",
        "/subscriptions",
        &json!({ "endpoint": dead }).to_string(),
    )
    .await;
    assert_eq!(status, 200, "{made}");
    let trial = entitlement_of(&c, "S-trial").await;
    c.start_paid_service(StartPaidServiceRequest {
        name: trial.name.clone(),
        ..Default::default()
    })
    .await
    .unwrap();
    let (_, listed) = admin(&emulator, "GET", "/subscriptions", "").await;
    assert_eq!(listed["subscriptions"][0]["endpoint"], json!(dead));

    // Export, reset, import: the subscription and its waiting event are back.
    let (_, exported) = admin(&emulator, "GET", "/state", "").await;
    assert_eq!(exported["pushes"][0]["name"], made["subscription"]);
    assert_eq!(exported["events"].as_array().unwrap().len(), 1);
    admin(&emulator, "POST", ":reset", "").await;
    let (_, listed) = admin(&emulator, "GET", "/subscriptions", "").await;
    assert_eq!(listed["subscriptions"], json!([]));
    let (status, body) = admin(&emulator, "PUT", "/state", &exported.to_string()).await;
    assert_eq!(status, 200, "{body}");
    let (_, imported) = admin(&emulator, "GET", "/state", "").await;
    assert_eq!(imported["pushes"], exported["pushes"]);
    assert_eq!(imported["events"], exported["events"]);

    // Through the state file: saved at shutdown, restored at start, and
    // the waiting event is delivered once an endpoint listens.
    let path = std::env::temp_dir().join(format!("world-pushes-{}.json", std::process::id()));
    let (endpoint, pushed, task) = receiver().await;
    let mut state: Value = imported.clone();
    state["pushes"][0]["endpoint"] = json!(endpoint);
    std::fs::write(&path, state.to_string()).unwrap();
    emulator.shutdown().await.unwrap();
    let config = || EmulatorConfig {
        engine: EngineConfig {
            operation_delay: Duration::ZERO,
            ..EngineConfig::default()
        },
        state_file: Some(path.clone()),
        ..EmulatorConfig::default()
    };
    let restarted = Emulator::start(config()).await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while pushed.lock().unwrap().is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the waiting event never came"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        pushed.lock().unwrap()[0]["entitlementEvent"]["eventType"],
        "PAID_SERVICE_STARTED"
    );
    // Acknowledged once the receiver's answer is back.
    while restarted.engine().pushes()[0].acknowledged != 1 {
        assert!(tokio::time::Instant::now() < deadline, "never acknowledged");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    restarted.shutdown().await.unwrap();
    let again = Emulator::start(config()).await.unwrap();
    assert_eq!(
        again.engine().pushes()[0].acknowledged,
        1,
        "saved at shutdown"
    );
    assert_eq!(again.engine().pushes()[0].endpoint, endpoint);
    again.shutdown().await.unwrap();
    let _ = std::fs::remove_file(&path);
    task.abort();
    failing_task.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_entitlement_event_type_comes_from_the_call_or_clock_move_that_causes_it() {
    let emulator = start().await;
    for (wire, c) in wires(&emulator) {
        fresh_world(&emulator).await;
        c.register_subscriber(RegisterSubscriberRequest {
            account: ME.into(),
            service_account: "events@project.iam.gserviceaccount.com".into(),
            ..Default::default()
        })
        .await
        .unwrap();
        let seats = |n: i64| {
            vec![Parameter {
                name: "num_units".into(),
                value: Some(Value_::int(n)),
                editable: true,
            }]
        };
        let trial = entitlement_of(&c, "S-trial").await.name;
        let annual = entitlement_of(&c, "S-annual").await.name;
        // (entitlement, the event its call or the clock causes), in order.
        let mut expected: Vec<(String, &str)> = Vec::new();
        wait_done(
            &c,
            c.start_paid_service(StartPaidServiceRequest {
                name: trial.clone(),
                ..Default::default()
            }),
        )
        .await;
        expected.push((trial.clone(), "PAID_SERVICE_STARTED"));
        wait_done(
            &c,
            c.change_parameters(ChangeParametersRequest {
                name: trial.clone(),
                parameters: seats(6),
                ..Default::default()
            }),
        )
        .await;
        expected.push((trial.clone(), "LICENSE_CAP_CHANGED"));
        wait_done(
            &c,
            c.suspend_entitlement(SuspendEntitlementRequest {
                name: trial.clone(),
                ..Default::default()
            }),
        )
        .await;
        expected.push((trial.clone(), "SUSPENDED"));
        wait_done(
            &c,
            c.activate_entitlement(ActivateEntitlementRequest {
                name: trial.clone(),
                ..Default::default()
            }),
        )
        .await;
        expected.push((trial.clone(), "ACTIVATED"));
        for (offer, event) in [
            ("ws-business-standard-flexible", "SKU_CHANGED"),
            ("ws-business-standard-annual", "PRICE_PLAN_SWITCHED"),
        ] {
            wait_done(
                &c,
                c.change_offer(ChangeOfferRequest {
                    name: trial.clone(),
                    offer: format!("{ME}/offers/{offer}"),
                    ..Default::default()
                }),
            )
            .await;
            expected.push((trial.clone(), event));
        }
        wait_done(
            &c,
            c.change_parameters(ChangeParametersRequest {
                name: annual.clone(),
                parameters: seats(12),
                ..Default::default()
            }),
        )
        .await;
        expected.push((annual.clone(), "COMMITMENT_CHANGED"));
        wait_done(
            &c,
            c.change_renewal_settings(ChangeRenewalSettingsRequest {
                name: annual.clone(),
                renewal_settings: Some(RenewalSettings {
                    enable_renewal: true,
                    payment_plan: PaymentPlan::Commitment as i32,
                    ..Default::default()
                }),
                ..Default::default()
            }),
        )
        .await;
        expected.push((annual.clone(), "RENEWAL_SETTING_CHANGED"));
        admin(
            &emulator,
            "POST",
            "/entitlements:assignLicenses",
            &json!({ "entitlement": annual, "assignedUnits": 9 }).to_string(),
        )
        .await;
        expected.push((annual.clone(), "LICENSE_ASSIGNMENT_CHANGED"));
        let vault = wait_done(
            &c,
            c.create_entitlement(CreateEntitlementRequest {
                parent: format!("{ME}/customers/S-annual"),
                entitlement: Some(offer("ws-vault-flexible", 10)),
                ..Default::default()
            }),
        )
        .await
        .name;
        expected.push((vault.clone(), "CREATED"));
        c.cancel_entitlement(CancelEntitlementRequest {
            name: vault.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
        expected.push((vault.clone(), "CANCELLED"));
        admin(
            &emulator,
            "POST",
            "/time:advance",
            r#"{"duration":"31622400s"}"#,
        )
        .await;

        let (_, pulled) = admin(&emulator, "GET", "/events?after=0", "").await;
        let got: Vec<(String, String)> = pulled["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let event = &e["event"]["entitlementEvent"];
                (
                    event["entitlement"].as_str().unwrap().to_string(),
                    event["eventType"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        // Both annual plans (the trial moved onto one) renew at the clock move.
        let (calls, clock) = got.split_at(expected.len());
        let expected: Vec<(String, String)> = expected
            .into_iter()
            .map(|(e, t)| (e, t.to_string()))
            .collect();
        assert_eq!(calls, expected.as_slice(), "{wire}");
        let mut renewed: Vec<&(String, String)> = clock.iter().collect();
        renewed.sort();
        assert_eq!(
            renewed,
            [
                &(annual.clone(), "RENEWED".to_string()),
                &(trial.clone(), "RENEWED".to_string())
            ],
            "{wire}"
        );
        // Every EntitlementEvent type but TYPE_UNSPECIFIED came.
        let kinds: std::collections::BTreeSet<&str> = got.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(kinds.len(), 12, "{wire}: {kinds:?}");
    }
    emulator.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_clock_never_moves_so_far_that_its_times_cannot_be_written() {
    let emulator = start().await;
    fresh_world(&emulator).await;
    // The longest duration the spec allows is 10,000 years: past 9999-12-31,
    // no Timestamp can hold the clock's time.
    let (status, body) = admin(
        &emulator,
        "POST",
        "/time:advance",
        r#"{"duration":"315576000000s"}"#,
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        body["error"]["details"][0]["fieldViolations"][0]["field"],
        "duration"
    );
    // A commitment started on the clock's last day must still end in range.
    let (status, body) = admin(
        &emulator,
        "POST",
        "/time:set",
        r#"{"time":"9999-06-01T00:00:00Z"}"#,
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        body["error"]["details"][0]["fieldViolations"][0]["field"],
        "time"
    );
    assert!(emulator.engine().advance_clock(i64::MAX).is_err());
    // Nothing moved, so the state and the entitlements still have a JSON form.
    let (status, body) = admin(&emulator, "GET", "/state", "").await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = admin(
        &emulator,
        "POST",
        "/time:set",
        r#"{"time":"9998-12-31T00:00:00Z"}"#,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = admin(&emulator, "GET", "/state", "").await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn a_push_subscription_needs_an_endpoint_with_a_host_and_a_known_account() {
    let emulator = start().await;
    fresh_world(&emulator).await;
    for (body, field) in [
        (r#"{"endpoint":"http://"}"#, "endpoint"),
        (r#"{"endpoint":"http://:8080/push"}"#, "endpoint"),
        (r#"{"endpoint":"http://exa mple/push"}"#, "endpoint"),
        (r#"{"endpoint":"ftp://127.0.0.1/push"}"#, "endpoint"),
        (
            r#"{"endpoint":"http://127.0.0.1:9/push","account":"nobody"}"#,
            "account",
        ),
        (
            r#"{"endpoint":"http://127.0.0.1:9/push","account":7}"#,
            "account",
        ),
    ] {
        let (status, answer) = admin(&emulator, "POST", "/subscriptions", body).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert_eq!(
            answer["error"]["details"][0]["fieldViolations"][0]["field"], field,
            "{body}: {answer}"
        );
    }
    let (_, listed) = admin(&emulator, "GET", "/subscriptions", "").await;
    assert_eq!(listed["subscriptions"], json!([]), "{listed}");
    for account in ["R2rival", "accounts/R2rival", "C0emulator", ""] {
        let body = json!({"endpoint": "http://127.0.0.1:9/push", "account": account});
        let (status, answer) = admin(&emulator, "POST", "/subscriptions", &body.to_string()).await;
        assert_eq!(status, 200, "{body}: {answer}");
    }
}

#[tokio::test]
async fn a_scenario_refuses_ids_that_make_no_valid_resource_name() {
    let emulator = start().await;
    fresh_world(&emulator).await;
    let (_, before) = admin(&emulator, "GET", "/state", "").await;
    for (body, field) in [
        (
            json!({"customers": [{"owner": "C0emulator", "id": "../x", "domain": "x1.example"}]}),
            "customers[0].id",
        ),
        (
            json!({"customers": [{"owner": "C0emulator", "id": "..", "domain": "x2.example"}]}),
            "customers[0].id",
        ),
        (
            json!({"customers": [{"owner": "C0emulator", "id": "a\u{7}b", "domain": "x3.example"}]}),
            "customers[0].id",
        ),
        (
            json!({"customers": [{"owner": "C0emulator", "domain": "x4.example",
                                  "cloudIdentity": {"id": "C/1"}}]}),
            "customers[0].cloudIdentity.id",
        ),
        (
            json!({"accounts": [{"id": "..", "kind": "reseller"}]}),
            "accounts[0].id",
        ),
        (
            json!({"accounts": [{"id": "R 1", "kind": "reseller"}]}),
            "accounts[0].id",
        ),
        (
            json!({"customers": [{"owner": "C0emulator", "domain": "x5.example",
                                  "entitlements": [{"offer": "ws-business-standard-flexible"}]}]}),
            "customers[0].cloudIdentity",
        ),
        (
            json!({"customers": [{"owner": "C0emulator", "domain": "x6.example",
                                  "cloudIdentity": {"id": "C777"},
                                  "entitlements": [{"offer": "ws-business-standard-flexible",
                                                    "numUnits": -3}]}]}),
            "customers[0].entitlements[0]",
        ),
    ] {
        let (status, answer) = admin(&emulator, "POST", "/scenario", &body.to_string()).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert_eq!(
            answer["error"]["details"][0]["fieldViolations"][0]["field"], field,
            "{body}: {answer}"
        );
    }
    let (_, after) = admin(&emulator, "GET", "/state", "").await;
    assert_eq!(before["customers"], after["customers"]);
}

#[tokio::test]
async fn importing_a_state_that_is_not_an_object_is_refused_and_changes_nothing() {
    let emulator = start().await;
    fresh_world(&emulator).await;
    let (_, before) = admin(&emulator, "GET", "/state", "").await;
    for body in [
        "[]",
        "[1]",
        "null",
        "\"state\"",
        r#"{"version":1,"nextId":18446744073709551615}"#,
        // Records no request could reach, or stored under another name.
        r#"{"version":1,"customers":{"accounts/C0emulator/customers/../x":{}}}"#,
        r#"{"version":1,"customers":{"accounts/C0emulator/customers/x":{"name":"accounts/C0emulator/customers/y"}}}"#,
        r#"{"version":1,"entitlements":{"accounts/C0emulator/customers/x/entitlements/./e":{}}}"#,
        r#"{"version":1,"changes":{"not/a/name":{}}}"#,
    ] {
        let (status, answer) = admin(&emulator, "PUT", "/state", body).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert_eq!(answer["error"]["status"], "INVALID_ARGUMENT", "{answer}");
    }
    let (_, after) = admin(&emulator, "GET", "/state", "").await;
    assert_eq!(before["customers"], after["customers"]);
    assert_ne!(after["customers"], json!({}));
}

#[tokio::test]
async fn control_requests_that_do_not_parse_are_explained_in_googles_words() {
    let emulator = start().await;
    for (path, body, says) in [
        (
            "/time:advance",
            "not json",
            "Invalid JSON payload received. Unexpected token",
        ),
        ("/time:advance", r#"{"duration": 5}"#, "a duration such as"),
        ("/time:set", r#"{"time": "#, "Unexpected end of input"),
    ] {
        let (status, answer) = admin(&emulator, "POST", path, body).await;
        assert_eq!(status, 400, "{body}: {answer}");
        let message = answer["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{body}: {message}");
        assert!(!message.contains("expected value at line"), "{message}");
    }
}

// AIP-158: a page token continues the request it came from; the same token
// for another customer is refused, not read as a place in that customer's
// list.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transferable_pages_are_bound_to_the_customer_they_list() {
    let emulator = start().await;
    for (wire, c) in wires(&emulator) {
        fresh_world(&emulator).await;
        let skus = |identity: &str, token: &str, page_token: String| ListTransferableSkusRequest {
            page_size: 1,
            page_token,
            ..skus_of(identity, token)
        };
        let first = c
            .list_transferable_skus(skus("C-rival", "rival-admin-token", String::new()))
            .await
            .unwrap();
        assert!(!first.next_page_token.is_empty(), "{wire}");
        c.list_transferable_skus(skus("C-direct", "direct-admin-token", String::new()))
            .await
            .unwrap();
        let error = refused(
            wire,
            c.list_transferable_skus(skus(
                "C-direct",
                "direct-admin-token",
                first.next_page_token,
            ))
            .await,
            Code::InvalidArgument,
        );
        assert!(error.message().contains("page_token"), "{wire}: {error:?}");
        let offers = |identity: &str, page_token: String| ListTransferableOffersRequest {
            parent: ME.into(),
            sku: STANDARD.into(),
            transferred_customer_identity: Some(
                list_transferable_offers_request::TransferredCustomerIdentity::CloudIdentityId(
                    identity.into(),
                ),
            ),
            page_size: 1,
            page_token,
            ..Default::default()
        };
        let first = c
            .list_transferable_offers(offers("C-rival", String::new()))
            .await
            .unwrap();
        assert!(!first.next_page_token.is_empty(), "{wire}");
        let error = refused(
            wire,
            c.list_transferable_offers(offers("C-direct", first.next_page_token))
                .await,
            Code::InvalidArgument,
        );
        assert!(error.message().contains("page_token"), "{wire}: {error:?}");
    }
    emulator.shutdown().await.unwrap();
}
