//! The emulator as a process: the gRPC and REST servers over one engine,
//! started in-process or by the `channel-emulator` binary.

mod grpc;
mod rest;
mod system_params;

use std::net::SocketAddr;
use std::path::PathBuf;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::engine::{Engine, EngineConfig, State};
use crate::stubs::{
    cloud_channel_reports_service_server, cloud_channel_service_server, operations_server,
};
use grpc::GrpcService;

/// Where the emulator listens and what it starts from.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// The engine's behaviour: accounts, access mode, operation delay, faults.
    pub engine: EngineConfig,
    /// The gRPC address (port 0 picks a free port).
    pub grpc: SocketAddr,
    /// The REST address (port 0 picks a free port).
    pub http: SocketAddr,
    /// Loaded at start and saved at shutdown when set.
    pub state_file: Option<PathBuf>,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            engine: EngineConfig::default(),
            grpc: SocketAddr::from(([127, 0, 0, 1], 0)),
            http: SocketAddr::from(([127, 0, 0, 1], 0)),
            state_file: None,
        }
    }
}

/// Why the emulator could not start or save.
#[derive(Debug)]
pub enum EmulatorError {
    /// An address could not be bound.
    Bind(SocketAddr, std::io::Error),
    /// The state file could not be read or written.
    StateFile(PathBuf, std::io::Error),
    /// The state file is not valid emulator state.
    CorruptState(PathBuf, serde_json::Error),
}

impl std::fmt::Display for EmulatorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EmulatorError::Bind(addr, e) => write!(f, "cannot listen on {addr}: {e}"),
            EmulatorError::StateFile(path, e) => write!(f, "state file {}: {e}", path.display()),
            EmulatorError::CorruptState(path, e) => write!(
                f,
                "state file {} is not valid emulator state ({e}); fix or remove it: it was left untouched",
                path.display()
            ),
        }
    }
}

impl std::error::Error for EmulatorError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EmulatorError::Bind(_, e) | EmulatorError::StateFile(_, e) => Some(e),
            EmulatorError::CorruptState(_, e) => Some(e),
        }
    }
}

/// Reads a state file; a missing file is an empty state, a corrupt one an error.
pub fn load_state(path: &std::path::Path) -> Result<State, EmulatorError> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| EmulatorError::CorruptState(path.to_path_buf(), e)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(State::default()),
        Err(e) => Err(EmulatorError::StateFile(path.to_path_buf(), e)),
    }
}

/// Writes a state file atomically (a temporary file renamed over it).
pub fn save_state(path: &std::path::Path, state: &State) -> Result<(), EmulatorError> {
    let text = serde_json::to_vec_pretty(state)
        .map_err(|e| EmulatorError::CorruptState(path.to_path_buf(), e))?;
    let temporary = path.with_extension("tmp");
    std::fs::write(&temporary, text).map_err(|e| EmulatorError::StateFile(temporary.clone(), e))?;
    std::fs::rename(&temporary, path).map_err(|e| EmulatorError::StateFile(path.to_path_buf(), e))
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
}

impl Emulator {
    /// Loads the state file (if any), binds both addresses and starts serving.
    pub async fn start(config: EmulatorConfig) -> Result<Emulator, EmulatorError> {
        let state = match &config.state_file {
            Some(path) => load_state(path)?,
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

        let service = GrpcService {
            engine: engine.clone(),
        };
        let (health_reporter, health) = tonic_health::server::health_reporter();
        health_reporter
            .set_serving::<cloud_channel_service_server::CloudChannelServiceServer<GrpcService>>()
            .await;
        let reflection = tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(channel_types::FILE_DESCRIPTOR_SET)
            .build_v1()
            .ok();
        let mut grpc_stop = stopped.clone();
        let grpc_server = tonic::transport::Server::builder()
            .add_service(
                cloud_channel_service_server::CloudChannelServiceServer::new(service.clone())
                    .max_decoding_message_size(32 << 20)
                    .max_encoding_message_size(32 << 20),
            )
            .add_service(
                cloud_channel_reports_service_server::CloudChannelReportsServiceServer::new(
                    service.clone(),
                ),
            )
            .add_service(operations_server::OperationsServer::new(service))
            .add_service(health)
            .add_optional_service(reflection);
        let grpc_task = tokio::spawn(async move {
            // No Nagle: small responses must not wait for the peer's delayed ACK.
            let incoming =
                tonic::transport::server::TcpIncoming::from(grpc_listener).with_nodelay(Some(true));
            let signal = async move {
                let _ = grpc_stop.wait_for(|s| *s).await;
            };
            if let Err(e) = grpc_server
                .serve_with_incoming_shutdown(incoming, signal)
                .await
            {
                tracing::error!(error = %e, "gRPC server stopped");
            }
        });

        let mut http_stop = stopped;
        let router = rest::router(engine.clone());
        let http_task = tokio::spawn(async move {
            let signal = async move {
                let _ = http_stop.wait_for(|s| *s).await;
            };
            if let Err(e) = axum::serve(http_listener, router)
                .with_graceful_shutdown(signal)
                .await
            {
                tracing::error!(error = %e, "REST server stopped");
            }
        });

        Ok(Emulator {
            engine,
            grpc,
            http,
            state_file: config.state_file,
            stop,
            tasks: vec![grpc_task, http_task],
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

    /// Stops both servers, waits for in-flight calls, and saves the state
    /// file if there is one.
    pub async fn shutdown(mut self) -> Result<(), EmulatorError> {
        let _ = self.stop.send(true);
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
        for task in &self.tasks {
            task.abort();
        }
    }
}
