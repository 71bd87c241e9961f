//! Starts a long-running operation, keeps only its name (as a program would
//! across a restart), then resumes it by name and waits for the result.
//!
//!     cargo run --example resume_operation

#![allow(clippy::print_stdout)]

use channel::model::{AdminUser, Customer, OperationMetadata};
use channel::r#type::PostalAddress;
use channel::{Client, ClientBuilderExt};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let emulator = channel_mock::Emulator::start(channel_mock::EmulatorConfig::default()).await?;
    let client = Client::builder()
        .endpoint(emulator.http_endpoint())
        .build_http()?;
    let customer = client
        .create_customer(Default::default())
        .set_parent("accounts/C0emulator")
        .set_customer(
            Customer::new()
                .set_org_display_name("Resume Inc.")
                .set_org_postal_address(PostalAddress::new().set_region_code("US"))
                .set_domain("resume.example"),
        )
        .await?;
    let started = client
        .provision_cloud_identity(Default::default())
        .set_customer(&customer.name)
        .set_user(AdminUser::new().set_email("admin@resume.example"))
        .await?;
    // Keep only the name, e.g. in a database.
    let saved = started.name().to_string();
    drop(started);
    println!("saved operation name: {saved}");

    // Later, maybe in another process: resume by name and wait.
    let resumed = client.operation::<Customer, OperationMetadata>(saved);
    let customer = resumed.wait().await?;
    println!(
        "Cloud Identity {} provisioned for {}",
        customer.cloud_identity_id, customer.name
    );
    emulator.shutdown().await?;
    Ok(())
}
