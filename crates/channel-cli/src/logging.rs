//! Log output on stderr through `tracing-subscriber`: the library's call
//! spans and retries, the CLI's own steps, and with `--debug` every request
//! and response on the wire.
//!
//! The level comes from `-v`/`--verbosity` when given, else from
//! `RUST_LOG`, else warnings only (errors only from the credentials library). `--debug` adds the wire events (target
//! [`WIRE`]) whatever the level.

use std::borrow::Cow;
use std::io::Write;

use tracing_subscriber::EnvFilter;

/// The target of the wire events `--debug` prints (both transports use it).
pub(crate) const WIRE: &str = channel::http::WIRE_TARGET;

/// The filter directives for the flags and `RUST_LOG`.
pub(crate) fn directives(verbose: u8, verbosity: Option<&str>, rust_log: Option<&str>) -> String {
    let level = match (verbosity, verbose) {
        (Some("none"), _) => Some("off"),
        (Some("warning"), _) => Some("warn"),
        (Some(level), _) => Some(level),
        (None, 0) => None,
        (None, 1) => Some("info"),
        (None, 2) => Some("debug"),
        (None, _) => Some("trace"),
    };
    match (level, rust_log.filter(|l| !l.trim().is_empty())) {
        (Some(level), _) => level.to_string(),
        (None, Some(rust_log)) => rust_log.to_string(),
        // The credentials library warns of each retry while it looks for
        // Application Default Credentials, in its own internal terms;
        // the error that follows says what to do.
        (None, None) => "warn,gcp_auth=error".to_string(),
    }
}

/// Where a secret request field's value starts in a wire event: a
/// customer's transfer token (`auth_token`) in a REST body (compact JSON)
/// and in a gRPC message (its `Debug` form). The transports redact headers
/// and metadata; bodies are printed as sent, so this field is hidden here.
const SECRET_VALUE_STARTS: [&str; 3] = ["\"authToken\":\"", "\"authToken\": \"", "auth_token: \""];

/// `text` with the values of the secret fields replaced by `<redacted>`.
fn redact(text: &str) -> Cow<'_, str> {
    if !SECRET_VALUE_STARTS.iter().any(|start| text.contains(start)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let next = SECRET_VALUE_STARTS
            .iter()
            .filter_map(|start| rest.find(start).map(|at| (at, start.len())))
            .min();
        let Some((at, len)) = next else {
            out.push_str(rest);
            return Cow::Owned(out);
        };
        out.push_str(&rest[..at + len]);
        rest = &rest[at + len..];
        // The value ends at the first quote not escaped by a backslash.
        let mut escaped = false;
        let end = rest
            .char_indices()
            .find(|&(_, c)| {
                let ends = c == '"' && !escaped;
                escaped = c == '\\' && !escaped;
                ends
            })
            .map_or(rest.len(), |(i, _)| i);
        if end > 0 {
            out.push_str("<redacted>");
        }
        rest = &rest[end..];
    }
}

/// Standard error, with secret request fields redacted (see [`redact`]).
/// The formatter hands over each event in one write.
///
/// Write errors are dropped: a closed stderr (`2>&1 | head -1`) must not
/// change the outcome, and the formatter reports a failed write with
/// `eprintln!`, which panics on that same closed stderr.
struct Stderr;

impl Write for Stderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let _ = std::io::stderr().write_all(redact(&text).as_bytes());
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let _ = std::io::stderr().flush();
        Ok(())
    }
}

/// Installs the subscriber: events on stderr, colored when `ansi`.
pub(crate) fn init(verbose: u8, verbosity: Option<&str>, debug: bool, ansi: bool) {
    let rust_log = std::env::var("RUST_LOG").ok();
    let mut filter = directives(verbose, verbosity, rust_log.as_deref());
    if debug {
        filter.push_str(&format!(",{WIRE}=trace"));
    }
    let filter = EnvFilter::builder().parse(&filter).unwrap_or_else(|e| {
        crate::failure::note!("warning: RUST_LOG: {e}; logging warnings only\n");
        EnvFilter::new("warn")
    });
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| Stderr)
        .with_ansi(ansi)
        .with_target(true)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_transports_log_the_wire_under_one_target() {
        assert_eq!(channel::http::WIRE_TARGET, channel::grpc::WIRE_TARGET);
    }

    #[test]
    fn transfer_tokens_in_wire_bodies_are_redacted() {
        assert_eq!(
            redact(
                r#"> POST u

{"domain":"a.example","authToken":"s3cr\"et","overwriteIfExists":true,"authToken":""}"#
            ),
            r#"> POST u

{"domain":"a.example","authToken":"<redacted>","overwriteIfExists":true,"authToken":""}"#
        );
        assert_eq!(
            redact(
                r#"ImportCustomerRequest { parent: "accounts/C1", auth_token: "s3cret\\", overwrite_if_exists: true }"#
            ),
            r#"ImportCustomerRequest { parent: "accounts/C1", auth_token: "<redacted>", overwrite_if_exists: true }"#
        );
        assert_eq!(redact("nothing secret"), "nothing secret");
    }

    #[test]
    fn flags_win_over_rust_log_which_wins_over_the_default() {
        assert_eq!(directives(0, None, None), "warn,gcp_auth=error");
        assert_eq!(
            directives(0, None, Some("channel_core=debug")),
            "channel_core=debug"
        );
        assert_eq!(directives(2, None, Some("channel_core=debug")), "debug");
        assert_eq!(directives(5, None, None), "trace");
        assert_eq!(directives(0, Some("warning"), None), "warn");
        assert_eq!(directives(3, Some("none"), None), "off");
    }
}
