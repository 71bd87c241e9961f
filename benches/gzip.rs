//! What asking for gzip saves on a list page: a ListEntitlements page of
//! 50 entitlements in proto3 JSON, its size plain and gzip-compressed (at
//! the default level, which servers commonly use), and the client's cost of
//! decoding it, inflate included.
//!
//! Run with `cargo bench -p channel-benches --bench gzip`; the sizes are
//! printed first.

use std::io::{Read, Write};

use channel_types::model::{
    Entitlement, ListEntitlementsResponse, Parameter, ProvisionedService, Value, entitlement, value,
};
use channel_types::wkt::Timestamp;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const ENTITLEMENTS: usize = 50;

fn page() -> ListEntitlementsResponse {
    let entitlements = (0..ENTITLEMENTS)
        .map(|i| Entitlement {
            name: format!("accounts/C01abcd2/customers/S0{i:04}xyz/entitlements/E{i:06}"),
            create_time: Some(Timestamp {
                seconds: 1_760_000_000 + i as i64 * 3600,
                nanos: 0,
            }),
            update_time: Some(Timestamp {
                seconds: 1_760_500_000 + i as i64 * 60,
                nanos: 0,
            }),
            offer: format!(
                "accounts/C01abcd2/offers/ws-business-standard-annual-{}",
                i % 4
            ),
            provisioning_state: entitlement::ProvisioningState::Active as i32,
            provisioned_service: Some(ProvisionedService {
                provisioning_id: format!("C0{i:06}"),
                product_id: "GOOGLE_WORKSPACE".into(),
                sku_id: "1010020027".into(),
            }),
            purchase_order_id: format!("PO-2026-{i:05}"),
            parameters: vec![
                Parameter {
                    name: "num_units".into(),
                    value: Some(Value {
                        kind: Some(value::Kind::Int64Value(10 + i as i64)),
                    }),
                    editable: true,
                },
                Parameter {
                    name: "max_units".into(),
                    value: Some(Value {
                        kind: Some(value::Kind::Int64Value(500)),
                    }),
                    editable: true,
                },
            ],
            ..Default::default()
        })
        .collect();
    ListEntitlementsResponse {
        entitlements,
        next_page_token: "CiQ0YjY2ZGQ5Mi0xYzM1LTQxYzEtOWE5Mi1hYmNkZWYwMTIzNDU".into(),
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("gzip");
    encoder.finish().expect("gzip")
}

fn decode_page(c: &mut Criterion) {
    let plain = serde_json::to_vec(&page()).expect("JSON");
    let compressed = gzip(&plain);
    #[allow(clippy::print_stdout)]
    {
        println!(
            "ListEntitlements page of {ENTITLEMENTS}: {} bytes as JSON, {} bytes gzip-compressed \
             ({:.1}% of the original, {} bytes saved)",
            plain.len(),
            compressed.len(),
            100.0 * compressed.len() as f64 / plain.len() as f64,
            plain.len() - compressed.len()
        );
    }
    let mut group = c.benchmark_group("list_entitlements_page");
    group.throughput(Throughput::Bytes(plain.len() as u64));
    group.bench_function("decode_plain", |b| {
        b.iter(|| serde_json::from_slice::<ListEntitlementsResponse>(&plain).expect("page"))
    });
    group.bench_function("decode_gzip", |b| {
        b.iter(|| {
            let mut inflated = Vec::with_capacity(plain.len());
            flate2::read::GzDecoder::new(compressed.as_slice())
                .read_to_end(&mut inflated)
                .expect("inflate");
            serde_json::from_slice::<ListEntitlementsResponse>(&inflated).expect("page")
        })
    });
    group.finish();
}

criterion_group!(benches, decode_page);
criterion_main!(benches);
