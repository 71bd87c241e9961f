//! The documented rules the emulator enforces, each checked over both wires
//! (REST and gRPC, with our clients against a running emulator), and the
//! system parameters of the REST front end. `FIDELITY.md` points here.

#![allow(deprecated)]

use std::sync::Arc;
use std::time::Duration;

mod support;
use support::http_call;

use channel_core::transport::Stubs;
use channel_core::{Client, ClientBuilder, Error, PollingPolicy, RetryPolicy};
use channel_grpc::GrpcTransport;
use channel_http::HttpTransport;
use channel_mock::{AccountConfig, AccountKind, Emulator, EmulatorConfig, EngineConfig};
use channel_types::longrunning::ListOperationsRequest;
use channel_types::model::list_purchasable_skus_request::change_offer_purchase::ChangeType;
use channel_types::model::list_purchasable_skus_request::{ChangeOfferPurchase, PurchaseOption};
use channel_types::model::repricing_config::{EntitlementGranularity, Granularity};
use channel_types::model::*;
use channel_types::rpc::Code;
use channel_types::r#type::{Date, Decimal, PostalAddress};
use channel_types::wkt::FieldMask;

const RESELLER: &str = "accounts/R1";
const DISTRIBUTOR: &str = "accounts/D1";

fn config() -> EmulatorConfig {
    EmulatorConfig {
        engine: EngineConfig {
            require_auth: true,
            operation_delay: Duration::ZERO,
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
        },
        ..EmulatorConfig::default()
    }
}

fn builder(token: &str) -> ClientBuilder {
    ClientBuilder::new()
        .default_header("authorization", format!("Bearer {token}"))
        .default_retry(RetryPolicy::none())
        .polling_policy(PollingPolicy::default().with_intervals(
            Duration::from_millis(5),
            1.0,
            Duration::from_millis(5),
        ))
}

/// One wire: its name and clients for the reseller and the distributor.
struct Wire {
    name: &'static str,
    reseller: Client,
    distributor: Client,
}

fn wires(emulator: &Emulator) -> Vec<Wire> {
    let http = |token: &str| {
        builder(token)
            .endpoint(emulator.http_endpoint())
            .build_with(HttpTransport::new)
            .unwrap()
    };
    let grpc = |token: &str| {
        builder(token)
            .endpoint(emulator.grpc_endpoint())
            .build_with(GrpcTransport::new)
            .unwrap()
    };
    vec![
        Wire {
            name: "rest",
            reseller: http("r1"),
            distributor: http("d1"),
        },
        Wire {
            name: "grpc",
            reseller: grpc("r1"),
            distributor: grpc("d1"),
        },
    ]
}

/// An in-process client, for setting the scene.
fn local(emulator: &Emulator, token: &str) -> Client {
    builder(token).build_with_stubs(Stubs::from_backend(Arc::new(emulator.engine().clone())))
}

/// Asserts a refusal with `code` and, when `field` is set, a `BadRequest`
/// violation of that field.
#[track_caller]
fn refused<T: std::fmt::Debug>(
    wire: &str,
    result: Result<T, Error>,
    code: Code,
    field: &str,
) -> Error {
    let error = result.expect_err(&format!("{wire}: expected {code:?} on {field}"));
    assert_eq!(error.code(), code, "{wire}: {error:?}");
    if !field.is_empty() {
        assert!(
            names_field(wire, &error, field),
            "{wire}: expected a violation of {field}: {error:?}"
        );
    }
    error
}

/// Whether `error` has a violation of `field`: by its proto name over gRPC,
/// by its JSON name over REST, as Google's servers name them (a refusal
/// of the client's own, before sending, names it as the request does).
fn names_field(wire: &str, error: &Error, field: &str) -> bool {
    let server_side = error.kind() != channel_core::ErrorKind::InvalidRequest;
    let expected = match wire {
        "rest" if server_side => channel_types::json_name(field),
        _ => field.to_string(),
    };
    error.field_violations().iter().any(|v| v.field == expected)
}

fn new_customer(parent: &str, domain: &str) -> CreateCustomerRequest {
    CreateCustomerRequest {
        parent: parent.into(),
        customer: Some(Customer {
            org_display_name: format!("{domain} Inc"),
            org_postal_address: Some(PostalAddress {
                region_code: "US".into(),
                ..Default::default()
            }),
            domain: domain.into(),
            ..Default::default()
        }),
    }
}

fn units(name: &str, n: i64) -> Parameter {
    Parameter {
        name: name.into(),
        value: Some(Value {
            kind: Some(value::Kind::Int64Value(n)),
        }),
        editable: false,
    }
}

async fn customer_with_identity(client: &Client, domain: &str) -> Customer {
    let created = client
        .create_customer(new_customer(RESELLER, domain))
        .await
        .unwrap();
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

async fn buy(client: &Client, customer: &str, offer: &str, seats: i64) -> Entitlement {
    client
        .create_entitlement(CreateEntitlementRequest {
            parent: customer.into(),
            entitlement: Some(Entitlement {
                offer: format!("{RESELLER}/offers/{offer}"),
                parameters: vec![units("num_units", seats)],
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

fn month_from_now(months: i32) -> Date {
    let now = channel_types::wkt::Timestamp::now().to_string();
    let year: i32 = now[..4].parse().unwrap();
    let month: i32 = now[5..7].parse().unwrap();
    let index = year * 12 + (month - 1) + months;
    Date {
        year: index / 12,
        month: index % 12 + 1,
        day: 0,
    }
}

fn repricing(entitlement: &str, month: Date, percentage: &str) -> RepricingConfig {
    RepricingConfig {
        effective_invoice_month: Some(month),
        adjustment: Some(RepricingAdjustment {
            adjustment: Some(repricing_adjustment::Adjustment::PercentageAdjustment(
                PercentageAdjustment {
                    percentage: Some(Decimal {
                        value: percentage.into(),
                    }),
                },
            )),
        }),
        rebilling_basis: RebillingBasis::CostAtList as i32,
        conditional_overrides: Vec::new(),
        granularity: Some(Granularity::EntitlementGranularity(
            EntitlementGranularity {
                entitlement: entitlement.into(),
            },
        )),
    }
}

fn domains(customers: &[Customer]) -> Vec<String> {
    let mut d: Vec<String> = customers.iter().map(|c| c.domain.clone()).collect();
    d.sort();
    d
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customer_filters_match_as_documented_and_bad_ones_say_where() {
    let emulator = Emulator::start(config()).await.unwrap();
    let setup = local(&emulator, "r1");
    for domain in [
        "a.example.com",
        "b.example.org",
        "acme.example",
        "other.example",
    ] {
        setup
            .create_customer(new_customer(RESELLER, domain))
            .await
            .unwrap();
    }
    for wire in wires(&emulator) {
        let list = |filter: &str| {
            wire.reseller.list_customers(ListCustomersRequest {
                parent: RESELLER.into(),
                filter: filter.into(),
                ..Default::default()
            })
        };
        let w = wire.name;
        let found = list(r#"domain = "a.example.com" OR domain = "b.example.org""#)
            .await
            .unwrap();
        assert_eq!(
            domains(&found.customers),
            ["a.example.com", "b.example.org"],
            "{w}"
        );
        let found = list(r#"domain : "acme*""#).await.unwrap();
        assert_eq!(domains(&found.customers), ["acme.example"], "{w}");
        let found = list(r#"domain = "A.Example.COM""#).await.unwrap();
        assert_eq!(domains(&found.customers), ["a.example.com"], "{w}: case");
        let found = list(r#"org_display_name : "b.example*" AND NOT domain = "x.example""#)
            .await
            .unwrap();
        assert_eq!(domains(&found.customers), ["b.example.org"], "{w}");
        let found = list(
            r#"domain = "a.example.com" OR (domain = "b.example.org" AND org_display_name = "b.example.org Inc")"#,
        )
        .await
        .unwrap();
        assert_eq!(found.customers.len(), 2, "{w}");

        let error = refused(
            w,
            list(r#"domain = "a.example.com" OR domain = "b.example.org" AND org_display_name = "x""#)
                .await,
            Code::InvalidArgument,
            "filter",
        );
        assert!(error.message().contains("character 53"), "{w}: {error:?}");
        let error = refused(
            w,
            list(r#"colour = "red""#).await,
            Code::InvalidArgument,
            "filter",
        );
        assert!(error.message().contains("character 0"), "{w}: {error:?}");
        refused(
            w,
            list(r#"cloud_identity_id : "C*""#).await,
            Code::InvalidArgument,
            "filter",
        );
        refused(
            w,
            list(r#"domain = "unclosed"#).await,
            Code::InvalidArgument,
            "filter",
        );
    }
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offer_filters_take_equality_and_inequality() {
    let emulator = Emulator::start(config()).await.unwrap();
    for wire in wires(&emulator) {
        let w = wire.name;
        let list = |filter: &str| {
            wire.reseller.list_offers(ListOffersRequest {
                parent: RESELLER.into(),
                filter: filter.into(),
                page_size: 1000,
                ..Default::default()
            })
        };
        let all = list("").await.unwrap().offers;
        let expected = all
            .iter()
            .filter(|o| {
                let sku = o.sku.as_ref().unwrap();
                sku.product.as_ref().unwrap().name == "products/google-workspace"
                    && sku.name != "products/google-workspace/skus/business-starter"
            })
            .count();
        let found = list("sku.product.name=products/google-workspace AND sku.name!=products/google-workspace/skus/business-starter")
            .await
            .unwrap()
            .offers;
        assert!(
            expected > 0 && found.len() == expected,
            "{w}: {}",
            found.len()
        );
        let either = list(
            r#"sku.name = "products/google-workspace/skus/business-starter" OR sku.name = "products/google-cloud/skus/google-cloud-platform""#,
        )
        .await
        .unwrap()
        .offers;
        assert_eq!(either.len(), 4, "{w}");
        refused(
            w,
            list("sku.name : \"x\"").await,
            Code::InvalidArgument,
            "filter",
        );
        refused(w, list("price = 1").await, Code::InvalidArgument, "filter");
    }
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn change_report_operation_and_repricing_filters() {
    let emulator = Emulator::start(config()).await.unwrap();
    let setup = local(&emulator, "r1");
    let customer = customer_with_identity(&setup, "filters.example").await;
    let e = buy(&setup, &customer.name, "ws-business-standard-flexible", 5).await;
    let other = customer_with_identity(&setup, "other-filters.example").await;
    let e2 = buy(&setup, &other.name, "ws-business-starter-flexible", 2).await;
    for (c, ent) in [(&customer, &e), (&other, &e2)] {
        setup
            .create_customer_repricing_config(CreateCustomerRepricingConfigRequest {
                parent: c.name.clone(),
                customer_repricing_config: Some(CustomerRepricingConfig {
                    repricing_config: Some(repricing(&ent.name, month_from_now(2), "-5")),
                    ..Default::default()
                }),
            })
            .await
            .unwrap();
    }
    let distributor = local(&emulator, "d1");
    let link = distributor
        .create_channel_partner_link(CreateChannelPartnerLinkRequest {
            parent: DISTRIBUTOR.into(),
            channel_partner_link: Some(ChannelPartnerLink {
                reseller_cloud_identity_id: "R1-identity".into(),
                link_state: ChannelPartnerLinkState::Invited as i32,
                ..Default::default()
            }),
        })
        .await
        .unwrap();
    distributor
        .create_channel_partner_repricing_config(CreateChannelPartnerRepricingConfigRequest {
            parent: link.name.clone(),
            channel_partner_repricing_config: Some(ChannelPartnerRepricingConfig {
                repricing_config: Some(RepricingConfig {
                    granularity: None,
                    ..repricing("", month_from_now(1), "3.5")
                }),
                ..Default::default()
            }),
        })
        .await
        .unwrap();

    for wire in wires(&emulator) {
        let w = wire.name;
        let changes = |filter: &str| {
            wire.reseller
                .list_entitlement_changes(ListEntitlementChangesRequest {
                    parent: format!("{}/entitlements/-", customer.name),
                    filter: filter.into(),
                    ..Default::default()
                })
        };
        let created = changes("change_type = CREATED").await.unwrap();
        assert_eq!(created.entitlement_changes.len(), 1, "{w}");
        let none = changes("change_type = SUSPENDED").await.unwrap();
        assert!(none.entitlement_changes.is_empty(), "{w}");
        refused(
            w,
            changes("change_type = BOGUS").await,
            Code::InvalidArgument,
            "filter",
        );

        let operations = |filter: &str| {
            wire.reseller.list_operations(ListOperationsRequest {
                name: "operations".into(),
                filter: filter.into(),
                ..Default::default()
            })
        };
        assert!(
            !operations("done = true")
                .await
                .unwrap()
                .operations
                .is_empty(),
            "{w}"
        );
        assert!(
            operations("done = false")
                .await
                .unwrap()
                .operations
                .is_empty(),
            "{w}"
        );
        refused(
            w,
            operations("done = maybe").await,
            Code::InvalidArgument,
            "filter",
        );

        let configs = |parent: String, filter: String| {
            wire.reseller
                .list_customer_repricing_configs(ListCustomerRepricingConfigsRequest {
                    parent,
                    filter,
                    ..Default::default()
                })
        };
        let all = format!("{RESELLER}/customers/-");
        let found = configs(
            all.clone(),
            format!(
                "customer = {} OR customer = {RESELLER}/customers/nobody",
                customer.name
            ),
        )
        .await
        .unwrap();
        assert_eq!(found.customer_repricing_configs.len(), 1, "{w}");
        let both = configs(
            all,
            format!("customer = {} OR customer = {}", customer.name, other.name),
        )
        .await
        .unwrap();
        assert_eq!(both.customer_repricing_configs.len(), 2, "{w}");
        refused(
            w,
            configs(
                customer.name.clone(),
                format!("customer = {}", customer.name),
            )
            .await,
            Code::InvalidArgument,
            "filter",
        );

        let partner = wire
            .distributor
            .list_channel_partner_repricing_configs(ListChannelPartnerRepricingConfigsRequest {
                parent: format!("{DISTRIBUTOR}/channelPartnerLinks/-"),
                filter: format!("channel_partner = {}", link.name),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(partner.channel_partner_repricing_configs.len(), 1, "{w}");

        let report = |filter: &str| {
            let client = wire.reseller.clone();
            let filter = filter.to_string();
            async move {
                client
                    .run_report_job(RunReportJobRequest {
                        name: format!("{RESELLER}/reports/entitlements"),
                        filter,
                        ..Default::default()
                    })
                    .await?
                    .wait()
                    .await
            }
        };
        let rows = |r: RunReportJobResponse| r.report_metadata.unwrap().row_count;
        assert_eq!(rows(report("num_units >= 5").await.unwrap()), 1, "{w}");
        assert_eq!(
            rows(report("num_units < 5 OR num_units > 100").await.unwrap()),
            1,
            "{w}"
        );
        refused(
            w,
            report("seats > 1").await,
            Code::InvalidArgument,
            "filter",
        );
    }
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_ids_and_purchase_order_ids_are_checked_before_any_change() {
    let emulator = Emulator::start(config()).await.unwrap();
    let setup = local(&emulator, "r1");
    let customer = customer_with_identity(&setup, "ids.example").await;
    let e = buy(&setup, &customer.name, "ws-business-standard-flexible", 5).await;
    for wire in wires(&emulator) {
        let w = wire.name;
        let change = |request_id: &str, purchase_order_id: String, seats: i64| {
            wire.reseller.change_parameters(ChangeParametersRequest {
                name: e.name.clone(),
                parameters: vec![units("num_units", seats)],
                request_id: request_id.into(),
                purchase_order_id,
            })
        };
        refused(
            w,
            change("not-a-uuid", String::new(), 6).await,
            Code::InvalidArgument,
            "request_id",
        );
        refused(
            w,
            change("00000000-0000-0000-0000-000000000000", String::new(), 6).await,
            Code::InvalidArgument,
            "request_id",
        );
        refused(
            w,
            change("", "p".repeat(81), 6).await,
            Code::InvalidArgument,
            "purchase_order_id",
        );
        let done = change("", "p".repeat(80), 7)
            .await
            .unwrap()
            .wait()
            .await
            .unwrap();
        assert_eq!(done.purchase_order_id.len(), 80, "{w}");
        refused(
            w,
            wire.reseller
                .change_parameters(ChangeParametersRequest {
                    name: e.name.clone(),
                    parameters: vec![units("num_units", 8), units("num_units", 9)],
                    ..Default::default()
                })
                .await,
            Code::InvalidArgument,
            "parameters[1]",
        );
        // Flexible offers take max_units as well as num_units.
        let capped = wire
            .reseller
            .change_parameters(ChangeParametersRequest {
                name: e.name.clone(),
                parameters: vec![units("max_units", 50)],
                ..Default::default()
            })
            .await
            .unwrap()
            .wait()
            .await
            .unwrap();
        assert!(
            capped.parameters.iter().any(|p| p.name == "max_units"),
            "{w}"
        );
        refused(
            w,
            wire.reseller
                .create_entitlement(CreateEntitlementRequest {
                    parent: customer.name.clone(),
                    entitlement: Some(Entitlement {
                        offer: format!("{RESELLER}/offers/ws-vault-flexible"),
                        parameters: vec![units("num_units", 1)],
                        purchase_order_id: "x".repeat(81),
                        ..Default::default()
                    }),
                    request_id: String::new(),
                })
                .await,
            Code::InvalidArgument,
            "entitlement.purchase_order_id",
        );
    }
    let changes = setup
        .list_entitlement_changes(ListEntitlementChangesRequest {
            parent: e.name.clone(),
            ..Default::default()
        })
        .collect_items()
        .await
        .unwrap();
    assert_eq!(
        changes.len(),
        5,
        "created, then per wire one seat change and one max_units change"
    );
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn domains_emails_and_update_masks_are_checked() {
    let emulator = Emulator::start(config()).await.unwrap();
    let setup = local(&emulator, "r1");
    let customer = setup
        .create_customer(new_customer(RESELLER, "mask.example"))
        .await
        .unwrap();
    let distributor = local(&emulator, "d1");
    for wire in wires(&emulator) {
        let w = wire.name;
        refused(
            w,
            wire.reseller
                .create_customer(new_customer(RESELLER, "not a domain"))
                .await,
            Code::InvalidArgument,
            "customer.domain",
        );
        let mut bad_email = new_customer(RESELLER, "email.example");
        bad_email.customer.as_mut().unwrap().primary_contact_info = Some(ContactInfo {
            email: "nobody at email.example".into(),
            ..Default::default()
        });
        refused(
            w,
            wire.reseller.create_customer(bad_email).await,
            Code::InvalidArgument,
            "customer.primary_contact_info.email",
        );
        let error = refused(
            w,
            wire.reseller
                .check_cloud_identity_accounts_exist(CheckCloudIdentityAccountsExistRequest {
                    parent: RESELLER.into(),
                    domain: "bad_domain".into(),
                    ..Default::default()
                })
                .await,
            Code::InvalidArgument,
            "domain",
        );
        assert_eq!(error.reason(), Some("INVALID_VALUE"), "{w}");
        refused(
            w,
            wire.reseller
                .provision_cloud_identity(ProvisionCloudIdentityRequest {
                    customer: customer.name.clone(),
                    user: Some(AdminUser {
                        email: "admin@".into(),
                        ..Default::default()
                    }),
                    ..Default::default()
                })
                .await,
            Code::InvalidArgument,
            "user.email",
        );

        let update = |path: &str| {
            wire.reseller.update_customer(UpdateCustomerRequest {
                customer: Some(Customer {
                    name: customer.name.clone(),
                    ..Default::default()
                }),
                update_mask: Some(FieldMask {
                    paths: vec![path.into()],
                }),
            })
        };
        refused(
            w,
            update("primary_contact_info.nonexistent").await,
            Code::InvalidArgument,
            "update_mask",
        );
        refused(
            w,
            update("bogus").await,
            Code::InvalidArgument,
            "update_mask",
        );
        let stored = wire
            .reseller
            .get_customer(GetCustomerRequest {
                name: customer.name.clone(),
            })
            .await
            .unwrap();
        assert!(
            stored.primary_contact_info.is_none(),
            "{w}: no empty sub-message"
        );

        let link = distributor
            .create_channel_partner_link(CreateChannelPartnerLinkRequest {
                parent: DISTRIBUTOR.into(),
                channel_partner_link: Some(ChannelPartnerLink {
                    reseller_cloud_identity_id: format!("{w}-reseller"),
                    link_state: ChannelPartnerLinkState::Invited as i32,
                    ..Default::default()
                }),
            })
            .await
            .unwrap();
        let update_link = |path: &str| {
            wire.distributor
                .update_channel_partner_link(UpdateChannelPartnerLinkRequest {
                    name: link.name.clone(),
                    channel_partner_link: Some(ChannelPartnerLink {
                        link_state: ChannelPartnerLinkState::Revoked as i32,
                        ..Default::default()
                    }),
                    update_mask: Some(FieldMask {
                        paths: vec![path.into()],
                    }),
                })
        };
        refused(
            w,
            update_link("bogus").await,
            Code::InvalidArgument,
            "update_mask",
        );
        for documented in [
            "public_id",
            "reseller_cloud_identity_id",
            "invite_link_uri",
            "name",
        ] {
            refused(
                w,
                update_link(documented).await,
                Code::InvalidArgument,
                "update_mask",
            );
        }
        let revoked = update_link("channel_partner_link.link_state")
            .await
            .unwrap();
        assert_eq!(
            revoked.link_state(),
            ChannelPartnerLinkState::Revoked,
            "{w}"
        );
    }
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repricing_months_and_percentages_are_checked() {
    let emulator = Emulator::start(config()).await.unwrap();
    let setup = local(&emulator, "r1");
    let customer = customer_with_identity(&setup, "repricing.example").await;
    let e = buy(&setup, &customer.name, "ws-business-standard-flexible", 5).await;
    let current = setup
        .create_customer_repricing_config(CreateCustomerRepricingConfigRequest {
            parent: customer.name.clone(),
            customer_repricing_config: Some(CustomerRepricingConfig {
                repricing_config: Some(repricing(&e.name, month_from_now(0), "1.00")),
                ..Default::default()
            }),
        })
        .await
        .unwrap();
    let future = setup
        .create_customer_repricing_config(CreateCustomerRepricingConfigRequest {
            parent: customer.name.clone(),
            customer_repricing_config: Some(CustomerRepricingConfig {
                repricing_config: Some(repricing(&e.name, month_from_now(3), "1.00")),
                ..Default::default()
            }),
        })
        .await
        .unwrap();
    let field = "customer_repricing_config.repricing_config";
    for wire in wires(&emulator) {
        let w = wire.name;
        let create = |config: RepricingConfig| {
            wire.reseller
                .create_customer_repricing_config(CreateCustomerRepricingConfigRequest {
                    parent: customer.name.clone(),
                    customer_repricing_config: Some(CustomerRepricingConfig {
                        repricing_config: Some(config),
                        ..Default::default()
                    }),
                })
        };
        let mut day = month_from_now(1);
        day.day = 15;
        refused(
            w,
            create(repricing(&e.name, day, "1")).await,
            Code::InvalidArgument,
            &format!("{field}.effective_invoice_month.day"),
        );
        refused(
            w,
            create(repricing(&e.name, month_from_now(-1), "1")).await,
            Code::InvalidArgument,
            &format!("{field}.effective_invoice_month"),
        );
        let percentage = format!("{field}.adjustment.percentage_adjustment.percentage");
        refused(
            w,
            create(repricing(&e.name, month_from_now(1), "five")).await,
            Code::InvalidArgument,
            &percentage,
        );
        refused(
            w,
            create(repricing(&e.name, month_from_now(1), "-150")).await,
            Code::InvalidArgument,
            &percentage,
        );
        let update = |name: &str, month: Date| {
            wire.reseller
                .update_customer_repricing_config(UpdateCustomerRepricingConfigRequest {
                    customer_repricing_config: Some(CustomerRepricingConfig {
                        name: name.into(),
                        repricing_config: Some(repricing(&e.name, month, "2")),
                        ..Default::default()
                    }),
                })
        };
        refused(
            w,
            update(&future.name, month_from_now(4)).await,
            Code::InvalidArgument,
            &format!("{field}.effective_invoice_month"),
        );
        refused(
            w,
            update(&current.name, month_from_now(0)).await,
            Code::InvalidArgument,
            &format!("{field}.effective_invoice_month"),
        );
        update(&future.name, month_from_now(3)).await.unwrap();
        refused(
            w,
            wire.reseller
                .delete_customer_repricing_config(DeleteCustomerRepricingConfigRequest {
                    name: current.name.clone(),
                })
                .await,
            Code::FailedPrecondition,
            "",
        );
    }
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn change_purchases_need_a_change_type_and_list_by_direction() {
    let emulator = Emulator::start(config()).await.unwrap();
    let setup = local(&emulator, "r1");
    let customer = customer_with_identity(&setup, "upgrade.example").await;
    let e = buy(&setup, &customer.name, "ws-business-standard-flexible", 5).await;
    for wire in wires(&emulator) {
        let w = wire.name;
        let list = |change_type: ChangeType| {
            wire.reseller
                .list_purchasable_skus(ListPurchasableSkusRequest {
                    customer: customer.name.clone(),
                    purchase_option: Some(PurchaseOption::ChangeOfferPurchase(
                        ChangeOfferPurchase {
                            entitlement: e.name.clone(),
                            change_type: change_type as i32,
                        },
                    )),
                    ..Default::default()
                })
        };
        let names = |r: ListPurchasableSkusResponse| -> Vec<String> {
            r.purchasable_skus
                .into_iter()
                .map(|s| s.sku.unwrap().name.rsplit('/').next().unwrap().to_string())
                .collect()
        };
        refused(
            w,
            list(ChangeType::Unspecified).await,
            Code::InvalidArgument,
            "change_offer_purchase.change_type",
        );
        assert_eq!(
            names(list(ChangeType::Upgrade).await.unwrap()),
            ["business-plus", "enterprise-standard", "enterprise-plus"],
            "{w}"
        );
        assert_eq!(
            names(list(ChangeType::Downgrade).await.unwrap()),
            ["business-starter"],
            "{w}"
        );
    }
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_very_long_name_gets_a_short_not_found_on_both_wires() {
    let emulator = Emulator::start(config()).await.unwrap();
    let name = format!("{RESELLER}/customers/{}", "x".repeat(8000));
    for wire in wires(&emulator) {
        let error = refused(
            wire.name,
            wire.reseller
                .get_customer(GetCustomerRequest { name: name.clone() })
                .await,
            Code::NotFound,
            "",
        );
        assert!(
            error.message().len() < 400,
            "{}: {}",
            wire.name,
            error.message().len()
        );
    }
    emulator.shutdown().await.unwrap();
}

/// Every enum value name of the API.
fn enum_value_names() -> std::collections::HashSet<String> {
    use prost::Message;
    let set = prost_types::FileDescriptorSet::decode(channel_types::FILE_DESCRIPTOR_SET).unwrap();
    let mut names = std::collections::HashSet::new();
    fn message(m: &prost_types::DescriptorProto, names: &mut std::collections::HashSet<String>) {
        for e in &m.enum_type {
            names.extend(e.value.iter().map(|v| v.name().to_string()));
        }
        for n in &m.nested_type {
            message(n, names);
        }
    }
    for file in &set.file {
        for e in &file.enum_type {
            names.extend(e.value.iter().map(|v| v.name().to_string()));
        }
        for m in &file.message_type {
            message(m, &mut names);
        }
    }
    names
}

fn strings(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        serde_json::Value::Object(members) => members.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

/// The same scene in an open-mode emulator: a customer with Cloud
/// Identity and an entitlement; returns the ids paths are built from.
async fn scene(emulator: &Emulator) -> Vec<(&'static str, String)> {
    let client = Client::new(Stubs::from_backend(Arc::new(emulator.engine().clone())));
    let customer = client
        .create_customer(new_customer("accounts/C0emulator", "scene.example"))
        .await
        .unwrap();
    client
        .provision_cloud_identity(ProvisionCloudIdentityRequest {
            customer: customer.name.clone(),
            user: Some(AdminUser {
                email: "admin@scene.example".into(),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap()
        .wait_with(&PollingPolicy::default().with_intervals(
            Duration::from_millis(5),
            1.0,
            Duration::from_millis(5),
        ))
        .await
        .unwrap();
    let id = |name: &str| name.rsplit('/').next().unwrap().to_string();
    vec![
        ("accounts", "C0emulator".into()),
        ("customers", id(&customer.name)),
        ("offers", "ws-business-starter-flexible".into()),
        ("products", "google-workspace".into()),
        ("skus", "business-starter".into()),
        ("skuGroups", "google-workspace".into()),
        ("reports", "entitlements".into()),
    ]
}

/// A concrete path for a binding's template, ids taken from the scene.
fn concrete_path(template: &str, ids: &[(&str, String)]) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').unwrap() + open;
        let variable = &rest[open + 1..close];
        let pattern = variable.split_once('=').map_or("*", |(_, p)| p);
        let mut previous = "";
        let segments: Vec<String> = pattern
            .split('/')
            .map(|segment| {
                let value = match segment {
                    "*" => ids
                        .iter()
                        .find(|(collection, _)| *collection == previous)
                        .map_or("x1".to_string(), |(_, id)| id.clone()),
                    "**" => "x1".to_string(),
                    literal => literal.to_string(),
                };
                previous = segment;
                value
            })
            .collect();
        out.push_str(&segments.join("/"));
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_enum_encoding_parameter_of_generated_rest_clients_works_on_every_method() {
    let open = || EmulatorConfig {
        engine: EngineConfig {
            operation_delay: Duration::ZERO,
            ..EngineConfig::default()
        },
        ..EmulatorConfig::default()
    };
    // Two emulators in the same state, sent the same calls: one plain, one
    // with the parameter. Answers must agree but for the enums' spelling.
    let plain = Emulator::start(open()).await.unwrap();
    let ints = Emulator::start(open()).await.unwrap();
    let ids = scene(&plain).await;
    assert_eq!(ids, scene(&ints).await);
    let enum_names = enum_value_names();
    let mut with_enums = 0;
    for method in channel_types::methods::ALL {
        let binding = &method.http[0];
        let path = concrete_path(binding.path, &ids);
        let body = if binding.body.is_some() { "{}" } else { "" };
        let verb = binding.verb.as_str();
        let (status, _, expected) = http_call(plain.http_addr(), verb, &path, "", body).await;
        let with = format!("{path}?$alt=json;enum-encoding=int");
        let (status_int, content_type, got) =
            http_call(ints.http_addr(), verb, &with, "", body).await;
        assert_eq!(status, status_int, "{}: {got}", method.name);
        assert!(!got.contains("$alt"), "{}: {got}", method.name);
        if status != 200 {
            continue;
        }
        assert!(
            content_type.starts_with("application/json"),
            "{}",
            method.name
        );
        let expected: serde_json::Value = serde_json::from_str(&expected).unwrap();
        let got: serde_json::Value = serde_json::from_str(&got).unwrap();
        let (mut before, mut after) = (Vec::new(), Vec::new());
        strings(&expected, &mut before);
        strings(&got, &mut after);
        let enums_before = before.iter().filter(|s| enum_names.contains(*s)).count();
        assert!(
            after.iter().all(|s| !enum_names.contains(s)),
            "{}: an enum is still a name: {got}",
            method.name
        );
        if enums_before > 0 {
            with_enums += 1;
            assert_eq!(after.len() + enums_before, before.len(), "{}", method.name);
        }
    }
    assert!(with_enums >= 5, "only {with_enums} answers carried enums");
    plain.shutdown().await.unwrap();
    ints.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partial_responses_pretty_printing_callbacks_and_query_tokens() {
    let emulator = Emulator::start(config()).await.unwrap();
    let setup = local(&emulator, "r1");
    setup
        .create_customer(new_customer(RESELLER, "fields.example"))
        .await
        .unwrap();
    let addr = emulator.http_addr();
    let auth = "Authorization: Bearer r1\r\n";
    let list = "/v1/accounts/R1/customers";

    let (status, _, body) = http_call(
        addr,
        "GET",
        &format!("{list}?fields=customers(domain,orgPostalAddress/regionCode)"),
        auth,
        "",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let value: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        value,
        serde_json::json!({"customers": [{"domain": "fields.example", "orgPostalAddress": {"regionCode": "US"}}]})
    );
    let (status, _, body) = http_call(
        addr,
        "GET",
        &format!("{list}?fields=customers(bogus)"),
        auth,
        "",
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("bogus"), "{body}");

    // Google's front end indents by default; prettyPrint=false is compact,
    // for answers and error envelopes alike.
    for query in ["", "?prettyPrint=true", "?prettyPrint=1"] {
        let (status, _, body) = http_call(addr, "GET", &format!("{list}{query}"), auth, "").await;
        assert_eq!(status, 200);
        assert!(body.starts_with("{\n  \""), "{query}: {body}");
    }
    let (status, _, body) =
        http_call(addr, "GET", &format!("{list}?prettyPrint=false"), auth, "").await;
    assert_eq!(status, 200);
    assert!(!body.contains('\n'), "{body}");
    let (status, _, body) = http_call(addr, "GET", &format!("{list}?pageSize=-1"), auth, "").await;
    assert_eq!(status, 400);
    assert!(body.starts_with("{\n  \"error\": {\n    \""), "{body}");
    let (status, _, body) = http_call(
        addr,
        "GET",
        &format!("{list}?pageSize=-1&prettyPrint=false"),
        auth,
        "",
    )
    .await;
    assert_eq!(status, 400);
    assert!(!body.contains('\n'), "{body}");

    let (status, content_type, body) =
        http_call(addr, "GET", &format!("{list}?callback=handle"), auth, "").await;
    assert_eq!(status, 200);
    assert!(
        content_type.starts_with("text/javascript"),
        "{content_type}"
    );
    assert!(body.contains("handle({") && body.ends_with(");"), "{body}");

    let (status, _, body) = http_call(
        addr,
        "GET",
        &format!(
            "{list}?key=k&quotaUser=u&$.xgafv=2&upload_protocol=raw&uploadType=media&alt=json"
        ),
        auth,
        "",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, _, body) =
        http_call(addr, "GET", &format!("{list}?access_token=r1"), "", "").await;
    assert_eq!(status, 200, "{body}");
    let (status, _, body) =
        http_call(addr, "GET", &format!("{list}?oauth_token=nope"), "", "").await;
    assert_eq!(status, 401, "{body}");

    let (status, _, body) = http_call(addr, "GET", &format!("{list}?bogus=1"), auth, "").await;
    assert_eq!(status, 400);
    assert!(body.contains("bogus"), "{body}");
    let (status, _, body) =
        http_call(addr, "GET", &format!("{list}?alt=json&$alt=json"), auth, "").await;
    assert_eq!(status, 400, "{body}");
    let (status, _, body) = http_call(
        addr,
        "GET",
        &format!("{list}?pageSize=1&pageSize=2"),
        auth,
        "",
    )
    .await;
    assert_eq!(status, 400, "the same parameter twice: {body}");
    emulator.shutdown().await.unwrap();
}

/// Checks one documented refusal: the code, and the field or the reason
/// when the reference names one.
#[track_caller]
fn documented(wire: &str, what: &str, result: Result<(), Error>, code: Code, detail: &str) {
    let error = result.expect_err(&format!("{wire}: {what} should be refused"));
    assert_eq!(error.code(), code, "{wire}: {what}: {error:?}");
    if !detail.is_empty() {
        let named = error.reason() == Some(detail) || names_field(wire, &error, detail);
        assert!(named, "{wire}: {what}: expected {detail}: {error:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_documented_refusals_of_each_method() {
    let emulator = Emulator::start(config()).await.unwrap();
    let setup = local(&emulator, "r1");
    let customer = customer_with_identity(&setup, "refusals.example").await;
    let e = buy(&setup, &customer.name, "ws-business-standard-flexible", 5).await;
    let other = customer_with_identity(&setup, "refusals-other.example").await;
    let other_e = buy(&setup, &other.name, "ws-business-starter-flexible", 1).await;
    let operations = setup
        .list_operations(ListOperationsRequest {
            name: "operations".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .operations;
    let operation = operations[0].name.clone();
    for wire in wires(&emulator) {
        let (w, r, d) = (wire.name, &wire.reseller, &wire.distributor);
        let link = d
            .create_channel_partner_link(CreateChannelPartnerLinkRequest {
                parent: DISTRIBUTOR.into(),
                channel_partner_link: Some(ChannelPartnerLink {
                    reseller_cloud_identity_id: format!("{w}-refusals"),
                    link_state: ChannelPartnerLinkState::Invited as i32,
                    ..Default::default()
                }),
            })
            .await
            .unwrap();
        documented(
            w,
            "a second link to the same reseller",
            d.create_channel_partner_link(CreateChannelPartnerLinkRequest {
                parent: DISTRIBUTOR.into(),
                channel_partner_link: Some(ChannelPartnerLink {
                    reseller_cloud_identity_id: format!("{w}-refusals"),
                    link_state: ChannelPartnerLinkState::Invited as i32,
                    ..Default::default()
                }),
            })
            .await
            .map(drop),
            Code::AlreadyExists,
            "",
        );
        for state in [
            ChannelPartnerLinkState::Active,
            ChannelPartnerLinkState::Suspended,
        ] {
            documented(
                w,
                "an invited link made active or suspended",
                d.update_channel_partner_link(UpdateChannelPartnerLinkRequest {
                    name: link.name.clone(),
                    channel_partner_link: Some(ChannelPartnerLink {
                        link_state: state as i32,
                        ..Default::default()
                    }),
                    update_mask: Some(FieldMask {
                        paths: vec!["link_state".into()],
                    }),
                })
                .await
                .map(drop),
                Code::InvalidArgument,
                "channel_partner_link.link_state",
            );
        }
        documented(
            w,
            "a reseller listing links",
            r.list_channel_partner_links(ListChannelPartnerLinksRequest {
                parent: RESELLER.into(),
                ..Default::default()
            })
            .await
            .map(drop),
            Code::PermissionDenied,
            "",
        );
        documented(
            w,
            "importing a customer that has Cloud Identity",
            r.import_customer(ImportCustomerRequest {
                parent: RESELLER.into(),
                customer_identity: Some(import_customer_request::CustomerIdentity::Domain(
                    "refusals.example".into(),
                )),
                ..Default::default()
            })
            .await
            .map(drop),
            Code::AlreadyExists,
            "CUSTOMER_ALREADY_EXISTS",
        );
        documented(
            w,
            "importing without an identity",
            r.import_customer(ImportCustomerRequest {
                parent: RESELLER.into(),
                ..Default::default()
            })
            .await
            .map(drop),
            Code::InvalidArgument,
            "customer_identity",
        );
        documented(
            w,
            "deleting a customer with entitlements",
            r.delete_customer(DeleteCustomerRequest {
                name: customer.name.clone(),
            })
            .await
            .map(drop),
            Code::FailedPrecondition,
            "",
        );
        documented(
            w,
            "changing to an offer of another product",
            r.change_offer(ChangeOfferRequest {
                name: e.name.clone(),
                offer: format!("{RESELLER}/offers/ws-vault-flexible"),
                parameters: vec![units("num_units", 5)],
                ..Default::default()
            })
            .await
            .map(drop),
            Code::InvalidArgument,
            "offer",
        );
        documented(
            w,
            "renewal settings of a flexible plan",
            r.change_renewal_settings(ChangeRenewalSettingsRequest {
                name: e.name.clone(),
                renewal_settings: Some(RenewalSettings::default()),
                request_id: String::new(),
            })
            .await
            .map(drop),
            Code::FailedPrecondition,
            "NOT_COMMITMENT_PLAN",
        );
        documented(
            w,
            "transferring another customer's entitlement to Google",
            r.transfer_entitlements_to_google(TransferEntitlementsToGoogleRequest {
                parent: customer.name.clone(),
                entitlements: vec![other_e.clone()],
                request_id: String::new(),
            })
            .await
            .map(drop),
            Code::NotFound,
            "",
        );
        documented(
            w,
            "transferable offers without a SKU",
            r.list_transferable_offers(ListTransferableOffersRequest {
                parent: RESELLER.into(),
                ..Default::default()
            })
            .await
            .map(drop),
            Code::InvalidArgument,
            "sku",
        );
        documented(
            w,
            "transferable offers of an unknown SKU",
            r.list_transferable_offers(ListTransferableOffersRequest {
                parent: RESELLER.into(),
                sku: "products/google-workspace/skus/nothing".into(),
                ..Default::default()
            })
            .await
            .map(drop),
            Code::NotFound,
            "",
        );
        documented(
            w,
            "purchasable offers without a purchase option",
            r.list_purchasable_offers(ListPurchasableOffersRequest {
                customer: customer.name.clone(),
                ..Default::default()
            })
            .await
            .map(drop),
            Code::InvalidArgument,
            "purchase_option",
        );
        documented(
            w,
            "billing accounts for no SKU",
            r.query_eligible_billing_accounts(QueryEligibleBillingAccountsRequest {
                customer: customer.name.clone(),
                skus: Vec::new(),
            })
            .await
            .map(drop),
            Code::InvalidArgument,
            "skus",
        );
        documented(
            w,
            "an unknown SKU group",
            r.list_sku_group_billable_skus(ListSkuGroupBillableSkusRequest {
                parent: format!("{RESELLER}/skuGroups/nothing"),
                ..Default::default()
            })
            .await
            .map(drop),
            Code::NotFound,
            "",
        );
        documented(
            w,
            "an unknown customer repricing config",
            r.get_customer_repricing_config(GetCustomerRepricingConfigRequest {
                name: format!("{}/customerRepricingConfigs/nothing", customer.name),
            })
            .await
            .map(drop),
            Code::NotFound,
            "",
        );
        documented(
            w,
            "an unknown report job",
            r.fetch_report_results(FetchReportResultsRequest {
                report_job: format!("{RESELLER}/reportJobs/nothing"),
                ..Default::default()
            })
            .await
            .map(drop),
            Code::NotFound,
            "",
        );
        documented(
            w,
            "unregistering an unknown subscriber",
            r.unregister_subscriber(UnregisterSubscriberRequest {
                account: RESELLER.into(),
                service_account: "nobody@project.iam.gserviceaccount.com".into(),
                ..Default::default()
            })
            .await
            .map(drop),
            Code::NotFound,
            "",
        );
        documented(
            w,
            "a missing entitlement",
            r.get_entitlement(GetEntitlementRequest {
                name: format!("{}/entitlements/nothing", customer.name),
            })
            .await
            .map(drop),
            Code::NotFound,
            "",
        );
        documented(
            w,
            "the offer of a missing entitlement",
            r.lookup_offer(LookupOfferRequest {
                entitlement: format!("{}/entitlements/nothing", customer.name),
            })
            .await
            .map(drop),
            Code::NotFound,
            "",
        );
        documented(
            w,
            "entitlements of a missing customer",
            r.list_entitlements(ListEntitlementsRequest {
                parent: format!("{RESELLER}/customers/nothing"),
                ..Default::default()
            })
            .await
            .map(drop),
            Code::NotFound,
            "",
        );
        documented(
            w,
            "Cloud Identity provisioned twice",
            r.provision_cloud_identity(ProvisionCloudIdentityRequest {
                customer: customer.name.clone(),
                user: Some(AdminUser {
                    email: "admin@refusals.example".into(),
                    ..Default::default()
                }),
                ..Default::default()
            })
            .await
            .map(drop),
            Code::AlreadyExists,
            "CLOUD_IDENTITY_ALREADY_PROVISIONED",
        );
        let fresh = r
            .create_customer(new_customer(RESELLER, &format!("{w}-fresh.example")))
            .await
            .unwrap();
        documented(
            w,
            "an admin outside the customer's domain",
            r.provision_cloud_identity(ProvisionCloudIdentityRequest {
                customer: fresh.name.clone(),
                user: Some(AdminUser {
                    email: "admin@elsewhere.example".into(),
                    ..Default::default()
                }),
                ..Default::default()
            })
            .await
            .map(drop),
            Code::InvalidArgument,
            "user.email",
        );
        documented(
            w,
            "a link without a reseller",
            d.create_channel_partner_link(CreateChannelPartnerLinkRequest {
                parent: DISTRIBUTOR.into(),
                channel_partner_link: Some(ChannelPartnerLink {
                    link_state: ChannelPartnerLinkState::Invited as i32,
                    ..Default::default()
                }),
            })
            .await
            .map(drop),
            Code::InvalidArgument,
            "channel_partner_link.reseller_cloud_identity_id",
        );
        documented(
            w,
            "a new link that is not INVITED",
            d.create_channel_partner_link(CreateChannelPartnerLinkRequest {
                parent: DISTRIBUTOR.into(),
                channel_partner_link: Some(ChannelPartnerLink {
                    reseller_cloud_identity_id: format!("{w}-active"),
                    link_state: ChannelPartnerLinkState::Active as i32,
                    ..Default::default()
                }),
            })
            .await
            .map(drop),
            Code::InvalidArgument,
            "channel_partner_link.link_state",
        );
        documented(
            w,
            "another account's products",
            r.list_products(ListProductsRequest {
                account: DISTRIBUTOR.into(),
                ..Default::default()
            })
            .await
            .map(drop),
            Code::PermissionDenied,
            "",
        );
        documented(
            w,
            "billing accounts for an unknown SKU",
            r.query_eligible_billing_accounts(QueryEligibleBillingAccountsRequest {
                customer: customer.name.clone(),
                skus: vec!["products/google-workspace/skus/nothing".into()],
            })
            .await
            .map(drop),
            Code::NotFound,
            "",
        );
        documented(
            w,
            "a subscriber that is not an email",
            r.register_subscriber(RegisterSubscriberRequest {
                account: RESELLER.into(),
                service_account: "not-an-email".into(),
                ..Default::default()
            })
            .await
            .map(drop),
            Code::InvalidArgument,
            "service_account",
        );
        documented(
            w,
            "importing a malformed domain",
            r.import_customer(ImportCustomerRequest {
                parent: RESELLER.into(),
                customer_identity: Some(import_customer_request::CustomerIdentity::Domain(
                    "not a domain".into(),
                )),
                ..Default::default()
            })
            .await
            .map(drop),
            Code::InvalidArgument,
            "domain",
        );
        documented(
            w,
            "importing by a malformed admin email",
            r.import_customer(ImportCustomerRequest {
                parent: RESELLER.into(),
                customer_identity: Some(
                    import_customer_request::CustomerIdentity::PrimaryAdminEmail("admin@".into()),
                ),
                ..Default::default()
            })
            .await
            .map(drop),
            Code::InvalidArgument,
            "primary_admin_email",
        );
        documented(
            w,
            "an 81-character purchase order on an offer change",
            r.change_offer(ChangeOfferRequest {
                name: e.name.clone(),
                offer: format!("{RESELLER}/offers/ws-business-standard-annual"),
                parameters: vec![units("num_units", 5)],
                purchase_order_id: "p".repeat(81),
                ..Default::default()
            })
            .await
            .map(drop),
            Code::InvalidArgument,
            "purchase_order_id",
        );
        documented(
            w,
            "purchasable offers of an unknown SKU",
            r.list_purchasable_offers(ListPurchasableOffersRequest {
                customer: customer.name.clone(),
                purchase_option: Some(
                    list_purchasable_offers_request::PurchaseOption::CreateEntitlementPurchase(
                        list_purchasable_offers_request::CreateEntitlementPurchase {
                            sku: "products/google-workspace/skus/nothing".into(),
                            ..Default::default()
                        },
                    ),
                ),
                ..Default::default()
            })
            .await
            .map(drop),
            Code::NotFound,
            "",
        );
        documented(
            w,
            "another account's SKUs",
            r.list_skus(ListSkusRequest {
                parent: "products/google-workspace".into(),
                account: DISTRIBUTOR.into(),
                ..Default::default()
            })
            .await
            .map(drop),
            Code::PermissionDenied,
            "",
        );
        // The second entitlement is a SKU the customer owns: nothing is
        // transferred, not even the first.
        let transfer = |offer: &str| Entitlement {
            offer: format!("{RESELLER}/offers/{offer}"),
            parameters: vec![units("num_units", 1)],
            ..Default::default()
        };
        documented(
            w,
            "a transfer naming a SKU the customer already has",
            r.transfer_entitlements(TransferEntitlementsRequest {
                parent: customer.name.clone(),
                entitlements: vec![
                    transfer("ws-vault-flexible"),
                    transfer("ws-business-standard-annual"),
                ],
                ..Default::default()
            })
            .await
            .map(drop),
            Code::AlreadyExists,
            "SKU_ALREADY_TRANSFERRED",
        );
        let owned = r
            .list_entitlements(ListEntitlementsRequest {
                parent: customer.name.clone(),
                ..Default::default()
            })
            .await
            .unwrap()
            .entitlements;
        assert_eq!(owned.len(), 1, "{w}: the vault entitlement was rolled back");
        documented(
            w,
            "another account's operation",
            d.get_operation(channel_types::longrunning::GetOperationRequest {
                name: operation.clone(),
            })
            .await
            .map(drop),
            Code::NotFound,
            "",
        );
    }
    emulator.shutdown().await.unwrap();
}

/// Buys `offer` for `customer` with exactly `parameters`.
async fn buy_with(
    client: &Client,
    customer: &str,
    offer: &str,
    parameters: Vec<Parameter>,
) -> Result<Entitlement, Error> {
    client
        .create_entitlement(CreateEntitlementRequest {
            parent: customer.into(),
            entitlement: Some(Entitlement {
                offer: format!("{RESELLER}/offers/{offer}"),
                parameters,
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await?
        .wait()
        .await
}

fn parameter_names(e: &Entitlement) -> Vec<&str> {
    let mut names: Vec<_> = e.parameters.iter().map(|p| p.name.as_str()).collect();
    names.sort_unstable();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flexible_and_trial_offers_are_bought_with_max_units_alone_and_commitments_need_num_units()
{
    let emulator = Emulator::start(config()).await.unwrap();
    let setup = local(&emulator, "r1");
    for wire in wires(&emulator) {
        let (w, r) = (wire.name, &wire.reseller);
        let customer = customer_with_identity(&setup, &format!("{w}-caps.example")).await;
        let trial = buy_with(
            r,
            &customer.name,
            "ws-business-starter-trial",
            vec![units("max_units", 5)],
        )
        .await
        .unwrap_or_else(|e| panic!("{w}: a trial with max_units alone: {e:?}"));
        // Sold by the seat: the output-only licenses assigned come with it.
        assert_eq!(
            parameter_names(&trial),
            ["assigned_units", "max_units"],
            "{w}"
        );
        let vault = buy_with(
            r,
            &customer.name,
            "ws-vault-flexible",
            vec![units("max_units", 3)],
        )
        .await
        .unwrap_or_else(|e| panic!("{w}: a flexible add-on with max_units alone: {e:?}"));
        assert_eq!(
            parameter_names(&vault),
            ["assigned_units", "max_units"],
            "{w}"
        );
        let drive = buy_with(r, &customer.name, "ws-drive-storage-flexible", Vec::new())
            .await
            .unwrap_or_else(|e| panic!("{w}: a flexible offer with no parameters: {e:?}"));
        assert!(drive.parameters.is_empty(), "{w}");

        // The cap bounds the licenses assigned, and can't go below them.
        let engine = emulator.engine();
        let over = engine.assign_licenses(&vault.name, 4).unwrap_err();
        assert!(over.message().contains("max_units (3)"), "{w}: {over:?}");
        engine.assign_licenses(&vault.name, 3).unwrap();
        let lowered = r
            .change_parameters(ChangeParametersRequest {
                name: vault.name.clone(),
                parameters: vec![units("max_units", 2)],
                ..Default::default()
            })
            .await;
        let error = refused(w, lowered, Code::InvalidArgument, "parameters");
        assert!(error.message().contains("max_units 2"), "{w}: {error:?}");
        let raised = r
            .change_parameters(ChangeParametersRequest {
                name: vault.name.clone(),
                parameters: vec![units("max_units", 30)],
                ..Default::default()
            })
            .await
            .unwrap()
            .wait()
            .await
            .unwrap();
        assert_eq!(
            parameter_names(&raised),
            ["assigned_units", "max_units"],
            "{w}"
        );
        engine.assign_licenses(&drive.name, 1_000).unwrap();

        // A commitment's seats are its commitment: required, and no cap.
        let committed = customer_with_identity(&setup, &format!("{w}-commit.example")).await;
        let annual = "ws-business-standard-annual";
        for (parameters, named) in [
            (Vec::new(), "\"num_units\" is required"),
            (vec![units("max_units", 5)], "no parameter \"max_units\""),
        ] {
            let error = refused(
                w,
                buy_with(r, &committed.name, annual, parameters).await,
                Code::InvalidArgument,
                "entitlement.parameters",
            );
            assert!(error.message().contains(named), "{w}: {error:?}");
        }
        let seats = buy_with(r, &committed.name, annual, vec![units("num_units", 5)])
            .await
            .unwrap();
        let assigned = seats
            .parameters
            .iter()
            .find(|p| p.name == "assigned_units")
            .unwrap_or_else(|| panic!("{w}: no assigned_units: {seats:?}"));
        assert_eq!(assigned.value, units("n", 0).value, "{w}");
        assert!(!assigned.editable, "{w}: output only");
        // Onto a commitment, a trial bought with max_units alone is asked
        // for its seats, not refused for the cap it had.
        let error = refused(
            w,
            r.change_offer(ChangeOfferRequest {
                name: trial.name.clone(),
                offer: format!("{RESELLER}/offers/{annual}"),
                ..Default::default()
            })
            .await,
            Code::InvalidArgument,
            "parameters",
        );
        assert!(
            error.message().contains("\"num_units\" is required"),
            "{w}: {error:?}"
        );
    }
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn channel_partner_links_show_cloud_identity_details_in_the_full_view_only() {
    let emulator = Emulator::start(config()).await.unwrap();
    for wire in wires(&emulator) {
        let (w, d) = (wire.name, &wire.distributor);
        let link = d
            .create_channel_partner_link(CreateChannelPartnerLinkRequest {
                parent: DISTRIBUTOR.into(),
                channel_partner_link: Some(ChannelPartnerLink {
                    reseller_cloud_identity_id: format!("{w}-views"),
                    link_state: ChannelPartnerLinkState::Invited as i32,
                    ..Default::default()
                }),
            })
            .await
            .unwrap();
        for view in [
            ChannelPartnerLinkView::Unspecified,
            ChannelPartnerLinkView::Basic,
            ChannelPartnerLinkView::Full,
        ] {
            let full = view == ChannelPartnerLinkView::Full;
            let got = d
                .get_channel_partner_link(GetChannelPartnerLinkRequest {
                    name: link.name.clone(),
                    view: view as i32,
                })
                .await
                .unwrap();
            assert_eq!(
                got.channel_partner_cloud_identity_info.is_some(),
                full,
                "{w}: get, {view:?}"
            );
            let listed = d
                .list_channel_partner_links(ListChannelPartnerLinksRequest {
                    parent: DISTRIBUTOR.into(),
                    view: view as i32,
                    ..Default::default()
                })
                .collect_items()
                .await
                .unwrap();
            let ours = listed
                .iter()
                .find(|l| l.name == link.name)
                .expect("the link is listed");
            assert_eq!(
                ours.channel_partner_cloud_identity_info.is_some(),
                full,
                "{w}: list, {view:?}"
            );
            assert_eq!(
                ours.reseller_cloud_identity_id,
                link.reseller_cloud_identity_id
            );
        }
    }
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lone_wildcard_update_mask_replaces_the_whole_resource_on_both_wires() {
    let emulator = Emulator::start(config()).await.unwrap();
    let setup = local(&emulator, "r1");
    for wire in wires(&emulator) {
        let (w, r, d) = (wire.name, &wire.reseller, &wire.distributor);
        let mut customer = setup
            .create_customer(new_customer(RESELLER, &format!("{w}-star.example")))
            .await
            .unwrap();
        customer.correlation_id = "kept-before".into();
        customer = setup
            .update_customer(UpdateCustomerRequest {
                customer: Some(customer),
                update_mask: Some(FieldMask {
                    paths: vec!["correlation_id".into()],
                }),
            })
            .await
            .unwrap();
        assert_eq!(customer.correlation_id, "kept-before", "{w}");

        // `*` alone: every changeable field takes the request's value, and
        // one the request leaves out is cleared.
        let mut replacement = customer.clone();
        replacement.org_display_name = format!("{w} Renamed");
        replacement.correlation_id = String::new();
        let replaced = r
            .update_customer(UpdateCustomerRequest {
                customer: Some(replacement.clone()),
                update_mask: Some(FieldMask {
                    paths: vec!["*".into()],
                }),
            })
            .await
            .unwrap_or_else(|e| panic!("{w}: a lone * mask: {e:?}"));
        assert_eq!(replaced.org_display_name, format!("{w} Renamed"), "{w}");
        assert_eq!(replaced.correlation_id, "", "{w}");
        assert_eq!(replaced.domain, customer.domain, "{w}");

        // Next to other paths, or clearing a required field, it is refused.
        refused(
            w,
            r.update_customer(UpdateCustomerRequest {
                customer: Some(replacement.clone()),
                update_mask: Some(FieldMask {
                    paths: vec!["*".into(), "correlation_id".into()],
                }),
            })
            .await,
            Code::InvalidArgument,
            "update_mask",
        );
        let mut nameless = replacement.clone();
        nameless.org_display_name = String::new();
        refused(
            w,
            r.update_customer(UpdateCustomerRequest {
                customer: Some(nameless),
                update_mask: Some(FieldMask {
                    paths: vec!["*".into()],
                }),
            })
            .await,
            Code::InvalidArgument,
            "customer.org_display_name",
        );

        // A link's only changeable field is its state.
        let link = d
            .create_channel_partner_link(CreateChannelPartnerLinkRequest {
                parent: DISTRIBUTOR.into(),
                channel_partner_link: Some(ChannelPartnerLink {
                    reseller_cloud_identity_id: format!("{w}-star"),
                    link_state: ChannelPartnerLinkState::Invited as i32,
                    ..Default::default()
                }),
            })
            .await
            .unwrap();
        let revoked = d
            .update_channel_partner_link(UpdateChannelPartnerLinkRequest {
                name: link.name.clone(),
                channel_partner_link: Some(ChannelPartnerLink {
                    link_state: ChannelPartnerLinkState::Revoked as i32,
                    ..link.clone()
                }),
                update_mask: Some(FieldMask {
                    paths: vec!["*".into()],
                }),
            })
            .await
            .unwrap_or_else(|e| panic!("{w}: a lone * mask on a link: {e:?}"));
        assert_eq!(
            revoked.link_state(),
            ChannelPartnerLinkState::Revoked,
            "{w}"
        );
    }
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jsonp_callbacks_wrap_errors_as_they_wrap_answers() {
    let emulator = Emulator::start(config()).await.unwrap();
    let addr = emulator.http_addr();
    let auth = "Authorization: Bearer r1\r\n";
    for (path, status) in [
        ("/v1/accounts/R1/customers?pageSize=-1&callback=handle", 400),
        ("/v1/accounts/R1/customers/nobody?callback=handle", 404),
        ("/v1/accounts/R1/nowhere?callback=handle", 404),
    ] {
        let (got, content_type, body) = http_call(addr, "GET", path, auth, "").await;
        assert_eq!(got, status, "{path}: {body}");
        assert!(
            content_type.starts_with("text/javascript"),
            "{path}: {content_type}"
        );
        let inner = body
            .strip_prefix("// API callback\nhandle(")
            .and_then(|b| b.strip_suffix(");"))
            .unwrap_or_else(|| panic!("{path}: not wrapped: {body}"));
        let envelope: serde_json::Value = serde_json::from_str(inner).unwrap();
        assert_eq!(envelope["error"]["code"], status, "{path}");
    }
    // A callback that is no JavaScript name is refused plainly.
    let (got, content_type, _) = http_call(
        addr,
        "GET",
        "/v1/accounts/R1/customers?callback=a(b)",
        auth,
        "",
    )
    .await;
    assert_eq!(got, 400);
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    emulator.shutdown().await.unwrap();
}

/// A REST call with a raw body and extra headers, through reqwest.
async fn raw_post(
    emulator: &Emulator,
    path: &str,
    content_encoding: &str,
    body: Vec<u8>,
) -> (u16, String) {
    let response = reqwest::Client::new()
        .post(format!("http://{}{path}", emulator.http_addr()))
        .header("authorization", "Bearer r1")
        .header("content-type", "application/json")
        .header("content-encoding", content_encoding)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

#[tokio::test]
async fn a_gzip_body_in_several_members_is_read_whole_and_trailing_bytes_are_refused() {
    let emulator = Emulator::start(config()).await.unwrap();
    let path = "/v1/accounts/R1/customers";
    let text = r#"{"orgDisplayName": "Streamed Inc", "orgPostalAddress": {"regionCode": "US"}, "domain": "streamed.example"}"#;
    // Two gzip members end to end are one gzip stream (RFC 1952 2.2), as a
    // compressor that flushes per chunk writes it.
    let (head, tail) = text.split_at(40);
    let mut members = gzip(head.as_bytes());
    members.extend(gzip(tail.as_bytes()));
    let (status, answer) = raw_post(&emulator, path, "gzip", members).await;
    assert_eq!(status, 200, "{answer}");
    let created: serde_json::Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(created["domain"], "streamed.example");

    // Bytes after the last member are no gzip data: refused naming the
    // header, and nothing is made.
    let mut trailing = gzip(text.replace("streamed", "trailing").as_bytes());
    trailing.extend_from_slice(b"not gzip");
    let (status, answer) = raw_post(&emulator, path, "gzip", trailing).await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer.contains("Content-Encoding"), "{answer}");
    let listed = local(&emulator, "r1")
        .list_customers(ListCustomersRequest {
            parent: RESELLER.into(),
            ..Default::default()
        })
        .collect_items()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gzip_compressed_request_body_is_read_like_a_plain_one() {
    let emulator = Emulator::start(config()).await.unwrap();
    let path = "/v1/accounts/R1/customers";
    let customer = serde_json::json!({
        "orgDisplayName": "Zipped Inc",
        "orgPostalAddress": {"regionCode": "US"},
        "domain": "zipped.example",
    });
    let body = serde_json::to_vec(&customer).unwrap();
    let (status, answer) = raw_post(&emulator, path, "gzip", gzip(&body)).await;
    assert_eq!(status, 200, "{answer}");
    let created: serde_json::Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(created["domain"], "zipped.example");

    // Data that is not gzip, or an encoding the front end does not take,
    // is refused naming the header; nothing is made.
    let (status, answer) = raw_post(&emulator, path, "gzip", body.clone()).await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer.contains("Content-Encoding"), "{answer}");
    let (status, answer) = raw_post(&emulator, path, "br", body).await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer.contains("Content-Encoding"), "{answer}");

    // What a body inflates to is bounded like the body itself.
    let limit = EmulatorConfig::default().limits.max_request_bytes;
    let bomb = gzip(&vec![b' '; limit + 1]);
    assert!(bomb.len() < limit);
    let (status, answer) = raw_post(&emulator, path, "gzip", bomb).await;
    assert_eq!(status, 413, "{answer}");

    let listed = local(&emulator, "r1")
        .list_customers(ListCustomersRequest {
            parent: RESELLER.into(),
            ..Default::default()
        })
        .collect_items()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_field_selection_is_refused_before_the_call_changes_anything() {
    let emulator = Emulator::start(config()).await.unwrap();
    let addr = emulator.http_addr();
    let auth = "Authorization: Bearer r1\r\n";
    let body = r#"{"orgDisplayName": "Fields Inc", "domain": "selection.example", "orgPostalAddress": {"regionCode": "US"}}"#;
    let (status, _, answer) = http_call(
        addr,
        "POST",
        "/v1/accounts/R1/customers?fields=bogus",
        auth,
        body,
    )
    .await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer.contains("bogus"), "{answer}");
    // Nothing was created: the refused request can be sent again, fixed.
    let listed = local(&emulator, "r1")
        .list_customers(ListCustomersRequest {
            parent: RESELLER.into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(listed.customers.is_empty(), "{listed:?}");
    let (status, _, answer) = http_call(
        addr,
        "POST",
        "/v1/accounts/R1/customers?fields=domain",
        auth,
        body,
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let value: serde_json::Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(value, serde_json::json!({"domain": "selection.example"}));
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_filters_compare_seats_as_numbers_and_an_entitlement_without_seats_matches_no_ordering()
 {
    let emulator = Emulator::start(config()).await.unwrap();
    let setup = local(&emulator, "r1");
    let customer = customer_with_identity(&setup, "seats.example").await;
    buy(&setup, &customer.name, "ws-business-standard-annual", 10).await;
    // A flexible entitlement bought with a cap alone has no seats: an empty
    // cell in the report.
    buy_with(
        &setup,
        &customer.name,
        "ws-vault-flexible",
        vec![units("max_units", 20)],
    )
    .await
    .unwrap();
    for wire in wires(&emulator) {
        let w = wire.name;
        let report = |filter: &str| {
            let client = wire.reseller.clone();
            let filter = filter.to_string();
            async move {
                client
                    .run_report_job(RunReportJobRequest {
                        name: format!("{RESELLER}/reports/entitlements"),
                        filter,
                        ..Default::default()
                    })
                    .await?
                    .wait()
                    .await
            }
        };
        let rows = |r: RunReportJobResponse| r.report_metadata.unwrap().row_count;
        assert_eq!(rows(report("").await.unwrap()), 2, "{w}");
        assert_eq!(rows(report("num_units = 10.0").await.unwrap()), 1, "{w}");
        assert_eq!(rows(report("num_units < 5").await.unwrap()), 0, "{w}");
        assert_eq!(rows(report("num_units != 10").await.unwrap()), 1, "{w}");
        for bad in ["num_units = NaN", "num_units > inf"] {
            refused(w, report(bad).await, Code::InvalidArgument, "filter");
        }
    }
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repricing_config_filters_join_parents_with_or_alone() {
    let emulator = Emulator::start(config()).await.unwrap();
    let setup = local(&emulator, "r1");
    let customer = customer_with_identity(&setup, "or-only.example").await;
    let other = format!("{RESELLER}/customers/other");
    for wire in wires(&emulator) {
        let w = wire.name;
        let configs = |filter: String| {
            wire.reseller
                .list_customer_repricing_configs(ListCustomerRepricingConfigsRequest {
                    parent: format!("{RESELLER}/customers/-"),
                    filter,
                    ..Default::default()
                })
        };
        configs(format!(
            "customer = {} OR customer = {other}",
            customer.name
        ))
        .await
        .unwrap();
        // An AND of two parents would always be an empty page.
        for filter in [
            format!("customer = {} AND customer = {other}", customer.name),
            format!("NOT customer = {}", customer.name),
            format!("-customer = {}", customer.name),
        ] {
            let error = refused(w, configs(filter).await, Code::InvalidArgument, "filter");
            assert!(error.message().contains("joined by OR"), "{w}: {error:?}");
        }
        let partners = wire
            .distributor
            .list_channel_partner_repricing_configs(ListChannelPartnerRepricingConfigsRequest {
                parent: format!("{DISTRIBUTOR}/channelPartnerLinks/-"),
                filter: format!(
                    "channel_partner = {DISTRIBUTOR}/channelPartnerLinks/a AND channel_partner = {DISTRIBUTOR}/channelPartnerLinks/b"
                ),
                ..Default::default()
            })
            .await;
        refused(w, partners, Code::InvalidArgument, "filter");
    }
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_percentage_past_what_a_number_holds_is_refused() {
    let emulator = Emulator::start(config()).await.unwrap();
    let setup = local(&emulator, "r1");
    let customer = customer_with_identity(&setup, "huge-percentage.example").await;
    let e = buy(&setup, &customer.name, "ws-business-standard-flexible", 5).await;
    let field =
        "customer_repricing_config.repricing_config.adjustment.percentage_adjustment.percentage";
    for wire in wires(&emulator) {
        for huge in ["1e999", "1e400"] {
            let result = wire
                .reseller
                .create_customer_repricing_config(CreateCustomerRepricingConfigRequest {
                    parent: customer.name.clone(),
                    customer_repricing_config: Some(CustomerRepricingConfig {
                        repricing_config: Some(repricing(&e.name, month_from_now(1), huge)),
                        ..Default::default()
                    }),
                })
                .await;
            refused(wire.name, result, Code::InvalidArgument, field);
        }
    }
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_type_the_enum_does_not_name_is_called_unknown_not_missing() {
    let emulator = Emulator::start(config()).await.unwrap();
    let setup = local(&emulator, "r1");
    let customer = customer_with_identity(&setup, "change-type.example").await;
    let e = buy(&setup, &customer.name, "ws-business-standard-flexible", 5).await;
    for wire in wires(&emulator) {
        let result = wire
            .reseller
            .list_purchasable_skus(ListPurchasableSkusRequest {
                customer: customer.name.clone(),
                purchase_option: Some(PurchaseOption::ChangeOfferPurchase(ChangeOfferPurchase {
                    entitlement: e.name.clone(),
                    change_type: 7,
                })),
                ..Default::default()
            })
            .await;
        let error = refused(
            wire.name,
            result,
            Code::InvalidArgument,
            "change_offer_purchase.change_type",
        );
        assert!(
            error.message().contains("7 is not a change type"),
            "{}: {error:?}",
            wire.name
        );
    }
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_mask_cannot_clear_a_required_field_of_a_customer() {
    let emulator = Emulator::start(config()).await.unwrap();
    let setup = local(&emulator, "r1");
    for wire in wires(&emulator) {
        let w = wire.name;
        let customer = setup
            .create_customer(new_customer(RESELLER, &format!("{w}-required.example")))
            .await
            .unwrap();
        let update = |path: &str| {
            wire.reseller.update_customer(UpdateCustomerRequest {
                customer: Some(Customer {
                    name: customer.name.clone(),
                    ..Default::default()
                }),
                update_mask: Some(FieldMask {
                    paths: vec![path.into()],
                }),
            })
        };
        for (path, field) in [
            ("org_display_name", "customer.org_display_name"),
            ("org_postal_address", "customer.org_postal_address"),
            (
                "org_postal_address.region_code",
                "customer.org_postal_address.region_code",
            ),
        ] {
            refused(w, update(path).await, Code::InvalidArgument, field);
        }
        // Refused updates changed nothing; an optional field still clears.
        let kept = update("correlation_id").await.unwrap();
        assert_eq!(kept.org_display_name, customer.org_display_name, "{w}");
        assert_eq!(kept.org_postal_address, customer.org_postal_address, "{w}");

        let mut no_region = new_customer(RESELLER, &format!("{w}-no-region.example"));
        no_region
            .customer
            .as_mut()
            .unwrap()
            .org_postal_address
            .as_mut()
            .unwrap()
            .region_code
            .clear();
        refused(
            w,
            wire.reseller.create_customer(no_region).await,
            Code::InvalidArgument,
            "customer.org_postal_address.region_code",
        );
    }
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checking_cloud_identity_accounts_refuses_a_malformed_admin_email() {
    let emulator = Emulator::start(config()).await.unwrap();
    for wire in wires(&emulator) {
        let check = |email: &str| {
            wire.reseller.check_cloud_identity_accounts_exist(
                CheckCloudIdentityAccountsExistRequest {
                    parent: RESELLER.into(),
                    domain: "admin-email.example".into(),
                    primary_admin_email: email.into(),
                },
            )
        };
        check("admin@admin-email.example").await.unwrap();
        refused(
            wire.name,
            check("not an email").await,
            Code::InvalidArgument,
            "primary_admin_email",
        );
    }
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seats_above_the_max_units_cap_of_a_flexible_offer_are_refused() {
    let emulator = Emulator::start(config()).await.unwrap();
    let setup = local(&emulator, "r1");
    for wire in wires(&emulator) {
        let (w, r) = (wire.name, &wire.reseller);
        let customer = customer_with_identity(&setup, &format!("{w}-over-cap.example")).await;
        let error = refused(
            w,
            buy_with(
                r,
                &customer.name,
                "ws-business-starter-flexible",
                vec![units("num_units", 10), units("max_units", 5)],
            )
            .await,
            Code::InvalidArgument,
            "entitlement.parameters",
        );
        assert!(error.message().contains("max_units = 5"), "{w}: {error:?}");
        let capped = buy_with(
            r,
            &customer.name,
            "ws-business-starter-flexible",
            vec![units("num_units", 5), units("max_units", 5)],
        )
        .await
        .unwrap();
        // Lowering the cap under the seats is refused the same way.
        let lowered = r
            .change_parameters(ChangeParametersRequest {
                name: capped.name.clone(),
                parameters: vec![units("max_units", 4)],
                ..Default::default()
            })
            .await;
        refused(w, lowered, Code::InvalidArgument, "parameters");
    }
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transfers_check_each_purchase_order_id_and_offer_changes_each_parameter_once() {
    let emulator = Emulator::start(config()).await.unwrap();
    let setup = local(&emulator, "r1");
    let customer = customer_with_identity(&setup, "transfer-po.example").await;
    let e = buy(&setup, &customer.name, "ws-business-standard-flexible", 5).await;
    for wire in wires(&emulator) {
        let w = wire.name;
        // 81 characters of two bytes each: the limit counts characters.
        let transfer = |purchase_order_id: String| {
            wire.reseller
                .transfer_entitlements(TransferEntitlementsRequest {
                    parent: customer.name.clone(),
                    entitlements: vec![Entitlement {
                        offer: format!("{RESELLER}/offers/ws-business-plus-flexible"),
                        purchase_order_id,
                        ..Default::default()
                    }],
                    ..Default::default()
                })
        };
        refused(
            w,
            transfer("é".repeat(81)).await,
            Code::InvalidArgument,
            "entitlements[0].purchase_order_id",
        );
        let changed = wire
            .reseller
            .change_offer(ChangeOfferRequest {
                name: e.name.clone(),
                offer: format!("{RESELLER}/offers/ws-business-plus-flexible"),
                parameters: vec![units("num_units", 5), units("num_units", 6)],
                ..Default::default()
            })
            .await;
        refused(w, changed, Code::InvalidArgument, "parameters[1]");
    }
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_decoding_errors_quote_a_short_prefix_of_what_they_refuse() {
    let emulator = Emulator::start(config()).await.unwrap();
    let addr = emulator.http_addr();
    let long = "q".repeat(6000);
    let list = "/v1/accounts/R1/customers?prettyPrint=false";
    let create = "/v1/accounts/R1/customers?prettyPrint=false";
    for (method, path, auth, body, what) in [
        (
            "GET",
            format!("{list}&{long}=1"),
            "r1",
            String::new(),
            "an unknown query parameter",
        ),
        (
            "GET",
            format!("{list}&{long}=1&{long}=2"),
            "r1",
            String::new(),
            "a parameter twice",
        ),
        (
            "GET",
            format!("{list}&pageSize={long}"),
            "r1",
            String::new(),
            "a page size that is no integer",
        ),
        (
            "GET",
            format!("/v1/accounts/D1/channelPartnerLinks?prettyPrint=false&view={long}"),
            "d1",
            String::new(),
            "an enum value the enum does not name",
        ),
        (
            "POST",
            create.to_string(),
            "r1",
            format!(r#"{{"{long}": 1}}"#),
            "an unknown member",
        ),
        (
            "POST",
            create.to_string(),
            "r1",
            format!(r#"{{"customerAttestationState": "{long}"}}"#),
            "an unknown enum name in the body",
        ),
    ] {
        let (status, _, answer) = http_call(
            addr,
            method,
            &path,
            &format!("Authorization: Bearer {auth}\r\n"),
            &body,
        )
        .await;
        assert_eq!(status, 400, "{what}: {answer}");
        assert!(answer.len() < 2_000, "{what}: {} bytes", answer.len());
        assert!(answer.contains("(6000 characters)"), "{what}: {answer}");
    }
    emulator.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_system_parameter_is_written_as_the_other_parameters_ask() {
    let emulator = Emulator::start(config()).await.unwrap();
    let addr = emulator.http_addr();
    let auth = "Authorization: Bearer r1\r\n";
    let list = "/v1/accounts/R1/customers";
    let (status, _, body) = http_call(
        addr,
        "GET",
        &format!("{list}?alt=JSON&prettyPrint=false"),
        auth,
        "",
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(!body.contains('\n'), "compact, as asked: {body}");
    assert!(body.contains("JSON"), "{body}");
    let (status, content_type, body) = http_call(
        addr,
        "GET",
        &format!("{list}?callback=handle&prettyPrint=maybe"),
        auth,
        "",
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        content_type.starts_with("text/javascript"),
        "{content_type}"
    );
    assert!(body.contains("handle({") && body.ends_with(");"), "{body}");
    emulator.shutdown().await.unwrap();
}

/// A customer repricing config request for `customer` with `config`.
fn new_customer_config(
    customer: &str,
    config: RepricingConfig,
) -> CreateCustomerRepricingConfigRequest {
    CreateCustomerRepricingConfigRequest {
        parent: customer.into(),
        customer_repricing_config: Some(CustomerRepricingConfig {
            repricing_config: Some(config),
            ..Default::default()
        }),
    }
}

// The reference of customerRepricingConfigs.create and
// channelPartnerRepricingConfigs.create: a future month takes no second
// config; the current month takes at most ten per entitlement, each
// different from the config in effect. Refusals are INVALID_ARGUMENT, the
// only code the reference lists for a request the rules refuse.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repricing_configs_take_one_per_future_month_and_ten_new_ones_in_the_current_month() {
    let emulator = Emulator::start(config()).await.unwrap();
    let setup = local(&emulator, "r1");
    let customer = customer_with_identity(&setup, "one-a-month.example").await;
    let e = buy(&setup, &customer.name, "ws-business-standard-flexible", 5).await;
    let vault = buy(&setup, &customer.name, "ws-vault-flexible", 5).await;
    let field = "customer_repricing_config.repricing_config";
    let month_field = format!("{field}.effective_invoice_month");
    setup
        .create_customer_repricing_config(new_customer_config(
            &customer.name,
            repricing(&e.name, month_from_now(2), "-5"),
        ))
        .await
        .unwrap();
    setup
        .create_customer_repricing_config(new_customer_config(
            &customer.name,
            repricing(&e.name, month_from_now(0), "1"),
        ))
        .await
        .unwrap();
    let distributor = local(&emulator, "d1");
    let link = distributor
        .create_channel_partner_link(CreateChannelPartnerLinkRequest {
            parent: DISTRIBUTOR.into(),
            channel_partner_link: Some(ChannelPartnerLink {
                reseller_cloud_identity_id: "one-a-month".into(),
                link_state: ChannelPartnerLinkState::Invited as i32,
                ..Default::default()
            }),
        })
        .await
        .unwrap();
    let partner_config = || CreateChannelPartnerRepricingConfigRequest {
        parent: link.name.clone(),
        channel_partner_repricing_config: Some(ChannelPartnerRepricingConfig {
            repricing_config: Some(RepricingConfig {
                granularity: None,
                ..repricing("", month_from_now(1), "3")
            }),
            ..Default::default()
        }),
    };
    distributor
        .create_channel_partner_repricing_config(partner_config())
        .await
        .unwrap();
    for wire in wires(&emulator) {
        let w = wire.name;
        refused(
            w,
            wire.reseller
                .create_customer_repricing_config(new_customer_config(
                    &customer.name,
                    repricing(&e.name, month_from_now(2), "-7"),
                ))
                .await,
            Code::InvalidArgument,
            &month_field,
        );
        refused(
            w,
            wire.distributor
                .create_channel_partner_repricing_config(partner_config())
                .await,
            Code::InvalidArgument,
            "channel_partner_repricing_config.repricing_config.effective_invoice_month",
        );
        refused(
            w,
            wire.reseller
                .create_customer_repricing_config(new_customer_config(
                    &customer.name,
                    repricing(&e.name, month_from_now(0), "1"),
                ))
                .await,
            Code::InvalidArgument,
            field,
        );
    }
    // Another entitlement of the same customer has months of its own.
    setup
        .create_customer_repricing_config(new_customer_config(
            &customer.name,
            repricing(&vault.name, month_from_now(2), "-5"),
        ))
        .await
        .unwrap();
    for n in 2..=10 {
        setup
            .create_customer_repricing_config(new_customer_config(
                &customer.name,
                repricing(&e.name, month_from_now(0), &n.to_string()),
            ))
            .await
            .unwrap();
    }
    for wire in wires(&emulator) {
        refused(
            wire.name,
            wire.reseller
                .create_customer_repricing_config(new_customer_config(
                    &customer.name,
                    repricing(&e.name, month_from_now(0), "11"),
                ))
                .await,
            Code::InvalidArgument,
            &month_field,
        );
    }
    emulator.shutdown().await.unwrap();
}

// ConditionalOverride.repricing_condition is REQUIRED in the contract.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conditional_override_without_its_condition_is_refused() {
    let emulator = Emulator::start(config()).await.unwrap();
    let setup = local(&emulator, "r1");
    let customer = customer_with_identity(&setup, "override.example").await;
    let e = buy(&setup, &customer.name, "ws-business-standard-flexible", 5).await;
    let with_override = |condition: Option<RepricingCondition>| {
        let mut config = repricing(&e.name, month_from_now(1), "2");
        config.conditional_overrides = vec![ConditionalOverride {
            adjustment: config.adjustment.clone(),
            rebilling_basis: RebillingBasis::DirectCustomerCost as i32,
            repricing_condition: condition,
        }];
        new_customer_config(&customer.name, config)
    };
    for wire in wires(&emulator) {
        refused(
            wire.name,
            wire.reseller
                .create_customer_repricing_config(with_override(None))
                .await,
            Code::InvalidArgument,
            "customer_repricing_config.repricing_config.conditional_overrides[0].repricing_condition",
        );
    }
    let condition = RepricingCondition {
        condition: Some(repricing_condition::Condition::SkuGroupCondition(
            SkuGroupCondition {
                sku_group: format!("{RESELLER}/skuGroups/workspace"),
            },
        )),
    };
    setup
        .create_customer_repricing_config(with_override(Some(condition)))
        .await
        .unwrap();
    emulator.shutdown().await.unwrap();
}

// ListPurchasableSkus and ListPurchasableOffers check the caller's access
// on `customer` (PERMISSION_DENIED when it is another reseller's): the
// entitlement of a change purchase must be that customer's, or the
// request is invalid and reads nothing of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_purchase_names_an_entitlement_of_the_customer_it_lists_for() {
    let emulator = Emulator::start(config()).await.unwrap();
    let setup = local(&emulator, "r1");
    let customer = customer_with_identity(&setup, "mine.example").await;
    let other = customer_with_identity(&setup, "theirs.example").await;
    let theirs = buy(&setup, &other.name, "ws-business-standard-flexible", 5).await;
    for wire in wires(&emulator) {
        let w = wire.name;
        refused(
            w,
            wire.reseller
                .list_purchasable_skus(ListPurchasableSkusRequest {
                    customer: customer.name.clone(),
                    purchase_option: Some(PurchaseOption::ChangeOfferPurchase(
                        ChangeOfferPurchase {
                            entitlement: theirs.name.clone(),
                            change_type: ChangeType::Upgrade as i32,
                        },
                    )),
                    ..Default::default()
                })
                .await,
            Code::InvalidArgument,
            "change_offer_purchase.entitlement",
        );
        refused(
            w,
            wire.reseller
                .list_purchasable_offers(ListPurchasableOffersRequest {
                    customer: customer.name.clone(),
                    purchase_option: Some(
                        list_purchasable_offers_request::PurchaseOption::ChangeOfferPurchase(
                            list_purchasable_offers_request::ChangeOfferPurchase {
                                entitlement: theirs.name.clone(),
                                ..Default::default()
                            },
                        ),
                    ),
                    ..Default::default()
                })
                .await,
            Code::InvalidArgument,
            "change_offer_purchase.entitlement",
        );
    }
    emulator.shutdown().await.unwrap();
}

// AIP-158: a page token continues the request it came from; with other
// request fields it is refused, not read as the start of another list.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_purchasable_offers_page_token_is_refused_for_another_sku() {
    let emulator = Emulator::start(config()).await.unwrap();
    let setup = local(&emulator, "r1");
    let customer = customer_with_identity(&setup, "token-scope.example").await;
    let request = |sku: &str, page_token: String| ListPurchasableOffersRequest {
        customer: customer.name.clone(),
        purchase_option: Some(
            list_purchasable_offers_request::PurchaseOption::CreateEntitlementPurchase(
                list_purchasable_offers_request::CreateEntitlementPurchase {
                    sku: format!("products/google-workspace/skus/{sku}"),
                    ..Default::default()
                },
            ),
        ),
        page_size: 1,
        page_token,
        ..Default::default()
    };
    for wire in wires(&emulator) {
        let first = wire
            .reseller
            .list_purchasable_offers(request("business-standard", String::new()))
            .await
            .unwrap();
        assert!(!first.next_page_token.is_empty(), "{}", wire.name);
        wire.reseller
            .list_purchasable_offers(request("business-standard", first.next_page_token.clone()))
            .await
            .unwrap();
        refused(
            wire.name,
            wire.reseller
                .list_purchasable_offers(request("business-plus", first.next_page_token))
                .await,
            Code::InvalidArgument,
            "page_token",
        );
    }
    emulator.shutdown().await.unwrap();
}

// ListChannelPartnerLinksRequest.page_size: 25 when unspecified, at most 200.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn channel_partner_links_list_twenty_five_to_a_page_unless_asked() {
    let emulator = Emulator::start(config()).await.unwrap();
    let distributor = local(&emulator, "d1");
    for i in 0..26 {
        distributor
            .create_channel_partner_link(CreateChannelPartnerLinkRequest {
                parent: DISTRIBUTOR.into(),
                channel_partner_link: Some(ChannelPartnerLink {
                    reseller_cloud_identity_id: format!("page-{i}"),
                    link_state: ChannelPartnerLinkState::Invited as i32,
                    ..Default::default()
                }),
            })
            .await
            .unwrap();
    }
    for wire in wires(&emulator) {
        let list = |page_size: i32| {
            wire.distributor
                .list_channel_partner_links(ListChannelPartnerLinksRequest {
                    parent: DISTRIBUTOR.into(),
                    page_size,
                    ..Default::default()
                })
        };
        let page = list(0).await.unwrap();
        assert_eq!(page.channel_partner_links.len(), 25, "{}", wire.name);
        assert!(!page.next_page_token.is_empty(), "{}", wire.name);
        assert_eq!(list(500).await.unwrap().channel_partner_links.len(), 26);
    }
    emulator.shutdown().await.unwrap();
}

// CancelEntitlement's reference (seeds/000): cancelling is for Google
// Workspace add-ons and Google Cloud entitlements only; anything else is
// DELETION_TYPE_NOT_ALLOWED.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_workspace_add_ons_and_google_cloud_entitlements_can_be_cancelled() {
    let emulator = Emulator::start(config()).await.unwrap();
    let setup = local(&emulator, "r1");
    let customer = customer_with_identity(&setup, "cancel-kinds.example").await;
    let chrome = buy_with(
        &setup,
        &customer.name,
        "chrome-upgrade-flexible",
        vec![units("max_units", 5)],
    )
    .await
    .unwrap();
    let maps = buy_with(&setup, &customer.name, "maps-usage", Vec::new())
        .await
        .unwrap();
    for wire in wires(&emulator) {
        for e in [&chrome, &maps] {
            documented(
                wire.name,
                &format!("cancelling {}", e.offer),
                wire.reseller
                    .cancel_entitlement(CancelEntitlementRequest {
                        name: e.name.clone(),
                        request_id: String::new(),
                    })
                    .await
                    .map(drop),
                Code::FailedPrecondition,
                "DELETION_TYPE_NOT_ALLOWED",
            );
        }
    }
    emulator.shutdown().await.unwrap();
}

// Update keeps Create's one config per entitlement and future month: moving
// a config onto an entitlement that has one for its month is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_cannot_move_a_repricing_config_onto_a_month_its_entitlement_has() {
    let emulator = Emulator::start(config()).await.unwrap();
    let setup = local(&emulator, "r1");
    let customer = customer_with_identity(&setup, "move-config.example").await;
    let e = buy(&setup, &customer.name, "ws-business-standard-flexible", 5).await;
    let vault = buy(&setup, &customer.name, "ws-vault-flexible", 5).await;
    for entitlement in [&e, &vault] {
        setup
            .create_customer_repricing_config(new_customer_config(
                &customer.name,
                repricing(&entitlement.name, month_from_now(2), "-5"),
            ))
            .await
            .unwrap();
    }
    let listed = setup
        .list_customer_repricing_configs(ListCustomerRepricingConfigsRequest {
            parent: customer.name.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .customer_repricing_configs;
    let of_vault = listed
        .iter()
        .find(|c| {
            matches!(
                c.repricing_config.as_ref().and_then(|r| r.granularity.as_ref()),
                Some(Granularity::EntitlementGranularity(g)) if g.entitlement == vault.name
            )
        })
        .unwrap();
    for wire in wires(&emulator) {
        let update = |entitlement: &str| {
            wire.reseller
                .update_customer_repricing_config(UpdateCustomerRepricingConfigRequest {
                    customer_repricing_config: Some(CustomerRepricingConfig {
                        name: of_vault.name.clone(),
                        repricing_config: Some(repricing(entitlement, month_from_now(2), "-6")),
                        ..Default::default()
                    }),
                })
        };
        refused(
            wire.name,
            update(&e.name).await,
            Code::InvalidArgument,
            "customer_repricing_config.repricing_config.effective_invoice_month",
        );
        update(&vault.name).await.unwrap();
    }
    emulator.shutdown().await.unwrap();
}

// The emulator's clock (moved ahead through the control surface) decides
// which months are past for repricing, as it does for trials and renewals.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repricing_months_are_judged_on_the_emulators_clock() {
    let emulator = Emulator::start(config()).await.unwrap();
    let setup = local(&emulator, "r1");
    let customer = customer_with_identity(&setup, "clock-month.example").await;
    let e = buy(&setup, &customer.name, "ws-business-standard-flexible", 5).await;
    // 45 days on: the emulator's month is at least the next one.
    emulator.engine().advance_clock(45 * 86_400).unwrap();
    for wire in wires(&emulator) {
        refused(
            wire.name,
            wire.reseller
                .create_customer_repricing_config(new_customer_config(
                    &customer.name,
                    repricing(&e.name, month_from_now(0), "1"),
                ))
                .await,
            Code::InvalidArgument,
            "customer_repricing_config.repricing_config.effective_invoice_month",
        );
    }
    emulator.shutdown().await.unwrap();
}

// A customer config reprices one of the customer's entitlements: a name
// under the customer that no entitlement has is refused, on create and on
// update.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repricing_config_of_an_entitlement_the_customer_lacks_is_refused() {
    let emulator = Emulator::start(config()).await.unwrap();
    let setup = local(&emulator, "r1");
    let customer = customer_with_identity(&setup, "no-such-entitlement.example").await;
    let e = buy(&setup, &customer.name, "ws-business-standard-flexible", 5).await;
    let missing = format!("{}/entitlements/nothing", customer.name);
    let stored = setup
        .create_customer_repricing_config(new_customer_config(
            &customer.name,
            repricing(&e.name, month_from_now(2), "-5"),
        ))
        .await
        .unwrap();
    let field = "customer_repricing_config.repricing_config.entitlement_granularity.entitlement";
    for wire in wires(&emulator) {
        refused(
            wire.name,
            wire.reseller
                .create_customer_repricing_config(new_customer_config(
                    &customer.name,
                    repricing(&missing, month_from_now(1), "-5"),
                ))
                .await,
            Code::InvalidArgument,
            field,
        );
        refused(
            wire.name,
            wire.reseller
                .update_customer_repricing_config(UpdateCustomerRepricingConfigRequest {
                    customer_repricing_config: Some(CustomerRepricingConfig {
                        name: stored.name.clone(),
                        repricing_config: Some(repricing(&missing, month_from_now(2), "-5")),
                        ..Default::default()
                    }),
                })
                .await,
            Code::InvalidArgument,
            field,
        );
    }
    emulator.shutdown().await.unwrap();
}

// RegisterSubscriber, UnregisterSubscriber and ListSubscribers take
// `account` or `integrator`: one is required, and the other left unset.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriber_calls_need_an_account_or_an_integrator_but_not_both() {
    let emulator = Emulator::start(config()).await.unwrap();
    let service_account = "events@project.iam.gserviceaccount.com";
    for wire in wires(&emulator) {
        let (w, r) = (wire.name, &wire.reseller);
        let register = |account: &str, integrator: Option<&str>| {
            r.register_subscriber(RegisterSubscriberRequest {
                account: account.into(),
                service_account: service_account.into(),
                integrator: integrator.map(str::to_string),
            })
        };
        refused(
            w,
            register("", None).await,
            Code::InvalidArgument,
            "account",
        );
        refused(
            w,
            register(RESELLER, Some("integrators/I1")).await,
            Code::InvalidArgument,
            "integrator",
        );
        refused(
            w,
            r.list_subscribers(ListSubscribersRequest::default()).await,
            Code::InvalidArgument,
            "account",
        );
        refused(
            w,
            r.unregister_subscriber(UnregisterSubscriberRequest {
                service_account: service_account.into(),
                ..Default::default()
            })
            .await,
            Code::InvalidArgument,
            "account",
        );
        register(RESELLER, None).await.unwrap();
    }
    emulator.shutdown().await.unwrap();
}
