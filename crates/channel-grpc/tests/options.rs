//! Client options over gRPC, against real servers on 127.0.0.1: the
//! identification headers, API keys, universe domains and mutual TLS (a
//! TLS server that requires a client certificate).

// One TLS test server for both transports' tests.
#[path = "../../channel-http/tests/tls/mod.rs"]
mod tls;

use std::sync::Arc;

use channel_core::credentials::{ApiKey, ServiceAccount, StaticToken};
use channel_core::transport::{ClientConfig, RUSTC_VERSION};
use channel_core::{Client, ClientBuilder, ClientCertificate, ErrorKind, RetryPolicy};
use channel_grpc::{API_CLIENT_TRANSPORT, GrpcTransport};
use channel_types::model::GetCustomerRequest;
use channel_types::rpc::Code;
use tls::{Pki, Server, grpc_not_found};

fn request() -> GetCustomerRequest {
    GetCustomerRequest {
        name: "accounts/A1/customers/C1".into(),
    }
}

fn builder(endpoint: String) -> ClientBuilder {
    ClientBuilder::new()
        .endpoint(endpoint)
        .default_retry(RetryPolicy::none())
}

#[tokio::test]
async fn every_call_identifies_the_library_rust_and_transport() {
    let server = Server::plaintext(grpc_not_found).await;
    let client = builder(format!("http://{}", server.addr))
        .user_agent("reseller-sync/2.1")
        .build_with(GrpcTransport::new)
        .unwrap();
    let err = client.get_customer(request()).await.unwrap_err();
    assert_eq!(err.code(), Code::NotFound, "{err}");
    let seen = server.seen().remove(0);
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(
        seen.header("x-goog-api-client").unwrap(),
        format!("gl-rust/{RUSTC_VERSION} gccl/{version} {API_CLIENT_TRANSPORT} reseller-sync/2.1")
    );
    // The same user agent as over REST; tonic appends its own token.
    let agent = seen.header("user-agent").unwrap();
    assert!(
        agent.starts_with(&format!(
            "cloudchannel-rs/{version} reseller-sync/2.1 tonic/"
        )),
        "{agent}"
    );
}

#[tokio::test]
async fn an_api_key_is_sent_as_x_goog_api_key_instead_of_a_token() {
    let server = Server::plaintext(grpc_not_found).await;
    let client = builder(format!("http://{}", server.addr))
        .api_key("AIza-test-key")
        .build_with(GrpcTransport::new)
        .unwrap();
    let _ = client.get_customer(request()).await;
    let seen = server.seen().remove(0);
    assert_eq!(seen.header("x-goog-api-key"), Some("AIza-test-key"));
    assert_eq!(seen.header("authorization"), None);
}

#[tokio::test]
async fn an_api_key_with_credentials_is_refused_before_any_call() {
    let err = builder("https://cloudchannel.googleapis.com".into())
        .api_key("AIza-test-key")
        .credentials(StaticToken::new("ya29.token"))
        .build_with(GrpcTransport::new)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.field_violations()[0].field, "api_key");
    let config = ClientConfig {
        api_key: Some(ApiKey::new("k")),
        credentials: Arc::new(StaticToken::new("t")),
        ..ClientConfig::default()
    };
    assert_eq!(
        GrpcTransport::new(&config).unwrap_err().field_violations()[0].field,
        "api_key"
    );
}

#[tokio::test]
async fn credentials_of_another_universe_are_refused_before_any_call() {
    let key = serde_json::json!({
        "type": "service_account",
        "client_email": "channel@reseller.iam.gserviceaccount.com",
        "private_key": "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n",
        "token_uri": "https://oauth2.googleapis.com/token",
        "universe_domain": "example-universe.net",
    });
    let key = ServiceAccount::from_json(&key.to_string()).unwrap();
    let err = ClientBuilder::new()
        .universe_domain("googleapis.com")
        .credentials(key)
        .build_with(GrpcTransport::new)
        .unwrap_err();
    assert_eq!(err.field_violations()[0].field, "universe_domain");
    assert!(err.message().contains("example-universe.net"), "{err}");
}

fn mtls_client(server: &Server, pki: &Pki, certificate: Option<ClientCertificate>) -> Client {
    let mut b = builder(format!("https://127.0.0.1:{}", server.addr.port()));
    if let Some(certificate) = certificate {
        b = b.client_certificate(certificate);
    }
    let ca = pki.ca.clone();
    b.build_with(move |config| {
        GrpcTransport::builder(config)
            .root_certificates_pem(ca)
            .build()
    })
    .unwrap()
}

#[tokio::test]
async fn with_the_client_certificate_the_call_reaches_a_server_that_requires_one() {
    let pki = Pki::generate();
    let server = Server::mtls(&pki, grpc_not_found).await;
    let certificate =
        ClientCertificate::from_pem(pki.client.certificate.clone(), pki.client.key.clone());
    let err = mtls_client(&server, &pki, Some(certificate))
        .get_customer(request())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound, "{err}");
    assert_eq!(err.message(), "reached");
    assert_eq!(server.seen().len(), 1);
    assert_eq!(server.failed_handshakes(), 0);
}

#[tokio::test]
async fn without_a_client_certificate_the_handshake_fails() {
    let pki = Pki::generate();
    let server = Server::mtls(&pki, grpc_not_found).await;
    let err = mtls_client(&server, &pki, None)
        .get_customer(request())
        .await
        .unwrap_err();
    assert_ne!(err.code(), Code::NotFound, "{err}");
    assert!(server.seen().is_empty());
    assert!(server.failed_handshakes() >= 1);

    let stranger =
        ClientCertificate::from_pem(pki.stranger.certificate.clone(), pki.stranger.key.clone());
    let err = mtls_client(&server, &pki, Some(stranger))
        .get_customer(request())
        .await
        .unwrap_err();
    assert_ne!(err.code(), Code::NotFound, "{err}");
    assert!(server.seen().is_empty());
}

#[tokio::test]
async fn a_client_certificate_over_plaintext_is_refused() {
    let pki = Pki::generate();
    let certificate = ClientCertificate::from_pem(pki.client.certificate, pki.client.key);
    let err = builder("http://127.0.0.1:1".into())
        .client_certificate(certificate)
        .build_with(GrpcTransport::new)
        .unwrap_err();
    assert_eq!(err.field_violations()[0].field, "client_certificate");
}
