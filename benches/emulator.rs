//! Emulator throughput: GetCustomer with 64 concurrent callers, in-process,
//! over REST and over gRPC (client and emulator in one process, on
//! loopback). Criterion reports elements per second: requests per second.
//!
//! Run with `cargo bench -p channel-benches --bench emulator`.

use std::sync::Arc;
use std::time::Duration;

use channel_core::Client;
use channel_core::transport::Stubs;
use channel_grpc::GrpcTransport;
use channel_http::HttpTransport;
use channel_mock::{Emulator, EmulatorConfig};
use channel_types::model::{CreateCustomerRequest, Customer, GetCustomerRequest};
use channel_types::r#type::PostalAddress;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const CALLERS: usize = 64;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

async fn seed(client: &Client) -> String {
    let request = CreateCustomerRequest {
        parent: "accounts/C0emulator".into(),
        customer: Some(Customer {
            org_display_name: "Bench".into(),
            org_postal_address: Some(PostalAddress {
                region_code: "US".into(),
                ..Default::default()
            }),
            domain: "bench.example".into(),
            ..Default::default()
        }),
    };
    client
        .create_customer(request)
        .await
        .expect("seed customer")
        .name
}

/// 64 GetCustomer calls at once.
async fn burst(client: &Client, name: &str) {
    let calls = (0..CALLERS).map(|_| {
        client
            .get_customer(GetCustomerRequest {
                name: name.to_string(),
            })
            .send()
    });
    for result in futures_util::future::join_all(calls).await {
        result.expect("GetCustomer");
    }
}

fn get_customer(c: &mut Criterion) {
    let rt = runtime();
    let emulator = rt
        .block_on(Emulator::start(EmulatorConfig::default()))
        .expect("emulator");
    let clients = [
        (
            "in_process",
            Client::new(Stubs::from_backend(Arc::new(emulator.engine().clone()))),
        ),
        (
            "rest",
            rt.block_on(async {
                Client::builder()
                    .endpoint(emulator.http_endpoint())
                    .build_with(HttpTransport::new)
            })
            .expect("REST client"),
        ),
        (
            "grpc",
            rt.block_on(async {
                Client::builder()
                    .endpoint(emulator.grpc_endpoint())
                    .build_with(GrpcTransport::new)
            })
            .expect("gRPC client"),
        ),
    ];
    let name = rt.block_on(seed(&clients[0].1));
    let mut group = c.benchmark_group("emulator_get_customer_64_callers");
    group.throughput(Throughput::Elements(CALLERS as u64));
    group.measurement_time(Duration::from_secs(5));
    for (label, client) in &clients {
        group.bench_function(*label, |b| b.iter(|| rt.block_on(burst(client, &name))));
    }
    group.finish();
    drop(clients);
    rt.block_on(emulator.shutdown()).expect("shutdown");
}

criterion_group!(benches, get_customer);
criterion_main!(benches);
