//! Service account keys: tokens from the JSON key downloaded from the
//! Google Cloud console, with optional domain-wide delegation.

use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::{Map, Value};

use super::cache::{TokenCache, TokenSource};
use super::token_endpoint::{self, Assertion, HttpClient};
use super::{
    AccessToken, BoxFuture, Credentials, CredentialsError, CredentialsErrorKind, DEFAULT_SCOPE,
};

/// Credentials from a service account key file.
///
/// Tokens are requested with the given scopes (by default
/// [`DEFAULT_SCOPE`]), cached, and refreshed before they expire. With
/// [`with_subject`](Self::with_subject) the service account acts for a
/// user of a Google Workspace domain that granted it domain-wide
/// delegation, which is how resellers usually call the Cloud Channel API.
///
/// The key is checked when loaded; the private key itself is parsed at the
/// first token request. It is never shown by `Debug` or in errors.
pub struct ServiceAccount {
    cache: TokenCache<ServiceAccountSource>,
    quota_project: Option<String>,
}

impl ServiceAccount {
    /// Reads the key from a JSON file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, CredentialsError> {
        let path = path.as_ref();
        let text = read_key_file(path)?;
        let source = ServiceAccountSource::from_json(&text).map_err(|e| e.with_path(path))?;
        Ok(Self::with_source(source))
    }

    /// Reads the key from JSON text.
    pub fn from_json(json: &str) -> Result<Self, CredentialsError> {
        Ok(Self::with_source(ServiceAccountSource::from_json(json)?))
    }

    fn with_source(source: ServiceAccountSource) -> Self {
        ServiceAccount {
            cache: TokenCache::new(source),
            quota_project: None,
        }
    }

    /// Replaces the OAuth scopes (default [`DEFAULT_SCOPE`]).
    pub fn with_scopes<I>(mut self, scopes: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        let scopes = scopes.into_iter().map(Into::into).collect();
        self.cache.source_mut().set_scopes(scopes);
        self
    }

    /// Acts for `user` (an email address) through domain-wide delegation:
    /// the token's `sub` claim.
    pub fn with_subject(mut self, user: impl Into<String>) -> Self {
        self.cache.source_mut().subject = Some(user.into());
        self
    }

    /// Bills quota to project `id`.
    pub fn with_quota_project(mut self, id: impl Into<String>) -> Self {
        self.quota_project = Some(id.into());
        self
    }

    /// The service account's email address.
    pub fn client_email(&self) -> &str {
        &self.cache.source().client_email
    }

    /// The project the key belongs to, if the key says.
    pub fn project_id(&self) -> Option<&str> {
        self.cache.source().project_id.as_deref()
    }

    /// The scopes tokens are requested for.
    pub fn scopes(&self) -> &[String] {
        &self.cache.source().scopes
    }

    /// The user acted for, if any.
    pub fn subject(&self) -> Option<&str> {
        self.cache.source().subject.as_deref()
    }
}

impl fmt::Debug for ServiceAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = self.cache.source();
        f.debug_struct("ServiceAccount")
            .field("client_email", &source.client_email)
            .field("project_id", &source.project_id)
            .field("scopes", &source.scopes)
            .field("subject", &source.subject)
            .field("quota_project", &self.quota_project)
            .finish_non_exhaustive()
    }
}

impl Credentials for ServiceAccount {
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

    /// The key's `universe_domain`, or `googleapis.com` for a key without
    /// one (keys of Google's public cloud predate the field).
    fn universe_domain(&self) -> Option<&str> {
        Some(self.cache.source().universe_domain())
    }
}

/// Reads a key file, turning failures into [`CredentialsError`]s that name
/// the path.
pub(super) fn read_key_file(path: &Path) -> Result<String, CredentialsError> {
    std::fs::read_to_string(path).map_err(|err| {
        CredentialsError::new(
            CredentialsErrorKind::KeyFileUnreadable,
            err.kind().to_string(),
        )
        .with_path(path)
        .with_source(err)
    })
}

/// Fetches tokens for one service account key.
pub(super) struct ServiceAccountSource {
    key: KeyText,
    client_email: String,
    private_key_id: Option<String>,
    token_uri: String,
    project_id: Option<String>,
    scopes: Vec<String>,
    subject: Option<String>,
    universe_domain: Option<String>,
    /// The signer and the HTTPS client, made at the first fetch (making
    /// them parses the private key and loads the root certificates).
    prepared: Mutex<Option<Arc<Prepared>>>,
}

/// What every fetch of one key uses.
struct Prepared {
    /// Holds the parsed private key; only its signer is used.
    account: gcp_auth::CustomServiceAccount,
    http: HttpClient,
}

/// The key file's text; it holds the private key, so `Debug` hides it.
struct KeyText(String);

impl fmt::Debug for KeyText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"<redacted>\"")
    }
}

impl ServiceAccountSource {
    /// Checks the key and keeps it for signing token requests.
    pub(super) fn from_json(json: &str) -> Result<Self, CredentialsError> {
        let fields = check_key(json)?;
        Ok(ServiceAccountSource {
            key: KeyText(json.to_owned()),
            client_email: fields.client_email,
            private_key_id: fields.private_key_id,
            token_uri: fields.token_uri,
            project_id: fields.project_id,
            scopes: vec![DEFAULT_SCOPE.to_owned()],
            subject: None,
            universe_domain: fields.universe_domain,
            prepared: Mutex::new(None),
        })
    }

    /// The signer and client, made once.
    fn prepared(&self) -> Result<Arc<Prepared>, CredentialsError> {
        let mut prepared = self.prepared.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(ready) = &*prepared {
            return Ok(Arc::clone(ready));
        }
        let account =
            gcp_auth::CustomServiceAccount::from_json(&self.key.0).map_err(account_setup_error)?;
        let ready = Arc::new(Prepared {
            account,
            http: token_endpoint::http_client()?,
        });
        *prepared = Some(Arc::clone(&ready));
        Ok(ready)
    }

    pub(super) fn universe_domain(&self) -> &str {
        self.universe_domain
            .as_deref()
            .unwrap_or(crate::universe::DEFAULT_UNIVERSE_DOMAIN)
    }

    pub(super) fn set_scopes(&mut self, scopes: Vec<String>) {
        self.scopes = scopes;
    }
}

impl fmt::Debug for ServiceAccountSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceAccountSource")
            .field("client_email", &self.client_email)
            .field("scopes", &self.scopes)
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

impl TokenSource for ServiceAccountSource {
    fn fetch(&self) -> BoxFuture<'_, Result<AccessToken, CredentialsError>> {
        Box::pin(async move {
            let prepared = self.prepared()?;
            let assertion = Assertion {
                client_email: &self.client_email,
                private_key_id: self.private_key_id.as_deref(),
                token_uri: &self.token_uri,
                scopes: &self.scopes,
                subject: self.subject.as_deref(),
            }
            .sign(|input| {
                // The signer's error is not attached: it could echo the key.
                prepared.account.signer().sign(input).map_err(|_| {
                    malformed(
                        "private_key",
                        "field `private_key` could not sign the token request",
                    )
                })
            })?;
            token_endpoint::exchange(
                &prepared.http,
                &self.token_uri,
                &assertion,
                &self.client_email,
            )
            .await
        })
    }
}

/// Maps a failure to build gcp_auth's account from an already checked key.
fn account_setup_error(err: gcp_auth::Error) -> CredentialsError {
    match err {
        // Setting up the HTTPS client failed (e.g. no root certificates).
        gcp_auth::Error::Io(..) => CredentialsError::token_request(
            "preparing the HTTPS client for the token endpoint failed",
            err,
        ),
        gcp_auth::Error::Json(..) => CredentialsError::new(
            CredentialsErrorKind::MalformedKey,
            "not a valid service account key",
        ),
        // Anything else is the private key failing to parse. Its error is
        // not attached: it could echo part of the key.
        _ => malformed(
            "private_key",
            "field `private_key` is not a valid PKCS#8 RSA private key",
        ),
    }
}

pub(super) fn malformed(field: &'static str, message: impl Into<String>) -> CredentialsError {
    CredentialsError::new(CredentialsErrorKind::MalformedKey, message).with_field(field)
}

/// The non-secret fields of a checked key.
#[derive(Debug)]
struct KeyFields {
    client_email: String,
    private_key_id: Option<String>,
    token_uri: String,
    project_id: Option<String>,
    universe_domain: Option<String>,
}

/// Other credential file types, named in the error when one is given
/// where a service account key is expected.
const OTHER_TYPES: &[&str] = &[
    "authorized_user",
    "external_account",
    "external_account_authorized_user",
    "impersonated_service_account",
    "gdch_service_account",
];

/// Checks that `json` is a service account key, without ever putting a
/// value of it (other than a known `type`) in an error.
fn check_key(json: &str) -> Result<KeyFields, CredentialsError> {
    let value: Value = serde_json::from_str(json).map_err(|err| {
        CredentialsError::new(
            CredentialsErrorKind::MalformedKey,
            format!(
                "not valid JSON (error at line {} column {})",
                err.line(),
                err.column()
            ),
        )
    })?;
    let Value::Object(object) = value else {
        return Err(CredentialsError::new(
            CredentialsErrorKind::MalformedKey,
            "not a JSON object",
        ));
    };

    let kind = required_string(&object, "type")?;
    if kind != "service_account" {
        let message = match OTHER_TYPES.iter().find(|other| **other == kind) {
            Some(other) => format!(
                "field `type` is `{other}`, expected `service_account`: this is not a \
                 service account key"
            ),
            None => "field `type` must be `service_account`".to_owned(),
        };
        return Err(malformed("type", message));
    }

    let client_email = required_string(&object, "client_email")?;
    let private_key = required_string(&object, "private_key")?;
    if !private_key.contains("-----BEGIN PRIVATE KEY-----")
        || !private_key.contains("-----END PRIVATE KEY-----")
    {
        return Err(malformed(
            "private_key",
            "field `private_key` is not a PEM-encoded PKCS#8 private key",
        ));
    }
    let token_uri = required_string(&object, "token_uri")?;
    check_token_uri(token_uri)?;
    let project_id = optional_string(&object, "project_id")?;
    let private_key_id = optional_string(&object, "private_key_id")?;

    let universe_domain = match object.get("universe_domain") {
        None | Some(Value::Null) => None,
        Some(Value::String(domain)) if !domain.trim().is_empty() => Some(domain.trim().to_owned()),
        Some(_) => {
            return Err(malformed(
                "universe_domain",
                "field `universe_domain` must be a non-empty string such as `googleapis.com`",
            ));
        }
    };

    Ok(KeyFields {
        client_email: client_email.to_owned(),
        private_key_id,
        token_uri: token_uri.to_owned(),
        project_id,
        universe_domain,
    })
}

/// Refuses a `token_uri` the signed assertion must not be sent to: one
/// that is not a URL, or plaintext `http://` to another machine. The
/// assertion is a credential in its own right (it buys tokens for an hour),
/// so it crosses the network only inside TLS; a token server on this
/// machine (a test's, say) may be plaintext.
pub(super) fn check_token_uri(uri: &str) -> Result<(), CredentialsError> {
    // Parsed as endpoints are, so the host checked is the host connected to.
    let parsed = crate::EndpointUrl::parse(uri, None).map_err(|_| {
        malformed(
            "token_uri",
            "field `token_uri` must be an https:// URL without user information, such as \
             `https://oauth2.googleapis.com/token`",
        )
    })?;
    if parsed.is_tls() || parsed.is_loopback() {
        return Ok(());
    }
    Err(malformed(
        "token_uri",
        format!(
            "field `token_uri` must use https:// (plaintext http:// is taken only for this \
             machine), but it names http://{}",
            parsed.host()
        ),
    ))
}

pub(super) fn optional_string(
    object: &Map<String, Value>,
    field: &'static str,
) -> Result<Option<String>, CredentialsError> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(malformed(
            field,
            format!("field `{field}` must be a string"),
        )),
    }
}

pub(super) fn required_string<'a>(
    object: &'a Map<String, Value>,
    field: &'static str,
) -> Result<&'a str, CredentialsError> {
    match object.get(field) {
        None | Some(Value::Null) => Err(malformed(field, format!("missing field `{field}`"))),
        Some(Value::String(text)) if text.trim().is_empty() => {
            Err(malformed(field, format!("field `{field}` is empty")))
        }
        Some(Value::String(text)) => Ok(text),
        Some(_) => Err(malformed(
            field,
            format!("field `{field}` must be a string"),
        )),
    }
}

#[cfg(test)]
pub(super) mod tests {
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// The body of the fake private key; no output may contain it.
    pub(crate) const FAKE_KEY_BODY: &str =
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDfakefakefakeFAKE";

    fn fake_key() -> Value {
        serde_json::json!({
            "type": "service_account",
            "project_id": "reseller-project",
            "private_key_id": "0123456789abcdef",
            "private_key": format!(
                "-----BEGIN PRIVATE KEY-----\n{FAKE_KEY_BODY}\n-----END PRIVATE KEY-----\n"
            ),
            "client_email": "channel@reseller-project.iam.gserviceaccount.com",
            "client_id": "123456789",
            "token_uri": "https://oauth2.googleapis.com/token",
        })
    }

    pub(crate) fn key_json() -> String {
        fake_key().to_string()
    }

    pub(crate) fn key_json_without(field: &str) -> String {
        let mut key = fake_key();
        key.as_object_mut().unwrap().remove(field);
        key.to_string()
    }

    fn key_json_with(field: &str, value: Value) -> String {
        let mut key = fake_key();
        key.as_object_mut().unwrap().insert(field.to_owned(), value);
        key.to_string()
    }

    /// Writes `text` to a new file in the temp directory.
    pub(crate) fn temp_file(name: &str, text: &str) -> PathBuf {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "channel-creds-{}-{}-{name}.json",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::write(&path, text).unwrap();
        path
    }

    fn assert_no_secret(text: &str) {
        assert!(!text.contains(FAKE_KEY_BODY), "private key leaked: {text}");
        assert!(
            !text.contains("BEGIN PRIVATE KEY"),
            "private key leaked: {text}"
        );
    }

    fn assert_malformed(json: &str, field: Option<&str>, wanted: &str) {
        let err = ServiceAccount::from_json(json).unwrap_err();
        assert_eq!(err.kind(), CredentialsErrorKind::MalformedKey, "{err}");
        assert_eq!(err.field(), field, "{err}");
        let shown = err.to_string();
        assert!(shown.contains(wanted), "{shown:?} lacks {wanted:?}");
        assert_no_secret(&shown);
        assert_no_secret(&format!("{err:?}"));
    }

    #[test]
    fn builds_from_json_with_defaults() {
        let account = ServiceAccount::from_json(&key_json()).unwrap();
        assert_eq!(
            account.client_email(),
            "channel@reseller-project.iam.gserviceaccount.com"
        );
        assert_eq!(account.project_id(), Some("reseller-project"));
        assert_eq!(account.scopes(), [DEFAULT_SCOPE]);
        assert_eq!(account.subject(), None);
        assert_eq!(account.quota_project(), None);
    }

    #[test]
    fn builder_sets_scopes_subject_and_quota_project() {
        let account = ServiceAccount::from_json(&key_json())
            .unwrap()
            .with_scopes([
                "https://www.googleapis.com/auth/cloud-platform",
                DEFAULT_SCOPE,
            ])
            .with_subject("admin@customer.example")
            .with_quota_project("billing-project");
        assert_eq!(
            account.scopes(),
            [
                "https://www.googleapis.com/auth/cloud-platform",
                DEFAULT_SCOPE
            ]
        );
        assert_eq!(account.subject(), Some("admin@customer.example"));
        assert_eq!(account.quota_project(), Some("billing-project"));
    }

    #[test]
    fn debug_hides_private_key() {
        let account = ServiceAccount::from_json(&key_json())
            .unwrap()
            .with_subject("admin@customer.example");
        let shown = format!("{account:?}");
        assert_no_secret(&shown);
        assert_no_secret(&format!("{account:#?}"));
        assert!(shown.contains("channel@reseller-project.iam.gserviceaccount.com"));
        assert!(shown.contains("admin@customer.example"));

        let source = ServiceAccountSource::from_json(&key_json()).unwrap();
        assert_no_secret(&format!("{source:?}"));
        assert_eq!(format!("{:?}", source.key), "\"<redacted>\"");
    }

    #[test]
    fn reads_key_file() {
        let path = temp_file("good", &key_json());
        let account = ServiceAccount::from_file(&path);
        let _ = std::fs::remove_file(&path);
        assert_eq!(account.unwrap().project_id(), Some("reseller-project"));
    }

    #[test]
    fn unreadable_key_file_names_the_path() {
        let path = std::env::temp_dir().join("channel-creds-no-such-dir/key.json");
        let err = ServiceAccount::from_file(&path).unwrap_err();
        assert_eq!(err.kind(), CredentialsErrorKind::KeyFileUnreadable);
        assert_eq!(err.path(), Some(path.as_path()));
        let shown = err.to_string();
        assert!(shown.contains(&path.display().to_string()), "{shown}");
        assert!(shown.contains("not found"), "{shown}");
        assert!(std::error::Error::source(&err).is_some());
    }

    #[test]
    fn malformed_key_file_names_path_and_field() {
        let path = temp_file("no-private-key", &key_json_without("private_key"));
        let err = ServiceAccount::from_file(&path).unwrap_err();
        let _ = std::fs::remove_file(&path);
        assert_eq!(err.kind(), CredentialsErrorKind::MalformedKey);
        assert_eq!(err.field(), Some("private_key"));
        assert_eq!(err.path(), Some(path.as_path()));
        assert_eq!(
            err.to_string(),
            format!(
                "malformed key file `{}`: missing field `private_key`",
                path.display()
            )
        );
    }

    #[test]
    fn not_json() {
        assert_malformed("this is not json", None, "not valid JSON");
        // Broken JSON that contains the key must not echo it.
        let broken = key_json().replacen('}', "", 1);
        assert_malformed(&broken, None, "not valid JSON");
        assert_malformed("[1, 2]", None, "not a JSON object");
    }

    #[test]
    fn wrong_type() {
        assert_malformed(
            &key_json_with("type", Value::from("authorized_user")),
            Some("type"),
            "field `type` is `authorized_user`, expected `service_account`",
        );
        assert_malformed(
            &key_json_with("type", Value::from("something-else")),
            Some("type"),
            "field `type` must be `service_account`",
        );
        assert_malformed(
            &key_json_without("type"),
            Some("type"),
            "missing field `type`",
        );
    }

    #[test]
    fn missing_client_email() {
        assert_malformed(
            &key_json_without("client_email"),
            Some("client_email"),
            "missing field `client_email`",
        );
        assert_malformed(
            &key_json_with("client_email", Value::from("")),
            Some("client_email"),
            "field `client_email` is empty",
        );
    }

    #[test]
    fn missing_private_key() {
        assert_malformed(
            &key_json_without("private_key"),
            Some("private_key"),
            "missing field `private_key`",
        );
        assert_malformed(
            &key_json_with("private_key", Value::from(42)),
            Some("private_key"),
            "field `private_key` must be a string",
        );
        let pkcs1 = format!(
            "-----BEGIN RSA PRIVATE KEY-----\n{FAKE_KEY_BODY}\n-----END RSA PRIVATE KEY-----\n"
        );
        let err = ServiceAccount::from_json(&key_json_with("private_key", Value::from(pkcs1)))
            .unwrap_err();
        assert_eq!(err.field(), Some("private_key"));
        assert!(
            err.to_string()
                .contains("not a PEM-encoded PKCS#8 private key")
        );
        assert!(!err.to_string().contains(FAKE_KEY_BODY));
    }

    #[test]
    fn missing_token_uri() {
        assert_malformed(
            &key_json_without("token_uri"),
            Some("token_uri"),
            "missing field `token_uri`",
        );
    }

    #[test]
    fn a_token_uri_without_tls_to_another_machine_is_refused_so_the_assertion_stays_private() {
        for uri in [
            "http://oauth2.googleapis.com/token",
            "http://localhost:@192.0.2.1/token",
            "ftp://oauth2.googleapis.com/token",
            "not a url",
        ] {
            assert_malformed(
                &key_json_with("token_uri", Value::from(uri)),
                Some("token_uri"),
                "field `token_uri` must",
            );
        }
        let err = ServiceAccount::from_json(&key_json_with(
            "token_uri",
            Value::from("http://oauth2.googleapis.com/token"),
        ))
        .unwrap_err();
        assert!(
            err.to_string().contains("http://oauth2.googleapis.com"),
            "{err}"
        );
        for uri in [
            "https://oauth2.googleapis.com/token",
            "http://127.0.0.1:8080/token",
            "http://localhost/token",
            "http://[::1]:9/token",
        ] {
            assert!(
                ServiceAccount::from_json(&key_json_with("token_uri", Value::from(uri))).is_ok(),
                "{uri}"
            );
        }
    }

    #[test]
    fn project_id_is_optional() {
        let account = ServiceAccount::from_json(&key_json_without("project_id")).unwrap();
        assert_eq!(account.project_id(), None);
        assert_malformed(
            &key_json_with("project_id", Value::from(7)),
            Some("project_id"),
            "field `project_id` must be a string",
        );
    }

    #[tokio::test]
    async fn unparsable_private_key_fails_at_fetch_without_echoing_it() {
        let account = ServiceAccount::from_json(&key_json()).unwrap();
        let err = account.token().await.unwrap_err();
        assert_no_secret(&format!("{err:?}"));
        if err.kind() == CredentialsErrorKind::TokenRequest {
            // No system root certificates: the HTTPS client is set up
            // before the key is parsed, so the key check is not reached.
            assert!(err.to_string().contains("HTTPS client"), "{err}");
            return;
        }
        assert_eq!(err.kind(), CredentialsErrorKind::MalformedKey, "{err}");
        assert_eq!(err.field(), Some("private_key"));
        assert_no_secret(&err.to_string());
        assert_no_secret(&format!("{err:?}"));
        assert!(std::error::Error::source(&err).is_none());
    }

    #[test]
    fn a_key_names_its_universe_and_one_without_the_field_is_googleapis() {
        let plain = ServiceAccount::from_json(&key_json()).unwrap();
        assert_eq!(plain.universe_domain(), Some("googleapis.com"));
        let other = ServiceAccount::from_json(&key_json_with(
            "universe_domain",
            Value::String("example-universe.net".into()),
        ))
        .unwrap();
        assert_eq!(other.universe_domain(), Some("example-universe.net"));
        for bad in [Value::Bool(true), Value::String("  ".into())] {
            let err =
                ServiceAccount::from_json(&key_json_with("universe_domain", bad)).unwrap_err();
            assert_eq!(err.field(), Some("universe_domain"));
        }
    }
}
