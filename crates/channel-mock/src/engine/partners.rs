//! Channel partner links (distributors' resellers) and repricing configs,
//! for customers and for channel partners.

use channel_core::Error;
use channel_types::model::{
    ChannelPartnerLink, ChannelPartnerLinkState, ChannelPartnerRepricingConfig, CloudIdentityInfo,
    CreateChannelPartnerLinkRequest, CreateChannelPartnerRepricingConfigRequest,
    CreateCustomerRepricingConfigRequest, CustomerRepricingConfig,
    DeleteChannelPartnerRepricingConfigRequest, DeleteCustomerRepricingConfigRequest,
    GetChannelPartnerLinkRequest, GetChannelPartnerRepricingConfigRequest,
    GetCustomerRepricingConfigRequest, ListChannelPartnerLinksRequest,
    ListChannelPartnerLinksResponse, ListChannelPartnerRepricingConfigsRequest,
    ListChannelPartnerRepricingConfigsResponse, ListCustomerRepricingConfigsRequest,
    ListCustomerRepricingConfigsResponse, RepricingConfig, UpdateChannelPartnerLinkRequest,
    UpdateChannelPartnerRepricingConfigRequest, UpdateCustomerRepricingConfigRequest,
    repricing_config,
};
use channel_types::names::{
    AccountRef, ChannelPartnerLinkRef, ChannelPartnerRepricingConfigRef, CustomerRef,
    CustomerRepricingConfigRef,
};
use channel_types::wkt::{Empty, Timestamp};
use std::collections::BTreeMap;

use super::customers::customer;
use super::errors::{invalid, not_found, require};
use super::paging::{PageLimits, page, page_size};
use super::state::State;
use super::{Caller, Engine};

/// Checks the parts of a repricing config the service requires.
fn check_repricing(
    config: Option<&RepricingConfig>,
    field: &str,
    customer_name: Option<&str>,
) -> Result<(), Error> {
    let config = config.ok_or_else(|| invalid(field, "required field is missing"))?;
    if config
        .adjustment
        .as_ref()
        .and_then(|a| a.adjustment.as_ref())
        .is_none()
    {
        return Err(invalid(
            &format!("{field}.adjustment"),
            "required field is missing",
        ));
    }
    if config.rebilling_basis == 0 {
        return Err(invalid(
            &format!("{field}.rebilling_basis"),
            "required field is missing",
        ));
    }
    let month = config.effective_invoice_month.as_ref().ok_or_else(|| {
        invalid(
            &format!("{field}.effective_invoice_month"),
            "required field is missing",
        )
    })?;
    if !(1..=12).contains(&month.month) || month.year < 1 {
        return Err(invalid(
            &format!("{field}.effective_invoice_month"),
            "must name a year and a month",
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
    Ok(())
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
    fn map(state: &mut State) -> &mut BTreeMap<String, Self> {
        &mut state.partner_repricing
    }
    fn map_ref(state: &State) -> &BTreeMap<String, Self> {
        &state.partner_repricing
    }
}

impl Engine {
    /// Stores a new config under `parent` with a server-assigned id.
    fn store_new_config<T: RepricingRecord>(
        &self,
        parent: &str,
        config: Option<RepricingConfig>,
    ) -> T {
        let mut state = self.write();
        let id = state.new_id('R');
        let record = T::new(format!("{parent}/{}/{id}", T::COLLECTION), config);
        T::map(&mut state).insert(record.name().to_string(), record.clone());
        record
    }

    fn stored_config<T: RepricingRecord>(&self, name: &str) -> Result<T, Error> {
        T::map_ref(&self.read())
            .get(name)
            .cloned()
            .ok_or_else(|| not_found(T::WHAT, name))
    }

    fn replace_config<T: RepricingRecord>(
        &self,
        name: &str,
        config: Option<RepricingConfig>,
    ) -> Result<T, Error> {
        let mut state = self.write();
        let stored = T::map(&mut state)
            .get_mut(name)
            .ok_or_else(|| not_found(T::WHAT, name))?;
        stored.set_config(config);
        Ok(stored.clone())
    }

    fn remove_config<T: RepricingRecord>(&self, name: &str) -> Result<Empty, Error> {
        T::map(&mut self.write())
            .remove(name)
            .map(|_| Empty {})
            .ok_or_else(|| not_found(T::WHAT, name))
    }

    fn link_parent(&self, caller: &Caller, method: &str, parent: &str) -> Result<(), Error> {
        caller.check_distributor(method)?;
        require(&[("parent", parent)])?;
        let account = AccountRef::parse(parent).map_err(|e| invalid("parent", e.to_string()))?;
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
        let link = ChannelPartnerLinkRef::parse(name).map_err(|e| invalid(field, e.to_string()))?;
        caller.check_account(link.account())
    }

    pub(super) fn list_channel_partner_links(
        &self,
        caller: &Caller,
        request: ListChannelPartnerLinksRequest,
    ) -> Result<ListChannelPartnerLinksResponse, Error> {
        self.link_parent(caller, "ListChannelPartnerLinks", &request.parent)?;
        let size = page_size(
            request.page_size,
            PageLimits {
                default: 50,
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
            |_, l| Some(l.clone()),
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
            .cloned()
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
        if let Some(other) = paths.iter().find(|p| *p != "link_state") {
            return Err(invalid(
                "update_mask",
                format!("{other:?} can't be updated; only link_state can"),
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

    fn customer_config_parent(
        &self,
        caller: &Caller,
        field: &str,
        name: &str,
    ) -> Result<(), Error> {
        require(&[(field, name)])?;
        let parsed = CustomerRef::parse(name).map_err(|e| invalid(field, e.to_string()))?;
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
                    AccountRef::parse(account).map_err(|e| invalid("parent", e.to_string()))?;
                caller.check_account(parsed.account())?;
            }
            None => self.customer_config_parent(caller, "parent", &request.parent)?,
        }
        if !request.filter.trim().is_empty() {
            return Err(invalid(
                "filter",
                "filters are not supported by this emulator",
            ));
        }
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
        let scope = format!("crc:{}", request.parent);
        let (customer_repricing_configs, next_page_token) = page(
            &state.customer_repricing,
            &prefix,
            self.inner.tokens,
            &scope,
            &request.page_token,
            size,
            |_, c| Some(c.clone()),
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
        let parsed = CustomerRepricingConfigRef::parse(&request.name)
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
        )?;
        Ok(self.store_new_config(&request.parent, input.repricing_config))
    }

    pub(super) fn update_customer_repricing_config(
        &self,
        caller: &Caller,
        request: UpdateCustomerRepricingConfigRequest,
    ) -> Result<CustomerRepricingConfig, Error> {
        let input = request.customer_repricing_config.unwrap_or_default();
        require(&[("customer_repricing_config.name", &input.name)])?;
        let parsed = CustomerRepricingConfigRef::parse(&input.name)
            .map_err(|e| invalid("customer_repricing_config.name", e.to_string()))?;
        caller.check_account(parsed.account())?;
        let customer_name = parsed.parent().to_string();
        check_repricing(
            input.repricing_config.as_ref(),
            "customer_repricing_config.repricing_config",
            Some(&customer_name),
        )?;
        self.replace_config(&input.name, input.repricing_config)
    }

    pub(super) fn delete_customer_repricing_config(
        &self,
        caller: &Caller,
        request: DeleteCustomerRepricingConfigRequest,
    ) -> Result<Empty, Error> {
        require(&[("name", &request.name)])?;
        let parsed = CustomerRepricingConfigRef::parse(&request.name)
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
        self.partner_config_parent(
            caller,
            "ListChannelPartnerRepricingConfigs",
            &request.parent,
        )?;
        if !request.filter.trim().is_empty() {
            return Err(invalid(
                "filter",
                "filters are not supported by this emulator",
            ));
        }
        let size = page_size(
            request.page_size,
            PageLimits {
                default: 50,
                max: 100,
            },
        )?;
        let state = self.read();
        let prefix = format!("{}/channelPartnerRepricingConfigs/", request.parent);
        let scope = format!("cprc:{}", request.parent);
        let (channel_partner_repricing_configs, next_page_token) = page(
            &state.partner_repricing,
            &prefix,
            self.inner.tokens,
            &scope,
            &request.page_token,
            size,
            |_, c| Some(c.clone()),
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
        let parsed = ChannelPartnerRepricingConfigRef::parse(name)
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
        )?;
        Ok(self.store_new_config(&request.parent, input.repricing_config))
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
        )?;
        self.replace_config(&input.name, input.repricing_config)
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
