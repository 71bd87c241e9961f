//! Connections on both ports, kept as a public server keeps them.
//!
//! One accept loop serves each port. It holds at most
//! [`ConnectionLimits::max_connections`] connections at once: beyond that,
//! new ones wait in the listen backlog instead of being accepted, so a crowd
//! of idle clients cannot exhaust the process's file descriptors. A
//! connection with no call in flight for [`ConnectionLimits::idle_timeout`]
//! is shut down gracefully (HTTP/2 `GOAWAY`), which frees its place for
//! the next one; an HTTP/1 client that does not finish its headers within
//! [`ConnectionLimits::header_read_timeout`] is dropped; every call is
//! bounded by [`ConnectionLimits::request_timeout`].
//!
//! Each call runs with its connection at hand, so that the apply-then-drop
//! fault can cut the connection under it: from then on nothing more is read
//! or written on the socket, and the client sees a request that was sent and
//! never answered.

use std::convert::Infallible;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use channel_core::Error;
use channel_types::methods::Method;
use channel_types::rpc::Code;
use http::{Request, Response};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tower::Service;

/// How the servers treat connections and requests, the same on both ports.
/// Durations longer than a year are taken as a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Most connections open at once on each port; more wait, unaccepted,
    /// until one closes.
    pub max_connections: usize,
    /// A connection with no call in flight for this long is closed.
    pub idle_timeout: Duration,
    /// How long an HTTP/1 client may take to send a request's headers,
    /// counted on a kept-alive connection from the end of the previous
    /// call: for HTTP/1 it is also the longest idle time between calls.
    pub header_read_timeout: Duration,
    /// The longest a call may run; a `grpc-timeout` can only shorten it.
    /// Past it the answer is DEADLINE_EXCEEDED.
    pub request_timeout: Duration,
    /// The largest request accepted, in bytes: a REST body or a gRPC
    /// message. Larger ones are answered RESOURCE_EXHAUSTED (HTTP 413 over
    /// REST).
    pub max_request_bytes: usize,
    /// Most calls in flight at once on one HTTP/2 connection.
    pub max_concurrent_streams: u32,
    /// How often an HTTP/2 connection is pinged to find dead peers (`None`
    /// for never).
    pub keepalive_interval: Option<Duration>,
    /// How long a ping may go unanswered before the connection is closed.
    pub keepalive_timeout: Duration,
    /// Connections older than this are shut down gracefully (`None` for no
    /// limit), so long-lived clients spread over restarts and balancers.
    pub max_connection_age: Option<Duration>,
    /// How long shutdown waits for calls in flight before it cuts them.
    pub shutdown_grace: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            max_connections: 1024,
            idle_timeout: Duration::from_secs(60),
            header_read_timeout: Duration::from_secs(30),
            // The service's own default deadline for its methods.
            request_timeout: Duration::from_secs(60),
            // gRPC's customary receive limit, used for both wires.
            max_request_bytes: 4 << 20,
            max_concurrent_streams: 200,
            keepalive_interval: Some(Duration::from_secs(30)),
            keepalive_timeout: Duration::from_secs(20),
            max_connection_age: None,
            shutdown_grace: Duration::from_secs(5),
        }
    }
}

/// The longest wait any limit stands for: longer ones are cut to it, so no
/// deadline computed from a limit can overflow the clock.
pub(crate) const LONGEST_WAIT: Duration = Duration::from_secs(365 * 24 * 3600);

impl ConnectionLimits {
    /// The same limits with every duration at most [`LONGEST_WAIT`].
    fn bounded(&self) -> Self {
        let cap = |d: Duration| d.min(LONGEST_WAIT);
        ConnectionLimits {
            idle_timeout: cap(self.idle_timeout),
            header_read_timeout: cap(self.header_read_timeout),
            request_timeout: cap(self.request_timeout),
            keepalive_interval: self.keepalive_interval.map(cap),
            keepalive_timeout: cap(self.keepalive_timeout),
            max_connection_age: self.max_connection_age.map(cap),
            shutdown_grace: cap(self.shutdown_grace),
            ..self.clone()
        }
    }
}

/// Which wire a port speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wire {
    /// HTTP/1.1 and HTTP/2, JSON.
    Rest,
    /// HTTP/2 only, gRPC.
    Grpc,
}

/// One connection's shared state: its calls in flight and its cut switch.
#[derive(Debug)]
pub(crate) struct Connection {
    cut: AtomicBool,
    cut_signal: Notify,
    in_flight: AtomicUsize,
    last_call_end: Mutex<Instant>,
}

impl Connection {
    fn new() -> Self {
        Connection {
            cut: AtomicBool::new(false),
            cut_signal: Notify::new(),
            in_flight: AtomicUsize::new(0),
            last_call_end: Mutex::new(Instant::now()),
        }
    }

    /// Cuts the connection: nothing more is read or written on it, and it
    /// is closed without a word.
    pub(crate) fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        self.cut_signal.notify_one();
    }

    fn is_cut(&self) -> bool {
        self.cut.load(Ordering::SeqCst)
    }

    fn begin_call(self: &Arc<Self>) -> CallGuard {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        CallGuard(Arc::clone(self))
    }

    /// When the connection counts as idle from: `None` while a call is in
    /// flight.
    fn idle_since(&self) -> Option<Instant> {
        if self.in_flight.load(Ordering::SeqCst) > 0 {
            return None;
        }
        Some(
            *self
                .last_call_end
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }
}

/// Counts one call in flight until dropped.
struct CallGuard(Arc<Connection>);

impl Drop for CallGuard {
    fn drop(&mut self) {
        *self
            .0
            .last_call_end
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Instant::now();
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A response body that keeps its call counted in flight until it is sent
/// (or dropped).
struct InFlight {
    body: Body,
    _guard: CallGuard,
}

impl http_body::Body for InFlight {
    type Data = <Body as http_body::Body>::Data;
    type Error = <Body as http_body::Body>::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

/// What a call knows about where it runs.
#[derive(Clone)]
struct CallContext {
    connection: Arc<Connection>,
    grpc_method: Option<&'static Method>,
}

tokio::task_local! {
    static CALL: CallContext;
}

/// Cuts the connection the current call came on. Returns whether there was
/// one (in-process calls have none).
pub(crate) fn cut_current_connection() -> bool {
    CALL.try_with(|call| call.connection.cut()).is_ok()
}

/// The gRPC method the current call is for.
pub(crate) fn current_grpc_method() -> Option<&'static Method> {
    CALL.try_with(|call| call.grpc_method).ok().flatten()
}

/// A TCP stream that refuses all I/O once its connection is cut.
struct Io {
    stream: TcpStream,
    connection: Arc<Connection>,
}

fn cut_error() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionAborted,
        "the connection was cut by fault injection",
    )
}

impl AsyncRead for Io {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.connection.is_cut() {
            return Poll::Ready(Err(cut_error()));
        }
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Io {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.connection.is_cut() {
            return Poll::Ready(Err(cut_error()));
        }
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if self.connection.is_cut() {
            return Poll::Ready(Err(cut_error()));
        }
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.connection.is_cut() {
            return Poll::Ready(Err(cut_error()));
        }
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// Serves `app` on `listener` until `stop` turns true, then lets the calls
/// in flight finish (for at most [`ConnectionLimits::shutdown_grace`]).
pub(crate) async fn serve<App>(
    listener: TcpListener,
    app: App,
    wire: Wire,
    limits: ConnectionLimits,
    mut stop: watch::Receiver<bool>,
) where
    App: Service<Request<Incoming>, Response = Response<Body>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    App::Future: Send + 'static,
{
    let limits = limits.bounded();
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut builder = auto::Builder::new(TokioExecutor::new());
    if wire == Wire::Grpc {
        builder = builder.http2_only();
    }
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(limits.keepalive_interval)
        .keep_alive_timeout(limits.keepalive_timeout)
        .max_concurrent_streams(limits.max_concurrent_streams);

    let mut connections = JoinSet::new();
    loop {
        while connections.try_join_next().is_some() {}
        // A place first, then a connection: past the cap, clients wait in
        // the backlog rather than costing a descriptor each.
        let permit = tokio::select! {
            () = stopped(&mut stop) => break,
            permit = Arc::clone(&permits).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let stream = tokio::select! {
            () = stopped(&mut stop) => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // E.g. out of descriptors: back off rather than spin.
                    tracing::warn!(error = %e, ?wire, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        // No Nagle: small answers must not wait for the peer's delayed ACK.
        let _ = stream.set_nodelay(true);
        let connection = Arc::new(Connection::new());
        let io = TokioIo::new(Io {
            stream,
            connection: Arc::clone(&connection),
        });
        let service = call_service(app.clone(), wire, &limits, Arc::clone(&connection));
        let conn = builder.serve_connection(io, service).into_owned();
        let mut stopping = stop.clone();
        let limits = limits.clone();
        // Drives the connection until it ends, is cut, goes idle, grows too
        // old or the server stops; its place is given back when it ends.
        connections.spawn(async move {
            let _permit: OwnedSemaphorePermit = permit;
            tokio::pin!(conn);
            let idle = tokio::time::sleep(limits.idle_timeout);
            tokio::pin!(idle);
            let age = async {
                match limits.max_connection_age {
                    Some(age) => tokio::time::sleep(age).await,
                    None => std::future::pending().await,
                }
            };
            tokio::pin!(age);
            // Once asked to close, a connection gets a bounded time to do
            // so: one still in its handshake, say, would never finish.
            let force = tokio::time::sleep(Duration::MAX);
            tokio::pin!(force);
            let mut closing = false;
            loop {
                tokio::select! {
                    result = conn.as_mut() => {
                        if let Err(e) = result {
                            tracing::debug!(error = %e, "connection ended");
                        }
                        break;
                    }
                    // Dropping the connection closes the socket, nothing sent.
                    () = connection.cut_signal.notified() => break,
                    () = &mut idle, if !closing => {
                        let now = Instant::now();
                        match connection.idle_since() {
                            Some(since) if now.duration_since(since) >= limits.idle_timeout => {
                                closing = true;
                                conn.as_mut().graceful_shutdown();
                                // Nothing is in flight: no need to wait long.
                                let grace = limits.idle_timeout.min(limits.shutdown_grace);
                                force.as_mut().reset(now + grace);
                            }
                            Some(since) => idle.as_mut().reset(since + limits.idle_timeout),
                            None => idle.as_mut().reset(now + limits.idle_timeout),
                        }
                    }
                    () = &mut age, if !closing => {
                        closing = true;
                        conn.as_mut().graceful_shutdown();
                        force.as_mut().reset(Instant::now() + limits.shutdown_grace);
                    }
                    () = stopped(&mut stopping), if !closing => {
                        closing = true;
                        conn.as_mut().graceful_shutdown();
                        force.as_mut().reset(Instant::now() + limits.shutdown_grace);
                    }
                    () = &mut force, if closing => break,
                }
            }
        });
    }
    drop(listener);
    let drained = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(limits.shutdown_grace, drained)
        .await
        .is_err()
    {
        tracing::warn!(?wire, "calls still in flight at shutdown were cut");
    }
}

/// Resolves once the server is told to stop.
async fn stopped(stop: &mut watch::Receiver<bool>) {
    // An error means the sender is gone, which also means stop.
    let _ = stop.wait_for(|stopped| *stopped).await;
}

/// The per-connection service: each call counted in flight, bounded in
/// time, and run with its connection at hand.
fn call_service<App>(
    app: App,
    wire: Wire,
    limits: &ConnectionLimits,
    connection: Arc<Connection>,
) -> impl hyper::service::Service<
    Request<Incoming>,
    Response = Response<Body>,
    Error = Infallible,
    Future = impl Future<Output = Result<Response<Body>, Infallible>> + Send + 'static,
> + Clone
+ Send
+ 'static
where
    App: Service<Request<Incoming>, Response = Response<Body>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    App::Future: Send + 'static,
{
    let request_timeout = limits.request_timeout;
    let max_request_bytes = limits.max_request_bytes;
    hyper::service::service_fn(move |request: Request<Incoming>| {
        let mut app = app.clone();
        let (grpc_method, limit) = match wire {
            Wire::Rest => (None, request_timeout),
            Wire::Grpc => {
                let asked = request
                    .headers()
                    .get("grpc-timeout")
                    .and_then(|v| v.to_str().ok())
                    .and_then(super::grpc::parse_timeout);
                (
                    channel_types::methods::by_grpc_path(request.uri().path()),
                    asked.map_or(request_timeout, |t| t.min(request_timeout)),
                )
            }
        };
        let context = CallContext {
            connection: Arc::clone(&connection),
            grpc_method,
        };
        let guard = connection.begin_call();
        let call = app.call(request);
        CALL.scope(context, async move {
            let response = match tokio::time::timeout(limit, call).await {
                Ok(Ok(response)) if wire == Wire::Grpc => {
                    super::grpc::refusals_as_google_gives_them(
                        response,
                        max_request_bytes,
                        grpc_method,
                    )
                }
                Ok(Ok(response)) => response,
                Ok(Err(never)) => match never {},
                Err(_) => deadline_exceeded(wire, limit),
            };
            // The call is in flight until its body is sent: a stream (the
            // health service's Watch) must not count as an idle connection.
            Ok(response.map(|body| {
                Body::new(InFlight {
                    body,
                    _guard: guard,
                })
            }))
        })
    })
}

/// The answer to a call that ran out of time.
fn deadline_exceeded(wire: Wire, limit: Duration) -> Response<Body> {
    let message = format!("the call did not finish within {limit:?}");
    match wire {
        Wire::Grpc => tonic::Status::deadline_exceeded(message).into_http(),
        Wire::Rest => super::rest::error_response(&Error::rpc(Code::DeadlineExceeded, message)),
    }
}
