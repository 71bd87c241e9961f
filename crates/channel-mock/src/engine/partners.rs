//! Channel partner links (distributors' resellers) and repricing configs,
//! for customers and for channel partners.

use channel_core::Error;
use channel_types::model::{
    ChannelPartnerLink, ChannelPartnerLinkState, ChannelPartnerLinkView,
    ChannelPartnerRepricingConfig, CloudIdentityInfo, CreateChannelPartnerLinkRequest,
    CreateChannelPartnerRepricingConfigRequest, CreateCustomerRepricingConfigRequest,
    CustomerRepricingConfig, DeleteChannelPartnerRepricingConfigRequest,
    DeleteCustomerRepricingConfigRequest, GetChannelPartnerLinkRequest,
    GetChannelPartnerRepricingConfigRequest, GetCustomerRepricingConfigRequest,
    ListChannelPartnerLinksRequest, ListChannelPartnerLinksResponse,
    ListChannelPartnerRepricingConfigsRequest, ListChannelPartnerRepricingConfigsResponse,
    ListCustomerRepricingConfigsRequest, ListCustomerRepricingConfigsResponse, RepricingAdjustment,
    RepricingConfig, UpdateChannelPartnerLinkRequest, UpdateChannelPartnerRepricingConfigRequest,
    UpdateCustomerRepricingConfigRequest, repricing_adjustment, repricing_config,
};
use channel_types::names::{
    AccountNameRef, ChannelPartnerLinkNameRef, ChannelPartnerRepricingConfigNameRef,
    CustomerNameRef, CustomerRepricingConfigNameRef,
};
use channel_types::wkt::{Empty, Timestamp};
use std::collections::BTreeMap;

use super::customers::customer;
use super::errors::{invalid, not_found, require};
use super::filter::{Filter, Key, Op, ValueKind};
use super::paging::{PageLimits, page, page_size};
use super::state::State;
use super::validate::{self, shorten};
use super::{Caller, Engine};

/// The lowest percentage adjustment: a markdown of the whole bill. The
/// reference gives no bound; below -100 the bill would turn negative.
const LOWEST_PERCENTAGE: f64 = -100.0;

/// Checks an adjustment: a percentage in `google.type.Decimal` form, not
/// below [`LOWEST_PERCENTAGE`].
fn check_adjustment(adjustment: Option<&RepricingAdjustment>, field: &str) -> Result<(), Error> {
    let Some(repricing_adjustment::Adjustment::PercentageAdjustment(p)) =
        adjustment.and_then(|a| a.adjustment.as_ref())
    else {
        return Err(invalid(field, "required field is missing"));
    };
    let field = format!("{field}.percentage_adjustment.percentage");
    let text = p.percentage.as_ref().map_or("", |d| d.value.as_str());
    match validate::decimal(text) {
        // A value past what a double holds (`1e999`) is no percentage.
        Some(value) if !value.is_finite() => Err(invalid(
            &field,
            format!(
                "{:?} is out of range: a percentage is a number such as \"-1.00\" or \"12.5\"",
                shorten(text)
            ),
        )),
        Some(value) if value >= LOWEST_PERCENTAGE => Ok(()),
        Some(_) => Err(invalid(
            &field,
            format!("{text} is below {LOWEST_PERCENTAGE}: a markdown cannot exceed the whole bill"),
        )),
        None => Err(invalid(
            &field,
            format!(
                "{:?} is not a decimal (expected e.g. \"-1.00\" for a 1% markdown)",
                shorten(text)
            ),
        )),
    }
}

/// Checks the parts of a repricing config the service requires and
/// returns its effective month, which may not be in the past.
fn check_repricing(
    config: Option<&RepricingConfig>,
    field: &str,
    customer_name: Option<&str>,
    now: (i32, i32),
) -> Result<(i32, i32), Error> {
    let config = config.ok_or_else(|| invalid(field, "required field is missing"))?;
    check_adjustment(config.adjustment.as_ref(), &format!("{field}.adjustment"))?;
    if config.rebilling_basis == 0 {
        return Err(invalid(
            &format!("{field}.rebilling_basis"),
            "required field is missing",
        ));
    }
    for (i, o) in config.conditional_overrides.iter().enumerate() {
        let here = format!("{field}.conditional_overrides[{i}]");
        check_adjustment(o.adjustment.as_ref(), &format!("{here}.adjustment"))?;
        if o.rebilling_basis == 0 {
            return Err(invalid(
                &format!("{here}.rebilling_basis"),
                "required field is missing",
            ));
        }
        // REQUIRED in the contract: an override applies under a condition.
        if o.repricing_condition.is_none() {
            return Err(invalid(
                &format!("{here}.repricing_condition"),
                "required field is missing; expected e.g. a sku_group_condition",
            ));
        }
    }
    let month_field = format!("{field}.effective_invoice_month");
    let date = config
        .effective_invoice_month
        .as_ref()
        .ok_or_else(|| invalid(&month_field, "required field is missing"))?;
    let month = validate::year_month(&month_field, date)?;
    if month < now {
        return Err(invalid(
            &month_field,
            format!(
                "{}-{:02} is in the past; the earliest effective month is {}-{:02}",
                month.0, month.1, now.0, now.1
            ),
        ));
    }
    if let Some(customer_name) = customer_name {
        match &config.granularity {
            Some(repricing_config::Granularity::EntitlementGranularity(g)) => {
                if !g
                    .entitlement
                    .starts_with(&format!("{customer_name}/entitlements/"))
                {
                    return Err(invalid(
                        &format!("{field}.entitlement_granularity.entitlement"),
                        "must be an entitlement of this customer",
                    ));
                }
            }
            _ => {
                return Err(invalid(
                    &format!("{field}.entitlement_granularity"),
                    "required field is missing",
                ));
            }
        }
    }
    Ok(month)
}

/// The effective month of a stored config.
fn effective_month(config: Option<&RepricingConfig>) -> (i32, i32) {
    config
        .and_then(|c| c.effective_invoice_month.as_ref())
        .map_or((0, 0), |d| (d.year, d.month))
}

/// The most configs one entitlement (or channel partner) may have for the
/// current month, as the reference of the create methods gives it.
const CURRENT_MONTH_LIMIT: usize = 10;

/// What a config reprices: the entitlement its granularity names, or else
/// its whole parent (a channel partner's bill).
fn repriced<'a>(parent: &'a str, config: Option<&'a RepricingConfig>) -> &'a str {
    match config.and_then(|c| c.granularity.as_ref()) {
        Some(repricing_config::Granularity::EntitlementGranularity(g))
            if !g.entitlement.is_empty() =>
        {
            &g.entitlement
        }
        _ => parent,
    }
}

/// Whether two configs set the same terms, whatever month each starts in.
fn same_terms(a: Option<&RepricingConfig>, b: Option<&RepricingConfig>) -> bool {
    let terms = |c: Option<&RepricingConfig>| {
        c.cloned().map(|mut c| {
            c.effective_invoice_month = None;
            c
        })
    };
    terms(a) == terms(b)
}

/// The repricing config lists filter on their parent only (`customer` or
/// `channel_partner`, `=` joined by `OR`), and only across all parents
/// (`.../customers/-`, `.../channelPartnerLinks/-`), as documented.
fn repricing_filter(
    text: &str,
    key: &'static str,
    across_all: bool,
    collection: &str,
) -> Result<Filter, Error> {
    let keys = [Key {
        name: key,
        ops: &[Op::Eq],
        kind: ValueKind::Text { prefix: false },
    }];
    let filter = Filter::new_or_only(text, &keys)?;
    if filter.expr().is_some() && !across_all {
        return Err(invalid(
            "filter",
            format!("a filter needs the parent accounts/{{account}}/{collection}/- (all of them)"),
        ));
    }
    Ok(filter)
}

/// The two kinds of repricing config (a customer's and a channel partner's):
/// the same record under different parents, kept in different maps.
trait RepricingRecord: Clone + Sized {
    /// The collection word under the parent, e.g. `customerRepricingConfigs`.
    const COLLECTION: &'static str;
    /// What an error calls it.
    const WHAT: &'static str;
    fn new(name: String, config: Option<RepricingConfig>) -> Self;
    fn name(&self) -> &str;
    fn set_config(&mut self, config: Option<RepricingConfig>);
    fn config(&self) -> Option<&RepricingConfig>;
    /// When it was last written, for ordering configs of one month.
    fn written_at(&self) -> (i64, i32);
    fn map(state: &mut State) -> &mut BTreeMap<String, Self>;
    fn map_ref(state: &State) -> &BTreeMap<String, Self>;
}

impl RepricingRecord for CustomerRepricingConfig {
    const COLLECTION: &'static str = "customerRepricingConfigs";
    const WHAT: &'static str = "customer repricing config";
    fn new(name: String, repricing_config: Option<RepricingConfig>) -> Self {
        CustomerRepricingConfig {
            name,
            repricing_config,
            update_time: Some(Timestamp::now()),
        }
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn set_config(&mut self, config: Option<RepricingConfig>) {
        self.repricing_config = config;
        self.update_time = Some(Timestamp::now());
    }
    fn config(&self) -> Option<&RepricingConfig> {
        self.repricing_config.as_ref()
    }
    fn written_at(&self) -> (i64, i32) {
        self.update_time.map_or((0, 0), |t| (t.seconds, t.nanos))
    }
    fn map(state: &mut State) -> &mut BTreeMap<String, Self> {
        &mut state.customer_repricing
    }
    fn map_ref(state: &State) -> &BTreeMap<String, Self> {
        &state.customer_repricing
    }
}

impl RepricingRecord for ChannelPartnerRepricingConfig {
    const COLLECTION: &'static str = "channelPartnerRepricingConfigs";
    const WHAT: &'static str = "channel partner repricing config";
    fn new(name: String, repricing_config: Option<RepricingConfig>) -> Self {
        ChannelPartnerRepricingConfig {
            name,
            repricing_config,
            update_time: Some(Timestamp::now()),
        }
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn set_config(&mut self, config: Option<RepricingConfig>) {
        self.repricing_config = config;
        self.update_time = Some(Timestamp::now());
    }
    fn config(&self) -> Option<&RepricingConfig> {
        self.repricing_config.as_ref()
    }
    fn written_at(&self) -> (i64, i32) {
        self.update_time.map_or((0, 0), |t| (t.seconds, t.nanos))
    }
    fn map(state: &mut State) -> &mut BTreeMap<String, Self> {
        &mut state.partner_repricing
    }
    fn map_ref(state: &State) -> &BTreeMap<String, Self> {
        &state.partner_repricing
    }
}

/// A link as the request's `view` shows it: the reference gives the
/// channel partner's Cloud Identity details in the FULL view only; BASIC,
/// and UNSPECIFIED (or a number the enum does not name), which default to
/// it, leave them out.
fn in_view(mut link: ChannelPartnerLink, view: ChannelPartnerLinkView) -> ChannelPartnerLink {
    if view != ChannelPartnerLinkView::Full {
        link.channel_partner_cloud_identity_info = None;
    }
    link
}

impl Engine {
    /// The month on the emulator's clock (which a test may move ahead):
    /// what "past", "current" and "future" mean for a config's month.
    fn current_month(&self) -> (i32, i32) {
        validate::month_of(self.now())
    }

    /// Stores a new config under `parent` with a server-assigned id, under
    /// the create methods' documented rules: a future month takes one
    /// config per entitlement (or channel partner); the current month, kept
    /// for correcting a mistake, takes up to [`CURRENT_MONTH_LIMIT`], each
    /// different from the config then in effect. (`check_repricing` has
    /// refused past months already.)
    fn store_new_config<T: RepricingRecord>(
        &self,
        parent: &str,
        field: &str,
        config: Option<RepricingConfig>,
    ) -> Result<T, Error> {
        let mut state = self.write();
        let month = effective_month(config.as_ref());
        let now = self.current_month();
        let target = repriced(parent, config.as_ref());
        let prefix = format!("{parent}/{}/", T::COLLECTION);
        let siblings: Vec<&T> = T::map_ref(&state)
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .map(|(_, c)| c)
            .filter(|c| repriced(parent, c.config()) == target)
            .collect();
        let month_field = format!("{field}.effective_invoice_month");
        let in_month = siblings
            .iter()
            .filter(|c| effective_month(c.config()) == month);
        if month > now {
            if let Some(existing) = in_month.clone().next() {
                return Err(invalid(
                    &month_field,
                    format!(
                        "{} already reprices {} from {}-{:02}; update or delete it instead",
                        existing.name(),
                        shorten(target),
                        month.0,
                        month.1
                    ),
                ));
            }
        } else {
            if in_month.count() >= CURRENT_MONTH_LIMIT {
                return Err(invalid(
                    &month_field,
                    format!(
                        "{} has {CURRENT_MONTH_LIMIT} configs for {}-{:02} already, the most one month takes",
                        shorten(target),
                        month.0,
                        month.1
                    ),
                ));
            }
            // In effect: the latest month up to now, its last config written.
            let in_effect = siblings
                .iter()
                .filter(|c| effective_month(c.config()) <= now)
                .max_by_key(|c| (effective_month(c.config()), c.written_at()));
            if in_effect.is_some_and(|c| same_terms(c.config(), config.as_ref())) {
                return Err(invalid(
                    field,
                    format!(
                        "the config in effect for {} has the same terms; a config of the current month must change them",
                        shorten(target)
                    ),
                ));
            }
        }
        let id = state.new_id('R');
        let record = T::new(format!("{prefix}{id}"), config);
        T::map(&mut state).insert(record.name().to_string(), record.clone());
        Ok(record)
    }

    fn stored_config<T: RepricingRecord>(&self, name: &str) -> Result<T, Error> {
        T::map_ref(&self.read())
            .get(name)
            .cloned()
            .ok_or_else(|| not_found(T::WHAT, name))
    }

    /// Replaces a stored config: only one of a future month, and never
    /// its month.
    fn replace_config<T: RepricingRecord>(
        &self,
        name: &str,
        field: &str,
        config: Option<RepricingConfig>,
    ) -> Result<T, Error> {
        let mut state = self.write();
        let stored = T::map_ref(&state)
            .get(name)
            .ok_or_else(|| not_found(T::WHAT, name))?;
        let current = effective_month(stored.config());
        if current <= self.current_month() {
            return Err(invalid(
                &format!("{field}.effective_invoice_month"),
                format!(
                    "{name} took effect in {}-{:02}; only configs of a future month can be updated",
                    current.0, current.1
                ),
            ));
        }
        if effective_month(config.as_ref()) != current {
            return Err(invalid(
                &format!("{field}.effective_invoice_month"),
                "the effective month of a config cannot be changed; delete it and create another",
            ));
        }
        // A new entitlement in the granularity may not take a month another
        // config of that entitlement holds: Create's one-per-month rule.
        let separator = format!("/{}/", T::COLLECTION);
        let parent = name.rsplit_once(&separator).map_or(name, |(p, _)| p);
        let target = repriced(parent, config.as_ref());
        let prefix = format!("{parent}{separator}");
        let taken = T::map_ref(&state)
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .find(|(k, c)| {
                k.as_str() != name
                    && effective_month(c.config()) == current
                    && repriced(parent, c.config()) == target
            })
            .map(|(k, _)| k.clone());
        if let Some(other) = taken {
            return Err(invalid(
                &format!("{field}.effective_invoice_month"),
                format!(
                    "{other} already reprices {} from {}-{:02}",
                    shorten(target),
                    current.0,
                    current.1
                ),
            ));
        }
        let stored = T::map(&mut state)
            .get_mut(name)
            .ok_or_else(|| not_found(T::WHAT, name))?;
        stored.set_config(config);
        Ok(stored.clone())
    }

    /// Deletes a stored config: only one that is not yet in effect.
    fn remove_config<T: RepricingRecord>(&self, name: &str) -> Result<Empty, Error> {
        let mut state = self.write();
        let map = T::map(&mut state);
        let stored = map.get(name).ok_or_else(|| not_found(T::WHAT, name))?;
        let month = effective_month(stored.config());
        if month <= self.current_month() {
            return Err(Error::rpc(
                channel_types::rpc::Code::FailedPrecondition,
                format!(
                    "{name} is active or in the past (effective {}-{:02}); only future configs can be deleted",
                    month.0, month.1
                ),
            ));
        }
        map.remove(name);
        Ok(Empty {})
    }

    fn link_parent(&self, caller: &Caller, method: &str, parent: &str) -> Result<(), Error> {
        caller.check_distributor(method)?;
        require(&[("parent", parent)])?;
        let account =
            AccountNameRef::parse(parent).map_err(|e| invalid("parent", e.to_string()))?;
        caller.check_account(account.account())
    }

    fn link_name(
        &self,
        caller: &Caller,
        method: &str,
        field: &str,
        name: &str,
    ) -> Result<(), Error> {
        caller.check_distributor(method)?;
        require(&[(field, name)])?;
        let link =
            ChannelPartnerLinkNameRef::parse(name).map_err(|e| invalid(field, e.to_string()))?;
        caller.check_account(link.account())
    }

    pub(super) fn list_channel_partner_links(
        &self,
        caller: &Caller,
        request: ListChannelPartnerLinksRequest,
    ) -> Result<ListChannelPartnerLinksResponse, Error> {
        self.link_parent(caller, "ListChannelPartnerLinks", &request.parent)?;
        // The reference: 25 when unspecified, at most 200.
        let size = page_size(
            request.page_size,
            PageLimits {
                default: 25,
                max: 200,
            },
        )?;
        let state = self.read();
        let prefix = format!("{}/channelPartnerLinks/", request.parent);
        let scope = format!("links:{}", request.parent);
        let (channel_partner_links, next_page_token) = page(
            &state.links,
            &prefix,
            self.inner.tokens,
            &scope,
            &request.page_token,
            size,
            |_, l| Some(in_view(l.clone(), request.view())),
        )?;
        Ok(ListChannelPartnerLinksResponse {
            channel_partner_links,
            next_page_token,
        })
    }

    pub(super) fn get_channel_partner_link(
        &self,
        caller: &Caller,
        request: GetChannelPartnerLinkRequest,
    ) -> Result<ChannelPartnerLink, Error> {
        self.link_name(caller, "GetChannelPartnerLink", "name", &request.name)?;
        self.read()
            .links
            .get(&request.name)
            .map(|l| in_view(l.clone(), request.view()))
            .ok_or_else(|| not_found("channel partner link", &request.name))
    }

    pub(super) fn create_channel_partner_link(
        &self,
        caller: &Caller,
        request: CreateChannelPartnerLinkRequest,
    ) -> Result<ChannelPartnerLink, Error> {
        self.link_parent(caller, "CreateChannelPartnerLink", &request.parent)?;
        let input = request.channel_partner_link.unwrap_or_default();
        require(&[(
            "channel_partner_link.reseller_cloud_identity_id",
            &input.reseller_cloud_identity_id,
        )])?;
        if input.link_state() != ChannelPartnerLinkState::Invited {
            return Err(invalid(
                "channel_partner_link.link_state",
                "a new link must be INVITED",
            ));
        }
        let mut state = self.write();
        let prefix = format!("{}/channelPartnerLinks/", request.parent);
        if state.links.iter().any(|(k, l)| {
            k.starts_with(&prefix)
                && l.reseller_cloud_identity_id == input.reseller_cloud_identity_id
        }) {
            return Err(Error::rpc(
                channel_types::rpc::Code::AlreadyExists,
                "a link to this reseller already exists",
            ));
        }
        let id = state.new_id('L');
        let now = Timestamp::now();
        let link = ChannelPartnerLink {
            name: format!("{prefix}{id}"),
            reseller_cloud_identity_id: input.reseller_cloud_identity_id,
            link_state: ChannelPartnerLinkState::Invited as i32,
            invite_link_uri: format!("https://partners.example/invite?link={id}"),
            create_time: Some(now),
            update_time: Some(now),
            public_id: format!("pub-{id}"),
            channel_partner_cloud_identity_info: Some(CloudIdentityInfo::default()),
        };
        state.links.insert(link.name.clone(), link.clone());
        Ok(link)
    }

    pub(super) fn update_channel_partner_link(
        &self,
        caller: &Caller,
        request: UpdateChannelPartnerLinkRequest,
    ) -> Result<ChannelPartnerLink, Error> {
        self.link_name(caller, "UpdateChannelPartnerLink", "name", &request.name)?;
        let input = request.channel_partner_link.unwrap_or_default();
        let paths = request.update_mask.map(|m| m.paths).unwrap_or_default();
        if paths.is_empty() {
            return Err(invalid("update_mask", "required field is missing"));
        }
        // A full replacement changes what a caller may change: the state.
        let paths = validate::expand_wildcard(paths, &["link_state"])?;
        for path in &paths {
            // The reference shows the path both bare and under the request
            // field's name.
            let field = path.strip_prefix("channel_partner_link.").unwrap_or(path);
            if field == "link_state" {
                continue;
            }
            validate::mask_paths(
                "google.cloud.channel.v1.ChannelPartnerLink",
                &[field.to_string()],
            )?;
            return Err(invalid(
                "update_mask",
                format!("{:?} can't be updated; only link_state can", shorten(path)),
            ));
        }
        let mut state = self.write();
        let link = state
            .links
            .get_mut(&request.name)
            .ok_or_else(|| not_found("channel partner link", &request.name))?;
        let (from, to) = (link.link_state(), input.link_state());
        let allowed = matches!(
            (from, to),
            (
                ChannelPartnerLinkState::Active,
                ChannelPartnerLinkState::Suspended
            ) | (
                ChannelPartnerLinkState::Suspended,
                ChannelPartnerLinkState::Active
            ) | (
                ChannelPartnerLinkState::Invited,
                ChannelPartnerLinkState::Revoked
            ) | (
                ChannelPartnerLinkState::Active,
                ChannelPartnerLinkState::Revoked
            ) | (
                ChannelPartnerLinkState::Suspended,
                ChannelPartnerLinkState::Revoked
            )
        );
        if !allowed {
            return Err(invalid(
                "channel_partner_link.link_state",
                format!(
                    "a link can't go from {} to {}; only the partner accepts an invitation",
                    from.as_str_name(),
                    to.as_str_name()
                ),
            ));
        }
        link.link_state = to as i32;
        link.update_time = Some(Timestamp::now());
        Ok(link.clone())
    }

    /// A customer config reprices an entitlement the customer has: one
    /// that does not exist is an invalid argument (`check_repricing` has
    /// checked it is named under the customer).
    fn check_repriced_entitlement(&self, config: Option<&RepricingConfig>) -> Result<(), Error> {
        let Some(repricing_config::Granularity::EntitlementGranularity(g)) =
            config.and_then(|c| c.granularity.as_ref())
        else {
            return Ok(());
        };
        if self.read().entitlements.contains(&g.entitlement) {
            return Ok(());
        }
        Err(invalid(
            "customer_repricing_config.repricing_config.entitlement_granularity.entitlement",
            format!(
                "{} is not an entitlement of the customer",
                shorten(&g.entitlement)
            ),
        ))
    }

    fn customer_config_parent(
        &self,
        caller: &Caller,
        field: &str,
        name: &str,
    ) -> Result<(), Error> {
        require(&[(field, name)])?;
        let parsed = CustomerNameRef::parse(name).map_err(|e| invalid(field, e.to_string()))?;
        caller.check_account(parsed.account())?;
        customer(&self.read(), name).map(drop)
    }

    pub(super) fn list_customer_repricing_configs(
        &self,
        caller: &Caller,
        request: ListCustomerRepricingConfigsRequest,
    ) -> Result<ListCustomerRepricingConfigsResponse, Error> {
        // `-` for the customer lists the configs of every customer of the account.
        let all = request.parent.strip_suffix("/customers/-");
        match all {
            Some(account) => {
                let parsed =
                    AccountNameRef::parse(account).map_err(|e| invalid("parent", e.to_string()))?;
                caller.check_account(parsed.account())?;
            }
            None => self.customer_config_parent(caller, "parent", &request.parent)?,
        }
        let filter = repricing_filter(&request.filter, "customer", all.is_some(), "customers")?;
        let size = page_size(
            request.page_size,
            PageLimits {
                default: 50,
                max: 100,
            },
        )?;
        let state = self.read();
        let prefix = match all {
            Some(account) => format!("{account}/customers/"),
            None => format!("{}/customerRepricingConfigs/", request.parent),
        };
        let scope = format!("crc:{}:{}", request.parent, request.filter);
        let (customer_repricing_configs, next_page_token) = page(
            &state.customer_repricing,
            &prefix,
            self.inner.tokens,
            &scope,
            &request.page_token,
            size,
            |_, c| {
                let customer = c.name.split("/customerRepricingConfigs/").next();
                filter
                    .matches(&|_| customer.unwrap_or_default().to_string())
                    .then(|| c.clone())
            },
        )?;
        Ok(ListCustomerRepricingConfigsResponse {
            customer_repricing_configs,
            next_page_token,
        })
    }

    pub(super) fn get_customer_repricing_config(
        &self,
        caller: &Caller,
        request: GetCustomerRepricingConfigRequest,
    ) -> Result<CustomerRepricingConfig, Error> {
        require(&[("name", &request.name)])?;
        let parsed = CustomerRepricingConfigNameRef::parse(&request.name)
            .map_err(|e| invalid("name", e.to_string()))?;
        caller.check_account(parsed.account())?;
        self.stored_config(&request.name)
    }

    pub(super) fn create_customer_repricing_config(
        &self,
        caller: &Caller,
        request: CreateCustomerRepricingConfigRequest,
    ) -> Result<CustomerRepricingConfig, Error> {
        self.customer_config_parent(caller, "parent", &request.parent)?;
        let input = request.customer_repricing_config.unwrap_or_default();
        check_repricing(
            input.repricing_config.as_ref(),
            "customer_repricing_config.repricing_config",
            Some(&request.parent),
            self.current_month(),
        )?;
        self.check_repriced_entitlement(input.repricing_config.as_ref())?;
        self.store_new_config(
            &request.parent,
            "customer_repricing_config.repricing_config",
            input.repricing_config,
        )
    }

    pub(super) fn update_customer_repricing_config(
        &self,
        caller: &Caller,
        request: UpdateCustomerRepricingConfigRequest,
    ) -> Result<CustomerRepricingConfig, Error> {
        let input = request.customer_repricing_config.unwrap_or_default();
        require(&[("customer_repricing_config.name", &input.name)])?;
        let parsed = CustomerRepricingConfigNameRef::parse(&input.name)
            .map_err(|e| invalid("customer_repricing_config.name", e.to_string()))?;
        caller.check_account(parsed.account())?;
        let customer_name = parsed.parent().to_string();
        check_repricing(
            input.repricing_config.as_ref(),
            "customer_repricing_config.repricing_config",
            Some(&customer_name),
            self.current_month(),
        )?;
        self.check_repriced_entitlement(input.repricing_config.as_ref())?;
        self.replace_config(
            &input.name,
            "customer_repricing_config.repricing_config",
            input.repricing_config,
        )
    }

    pub(super) fn delete_customer_repricing_config(
        &self,
        caller: &Caller,
        request: DeleteCustomerRepricingConfigRequest,
    ) -> Result<Empty, Error> {
        require(&[("name", &request.name)])?;
        let parsed = CustomerRepricingConfigNameRef::parse(&request.name)
            .map_err(|e| invalid("name", e.to_string()))?;
        caller.check_account(parsed.account())?;
        self.remove_config::<CustomerRepricingConfig>(&request.name)
    }

    fn partner_config_parent(
        &self,
        caller: &Caller,
        method: &str,
        name: &str,
    ) -> Result<(), Error> {
        self.link_name(caller, method, "parent", name)?;
        if self.read().links.contains_key(name) {
            Ok(())
        } else {
            Err(not_found("channel partner link", name))
        }
    }

    pub(super) fn list_channel_partner_repricing_configs(
        &self,
        caller: &Caller,
        request: ListChannelPartnerRepricingConfigsRequest,
    ) -> Result<ListChannelPartnerRepricingConfigsResponse, Error> {
        // `-` for the link lists the configs of every channel partner.
        let all = request.parent.strip_suffix("/channelPartnerLinks/-");
        match all {
            Some(account) => {
                caller.check_distributor("ListChannelPartnerRepricingConfigs")?;
                let parsed =
                    AccountNameRef::parse(account).map_err(|e| invalid("parent", e.to_string()))?;
                caller.check_account(parsed.account())?;
            }
            None => self.partner_config_parent(
                caller,
                "ListChannelPartnerRepricingConfigs",
                &request.parent,
            )?,
        }
        let filter = repricing_filter(
            &request.filter,
            "channel_partner",
            all.is_some(),
            "channelPartnerLinks",
        )?;
        let size = page_size(
            request.page_size,
            PageLimits {
                default: 50,
                max: 100,
            },
        )?;
        let state = self.read();
        let prefix = match all {
            Some(account) => format!("{account}/channelPartnerLinks/"),
            None => format!("{}/channelPartnerRepricingConfigs/", request.parent),
        };
        let scope = format!("cprc:{}:{}", request.parent, request.filter);
        let (channel_partner_repricing_configs, next_page_token) = page(
            &state.partner_repricing,
            &prefix,
            self.inner.tokens,
            &scope,
            &request.page_token,
            size,
            |_, c| {
                let link = c.name.split("/channelPartnerRepricingConfigs/").next();
                filter
                    .matches(&|_| link.unwrap_or_default().to_string())
                    .then(|| c.clone())
            },
        )?;
        Ok(ListChannelPartnerRepricingConfigsResponse {
            channel_partner_repricing_configs,
            next_page_token,
        })
    }

    fn partner_config_name(
        &self,
        caller: &Caller,
        method: &str,
        field: &str,
        name: &str,
    ) -> Result<(), Error> {
        caller.check_distributor(method)?;
        require(&[(field, name)])?;
        let parsed = ChannelPartnerRepricingConfigNameRef::parse(name)
            .map_err(|e| invalid(field, e.to_string()))?;
        caller.check_account(parsed.account())
    }

    pub(super) fn get_channel_partner_repricing_config(
        &self,
        caller: &Caller,
        request: GetChannelPartnerRepricingConfigRequest,
    ) -> Result<ChannelPartnerRepricingConfig, Error> {
        self.partner_config_name(
            caller,
            "GetChannelPartnerRepricingConfig",
            "name",
            &request.name,
        )?;
        self.stored_config(&request.name)
    }

    pub(super) fn create_channel_partner_repricing_config(
        &self,
        caller: &Caller,
        request: CreateChannelPartnerRepricingConfigRequest,
    ) -> Result<ChannelPartnerRepricingConfig, Error> {
        self.partner_config_parent(
            caller,
            "CreateChannelPartnerRepricingConfig",
            &request.parent,
        )?;
        let input = request.channel_partner_repricing_config.unwrap_or_default();
        check_repricing(
            input.repricing_config.as_ref(),
            "channel_partner_repricing_config.repricing_config",
            None,
            self.current_month(),
        )?;
        self.store_new_config(
            &request.parent,
            "channel_partner_repricing_config.repricing_config",
            input.repricing_config,
        )
    }

    pub(super) fn update_channel_partner_repricing_config(
        &self,
        caller: &Caller,
        request: UpdateChannelPartnerRepricingConfigRequest,
    ) -> Result<ChannelPartnerRepricingConfig, Error> {
        let input = request.channel_partner_repricing_config.unwrap_or_default();
        self.partner_config_name(
            caller,
            "UpdateChannelPartnerRepricingConfig",
            "channel_partner_repricing_config.name",
            &input.name,
        )?;
        check_repricing(
            input.repricing_config.as_ref(),
            "channel_partner_repricing_config.repricing_config",
            None,
            self.current_month(),
        )?;
        self.replace_config(
            &input.name,
            "channel_partner_repricing_config.repricing_config",
            input.repricing_config,
        )
    }

    pub(super) fn delete_channel_partner_repricing_config(
        &self,
        caller: &Caller,
        request: DeleteChannelPartnerRepricingConfigRequest,
    ) -> Result<Empty, Error> {
        self.partner_config_name(
            caller,
            "DeleteChannelPartnerRepricingConfig",
            "name",
            &request.name,
        )?;
        self.remove_config::<ChannelPartnerRepricingConfig>(&request.name)
    }
}
