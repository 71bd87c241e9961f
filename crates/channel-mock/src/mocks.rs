//! mockall mocks of the three service traits, for tests that prefer
//! expectations to the emulator's fake.
//!
//! Each mock answers synchronously: set what a method returns with
//! `expect_<method>().returning(|request, options| ...)`; the mock implements
//! the async service trait by wrapping that answer in a ready future.
//!
//! ```
//! use std::sync::Arc;
//! use channel_core::{Client, Stubs};
//! use channel_mock::mocks::{MockCloudChannelService, MockCloudChannelReportsService, MockOperations};
//! use channel_types::model::Customer;
//!
//! let mut channel = MockCloudChannelService::new();
//! channel
//!     .expect_get_customer()
//!     .withf(|request, _| request.name == "accounts/A1/customers/C1")
//!     .times(1)
//!     .returning(|request, _| Ok(Customer { name: request.name, ..Default::default() }));
//! let stubs = Stubs {
//!     channel: Arc::new(channel),
//!     reports: Arc::new(MockCloudChannelReportsService::new()),
//!     operations: Arc::new(MockOperations::new()),
//! };
//! let client = Client::new(stubs);
//! # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
//! let customer = client.get_customer().set_name("accounts/A1/customers/C1").await.unwrap();
//! assert_eq!(customer.name, "accounts/A1/customers/C1");
//! # });
//! ```

#![allow(missing_docs, deprecated)]

use channel_core::{BoxFuture, CallOptions, Result};

/// The synchronous shape of `CloudChannelService` that the mock implements.
pub trait CloudChannelServiceAnswers: Send + Sync {
    /// See `channel_core::CloudChannelService::list_customers`.
    fn list_customers(
        &self,
        request: ::channel_types::model::ListCustomersRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::ListCustomersResponse>;
    /// See `channel_core::CloudChannelService::get_customer`.
    fn get_customer(
        &self,
        request: ::channel_types::model::GetCustomerRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::Customer>;
    /// See `channel_core::CloudChannelService::check_cloud_identity_accounts_exist`.
    fn check_cloud_identity_accounts_exist(
        &self,
        request: ::channel_types::model::CheckCloudIdentityAccountsExistRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::CheckCloudIdentityAccountsExistResponse>;
    /// See `channel_core::CloudChannelService::create_customer`.
    fn create_customer(
        &self,
        request: ::channel_types::model::CreateCustomerRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::Customer>;
    /// See `channel_core::CloudChannelService::update_customer`.
    fn update_customer(
        &self,
        request: ::channel_types::model::UpdateCustomerRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::Customer>;
    /// See `channel_core::CloudChannelService::delete_customer`.
    fn delete_customer(
        &self,
        request: ::channel_types::model::DeleteCustomerRequest,
        options: CallOptions,
    ) -> Result<::channel_types::wkt::Empty>;
    /// See `channel_core::CloudChannelService::import_customer`.
    fn import_customer(
        &self,
        request: ::channel_types::model::ImportCustomerRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::Customer>;
    /// See `channel_core::CloudChannelService::provision_cloud_identity`.
    fn provision_cloud_identity(
        &self,
        request: ::channel_types::model::ProvisionCloudIdentityRequest,
        options: CallOptions,
    ) -> Result<::channel_types::longrunning::Operation>;
    /// See `channel_core::CloudChannelService::list_entitlements`.
    fn list_entitlements(
        &self,
        request: ::channel_types::model::ListEntitlementsRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::ListEntitlementsResponse>;
    /// See `channel_core::CloudChannelService::list_transferable_skus`.
    fn list_transferable_skus(
        &self,
        request: ::channel_types::model::ListTransferableSkusRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::ListTransferableSkusResponse>;
    /// See `channel_core::CloudChannelService::list_transferable_offers`.
    fn list_transferable_offers(
        &self,
        request: ::channel_types::model::ListTransferableOffersRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::ListTransferableOffersResponse>;
    /// See `channel_core::CloudChannelService::get_entitlement`.
    fn get_entitlement(
        &self,
        request: ::channel_types::model::GetEntitlementRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::Entitlement>;
    /// See `channel_core::CloudChannelService::create_entitlement`.
    fn create_entitlement(
        &self,
        request: ::channel_types::model::CreateEntitlementRequest,
        options: CallOptions,
    ) -> Result<::channel_types::longrunning::Operation>;
    /// See `channel_core::CloudChannelService::change_parameters`.
    fn change_parameters(
        &self,
        request: ::channel_types::model::ChangeParametersRequest,
        options: CallOptions,
    ) -> Result<::channel_types::longrunning::Operation>;
    /// See `channel_core::CloudChannelService::change_renewal_settings`.
    fn change_renewal_settings(
        &self,
        request: ::channel_types::model::ChangeRenewalSettingsRequest,
        options: CallOptions,
    ) -> Result<::channel_types::longrunning::Operation>;
    /// See `channel_core::CloudChannelService::change_offer`.
    fn change_offer(
        &self,
        request: ::channel_types::model::ChangeOfferRequest,
        options: CallOptions,
    ) -> Result<::channel_types::longrunning::Operation>;
    /// See `channel_core::CloudChannelService::start_paid_service`.
    fn start_paid_service(
        &self,
        request: ::channel_types::model::StartPaidServiceRequest,
        options: CallOptions,
    ) -> Result<::channel_types::longrunning::Operation>;
    /// See `channel_core::CloudChannelService::suspend_entitlement`.
    fn suspend_entitlement(
        &self,
        request: ::channel_types::model::SuspendEntitlementRequest,
        options: CallOptions,
    ) -> Result<::channel_types::longrunning::Operation>;
    /// See `channel_core::CloudChannelService::cancel_entitlement`.
    fn cancel_entitlement(
        &self,
        request: ::channel_types::model::CancelEntitlementRequest,
        options: CallOptions,
    ) -> Result<::channel_types::longrunning::Operation>;
    /// See `channel_core::CloudChannelService::activate_entitlement`.
    fn activate_entitlement(
        &self,
        request: ::channel_types::model::ActivateEntitlementRequest,
        options: CallOptions,
    ) -> Result<::channel_types::longrunning::Operation>;
    /// See `channel_core::CloudChannelService::transfer_entitlements`.
    fn transfer_entitlements(
        &self,
        request: ::channel_types::model::TransferEntitlementsRequest,
        options: CallOptions,
    ) -> Result<::channel_types::longrunning::Operation>;
    /// See `channel_core::CloudChannelService::transfer_entitlements_to_google`.
    fn transfer_entitlements_to_google(
        &self,
        request: ::channel_types::model::TransferEntitlementsToGoogleRequest,
        options: CallOptions,
    ) -> Result<::channel_types::longrunning::Operation>;
    /// See `channel_core::CloudChannelService::list_channel_partner_links`.
    fn list_channel_partner_links(
        &self,
        request: ::channel_types::model::ListChannelPartnerLinksRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::ListChannelPartnerLinksResponse>;
    /// See `channel_core::CloudChannelService::get_channel_partner_link`.
    fn get_channel_partner_link(
        &self,
        request: ::channel_types::model::GetChannelPartnerLinkRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::ChannelPartnerLink>;
    /// See `channel_core::CloudChannelService::create_channel_partner_link`.
    fn create_channel_partner_link(
        &self,
        request: ::channel_types::model::CreateChannelPartnerLinkRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::ChannelPartnerLink>;
    /// See `channel_core::CloudChannelService::update_channel_partner_link`.
    fn update_channel_partner_link(
        &self,
        request: ::channel_types::model::UpdateChannelPartnerLinkRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::ChannelPartnerLink>;
    /// See `channel_core::CloudChannelService::get_customer_repricing_config`.
    fn get_customer_repricing_config(
        &self,
        request: ::channel_types::model::GetCustomerRepricingConfigRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::CustomerRepricingConfig>;
    /// See `channel_core::CloudChannelService::list_customer_repricing_configs`.
    fn list_customer_repricing_configs(
        &self,
        request: ::channel_types::model::ListCustomerRepricingConfigsRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::ListCustomerRepricingConfigsResponse>;
    /// See `channel_core::CloudChannelService::create_customer_repricing_config`.
    fn create_customer_repricing_config(
        &self,
        request: ::channel_types::model::CreateCustomerRepricingConfigRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::CustomerRepricingConfig>;
    /// See `channel_core::CloudChannelService::update_customer_repricing_config`.
    fn update_customer_repricing_config(
        &self,
        request: ::channel_types::model::UpdateCustomerRepricingConfigRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::CustomerRepricingConfig>;
    /// See `channel_core::CloudChannelService::delete_customer_repricing_config`.
    fn delete_customer_repricing_config(
        &self,
        request: ::channel_types::model::DeleteCustomerRepricingConfigRequest,
        options: CallOptions,
    ) -> Result<::channel_types::wkt::Empty>;
    /// See `channel_core::CloudChannelService::get_channel_partner_repricing_config`.
    fn get_channel_partner_repricing_config(
        &self,
        request: ::channel_types::model::GetChannelPartnerRepricingConfigRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::ChannelPartnerRepricingConfig>;
    /// See `channel_core::CloudChannelService::list_channel_partner_repricing_configs`.
    fn list_channel_partner_repricing_configs(
        &self,
        request: ::channel_types::model::ListChannelPartnerRepricingConfigsRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::ListChannelPartnerRepricingConfigsResponse>;
    /// See `channel_core::CloudChannelService::create_channel_partner_repricing_config`.
    fn create_channel_partner_repricing_config(
        &self,
        request: ::channel_types::model::CreateChannelPartnerRepricingConfigRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::ChannelPartnerRepricingConfig>;
    /// See `channel_core::CloudChannelService::update_channel_partner_repricing_config`.
    fn update_channel_partner_repricing_config(
        &self,
        request: ::channel_types::model::UpdateChannelPartnerRepricingConfigRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::ChannelPartnerRepricingConfig>;
    /// See `channel_core::CloudChannelService::delete_channel_partner_repricing_config`.
    fn delete_channel_partner_repricing_config(
        &self,
        request: ::channel_types::model::DeleteChannelPartnerRepricingConfigRequest,
        options: CallOptions,
    ) -> Result<::channel_types::wkt::Empty>;
    /// See `channel_core::CloudChannelService::list_sku_groups`.
    fn list_sku_groups(
        &self,
        request: ::channel_types::model::ListSkuGroupsRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::ListSkuGroupsResponse>;
    /// See `channel_core::CloudChannelService::list_sku_group_billable_skus`.
    fn list_sku_group_billable_skus(
        &self,
        request: ::channel_types::model::ListSkuGroupBillableSkusRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::ListSkuGroupBillableSkusResponse>;
    /// See `channel_core::CloudChannelService::lookup_offer`.
    fn lookup_offer(
        &self,
        request: ::channel_types::model::LookupOfferRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::Offer>;
    /// See `channel_core::CloudChannelService::list_products`.
    fn list_products(
        &self,
        request: ::channel_types::model::ListProductsRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::ListProductsResponse>;
    /// See `channel_core::CloudChannelService::list_skus`.
    fn list_skus(
        &self,
        request: ::channel_types::model::ListSkusRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::ListSkusResponse>;
    /// See `channel_core::CloudChannelService::list_offers`.
    fn list_offers(
        &self,
        request: ::channel_types::model::ListOffersRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::ListOffersResponse>;
    /// See `channel_core::CloudChannelService::list_purchasable_skus`.
    fn list_purchasable_skus(
        &self,
        request: ::channel_types::model::ListPurchasableSkusRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::ListPurchasableSkusResponse>;
    /// See `channel_core::CloudChannelService::list_purchasable_offers`.
    fn list_purchasable_offers(
        &self,
        request: ::channel_types::model::ListPurchasableOffersRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::ListPurchasableOffersResponse>;
    /// See `channel_core::CloudChannelService::query_eligible_billing_accounts`.
    fn query_eligible_billing_accounts(
        &self,
        request: ::channel_types::model::QueryEligibleBillingAccountsRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::QueryEligibleBillingAccountsResponse>;
    /// See `channel_core::CloudChannelService::register_subscriber`.
    fn register_subscriber(
        &self,
        request: ::channel_types::model::RegisterSubscriberRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::RegisterSubscriberResponse>;
    /// See `channel_core::CloudChannelService::unregister_subscriber`.
    fn unregister_subscriber(
        &self,
        request: ::channel_types::model::UnregisterSubscriberRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::UnregisterSubscriberResponse>;
    /// See `channel_core::CloudChannelService::list_subscribers`.
    fn list_subscribers(
        &self,
        request: ::channel_types::model::ListSubscribersRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::ListSubscribersResponse>;
    /// See `channel_core::CloudChannelService::list_entitlement_changes`.
    fn list_entitlement_changes(
        &self,
        request: ::channel_types::model::ListEntitlementChangesRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::ListEntitlementChangesResponse>;
}

mockall::mock! {
    /// A mock of `CloudChannelService`.
    pub CloudChannelService {}

    impl CloudChannelServiceAnswers for CloudChannelService {
        fn list_customers(&self, request: ::channel_types::model::ListCustomersRequest, options: CallOptions) -> Result<::channel_types::model::ListCustomersResponse>;
        fn get_customer(&self, request: ::channel_types::model::GetCustomerRequest, options: CallOptions) -> Result<::channel_types::model::Customer>;
        fn check_cloud_identity_accounts_exist(&self, request: ::channel_types::model::CheckCloudIdentityAccountsExistRequest, options: CallOptions) -> Result<::channel_types::model::CheckCloudIdentityAccountsExistResponse>;
        fn create_customer(&self, request: ::channel_types::model::CreateCustomerRequest, options: CallOptions) -> Result<::channel_types::model::Customer>;
        fn update_customer(&self, request: ::channel_types::model::UpdateCustomerRequest, options: CallOptions) -> Result<::channel_types::model::Customer>;
        fn delete_customer(&self, request: ::channel_types::model::DeleteCustomerRequest, options: CallOptions) -> Result<::channel_types::wkt::Empty>;
        fn import_customer(&self, request: ::channel_types::model::ImportCustomerRequest, options: CallOptions) -> Result<::channel_types::model::Customer>;
        fn provision_cloud_identity(&self, request: ::channel_types::model::ProvisionCloudIdentityRequest, options: CallOptions) -> Result<::channel_types::longrunning::Operation>;
        fn list_entitlements(&self, request: ::channel_types::model::ListEntitlementsRequest, options: CallOptions) -> Result<::channel_types::model::ListEntitlementsResponse>;
        fn list_transferable_skus(&self, request: ::channel_types::model::ListTransferableSkusRequest, options: CallOptions) -> Result<::channel_types::model::ListTransferableSkusResponse>;
        fn list_transferable_offers(&self, request: ::channel_types::model::ListTransferableOffersRequest, options: CallOptions) -> Result<::channel_types::model::ListTransferableOffersResponse>;
        fn get_entitlement(&self, request: ::channel_types::model::GetEntitlementRequest, options: CallOptions) -> Result<::channel_types::model::Entitlement>;
        fn create_entitlement(&self, request: ::channel_types::model::CreateEntitlementRequest, options: CallOptions) -> Result<::channel_types::longrunning::Operation>;
        fn change_parameters(&self, request: ::channel_types::model::ChangeParametersRequest, options: CallOptions) -> Result<::channel_types::longrunning::Operation>;
        fn change_renewal_settings(&self, request: ::channel_types::model::ChangeRenewalSettingsRequest, options: CallOptions) -> Result<::channel_types::longrunning::Operation>;
        fn change_offer(&self, request: ::channel_types::model::ChangeOfferRequest, options: CallOptions) -> Result<::channel_types::longrunning::Operation>;
        fn start_paid_service(&self, request: ::channel_types::model::StartPaidServiceRequest, options: CallOptions) -> Result<::channel_types::longrunning::Operation>;
        fn suspend_entitlement(&self, request: ::channel_types::model::SuspendEntitlementRequest, options: CallOptions) -> Result<::channel_types::longrunning::Operation>;
        fn cancel_entitlement(&self, request: ::channel_types::model::CancelEntitlementRequest, options: CallOptions) -> Result<::channel_types::longrunning::Operation>;
        fn activate_entitlement(&self, request: ::channel_types::model::ActivateEntitlementRequest, options: CallOptions) -> Result<::channel_types::longrunning::Operation>;
        fn transfer_entitlements(&self, request: ::channel_types::model::TransferEntitlementsRequest, options: CallOptions) -> Result<::channel_types::longrunning::Operation>;
        fn transfer_entitlements_to_google(&self, request: ::channel_types::model::TransferEntitlementsToGoogleRequest, options: CallOptions) -> Result<::channel_types::longrunning::Operation>;
        fn list_channel_partner_links(&self, request: ::channel_types::model::ListChannelPartnerLinksRequest, options: CallOptions) -> Result<::channel_types::model::ListChannelPartnerLinksResponse>;
        fn get_channel_partner_link(&self, request: ::channel_types::model::GetChannelPartnerLinkRequest, options: CallOptions) -> Result<::channel_types::model::ChannelPartnerLink>;
        fn create_channel_partner_link(&self, request: ::channel_types::model::CreateChannelPartnerLinkRequest, options: CallOptions) -> Result<::channel_types::model::ChannelPartnerLink>;
        fn update_channel_partner_link(&self, request: ::channel_types::model::UpdateChannelPartnerLinkRequest, options: CallOptions) -> Result<::channel_types::model::ChannelPartnerLink>;
        fn get_customer_repricing_config(&self, request: ::channel_types::model::GetCustomerRepricingConfigRequest, options: CallOptions) -> Result<::channel_types::model::CustomerRepricingConfig>;
        fn list_customer_repricing_configs(&self, request: ::channel_types::model::ListCustomerRepricingConfigsRequest, options: CallOptions) -> Result<::channel_types::model::ListCustomerRepricingConfigsResponse>;
        fn create_customer_repricing_config(&self, request: ::channel_types::model::CreateCustomerRepricingConfigRequest, options: CallOptions) -> Result<::channel_types::model::CustomerRepricingConfig>;
        fn update_customer_repricing_config(&self, request: ::channel_types::model::UpdateCustomerRepricingConfigRequest, options: CallOptions) -> Result<::channel_types::model::CustomerRepricingConfig>;
        fn delete_customer_repricing_config(&self, request: ::channel_types::model::DeleteCustomerRepricingConfigRequest, options: CallOptions) -> Result<::channel_types::wkt::Empty>;
        fn get_channel_partner_repricing_config(&self, request: ::channel_types::model::GetChannelPartnerRepricingConfigRequest, options: CallOptions) -> Result<::channel_types::model::ChannelPartnerRepricingConfig>;
        fn list_channel_partner_repricing_configs(&self, request: ::channel_types::model::ListChannelPartnerRepricingConfigsRequest, options: CallOptions) -> Result<::channel_types::model::ListChannelPartnerRepricingConfigsResponse>;
        fn create_channel_partner_repricing_config(&self, request: ::channel_types::model::CreateChannelPartnerRepricingConfigRequest, options: CallOptions) -> Result<::channel_types::model::ChannelPartnerRepricingConfig>;
        fn update_channel_partner_repricing_config(&self, request: ::channel_types::model::UpdateChannelPartnerRepricingConfigRequest, options: CallOptions) -> Result<::channel_types::model::ChannelPartnerRepricingConfig>;
        fn delete_channel_partner_repricing_config(&self, request: ::channel_types::model::DeleteChannelPartnerRepricingConfigRequest, options: CallOptions) -> Result<::channel_types::wkt::Empty>;
        fn list_sku_groups(&self, request: ::channel_types::model::ListSkuGroupsRequest, options: CallOptions) -> Result<::channel_types::model::ListSkuGroupsResponse>;
        fn list_sku_group_billable_skus(&self, request: ::channel_types::model::ListSkuGroupBillableSkusRequest, options: CallOptions) -> Result<::channel_types::model::ListSkuGroupBillableSkusResponse>;
        fn lookup_offer(&self, request: ::channel_types::model::LookupOfferRequest, options: CallOptions) -> Result<::channel_types::model::Offer>;
        fn list_products(&self, request: ::channel_types::model::ListProductsRequest, options: CallOptions) -> Result<::channel_types::model::ListProductsResponse>;
        fn list_skus(&self, request: ::channel_types::model::ListSkusRequest, options: CallOptions) -> Result<::channel_types::model::ListSkusResponse>;
        fn list_offers(&self, request: ::channel_types::model::ListOffersRequest, options: CallOptions) -> Result<::channel_types::model::ListOffersResponse>;
        fn list_purchasable_skus(&self, request: ::channel_types::model::ListPurchasableSkusRequest, options: CallOptions) -> Result<::channel_types::model::ListPurchasableSkusResponse>;
        fn list_purchasable_offers(&self, request: ::channel_types::model::ListPurchasableOffersRequest, options: CallOptions) -> Result<::channel_types::model::ListPurchasableOffersResponse>;
        fn query_eligible_billing_accounts(&self, request: ::channel_types::model::QueryEligibleBillingAccountsRequest, options: CallOptions) -> Result<::channel_types::model::QueryEligibleBillingAccountsResponse>;
        fn register_subscriber(&self, request: ::channel_types::model::RegisterSubscriberRequest, options: CallOptions) -> Result<::channel_types::model::RegisterSubscriberResponse>;
        fn unregister_subscriber(&self, request: ::channel_types::model::UnregisterSubscriberRequest, options: CallOptions) -> Result<::channel_types::model::UnregisterSubscriberResponse>;
        fn list_subscribers(&self, request: ::channel_types::model::ListSubscribersRequest, options: CallOptions) -> Result<::channel_types::model::ListSubscribersResponse>;
        fn list_entitlement_changes(&self, request: ::channel_types::model::ListEntitlementChangesRequest, options: CallOptions) -> Result<::channel_types::model::ListEntitlementChangesResponse>;
    }
}

impl channel_core::CloudChannelService for MockCloudChannelService {
    fn list_customers(
        &self,
        request: ::channel_types::model::ListCustomersRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListCustomersResponse>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::list_customers(self, request, options),
        ))
    }

    fn get_customer(
        &self,
        request: ::channel_types::model::GetCustomerRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::Customer>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::get_customer(self, request, options),
        ))
    }

    fn check_cloud_identity_accounts_exist(
        &self,
        request: ::channel_types::model::CheckCloudIdentityAccountsExistRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::CheckCloudIdentityAccountsExistResponse>>
    {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::check_cloud_identity_accounts_exist(self, request, options),
        ))
    }

    fn create_customer(
        &self,
        request: ::channel_types::model::CreateCustomerRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::Customer>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::create_customer(self, request, options),
        ))
    }

    fn update_customer(
        &self,
        request: ::channel_types::model::UpdateCustomerRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::Customer>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::update_customer(self, request, options),
        ))
    }

    fn delete_customer(
        &self,
        request: ::channel_types::model::DeleteCustomerRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::wkt::Empty>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::delete_customer(self, request, options),
        ))
    }

    fn import_customer(
        &self,
        request: ::channel_types::model::ImportCustomerRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::Customer>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::import_customer(self, request, options),
        ))
    }

    fn provision_cloud_identity(
        &self,
        request: ::channel_types::model::ProvisionCloudIdentityRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::longrunning::Operation>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::provision_cloud_identity(self, request, options),
        ))
    }

    fn list_entitlements(
        &self,
        request: ::channel_types::model::ListEntitlementsRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListEntitlementsResponse>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::list_entitlements(self, request, options),
        ))
    }

    fn list_transferable_skus(
        &self,
        request: ::channel_types::model::ListTransferableSkusRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListTransferableSkusResponse>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::list_transferable_skus(self, request, options),
        ))
    }

    fn list_transferable_offers(
        &self,
        request: ::channel_types::model::ListTransferableOffersRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListTransferableOffersResponse>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::list_transferable_offers(self, request, options),
        ))
    }

    fn get_entitlement(
        &self,
        request: ::channel_types::model::GetEntitlementRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::Entitlement>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::get_entitlement(self, request, options),
        ))
    }

    fn create_entitlement(
        &self,
        request: ::channel_types::model::CreateEntitlementRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::longrunning::Operation>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::create_entitlement(self, request, options),
        ))
    }

    fn change_parameters(
        &self,
        request: ::channel_types::model::ChangeParametersRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::longrunning::Operation>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::change_parameters(self, request, options),
        ))
    }

    fn change_renewal_settings(
        &self,
        request: ::channel_types::model::ChangeRenewalSettingsRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::longrunning::Operation>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::change_renewal_settings(self, request, options),
        ))
    }

    fn change_offer(
        &self,
        request: ::channel_types::model::ChangeOfferRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::longrunning::Operation>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::change_offer(self, request, options),
        ))
    }

    fn start_paid_service(
        &self,
        request: ::channel_types::model::StartPaidServiceRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::longrunning::Operation>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::start_paid_service(self, request, options),
        ))
    }

    fn suspend_entitlement(
        &self,
        request: ::channel_types::model::SuspendEntitlementRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::longrunning::Operation>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::suspend_entitlement(self, request, options),
        ))
    }

    fn cancel_entitlement(
        &self,
        request: ::channel_types::model::CancelEntitlementRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::longrunning::Operation>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::cancel_entitlement(self, request, options),
        ))
    }

    fn activate_entitlement(
        &self,
        request: ::channel_types::model::ActivateEntitlementRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::longrunning::Operation>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::activate_entitlement(self, request, options),
        ))
    }

    fn transfer_entitlements(
        &self,
        request: ::channel_types::model::TransferEntitlementsRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::longrunning::Operation>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::transfer_entitlements(self, request, options),
        ))
    }

    fn transfer_entitlements_to_google(
        &self,
        request: ::channel_types::model::TransferEntitlementsToGoogleRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::longrunning::Operation>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::transfer_entitlements_to_google(self, request, options),
        ))
    }

    fn list_channel_partner_links(
        &self,
        request: ::channel_types::model::ListChannelPartnerLinksRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListChannelPartnerLinksResponse>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::list_channel_partner_links(self, request, options),
        ))
    }

    fn get_channel_partner_link(
        &self,
        request: ::channel_types::model::GetChannelPartnerLinkRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ChannelPartnerLink>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::get_channel_partner_link(self, request, options),
        ))
    }

    fn create_channel_partner_link(
        &self,
        request: ::channel_types::model::CreateChannelPartnerLinkRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ChannelPartnerLink>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::create_channel_partner_link(self, request, options),
        ))
    }

    fn update_channel_partner_link(
        &self,
        request: ::channel_types::model::UpdateChannelPartnerLinkRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ChannelPartnerLink>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::update_channel_partner_link(self, request, options),
        ))
    }

    fn get_customer_repricing_config(
        &self,
        request: ::channel_types::model::GetCustomerRepricingConfigRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::CustomerRepricingConfig>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::get_customer_repricing_config(self, request, options),
        ))
    }

    fn list_customer_repricing_configs(
        &self,
        request: ::channel_types::model::ListCustomerRepricingConfigsRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListCustomerRepricingConfigsResponse>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::list_customer_repricing_configs(self, request, options),
        ))
    }

    fn create_customer_repricing_config(
        &self,
        request: ::channel_types::model::CreateCustomerRepricingConfigRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::CustomerRepricingConfig>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::create_customer_repricing_config(self, request, options),
        ))
    }

    fn update_customer_repricing_config(
        &self,
        request: ::channel_types::model::UpdateCustomerRepricingConfigRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::CustomerRepricingConfig>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::update_customer_repricing_config(self, request, options),
        ))
    }

    fn delete_customer_repricing_config(
        &self,
        request: ::channel_types::model::DeleteCustomerRepricingConfigRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::wkt::Empty>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::delete_customer_repricing_config(self, request, options),
        ))
    }

    fn get_channel_partner_repricing_config(
        &self,
        request: ::channel_types::model::GetChannelPartnerRepricingConfigRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ChannelPartnerRepricingConfig>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::get_channel_partner_repricing_config(
                self, request, options,
            ),
        ))
    }

    fn list_channel_partner_repricing_configs(
        &self,
        request: ::channel_types::model::ListChannelPartnerRepricingConfigsRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListChannelPartnerRepricingConfigsResponse>>
    {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::list_channel_partner_repricing_configs(
                self, request, options,
            ),
        ))
    }

    fn create_channel_partner_repricing_config(
        &self,
        request: ::channel_types::model::CreateChannelPartnerRepricingConfigRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ChannelPartnerRepricingConfig>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::create_channel_partner_repricing_config(
                self, request, options,
            ),
        ))
    }

    fn update_channel_partner_repricing_config(
        &self,
        request: ::channel_types::model::UpdateChannelPartnerRepricingConfigRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ChannelPartnerRepricingConfig>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::update_channel_partner_repricing_config(
                self, request, options,
            ),
        ))
    }

    fn delete_channel_partner_repricing_config(
        &self,
        request: ::channel_types::model::DeleteChannelPartnerRepricingConfigRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::wkt::Empty>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::delete_channel_partner_repricing_config(
                self, request, options,
            ),
        ))
    }

    fn list_sku_groups(
        &self,
        request: ::channel_types::model::ListSkuGroupsRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListSkuGroupsResponse>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::list_sku_groups(self, request, options),
        ))
    }

    fn list_sku_group_billable_skus(
        &self,
        request: ::channel_types::model::ListSkuGroupBillableSkusRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListSkuGroupBillableSkusResponse>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::list_sku_group_billable_skus(self, request, options),
        ))
    }

    fn lookup_offer(
        &self,
        request: ::channel_types::model::LookupOfferRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::Offer>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::lookup_offer(self, request, options),
        ))
    }

    fn list_products(
        &self,
        request: ::channel_types::model::ListProductsRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListProductsResponse>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::list_products(self, request, options),
        ))
    }

    fn list_skus(
        &self,
        request: ::channel_types::model::ListSkusRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListSkusResponse>> {
        Box::pin(std::future::ready(CloudChannelServiceAnswers::list_skus(
            self, request, options,
        )))
    }

    fn list_offers(
        &self,
        request: ::channel_types::model::ListOffersRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListOffersResponse>> {
        Box::pin(std::future::ready(CloudChannelServiceAnswers::list_offers(
            self, request, options,
        )))
    }

    fn list_purchasable_skus(
        &self,
        request: ::channel_types::model::ListPurchasableSkusRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListPurchasableSkusResponse>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::list_purchasable_skus(self, request, options),
        ))
    }

    fn list_purchasable_offers(
        &self,
        request: ::channel_types::model::ListPurchasableOffersRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListPurchasableOffersResponse>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::list_purchasable_offers(self, request, options),
        ))
    }

    fn query_eligible_billing_accounts(
        &self,
        request: ::channel_types::model::QueryEligibleBillingAccountsRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::QueryEligibleBillingAccountsResponse>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::query_eligible_billing_accounts(self, request, options),
        ))
    }

    fn register_subscriber(
        &self,
        request: ::channel_types::model::RegisterSubscriberRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::RegisterSubscriberResponse>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::register_subscriber(self, request, options),
        ))
    }

    fn unregister_subscriber(
        &self,
        request: ::channel_types::model::UnregisterSubscriberRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::UnregisterSubscriberResponse>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::unregister_subscriber(self, request, options),
        ))
    }

    fn list_subscribers(
        &self,
        request: ::channel_types::model::ListSubscribersRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListSubscribersResponse>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::list_subscribers(self, request, options),
        ))
    }

    fn list_entitlement_changes(
        &self,
        request: ::channel_types::model::ListEntitlementChangesRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListEntitlementChangesResponse>> {
        Box::pin(std::future::ready(
            CloudChannelServiceAnswers::list_entitlement_changes(self, request, options),
        ))
    }
}

/// The synchronous shape of `CloudChannelReportsService` that the mock implements.
pub trait CloudChannelReportsServiceAnswers: Send + Sync {
    /// See `channel_core::CloudChannelReportsService::run_report_job`.
    fn run_report_job(
        &self,
        request: ::channel_types::model::RunReportJobRequest,
        options: CallOptions,
    ) -> Result<::channel_types::longrunning::Operation>;
    /// See `channel_core::CloudChannelReportsService::fetch_report_results`.
    fn fetch_report_results(
        &self,
        request: ::channel_types::model::FetchReportResultsRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::FetchReportResultsResponse>;
    /// See `channel_core::CloudChannelReportsService::list_reports`.
    fn list_reports(
        &self,
        request: ::channel_types::model::ListReportsRequest,
        options: CallOptions,
    ) -> Result<::channel_types::model::ListReportsResponse>;
}

mockall::mock! {
    /// A mock of `CloudChannelReportsService`.
    pub CloudChannelReportsService {}

    impl CloudChannelReportsServiceAnswers for CloudChannelReportsService {
        fn run_report_job(&self, request: ::channel_types::model::RunReportJobRequest, options: CallOptions) -> Result<::channel_types::longrunning::Operation>;
        fn fetch_report_results(&self, request: ::channel_types::model::FetchReportResultsRequest, options: CallOptions) -> Result<::channel_types::model::FetchReportResultsResponse>;
        fn list_reports(&self, request: ::channel_types::model::ListReportsRequest, options: CallOptions) -> Result<::channel_types::model::ListReportsResponse>;
    }
}

impl channel_core::CloudChannelReportsService for MockCloudChannelReportsService {
    fn run_report_job(
        &self,
        request: ::channel_types::model::RunReportJobRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::longrunning::Operation>> {
        Box::pin(std::future::ready(
            CloudChannelReportsServiceAnswers::run_report_job(self, request, options),
        ))
    }

    fn fetch_report_results(
        &self,
        request: ::channel_types::model::FetchReportResultsRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::FetchReportResultsResponse>> {
        Box::pin(std::future::ready(
            CloudChannelReportsServiceAnswers::fetch_report_results(self, request, options),
        ))
    }

    fn list_reports(
        &self,
        request: ::channel_types::model::ListReportsRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::model::ListReportsResponse>> {
        Box::pin(std::future::ready(
            CloudChannelReportsServiceAnswers::list_reports(self, request, options),
        ))
    }
}

/// The synchronous shape of `Operations` that the mock implements.
pub trait OperationsAnswers: Send + Sync {
    /// See `channel_core::Operations::list_operations`.
    fn list_operations(
        &self,
        request: ::channel_types::longrunning::ListOperationsRequest,
        options: CallOptions,
    ) -> Result<::channel_types::longrunning::ListOperationsResponse>;
    /// See `channel_core::Operations::get_operation`.
    fn get_operation(
        &self,
        request: ::channel_types::longrunning::GetOperationRequest,
        options: CallOptions,
    ) -> Result<::channel_types::longrunning::Operation>;
    /// See `channel_core::Operations::delete_operation`.
    fn delete_operation(
        &self,
        request: ::channel_types::longrunning::DeleteOperationRequest,
        options: CallOptions,
    ) -> Result<::channel_types::wkt::Empty>;
    /// See `channel_core::Operations::cancel_operation`.
    fn cancel_operation(
        &self,
        request: ::channel_types::longrunning::CancelOperationRequest,
        options: CallOptions,
    ) -> Result<::channel_types::wkt::Empty>;
}

mockall::mock! {
    /// A mock of `Operations`.
    pub Operations {}

    impl OperationsAnswers for Operations {
        fn list_operations(&self, request: ::channel_types::longrunning::ListOperationsRequest, options: CallOptions) -> Result<::channel_types::longrunning::ListOperationsResponse>;
        fn get_operation(&self, request: ::channel_types::longrunning::GetOperationRequest, options: CallOptions) -> Result<::channel_types::longrunning::Operation>;
        fn delete_operation(&self, request: ::channel_types::longrunning::DeleteOperationRequest, options: CallOptions) -> Result<::channel_types::wkt::Empty>;
        fn cancel_operation(&self, request: ::channel_types::longrunning::CancelOperationRequest, options: CallOptions) -> Result<::channel_types::wkt::Empty>;
    }
}

impl channel_core::Operations for MockOperations {
    fn list_operations(
        &self,
        request: ::channel_types::longrunning::ListOperationsRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::longrunning::ListOperationsResponse>> {
        Box::pin(std::future::ready(OperationsAnswers::list_operations(
            self, request, options,
        )))
    }

    fn get_operation(
        &self,
        request: ::channel_types::longrunning::GetOperationRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::longrunning::Operation>> {
        Box::pin(std::future::ready(OperationsAnswers::get_operation(
            self, request, options,
        )))
    }

    fn delete_operation(
        &self,
        request: ::channel_types::longrunning::DeleteOperationRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::wkt::Empty>> {
        Box::pin(std::future::ready(OperationsAnswers::delete_operation(
            self, request, options,
        )))
    }

    fn cancel_operation(
        &self,
        request: ::channel_types::longrunning::CancelOperationRequest,
        options: CallOptions,
    ) -> BoxFuture<'_, Result<::channel_types::wkt::Empty>> {
        Box::pin(std::future::ready(OperationsAnswers::cancel_operation(
            self, request, options,
        )))
    }
}
