//! gRPC transport for the Cloud Channel client.
//!
//! [`GrpcTransport`] implements the service traits of `channel-core`
//! ([`CloudChannelService`](channel_core::CloudChannelService),
//! [`CloudChannelReportsService`](channel_core::CloudChannelReportsService)
//! and [`Operations`](channel_core::Operations)) over one lazily connected
//! tonic channel: HTTP/2 with TLS (rustls with the `ring` provider and the
//! webpki root certificates), or plaintext for a local emulator. Hand it to
//! a [`Client`](channel_core::Client) for retries, deadlines, operations and
//! pagination:
//!
//! ```no_run
//! # async fn example() -> channel_core::Result<()> {
//! use channel_core::Client;
//! use channel_grpc::GrpcTransport;
//!
//! let client = Client::builder().build_with(GrpcTransport::new)?;
//! let customer = client.get_customer(channel_types::model::GetCustomerRequest::new().set_name("accounts/A1/customers/C1")).await?;
//! # Ok(()) }
//! ```
//!
//! Every call carries the credentials' bearer token or the API key
//! (`x-goog-api-key`), the `x-goog-request-params` routing header built from
//! the request, `x-goog-api-client` (`gl-rust/<rustc> gccl/<version>
//! grpc/<tonic>`), the user agent `cloudchannel-rs/<version>` (tonic adds
//! its own token after it), the headers of its call options, and its
//! remaining time as `grpc-timeout`. A client certificate (mutual TLS) is
//! presented when the configuration has one. A failed call becomes a
//! [`channel_core::Error`]: the server's status with the details decoded from
//! `grpc-status-details-bin`, or a retryable transport error (connection
//! refused, reset, GOAWAY), a timeout, or a decode error.
//!
//! The tonic client stubs generated from the schema are in [`stubs`], for
//! those who want raw tonic clients over their own channel.

mod call;
mod codec;
mod error;
mod routing;
mod transport;

#[allow(missing_docs, unreachable_pub, clippy::all, clippy::pedantic)]
mod generated;

pub use call::WIRE_TARGET;
pub use transport::{
    API_CLIENT_TRANSPORT, DEFAULT_MAX_RECEIVE_MESSAGE_SIZE, DEFAULT_MAX_SEND_MESSAGE_SIZE,
    GrpcTransport, GrpcTransportBuilder,
};

/// tonic client stubs, one module per service.
pub mod stubs {
    pub use crate::generated::google::cloud::channel::v1::cloud_channel_reports_service_client;
    pub use crate::generated::google::cloud::channel::v1::cloud_channel_service_client;
    pub use crate::generated::google::longrunning::operations_client;
}
