//! The gRPC face of the emulator: tonic's generated server traits, each
//! method handing its request and metadata to the engine.

use std::time::Duration;

use channel_core::{CallOptions, Error, Result};
use prost::Message;

use super::conn::{current_grpc_method, cut_current_connection};
use super::names;
use crate::engine::Engine;
use crate::stubs::{
    cloud_channel_reports_service_server, cloud_channel_service_server, operations_server,
};

/// The engine behind tonic's server traits.
#[derive(Clone, Debug)]
pub(crate) struct GrpcService {
    pub(crate) engine: Engine,
}

impl GrpcService {
    /// Checks a request before the engine sees it, and turns its metadata
    /// into the call's headers (the engine reads the bearer token from
    /// them) and its `grpc-timeout` into the call's deadline.
    fn options<T: serde::Serialize>(
        &self,
        request: &tonic::Request<T>,
    ) -> std::result::Result<CallOptions, tonic::Status> {
        if let Some(method) = current_grpc_method() {
            if self.engine.config().faults.panic_method.as_deref() == Some(method.name) {
                panic!("injected fault: a panic while handling {}", method.name);
            }
            let json = serde_json::to_value(request.get_ref()).map_err(|e| {
                tonic::Status::internal(format!("the request has no JSON form: {e}"))
            })?;
            names::check(method, &json).map_err(|e| status(&e))?;
        }
        let mut options = CallOptions::new();
        for (name, value) in request.metadata().clone().into_headers().iter() {
            if let Ok(value) = value.to_str() {
                options = options.with_header(name.as_str(), value);
            }
        }
        if let Some(deadline) = request
            .metadata()
            .get("grpc-timeout")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_timeout)
            .and_then(|timeout| tokio::time::Instant::now().checked_add(timeout))
        {
            options = options.with_deadline(deadline);
        }
        Ok(options)
    }
}

/// `grpc-timeout`: at most 8 digits and a unit (H, M, S, m, u, n), as the
/// gRPC protocol defines it. Anything else is ignored, as tonic and the
/// other gRPC servers do: the call then runs under the server's own bound
/// (`ConnectionLimits::request_timeout`).
pub(crate) fn parse_timeout(text: &str) -> Option<Duration> {
    let (unit, digits) = text.as_bytes().split_last()?;
    if digits.is_empty() || digits.len() > 8 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = digits
        .iter()
        .fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
    Some(match unit {
        b'H' => Duration::from_secs(n * 3600),
        b'M' => Duration::from_secs(n * 60),
        b'S' => Duration::from_secs(n),
        b'm' => Duration::from_millis(n),
        b'u' => Duration::from_micros(n),
        b'n' => Duration::from_nanos(n),
        _ => return None,
    })
}

/// Rewrites the few refusals tonic makes before a handler runs into the
/// codes Google's servers give, and passes every other answer through:
///
/// - a request message over the size limit: tonic says OUT_OF_RANGE; the
///   gRPC protocol, and Google, say RESOURCE_EXHAUSTED;
/// - a request message that is not a valid protobuf encoding of the
///   method's input: tonic says INTERNAL, as if the server were at fault;
///   Google says INVALID_ARGUMENT.
///
/// Both come as a trailers-only response, so only its headers are read.
/// Framing errors (a cut frame, a compressed flag without an encoding)
/// stay INTERNAL, as the gRPC protocol has them.
pub(crate) fn refusals_as_google_gives_them(
    response: http::Response<axum::body::Body>,
    limit: usize,
    method: Option<&channel_types::methods::Method>,
) -> http::Response<axum::body::Body> {
    let headers = response.headers();
    let code = headers.get("grpc-status").map(|c| c.as_bytes());
    let message = headers
        .get("grpc-message")
        .and_then(|m| m.to_str().ok())
        .map(|m| percent_encoding::percent_decode_str(m).decode_utf8_lossy());
    let Some(message) = message else {
        return response;
    };
    if code == Some(b"11") && message.contains("message length too large") {
        return tonic::Status::resource_exhausted(format!(
            "the request message is larger than the limit of {limit} bytes"
        ))
        .into_http();
    }
    if code == Some(b"13")
        && let Some(why) = message.strip_prefix(UNDECODABLE)
    {
        let input = method.map_or("the method's request", |m| m.input);
        return tonic::Status::invalid_argument(format!(
            "Invalid request: the message is not a valid {input}: {}",
            crate::engine::validate::shorten(why)
        ))
        .into_http();
    }
    response
}

/// How tonic's protobuf codec starts the message of a body it cannot decode.
const UNDECODABLE: &str = "failed to decode Protobuf message: ";

/// The engine's error as a gRPC status, details in `grpc-status-details-bin`.
pub(crate) fn status(error: &Error) -> tonic::Status {
    if crate::engine::is_dropped(error) {
        // The change was applied; the connection goes without an answer.
        // Once cut, the socket takes no more bytes: this status is only for
        // a call that came without a connection.
        cut_current_connection();
        return tonic::Status::unavailable("connection dropped");
    }
    let code = tonic::Code::from_i32(error.code() as i32);
    let details = error.to_status().encode_to_vec();
    tonic::Status::with_details(code, error.message(), details.into())
}

fn reply<T>(result: Result<T>) -> std::result::Result<tonic::Response<T>, tonic::Status> {
    result.map(tonic::Response::new).map_err(|e| status(&e))
}

#[tonic::async_trait]
#[allow(deprecated)]
impl cloud_channel_service_server::CloudChannelService for GrpcService {
    async fn list_customers(
        &self,
        request: tonic::Request<::channel_types::model::ListCustomersRequest>,
    ) -> std::result::Result<
        tonic::Response<::channel_types::model::ListCustomersResponse>,
        tonic::Status,
    > {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::list_customers(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn get_customer(
        &self,
        request: tonic::Request<::channel_types::model::GetCustomerRequest>,
    ) -> std::result::Result<tonic::Response<::channel_types::model::Customer>, tonic::Status> {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::get_customer(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn check_cloud_identity_accounts_exist(
        &self,
        request: tonic::Request<::channel_types::model::CheckCloudIdentityAccountsExistRequest>,
    ) -> std::result::Result<
        tonic::Response<::channel_types::model::CheckCloudIdentityAccountsExistResponse>,
        tonic::Status,
    > {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::check_cloud_identity_accounts_exist(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn create_customer(
        &self,
        request: tonic::Request<::channel_types::model::CreateCustomerRequest>,
    ) -> std::result::Result<tonic::Response<::channel_types::model::Customer>, tonic::Status> {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::create_customer(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn update_customer(
        &self,
        request: tonic::Request<::channel_types::model::UpdateCustomerRequest>,
    ) -> std::result::Result<tonic::Response<::channel_types::model::Customer>, tonic::Status> {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::update_customer(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn delete_customer(
        &self,
        request: tonic::Request<::channel_types::model::DeleteCustomerRequest>,
    ) -> std::result::Result<tonic::Response<::channel_types::wkt::Empty>, tonic::Status> {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::delete_customer(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn import_customer(
        &self,
        request: tonic::Request<::channel_types::model::ImportCustomerRequest>,
    ) -> std::result::Result<tonic::Response<::channel_types::model::Customer>, tonic::Status> {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::import_customer(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn provision_cloud_identity(
        &self,
        request: tonic::Request<::channel_types::model::ProvisionCloudIdentityRequest>,
    ) -> std::result::Result<tonic::Response<::channel_types::longrunning::Operation>, tonic::Status>
    {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::provision_cloud_identity(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn list_entitlements(
        &self,
        request: tonic::Request<::channel_types::model::ListEntitlementsRequest>,
    ) -> std::result::Result<
        tonic::Response<::channel_types::model::ListEntitlementsResponse>,
        tonic::Status,
    > {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::list_entitlements(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn list_transferable_skus(
        &self,
        request: tonic::Request<::channel_types::model::ListTransferableSkusRequest>,
    ) -> std::result::Result<
        tonic::Response<::channel_types::model::ListTransferableSkusResponse>,
        tonic::Status,
    > {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::list_transferable_skus(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn list_transferable_offers(
        &self,
        request: tonic::Request<::channel_types::model::ListTransferableOffersRequest>,
    ) -> std::result::Result<
        tonic::Response<::channel_types::model::ListTransferableOffersResponse>,
        tonic::Status,
    > {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::list_transferable_offers(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn get_entitlement(
        &self,
        request: tonic::Request<::channel_types::model::GetEntitlementRequest>,
    ) -> std::result::Result<tonic::Response<::channel_types::model::Entitlement>, tonic::Status>
    {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::get_entitlement(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn create_entitlement(
        &self,
        request: tonic::Request<::channel_types::model::CreateEntitlementRequest>,
    ) -> std::result::Result<tonic::Response<::channel_types::longrunning::Operation>, tonic::Status>
    {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::create_entitlement(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn change_parameters(
        &self,
        request: tonic::Request<::channel_types::model::ChangeParametersRequest>,
    ) -> std::result::Result<tonic::Response<::channel_types::longrunning::Operation>, tonic::Status>
    {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::change_parameters(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn change_renewal_settings(
        &self,
        request: tonic::Request<::channel_types::model::ChangeRenewalSettingsRequest>,
    ) -> std::result::Result<tonic::Response<::channel_types::longrunning::Operation>, tonic::Status>
    {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::change_renewal_settings(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn change_offer(
        &self,
        request: tonic::Request<::channel_types::model::ChangeOfferRequest>,
    ) -> std::result::Result<tonic::Response<::channel_types::longrunning::Operation>, tonic::Status>
    {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::change_offer(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn start_paid_service(
        &self,
        request: tonic::Request<::channel_types::model::StartPaidServiceRequest>,
    ) -> std::result::Result<tonic::Response<::channel_types::longrunning::Operation>, tonic::Status>
    {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::start_paid_service(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn suspend_entitlement(
        &self,
        request: tonic::Request<::channel_types::model::SuspendEntitlementRequest>,
    ) -> std::result::Result<tonic::Response<::channel_types::longrunning::Operation>, tonic::Status>
    {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::suspend_entitlement(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn cancel_entitlement(
        &self,
        request: tonic::Request<::channel_types::model::CancelEntitlementRequest>,
    ) -> std::result::Result<tonic::Response<::channel_types::longrunning::Operation>, tonic::Status>
    {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::cancel_entitlement(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn activate_entitlement(
        &self,
        request: tonic::Request<::channel_types::model::ActivateEntitlementRequest>,
    ) -> std::result::Result<tonic::Response<::channel_types::longrunning::Operation>, tonic::Status>
    {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::activate_entitlement(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn transfer_entitlements(
        &self,
        request: tonic::Request<::channel_types::model::TransferEntitlementsRequest>,
    ) -> std::result::Result<tonic::Response<::channel_types::longrunning::Operation>, tonic::Status>
    {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::transfer_entitlements(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn transfer_entitlements_to_google(
        &self,
        request: tonic::Request<::channel_types::model::TransferEntitlementsToGoogleRequest>,
    ) -> std::result::Result<tonic::Response<::channel_types::longrunning::Operation>, tonic::Status>
    {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::transfer_entitlements_to_google(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn list_channel_partner_links(
        &self,
        request: tonic::Request<::channel_types::model::ListChannelPartnerLinksRequest>,
    ) -> std::result::Result<
        tonic::Response<::channel_types::model::ListChannelPartnerLinksResponse>,
        tonic::Status,
    > {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::list_channel_partner_links(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn get_channel_partner_link(
        &self,
        request: tonic::Request<::channel_types::model::GetChannelPartnerLinkRequest>,
    ) -> std::result::Result<
        tonic::Response<::channel_types::model::ChannelPartnerLink>,
        tonic::Status,
    > {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::get_channel_partner_link(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn create_channel_partner_link(
        &self,
        request: tonic::Request<::channel_types::model::CreateChannelPartnerLinkRequest>,
    ) -> std::result::Result<
        tonic::Response<::channel_types::model::ChannelPartnerLink>,
        tonic::Status,
    > {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::create_channel_partner_link(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn update_channel_partner_link(
        &self,
        request: tonic::Request<::channel_types::model::UpdateChannelPartnerLinkRequest>,
    ) -> std::result::Result<
        tonic::Response<::channel_types::model::ChannelPartnerLink>,
        tonic::Status,
    > {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::update_channel_partner_link(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn get_customer_repricing_config(
        &self,
        request: tonic::Request<::channel_types::model::GetCustomerRepricingConfigRequest>,
    ) -> std::result::Result<
        tonic::Response<::channel_types::model::CustomerRepricingConfig>,
        tonic::Status,
    > {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::get_customer_repricing_config(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn list_customer_repricing_configs(
        &self,
        request: tonic::Request<::channel_types::model::ListCustomerRepricingConfigsRequest>,
    ) -> std::result::Result<
        tonic::Response<::channel_types::model::ListCustomerRepricingConfigsResponse>,
        tonic::Status,
    > {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::list_customer_repricing_configs(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn create_customer_repricing_config(
        &self,
        request: tonic::Request<::channel_types::model::CreateCustomerRepricingConfigRequest>,
    ) -> std::result::Result<
        tonic::Response<::channel_types::model::CustomerRepricingConfig>,
        tonic::Status,
    > {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::create_customer_repricing_config(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn update_customer_repricing_config(
        &self,
        request: tonic::Request<::channel_types::model::UpdateCustomerRepricingConfigRequest>,
    ) -> std::result::Result<
        tonic::Response<::channel_types::model::CustomerRepricingConfig>,
        tonic::Status,
    > {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::update_customer_repricing_config(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn delete_customer_repricing_config(
        &self,
        request: tonic::Request<::channel_types::model::DeleteCustomerRepricingConfigRequest>,
    ) -> std::result::Result<tonic::Response<::channel_types::wkt::Empty>, tonic::Status> {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::delete_customer_repricing_config(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn get_channel_partner_repricing_config(
        &self,
        request: tonic::Request<::channel_types::model::GetChannelPartnerRepricingConfigRequest>,
    ) -> std::result::Result<
        tonic::Response<::channel_types::model::ChannelPartnerRepricingConfig>,
        tonic::Status,
    > {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::get_channel_partner_repricing_config(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn list_channel_partner_repricing_configs(
        &self,
        request: tonic::Request<::channel_types::model::ListChannelPartnerRepricingConfigsRequest>,
    ) -> std::result::Result<
        tonic::Response<::channel_types::model::ListChannelPartnerRepricingConfigsResponse>,
        tonic::Status,
    > {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::list_channel_partner_repricing_configs(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn create_channel_partner_repricing_config(
        &self,
        request: tonic::Request<::channel_types::model::CreateChannelPartnerRepricingConfigRequest>,
    ) -> std::result::Result<
        tonic::Response<::channel_types::model::ChannelPartnerRepricingConfig>,
        tonic::Status,
    > {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::create_channel_partner_repricing_config(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn update_channel_partner_repricing_config(
        &self,
        request: tonic::Request<::channel_types::model::UpdateChannelPartnerRepricingConfigRequest>,
    ) -> std::result::Result<
        tonic::Response<::channel_types::model::ChannelPartnerRepricingConfig>,
        tonic::Status,
    > {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::update_channel_partner_repricing_config(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn delete_channel_partner_repricing_config(
        &self,
        request: tonic::Request<::channel_types::model::DeleteChannelPartnerRepricingConfigRequest>,
    ) -> std::result::Result<tonic::Response<::channel_types::wkt::Empty>, tonic::Status> {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::delete_channel_partner_repricing_config(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn list_sku_groups(
        &self,
        request: tonic::Request<::channel_types::model::ListSkuGroupsRequest>,
    ) -> std::result::Result<
        tonic::Response<::channel_types::model::ListSkuGroupsResponse>,
        tonic::Status,
    > {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::list_sku_groups(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn list_sku_group_billable_skus(
        &self,
        request: tonic::Request<::channel_types::model::ListSkuGroupBillableSkusRequest>,
    ) -> std::result::Result<
        tonic::Response<::channel_types::model::ListSkuGroupBillableSkusResponse>,
        tonic::Status,
    > {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::list_sku_group_billable_skus(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn lookup_offer(
        &self,
        request: tonic::Request<::channel_types::model::LookupOfferRequest>,
    ) -> std::result::Result<tonic::Response<::channel_types::model::Offer>, tonic::Status> {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::lookup_offer(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn list_products(
        &self,
        request: tonic::Request<::channel_types::model::ListProductsRequest>,
    ) -> std::result::Result<
        tonic::Response<::channel_types::model::ListProductsResponse>,
        tonic::Status,
    > {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::list_products(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn list_skus(
        &self,
        request: tonic::Request<::channel_types::model::ListSkusRequest>,
    ) -> std::result::Result<tonic::Response<::channel_types::model::ListSkusResponse>, tonic::Status>
    {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::list_skus(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn list_offers(
        &self,
        request: tonic::Request<::channel_types::model::ListOffersRequest>,
    ) -> std::result::Result<
        tonic::Response<::channel_types::model::ListOffersResponse>,
        tonic::Status,
    > {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::list_offers(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn list_purchasable_skus(
        &self,
        request: tonic::Request<::channel_types::model::ListPurchasableSkusRequest>,
    ) -> std::result::Result<
        tonic::Response<::channel_types::model::ListPurchasableSkusResponse>,
        tonic::Status,
    > {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::list_purchasable_skus(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn list_purchasable_offers(
        &self,
        request: tonic::Request<::channel_types::model::ListPurchasableOffersRequest>,
    ) -> std::result::Result<
        tonic::Response<::channel_types::model::ListPurchasableOffersResponse>,
        tonic::Status,
    > {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::list_purchasable_offers(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn query_eligible_billing_accounts(
        &self,
        request: tonic::Request<::channel_types::model::QueryEligibleBillingAccountsRequest>,
    ) -> std::result::Result<
        tonic::Response<::channel_types::model::QueryEligibleBillingAccountsResponse>,
        tonic::Status,
    > {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::query_eligible_billing_accounts(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn register_subscriber(
        &self,
        request: tonic::Request<::channel_types::model::RegisterSubscriberRequest>,
    ) -> std::result::Result<
        tonic::Response<::channel_types::model::RegisterSubscriberResponse>,
        tonic::Status,
    > {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::register_subscriber(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn unregister_subscriber(
        &self,
        request: tonic::Request<::channel_types::model::UnregisterSubscriberRequest>,
    ) -> std::result::Result<
        tonic::Response<::channel_types::model::UnregisterSubscriberResponse>,
        tonic::Status,
    > {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::unregister_subscriber(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn list_subscribers(
        &self,
        request: tonic::Request<::channel_types::model::ListSubscribersRequest>,
    ) -> std::result::Result<
        tonic::Response<::channel_types::model::ListSubscribersResponse>,
        tonic::Status,
    > {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::list_subscribers(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn list_entitlement_changes(
        &self,
        request: tonic::Request<::channel_types::model::ListEntitlementChangesRequest>,
    ) -> std::result::Result<
        tonic::Response<::channel_types::model::ListEntitlementChangesResponse>,
        tonic::Status,
    > {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelService::list_entitlement_changes(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }
}

#[tonic::async_trait]
#[allow(deprecated)]
impl cloud_channel_reports_service_server::CloudChannelReportsService for GrpcService {
    async fn run_report_job(
        &self,
        request: tonic::Request<::channel_types::model::RunReportJobRequest>,
    ) -> std::result::Result<tonic::Response<::channel_types::longrunning::Operation>, tonic::Status>
    {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelReportsService::run_report_job(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn fetch_report_results(
        &self,
        request: tonic::Request<::channel_types::model::FetchReportResultsRequest>,
    ) -> std::result::Result<
        tonic::Response<::channel_types::model::FetchReportResultsResponse>,
        tonic::Status,
    > {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelReportsService::fetch_report_results(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }

    async fn list_reports(
        &self,
        request: tonic::Request<::channel_types::model::ListReportsRequest>,
    ) -> std::result::Result<
        tonic::Response<::channel_types::model::ListReportsResponse>,
        tonic::Status,
    > {
        let options = self.options(&request)?;
        reply(
            channel_core::CloudChannelReportsService::list_reports(
                &self.engine,
                request.into_inner(),
                options,
            )
            .await,
        )
    }
}

#[tonic::async_trait]
#[allow(deprecated)]
impl operations_server::Operations for GrpcService {
    async fn list_operations(
        &self,
        request: tonic::Request<::channel_types::longrunning::ListOperationsRequest>,
    ) -> std::result::Result<
        tonic::Response<::channel_types::longrunning::ListOperationsResponse>,
        tonic::Status,
    > {
        let options = self.options(&request)?;
        reply(
            channel_core::Operations::list_operations(&self.engine, request.into_inner(), options)
                .await,
        )
    }

    async fn get_operation(
        &self,
        request: tonic::Request<::channel_types::longrunning::GetOperationRequest>,
    ) -> std::result::Result<tonic::Response<::channel_types::longrunning::Operation>, tonic::Status>
    {
        let options = self.options(&request)?;
        reply(
            channel_core::Operations::get_operation(&self.engine, request.into_inner(), options)
                .await,
        )
    }

    async fn delete_operation(
        &self,
        request: tonic::Request<::channel_types::longrunning::DeleteOperationRequest>,
    ) -> std::result::Result<tonic::Response<::channel_types::wkt::Empty>, tonic::Status> {
        let options = self.options(&request)?;
        reply(
            channel_core::Operations::delete_operation(&self.engine, request.into_inner(), options)
                .await,
        )
    }

    async fn cancel_operation(
        &self,
        request: tonic::Request<::channel_types::longrunning::CancelOperationRequest>,
    ) -> std::result::Result<tonic::Response<::channel_types::wkt::Empty>, tonic::Status> {
        let options = self.options(&request)?;
        reply(
            channel_core::Operations::cancel_operation(&self.engine, request.into_inner(), options)
                .await,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grpc_timeouts() {
        assert_eq!(parse_timeout("5S"), Some(Duration::from_secs(5)));
        assert_eq!(parse_timeout("250m"), Some(Duration::from_millis(250)));
        assert_eq!(parse_timeout("2H"), Some(Duration::from_secs(7200)));
        assert_eq!(
            parse_timeout("99999999H"),
            Some(Duration::from_secs(99_999_999 * 3600))
        );
        assert_eq!(parse_timeout("x"), None);
        assert_eq!(parse_timeout(""), None);
        assert_eq!(parse_timeout("10Q"), None);
    }

    #[test]
    fn out_of_spec_grpc_timeouts_are_ignored_without_a_panic() {
        for text in [
            "18446744073709551615H",
            "123456789S",
            "H",
            "5",
            "-5S",
            "+5S",
            " 5S",
            "5 S",
            "5€",
            "€",
            "5SS",
            "0x10S",
        ] {
            assert_eq!(parse_timeout(text), None, "{text:?}");
        }
        // The longest valid one still makes a deadline.
        let longest = parse_timeout("99999999H").unwrap();
        assert!(tokio::time::Instant::now().checked_add(longest).is_some());
    }
}
