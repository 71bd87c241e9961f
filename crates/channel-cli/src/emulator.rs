//! `cloudchannel emulator ...`: the control surface of a running emulator
//! (its REST port, under `/emulator/v1`): move its clock, or reset it.
//!
//! Durations are written as gcloud writes them, a number and a unit,
//! several in a row if need be (`1d12h`): `s` seconds, `m` minutes, `h`
//! hours, `d` days of 24 hours, `w` weeks of 7 days. Months and years have
//! no fixed length, so they are not units here: write `365d`.

use std::time::Duration;

use serde_json::{Value, json};

use crate::failure::Failure;

/// What an `emulator` command asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Control {
    /// `time advance DURATION`: seconds to move the clock forward.
    Advance(u64),
    /// `time set TIME`: an RFC 3339 time.
    Set(String),
    /// `time get`.
    Now,
    /// `reset`.
    Reset,
}

impl Control {
    /// The method, path under `/emulator/v1` and body of the request.
    pub(crate) fn request(&self) -> (&'static str, &'static str, Option<Value>) {
        match self {
            Control::Advance(seconds) => (
                "POST",
                "/time:advance",
                Some(json!({ "duration": format!("{seconds}s") })),
            ),
            Control::Set(time) => ("POST", "/time:set", Some(json!({ "time": time }))),
            Control::Now => ("GET", "/time", None),
            Control::Reset => ("POST", ":reset", None),
        }
    }
}

/// The longest duration the API's `Duration` holds, in seconds.
const MAX_DURATION_SECONDS: u64 = 315_576_000_000;

/// `30d`, `12h`, `90m`, `45s`, `2w`, `1d12h`: seconds.
pub(crate) fn parse_duration(text: &str) -> Result<u64, String> {
    let expected = "expected a duration such as 30d, 12h, 90m, 45s or 1d12h \
                    (units: s, m, h, d, w)";
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(format!("DURATION: {expected}, got nothing"));
    }
    let mut total: u64 = 0;
    let mut rest = trimmed;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let unit_len = rest[digits..]
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len() - digits);
        let (number, unit) = (&rest[..digits], &rest[digits..digits + unit_len]);
        let per_unit = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86_400,
            "w" => 7 * 86_400,
            "y" | "mo" | "M" => {
                return Err(format!(
                    "DURATION: months and years have no fixed length; write days instead \
                     (365d), got '{text}'"
                ));
            }
            _ => return Err(format!("DURATION: {expected}, got '{text}'")),
        };
        let amount: u64 = number
            .parse()
            .map_err(|_| format!("DURATION: {expected}, got '{text}'"))?;
        total = amount
            .checked_mul(per_unit)
            .and_then(|s| total.checked_add(s))
            .ok_or_else(|| format!("DURATION: '{text}' is too long"))?;
        rest = &rest[digits + unit_len..];
    }
    // What a google.protobuf.Duration can hold; the emulator's own bound
    // (its clock stops at the end of year 9998) is checked there.
    if total > MAX_DURATION_SECONDS {
        return Err(format!(
            "DURATION: '{text}' is too long: at most {MAX_DURATION_SECONDS}s (about 10,000 years)"
        ));
    }
    Ok(total)
}

/// Checks `TIME` is RFC 3339, as the emulator expects.
pub(crate) fn parse_time(text: &str) -> Result<String, String> {
    let time = text.trim();
    time.parse::<channel::wkt::Timestamp>()
        .map(|_| time.to_string())
        .map_err(|_| {
            format!("TIME: expected an RFC 3339 time such as 2027-01-01T00:00:00Z, got '{text}'")
        })
}

/// The REST address of the emulator: `--endpoint`, the configured
/// endpoint, or `CHANNEL_EMULATOR_HOST`.
pub(crate) fn base_url(endpoint: Option<&str>) -> Result<String, Failure> {
    let host = std::env::var(channel::EMULATOR_HOST_ENV).ok();
    let address = endpoint
        .map(str::to_string)
        .or_else(|| {
            host.filter(|h| !h.trim().is_empty())
                .map(|h| h.trim().to_string())
        })
        .ok_or_else(|| {
            Failure::Usage(
                "emulator: which emulator? Give its REST address with --endpoint \
                 http://127.0.0.1:PORT, set CHANNEL_EMULATOR_HOST=127.0.0.1:PORT, or \
                 `cloudchannel config set endpoint http://127.0.0.1:PORT`"
                    .into(),
            )
        })?;
    let address = if address.contains("://") {
        address
    } else {
        format!("http://{address}")
    };
    Ok(address.trim_end_matches('/').to_string())
}

/// Sends one control request and returns the emulator's JSON answer.
pub(crate) async fn send(
    base: &str,
    control: &Control,
    timeout: Duration,
) -> Result<Value, Failure> {
    let (method, path, body) = control.request();
    let url = format!("{base}/emulator/v1{path}");
    tracing::trace!(
        target: crate::logging::WIRE,
        "> {method} {url}\n\n{}",
        body.as_ref().map(|b| b.to_string()).unwrap_or_default()
    );
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .build()
        .map_err(|e| Failure::Other(format!("cannot make an HTTP client: {e}")))?;
    let mut request = match method {
        "GET" => client.get(&url),
        _ => client.post(&url),
    };
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let unreachable = |e: reqwest::Error| {
        Failure::Unreachable(format!(
            "emulator: {method} {url}: {}",
            unreachable_reason(&e, timeout)
        ))
    };
    let response = request.send().await.map_err(unreachable)?;
    let status = response.status();
    let text = response.text().await.map_err(unreachable)?;
    tracing::trace!(target: crate::logging::WIRE, "< {method} {url} {status}\n\n{text}");
    let value: Value = serde_json::from_str(&text).unwrap_or(Value::String(text.clone()));
    if !status.is_success() {
        let message = value
            .pointer("/error/message")
            .and_then(Value::as_str)
            .map_or(text.as_str(), |m| m);
        let failure = format!(
            "emulator: {method} {url}: HTTP {}: {message}",
            status.as_u16()
        );
        return Err(if status.is_client_error() {
            Failure::Refused(failure)
        } else {
            Failure::Other(failure)
        });
    }
    Ok(value)
}

/// Why the emulator gave no answer, said for a person: whether nothing
/// listens there, it was too slow, or the connection broke, with the
/// system's own reason last (such as "Connection refused").
fn unreachable_reason(error: &reqwest::Error, timeout: std::time::Duration) -> String {
    let mut root: &dyn std::error::Error = error;
    while let Some(source) = root.source() {
        root = source;
    }
    if error.is_timeout() {
        format!("no answer within {} s", timeout.as_secs())
    } else if error.is_connect() {
        format!("cannot connect; is the emulator running there? ({root})")
    } else {
        format!("the connection broke before an answer ({root})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_the_units_that_have_a_fixed_length() {
        assert_eq!(parse_duration("30d"), Ok(30 * 86_400));
        assert_eq!(parse_duration("12h"), Ok(12 * 3600));
        assert_eq!(parse_duration("90m"), Ok(5400));
        assert_eq!(parse_duration("45s"), Ok(45));
        assert_eq!(parse_duration("2w"), Ok(14 * 86_400));
        assert_eq!(parse_duration("1d12h"), Ok(129_600));
        assert!(
            parse_duration("1y")
                .unwrap_err()
                .contains("write days instead")
        );
        assert!(
            parse_duration("3mo")
                .unwrap_err()
                .contains("no fixed length")
        );
        for bad in ["", "d", "30", "30x", "-1d", "1.5d"] {
            assert!(
                parse_duration(bad).unwrap_err().starts_with("DURATION: "),
                "{bad}"
            );
        }
        assert!(parse_duration("99999999999999999999d").is_err());
    }

    #[test]
    fn a_duration_longer_than_the_api_can_hold_is_refused_before_it_is_sent() {
        assert_eq!(parse_duration("315576000000s"), Ok(315_576_000_000));
        let e = parse_duration("99999999999w").unwrap_err();
        assert_eq!(
            e,
            "DURATION: '99999999999w' is too long: at most 315576000000s (about 10,000 years)"
        );
    }

    #[test]
    fn times_are_rfc_3339() {
        assert_eq!(
            parse_time("2027-01-01T00:00:00Z").as_deref(),
            Ok("2027-01-01T00:00:00Z")
        );
        assert!(parse_time("next tuesday").unwrap_err().contains("RFC 3339"));
    }

    #[test]
    fn the_requests_follow_the_control_surface() {
        assert_eq!(
            Control::Advance(2_592_000).request(),
            (
                "POST",
                "/time:advance",
                Some(json!({"duration": "2592000s"}))
            )
        );
        assert_eq!(Control::Reset.request(), ("POST", ":reset", None));
    }

    #[tokio::test]
    async fn an_emulator_that_is_not_there_is_said_plainly() {
        // A port just freed: nothing listens on it.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let base = format!("http://127.0.0.1:{port}");
        let failure = send(&base, &Control::Now, Duration::from_secs(5))
            .await
            .unwrap_err();
        let text = failure.to_string();
        assert!(text.contains("is the emulator running there?"), "{text}");
        assert!(!text.contains("error sending request"), "{text}");
    }
}
