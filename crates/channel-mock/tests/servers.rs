//! The emulator as a service: concurrency, the state file, fault injection,
//! the gRPC health service, and the `channel-emulator` binary.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

mod support;

use channel_core::transport::Stubs;
use channel_core::{CallOptions, Client, ClientBuilder, CloudChannelService, RetryPolicy};
use channel_mock::{Emulator, EmulatorConfig, EmulatorError, Engine, EngineConfig, FaultConfig};
use channel_types::model::{
    AdminUser, ChangeParametersRequest, CreateCustomerRequest, CreateEntitlementRequest, Customer,
    Entitlement, GetCustomerRequest, ListCustomersRequest, ListEntitlementChangesRequest,
    ListEntitlementsRequest, Parameter, ProvisionCloudIdentityRequest, Value, value,
};
use channel_types::rpc::Code;
use channel_types::r#type::PostalAddress;

const ACCOUNT: &str = "accounts/C0emulator";

fn scratch_file(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("channel-mock-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_file(&dir);
    dir
}

fn customer(domain: &str) -> CreateCustomerRequest {
    CreateCustomerRequest {
        parent: ACCOUNT.into(),
        customer: Some(Customer {
            org_display_name: domain.into(),
            org_postal_address: Some(PostalAddress {
                region_code: "US".into(),
                ..Default::default()
            }),
            domain: domain.into(),
            ..Default::default()
        }),
    }
}

fn seats(n: i64) -> Vec<Parameter> {
    vec![Parameter {
        name: "num_units".into(),
        value: Some(Value {
            kind: Some(value::Kind::Int64Value(n)),
        }),
        editable: false,
    }]
}

fn client_of(engine: &Engine) -> Client {
    Client::new(Stubs::from_backend(Arc::new(engine.clone())))
}

async fn entitlement(client: &Client, domain: &str) -> Entitlement {
    let c = client.create_customer(customer(domain)).await.unwrap();
    let provision = ProvisionCloudIdentityRequest {
        customer: c.name.clone(),
        user: Some(AdminUser {
            email: format!("admin@{domain}"),
            ..Default::default()
        }),
        ..Default::default()
    };
    client
        .provision_cloud_identity(provision)
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    let create = CreateEntitlementRequest {
        parent: c.name,
        entitlement: Some(Entitlement {
            offer: format!("{ACCOUNT}/offers/ws-business-starter-flexible"),
            parameters: seats(1),
            ..Default::default()
        }),
        request_id: String::new(),
    };
    client
        .create_entitlement(create)
        .await
        .unwrap()
        .wait()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_lose_no_update() {
    let engine = Engine::new(EngineConfig {
        operation_delay: Duration::ZERO,
        ..EngineConfig::default()
    });
    let client = client_of(&engine);
    let mut tasks = Vec::new();
    for t in 0..16 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..20 {
                client
                    .create_customer(customer(&format!("t{t}-c{i}.example")))
                    .await
                    .unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let all = client
        .list_customers(ListCustomersRequest {
            parent: ACCOUNT.into(),
            ..Default::default()
        })
        .collect_items()
        .await
        .unwrap();
    assert_eq!(all.len(), 320);

    // Sixteen seat changes at once on one entitlement: every one is recorded.
    let e = entitlement(&client, "seats.example").await;
    let mut tasks = Vec::new();
    for n in 2..18 {
        let client = client.clone();
        let name = e.name.clone();
        tasks.push(tokio::spawn(async move {
            let request = ChangeParametersRequest {
                name,
                parameters: seats(n),
                ..Default::default()
            };
            client
                .change_parameters(request)
                .await
                .unwrap()
                .wait()
                .await
                .unwrap()
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let changes = client
        .list_entitlement_changes(ListEntitlementChangesRequest {
            parent: e.name.clone(),
            ..Default::default()
        })
        .collect_items()
        .await
        .unwrap();
    assert_eq!(changes.len(), 17, "created + 16 seat changes");
}

#[tokio::test]
async fn state_survives_a_restart_and_a_corrupt_file_is_refused() {
    let path = scratch_file("state.json");
    let config = EmulatorConfig {
        state_file: Some(path.clone()),
        ..EmulatorConfig::default()
    };
    let emulator = Emulator::start(config.clone()).await.unwrap();
    let created = client_of(emulator.engine())
        .create_customer(customer("kept.example"))
        .await
        .unwrap();
    emulator.shutdown().await.unwrap();

    let emulator = Emulator::start(config.clone()).await.unwrap();
    let found = client_of(emulator.engine())
        .get_customer(GetCustomerRequest {
            name: created.name.clone(),
        })
        .await
        .unwrap();
    assert_eq!(found.domain, "kept.example");
    // New ids continue after the saved ones.
    let next = client_of(emulator.engine())
        .create_customer(customer("next.example"))
        .await
        .unwrap();
    assert_ne!(next.name, created.name);
    emulator.shutdown().await.unwrap();

    std::fs::write(&path, b"{\"customers\": [not json").unwrap();
    let err = Emulator::start(config).await.unwrap_err();
    assert!(matches!(err, EmulatorError::CorruptState(..)), "{err}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        b"{\"customers\": [not json",
        "left untouched"
    );
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn injected_unavailability_and_dropped_connections() {
    let flaky = Engine::new(EngineConfig {
        faults: FaultConfig {
            unavailable_rate: 1.0,
            ..FaultConfig::default()
        },
        ..EngineConfig::default()
    });
    let err = flaky
        .get_customer(
            GetCustomerRequest {
                name: format!("{ACCOUNT}/customers/S1"),
            },
            CallOptions::new(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unavailable);

    // Every call is applied, then its answer is lost: the client retries
    // with the same request id, and the change happens once.
    let config = EngineConfig {
        operation_delay: Duration::ZERO,
        ..EngineConfig::default()
    };
    let engine = Engine::new(config.clone());
    let setup = client_of(&engine);
    let e = entitlement(&setup, "drop.example").await;
    let lossy = Engine::with_state(
        EngineConfig {
            faults: FaultConfig {
                drop_after_apply_rate: 1.0,
                ..FaultConfig::default()
            },
            ..config
        },
        engine.snapshot(),
    );
    let client = ClientBuilder::new()
        .default_retry(RetryPolicy::default().with_jitter(false).with_backoff(
            Duration::from_millis(1),
            1.0,
            Duration::from_millis(1),
        ))
        .build_with_stubs(Stubs::from_backend(Arc::new(lossy.clone())));
    let request = ChangeParametersRequest {
        name: e.name.clone(),
        parameters: seats(9),
        ..Default::default()
    };
    let err = client.change_parameters(request).await.unwrap_err();
    assert_eq!(err.code(), Code::Unavailable);
    let changes = client_of(&Engine::with_state(
        EngineConfig::default(),
        lossy.snapshot(),
    ))
    .list_entitlement_changes(ListEntitlementChangesRequest {
        parent: e.name.clone(),
        ..Default::default()
    })
    .collect_items()
    .await
    .unwrap();
    assert_eq!(
        changes.len(),
        2,
        "created + one seat change, despite five attempts"
    );
    let parent = e.name.rsplit_once("/entitlements/").unwrap().0.to_string();
    let listed = client_of(&Engine::with_state(
        EngineConfig::default(),
        lossy.snapshot(),
    ))
    .list_entitlements(ListEntitlementsRequest {
        parent,
        ..Default::default()
    })
    .collect_items()
    .await
    .unwrap();
    assert_eq!(
        listed[0].parameters[0].value.as_ref().unwrap().kind,
        Some(value::Kind::Int64Value(9))
    );
}

#[test]
fn the_binary_prints_its_addresses_and_saves_state_on_sigterm() {
    let path = scratch_file("binary-state.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_channel-emulator"))
        .args(["--grpc", "127.0.0.1:0", "--http", "127.0.0.1:0", "--state"])
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let ready: serde_json::Value = serde_json::from_str(&line).expect("one line of JSON");
    assert_eq!(ready["account"], "accounts/C0emulator");
    for key in ["grpc", "http"] {
        let addr: std::net::SocketAddr = ready[key].as_str().unwrap().parse().unwrap();
        assert!(addr.ip().is_loopback() && addr.port() != 0, "{key}: {addr}");
    }
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert!(saved.is_object());
    let _ = std::fs::remove_file(&path);

    let help = Command::new(env!("CARGO_BIN_EXE_channel-emulator"))
        .arg("--help")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--grpc",
        "--http",
        "--state",
        "--accounts",
        "--operation-delay-ms",
        "--unavailable-rate",
        "--latency-ms",
        "--drop-after-apply-rate",
    ] {
        assert!(text.contains(flag), "--help documents {flag}");
    }
}

/// One HTTP/1.1 request on a fresh connection; the status code and body.
async fn http_call(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    body: &str,
) -> (u16, String) {
    let (status, _, body) = support::http_call(addr, method, path, "", body).await;
    (status, body)
}

#[tokio::test]
async fn the_rest_server_refuses_unknown_fields_like_google() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let path = "/v1/accounts/C0emulator/customers?alt=json";
    let unknown = r#"{"orgDisplayName": "X", "orgPostalAddress": {"regionCode": "US", "bogus": 1}, "domain": "x.example"}"#;
    let (status, body) = http_call(emulator.http_addr(), "POST", path, unknown).await;
    assert_eq!(status, 400, "{body}");
    let envelope: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(envelope["error"]["status"], "INVALID_ARGUMENT");
    assert_eq!(
        envelope["error"]["message"],
        "Invalid JSON payload received. Unknown name \"bogus\" at 'customer.orgPostalAddress': \
         Cannot find field.",
        "{body}"
    );

    // Proto field names, defaults and enum names are all fine.
    let known = r#"{"org_display_name": "X", "org_postal_address": {"region_code": "US", "revision": 0}, "domain": "x.example", "customerAttestationState": "CUSTOMER_ATTESTATION_STATE_UNSPECIFIED"}"#;
    let (status, body) = http_call(emulator.http_addr(), "POST", path, known).await;
    assert_eq!(status, 200, "{body}");
    let created: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(
        created["name"]
            .as_str()
            .unwrap()
            .starts_with("accounts/C0emulator/customers/")
    );

    let (status, _) = http_call(
        emulator.http_addr(),
        "GET",
        "/v1/accounts/C0emulator/customers?pageSize=2&bogus=1",
        "",
    )
    .await;
    assert_eq!(status, 400, "unknown query parameters too");
    emulator.shutdown().await.unwrap();
}
