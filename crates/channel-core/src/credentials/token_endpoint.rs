//! The token endpoint: a service account key's signed JWT assertion (the
//! OAuth 2.0 JWT bearer grant), or a user's refresh token, exchanged for an
//! access token, with the endpoint's refusals reported in its own words.
//!
//! The exchange is ours rather than the token library's because a refusal
//! is where users of domain-wide delegation most need the reason:
//! `unauthorized_client` (the client ID is not authorised for these scopes
//! in the Workspace admin console) and `invalid_grant` (an unknown subject,
//! a deleted key, a skewed clock) call for different fixes, and the library
//! drops the endpoint's answer. The library still parses the private key
//! and signs.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use tokio::time::Instant;

use super::{AccessToken, CredentialsError};

/// The grant type of a JWT assertion (RFC 7523).
const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// How long an assertion is valid: the longest Google takes.
const ASSERTION_LIFETIME_SECS: u64 = 3600;

/// Attempts at the endpoint when it is unreachable or answers 5xx or 429.
/// A refusal (4xx) is final: asking again gets the same answer.
const ATTEMPTS: u32 = 3;

/// The wait before the second attempt, doubled before each further one.
const FIRST_BACKOFF: Duration = Duration::from_millis(200);

/// The most of an answer read: a token or an error is well under a
/// kilobyte, so anything longer is not the endpoint speaking.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// The most of an error description shown.
const MAX_DESCRIPTION_CHARS: usize = 300;

/// An HTTPS (or, to this machine only, plaintext) client for the endpoint.
pub(super) type HttpClient = Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>;

/// Builds the client; loading the system's root certificates can fail.
pub(super) fn http_client() -> Result<HttpClient, CredentialsError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_native_roots(provider)
        .map_err(|err| {
            CredentialsError::token_request(
                "preparing the HTTPS client for the token endpoint failed: no usable root \
                 certificates",
                err,
            )
        })?
        // `token_uri` was checked when the key was loaded: plaintext only
        // to this machine.
        .https_or_http()
        .enable_http1()
        .build();
    Ok(Client::builder(TokioExecutor::new()).build(connector))
}

/// The claims of an assertion, and who signs it.
pub(super) struct Assertion<'a> {
    pub(super) client_email: &'a str,
    pub(super) private_key_id: Option<&'a str>,
    pub(super) token_uri: &'a str,
    pub(super) scopes: &'a [String],
    pub(super) subject: Option<&'a str>,
}

impl Assertion<'_> {
    /// The signed JWT: header, claims and RS256 signature.
    pub(super) fn sign(
        &self,
        sign: impl FnOnce(&[u8]) -> Result<Vec<u8>, CredentialsError>,
    ) -> Result<String, CredentialsError> {
        let mut header = serde_json::json!({"alg": "RS256", "typ": "JWT"});
        if let Some(id) = self.private_key_id {
            header["kid"] = Value::from(id);
        }
        let issued = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut claims = serde_json::json!({
            "iss": self.client_email,
            "scope": self.scopes.join(" "),
            "aud": self.token_uri,
            "iat": issued,
            "exp": issued + ASSERTION_LIFETIME_SECS,
        });
        if let Some(subject) = self.subject {
            claims["sub"] = Value::from(subject);
        }
        let mut jwt = URL_SAFE_NO_PAD.encode(header.to_string());
        jwt.push('.');
        jwt.push_str(&URL_SAFE_NO_PAD.encode(claims.to_string()));
        let signature = sign(jwt.as_bytes())?;
        jwt.push('.');
        jwt.push_str(&URL_SAFE_NO_PAD.encode(signature));
        Ok(jwt)
    }
}

/// Exchanges `assertion` for an access token at `token_uri`, on behalf of
/// `account` (named in errors).
pub(super) async fn exchange(
    client: &HttpClient,
    token_uri: &str,
    assertion: &str,
    account: &str,
) -> Result<AccessToken, CredentialsError> {
    let form = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", GRANT_TYPE)
        .append_pair("assertion", assertion)
        .finish();
    request_token(
        client,
        token_uri,
        form,
        &format!("service account {account}"),
    )
    .await
}

/// Posts `form` (a grant, URL-encoded) to `token_uri` for an access token;
/// `whose` names the credentials in errors (`service account ...`).
pub(super) async fn request_token(
    client: &HttpClient,
    token_uri: &str,
    form: String,
    whose: &str,
) -> Result<AccessToken, CredentialsError> {
    let form = Bytes::from(form);
    let mut backoff = FIRST_BACKOFF;
    let mut attempt = 1;
    loop {
        match once(client, token_uri, form.clone(), whose).await {
            Err(Failure::Transient(err)) if attempt < ATTEMPTS => {
                tracing::debug!(attempt, error = %err, "the token endpoint failed; asking again");
                tokio::time::sleep(backoff).await;
                backoff *= 2;
                attempt += 1;
            }
            Err(Failure::Transient(err) | Failure::Final(err)) => return Err(err),
            Ok(token) => return Ok(token),
        }
    }
}

/// How one request to the endpoint failed.
enum Failure {
    /// Worth asking again: no answer, a 5xx, a 429.
    Transient(CredentialsError),
    /// A refusal or an answer that makes no sense.
    Final(CredentialsError),
}

async fn once(
    client: &HttpClient,
    token_uri: &str,
    form: Bytes,
    whose: &str,
) -> Result<AccessToken, Failure> {
    let request = http::Request::post(token_uri)
        .header(
            http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .header(http::header::ACCEPT, "application/json")
        .body(Full::new(form))
        .map_err(|err| {
            Failure::Final(CredentialsError::token_request(
                "field `token_uri` of the key is not a usable URL",
                err,
            ))
        })?;
    let response = client.request(request).await.map_err(|err| {
        Failure::Transient(CredentialsError::token_request(
            format!("the token endpoint could not be reached for {whose}"),
            err,
        ))
    })?;
    let status = response.status();
    let body = Limited::new(response.into_body(), MAX_ANSWER_BYTES)
        .collect()
        .await
        .map(|collected| collected.to_bytes())
        .map_err(|err| {
            Failure::Transient(CredentialsError::token_request(
                format!("the token endpoint's answer for {whose} could not be read"),
                err,
            ))
        })?;
    if status.is_success() {
        return parse_token(&body)
            .map_err(|problem| Failure::Final(token_answer_error(whose, status, problem)));
    }
    let err = refusal(whose, status, &body);
    if status.is_server_error() || status == http::StatusCode::TOO_MANY_REQUESTS {
        Err(Failure::Transient(err))
    } else {
        Err(Failure::Final(err))
    }
}

/// The token of a successful answer:
/// `{"access_token": "...", "expires_in": 3599, "token_type": "Bearer"}`.
fn parse_token(body: &[u8]) -> Result<AccessToken, &'static str> {
    let value: Value = serde_json::from_slice(body).map_err(|_| "is not JSON")?;
    let token = match value.get("access_token") {
        Some(Value::String(token)) if !token.is_empty() => token,
        _ => return Err("has no `access_token` string"),
    };
    // A number of seconds; some servers write it as a string.
    let expires_in = match value.get("expires_in") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse::<u64>().ok(),
        Some(_) => None,
    };
    let expires_at = expires_in
        .map(|secs| crate::options::deadline_after(Instant::now(), Duration::from_secs(secs)));
    Ok(AccessToken::new(token.as_str(), expires_at))
}

fn token_answer_error(
    whose: &str,
    status: http::StatusCode,
    problem: &'static str,
) -> CredentialsError {
    CredentialsError::token_request(
        format!(
            "the token endpoint's answer for {whose} (HTTP {}) {problem}",
            status.as_u16()
        ),
        problem,
    )
}

/// The error of a refused token request, in the endpoint's words: its
/// `error` code and `error_description` (`{"error": "invalid_grant",
/// "error_description": "Invalid JWT Signature."}`), or the HTTP status
/// when the body is not that.
fn refusal(whose: &str, status: http::StatusCode, body: &[u8]) -> CredentialsError {
    let answer: Option<Value> = serde_json::from_slice(body).ok();
    let text = |name: &str| {
        answer
            .as_ref()
            .and_then(|a| a.get(name))
            .and_then(Value::as_str)
            .map(|s| s.chars().take(MAX_DESCRIPTION_CHARS).collect::<String>())
            .filter(|s| !s.trim().is_empty())
    };
    let reason = match (text("error"), text("error_description")) {
        (Some(code), Some(description)) => format!("{code}: {description}"),
        (Some(code), None) => code,
        (None, Some(description)) => description,
        (None, None) => "no OAuth error in the answer".to_string(),
    };
    CredentialsError::token_request(
        format!(
            "the token endpoint refused a token for {whose} (HTTP {}): {reason}",
            status.as_u16()
        ),
        format!("HTTP {}", status.as_u16()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_gives_its_token_and_lifetime_in_either_spelling() {
        for body in [
            r#"{"access_token":"ya29.a","expires_in":3599,"token_type":"Bearer"}"#,
            r#"{"access_token":"ya29.a","expires_in":"3599"}"#,
        ] {
            let token = parse_token(body.as_bytes()).unwrap();
            assert_eq!(token.secret(), "ya29.a");
            let left = token.expires_at().unwrap() - Instant::now();
            assert!(left > Duration::from_secs(3590), "{left:?}");
        }
        let token = parse_token(br#"{"access_token":"ya29.a"}"#).unwrap();
        assert_eq!(token.expires_at(), None);
    }

    #[test]
    fn an_answer_without_a_token_says_what_is_missing() {
        for body in [
            &b"<html>"[..],
            br#"{"token":"x"}"#,
            br#"{"access_token":""}"#,
        ] {
            assert!(parse_token(body).is_err());
        }
        assert_eq!(parse_token(b"<html>").unwrap_err(), "is not JSON");
    }

    #[test]
    fn a_refusal_is_reported_in_the_endpoints_words() {
        let err = refusal(
            "service account sa@p.iam.gserviceaccount.com",
            http::StatusCode::UNAUTHORIZED,
            br#"{"error":"unauthorized_client","error_description":"Client is unauthorized to retrieve access tokens using this method."}"#,
        );
        assert_eq!(
            err.to_string(),
            "the token endpoint refused a token for service account \
             sa@p.iam.gserviceaccount.com (HTTP 401): unauthorized_client: Client is \
             unauthorized to retrieve access tokens using this method."
        );
        let err = refusal(
            "sa",
            http::StatusCode::BAD_GATEWAY,
            b"<html>bad gateway</html>",
        );
        assert!(
            err.to_string()
                .ends_with("(HTTP 502): no OAuth error in the answer")
        );
        let long = format!(
            r#"{{"error":"invalid_grant","error_description":"{}"}}"#,
            "x".repeat(5000)
        );
        let err = refusal("sa", http::StatusCode::BAD_REQUEST, long.as_bytes());
        assert!(err.to_string().len() < 500, "{}", err.to_string().len());
    }

    #[test]
    fn an_assertion_carries_the_account_scopes_audience_and_subject() {
        let scopes = vec!["https://www.googleapis.com/auth/apps.order".to_string()];
        let assertion = Assertion {
            client_email: "sa@p.iam.gserviceaccount.com",
            private_key_id: Some("kid-1"),
            token_uri: "https://oauth2.googleapis.com/token",
            scopes: &scopes,
            subject: Some("admin@reseller.example"),
        };
        let jwt = assertion.sign(|_| Ok(vec![1, 2, 3])).unwrap();
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3);
        let decode = |part: &str| -> Value {
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
        };
        let header = decode(parts[0]);
        assert_eq!(header["alg"], "RS256");
        assert_eq!(header["kid"], "kid-1");
        let claims = decode(parts[1]);
        assert_eq!(claims["iss"], "sa@p.iam.gserviceaccount.com");
        assert_eq!(claims["sub"], "admin@reseller.example");
        assert_eq!(claims["aud"], "https://oauth2.googleapis.com/token");
        assert_eq!(claims["scope"], scopes[0]);
        assert_eq!(
            claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
            3600
        );
        assert_eq!(URL_SAFE_NO_PAD.decode(parts[2]).unwrap(), [1, 2, 3]);
    }
}
