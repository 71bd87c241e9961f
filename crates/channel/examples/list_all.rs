//! Streams every customer of an account and every entitlement of each,
//! page by page (the next page is fetched while the current one prints).
//!
//!     cargo run --example list_all                      # embedded emulator, with sample data
//!     CHANNEL_EMULATOR_HOST=127.0.0.1:8791 cargo run --example list_all -- accounts/C0emulator

#![allow(clippy::print_stdout)]

use channel::model::Customer;
use channel::r#type::PostalAddress;
use channel::{Client, ClientBuilderExt};
use futures_util::StreamExt;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let account = std::env::args().nth(1);
    let mut _emulator = None;
    let (client, account) = match account {
        Some(account) => (Client::builder().build_http()?, account),
        None => {
            let emulator =
                channel_mock::Emulator::start(channel_mock::EmulatorConfig::default()).await?;
            let client = Client::builder()
                .endpoint(emulator.http_endpoint())
                .build_http()?;
            _emulator = Some(emulator);
            let account = "accounts/C0emulator".to_string();
            // Enough customers for several pages.
            for i in 0..25 {
                let domain = format!("sample-{i:02}.example");
                let customer = Customer::new()
                    .set_org_display_name(format!("Sample {i}"))
                    .set_org_postal_address(PostalAddress::new().set_region_code("US"))
                    .set_domain(domain);
                client
                    .create_customer(Default::default())
                    .set_parent(&account)
                    .set_customer(customer)
                    .await?;
            }
            (client, account)
        }
    };

    let mut customers = Box::pin(
        client
            .list_customers(Default::default())
            .set_parent(&account)
            .set_page_size(10)
            .items(),
    );
    let mut count = 0;
    while let Some(customer) = customers.next().await {
        let customer = customer?;
        count += 1;
        println!("{} {}", customer.name, customer.domain);
        let mut entitlements = Box::pin(
            client
                .list_entitlements(Default::default())
                .set_parent(&customer.name)
                .items(),
        );
        while let Some(entitlement) = entitlements.next().await {
            let entitlement = entitlement?;
            println!("  {} {}", entitlement.name, entitlement.offer);
        }
    }
    println!("{count} customers in {account}");
    Ok(())
}
