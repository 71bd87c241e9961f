//! The three service traits over [`GrpcTransport`]: one row per RPC.
//!
//! Each row names the trait method, the method's entry in
//! [`channel_types::methods`] (its gRPC path and routing fields), the
//! request fields that make up `x-goog-request-params` (the entry's
//! `routing` list, in the same order), and the request and response types.
//! Every method then goes through [`GrpcTransport::unary`].

use channel_core::{
    BoxFuture, CallOptions, CloudChannelReportsService, CloudChannelService, Operations, Result,
};
use channel_types::methods::{cloud_channel_reports_service, cloud_channel_service, operations};
use channel_types::{longrunning, model, wkt};

use crate::routing::{self, FieldText};
use crate::transport::GrpcTransport;

/// The value of one routing field: `name`, or `message.name` inside an
/// optional message field (empty when that message is unset).
macro_rules! routing_value {
    ($request:ident, $field:ident) => {
        FieldText::text(&$request.$field)
    };
    ($request:ident, $field:ident . $inner:ident) => {
        $request
            .$field
            .as_ref()
            .map_or("", |message| FieldText::text(&message.$inner))
    };
}

/// Implements `$service` with one unary call per row.
macro_rules! grpc_service {
    ($service:ident in $table:ident {
        $(
            $name:ident = $method:ident [$($($path:ident).+),*]:
                $request:ty => $response:ty;
        )*
    }) => {
        impl $service for GrpcTransport {
            $(
                fn $name(
                    &self,
                    request: $request,
                    options: CallOptions,
                ) -> BoxFuture<'_, Result<$response>> {
                    let method = &$table::$method;
                    let params = routing::request_params(
                        method.routing,
                        &[$(routing_value!(request, $($path).+)),*],
                    );
                    Box::pin(self.unary(method, request, params, options))
                }
            )*
        }
    };
}

grpc_service! {
    CloudChannelService in cloud_channel_service {
        list_customers = LIST_CUSTOMERS [parent]:
            model::ListCustomersRequest => model::ListCustomersResponse;
        get_customer = GET_CUSTOMER [name]:
            model::GetCustomerRequest => model::Customer;
        check_cloud_identity_accounts_exist = CHECK_CLOUD_IDENTITY_ACCOUNTS_EXIST [parent]:
            model::CheckCloudIdentityAccountsExistRequest
            => model::CheckCloudIdentityAccountsExistResponse;
        create_customer = CREATE_CUSTOMER [parent]:
            model::CreateCustomerRequest => model::Customer;
        update_customer = UPDATE_CUSTOMER [customer.name]:
            model::UpdateCustomerRequest => model::Customer;
        delete_customer = DELETE_CUSTOMER [name]:
            model::DeleteCustomerRequest => wkt::Empty;
        import_customer = IMPORT_CUSTOMER [parent]:
            model::ImportCustomerRequest => model::Customer;
        provision_cloud_identity = PROVISION_CLOUD_IDENTITY [customer]:
            model::ProvisionCloudIdentityRequest => longrunning::Operation;
        list_entitlements = LIST_ENTITLEMENTS [parent]:
            model::ListEntitlementsRequest => model::ListEntitlementsResponse;
        list_transferable_skus = LIST_TRANSFERABLE_SKUS [parent]:
            model::ListTransferableSkusRequest => model::ListTransferableSkusResponse;
        list_transferable_offers = LIST_TRANSFERABLE_OFFERS [parent]:
            model::ListTransferableOffersRequest => model::ListTransferableOffersResponse;
        get_entitlement = GET_ENTITLEMENT [name]:
            model::GetEntitlementRequest => model::Entitlement;
        create_entitlement = CREATE_ENTITLEMENT [parent]:
            model::CreateEntitlementRequest => longrunning::Operation;
        change_parameters = CHANGE_PARAMETERS [name]:
            model::ChangeParametersRequest => longrunning::Operation;
        change_renewal_settings = CHANGE_RENEWAL_SETTINGS [name]:
            model::ChangeRenewalSettingsRequest => longrunning::Operation;
        change_offer = CHANGE_OFFER [name]:
            model::ChangeOfferRequest => longrunning::Operation;
        start_paid_service = START_PAID_SERVICE [name]:
            model::StartPaidServiceRequest => longrunning::Operation;
        suspend_entitlement = SUSPEND_ENTITLEMENT [name]:
            model::SuspendEntitlementRequest => longrunning::Operation;
        cancel_entitlement = CANCEL_ENTITLEMENT [name]:
            model::CancelEntitlementRequest => longrunning::Operation;
        activate_entitlement = ACTIVATE_ENTITLEMENT [name]:
            model::ActivateEntitlementRequest => longrunning::Operation;
        transfer_entitlements = TRANSFER_ENTITLEMENTS [parent]:
            model::TransferEntitlementsRequest => longrunning::Operation;
        transfer_entitlements_to_google = TRANSFER_ENTITLEMENTS_TO_GOOGLE [parent]:
            model::TransferEntitlementsToGoogleRequest => longrunning::Operation;
        list_channel_partner_links = LIST_CHANNEL_PARTNER_LINKS [parent]:
            model::ListChannelPartnerLinksRequest => model::ListChannelPartnerLinksResponse;
        get_channel_partner_link = GET_CHANNEL_PARTNER_LINK [name]:
            model::GetChannelPartnerLinkRequest => model::ChannelPartnerLink;
        create_channel_partner_link = CREATE_CHANNEL_PARTNER_LINK [parent]:
            model::CreateChannelPartnerLinkRequest => model::ChannelPartnerLink;
        update_channel_partner_link = UPDATE_CHANNEL_PARTNER_LINK [name]:
            model::UpdateChannelPartnerLinkRequest => model::ChannelPartnerLink;
        get_customer_repricing_config = GET_CUSTOMER_REPRICING_CONFIG [name]:
            model::GetCustomerRepricingConfigRequest => model::CustomerRepricingConfig;
        list_customer_repricing_configs = LIST_CUSTOMER_REPRICING_CONFIGS [parent]:
            model::ListCustomerRepricingConfigsRequest
            => model::ListCustomerRepricingConfigsResponse;
        create_customer_repricing_config = CREATE_CUSTOMER_REPRICING_CONFIG [parent]:
            model::CreateCustomerRepricingConfigRequest => model::CustomerRepricingConfig;
        update_customer_repricing_config = UPDATE_CUSTOMER_REPRICING_CONFIG [customer_repricing_config.name]:
            model::UpdateCustomerRepricingConfigRequest => model::CustomerRepricingConfig;
        delete_customer_repricing_config = DELETE_CUSTOMER_REPRICING_CONFIG [name]:
            model::DeleteCustomerRepricingConfigRequest => wkt::Empty;
        get_channel_partner_repricing_config = GET_CHANNEL_PARTNER_REPRICING_CONFIG [name]:
            model::GetChannelPartnerRepricingConfigRequest => model::ChannelPartnerRepricingConfig;
        list_channel_partner_repricing_configs = LIST_CHANNEL_PARTNER_REPRICING_CONFIGS [parent]:
            model::ListChannelPartnerRepricingConfigsRequest
            => model::ListChannelPartnerRepricingConfigsResponse;
        create_channel_partner_repricing_config = CREATE_CHANNEL_PARTNER_REPRICING_CONFIG [parent]:
            model::CreateChannelPartnerRepricingConfigRequest
            => model::ChannelPartnerRepricingConfig;
        update_channel_partner_repricing_config = UPDATE_CHANNEL_PARTNER_REPRICING_CONFIG [channel_partner_repricing_config.name]:
            model::UpdateChannelPartnerRepricingConfigRequest
            => model::ChannelPartnerRepricingConfig;
        delete_channel_partner_repricing_config = DELETE_CHANNEL_PARTNER_REPRICING_CONFIG [name]:
            model::DeleteChannelPartnerRepricingConfigRequest => wkt::Empty;
        list_sku_groups = LIST_SKU_GROUPS [parent]:
            model::ListSkuGroupsRequest => model::ListSkuGroupsResponse;
        list_sku_group_billable_skus = LIST_SKU_GROUP_BILLABLE_SKUS [parent]:
            model::ListSkuGroupBillableSkusRequest => model::ListSkuGroupBillableSkusResponse;
        lookup_offer = LOOKUP_OFFER [entitlement]:
            model::LookupOfferRequest => model::Offer;
        list_products = LIST_PRODUCTS []:
            model::ListProductsRequest => model::ListProductsResponse;
        list_skus = LIST_SKUS [parent]:
            model::ListSkusRequest => model::ListSkusResponse;
        list_offers = LIST_OFFERS [parent]:
            model::ListOffersRequest => model::ListOffersResponse;
        list_purchasable_skus = LIST_PURCHASABLE_SKUS [customer]:
            model::ListPurchasableSkusRequest => model::ListPurchasableSkusResponse;
        list_purchasable_offers = LIST_PURCHASABLE_OFFERS [customer]:
            model::ListPurchasableOffersRequest => model::ListPurchasableOffersResponse;
        query_eligible_billing_accounts = QUERY_ELIGIBLE_BILLING_ACCOUNTS [customer]:
            model::QueryEligibleBillingAccountsRequest
            => model::QueryEligibleBillingAccountsResponse;
        register_subscriber = REGISTER_SUBSCRIBER [account, integrator]:
            model::RegisterSubscriberRequest => model::RegisterSubscriberResponse;
        unregister_subscriber = UNREGISTER_SUBSCRIBER [account, integrator]:
            model::UnregisterSubscriberRequest => model::UnregisterSubscriberResponse;
        list_subscribers = LIST_SUBSCRIBERS [account, integrator]:
            model::ListSubscribersRequest => model::ListSubscribersResponse;
        list_entitlement_changes = LIST_ENTITLEMENT_CHANGES [parent]:
            model::ListEntitlementChangesRequest => model::ListEntitlementChangesResponse;
    }
}

grpc_service! {
    CloudChannelReportsService in cloud_channel_reports_service {
        run_report_job = RUN_REPORT_JOB [name]:
            model::RunReportJobRequest => longrunning::Operation;
        fetch_report_results = FETCH_REPORT_RESULTS [report_job]:
            model::FetchReportResultsRequest => model::FetchReportResultsResponse;
        list_reports = LIST_REPORTS [parent]:
            model::ListReportsRequest => model::ListReportsResponse;
    }
}

grpc_service! {
    Operations in operations {
        list_operations = LIST_OPERATIONS [name]:
            longrunning::ListOperationsRequest => longrunning::ListOperationsResponse;
        get_operation = GET_OPERATION [name]:
            longrunning::GetOperationRequest => longrunning::Operation;
        delete_operation = DELETE_OPERATION [name]:
            longrunning::DeleteOperationRequest => wkt::Empty;
        cancel_operation = CANCEL_OPERATION [name]:
            longrunning::CancelOperationRequest => wkt::Empty;
    }
}
