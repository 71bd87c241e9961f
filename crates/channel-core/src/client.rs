//! The client: every RPC as a method, over any implementation of the
//! service traits, with the defaults of the Cloud Channel service.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use channel_types::methods::Method;

use crate::EndpointUrl;
use crate::call::{Call, Invoke};
use crate::credentials::{Anonymous, Credentials};
use crate::operation::{Operation, PollingPolicy};
use crate::validation::RequestFields;
use crate::{
    CallOptions, CloudChannelReportsService, CloudChannelService, Operations, RetryPolicy,
};

/// The service's own default timeout for every method.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The production endpoint.
pub const DEFAULT_ENDPOINT: &str = "https://cloudchannel.googleapis.com";

/// The environment variable that points clients at an emulator (`host:port`).
pub const EMULATOR_HOST_ENV: &str = "CHANNEL_EMULATOR_HOST";

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

impl fmt::Debug for Stubs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Stubs")
    }
}

struct Inner {
    stubs: Stubs,
    defaults: CallOptions,
    polling: PollingPolicy,
}

/// A Cloud Channel client: cheap to clone, safe to share across tasks.
///
/// Each RPC is a method returning a [`Call`]: `.await` it to send, or set
/// per-call options first. List methods also page ([`Call::items`]); methods
/// that start a long-running operation resolve to an [`Operation`].
///
/// ```no_run
/// # async fn example(client: channel_core::Client) -> channel_core::Result<()> {
/// use futures_util::TryStreamExt;
/// use channel_types::model::ListCustomersRequest;
///
/// let request = ListCustomersRequest { parent: "accounts/A1".into(), ..Default::default() };
/// let customers: Vec<_> = client.list_customers(request).items().try_collect().await?;
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

    /// The polling policy of [`Operation::wait`].
    pub fn polling_policy(&self) -> &PollingPolicy {
        &self.inner.polling
    }

    /// Resumes a long-running operation by name (e.g. after a restart): the
    /// handle polls the server when waited on.
    pub fn operation<R, M>(&self, name: impl Into<String>) -> Operation<R, M> {
        Operation::resume(self.clone(), name.into())
    }

    pub(crate) fn call<Req: RequestFields, Resp>(
        &self,
        method: &'static Method,
        request: Req,
        invoke: Invoke<Req, Resp>,
    ) -> Call<Req, Resp> {
        Call::new(self.clone(), method, request, invoke)
    }
}

/// Where and as whom a transport connects: what a [`ClientBuilder`] hands
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
    /// plaintext and anonymous.
    pub emulator: bool,
}

impl ClientConfig {
    /// The `x-goog-api-client` header value.
    pub fn api_client_header(&self) -> String {
        let mut value = format!("gl-rust/unknown gccl/{}", env!("CARGO_PKG_VERSION"));
        if let Some(extra) = &self.user_agent {
            value.push(' ');
            value.push_str(extra);
        }
        value
    }

    /// Whether the endpoint is on this machine (plaintext is allowed only
    /// there), decided on the host a URL parser finds; an endpoint that does
    /// not parse, or that carries user information, is not.
    pub fn is_loopback(&self) -> bool {
        EndpointUrl::parse(&self.endpoint, Some("https")).is_ok_and(|url| url.is_loopback())
    }
}

/// Builds a [`Client`]: endpoint, credentials, quota project, user agent,
/// default call options.
///
/// When `CHANNEL_EMULATOR_HOST=host:port` is set, the endpoint is that
/// address over plaintext and the credentials are anonymous, as with other
/// Google emulators; an explicit [`endpoint`](Self::endpoint) still wins.
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
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl ClientBuilder {
    /// The service's defaults, or the emulator named by `CHANNEL_EMULATOR_HOST`.
    pub fn new() -> Self {
        Self::from_emulator_host(std::env::var(EMULATOR_HOST_ENV).ok())
    }

    fn from_emulator_host(host: Option<String>) -> Self {
        let host = host.map(|h| h.trim().to_string()).filter(|h| !h.is_empty());
        let (endpoint, emulator) = match host {
            Some(host) if host.contains("://") => (host, true),
            Some(host) => (format!("http://{host}"), true),
            None => (DEFAULT_ENDPOINT.to_string(), false),
        };
        ClientBuilder {
            config: ClientConfig {
                endpoint,
                credentials: Arc::new(Anonymous),
                quota_project: None,
                user_agent: None,
                emulator,
            },
            defaults: CallOptions::new()
                .with_timeout(DEFAULT_TIMEOUT)
                .with_retry(RetryPolicy::default()),
            polling: PollingPolicy::default(),
        }
    }

    /// Sets the endpoint, e.g. `https://cloudchannel.googleapis.com`.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.config.endpoint = endpoint.into();
        self.config.emulator = false;
        self
    }

    /// Sets the credentials. An emulator found through `CHANNEL_EMULATOR_HOST`
    /// is always called anonymously, whatever is set here.
    pub fn credentials(mut self, credentials: Arc<dyn Credentials>) -> Self {
        self.config.credentials = credentials;
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

    /// Sets the default retry policy of every call.
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
    /// credentials for an emulator found through the environment.
    pub fn transport_config(&self) -> ClientConfig {
        let mut config = self.config.clone();
        if config.emulator {
            config.credentials = Arc::new(Anonymous);
        }
        config
    }

    /// Builds the client over a transport made from [`transport_config`](Self::transport_config).
    pub fn build_with<B, E>(
        self,
        connect: impl FnOnce(&ClientConfig) -> Result<B, E>,
    ) -> Result<Client, E>
    where
        B: CloudChannelService + CloudChannelReportsService + Operations + 'static,
    {
        let backend = connect(&self.transport_config())?;
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
            .credentials(Arc::new(
                StaticToken::new("t").with_quota_project("from-key"),
            ))
            .build_with_stubs(stubs());
        assert_eq!(
            from_credentials.defaults().headers(),
            &[("x-goog-user-project".into(), "from-key".into())]
        );
        let explicit = ClientBuilder::from_emulator_host(None)
            .credentials(Arc::new(
                StaticToken::new("t").with_quota_project("from-key"),
            ))
            .quota_project("explicit")
            .build_with_stubs(stubs());
        assert_eq!(
            explicit.defaults().headers(),
            &[("x-goog-user-project".into(), "explicit".into())]
        );
        // An emulator from the environment is anonymous: no quota project either.
        let emulator = ClientBuilder::from_emulator_host(Some("127.0.0.1:1".into()))
            .credentials(Arc::new(
                StaticToken::new("t").with_quota_project("from-key"),
            ))
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
        let header = b.config().api_client_header();
        assert!(header.contains(&format!("gccl/{}", env!("CARGO_PKG_VERSION"))));
        assert!(header.ends_with(" my-tool/2.0"));
    }
}
