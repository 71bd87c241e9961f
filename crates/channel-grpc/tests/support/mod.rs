//! A bare gRPC server for the transport's tests.
//!
//! It speaks HTTP/2 through hyper, accepts any path, records what each call
//! brought (path, headers, the message bytes) and answers as the test's
//! handler says: a message, a status in the trailers, nothing at all, or a
//! dropped connection. It listens on 127.0.0.1, on a port of the system's
//! choosing, and stops when dropped.

#![allow(dead_code, unreachable_pub)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_util::stream;
use http::{HeaderMap, HeaderValue, Request, Response};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// More connections than any test opens; the accept loop ends after them.
const MAX_CONNECTIONS: usize = 64;

/// One call as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The request path, e.g. `/google.cloud.channel.v1.CloudChannelService/GetCustomer`.
    pub path: String,
    /// Every request header (the gRPC metadata).
    pub headers: HeaderMap,
    /// Whether the message frame was flagged as compressed.
    pub compressed: bool,
    /// The message bytes, without the 5-byte frame header.
    pub message: Bytes,
}

impl Recorded {
    /// A header's value as text, if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// How the server answers one call.
#[derive(Debug, Clone)]
pub enum Reply {
    /// This message, then `grpc-status: 0`.
    Message(Vec<u8>),
    /// A status: code, message and the optional binary `google.rpc.Status`
    /// for `grpc-status-details-bin`; in the trailers, or in the headers of
    /// a response without a body when `trailers_only` is set.
    Status {
        code: i32,
        message: String,
        details: Option<Vec<u8>>,
        trailers_only: bool,
    },
    /// A response with this HTTP status and no `grpc-status` at all: what
    /// a proxy or gateway in front of the server sends.
    Http(u16),
    /// The start of a message (its frame header announces the whole), then
    /// the end of the stream without a status: a response cut short.
    Truncated(Vec<u8>),
    /// The message, then the end of the stream without a status.
    NoStatus(Vec<u8>),
    /// The headers and the start of the message, then nothing more with
    /// the stream left open: a server stuck mid-answer.
    Stalled(Vec<u8>),
    /// Never answer.
    Hang,
    /// Close the connection without answering.
    DropConnection,
}

impl Reply {
    /// A status in the trailers.
    pub fn status(code: i32, message: &str, details: Option<Vec<u8>>) -> Self {
        Reply::Status {
            code,
            message: message.to_string(),
            details,
            trailers_only: false,
        }
    }
}

type Handler = dyn Fn(&Recorded) -> Reply + Send + Sync;

struct State {
    handler: Box<Handler>,
    calls: Mutex<Vec<Recorded>>,
    connections: AtomicUsize,
}

/// A running test server.
pub struct TestServer {
    addr: SocketAddr,
    state: Arc<State>,
    task: JoinHandle<()>,
}

impl TestServer {
    /// Starts a server answering every call with `handler`.
    pub async fn start(handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local address");
        let state = Arc::new(State {
            handler: Box::new(handler),
            calls: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
        });
        let task = tokio::spawn(accept(listener, state.clone()));
        TestServer { addr, state, task }
    }

    /// The endpoint to give the transport: `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The calls received so far.
    pub fn calls(&self) -> Vec<Recorded> {
        self.state.calls.lock().unwrap().clone()
    }

    /// The last call received.
    pub fn last_call(&self) -> Recorded {
        self.calls().pop().expect("the server received no call")
    }

    /// How many connections the server accepted.
    pub fn connections(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn accept(listener: TcpListener, state: Arc<State>) {
    for _ in 0..MAX_CONNECTIONS {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        state.connections.fetch_add(1, Ordering::SeqCst);
        let state = state.clone();
        tokio::spawn(async move {
            let kill = Arc::new(Notify::new());
            let service = {
                let kill = kill.clone();
                service_fn(move |request| handle(request, state.clone(), kill.clone()))
            };
            let connection = hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(stream), service);
            // Returning drops the connection, and with it the socket.
            tokio::select! {
                _ = connection => {}
                _ = kill.notified() => {}
            }
        });
    }
}

type Body = BoxBody<Bytes, Infallible>;

async fn handle(
    request: Request<Incoming>,
    state: Arc<State>,
    kill: Arc<Notify>,
) -> Result<Response<Body>, Infallible> {
    let path = request.uri().path().to_string();
    let headers = request.headers().clone();
    let body = match request.into_body().collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let (compressed, message) = unframe(&body);
    let call = Recorded {
        path,
        headers,
        compressed,
        message,
    };
    let reply = (state.handler)(&call);
    state.calls.lock().unwrap().push(call);
    match reply {
        Reply::Message(message) => {
            let mut trailers = HeaderMap::new();
            trailers.insert("grpc-status", HeaderValue::from_static("0"));
            Ok(respond(
                HeaderMap::new(),
                Some(frame(&message)),
                Some(trailers),
            ))
        }
        Reply::Status {
            code,
            message,
            details,
            trailers_only,
        } => {
            let status = status_headers(code, &message, details.as_deref());
            if trailers_only {
                Ok(respond(status, None, None))
            } else {
                Ok(respond(HeaderMap::new(), None, Some(status)))
            }
        }
        Reply::Http(code) => {
            let mut response = respond(HeaderMap::new(), None, None);
            *response.status_mut() = http::StatusCode::from_u16(code).expect("an HTTP status");
            Ok(response)
        }
        Reply::Truncated(message) => {
            let framed = frame(&message);
            let cut = framed.slice(..5 + message.len() / 2);
            Ok(respond(HeaderMap::new(), Some(cut), None))
        }
        Reply::NoStatus(message) => Ok(respond(HeaderMap::new(), Some(frame(&message)), None)),
        Reply::Stalled(message) => {
            let framed = frame(&message);
            let start = Ok(Frame::data(framed.slice(..5 + message.len() / 2)));
            let frames = futures_util::StreamExt::chain(stream::iter([start]), stream::pending());
            let mut response = Response::new(StreamBody::new(frames).boxed());
            response
                .headers_mut()
                .insert("content-type", HeaderValue::from_static("application/grpc"));
            Ok(response)
        }
        Reply::Hang => std::future::pending().await,
        Reply::DropConnection => {
            kill.notify_one();
            std::future::pending().await
        }
    }
}

/// A `200 OK` gRPC response with extra headers, an optional data frame and
/// optional trailers.
fn respond(headers: HeaderMap, data: Option<Bytes>, trailers: Option<HeaderMap>) -> Response<Body> {
    let mut frames: Vec<Result<Frame<Bytes>, Infallible>> = Vec::new();
    if let Some(data) = data {
        frames.push(Ok(Frame::data(data)));
    }
    if let Some(trailers) = trailers {
        frames.push(Ok(Frame::trailers(trailers)));
    }
    let mut response = Response::new(StreamBody::new(stream::iter(frames)).boxed());
    let map = response.headers_mut();
    map.insert("content-type", HeaderValue::from_static("application/grpc"));
    map.extend(headers);
    response
}

fn status_headers(code: i32, message: &str, details: Option<&[u8]>) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("grpc-status", HeaderValue::from(code));
    let encoded =
        percent_encoding::utf8_percent_encode(message, percent_encoding::NON_ALPHANUMERIC)
            .to_string();
    headers.insert("grpc-message", HeaderValue::try_from(encoded).unwrap());
    if let Some(details) = details {
        let encoded = base64_no_pad(details);
        headers.insert(
            "grpc-status-details-bin",
            HeaderValue::try_from(encoded).unwrap(),
        );
    }
    headers
}

/// Frames a message: uncompressed flag, 4-byte big-endian length, bytes.
pub fn frame(message: &[u8]) -> Bytes {
    let mut framed = Vec::with_capacity(message.len() + 5);
    framed.push(0);
    let len = u32::try_from(message.len()).expect("message too large for a frame");
    framed.extend_from_slice(&len.to_be_bytes());
    framed.extend_from_slice(message);
    framed.into()
}

/// Reads the first frame of a request body; malformed frames read as empty.
fn unframe(body: &Bytes) -> (bool, Bytes) {
    if body.len() < 5 {
        return (false, Bytes::new());
    }
    let len = u32::from_be_bytes([body[1], body[2], body[3], body[4]]) as usize;
    let end = body.len().min(5 + len);
    (body[0] == 1, body.slice(5..end))
}

/// Base64 with the standard alphabet and no padding, as gRPC sends binary
/// headers.
pub fn base64_no_pad(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let sextets = [n >> 18, n >> 12, n >> 6, n];
        for sextet in &sextets[..chunk.len() + 1] {
            out.push(char::from(ALPHABET[(sextet & 63) as usize]));
        }
    }
    out
}

#[test]
fn base64_matches_known_values() {
    assert_eq!(base64_no_pad(b""), "");
    assert_eq!(base64_no_pad(b"f"), "Zg");
    assert_eq!(base64_no_pad(b"fo"), "Zm8");
    assert_eq!(base64_no_pad(b"foo"), "Zm9v");
    assert_eq!(base64_no_pad(b"foob"), "Zm9vYg");
    assert_eq!(base64_no_pad(&[0xff, 0xfe]), "//4");
}
