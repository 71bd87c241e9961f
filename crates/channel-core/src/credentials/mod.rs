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

mod authorized_user;
mod cache;
mod service_account;
mod token_endpoint;

use authorized_user::AuthorizedUserSource;
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

/// Environment variable naming gcloud's configuration folder.
const CLOUDSDK_CONFIG_ENV: &str = "CLOUDSDK_CONFIG";

/// The file `gcloud auth application-default login` writes in gcloud's
/// configuration folder.
const GCLOUD_ADC_FILE: &str = "application_default_credentials.json";

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
/// Looked up as Google's clients look: the file named by
/// `GOOGLE_APPLICATION_CREDENTIALS` (unless empty), else the user
/// credentials written by `gcloud auth application-default login` (in
/// `CLOUDSDK_CONFIG`, or gcloud's usual configuration folder), else the
/// metadata server of the Google Cloud machine running the program, else
/// the `gcloud` CLI. A file may hold a service account key
/// (`service_account`) or user credentials (`authorized_user`). Tokens are
/// cached and refreshed before they expire.
///
/// The quota project is `GOOGLE_CLOUD_QUOTA_PROJECT` when set, else the
/// user credentials' `quota_project_id`, unless
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
        Self::from_environment(&|name| std::env::var_os(name)).await
    }

    /// Reads the credentials in `path`, a file such as
    /// `GOOGLE_APPLICATION_CREDENTIALS` names: a service account key or
    /// gcloud's user credentials. The environment is not read; the quota
    /// project is the file's `quota_project_id`, if any.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, CredentialsError> {
        let source = DefaultSource::file(path.as_ref())?;
        let quota_project = source.quota_project_id().map(str::to_owned);
        Ok(ApplicationDefault {
            cache: TokenCache::new(source),
            quota_project,
        })
    }

    /// [`new`](Self::new), with the environment read through `env`.
    async fn from_environment(
        env: &dyn Fn(&str) -> Option<OsString>,
    ) -> Result<Self, CredentialsError> {
        let set = |name: &str| env(name).filter(|value| !value.is_empty());
        let source = match set(CREDENTIALS_ENV) {
            Some(path) => {
                tracing::debug!(path = %Path::new(&path).display(), "using the file named by {CREDENTIALS_ENV}");
                DefaultSource::file(Path::new(&path))?
            }
            None => match gcloud_adc_file(&set).filter(|path| path.is_file()) {
                Some(path) => {
                    tracing::debug!(path = %path.display(), "using gcloud's application default credentials");
                    DefaultSource::file(&path)?
                }
                None => DefaultSource::discover().await?,
            },
        };
        let quota_project = set(QUOTA_PROJECT_ENV)
            .and_then(|id| id.into_string().ok())
            .or_else(|| source.quota_project_id().map(str::to_owned));
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
            DefaultSource::UserFile(source) => Some(source.universe_domain()),
            DefaultSource::Discovered { .. } => None,
        }
    }
}

/// Application Default Credentials as a shared [`Credentials`] object.
pub async fn from_env() -> Result<Arc<dyn Credentials>, CredentialsError> {
    Ok(Arc::new(ApplicationDefault::new().await?))
}

/// gcloud's application default credentials file: in `CLOUDSDK_CONFIG`,
/// else `%APPDATA%\gcloud` on Windows and `~/.config/gcloud` elsewhere.
fn gcloud_adc_file(env: &dyn Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let folder = match env(CLOUDSDK_CONFIG_ENV) {
        Some(folder) => PathBuf::from(folder),
        None if cfg!(windows) => PathBuf::from(env("APPDATA")?).join("gcloud"),
        None => PathBuf::from(env("HOME")?).join(".config").join("gcloud"),
    };
    Some(folder.join(GCLOUD_ADC_FILE))
}

/// Where [`ApplicationDefault`] gets its tokens.
enum DefaultSource {
    /// A service account key file.
    KeyFile(ServiceAccountSource),
    /// A user credentials file (`authorized_user`).
    UserFile(AuthorizedUserSource),
    /// What gcp_auth found on the machine (metadata server, gcloud CLI).
    Discovered {
        provider: Arc<dyn gcp_auth::TokenProvider>,
        scopes: Vec<String>,
    },
}

impl DefaultSource {
    /// The credentials of a file, by its `type`.
    fn file(path: &Path) -> Result<Self, CredentialsError> {
        let text = service_account::read_key_file(path)?;
        Self::from_json(&text).map_err(|e| e.with_path(path))
    }

    fn from_json(text: &str) -> Result<Self, CredentialsError> {
        // The type decides; the service account's own check reports the rest.
        let value: Option<serde_json::Value> = serde_json::from_str(text).ok();
        let object = value.as_ref().and_then(serde_json::Value::as_object);
        let kind = object
            .and_then(|object| object.get("type"))
            .and_then(serde_json::Value::as_str);
        match (kind, object) {
            (Some("authorized_user"), Some(object)) => Ok(DefaultSource::UserFile(
                AuthorizedUserSource::from_object(object)?,
            )),
            (Some(other), Some(_)) if other != "service_account" => {
                Err(service_account::malformed(
                    "type",
                    format!(
                        "field `type` is `{}`: credentials of that type are not supported; use a \
                     service account key (`service_account`) or gcloud's user credentials \
                     (`authorized_user`)",
                        if other.len() <= 40 && other.bytes().all(|b| b.is_ascii_graphic()) {
                            other
                        } else {
                            "?"
                        }
                    ),
                ))
            }
            _ => Ok(DefaultSource::KeyFile(ServiceAccountSource::from_json(
                text,
            )?)),
        }
    }

    /// The project billed for quota that the credentials carry.
    fn quota_project_id(&self) -> Option<&str> {
        match self {
            DefaultSource::UserFile(source) => source.quota_project_id(),
            DefaultSource::KeyFile(_) | DefaultSource::Discovered { .. } => None,
        }
    }

    /// The metadata server, then the gcloud CLI (the files were looked
    /// at before).
    async fn discover() -> Result<Self, CredentialsError> {
        let metadata = match gcp_auth::MetadataServiceAccount::new().await {
            Ok(provider) => return Ok(Self::discovered(Arc::new(provider))),
            Err(err) => err,
        };
        let gcloud = match gcp_auth::GCloudAuthorizedUser::new().await {
            Ok(provider) => return Ok(Self::discovered(Arc::new(provider))),
            Err(err) => err,
        };
        tracing::debug!(%metadata, %gcloud, "no Application Default Credentials");
        Err(CredentialsError::new(
            CredentialsErrorKind::NoDefaultCredentials,
            "no Application Default Credentials found (looked for a file named by \
             GOOGLE_APPLICATION_CREDENTIALS, gcloud's application default credentials, the \
             metadata server and the gcloud CLI)",
        )
        .with_source(metadata))
    }

    fn discovered(provider: Arc<dyn gcp_auth::TokenProvider>) -> Self {
        DefaultSource::Discovered {
            provider,
            scopes: vec![DEFAULT_SCOPE.to_owned()],
        }
    }

    fn set_scopes(&mut self, new: Vec<String>) {
        match self {
            DefaultSource::KeyFile(source) => source.set_scopes(new),
            // User credentials carry the scopes they were granted.
            DefaultSource::UserFile(_) => {}
            DefaultSource::Discovered { scopes, .. } => *scopes = new,
        }
    }
}

impl fmt::Debug for DefaultSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DefaultSource::KeyFile(source) => f.debug_tuple("KeyFile").field(source).finish(),
            DefaultSource::UserFile(source) => f.debug_tuple("UserFile").field(source).finish(),
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
            DefaultSource::UserFile(source) => source.fetch(),
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

    /// A folder of its own holding gcloud's user credentials file, with
    /// these extra members.
    fn gcloud_folder(name: &str, extra: serde_json::Value) -> PathBuf {
        let folder =
            std::env::temp_dir().join(format!("channel-adc-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        let mut file = serde_json::json!({
            "type": "authorized_user",
            "client_id": "client-1.apps.googleusercontent.com",
            "client_secret": "secret-1",
            "refresh_token": "refresh-1",
        });
        for (name, value) in extra.as_object().unwrap() {
            file[name] = value.clone();
        }
        std::fs::write(folder.join(GCLOUD_ADC_FILE), file.to_string()).unwrap();
        folder
    }

    async fn from_env_map(
        vars: &[(&str, &std::ffi::OsStr)],
    ) -> Result<ApplicationDefault, CredentialsError> {
        let vars: Vec<(String, OsString)> = vars
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_os_string()))
            .collect();
        ApplicationDefault::from_environment(&move |name| {
            vars.iter()
                .find(|(n, _)| n == name)
                .map(|(_, value)| value.clone())
        })
        .await
    }

    #[tokio::test]
    async fn an_empty_google_application_credentials_is_taken_as_unset() {
        let folder = gcloud_folder("empty-env", serde_json::json!({}));
        let adc = from_env_map(&[
            (CREDENTIALS_ENV, "".as_ref()),
            (CLOUDSDK_CONFIG_ENV, folder.as_os_str()),
        ])
        .await
        .unwrap();
        let _ = std::fs::remove_dir_all(&folder);
        assert!(
            matches!(adc.cache.source(), DefaultSource::UserFile(_)),
            "{adc:?}"
        );
    }

    #[tokio::test]
    async fn gcloud_user_credentials_bring_their_quota_project_unless_the_environment_names_one() {
        let folder = gcloud_folder(
            "quota",
            serde_json::json!({"quota_project_id": "from-gcloud"}),
        );
        let adc = from_env_map(&[(CLOUDSDK_CONFIG_ENV, folder.as_os_str())])
            .await
            .unwrap();
        assert_eq!(adc.quota_project(), Some("from-gcloud"));
        assert_eq!(adc.universe_domain(), Some("googleapis.com"));
        let adc = from_env_map(&[
            (CLOUDSDK_CONFIG_ENV, folder.as_os_str()),
            (QUOTA_PROJECT_ENV, "from-env".as_ref()),
        ])
        .await
        .unwrap();
        assert_eq!(adc.quota_project(), Some("from-env"));
        // Found through HOME as well.
        let home = std::env::temp_dir().join(format!("channel-adc-{}-home", std::process::id()));
        let config = home.join(".config");
        std::fs::create_dir_all(&config).unwrap();
        let _ = std::fs::remove_dir_all(config.join("gcloud"));
        std::fs::rename(&folder, config.join("gcloud")).unwrap();
        let adc = from_env_map(&[("HOME", home.as_os_str())]).await;
        let _ = std::fs::remove_dir_all(&home);
        if !cfg!(windows) {
            assert_eq!(adc.unwrap().quota_project(), Some("from-gcloud"));
        }
    }

    #[tokio::test]
    async fn google_application_credentials_may_name_user_credentials() {
        let folder = gcloud_folder("named", serde_json::json!({"quota_project_id": "q"}));
        let file = folder.join(GCLOUD_ADC_FILE);
        let adc = from_env_map(&[(CREDENTIALS_ENV, file.as_os_str())]).await;
        let from_file = ApplicationDefault::from_file(&file);
        let _ = std::fs::remove_dir_all(&folder);
        let adc = adc.unwrap();
        assert!(
            matches!(adc.cache.source(), DefaultSource::UserFile(_)),
            "{adc:?}"
        );
        assert_eq!(adc.quota_project(), Some("q"));
        assert!(!format!("{adc:?}").contains("secret-1"));
        assert!(!format!("{adc:?}").contains("refresh-1"));
        assert_eq!(from_file.unwrap().quota_project(), Some("q"));
    }

    #[test]
    fn a_file_of_another_credential_type_is_refused_naming_it() {
        let path = service_account::tests::temp_file(
            "external",
            r#"{"type":"external_account","audience":"//iam.googleapis.com/x"}"#,
        );
        let err = ApplicationDefault::from_file(&path).unwrap_err();
        let _ = std::fs::remove_file(&path);
        assert_eq!(err.kind(), CredentialsErrorKind::MalformedKey);
        assert_eq!(err.field(), Some("type"));
        assert!(err.to_string().contains("`external_account`"), "{err}");
        assert_eq!(err.path(), Some(path.as_path()));
    }

    #[test]
    fn key_file_in_environment_is_validated() {
        let path = service_account::tests::temp_file(
            "adc-missing-email",
            &service_account::tests::key_json_without("client_email"),
        );
        let err = DefaultSource::file(&path).unwrap_err();
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
