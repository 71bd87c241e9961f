//! Credentials: where the bearer token of each call comes from.
//!
//! A [`Credentials`] value hands out [`AccessToken`]s. The kinds here are
//! [`Anonymous`] (no token), [`StaticToken`] (one fixed token),
//! [`ServiceAccount`] (a service account key, optionally acting for a user
//! through domain-wide delegation) and [`ApplicationDefault`] (Google's
//! Application Default Credentials). The last two keep their token in a
//! cache and fetch a new one shortly before it expires, once for all
//! concurrent callers.
//!
//! Tokens and private keys never appear in `Debug` output or in error
//! messages.

use std::error::Error as StdError;
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

use crate::future::BoxFuture;

mod cache;
mod service_account;
mod token_endpoint;

use cache::{TokenCache, TokenSource};
pub use service_account::ServiceAccount;
use service_account::ServiceAccountSource;

/// The OAuth scope requested when none is given: the Cloud Channel API's
/// own scope.
pub const DEFAULT_SCOPE: &str = "https://www.googleapis.com/auth/apps.order";

/// Environment variable naming a service account key file.
const CREDENTIALS_ENV: &str = "GOOGLE_APPLICATION_CREDENTIALS";

/// Environment variable naming the project billed for quota.
const QUOTA_PROJECT_ENV: &str = "GOOGLE_CLOUD_QUOTA_PROJECT";

/// A source of bearer tokens for outgoing calls.
///
/// The trait is object safe: clients hold an `Arc<dyn Credentials>`.
pub trait Credentials: Send + Sync + fmt::Debug {
    /// A token valid for the next call, or `None` to send no
    /// `authorization` header at all.
    fn token(&self) -> BoxFuture<'_, Result<Option<AccessToken>, CredentialsError>>;

    /// The project billed for quota (the `x-goog-user-project` header), if
    /// one is set.
    fn quota_project(&self) -> Option<&str> {
        None
    }

    /// The universe domain these credentials belong to (`googleapis.com`
    /// for Google's public cloud), when they say. A client refuses to start
    /// when it differs from the universe it is configured for: tokens of
    /// one universe are worthless in another.
    fn universe_domain(&self) -> Option<&str> {
        None
    }

    /// Whether calls carry no token at all. Only such credentials may be
    /// combined with an API key.
    fn is_anonymous(&self) -> bool {
        false
    }

    /// Hears that the server refused `token` as invalid (HTTP 401, gRPC
    /// `UNAUTHENTICATED`): revoked, say, or expired before the time it
    /// gave. Credentials that fetch their tokens forget it, so that the
    /// next [`token`](Self::token) fetches another, and return `true`: the
    /// refused request is worth sending once more. The default, for
    /// credentials that have no other token to give, returns `false`.
    fn token_rejected(&self, token: &AccessToken) -> bool {
        let _ = token;
        false
    }
}

impl<T: Credentials + ?Sized> Credentials for Arc<T> {
    fn token(&self) -> BoxFuture<'_, Result<Option<AccessToken>, CredentialsError>> {
        (**self).token()
    }

    fn quota_project(&self) -> Option<&str> {
        (**self).quota_project()
    }

    fn universe_domain(&self) -> Option<&str> {
        (**self).universe_domain()
    }

    fn is_anonymous(&self) -> bool {
        (**self).is_anonymous()
    }

    fn token_rejected(&self, token: &AccessToken) -> bool {
        (**self).token_rejected(token)
    }
}

impl<T: Credentials + ?Sized> Credentials for Box<T> {
    fn token(&self) -> BoxFuture<'_, Result<Option<AccessToken>, CredentialsError>> {
        (**self).token()
    }

    fn quota_project(&self) -> Option<&str> {
        (**self).quota_project()
    }

    fn universe_domain(&self) -> Option<&str> {
        (**self).universe_domain()
    }

    fn is_anonymous(&self) -> bool {
        (**self).is_anonymous()
    }

    fn token_rejected(&self, token: &AccessToken) -> bool {
        (**self).token_rejected(token)
    }
}

/// A bearer token and, when known, the moment it stops being valid.
///
/// `Debug` shows the time left but never the token itself.
#[derive(Clone)]
pub struct AccessToken {
    token: Arc<str>,
    expires_at: Option<Instant>,
}

impl AccessToken {
    /// Wraps a token; `expires_at` is `None` when its lifetime is unknown.
    pub fn new(token: impl Into<String>, expires_at: Option<Instant>) -> Self {
        AccessToken {
            token: Arc::from(token.into()),
            expires_at,
        }
    }

    /// The token text. This is the only way to read it; keep it out of
    /// logs.
    pub fn secret(&self) -> &str {
        &self.token
    }

    /// The `authorization` header value: `Bearer <token>`.
    pub fn header_value(&self) -> String {
        format!("Bearer {}", self.token)
    }

    /// When the token expires, if known.
    pub fn expires_at(&self) -> Option<Instant> {
        self.expires_at
    }

    /// Whether `other` is this very token (a clone of it), not merely one
    /// with the same text.
    pub(crate) fn is_same(&self, other: &AccessToken) -> bool {
        Arc::ptr_eq(&self.token, &other.token)
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let expires_in = self
            .expires_at
            .map(|at| Duration::from_secs(at.saturating_duration_since(Instant::now()).as_secs()));
        f.debug_struct("AccessToken")
            .field("token", &"<redacted>")
            .field("expires_in", &expires_in)
            .finish()
    }
}

/// What went wrong in a [`CredentialsError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CredentialsErrorKind {
    /// The key file could not be read (missing, no permission, ...).
    KeyFileUnreadable,
    /// The key is not JSON, is not a service account key, or lacks a
    /// required field; [`CredentialsError::field`] names the field.
    MalformedKey,
    /// Asking for a token failed: the token endpoint or the metadata server
    /// refused, could not be reached, or answered nonsense.
    TokenRequest,
    /// No Application Default Credentials were found: no key file named by
    /// the environment, no gcloud credentials, no metadata server.
    NoDefaultCredentials,
    /// Any other failure, e.g. from a custom [`Credentials`].
    Other,
}

/// Why credentials could not produce a token.
///
/// Messages may name a file path or a key field, never a token, a private
/// key or the contents of a key file.
#[derive(Debug, Clone)]
pub struct CredentialsError {
    kind: CredentialsErrorKind,
    message: String,
    path: Option<PathBuf>,
    field: Option<&'static str>,
    source: Option<Arc<dyn StdError + Send + Sync + 'static>>,
}

impl CredentialsError {
    /// A new error of `kind`. `message` must not contain secrets.
    pub fn new(kind: CredentialsErrorKind, message: impl Into<String>) -> Self {
        CredentialsError {
            kind,
            message: message.into(),
            path: None,
            field: None,
            source: None,
        }
    }

    /// Attaches the underlying cause, reported by `source()`.
    pub fn with_source(mut self, source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        self.source = Some(Arc::from(source.into()));
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> CredentialsErrorKind {
        self.kind
    }

    /// The key file involved, if any.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// For a malformed key, the field that is missing or wrong.
    pub fn field(&self) -> Option<&str> {
        self.field
    }

    pub(crate) fn with_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = Some(path.into());
        self
    }

    pub(crate) fn with_field(mut self, field: &'static str) -> Self {
        self.field = Some(field);
        self
    }

    /// Asking the token endpoint or metadata server failed.
    pub(crate) fn token_request(
        message: impl Into<String>,
        source: impl Into<Box<dyn StdError + Send + Sync>>,
    ) -> Self {
        CredentialsError::new(CredentialsErrorKind::TokenRequest, message).with_source(source)
    }
}

impl From<CredentialsError> for crate::Error {
    /// An [`Authentication`](crate::ErrorKind::Authentication) error
    /// (`UNAUTHENTICATED`) that says what the credentials said and keeps
    /// them as its `source()`, so that `?` works on a key file in a
    /// function returning [`crate::Result`].
    fn from(err: CredentialsError) -> Self {
        crate::Error::authentication(err.to_string(), err)
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.kind, &self.path) {
            (CredentialsErrorKind::KeyFileUnreadable, Some(path)) => {
                write!(
                    f,
                    "cannot read key file `{}`: {}",
                    path.display(),
                    self.message
                )
            }
            (CredentialsErrorKind::MalformedKey, Some(path)) => {
                write!(
                    f,
                    "malformed key file `{}`: {}",
                    path.display(),
                    self.message
                )
            }
            (CredentialsErrorKind::MalformedKey, None) => {
                write!(f, "malformed service account key: {}", self.message)
            }
            (_, Some(path)) => write!(f, "{} (key file `{}`)", self.message, path.display()),
            (_, None) => f.write_str(&self.message),
        }
    }
}

impl StdError for CredentialsError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn StdError + 'static))
    }
}

/// No credentials: calls go out without an `authorization` header.
#[derive(Debug, Clone, Copy, Default)]
pub struct Anonymous;

impl Credentials for Anonymous {
    fn token(&self) -> BoxFuture<'_, Result<Option<AccessToken>, CredentialsError>> {
        Box::pin(async { Ok(None) })
    }

    fn is_anonymous(&self) -> bool {
        true
    }
}

/// An API key, sent as `x-goog-api-key` on every call instead of a bearer
/// token.
///
/// `Debug` never shows the key.
///
/// ```
/// use channel_core::credentials::ApiKey;
///
/// let key = ApiKey::new("AIza-example");
/// assert_eq!(key.secret(), "AIza-example");
/// assert!(!format!("{key:?}").contains("AIza"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(Arc<str>);

impl ApiKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(Arc::from(key.into()))
    }

    /// The key text. This is the only way to read it; keep it out of logs.
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(\"<redacted>\")")
    }
}

/// One fixed bearer token, e.g. from `gcloud auth print-access-token`.
///
/// It is never refreshed. `Debug` does not show it.
#[derive(Clone)]
pub struct StaticToken {
    token: AccessToken,
    quota_project: Option<String>,
}

impl StaticToken {
    /// Uses `token` for every call.
    pub fn new(token: impl Into<String>) -> Self {
        StaticToken {
            token: AccessToken::new(token, None),
            quota_project: None,
        }
    }

    /// Bills quota to project `id`.
    pub fn with_quota_project(mut self, id: impl Into<String>) -> Self {
        self.quota_project = Some(id.into());
        self
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticToken")
            .field("token", &"<redacted>")
            .field("quota_project", &self.quota_project)
            .finish()
    }
}

impl Credentials for StaticToken {
    fn token(&self) -> BoxFuture<'_, Result<Option<AccessToken>, CredentialsError>> {
        let token = self.token.clone();
        Box::pin(async move { Ok(Some(token)) })
    }

    fn quota_project(&self) -> Option<&str> {
        self.quota_project.as_deref()
    }
}

/// Google's Application Default Credentials.
///
/// Looked up in this order: the key file named by
/// `GOOGLE_APPLICATION_CREDENTIALS`, the user credentials written by
/// `gcloud auth application-default login`, the metadata server of the
/// Google Cloud machine running the program, and the `gcloud` CLI. Tokens
/// are cached and refreshed before they expire.
///
/// The quota project is `GOOGLE_CLOUD_QUOTA_PROJECT` when set, unless
/// [`with_quota_project`](Self::with_quota_project) overrides it.
#[derive(Debug)]
pub struct ApplicationDefault {
    cache: TokenCache<DefaultSource>,
    quota_project: Option<String>,
}

impl ApplicationDefault {
    /// Finds the credentials. Fails with
    /// [`CredentialsErrorKind::NoDefaultCredentials`] when there are none,
    /// or with a key file error when `GOOGLE_APPLICATION_CREDENTIALS` names
    /// a bad file.
    pub async fn new() -> Result<Self, CredentialsError> {
        let key_path = std::env::var_os(CREDENTIALS_ENV);
        let quota_project = std::env::var(QUOTA_PROJECT_ENV)
            .ok()
            .filter(|id| !id.is_empty());
        let source = match key_path {
            Some(path) => DefaultSource::key_file(path)?,
            None => DefaultSource::discover().await?,
        };
        Ok(ApplicationDefault {
            cache: TokenCache::new(source),
            quota_project,
        })
    }

    /// Replaces the OAuth scopes (default [`DEFAULT_SCOPE`]). User
    /// credentials from gcloud ignore scopes.
    pub fn with_scopes<I>(mut self, scopes: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        let scopes = scopes.into_iter().map(Into::into).collect();
        self.cache.source_mut().set_scopes(scopes);
        self
    }

    /// Bills quota to project `id`.
    pub fn with_quota_project(mut self, id: impl Into<String>) -> Self {
        self.quota_project = Some(id.into());
        self
    }
}

impl Credentials for ApplicationDefault {
    fn token(&self) -> BoxFuture<'_, Result<Option<AccessToken>, CredentialsError>> {
        Box::pin(async move { self.cache.token().await.map(Some) })
    }

    fn quota_project(&self) -> Option<&str> {
        self.quota_project.as_deref()
    }

    fn token_rejected(&self, token: &AccessToken) -> bool {
        self.cache.forget(token);
        true
    }

    /// The key file's universe when the credentials came from one; unknown
    /// for credentials found otherwise (gcloud, metadata server).
    fn universe_domain(&self) -> Option<&str> {
        match self.cache.source() {
            DefaultSource::KeyFile(source) => Some(source.universe_domain()),
            DefaultSource::Discovered { .. } => None,
        }
    }
}

/// Application Default Credentials as a shared [`Credentials`] object.
pub async fn from_env() -> Result<Arc<dyn Credentials>, CredentialsError> {
    Ok(Arc::new(ApplicationDefault::new().await?))
}

/// Where [`ApplicationDefault`] gets its tokens.
enum DefaultSource {
    /// A service account key file named by the environment.
    KeyFile(ServiceAccountSource),
    /// Whatever gcp_auth found (gcloud user credentials, metadata server,
    /// gcloud CLI).
    Discovered {
        provider: Arc<dyn gcp_auth::TokenProvider>,
        scopes: Vec<String>,
    },
}

impl DefaultSource {
    fn key_file(path: OsString) -> Result<Self, CredentialsError> {
        let path = PathBuf::from(path);
        tracing::debug!(path = %path.display(), "using the key file named by {CREDENTIALS_ENV}");
        let text = service_account::read_key_file(&path)?;
        let source = ServiceAccountSource::from_json(&text).map_err(|e| e.with_path(&path))?;
        Ok(DefaultSource::KeyFile(source))
    }

    async fn discover() -> Result<Self, CredentialsError> {
        let provider = gcp_auth::provider().await.map_err(|err| {
            let kind = match err {
                gcp_auth::Error::NoAuthMethod(..) => CredentialsErrorKind::NoDefaultCredentials,
                _ => CredentialsErrorKind::TokenRequest,
            };
            CredentialsError::new(
                kind,
                "no Application Default Credentials found (looked for a key file in \
                 GOOGLE_APPLICATION_CREDENTIALS, gcloud user credentials, the metadata \
                 server and the gcloud CLI)",
            )
            .with_source(err)
        })?;
        Ok(DefaultSource::Discovered {
            provider,
            scopes: vec![DEFAULT_SCOPE.to_owned()],
        })
    }

    fn set_scopes(&mut self, new: Vec<String>) {
        match self {
            DefaultSource::KeyFile(source) => source.set_scopes(new),
            DefaultSource::Discovered { scopes, .. } => *scopes = new,
        }
    }
}

impl fmt::Debug for DefaultSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DefaultSource::KeyFile(source) => f.debug_tuple("KeyFile").field(source).finish(),
            DefaultSource::Discovered { scopes, .. } => f
                .debug_struct("Discovered")
                .field("scopes", scopes)
                .finish_non_exhaustive(),
        }
    }
}

impl TokenSource for DefaultSource {
    fn fetch(&self) -> BoxFuture<'_, Result<AccessToken, CredentialsError>> {
        match self {
            DefaultSource::KeyFile(source) => source.fetch(),
            DefaultSource::Discovered { provider, scopes } => Box::pin(async move {
                let scopes: Vec<&str> = scopes.iter().map(String::as_str).collect();
                let token = provider.token(&scopes).await.map_err(|err| {
                    CredentialsError::token_request(
                        "requesting a token with Application Default Credentials failed",
                        err,
                    )
                })?;
                Ok(from_gcp_token(&token))
            }),
        }
    }
}

/// Converts a gcp_auth token, whose expiry is wall-clock time, to an
/// [`AccessToken`] on tokio's clock.
fn from_gcp_token(token: &gcp_auth::Token) -> AccessToken {
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    let left_ms = token.expires_at().timestamp_millis().saturating_sub(now_ms);
    let left = Duration::from_millis(u64::try_from(left_ms).unwrap_or(0));
    // A lifetime past what an instant can hold saturates instead of panicking.
    let expires_at = crate::options::deadline_after(Instant::now(), left);
    AccessToken::new(token.as_str(), Some(expires_at))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "ya29.super-secret-token-value";

    #[test]
    fn a_credentials_error_becomes_an_authentication_error_with_question_mark() {
        fn load(path: &Path) -> crate::Result<ServiceAccount> {
            Ok(ServiceAccount::from_file(path)?)
        }
        let path = Path::new("/nonexistent/channel-key.json");
        let err = load(path).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Authentication);
        assert_eq!(err.code(), channel_types::rpc::Code::Unauthenticated);
        assert!(err.message().contains("channel-key.json"), "{err}");
        let source = StdError::source(&err)
            .and_then(|s| s.downcast_ref::<CredentialsError>())
            .expect("the credentials error is the source");
        assert_eq!(source.kind(), CredentialsErrorKind::KeyFileUnreadable);
    }

    #[tokio::test]
    async fn static_token_gives_bearer_header() {
        let creds = StaticToken::new(SECRET).with_quota_project("billing-project");
        let token = creds.token().await.unwrap().unwrap();
        assert_eq!(token.header_value(), format!("Bearer {SECRET}"));
        assert_eq!(token.secret(), SECRET);
        assert_eq!(token.expires_at(), None);
        assert_eq!(creds.quota_project(), Some("billing-project"));
    }

    #[tokio::test]
    async fn anonymous_gives_no_token() {
        assert!(Anonymous.token().await.unwrap().is_none());
        assert_eq!(Anonymous.quota_project(), None);
    }

    #[tokio::test]
    async fn works_as_trait_object() {
        let creds: Arc<dyn Credentials> = Arc::new(StaticToken::new(SECRET));
        let token = creds.token().await.unwrap().unwrap();
        assert_eq!(token.secret(), SECRET);
        let wrapped: Box<dyn Credentials> = Box::new(Arc::clone(&creds));
        assert!(wrapped.token().await.unwrap().is_some());
        assert!(!format!("{wrapped:?}").contains(SECRET));
    }

    #[tokio::test(start_paused = true)]
    async fn debug_hides_tokens() {
        let token = AccessToken::new(SECRET, Some(Instant::now() + Duration::from_secs(90)));
        let shown = format!("{token:?}");
        assert!(!shown.contains(SECRET), "{shown}");
        assert_eq!(
            shown,
            "AccessToken { token: \"<redacted>\", expires_in: Some(90s) }"
        );
        assert!(!format!("{token:#?}").contains(SECRET));

        let creds = StaticToken::new(SECRET);
        let shown = format!("{creds:?}");
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }

    #[test]
    fn error_reports_kind_source_and_path() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        let err = CredentialsError::new(CredentialsErrorKind::KeyFileUnreadable, "not found")
            .with_path("/keys/sa.json")
            .with_source(io);
        assert_eq!(err.kind(), CredentialsErrorKind::KeyFileUnreadable);
        assert_eq!(err.path(), Some(Path::new("/keys/sa.json")));
        assert_eq!(
            err.to_string(),
            "cannot read key file `/keys/sa.json`: not found"
        );
        assert_eq!(err.source().unwrap().to_string(), "gone");
        let copy = err.clone();
        assert_eq!(copy.to_string(), err.to_string());
    }

    #[test]
    fn gcp_token_expiry_maps_to_tokio_clock() {
        let token: gcp_auth::Token =
            serde_json::from_str(r#"{"access_token":"abc","expires_in":3600}"#).unwrap();
        let converted = from_gcp_token(&token);
        assert_eq!(converted.secret(), "abc");
        let left = converted
            .expires_at()
            .unwrap()
            .saturating_duration_since(Instant::now());
        assert!(left > Duration::from_secs(3590) && left <= Duration::from_secs(3600));
    }

    #[test]
    fn key_file_in_environment_is_validated() {
        let path = service_account::tests::temp_file(
            "adc-missing-email",
            &service_account::tests::key_json_without("client_email"),
        );
        let err = DefaultSource::key_file(path.clone().into_os_string()).unwrap_err();
        let _ = std::fs::remove_file(&path);
        assert_eq!(err.kind(), CredentialsErrorKind::MalformedKey);
        assert_eq!(err.field(), Some("client_email"));
        assert_eq!(err.path(), Some(path.as_path()));
        assert!(
            !err.to_string()
                .contains(service_account::tests::FAKE_KEY_BODY)
        );
    }
}
