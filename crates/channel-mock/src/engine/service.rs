//! The service traits over the engine: every call resolves its caller,
//! goes through the configured faults, and runs the engine's method.
//!
//! The trait implementations are generated (`generated/engine.rs`): each RPC
//! is one `Engine::serve` of the engine method of the same name, which
//! takes the caller and the request. A new RPC in the schema fails to
//! compile there until the engine has that method.

use channel_core::transport::BoxFuture;
use channel_core::{CallOptions, Error, Result};
use channel_types::rpc::Code;

use super::{Caller, Engine};

impl Engine {
    /// Runs one call: faults first, then the caller, then the method.
    fn serve<T: Send + 'static>(
        &self,
        name: &'static str,
        options: CallOptions,
        method: impl FnOnce(&Engine, &Caller) -> Result<T> + Send + 'static,
    ) -> BoxFuture<'static, Result<T>> {
        let engine = self.clone();
        Box::pin(async move {
            let faults = &engine.inner.config.faults;
            if !faults.latency.is_zero() {
                tokio::time::sleep(faults.latency).await;
            }
            if faults.unavailable_rate > 0.0 && fastrand::f64() < faults.unavailable_rate {
                return Err(Error::rpc(
                    Code::Unavailable,
                    "injected fault: the service is unavailable",
                ));
            }
            let started = std::time::Instant::now();
            let caller = match engine.caller(&options) {
                Ok(caller) => caller,
                Err(error) => {
                    engine.journal_record(
                        name,
                        String::new(),
                        error.code().as_str_name(),
                        started.elapsed(),
                    );
                    return Err(error);
                }
            };
            let result = method(&engine, &caller);
            let status = match &result {
                Ok(_) => "OK",
                Err(error) => error.code().as_str_name(),
            };
            engine.journal_record(name, caller.account, status, started.elapsed());
            if result.is_ok()
                && faults.drop_after_apply_rate > 0.0
                && fastrand::f64() < faults.drop_after_apply_rate
            {
                return Err(dropped());
            }
            result
        })
    }
}

/// The error that stands for "applied, then the connection dropped": the
/// servers close the connection instead of answering.
pub(crate) fn dropped() -> Error {
    Error::transport(
        "injected fault: the connection dropped after the change was applied",
        DroppedConnection,
    )
}

/// Marks an injected dropped connection.
#[derive(Debug)]
pub(crate) struct DroppedConnection;

impl std::fmt::Display for DroppedConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped")
    }
}

impl std::error::Error for DroppedConnection {}

/// Whether an error is an injected dropped connection.
pub(crate) fn is_dropped(error: &Error) -> bool {
    std::error::Error::source(error).is_some_and(|s| s.is::<DroppedConnection>())
}

// The service traits, one `serve` per RPC.
include!("../generated/engine.rs");
