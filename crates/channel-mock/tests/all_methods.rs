//! Every RPC the engine serves, each called at least once with a valid
//! request and its answer checked; together with `engine.rs` and
//! `servers.rs`, all 56 methods are covered.

use std::sync::Arc;
use std::time::Duration;

use channel_core::transport::Stubs;
use channel_core::{Client, ClientBuilder};
use channel_mock::{
    AccountConfig, AccountKind, CustomerSeed, Engine, EngineConfig, EntitlementSeed, GOOGLE,
    IdentitySeed, IdentityType, Scenario,
};
use channel_types::longrunning::{
    CancelOperationRequest, DeleteOperationRequest, GetOperationRequest, ListOperationsRequest,
};
use channel_types::model::list_purchasable_offers_request as offers_purchase;
use channel_types::model::list_purchasable_skus_request as skus_purchase;
use channel_types::model::repricing_config::{EntitlementGranularity, Granularity};
use channel_types::model::*;
use channel_types::rpc::Code;
use channel_types::r#type::{Date, Decimal, PostalAddress};
use channel_types::wkt::FieldMask;

const RESELLER: &str = "accounts/R1";
const DISTRIBUTOR: &str = "accounts/D1";

fn engine(delay: Duration) -> Engine {
    Engine::new(EngineConfig {
        require_auth: true,
        operation_delay: delay,
        accounts: vec![
            AccountConfig {
                id: "R1".into(),
                kind: AccountKind::Reseller,
                tokens: vec!["r1".into()],
            },
            AccountConfig {
                id: "D1".into(),
                kind: AccountKind::Distributor,
                tokens: vec!["d1".into()],
            },
        ],
        ..EngineConfig::default()
    })
}

/// Seeds a customer Google serves directly, with the super admin's token.
fn google_customer(engine: &Engine, domain: &str, id: &str) {
    engine
        .seed(&Scenario {
            customers: vec![CustomerSeed {
                owner: GOOGLE.into(),
                domain: domain.into(),
                cloud_identity: Some(IdentitySeed {
                    id: id.into(),
                    verified: true,
                    customer_type: IdentityType::Domain,
                    auth_token: "token-of-the-admin".into(),
                }),
                entitlements: vec![EntitlementSeed {
                    offer: "ws-business-starter-flexible".into(),
                    num_units: Some(5),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        })
        .unwrap();
}

fn client(engine: &Engine, token: &str) -> Client {
    ClientBuilder::new()
        .default_header("authorization", format!("Bearer {token}"))
        .polling_policy(channel_core::PollingPolicy::default().with_intervals(
            Duration::from_millis(5),
            1.0,
            Duration::from_millis(5),
        ))
        .build_with_stubs(Stubs::from_backend(Arc::new(engine.clone())))
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

/// Next month: configs can be updated only before their month begins, so
/// a fixed date would stop working once it arrived.
fn next_month() -> Date {
    let now = channel_types::wkt::Timestamp::now().to_string();
    let year: i32 = now[..4].parse().unwrap();
    let month: i32 = now[5..7].parse().unwrap();
    Date {
        year: year + month / 12,
        month: month % 12 + 1,
        day: 0,
    }
}

fn repricing(entitlement: Option<&str>) -> RepricingConfig {
    RepricingConfig {
        effective_invoice_month: Some(next_month()),
        adjustment: Some(RepricingAdjustment {
            adjustment: Some(repricing_adjustment::Adjustment::PercentageAdjustment(
                PercentageAdjustment {
                    percentage: Some(Decimal {
                        value: "-5.5".into(),
                    }),
                },
            )),
        }),
        rebilling_basis: RebillingBasis::CostAtList as i32,
        conditional_overrides: Vec::new(),
        granularity: entitlement.map(|e| {
            Granularity::EntitlementGranularity(EntitlementGranularity {
                entitlement: e.into(),
            })
        }),
    }
}

/// A customer without a Cloud Identity yet.
async fn new_customer(client: &Client, parent: &str, domain: &str) -> Customer {
    client
        .create_customer(CreateCustomerRequest {
            parent: parent.into(),
            customer: Some(Customer {
                org_display_name: domain.into(),
                org_postal_address: Some(PostalAddress {
                    region_code: "US".into(),
                    ..Default::default()
                }),
                domain: domain.into(),
                ..Default::default()
            }),
        })
        .await
        .unwrap()
}

async fn customer_with_identity(client: &Client, parent: &str, domain: &str) -> Customer {
    let created = new_customer(client, parent, domain).await;
    client
        .provision_cloud_identity(ProvisionCloudIdentityRequest {
            customer: created.name,
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
        .unwrap()
}

async fn buy(client: &Client, customer: &str, offer: &str, units: Option<i64>) -> Entitlement {
    client
        .create_entitlement(CreateEntitlementRequest {
            parent: customer.into(),
            entitlement: Some(Entitlement {
                offer: format!("{RESELLER}/offers/{offer}"),
                parameters: units.map(seats).unwrap_or_default(),
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await
        .unwrap()
        .wait()
        .await
        .unwrap()
}

#[tokio::test]
async fn catalog_methods() {
    let engine = engine(Duration::ZERO);
    let r = client(&engine, "r1");
    let products = r
        .list_products(ListProductsRequest {
            account: RESELLER.into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        products
            .products
            .iter()
            .any(|p| p.name == "products/google-workspace")
    );
    let skus = r
        .list_skus(ListSkusRequest {
            parent: "products/google-workspace".into(),
            account: RESELLER.into(),
            ..Default::default()
        })
        .collect_items()
        .await
        .unwrap();
    assert!(
        skus.iter()
            .all(|s| s.name.starts_with("products/google-workspace/skus/"))
            && skus.len() >= 5
    );
    let filtered = r
        .list_offers(ListOffersRequest {
            parent: RESELLER.into(),
            filter: "sku.name=products/google-workspace/skus/business-starter".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(filtered.offers.len(), 3);
    let groups = r
        .list_sku_groups(ListSkuGroupsRequest {
            parent: RESELLER.into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(!groups.sku_groups.is_empty());
    let billable = r
        .list_sku_group_billable_skus(ListSkuGroupBillableSkusRequest {
            parent: groups.sku_groups[0].name.clone(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(!billable.billable_skus.is_empty());
    google_customer(&engine, "moving.example", "C-moving");
    let transferable = r
        .list_transferable_skus(ListTransferableSkusRequest {
            parent: RESELLER.into(),
            transferred_customer_identity: Some(
                list_transferable_skus_request::TransferredCustomerIdentity::CloudIdentityId(
                    "C-moving".into(),
                ),
            ),
            auth_token: "token-of-the-admin".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(!transferable.transferable_skus.is_empty());
    let sku = transferable.transferable_skus[0]
        .sku
        .as_ref()
        .unwrap()
        .name
        .clone();
    let offers = r
        .list_transferable_offers(ListTransferableOffersRequest {
            parent: RESELLER.into(),
            sku: sku.clone(),
            transferred_customer_identity: Some(
                list_transferable_offers_request::TransferredCustomerIdentity::CloudIdentityId(
                    "C-moving".into(),
                ),
            ),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        offers.transferable_offers.iter().all(|o| o
            .offer
            .as_ref()
            .unwrap()
            .sku
            .as_ref()
            .unwrap()
            .name
            == sku)
    );
    let err = r
        .list_products(ListProductsRequest {
            account: DISTRIBUTOR.into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
}

#[tokio::test]
async fn customer_and_entitlement_methods() {
    let engine = engine(Duration::ZERO);
    let r = client(&engine, "r1");
    let c = customer_with_identity(&r, RESELLER, "all.example").await;

    let updated = r
        .update_customer(UpdateCustomerRequest {
            customer: Some(Customer {
                name: c.name.clone(),
                org_display_name: "Renamed".into(),
                domain: "ignored.example".into(),
                ..Default::default()
            }),
            update_mask: Some(FieldMask::new(["org_display_name"])),
        })
        .await
        .unwrap();
    assert_eq!(
        (updated.org_display_name.as_str(), updated.domain.as_str()),
        ("Renamed", "all.example")
    );

    google_customer(&engine, "imported.example", "C-imported");
    let imported = r
        .import_customer(ImportCustomerRequest {
            parent: RESELLER.into(),
            auth_token: "token-of-the-admin".into(),
            customer_identity: Some(import_customer_request::CustomerIdentity::Domain(
                "imported.example".into(),
            )),
            overwrite_if_exists: false,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(imported.cloud_identity_id, "C-imported");

    let purchasable = r
        .list_purchasable_skus(ListPurchasableSkusRequest {
            customer: c.name.clone(),
            purchase_option: Some(skus_purchase::PurchaseOption::CreateEntitlementPurchase(
                skus_purchase::CreateEntitlementPurchase {
                    product: "products/google-workspace".into(),
                },
            )),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(!purchasable.purchasable_skus.is_empty());
    let offers = r
        .list_purchasable_offers(ListPurchasableOffersRequest {
            customer: c.name.clone(),
            purchase_option: Some(offers_purchase::PurchaseOption::CreateEntitlementPurchase(
                offers_purchase::CreateEntitlementPurchase {
                    sku: "products/google-workspace/skus/business-plus".into(),
                    billing_account: String::new(),
                },
            )),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(offers.purchasable_offers.len(), 3);

    let eligible = r
        .query_eligible_billing_accounts(QueryEligibleBillingAccountsRequest {
            customer: c.name.clone(),
            skus: vec!["products/google-cloud/skus/google-cloud-platform".into()],
        })
        .await
        .unwrap();
    let group = &eligible.sku_purchase_groups[0];
    assert_eq!(
        group.skus,
        ["products/google-cloud/skus/google-cloud-platform"]
    );
    let billing = group.billing_account_purchase_infos[0]
        .billing_account
        .as_ref()
        .unwrap();
    assert!(
        billing.name.starts_with("accounts/R1/billingAccounts/") && billing.currency_code == "USD"
    );

    let annual = buy(&r, &c.name, "ws-business-plus-annual", Some(10)).await;
    let fetched = r
        .get_entitlement(GetEntitlementRequest {
            name: annual.name.clone(),
        })
        .await
        .unwrap();
    assert_eq!(fetched, annual);
    let offer = r
        .lookup_offer(LookupOfferRequest {
            entitlement: annual.name.clone(),
        })
        .await
        .unwrap();
    assert_eq!(offer.name, annual.offer);

    let renewed = r
        .change_renewal_settings(ChangeRenewalSettingsRequest {
            name: annual.name.clone(),
            renewal_settings: Some(RenewalSettings {
                enable_renewal: false,
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert!(
        !renewed
            .commitment_settings
            .unwrap()
            .renewal_settings
            .unwrap()
            .enable_renewal
    );

    let moved = r
        .change_offer(ChangeOfferRequest {
            name: annual.name.clone(),
            offer: format!("{RESELLER}/offers/ws-business-plus-flexible"),
            ..Default::default()
        })
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    // A move off a running commitment waits for its end (tests/world.rs).
    assert!(moved.offer == annual.offer && moved.commitment_settings.is_some());

    let vault = buy(&r, &c.name, "ws-vault-flexible", Some(10)).await;
    r.cancel_entitlement(CancelEntitlementRequest {
        name: vault.name.clone(),
        request_id: String::new(),
    })
    .await
    .unwrap()
    .wait()
    .await
    .unwrap();
    let err = r
        .get_entitlement(GetEntitlementRequest { name: vault.name })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound);

    let other = customer_with_identity(&r, RESELLER, "moving.example").await;
    let transferred = r
        .transfer_entitlements(TransferEntitlementsRequest {
            parent: other.name.clone(),
            entitlements: vec![Entitlement {
                offer: format!("{RESELLER}/offers/ws-enterprise-standard-flexible"),
                parameters: seats(40),
                ..Default::default()
            }],
            ..Default::default()
        })
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(transferred.entitlements.len(), 1);

    // Customer repricing: create, get, list, update, delete.
    let config = r
        .create_customer_repricing_config(CreateCustomerRepricingConfigRequest {
            parent: c.name.clone(),
            customer_repricing_config: Some(CustomerRepricingConfig {
                repricing_config: Some(repricing(Some(&annual.name))),
                ..Default::default()
            }),
        })
        .await
        .unwrap();
    assert_eq!(
        r.get_customer_repricing_config(GetCustomerRepricingConfigRequest {
            name: config.name.clone()
        })
        .await
        .unwrap(),
        config
    );
    let listed = r
        .list_customer_repricing_configs(ListCustomerRepricingConfigsRequest {
            parent: c.name.clone(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(listed.customer_repricing_configs.len(), 1);
    let mut changed = repricing(Some(&annual.name));
    changed.rebilling_basis = RebillingBasis::DirectCustomerCost as i32;
    let updated = r
        .update_customer_repricing_config(UpdateCustomerRepricingConfigRequest {
            customer_repricing_config: Some(CustomerRepricingConfig {
                name: config.name.clone(),
                repricing_config: Some(changed),
                ..Default::default()
            }),
        })
        .await
        .unwrap();
    assert_eq!(
        updated.repricing_config.unwrap().rebilling_basis(),
        RebillingBasis::DirectCustomerCost
    );
    r.delete_customer_repricing_config(DeleteCustomerRepricingConfigRequest { name: config.name })
        .await
        .unwrap();
    let err = r
        .create_customer_repricing_config(CreateCustomerRepricingConfigRequest {
            parent: c.name.clone(),
            customer_repricing_config: Some(CustomerRepricingConfig {
                repricing_config: Some(repricing(None)),
                ..Default::default()
            }),
        })
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Code::InvalidArgument,
        "entitlement granularity is required"
    );
}

#[tokio::test]
async fn distributor_methods() {
    let engine = engine(Duration::ZERO);
    let d = client(&engine, "d1");
    let link = d
        .create_channel_partner_link(CreateChannelPartnerLinkRequest {
            parent: DISTRIBUTOR.into(),
            channel_partner_link: Some(ChannelPartnerLink {
                reseller_cloud_identity_id: "C0partner".into(),
                link_state: ChannelPartnerLinkState::Invited as i32,
                ..Default::default()
            }),
        })
        .await
        .unwrap();
    let got = d
        .get_channel_partner_link(GetChannelPartnerLinkRequest {
            name: link.name.clone(),
            // The FULL view shows the link as its creation answered it.
            view: ChannelPartnerLinkView::Full as i32,
        })
        .await
        .unwrap();
    assert_eq!(got, link);
    let links = d
        .list_channel_partner_links(ListChannelPartnerLinksRequest {
            parent: DISTRIBUTOR.into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(links.channel_partner_links.len(), 1);
    let revoked = d
        .update_channel_partner_link(UpdateChannelPartnerLinkRequest {
            name: link.name.clone(),
            channel_partner_link: Some(ChannelPartnerLink {
                link_state: ChannelPartnerLinkState::Revoked as i32,
                ..Default::default()
            }),
            update_mask: Some(FieldMask::new(["link_state"])),
        })
        .await
        .unwrap();
    assert_eq!(revoked.link_state(), ChannelPartnerLinkState::Revoked);

    // The partner's customers live under the link.
    // ProvisionCloudIdentity binds only `accounts/*/customers/*`: a partner's
    // customer is provisioned by its reseller, not through the link.
    let partner_customer = new_customer(&d, &link.name, "partner-customer.example").await;
    assert!(
        partner_customer
            .name
            .starts_with(&format!("{}/customers/", link.name))
    );
    assert_eq!(
        partner_customer.channel_partner_id,
        link.name.rsplit('/').next().unwrap()
    );
    let listed = d
        .list_customers(ListCustomersRequest {
            parent: link.name.clone(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(listed.customers.len(), 1);

    let config = d
        .create_channel_partner_repricing_config(CreateChannelPartnerRepricingConfigRequest {
            parent: link.name.clone(),
            channel_partner_repricing_config: Some(ChannelPartnerRepricingConfig {
                repricing_config: Some(repricing(None)),
                ..Default::default()
            }),
        })
        .await
        .unwrap();
    let got = d
        .get_channel_partner_repricing_config(GetChannelPartnerRepricingConfigRequest {
            name: config.name.clone(),
        })
        .await
        .unwrap();
    assert_eq!(got, config);
    let listed = d
        .list_channel_partner_repricing_configs(ListChannelPartnerRepricingConfigsRequest {
            parent: link.name.clone(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(listed.channel_partner_repricing_configs.len(), 1);
    let updated = d
        .update_channel_partner_repricing_config(UpdateChannelPartnerRepricingConfigRequest {
            channel_partner_repricing_config: Some(ChannelPartnerRepricingConfig {
                name: config.name.clone(),
                repricing_config: Some(repricing(None)),
                ..Default::default()
            }),
        })
        .await
        .unwrap();
    assert_eq!(updated.name, config.name);
    d.delete_channel_partner_repricing_config(DeleteChannelPartnerRepricingConfigRequest {
        name: config.name.clone(),
    })
    .await
    .unwrap();
    let err = d
        .get_channel_partner_repricing_config(GetChannelPartnerRepricingConfigRequest {
            name: config.name,
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound);
}

#[tokio::test]
async fn subscriber_report_and_operation_methods() {
    let engine = engine(Duration::from_secs(3600));
    let r = client(&engine, "r1");
    let registered = r
        .register_subscriber(RegisterSubscriberRequest {
            account: RESELLER.into(),
            service_account: "events@project.iam.example".into(),
            integrator: None,
        })
        .await
        .unwrap();
    assert!(!registered.topic.is_empty());
    let listed = r
        .list_subscribers(ListSubscribersRequest {
            account: RESELLER.into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(listed.service_accounts, ["events@project.iam.example"]);
    r.unregister_subscriber(UnregisterSubscriberRequest {
        account: RESELLER.into(),
        service_account: "events@project.iam.example".into(),
        integrator: None,
    })
    .await
    .unwrap();
    assert!(
        r.list_subscribers(ListSubscribersRequest {
            account: RESELLER.into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .service_accounts
        .is_empty()
    );

    #[allow(deprecated)]
    let reports = r
        .list_reports(ListReportsRequest {
            parent: RESELLER.into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(reports.reports.len(), 1);
    #[allow(deprecated)]
    let job = r
        .run_report_job(RunReportJobRequest {
            name: reports.reports[0].name.clone(),
            ..Default::default()
        })
        .await
        .unwrap();
    // With an hour's delay the operation is still running: list, cancel, get, delete it.
    assert!(!job.done());
    let running = r
        .list_operations(ListOperationsRequest {
            name: "operations".into(),
            filter: "done=false".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(running.operations.len(), 1);
    r.cancel_operation(CancelOperationRequest {
        name: job.name().into(),
    })
    .await
    .unwrap();
    let cancelled = r
        .get_operation(GetOperationRequest {
            name: job.name().into(),
        })
        .await
        .unwrap();
    assert!(cancelled.done);
    match cancelled.result {
        Some(channel_types::longrunning::operation::Result::Error(status)) => {
            assert_eq!(status.code, Code::Cancelled as i32)
        }
        other => panic!("expected a cancelled operation, got {other:?}"),
    }
    r.delete_operation(DeleteOperationRequest {
        name: job.name().into(),
    })
    .await
    .unwrap();
    let err = r
        .get_operation(GetOperationRequest {
            name: job.name().into(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound);

    // Another account can't see the reseller's operations.
    let d = client(&engine, "d1");
    #[allow(deprecated)]
    let job = r
        .run_report_job(RunReportJobRequest {
            name: reports.reports[0].name.clone(),
            ..Default::default()
        })
        .await
        .unwrap();
    let err = d
        .get_operation(GetOperationRequest {
            name: job.name().into(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound);

    // Report results once the job is done.
    let quick = engine_with_report().await;
    assert!(quick >= 1);
}

/// Runs a report on an engine whose operations finish at once; returns its row count.
async fn engine_with_report() -> usize {
    let engine = engine(Duration::ZERO);
    let r = client(&engine, "r1");
    let c = customer_with_identity(&r, RESELLER, "report.example").await;
    buy(&r, &c.name, "ws-business-starter-flexible", Some(3)).await;
    #[allow(deprecated)]
    let response = r
        .run_report_job(RunReportJobRequest {
            name: format!("{RESELLER}/reports/entitlements"),
            ..Default::default()
        })
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    let job = response.report_job.unwrap().name;
    #[allow(deprecated)]
    let rows = r
        .fetch_report_results(FetchReportResultsRequest {
            report_job: job,
            ..Default::default()
        })
        .collect_items()
        .await
        .unwrap();
    assert_eq!(
        rows.len() as i64,
        response.report_metadata.unwrap().row_count
    );
    rows.len()
}
