//! A service account's tokens end to end. A token the server refuses (HTTP
//! 401): credentials that fetch their tokens get a new one and the request
//! goes once more, as with Google's clients; fixed tokens, and a new token
//! refused again, end the call. The token request: what its assertion
//! claims, and a refusal reported in the token endpoint's words.
//!
//! The service account runs end to end: a real key (made for these tests
//! only, `support/service_account_test_key.pem`) signs its assertion for a
//! token server on 127.0.0.1, whose tokens the API server takes or refuses.

use std::collections::{HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use channel_core::credentials::{ApplicationDefault, Credentials, ServiceAccount, StaticToken};
use channel_core::{Client, ErrorKind, RetryPolicy};
use channel_http::HttpTransport;
use channel_types::model::{Customer, GetCustomerRequest, ProvisionCloudIdentityRequest};
use channel_types::rpc::Code;
use serde_json::json;
use tokio::task::JoinSet;

const TEST_KEY: &str = include_str!("support/service_account_test_key.pem");

/// What both servers saw, and which tokens the API server refuses.
#[derive(Default)]
struct Seen {
    /// Token requests the token server answered.
    token_requests: usize,
    /// The form of each token request.
    token_forms: Vec<String>,
    /// Answers the token server gives before its usual ones.
    token_replies: VecDeque<(StatusCode, serde_json::Value)>,
    /// The bearer token of each API request, in order.
    authorizations: Vec<String>,
    /// The `x-goog-user-project` of each API request.
    quota_projects: Vec<String>,
    refused: HashSet<String>,
}

type Shared = Arc<Mutex<Seen>>;

fn json_reply(status: StatusCode, body: serde_json::Value) -> impl IntoResponse {
    (
        status,
        [("content-type", "application/json")],
        body.to_string(),
    )
}

/// Answers `tok-1`, `tok-2`, ... in turn, each for an hour.
async fn token(State(seen): State<Shared>, form: axum::body::Bytes) -> impl IntoResponse {
    let mut seen = seen.lock().unwrap();
    seen.token_forms
        .push(String::from_utf8_lossy(&form).into_owned());
    if let Some((status, body)) = seen.token_replies.pop_front() {
        return json_reply(status, body);
    }
    seen.token_requests += 1;
    json_reply(
        StatusCode::OK,
        json!({
            "access_token": format!("tok-{}", seen.token_requests),
            "expires_in": 3600,
            "token_type": "Bearer",
        }),
    )
}

/// A customer, or Google's 401 for a refused token.
async fn api(State(seen): State<Shared>, headers: HeaderMap) -> impl IntoResponse {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .trim_start_matches("Bearer ")
        .to_string();
    let mut seen = seen.lock().unwrap();
    seen.authorizations.push(bearer.clone());
    let quota_project = headers
        .get("x-goog-user-project")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    seen.quota_projects.push(quota_project.to_string());
    if seen.refused.contains(&bearer) {
        let body = json!({"error": {
            "code": 401,
            "message": "Request had invalid authentication credentials.",
            "status": "UNAUTHENTICATED",
        }});
        return json_reply(StatusCode::UNAUTHORIZED, body);
    }
    let body = json!({"name": "accounts/A1/customers/C1", "orgDisplayName": "Org"});
    json_reply(StatusCode::OK, body)
}

/// The token server and the API server, on one listener of 127.0.0.1.
async fn start(refused: &[&str]) -> (SocketAddr, Shared) {
    let shared: Shared = Arc::new(Mutex::new(Seen {
        refused: refused.iter().map(|t| t.to_string()).collect(),
        ..Seen::default()
    }));
    let app = Router::new()
        .route("/token", post(token))
        .fallback(api)
        .with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (addr, shared)
}

fn service_account(addr: SocketAddr) -> ServiceAccount {
    let key = json!({
        "type": "service_account",
        "project_id": "reseller-project",
        "private_key_id": "0123456789abcdef",
        "private_key": TEST_KEY,
        "client_email": "channel@reseller-project.iam.gserviceaccount.com",
        "client_id": "123456789",
        "token_uri": format!("http://{addr}/token"),
    });
    ServiceAccount::from_json(&key.to_string()).unwrap()
}

fn client(addr: SocketAddr, credentials: impl Credentials + 'static) -> Client {
    Client::builder()
        .endpoint(format!("http://{addr}"))
        .credentials(credentials)
        .default_retry(RetryPolicy::none())
        .build_with(HttpTransport::new)
        .unwrap()
}

fn get_customer() -> GetCustomerRequest {
    GetCustomerRequest::new().set_name("accounts/A1/customers/C1")
}

#[tokio::test]
async fn a_refused_service_account_token_is_replaced_and_the_call_sent_once_more() {
    let (addr, seen) = start(&["tok-1"]).await;
    let client = client(addr, service_account(addr));

    let customer: Customer = client.get_customer(get_customer()).await.unwrap();
    assert_eq!(customer.org_display_name, "Org");
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.authorizations, ["tok-1", "tok-2"]);
        assert_eq!(seen.token_requests, 2);
    }

    // The new token is the cached one now.
    client.get_customer(get_customer()).await.unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.authorizations, ["tok-1", "tok-2", "tok-2"]);
    assert_eq!(seen.token_requests, 2);
}

#[tokio::test]
async fn a_create_without_a_request_id_is_sent_again_after_a_401_which_applied_nothing() {
    let (addr, seen) = start(&["tok-1"]).await;
    let client = client(addr, service_account(addr));
    let request = ProvisionCloudIdentityRequest::new().set_customer("accounts/A1/customers/C1");
    // The answer is no operation, so the call fails to decode it; what
    // counts is that the create went twice, with the second token.
    let _ = client.provision_cloud_identity(request).await;
    assert_eq!(seen.lock().unwrap().authorizations, ["tok-1", "tok-2"]);
}

#[tokio::test]
async fn a_new_token_refused_again_ends_the_call_unauthenticated() {
    let (addr, seen) = start(&["tok-1", "tok-2", "tok-3"]).await;
    let client = client(addr, service_account(addr));

    let err = client.get_customer(get_customer()).await.unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated, "{err}");
    assert_eq!(err.kind(), ErrorKind::Rpc, "{err}");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.authorizations, ["tok-1", "tok-2"]);
    assert_eq!(seen.token_requests, 2);
}

#[tokio::test]
async fn a_refused_static_token_is_not_sent_again() {
    let (addr, seen) = start(&["fixed"]).await;
    let client = client(addr, StaticToken::new("fixed"));

    let err = client.get_customer(get_customer()).await.unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated, "{err}");
    assert_eq!(seen.lock().unwrap().authorizations, ["fixed"]);
}

#[tokio::test]
async fn calls_refused_together_share_one_new_token() {
    const CALLS: usize = 8;
    let (addr, seen) = start(&[]).await;
    let client = client(addr, service_account(addr));
    // The first token is cached before the calls start, then refused.
    client.get_customer(get_customer()).await.unwrap();
    {
        let mut seen = seen.lock().unwrap();
        seen.refused.insert("tok-1".to_string());
        seen.authorizations.clear();
    }

    let mut calls = JoinSet::new();
    for _ in 0..CALLS {
        let client = client.clone();
        calls.spawn(async move { client.get_customer(get_customer()).await });
    }
    while let Some(result) = calls.join_next().await {
        result.unwrap().unwrap();
    }
    let seen = seen.lock().unwrap();
    assert_eq!(
        seen.token_requests, 2,
        "one new token for all {CALLS} calls"
    );
    assert_eq!(
        seen.authorizations.iter().filter(|t| *t == "tok-2").count(),
        CALLS
    );
}

const UNAUTHORIZED_CLIENT: &str = "Client is unauthorized to retrieve access tokens using this \
                                   method, or client not authorized for any of the scopes \
                                   requested.";

#[tokio::test]
async fn a_refused_token_request_says_why_in_the_endpoints_words_and_is_not_repeated() {
    let (addr, seen) = start(&[]).await;
    seen.lock().unwrap().token_replies.push_back((
        StatusCode::UNAUTHORIZED,
        json!({"error": "unauthorized_client", "error_description": UNAUTHORIZED_CLIENT}),
    ));
    let client = client(
        addr,
        service_account(addr).with_subject("admin@reseller.example"),
    );

    let err = client.get_customer(get_customer()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication, "{err}");
    let shown = err.to_string();
    assert!(
        shown.contains(&format!("unauthorized_client: {UNAUTHORIZED_CLIENT}")),
        "{shown}"
    );
    assert!(
        shown.contains("channel@reseller-project.iam.gserviceaccount.com"),
        "{shown}"
    );
    let seen = seen.lock().unwrap();
    assert_eq!(seen.token_forms.len(), 1, "a refusal is final");
    assert!(seen.authorizations.is_empty());
    // Neither the assertion nor the key is in the error.
    let assertion = seen.token_forms[0].split("assertion=").nth(1).unwrap();
    assert!(!shown.contains(assertion));
    assert!(!format!("{err:?}").contains(assertion));
    assert!(!format!("{err:?}").contains("PRIVATE KEY"));
}

#[tokio::test]
async fn a_token_endpoint_that_answers_503_is_asked_again() {
    let (addr, seen) = start(&[]).await;
    seen.lock().unwrap().token_replies.push_back((
        StatusCode::SERVICE_UNAVAILABLE,
        json!({"error": "temporarily_unavailable"}),
    ));
    let client = client(addr, service_account(addr));
    client.get_customer(get_customer()).await.unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.token_forms.len(), 2);
    assert_eq!(seen.authorizations, ["tok-1"]);
}

#[tokio::test]
async fn the_assertion_names_the_account_the_subject_the_scope_and_the_token_uri() {
    use base64::Engine as _;
    let (addr, seen) = start(&[]).await;
    let client = client(
        addr,
        service_account(addr).with_subject("admin@reseller.example"),
    );
    client.get_customer(get_customer()).await.unwrap();

    let form = seen.lock().unwrap().token_forms[0].clone();
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(form.as_bytes())
        .into_owned()
        .collect();
    assert_eq!(pairs[0].0, "grant_type");
    assert_eq!(pairs[0].1, "urn:ietf:params:oauth:grant-type:jwt-bearer");
    let jwt = &pairs[1].1;
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3, "{jwt}");
    let decode = |part: &str| -> serde_json::Value {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part.trim_end_matches('='))
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    };
    assert_eq!(decode(parts[0])["alg"], "RS256");
    let claims = decode(parts[1]);
    assert_eq!(
        claims["iss"],
        "channel@reseller-project.iam.gserviceaccount.com"
    );
    assert_eq!(claims["sub"], "admin@reseller.example");
    assert_eq!(claims["aud"], format!("http://{addr}/token"));
    assert_eq!(
        claims["scope"],
        "https://www.googleapis.com/auth/apps.order"
    );
    // A 2048-bit RSA signature.
    let signature = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(parts[2].trim_end_matches('='))
        .unwrap();
    assert_eq!(signature.len(), 256);
}

#[tokio::test]
async fn gcloud_user_credentials_refresh_their_token_and_bill_their_quota_project() {
    let (addr, seen) = start(&["tok-1"]).await;
    let file = std::env::temp_dir().join(format!(
        "channel-user-credentials-{}.json",
        std::process::id()
    ));
    let user = json!({
        "type": "authorized_user",
        "client_id": "client-1.apps.googleusercontent.com",
        "client_secret": "secret-1",
        "refresh_token": "refresh-1",
        "quota_project_id": "billing-project",
        "token_uri": format!("http://{addr}/token"),
    });
    std::fs::write(&file, user.to_string()).unwrap();
    let credentials = ApplicationDefault::from_file(&file);
    let _ = std::fs::remove_file(&file);
    let client = client(addr, credentials.unwrap());

    client.get_customer(get_customer()).await.unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.authorizations, ["tok-1", "tok-2"]);
    assert_eq!(seen.quota_projects, ["billing-project", "billing-project"]);
    let form: Vec<(String, String)> = url::form_urlencoded::parse(seen.token_forms[0].as_bytes())
        .into_owned()
        .collect();
    let field = |name: &str| {
        form.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(field("grant_type"), Some("refresh_token"));
    assert_eq!(
        field("client_id"),
        Some("client-1.apps.googleusercontent.com")
    );
    assert_eq!(field("client_secret"), Some("secret-1"));
    assert_eq!(field("refresh_token"), Some("refresh-1"));
}
