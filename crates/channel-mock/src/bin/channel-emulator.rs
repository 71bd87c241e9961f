//! `channel-emulator`: a local Cloud Channel API server, gRPC and REST in one
//! process, for Google's official clients and ours.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use channel_mock::{AccountConfig, Emulator, EmulatorConfig, EngineConfig, FaultConfig};
use clap::Parser;

/// A local Cloud Channel API emulator (gRPC and REST).
///
/// When ready it prints one line of JSON to stdout with both addresses and
/// the default account, e.g.
/// {"grpc":"127.0.0.1:8790","http":"127.0.0.1:8791","account":"accounts/C0emulator"}
///
/// Example: channel-emulator --grpc 127.0.0.1:0 --http 127.0.0.1:0 --state fixtures.json
#[derive(Parser, Debug)]
#[command(name = "channel-emulator", version)]
struct Args {
    /// gRPC listen address (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8790", value_name = "ADDR")]
    grpc: SocketAddr,

    /// REST listen address (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8791", value_name = "ADDR")]
    http: SocketAddr,

    /// State file: loaded at start (a missing file is an empty state), saved
    /// at shutdown. A corrupt file stops the start and is left untouched.
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,

    /// Accounts file (JSON): {"accounts": [{"id": "R1", "kind": "reseller", "tokens": ["t1"]}, ...]}.
    /// With it, callers must send one of the tokens as a bearer token and act
    /// for that account; without it, every caller is the default reseller.
    #[arg(long, value_name = "FILE")]
    accounts: Option<PathBuf>,

    /// How long long-running operations take before they are done, in milliseconds.
    #[arg(long, default_value_t = 50, value_name = "MS")]
    operation_delay_ms: u64,

    /// Fault injection: fraction of calls (0 to 1) answered UNAVAILABLE.
    #[arg(long, default_value_t = 0.0, value_name = "RATE")]
    unavailable_rate: f64,

    /// Fault injection: latency added to every call, in milliseconds.
    #[arg(long, default_value_t = 0, value_name = "MS")]
    latency_ms: u64,

    /// Fault injection: fraction of calls applied and then answered as a
    /// dropped connection (UNAVAILABLE), to test idempotent retries.
    #[arg(long, default_value_t = 0.0, value_name = "RATE")]
    drop_after_apply_rate: f64,
}

#[derive(serde::Deserialize)]
struct AccountsFile {
    accounts: Vec<AccountConfig>,
}

fn engine_config(args: &Args) -> Result<EngineConfig, String> {
    for (name, rate) in [
        ("--unavailable-rate", args.unavailable_rate),
        ("--drop-after-apply-rate", args.drop_after_apply_rate),
    ] {
        if !(0.0..=1.0).contains(&rate) {
            return Err(format!("{name} must be between 0 and 1, got {rate}"));
        }
    }
    let mut config = EngineConfig {
        operation_delay: Duration::from_millis(args.operation_delay_ms),
        faults: FaultConfig {
            unavailable_rate: args.unavailable_rate,
            latency: Duration::from_millis(args.latency_ms),
            drop_after_apply_rate: args.drop_after_apply_rate,
        },
        ..EngineConfig::default()
    };
    if let Some(path) = &args.accounts {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("--accounts {}: {e}", path.display()))?;
        let file: AccountsFile = serde_json::from_str(&text)
            .map_err(|e| format!("--accounts {}: {e}", path.display()))?;
        if file.accounts.is_empty() {
            return Err(format!("--accounts {}: no accounts", path.display()));
        }
        config.accounts = file.accounts;
        config.require_auth = true;
    }
    Ok(config)
}

async fn stop_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let engine = match engine_config(&args) {
        Ok(engine) => engine,
        Err(message) => {
            eprintln!("channel-emulator: {message}");
            return ExitCode::from(2);
        }
    };
    let config = EmulatorConfig {
        engine,
        grpc: args.grpc,
        http: args.http,
        state_file: args.state,
    };
    let emulator = match Emulator::start(config).await {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!("channel-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    #[allow(clippy::print_stdout)]
    {
        println!("{}", emulator.ready_line());
    }
    stop_signal().await;
    match emulator.shutdown().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("channel-emulator: {e}");
            ExitCode::FAILURE
        }
    }
}
