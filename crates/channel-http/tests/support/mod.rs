//! A small HTTP server on 127.0.0.1:0 for the transport's tests: it records
//! every request it gets and answers with whatever the test set up.

#![allow(dead_code, unreachable_pub)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use channel_core::credentials::{Anonymous, Credentials};
use channel_core::transport::ClientConfig;
use serde_json::Value;

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// The raw, percent-encoded path.
    pub path: String,
    /// The raw query string.
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Seen {
    /// The body as JSON, `None` when empty.
    pub fn json(&self) -> Option<Value> {
        (!self.body.is_empty()).then(|| serde_json::from_slice(&self.body).expect("JSON body"))
    }

    /// The query parameters, decoded, sorted.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .expect("UTF-8 query")
                .into_owned()
        };
        let mut pairs: Vec<(String, String)> = self
            .query
            .as_deref()
            .unwrap_or_default()
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (n, v) = p.split_once('=').unwrap_or((p, ""));
                (decode(n), decode(v))
            })
            .collect();
        pairs.sort();
        pairs
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// What the server answers.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A JSON body with this status.
    Json(u16, Value),
    /// Raw bytes with this status and content type.
    Raw(u16, &'static str, Bytes),
    /// `count` chunks of `size` bytes, without a content length.
    Chunks { count: usize, size: usize },
    /// A redirect with this status to this location.
    Redirect(u16, String),
    /// Never answers.
    Never,
}

#[derive(Clone)]
struct Shared {
    seen: Arc<Mutex<Vec<Seen>>>,
    reply: Arc<Mutex<Reply>>,
}

pub struct TestServer {
    pub addr: SocketAddr,
    shared: Shared,
}

impl TestServer {
    /// Starts a server answering `{}` to everything.
    pub async fn start() -> TestServer {
        let shared = Shared {
            seen: Arc::new(Mutex::new(Vec::new())),
            reply: Arc::new(Mutex::new(Reply::Json(200, serde_json::json!({})))),
        };
        let app = Router::new().fallback(handle).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        TestServer { addr, shared }
    }

    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A transport configuration pointing at this server.
    pub fn config(&self) -> ClientConfig {
        config_for(&self.endpoint(), Arc::new(Anonymous))
    }

    pub fn reply(&self, reply: Reply) {
        *self.shared.reply.lock().unwrap() = reply;
    }

    /// Every request seen so far, emptied.
    pub fn take(&self) -> Vec<Seen> {
        std::mem::take(&mut *self.shared.seen.lock().unwrap())
    }

    /// The one request seen since the last call.
    pub fn take_one(&self) -> Seen {
        let mut seen = self.take();
        assert_eq!(seen.len(), 1, "expected exactly one request: {seen:?}");
        seen.remove(0)
    }
}

pub fn config_for(endpoint: &str, credentials: Arc<dyn Credentials>) -> ClientConfig {
    ClientConfig {
        endpoint: endpoint.to_string(),
        credentials,
        ..ClientConfig::default()
    }
}

async fn handle(State(shared): State<Shared>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 16 * 1024 * 1024)
        .await
        .unwrap_or_default();
    shared.seen.lock().unwrap().push(Seen {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().map(str::to_string),
        headers: parts.headers,
        body,
    });
    let reply = shared.reply.lock().unwrap().clone();
    let status = |code: u16| StatusCode::from_u16(code).expect("status code");
    match reply {
        Reply::Json(code, value) => Response::builder()
            .status(status(code))
            .header(header::CONTENT_TYPE, "application/json; charset=UTF-8")
            .body(Body::from(serde_json::to_vec(&value).unwrap()))
            .unwrap(),
        Reply::Raw(code, content_type, bytes) => Response::builder()
            .status(status(code))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(bytes))
            .unwrap(),
        Reply::Chunks { count, size } => {
            let chunks = futures_util::stream::iter(
                (0..count).map(move |_| Ok::<_, Infallible>(Bytes::from(vec![b' '; size]))),
            );
            Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from_stream(chunks))
                .unwrap()
        }
        Reply::Redirect(code, location) => Response::builder()
            .status(status(code))
            .header(header::LOCATION, location)
            .body(Body::empty())
            .unwrap(),
        Reply::Never => std::future::pending().await,
    }
}
