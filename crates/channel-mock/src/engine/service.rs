//! The service traits over the engine: every call resolves its caller,
//! goes through the configured faults, and runs the engine's method.

use channel_core::{
    BoxFuture, CallOptions, CloudChannelReportsService, CloudChannelService, Error, Operations,
    Result,
};
use channel_types::rpc::Code;

use super::{Caller, Engine};

impl Engine {
    /// Runs one call: faults first, then the caller, then the method.
    fn serve<T: Send + 'static>(
        &self,
        name: &'static str,
        options: CallOptions,
        method: impl FnOnce(&Engine, &Caller) -> Result<T> + Send + 'static,
    ) -> BoxFuture<'static, Result<T>> {
        let engine = self.clone();
        Box::pin(async move {
            let faults = &engine.inner.config.faults;
            if !faults.latency.is_zero() {
                tokio::time::sleep(faults.latency).await;
            }
            if faults.unavailable_rate > 0.0 && fastrand::f64() < faults.unavailable_rate {
                return Err(Error::rpc(
                    Code::Unavailable,
                    "injected fault: the service is unavailable",
                ));
            }
            let started = std::time::Instant::now();
            let caller = match engine.caller(&options) {
                Ok(caller) => caller,
                Err(error) => {
                    engine.journal_record(name, "", error.code().as_str_name(), started.elapsed());
                    return Err(error);
                }
            };
            let result = method(&engine, &caller);
            let status = match &result {
                Ok(_) => "OK",
                Err(error) => error.code().as_str_name(),
            };
            engine.journal_record(name, &caller.account, status, started.elapsed());
            if result.is_ok()
                && faults.drop_after_apply_rate > 0.0
                && fastrand::f64() < faults.drop_after_apply_rate
            {
                return Err(dropped());
            }
            result
        })
    }
}

/// The error that stands for "applied, then the connection dropped": the
/// servers close the connection instead of answering.
pub(crate) fn dropped() -> Error {
    Error::transport(
        "injected fault: the connection dropped after the change was applied",
        DroppedConnection,
    )
}

/// Marks an injected dropped connection.
#[derive(Debug)]
pub(crate) struct DroppedConnection;

impl std::fmt::Display for DroppedConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped")
    }
}

impl std::error::Error for DroppedConnection {}

/// Whether an error is an injected dropped connection.
pub(crate) fn is_dropped(error: &Error) -> bool {
    std::error::Error::source(error).is_some_and(|s| s.is::<DroppedConnection>())
}

#[allow(deprecated)]
impl CloudChannelService for Engine {
    fn list_customers(
        &self,
        request: ::channel_types::model::ListCustomersRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListCustomersResponse>> {
        self.serve("list_customers", options, move |engine, caller| {
            engine.list_customers(caller, request)
        })
    }

    fn get_customer(
        &self,
        request: ::channel_types::model::GetCustomerRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::Customer>> {
        self.serve("get_customer", options, move |engine, caller| {
            engine.get_customer(caller, request)
        })
    }

    fn check_cloud_identity_accounts_exist(
        &self,
        request: ::channel_types::model::CheckCloudIdentityAccountsExistRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::CheckCloudIdentityAccountsExistResponse>>
    {
        self.serve(
            "check_cloud_identity_accounts_exist",
            options,
            move |engine, caller| engine.check_cloud_identity_accounts_exist(caller, request),
        )
    }

    fn create_customer(
        &self,
        request: ::channel_types::model::CreateCustomerRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::Customer>> {
        self.serve("create_customer", options, move |engine, caller| {
            engine.create_customer(caller, request)
        })
    }

    fn update_customer(
        &self,
        request: ::channel_types::model::UpdateCustomerRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::Customer>> {
        self.serve("update_customer", options, move |engine, caller| {
            engine.update_customer(caller, request)
        })
    }

    fn delete_customer(
        &self,
        request: ::channel_types::model::DeleteCustomerRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::wkt::Empty>> {
        self.serve("delete_customer", options, move |engine, caller| {
            engine.delete_customer(caller, request)
        })
    }

    fn import_customer(
        &self,
        request: ::channel_types::model::ImportCustomerRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::Customer>> {
        self.serve("import_customer", options, move |engine, caller| {
            engine.import_customer(caller, request)
        })
    }

    fn provision_cloud_identity(
        &self,
        request: ::channel_types::model::ProvisionCloudIdentityRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::longrunning::Operation>> {
        self.serve(
            "provision_cloud_identity",
            options,
            move |engine, caller| engine.provision_cloud_identity(caller, request),
        )
    }

    fn list_entitlements(
        &self,
        request: ::channel_types::model::ListEntitlementsRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListEntitlementsResponse>> {
        self.serve("list_entitlements", options, move |engine, caller| {
            engine.list_entitlements(caller, request)
        })
    }

    fn list_transferable_skus(
        &self,
        request: ::channel_types::model::ListTransferableSkusRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListTransferableSkusResponse>> {
        self.serve("list_transferable_skus", options, move |engine, caller| {
            engine.list_transferable_skus(caller, request)
        })
    }

    fn list_transferable_offers(
        &self,
        request: ::channel_types::model::ListTransferableOffersRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListTransferableOffersResponse>> {
        self.serve(
            "list_transferable_offers",
            options,
            move |engine, caller| engine.list_transferable_offers(caller, request),
        )
    }

    fn get_entitlement(
        &self,
        request: ::channel_types::model::GetEntitlementRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::Entitlement>> {
        self.serve("get_entitlement", options, move |engine, caller| {
            engine.get_entitlement(caller, request)
        })
    }

    fn create_entitlement(
        &self,
        request: ::channel_types::model::CreateEntitlementRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::longrunning::Operation>> {
        self.serve("create_entitlement", options, move |engine, caller| {
            engine.create_entitlement(caller, request)
        })
    }

    fn change_parameters(
        &self,
        request: ::channel_types::model::ChangeParametersRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::longrunning::Operation>> {
        self.serve("change_parameters", options, move |engine, caller| {
            engine.change_parameters(caller, request)
        })
    }

    fn change_renewal_settings(
        &self,
        request: ::channel_types::model::ChangeRenewalSettingsRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::longrunning::Operation>> {
        self.serve("change_renewal_settings", options, move |engine, caller| {
            engine.change_renewal_settings(caller, request)
        })
    }

    fn change_offer(
        &self,
        request: ::channel_types::model::ChangeOfferRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::longrunning::Operation>> {
        self.serve("change_offer", options, move |engine, caller| {
            engine.change_offer(caller, request)
        })
    }

    fn start_paid_service(
        &self,
        request: ::channel_types::model::StartPaidServiceRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::longrunning::Operation>> {
        self.serve("start_paid_service", options, move |engine, caller| {
            engine.start_paid_service(caller, request)
        })
    }

    fn suspend_entitlement(
        &self,
        request: ::channel_types::model::SuspendEntitlementRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::longrunning::Operation>> {
        self.serve("suspend_entitlement", options, move |engine, caller| {
            engine.suspend_entitlement(caller, request)
        })
    }

    fn cancel_entitlement(
        &self,
        request: ::channel_types::model::CancelEntitlementRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::longrunning::Operation>> {
        self.serve("cancel_entitlement", options, move |engine, caller| {
            engine.cancel_entitlement(caller, request)
        })
    }

    fn activate_entitlement(
        &self,
        request: ::channel_types::model::ActivateEntitlementRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::longrunning::Operation>> {
        self.serve("activate_entitlement", options, move |engine, caller| {
            engine.activate_entitlement(caller, request)
        })
    }

    fn transfer_entitlements(
        &self,
        request: ::channel_types::model::TransferEntitlementsRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::longrunning::Operation>> {
        self.serve("transfer_entitlements", options, move |engine, caller| {
            engine.transfer_entitlements(caller, request)
        })
    }

    fn transfer_entitlements_to_google(
        &self,
        request: ::channel_types::model::TransferEntitlementsToGoogleRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::longrunning::Operation>> {
        self.serve(
            "transfer_entitlements_to_google",
            options,
            move |engine, caller| engine.transfer_entitlements_to_google(caller, request),
        )
    }

    fn list_channel_partner_links(
        &self,
        request: ::channel_types::model::ListChannelPartnerLinksRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListChannelPartnerLinksResponse>> {
        self.serve(
            "list_channel_partner_links",
            options,
            move |engine, caller| engine.list_channel_partner_links(caller, request),
        )
    }

    fn get_channel_partner_link(
        &self,
        request: ::channel_types::model::GetChannelPartnerLinkRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ChannelPartnerLink>> {
        self.serve(
            "get_channel_partner_link",
            options,
            move |engine, caller| engine.get_channel_partner_link(caller, request),
        )
    }

    fn create_channel_partner_link(
        &self,
        request: ::channel_types::model::CreateChannelPartnerLinkRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ChannelPartnerLink>> {
        self.serve(
            "create_channel_partner_link",
            options,
            move |engine, caller| engine.create_channel_partner_link(caller, request),
        )
    }

    fn update_channel_partner_link(
        &self,
        request: ::channel_types::model::UpdateChannelPartnerLinkRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ChannelPartnerLink>> {
        self.serve(
            "update_channel_partner_link",
            options,
            move |engine, caller| engine.update_channel_partner_link(caller, request),
        )
    }

    fn get_customer_repricing_config(
        &self,
        request: ::channel_types::model::GetCustomerRepricingConfigRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::CustomerRepricingConfig>> {
        self.serve(
            "get_customer_repricing_config",
            options,
            move |engine, caller| engine.get_customer_repricing_config(caller, request),
        )
    }

    fn list_customer_repricing_configs(
        &self,
        request: ::channel_types::model::ListCustomerRepricingConfigsRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListCustomerRepricingConfigsResponse>> {
        self.serve(
            "list_customer_repricing_configs",
            options,
            move |engine, caller| engine.list_customer_repricing_configs(caller, request),
        )
    }

    fn create_customer_repricing_config(
        &self,
        request: ::channel_types::model::CreateCustomerRepricingConfigRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::CustomerRepricingConfig>> {
        self.serve(
            "create_customer_repricing_config",
            options,
            move |engine, caller| engine.create_customer_repricing_config(caller, request),
        )
    }

    fn update_customer_repricing_config(
        &self,
        request: ::channel_types::model::UpdateCustomerRepricingConfigRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::CustomerRepricingConfig>> {
        self.serve(
            "update_customer_repricing_config",
            options,
            move |engine, caller| engine.update_customer_repricing_config(caller, request),
        )
    }

    fn delete_customer_repricing_config(
        &self,
        request: ::channel_types::model::DeleteCustomerRepricingConfigRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::wkt::Empty>> {
        self.serve(
            "delete_customer_repricing_config",
            options,
            move |engine, caller| engine.delete_customer_repricing_config(caller, request),
        )
    }

    fn get_channel_partner_repricing_config(
        &self,
        request: ::channel_types::model::GetChannelPartnerRepricingConfigRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ChannelPartnerRepricingConfig>> {
        self.serve(
            "get_channel_partner_repricing_config",
            options,
            move |engine, caller| engine.get_channel_partner_repricing_config(caller, request),
        )
    }

    fn list_channel_partner_repricing_configs(
        &self,
        request: ::channel_types::model::ListChannelPartnerRepricingConfigsRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListChannelPartnerRepricingConfigsResponse>>
    {
        self.serve(
            "list_channel_partner_repricing_configs",
            options,
            move |engine, caller| engine.list_channel_partner_repricing_configs(caller, request),
        )
    }

    fn create_channel_partner_repricing_config(
        &self,
        request: ::channel_types::model::CreateChannelPartnerRepricingConfigRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ChannelPartnerRepricingConfig>> {
        self.serve(
            "create_channel_partner_repricing_config",
            options,
            move |engine, caller| engine.create_channel_partner_repricing_config(caller, request),
        )
    }

    fn update_channel_partner_repricing_config(
        &self,
        request: ::channel_types::model::UpdateChannelPartnerRepricingConfigRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ChannelPartnerRepricingConfig>> {
        self.serve(
            "update_channel_partner_repricing_config",
            options,
            move |engine, caller| engine.update_channel_partner_repricing_config(caller, request),
        )
    }

    fn delete_channel_partner_repricing_config(
        &self,
        request: ::channel_types::model::DeleteChannelPartnerRepricingConfigRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::wkt::Empty>> {
        self.serve(
            "delete_channel_partner_repricing_config",
            options,
            move |engine, caller| engine.delete_channel_partner_repricing_config(caller, request),
        )
    }

    fn list_sku_groups(
        &self,
        request: ::channel_types::model::ListSkuGroupsRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListSkuGroupsResponse>> {
        self.serve("list_sku_groups", options, move |engine, caller| {
            engine.list_sku_groups(caller, request)
        })
    }

    fn list_sku_group_billable_skus(
        &self,
        request: ::channel_types::model::ListSkuGroupBillableSkusRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListSkuGroupBillableSkusResponse>> {
        self.serve(
            "list_sku_group_billable_skus",
            options,
            move |engine, caller| engine.list_sku_group_billable_skus(caller, request),
        )
    }

    fn lookup_offer(
        &self,
        request: ::channel_types::model::LookupOfferRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::Offer>> {
        self.serve("lookup_offer", options, move |engine, caller| {
            engine.lookup_offer(caller, request)
        })
    }

    fn list_products(
        &self,
        request: ::channel_types::model::ListProductsRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListProductsResponse>> {
        self.serve("list_products", options, move |engine, caller| {
            engine.list_products(caller, request)
        })
    }

    fn list_skus(
        &self,
        request: ::channel_types::model::ListSkusRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListSkusResponse>> {
        self.serve("list_skus", options, move |engine, caller| {
            engine.list_skus(caller, request)
        })
    }

    fn list_offers(
        &self,
        request: ::channel_types::model::ListOffersRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListOffersResponse>> {
        self.serve("list_offers", options, move |engine, caller| {
            engine.list_offers(caller, request)
        })
    }

    fn list_purchasable_skus(
        &self,
        request: ::channel_types::model::ListPurchasableSkusRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListPurchasableSkusResponse>> {
        self.serve("list_purchasable_skus", options, move |engine, caller| {
            engine.list_purchasable_skus(caller, request)
        })
    }

    fn list_purchasable_offers(
        &self,
        request: ::channel_types::model::ListPurchasableOffersRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListPurchasableOffersResponse>> {
        self.serve("list_purchasable_offers", options, move |engine, caller| {
            engine.list_purchasable_offers(caller, request)
        })
    }

    fn query_eligible_billing_accounts(
        &self,
        request: ::channel_types::model::QueryEligibleBillingAccountsRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::QueryEligibleBillingAccountsResponse>> {
        self.serve(
            "query_eligible_billing_accounts",
            options,
            move |engine, caller| engine.query_eligible_billing_accounts(caller, request),
        )
    }

    fn register_subscriber(
        &self,
        request: ::channel_types::model::RegisterSubscriberRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::RegisterSubscriberResponse>> {
        self.serve("register_subscriber", options, move |engine, caller| {
            engine.register_subscriber(caller, request)
        })
    }

    fn unregister_subscriber(
        &self,
        request: ::channel_types::model::UnregisterSubscriberRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::UnregisterSubscriberResponse>> {
        self.serve("unregister_subscriber", options, move |engine, caller| {
            engine.unregister_subscriber(caller, request)
        })
    }

    fn list_subscribers(
        &self,
        request: ::channel_types::model::ListSubscribersRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListSubscribersResponse>> {
        self.serve("list_subscribers", options, move |engine, caller| {
            engine.list_subscribers(caller, request)
        })
    }

    fn list_entitlement_changes(
        &self,
        request: ::channel_types::model::ListEntitlementChangesRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListEntitlementChangesResponse>> {
        self.serve(
            "list_entitlement_changes",
            options,
            move |engine, caller| engine.list_entitlement_changes(caller, request),
        )
    }
}

#[allow(deprecated)]
impl CloudChannelReportsService for Engine {
    fn run_report_job(
        &self,
        request: ::channel_types::model::RunReportJobRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::longrunning::Operation>> {
        self.serve("run_report_job", options, move |engine, caller| {
            engine.run_report_job(caller, request)
        })
    }

    fn fetch_report_results(
        &self,
        request: ::channel_types::model::FetchReportResultsRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::FetchReportResultsResponse>> {
        self.serve("fetch_report_results", options, move |engine, caller| {
            engine.fetch_report_results(caller, request)
        })
    }

    fn list_reports(
        &self,
        request: ::channel_types::model::ListReportsRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListReportsResponse>> {
        self.serve("list_reports", options, move |engine, caller| {
            engine.list_reports(caller, request)
        })
    }
}

#[allow(deprecated)]
impl Operations for Engine {
    fn list_operations(
        &self,
        request: ::channel_types::longrunning::ListOperationsRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::longrunning::ListOperationsResponse>> {
        self.serve("list_operations", options, move |engine, caller| {
            engine.list_operations(caller, request)
        })
    }

    fn get_operation(
        &self,
        request: ::channel_types::longrunning::GetOperationRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::longrunning::Operation>> {
        self.serve("get_operation", options, move |engine, caller| {
            engine.get_operation(caller, request)
        })
    }

    fn delete_operation(
        &self,
        request: ::channel_types::longrunning::DeleteOperationRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::wkt::Empty>> {
        self.serve("delete_operation", options, move |engine, caller| {
            engine.delete_operation(caller, request)
        })
    }

    fn cancel_operation(
        &self,
        request: ::channel_types::longrunning::CancelOperationRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::wkt::Empty>> {
        self.serve("cancel_operation", options, move |engine, caller| {
            engine.cancel_operation(caller, request)
        })
    }
}
