//! The emulator engine behind the real client, in-process: the reseller
//! workflow and the API's documented errors.

use std::sync::Arc;
use std::time::Duration;

use channel_core::transport::Stubs;
use channel_core::{CallOptions, Client, CloudChannelService, Error, ErrorKind};
use channel_mock::{AccountConfig, AccountKind, Engine, EngineConfig};
use channel_types::model::entitlement::{ProvisioningState, SuspensionReason};
use channel_types::model::{
    ActivateEntitlementRequest, AdminUser, CancelEntitlementRequest, ChangeParametersRequest,
    ChangeRenewalSettingsRequest, ChannelPartnerLink, ChannelPartnerLinkState,
    CheckCloudIdentityAccountsExistRequest, CloudIdentityInfo, ContactInfo,
    CreateChannelPartnerLinkRequest, CreateCustomerRequest, CreateEntitlementRequest, Customer,
    DeleteCustomerRequest, Entitlement, GetCustomerRequest, ListChannelPartnerLinksRequest,
    ListCustomersRequest, ListEntitlementChangesRequest, ListEntitlementsRequest,
    ListOffersRequest, Parameter, PaymentPlan, ProvisionCloudIdentityRequest, RenewalSettings,
    StartPaidServiceRequest, SuspendEntitlementRequest, TransferEntitlementsToGoogleRequest,
    UpdateChannelPartnerLinkRequest, Value, cloud_identity_info::CustomerType, value,
};
use channel_types::rpc::Code;
use channel_types::r#type::PostalAddress;
use channel_types::wkt::FieldMask;

const ACCOUNT: &str = "accounts/C0emulator";

fn engine(config: EngineConfig) -> (Engine, Client) {
    let engine = Engine::new(config);
    let client = Client::new(Stubs::from_backend(Arc::new(engine.clone())));
    (engine, client)
}

fn instant() -> EngineConfig {
    EngineConfig {
        operation_delay: Duration::ZERO,
        ..EngineConfig::default()
    }
}

fn seats(n: i64) -> Vec<Parameter> {
    vec![Parameter {
        name: "num_units".into(),
        value: Some(Value {
            kind: Some(value::Kind::Int64Value(n)),
        }),
        editable: false,
    }]
}

fn new_customer(domain: &str) -> CreateCustomerRequest {
    CreateCustomerRequest {
        parent: ACCOUNT.into(),
        customer: Some(Customer {
            org_display_name: format!("{domain} Inc."),
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
    }
}

/// A customer with Cloud Identity, ready to buy.
async fn ready_customer(client: &Client, domain: &str, customer_type: CustomerType) -> Customer {
    let customer = client.create_customer(new_customer(domain)).await.unwrap();
    let request = ProvisionCloudIdentityRequest {
        customer: customer.name.clone(),
        cloud_identity_info: Some(CloudIdentityInfo {
            customer_type: customer_type as i32,
            ..Default::default()
        }),
        user: Some(AdminUser {
            email: format!("admin@{domain}"),
            given_name: "Ada".into(),
            family_name: "Ngata".into(),
        }),
        validate_only: false,
    };
    client
        .provision_cloud_identity(request)
        .await
        .unwrap()
        .wait()
        .await
        .unwrap()
}

fn offer(id: &str) -> String {
    format!("{ACCOUNT}/offers/{id}")
}

async fn buy(
    client: &Client,
    customer: &Customer,
    offer_id: &str,
    units: Option<i64>,
) -> Result<Entitlement, Error> {
    let request = CreateEntitlementRequest {
        parent: customer.name.clone(),
        entitlement: Some(Entitlement {
            offer: offer(offer_id),
            parameters: units.map(seats).unwrap_or_default(),
            ..Default::default()
        }),
        request_id: String::new(),
    };
    client.create_entitlement(request).await?.wait().await
}

fn reason(err: &Error) -> (Code, Option<&str>) {
    (err.code(), err.reason())
}

#[tokio::test]
async fn reseller_workflow() {
    let (_, client) = engine(EngineConfig {
        operation_delay: Duration::from_millis(20),
        ..EngineConfig::default()
    });
    // Pick an offer by SKU display name and plan.
    let offers = client
        .list_offers(ListOffersRequest {
            parent: ACCOUNT.into(),
            ..Default::default()
        })
        .collect_items()
        .await
        .unwrap();
    let annual = offers
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
        parent: ACCOUNT.into(),
        domain: "harbor.example".into(),
        primary_admin_email: String::new(),
    };
    assert!(
        client
            .check_cloud_identity_accounts_exist(check.clone())
            .await
            .unwrap()
            .cloud_identity_accounts
            .is_empty()
    );

    let customer = client
        .create_customer(new_customer("harbor.example"))
        .await
        .unwrap();
    assert!(customer.name.starts_with("accounts/C0emulator/customers/"));
    let operation = client
        .provision_cloud_identity(ProvisionCloudIdentityRequest {
            customer: customer.name.clone(),
            user: Some(AdminUser {
                email: "admin@harbor.example".into(),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        !operation.done(),
        "the operation takes the configured delay"
    );
    let customer = operation.wait().await.unwrap();
    assert!(!customer.cloud_identity_id.is_empty());
    let found = client
        .check_cloud_identity_accounts_exist(check)
        .await
        .unwrap()
        .cloud_identity_accounts;
    assert_eq!((found.len(), found[0].owned), (1, true));

    let request = CreateEntitlementRequest {
        parent: customer.name.clone(),
        entitlement: Some(Entitlement {
            offer: annual.name.clone(),
            parameters: seats(10),
            commitment_settings: Some(channel_types::model::CommitmentSettings {
                renewal_settings: Some(RenewalSettings {
                    enable_renewal: true,
                    payment_plan: PaymentPlan::Commitment as i32,
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        }),
        request_id: String::new(),
    };
    let entitlement = client
        .create_entitlement(request)
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(entitlement.provisioning_state(), ProvisioningState::Active);
    assert!(
        entitlement
            .commitment_settings
            .as_ref()
            .unwrap()
            .end_time
            .is_some()
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
    assert_eq!(
        suspended.suspension_reasons().collect::<Vec<_>>(),
        [SuspensionReason::ResellerInitiated]
    );

    let listed = client
        .list_entitlements(ListEntitlementsRequest {
            parent: customer.name.clone(),
            ..Default::default()
        })
        .collect_items()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);

    let changes = client
        .list_entitlement_changes(ListEntitlementChangesRequest {
            parent: entitlement.name.clone(),
            ..Default::default()
        })
        .collect_items()
        .await
        .unwrap();
    assert_eq!(changes.len(), 2, "created, then suspended");
    for parent in [
        format!("{}/entitlements/never-made", customer.name),
        format!(
            "{}/entitlements/-",
            customer.name.replace("/customers/", "/customers/x")
        ),
    ] {
        let err = client
            .list_entitlement_changes(ListEntitlementChangesRequest {
                parent: parent.clone(),
                ..Default::default()
            })
            .collect_items()
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::NotFound, "{parent}");
    }

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
async fn customer_errors() {
    let (_, client) = engine(instant());
    let mut mismatch = new_customer("harbor.example");
    mismatch
        .customer
        .as_mut()
        .unwrap()
        .primary_contact_info
        .as_mut()
        .unwrap()
        .email = "ada@elsewhere.example".into();
    let err = client.create_customer(mismatch).await.unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    assert_eq!(
        err.field_violations()[0].field,
        "customer.primary_contact_info.email"
    );

    let err = client
        .create_customer(CreateCustomerRequest {
            parent: ACCOUNT.into(),
            customer: Some(Customer::default()),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    let fields: Vec<&str> = err
        .field_violations()
        .iter()
        .map(|v| v.field.as_str())
        .collect();
    assert_eq!(fields, ["customer.org_display_name", "customer.domain"]);

    let customer = ready_customer(&client, "busy.example", CustomerType::Domain).await;
    buy(&client, &customer, "ws-business-starter-flexible", Some(5))
        .await
        .unwrap();
    let err = client
        .delete_customer(DeleteCustomerRequest {
            name: customer.name.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::FailedPrecondition);

    let err = client
        .get_customer(GetCustomerRequest {
            name: "accounts/C0emulator/customers".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    // Refused before it is sent, naming the field and the expected pattern.
    assert!(err.message().contains("name"), "{err}");
    assert!(err.message().contains("accounts/*/customers/*"), "{err}");
}

#[tokio::test]
async fn entitlement_purchase_errors() {
    let (_, client) = engine(instant());
    let customer = ready_customer(&client, "shop.example", CustomerType::Domain).await;

    let err = buy(&client, &customer, "no-such-offer", Some(5))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound);
    let err = buy(&client, &customer, "ws-vault-flexible", Some(5))
        .await
        .unwrap_err();
    assert_eq!(
        reason(&err),
        (Code::FailedPrecondition, Some("BASE_ENTITLEMENT_MISSING"))
    );
    let err = buy(
        &client,
        &customer,
        "ws-business-standard-flexible",
        Some(301),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    assert!(err.message().contains("maximum"), "{err}");
    // Seats are required by a commitment only (a flexible offer takes
    // max_units instead, or nothing).
    let err = buy(&client, &customer, "ws-business-standard-annual", None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    assert!(err.message().contains("num_units"), "{err}");

    buy(&client, &customer, "ws-business-standard-flexible", Some(5))
        .await
        .unwrap();
    let err = buy(&client, &customer, "ws-business-standard-annual", Some(5))
        .await
        .unwrap_err();
    assert_eq!(
        reason(&err),
        (Code::AlreadyExists, Some("SKU_ALREADY_PURCHASED"))
    );
    let err = buy(&client, &customer, "ws-business-plus-flexible", Some(5))
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Code::InvalidArgument,
        "another SKU of the same family"
    );
    buy(&client, &customer, "ws-vault-flexible", Some(5))
        .await
        .unwrap();

    let fresh = client
        .create_customer(new_customer("noidentity.example"))
        .await
        .unwrap();
    let err = buy(&client, &fresh, "ws-business-standard-flexible", Some(5))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::FailedPrecondition);
}

#[tokio::test]
async fn entitlement_state_machine_errors() {
    let (_, client) = engine(instant());
    let customer = ready_customer(&client, "state.example", CustomerType::Domain).await;
    let flexible = buy(&client, &customer, "ws-business-standard-flexible", Some(5))
        .await
        .unwrap();
    let name = flexible.name.clone();
    let activate = || {
        client.activate_entitlement(ActivateEntitlementRequest {
            name: name.clone(),
            request_id: String::new(),
        })
    };
    let err = activate().await.unwrap_err();
    assert_eq!(
        reason(&err),
        (Code::FailedPrecondition, Some("NOT_SUSPENDED"))
    );

    let renewal = ChangeRenewalSettingsRequest {
        name: name.clone(),
        renewal_settings: Some(RenewalSettings::default()),
        request_id: String::new(),
    };
    let err = client.change_renewal_settings(renewal).await.unwrap_err();
    assert_eq!(
        reason(&err),
        (Code::FailedPrecondition, Some("NOT_COMMITMENT_PLAN"))
    );
    let err = client
        .start_paid_service(StartPaidServiceRequest {
            name: name.clone(),
            request_id: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(
        reason(&err),
        (Code::FailedPrecondition, Some("NOT_IN_TRIAL"))
    );
    let err = client
        .cancel_entitlement(CancelEntitlementRequest {
            name: name.clone(),
            request_id: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(
        reason(&err),
        (Code::FailedPrecondition, Some("DELETION_TYPE_NOT_ALLOWED"))
    );

    client
        .suspend_entitlement(SuspendEntitlementRequest {
            name: name.clone(),
            request_id: String::new(),
        })
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    let err = client
        .suspend_entitlement(SuspendEntitlementRequest {
            name: name.clone(),
            request_id: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(reason(&err), (Code::FailedPrecondition, Some("NOT_ACTIVE")));
    let active = activate().await.unwrap().wait().await.unwrap();
    assert_eq!(active.provisioning_state(), ProvisioningState::Active);

    // Seats can't go down on a commitment plan.
    let other = ready_customer(&client, "annual.example", CustomerType::Domain).await;
    let annual = buy(&client, &other, "ws-business-plus-annual", Some(20))
        .await
        .unwrap();
    let decrease = ChangeParametersRequest {
        name: annual.name.clone(),
        parameters: seats(10),
        ..Default::default()
    };
    assert_eq!(
        client.change_parameters(decrease).await.unwrap_err().code(),
        Code::InvalidArgument
    );
    let increase = ChangeParametersRequest {
        name: annual.name.clone(),
        parameters: seats(30),
        ..Default::default()
    };
    let changed = client
        .change_parameters(increase)
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(
        changed.parameters[0].value.as_ref().unwrap().kind,
        Some(value::Kind::Int64Value(30))
    );

    // A trial can start paid service once.
    let trial_customer = ready_customer(&client, "trial.example", CustomerType::Domain).await;
    let trial = buy(
        &client,
        &trial_customer,
        "ws-business-starter-trial",
        Some(3),
    )
    .await
    .unwrap();
    assert!(trial.trial_settings.as_ref().unwrap().trial);
    let paid = client
        .start_paid_service(StartPaidServiceRequest {
            name: trial.name.clone(),
            request_id: String::new(),
        })
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert!(!paid.trial_settings.unwrap().trial);

    // Entitlements waiting for the customer's terms of service can't be activated by the reseller.
    let team = ready_customer(&client, "team.example", CustomerType::Team).await;
    let pending = buy(&client, &team, "ws-business-starter-flexible", Some(2))
        .await
        .unwrap();
    assert_eq!(
        pending.suspension_reasons().collect::<Vec<_>>(),
        [SuspensionReason::PendingTosAcceptance]
    );
    let err = client
        .activate_entitlement(ActivateEntitlementRequest {
            name: pending.name,
            request_id: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(
        reason(&err),
        (
            Code::FailedPrecondition,
            Some("SUSPENSION_NOT_RESELLER_INITIATED")
        )
    );
}

#[tokio::test]
async fn a_repeated_request_id_has_no_second_effect() {
    let (_, client) = engine(instant());
    let customer = ready_customer(&client, "idem.example", CustomerType::Domain).await;
    let request = CreateEntitlementRequest {
        parent: customer.name.clone(),
        entitlement: Some(Entitlement {
            offer: offer("ws-business-starter-flexible"),
            parameters: seats(4),
            ..Default::default()
        }),
        request_id: "5f0c6a1e-8d2b-4c3a-9e7f-1a2b3c4d5e6f".into(),
    };
    let first = client.create_entitlement(request.clone()).await.unwrap();
    let second = client.create_entitlement(request).await.unwrap();
    assert_eq!(first.name(), second.name());
    let listed = client
        .list_entitlements(ListEntitlementsRequest {
            parent: customer.name,
            ..Default::default()
        })
        .collect_items()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
}

#[tokio::test]
async fn a_request_id_in_upper_case_is_the_same_request_as_in_lower_case() {
    let (_, client) = engine(instant());
    let customer = ready_customer(&client, "idem-case.example", CustomerType::Domain).await;
    let request = |request_id: &str| CreateEntitlementRequest {
        parent: customer.name.clone(),
        entitlement: Some(Entitlement {
            offer: offer("ws-business-starter-flexible"),
            parameters: seats(4),
            ..Default::default()
        }),
        request_id: request_id.into(),
    };
    let first = client
        .create_entitlement(request("5F0C6A1E-8D2B-4C3A-9E7F-1A2B3C4D5E6F"))
        .await
        .unwrap();
    let second = client
        .create_entitlement(request("5f0c6a1e-8d2b-4c3a-9e7f-1a2b3c4d5e6f"))
        .await
        .unwrap();
    assert_eq!(first.name(), second.name());
}

#[tokio::test]
async fn paging_and_forged_tokens() {
    let (_, client) = engine(instant());
    for i in 0..23 {
        client
            .create_customer(new_customer(&format!("c{i:02}.example")))
            .await
            .unwrap();
    }
    let list = |token: String| ListCustomersRequest {
        parent: ACCOUNT.into(),
        page_size: 10,
        page_token: token,
        filter: String::new(),
    };
    let first = client.list_customers(list(String::new())).await.unwrap();
    assert_eq!(first.customers.len(), 10);
    // A customer added while paging does not disturb the pages after the cursor.
    client
        .create_customer(new_customer("late.example"))
        .await
        .unwrap();
    let all = client
        .list_customers(list(String::new()))
        .collect_items()
        .await
        .unwrap();
    assert_eq!(all.len(), 24);
    let mut names: Vec<_> = all.iter().map(|c| c.name.clone()).collect();
    names.dedup();
    assert_eq!(names.len(), 24, "no customer listed twice");
    let default_page = client
        .list_customers(ListCustomersRequest {
            parent: ACCOUNT.into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        default_page.customers.len(),
        10,
        "the documented default page size"
    );

    let err = client
        .list_customers(list("forged".into()))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    let filtered = ListCustomersRequest {
        parent: ACCOUNT.into(),
        filter: "domain=c07.example".into(),
        ..Default::default()
    };
    assert_eq!(
        client
            .list_customers(filtered)
            .await
            .unwrap()
            .customers
            .len(),
        1
    );
}

#[tokio::test]
async fn access_is_per_account() {
    let config = EngineConfig {
        require_auth: true,
        operation_delay: Duration::ZERO,
        accounts: vec![
            AccountConfig {
                id: "R1".into(),
                kind: AccountKind::Reseller,
                tokens: vec!["token-r1".into()],
            },
            AccountConfig {
                id: "D1".into(),
                kind: AccountKind::Distributor,
                tokens: vec!["token-d1".into()],
            },
        ],
        ..EngineConfig::default()
    };
    let engine = Engine::new(config);
    let as_token = |t: &str| CallOptions::new().with_header("authorization", format!("Bearer {t}"));
    let get = |name: &str| GetCustomerRequest { name: name.into() };

    let err: Error = engine
        .get_customer(get("accounts/R1/customers/S1"), CallOptions::new())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated);
    let err = engine
        .get_customer(get("accounts/R1/customers/S1"), as_token("nope"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated);
    let err = engine
        .get_customer(get("accounts/D1/customers/S1"), as_token("token-r1"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    let err = engine
        .get_customer(get("accounts/R1/customers/S1"), as_token("token-r1"))
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Code::NotFound,
        "its own account: allowed, and absent"
    );

    let links = ListChannelPartnerLinksRequest {
        parent: "accounts/R1".into(),
        ..Default::default()
    };
    let err = engine
        .list_channel_partner_links(links, as_token("token-r1"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied, "distributors only");
    assert_eq!(err.kind(), ErrorKind::Rpc);

    // A distributor invites a reseller; the distributor can't accept for it.
    let create = CreateChannelPartnerLinkRequest {
        parent: "accounts/D1".into(),
        channel_partner_link: Some(ChannelPartnerLink {
            reseller_cloud_identity_id: "C0partner".into(),
            link_state: ChannelPartnerLinkState::Invited as i32,
            ..Default::default()
        }),
    };
    let link = engine
        .create_channel_partner_link(create, as_token("token-d1"))
        .await
        .unwrap();
    assert!(!link.invite_link_uri.is_empty());
    let update = UpdateChannelPartnerLinkRequest {
        name: link.name.clone(),
        channel_partner_link: Some(ChannelPartnerLink {
            link_state: ChannelPartnerLinkState::Active as i32,
            ..Default::default()
        }),
        update_mask: Some(FieldMask::new(["link_state"])),
    };
    let err = engine
        .update_channel_partner_link(update, as_token("token-d1"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
}

#[tokio::test]
async fn updates_follow_the_mask_and_a_refused_one_changes_nothing() {
    let (_, client) = engine(instant());
    let created = client
        .create_customer(new_customer("mask.example"))
        .await
        .unwrap();
    let mut input = created.clone();
    input.org_display_name = "Renamed".into();
    input.primary_contact_info.as_mut().unwrap().email = "grace@mask.example".into();
    input.alternate_email = "not-masked@elsewhere.example".into();
    let request = |paths: &[&str], input: &Customer| channel_types::model::UpdateCustomerRequest {
        customer: Some(input.clone()),
        update_mask: Some(FieldMask::new(paths.iter().copied())),
    };
    let err = client
        .update_customer(request(&["org_display_name", "cloud_identity_id"], &input))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    let unchanged = client
        .get_customer(GetCustomerRequest {
            name: created.name.clone(),
        })
        .await
        .unwrap();
    assert_eq!(
        unchanged.org_display_name, created.org_display_name,
        "nothing applied"
    );

    let updated = client
        .update_customer(request(
            &["org_display_name", "primary_contact_info.email"],
            &input,
        ))
        .await
        .unwrap();
    assert_eq!(updated.org_display_name, "Renamed");
    let contact = updated.primary_contact_info.unwrap();
    assert_eq!(
        (contact.email.as_str(), contact.first_name.as_str()),
        ("grace@mask.example", "Ada")
    );
    assert_eq!(
        updated.alternate_email, created.alternate_email,
        "unmasked fields stay"
    );
}

#[tokio::test]
async fn an_update_without_a_mask_changes_only_the_fields_it_sets() {
    let (_, client) = engine(instant());
    let created = client
        .create_customer(new_customer("nomask.example"))
        .await
        .unwrap();
    assert!(created.org_postal_address.is_some());
    for mask in [None, Some(FieldMask::default())] {
        let updated = client
            .update_customer(channel_types::model::UpdateCustomerRequest {
                customer: Some(Customer {
                    name: created.name.clone(),
                    org_display_name: "Renamed without a mask".into(),
                    ..Default::default()
                }),
                update_mask: mask.clone(),
            })
            .await
            .unwrap();
        assert_eq!(updated.org_display_name, "Renamed without a mask");
        assert_eq!(
            (
                &updated.org_postal_address,
                &updated.primary_contact_info,
                &updated.language_code,
                &updated.alternate_email
            ),
            (
                &created.org_postal_address,
                &created.primary_contact_info,
                &created.language_code,
                &created.alternate_email
            ),
            "fields the request leaves out keep their values (mask {mask:?})"
        );
    }
}
