//! The emulator as a process: the gRPC and REST servers over one engine,
//! started in-process or by the `channel-emulator` binary.
//!
//! Both servers share one connection policy ([`conn`]), check the resource
//! names of every request ([`names`]) and answer a handler's panic with
//! INTERNAL instead of a dropped connection ([`recover`]); the state file is
//! kept as a database keeps its files ([`state_file`]).

mod admin;
mod conn;
mod grpc;
mod names;
mod push;
mod recover;
mod reply;
mod rest;
mod router;
mod state_file;
mod system_params;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower_http::catch_panic::CatchPanicLayer;

use crate::engine::{Engine, EngineConfig, State};
use crate::stubs::{
    cloud_channel_reports_service_server, cloud_channel_service_server, operations_server,
};
pub use conn::ConnectionLimits;
use grpc::GrpcService;
pub use state_file::{EmulatorError, load_state, save_state};

/// The shortest period between periodic saves; shorter ones are raised to it.
pub const MIN_SAVE_PERIOD: Duration = Duration::from_millis(50);

/// Where the emulator listens and what it starts from.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// The engine's behaviour: accounts, access mode, operation delay, faults.
    pub engine: EngineConfig,
    /// The gRPC address (port 0 picks a free port).
    pub grpc: SocketAddr,
    /// The REST address (port 0 picks a free port).
    pub http: SocketAddr,
    /// Loaded at start and saved at shutdown when set. Its directory must
    /// be writable when the emulator starts.
    pub state_file: Option<PathBuf>,
    /// Also save the state file this often (at least [`MIN_SAVE_PERIOD`],
    /// at most a year),
    /// so a process that is killed outright loses at most that much.
    pub save_every: Option<Duration>,
    /// Connection and request limits of both ports.
    pub limits: ConnectionLimits,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            engine: EngineConfig::default(),
            grpc: SocketAddr::from(([127, 0, 0, 1], 0)),
            http: SocketAddr::from(([127, 0, 0, 1], 0)),
            state_file: None,
            save_every: None,
            limits: ConnectionLimits::default(),
        }
    }
}

/// A running emulator. Dropping it stops the servers (without saving: call
/// [`shutdown`](Self::shutdown) to save the state file).
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use channel_mock::{Emulator, EmulatorConfig};
///
/// let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
/// assert!(emulator.grpc_addr().ip().is_loopback());
/// println!("{}", emulator.ready_line());
/// emulator.shutdown().await.unwrap();
/// # });
/// ```
#[derive(Debug)]
pub struct Emulator {
    engine: Engine,
    grpc: SocketAddr,
    http: SocketAddr,
    state_file: Option<PathBuf>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    saver: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Loads the state file (if any) and checks that its directory is
    /// writable, binds both addresses and starts serving.
    pub async fn start(config: EmulatorConfig) -> Result<Emulator, EmulatorError> {
        let state = match &config.state_file {
            Some(path) => {
                let state = load_state(path)?;
                // Now, not at shutdown when the session would be lost.
                state_file::check_writable(path)?;
                state
            }
            None => State::default(),
        };
        let engine = Engine::with_state(config.engine, state);
        let grpc_listener = TcpListener::bind(config.grpc)
            .await
            .map_err(|e| EmulatorError::Bind(config.grpc, e))?;
        let http_listener = TcpListener::bind(config.http)
            .await
            .map_err(|e| EmulatorError::Bind(config.http, e))?;
        let grpc = grpc_listener
            .local_addr()
            .map_err(|e| EmulatorError::Bind(config.grpc, e))?;
        let http = http_listener
            .local_addr()
            .map_err(|e| EmulatorError::Bind(config.http, e))?;
        let (stop, stopped) = watch::channel(false);

        let grpc_app = grpc_app(&engine, &config.limits).await;
        let grpc_task = tokio::spawn(conn::serve(
            grpc_listener,
            grpc_app,
            conn::Wire::Grpc,
            config.limits.clone(),
            stopped.clone(),
        ));
        let http_app = rest::RestService::new(engine.clone(), config.limits.max_request_bytes);
        let push_task = tokio::spawn(push::deliver(engine.clone(), stopped.clone()));
        let http_task = tokio::spawn(conn::serve(
            http_listener,
            http_app,
            conn::Wire::Rest,
            config.limits.clone(),
            stopped,
        ));

        let saver = match (&config.state_file, config.save_every) {
            (Some(path), Some(every)) => Some(tokio::spawn(save_periodically(
                engine.clone(),
                path.clone(),
                every.clamp(MIN_SAVE_PERIOD, conn::LONGEST_WAIT),
            ))),
            _ => None,
        };

        Ok(Emulator {
            engine,
            grpc,
            http,
            state_file: config.state_file,
            stop,
            tasks: vec![grpc_task, http_task, push_task],
            saver,
        })
    }

    /// The gRPC address.
    pub fn grpc_addr(&self) -> SocketAddr {
        self.grpc
    }

    /// The REST address.
    pub fn http_addr(&self) -> SocketAddr {
        self.http
    }

    /// `http://host:port` of the gRPC server.
    pub fn grpc_endpoint(&self) -> String {
        format!("http://{}", self.grpc)
    }

    /// `http://host:port` of the REST server.
    pub fn http_endpoint(&self) -> String {
        format!("http://{}", self.http)
    }

    /// The engine both servers share (also usable in-process).
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The one line of JSON printed when ready: both addresses and the
    /// account open-mode callers act for.
    pub fn ready_line(&self) -> String {
        serde_json::json!({
            "grpc": self.grpc.to_string(),
            "http": self.http.to_string(),
            "account": format!("accounts/{}", self.engine.config().default_account()),
        })
        .to_string()
    }

    /// Stops both servers, waits for in-flight calls (for at most
    /// [`ConnectionLimits::shutdown_grace`]), and saves the state file if
    /// there is one.
    pub async fn shutdown(mut self) -> Result<(), EmulatorError> {
        let _ = self.stop.send(true);
        if let Some(saver) = self.saver.take() {
            saver.abort();
            let _ = saver.await;
        }
        for task in self.tasks.drain(..) {
            let _ = task.await;
        }
        match &self.state_file {
            Some(path) => save_state(path, &self.engine.snapshot()),
            None => Ok(()),
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        for task in self.tasks.iter().chain(&self.saver) {
            task.abort();
        }
    }
}

/// The gRPC services (the Channel API, health and reflection) as one app.
async fn grpc_app(engine: &Engine, limits: &ConnectionLimits) -> axum::Router {
    let service = GrpcService {
        engine: engine.clone(),
    };
    let (health_reporter, health) = tonic_health::server::health_reporter();
    health_reporter
        .set_serving::<cloud_channel_service_server::CloudChannelServiceServer<GrpcService>>()
        .await;
    let mut routes = tonic::service::Routes::new(
        cloud_channel_service_server::CloudChannelServiceServer::new(service.clone())
            .max_decoding_message_size(limits.max_request_bytes),
    )
    .add_service(
        cloud_channel_reports_service_server::CloudChannelReportsServiceServer::new(
            service.clone(),
        )
        .max_decoding_message_size(limits.max_request_bytes),
    )
    .add_service(
        operations_server::OperationsServer::new(service)
            .max_decoding_message_size(limits.max_request_bytes),
    )
    .add_service(health);
    if let Ok(reflection) = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(channel_types::FILE_DESCRIPTOR_SET)
        .build_v1()
    {
        routes = routes.add_service(reflection);
    }
    routes
        .prepare()
        .into_axum_router()
        .layer(CatchPanicLayer::custom(recover::grpc_answer))
}

/// Saves the state file every `period` until aborted. A failed save is
/// logged and tried again at the next tick.
async fn save_periodically(engine: Engine, path: PathBuf, period: Duration) {
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let state = engine.snapshot();
        let path = path.clone();
        match tokio::task::spawn_blocking(move || save_state(&path, &state)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "periodic save failed"),
            Err(e) => tracing::error!(error = %e, "periodic save failed"),
        }
    }
}
