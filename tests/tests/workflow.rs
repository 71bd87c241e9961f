//! The reseller workflow against the emulator's servers, over REST and over
//! gRPC, with the real transports: what a user of the client library does.

use std::time::Duration;

use channel_core::{Client, ClientBuilder};
use channel_grpc::GrpcTransport;
use channel_http::HttpTransport;
use channel_mock::{Emulator, EmulatorConfig, EngineConfig};
use channel_types::model::entitlement::ProvisioningState;
use channel_types::model::{
    ActivateEntitlementRequest, AdminUser, CheckCloudIdentityAccountsExistRequest,
    CommitmentSettings, ContactInfo, CreateCustomerRequest, CreateEntitlementRequest, Customer,
    DeleteCustomerRequest, Entitlement, GetCustomerRequest, ListCustomersRequest,
    ListOffersRequest, Parameter, PaymentPlan, Period, PeriodType, ProvisionCloudIdentityRequest,
    RenewalSettings, SuspendEntitlementRequest, TransferEntitlementsToGoogleRequest, Value, value,
};
use channel_types::rpc::Code;
use channel_types::r#type::PostalAddress;

async fn emulator() -> Emulator {
    let config = EmulatorConfig {
        engine: EngineConfig {
            operation_delay: Duration::from_millis(20),
            ..EngineConfig::default()
        },
        ..EmulatorConfig::default()
    };
    Emulator::start(config)
        .await
        .expect("the emulator starts on 127.0.0.1")
}

fn builder(endpoint: String) -> ClientBuilder {
    Client::builder().endpoint(endpoint).polling_policy(
        channel_core::PollingPolicy::default().with_intervals(
            Duration::from_millis(10),
            2.0,
            Duration::from_millis(200),
        ),
    )
}

async fn workflow(client: &Client, account: &str, domain: &str) {
    // Pick the annual Workspace Business Standard offer by display name and plan.
    let offers = client
        .list_offers(ListOffersRequest {
            parent: account.into(),
            ..Default::default()
        })
        .collect_items()
        .await
        .unwrap();
    let offer = offers
        .iter()
        .find(|o| {
            o.sku
                .as_ref()
                .and_then(|s| s.marketing_info.as_ref())
                .is_some_and(|m| m.display_name == "Google Workspace Business Standard")
                && o.plan
                    .as_ref()
                    .is_some_and(|p| p.payment_plan() == PaymentPlan::Commitment)
        })
        .expect("an annual Business Standard offer");

    let check = CheckCloudIdentityAccountsExistRequest {
        parent: account.into(),
        domain: domain.into(),
        primary_admin_email: String::new(),
    };
    assert!(
        client
            .check_cloud_identity_accounts_exist(check)
            .await
            .unwrap()
            .cloud_identity_accounts
            .is_empty()
    );

    let customer = client
        .create_customer(CreateCustomerRequest {
            parent: account.into(),
            customer: Some(Customer {
                org_display_name: "Harbor Analytics".into(),
                org_postal_address: Some(PostalAddress {
                    region_code: "US".into(),
                    postal_code: "94043".into(),
                    ..Default::default()
                }),
                primary_contact_info: Some(ContactInfo {
                    first_name: "Ada".into(),
                    last_name: "Ngata".into(),
                    email: format!("ada@{domain}"),
                    ..Default::default()
                }),
                domain: domain.into(),
                ..Default::default()
            }),
        })
        .await
        .unwrap();
    let customer = client
        .provision_cloud_identity(ProvisionCloudIdentityRequest {
            customer: customer.name.clone(),
            user: Some(AdminUser {
                email: format!("admin@{domain}"),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert!(!customer.cloud_identity_id.is_empty());

    let entitlement = client
        .create_entitlement(CreateEntitlementRequest {
            parent: customer.name.clone(),
            entitlement: Some(Entitlement {
                offer: offer.name.clone(),
                parameters: vec![Parameter {
                    name: "num_units".into(),
                    value: Some(Value {
                        kind: Some(value::Kind::Int64Value(12)),
                    }),
                    editable: false,
                }],
                commitment_settings: Some(CommitmentSettings {
                    renewal_settings: Some(RenewalSettings {
                        enable_renewal: true,
                        resize_unit_count: false,
                        payment_plan: PaymentPlan::Commitment as i32,
                        payment_cycle: Some(Period {
                            duration: 1,
                            period_type: PeriodType::Year as i32,
                        }),
                    }),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(entitlement.provisioning_state(), ProvisioningState::Active);
    assert_eq!(
        entitlement.parameters[0].value.as_ref().unwrap().kind,
        Some(value::Kind::Int64Value(12))
    );

    // A documented error, with its reason, through the wire.
    let err = client
        .activate_entitlement(ActivateEntitlementRequest {
            name: entitlement.name.clone(),
            request_id: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), err.reason()),
        (Code::FailedPrecondition, Some("NOT_SUSPENDED"))
    );

    let suspended = client
        .suspend_entitlement(SuspendEntitlementRequest {
            name: entitlement.name.clone(),
            request_id: String::new(),
        })
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(suspended.provisioning_state(), ProvisioningState::Suspended);

    client
        .transfer_entitlements_to_google(TransferEntitlementsToGoogleRequest {
            parent: customer.name.clone(),
            entitlements: vec![suspended],
            request_id: String::new(),
        })
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    let listed = client
        .list_customers(ListCustomersRequest {
            parent: account.into(),
            ..Default::default()
        })
        .collect_items()
        .await
        .unwrap();
    assert!(listed.iter().any(|c| c.name == customer.name));
    client
        .delete_customer(DeleteCustomerRequest {
            name: customer.name.clone(),
        })
        .await
        .unwrap();
    let err = client
        .get_customer(GetCustomerRequest {
            name: customer.name,
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound);
}

#[tokio::test]
async fn workflow_over_rest() {
    let emulator = emulator().await;
    let client = builder(emulator.http_endpoint())
        .build_with(HttpTransport::new)
        .unwrap();
    workflow(&client, "accounts/C0emulator", "rest.example").await;
    emulator.shutdown().await.unwrap();
}

#[tokio::test]
async fn workflow_over_grpc() {
    let emulator = emulator().await;
    let client = builder(emulator.grpc_endpoint())
        .build_with(GrpcTransport::new)
        .unwrap();
    workflow(&client, "accounts/C0emulator", "grpc.example").await;
    emulator.shutdown().await.unwrap();
}
