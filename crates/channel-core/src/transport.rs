//! What a transport needs from the client, and nothing a caller of the API
//! uses.
//!
//! This module is for whoever connects a [`Client`](crate::Client) to a
//! service: the REST and gRPC transports, the emulator, a test double. A
//! transport implements the service traits ([`CloudChannelService`],
//! [`CloudChannelReportsService`], [`Operations`]) with methods returning a
//! [`BoxFuture`], reads each attempt's [`deadline`](CallOptions::deadline)
//! and [`attempt`](CallOptions::attempt) from its [`CallOptions`] (the
//! client ends the whole call at the deadline with one timer, and says so
//! with [`deadline_bounded_by_caller`](CallOptions::deadline_bounded_by_caller):
//! the transport then passes the deadline on to the server and arms no
//! timer of its own), and is
//! built from the [`ClientConfig`] that
//! [`ClientBuilder::transport_config`](crate::ClientBuilder::transport_config)
//! (or [`try_transport_config`](crate::ClientBuilder::try_transport_config))
//! hands it. [`Stubs`] holds the three services a client calls; a test sets
//! the one it needs and the others answer `UNIMPLEMENTED`.
//!
//! Code that only calls the API needs none of this: the crate root has the
//! [`Client`](crate::Client), its builder, [`Error`] and the call options.

use std::fmt;
use std::sync::Arc;

use crate::credentials::{Anonymous, ApiKey};
use crate::endpoint::DEFAULT_ENDPOINT;
use crate::mtls::ClientCertificate;
use crate::universe::DEFAULT_UNIVERSE_DOMAIN;

pub use crate::credentials::{AccessToken, Credentials};
pub use crate::future::BoxFuture;
pub use crate::mtls::CertificatePem;
pub use crate::{
    CallOptions, CloudChannelReportsService, CloudChannelService, EndpointUrl, Error, Operations,
    Result,
};

/// The three services a client talks to, as trait objects.
#[derive(Clone)]
pub struct Stubs {
    /// `google.cloud.channel.v1.CloudChannelService`.
    pub channel: Arc<dyn CloudChannelService>,
    /// `google.cloud.channel.v1.CloudChannelReportsService`.
    pub reports: Arc<dyn CloudChannelReportsService>,
    /// `google.longrunning.Operations`.
    pub operations: Arc<dyn Operations>,
}

impl Stubs {
    /// All three services from one implementation (a transport, the emulator).
    pub fn from_backend<B>(backend: Arc<B>) -> Self
    where
        B: CloudChannelService + CloudChannelReportsService + Operations + 'static,
    {
        Stubs {
            channel: backend.clone(),
            reports: backend.clone(),
            operations: backend,
        }
    }
}

impl Default for Stubs {
    /// Three services that answer every method with `UNIMPLEMENTED`, naming
    /// the method: the start of a test double that sets only what it needs.
    fn default() -> Self {
        Stubs::from_backend(Arc::new(Unimplemented))
    }
}

impl Stubs {
    /// These stubs with `channel` as `CloudChannelService`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use channel_core::transport::Stubs;
    ///
    /// struct OnlyCustomers;
    /// impl channel_core::CloudChannelService for OnlyCustomers {}
    ///
    /// let stubs = Stubs::default().with_channel(Arc::new(OnlyCustomers));
    /// # let _ = stubs;
    /// ```
    pub fn with_channel(mut self, channel: Arc<dyn CloudChannelService>) -> Self {
        self.channel = channel;
        self
    }

    /// These stubs with `reports` as `CloudChannelReportsService`.
    pub fn with_reports(mut self, reports: Arc<dyn CloudChannelReportsService>) -> Self {
        self.reports = reports;
        self
    }

    /// These stubs with `operations` as `google.longrunning.Operations`.
    pub fn with_operations(mut self, operations: Arc<dyn Operations>) -> Self {
        self.operations = operations;
        self
    }
}

/// The services of [`Stubs::default`]: every method keeps the traits'
/// default, an `UNIMPLEMENTED` error that names it.
struct Unimplemented;
impl CloudChannelService for Unimplemented {}
impl CloudChannelReportsService for Unimplemented {}
impl Operations for Unimplemented {}

impl fmt::Debug for Stubs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Stubs")
    }
}

/// The Rust version this crate was built with, for `gl-rust/...`.
pub const RUSTC_VERSION: &str = env!("CHANNEL_RUSTC_VERSION");

/// The first product token of the `user-agent` header.
pub const USER_AGENT_PRODUCT: &str = concat!("cloudchannel-rs/", env!("CARGO_PKG_VERSION"));

/// Where and as whom a transport connects: what a [`ClientBuilder`](crate::ClientBuilder) hands
/// to the transport it builds.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// `https://host[:port]`, or `http://` for a local emulator.
    pub endpoint: String,
    /// Source of the bearer token of each request.
    pub credentials: Arc<dyn Credentials>,
    /// Project billed for quota (`x-goog-user-project`).
    pub quota_project: Option<String>,
    /// Added to `x-goog-api-client` and the user agent.
    pub user_agent: Option<String>,
    /// The endpoint is an emulator found through `CHANNEL_EMULATOR_HOST`:
    /// plaintext and anonymous. The transports then send no credentials
    /// and no API key, whatever the other fields hold.
    pub emulator: bool,
    /// The universe the client is in (`googleapis.com` for Google's public
    /// cloud); credentials that name another one are refused.
    pub universe_domain: String,
    /// Sent as `x-goog-api-key`; only with anonymous credentials.
    pub api_key: Option<ApiKey>,
    /// The client certificate of mutual TLS, when one is in use.
    pub client_certificate: Option<ClientCertificate>,
}

impl Default for ClientConfig {
    /// Google's public endpoint, anonymous, nothing else set; the
    /// environment is not read.
    fn default() -> Self {
        ClientConfig {
            endpoint: DEFAULT_ENDPOINT.to_string(),
            credentials: Arc::new(Anonymous),
            quota_project: None,
            user_agent: None,
            emulator: false,
            universe_domain: DEFAULT_UNIVERSE_DOMAIN.to_string(),
            api_key: None,
            client_certificate: None,
        }
    }
}

impl ClientConfig {
    /// The `x-goog-api-client` header value, in the space-separated
    /// `name/version` tokens of Google's clients: the Rust version, this
    /// library's version, the `transport` token the transport gives
    /// (`rest/<version>` or `grpc/<version>`), and the user's addition.
    ///
    /// ```
    /// let config = channel_core::transport::ClientConfig::default();
    /// let header = config.api_client_header("rest/0.12.28");
    /// assert!(header.starts_with("gl-rust/"));
    /// assert!(header.ends_with(concat!(" gccl/", env!("CARGO_PKG_VERSION"), " rest/0.12.28")));
    /// ```
    pub fn api_client_header(&self, transport: &str) -> String {
        let mut value = format!(
            "gl-rust/{RUSTC_VERSION} gccl/{} {transport}",
            env!("CARGO_PKG_VERSION")
        );
        if let Some(extra) = &self.user_agent {
            value.push(' ');
            value.push_str(extra);
        }
        value
    }

    /// The `user-agent` header value, the same on both wires:
    /// `cloudchannel-rs/<version>` followed by the user's addition.
    pub fn user_agent_header(&self) -> String {
        match &self.user_agent {
            Some(extra) => format!("{USER_AGENT_PRODUCT} {extra}"),
            None => USER_AGENT_PRODUCT.to_string(),
        }
    }

    /// Whether the endpoint is on this machine (plaintext is allowed only
    /// there), decided on the host a URL parser finds; an endpoint that does
    /// not parse, or that carries user information, is not.
    pub fn is_loopback(&self) -> bool {
        EndpointUrl::parse(&self.endpoint, Some("https")).is_ok_and(|url| url.is_loopback())
    }

    /// The checks a transport makes before it is built, so that a
    /// misconfiguration fails before any call: an API key only with
    /// anonymous credentials, and credentials of the configured universe.
    /// An emulator from the environment is exempt (it is called
    /// anonymously).
    pub fn check(&self) -> Result<()> {
        if self.emulator {
            return Ok(());
        }
        if self.api_key.is_some() && !self.credentials.is_anonymous() {
            return Err(Error::invalid_request(
                "api_key",
                "an API key and credentials cannot be used together; set one of them",
            ));
        }
        crate::universe::check_domain(&self.universe_domain)?;
        crate::universe::check_credentials(
            &self.universe_domain,
            self.credentials.universe_domain(),
        )
    }

    /// The client certificate to present, read now (PEM files and callbacks
    /// are read each time a transport is built).
    pub fn load_client_certificate(&self) -> Result<Option<CertificatePem>> {
        self.client_certificate
            .as_ref()
            .map(ClientCertificate::load)
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use channel_types::model::{Customer, GetCustomerRequest, ListCustomersRequest};
    use channel_types::rpc::Code;

    use super::*;

    struct Named;
    impl CloudChannelService for Named {
        fn get_customer(
            &self,
            request: GetCustomerRequest,
            _: CallOptions,
        ) -> BoxFuture<'_, Result<Customer>> {
            Box::pin(async move {
                Ok(Customer {
                    name: request.name,
                    ..Default::default()
                })
            })
        }
    }

    #[tokio::test]
    async fn default_stubs_answer_unimplemented_naming_the_method() {
        let client = crate::Client::new(Stubs::default());
        let err = client
            .list_customers(Default::default())
            .set_parent("accounts/A1")
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::Unimplemented);
        assert!(err.message().contains("ListCustomers"), "{}", err.message());
        let err = client
            .get_operation(Default::default())
            .set_name("operations/1")
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::Unimplemented);
        assert!(err.message().contains("GetOperation"), "{}", err.message());
    }

    #[tokio::test]
    async fn with_channel_replaces_only_the_channel_service() {
        let stubs = Stubs::default().with_channel(Arc::new(Named));
        let client = crate::Client::new(stubs);
        let customer = client
            .get_customer(Default::default())
            .set_name("accounts/A1/customers/C1")
            .await
            .unwrap();
        assert_eq!(customer.name, "accounts/A1/customers/C1");
        // Methods the double left out keep the default answer.
        let err = client
            .stubs()
            .channel
            .list_customers(ListCustomersRequest::default(), CallOptions::new())
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::Unimplemented);
        let err = client
            .get_operation(Default::default())
            .set_name("operations/1")
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::Unimplemented);
    }
}
