//! What our layers cost, measured side by side in one process run.
//!
//! - REST client: a bare `reqwest` GET decoding the `Customer` with our
//!   types, against `HttpTransport` called directly and against our
//!   `Client` over it;
//! - gRPC client: a bare `tonic` unary call, against `GrpcTransport` called
//!   directly and against our `Client` over it;
//! - on both wires, the transport also called directly with the deadline the
//!   client sets by default (60 s), to tell what the deadline costs the
//!   transport (the `grpc-timeout` header) from what the `Call` layer costs;
//! - REST server: an axum server answering every request with a fixed,
//!   pre-encoded `Customer` (the floor), against the emulator's REST server
//!   answering `GetCustomer` for real, both driven by the same bare client;
//! - the `Call` layer alone: a service double answering at once (no I/O),
//!   called directly and through a `Client`, one call after another on a
//!   current-thread runtime. With no network and no other thread, the
//!   difference is the layer's own CPU time and allocations, exactly enough
//!   to tell what the noisy ratios over a real wire cannot.
//!
//! Client CPU and server CPU are told apart by running the servers and the
//! clients on two separate tokio runtimes and reading each worker thread's
//! own CPU clock (`CLOCK_THREAD_CPUTIME_ID`) every time it parks: wall time
//! would count the other side's work and the scheduler's waits, and
//! `getrusage` cannot split one process. Allocations are counted by a
//! counting global allocator, only on the client's threads. Each figure is
//! the median of interleaved rounds, so a noisy moment hits every
//! contender alike; the run prints the ratios, then criterion times single
//! calls (latency) of each contender.
//!
//! Run with `cargo bench -p channel-benches --bench overhead`; add
//! `-- call_layer` to time only the `Call` layer's criterion group after the
//! ratio pass.
//!
//! `OVERHEAD_SERVERS=SECONDS` runs the server comparison alone instead,
//! alternating the two servers for that long (more rounds than the ratio
//! pass gets, and no client-side measure between them); with
//! `OVERHEAD_QUERY=...` (e.g. `?$alt=json;enum-encoding=int`, what Google's
//! generated REST clients send) appended to the emulator's URL only.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use bytes::Bytes;
use channel_core::transport::{BoxFuture, Stubs};
use channel_core::{CallOptions, Client, CloudChannelService, RetryPolicy};
use channel_grpc::GrpcTransport;
use channel_http::HttpTransport;
use channel_mock::{Emulator, EmulatorConfig};
use channel_types::json;
use channel_types::model::{ContactInfo, CreateCustomerRequest, Customer, GetCustomerRequest};
use channel_types::r#type::PostalAddress;
use criterion::Criterion;

/// Concurrent callers in one burst.
const CALLERS: usize = 64;
/// Bursts per measurement.
const BURSTS: usize = 40;
/// Interleaved rounds; the figures are their medians.
const ROUNDS: usize = 7;
/// Sequential calls per latency measurement.
const SEQUENTIAL: usize = 400;
/// The ratio pass stops after this long, whatever the rounds left.
const TIME_LIMIT: Duration = Duration::from_secs(150);
/// Calls per round of the `Call` layer measure: each takes a few µs.
const LAYER_CALLS: usize = 20_000;
/// Interleaved rounds of the `Call` layer measure.
const LAYER_ROUNDS: usize = 9;
/// The `Call` layer measure stops after this long, whatever the rounds left.
const LAYER_TIME_LIMIT: Duration = Duration::from_secs(30);

const GET_CUSTOMER_PATH: &str = "/google.cloud.channel.v1.CloudChannelService/GetCustomer";

// ---------------------------------------------------------------------------
// Counting allocations on the client's threads.

thread_local! {
    /// Whether allocations on this thread are the client's.
    static COUNTED: Cell<bool> = const { Cell::new(false) };
}

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// The counted allocations of this thread alone: the `Call` layer
    /// measure runs on one thread and must not see the idle runtimes'.
    static THREAD_ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

struct CountingAllocator;

fn count_one() {
    // `try_with`: no panic while a thread's locals are being torn down.
    if COUNTED.try_with(Cell::get).unwrap_or(false) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        let _ = THREAD_ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
    }
}

// The only unsafe code of the benchmarks: a global allocator must implement
// an unsafe trait; every call is handed to the system allocator unchanged.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: the caller's guarantees on `layout` are passed on as they are.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        // SAFETY: `ptr` came from this allocator, which is the system's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as for `realloc`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

// ---------------------------------------------------------------------------
// CPU time per side.

fn thread_cpu() -> Duration {
    let now = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

/// The CPU time of a runtime's threads, as each last saw it when it parked
/// (a parked thread spends none, so once all are idle the sum is exact).
#[derive(Default)]
struct RuntimeCpu {
    threads: Mutex<HashMap<ThreadId, Duration>>,
}

impl RuntimeCpu {
    fn record(&self) {
        let now = thread_cpu();
        let id = std::thread::current().id();
        if let Ok(mut threads) = self.threads.lock() {
            threads.insert(id, now);
        }
    }

    fn total(&self) -> Duration {
        self.threads
            .lock()
            .map(|threads| threads.values().sum())
            .unwrap_or_default()
    }
}

fn runtime(name: &str, cpu: Arc<RuntimeCpu>, counted: bool) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        // Named, so a profiler can tell the two sides apart.
        .thread_name(name)
        .enable_all()
        .on_thread_start(move || COUNTED.set(counted))
        .on_thread_park(move || cpu.record())
        .build()
        .expect("a runtime")
}

/// What one measurement saw, per call.
#[derive(Clone, Copy, Default)]
struct PerCall {
    wall: Duration,
    client_cpu: Duration,
    server_cpu: Duration,
    allocations: f64,
}

/// Both runtimes, and the meters on them.
struct Bench {
    client_rt: tokio::runtime::Runtime,
    server_rt: tokio::runtime::Runtime,
    client_cpu: Arc<RuntimeCpu>,
    server_cpu: Arc<RuntimeCpu>,
}

impl Bench {
    fn new() -> Self {
        let client_cpu = Arc::new(RuntimeCpu::default());
        let server_cpu = Arc::new(RuntimeCpu::default());
        Bench {
            client_rt: runtime("bench-client", client_cpu.clone(), true),
            server_rt: runtime("bench-server", server_cpu.clone(), false),
            client_cpu,
            server_cpu,
        }
    }

    /// Runs `BURSTS` bursts of `CALLERS` concurrent calls made by `call`,
    /// each caller a task on the client runtime.
    fn bursts<F, Fut>(&self, call: F) -> PerCall
    where
        F: Fn() -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.measure(BURSTS * CALLERS, || {
            self.client_rt.block_on(async {
                for _ in 0..BURSTS {
                    let tasks: Vec<_> = (0..CALLERS).map(|_| tokio::spawn(call())).collect();
                    for task in tasks {
                        task.await.expect("a caller");
                    }
                }
            })
        })
    }

    /// Runs `SEQUENTIAL` calls one after the other (latency).
    /// Runs `call` in bursts of concurrent callers when `burst`, one call
    /// after another otherwise.
    fn bursts_or_sequential<F, Fut>(&self, burst: bool, call: F) -> PerCall
    where
        F: Fn() -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        if burst {
            self.bursts(call)
        } else {
            self.sequential(call)
        }
    }

    fn sequential<F, Fut>(&self, call: F) -> PerCall
    where
        F: Fn() -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.measure(SEQUENTIAL, || {
            self.client_rt.block_on(async {
                for _ in 0..SEQUENTIAL {
                    tokio::spawn(call()).await.expect("a caller");
                }
            })
        })
    }

    fn measure(&self, calls: usize, run: impl FnOnce()) -> PerCall {
        settle();
        let (client0, server0, main0) = (
            self.client_cpu.total(),
            self.server_cpu.total(),
            thread_cpu(),
        );
        let allocations0 = ALLOCATIONS.load(Ordering::Relaxed);
        let started = Instant::now();
        COUNTED.set(true);
        run();
        COUNTED.set(false);
        let wall = started.elapsed();
        let main = thread_cpu() - main0;
        settle();
        let n = calls as u32;
        PerCall {
            wall: wall / n,
            client_cpu: (self.client_cpu.total() - client0 + main) / n,
            server_cpu: (self.server_cpu.total() - server0) / n,
            allocations: (ALLOCATIONS.load(Ordering::Relaxed) - allocations0) as f64 / calls as f64,
        }
    }
}

/// Lets every worker finish what it was doing and park, so its CPU clock
/// is read.
fn settle() {
    std::thread::sleep(Duration::from_millis(20));
}

// ---------------------------------------------------------------------------
// The contenders.

/// The fixed-answer server: every request gets the same bytes.
async fn fixed_answer_server(body: Bytes) -> SocketAddr {
    let app = axum::Router::new().fallback(move || {
        let body = body.clone();
        async move {
            (
                [(
                    http::header::CONTENT_TYPE,
                    "application/json; charset=UTF-8",
                )],
                body,
            )
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let addr = listener.local_addr().expect("an address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

/// A bare REST GET decoded with our types: what a hand-written caller does.
async fn bare_rest(http: reqwest::Client, url: Arc<str>) {
    let response = http.get(&*url).send().await.expect("a response");
    assert!(response.status().is_success(), "{}", response.status());
    let body = response.bytes().await.expect("a body");
    let customer: Customer = json::from_slice_lenient(&body).expect("a Customer");
    std::hint::black_box(customer);
}

/// A bare tonic unary call: what a generated stub does.
async fn bare_grpc(grpc: tonic::client::Grpc<tonic::transport::Channel>, name: Arc<str>) {
    let mut grpc = grpc;
    grpc.ready().await.expect("a ready channel");
    let codec = tonic_prost::ProstCodec::<GetCustomerRequest, Customer>::default();
    let request = tonic::Request::new(GetCustomerRequest {
        name: name.to_string(),
    });
    let path = http::uri::PathAndQuery::from_static(GET_CUSTOMER_PATH);
    let customer = grpc.unary(request, path, codec).await.expect("a Customer");
    std::hint::black_box(customer.into_inner());
}

async fn through_client(client: Client, name: Arc<str>) {
    let customer = client
        .get_customer(GetCustomerRequest {
            name: name.to_string(),
        })
        .await
        .expect("a Customer");
    std::hint::black_box(customer);
}

async fn through_transport(
    transport: Arc<dyn CloudChannelService>,
    options: CallOptions,
    name: Arc<str>,
) {
    let request = GetCustomerRequest {
        name: name.to_string(),
    };
    let customer = transport
        .get_customer(request, options)
        .await
        .expect("a Customer");
    std::hint::black_box(customer);
}

/// The transport called directly with the deadline the client would set
/// (the default 60 s timeout): what the deadline itself costs the transport
/// (the `grpc-timeout` header, a timer) apart from the `Call` layer.
async fn through_transport_with_deadline(
    transport: Arc<dyn CloudChannelService>,
    options: CallOptions,
    name: Arc<str>,
) {
    let deadline = tokio::time::Instant::now() + channel_core::DEFAULT_TIMEOUT;
    through_transport(transport, options.with_deadline(deadline), name).await;
}

// ---------------------------------------------------------------------------
// The `Call` layer alone.

/// A service that answers `GetCustomer` at once with a fixed `Customer`: no
/// I/O, so a call through it costs only what is above it.
struct FixedCustomer(Customer);

impl CloudChannelService for FixedCustomer {
    fn get_customer(
        &self,
        _: GetCustomerRequest,
        _: CallOptions,
    ) -> BoxFuture<'_, channel_core::Result<Customer>> {
        Box::pin(std::future::ready(Ok(self.0.clone())))
    }
}

/// The double, a client over it, and a current-thread runtime to call them
/// on: every cycle and allocation of a call happens on the measuring thread.
struct Layer {
    rt: tokio::runtime::Runtime,
    double: Arc<dyn CloudChannelService>,
    client: Client,
    /// A client whose retry policy allows one attempt: it never needs the
    /// request again, so it sends it without a copy.
    one_attempt: Client,
    name: Arc<str>,
}

impl Layer {
    fn new() -> Self {
        let name = "accounts/A1/customers/C1";
        let double: Arc<dyn CloudChannelService> = Arc::new(FixedCustomer(Customer {
            name: name.into(),
            org_display_name: "Overhead Bench".into(),
            domain: "overhead.example".into(),
            ..Default::default()
        }));
        Layer {
            rt: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime"),
            client: Client::new(Stubs::default().with_channel(double.clone())),
            one_attempt: Client::builder()
                .default_retry(RetryPolicy::none())
                .build_with_stubs(Stubs::default().with_channel(double.clone())),
            double,
            name: name.into(),
        }
    }

    /// (a) The double called with the options `client` would pass: its
    /// defaults and a deadline, as `through_transport_with_deadline` does.
    fn direct(&self, client: &Client) -> impl Future<Output = ()> + use<> {
        through_transport_with_deadline(
            self.double.clone(),
            transport_options(client),
            self.name.clone(),
        )
    }

    /// (b) The same call through `client`.
    fn through(&self, client: &Client) -> impl Future<Output = ()> + use<> {
        through_client(client.clone(), self.name.clone())
    }

    /// `calls` calls one after another: CPU time and allocations per call,
    /// both of this thread only.
    fn measure<Fut: Future<Output = ()>>(&self, calls: usize, call: impl Fn() -> Fut) -> PerCall {
        let allocations0 = THREAD_ALLOCATIONS.get();
        let cpu0 = thread_cpu();
        COUNTED.set(true);
        self.rt.block_on(async {
            for _ in 0..calls {
                call().await;
            }
        });
        COUNTED.set(false);
        let cpu = thread_cpu() - cpu0;
        PerCall {
            client_cpu: cpu / calls as u32,
            allocations: (THREAD_ALLOCATIONS.get() - allocations0) as f64 / calls as f64,
            ..PerCall::default()
        }
    }
}

fn seed_request() -> CreateCustomerRequest {
    CreateCustomerRequest {
        parent: "accounts/C0emulator".into(),
        customer: Some(Customer {
            org_display_name: "Overhead Bench".into(),
            org_postal_address: Some(PostalAddress {
                region_code: "US".into(),
                postal_code: "94043".into(),
                address_lines: vec!["1 Example Way".into()],
                ..Default::default()
            }),
            primary_contact_info: Some(ContactInfo {
                first_name: "Ada".into(),
                last_name: "Ngata".into(),
                email: "ada@overhead.example".into(),
                ..Default::default()
            }),
            domain: "overhead.example".into(),
            ..Default::default()
        }),
    }
}

/// Everything the contenders need, connected and warm.
struct Setup {
    name: Arc<str>,
    http: reqwest::Client,
    emulator_url: Arc<str>,
    fixed_url: Arc<str>,
    rest_client: Client,
    rest_transport: Arc<dyn CloudChannelService>,
    grpc: tonic::client::Grpc<tonic::transport::Channel>,
    grpc_client: Client,
    grpc_transport: Arc<dyn CloudChannelService>,
    emulator: Emulator,
}

fn setup(bench: &Bench) -> Setup {
    let emulator = bench
        .server_rt
        .block_on(Emulator::start(EmulatorConfig::default()))
        .expect("emulator");
    let in_process = Client::new(Stubs::from_backend(Arc::new(emulator.engine().clone())));
    let name: Arc<str> = bench
        .server_rt
        .block_on(in_process.create_customer(seed_request()).send())
        .expect("seed customer")
        .name
        .into();
    let emulator_url: Arc<str> = format!("{}/v1/{name}", emulator.http_endpoint()).into();

    let http = reqwest::Client::new();
    // The floor answers with the very bytes the emulator sends.
    let answer = bench.client_rt.block_on(async {
        http.get(&*emulator_url)
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .expect("GetCustomer over REST")
            .bytes()
            .await
            .expect("a body")
    });
    let fixed = bench.server_rt.block_on(fixed_answer_server(answer));
    let fixed_url: Arc<str> = format!("http://{fixed}/v1/{name}").into();

    // Everything else on the client side lives on the client runtime.
    let _client_side = bench.client_rt.enter();

    let rest_builder = Client::builder().endpoint(emulator.http_endpoint());
    let rest_transport: Arc<dyn CloudChannelService> = Arc::new(
        HttpTransport::new(&rest_builder.try_transport_config().expect("a config"))
            .expect("a REST transport"),
    );
    let rest_client = rest_builder
        .build_with(HttpTransport::new)
        .expect("a REST client");
    let grpc_builder = Client::builder().endpoint(emulator.grpc_endpoint());
    let grpc_transport: Arc<dyn CloudChannelService> = Arc::new(
        GrpcTransport::new(&grpc_builder.try_transport_config().expect("a config"))
            .expect("a gRPC transport"),
    );
    let grpc_client = grpc_builder
        .build_with(GrpcTransport::new)
        .expect("a gRPC client");
    let channel = bench.client_rt.block_on(async {
        tonic::transport::Channel::from_shared(emulator.grpc_endpoint())
            .expect("an endpoint")
            .connect()
            .await
            .expect("a gRPC channel")
    });
    Setup {
        name,
        http,
        emulator_url,
        fixed_url,
        rest_client,
        rest_transport,
        grpc: tonic::client::Grpc::new(channel),
        grpc_client,
        grpc_transport,
        emulator,
    }
}

/// The transport gets the options the client would hand it.
fn transport_options(client: &Client) -> CallOptions {
    client.defaults().clone()
}

// ---------------------------------------------------------------------------
// The ratio pass.

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// The rounds of one contender.
#[derive(Default)]
struct Samples(Vec<PerCall>);

impl Samples {
    fn median_of(&self, f: impl Fn(&PerCall) -> f64) -> f64 {
        median(self.0.iter().map(f).collect())
    }
    fn wall_us(&self) -> f64 {
        self.median_of(|p| p.wall.as_secs_f64() * 1e6)
    }
    fn client_us(&self) -> f64 {
        self.median_of(|p| p.client_cpu.as_secs_f64() * 1e6)
    }
    fn server_us(&self) -> f64 {
        self.median_of(|p| p.server_cpu.as_secs_f64() * 1e6)
    }
    fn allocations(&self) -> f64 {
        self.median_of(|p| p.allocations)
    }
}

#[derive(Default)]
struct Contender {
    label: &'static str,
    burst: Samples,
    latency: Samples,
}

#[allow(clippy::print_stdout)]
fn client_table(title: &str, bare: &Contender, rest: &[&Contender]) {
    println!("\n{title} ({CALLERS} callers; latency: one caller)");
    println!(
        "{:<28} {:>12} {:>14} {:>12} {:>12}",
        "contender", "latency µs", "client CPU µs", "allocations", "wall/call µs"
    );
    for c in std::iter::once(bare).chain(rest.iter().copied()) {
        println!(
            "{:<28} {:>12.1} {:>14.2} {:>12.1} {:>12.2}",
            c.label,
            c.latency.wall_us(),
            c.burst.client_us(),
            c.burst.allocations(),
            c.burst.wall_us(),
        );
    }
    for c in rest {
        println!(
            "ratio {} / {}: latency {:.2}x, client CPU {:.2}x, allocations {:.2}x, throughput {:.2}x",
            c.label,
            bare.label,
            c.latency.wall_us() / bare.latency.wall_us(),
            c.burst.client_us() / bare.burst.client_us(),
            c.burst.allocations() / bare.burst.allocations(),
            bare.burst.wall_us() / c.burst.wall_us(),
        );
    }
    // The last contender is the client; the ones before it, the transport.
    if let Some((client, transports)) = rest.split_last() {
        for transport in transports {
            println!(
                "ratio {} / {} (the Call layer): client CPU {:.3}x, allocations {:.3}x, latency {:.2}x",
                client.label,
                transport.label,
                client.burst.client_us() / transport.burst.client_us(),
                client.burst.allocations() / transport.burst.allocations(),
                client.latency.wall_us() / transport.latency.wall_us(),
            );
        }
    }
}

/// The transport of each wire called with the client's deadline, as the
/// ratio pass measured it: what the `Call` layer's own cost is set against.
struct Transports {
    rest: Contender,
    grpc: Contender,
}

/// Runs the ratio pass, prints its tables and hands back the transports'
/// figures.
#[allow(clippy::print_stdout)]
fn ratios(bench: &Bench, s: &Setup) -> Transports {
    let started = Instant::now();
    let mut servers = Servers::default();
    let mut rest = [
        Contender {
            label: "bare reqwest + our types",
            ..Default::default()
        },
        Contender {
            label: "HttpTransport directly",
            ..Default::default()
        },
        Contender {
            label: "HttpTransport + deadline",
            ..Default::default()
        },
        Contender {
            label: "Client over REST",
            ..Default::default()
        },
    ];
    let mut grpc = [
        Contender {
            label: "bare tonic",
            ..Default::default()
        },
        Contender {
            label: "GrpcTransport directly",
            ..Default::default()
        },
        Contender {
            label: "GrpcTransport + deadline",
            ..Default::default()
        },
        Contender {
            label: "Client over gRPC",
            ..Default::default()
        },
    ];
    let rest_options = transport_options(&s.rest_client);
    let grpc_options = transport_options(&s.grpc_client);
    let mut rounds = 0;
    while rounds < ROUNDS && started.elapsed() < TIME_LIMIT {
        rounds += 1;
        // The server side: the same bare client against both servers.
        servers.round(bench, s, &s.emulator_url);

        // The client side over REST.
        let run_rest = |i: usize, burst: bool| -> PerCall {
            let name = s.name.clone();
            match i {
                0 => {
                    let (http, url) = (s.http.clone(), s.emulator_url.clone());
                    let call = move || bare_rest(http.clone(), url.clone());
                    bench.bursts_or_sequential(burst, call)
                }
                1 => {
                    let (t, o) = (s.rest_transport.clone(), rest_options.clone());
                    let call = move || through_transport(t.clone(), o.clone(), name.clone());
                    bench.bursts_or_sequential(burst, call)
                }
                2 => {
                    let (t, o) = (s.rest_transport.clone(), rest_options.clone());
                    let call =
                        move || through_transport_with_deadline(t.clone(), o.clone(), name.clone());
                    bench.bursts_or_sequential(burst, call)
                }
                _ => {
                    let client = s.rest_client.clone();
                    let call = move || through_client(client.clone(), name.clone());
                    bench.bursts_or_sequential(burst, call)
                }
            }
        };
        for (i, c) in rest.iter_mut().enumerate() {
            c.burst.0.push(run_rest(i, true));
            c.latency.0.push(run_rest(i, false));
        }

        let run_grpc = |i: usize, burst: bool| -> PerCall {
            let name = s.name.clone();
            match i {
                0 => {
                    let g = s.grpc.clone();
                    let call = move || bare_grpc(g.clone(), name.clone());
                    bench.bursts_or_sequential(burst, call)
                }
                1 => {
                    let (t, o) = (s.grpc_transport.clone(), grpc_options.clone());
                    let call = move || through_transport(t.clone(), o.clone(), name.clone());
                    bench.bursts_or_sequential(burst, call)
                }
                2 => {
                    let (t, o) = (s.grpc_transport.clone(), grpc_options.clone());
                    let call =
                        move || through_transport_with_deadline(t.clone(), o.clone(), name.clone());
                    bench.bursts_or_sequential(burst, call)
                }
                _ => {
                    let client = s.grpc_client.clone();
                    let call = move || through_client(client.clone(), name.clone());
                    bench.bursts_or_sequential(burst, call)
                }
            }
        };
        for (i, c) in grpc.iter_mut().enumerate() {
            c.burst.0.push(run_grpc(i, true));
            c.latency.0.push(run_grpc(i, false));
        }
    }

    println!(
        "\noverhead: medians of {rounds} interleaved rounds of {BURSTS} bursts x {CALLERS} callers \
         (latency: {SEQUENTIAL} sequential calls)"
    );
    println!("\nREST server CPU per GetCustomer (same bare reqwest client, {CALLERS} callers)");
    servers.print();
    let [bare, transport, with_deadline, client] = &rest;
    client_table("REST client", bare, &[transport, with_deadline, client]);
    let [bare, transport, with_deadline, client] = &grpc;
    client_table("gRPC client", bare, &[transport, with_deadline, client]);
    println!();
    let [_, _, rest, _] = rest;
    let [_, _, grpc, _] = grpc;
    Transports { rest, grpc }
}

/// How far apart a contender's rounds are: (highest - lowest) / median.
/// Server CPU samples of the fixed-answer floor and of the emulator, taken
/// with the same bare client.
#[derive(Default)]
struct Servers {
    floor: Samples,
    emulator: Samples,
}

impl Servers {
    /// One round: bursts against the floor, then against `emulator_url`.
    fn round(&mut self, bench: &Bench, s: &Setup, emulator_url: &Arc<str>) {
        for (samples, url) in [
            (&mut self.floor, &s.fixed_url),
            (&mut self.emulator, emulator_url),
        ] {
            let http = s.http.clone();
            samples
                .0
                .push(bench.bursts(|| bare_rest(http.clone(), url.clone())));
        }
    }

    #[allow(clippy::print_stdout)]
    fn print(&self) {
        let (floor, emulator) = (self.floor.server_us(), self.emulator.server_us());
        println!(
            "fixed-answer axum server: {floor:.2} µs; emulator: {emulator:.2} µs; ratio emulator / floor: {:.2}x",
            emulator / floor
        );
    }
}

/// The server comparison alone: the same bare client against the floor and
/// the emulator (its URL followed by `query`), alternately, for `time`.
#[allow(clippy::print_stdout)]
fn servers_alone(bench: &Bench, s: &Setup, time: Duration, query: &str) {
    let emulator_url: Arc<str> = format!("{}{query}", s.emulator_url).into();
    let mut servers = Servers::default();
    let started = Instant::now();
    while servers.floor.0.is_empty() || started.elapsed() < time {
        servers.round(bench, s, &emulator_url);
    }
    println!(
        "REST server CPU per GetCustomer{query}, medians of {} alternating rounds of {BURSTS} bursts x {CALLERS} callers",
        servers.floor.0.len()
    );
    servers.print();
}

fn spread(samples: &Samples, f: impl Fn(&PerCall) -> f64 + Copy) -> f64 {
    let values: Vec<f64> = samples.0.iter().map(f).collect();
    let highest = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let lowest = values.iter().copied().fold(f64::INFINITY, f64::min);
    (highest - lowest) / samples.median_of(f)
}

/// Measures the `Call` layer alone, then prints its cost and the ratio it
/// makes over each wire's transport as the ratio pass measured it.
#[allow(clippy::print_stdout)]
fn call_layer(layer: &Layer, transports: &Transports) {
    let (default, one) = (&layer.client, &layer.one_attempt);
    // Warm: the runtime's timer, the allocator's caches.
    for client in [default, one] {
        layer.measure(LAYER_CALLS / 10, || layer.direct(client));
        layer.measure(LAYER_CALLS / 10, || layer.through(client));
    }
    let started = Instant::now();
    let [mut direct, mut client, mut one_direct, mut one_client]: [Samples; 4] = Default::default();
    let mut rounds = 0;
    while rounds < LAYER_ROUNDS && started.elapsed() < LAYER_TIME_LIMIT {
        rounds += 1;
        direct
            .0
            .push(layer.measure(LAYER_CALLS, || layer.direct(default)));
        client
            .0
            .push(layer.measure(LAYER_CALLS, || layer.through(default)));
        one_direct
            .0
            .push(layer.measure(LAYER_CALLS, || layer.direct(one)));
        one_client
            .0
            .push(layer.measure(LAYER_CALLS, || layer.through(one)));
    }
    let ns = |s: &Samples| s.median_of(|p| p.client_cpu.as_secs_f64() * 1e9);
    let layer_ns = ns(&client) - ns(&direct);
    let layer_allocations = client.allocations() - direct.allocations();
    println!(
        "Call layer alone: a CloudChannelService double answering GetCustomer at once, \
         current-thread runtime, medians of {rounds} interleaved rounds of {LAYER_CALLS} calls"
    );
    println!(
        "double called directly (defaults + deadline): {:.0} ns CPU, {:.2} allocations per call",
        ns(&direct),
        direct.allocations()
    );
    println!(
        "Client over the double: {:.0} ns CPU, {:.2} allocations per call",
        ns(&client),
        client.allocations()
    );
    println!("Call layer: {layer_ns:.0} ns CPU, {layer_allocations:.2} allocations per call");
    println!(
        "Call layer with one attempt allowed (RetryPolicy::none, no request copy): \
         {:.0} ns CPU, {:.2} allocations per call",
        ns(&one_client) - ns(&one_direct),
        one_client.allocations() - one_direct.allocations()
    );
    for (wire, transport) in [("REST", &transports.rest), ("gRPC", &transports.grpc)] {
        // The figures of whichever measurement of the transport varied less
        // between rounds.
        let cpu = |p: &PerCall| p.client_cpu.as_secs_f64() * 1e6;
        let (burst, sequential) = (
            spread(&transport.burst, cpu),
            spread(&transport.latency, cpu),
        );
        let (which, samples, other) = if sequential <= burst {
            ("sequential calls", &transport.latency, burst)
        } else {
            ("bursts of concurrent calls", &transport.burst, sequential)
        };
        let transport_ns = samples.client_us() * 1e3;
        let transport_allocations = samples.allocations();
        println!(
            "Call layer ratio over {wire} ({}, {which}: rounds spread {:.0}% against {:.0}%): \
             client CPU ({transport_ns:.0} + {layer_ns:.0}) / {transport_ns:.0} ns = {:.3}x, \
             allocations ({transport_allocations:.1} + {layer_allocations:.2}) / {transport_allocations:.1} = {:.3}x",
            transport.label,
            spread(samples, cpu) * 100.0,
            other * 100.0,
            (transport_ns + layer_ns) / transport_ns,
            (transport_allocations + layer_allocations) / transport_allocations,
        );
    }
    println!();
}

// ---------------------------------------------------------------------------
// Criterion: single-call latency of each contender.

fn latency(c: &mut Criterion, bench: &Bench, s: &Setup) {
    let rt = &bench.client_rt;
    let mut group = c.benchmark_group("overhead_rest_get_customer");
    group.bench_function("fixed_answer_server", |b| {
        b.iter(|| rt.block_on(bare_rest(s.http.clone(), s.fixed_url.clone())))
    });
    group.bench_function("bare_reqwest", |b| {
        b.iter(|| rt.block_on(bare_rest(s.http.clone(), s.emulator_url.clone())))
    });
    let options = transport_options(&s.rest_client);
    group.bench_function("http_transport", |b| {
        b.iter(|| {
            rt.block_on(through_transport(
                s.rest_transport.clone(),
                options.clone(),
                s.name.clone(),
            ))
        })
    });
    group.bench_function("client", |b| {
        b.iter(|| rt.block_on(through_client(s.rest_client.clone(), s.name.clone())))
    });
    group.finish();

    let mut group = c.benchmark_group("overhead_grpc_get_customer");
    group.bench_function("bare_tonic", |b| {
        b.iter(|| rt.block_on(bare_grpc(s.grpc.clone(), s.name.clone())))
    });
    let options = transport_options(&s.grpc_client);
    group.bench_function("grpc_transport", |b| {
        b.iter(|| {
            rt.block_on(through_transport(
                s.grpc_transport.clone(),
                options.clone(),
                s.name.clone(),
            ))
        })
    });
    group.bench_function("client", |b| {
        b.iter(|| rt.block_on(through_client(s.grpc_client.clone(), s.name.clone())))
    });
    group.finish();
}

/// Criterion: a single call through the double, directly and through the
/// client.
fn call_layer_latency(c: &mut Criterion, layer: &Layer) {
    let mut group = c.benchmark_group("call_layer");
    group.bench_function("double_directly", |b| {
        b.iter(|| layer.rt.block_on(layer.direct(&layer.client)))
    });
    group.bench_function("client_over_double", |b| {
        b.iter(|| layer.rt.block_on(layer.through(&layer.client)))
    });
    group.finish();
}

fn main() {
    // Only run under `cargo bench` (the test harness passes no --bench).
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let bench = Bench::new();
    let s = setup(&bench);
    if let Some(seconds) = std::env::var("OVERHEAD_SERVERS")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        let query = std::env::var("OVERHEAD_QUERY").unwrap_or_default();
        servers_alone(&bench, &s, Duration::from_secs(seconds), &query);
        return;
    }
    let transports = ratios(&bench, &s);
    let layer = Layer::new();
    call_layer(&layer, &transports);
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    latency(&mut criterion, &bench, &s);
    call_layer_latency(&mut criterion, &layer);
    criterion.final_summary();
    let Setup { emulator, .. } = s;
    bench
        .server_rt
        .block_on(emulator.shutdown())
        .expect("shutdown");
}
