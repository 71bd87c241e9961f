//! [`GrpcTransport`] and its builder: where the channel connects, over
//! TLS or plaintext, and with which limits.

use std::fmt;
use std::sync::Arc;

use channel_core::credentials::Credentials;
use channel_core::transport::ClientConfig;
use channel_core::{EndpointUrl, Error, Result};
use tonic::client::Grpc;
use tonic::codec::CompressionEncoding;
use tonic::metadata::{AsciiMetadataValue, MetadataValue};
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};

/// The transport's token in `x-goog-api-client`: `grpc/<tonic version>`.
pub const API_CLIENT_TRANSPORT: &str = concat!("grpc/", env!("CHANNEL_TONIC_VERSION"));

/// The largest response message accepted by default: 32 MiB.
pub const DEFAULT_MAX_RECEIVE_MESSAGE_SIZE: usize = 32 * 1024 * 1024;

/// The largest request message sent by default: 4 MiB, what gRPC servers
/// accept by default. A larger request fails before sending with
/// `RESOURCE_EXHAUSTED` and is never retried.
pub const DEFAULT_MAX_SEND_MESSAGE_SIZE: usize = 4 * 1024 * 1024;

/// The gRPC transport: implements [`CloudChannelService`],
/// [`CloudChannelReportsService`] and [`Operations`] over one HTTP/2
/// channel.
///
/// The channel connects on the first call, not when the transport is built,
/// and carries every concurrent call of the transport (and of its clones)
/// as streams of one connection, reconnecting when that connection drops.
/// Each call sends the bearer token of the configured credentials, the
/// `x-goog-request-params` routing header, `x-goog-api-client`, the
/// headers of its [`CallOptions`](channel_core::CallOptions) and its
/// remaining time as `grpc-timeout`.
///
/// TLS (rustls, with the webpki root certificates) is used for `https://`
/// endpoints and endpoints without a scheme. Plaintext `http://` is accepted
/// only for a loopback address (decided on the host a URL parser finds;
/// an endpoint with user information is refused), for an emulator found
/// through `CHANNEL_EMULATOR_HOST`, or after
/// [`GrpcTransportBuilder::allow_insecure`].
///
/// A request larger than [`DEFAULT_MAX_SEND_MESSAGE_SIZE`] (or the limit
/// set with [`GrpcTransportBuilder::max_send_message_size`]) fails before
/// sending with `RESOURCE_EXHAUSTED`.
///
/// The transport must be built inside a tokio runtime: the channel's
/// background task is spawned there.
///
/// ```no_run
/// # async fn example() -> channel_core::Result<()> {
/// use channel_core::Client;
/// use channel_grpc::GrpcTransport;
///
/// let client = Client::builder().build_with(GrpcTransport::new)?;
/// # Ok(()) }
/// ```
///
/// [`CloudChannelService`]: channel_core::CloudChannelService
/// [`CloudChannelReportsService`]: channel_core::CloudChannelReportsService
/// [`Operations`]: channel_core::Operations
#[derive(Clone)]
pub struct GrpcTransport {
    pub(crate) grpc: Grpc<Channel>,
    pub(crate) credentials: Arc<dyn Credentials>,
    pub(crate) api_client: AsciiMetadataValue,
    pub(crate) api_key: Option<AsciiMetadataValue>,
    pub(crate) max_send_message_size: usize,
    pub(crate) max_receive_message_size: usize,
    endpoint: String,
    tls: bool,
    gzip: bool,
    client_certificate: bool,
}

impl GrpcTransport {
    /// A transport with the default settings for `config`.
    pub fn new(config: &ClientConfig) -> Result<Self> {
        Self::builder(config).build()
    }

    /// A builder for a transport to `config`'s endpoint.
    pub fn builder(config: &ClientConfig) -> GrpcTransportBuilder {
        GrpcTransportBuilder {
            config: config.clone(),
            allow_insecure: false,
            gzip: false,
            max_receive_message_size: DEFAULT_MAX_RECEIVE_MESSAGE_SIZE,
            max_send_message_size: DEFAULT_MAX_SEND_MESSAGE_SIZE,
            root_certificates: Vec::new(),
        }
    }

    /// The endpoint the channel connects to.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Whether the channel uses TLS.
    pub fn is_tls(&self) -> bool {
        self.tls
    }

    /// Whether the channel presents a client certificate (mutual TLS).
    pub fn has_client_certificate(&self) -> bool {
        self.client_certificate
    }
}

impl fmt::Debug for GrpcTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GrpcTransport")
            .field("endpoint", &self.endpoint)
            .field("tls", &self.tls)
            .field("gzip", &self.gzip)
            .field("client_certificate", &self.client_certificate)
            .finish_non_exhaustive()
    }
}

/// Builds a [`GrpcTransport`].
///
/// ```no_run
/// # async fn example() -> channel_core::Result<()> {
/// use channel_core::ClientBuilder;
/// use channel_grpc::GrpcTransport;
///
/// let builder = ClientBuilder::new().endpoint("http://emulator.internal:8790");
/// let transport = GrpcTransport::builder(&builder.transport_config())
///     .allow_insecure(true)
///     .gzip(true)
///     .build()?;
/// assert!(!transport.is_tls());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct GrpcTransportBuilder {
    config: ClientConfig,
    allow_insecure: bool,
    gzip: bool,
    max_receive_message_size: usize,
    max_send_message_size: usize,
    root_certificates: Vec<Vec<u8>>,
}

impl GrpcTransportBuilder {
    /// Also trusts the certificate authorities in this PEM bundle (a
    /// private endpoint, a test server), besides the webpki roots.
    pub fn root_certificates_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certificates.push(pem.into());
        self
    }

    /// Allows a plaintext `http://` endpoint that is neither a loopback
    /// address nor an emulator. Tokens then travel unencrypted.
    pub fn allow_insecure(mut self, allow: bool) -> Self {
        self.allow_insecure = allow;
        self
    }

    /// Compresses requests with gzip and accepts gzip-compressed responses.
    pub fn gzip(mut self, enabled: bool) -> Self {
        self.gzip = enabled;
        self
    }

    /// Sets the largest response message accepted, in bytes (default
    /// [`DEFAULT_MAX_RECEIVE_MESSAGE_SIZE`]).
    pub fn max_receive_message_size(mut self, limit: usize) -> Self {
        self.max_receive_message_size = limit;
        self
    }

    /// Sets the largest request message sent, in bytes (default
    /// [`DEFAULT_MAX_SEND_MESSAGE_SIZE`]); a larger request fails before
    /// sending with `RESOURCE_EXHAUSTED`.
    pub fn max_send_message_size(mut self, limit: usize) -> Self {
        self.max_send_message_size = limit;
        self
    }

    /// Checks the endpoint and sets up the channel; nothing connects until
    /// the first call. Fails on a malformed endpoint, on plaintext that was
    /// not allowed, and outside a tokio runtime.
    pub fn build(self) -> Result<GrpcTransport> {
        let config = &self.config;
        config.check()?;
        let (url, tls) = endpoint_url(config, self.allow_insecure)?;
        let certificate = config.load_client_certificate()?;
        if certificate.is_some() && !tls {
            return Err(Error::invalid_request(
                "client_certificate",
                format!("a client certificate needs TLS, and `{url}` is plaintext; use https://"),
            ));
        }
        // tonic puts its own `tonic/<version>` token after this one.
        let mut endpoint = Endpoint::from_shared(url.clone())
            .map_err(|e| invalid_endpoint(format!("`{url}` is not a valid URL ({e})")))?
            .tcp_nodelay(true)
            .user_agent(config.user_agent_header())
            .map_err(|_| Error::invalid_request("user_agent", "not a valid HTTP header value"))?;
        if tls {
            let mut tls_config = ClientTlsConfig::new().with_webpki_roots();
            for pem in &self.root_certificates {
                tls_config = tls_config.ca_certificate(Certificate::from_pem(pem));
            }
            if let Some(pem) = &certificate {
                tls_config = tls_config
                    .identity(Identity::from_pem(&pem.certificate_chain, &pem.private_key));
            }
            endpoint = endpoint
                .tls_config(tls_config)
                .map_err(|e| invalid_endpoint(format!("cannot use TLS with `{url}` ({e})")))?;
        }
        let api_client = MetadataValue::try_from(config.api_client_header(API_CLIENT_TRANSPORT))
            .map_err(|_| Error::invalid_request("user_agent", "not a valid gRPC metadata value"))?;
        let api_key = match &config.api_key {
            Some(key) if !config.emulator => {
                let mut value = AsciiMetadataValue::try_from(key.secret()).map_err(|_| {
                    Error::invalid_request("api_key", "not a valid gRPC metadata value")
                })?;
                value.set_sensitive(true);
                Some(value)
            }
            _ => None,
        };
        if let Err(err) = tokio::runtime::Handle::try_current() {
            return Err(Error::transport(
                "the gRPC transport must be built inside a tokio runtime",
                err,
            ));
        }
        let mut grpc = Grpc::new(endpoint.connect_lazy())
            .max_decoding_message_size(self.max_receive_message_size)
            .max_encoding_message_size(self.max_send_message_size);
        if self.gzip {
            grpc = grpc
                .send_compressed(CompressionEncoding::Gzip)
                .accept_compressed(CompressionEncoding::Gzip);
        }
        // An emulator is called over plaintext to whatever host
        // CHANNEL_EMULATOR_HOST names: never with credentials, even when a
        // configuration made by hand pairs it with some.
        let credentials: Arc<dyn Credentials> = if config.emulator {
            Arc::new(channel_core::credentials::Anonymous)
        } else {
            config.credentials.clone()
        };
        Ok(GrpcTransport {
            grpc,
            credentials,
            api_client,
            api_key,
            max_send_message_size: self.max_send_message_size,
            max_receive_message_size: self.max_receive_message_size,
            endpoint: url,
            tls,
            gzip: self.gzip,
            client_certificate: certificate.is_some(),
        })
    }
}

/// The URL to connect to and whether it is TLS; plaintext only where
/// allowed. The endpoint is parsed by a URL parser ([`EndpointUrl`]; text
/// without a scheme is `https://`), user information is refused, plaintext
/// is allowed on the parsed host alone, and the channel connects to the URL
/// rebuilt from the parsed parts.
fn endpoint_url(config: &ClientConfig, allow_insecure: bool) -> Result<(String, bool)> {
    let url = EndpointUrl::parse(&config.endpoint, Some("https"))?;
    if !url.path().is_empty() {
        return Err(invalid_endpoint(format!(
            "`{}` has a path; a gRPC endpoint is only `https://host[:port]`",
            config.endpoint.trim()
        )));
    }
    let tls = url.is_tls();
    let plaintext_allowed = url.is_loopback() || config.emulator || allow_insecure;
    if !(tls || plaintext_allowed) {
        return Err(invalid_endpoint(format!(
            "plaintext to {:?} is only allowed for a loopback address or an emulator \
             (CHANNEL_EMULATOR_HOST); use https:// or allow it with \
             GrpcTransportBuilder::allow_insecure(true)",
            url.host()
        )));
    }
    Ok((url.origin(), tls))
}

fn invalid_endpoint(description: String) -> Error {
    Error::invalid_request("endpoint", description)
}

#[cfg(test)]
mod tests {
    use channel_core::{ClientBuilder, ErrorKind};

    use super::*;

    fn config(endpoint: &str) -> ClientConfig {
        ClientBuilder::new().endpoint(endpoint).transport_config()
    }

    #[test]
    fn tls_unless_plaintext_is_local_or_allowed() {
        let url = |endpoint: &str, insecure: bool| endpoint_url(&config(endpoint), insecure);
        assert_eq!(
            url("https://cloudchannel.googleapis.com", false).unwrap(),
            ("https://cloudchannel.googleapis.com".into(), true)
        );
        // 443 is https's own port: the URL says the same without it.
        assert_eq!(
            url("cloudchannel.googleapis.com:443", false).unwrap(),
            ("https://cloudchannel.googleapis.com".into(), true)
        );
        assert_eq!(
            url("cloudchannel.googleapis.com:8443", false).unwrap(),
            ("https://cloudchannel.googleapis.com:8443".into(), true)
        );
        assert_eq!(
            url("http://127.0.0.1:8790/", false).unwrap(),
            ("http://127.0.0.1:8790".into(), false)
        );
        assert_eq!(
            url("http://[::1]:8790", false).unwrap(),
            ("http://[::1]:8790".into(), false)
        );
        assert_eq!(
            url("http://localhost:8790", false).unwrap(),
            ("http://localhost:8790".into(), false)
        );
        let refused = url("http://10.1.2.3:8790", false).unwrap_err();
        assert_eq!(refused.kind(), ErrorKind::InvalidRequest);
        assert!(refused.message().contains("allow_insecure"), "{refused}");
        assert_eq!(
            url("http://10.1.2.3:8790", true).unwrap(),
            ("http://10.1.2.3:8790".into(), false)
        );
        let mut emulator = config("http://emulator.internal:8790");
        emulator.emulator = true;
        assert_eq!(
            endpoint_url(&emulator, false).unwrap(),
            ("http://emulator.internal:8790".into(), false)
        );
    }

    #[test]
    fn user_information_is_refused_and_never_makes_a_host_local() {
        // 192.0.2.1 is a documentation address; nothing connects to it.
        for endpoint in [
            "http://localhost:@192.0.2.1/",
            "http://127.0.0.1@192.0.2.1:80",
            "localhost:secret@192.0.2.1:443",
        ] {
            for insecure in [false, true] {
                let err = endpoint_url(&config(endpoint), insecure).unwrap_err();
                assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{endpoint}");
                assert!(err.message().contains("user information"), "{err}");
                assert!(!err.message().contains("secret"), "{err}");
            }
        }
    }

    #[test]
    fn malformed_endpoints_are_refused() {
        for bad in [
            "ftp://example.com",
            "https://",
            "https://example.com/v1",
            "https://example.com?x=1",
            "",
        ] {
            let err = endpoint_url(&config(bad), true).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{bad}");
            assert_eq!(err.field_violations()[0].field, "endpoint");
        }
    }

    #[test]
    fn building_outside_a_runtime_is_an_error_not_a_panic() {
        let err = GrpcTransport::new(&config("http://127.0.0.1:1")).unwrap_err();
        assert!(err.message().contains("tokio runtime"), "{err}");
    }

    #[tokio::test]
    async fn build_sets_up_without_connecting() {
        let transport = GrpcTransport::builder(&config("https://cloudchannel.googleapis.com"))
            .gzip(true)
            .build()
            .unwrap();
        assert!(transport.is_tls());
        assert_eq!(transport.endpoint(), "https://cloudchannel.googleapis.com");
        let shown = format!("{transport:?}");
        assert!(shown.contains("gzip: true"), "{shown}");

        let local = GrpcTransport::new(&config("http://127.0.0.1:1")).unwrap();
        assert!(!local.is_tls());
        let err = GrpcTransport::new(&config("http://192.0.2.1:80")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
        let err = GrpcTransport::new(&config("https://bad host")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    }
}
