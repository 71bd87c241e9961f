//! The client: every RPC as a method, over any implementation of the
//! service traits, with the defaults of the Cloud Channel service.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::credentials::{Anonymous, ApiKey, Credentials};
use crate::mtls::{self, ClientCertificate, EndpointEnv, Selection};
use crate::options::DEFAULT_TIMEOUT;
use crate::polling::PollingPolicy;
use crate::transport::{ClientConfig, Stubs};
use crate::{
    CallOptions, CloudChannelReportsService, CloudChannelService, Error, Operations, Result,
    RetryPolicy,
};

struct Inner {
    stubs: Stubs,
    defaults: CallOptions,
    polling: PollingPolicy,
}

/// A Cloud Channel client: cheap to clone, safe to share across tasks.
///
/// Each RPC is a method returning its request builder, a [`Call`](crate::Call) (see
/// [`builders`](crate::builders)): fill the request with its `set_*`
/// setters (or pass a whole one with [`with_request`](crate::Call::with_request)),
/// set per-call options with `with_*`, and `.await` it to send. List methods
/// also page ([`Call::items`](crate::Call::items)); methods that start a long-running operation
/// resolve to an [`Operation`](crate::Operation).
///
/// ```no_run
/// # async fn example(client: channel_core::Client) -> channel_core::Result<()> {
/// use channel_types::model::ListCustomersRequest;
/// use futures_util::TryStreamExt;
///
/// let customers: Vec<_> = client
///     .list_customers(ListCustomersRequest::new().set_parent("accounts/A1"))
///     .items()
///     .try_collect()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("defaults", &self.inner.defaults)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client over the given services with the service's default options
    /// (60 s timeout, `UNAVAILABLE` retried up to 5 attempts).
    pub fn new(stubs: Stubs) -> Self {
        ClientBuilder::new().build_with_stubs(stubs)
    }

    /// A builder for endpoint, credentials and default options.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// The services this client calls.
    pub fn stubs(&self) -> &Stubs {
        &self.inner.stubs
    }

    /// The default options of every call.
    pub fn defaults(&self) -> &CallOptions {
        &self.inner.defaults
    }

    /// The polling policy of [`Operation::wait`](crate::Operation::wait).
    pub fn polling_policy(&self) -> &PollingPolicy {
        &self.inner.polling
    }
}

/// Builds a [`Client`]: endpoint, universe domain, credentials or API key,
/// client certificate, quota project, user agent, default call options.
///
/// The endpoint, when not set, is chosen as Google's clients choose it
/// (see [`ClientCertificate`] for the mTLS variables):
/// `CHANNEL_EMULATOR_HOST=host:port` names an emulator, called over
/// plaintext and anonymously as with other Google emulators; otherwise the
/// mTLS endpoint when a client certificate is in use (or
/// `GOOGLE_API_USE_MTLS_ENDPOINT=always`); otherwise
/// `https://cloudchannel.{universe}`, the universe being
/// [`universe_domain`](Self::universe_domain), `GOOGLE_CLOUD_UNIVERSE_DOMAIN`
/// or `googleapis.com`.
///
/// ```
/// use std::time::Duration;
/// use channel_core::ClientBuilder;
///
/// let builder = ClientBuilder::new()
///     .endpoint("https://cloudchannel.googleapis.com")
///     .quota_project("my-billing-project")
///     .default_timeout(Duration::from_secs(30));
/// assert_eq!(builder.config().quota_project.as_deref(), Some("my-billing-project"));
/// ```
#[derive(Clone, Debug)]
pub struct ClientBuilder {
    config: ClientConfig,
    defaults: CallOptions,
    polling: PollingPolicy,
    explicit_endpoint: Option<String>,
    universe_domain: Option<String>,
    certificate: Option<ClientCertificate>,
    env: EndpointEnv,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl ClientBuilder {
    /// The service's defaults, with the endpoint chosen from the
    /// environment (`CHANNEL_EMULATOR_HOST`, `GOOGLE_CLOUD_UNIVERSE_DOMAIN`,
    /// `GOOGLE_API_USE_CLIENT_CERTIFICATE`, `GOOGLE_API_USE_MTLS_ENDPOINT`).
    pub fn new() -> Self {
        Self::from_env(EndpointEnv::from_process())
    }

    pub(crate) fn from_env(env: EndpointEnv) -> Self {
        let mut builder = ClientBuilder {
            config: ClientConfig::default(),
            defaults: CallOptions::new().with_timeout(DEFAULT_TIMEOUT),
            polling: PollingPolicy::default(),
            explicit_endpoint: None,
            universe_domain: None,
            certificate: None,
            env,
        };
        builder.refresh();
        builder
    }

    #[cfg(test)]
    fn from_emulator_host(host: Option<String>) -> Self {
        Self::from_env(EndpointEnv {
            emulator_host: host.map(|h| h.trim().to_string()).filter(|h| !h.is_empty()),
            ..EndpointEnv::default()
        })
    }

    /// Applies the endpoint choice to `config`; when the settings are
    /// refused, the previous choice stays and
    /// [`try_transport_config`](Self::try_transport_config) reports why.
    fn refresh(&mut self) {
        if let Ok(chosen) = self.selection() {
            self.config.endpoint = chosen.endpoint;
            self.config.universe_domain = chosen.universe_domain;
            self.config.emulator = chosen.emulator;
            self.config.client_certificate = if chosen.use_certificate {
                self.certificate.clone()
            } else {
                None
            };
        }
    }

    fn selection(&self) -> Result<Selection> {
        mtls::select(
            self.explicit_endpoint.as_deref(),
            self.universe_domain.as_deref(),
            self.certificate.is_some(),
            &self.env,
        )
    }

    /// Sets the endpoint, e.g. `https://cloudchannel.googleapis.com`
    /// (Google's `api_endpoint`); it wins over every other choice.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.explicit_endpoint = Some(endpoint.into());
        self.refresh();
        self
    }

    /// Sets the universe domain (default `GOOGLE_CLOUD_UNIVERSE_DOMAIN`,
    /// else `googleapis.com`): the default endpoint becomes
    /// `https://cloudchannel.{domain}`, and credentials that name another
    /// universe are refused when the transport is built.
    pub fn universe_domain(mut self, domain: impl Into<String>) -> Self {
        self.universe_domain = Some(domain.into());
        self.refresh();
        self
    }

    /// Sets the credentials: any [`Credentials`] value, an
    /// `Arc<dyn Credentials>` shared with other clients included (`Arc`
    /// forwards every method). An emulator found through
    /// `CHANNEL_EMULATOR_HOST` is always called anonymously, whatever is set
    /// here.
    ///
    /// ```
    /// use channel_core::ClientBuilder;
    /// use channel_core::credentials::StaticToken;
    ///
    /// let builder = ClientBuilder::new().credentials(StaticToken::new("ya29.token"));
    /// # let _ = builder;
    /// ```
    pub fn credentials(mut self, credentials: impl Credentials + 'static) -> Self {
        self.config.credentials = Arc::new(credentials);
        self
    }

    /// Sends this API key as `x-goog-api-key` with every call. It cannot be
    /// combined with credentials other than [`Anonymous`]: building the
    /// transport fails. Never shown by `Debug`.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.config.api_key = Some(ApiKey::new(key));
        self
    }

    /// Presents this client certificate (mutual TLS) on both transports,
    /// unless `GOOGLE_API_USE_CLIENT_CERTIFICATE=false`; without an
    /// explicit endpoint the client then goes to the mTLS endpoint (see
    /// [`UseMtlsEndpoint`](crate::UseMtlsEndpoint)).
    pub fn client_certificate(mut self, certificate: ClientCertificate) -> Self {
        self.certificate = Some(certificate);
        self.refresh();
        self
    }

    /// Sets the project billed for quota.
    pub fn quota_project(mut self, project: impl Into<String>) -> Self {
        self.config.quota_project = Some(project.into());
        self
    }

    /// Adds a product token to the user agent and `x-goog-api-client`.
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.config.user_agent = Some(agent.into());
        self
    }

    /// Sets the default timeout of every call.
    pub fn default_timeout(mut self, timeout: Duration) -> Self {
        self.defaults = self.defaults.with_timeout(timeout);
        self
    }

    /// Sets the retry policy of every call, replacing the service's own
    /// per-method choice (see [`RetryPolicy::for_method`]).
    pub fn default_retry(mut self, retry: RetryPolicy) -> Self {
        self.defaults = self.defaults.with_retry(retry);
        self
    }

    /// Adds a header to every call.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.defaults = self.defaults.with_header(name, value);
        self
    }

    /// Sets how operations are polled while waited on.
    pub fn polling_policy(mut self, policy: PollingPolicy) -> Self {
        self.polling = policy;
        self
    }

    /// The configuration as set so far.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// What a transport is given: the configuration, with anonymous
    /// credentials for an emulator found through the environment. A setting
    /// the environment refuses (an unknown `GOOGLE_API_USE_MTLS_ENDPOINT`,
    /// say) is left at its default here; use
    /// [`try_transport_config`](Self::try_transport_config) to see it.
    pub fn transport_config(&self) -> ClientConfig {
        let mut config = self.config.clone();
        if config.emulator {
            config.credentials = Arc::new(Anonymous);
        }
        config
    }

    /// [`transport_config`](Self::transport_config), failing on settings
    /// that cannot work: unsupported values of the mTLS variables, a
    /// malformed universe domain, the mTLS endpoint outside
    /// `googleapis.com`, an API key with credentials, or credentials of
    /// another universe.
    pub fn try_transport_config(&self) -> Result<ClientConfig> {
        self.selection()?;
        let config = self.transport_config();
        config.check()?;
        Ok(config)
    }

    /// Builds the client over a transport made from
    /// [`try_transport_config`](Self::try_transport_config).
    pub fn build_with<B, E>(
        self,
        connect: impl FnOnce(&ClientConfig) -> std::result::Result<B, E>,
    ) -> std::result::Result<Client, E>
    where
        B: CloudChannelService + CloudChannelReportsService + Operations + 'static,
        E: From<Error>,
    {
        let backend = connect(&self.try_transport_config()?)?;
        Ok(self.build_with_stubs(Stubs::from_backend(Arc::new(backend))))
    }

    /// Builds the client over the given services.
    pub fn build_with_stubs(self, stubs: Stubs) -> Client {
        let config = self.transport_config();
        let mut defaults = self.defaults;
        // The builder's quota project wins over the one the credentials carry.
        let project = config
            .quota_project
            .clone()
            .or_else(|| config.credentials.quota_project().map(str::to_string));
        if let Some(project) = project {
            defaults = defaults.with_header("x-goog-user-project", project);
        }
        Client {
            inner: Arc::new(Inner {
                stubs,
                defaults,
                polling: self.polling,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DEFAULT_ENDPOINT;
    use crate::transport::RUSTC_VERSION;

    #[test]
    fn emulator_host_switches_to_plaintext_and_anonymous() {
        let b = ClientBuilder::from_emulator_host(Some("127.0.0.1:8790".into()));
        assert_eq!(b.config().endpoint, "http://127.0.0.1:8790");
        assert!(b.config().emulator && b.config().is_loopback());
        let b = ClientBuilder::from_emulator_host(None);
        assert_eq!(b.config().endpoint, DEFAULT_ENDPOINT);
        assert!(!b.config().emulator && !b.config().is_loopback());
        let b = b.endpoint("http://[::1]:9000");
        assert!(b.config().is_loopback());
        assert!(
            !ClientBuilder::new()
                .endpoint("http://10.0.0.1:80")
                .config()
                .is_loopback()
        );
        assert!(
            ClientBuilder::new()
                .endpoint("http://localhost:80/x")
                .config()
                .is_loopback()
        );
    }

    #[test]
    fn user_information_never_makes_an_endpoint_local() {
        for endpoint in ["http://localhost:@192.0.2.1/", "http://[::1]@192.0.2.1"] {
            let b = ClientBuilder::from_emulator_host(None).endpoint(endpoint);
            assert!(!b.config().is_loopback(), "{endpoint}");
        }
    }

    #[test]
    fn quota_project_becomes_a_default_header() {
        use crate::credentials::StaticToken;
        let stubs = || Stubs::from_backend(Arc::new(NoService));
        let from_credentials = ClientBuilder::from_emulator_host(None)
            .credentials(StaticToken::new("t").with_quota_project("from-key"))
            .build_with_stubs(stubs());
        assert_eq!(
            from_credentials.defaults().headers(),
            &[("x-goog-user-project".into(), "from-key".into())]
        );
        let explicit = ClientBuilder::from_emulator_host(None)
            .credentials(StaticToken::new("t").with_quota_project("from-key"))
            .quota_project("explicit")
            .build_with_stubs(stubs());
        assert_eq!(
            explicit.defaults().headers(),
            &[("x-goog-user-project".into(), "explicit".into())]
        );
        // An emulator from the environment is anonymous: no quota project either.
        let emulator = ClientBuilder::from_emulator_host(Some("127.0.0.1:1".into()))
            .credentials(StaticToken::new("t").with_quota_project("from-key"))
            .build_with_stubs(stubs());
        assert!(emulator.defaults().headers().is_empty());
    }

    struct NoService;
    impl CloudChannelService for NoService {}
    impl CloudChannelReportsService for NoService {}
    impl Operations for NoService {}

    #[test]
    fn api_client_header_carries_the_version_and_agent() {
        let b = ClientBuilder::from_emulator_host(None).user_agent("my-tool/2.0");
        let header = b.config().api_client_header("grpc/0.14.9");
        assert_eq!(
            header,
            format!(
                "gl-rust/{RUSTC_VERSION} gccl/{} grpc/0.14.9 my-tool/2.0",
                env!("CARGO_PKG_VERSION")
            )
        );
        assert_eq!(
            b.config().user_agent_header(),
            format!("cloudchannel-rs/{} my-tool/2.0", env!("CARGO_PKG_VERSION"))
        );
    }

    #[test]
    fn settings_the_environment_refuses_fail_the_build_not_the_first_call() {
        let b = ClientBuilder::from_env(EndpointEnv {
            use_mtls_endpoint: Some("sometimes".into()),
            ..EndpointEnv::default()
        });
        // The best-effort configuration keeps the default endpoint...
        assert_eq!(b.transport_config().endpoint, DEFAULT_ENDPOINT);
        // ...and building says what is wrong.
        let err = b
            .build_with(|_| -> Result<NoService> { Ok(NoService) })
            .unwrap_err();
        assert_eq!(
            err.field_violations()[0].field,
            "GOOGLE_API_USE_MTLS_ENDPOINT"
        );
    }

    #[test]
    fn the_universe_domain_moves_the_default_endpoint_but_not_an_explicit_one() {
        let b =
            ClientBuilder::from_env(EndpointEnv::default()).universe_domain("example-universe.net");
        assert_eq!(
            b.config().endpoint,
            "https://cloudchannel.example-universe.net"
        );
        assert_eq!(b.config().universe_domain, "example-universe.net");
        let b = ClientBuilder::from_env(EndpointEnv {
            universe_domain: Some("env-universe.example".into()),
            ..EndpointEnv::default()
        });
        assert_eq!(
            b.config().endpoint,
            "https://cloudchannel.env-universe.example"
        );
        let b = b.endpoint("https://private.example");
        assert_eq!(b.config().endpoint, "https://private.example");
        assert_eq!(b.config().universe_domain, "env-universe.example");
    }

    #[test]
    fn an_api_key_is_refused_with_credentials_and_never_shown() {
        let b = ClientBuilder::from_env(EndpointEnv::default()).api_key("AIza-secret");
        assert!(b.try_transport_config().is_ok());
        assert!(!format!("{b:?}").contains("AIza-secret"));
        assert!(!format!("{:?}", b.config()).contains("AIza-secret"));
        let with_anonymous = b.clone().credentials(Anonymous);
        assert!(with_anonymous.try_transport_config().is_ok());
        let err = b
            .credentials(crate::credentials::StaticToken::new("t"))
            .try_transport_config()
            .unwrap_err();
        assert_eq!(err.field_violations()[0].field, "api_key");
        assert!(!err.to_string().contains("AIza-secret"));
    }

    #[test]
    fn a_client_certificate_is_handed_to_the_transport_only_when_in_use() {
        let cert = ClientCertificate::from_pem("c", "k");
        let b = ClientBuilder::from_env(EndpointEnv::default()).client_certificate(cert.clone());
        assert_eq!(b.config().endpoint, crate::MTLS_ENDPOINT);
        assert!(b.transport_config().client_certificate.is_some());
        let off = ClientBuilder::from_env(EndpointEnv {
            use_client_certificate: Some("false".into()),
            ..EndpointEnv::default()
        })
        .client_certificate(cert);
        assert_eq!(off.config().endpoint, DEFAULT_ENDPOINT);
        assert!(off.transport_config().client_certificate.is_none());
    }
}
