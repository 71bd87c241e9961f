//! Client options over REST, against real servers on 127.0.0.1: the
//! identification headers, gzip, API keys, universe domains and mutual TLS
//! (a TLS server that requires a client certificate).

mod tls;

use std::io::Write;
use std::sync::Arc;

use bytes::Bytes;
use channel_core::credentials::{ServiceAccount, StaticToken};
use channel_core::transport::{ClientConfig, RUSTC_VERSION};
use channel_core::{Client, ClientBuilder, ClientCertificate, ErrorKind, RetryPolicy};
use channel_http::{API_CLIENT_TRANSPORT, HttpTransport};
use channel_types::model::GetCustomerRequest;
use channel_types::rpc::Code;
use http::Response;
use http_body_util::Full;
use tls::{Pki, Seen, Server, json_not_found};

const CUSTOMER: &str = r#"{"name":"accounts/A1/customers/C1","orgDisplayName":"Org"}"#;

fn request() -> GetCustomerRequest {
    GetCustomerRequest {
        name: "accounts/A1/customers/C1".into(),
    }
}

fn customer(_: &Seen) -> Response<Full<Bytes>> {
    Response::builder()
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from_static(CUSTOMER.as_bytes())))
        .unwrap()
}

/// A builder that ignores the process environment's endpoint choices.
fn builder(endpoint: String) -> ClientBuilder {
    ClientBuilder::new()
        .endpoint(endpoint)
        .default_retry(RetryPolicy::none())
}

fn key_json(universe: Option<&str>) -> String {
    let mut key = serde_json::json!({
        "type": "service_account",
        "client_email": "channel@reseller.iam.gserviceaccount.com",
        "private_key": "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n",
        "token_uri": "https://oauth2.googleapis.com/token",
    });
    if let Some(universe) = universe {
        key["universe_domain"] = universe.into();
    }
    key.to_string()
}

#[tokio::test]
async fn every_call_identifies_the_library_rust_and_transport_and_asks_for_gzip() {
    let server = Server::plaintext(customer).await;
    let client = builder(format!("http://{}", server.addr))
        .user_agent("reseller-sync/2.1")
        .build_with(HttpTransport::new)
        .unwrap();
    client.get_customer(request()).await.unwrap();
    let seen = server.seen().remove(0);
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(
        seen.header("x-goog-api-client").unwrap(),
        format!("gl-rust/{RUSTC_VERSION} gccl/{version} {API_CLIENT_TRANSPORT} reseller-sync/2.1")
    );
    assert!(
        API_CLIENT_TRANSPORT.starts_with("rest/0.12."),
        "{API_CLIENT_TRANSPORT}"
    );
    assert!(RUSTC_VERSION.starts_with("1."), "{RUSTC_VERSION}");
    assert_eq!(
        seen.header("user-agent").unwrap(),
        format!("cloudchannel-rs/{version} reseller-sync/2.1")
    );
    assert!(
        seen.header("accept-encoding").unwrap().contains("gzip"),
        "{seen:?}"
    );
}

#[tokio::test]
async fn gzip_responses_are_decoded() {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(CUSTOMER.as_bytes()).unwrap();
    let compressed = Bytes::from(encoder.finish().unwrap());
    let server = Server::plaintext(move |_| {
        Response::builder()
            .header("content-type", "application/json")
            .header("content-encoding", "gzip")
            .body(Full::new(compressed.clone()))
            .unwrap()
    })
    .await;
    let client = builder(format!("http://{}", server.addr))
        .build_with(HttpTransport::new)
        .unwrap();
    let customer = client.get_customer(request()).await.unwrap();
    assert_eq!(customer.org_display_name, "Org");
}

#[tokio::test]
async fn an_api_key_is_sent_as_x_goog_api_key_instead_of_a_token() {
    let server = Server::plaintext(customer).await;
    let builder = builder(format!("http://{}", server.addr)).api_key("AIza-test-key");
    assert!(!format!("{builder:?}").contains("AIza"), "{builder:?}");
    let client = builder.build_with(HttpTransport::new).unwrap();
    assert!(!format!("{client:?}").contains("AIza"));
    client.get_customer(request()).await.unwrap();
    let seen = server.seen().remove(0);
    assert_eq!(seen.header("x-goog-api-key"), Some("AIza-test-key"));
    assert_eq!(seen.header("authorization"), None);
}

#[test]
fn an_api_key_with_credentials_is_refused_before_any_call() {
    let result = builder("https://cloudchannel.googleapis.com".into())
        .api_key("AIza-test-key")
        .credentials(StaticToken::new("ya29.token"))
        .build_with(HttpTransport::new);
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.field_violations()[0].field, "api_key");
    assert!(!err.to_string().contains("AIza"), "{err}");
    // The transport refuses the same configuration when given it directly.
    let config = ClientConfig {
        api_key: Some(channel_core::credentials::ApiKey::new("k")),
        credentials: Arc::new(StaticToken::new("t")),
        ..ClientConfig::default()
    };
    assert!(HttpTransport::new(&config).is_err());
}

#[test]
fn credentials_of_another_universe_are_refused_before_any_call() {
    // A key without `universe_domain` belongs to googleapis.com.
    let key = ServiceAccount::from_json(&key_json(None)).unwrap();
    let err = ClientBuilder::new()
        .universe_domain("example-universe.net")
        .credentials(key)
        .build_with(HttpTransport::new)
        .unwrap_err();
    assert_eq!(err.field_violations()[0].field, "universe_domain");
    assert!(err.message().contains("example-universe.net"), "{err}");
    assert!(err.message().contains("googleapis.com"), "{err}");

    let key = ServiceAccount::from_json(&key_json(Some("example-universe.net"))).unwrap();
    let built = ClientBuilder::new()
        .universe_domain("example-universe.net")
        .credentials(key)
        .try_transport_config()
        .unwrap();
    assert_eq!(built.universe_domain, "example-universe.net");
    let transport = HttpTransport::new(&built).unwrap();
    if std::env::var_os(channel_core::EMULATOR_HOST_ENV).is_none() {
        assert_eq!(
            transport.endpoint(),
            "https://cloudchannel.example-universe.net"
        );
    }
}

fn mtls_client(server: &Server, pki: &Pki, certificate: Option<ClientCertificate>) -> Client {
    let mut b = builder(format!("https://127.0.0.1:{}", server.addr.port()));
    if let Some(certificate) = certificate {
        b = b.client_certificate(certificate);
    }
    let ca = pki.ca.clone();
    b.build_with(move |config| {
        HttpTransport::builder(config)
            .root_certificates_pem(ca)
            .build()
    })
    .unwrap()
}

#[tokio::test]
async fn with_the_client_certificate_the_call_reaches_a_server_that_requires_one() {
    let pki = Pki::generate();
    let server = Server::mtls(&pki, json_not_found).await;
    let certificate =
        ClientCertificate::from_pem(pki.client.certificate.clone(), pki.client.key.clone());
    let err = mtls_client(&server, &pki, Some(certificate))
        .get_customer(request())
        .await
        .unwrap_err();
    // The server's own answer: the request went through the handshake.
    assert_eq!(err.code(), Code::NotFound, "{err}");
    assert_eq!(err.message(), "reached");
    assert_eq!(server.seen().len(), 1);
    assert_eq!(server.failed_handshakes(), 0);
}

#[tokio::test]
async fn a_certificate_from_a_callback_is_presented_too() {
    let pki = Pki::generate();
    let server = Server::mtls(&pki, json_not_found).await;
    let pem = pki.client.clone();
    let certificate = ClientCertificate::from_source(move || {
        Ok(channel_core::CertificatePem {
            certificate_chain: pem.certificate.clone().into_bytes(),
            private_key: pem.key.clone().into_bytes(),
        })
    });
    let err = mtls_client(&server, &pki, Some(certificate))
        .get_customer(request())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound, "{err}");
}

#[tokio::test]
async fn without_a_client_certificate_the_handshake_fails() {
    let pki = Pki::generate();
    let server = Server::mtls(&pki, json_not_found).await;
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

#[test]
fn a_client_certificate_that_cannot_be_read_or_needs_plaintext_is_refused() {
    let missing =
        ClientCertificate::from_files("/nonexistent/client.pem", "/nonexistent/client.key");
    let err = builder("https://cloudchannel.googleapis.com".into())
        .client_certificate(missing)
        .build_with(HttpTransport::new)
        .unwrap_err();
    assert_eq!(err.field_violations()[0].field, "client_certificate");
    let pki = Pki::generate();
    let certificate = ClientCertificate::from_pem(pki.client.certificate, pki.client.key);
    let err = builder("http://127.0.0.1:1".into())
        .client_certificate(certificate)
        .build_with(HttpTransport::new)
        .unwrap_err();
    assert!(err.message().contains("needs TLS"), "{err}");
}
