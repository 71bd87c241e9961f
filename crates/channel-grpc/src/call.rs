//! One unary call: metadata, deadline, the request on the channel, and the
//! answer or the error.

use std::time::Duration;

use channel_core::credentials::AccessToken;
use channel_core::{CallOptions, Error, ErrorKind, Result};
use channel_types::methods::Method;
use channel_types::rpc::Code;
use tonic::codegen::http::uri::PathAndQuery;
use tonic::metadata::{
    AsciiMetadataKey, AsciiMetadataValue, BinaryMetadataKey, BinaryMetadataValue, MetadataMap,
};

use crate::codec::MessageCodec;
use crate::transport::GrpcTransport;
use crate::{error, routing};

/// The `tracing` target of the events that show each call, its metadata
/// and its status (TRACE level), credentials and keys redacted; the same
/// target as the REST transport's, for a command line's `--debug`.
pub const WIRE_TARGET: &str = "cloudchannel::wire";

/// Metadata whose values are secrets.
const SECRET_NAMES: [&str; 3] = ["authorization", "proxy-authorization", "x-goog-api-key"];

/// `name: value` lines of metadata, secrets redacted.
fn redacted_metadata(metadata: &MetadataMap) -> String {
    use tonic::metadata::KeyAndValueRef;
    let mut lines = String::new();
    for entry in metadata.iter() {
        let (name, shown) = match entry {
            KeyAndValueRef::Ascii(name, value) => {
                let secret = value.is_sensitive() || SECRET_NAMES.contains(&name.as_str());
                let shown = if secret {
                    "<redacted>".to_string()
                } else {
                    String::from_utf8_lossy(value.as_encoded_bytes()).into_owned()
                };
                (name.as_str(), shown)
            }
            KeyAndValueRef::Binary(name, value) => (
                name.as_str(),
                String::from_utf8_lossy(value.as_encoded_bytes()).into_owned(),
            ),
        };
        lines.push_str(&format!("\n{name}: {shown}"));
    }
    lines
}

impl GrpcTransport {
    /// Sends `request` to `method` and waits for its answer, within the
    /// deadline of `options` (which also bounds fetching the token).
    /// `request_params` is the routing header computed from the request.
    pub(crate) async fn unary<Req, Resp>(
        &self,
        method: &'static Method,
        request: Req,
        request_params: Option<String>,
        options: CallOptions,
    ) -> Result<Resp>
    where
        Req: prost::Message + Clone + std::fmt::Debug + Send + Sync + 'static,
        Resp: prost::Message + std::fmt::Debug + Default + Send + Sync + 'static,
    {
        // Too large for the server to take: refused here, never sent.
        let size = request.encoded_len();
        if size > self.max_send_message_size {
            return Err(Error::request_too_large(size, self.max_send_message_size));
        }
        // The deadline always travels as `grpc-timeout`; a timer here only
        // when the client does not already end the whole call at it.
        let own_timer = options
            .deadline()
            .filter(|_| !options.deadline_bounded_by_caller());
        let result = match own_timer {
            Some(deadline) => {
                let call = self.send(method, request, request_params, &options);
                tokio::time::timeout_at(deadline, call)
                    .await
                    .unwrap_or_else(|_| Err(deadline_passed(method)))
            }
            None => self.send(method, request, request_params, &options).await,
        };
        if let Err(err) = &result {
            tracing::debug!(
                method = method.grpc_path,
                attempt = options.attempt(),
                kind = ?err.kind(),
                code = err.code().as_str_name(),
                "gRPC call failed"
            );
        }
        result
    }

    /// Sends the request with a token of the credentials; when the server
    /// refuses that token (`UNAUTHENTICATED`) and the credentials can
    /// fetch another, sends it once more with the new one. The refusal
    /// comes before the request is looked at, so a second sending cannot
    /// apply it twice; a new token refused again is final.
    async fn send<Req, Resp>(
        &self,
        method: &'static Method,
        request: Req,
        request_params: Option<String>,
        options: &CallOptions,
    ) -> Result<Resp>
    where
        Req: prost::Message + Clone + std::fmt::Debug + Send + Sync + 'static,
        Resp: prost::Message + std::fmt::Debug + Default + Send + Sync + 'static,
    {
        let Some(sent_with) = self.token().await? else {
            return self
                .send_once(method, request, request_params, None, options)
                .await;
        };
        // Kept for a second sending; only calls that carry a token can
        // have it refused.
        let again = (request.clone(), request_params.clone());
        let first = self
            .send_once(method, request, request_params, Some(&sent_with), options)
            .await;
        match first {
            Err(err)
                if err.kind() == ErrorKind::Rpc
                    && err.code() == Code::Unauthenticated
                    && self.credentials.token_rejected(&sent_with) =>
            {
                tracing::debug!(
                    method = method.grpc_path,
                    "the server refused the access token; sending again with a new one"
                );
                let token = self.token().await?;
                let (request, request_params) = again;
                self.send_once(method, request, request_params, token.as_ref(), options)
                    .await
            }
            other => other,
        }
    }

    /// A token of the credentials (`None` for anonymous ones), or why there
    /// is none in the credentials' own words.
    async fn token(&self) -> Result<Option<AccessToken>> {
        self.credentials.token().await.map_err(|err| {
            Error::authentication(
                format!("the credentials could not produce an access token: {err}"),
                err,
            )
        })
    }

    /// One sending of the request, with `token` if there is one.
    async fn send_once<Req, Resp>(
        &self,
        method: &'static Method,
        request: Req,
        request_params: Option<String>,
        token: Option<&AccessToken>,
        options: &CallOptions,
    ) -> Result<Resp>
    where
        Req: prost::Message + Clone + std::fmt::Debug + Send + Sync + 'static,
        Resp: prost::Message + std::fmt::Debug + Default + Send + Sync + 'static,
    {
        let mut request = tonic::Request::new(request);
        if let Some(key) = &self.api_key {
            request.metadata_mut().insert("x-goog-api-key", key.clone());
        }
        set_metadata(
            request.metadata_mut(),
            token,
            &self.api_client,
            request_params,
            options.headers(),
        )?;
        if let Some(remaining) = options.remaining() {
            if remaining.is_zero() {
                return Err(Error::timeout_before_sending(format!(
                    "the deadline of {} passed before it was sent",
                    method.name
                )));
            }
            request
                .metadata_mut()
                .insert("grpc-timeout", grpc_timeout(remaining));
        }

        tracing::trace!(
            target: WIRE_TARGET,
            "> gRPC {}{}\n\n{:?}",
            method.grpc_path,
            redacted_metadata(request.metadata()),
            request.get_ref()
        );
        let mut grpc = self.grpc.clone();
        grpc.ready()
            .await
            .map_err(|err| Error::transport("the gRPC channel is closed", err))?;
        let path = PathAndQuery::from_static(method.grpc_path);
        match grpc
            .unary(request, path, MessageCodec::<Req, Resp>::default())
            .await
        {
            Ok(response) => {
                tracing::trace!(
                    target: WIRE_TARGET,
                    "< gRPC {} OK{}\n\n{:?}",
                    method.grpc_path,
                    redacted_metadata(response.metadata()),
                    response.get_ref()
                );
                Ok(response.into_inner())
            }
            Err(status) => {
                tracing::trace!(
                    target: WIRE_TARGET,
                    "< gRPC {} {:?}: {}{}",
                    method.grpc_path,
                    status.code(),
                    status.message(),
                    redacted_metadata(status.metadata())
                );
                let passed = options.remaining().is_some_and(|left| left.is_zero());
                Err(error::from_status(
                    status,
                    passed,
                    self.max_receive_message_size,
                ))
            }
        }
    }
}

/// `remaining` as a `grpc-timeout` value (gRPC over HTTP/2: at most eight
/// digits and a unit): the finest unit that holds it, rounded down, and
/// 99,999,999 hours, the longest the header carries, for anything longer.
/// Written in place, without the temporary string a `format!` would make.
fn grpc_timeout(remaining: Duration) -> AsciiMetadataValue {
    const MAX_DIGITS: u128 = 99_999_999;
    const UNITS: [(u128, u8); 6] = [
        (1, b'n'),
        (1_000, b'u'),
        (1_000_000, b'm'),
        (1_000_000_000, b'S'),
        (60_000_000_000, b'M'),
        (3_600_000_000_000, b'H'),
    ];
    let nanos = remaining.as_nanos();
    let (mut value, unit) = UNITS
        .iter()
        .map(|&(per, unit)| (nanos / per, unit))
        .find(|&(value, _)| value <= MAX_DIGITS)
        .unwrap_or((MAX_DIGITS, b'H'));
    // Eight digits and the unit, filled from the end.
    let mut text = [0u8; 9];
    let mut start = text.len() - 1;
    text[start] = unit;
    loop {
        start -= 1;
        text[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    AsciiMetadataValue::try_from(&text[start..])
        .unwrap_or_else(|_| AsciiMetadataValue::from_static("99999999H"))
}

fn deadline_passed(method: &Method) -> Error {
    Error::timeout(format!("the deadline of {} passed", method.name))
}

/// Fills in the metadata of one call. Headers of the call options replace
/// those computed here when they have the same name; their values are
/// marked sensitive and never part of an error (they may hold credentials).
fn set_metadata(
    metadata: &mut MetadataMap,
    token: Option<&AccessToken>,
    api_client: &AsciiMetadataValue,
    request_params: Option<String>,
    headers: &[(String, String)],
) -> Result<()> {
    if let Some(token) = token {
        let mut value = AsciiMetadataValue::try_from(token.header_value()).map_err(|_| {
            Error::authentication(
                "the access token cannot be sent as a header",
                "it holds characters that are not visible ASCII",
            )
        })?;
        value.set_sensitive(true);
        metadata.insert("authorization", value);
    }
    metadata.insert("x-goog-api-client", api_client.clone());
    if let Some(params) = request_params {
        // Percent-encoding leaves only visible ASCII: this cannot fail.
        if let Ok(value) = AsciiMetadataValue::try_from(params) {
            metadata.insert(routing::HEADER, value);
        }
    }
    for (index, (name, value)) in headers.iter().enumerate() {
        let first = !headers[..index].iter().any(|(seen, _)| seen == name);
        if name.ends_with("-bin") {
            let key = BinaryMetadataKey::from_bytes(name.as_bytes())
                .map_err(|_| invalid_header(name, "not a valid gRPC metadata name"))?;
            let mut value = BinaryMetadataValue::from_bytes(value.as_bytes());
            value.set_sensitive(true);
            if first {
                metadata.remove_bin(key.as_str());
            }
            metadata.append_bin(key, value);
        } else {
            let key = AsciiMetadataKey::from_bytes(name.as_bytes())
                .map_err(|_| invalid_header(name, "not a valid gRPC metadata name"))?;
            let mut value = AsciiMetadataValue::try_from(value.as_str())
                .map_err(|_| invalid_header(name, "the value is not visible ASCII"))?;
            // As over REST: kept out of HTTP/2 logs and header compression
            // tables, since users pass credentials in headers at times.
            value.set_sensitive(true);
            if first {
                metadata.remove(key.as_str());
            }
            metadata.append(key, value);
        }
    }
    Ok(())
}

fn invalid_header(name: &str, description: &str) -> Error {
    Error::invalid_request(&format!("header `{name}`"), description)
}

#[cfg(test)]
mod tests {
    use channel_core::ErrorKind;

    use super::*;

    fn values<'a>(metadata: &'a MetadataMap, name: &str) -> Vec<&'a str> {
        metadata
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect()
    }

    /// A `grpc-timeout` value read back: the duration and its unit.
    fn parse_grpc_timeout(text: &str) -> (Duration, Duration) {
        let (digits, unit) = text.split_at(text.len() - 1);
        assert!(
            !digits.is_empty() && digits.len() <= 8 && digits.bytes().all(|b| b.is_ascii_digit()),
            "{text}"
        );
        let unit = match unit {
            "n" => Duration::from_nanos(1),
            "u" => Duration::from_micros(1),
            "m" => Duration::from_millis(1),
            "S" => Duration::from_secs(1),
            "M" => Duration::from_secs(60),
            "H" => Duration::from_secs(3600),
            other => panic!("{text}: no unit {other}"),
        };
        (unit * digits.parse::<u32>().unwrap(), unit)
    }

    #[test]
    fn grpc_timeout_reads_back_within_one_unit_below_and_matches_tonic() {
        let longest = Duration::from_secs(99_999_999 * 3600);
        // From a nanosecond to past the longest the header carries, about
        // 2.3 times larger each step, with odd digits in every place.
        let mut nanos: u128 = 1;
        let mut checked = 0;
        while nanos < longest.as_nanos() * 3 {
            let remaining = Duration::new(
                u64::try_from(nanos / 1_000_000_000).unwrap(),
                u32::try_from(nanos % 1_000_000_000).unwrap(),
            );
            let ours = grpc_timeout(remaining);
            let ours = ours.to_str().unwrap();
            let (sent, unit) = parse_grpc_timeout(ours);
            if remaining <= longest {
                assert!(sent <= remaining, "{remaining:?} sent as {ours}");
                assert!(remaining - sent < unit, "{remaining:?} sent as {ours}");
                assert!(!sent.is_zero(), "{remaining:?} sent as {ours}");
                let mut request = tonic::Request::new(());
                request.set_timeout(remaining);
                let tonic = request.metadata().get("grpc-timeout").unwrap();
                assert_eq!(ours, tonic.to_str().unwrap(), "{remaining:?}");
            } else {
                assert_eq!(ours, "99999999H", "{remaining:?}");
            }
            nanos = nanos * 7 / 3 + 1;
            checked += 1;
        }
        assert!(checked > 50, "{checked}");
    }

    #[test]
    fn grpc_timeout_uses_the_finest_unit_that_fits_eight_digits() {
        let cases = [
            (Duration::ZERO, "0n"),
            (Duration::from_nanos(99_999_999), "99999999n"),
            (Duration::from_nanos(100_000_000), "100000u"),
            (Duration::from_millis(1_500), "1500000u"),
            (Duration::from_secs(60), "60000000u"),
            (Duration::from_secs(1_000), "1000000m"),
            (Duration::from_secs(100_000), "100000S"),
            (Duration::from_secs(100_000_000), "1666666M"),
            (Duration::from_secs(99_999_999 * 3600), "99999999H"),
            (Duration::MAX, "99999999H"),
        ];
        for (remaining, expected) in cases {
            assert_eq!(
                grpc_timeout(remaining).to_str().unwrap(),
                expected,
                "{remaining:?}"
            );
        }
    }

    #[test]
    fn wire_events_show_no_secret() {
        let mut metadata = MetadataMap::new();
        let token = AccessToken::new("ya29.secret", None);
        let api_client = AsciiMetadataValue::from_static("gl-rust/unknown gccl/0.1.0");
        set_metadata(&mut metadata, Some(&token), &api_client, None, &[]).unwrap();
        metadata.insert(
            "x-goog-api-key",
            AsciiMetadataValue::from_static("AIza-secret"),
        );
        let shown = redacted_metadata(&metadata);
        assert!(shown.contains("\nauthorization: <redacted>"), "{shown}");
        assert!(shown.contains("\nx-goog-api-key: <redacted>"), "{shown}");
        assert!(
            shown.contains("\nx-goog-api-client: gl-rust/unknown"),
            "{shown}"
        );
        assert!(!shown.contains("secret"), "{shown}");
    }

    #[test]
    fn metadata_of_a_call() {
        let mut metadata = MetadataMap::new();
        let token = AccessToken::new("ya29.secret", None);
        let api_client = AsciiMetadataValue::from_static("gl-rust/unknown gccl/0.1.0");
        set_metadata(
            &mut metadata,
            Some(&token),
            &api_client,
            Some("parent=accounts%2FA1".into()),
            &[
                ("x-goog-user-project".into(), "billing".into()),
                ("x-extra".into(), "1".into()),
                ("x-extra".into(), "2".into()),
                ("x-trace-bin".into(), "\u{1}raw".into()),
            ],
        )
        .unwrap();
        assert_eq!(values(&metadata, "authorization"), ["Bearer ya29.secret"]);
        assert!(metadata.get("authorization").unwrap().is_sensitive());
        assert_eq!(
            values(&metadata, "x-goog-api-client"),
            ["gl-rust/unknown gccl/0.1.0"]
        );
        assert_eq!(
            values(&metadata, "x-goog-request-params"),
            ["parent=accounts%2FA1"]
        );
        assert_eq!(values(&metadata, "x-goog-user-project"), ["billing"]);
        assert_eq!(values(&metadata, "x-extra"), ["1", "2"]);
        assert!(metadata.get("x-goog-user-project").unwrap().is_sensitive());
        assert!(metadata.get_bin("x-trace-bin").unwrap().is_sensitive());
        assert_eq!(
            metadata.get_bin("x-trace-bin").unwrap().to_bytes().unwrap(),
            b"\x01raw"[..]
        );
    }

    #[test]
    fn anonymous_calls_and_overridden_headers() {
        let mut metadata = MetadataMap::new();
        let api_client = AsciiMetadataValue::from_static("gl-rust/unknown gccl/0.1.0");
        set_metadata(
            &mut metadata,
            None,
            &api_client,
            None,
            &[("x-goog-request-params".into(), "name=custom".into())],
        )
        .unwrap();
        assert!(metadata.get("authorization").is_none());
        assert_eq!(values(&metadata, "x-goog-request-params"), ["name=custom"]);
    }

    #[test]
    fn bad_headers_and_tokens_are_errors_without_their_values() {
        let api_client = AsciiMetadataValue::from_static("x");
        let err = set_metadata(
            &mut MetadataMap::new(),
            None,
            &api_client,
            None,
            &[("x-note".into(), "secret\nvalue".into())],
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
        assert!(!format!("{err:?}").contains("secret"));
        let err = set_metadata(
            &mut MetadataMap::new(),
            None,
            &api_client,
            None,
            &[("bad name".into(), "v".into())],
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);

        let token = AccessToken::new("ya29.line\nbreak", None);
        let err = set_metadata(
            &mut MetadataMap::new(),
            Some(&token),
            &api_client,
            None,
            &[],
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Authentication);
        assert!(!format!("{err:?}").contains("ya29"));
    }
}
