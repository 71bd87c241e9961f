//! The transport: one reqwest client (rustls, pooled connections, HTTP/1.1
//! and HTTP/2) sending each RPC as the HTTP request its rule describes.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use channel_core::credentials::{AccessToken, Credentials};
use channel_core::transport::ClientConfig;
use channel_core::{CallOptions, EndpointUrl, Error, Result};
use channel_types::methods::{HttpVerb, Method};
use channel_types::rpc::Code;
use reqwest::header::{
    AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::body::{self, BodyError};
use crate::{status, transcoding};

/// The default cap on a response body: 64 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// The default cap on a request body: 4 MiB, the gRPC transport's default
/// too, so that a request one wire takes the other takes as well. A larger
/// request fails before sending with `RESOURCE_EXHAUSTED`.
pub const DEFAULT_MAX_REQUEST_BYTES: usize = 4 * 1024 * 1024;

/// The longest URL (path and query) an HTTP request can carry here: the
/// `http` crate's limit on a URI.
const MAX_URL_BYTES: usize = u16::MAX as usize - 1;

/// How much of an error response is read to decode it.
const MAX_ERROR_BYTES: usize = 1024 * 1024;

const API_CLIENT: HeaderName = HeaderName::from_static("x-goog-api-client");
const API_KEY: HeaderName = HeaderName::from_static("x-goog-api-key");

/// The `tracing` target of the events that show each request and response
/// as sent and received (TRACE level), credentials and keys redacted; a
/// command line's `--debug` turns it on.
pub const WIRE_TARGET: &str = "cloudchannel::wire";

/// The text shown in place of a secret in wire events.
const REDACTED: &str = "<redacted>";

/// Headers and query parameters whose values are secrets.
const SECRET_NAMES: [&str; 6] = [
    "authorization",
    "proxy-authorization",
    "x-goog-api-key",
    "key",
    "access_token",
    "oauth_token",
];

/// Google's system headers: never secrets, though a call's headers are all
/// marked sensitive.
const PLAIN_NAMES: [&str; 5] = [
    "x-goog-quota-user",
    "x-goog-fieldmask",
    "x-goog-api-format-version",
    "x-goog-user-project",
    "x-goog-request-params",
];

/// `name: value` lines of headers, secrets redacted.
fn redacted_headers(headers: &HeaderMap) -> String {
    let mut lines = String::new();
    for (name, value) in headers {
        let name_is_plain = PLAIN_NAMES.contains(&name.as_str());
        let secret =
            SECRET_NAMES.contains(&name.as_str()) || (value.is_sensitive() && !name_is_plain);
        let shown = if secret {
            REDACTED.into()
        } else {
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        };
        lines.push_str(&format!("\n{name}: {shown}"));
    }
    lines
}

/// A URL with the values of secret query parameters redacted.
fn redacted_url(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_string();
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if SECRET_NAMES.contains(&name) => format!("{name}={REDACTED}"),
            _ => pair.to_string(),
        })
        .collect();
    format!("{base}?{}", pairs.join("&"))
}

/// The transport's token in `x-goog-api-client`: `rest/<reqwest version>`.
pub const API_CLIENT_TRANSPORT: &str = concat!("rest/", env!("CHANNEL_REQWEST_VERSION"));

/// The REST/JSON transport: implements the service traits of
/// [`channel_core`] over HTTPS.
///
/// Cheap to clone; clones share one connection pool.
///
/// ```no_run
/// use channel_core::Client;
/// use channel_http::HttpTransport;
///
/// # async fn example() -> channel_core::Result<()> {
/// let client = Client::builder().build_with(HttpTransport::new)?;
/// let customer = client.get_customer(channel_types::model::GetCustomerRequest::new().set_name("accounts/A1/customers/C1")).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct HttpTransport {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    endpoint: String,
    credentials: Arc<dyn Credentials>,
    api_client: HeaderValue,
    user_agent: HeaderValue,
    api_key: Option<HeaderValue>,
    max_response_bytes: usize,
    max_request_bytes: usize,
}

impl fmt::Debug for HttpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpTransport")
            .field("endpoint", &self.inner.endpoint)
            .field("max_response_bytes", &self.inner.max_response_bytes)
            .field("max_request_bytes", &self.inner.max_request_bytes)
            .finish_non_exhaustive()
    }
}

/// Builds an [`HttpTransport`]: response size cap, a custom
/// `reqwest::Client`, extra root certificates, plaintext to a remote host.
///
/// ```
/// use channel_core::ClientBuilder;
/// use channel_http::HttpTransport;
///
/// let config = ClientBuilder::new().endpoint("https://cloudchannel.googleapis.com").transport_config();
/// let transport = HttpTransport::builder(&config)
///     .max_response_size(8 * 1024 * 1024)
///     .build()?;
/// assert_eq!(transport.endpoint(), "https://cloudchannel.googleapis.com");
/// # Ok::<(), channel_core::Error>(())
/// ```
#[derive(Debug)]
pub struct HttpTransportBuilder {
    config: ClientConfig,
    http: Option<reqwest::Client>,
    max_response_bytes: usize,
    max_request_bytes: usize,
    allow_insecure: bool,
    root_certificates: Vec<Vec<u8>>,
}

impl HttpTransportBuilder {
    /// Also trusts the certificate authorities in this PEM bundle (a
    /// private endpoint, a test server), besides the webpki roots.
    pub fn root_certificates_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certificates.push(pem.into());
        self
    }

    /// Caps the size of a response body (default [`DEFAULT_MAX_RESPONSE_BYTES`]);
    /// larger responses fail with a decode error without being read whole.
    pub fn max_response_size(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Caps the size of a request body (default [`DEFAULT_MAX_REQUEST_BYTES`]);
    /// a larger request fails before sending with `RESOURCE_EXHAUSTED` and
    /// is never retried.
    pub fn max_request_size(mut self, bytes: usize) -> Self {
        self.max_request_bytes = bytes;
        self
    }

    /// Sends through this client instead of one built here (its TLS, proxy,
    /// redirect and pool settings apply). Build it with
    /// `redirect(reqwest::redirect::Policy::none())`, as the transport's own
    /// client is: reqwest's default follows redirects, which carry the
    /// `x-goog-api-key` header to whatever host they name.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Allows an `http://` endpoint on another machine. Requests and tokens
    /// then cross the network unencrypted; meant for test setups only.
    pub fn allow_insecure(mut self, allow: bool) -> Self {
        self.allow_insecure = allow;
        self
    }

    /// Checks the endpoint and builds the transport.
    ///
    /// The endpoint is parsed by a URL parser ([`EndpointUrl`]): user
    /// information is refused, plaintext `http://` is allowed only when the
    /// parsed host is this machine (or for an emulator found through
    /// `CHANNEL_EMULATOR_HOST`, or after `allow_insecure`), and requests go
    /// to the URL rebuilt from the parsed parts. Redirects are not followed
    /// (a 3xx answer is an error), and a loopback endpoint is called
    /// directly, never through the environment's proxy (`HTTP_PROXY`).
    pub fn build(self) -> Result<HttpTransport> {
        let config = self.config;
        config.check()?;
        let url = EndpointUrl::parse(&config.endpoint, None)?;
        let plaintext_allowed = url.is_loopback() || config.emulator || self.allow_insecure;
        if !(url.is_tls() || plaintext_allowed) {
            return Err(Error::invalid_request(
                "endpoint",
                format!(
                    "plaintext HTTP to {:?}, a host that is not this machine; \
                     use https://, or allow_insecure(true) for a test setup",
                    url.host()
                ),
            ));
        }
        let endpoint = url.base();
        let certificate = config.load_client_certificate()?;
        if certificate.is_some() && !url.is_tls() {
            return Err(Error::invalid_request(
                "client_certificate",
                format!(
                    "a client certificate needs TLS, and {:?} is plaintext; use https://",
                    url.origin()
                ),
            ));
        }
        let http = match self.http {
            Some(_) if certificate.is_some() || !self.root_certificates.is_empty() => {
                return Err(Error::invalid_request(
                    "client_certificate",
                    "a client certificate or root certificates cannot be added to a \
                     reqwest::Client given with http_client; set them on that client",
                ));
            }
            Some(client) => client,
            None => {
                let mut builder = reqwest::Client::builder()
                    .use_rustls_tls()
                    // A redirect would take the API key (and, to the same
                    // host over plaintext, the token) wherever it points;
                    // the API never redirects, so a 3xx is an error.
                    .redirect(reqwest::redirect::Policy::none())
                    .tcp_nodelay(true)
                    .pool_idle_timeout(Duration::from_secs(90))
                    .http2_adaptive_window(true)
                    // Asks for gzip (Accept-Encoding) and decodes it: list
                    // pages shrink several times over.
                    .gzip(true);
                if url.is_loopback() {
                    // The environment's proxy would get every call, token
                    // included, in clear over plaintext, and cannot reach
                    // this machine's loopback anyway.
                    builder = builder.no_proxy();
                }
                for pem in &self.root_certificates {
                    let roots = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| {
                        Error::invalid_request(
                            "root_certificates",
                            format!("not a PEM bundle of CERTIFICATE blocks ({e})"),
                        )
                    })?;
                    for root in roots {
                        builder = builder.add_root_certificate(root);
                    }
                }
                if let Some(pem) = &certificate {
                    builder = builder.identity(identity(pem)?);
                }
                builder
                    .build()
                    .map_err(|e| Error::transport("could not set up the HTTP client", e))?
            }
        };
        let api_client = HeaderValue::from_str(&config.api_client_header(API_CLIENT_TRANSPORT))
            .map_err(|_| Error::invalid_request("user_agent", "not a valid HTTP header value"))?;
        let user_agent = HeaderValue::from_str(&config.user_agent_header())
            .map_err(|_| Error::invalid_request("user_agent", "not a valid HTTP header value"))?;
        let api_key = match &config.api_key {
            Some(key) if !config.emulator => {
                let mut value = HeaderValue::from_str(key.secret()).map_err(|_| {
                    Error::invalid_request("api_key", "not a valid HTTP header value")
                })?;
                value.set_sensitive(true);
                Some(value)
            }
            _ => None,
        };
        Ok(HttpTransport {
            inner: Arc::new(Inner {
                http,
                endpoint,
                credentials: credentials_for(&config),
                api_client,
                user_agent,
                api_key,
                max_response_bytes: self.max_response_bytes,
                max_request_bytes: self.max_request_bytes,
            }),
        })
    }
}

/// The credentials calls carry: none for an emulator, which is called
/// over plaintext to whatever host `CHANNEL_EMULATOR_HOST` names, even when
/// a configuration made by hand pairs it with credentials.
fn credentials_for(config: &ClientConfig) -> Arc<dyn Credentials> {
    if config.emulator {
        Arc::new(channel_core::credentials::Anonymous)
    } else {
        config.credentials.clone()
    }
}

/// The client certificate as reqwest takes it: one PEM buffer with the key
/// and the chain.
fn identity(pem: &channel_core::CertificatePem) -> Result<reqwest::Identity> {
    let mut buffer = Vec::with_capacity(pem.private_key.len() + pem.certificate_chain.len() + 1);
    buffer.extend_from_slice(&pem.private_key);
    buffer.push(b'\n');
    buffer.extend_from_slice(&pem.certificate_chain);
    // reqwest's message names what it could not parse, never the key.
    reqwest::Identity::from_pem(&buffer).map_err(|e| {
        Error::invalid_request(
            "client_certificate",
            format!("the certificate chain and private key could not be used ({e})"),
        )
    })
}

fn reqwest_method(verb: HttpVerb) -> reqwest::Method {
    match verb {
        HttpVerb::Get => reqwest::Method::GET,
        HttpVerb::Put => reqwest::Method::PUT,
        HttpVerb::Post => reqwest::Method::POST,
        HttpVerb::Delete => reqwest::Method::DELETE,
        HttpVerb::Patch => reqwest::Method::PATCH,
    }
}

impl HttpTransport {
    /// A transport for this configuration with the default settings.
    ///
    /// Fails when the endpoint is not a URL, carries user information
    /// (`user@host`), or is plaintext `http://` to a host other than this
    /// machine (unless the configuration is an emulator found through
    /// `CHANNEL_EMULATOR_HOST`); when [`ClientConfig::check`] refuses the
    /// configuration (an API key with credentials, credentials of another
    /// universe); or when the client certificate cannot be read or used.
    pub fn new(config: &ClientConfig) -> Result<Self> {
        Self::builder(config).build()
    }

    /// A builder starting from this configuration.
    pub fn builder(config: &ClientConfig) -> HttpTransportBuilder {
        HttpTransportBuilder {
            config: config.clone(),
            http: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            max_request_bytes: DEFAULT_MAX_REQUEST_BYTES,
            allow_insecure: false,
            root_certificates: Vec::new(),
        }
    }

    /// The endpoint calls go to, without a trailing `/`.
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint
    }

    /// Sends one attempt of `method` and decodes its response: what every
    /// service trait method does, open to any request and response that have
    /// a proto3 JSON form (`serde_json::Value` included).
    ///
    /// The attempt ends by the options' deadline: the remaining time bounds
    /// the token fetch, the request and reading the response, and running
    /// out is a [`Timeout`](channel_core::ErrorKind::Timeout) error.
    pub async fn unary<Req, Resp>(
        &self,
        method: &'static Method,
        request: &Req,
        options: CallOptions,
    ) -> Result<Resp>
    where
        Req: Serialize + ?Sized,
        Resp: DeserializeOwned,
    {
        // Refused before anything is sent, deadline or not.
        let mut encoded = transcoding::encode(method, request)?;
        let body = match encoded.take_body() {
            Some(body) => {
                let bytes = serde_json::to_vec(&body).map_err(|e| {
                    Error::invalid_request("request", format!("cannot be written as JSON: {e}"))
                })?;
                if bytes.len() > self.inner.max_request_bytes {
                    return Err(Error::request_too_large(
                        bytes.len(),
                        self.inner.max_request_bytes,
                    ));
                }
                Some(bytes)
            }
            None => None,
        };
        let url = format!("{}{}", self.inner.endpoint, encoded.path_and_query());
        let url_bytes = url.len();
        if url_bytes > MAX_URL_BYTES {
            return Err(Error::invalid_request(
                "request",
                format!(
                    "the request URL would be {url_bytes} bytes, more than the {MAX_URL_BYTES} \
                     an HTTP request can carry; shorten the fields sent in the query string \
                     (a filter, say)"
                ),
            ));
        }
        let remaining = options.remaining();
        if remaining == Some(Duration::ZERO) {
            return Err(Error::timeout_before_sending(format!(
                "{}: the deadline has passed",
                method.name
            )));
        }
        let attempt = self.send(method, encoded.verb(), url, body, &options, remaining);
        // One timer bounds the token fetch, the request and the body; none
        // when the client already ends the whole call at the deadline.
        match remaining.filter(|_| !options.deadline_bounded_by_caller()) {
            Some(limit) => tokio::time::timeout(limit, attempt)
                .await
                .unwrap_or_else(|_| Err(deadline_error(method, remaining))),
            None => attempt.await,
        }
    }

    async fn send<Resp: DeserializeOwned>(
        &self,
        method: &'static Method,
        verb: HttpVerb,
        url: String,
        body: Option<Vec<u8>>,
        options: &CallOptions,
        remaining: Option<Duration>,
    ) -> Result<Resp> {
        let inner = &*self.inner;
        // Shared, not copied, by a second sending after a refused token.
        let body = body.map(bytes::Bytes::from);
        let mut token_refused = false;
        let (response, http_status) = loop {
            let token = inner.credentials.token().await.map_err(|e| {
                // The credentials' own words (a key file, the token
                // endpoint's refusal) are what the caller can act on.
                Error::authentication(format!("could not get an access token: {e}"), e)
            })?;
            let headers = self.headers(token.as_ref(), options)?;
            tracing::trace!(
                target: WIRE_TARGET,
                "> {} {}{}\n\n{}",
                verb.as_str(),
                redacted_url(&url),
                redacted_headers(&headers),
                body.as_deref().map(String::from_utf8_lossy).unwrap_or_default()
            );
            let mut builder = inner
                .http
                .request(reqwest_method(verb), url.as_str())
                .headers(headers);
            if let Some(bytes) = &body {
                builder = builder
                    .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                    .body(bytes.clone());
            }
            let response = builder
                .send()
                .await
                .map_err(|e| send_error(method, remaining, e))?;
            let http_status = response.status();
            // A 401 says the token was refused before the request was
            // looked at, so sending it again cannot apply it twice. As
            // Google's clients do, credentials that can fetch another token
            // get one chance to; a new token refused again is final.
            if http_status == reqwest::StatusCode::UNAUTHORIZED
                && !token_refused
                && token
                    .as_ref()
                    .is_some_and(|token| inner.credentials.token_rejected(token))
            {
                tracing::debug!(
                    method = method.name,
                    "the server refused the access token; sending again with a new one"
                );
                token_refused = true;
                continue;
            }
            break (response, http_status);
        };
        tracing::debug!(
            method = method.name,
            status = http_status.as_u16(),
            "response"
        );
        // Written out only for a subscriber of the wire log. Asked as an
        // event: a filter on the kind of callsite must answer as it will
        // for the wire events below.
        let wire_log = tracing::enabled!(
            kind: tracing::metadata::Kind::EVENT,
            target: WIRE_TARGET,
            tracing::Level::TRACE
        );
        let response_headers = if wire_log {
            redacted_headers(response.headers())
        } else {
            String::new()
        };
        if !http_status.is_success() {
            let limit = inner.max_response_bytes.min(MAX_ERROR_BYTES);
            let bytes = body::read_prefix(response, limit).await;
            tracing::trace!(
                target: WIRE_TARGET,
                "< {} {}{response_headers}\n\n{}",
                method.name,
                http_status,
                String::from_utf8_lossy(&bytes)
            );
            return Err(http_error(
                http_status.as_u16(),
                status::error_from_response(http_status.as_u16(), &bytes),
            ));
        }
        let bytes = body::read_capped(response, inner.max_response_bytes)
            .await
            .map_err(|e| match e {
                BodyError::TooLarge(too_large) => {
                    Error::decode(format!("{}: {too_large}", method.name), too_large)
                }
                BodyError::Read(e) if e.is_timeout() => deadline_error(method, remaining),
                // The server answered, so the request was carried out (or
                // refused) there; only the answer is missing.
                BodyError::Read(e) => Error::outcome_unknown(
                    format!("{}: the response was cut short", method.name),
                    e,
                ),
            })?;
        tracing::trace!(
            target: WIRE_TARGET,
            "< {} {}{response_headers}\n\n{}",
            method.name,
            http_status,
            String::from_utf8_lossy(&bytes)
        );
        body::decode_response(method, http_status.as_u16(), &bytes)
    }
}

impl HttpTransport {
    /// The headers of one sending: the client's, the token's, then the
    /// call's own (a header set there replaces a default).
    fn headers(&self, token: Option<&AccessToken>, options: &CallOptions) -> Result<HeaderMap> {
        let inner = &*self.inner;
        let mut headers = HeaderMap::new();
        headers.insert(API_CLIENT, inner.api_client.clone());
        headers.insert(USER_AGENT, inner.user_agent.clone());
        if let Some(key) = &inner.api_key {
            headers.insert(API_KEY, key.clone());
        }
        if let Some(token) = token {
            let mut value = HeaderValue::from_str(&token.header_value()).map_err(|_| {
                Error::authentication(
                    "the access token is not a valid header value",
                    "invalid characters in the token",
                )
            })?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        for (name, value) in options.headers() {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::invalid_request(name, "not a valid HTTP header name"))?;
            let mut value = HeaderValue::from_str(value).map_err(|_| {
                Error::invalid_request(name.as_str(), "not a valid HTTP header value")
            })?;
            value.set_sensitive(true);
            headers.insert(name, value);
        }
        Ok(headers)
    }
}

fn deadline_error(method: &Method, limit: Option<Duration>) -> Error {
    match limit {
        Some(limit) if !limit.is_zero() => Error::timeout(format!(
            "{}: no response within the {limit:?} left before the deadline",
            method.name
        )),
        _ => Error::timeout(format!("{}: the deadline has passed", method.name)),
    }
}

/// The error of a request that got no response. Only a failure to connect
/// proves the request never left; anything later (a reset, a connection
/// closed before the answer, a timeout after connecting) leaves the outcome
/// unknown.
fn send_error(method: &Method, remaining: Option<Duration>, e: reqwest::Error) -> Error {
    if e.is_connect() && e.is_timeout() {
        Error::timeout_before_sending(format!(
            "{}: no connection to the server within the time left",
            method.name
        ))
    } else if e.is_timeout() {
        deadline_error(method, remaining)
    } else if e.is_connect() {
        Error::transport(format!("{}: could not connect", method.name), e)
    } else if e.is_builder() {
        // Without the URL: it can be long, and holds the request's fields.
        Error::invalid_request(
            "request",
            format!("the HTTP request could not be built: {}", e.without_url()),
        )
    } else {
        Error::outcome_unknown(
            format!(
                "{}: the connection failed before the answer came",
                method.name
            ),
            e,
        )
    }
}

/// Adjusts the error of a non-2xx response for what its HTTP status says
/// beyond the code: 413 is a request too large (`RESOURCE_EXHAUSTED`, which
/// is not retried without a `RetryInfo`), and 502 or 504 come from a
/// gateway that forwarded the request and got no answer, so the server may
/// have applied it.
fn http_error(http: u16, error: Error) -> Error {
    match http {
        413 if error.code() == Code::Unknown => {
            let mut too_large = Error::rpc(
                Code::ResourceExhausted,
                format!(
                    "the server refused the request as too large: {}",
                    error.message()
                ),
            );
            for detail in error.details() {
                too_large = too_large.with_detail(detail.clone());
            }
            too_large
        }
        502 | 504 => error.into_outcome_unknown(),
        _ => error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_events_show_no_secret() {
        let mut headers = HeaderMap::new();
        let mut token = HeaderValue::from_static("Bearer ya29.secret");
        token.set_sensitive(true);
        headers.insert(AUTHORIZATION, token);
        headers.insert(API_KEY, HeaderValue::from_static("AIza-secret"));
        let mut quota_user = HeaderValue::from_static("reporting");
        quota_user.set_sensitive(true);
        headers.insert(HeaderName::from_static("x-goog-quota-user"), quota_user);
        let mut custom = HeaderValue::from_static("hidden");
        custom.set_sensitive(true);
        headers.insert(HeaderName::from_static("x-custom"), custom);
        let shown = redacted_headers(&headers);
        assert_eq!(
            shown,
            "\nauthorization: <redacted>\nx-goog-api-key: <redacted>\n\
             x-goog-quota-user: reporting\nx-custom: <redacted>"
        );
        assert_eq!(
            redacted_url("https://h/v1/a?pageSize=1&key=AIza&access_token=ya29&oauth_token=t"),
            "https://h/v1/a?pageSize=1&key=<redacted>&access_token=<redacted>&oauth_token=<redacted>"
        );
        assert_eq!(redacted_url("https://h/v1/a"), "https://h/v1/a");
    }
}
