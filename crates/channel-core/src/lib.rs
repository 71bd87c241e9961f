//! The transport-agnostic runtime of the Cloud Channel client.
//!
//! - [`Client`]: every RPC as a method returning a [`Call`], with the
//!   service's defaults (60 s timeout; `UNAVAILABLE` retried up to 5 attempts
//!   with exponential backoff and jitter, per method as
//!   [`RetryPolicy::for_method`] says), request ids filled in for
//!   idempotent retries, typed [`Operation`] handles for long-running
//!   methods, and [`pages`](Call::pages) / [`items`](Call::items) streams for
//!   list methods.
//! - The service traits [`CloudChannelService`], [`CloudChannelReportsService`]
//!   and [`Operations`]: what transports, the emulator and mocks implement;
//!   [`transport`] holds the rest of what they need ([`transport::Stubs`],
//!   [`transport::ClientConfig`], [`transport::BoxFuture`]).
//! - [`Error`]: the gRPC code, message and decoded status details, whichever
//!   wire it came from; [`ErrorKind::OutcomeUnknown`] (and
//!   [`Error::is_outcome_unknown`]) for a request that may have been applied
//!   although no answer came.
//! - [`validation`]: the checks every request passes before it is sent
//!   (resource names against their patterns, required fields).
//! - [`EndpointUrl`]: endpoints parsed by a URL parser, for the transports.
//! - [`ClientBuilder`] options on par with Google's clients: universe domain,
//!   API key, client certificates for mutual TLS ([`ClientCertificate`]) and
//!   the endpoint choice of `GOOGLE_API_USE_CLIENT_CERTIFICATE` and
//!   `GOOGLE_API_USE_MTLS_ENDPOINT`.
//! - [`credentials`]: anonymous, static token, service account (with a subject
//!   for domain-wide delegation) and Application Default Credentials.
//!
//! ```
//! use std::sync::Arc;
//! use channel_core::transport::{BoxFuture, Stubs};
//! use channel_core::{CallOptions, Client, CloudChannelService, Result};
//! use channel_types::model::{Customer, GetCustomerRequest};
//!
//! // A tiny in-memory service: only GetCustomer is implemented.
//! struct Fake;
//! impl CloudChannelService for Fake {
//!     fn get_customer(&self, request: GetCustomerRequest, _: CallOptions) -> BoxFuture<'_, Result<Customer>> {
//!         Box::pin(async move { Ok(Customer { name: request.name, ..Default::default() }) })
//!     }
//! }
//!
//! # tokio_test_block_on(async {
//! // The reports and operations services keep answering `UNIMPLEMENTED`.
//! let client = Client::new(Stubs::default().with_channel(Arc::new(Fake)));
//! let customer = client.get_customer(GetCustomerRequest::new().set_name("accounts/A1/customers/C1")).await?;
//! assert_eq!(customer.name, "accounts/A1/customers/C1");
//! # Ok::<(), channel_core::Error>(()) }).unwrap();
//! # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(f)
//! # }
//! ```

mod call;
mod client;
pub mod credentials;
mod endpoint;
mod error;
mod future;
mod mtls;
mod operation;
mod options;
pub mod pagination;
mod polling;
mod retry;
pub mod transport;
mod universe;
pub mod validation;

#[allow(missing_docs, unreachable_pub, deprecated, clippy::all)]
mod generated;

pub use call::Call;
pub use client::{Client, ClientBuilder};
pub use endpoint::{DEFAULT_ENDPOINT, EMULATOR_HOST_ENV, EndpointUrl};
pub use error::{Error, ErrorDetail, ErrorKind, Result, UnknownDetail};
pub use generated::builders;
pub use generated::traits::{CloudChannelReportsService, CloudChannelService, Operations};
pub use mtls::{
    CertificatePem, ClientCertificate, MTLS_ENDPOINT, USE_CLIENT_CERTIFICATE_ENV,
    USE_MTLS_ENDPOINT_ENV, UseMtlsEndpoint,
};
pub use operation::{LroCall, Operation};
pub use options::{CallOptions, DEFAULT_TIMEOUT};
pub use polling::PollingPolicy;
pub use retry::{NO_RETRY_METHODS, RetryPolicy};
pub use universe::{DEFAULT_UNIVERSE_DOMAIN, UNIVERSE_DOMAIN_ENV};

pub use channel_types as types;

// Where the transport interface was reachable before it had a module of its
// own; kept so that code written against it still compiles.
#[doc(hidden)]
pub use transport::{BoxFuture, ClientConfig, RUSTC_VERSION, Stubs, USER_AGENT_PRODUCT};
