//! The service traits of [`channel_core`], implemented by [`HttpTransport`]:
//! every method hands its request to [`HttpTransport::unary`] with its entry
//! of the method table, which holds everything REST needs to know about it.

use channel_core::{
    BoxFuture, CallOptions, CloudChannelReportsService, CloudChannelService, Operations, Result,
};
use channel_types::methods::{cloud_channel_reports_service, cloud_channel_service, operations};
use channel_types::{longrunning, model, wkt};

use crate::HttpTransport;

/// Implements each listed trait, one `fn name(Request) -> Response = TABLE_ENTRY;` per method.
macro_rules! rest_services {
    ($($service:ident { $($name:ident($request:ty) -> $response:ty = $($method:ident)::+;)* })*) => {
        $(
            impl $service for HttpTransport {
                $(
                    fn $name(
                        &self,
                        request: $request,
                        options: CallOptions,
                    ) -> BoxFuture<'_, Result<$response>> {
                        Box::pin(async move {
                            self.unary(&$($method)::+, &request, options).await
                        })
                    }
                )*
            }
        )*
    };
}

rest_services! {
CloudChannelService {
    list_customers(model::ListCustomersRequest) -> model::ListCustomersResponse = cloud_channel_service::LIST_CUSTOMERS;
    get_customer(model::GetCustomerRequest) -> model::Customer = cloud_channel_service::GET_CUSTOMER;
    check_cloud_identity_accounts_exist(model::CheckCloudIdentityAccountsExistRequest) -> model::CheckCloudIdentityAccountsExistResponse = cloud_channel_service::CHECK_CLOUD_IDENTITY_ACCOUNTS_EXIST;
    create_customer(model::CreateCustomerRequest) -> model::Customer = cloud_channel_service::CREATE_CUSTOMER;
    update_customer(model::UpdateCustomerRequest) -> model::Customer = cloud_channel_service::UPDATE_CUSTOMER;
    delete_customer(model::DeleteCustomerRequest) -> wkt::Empty = cloud_channel_service::DELETE_CUSTOMER;
    import_customer(model::ImportCustomerRequest) -> model::Customer = cloud_channel_service::IMPORT_CUSTOMER;
    provision_cloud_identity(model::ProvisionCloudIdentityRequest) -> longrunning::Operation = cloud_channel_service::PROVISION_CLOUD_IDENTITY;
    list_entitlements(model::ListEntitlementsRequest) -> model::ListEntitlementsResponse = cloud_channel_service::LIST_ENTITLEMENTS;
    list_transferable_skus(model::ListTransferableSkusRequest) -> model::ListTransferableSkusResponse = cloud_channel_service::LIST_TRANSFERABLE_SKUS;
    list_transferable_offers(model::ListTransferableOffersRequest) -> model::ListTransferableOffersResponse = cloud_channel_service::LIST_TRANSFERABLE_OFFERS;
    get_entitlement(model::GetEntitlementRequest) -> model::Entitlement = cloud_channel_service::GET_ENTITLEMENT;
    create_entitlement(model::CreateEntitlementRequest) -> longrunning::Operation = cloud_channel_service::CREATE_ENTITLEMENT;
    change_parameters(model::ChangeParametersRequest) -> longrunning::Operation = cloud_channel_service::CHANGE_PARAMETERS;
    change_renewal_settings(model::ChangeRenewalSettingsRequest) -> longrunning::Operation = cloud_channel_service::CHANGE_RENEWAL_SETTINGS;
    change_offer(model::ChangeOfferRequest) -> longrunning::Operation = cloud_channel_service::CHANGE_OFFER;
    start_paid_service(model::StartPaidServiceRequest) -> longrunning::Operation = cloud_channel_service::START_PAID_SERVICE;
    suspend_entitlement(model::SuspendEntitlementRequest) -> longrunning::Operation = cloud_channel_service::SUSPEND_ENTITLEMENT;
    cancel_entitlement(model::CancelEntitlementRequest) -> longrunning::Operation = cloud_channel_service::CANCEL_ENTITLEMENT;
    activate_entitlement(model::ActivateEntitlementRequest) -> longrunning::Operation = cloud_channel_service::ACTIVATE_ENTITLEMENT;
    transfer_entitlements(model::TransferEntitlementsRequest) -> longrunning::Operation = cloud_channel_service::TRANSFER_ENTITLEMENTS;
    transfer_entitlements_to_google(model::TransferEntitlementsToGoogleRequest) -> longrunning::Operation = cloud_channel_service::TRANSFER_ENTITLEMENTS_TO_GOOGLE;
    list_channel_partner_links(model::ListChannelPartnerLinksRequest) -> model::ListChannelPartnerLinksResponse = cloud_channel_service::LIST_CHANNEL_PARTNER_LINKS;
    get_channel_partner_link(model::GetChannelPartnerLinkRequest) -> model::ChannelPartnerLink = cloud_channel_service::GET_CHANNEL_PARTNER_LINK;
    create_channel_partner_link(model::CreateChannelPartnerLinkRequest) -> model::ChannelPartnerLink = cloud_channel_service::CREATE_CHANNEL_PARTNER_LINK;
    update_channel_partner_link(model::UpdateChannelPartnerLinkRequest) -> model::ChannelPartnerLink = cloud_channel_service::UPDATE_CHANNEL_PARTNER_LINK;
    get_customer_repricing_config(model::GetCustomerRepricingConfigRequest) -> model::CustomerRepricingConfig = cloud_channel_service::GET_CUSTOMER_REPRICING_CONFIG;
    list_customer_repricing_configs(model::ListCustomerRepricingConfigsRequest) -> model::ListCustomerRepricingConfigsResponse = cloud_channel_service::LIST_CUSTOMER_REPRICING_CONFIGS;
    create_customer_repricing_config(model::CreateCustomerRepricingConfigRequest) -> model::CustomerRepricingConfig = cloud_channel_service::CREATE_CUSTOMER_REPRICING_CONFIG;
    update_customer_repricing_config(model::UpdateCustomerRepricingConfigRequest) -> model::CustomerRepricingConfig = cloud_channel_service::UPDATE_CUSTOMER_REPRICING_CONFIG;
    delete_customer_repricing_config(model::DeleteCustomerRepricingConfigRequest) -> wkt::Empty = cloud_channel_service::DELETE_CUSTOMER_REPRICING_CONFIG;
    get_channel_partner_repricing_config(model::GetChannelPartnerRepricingConfigRequest) -> model::ChannelPartnerRepricingConfig = cloud_channel_service::GET_CHANNEL_PARTNER_REPRICING_CONFIG;
    list_channel_partner_repricing_configs(model::ListChannelPartnerRepricingConfigsRequest) -> model::ListChannelPartnerRepricingConfigsResponse = cloud_channel_service::LIST_CHANNEL_PARTNER_REPRICING_CONFIGS;
    create_channel_partner_repricing_config(model::CreateChannelPartnerRepricingConfigRequest) -> model::ChannelPartnerRepricingConfig = cloud_channel_service::CREATE_CHANNEL_PARTNER_REPRICING_CONFIG;
    update_channel_partner_repricing_config(model::UpdateChannelPartnerRepricingConfigRequest) -> model::ChannelPartnerRepricingConfig = cloud_channel_service::UPDATE_CHANNEL_PARTNER_REPRICING_CONFIG;
    delete_channel_partner_repricing_config(model::DeleteChannelPartnerRepricingConfigRequest) -> wkt::Empty = cloud_channel_service::DELETE_CHANNEL_PARTNER_REPRICING_CONFIG;
    list_sku_groups(model::ListSkuGroupsRequest) -> model::ListSkuGroupsResponse = cloud_channel_service::LIST_SKU_GROUPS;
    list_sku_group_billable_skus(model::ListSkuGroupBillableSkusRequest) -> model::ListSkuGroupBillableSkusResponse = cloud_channel_service::LIST_SKU_GROUP_BILLABLE_SKUS;
    lookup_offer(model::LookupOfferRequest) -> model::Offer = cloud_channel_service::LOOKUP_OFFER;
    list_products(model::ListProductsRequest) -> model::ListProductsResponse = cloud_channel_service::LIST_PRODUCTS;
    list_skus(model::ListSkusRequest) -> model::ListSkusResponse = cloud_channel_service::LIST_SKUS;
    list_offers(model::ListOffersRequest) -> model::ListOffersResponse = cloud_channel_service::LIST_OFFERS;
    list_purchasable_skus(model::ListPurchasableSkusRequest) -> model::ListPurchasableSkusResponse = cloud_channel_service::LIST_PURCHASABLE_SKUS;
    list_purchasable_offers(model::ListPurchasableOffersRequest) -> model::ListPurchasableOffersResponse = cloud_channel_service::LIST_PURCHASABLE_OFFERS;
    query_eligible_billing_accounts(model::QueryEligibleBillingAccountsRequest) -> model::QueryEligibleBillingAccountsResponse = cloud_channel_service::QUERY_ELIGIBLE_BILLING_ACCOUNTS;
    register_subscriber(model::RegisterSubscriberRequest) -> model::RegisterSubscriberResponse = cloud_channel_service::REGISTER_SUBSCRIBER;
    unregister_subscriber(model::UnregisterSubscriberRequest) -> model::UnregisterSubscriberResponse = cloud_channel_service::UNREGISTER_SUBSCRIBER;
    list_subscribers(model::ListSubscribersRequest) -> model::ListSubscribersResponse = cloud_channel_service::LIST_SUBSCRIBERS;
    list_entitlement_changes(model::ListEntitlementChangesRequest) -> model::ListEntitlementChangesResponse = cloud_channel_service::LIST_ENTITLEMENT_CHANGES;
}
CloudChannelReportsService {
    run_report_job(model::RunReportJobRequest) -> longrunning::Operation = cloud_channel_reports_service::RUN_REPORT_JOB;
    fetch_report_results(model::FetchReportResultsRequest) -> model::FetchReportResultsResponse = cloud_channel_reports_service::FETCH_REPORT_RESULTS;
    list_reports(model::ListReportsRequest) -> model::ListReportsResponse = cloud_channel_reports_service::LIST_REPORTS;
}
Operations {
    list_operations(longrunning::ListOperationsRequest) -> longrunning::ListOperationsResponse = operations::LIST_OPERATIONS;
    get_operation(longrunning::GetOperationRequest) -> longrunning::Operation = operations::GET_OPERATION;
    delete_operation(longrunning::DeleteOperationRequest) -> wkt::Empty = operations::DELETE_OPERATION;
    cancel_operation(longrunning::CancelOperationRequest) -> wkt::Empty = operations::CANCEL_OPERATION;
}}
