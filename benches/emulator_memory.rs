//! Resident memory of the emulator with 100,000 customers stored.
//!
//! Run with `cargo bench -p channel-benches --bench emulator_memory`; it
//! prints the process's resident set size (VmRSS, Linux) before and after.

use std::sync::Arc;

use channel_core::Client;
use channel_core::transport::Stubs;
use channel_mock::{Engine, EngineConfig};
use channel_types::model::{ContactInfo, CreateCustomerRequest, Customer};
use channel_types::r#type::PostalAddress;

const CUSTOMERS: usize = 100_000;

fn resident_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    // Only run under `cargo bench` (criterion's other targets pass --bench).
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime");
    let engine = Engine::new(EngineConfig::default());
    let client = Client::new(Stubs::from_backend(Arc::new(engine.clone())));
    let before = resident_kib();
    rt.block_on(async {
        for i in 0..CUSTOMERS {
            let domain = format!("customer-{i:06}.example");
            let request = CreateCustomerRequest {
                parent: "accounts/C0emulator".into(),
                customer: Some(Customer {
                    org_display_name: format!("Customer {i}"),
                    org_postal_address: Some(PostalAddress {
                        region_code: "US".into(),
                        postal_code: "94043".into(),
                        address_lines: vec!["1 Example Way".into()],
                        ..Default::default()
                    }),
                    primary_contact_info: Some(ContactInfo {
                        first_name: "Ada".into(),
                        last_name: "Ngata".into(),
                        email: format!("ada@{domain}"),
                        ..Default::default()
                    }),
                    domain,
                    ..Default::default()
                }),
            };
            client
                .create_customer(request)
                .await
                .expect("create customer");
        }
    });
    let after = resident_kib();
    let stored = engine.snapshot().len();
    #[allow(clippy::print_stdout)]
    {
        match (before, after) {
            (Some(before), Some(after)) => println!(
                "emulator_memory: {stored} customers stored; resident {before} KiB before, {after} KiB after, {:.0} bytes per customer",
                (after.saturating_sub(before) as f64 * 1024.0) / CUSTOMERS as f64
            ),
            _ => println!(
                "emulator_memory: {stored} customers stored; VmRSS is not available on this system"
            ),
        }
    }
}
