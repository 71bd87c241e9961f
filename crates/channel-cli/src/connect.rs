//! The connection flags and the client they make: endpoint, transport,
//! credentials, quota project, timeout, and the in-process emulator of
//! `--emulator`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use channel::credentials::{ApplicationDefault, Credentials, ServiceAccount, StaticToken};
use channel::emulator::{Emulator, EmulatorConfig};
use channel::grpc::GrpcTransport;
use channel::http::HttpTransport;
use channel::{Client, ClientBuilder, PollingPolicy};

use crate::failure::Failure;
use crate::output::Format;

/// The wire a call travels on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Transport {
    /// REST with JSON bodies.
    Http,
    /// gRPC.
    Grpc,
}

/// The flags every command takes.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Connection and output")]
pub(crate) struct GlobalArgs {
    /// `--endpoint`: the service's address.
    #[arg(
        long,
        global = true,
        value_name = "URL",
        help = "The service's address, e.g. https://cloudchannel.googleapis.com (the default) \
                or http://127.0.0.1:8790 for a local emulator"
    )]
    pub(crate) endpoint: Option<String>,

    /// The wire protocol [default: http, or the configured transport]
    #[arg(long, global = true, value_enum)]
    pub(crate) transport: Option<Transport>,

    /// A service account key file (JSON) to call as
    #[arg(long, global = true, value_name = "FILE")]
    pub(crate) credentials: Option<PathBuf>,

    /// With --credentials: the user the service account acts for
    /// (domain-wide delegation), e.g. admin@reseller.example
    #[arg(long, global = true, value_name = "EMAIL")]
    pub(crate) subject: Option<String>,

    /// A bearer token to send as is (e.g. from `gcloud auth print-access-token`)
    #[arg(long, global = true, value_name = "TOKEN")]
    pub(crate) access_token: Option<String>,

    /// The project billed for quota (x-goog-user-project)
    #[arg(long, global = true, value_name = "ID")]
    pub(crate) quota_project: Option<String>,

    /// Start a throwaway in-process emulator and call it (account
    /// accounts/C0emulator; its state ends with the command)
    #[arg(long, global = true)]
    pub(crate) emulator: bool,

    /// Seconds each call may take, retries included (default 60); also
    /// bounds the wait for a long-running operation
    #[arg(
        long,
        global = true,
        value_name = "SECONDS",
        value_parser = parse_seconds,
        allow_negative_numbers = true
    )]
    pub(crate) timeout: Option<Duration>,

    /// How to print responses (csv: one row per item of a list)
    #[arg(long, global = true, value_enum, default_value = "json")]
    pub(crate) format: Format,

    /// Write the response to FILE instead of stdout (- for stdout); FILE
    /// is replaced only once there is a result, so a failed call leaves it
    /// as it was
    #[arg(short = 'o', long = "output", global = true, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,

    /// A general property (fields, key, quota-user, pretty-print, ...) or a
    /// query parameter of the method (page-size, filter, ...); repeatable,
    /// e.g. -p fields=customers(name,domain) -p page-size=10
    #[arg(short = 'p', long = "property", global = true, value_name = "NAME=VALUE",
          action = clap::ArgAction::Append)]
    pub(crate) properties: Vec<String>,

    /// `--scope`: OAuth scopes for service account keys and Application
    /// Default Credentials.
    #[arg(
        long = "scope",
        global = true,
        value_name = "URL",
        action = clap::ArgAction::Append,
        help = "An OAuth scope to ask for with --credentials or Application Default \
                Credentials (repeatable; default https://www.googleapis.com/auth/apps.order)"
    )]
    pub(crate) scopes: Vec<String>,

    /// Print every HTTP request and response (gRPC call, metadata and
    /// status) on stderr, credentials, keys and customers' transfer tokens
    /// redacted
    #[arg(long, global = true)]
    pub(crate) debug: bool,

    /// Where `cloudchannel config` keeps its defaults [default: the user's
    /// configuration directory, e.g. ~/.config/cloudchannel]
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        env = "CLOUDCHANNEL_CONFIG_DIR"
    )]
    pub(crate) config_dir: Option<PathBuf>,

    /// More log output on stderr: -v info, -vv debug, -vvv trace (RUST_LOG
    /// also works)
    #[arg(short = 'v', global = true, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,

    /// The log level on stderr: none, error, warning, info, debug or trace
    /// [default: warning, or RUST_LOG]
    #[arg(long, global = true, value_name = "LEVEL", value_parser = ["none", "error", "warning", "info", "debug", "trace"])]
    pub(crate) verbosity: Option<String>,

    /// When to color help and errors (NO_COLOR is honoured with auto)
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto",
          value_parser = ["auto", "always", "never"])]
    pub(crate) color: String,
}

/// What `-p` and the configuration add to the connection flags.
#[derive(Debug, Clone, Default)]
pub(crate) struct Extras {
    /// Headers sent with every call (`x-goog-quota-user`...).
    pub(crate) headers: Vec<(String, String)>,
    /// `-p key`: an API key, sent as `x-goog-api-key`.
    pub(crate) api_key: Option<String>,
    /// `-p access-token` / `-p oauth-token`: a bearer token.
    pub(crate) token: Option<String>,
}

/// `--timeout`: a positive number of seconds.
fn parse_seconds(text: &str) -> Result<Duration, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0 && *s < 1e9)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| {
            format!("expected a positive number of seconds, e.g. 30 or 2.5, got '{text}'")
        })
}

/// A client, and the emulator it calls if `--emulator` started one (the
/// emulator stops when this is dropped).
#[derive(Debug)]
pub(crate) struct Connection {
    /// The client.
    pub(crate) client: Client,
    /// The in-process emulator, kept running while the client needs it.
    pub(crate) emulator: Option<Emulator>,
}

/// Checks the connection flags for combinations that make no sense.
pub(crate) fn check(args: &GlobalArgs) -> Result<(), Failure> {
    let conflict = |a: &str, b: &str| Failure::Usage(format!("{a} cannot be used with {b}"));
    for scope in &args.scopes {
        if !scope.starts_with("https://") || scope.len() <= "https://".len() {
            return Err(Failure::Usage(format!(
                "--scope: expected an OAuth scope URL such as \
                 https://www.googleapis.com/auth/apps.order, got '{scope}'"
            )));
        }
    }
    // `--access-token "$(gcloud auth print-access-token)"` when that
    // command failed: an empty bearer token only fails later, less clearly.
    if args
        .access_token
        .as_deref()
        .is_some_and(|t| t.trim().is_empty())
    {
        return Err(Failure::Usage(
            "--access-token: expected a bearer token, got nothing".into(),
        ));
    }
    if !args.scopes.is_empty() && args.access_token.is_some() {
        return Err(conflict(
            "--scope",
            "--access-token (a token's scopes are fixed)",
        ));
    }
    if args.emulator {
        if args.endpoint.is_some() {
            return Err(conflict("--emulator", "--endpoint"));
        }
        if args.credentials.is_some() {
            return Err(conflict("--emulator", "--credentials"));
        }
        if args.access_token.is_some() {
            return Err(conflict("--emulator", "--access-token"));
        }
    }
    if let Some(endpoint) = &args.endpoint {
        check_endpoint(endpoint)?;
    }
    if args.credentials.is_some() && args.access_token.is_some() {
        return Err(conflict("--credentials", "--access-token"));
    }
    if args.subject.is_some() && args.credentials.is_none() {
        return Err(Failure::Usage(
            "--subject needs --credentials: the service account key that acts for the user".into(),
        ));
    }
    if let Some(subject) = &args.subject
        && !subject.contains('@')
    {
        return Err(Failure::Usage(format!(
            "--subject: expected a user's email address, got '{subject}'"
        )));
    }
    Ok(())
}

/// `--endpoint`: `https://host[:port]`, `http://` for a local emulator,
/// or (for gRPC) a bare `host:port`.
pub(crate) fn check_endpoint(endpoint: &str) -> Result<(), Failure> {
    let refuse = |problem: String| Failure::Usage(format!("--endpoint: {problem}"));
    let rest = match endpoint.split_once("://") {
        Some(("https" | "http", rest)) => rest,
        Some((scheme, _)) => {
            return Err(refuse(format!(
                "unsupported scheme '{scheme}' in '{endpoint}'; use https:// \
                 (or http:// for a local emulator)"
            )));
        }
        None => endpoint,
    };
    if rest.split(['/', '?', '#']).next().is_none_or(str::is_empty) {
        return Err(refuse(format!(
            "'{endpoint}' names no host; expected e.g. https://cloudchannel.googleapis.com"
        )));
    }
    Ok(())
}

/// Builds the client the flags describe (starting the emulator first for
/// `--emulator`).
pub(crate) async fn connect(args: &GlobalArgs, extras: &Extras) -> Result<Connection, Failure> {
    check(args)?;
    let transport = args.transport.unwrap_or(Transport::Http);
    let mut builder =
        Client::builder().user_agent(format!("cloudchannel-cli/{}", env!("CARGO_PKG_VERSION")));
    let mut polling = PollingPolicy::default().with_intervals(
        Duration::from_millis(500),
        1.5,
        Duration::from_secs(15),
    );
    if let Some(timeout) = args.timeout {
        builder = builder.default_timeout(timeout);
        polling = polling.with_timeout(timeout);
    }
    builder = builder.polling_policy(polling);
    if let Some(project) = &args.quota_project {
        builder = builder.quota_project(project);
    }
    let emulator = if args.emulator {
        let emulator = Emulator::start(EmulatorConfig::default())
            .await
            .map_err(|e| Failure::Other(format!("--emulator: cannot start the emulator: {e}")))?;
        let endpoint = match transport {
            Transport::Http => emulator.http_endpoint(),
            Transport::Grpc => emulator.grpc_endpoint(),
        };
        builder = builder.endpoint(endpoint);
        Some(emulator)
    } else {
        if let Some(endpoint) = &args.endpoint {
            builder = builder.endpoint(endpoint);
        }
        None
    };
    for (name, value) in &extras.headers {
        builder = builder.default_header(name, value);
    }
    if let Some(key) = &extras.api_key {
        // A key alone identifies the caller: no other credentials go with it.
        if args.credentials.is_some() || args.access_token.is_some() || extras.token.is_some() {
            return Err(Failure::Usage(
                "-p key cannot be used with --credentials or an access token".into(),
            ));
        }
        builder = builder.api_key(key);
    } else if let Some(token) = &extras.token {
        if args.credentials.is_some() || args.access_token.is_some() {
            return Err(Failure::Usage(
                "-p access-token/oauth-token cannot be used with --credentials or --access-token"
                    .into(),
            ));
        }
        builder = builder.credentials(StaticToken::new(token.trim()));
    } else if let Some(credentials) = credentials(args, &builder).await? {
        builder = builder.credentials(credentials);
    }
    let client = match transport {
        Transport::Http => builder.build_with(HttpTransport::new)?,
        Transport::Grpc => builder.build_with(GrpcTransport::new)?,
    };
    Ok(Connection { client, emulator })
}

/// The service account key of `--credentials`, with `--subject` and the
/// `--scope`s applied.
fn service_account(args: &GlobalArgs) -> Result<Option<ServiceAccount>, Failure> {
    let Some(path) = &args.credentials else {
        return Ok(None);
    };
    let mut key = ServiceAccount::from_file(path)
        .map_err(|e| Failure::Credentials(format!("--credentials {}: {e}", path.display())))?;
    if let Some(subject) = &args.subject {
        key = key.with_subject(subject);
    }
    if !args.scopes.is_empty() {
        key = key.with_scopes(args.scopes.iter().cloned());
    }
    Ok(Some(key))
}

/// The credentials the flags ask for; `None` to call anonymously.
///
/// Without `--credentials` or `--access-token`, emulators (`--emulator`,
/// `CHANNEL_EMULATOR_HOST`) and plaintext `http://` endpoints are called
/// anonymously, and anything else with Application Default Credentials.
async fn credentials(
    args: &GlobalArgs,
    builder: &ClientBuilder,
) -> Result<Option<Arc<dyn Credentials>>, Failure> {
    if let Some(key) = service_account(args)? {
        return Ok(Some(Arc::new(key)));
    }
    if let Some(token) = &args.access_token {
        return Ok(Some(Arc::new(StaticToken::new(token.trim()))));
    }
    let config = builder.config();
    if args.emulator || config.emulator || config.endpoint.starts_with("http://") {
        return Ok(None);
    }
    let mut adc = ApplicationDefault::new().await.map_err(|e| {
        Failure::Credentials(format!(
            "no credentials: {e}\n  pass --credentials KEY.json (with --subject for domain-wide \
             delegation), set GOOGLE_APPLICATION_CREDENTIALS, run \
             `gcloud auth application-default login`, or try --emulator"
        ))
    })?;
    if !args.scopes.is_empty() {
        adc = adc.with_scopes(args.scopes.iter().cloned());
    }
    Ok(Some(Arc::new(adc)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> GlobalArgs {
        GlobalArgs {
            endpoint: None,
            transport: None,
            credentials: None,
            subject: None,
            access_token: None,
            quota_project: None,
            emulator: false,
            timeout: None,
            format: Format::Json,
            output: None,
            properties: Vec::new(),
            scopes: Vec::new(),
            debug: false,
            config_dir: None,
            verbose: 0,
            verbosity: None,
            color: "auto".into(),
        }
    }

    #[test]
    fn seconds() {
        assert_eq!(parse_seconds("2.5"), Ok(Duration::from_millis(2500)));
        assert!(parse_seconds("0").unwrap_err().contains("positive number"));
        assert!(parse_seconds("soon").is_err());
        assert!(parse_seconds("NaN").is_err());
    }

    #[test]
    fn conflicting_flags_are_refused() {
        let mut a = args();
        a.emulator = true;
        a.endpoint = Some("http://127.0.0.1:1".into());
        assert_eq!(
            check(&a).unwrap_err().to_string(),
            "error: --emulator cannot be used with --endpoint"
        );
        let mut a = args();
        a.subject = Some("admin@example.com".into());
        assert!(
            check(&a)
                .unwrap_err()
                .to_string()
                .contains("--subject needs --credentials")
        );
        let mut a = args();
        a.credentials = Some("key.json".into());
        a.subject = Some("admin".into());
        assert!(
            check(&a)
                .unwrap_err()
                .to_string()
                .contains("expected a user's email")
        );
        assert!(check(&args()).is_ok());
        for (endpoint, ok) in [
            ("https://cloudchannel.googleapis.com", true),
            ("http://127.0.0.1:8790/", true),
            ("localhost:8790", true),
            ("ftp://example.com", false),
            ("https://", false),
            ("", false),
        ] {
            let mut a = args();
            a.endpoint = Some(endpoint.into());
            assert_eq!(check(&a).is_ok(), ok, "{endpoint}");
        }
    }

    #[test]
    fn scopes_reach_the_service_account_key() {
        let dir = std::env::temp_dir().join(format!("cloudchannel-scopes-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("key.json");
        std::fs::write(
            &path,
            r#"{"type": "service_account", "client_email": "cli@p.iam.gserviceaccount.com",
                "private_key": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                "token_uri": "http://127.0.0.1:9/token", "project_id": "p"}"#,
        )
        .unwrap();
        let mut a = args();
        a.credentials = Some(path.clone());
        let key = service_account(&a).unwrap().unwrap();
        assert_eq!(key.scopes(), ["https://www.googleapis.com/auth/apps.order"]);
        a.scopes = vec![
            "https://www.googleapis.com/auth/apps.order".into(),
            "https://www.googleapis.com/auth/apps.reports.usage.readonly".into(),
        ];
        let key = service_account(&a).unwrap().unwrap();
        assert_eq!(key.scopes(), a.scopes.as_slice());
        std::fs::remove_dir_all(&dir).unwrap();
        let mut a = args();
        a.scopes = vec!["apps.order".into()];
        assert!(
            check(&a)
                .unwrap_err()
                .to_string()
                .contains("--scope: expected an OAuth scope URL")
        );
    }

    #[test]
    fn a_missing_key_file_is_a_credentials_failure() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let mut a = args();
        a.credentials = Some("/nonexistent/key.json".into());
        let err = runtime
            .block_on(connect(&a, &Extras::default()))
            .unwrap_err();
        assert_eq!(err.exit_status(), 5);
        assert!(
            err.to_string()
                .starts_with("error: --credentials /nonexistent/key.json"),
            "{err}"
        );
    }
}
