//! The emulator's product catalog: what a reseller can buy, and the purchase
//! rules the engine enforces on it.
//!
//! Everything here is fixed data built the same way on every call, so listings
//! and test expectations never drift. Product and SKU names follow Google's
//! public marketing names; prices are the emulator's own USD list prices.

use channel_types::model::{
    BillableSku, Constraints, CustomerConstraints, MarketingInfo, Offer, ParameterDefinition,
    PaymentPlan, PaymentType, Period, PeriodType, Plan, Price, PriceByResource, Product,
    ResourceType, Sku, Value, cloud_identity_info::CustomerType,
    parameter_definition::ParameterType, value::Kind,
};
use channel_types::r#type::Money;
use channel_types::wkt::Timestamp;

/// Resource name of the Google Workspace product.
const WORKSPACE: &str = "products/google-workspace";
/// Resource name of the Google Cloud product.
const CLOUD: &str = "products/google-cloud";
/// Resource name of the Chrome Enterprise product.
const CHROME: &str = "products/chrome-enterprise";
/// Resource name of the Google Maps Platform product.
const MAPS: &str = "products/google-maps";

/// Family shared by the Workspace editions; a customer holds at most one.
const WORKSPACE_BASE: &str = "workspace-base";

/// Name of the seat-count parameter of seat-based offers.
const NUM_UNITS: &str = "num_units";

/// Name of the optional cap on assignable units of flexible and trial offers.
const MAX_UNITS: &str = "max_units";

/// When every offer became available: 2024-01-01T00:00:00Z.
const OFFERS_START: Timestamp = Timestamp {
    seconds: 1_704_067_200,
    nanos: 0,
};

/// Seats a Workspace trial may hold.
const TRIAL_MAX_UNITS: i64 = 10;

/// Everything a reseller can buy in the emulator.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Catalog {
    /// Products, in listing order.
    pub(crate) products: Vec<Product>,
    /// SKUs with their purchase rules, grouped by product in listing order.
    pub(crate) skus: Vec<CatalogSku>,
    /// Offers, grouped by product and SKU in listing order.
    pub(crate) offers: Vec<CatalogOffer>,
    /// SKU groups that repricing rules can target.
    pub(crate) sku_groups: Vec<CatalogSkuGroup>,
}

/// A SKU and the rules that govern buying and keeping it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct CatalogSku {
    /// The API's SKU, with its product filled in.
    pub(crate) sku: Sku,
    /// SKUs of one family exclude each other for a single customer.
    pub(crate) family: &'static str,
    /// Family of which the customer must already own a SKU (add-ons).
    pub(crate) requires_family: Option<&'static str>,
    /// Whether entitlements to this SKU refuse cancellation.
    pub(crate) cancel_forbidden: bool,
    /// Whether an entitlement to this SKU needs a billing account.
    pub(crate) needs_billing_account: bool,
    /// Product id reported in an entitlement's provisioned service.
    pub(crate) provisioned_product_id: &'static str,
    /// SKU id reported in an entitlement's provisioned service.
    pub(crate) provisioned_sku_id: &'static str,
}

/// An offer: one way of buying a SKU, with its plan, prices and parameters.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct CatalogOffer {
    /// Stable id, the last segment of `accounts/{account}/offers/{id}`.
    pub(crate) id: &'static str,
    /// Resource name of the SKU offered.
    pub(crate) sku: &'static str,
    /// Payment plan, payment type and billing cycles.
    pub(crate) plan: Plan,
    /// Display text of the offer.
    pub(crate) marketing_info: MarketingInfo,
    /// List prices, one per charged resource.
    pub(crate) price_by_resources: Vec<PriceByResource>,
    /// Parameters an entitlement to this offer takes.
    pub(crate) parameter_definitions: Vec<ParameterDefinition>,
    /// Which customers may buy the offer; empty lists allow everyone.
    pub(crate) constraints: Constraints,
}

/// A named set of SKUs, for repricing rules.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct CatalogSkuGroup {
    /// Stable id, the last segment of `accounts/{account}/skuGroups/{id}`.
    pub(crate) id: &'static str,
    /// Human-readable name of the group.
    pub(crate) display_name: &'static str,
    /// The SKUs in the group.
    pub(crate) billable_skus: Vec<BillableSku>,
}

impl Catalog {
    /// The emulator's catalog: Google Workspace, Google Cloud, Chrome
    /// Enterprise and Google Maps Platform.
    pub(crate) fn standard() -> Catalog {
        let mut catalog = Catalog {
            products: vec![
                product(
                    WORKSPACE,
                    "Google Workspace",
                    "Email, calendar, documents and meetings for organizations.",
                ),
                product(
                    CLOUD,
                    "Google Cloud",
                    "Compute, storage, data and AI services billed by usage.",
                ),
                product(
                    CHROME,
                    "Chrome Enterprise",
                    "Management of ChromeOS devices and Chrome browsers.",
                ),
                product(
                    MAPS,
                    "Google Maps Platform",
                    "Maps, routes and places APIs billed by usage.",
                ),
            ],
            skus: Vec::new(),
            offers: Vec::new(),
            sku_groups: Vec::new(),
        };
        catalog.add_workspace();
        catalog.add_cloud();
        catalog.add_chrome();
        catalog.add_maps();
        catalog.sku_groups = vec![
            catalog.group("google-workspace", "Google Workspace", &[WORKSPACE]),
            catalog.group("google-cloud", "Google Cloud", &[CLOUD, MAPS]),
            catalog.group("chrome-enterprise", "Chrome Enterprise", &[CHROME]),
        ];
        catalog
    }

    /// The product with this resource name.
    pub(crate) fn product(&self, name: &str) -> Option<&Product> {
        self.products.iter().find(|p| p.name == name)
    }

    /// The SKU with this resource name.
    pub(crate) fn sku(&self, name: &str) -> Option<&CatalogSku> {
        self.skus.iter().find(|s| s.sku.name == name)
    }

    /// The offer with this id.
    pub(crate) fn offer(&self, id: &str) -> Option<&CatalogOffer> {
        self.offers.iter().find(|o| o.id == id)
    }

    /// The offers of the SKU with this resource name, in listing order.
    pub(crate) fn offers_for_sku<'a>(
        &'a self,
        sku: &'a str,
    ) -> impl Iterator<Item = &'a CatalogOffer> + 'a {
        self.offers.iter().filter(move |o| o.sku == sku)
    }

    /// Adds a SKU of an already listed product.
    fn add_sku(&mut self, spec: SkuSpec) {
        let product = self
            .product(spec.product)
            .cloned()
            .unwrap_or_else(|| panic!("catalog product {} is missing", spec.product));
        self.skus.push(CatalogSku {
            sku: Sku {
                name: spec.name.to_owned(),
                marketing_info: Some(marketing(spec.display_name, spec.description)),
                product: Some(product),
            },
            family: spec.family,
            requires_family: spec.requires_family,
            cancel_forbidden: spec.cancel_forbidden,
            needs_billing_account: spec.needs_billing_account,
            provisioned_product_id: spec.provisioned_product_id,
            provisioned_sku_id: spec.provisioned_sku_id,
        });
    }

    /// The five Workspace editions with their three offers each, then the
    /// add-ons.
    fn add_workspace(&mut self) {
        for edition in WORKSPACE_EDITIONS {
            self.add_sku(SkuSpec {
                product: WORKSPACE,
                name: edition.sku,
                display_name: edition.display_name,
                description: edition.description,
                family: WORKSPACE_BASE,
                requires_family: None,
                cancel_forbidden: true,
                needs_billing_account: false,
                provisioned_product_id: "Google-Apps",
                provisioned_sku_id: edition.provisioned_sku_id,
            });
            let [flexible, annual, trial] = edition.offer_ids;
            self.offers.push(flexible_offer(
                flexible,
                edition.sku,
                edition.display_name,
                edition.monthly_cents,
                edition.max_units,
                ResourceType::Seat,
                domain_only(),
            ));
            self.offers.push(annual_offer(
                annual,
                edition.sku,
                edition.display_name,
                edition.yearly_cents,
                edition.max_units,
                domain_only(),
            ));
            self.offers
                .push(trial_offer(trial, edition.sku, edition.display_name));
        }

        let vault = "products/google-workspace/skus/google-vault";
        self.add_sku(SkuSpec {
            product: WORKSPACE,
            name: vault,
            display_name: "Google Vault",
            description: "Retention, eDiscovery and export for Workspace data.",
            family: "workspace-addon-vault",
            requires_family: Some(WORKSPACE_BASE),
            cancel_forbidden: false,
            needs_billing_account: false,
            provisioned_product_id: "Google-Vault",
            provisioned_sku_id: "Google-Vault",
        });
        self.offers.push(flexible_offer(
            "ws-vault-flexible",
            vault,
            "Google Vault",
            600,
            100_000,
            ResourceType::Seat,
            domain_only(),
        ));

        let drive = "products/google-workspace/skus/google-drive-storage";
        self.add_sku(SkuSpec {
            product: WORKSPACE,
            name: drive,
            display_name: "Google Drive storage",
            description: "Extra pooled Drive storage, sold in blocks of 1 TB.",
            family: "workspace-addon-drive",
            requires_family: Some(WORKSPACE_BASE),
            cancel_forbidden: false,
            needs_billing_account: false,
            provisioned_product_id: "Google-Drive-storage",
            provisioned_sku_id: "1010370001",
        });
        self.offers.push(flexible_offer(
            "ws-drive-storage-flexible",
            drive,
            "Google Drive storage",
            3_000,
            100,
            ResourceType::Subscription,
            domain_only(),
        ));
    }

    /// Google Cloud Platform, paid in arrears for usage.
    fn add_cloud(&mut self) {
        let sku = "products/google-cloud/skus/google-cloud-platform";
        self.add_sku(SkuSpec {
            product: CLOUD,
            name: sku,
            display_name: "Google Cloud Platform",
            description: "Access to every Google Cloud service, billed for usage.",
            family: "gcp",
            requires_family: None,
            cancel_forbidden: false,
            needs_billing_account: true,
            provisioned_product_id: "Google-Cloud-Platform",
            provisioned_sku_id: "1010400001",
        });
        self.offers.push(CatalogOffer {
            id: "gcp-usage",
            sku,
            plan: postpay_monthly(),
            marketing_info: marketing(
                "Google Cloud Platform (Pay as you go)",
                "Usage billed monthly at Google Cloud list prices.",
            ),
            price_by_resources: vec![usage_price("https://cloud.google.com/pricing")],
            parameter_definitions: vec![ParameterDefinition {
                name: "display_name".to_owned(),
                parameter_type: ParameterType::String as i32,
                min_value: None,
                max_value: None,
                allowed_values: Vec::new(),
                optional: true,
            }],
            constraints: any_customer(),
        });
    }

    /// Chrome Enterprise Upgrade, per device, monthly or annual.
    fn add_chrome(&mut self) {
        let sku = "products/chrome-enterprise/skus/chrome-enterprise-upgrade";
        let display_name = "Chrome Enterprise Upgrade";
        self.add_sku(SkuSpec {
            product: CHROME,
            name: sku,
            display_name,
            description: "Enterprise management for one ChromeOS device.",
            family: "chrome",
            requires_family: None,
            // CancelEntitlement's reference: only Workspace add-ons and
            // Google Cloud entitlements may be cancelled.
            cancel_forbidden: true,
            needs_billing_account: false,
            provisioned_product_id: "Google-Chrome-Device-Management",
            provisioned_sku_id: "Google-Chrome-Device-Management",
        });
        self.offers.push(flexible_offer(
            "chrome-upgrade-flexible",
            sku,
            display_name,
            600,
            50_000,
            ResourceType::Seat,
            domain_only(),
        ));
        self.offers.push(annual_offer(
            "chrome-upgrade-annual",
            sku,
            display_name,
            5_000,
            50_000,
            domain_only(),
        ));
    }

    /// Google Maps Platform, paid in arrears for usage.
    fn add_maps(&mut self) {
        let sku = "products/google-maps/skus/google-maps-platform";
        self.add_sku(SkuSpec {
            product: MAPS,
            name: sku,
            display_name: "Google Maps Platform",
            description: "Maps, Routes and Places APIs, billed for usage.",
            family: "maps",
            requires_family: None,
            // Not a Workspace add-on, not Google Cloud: see add_chrome.
            cancel_forbidden: true,
            needs_billing_account: false,
            provisioned_product_id: "Google-Maps-Platform",
            provisioned_sku_id: "1010410001",
        });
        self.offers.push(CatalogOffer {
            id: "maps-usage",
            sku,
            plan: postpay_monthly(),
            marketing_info: marketing(
                "Google Maps Platform (Pay as you go)",
                "Usage billed monthly at Google Maps Platform list prices.",
            ),
            price_by_resources: vec![usage_price("https://mapsplatform.google.com/pricing/")],
            parameter_definitions: Vec::new(),
            constraints: any_customer(),
        });
    }

    /// A SKU group holding every SKU of the given products.
    fn group(
        &self,
        id: &'static str,
        display_name: &'static str,
        products: &[&str],
    ) -> CatalogSkuGroup {
        let billable_skus = self
            .skus
            .iter()
            .filter_map(|s| {
                let product = s.sku.product.as_ref()?;
                if !products.contains(&product.name.as_str()) {
                    return None;
                }
                Some(BillableSku {
                    sku: s.sku.name.clone(),
                    sku_display_name: display_name_of(s.sku.marketing_info.as_ref()),
                    service: product.name.clone(),
                    service_display_name: display_name_of(product.marketing_info.as_ref()),
                })
            })
            .collect();
        CatalogSkuGroup {
            id,
            display_name,
            billable_skus,
        }
    }
}

impl CatalogOffer {
    /// The API's Offer as account `account` sees it, with the SKU and its
    /// product filled in from `catalog`.
    pub(crate) fn to_offer(&self, account: &str, catalog: &Catalog) -> Offer {
        Offer {
            name: format!("accounts/{account}/offers/{}", self.id),
            marketing_info: Some(self.marketing_info.clone()),
            sku: catalog.sku(self.sku).map(|s| s.sku.clone()),
            plan: Some(self.plan.clone()),
            constraints: Some(self.constraints.clone()),
            price_by_resources: self.price_by_resources.clone(),
            start_time: Some(OFFERS_START),
            end_time: None,
            parameter_definitions: self.parameter_definitions.clone(),
            deal_code: String::new(),
        }
    }
}

/// One Workspace edition: its SKU, offers and list prices.
struct Edition {
    /// Resource name of the SKU.
    sku: &'static str,
    /// Marketing name of the SKU.
    display_name: &'static str,
    /// One-line description of the SKU.
    description: &'static str,
    /// SKU id reported in the provisioned service.
    provisioned_sku_id: &'static str,
    /// Ids of the flexible, annual and trial offers, in that order.
    offer_ids: [&'static str; 3],
    /// Flexible price per seat per month, in US cents.
    monthly_cents: i64,
    /// Annual price per seat per year, in US cents.
    yearly_cents: i64,
    /// Most seats one entitlement may hold.
    max_units: i64,
}

/// The Workspace editions, cheapest first.
const WORKSPACE_EDITIONS: [Edition; 5] = [
    Edition {
        sku: "products/google-workspace/skus/business-starter",
        display_name: "Google Workspace Business Starter",
        description: "Custom email, 30 GB of storage per user and video meetings.",
        provisioned_sku_id: "1010020027",
        offer_ids: [
            "ws-business-starter-flexible",
            "ws-business-starter-annual",
            "ws-business-starter-trial",
        ],
        monthly_cents: 840,
        yearly_cents: 8_400,
        max_units: 300,
    },
    Edition {
        sku: "products/google-workspace/skus/business-standard",
        display_name: "Google Workspace Business Standard",
        description: "2 TB of storage per user, meeting recording and shared drives.",
        provisioned_sku_id: "1010020028",
        offer_ids: [
            "ws-business-standard-flexible",
            "ws-business-standard-annual",
            "ws-business-standard-trial",
        ],
        monthly_cents: 1_680,
        yearly_cents: 16_800,
        max_units: 300,
    },
    Edition {
        sku: "products/google-workspace/skus/business-plus",
        display_name: "Google Workspace Business Plus",
        description: "5 TB of storage per user, Vault and advanced endpoint management.",
        provisioned_sku_id: "1010020025",
        offer_ids: [
            "ws-business-plus-flexible",
            "ws-business-plus-annual",
            "ws-business-plus-trial",
        ],
        monthly_cents: 2_640,
        yearly_cents: 26_400,
        max_units: 300,
    },
    Edition {
        sku: "products/google-workspace/skus/enterprise-standard",
        display_name: "Google Workspace Enterprise Standard",
        description: "Pooled storage, data loss prevention and enterprise controls.",
        provisioned_sku_id: "1010020026",
        offer_ids: [
            "ws-enterprise-standard-flexible",
            "ws-enterprise-standard-annual",
            "ws-enterprise-standard-trial",
        ],
        monthly_cents: 2_760,
        yearly_cents: 27_600,
        max_units: 100_000,
    },
    Edition {
        sku: "products/google-workspace/skus/enterprise-plus",
        display_name: "Google Workspace Enterprise Plus",
        description: "Every Workspace feature, with client-side encryption and data regions.",
        provisioned_sku_id: "1010020020",
        offer_ids: [
            "ws-enterprise-plus-flexible",
            "ws-enterprise-plus-annual",
            "ws-enterprise-plus-trial",
        ],
        monthly_cents: 3_600,
        yearly_cents: 36_000,
        max_units: 100_000,
    },
];

/// The facts needed to list one SKU.
struct SkuSpec {
    /// Resource name of the SKU's product.
    product: &'static str,
    /// Resource name of the SKU.
    name: &'static str,
    /// Marketing name of the SKU.
    display_name: &'static str,
    /// One-line description of the SKU.
    description: &'static str,
    /// See [`CatalogSku::family`].
    family: &'static str,
    /// See [`CatalogSku::requires_family`].
    requires_family: Option<&'static str>,
    /// See [`CatalogSku::cancel_forbidden`].
    cancel_forbidden: bool,
    /// See [`CatalogSku::needs_billing_account`].
    needs_billing_account: bool,
    /// See [`CatalogSku::provisioned_product_id`].
    provisioned_product_id: &'static str,
    /// See [`CatalogSku::provisioned_sku_id`].
    provisioned_sku_id: &'static str,
}

/// Display text with no logo.
fn marketing(display_name: &str, description: &str) -> MarketingInfo {
    MarketingInfo {
        display_name: display_name.to_owned(),
        description: description.to_owned(),
        default_logo: None,
    }
}

/// The display name in optional marketing text, or an empty string.
fn display_name_of(info: Option<&MarketingInfo>) -> String {
    info.map(|m| m.display_name.clone()).unwrap_or_default()
}

/// A product.
fn product(name: &str, display_name: &str, description: &str) -> Product {
    Product {
        name: name.to_owned(),
        marketing_info: Some(marketing(display_name, description)),
    }
}

/// A period of `duration` units of `period_type`.
fn period(duration: i32, period_type: PeriodType) -> Period {
    Period {
        duration,
        period_type: period_type as i32,
    }
}

/// An amount in US dollars, given in cents.
fn usd(cents: i64) -> Money {
    Money {
        currency_code: "USD".to_owned(),
        units: cents / 100,
        // Always below 1e9, so the narrowing cannot lose anything.
        nanos: i32::try_from((cents % 100) * 10_000_000).unwrap_or_default(),
    }
}

/// A list price of `cents` per `resource_type` per `per` period, undiscounted.
fn list_price(resource_type: ResourceType, cents: i64, per: PeriodType) -> PriceByResource {
    PriceByResource {
        resource_type: resource_type as i32,
        price: Some(Price {
            base_price: Some(usd(cents)),
            discount: 0.0,
            effective_price: Some(usd(cents)),
            price_period: Some(period(1, per)),
            external_price_uri: String::new(),
            discount_components: Vec::new(),
        }),
        price_phases: Vec::new(),
    }
}

/// A usage price published on an external page.
fn usage_price(uri: &str) -> PriceByResource {
    PriceByResource {
        resource_type: ResourceType::IaasUsage as i32,
        price: Some(Price {
            base_price: None,
            discount: 0.0,
            effective_price: None,
            price_period: None,
            external_price_uri: uri.to_owned(),
            discount_components: Vec::new(),
        }),
        price_phases: Vec::new(),
    }
}

/// The required `num_units` parameter, between `min` and `max` inclusive.
fn num_units(min: i64, max: i64) -> ParameterDefinition {
    ParameterDefinition {
        name: NUM_UNITS.to_owned(),
        parameter_type: ParameterType::Int64 as i32,
        min_value: Some(Value {
            kind: Some(Kind::Int64Value(min)),
        }),
        max_value: Some(Value {
            kind: Some(Kind::Int64Value(max)),
        }),
        allowed_values: Vec::new(),
        optional: false,
    }
}

/// The optional `max_units` parameter: the reference lets flexible and
/// trial entitlements cap the units that may be assigned.
fn max_units_cap(max: i64) -> ParameterDefinition {
    ParameterDefinition {
        name: MAX_UNITS.to_owned(),
        optional: true,
        ..num_units(1, max)
    }
}

/// The parameters of a flexible or trial offer: the reference names
/// `max_units` as their input and `num_units` as the commitment of
/// commitment plans, so both are optional here (an entitlement bought with
/// neither has no cap but the offer's range).
fn uncommitted_units(max: i64) -> Vec<ParameterDefinition> {
    vec![
        ParameterDefinition {
            optional: true,
            ..num_units(1, max)
        },
        max_units_cap(max),
    ]
}

/// Constraints limiting an offer to the given customer types, in any region.
fn customer_types(types: &[CustomerType]) -> Constraints {
    Constraints {
        customer_constraints: Some(CustomerConstraints {
            allowed_regions: Vec::new(),
            allowed_customer_types: types.iter().map(|t| *t as i32).collect(),
            promotional_order_types: Vec::new(),
        }),
    }
}

/// Only customers with their own domain.
fn domain_only() -> Constraints {
    customer_types(&[CustomerType::Domain])
}

/// Domain and team customers alike.
fn any_customer() -> Constraints {
    customer_types(&[CustomerType::Domain, CustomerType::Team])
}

/// A no-commitment plan billed monthly in arrears.
fn postpay_monthly() -> Plan {
    Plan {
        payment_plan: PaymentPlan::Flexible as i32,
        payment_type: PaymentType::Postpay as i32,
        payment_cycle: Some(period(1, PeriodType::Month)),
        trial_period: None,
        billing_account: String::new(),
    }
}

/// A monthly, postpaid offer priced per unit per month.
fn flexible_offer(
    id: &'static str,
    sku: &'static str,
    sku_display_name: &str,
    monthly_cents: i64,
    max_units: i64,
    resource_type: ResourceType,
    constraints: Constraints,
) -> CatalogOffer {
    CatalogOffer {
        id,
        sku,
        plan: postpay_monthly(),
        marketing_info: marketing(
            &format!("{sku_display_name} (Flexible Plan)"),
            "No commitment; add or remove units at any time, billed monthly.",
        ),
        price_by_resources: vec![list_price(resource_type, monthly_cents, PeriodType::Month)],
        parameter_definitions: uncommitted_units(max_units),
        constraints,
    }
}

/// A one-year commitment, prepaid yearly, priced per seat per year.
fn annual_offer(
    id: &'static str,
    sku: &'static str,
    sku_display_name: &str,
    yearly_cents: i64,
    max_units: i64,
    constraints: Constraints,
) -> CatalogOffer {
    CatalogOffer {
        id,
        sku,
        plan: Plan {
            payment_plan: PaymentPlan::Commitment as i32,
            payment_type: PaymentType::Prepay as i32,
            payment_cycle: Some(period(1, PeriodType::Year)),
            trial_period: None,
            billing_account: String::new(),
        },
        marketing_info: marketing(
            &format!("{sku_display_name} (Annual Plan)"),
            "A one-year commitment to a number of seats, paid yearly in advance.",
        ),
        price_by_resources: vec![list_price(
            ResourceType::Seat,
            yearly_cents,
            PeriodType::Year,
        )],
        parameter_definitions: vec![num_units(1, max_units)],
        constraints,
    }
}

/// A free 14-day trial of a Workspace edition.
fn trial_offer(id: &'static str, sku: &'static str, sku_display_name: &str) -> CatalogOffer {
    CatalogOffer {
        id,
        sku,
        plan: Plan {
            payment_plan: PaymentPlan::Trial as i32,
            payment_type: PaymentType::Postpay as i32,
            payment_cycle: None,
            trial_period: Some(period(14, PeriodType::Day)),
            billing_account: String::new(),
        },
        marketing_info: marketing(
            &format!("{sku_display_name} (Free Trial)"),
            "Free for 14 days, for up to 10 users.",
        ),
        price_by_resources: vec![list_price(ResourceType::Seat, 0, PeriodType::Month)],
        parameter_definitions: uncommitted_units(TRIAL_MAX_UNITS),
        constraints: domain_only(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn plan_of(offer: &CatalogOffer) -> PaymentPlan {
        PaymentPlan::try_from(offer.plan.payment_plan).expect("known payment plan")
    }

    fn int(value: Option<&Value>) -> Option<i64> {
        match value?.kind {
            Some(Kind::Int64Value(v)) => Some(v),
            _ => None,
        }
    }

    fn units_range(offer: &Offer) -> Option<(i64, i64)> {
        let def = offer
            .parameter_definitions
            .iter()
            .find(|d| d.name == NUM_UNITS)?;
        assert_eq!(def.parameter_type, ParameterType::Int64 as i32);
        Some((int(def.min_value.as_ref())?, int(def.max_value.as_ref())?))
    }

    fn base_skus(catalog: &Catalog) -> Vec<&CatalogSku> {
        catalog
            .skus
            .iter()
            .filter(|s| s.family == WORKSPACE_BASE)
            .collect()
    }

    #[test]
    fn every_offer_sku_is_listed_and_every_sku_product_is_listed() {
        let catalog = Catalog::standard();
        for offer in &catalog.offers {
            assert!(catalog.sku(offer.sku).is_some(), "{}", offer.id);
        }
        for sku in &catalog.skus {
            let product = sku.sku.product.as_ref().expect("sku has a product");
            assert_eq!(catalog.product(&product.name), Some(product));
            assert!(sku.sku.name.starts_with(&format!("{}/skus/", product.name)));
            assert_eq!(sku.sku.name.split('/').count(), 4);
        }
    }

    #[test]
    fn ids_and_names_are_unique() {
        let catalog = Catalog::standard();
        let products: HashSet<_> = catalog.products.iter().map(|p| &p.name).collect();
        assert_eq!(products.len(), catalog.products.len());
        let skus: HashSet<_> = catalog.skus.iter().map(|s| &s.sku.name).collect();
        assert_eq!(skus.len(), catalog.skus.len());
        let offers: HashSet<_> = catalog.offers.iter().map(|o| o.id).collect();
        assert_eq!(offers.len(), catalog.offers.len());
        let groups: HashSet<_> = catalog.sku_groups.iter().map(|g| g.id).collect();
        assert_eq!(groups.len(), catalog.sku_groups.len());
        for id in offers.iter().chain(groups.iter()) {
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{id}"
            );
        }
    }

    #[test]
    fn listing_is_grouped_by_product() {
        let catalog = Catalog::standard();
        let order: Vec<&str> = catalog.products.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(order, [WORKSPACE, CLOUD, CHROME, MAPS]);
        let rank = |name: &str| {
            order
                .iter()
                .position(|p| name.starts_with(&format!("{p}/")))
                .expect("listed product")
        };
        let sku_ranks: Vec<_> = catalog.skus.iter().map(|s| rank(&s.sku.name)).collect();
        assert!(sku_ranks.is_sorted());
        let offer_ranks: Vec<_> = catalog.offers.iter().map(|o| rank(o.sku)).collect();
        assert!(offer_ranks.is_sorted());
    }

    #[test]
    fn workspace_editions_have_flexible_annual_and_trial_offers() {
        let catalog = Catalog::standard();
        let bases = base_skus(&catalog);
        let names: Vec<_> = bases
            .iter()
            .map(|s| display_name_of(s.sku.marketing_info.as_ref()))
            .collect();
        assert_eq!(
            names,
            [
                "Google Workspace Business Starter",
                "Google Workspace Business Standard",
                "Google Workspace Business Plus",
                "Google Workspace Enterprise Standard",
                "Google Workspace Enterprise Plus",
            ]
        );
        for sku in bases {
            assert!(sku.cancel_forbidden);
            assert!(sku.requires_family.is_none());
            assert!(!sku.needs_billing_account);
            assert_eq!(sku.provisioned_product_id, "Google-Apps");
            let offers: Vec<_> = catalog.offers_for_sku(&sku.sku.name).collect();
            let plans: Vec<_> = offers.iter().map(|o| plan_of(o)).collect();
            assert_eq!(
                plans,
                [
                    PaymentPlan::Flexible,
                    PaymentPlan::Commitment,
                    PaymentPlan::Trial
                ],
                "{}",
                sku.sku.name
            );
            let [flexible, annual, trial] = offers[..] else {
                unreachable!()
            };

            assert_eq!(flexible.plan.payment_type, PaymentType::Postpay as i32);
            assert_eq!(
                flexible.plan.payment_cycle,
                Some(period(1, PeriodType::Month))
            );
            assert_eq!(annual.plan.payment_type, PaymentType::Prepay as i32);
            assert_eq!(annual.plan.payment_cycle, Some(period(1, PeriodType::Year)));
            assert_eq!(trial.plan.trial_period, Some(period(14, PeriodType::Day)));

            let seat_price = |o: &CatalogOffer, per: PeriodType| {
                let [p] = &o.price_by_resources[..] else {
                    panic!("{}: one price", o.id)
                };
                assert_eq!(p.resource_type, ResourceType::Seat as i32);
                let price = p.price.as_ref().expect("price");
                assert_eq!(price.price_period, Some(period(1, per)));
                assert_eq!(price.base_price, price.effective_price);
                let money = price.base_price.clone().expect("base price");
                assert_eq!(money.currency_code, "USD");
                assert!((0..1_000_000_000).contains(&money.nanos));
                money.units * 100 + i64::from(money.nanos / 10_000_000)
            };
            let monthly = seat_price(flexible, PeriodType::Month);
            let yearly = seat_price(annual, PeriodType::Year);
            assert_eq!(seat_price(trial, PeriodType::Month), 0);
            assert!(monthly > 0);
            assert!(
                yearly > monthly && yearly < 12 * monthly,
                "annual is cheaper"
            );
        }
    }

    #[test]
    fn flexible_and_trial_offers_take_an_optional_max_units() {
        let catalog = Catalog::standard();
        for offer in &catalog.offers {
            let cap = offer
                .parameter_definitions
                .iter()
                .find(|d| d.name == MAX_UNITS);
            let plan = plan_of(offer);
            let seats = offer
                .parameter_definitions
                .iter()
                .any(|d| d.name == NUM_UNITS);
            if matches!(plan, PaymentPlan::Flexible | PaymentPlan::Trial) && seats {
                assert!(cap.is_some_and(|d| d.optional), "{}", offer.id);
            } else {
                assert!(cap.is_none(), "{}", offer.id);
            }
        }
    }

    #[test]
    fn only_commitment_offers_require_num_units() {
        let catalog = Catalog::standard();
        let mut commitments = 0;
        for offer in &catalog.offers {
            let Some(seats) = offer
                .parameter_definitions
                .iter()
                .find(|d| d.name == NUM_UNITS)
            else {
                continue;
            };
            let committed = plan_of(offer) == PaymentPlan::Commitment;
            assert_eq!(seats.optional, !committed, "{}", offer.id);
            commitments += usize::from(committed);
        }
        assert!(commitments > 0);
    }

    #[test]
    fn workspace_seat_limits() {
        let catalog = Catalog::standard();
        let range = |id: &str| {
            units_range(&catalog.offer(id).expect("offer").to_offer("C01", &catalog))
                .expect("num_units")
        };
        assert_eq!(range("ws-business-starter-flexible"), (1, 300));
        assert_eq!(range("ws-business-plus-annual"), (1, 300));
        assert_eq!(range("ws-enterprise-standard-flexible"), (1, 100_000));
        assert_eq!(range("ws-enterprise-plus-annual"), (1, 100_000));
        assert_eq!(range("ws-business-standard-trial"), (1, TRIAL_MAX_UNITS));
        assert_eq!(range("chrome-upgrade-annual"), (1, 50_000));
    }

    #[test]
    fn add_ons_require_a_workspace_edition() {
        let catalog = Catalog::standard();
        let add_ons: Vec<_> = catalog
            .skus
            .iter()
            .filter(|s| s.family.starts_with("workspace-addon-"))
            .collect();
        let families: Vec<_> = add_ons.iter().map(|s| s.family).collect();
        assert_eq!(families, ["workspace-addon-vault", "workspace-addon-drive"]);
        for sku in add_ons {
            assert_eq!(sku.requires_family, Some(WORKSPACE_BASE));
            assert!(!sku.cancel_forbidden);
            let plans: Vec<_> = catalog.offers_for_sku(&sku.sku.name).map(plan_of).collect();
            assert_eq!(plans, [PaymentPlan::Flexible]);
        }
        // Only add-ons depend on another family, and only add-ons and
        // Google Cloud may be cancelled (CancelEntitlement's reference).
        for sku in &catalog.skus {
            assert_eq!(
                sku.requires_family.is_some(),
                sku.family.starts_with("workspace-addon-")
            );
            let cancellable = sku.family.starts_with("workspace-addon-") || sku.family == "gcp";
            assert_eq!(sku.cancel_forbidden, !cancellable, "{}", sku.sku.name);
        }
    }

    #[test]
    fn usage_products() {
        let catalog = Catalog::standard();
        let gcp = catalog
            .sku("products/google-cloud/skus/google-cloud-platform")
            .expect("gcp sku");
        assert_eq!(gcp.family, "gcp");
        assert!(gcp.needs_billing_account);
        assert_eq!(
            catalog
                .skus
                .iter()
                .filter(|s| s.needs_billing_account)
                .count(),
            1
        );
        for sku in [
            "products/google-cloud/skus/google-cloud-platform",
            "products/google-maps/skus/google-maps-platform",
        ] {
            let offers: Vec<_> = catalog.offers_for_sku(sku).collect();
            let [offer] = offers[..] else {
                panic!("{sku}: one offer")
            };
            assert_eq!(offer.plan.payment_type, PaymentType::Postpay as i32);
            let resources: Vec<_> = offer
                .price_by_resources
                .iter()
                .map(|p| p.resource_type)
                .collect();
            assert_eq!(resources, [ResourceType::IaasUsage as i32]);
            assert!(
                offer
                    .parameter_definitions
                    .iter()
                    .all(|d| d.name != NUM_UNITS)
            );
        }
        let chrome: Vec<_> = catalog
            .offers_for_sku("products/chrome-enterprise/skus/chrome-enterprise-upgrade")
            .map(plan_of)
            .collect();
        assert_eq!(chrome, [PaymentPlan::Flexible, PaymentPlan::Commitment]);
    }

    #[test]
    fn to_offer_for_an_account() {
        let catalog = Catalog::standard();
        let entry = catalog.offer("ws-business-standard-annual").expect("offer");
        let offer = entry.to_offer("C01", &catalog);
        assert_eq!(
            offer.name,
            "accounts/C01/offers/ws-business-standard-annual"
        );
        assert_eq!(
            offer
                .marketing_info
                .as_ref()
                .map(|m| m.display_name.as_str()),
            Some("Google Workspace Business Standard (Annual Plan)")
        );
        let sku = offer.sku.as_ref().expect("sku");
        assert_eq!(sku.name, "products/google-workspace/skus/business-standard");
        assert_eq!(
            display_name_of(sku.marketing_info.as_ref()),
            "Google Workspace Business Standard"
        );
        let product = sku.product.as_ref().expect("product");
        assert_eq!(product.name, WORKSPACE);
        assert_eq!(
            display_name_of(product.marketing_info.as_ref()),
            "Google Workspace"
        );
        assert_eq!(units_range(&offer), Some((1, 300)));
        assert_eq!(offer.plan.as_ref(), Some(&entry.plan));
        assert_eq!(offer.price_by_resources, entry.price_by_resources);
        assert_eq!(
            offer.constraints,
            Some(customer_types(&[CustomerType::Domain]))
        );
        assert_eq!(
            offer.start_time,
            Some(Timestamp {
                seconds: 1_704_067_200,
                nanos: 0
            })
        );
        assert_eq!(offer.end_time, None);

        for entry in &catalog.offers {
            let offer = entry.to_offer("C01", &catalog);
            assert_eq!(offer.name, format!("accounts/C01/offers/{}", entry.id));
            let sku_name =
                display_name_of(offer.sku.as_ref().and_then(|s| s.marketing_info.as_ref()));
            let offer_name = display_name_of(offer.marketing_info.as_ref());
            assert!(offer_name.starts_with(&sku_name), "{offer_name}");
            if entry.sku.starts_with(WORKSPACE) {
                let (min, max) = units_range(&offer).expect("num_units");
                assert!(1 <= min && min <= max, "{}", entry.id);
            }
        }
    }

    #[test]
    fn sku_groups_cover_every_sku_once() {
        let catalog = Catalog::standard();
        let mut seen = HashSet::new();
        for group in &catalog.sku_groups {
            assert!(!group.billable_skus.is_empty(), "{}", group.id);
            for billable in &group.billable_skus {
                let sku = catalog.sku(&billable.sku).expect("listed sku");
                assert_eq!(
                    billable.sku_display_name,
                    display_name_of(sku.sku.marketing_info.as_ref())
                );
                let product = catalog.product(&billable.service).expect("product");
                assert_eq!(
                    billable.service_display_name,
                    display_name_of(product.marketing_info.as_ref())
                );
                assert!(seen.insert(billable.sku.clone()), "{}", billable.sku);
            }
        }
        assert_eq!(seen.len(), catalog.skus.len());
        let names: Vec<_> = catalog.sku_groups.iter().map(|g| g.display_name).collect();
        assert!(names.contains(&"Google Workspace") && names.contains(&"Google Cloud"));
    }

    #[test]
    fn lookups_miss_unknown_names() {
        let catalog = Catalog::standard();
        assert!(catalog.product("products/unknown").is_none());
        assert!(
            catalog
                .sku("products/google-workspace/skus/unknown")
                .is_none()
        );
        assert!(catalog.offer("unknown").is_none());
        assert_eq!(catalog.offers_for_sku("products/unknown/skus/x").count(), 0);
    }

    #[test]
    fn money_in_cents() {
        assert_eq!(
            usd(840),
            Money {
                currency_code: "USD".to_owned(),
                units: 8,
                nanos: 400_000_000
            }
        );
        assert_eq!(usd(36_000).units, 360);
        assert_eq!(usd(36_000).nanos, 0);
        assert_eq!(usd(5).nanos, 50_000_000);
    }

    #[test]
    fn standard_is_deterministic() {
        let a = Catalog::standard();
        let b = Catalog::standard();
        assert_eq!(a, b);
        let offers =
            |c: &Catalog| -> Vec<Offer> { c.offers.iter().map(|o| o.to_offer("C01", c)).collect() };
        assert_eq!(offers(&a), offers(&b));
    }
}
