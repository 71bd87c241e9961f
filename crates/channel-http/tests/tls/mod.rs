//! A recording test server on 127.0.0.1 port 0 that speaks HTTP/1.1 and
//! HTTP/2 (so both REST and gRPC clients reach it), in plaintext or over TLS
//! that requires a client certificate, with every certificate made here by
//! rcgen: a certificate authority, a server certificate for 127.0.0.1 and
//! a client certificate.

#![allow(dead_code, unreachable_pub)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::{HeaderMap, Request, Response};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// A certificate and its key, PEM-encoded.
#[derive(Clone)]
pub struct Pem {
    pub certificate: String,
    pub key: String,
}

/// The certificates of one test.
pub struct Pki {
    /// The authority's certificate, to trust.
    pub ca: String,
    ca_der: CertificateDer<'static>,
    server_der: CertificateDer<'static>,
    server_key: Vec<u8>,
    /// A client certificate the authority signed.
    pub client: Pem,
    /// A client certificate from another authority.
    pub stranger: Pem,
}

fn authority(name: &str) -> (CertificateParams, KeyPair, rcgen::Certificate) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    let cert = params.self_signed(&key).unwrap();
    (params, key, cert)
}

fn leaf(
    names: &[&str],
    usage: ExtendedKeyUsagePurpose,
    issuer: &Issuer<'_, &KeyPair>,
) -> (rcgen::Certificate, KeyPair) {
    let key = KeyPair::generate().unwrap();
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let mut params = CertificateParams::new(names).unwrap();
    params.distinguished_name.push(DnType::CommonName, "test");
    params.extended_key_usages = vec![usage];
    (params.signed_by(&key, issuer).unwrap(), key)
}

impl Pki {
    /// A new authority, server certificate and client certificates.
    pub fn generate() -> Self {
        let (ca_params, ca_key, ca_cert) = authority("test authority");
        let issuer = Issuer::new(ca_params, &ca_key);
        let (server, server_key) = leaf(
            &["127.0.0.1", "localhost"],
            ExtendedKeyUsagePurpose::ServerAuth,
            &issuer,
        );
        let (client, client_key) = leaf(&[], ExtendedKeyUsagePurpose::ClientAuth, &issuer);
        let (other_params, other_key, _) = authority("another authority");
        let other = Issuer::new(other_params, &other_key);
        let (stranger, stranger_key) = leaf(&[], ExtendedKeyUsagePurpose::ClientAuth, &other);
        Pki {
            ca: ca_cert.pem(),
            ca_der: ca_cert.der().clone(),
            server_der: server.der().clone(),
            server_key: server_key.serialize_der(),
            client: Pem {
                certificate: client.pem(),
                key: client_key.serialize_pem(),
            },
            stranger: Pem {
                certificate: stranger.pem(),
                key: stranger_key.serialize_pem(),
            },
        }
    }

    /// TLS that requires a client certificate signed by the authority.
    fn server_config(&self) -> Arc<rustls::ServerConfig> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = rustls::RootCertStore::empty();
        roots.add(self.ca_der.clone()).unwrap();
        let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
            Arc::new(roots),
            provider.clone(),
        )
        .build()
        .unwrap();
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.server_key.clone()));
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_client_cert_verifier(verifier)
            .with_single_cert(vec![self.server_der.clone()], key)
            .unwrap();
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Arc::new(config)
    }
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub headers: HeaderMap,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

type Responder = Arc<dyn Fn(&Seen) -> Response<Full<Bytes>> + Send + Sync>;

/// The running server; stopped when dropped.
pub struct Server {
    pub addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    failed_handshakes: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl Server {
    /// A plaintext server (HTTP/1.1, or HTTP/2 with prior knowledge).
    pub async fn plaintext(
        respond: impl Fn(&Seen) -> Response<Full<Bytes>> + Send + Sync + 'static,
    ) -> Self {
        Self::start(None, Arc::new(respond)).await
    }

    /// A TLS server that requires a client certificate of `pki`'s authority.
    pub async fn mtls(
        pki: &Pki,
        respond: impl Fn(&Seen) -> Response<Full<Bytes>> + Send + Sync + 'static,
    ) -> Self {
        Self::start(Some(pki.server_config()), Arc::new(respond)).await
    }

    async fn start(tls: Option<Arc<rustls::ServerConfig>>, respond: Responder) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let failed_handshakes = Arc::new(AtomicUsize::new(0));
        let (seen2, failed2) = (seen.clone(), failed_handshakes.clone());
        let task = tokio::spawn(async move {
            let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let (seen, failed, respond, acceptor) = (
                    seen2.clone(),
                    failed2.clone(),
                    respond.clone(),
                    acceptor.clone(),
                );
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
                        let entry = Seen {
                            path: request.uri().path().to_string(),
                            headers: request.headers().clone(),
                        };
                        let response = respond(&entry);
                        seen.lock().unwrap().push(entry);
                        async move { Ok::<_, std::convert::Infallible>(response) }
                    });
                    let builder =
                        hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                    match acceptor {
                        None => {
                            let _ = builder
                                .serve_connection(TokioIo::new(stream), service)
                                .await;
                        }
                        Some(acceptor) => match acceptor.accept(stream).await {
                            Ok(stream) => {
                                let _ = builder
                                    .serve_connection(TokioIo::new(stream), service)
                                    .await;
                            }
                            Err(_) => {
                                failed.fetch_add(1, Ordering::SeqCst);
                            }
                        },
                    }
                });
            }
        });
        Server {
            addr,
            seen,
            failed_handshakes,
            task,
        }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    pub fn failed_handshakes(&self) -> usize {
        self.failed_handshakes.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A REST error: 404 with Google's JSON envelope.
pub fn json_not_found(_: &Seen) -> Response<Full<Bytes>> {
    Response::builder()
        .status(404)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from_static(
            br#"{"error":{"code":404,"message":"reached","status":"NOT_FOUND"}}"#,
        )))
        .unwrap()
}

/// A gRPC error in a trailers-only response: NOT_FOUND "reached".
pub fn grpc_not_found(_: &Seen) -> Response<Full<Bytes>> {
    Response::builder()
        .status(200)
        .header("content-type", "application/grpc")
        .header("grpc-status", "5")
        .header("grpc-message", "reached")
        .body(Full::new(Bytes::new()))
        .unwrap()
}
