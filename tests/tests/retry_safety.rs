//! Retries that cannot duplicate: our client, over both wires, against an
//! emulator that applies a fifth of the calls and then cuts the connection
//! without answering. Every call reported failed was either not applied, or
//! is reported as "outcome unknown"; nothing is ever applied twice.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use channel_core::{Client, RetryPolicy};
use channel_grpc::GrpcTransport;
use channel_http::HttpTransport;
use channel_mock::{Emulator, EmulatorConfig, EngineConfig, FaultConfig};
use channel_types::model::{
    CreateCustomerRequest, Customer, DeleteCustomerRequest, ListCustomersRequest,
};
use channel_types::r#type::PostalAddress;

const ACCOUNT: &str = "accounts/C0emulator";
/// Calls per mutating method and wire: about 200 cut connections each, in a
/// few seconds.
const CALLS: usize = 1000;

async fn dropping_emulator() -> Emulator {
    Emulator::start(EmulatorConfig {
        engine: EngineConfig {
            faults: FaultConfig {
                drop_after_apply_rate: 0.2,
                ..FaultConfig::default()
            },
            ..EngineConfig::default()
        },
        ..EmulatorConfig::default()
    })
    .await
    .expect("the emulator starts on 127.0.0.1")
}

fn retrying() -> RetryPolicy {
    RetryPolicy::default().with_backoff(Duration::from_millis(1), 1.0, Duration::from_millis(1))
}

/// The stored customers by domain, read with a list call whose pages are
/// retried until they come: the fault cuts reads too, and one page lost
/// five times in a row (or to a connection that broke under a previous
/// attempt) must not fail the check.
async fn stored(client: &Client) -> HashMap<String, Vec<String>> {
    let customers = client
        .list_customers(ListCustomersRequest {
            parent: ACCOUNT.into(),
            ..Default::default()
        })
        .with_retry(retrying().with_max_attempts(50))
        .collect_items()
        .await
        .expect("reads are retried after a lost answer");
    let mut by_domain: HashMap<String, Vec<String>> = HashMap::new();
    for customer in customers {
        by_domain
            .entry(customer.domain)
            .or_default()
            .push(customer.name);
    }
    by_domain
}

/// Creates then deletes `CALLS` customers and checks each reported outcome
/// against what the emulator holds afterwards.
async fn no_call_is_applied_twice_or_misreported(client: &Client, wire: &str) {
    let started = Instant::now();
    let mut outcomes = Vec::with_capacity(CALLS);
    for n in 0..CALLS {
        let domain = format!("{wire}{n}.example");
        let result = client
            .create_customer(CreateCustomerRequest {
                parent: ACCOUNT.into(),
                customer: Some(Customer {
                    org_display_name: domain.clone(),
                    domain: domain.clone(),
                    org_postal_address: Some(PostalAddress {
                        region_code: "US".into(),
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
            })
            .await;
        outcomes.push((domain, result));
    }
    let held = stored(client).await;
    let (mut created, mut unknown) = (0, 0);
    for (domain, result) in &outcomes {
        let copies = held.get(domain).map_or(0, Vec::len);
        assert!(copies <= 1, "{wire}: {domain} was created {copies} times");
        match result {
            Ok(customer) => {
                created += 1;
                assert_eq!(held[domain], vec![customer.name.clone()]);
            }
            Err(e) if e.is_outcome_unknown() => unknown += 1,
            Err(e) => assert_eq!(copies, 0, "{wire}: {domain} failed ({e}) yet was created"),
        }
    }
    let (mut deleted, mut delete_unknown) = (0, 0);
    let names: Vec<String> = held.values().flatten().cloned().collect();
    let mut delete_outcomes = Vec::with_capacity(names.len());
    for name in names.iter().take(CALLS) {
        let result = client
            .delete_customer(DeleteCustomerRequest { name: name.clone() })
            .await;
        delete_outcomes.push((name.clone(), result));
    }
    let after = stored(client).await;
    let remaining: Vec<&String> = after.values().flatten().collect();
    for (name, result) in &delete_outcomes {
        let still_there = remaining.contains(&name);
        match result {
            Ok(_) => {
                deleted += 1;
                assert!(!still_there, "{wire}: {name} reported deleted but is there");
            }
            Err(e) if e.is_outcome_unknown() => delete_unknown += 1,
            Err(e) => assert!(
                still_there,
                "{wire}: delete of {name} failed ({e}) yet applied"
            ),
        }
    }
    eprintln!(
        "{wire}: {CALLS} creates ({created} ok, {unknown} outcome unknown), {} deletes \
         ({deleted} ok, {delete_unknown} outcome unknown), 0 duplicates, in {:?}",
        delete_outcomes.len(),
        started.elapsed()
    );
    // About a fifth of the calls lose their answer; none of them is retried.
    assert!(unknown > CALLS / 10 && unknown < CALLS / 3, "{unknown}");
    assert!(delete_unknown > 0, "the fault never struck a delete");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_apply_then_drop_no_rest_call_is_duplicated_or_misreported() {
    let emulator = dropping_emulator().await;
    let client = Client::builder()
        .endpoint(emulator.http_endpoint())
        .default_retry(retrying())
        .build_with(HttpTransport::new)
        .unwrap();
    no_call_is_applied_twice_or_misreported(&client, "rest").await;
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_apply_then_drop_no_grpc_call_is_duplicated_or_misreported() {
    let emulator = dropping_emulator().await;
    let client = Client::builder()
        .endpoint(emulator.grpc_endpoint())
        .default_retry(retrying())
        .build_with(GrpcTransport::new)
        .unwrap();
    no_call_is_applied_twice_or_misreported(&client, "grpc").await;
    emulator.shutdown().await.unwrap();
}
