//! The world around the caller: Cloud Identities that other resellers or
//! Google itself serve, their super admins' auth tokens, and scenarios that
//! seed all of it.
//!
//! A Cloud Identity the engine only knows through one of the caller's own
//! customers (provisioned or imported through the API) has no record here:
//! its owner is the account of that customer.

use std::collections::BTreeSet;

use channel_core::Error;
use channel_types::model::cloud_identity_info::CustomerType;
use channel_types::model::{CloudIdentityInfo, Customer, Entitlement, Parameter, Value, value};
use channel_types::rpc::Code;
use channel_types::wkt::Timestamp;

use super::errors::{denied, invalid, reason};
use super::state::State;
use super::{AccountConfig, Caller, Engine};
use crate::catalog::CatalogSku;

/// The owner that stands for "Google serves this customer directly".
pub const GOOGLE: &str = "google";

/// A Cloud Identity as the emulator's world knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Identity {
    /// The primary domain.
    pub domain: String,
    /// Whether the primary domain is verified.
    #[serde(default)]
    pub verified: bool,
    /// Domain or team customer.
    #[serde(default)]
    pub customer_type: IdentityType,
    /// The token the customer's super admin generated to let a reseller take
    /// the customer over; empty when none was generated.
    #[serde(default)]
    pub auth_token: String,
    /// Who serves the customer: an account id, or `google`.
    pub owner: String,
    /// SKUs (resource names) Google serves the customer directly.
    #[serde(default)]
    pub subscriptions: Vec<String>,
    /// Accounts the customer authorized by presenting its auth token once.
    #[serde(default)]
    pub authorized: BTreeSet<String>,
}

/// The kind of Cloud Identity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityType {
    /// An organization with its own domain.
    #[default]
    Domain,
    /// A team without a verified domain of its own.
    Team,
}

impl IdentityType {
    fn api(self) -> CustomerType {
        match self {
            IdentityType::Domain => CustomerType::Domain,
            IdentityType::Team => CustomerType::Team,
        }
    }
}

/// A world to start from: accounts, customers with their Cloud Identity and
/// entitlements, including customers served by other resellers or by Google.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Scenario {
    /// Accounts added to the configured ones (other resellers, distributors).
    #[serde(default)]
    pub accounts: Vec<AccountConfig>,
    /// Customers, each served by an account or by Google.
    #[serde(default)]
    pub customers: Vec<CustomerSeed>,
}

/// One customer of a scenario.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomerSeed {
    /// The account id serving the customer, or `google`.
    pub owner: String,
    /// The customer id under the owner's account; generated when empty.
    /// Not used for customers Google serves (they have no reseller record).
    #[serde(default)]
    pub id: String,
    /// The customer's primary domain.
    pub domain: String,
    /// Organization name; the domain when empty.
    #[serde(default)]
    pub org_display_name: String,
    /// The customer's Cloud Identity; none when absent (a customer record only).
    #[serde(default)]
    pub cloud_identity: Option<IdentitySeed>,
    /// Entitlements (subscriptions, for customers Google serves).
    #[serde(default)]
    pub entitlements: Vec<EntitlementSeed>,
}

/// The Cloud Identity of a seeded customer.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IdentitySeed {
    /// The Cloud Identity id; generated when empty.
    #[serde(default)]
    pub id: String,
    /// Whether the domain is verified.
    #[serde(default = "yes")]
    pub verified: bool,
    /// Domain or team customer.
    #[serde(default)]
    pub customer_type: IdentityType,
    /// The super admin's auth token for a transfer; empty when none.
    #[serde(default)]
    pub auth_token: String,
}

fn yes() -> bool {
    true
}

/// One entitlement of a seeded customer.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EntitlementSeed {
    /// The catalog offer id (the last segment of an offer's name).
    pub offer: String,
    /// Seats: the commitment of a commitment offer, optional elsewhere.
    #[serde(default)]
    pub num_units: Option<i64>,
    /// The cap on assignable units of a flexible or trial offer, if any.
    #[serde(default)]
    pub max_units: Option<i64>,
}

/// What seeding made: the names, in the scenario's order.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Seeded {
    /// Resource names of the customer records made (none for Google's customers).
    pub customers: Vec<String>,
    /// Cloud Identity ids, one per customer that has one.
    pub cloud_identity_ids: Vec<String>,
    /// Resource names of the entitlements made.
    pub entitlements: Vec<String>,
}

/// A SKU a Cloud Identity holds from someone other than the caller.
#[derive(Debug, Clone)]
pub(super) struct Holding {
    /// The SKU's resource name.
    pub(super) sku: String,
    /// The entitlement at another reseller; none for a Google subscription.
    pub(super) entitlement: Option<String>,
}

/// What the engine knows of one Cloud Identity.
#[derive(Debug, Clone)]
pub(super) struct Known {
    pub(super) id: String,
    pub(super) domain: String,
    pub(super) verified: bool,
    pub(super) customer_type: CustomerType,
    pub(super) owner: String,
}

/// A Cloud Identity by id: its record, or the first customer holding it.
pub(super) fn known_by_id(state: &State, id: &str) -> Option<Known> {
    if let Some(record) = state.identities.get(id) {
        return Some(Known {
            id: id.to_string(),
            domain: record.domain.clone(),
            verified: record.verified,
            customer_type: record.customer_type.api(),
            owner: record.owner.clone(),
        });
    }
    state
        .customers
        .with_identity(id)
        .next()
        .map(|(name, c)| known_from_customer(name, &c))
}

/// A Cloud Identity by primary domain (case-insensitive).
pub(super) fn known_by_domain(state: &State, domain: &str) -> Option<Known> {
    if let Some((id, _)) = state
        .identities
        .iter()
        .find(|(_, r)| r.domain.eq_ignore_ascii_case(domain))
    {
        return known_by_id(state, id);
    }
    state
        .customers
        .with_domain(domain)
        .find(|(_, c)| !c.cloud_identity_id.is_empty())
        .map(|(name, c)| known_from_customer(name, &c))
}

fn known_from_customer(name: &str, c: &Customer) -> Known {
    let info = c.cloud_identity_info.clone().unwrap_or_default();
    Known {
        id: c.cloud_identity_id.clone(),
        domain: c.domain.clone(),
        verified: info.is_domain_verified,
        customer_type: info.customer_type(),
        owner: account_of(name).to_string(),
    }
}

/// The account id of a resource name `accounts/{id}/...`.
fn account_of(name: &str) -> &str {
    name.strip_prefix("accounts/")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default()
}

/// PERMISSION_DENIED unless the caller serves the identity, was authorized
/// before, or presents the customer's auth token.
pub(super) fn check_authorized(
    state: &State,
    caller: &Caller,
    identity: &Known,
    auth_token: &str,
) -> Result<(), Error> {
    if identity.owner == caller.account {
        return Ok(());
    }
    let record = state.identities.get(&identity.id);
    // Authorized once, the token may be omitted; a token sent must be right.
    if auth_token.is_empty() && record.is_some_and(|r| r.authorized.contains(&caller.account)) {
        return Ok(());
    }
    if auth_token.is_empty() {
        return Err(denied(format!(
            "the customer with Cloud Identity {} does not belong to accounts/{}; \
             auth_token: the customer's super admin must authorize the transfer with a token",
            identity.id, caller.account
        )));
    }
    match record {
        Some(r) if !r.auth_token.is_empty() && r.auth_token == auth_token => Ok(()),
        _ => Err(denied(format!(
            "auth_token: the token is not valid for the customer with Cloud Identity {}",
            identity.id
        ))),
    }
}

/// The SKUs the identity holds from other resellers or from Google.
pub(super) fn holdings(engine: &Engine, state: &State, caller: &Caller, id: &str) -> Vec<Holding> {
    let mut held = Vec::new();
    let own = format!("accounts/{}/", caller.account);
    for (name, _) in state.customers.with_identity(id) {
        if name.starts_with(&own) {
            continue;
        }
        let prefix = format!("{name}/entitlements/");
        for (ename, e) in state.entitlements.under(&prefix) {
            if let Some((_, sku)) = engine.offer_of(&e) {
                held.push(Holding {
                    sku: sku.sku.name.clone(),
                    entitlement: Some(ename.to_string()),
                });
            }
        }
    }
    if let Some(record) = state.identities.get(id) {
        held.extend(record.subscriptions.iter().map(|sku| Holding {
            sku: sku.clone(),
            entitlement: None,
        }));
    }
    held
}

/// Whether transferring this SKU needs a verified domain: Workspace does.
pub(super) fn needs_verified_domain(sku: &CatalogSku) -> bool {
    sku.family.starts_with("workspace")
}

/// The product of a catalog SKU: the unit whose entitlements move together.
pub(super) fn product_of(sku: &CatalogSku) -> &str {
    sku.sku.product.as_ref().map_or("", |p| p.name.as_str())
}

/// A transfer or import the state does not allow: FAILED_PRECONDITION with a reason.
pub(super) fn precondition(reason_code: &str, message: String) -> Error {
    reason(Code::FailedPrecondition, reason_code, message)
}

impl Engine {
    /// Seeds a scenario into the current state: every customer, Cloud
    /// Identity and entitlement it describes. All or nothing: a scenario
    /// with an error leaves the state as it was.
    pub fn seed(&self, scenario: &Scenario) -> Result<Seeded, Error> {
        let mut state = self.write();
        let mut next = state.clone();
        let seeded = self.seed_into(&mut next, scenario)?;
        *state = next;
        Ok(seeded)
    }

    fn seed_into(&self, state: &mut State, scenario: &Scenario) -> Result<Seeded, Error> {
        for (i, account) in scenario.accounts.iter().enumerate() {
            super::validate::resource_id(&format!("accounts[{i}].id"), &account.id)?;
            let known = self
                .inner
                .config
                .accounts
                .iter()
                .any(|a| a.id == account.id)
                || state.accounts.iter().any(|a| a.id == account.id);
            if !known {
                state.accounts.push(account.clone());
            }
        }
        let mut seeded = Seeded::default();
        for (i, seed) in scenario.customers.iter().enumerate() {
            self.seed_customer(state, i, seed, &mut seeded)?;
        }
        Ok(seeded)
    }

    fn seed_customer(
        &self,
        state: &mut State,
        i: usize,
        seed: &CustomerSeed,
        seeded: &mut Seeded,
    ) -> Result<(), Error> {
        let field = |name: &str| format!("customers[{i}].{name}");
        if seed.owner.is_empty() {
            return Err(invalid(
                &field("owner"),
                "an account id, or \"google\", is required",
            ));
        }
        super::validate::domain(&field("domain"), &seed.domain)?;
        if !seed.id.is_empty() {
            super::validate::resource_id(&field("id"), &seed.id)?;
        }
        match &seed.cloud_identity {
            Some(identity) if !identity.id.is_empty() => {
                super::validate::resource_id(&field("cloudIdentity.id"), &identity.id)?;
            }
            Some(_) => {}
            // Entitlements need a provisioned Cloud Identity; say so in the
            // scenario's terms rather than as a failed provisioning call.
            None if !seed.entitlements.is_empty() => {
                return Err(invalid(
                    &field("cloudIdentity"),
                    "required for a customer with entitlements, e.g. {\"id\": \"C01\"}",
                ));
            }
            None => {}
        }
        let google = seed.owner == GOOGLE;
        if !google && !self.account_exists(state, &seed.owner) {
            return Err(invalid(
                &field("owner"),
                format!("{:?} is not an account of this emulator", seed.owner),
            ));
        }
        let identity = match &seed.cloud_identity {
            Some(identity) => {
                let id = if identity.id.is_empty() {
                    state.new_id('C')
                } else {
                    identity.id.clone()
                };
                if known_by_id(state, &id).is_some() {
                    return Err(invalid(
                        &field("cloudIdentity.id"),
                        format!("Cloud Identity {id} is already in use"),
                    ));
                }
                if known_by_domain(state, &seed.domain).is_some() {
                    return Err(invalid(
                        &field("domain"),
                        format!("a Cloud Identity already exists for {}", seed.domain),
                    ));
                }
                Some((id, identity))
            }
            None if google => {
                return Err(invalid(
                    &field("cloudIdentity"),
                    "a customer Google serves directly has a Cloud Identity",
                ));
            }
            None => None,
        };
        let now = self.now();
        let mut subscriptions = Vec::new();
        if !google {
            let id = if seed.id.is_empty() {
                state.new_id('S')
            } else {
                seed.id.clone()
            };
            let name = format!("accounts/{}/customers/{id}", seed.owner);
            if state.customers.contains(&name) {
                return Err(invalid(&field("id"), format!("{name} already exists")));
            }
            let customer = Customer {
                name: name.clone(),
                org_display_name: if seed.org_display_name.is_empty() {
                    seed.domain.clone()
                } else {
                    seed.org_display_name.clone()
                },
                domain: seed.domain.clone(),
                create_time: Some(now),
                update_time: Some(now),
                cloud_identity_id: identity
                    .as_ref()
                    .map(|(id, _)| id.clone())
                    .unwrap_or_default(),
                cloud_identity_info: identity.as_ref().map(|(_, seed_identity)| {
                    CloudIdentityInfo {
                        customer_type: seed_identity.customer_type.api() as i32,
                        primary_domain: seed.domain.clone(),
                        is_domain_verified: seed_identity.verified,
                        ..Default::default()
                    }
                }),
                language_code: "en-US".into(),
                ..Default::default()
            };
            state.customers.insert(&customer);
            seeded.customers.push(name.clone());
            for (j, e) in seed.entitlements.iter().enumerate() {
                let efield = field(&format!("entitlements[{j}].offer"));
                let offer = self.inner.catalog.offer(&e.offer).ok_or_else(|| {
                    invalid(&efield, format!("{:?} is no catalog offer", e.offer))
                })?;
                let sku = self
                    .inner
                    .catalog
                    .sku(offer.sku)
                    .ok_or_else(|| invalid(&efield, "the offer's SKU is missing"))?;
                let input = Entitlement {
                    offer: format!("accounts/{}/offers/{}", seed.owner, e.offer),
                    parameters: [("num_units", e.num_units), ("max_units", e.max_units)]
                        .into_iter()
                        .filter_map(|(name, n)| {
                            Some(Parameter {
                                name: name.into(),
                                value: Some(Value {
                                    kind: Some(value::Kind::Int64Value(n?)),
                                }),
                                editable: true,
                            })
                        })
                        .collect(),
                    ..Default::default()
                };
                // Named as the scenario names it: the engine's own check
                // speaks of the API's request fields.
                let made = self
                    .new_entitlement(state, &name, &input, offer, sku)
                    .map_err(|err| invalid(&field(&format!("entitlements[{j}]")), err.message()))?;
                seeded.entitlements.push(made.name.clone());
                state.entitlements.insert(&made);
            }
        } else {
            for (j, e) in seed.entitlements.iter().enumerate() {
                let offer = self.inner.catalog.offer(&e.offer).ok_or_else(|| {
                    invalid(
                        &field(&format!("entitlements[{j}].offer")),
                        format!("{:?} is no catalog offer", e.offer),
                    )
                })?;
                subscriptions.push(offer.sku.to_string());
            }
        }
        if let Some((id, identity)) = identity {
            state.identities.insert(
                id.clone(),
                Identity {
                    domain: seed.domain.clone(),
                    verified: identity.verified,
                    customer_type: identity.customer_type,
                    auth_token: identity.auth_token.clone(),
                    owner: seed.owner.clone(),
                    subscriptions,
                    authorized: BTreeSet::new(),
                },
            );
            seeded.cloud_identity_ids.push(id);
        }
        Ok(())
    }

    pub(super) fn account_exists(&self, state: &State, id: &str) -> bool {
        self.inner.config.accounts.iter().any(|a| a.id == id)
            || state.accounts.iter().any(|a| a.id == id)
    }

    /// The current time on the emulator's clock.
    pub(crate) fn now(&self) -> Timestamp {
        let now = Timestamp::now();
        Timestamp {
            seconds: now.seconds + self.read_clock_offset(),
            nanos: now.nanos,
        }
    }

    fn read_clock_offset(&self) -> i64 {
        self.inner
            .clock_offset
            .load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// The Cloud Identity a ListTransferable* request names: exactly one of
/// `cloud_identity_id` and `customer_name`, checked for the caller.
pub(super) fn transferred_identity(
    state: &State,
    caller: &Caller,
    cloud_identity_id: Option<&str>,
    customer_name: Option<&str>,
    auth_token: &str,
) -> Result<Option<Known>, Error> {
    let identity = match (cloud_identity_id, customer_name) {
        (Some(id), None) if !id.is_empty() => known_by_id(state, id).ok_or_else(|| {
            denied(format!(
                "the Cloud Identity {} does not belong to accounts/{} and no auth_token opens it",
                super::validate::shorten(id),
                caller.account
            ))
        })?,
        (None, Some(name)) if !name.is_empty() => {
            super::customers::check_customer_name(caller, "customer_name", name)?;
            let c = super::customers::customer(state, name)?;
            if c.cloud_identity_id.is_empty() {
                // A customer without Cloud Identity holds nothing to transfer.
                return Ok(None);
            }
            known_by_id(state, &c.cloud_identity_id)
                .unwrap_or_else(|| known_from_customer(name, &c))
        }
        _ => {
            return Err(invalid(
                "cloud_identity_id",
                "set exactly one of cloud_identity_id and customer_name",
            ));
        }
    };
    check_authorized(state, caller, &identity, auth_token)?;
    Ok(Some(identity))
}

/// Records that the customer authorized the caller (a valid auth token was
/// presented), so later calls may omit the token.
pub(super) fn remember(state: &mut State, caller: &Caller, id: &str) {
    if let Some(record) = state.identities.get_mut(id)
        && record.owner != caller.account
    {
        record.authorized.insert(caller.account.clone());
    }
}

/// How a scenario is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScenarioFormat {
    /// JSON, where whole lines starting with `//` are comments.
    Json,
    /// YAML (comments start with `#`).
    Yaml,
}

impl ScenarioFormat {
    /// The format a file's extension names: `.yaml` and `.yml` are YAML,
    /// anything else JSON.
    pub fn of_path(path: &std::path::Path) -> ScenarioFormat {
        match path.extension().and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("yaml") || ext.eq_ignore_ascii_case("yml") => {
                ScenarioFormat::Yaml
            }
            _ => ScenarioFormat::Json,
        }
    }

    /// The format an HTTP `Content-Type` names: the YAML media types
    /// (`application/yaml`, `application/x-yaml`, `text/yaml`,
    /// `text/x-yaml`) are YAML, anything else JSON.
    pub fn of_content_type(content_type: &str) -> ScenarioFormat {
        let media = content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        match media.as_str() {
            "application/yaml" | "application/x-yaml" | "text/yaml" | "text/x-yaml" => {
                ScenarioFormat::Yaml
            }
            _ => ScenarioFormat::Json,
        }
    }
}

/// Why a scenario could not be read: the parser's account of where the text
/// departs from the scenario's form.
#[derive(Debug)]
pub enum ScenarioError {
    /// The JSON text is not a scenario.
    Json(serde_json::Error),
    /// The YAML text is not a scenario.
    Yaml(serde_yaml_ng::Error),
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScenarioError::Json(e) => write!(f, "not a JSON scenario: {e}"),
            ScenarioError::Yaml(e) => write!(f, "not a YAML scenario: {e}"),
        }
    }
}

impl std::error::Error for ScenarioError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ScenarioError::Json(e) => Some(e),
            ScenarioError::Yaml(e) => Some(e),
        }
    }
}

impl Scenario {
    /// Reads a scenario: JSON in which whole lines starting with `//` are
    /// comments (so an example can explain itself).
    pub fn from_json(text: &str) -> Result<Scenario, serde_json::Error> {
        let json: String = text
            .lines()
            .map(|line| {
                if line.trim_start().starts_with("//") {
                    ""
                } else {
                    line
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        serde_json::from_str(&json)
    }

    /// Reads a scenario written as YAML, with the same members as the JSON
    /// form.
    pub fn from_yaml(text: &str) -> Result<Scenario, serde_yaml_ng::Error> {
        serde_yaml_ng::from_str(text)
    }

    /// Reads a scenario in the given format.
    pub fn parse(text: &str, format: ScenarioFormat) -> Result<Scenario, ScenarioError> {
        match format {
            ScenarioFormat::Json => Scenario::from_json(text).map_err(ScenarioError::Json),
            ScenarioFormat::Yaml => Scenario::from_yaml(text).map_err(ScenarioError::Yaml),
        }
    }
}
