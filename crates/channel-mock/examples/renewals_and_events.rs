//! Renewals and events: a push receiver on 127.0.0.1, a customer in a
//! trial and one on an annual commitment, then one year of the emulator's
//! virtual time, a month at a step, with each subscriber event printed as
//! the receiver gets it.
//!
//! ```sh
//! cargo run -p channel-mock --example renewals_and_events
//! ```
//!
//! It runs in a few seconds and stops by itself.
#![allow(clippy::print_stdout)]

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use channel_core::transport::Stubs;
use channel_core::{ClientBuilder, PollingPolicy};
use channel_mock::{
    CustomerSeed, DEFAULT_ACCOUNT, Emulator, EmulatorConfig, EngineConfig, IdentitySeed,
    IdentityType, Scenario,
};
use channel_types::model::{
    ChangeParametersRequest, ChangeRenewalSettingsRequest, CreateEntitlementRequest, Entitlement,
    Parameter, PaymentPlan, RegisterSubscriberRequest, RenewalSettings, Value, value,
};
use serde_json::Value as Json;
use tokio::sync::mpsc;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The longest the example waits for the receiver to catch up at a step.
const CATCH_UP: Duration = Duration::from_secs(10);
const DAY: i64 = 86_400;

fn seats(n: i64) -> Parameter {
    Parameter {
        name: "num_units".into(),
        value: Some(Value {
            kind: Some(value::Kind::Int64Value(n)),
        }),
        editable: true,
    }
}

fn customer(id: &str, domain: &str) -> CustomerSeed {
    CustomerSeed {
        owner: DEFAULT_ACCOUNT.into(),
        id: id.into(),
        domain: domain.into(),
        org_display_name: String::new(),
        cloud_identity: Some(IdentitySeed {
            id: String::new(),
            verified: true,
            customer_type: IdentityType::Domain,
            auth_token: String::new(),
        }),
        entitlements: Vec::new(),
    }
}

/// One line for a Pub/Sub push body: its message id, and the event inside.
fn describe(body: &str) -> String {
    let push: Json = serde_json::from_str(body).unwrap_or_default();
    let message = &push["message"];
    let data = message["data"].as_str().unwrap_or_default();
    let event: Json = base64::engine::general_purpose::STANDARD
        .decode(data)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default();
    let (kind, resource) = match (&event["entitlementEvent"], &event["customerEvent"]) {
        (e, _) if e.is_object() => (&e["eventType"], &e["entitlement"]),
        (_, c) => (&c["eventType"], &c["customer"]),
    };
    format!(
        "  event {:>2}: {:<26} {}",
        message["messageId"].as_str().unwrap_or("?"),
        kind.as_str().unwrap_or("?"),
        resource.as_str().unwrap_or("?")
    )
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    // The push receiver: every body it gets goes to the printer; a 2xx
    // acknowledges it.
    let (bodies, mut received) = mpsc::unbounded_channel::<String>();
    let app = axum::Router::new().route(
        "/push",
        axum::routing::post(move |body: String| {
            let bodies = bodies.clone();
            async move {
                let _ = bodies.send(body);
                axum::http::StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let receiver_addr = listener.local_addr()?;
    let receiver = tokio::spawn(async move { axum::serve(listener, app).await });

    let emulator = Emulator::start(EmulatorConfig {
        engine: EngineConfig {
            operation_delay: Duration::ZERO,
            ..EngineConfig::default()
        },
        ..EmulatorConfig::default()
    })
    .await?;
    let engine = emulator.engine().clone();
    let client = ClientBuilder::new()
        .polling_policy(PollingPolicy::default().with_intervals(
            Duration::from_millis(5),
            1.0,
            Duration::from_millis(5),
        ))
        .build_with_stubs(Stubs::from_backend(Arc::new(engine.clone())));
    let account = format!("accounts/{DEFAULT_ACCOUNT}");

    let subscription = engine.add_push(&format!("http://{receiver_addr}/push"), "")?;
    println!("push subscription {subscription} -> http://{receiver_addr}/push");
    client
        .register_subscriber(RegisterSubscriberRequest {
            account: account.clone(),
            service_account: "events@example-project.iam.gserviceaccount.com".into(),
            ..Default::default()
        })
        .await?;
    engine.seed(&Scenario {
        accounts: Vec::new(),
        customers: vec![
            customer("S-trial", "trial.example"),
            customer("S-annual", "annual.example"),
        ],
    })?;

    println!(
        "{}: a trial, and an annual plan of 10 seats",
        engine.clock()
    );
    let buy = |customer: &str, offer: &str| CreateEntitlementRequest {
        parent: format!("{account}/customers/{customer}"),
        entitlement: Some(Entitlement {
            offer: format!("{account}/offers/{offer}"),
            parameters: vec![seats(10)],
            ..Default::default()
        }),
        request_id: String::new(),
    };
    client
        .create_entitlement(buy("S-trial", "ws-business-starter-trial"))
        .await?
        .wait()
        .await?;
    let annual = client
        .create_entitlement(buy("S-annual", "ws-business-standard-annual"))
        .await?
        .wait()
        .await?;
    // Two more seats now; seven licenses in use; at renewal, the seats
    // follow the licenses in use.
    client
        .change_parameters(ChangeParametersRequest {
            name: annual.name.clone(),
            parameters: vec![seats(12)],
            ..Default::default()
        })
        .await?
        .wait()
        .await?;
    engine.assign_licenses(&annual.name, 7)?;
    client
        .change_renewal_settings(ChangeRenewalSettingsRequest {
            name: annual.name.clone(),
            renewal_settings: Some(RenewalSettings {
                enable_renewal: true,
                resize_unit_count: true,
                payment_plan: PaymentPlan::Commitment as i32,
                ..Default::default()
            }),
            ..Default::default()
        })
        .await?
        .wait()
        .await?;

    let mut printed = 0;
    for month in 0..=12 {
        if month > 0 {
            // 31 days a step: twelve steps pass the year's end.
            engine.advance_clock(31 * DAY)?;
            println!("{}: month {month}", engine.clock());
        }
        let published = engine.events_after(0).len();
        let deadline = tokio::time::Instant::now() + CATCH_UP;
        while printed < published {
            let body = tokio::time::timeout_at(deadline, received.recv())
                .await
                .map_err(|_| "the push receiver fell behind")?
                .ok_or("the push receiver stopped")?;
            println!("{}", describe(&body));
            printed += 1;
        }
    }
    println!("{printed} events received, each acknowledged");

    emulator.shutdown().await?;
    receiver.abort();
    Ok(())
}
