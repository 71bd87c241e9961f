//! `channel-emulator`: a local Cloud Channel API server, gRPC and REST in one
//! process, for Google's official clients and ours.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use channel_mock::{
    AccountConfig, ConnectionLimits, Emulator, EmulatorConfig, EngineConfig, FaultConfig, Scenario,
    ScenarioFormat,
};
use clap::Parser;

/// A local Cloud Channel API emulator (gRPC and REST).
///
/// When ready it prints one line of JSON to stdout with both addresses and
/// the default account, e.g.
/// {"grpc":"127.0.0.1:8790","http":"127.0.0.1:8791","account":"accounts/C0emulator"}
///
/// SIGTERM or SIGINT (Ctrl-C) stops it: calls in flight finish, then the
/// state file is saved. Durations are written like 500ms, 5s, 2m or 1h.
///
/// Example: channel-emulator --grpc 127.0.0.1:0 --http 127.0.0.1:0 --state fixtures.json --save-every 5s
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
    /// at shutdown. A corrupt file, or one of an unknown version, stops the
    /// start and is left untouched; so does a directory that is not writable.
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,

    /// Also save the state file this often (e.g. 5s), so that a process
    /// killed outright loses at most that much.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, requires = "state")]
    save_every: Option<Duration>,

    /// Accounts file (JSON): {"accounts": [{"id": "R1", "kind": "reseller", "tokens": ["t1"]}, ...]}.
    /// With it, callers must send one of the tokens as a bearer token and act
    /// for that account; without it, every caller is the default reseller.
    #[arg(long, value_name = "FILE")]
    accounts: Option<PathBuf>,

    /// Scenario file seeded at start: accounts, customers with their Cloud
    /// Identity and entitlements, customers of other resellers or of Google
    /// with their auth tokens (see examples/scenario.yaml). A .yaml or .yml
    /// file is read as YAML, any other as JSON. Accounts with tokens turn
    /// on configured mode, as --accounts does.
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,

    /// How long long-running operations take before they are done, in milliseconds.
    #[arg(long, default_value_t = 50, value_name = "MS")]
    operation_delay_ms: u64,

    /// Fault injection: fraction of calls (0 to 1) answered UNAVAILABLE.
    #[arg(long, default_value_t = 0.0, value_name = "RATE")]
    unavailable_rate: f64,

    /// Fault injection: latency added to every call, in milliseconds.
    #[arg(long, default_value_t = 0, value_name = "MS")]
    latency_ms: u64,

    /// Fault injection: fraction of calls applied, then left without an
    /// answer: their connection is cut (other calls on it too), so clients
    /// see a request sent and never answered. For testing safe retries.
    #[arg(long, default_value_t = 0.0, value_name = "RATE")]
    drop_after_apply_rate: f64,

    /// Most connections open at once on each port; more wait to be accepted.
    #[arg(long, default_value_t = ConnectionLimits::default().max_connections, value_name = "N")]
    max_connections: usize,

    /// A connection with no call in flight for this long is closed.
    #[arg(long, default_value = "60s", value_name = "DURATION", value_parser = parse_duration)]
    idle_timeout: Duration,

    /// How long an HTTP/1 client may take to send a request's headers (on a
    /// kept-alive connection, counted from the end of the previous call).
    #[arg(long, default_value = "30s", value_name = "DURATION", value_parser = parse_duration)]
    header_read_timeout: Duration,

    /// The longest a call may run before it is answered DEADLINE_EXCEEDED.
    #[arg(long, default_value = "60s", value_name = "DURATION", value_parser = parse_duration)]
    request_timeout: Duration,

    /// The largest request accepted (a REST body or a gRPC message); larger
    /// ones are answered RESOURCE_EXHAUSTED (HTTP 413 over REST).
    #[arg(long, default_value_t = ConnectionLimits::default().max_request_bytes, value_name = "BYTES")]
    max_request_bytes: usize,
}

/// A duration as a whole number and a unit: `ms`, `s`, `m` or `h`.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let (number, unit) = text.split_at(digits);
    let expected = || format!("{text:?} is not a duration; expected e.g. 500ms, 5s, 2m or 1h");
    let n: u64 = number.parse().map_err(|_| expected())?;
    let seconds = |factor: u64| {
        n.checked_mul(factor)
            .map(Duration::from_secs)
            .ok_or_else(|| format!("{text:?} is too long a duration"))
    };
    match unit {
        "ms" => Ok(Duration::from_millis(n)),
        "s" => seconds(1),
        "m" => seconds(60),
        "h" => seconds(3600),
        _ => Err(expected()),
    }
}

#[derive(serde::Deserialize)]
struct AccountsFile {
    accounts: Vec<AccountConfig>,
}

fn engine_config(args: &Args, scenario: Option<&Scenario>) -> Result<EngineConfig, String> {
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
            panic_method: None,
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
    if let Some(scenario) = scenario {
        for account in &scenario.accounts {
            config.accounts.retain(|a| a.id != account.id);
            config.require_auth |= !account.tokens.is_empty();
        }
        config.accounts.extend(scenario.accounts.iter().cloned());
    }
    Ok(config)
}

fn read_scenario(path: &std::path::Path) -> Result<Scenario, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("--scenario {}: {e}", path.display()))?;
    Scenario::parse(&text, ScenarioFormat::of_path(path))
        .map_err(|e| format!("--scenario {}: {e}", path.display()))
}

/// The stop signals, listened for from the moment this is called, so that
/// a signal sent as soon as the ready line is out is caught, never fatal.
#[cfg(unix)]
struct StopSignals {
    terminate: tokio::signal::unix::Signal,
    interrupt: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl StopSignals {
    fn install() -> std::io::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(StopSignals {
            terminate: signal(SignalKind::terminate())?,
            interrupt: signal(SignalKind::interrupt())?,
        })
    }

    async fn received(mut self) {
        tokio::select! {
            _ = self.terminate.recv() => {},
            _ = self.interrupt.recv() => {},
        }
    }
}

#[cfg(windows)]
struct StopSignals {
    ctrl_c: tokio::signal::windows::CtrlC,
}

#[cfg(windows)]
impl StopSignals {
    fn install() -> std::io::Result<Self> {
        Ok(StopSignals {
            ctrl_c: tokio::signal::windows::ctrl_c()?,
        })
    }

    async fn received(mut self) {
        let _ = self.ctrl_c.recv().await;
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    // Before anything else: from here on a stop signal means "save and stop".
    let signals = match StopSignals::install() {
        Ok(signals) => signals,
        Err(e) => {
            eprintln!("channel-emulator: cannot listen for stop signals: {e}");
            return ExitCode::FAILURE;
        }
    };
    let scenario = match args.scenario.as_deref().map(read_scenario).transpose() {
        Ok(scenario) => scenario,
        Err(message) => {
            eprintln!("channel-emulator: {message}");
            return ExitCode::from(2);
        }
    };
    let engine = match engine_config(&args, scenario.as_ref()) {
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
        save_every: args.save_every,
        limits: ConnectionLimits {
            max_connections: args.max_connections,
            idle_timeout: args.idle_timeout,
            header_read_timeout: args.header_read_timeout,
            request_timeout: args.request_timeout,
            max_request_bytes: args.max_request_bytes,
            ..ConnectionLimits::default()
        },
    };
    let emulator = match Emulator::start(config).await {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!("channel-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(scenario) = &scenario
        && let Err(e) = emulator.engine().seed(scenario)
    {
        eprintln!("channel-emulator: --scenario: {e}");
        let _ = emulator.shutdown().await;
        return ExitCode::from(2);
    }
    #[allow(clippy::print_stdout)]
    {
        println!("{}", emulator.ready_line());
    }
    signals.received().await;
    match emulator.shutdown().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("channel-emulator: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_with_their_unit() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        for bad in [
            "",
            "5",
            "s",
            "5 s",
            "-5s",
            "5.5s",
            "5d",
            "5€",
            "99999999999999999999h",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
        assert!(parse_duration("18446744073709551615h").is_err());
    }
}
