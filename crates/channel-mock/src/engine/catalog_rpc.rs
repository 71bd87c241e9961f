//! The catalog as the API shows it: products, SKUs, offers, what a customer
//! may buy or transfer, SKU groups and eligible billing accounts.

use channel_core::Error;
use channel_types::model::list_purchasable_offers_request as offers_purchase;
use channel_types::model::list_purchasable_skus_request as skus_purchase;
use channel_types::model::list_purchasable_skus_request::change_offer_purchase::ChangeType;
use channel_types::model::{
    BillingAccount, BillingAccountPurchaseInfo, ListOffersRequest, ListOffersResponse,
    ListProductsRequest, ListProductsResponse, ListPurchasableOffersRequest,
    ListPurchasableOffersResponse, ListPurchasableSkusRequest, ListPurchasableSkusResponse,
    ListSkuGroupBillableSkusRequest, ListSkuGroupBillableSkusResponse, ListSkuGroupsRequest,
    ListSkuGroupsResponse, ListSkusRequest, ListSkusResponse, ListTransferableOffersRequest,
    ListTransferableOffersResponse, ListTransferableSkusRequest, ListTransferableSkusResponse,
    Offer, PurchasableOffer, PurchasableSku, QueryEligibleBillingAccountsRequest,
    QueryEligibleBillingAccountsResponse, SkuGroup, SkuPurchaseGroup, TransferEligibility,
    TransferableOffer, TransferableSku,
};
use channel_types::names::{AccountNameRef, EntitlementNameRef, ProductNameRef, SkuGroupNameRef};
use channel_types::wkt::Timestamp;

use super::customers::{check_customer_name, customer};
use super::errors::{invalid, not_found, require};
use super::filter::{EQUALITY, Filter, Key, ValueKind};
use super::paging::{PageLimits, page_size, page_vec};
use super::{Caller, Engine, world};
use crate::catalog::CatalogSku;

/// The fields ListOffers filters on, as documented, with `=` and `!=`.
const OFFER_FILTER: &[Key] = &[
    Key {
        name: "name",
        ops: EQUALITY,
        kind: ValueKind::Text { prefix: false },
    },
    Key {
        name: "sku.name",
        ops: EQUALITY,
        kind: ValueKind::Text { prefix: false },
    },
    Key {
        name: "sku.product.name",
        ops: EQUALITY,
        kind: ValueKind::Text { prefix: false },
    },
];

fn offer_field(offer: &Offer, field: &str) -> String {
    let sku = offer.sku.as_ref();
    match field {
        "name" => offer.name.clone(),
        "sku.name" => sku.map(|s| s.name.clone()).unwrap_or_default(),
        "sku.product.name" => sku
            .and_then(|s| s.product.as_ref())
            .map(|p| p.name.clone())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

const CATALOG_LIMITS: PageLimits = PageLimits {
    default: 100,
    max: 1000,
};

/// A change purchase names an entitlement of the request's customer: the
/// customer is what the caller's access was checked on, so an entitlement
/// of any other customer (or account) is an invalid argument, never read.
fn owned_entitlement(customer: &str, entitlement: &str) -> Result<(), Error> {
    let field = "change_offer_purchase.entitlement";
    let parsed =
        EntitlementNameRef::parse(entitlement).map_err(|e| invalid(field, e.to_string()))?;
    if parsed.parent().to_string() != customer {
        return Err(invalid(
            field,
            format!(
                "{} is not an entitlement of {customer}",
                super::validate::shorten(entitlement)
            ),
        ));
    }
    Ok(())
}

fn account_id<'a>(caller: &Caller, field: &str, account: &'a str) -> Result<&'a str, Error> {
    require(&[(field, account)])?;
    let parsed = AccountNameRef::parse(account).map_err(|e| invalid(field, e.to_string()))?;
    caller.check_account(parsed.account())?;
    Ok(parsed.account())
}

impl Engine {
    fn offers_page(
        &self,
        caller: &Caller,
        offers: Vec<Offer>,
        scope: &str,
        token: &str,
        size: i32,
    ) -> Result<(Vec<Offer>, String), Error> {
        let keyed: Vec<(String, Offer)> = offers.into_iter().map(|o| (o.name.clone(), o)).collect();
        page_vec(
            &keyed,
            self.inner.tokens,
            &format!("{scope}:{}", caller.account),
            token,
            page_size(size, CATALOG_LIMITS)?,
        )
    }

    fn default_billing_account(&self, caller: &Caller) -> BillingAccount {
        BillingAccount {
            name: format!(
                "{}/billingAccounts/{}-usd",
                caller.account_name(),
                caller.account.to_lowercase()
            ),
            display_name: "Emulator billing account (USD)".into(),
            create_time: Some(Timestamp {
                seconds: 1_704_067_200,
                nanos: 0,
            }),
            currency_code: "USD".into(),
            region_code: "US".into(),
        }
    }

    pub(super) fn list_products(
        &self,
        caller: &Caller,
        request: ListProductsRequest,
    ) -> Result<ListProductsResponse, Error> {
        account_id(caller, "account", &request.account)?;
        let keyed: Vec<_> = self
            .inner
            .catalog
            .products
            .iter()
            .map(|p| (p.name.clone(), p.clone()))
            .collect();
        let size = page_size(request.page_size, CATALOG_LIMITS)?;
        let (products, next_page_token) = page_vec(
            &keyed,
            self.inner.tokens,
            "products",
            &request.page_token,
            size,
        )?;
        Ok(ListProductsResponse {
            products,
            next_page_token,
        })
    }

    pub(super) fn list_skus(
        &self,
        caller: &Caller,
        request: ListSkusRequest,
    ) -> Result<ListSkusResponse, Error> {
        account_id(caller, "account", &request.account)?;
        require(&[("parent", &request.parent)])?;
        // `products/-` lists the SKUs of every product.
        let product = if request.parent == "products/-" {
            None
        } else {
            let p = ProductNameRef::parse(&request.parent)
                .map_err(|e| invalid("parent", e.to_string()))?;
            self.inner
                .catalog
                .product(&request.parent)
                .ok_or_else(|| not_found("product", &request.parent))?;
            Some(p.product().to_string())
        };
        let keyed: Vec<_> = self
            .inner
            .catalog
            .skus
            .iter()
            .filter(|s| {
                product
                    .as_deref()
                    .is_none_or(|p| s.sku.name.starts_with(&format!("products/{p}/")))
            })
            .map(|s| (s.sku.name.clone(), s.sku.clone()))
            .collect();
        let size = page_size(request.page_size, CATALOG_LIMITS)?;
        let (skus, next_page_token) = page_vec(
            &keyed,
            self.inner.tokens,
            &format!("skus:{}", request.parent),
            &request.page_token,
            size,
        )?;
        Ok(ListSkusResponse {
            skus,
            next_page_token,
        })
    }

    pub(super) fn list_offers(
        &self,
        caller: &Caller,
        request: ListOffersRequest,
    ) -> Result<ListOffersResponse, Error> {
        let account = account_id(caller, "parent", &request.parent)?;
        let filter = Filter::new(&request.filter, OFFER_FILTER)?;
        let catalog = &self.inner.catalog;
        let offers: Vec<Offer> = catalog
            .offers
            .iter()
            .map(|o| o.to_offer(account, catalog))
            .filter(|o| filter.matches(&|field| offer_field(o, field)))
            .collect();
        let size = page_size(
            request.page_size,
            PageLimits {
                default: 500,
                max: 1000,
            },
        )?;
        let keyed: Vec<_> = offers.into_iter().map(|o| (o.name.clone(), o)).collect();
        let (offers, next_page_token) = page_vec(
            &keyed,
            self.inner.tokens,
            &format!("offers:{account}:{}", request.filter),
            &request.page_token,
            size,
        )?;
        Ok(ListOffersResponse {
            offers,
            next_page_token,
        })
    }

    pub(super) fn list_purchasable_skus(
        &self,
        caller: &Caller,
        request: ListPurchasableSkusRequest,
    ) -> Result<ListPurchasableSkusResponse, Error> {
        check_customer_name(caller, "customer", &request.customer)?;
        let state = self.read();
        customer(&state, &request.customer)?;
        let catalog = &self.inner.catalog;
        let skus: Vec<&CatalogSku> = match &request.purchase_option {
            Some(skus_purchase::PurchaseOption::CreateEntitlementPurchase(p)) => {
                require(&[("create_entitlement_purchase.product", &p.product)])?;
                catalog
                    .product(&p.product)
                    .ok_or_else(|| not_found("product", &p.product))?;
                let prefix = format!("{}/", p.product);
                catalog
                    .skus
                    .iter()
                    .filter(|s| s.sku.name.starts_with(&prefix))
                    .collect()
            }
            Some(skus_purchase::PurchaseOption::ChangeOfferPurchase(p)) => {
                require(&[("change_offer_purchase.entitlement", &p.entitlement)])?;
                // The raw number: a value the enum does not name (possible
                // over gRPC and as a number over REST) is set, not missing.
                let upgrade = match ChangeType::try_from(p.change_type) {
                    Ok(ChangeType::Upgrade) => true,
                    Ok(ChangeType::Downgrade) => false,
                    Ok(ChangeType::Unspecified) => {
                        return Err(invalid(
                            "change_offer_purchase.change_type",
                            "required field is missing; use UPGRADE or DOWNGRADE",
                        ));
                    }
                    Err(_) => {
                        return Err(invalid(
                            "change_offer_purchase.change_type",
                            format!(
                                "{} is not a change type; use UPGRADE or DOWNGRADE",
                                p.change_type
                            ),
                        ));
                    }
                };
                owned_entitlement(&request.customer, &p.entitlement)?;
                let e = state
                    .entitlements
                    .get(&p.entitlement)
                    .ok_or_else(|| not_found("entitlement", &p.entitlement))?;
                let id = e.offer.rsplit('/').next().unwrap_or_default();
                let current = catalog
                    .offer(id)
                    .and_then(|o| catalog.sku(o.sku))
                    .ok_or_else(|| not_found("offer", &e.offer))?;
                // A family lists its SKUs from the lowest edition up, so an
                // upgrade is a SKU listed after the current one.
                let family: Vec<&CatalogSku> = catalog
                    .skus
                    .iter()
                    .filter(|s| s.family == current.family)
                    .collect();
                let at = family
                    .iter()
                    .position(|s| s.sku.name == current.sku.name)
                    .unwrap_or_default();
                if upgrade {
                    family[at + 1..].to_vec()
                } else {
                    family[..at].to_vec()
                }
            }
            None => {
                return Err(invalid(
                    "purchase_option",
                    "one of create_entitlement_purchase or change_offer_purchase is required",
                ));
            }
        };
        let keyed: Vec<_> = skus
            .iter()
            .map(|s| {
                (
                    s.sku.name.clone(),
                    PurchasableSku {
                        sku: Some(s.sku.clone()),
                    },
                )
            })
            .collect();
        let size = page_size(request.page_size, CATALOG_LIMITS)?;
        let (purchasable_skus, next_page_token) = page_vec(
            &keyed,
            self.inner.tokens,
            &format!("psku:{}:{:?}", request.customer, request.purchase_option),
            &request.page_token,
            size,
        )?;
        Ok(ListPurchasableSkusResponse {
            purchasable_skus,
            next_page_token,
        })
    }

    pub(super) fn list_purchasable_offers(
        &self,
        caller: &Caller,
        request: ListPurchasableOffersRequest,
    ) -> Result<ListPurchasableOffersResponse, Error> {
        check_customer_name(caller, "customer", &request.customer)?;
        let state = self.read();
        customer(&state, &request.customer)?;
        let catalog = &self.inner.catalog;
        let sku = match &request.purchase_option {
            Some(offers_purchase::PurchaseOption::CreateEntitlementPurchase(p)) => {
                require(&[("create_entitlement_purchase.sku", &p.sku)])?;
                p.sku.clone()
            }
            Some(offers_purchase::PurchaseOption::ChangeOfferPurchase(p)) => {
                require(&[("change_offer_purchase.entitlement", &p.entitlement)])?;
                owned_entitlement(&request.customer, &p.entitlement)?;
                let e = state
                    .entitlements
                    .get(&p.entitlement)
                    .ok_or_else(|| not_found("entitlement", &p.entitlement))?;
                if p.new_sku.is_empty() {
                    let id = e.offer.rsplit('/').next().unwrap_or_default();
                    catalog
                        .offer(id)
                        .map(|o| o.sku.to_string())
                        .unwrap_or_default()
                } else {
                    p.new_sku.clone()
                }
            }
            None => {
                return Err(invalid(
                    "purchase_option",
                    "one of create_entitlement_purchase or change_offer_purchase is required",
                ));
            }
        };
        catalog.sku(&sku).ok_or_else(|| not_found("SKU", &sku))?;
        let offers: Vec<Offer> = catalog
            .offers_for_sku(&sku)
            .map(|o| o.to_offer(&caller.account, catalog))
            .collect();
        let (offers, next_page_token) = self.offers_page(
            caller,
            offers,
            &format!("poffer:{}:{:?}", request.customer, request.purchase_option),
            &request.page_token,
            request.page_size,
        )?;
        let purchasable_offers = offers
            .into_iter()
            .map(|o| PurchasableOffer {
                offer: Some(o),
                price_reference_id: String::new(),
            })
            .collect();
        Ok(ListPurchasableOffersResponse {
            purchasable_offers,
            next_page_token,
        })
    }

    pub(super) fn list_transferable_skus(
        &self,
        caller: &Caller,
        request: ListTransferableSkusRequest,
    ) -> Result<ListTransferableSkusResponse, Error> {
        use channel_types::model::list_transferable_skus_request::TransferredCustomerIdentity as Id;
        account_id(caller, "parent", &request.parent)?;
        let (by_id, by_name) = match &request.transferred_customer_identity {
            Some(Id::CloudIdentityId(id)) => (Some(id.as_str()), None),
            Some(Id::CustomerName(name)) => (None, Some(name.as_str())),
            None => (None, None),
        };
        let catalog = &self.inner.catalog;
        let keyed: Vec<_> = {
            let mut state = self.write();
            match world::transferred_identity(&state, caller, by_id, by_name, &request.auth_token)?
            {
                None => Vec::new(),
                Some(identity) => {
                    world::remember(&mut state, caller, &identity.id);
                    let mut seen = std::collections::BTreeSet::new();
                    world::holdings(self, &state, caller, &identity.id)
                        .into_iter()
                        .filter(|h| seen.insert(h.sku.clone()))
                        .filter_map(|h| catalog.sku(&h.sku))
                        .map(|s| {
                            let unverified = !identity.verified && world::needs_verified_domain(s);
                            let sku = TransferableSku {
                                transfer_eligibility: Some(TransferEligibility {
                                    is_eligible: !unverified,
                                    description: if unverified {
                                        "the customer's domain must be verified first".into()
                                    } else {
                                        String::new()
                                    },
                                    ineligibility_reason: if unverified {
                                        channel_types::model::transfer_eligibility::Reason::SkuNotEligible as i32
                                    } else {
                                        0
                                    },
                                }),
                                sku: Some(s.sku.clone()),
                                legacy_sku: None,
                            };
                            (s.sku.name.clone(), sku)
                        })
                        .collect()
                }
            }
        };
        let size = page_size(request.page_size, CATALOG_LIMITS)?;
        let (transferable_skus, next_page_token) = page_vec(
            &keyed,
            self.inner.tokens,
            &format!(
                "tsku:{}:{:?}",
                request.parent, request.transferred_customer_identity
            ),
            &request.page_token,
            size,
        )?;
        Ok(ListTransferableSkusResponse {
            transferable_skus,
            next_page_token,
        })
    }

    pub(super) fn list_transferable_offers(
        &self,
        caller: &Caller,
        request: ListTransferableOffersRequest,
    ) -> Result<ListTransferableOffersResponse, Error> {
        use channel_types::model::list_transferable_offers_request::TransferredCustomerIdentity as Id;
        let account = account_id(caller, "parent", &request.parent)?;
        require(&[("sku", &request.sku)])?;
        let catalog = &self.inner.catalog;
        catalog
            .sku(&request.sku)
            .ok_or_else(|| not_found("SKU", &request.sku))?;
        let (by_id, by_name) = match &request.transferred_customer_identity {
            Some(Id::CloudIdentityId(id)) => (Some(id.as_str()), None),
            Some(Id::CustomerName(name)) => (None, Some(name.as_str())),
            None => (None, None),
        };
        // The request has no auth token: the customer authorized the caller
        // before (ListTransferableSkus or a transfer with its token), or not.
        world::transferred_identity(&self.read(), caller, by_id, by_name, "")?;
        let offers: Vec<Offer> = catalog
            .offers_for_sku(&request.sku)
            .map(|o| o.to_offer(account, catalog))
            .collect();
        let (offers, next_page_token) = self.offers_page(
            caller,
            offers,
            &format!(
                "toffer:{}:{:?}",
                request.sku, request.transferred_customer_identity
            ),
            &request.page_token,
            request.page_size,
        )?;
        let transferable_offers = offers
            .into_iter()
            .map(|o| TransferableOffer {
                offer: Some(o),
                price_reference_id: String::new(),
            })
            .collect();
        Ok(ListTransferableOffersResponse {
            transferable_offers,
            next_page_token,
        })
    }

    pub(super) fn list_sku_groups(
        &self,
        caller: &Caller,
        request: ListSkuGroupsRequest,
    ) -> Result<ListSkuGroupsResponse, Error> {
        let account = account_id(caller, "parent", &request.parent)?;
        let keyed: Vec<_> = self
            .inner
            .catalog
            .sku_groups
            .iter()
            .map(|g| {
                let name = format!("accounts/{account}/skuGroups/{}", g.id);
                (
                    name.clone(),
                    SkuGroup {
                        name,
                        display_name: g.display_name.into(),
                    },
                )
            })
            .collect();
        let size = page_size(
            request.page_size,
            PageLimits {
                default: 1000,
                max: 1000,
            },
        )?;
        let (sku_groups, next_page_token) = page_vec(
            &keyed,
            self.inner.tokens,
            "skugroups",
            &request.page_token,
            size,
        )?;
        Ok(ListSkuGroupsResponse {
            sku_groups,
            next_page_token,
        })
    }

    pub(super) fn list_sku_group_billable_skus(
        &self,
        caller: &Caller,
        request: ListSkuGroupBillableSkusRequest,
    ) -> Result<ListSkuGroupBillableSkusResponse, Error> {
        require(&[("parent", &request.parent)])?;
        let group = SkuGroupNameRef::parse(&request.parent)
            .map_err(|e| invalid("parent", e.to_string()))?;
        caller.check_account(group.account())?;
        let found = self
            .inner
            .catalog
            .sku_groups
            .iter()
            .find(|g| g.id == group.sku_group())
            .ok_or_else(|| not_found("SKU group", &request.parent))?;
        let keyed: Vec<_> = found
            .billable_skus
            .iter()
            .map(|b| (b.sku.clone(), b.clone()))
            .collect();
        let size = page_size(
            request.page_size,
            PageLimits {
                default: 100_000,
                max: 100_000,
            },
        )?;
        let (billable_skus, next_page_token) = page_vec(
            &keyed,
            self.inner.tokens,
            &format!("billable:{}", request.parent),
            &request.page_token,
            size,
        )?;
        Ok(ListSkuGroupBillableSkusResponse {
            billable_skus,
            next_page_token,
        })
    }

    pub(super) fn query_eligible_billing_accounts(
        &self,
        caller: &Caller,
        request: QueryEligibleBillingAccountsRequest,
    ) -> Result<QueryEligibleBillingAccountsResponse, Error> {
        check_customer_name(caller, "customer", &request.customer)?;
        if request.skus.is_empty() {
            return Err(invalid("skus", "required field is missing"));
        }
        customer(&self.read(), &request.customer)?;
        for sku in &request.skus {
            self.inner
                .catalog
                .sku(sku)
                .ok_or_else(|| not_found("SKU", sku))?;
        }
        let account = self.default_billing_account(caller);
        Ok(QueryEligibleBillingAccountsResponse {
            sku_purchase_groups: vec![SkuPurchaseGroup {
                skus: request.skus,
                billing_account_purchase_infos: vec![BillingAccountPurchaseInfo {
                    billing_account: Some(account),
                }],
            }],
        })
    }
}
