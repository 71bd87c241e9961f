//! From JSON to a typed call and back: one arm per RPC, each decoding the
//! request JSON into the method's request type, calling the [`Client`],
//! and printing the response the way its kind asks (unary, list, or
//! long-running operation).

use std::io::IsTerminal;
use std::time::Instant;

use channel::longrunning as lr;
use channel::methods::Method;
use channel::model as m;
use channel::pagination::{PageRequest, PageResponse};
use channel::{Call, Client, LroCall};
use futures_util::StreamExt;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::failure::{Failure, note};
use crate::output::Output;

/// How one command runs and prints.
#[derive(Debug)]
pub(crate) struct Run<'a> {
    /// The method called.
    pub(crate) method: &'static Method,
    /// `--all`: every page, item by item.
    pub(crate) all: bool,
    /// `--limit`: at most this many items, pages fetched as needed.
    pub(crate) limit: Option<u64>,
    /// `--no-wait`: print the operation instead of waiting for it.
    pub(crate) no_wait: bool,
    /// Where the response goes.
    pub(crate) out: &'a mut Output,
}

/// Decodes the request JSON of method `name` into its request type,
/// strictly as Google's servers would: a misspelt member or an enum value
/// name the schema lacks is an error naming its JSON path, not a silent
/// default.
fn decode<Req: DeserializeOwned>(method: &Method, request: Value) -> Result<Req, Failure> {
    channel_types::json::from_value_strict(&request).map_err(|e| {
        Failure::Usage(format!(
            "the request does not fit {} ({}): {e}",
            method.input, method.name
        ))
    })
}

fn unknown(method: &Method) -> Failure {
    Failure::Other(format!("method {} has no call", method.name))
}

/// A method with a plain response.
async fn unary<Req, Resp>(
    run: &mut Run<'_>,
    request: Req,
    call: impl FnOnce(Req) -> Call<Req, Resp>,
) -> Result<(), Failure>
where
    Req: Clone + Send + 'static,
    Resp: Serialize + Send + 'static,
{
    let response = call(request).send().await?;
    run.out.response(&response, false)?;
    Ok(())
}

/// A list method: one page, or every item with `--all`.
async fn list<Req, Resp>(
    run: &mut Run<'_>,
    request: Req,
    call: impl FnOnce(Req) -> Call<Req, Resp>,
) -> Result<(), Failure>
where
    Req: PageRequest,
    Resp: PageResponse + Serialize,
    Resp::Item: Serialize,
{
    if run.all || run.limit.is_some() {
        let mut left = run.limit.unwrap_or(u64::MAX);
        let mut pages = call(request).pages();
        while left > 0
            && let Some(page) = pages.next().await
        {
            let mut items = page?.into_items();
            let keep = usize::try_from(left).unwrap_or(usize::MAX).min(items.len());
            items.truncate(keep);
            left -= keep as u64;
            run.out.items(&items)?;
        }
        run.out.end_items()?;
        return Ok(());
    }
    let response = call(request).send().await?;
    run.out.response(&response, true)?;
    let token = response.next_page_token();
    if !token.is_empty() {
        note!("next page token: {token}\n");
    }
    Ok(())
}

/// A long-running method: wait for the result, or print the operation.
async fn lro<Req, R, M>(
    run: &mut Run<'_>,
    request: Req,
    call: impl FnOnce(Req) -> LroCall<Req, R, M>,
) -> Result<(), Failure>
where
    Req: Clone + Send + 'static,
    R: prost::Message + prost::Name + Default + Serialize + Send + 'static,
    M: prost::Message + prost::Name + Default + Send + 'static,
{
    let operation = call(request).send().await?;
    if run.no_wait {
        run.out.response(operation.raw(), false)?;
        return Ok(());
    }
    let result = if std::io::stderr().is_terminal() {
        let name = operation.name().to_string();
        let started = Instant::now();
        let mut updates = Box::pin(operation.updates());
        let mut outcome = None;
        while let Some(update) = updates.next().await {
            let seconds = started.elapsed().as_secs();
            match update {
                Ok(update) if update.done() => {
                    note!("\r{name}: done after {seconds}s   \n");
                    outcome = update.result();
                    break;
                }
                Ok(_) => note!("\r{name}: running ({seconds}s)"),
                Err(error) => {
                    note!("\n");
                    return Err(error.into());
                }
            }
        }
        outcome.ok_or_else(|| Failure::Other(format!("operation {name} stopped being polled")))?
    } else {
        operation.wait().await
    };
    run.out.response(&result?, false)?;
    Ok(())
}

/// The dispatch table: `kind "Name" RequestType => client_method;`.
macro_rules! methods {
    ($($kind:ident $name:literal $request:ty => $call:ident;)*) => {
        /// The methods [`call`] knows, with their kind.
        #[cfg(test)]
        pub(crate) const METHODS: &[(&str, &str)] = &[$(($name, stringify!($kind))),*];

        /// Checks that `request` decodes as the request of `method`, before
        /// anything is set up to call it.
        #[allow(deprecated)]
        pub(crate) fn check(method: &Method, request: &Value) -> Result<(), Failure> {
            match method.name {
                $($name => decode::<$request>(method, request.clone()).map(drop),)*
                _ => Err(unknown(method)),
            }
        }

        /// Calls `run.method` with `request` and prints the outcome.
        #[allow(deprecated)]
        pub(crate) async fn call(
            client: &Client,
            request: Value,
            run: &mut Run<'_>,
        ) -> Result<(), Failure> {
            let method = run.method;
            match method.name {
                $($name => {
                    let request: $request = decode(method, request)?;
                    $kind(run, request, |r| client.$call().with_request(r)).await
                })*
                _ => Err(unknown(method)),
            }
        }
    };
}

methods! {
    list "ListCustomers" m::ListCustomersRequest => list_customers;
    unary "GetCustomer" m::GetCustomerRequest => get_customer;
    unary "CheckCloudIdentityAccountsExist" m::CheckCloudIdentityAccountsExistRequest
        => check_cloud_identity_accounts_exist;
    unary "CreateCustomer" m::CreateCustomerRequest => create_customer;
    unary "UpdateCustomer" m::UpdateCustomerRequest => update_customer;
    unary "DeleteCustomer" m::DeleteCustomerRequest => delete_customer;
    unary "ImportCustomer" m::ImportCustomerRequest => import_customer;
    lro "ProvisionCloudIdentity" m::ProvisionCloudIdentityRequest => provision_cloud_identity;
    list "ListEntitlements" m::ListEntitlementsRequest => list_entitlements;
    list "ListTransferableSkus" m::ListTransferableSkusRequest => list_transferable_skus;
    list "ListTransferableOffers" m::ListTransferableOffersRequest => list_transferable_offers;
    unary "GetEntitlement" m::GetEntitlementRequest => get_entitlement;
    lro "CreateEntitlement" m::CreateEntitlementRequest => create_entitlement;
    lro "ChangeParameters" m::ChangeParametersRequest => change_parameters;
    lro "ChangeRenewalSettings" m::ChangeRenewalSettingsRequest => change_renewal_settings;
    lro "ChangeOffer" m::ChangeOfferRequest => change_offer;
    lro "StartPaidService" m::StartPaidServiceRequest => start_paid_service;
    lro "SuspendEntitlement" m::SuspendEntitlementRequest => suspend_entitlement;
    lro "CancelEntitlement" m::CancelEntitlementRequest => cancel_entitlement;
    lro "ActivateEntitlement" m::ActivateEntitlementRequest => activate_entitlement;
    lro "TransferEntitlements" m::TransferEntitlementsRequest => transfer_entitlements;
    lro "TransferEntitlementsToGoogle" m::TransferEntitlementsToGoogleRequest
        => transfer_entitlements_to_google;
    list "ListChannelPartnerLinks" m::ListChannelPartnerLinksRequest => list_channel_partner_links;
    unary "GetChannelPartnerLink" m::GetChannelPartnerLinkRequest => get_channel_partner_link;
    unary "CreateChannelPartnerLink" m::CreateChannelPartnerLinkRequest
        => create_channel_partner_link;
    unary "UpdateChannelPartnerLink" m::UpdateChannelPartnerLinkRequest
        => update_channel_partner_link;
    unary "GetCustomerRepricingConfig" m::GetCustomerRepricingConfigRequest
        => get_customer_repricing_config;
    list "ListCustomerRepricingConfigs" m::ListCustomerRepricingConfigsRequest
        => list_customer_repricing_configs;
    unary "CreateCustomerRepricingConfig" m::CreateCustomerRepricingConfigRequest
        => create_customer_repricing_config;
    unary "UpdateCustomerRepricingConfig" m::UpdateCustomerRepricingConfigRequest
        => update_customer_repricing_config;
    unary "DeleteCustomerRepricingConfig" m::DeleteCustomerRepricingConfigRequest
        => delete_customer_repricing_config;
    unary "GetChannelPartnerRepricingConfig" m::GetChannelPartnerRepricingConfigRequest
        => get_channel_partner_repricing_config;
    list "ListChannelPartnerRepricingConfigs" m::ListChannelPartnerRepricingConfigsRequest
        => list_channel_partner_repricing_configs;
    unary "CreateChannelPartnerRepricingConfig" m::CreateChannelPartnerRepricingConfigRequest
        => create_channel_partner_repricing_config;
    unary "UpdateChannelPartnerRepricingConfig" m::UpdateChannelPartnerRepricingConfigRequest
        => update_channel_partner_repricing_config;
    unary "DeleteChannelPartnerRepricingConfig" m::DeleteChannelPartnerRepricingConfigRequest
        => delete_channel_partner_repricing_config;
    list "ListSkuGroups" m::ListSkuGroupsRequest => list_sku_groups;
    list "ListSkuGroupBillableSkus" m::ListSkuGroupBillableSkusRequest
        => list_sku_group_billable_skus;
    unary "LookupOffer" m::LookupOfferRequest => lookup_offer;
    list "ListProducts" m::ListProductsRequest => list_products;
    list "ListSkus" m::ListSkusRequest => list_skus;
    list "ListOffers" m::ListOffersRequest => list_offers;
    list "ListPurchasableSkus" m::ListPurchasableSkusRequest => list_purchasable_skus;
    list "ListPurchasableOffers" m::ListPurchasableOffersRequest => list_purchasable_offers;
    unary "QueryEligibleBillingAccounts" m::QueryEligibleBillingAccountsRequest
        => query_eligible_billing_accounts;
    unary "RegisterSubscriber" m::RegisterSubscriberRequest => register_subscriber;
    unary "UnregisterSubscriber" m::UnregisterSubscriberRequest => unregister_subscriber;
    list "ListSubscribers" m::ListSubscribersRequest => list_subscribers;
    list "ListEntitlementChanges" m::ListEntitlementChangesRequest => list_entitlement_changes;
    lro "RunReportJob" m::RunReportJobRequest => run_report_job;
    list "FetchReportResults" m::FetchReportResultsRequest => fetch_report_results;
    list "ListReports" m::ListReportsRequest => list_reports;
    list "ListOperations" lr::ListOperationsRequest => list_operations;
    unary "GetOperation" lr::GetOperationRequest => get_operation;
    unary "DeleteOperation" lr::DeleteOperationRequest => delete_operation;
    unary "CancelOperation" lr::CancelOperationRequest => cancel_operation;
}

#[cfg(test)]
mod tests {
    use super::*;
    use channel::methods::ALL;

    #[test]
    fn every_method_has_an_arm_of_its_kind() {
        let mut known = METHODS.to_vec();
        known.sort_unstable();
        let mut all: Vec<(&str, &str)> = ALL
            .iter()
            .map(|m| {
                let kind = match (m.paging, m.lro) {
                    (Some(_), _) => "list",
                    (None, Some(_)) => "lro",
                    (None, None) => "unary",
                };
                (m.name, kind)
            })
            .collect();
        all.sort_unstable();
        assert_eq!(known, all);
        for method in ALL {
            // An empty request decodes for every method.
            check(method, &serde_json::json!({})).unwrap();
        }
    }

    #[test]
    fn requests_that_do_not_fit_are_usage_errors() {
        let method = &channel::methods::cloud_channel_service::GET_CUSTOMER;
        let err = check(method, &serde_json::json!({"name": 5})).unwrap_err();
        assert_eq!(err.exit_status(), 2);
        assert!(
            err.to_string().starts_with(
                "error: the request does not fit google.cloud.channel.v1.GetCustomerRequest"
            ),
            "{err}"
        );
    }
}
