//! Customers and their Cloud Identity.

use channel_core::Error;
use channel_types::model::{
    CheckCloudIdentityAccountsExistRequest, CheckCloudIdentityAccountsExistResponse,
    CloudIdentityCustomerAccount, CloudIdentityInfo, CreateCustomerRequest, Customer,
    DeleteCustomerRequest, GetCustomerRequest, ImportCustomerRequest, ListCustomersRequest,
    ListCustomersResponse, ProvisionCloudIdentityRequest, UpdateCustomerRequest,
    cloud_identity_info::CustomerType, import_customer_request::CustomerIdentity,
    operation_metadata::OperationType,
};
use channel_types::names::{AccountNameRef, ChannelPartnerLinkNameRef, CustomerNameRef};
use channel_types::rpc::Code;
use channel_types::r#type::PostalAddress;
use channel_types::wkt::Empty;

use super::errors::{DOMAIN, invalid, not_found, reason, require};
use super::filter::{Filter, Key, Op, ValueKind};
use super::paging::{PageLimits, page_from, page_size};
use super::state::State;
use super::validate::{self, shorten};
use super::{Caller, Engine, world};

/// A customer's parent: the account, or a channel partner link of it.
pub(super) fn check_customer_parent(
    state: &State,
    caller: &Caller,
    parent: &str,
) -> Result<(), Error> {
    if let Ok(account) = AccountNameRef::parse(parent) {
        return caller.check_account(account.account());
    }
    match ChannelPartnerLinkNameRef::parse(parent) {
        Ok(link) => {
            caller.check_account(link.account())?;
            if state.links.contains_key(parent) {
                Ok(())
            } else {
                Err(not_found("channel partner link", parent))
            }
        }
        Err(_) => Err(invalid(
            "parent",
            format!(
                "{:?} does not match accounts/{{account}} or accounts/{{account}}/channelPartnerLinks/{{link}}",
                shorten(parent)
            ),
        )),
    }
}

/// Parses a customer name and checks the caller may touch it.
pub(super) fn check_customer_name(caller: &Caller, field: &str, name: &str) -> Result<(), Error> {
    require(&[(field, name)])?;
    let parsed = CustomerNameRef::parse(name).map_err(|e| invalid(field, e.to_string()))?;
    caller.check_account(parsed.account())
}

/// The stored customer, or NOT_FOUND.
pub(super) fn customer(state: &State, name: &str) -> Result<Customer, Error> {
    state
        .customers
        .get(name)
        .ok_or_else(|| not_found("customer", name))
}

fn email_domain(email: &str) -> Option<&str> {
    email
        .rsplit_once('@')
        .map(|(_, d)| d)
        .filter(|d| !d.is_empty())
}

/// Customers of a domain across all accounts: Cloud Identity is global.
fn customers_with_domain<'s>(
    state: &'s State,
    domain: &str,
) -> impl Iterator<Item = Customer> + use<'s> {
    state.customers.with_domain(domain).map(|(_, c)| c)
}

impl Engine {
    pub(super) fn list_customers(
        &self,
        caller: &Caller,
        request: ListCustomersRequest,
    ) -> Result<ListCustomersResponse, Error> {
        require(&[("parent", &request.parent)])?;
        let size = page_size(
            request.page_size,
            PageLimits {
                default: 10,
                max: 50,
            },
        )?;
        let filter = Filter::new(&request.filter, CUSTOMER_FILTER)?.ignoring_case();
        let state = self.read();
        check_customer_parent(&state, caller, &request.parent)?;
        let prefix = format!("{}/customers/", request.parent);
        let scope = format!("customers:{}:{}", request.parent, request.filter);
        let (customers, next_page_token) = page_from(
            |start| state.customers.entries_from(start),
            &prefix,
            self.inner.tokens,
            &scope,
            &request.page_token,
            size,
            |key, packed| {
                if key[prefix.len()..].contains('/') {
                    return None;
                }
                let c = packed.decode();
                filter
                    .matches(&|field| customer_field(&c, field))
                    .then_some(c)
            },
        )?;
        Ok(ListCustomersResponse {
            customers,
            next_page_token,
        })
    }

    pub(super) fn get_customer(
        &self,
        caller: &Caller,
        request: GetCustomerRequest,
    ) -> Result<Customer, Error> {
        check_customer_name(caller, "name", &request.name)?;
        let state = self.read();
        customer(&state, &request.name)
    }

    pub(super) fn check_cloud_identity_accounts_exist(
        &self,
        caller: &Caller,
        request: CheckCloudIdentityAccountsExistRequest,
    ) -> Result<CheckCloudIdentityAccountsExistResponse, Error> {
        require(&[("parent", &request.parent), ("domain", &request.domain)])?;
        // The reference names this refusal's reason.
        validate::domain("domain", &request.domain)
            .map_err(|e| e.with_reason("INVALID_VALUE", DOMAIN))?;
        validate::email("primary_admin_email", &request.primary_admin_email)?;
        let state = self.read();
        check_customer_parent(&state, caller, &request.parent)?;
        let own = format!("{}/", caller.account_name());
        let cloud_identity_accounts = customers_with_domain(&state, &request.domain)
            .filter(|c| !c.cloud_identity_id.is_empty())
            .map(|c| {
                let owned = c.name.starts_with(&own);
                CloudIdentityCustomerAccount {
                    existing: true,
                    owned,
                    customer_name: if owned { c.name.clone() } else { String::new() },
                    customer_cloud_identity_id: c.cloud_identity_id.clone(),
                    customer_type: c
                        .cloud_identity_info
                        .as_ref()
                        .map_or(0, |i| i.customer_type),
                    channel_partner_cloud_identity_id: String::new(),
                }
            })
            .collect();
        Ok(CheckCloudIdentityAccountsExistResponse {
            cloud_identity_accounts,
        })
    }

    pub(super) fn create_customer(
        &self,
        caller: &Caller,
        request: CreateCustomerRequest,
    ) -> Result<Customer, Error> {
        let input = request.customer.unwrap_or_default();
        require(&[
            ("parent", &request.parent),
            ("customer.org_display_name", &input.org_display_name),
            ("customer.domain", &input.domain),
        ])?;
        check_postal_address(input.org_postal_address.as_ref())?;
        validate::domain("customer.domain", &input.domain)?;
        check_emails(&input)?;
        if let Some(contact) = &input.primary_contact_info
            && let Some(domain) = email_domain(&contact.email)
            && !domain.eq_ignore_ascii_case(&input.domain)
        {
            return Err(invalid(
                "customer.primary_contact_info.email",
                format!(
                    "the primary email's domain {domain:?} does not match the customer's domain {:?}",
                    input.domain
                ),
            ));
        }
        let mut state = self.write();
        check_customer_parent(&state, caller, &request.parent)?;
        let now = self.now();
        let id = state.new_id('S');
        let name = format!("{}/customers/{id}", request.parent);
        let channel_partner_id = ChannelPartnerLinkNameRef::parse(&request.parent)
            .map(|l| l.channel_partner_link().to_string())
            .unwrap_or_default();
        let customer = Customer {
            name: name.clone(),
            org_display_name: input.org_display_name,
            org_postal_address: input.org_postal_address,
            primary_contact_info: input.primary_contact_info.map(|mut c| {
                c.display_name = format!("{} {}", c.first_name, c.last_name)
                    .trim()
                    .to_string();
                c
            }),
            alternate_email: input.alternate_email,
            domain: input.domain,
            create_time: Some(now),
            update_time: Some(now),
            // Set when Cloud Identity is provisioned.
            cloud_identity_id: String::new(),
            language_code: if input.language_code.is_empty() {
                "en-US".into()
            } else {
                input.language_code
            },
            cloud_identity_info: None,
            channel_partner_id,
            correlation_id: input.correlation_id,
            customer_attestation_state: input.customer_attestation_state,
        };
        state.customers.insert(&customer);
        Ok(customer)
    }

    pub(super) fn update_customer(
        &self,
        caller: &Caller,
        request: UpdateCustomerRequest,
    ) -> Result<Customer, Error> {
        let input = request
            .customer
            .ok_or_else(|| invalid("customer", "required field is missing"))?;
        check_customer_name(caller, "customer.name", &input.name)?;
        let mask = request.update_mask.map(|m| m.paths).unwrap_or_default();
        let paths: Vec<String> = if mask.is_empty() {
            // No mask means the fields the request populates (AIP-134):
            // a field left out keeps its stored value.
            populated_updatable_fields(&input)?
        } else {
            validate::expand_wildcard(mask, UPDATABLE)?
        };
        validate::mask_paths("google.cloud.channel.v1.Customer", &paths)?;
        check_emails(&input)?;
        let mut state = self.write();
        let stored = state
            .customers
            .get(&input.name)
            .ok_or_else(|| not_found("customer", &input.name))?;
        // Applied to a copy: a refused path leaves the customer as it was.
        let mut updated = apply_mask(&stored, &input, &paths)?;
        check_required_fields_kept(&updated, &paths)?;
        updated.update_time = Some(self.now());
        state.customers.insert(&updated);
        Ok(updated)
    }

    pub(super) fn delete_customer(
        &self,
        caller: &Caller,
        request: DeleteCustomerRequest,
    ) -> Result<Empty, Error> {
        check_customer_name(caller, "name", &request.name)?;
        let mut state = self.write();
        if !state.customers.contains(&request.name) {
            return Err(not_found("customer", &request.name));
        }
        let prefix = format!("{}/entitlements/", request.name);
        if state.entitlements.any_under(&prefix) {
            return Err(Error::rpc(
                Code::FailedPrecondition,
                format!(
                    "customer {} has entitlements; cancel or transfer them first",
                    request.name
                ),
            ));
        }
        state.customers.remove(&request.name);
        let repricing = format!("{}/customerRepricingConfigs/", request.name);
        state
            .customer_repricing
            .retain(|k, _| !k.starts_with(&repricing));
        Ok(Empty {})
    }

    pub(super) fn import_customer(
        &self,
        caller: &Caller,
        request: ImportCustomerRequest,
    ) -> Result<Customer, Error> {
        require(&[("parent", &request.parent)])?;
        let (domain, cloud_identity_id) = match &request.customer_identity {
            Some(CustomerIdentity::Domain(d)) if !d.is_empty() => {
                validate::domain("domain", d)?;
                (d.clone(), String::new())
            }
            Some(CustomerIdentity::CloudIdentityId(id)) if !id.is_empty() => {
                (String::new(), id.clone())
            }
            Some(CustomerIdentity::PrimaryAdminEmail(email)) if !email.is_empty() => {
                validate::email("primary_admin_email", email)?;
                let domain = email_domain(email).unwrap_or_default();
                (domain.to_string(), String::new())
            }
            _ => {
                return Err(invalid(
                    "customer_identity",
                    "one of domain, cloud_identity_id or primary_admin_email is required",
                ));
            }
        };
        let mut state = self.write();
        check_customer_parent(&state, caller, &request.parent)?;
        // The identity must exist already: importing finds it, never makes it.
        let identity = if cloud_identity_id.is_empty() {
            world::known_by_domain(&state, &domain).ok_or_else(|| {
                Error::rpc(
                    Code::NotFound,
                    format!(
                        "no Cloud Identity has the primary domain {}",
                        shorten(&domain)
                    ),
                )
            })?
        } else {
            world::known_by_id(&state, &cloud_identity_id).ok_or_else(|| {
                Error::rpc(
                    Code::NotFound,
                    format!(
                        "Cloud Identity {} was not found",
                        shorten(&cloud_identity_id)
                    ),
                )
            })?
        };
        world::check_authorized(&state, caller, &identity, &request.auth_token)?;
        let prefix = format!("{}/customers/", request.parent);
        // The customer to import into: the one named, or the caller's one
        // already holding this identity, or a record of the same domain
        // without identity, or a new one. A customer linked to another
        // identity is never touched.
        let existing = if request.customer.is_empty() {
            let mine = |(k, _): &(&str, Customer)| k.starts_with(&prefix);
            state
                .customers
                .with_identity(&identity.id)
                .find(mine)
                .or_else(|| {
                    state
                        .customers
                        .with_domain(&identity.domain)
                        .filter(mine)
                        .find(|(_, c)| c.cloud_identity_id.is_empty())
                })
                .map(|(k, _)| k.to_string())
        } else {
            if !request.customer.starts_with(&prefix) {
                return Err(invalid(
                    "customer",
                    format!("must be a customer of {}", shorten(&request.parent)),
                ));
            }
            let named = customer(&state, &request.customer)?;
            if !named.cloud_identity_id.is_empty() && named.cloud_identity_id != identity.id {
                return Err(invalid(
                    "customer",
                    format!(
                        "{} is linked to Cloud Identity {}, not {}",
                        request.customer, named.cloud_identity_id, identity.id
                    ),
                ));
            }
            Some(request.customer.clone())
        };
        if let Some(name) = &existing {
            let has_identity = state
                .customers
                .get(name)
                .is_some_and(|c| !c.cloud_identity_id.is_empty());
            if has_identity && !request.overwrite_if_exists {
                return Err(reason(
                    Code::AlreadyExists,
                    "CUSTOMER_ALREADY_EXISTS",
                    format!("customer {name} already exists"),
                ));
            }
        }
        let now = self.now();
        let (name, mut customer) = match existing {
            Some(name) => {
                let current = state.customers.get(&name).unwrap_or_default();
                (name, current)
            }
            None => {
                let name = format!("{prefix}{}", state.new_id('S'));
                (
                    name,
                    Customer {
                        create_time: Some(now),
                        ..Default::default()
                    },
                )
            }
        };
        customer.name = name.clone();
        customer.domain = identity.domain.clone();
        customer.cloud_identity_id = identity.id.clone();
        if customer.org_display_name.is_empty() {
            customer.org_display_name = identity.domain.clone();
        }
        if !request.channel_partner_id.is_empty() {
            customer.channel_partner_id = request.channel_partner_id;
        }
        let info = customer
            .cloud_identity_info
            .get_or_insert_with(Default::default);
        info.customer_type = identity.customer_type as i32;
        info.primary_domain = identity.domain.clone();
        info.is_domain_verified = identity.verified;
        customer.update_time = Some(now);
        state.customers.insert(&customer);
        world::remember(&mut state, caller, &identity.id);
        Ok(customer)
    }

    pub(super) fn provision_cloud_identity(
        &self,
        caller: &Caller,
        request: ProvisionCloudIdentityRequest,
    ) -> Result<channel_types::longrunning::Operation, Error> {
        check_customer_name(caller, "customer", &request.customer)?;
        let info = request.cloud_identity_info.unwrap_or_default();
        let user = request.user.unwrap_or_default();
        if user.email.is_empty() {
            return Err(invalid("user.email", "the admin user's email is required"));
        }
        validate::email("user.email", &user.email)?;
        validate::email("cloud_identity_info.alternate_email", &info.alternate_email)?;
        // No request id on this method: it is never replayed.
        self.run_operation(
            caller,
            "ProvisionCloudIdentity",
            &request.customer,
            "",
            OperationType::ProvisionCloudIdentity,
            |state| {
                let current = customer(state, &request.customer)?;
                if !current.cloud_identity_id.is_empty() {
                    return Err(reason(
                        Code::AlreadyExists,
                        "CLOUD_IDENTITY_ALREADY_PROVISIONED",
                        format!(
                            "customer {} already has Cloud Identity {}",
                            current.name, current.cloud_identity_id
                        ),
                    ));
                }
                match email_domain(&user.email) {
                    Some(d) if d.eq_ignore_ascii_case(&current.domain) => {}
                    _ => {
                        return Err(invalid(
                            "user.email",
                            format!(
                                "the admin email must be in the customer's domain {:?}",
                                current.domain
                            ),
                        ));
                    }
                }
                if customers_with_domain(state, &current.domain)
                    .any(|c| !c.cloud_identity_id.is_empty())
                {
                    return Err(reason(
                        Code::AlreadyExists,
                        "DOMAIN_ALREADY_EXISTS",
                        format!(
                            "a Cloud Identity already exists for domain {}",
                            current.domain
                        ),
                    ));
                }
                if request.validate_only {
                    return Ok(current);
                }
                let id = state.new_id('C');
                let mut stored = current;
                stored.cloud_identity_id = id.clone();
                stored.cloud_identity_info = Some(CloudIdentityInfo {
                    customer_type: if info.customer_type == 0 {
                        CustomerType::Domain as i32
                    } else {
                        info.customer_type
                    },
                    primary_domain: stored.domain.clone(),
                    is_domain_verified: false,
                    alternate_email: if info.alternate_email.is_empty() {
                        stored.alternate_email.clone()
                    } else {
                        info.alternate_email
                    },
                    phone_number: info.phone_number,
                    language_code: if info.language_code.is_empty() {
                        stored.language_code.clone()
                    } else {
                        info.language_code
                    },
                    admin_console_uri: format!("https://admin.google.com/?cid={id}"),
                    edu_data: info.edu_data,
                });
                stored.update_time = Some(self.now());
                state.customers.insert(&stored);
                Ok(stored)
            },
        )
    }
}

/// A customer's postal address is required, and within it the region code
/// (`google.type.PostalAddress` documents `region_code` as required).
fn check_postal_address(address: Option<&PostalAddress>) -> Result<(), Error> {
    match address {
        None => Err(invalid(
            "customer.org_postal_address",
            "required field is missing",
        )),
        Some(a) if a.region_code.is_empty() => Err(invalid(
            "customer.org_postal_address.region_code",
            "required field is missing; expected a CLDR region code such as \"US\"",
        )),
        Some(_) => Ok(()),
    }
}

/// An update whose mask names a required field (or a part of it) must
/// leave it set: a mask naming `org_display_name` with a request that
/// leaves it out, or `*` without the address, would clear it.
fn check_required_fields_kept(updated: &Customer, paths: &[String]) -> Result<(), Error> {
    let touches = |field: &str| {
        paths
            .iter()
            .any(|p| p == field || p.strip_prefix(field).is_some_and(|r| r.starts_with('.')))
    };
    if touches("org_display_name") {
        require(&[("customer.org_display_name", &updated.org_display_name)])?;
    }
    if touches("org_postal_address") {
        check_postal_address(updated.org_postal_address.as_ref())?;
    }
    Ok(())
}

/// The customer's email fields, when set, must hold email addresses.
fn check_emails(input: &Customer) -> Result<(), Error> {
    validate::email("customer.alternate_email", &input.alternate_email)?;
    if let Some(contact) = &input.primary_contact_info {
        validate::email("customer.primary_contact_info.email", &contact.email)?;
    }
    Ok(())
}

/// The customer fields an update may change (and their sub-fields).
const UPDATABLE: &[&str] = &[
    "org_display_name",
    "org_postal_address",
    "primary_contact_info",
    "alternate_email",
    "language_code",
    "correlation_id",
    "customer_attestation_state",
];

/// The updatable top-level fields that `input` sets to something other
/// than their default, in snake_case: the implied mask of an update that
/// names none.
fn populated_updatable_fields(input: &Customer) -> Result<Vec<String>, Error> {
    let json =
        serde_json::to_value(input).map_err(|e| Error::rpc(Code::Internal, e.to_string()))?;
    Ok(UPDATABLE
        .iter()
        .filter(|path| json.get(channel_types::json_name(path)).is_some())
        .map(|path| (*path).to_string())
        .collect())
}

/// Copies each masked path (top-level or nested, e.g.
/// `primary_contact_info.email`) from `input` onto a copy of `stored`,
/// through the messages' JSON form so any nesting works the same way.
fn apply_mask(stored: &Customer, input: &Customer, paths: &[String]) -> Result<Customer, Error> {
    let to_json = |c: &Customer| {
        serde_json::to_value(c).map_err(|e| Error::rpc(Code::Internal, e.to_string()))
    };
    let mut target = to_json(stored)?;
    let source = to_json(input)?;
    for path in paths {
        let root = path.split('.').next().unwrap_or_default();
        if !UPDATABLE.contains(&root) {
            return Err(invalid(
                "update_mask",
                format!("{:?} is not a field that can be updated", shorten(path)),
            ));
        }
        let keys: Vec<String> = channel_types::json_name(path)
            .split('.')
            .map(str::to_string)
            .collect();
        let mut from = Some(&source);
        for key in &keys {
            from = from.and_then(|v| v.get(key));
        }
        let (last, parents) = keys
            .split_last()
            .ok_or_else(|| invalid("update_mask", "empty path"))?;
        let mut node = &mut target;
        for key in parents {
            let object = node.as_object_mut().ok_or_else(|| {
                invalid(
                    "update_mask",
                    format!("{:?} does not name a field", shorten(path)),
                )
            })?;
            node = object
                .entry(key.clone())
                .or_insert_with(|| serde_json::Value::Object(Default::default()));
        }
        let object = node.as_object_mut().ok_or_else(|| {
            invalid(
                "update_mask",
                format!("{:?} does not name a field", shorten(path)),
            )
        })?;
        match from {
            Some(value) => {
                object.insert(last.clone(), value.clone());
            }
            // Masked but unset in the input: cleared.
            None => {
                object.remove(last);
            }
        }
    }
    serde_json::from_value(target).map_err(|e| {
        invalid(
            "update_mask",
            format!("the update does not fit a customer: {e}"),
        )
    })
}

/// The fields ListCustomers filters on, as documented: exact match on all
/// four, prefix match (`: "abc*"`) on the domain and the organization name.
const CUSTOMER_FILTER: &[Key] = &[
    Key {
        name: "domain",
        ops: &[Op::Eq, Op::Has],
        kind: ValueKind::Text { prefix: true },
    },
    Key {
        name: "org_display_name",
        ops: &[Op::Eq, Op::Has],
        kind: ValueKind::Text { prefix: true },
    },
    Key {
        name: "cloud_identity_id",
        ops: &[Op::Eq],
        kind: ValueKind::Text { prefix: false },
    },
    Key {
        name: "channel_partner_id",
        ops: &[Op::Eq],
        kind: ValueKind::Text { prefix: false },
    },
];

fn customer_field(c: &Customer, field: &str) -> String {
    match field {
        "domain" => c.domain.clone(),
        "org_display_name" => c.org_display_name.clone(),
        "cloud_identity_id" => c.cloud_identity_id.clone(),
        "channel_partner_id" => c.channel_partner_id.clone(),
        _ => String::new(),
    }
}
