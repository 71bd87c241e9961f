//! The Cloud Channel API client for Rust.
//!
//! Google Cloud resellers and distributors use the Cloud Channel API to
//! manage customers, Cloud Identity, entitlements, channel partners,
//! repricing and reports. This crate is the one to depend on: it gathers the
//! message types, typed resource names, the [`Client`] (retries, deadlines,
//! request ids, long-running operations, pagination streams, credentials)
//! and the transports, chosen with features:
//!
//! | feature    | default | what it brings |
//! |------------|---------|----------------|
//! | `http`     | yes     | the REST/JSON transport ([`http::HttpTransport`], reqwest + rustls) |
//! | `grpc`     | no      | the gRPC transport (`grpc::GrpcTransport`, tonic + rustls) |
//! | `emulator` | no      | the in-process emulator (`emulator::Emulator`) |
//! | `mocks`    | no      | mockall mocks of the service traits (`emulator::mocks`), with `emulator` |
//!
//! # Quickstart
//!
//! ```no_run
//! use channel::credentials::ServiceAccount;
//! use channel::model::ListCustomersRequest;
//! use channel::{Client, ClientBuilderExt};
//!
//! # async fn example() -> channel::Result<()> {
//! // Resellers call the API as a user of their domain: domain-wide delegation.
//! let key = ServiceAccount::from_file("key.json")?.with_subject("admin@reseller.example");
//! let client = Client::builder().credentials(key).build_http()?;
//!
//! let customers = client
//!     .list_customers(ListCustomersRequest::new().set_parent("accounts/C012345"))
//!     .collect_items()
//!     .await?;
//! println!("{} customers", customers.len());
//! # Ok(()) }
//! ```
//!
//! Set `CHANNEL_EMULATOR_HOST=127.0.0.1:8791` and the same code talks to a
//! local `channel-emulator` instead, anonymously and over plaintext.

#![cfg_attr(docsrs, feature(doc_cfg))]

#[doc(hidden)]
pub use channel_core::{BoxFuture, ClientConfig, Stubs};
pub use channel_core::{
    Call, CallOptions, CertificatePem, Client, ClientBuilder, ClientCertificate,
    CloudChannelReportsService, CloudChannelService, DEFAULT_ENDPOINT, DEFAULT_TIMEOUT,
    DEFAULT_UNIVERSE_DOMAIN, EMULATOR_HOST_ENV, EndpointUrl, Error, ErrorDetail, ErrorKind,
    LroCall, MTLS_ENDPOINT, NO_RETRY_METHODS, Operation, Operations, PollingPolicy, Result,
    RetryPolicy, UNIVERSE_DOMAIN_ENV, USE_CLIENT_CERTIFICATE_ENV, USE_MTLS_ENDPOINT_ENV,
    UnknownDetail, UseMtlsEndpoint, credentials, pagination, transport, validation,
};
pub use channel_types::{longrunning, methods, model, names, rpc, r#type, wkt};

/// The REST/JSON transport.
#[cfg(feature = "http")]
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
pub use channel_http as http;

/// The gRPC transport.
#[cfg(feature = "grpc")]
#[cfg_attr(docsrs, doc(cfg(feature = "grpc")))]
pub use channel_grpc as grpc;

/// The emulator: engine, servers, mocks.
#[cfg(feature = "emulator")]
#[cfg_attr(docsrs, doc(cfg(feature = "emulator")))]
pub use channel_mock as emulator;

/// Builds a [`Client`] over one of the enabled transports.
pub trait ClientBuilderExt {
    /// Over REST/JSON.
    #[cfg(feature = "http")]
    fn build_http(self) -> Result<Client>;

    /// Over gRPC (needs a tokio runtime).
    #[cfg(feature = "grpc")]
    fn build_grpc(self) -> Result<Client>;
}

impl ClientBuilderExt for ClientBuilder {
    #[cfg(feature = "http")]
    fn build_http(self) -> Result<Client> {
        self.build_with(channel_http::HttpTransport::new)
    }

    #[cfg(feature = "grpc")]
    fn build_grpc(self) -> Result<Client> {
        self.build_with(channel_grpc::GrpcTransport::new)
    }
}

/// Starts an in-process emulator and a client connected to it over REST:
/// a sandbox for tests and demos that needs no Google account.
///
/// ```
/// # tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
///
/// let (emulator, client) = channel::start_emulator().await.unwrap();
/// let products = client.list_products(channel::model::ListProductsRequest::new().set_account(emulator_account())).await.unwrap();
/// assert!(!products.products.is_empty());
/// # fn emulator_account() -> String { "accounts/C0emulator".into() }
/// # });
/// ```
#[cfg(all(feature = "emulator", feature = "http"))]
#[cfg_attr(docsrs, doc(cfg(all(feature = "emulator", feature = "http"))))]
pub async fn start_emulator()
-> std::result::Result<(channel_mock::Emulator, Client), Box<dyn std::error::Error + Send + Sync>> {
    let emulator = channel_mock::Emulator::start(channel_mock::EmulatorConfig::default()).await?;
    let client = Client::builder()
        .endpoint(emulator.http_endpoint())
        .build_http()?;
    Ok((emulator, client))
}
