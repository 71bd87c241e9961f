//! User credentials: the `authorized_user` file `gcloud auth
//! application-default login` writes, whose refresh token buys access
//! tokens from the token endpoint.

use std::fmt;
use std::sync::{Mutex, PoisonError};

use serde_json::{Map, Value};

use super::cache::TokenSource;
use super::service_account::{check_token_uri, malformed, optional_string, required_string};
use super::token_endpoint::{self, HttpClient};
use super::{AccessToken, BoxFuture, CredentialsError};

/// Google's token endpoint, for files that do not name one (gcloud's
/// never do).
const DEFAULT_TOKEN_URI: &str = "https://oauth2.googleapis.com/token";

/// Fetches tokens with a user's refresh token.
pub(super) struct AuthorizedUserSource {
    client_id: String,
    secrets: Secrets,
    token_uri: String,
    quota_project_id: Option<String>,
    universe_domain: Option<String>,
    /// Made at the first fetch (it loads the root certificates).
    http: Mutex<Option<HttpClient>>,
}

/// The client secret and the refresh token; `Debug` hides them.
struct Secrets {
    client_secret: String,
    refresh_token: String,
}

impl AuthorizedUserSource {
    /// Checks an `authorized_user` file already parsed as a JSON object,
    /// without ever putting a secret of it in an error.
    pub(super) fn from_object(object: &Map<String, Value>) -> Result<Self, CredentialsError> {
        let client_id = required_string(object, "client_id")?.to_owned();
        let client_secret = required_string(object, "client_secret")?.to_owned();
        let refresh_token = required_string(object, "refresh_token")?.to_owned();
        let token_uri = match optional_string(object, "token_uri")? {
            Some(uri) => {
                check_token_uri(&uri)?;
                uri
            }
            None => DEFAULT_TOKEN_URI.to_owned(),
        };
        let universe_domain = match optional_string(object, "universe_domain")? {
            Some(domain) if domain.trim().is_empty() => {
                return Err(malformed(
                    "universe_domain",
                    "field `universe_domain` must be a non-empty string such as `googleapis.com`",
                ));
            }
            other => other.map(|domain| domain.trim().to_owned()),
        };
        Ok(AuthorizedUserSource {
            client_id,
            secrets: Secrets {
                client_secret,
                refresh_token,
            },
            token_uri,
            quota_project_id: optional_string(object, "quota_project_id")?
                .filter(|id| !id.is_empty()),
            universe_domain,
            http: Mutex::new(None),
        })
    }

    /// The project the file bills quota to (`quota_project_id`), if any.
    pub(super) fn quota_project_id(&self) -> Option<&str> {
        self.quota_project_id.as_deref()
    }

    /// The file's universe, `googleapis.com` when it names none.
    pub(super) fn universe_domain(&self) -> &str {
        self.universe_domain
            .as_deref()
            .unwrap_or(crate::universe::DEFAULT_UNIVERSE_DOMAIN)
    }

    fn http(&self) -> Result<HttpClient, CredentialsError> {
        let mut http = self.http.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(client) = &*http {
            return Ok(client.clone());
        }
        let client = token_endpoint::http_client()?;
        *http = Some(client.clone());
        Ok(client)
    }
}

impl fmt::Debug for AuthorizedUserSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizedUserSource")
            .field("client_id", &self.client_id)
            .field("quota_project_id", &self.quota_project_id)
            .finish_non_exhaustive()
    }
}

impl TokenSource for AuthorizedUserSource {
    fn fetch(&self) -> BoxFuture<'_, Result<AccessToken, CredentialsError>> {
        Box::pin(async move {
            let http = self.http()?;
            let form = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("grant_type", "refresh_token")
                .append_pair("client_id", &self.client_id)
                .append_pair("client_secret", &self.secrets.client_secret)
                .append_pair("refresh_token", &self.secrets.refresh_token)
                .finish();
            token_endpoint::request_token(
                &http,
                &self.token_uri,
                form,
                &format!("the user credentials of OAuth client {}", self.client_id),
            )
            .await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "d-FL95Q19q7MQmFpd7hHD0Ty";
    const REFRESH: &str = "1//0e-refresh-token-value";

    fn object(extra: &[(&str, Value)]) -> Map<String, Value> {
        let mut object = serde_json::json!({
            "type": "authorized_user",
            "client_id": "764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com",
            "client_secret": SECRET,
            "refresh_token": REFRESH,
        });
        for (name, value) in extra {
            object[*name] = value.clone();
        }
        object.as_object().unwrap().clone()
    }

    #[test]
    fn a_gcloud_file_gives_its_quota_project_and_googles_token_endpoint() {
        let source =
            AuthorizedUserSource::from_object(&object(&[("quota_project_id", "bill-me".into())]))
                .unwrap();
        assert_eq!(source.quota_project_id(), Some("bill-me"));
        assert_eq!(source.token_uri, DEFAULT_TOKEN_URI);
        assert_eq!(source.universe_domain(), "googleapis.com");
        let shown = format!("{source:?}");
        assert!(
            !shown.contains(SECRET) && !shown.contains(REFRESH),
            "{shown}"
        );
    }

    #[test]
    fn a_missing_secret_is_named_without_showing_the_others() {
        let mut bad = object(&[]);
        bad.remove("refresh_token");
        let err = AuthorizedUserSource::from_object(&bad).unwrap_err();
        assert_eq!(err.field(), Some("refresh_token"));
        assert!(!err.to_string().contains(SECRET));
        let err = AuthorizedUserSource::from_object(&object(&[(
            "token_uri",
            "http://oauth2.googleapis.com/token".into(),
        )]))
        .unwrap_err();
        assert_eq!(err.field(), Some("token_uri"));
    }
}
