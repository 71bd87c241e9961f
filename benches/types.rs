//! Benchmarks of channel-types: resource names, and one Entitlement and a
//! 50-entitlement page through both wires, with a `serde_json::Value` decode
//! of the same page as the yardstick for typed JSON decoding.
//!
//! Run with `cargo bench -p channel-benches --bench types`.

use std::hint::black_box;

use channel_types::model::{
    CommitmentSettings, Entitlement, ListEntitlementsResponse, Parameter, Period, RenewalSettings,
    TrialSettings, Value, value,
};
use channel_types::names::{EntitlementName, EntitlementNameRef};
use channel_types::wkt::Timestamp;
use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main,
};
use prost::Message;
use serde::Serialize;
use serde::de::DeserializeOwned;

const NAME: &str = "accounts/C01abc23/customers/S9x7Kq2w/entitlements/E5q2Lm8n";

fn entitlement(i: usize) -> Entitlement {
    Entitlement {
        name: format!("accounts/C01abc23/customers/S9x7Kq2w/entitlements/E{i:07}"),
        create_time: Some(Timestamp {
            seconds: 1_772_445_600 + i as i64,
            nanos: 250_000_000,
        }),
        update_time: Some(Timestamp {
            seconds: 1_772_445_660 + i as i64,
            nanos: 0,
        }),
        offer: "accounts/C01abc23/offers/O-ws-std-annual".into(),
        commitment_settings: Some(CommitmentSettings {
            start_time: Some(Timestamp {
                seconds: 1_772_409_600,
                nanos: 0,
            }),
            end_time: Some(Timestamp {
                seconds: 1_803_945_600,
                nanos: 0,
            }),
            renewal_settings: Some(RenewalSettings {
                enable_renewal: true,
                resize_unit_count: false,
                payment_plan: 1,
                payment_cycle: Some(Period {
                    duration: 1,
                    period_type: 3,
                }),
            }),
        }),
        provisioning_state: 1,
        trial_settings: Some(TrialSettings {
            trial: false,
            end_time: None,
        }),
        parameters: vec![
            Parameter {
                name: "num_units".into(),
                value: Some(Value {
                    kind: Some(value::Kind::Int64Value(25 + i as i64)),
                }),
                editable: true,
            },
            Parameter {
                name: "max_units".into(),
                value: Some(Value {
                    kind: Some(value::Kind::Int64Value(300)),
                }),
                editable: false,
            },
        ],
        purchase_order_id: format!("PO-{i}"),
        billing_account: "accounts/C01abc23/billingAccounts/B77".into(),
        ..Default::default()
    }
}

fn page() -> ListEntitlementsResponse {
    ListEntitlementsResponse {
        entitlements: (0..50).map(entitlement).collect(),
        next_page_token: "bmV4dC1wYWdlLXRva2Vu".into(),
    }
}

fn names(c: &mut Criterion) {
    let mut group = c.benchmark_group("entitlement_name");
    group.bench_function("parse_borrowed", |b| {
        b.iter(|| EntitlementNameRef::parse(black_box(NAME)).unwrap())
    });
    group.bench_function("parse_owned", |b| {
        b.iter(|| black_box(NAME).parse::<EntitlementName>().unwrap())
    });
    let owned: EntitlementName = NAME.parse().unwrap();
    group.bench_function("format", |b| b.iter(|| black_box(&owned).to_string()));
    // The floor `format` is held to: the same parts joined into a string of
    // the right size, by hand.
    group.bench_function("format_floor_with_capacity", |b| {
        b.iter(|| {
            let name = black_box(&owned);
            let (account, customer, entitlement) =
                (name.account(), name.customer(), name.entitlement());
            let len = "accounts/".len()
                + account.len()
                + "/customers/".len()
                + customer.len()
                + "/entitlements/".len()
                + entitlement.len();
            let mut text = String::with_capacity(len);
            text.push_str("accounts/");
            text.push_str(account);
            text.push_str("/customers/");
            text.push_str(customer);
            text.push_str("/entitlements/");
            text.push_str(entitlement);
            text
        })
    });
    group.finish();
}

/// Encode and decode one message through both wires.
fn bench_message<M>(group: &mut BenchmarkGroup<'_, WallTime>, label: &str, message: &M)
where
    M: Message + Default + Serialize + DeserializeOwned,
{
    let binary = message.encode_to_vec();
    let json = serde_json::to_string(message).unwrap();
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.bench_function(BenchmarkId::new("binary_encode", label), |b| {
        b.iter(|| black_box(message).encode_to_vec())
    });
    group.bench_function(BenchmarkId::new("binary_decode", label), |b| {
        b.iter(|| M::decode(black_box(binary.as_slice())).unwrap())
    });
    group.bench_function(BenchmarkId::new("json_encode", label), |b| {
        b.iter(|| serde_json::to_string(black_box(message)).unwrap())
    });
    group.bench_function(BenchmarkId::new("json_decode", label), |b| {
        b.iter(|| serde_json::from_str::<M>(black_box(&json)).unwrap())
    });
}

fn codecs(c: &mut Criterion) {
    let mut group = c.benchmark_group("codec");
    bench_message(&mut group, "entitlement", &entitlement(7));
    let page = page();
    bench_message(&mut group, "page_of_50", &page);
    // The yardstick: the same page parsed into an untyped tree.
    let json = serde_json::to_string(&page).unwrap();
    group.bench_function(BenchmarkId::new("json_decode_value", "page_of_50"), |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&json)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, names, codecs);
criterion_main!(benches);
