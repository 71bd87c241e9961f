//! The reseller workflow, end to end: pick a Google Workspace offer, create
//! a customer, provision its Cloud Identity, buy seats, wait for the
//! operations (with progress), and list what was created.
//!
//! Runs against an embedded emulator by default (no Google account needed):
//!
//!     cargo run --example quickstart
//!
//! Against the real API, as a reseller admin through domain-wide delegation:
//!
//!     cargo run --example quickstart -- --credentials key.json \
//!         --subject admin@reseller.example --account accounts/C012345

#![allow(clippy::print_stdout)]

use channel::credentials::ServiceAccount;
use channel::model::{
    AdminUser, ContactInfo, Customer, Entitlement, Parameter, PaymentPlan, Value,
};
use channel::r#type::PostalAddress;
use channel::{Client, ClientBuilderExt, Operation};
use futures_util::StreamExt;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

struct Args {
    credentials: Option<String>,
    subject: Option<String>,
    account: Option<String>,
}

fn args() -> Result<Args, BoxError> {
    let mut parsed = Args {
        credentials: None,
        subject: None,
        account: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--credentials" => parsed.credentials = Some(value()?),
            "--subject" => parsed.subject = Some(value()?),
            "--account" => parsed.account = Some(value()?),
            other => {
                return Err(format!(
                    "unknown argument {other:?}; see the comment at the top of quickstart.rs"
                )
                .into());
            }
        }
    }
    Ok(parsed)
}

/// Waits for an operation, printing each state it goes through.
async fn wait_with_progress<R, M>(what: &str, operation: Operation<R, M>) -> Result<R, BoxError>
where
    R: prost::Message + prost::Name + Default + Send + 'static,
    M: prost::Message + prost::Name + Default + Send + 'static,
{
    println!("  {what}: operation {}", operation.name());
    let mut updates = Box::pin(operation.updates());
    let mut last = None;
    while let Some(state) = updates.next().await {
        let state = state?;
        println!("    {}", if state.done() { "done" } else { "running..." });
        last = Some(state);
    }
    let last = last.ok_or("the operation reported nothing")?;
    Ok(last
        .result()
        .ok_or("the operation ended without a result")??)
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let args = args()?;
    let mut _emulator = None;
    let (client, account) = match (&args.credentials, &args.account) {
        (Some(key), Some(account)) => {
            let mut credentials = ServiceAccount::from_file(key)?;
            if let Some(subject) = &args.subject {
                credentials = credentials.with_subject(subject.clone());
            }
            println!("Using the Cloud Channel API as {account}");
            (
                Client::builder().credentials(credentials).build_http()?,
                account.clone(),
            )
        }
        (None, None) => {
            let emulator =
                channel_mock::Emulator::start(channel_mock::EmulatorConfig::default()).await?;
            let client = Client::builder()
                .endpoint(emulator.http_endpoint())
                .build_http()?;
            println!(
                "Started an embedded emulator: REST {} / gRPC {}",
                emulator.http_endpoint(),
                emulator.grpc_endpoint()
            );
            _emulator = Some(emulator);
            (client, "accounts/C0emulator".to_string())
        }
        _ => return Err("--credentials and --account go together".into()),
    };

    // 1. Pick an offer: Google Workspace Business Standard, flexible plan.
    let mut offers = Box::pin(
        client
            .list_offers(Default::default())
            .set_parent(&account)
            .items(),
    );
    let mut chosen = None;
    while let Some(offer) = offers.next().await {
        let offer = offer?;
        let name = offer
            .sku
            .as_ref()
            .and_then(|s| s.marketing_info.as_ref())
            .map(|m| m.display_name.as_str())
            .unwrap_or_default();
        if name == "Google Workspace Business Standard"
            && offer
                .plan
                .as_ref()
                .is_some_and(|p| p.payment_plan() == PaymentPlan::Flexible)
        {
            chosen = Some(offer);
            break;
        }
    }
    let offer = chosen.ok_or("no flexible Google Workspace Business Standard offer")?;
    println!("1. Offer: {}", offer.name);

    // 2. A new customer, on a domain nobody holds yet.
    let domain = format!("quickstart-{}.example", std::process::id());
    let existing = client
        .check_cloud_identity_accounts_exist(Default::default())
        .set_parent(&account)
        .set_domain(&domain)
        .await?
        .cloud_identity_accounts;
    println!(
        "2. Cloud Identity accounts for {domain}: {}",
        existing.len()
    );
    let customer = client
        .create_customer(Default::default())
        .set_parent(&account)
        .set_customer(
            Customer::new()
                .set_org_display_name("Quickstart Analytics")
                .set_org_postal_address(
                    PostalAddress::new()
                        .set_region_code("US")
                        .set_postal_code("94043")
                        .set_address_lines(["1 Example Way"]),
                )
                .set_primary_contact_info(
                    ContactInfo::new()
                        .set_first_name("Ada")
                        .set_last_name("Ngata")
                        .set_email(format!("ada@{domain}")),
                )
                .set_domain(&domain),
        )
        .await?;
    println!("3. Customer: {}", customer.name);

    // 3. Its Cloud Identity, a long-running operation.
    let operation = client
        .provision_cloud_identity(Default::default())
        .set_customer(&customer.name)
        .set_user(
            AdminUser::new()
                .set_email(format!("admin@{domain}"))
                .set_given_name("Ada")
                .set_family_name("Ngata"),
        )
        .await?;
    let customer = wait_with_progress("4. Provisioning Cloud Identity", operation).await?;
    println!("   Cloud Identity id: {}", customer.cloud_identity_id);

    // 4. Ten seats.
    let seats = Parameter::new()
        .set_name("num_units")
        .set_value(Value::new().set_int64_value(10));
    let operation = client
        .create_entitlement(Default::default())
        .set_parent(&customer.name)
        .set_entitlement(
            Entitlement::new()
                .set_offer(&offer.name)
                .set_parameters([seats]),
        )
        .await?;
    let entitlement = wait_with_progress("5. Buying 10 seats", operation).await?;
    println!(
        "   Entitlement: {} ({:?})",
        entitlement.name,
        entitlement.provisioning_state()
    );

    // 5. What the account has now.
    let customers = client
        .list_customers(Default::default())
        .set_parent(&account)
        .collect_items()
        .await?;
    println!("6. The account has {} customer(s):", customers.len());
    for c in &customers {
        let entitlements = client
            .list_entitlements(Default::default())
            .set_parent(&c.name)
            .collect_items()
            .await?;
        println!(
            "   {} ({}): {} entitlement(s)",
            c.name,
            c.domain,
            entitlements.len()
        );
        for e in entitlements {
            println!("     {} -> {}", e.name, e.offer);
        }
    }
    Ok(())
}
