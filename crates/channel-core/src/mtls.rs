//! Mutual TLS: the client certificate a transport presents, and the
//! settings that decide whether it is used and which endpoint it goes to.
//!
//! Google's clients read two environment variables, and so does this one:
//!
//! - `GOOGLE_API_USE_CLIENT_CERTIFICATE` (`true` or `false`): whether a
//!   client certificate is presented. Google's clients default to `false`
//!   because they can also find a certificate on the device by themselves;
//!   this client never looks for one, so a certificate set on the builder
//!   is used unless the variable says `false`.
//! - `GOOGLE_API_USE_MTLS_ENDPOINT` (`never`, `auto` or `always`, default
//!   `auto`): whether the default endpoint becomes the mTLS endpoint
//!   `https://cloudchannel.mtls.googleapis.com`; `auto` switches when a
//!   client certificate is in use. An endpoint set on the builder always
//!   wins.

use std::error::Error as StdError;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::{Error, Result};

/// The service's mTLS endpoint in Google's public cloud.
pub const MTLS_ENDPOINT: &str = "https://cloudchannel.mtls.googleapis.com";

/// Whether a client certificate is presented: `true` or `false`.
pub const USE_CLIENT_CERTIFICATE_ENV: &str = "GOOGLE_API_USE_CLIENT_CERTIFICATE";

/// Whether the mTLS endpoint is used: `never`, `auto` or `always`.
pub const USE_MTLS_ENDPOINT_ENV: &str = "GOOGLE_API_USE_MTLS_ENDPOINT";

/// When the default endpoint is the mTLS endpoint
/// (`GOOGLE_API_USE_MTLS_ENDPOINT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UseMtlsEndpoint {
    /// Never: the regular endpoint, certificate or not.
    Never,
    /// When a client certificate is in use (the default).
    #[default]
    Auto,
    /// Always, certificate or not.
    Always,
}

impl UseMtlsEndpoint {
    /// Reads the variable's value; anything but the three words is refused.
    pub fn parse(value: &str) -> Result<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "never" => Ok(UseMtlsEndpoint::Never),
            "auto" => Ok(UseMtlsEndpoint::Auto),
            "always" => Ok(UseMtlsEndpoint::Always),
            _ => Err(Error::invalid_request(
                USE_MTLS_ENDPOINT_ENV,
                format!(
                    "{value:?} is not supported; the accepted values are never, auto and always"
                ),
            )),
        }
    }
}

/// Reads `GOOGLE_API_USE_CLIENT_CERTIFICATE`: `true` or `false`.
pub(crate) fn parse_use_client_certificate(value: &str) -> Result<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(Error::invalid_request(
            USE_CLIENT_CERTIFICATE_ENV,
            format!("{value:?} is not supported; the accepted values are true and false"),
        )),
    }
}

type BoxError = Box<dyn StdError + Send + Sync + 'static>;
type Source = dyn Fn() -> std::result::Result<CertificatePem, BoxError> + Send + Sync;

/// A client certificate chain and its private key, PEM-encoded.
///
/// `Debug` never shows the key.
#[derive(Clone)]
pub struct CertificatePem {
    /// One or more `CERTIFICATE` blocks, the client's own first.
    pub certificate_chain: Vec<u8>,
    /// The private key: a `PRIVATE KEY`, `RSA PRIVATE KEY` or `EC PRIVATE
    /// KEY` block.
    pub private_key: Vec<u8>,
}

impl fmt::Debug for CertificatePem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CertificatePem")
            .field("certificate_chain_bytes", &self.certificate_chain.len())
            .field("private_key", &"<redacted>")
            .finish()
    }
}

/// Where the client certificate of mutual TLS comes from: PEM bytes, PEM
/// files, or a callback (Google's `client_cert_source`), read when a
/// transport is built.
///
/// ```
/// use channel_core::ClientCertificate;
///
/// let from_files = ClientCertificate::from_files("client.pem", "client.key");
/// let from_callback = ClientCertificate::from_source(|| {
///     // e.g. ask a hardware key store
///     Err("no certificate enrolled".into())
/// });
/// assert!(from_callback.load().is_err());
/// # drop(from_files);
/// ```
#[derive(Clone)]
pub struct ClientCertificate {
    source: Arc<Source>,
    origin: Origin,
}

#[derive(Clone, Debug)]
enum Origin {
    Pem,
    Files(PathBuf, PathBuf),
    Callback,
}

impl ClientCertificate {
    /// A certificate chain and key given as PEM bytes.
    pub fn from_pem(
        certificate_chain: impl Into<Vec<u8>>,
        private_key: impl Into<Vec<u8>>,
    ) -> Self {
        let pem = CertificatePem {
            certificate_chain: certificate_chain.into(),
            private_key: private_key.into(),
        };
        ClientCertificate {
            source: Arc::new(move || Ok(pem.clone())),
            origin: Origin::Pem,
        }
    }

    /// A certificate chain and key read from PEM files when a transport is
    /// built.
    pub fn from_files(certificate_chain: impl AsRef<Path>, private_key: impl AsRef<Path>) -> Self {
        let (cert, key) = (
            certificate_chain.as_ref().to_path_buf(),
            private_key.as_ref().to_path_buf(),
        );
        let (cert_path, key_path) = (cert.clone(), key.clone());
        ClientCertificate {
            source: Arc::new(move || {
                Ok(CertificatePem {
                    certificate_chain: std::fs::read(&cert_path)?,
                    private_key: std::fs::read(&key_path)?,
                })
            }),
            origin: Origin::Files(cert, key),
        }
    }

    /// A callback returning the certificate chain and key as PEM, called
    /// each time a transport is built.
    pub fn from_source<F>(source: F) -> Self
    where
        F: Fn() -> std::result::Result<CertificatePem, BoxError> + Send + Sync + 'static,
    {
        ClientCertificate {
            source: Arc::new(source),
            origin: Origin::Callback,
        }
    }

    /// Reads the certificate and key and checks that they look like PEM: a
    /// `CERTIFICATE` block and a private key block. Whether they match is
    /// for the TLS library to say.
    pub fn load(&self) -> Result<CertificatePem> {
        let pem = (self.source)().map_err(|e| {
            let what = match &self.origin {
                Origin::Files(cert, key) => {
                    format!(
                        "could not be read from {} and {}",
                        cert.display(),
                        key.display()
                    )
                }
                _ => "could not be obtained".to_string(),
            };
            invalid(format!("{what}: {e}")).with_source(e)
        })?;
        if !contains(&pem.certificate_chain, b"-----BEGIN CERTIFICATE-----") {
            return Err(invalid(
                "the certificate chain has no PEM `CERTIFICATE` block".to_string(),
            ));
        }
        if !contains(&pem.private_key, b"PRIVATE KEY-----") {
            return Err(invalid(
                "the private key has no PEM `PRIVATE KEY` block (PKCS#8, PKCS#1 or SEC1)"
                    .to_string(),
            ));
        }
        Ok(pem)
    }
}

impl fmt::Debug for ClientCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ClientCertificate")
            .field(&self.origin)
            .finish()
    }
}

fn invalid(description: String) -> Error {
    Error::invalid_request("client_certificate", description)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The environment variables that choose the endpoint, read once so that
/// the choice can be tested as a pure function.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct EndpointEnv {
    pub(crate) emulator_host: Option<String>,
    pub(crate) universe_domain: Option<String>,
    pub(crate) use_client_certificate: Option<String>,
    pub(crate) use_mtls_endpoint: Option<String>,
}

impl EndpointEnv {
    pub(crate) fn from_process() -> Self {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// Reads the variables through `get`. A variable set to nothing is
    /// unset for `CHANNEL_EMULATOR_HOST` and
    /// `GOOGLE_API_USE_CLIENT_CERTIFICATE`, as with Google's clients; for
    /// the universe domain and `GOOGLE_API_USE_MTLS_ENDPOINT` it is kept,
    /// so that it is refused as Google's clients refuse it.
    pub(crate) fn from_vars(get: impl Fn(&str) -> Option<String>) -> Self {
        let var = |name: &str| get(name).map(|v| v.trim().to_string());
        let non_empty = |name: &str| var(name).filter(|v| !v.is_empty());
        EndpointEnv {
            emulator_host: non_empty(crate::endpoint::EMULATOR_HOST_ENV),
            universe_domain: var(crate::universe::UNIVERSE_DOMAIN_ENV),
            use_client_certificate: non_empty(USE_CLIENT_CERTIFICATE_ENV),
            use_mtls_endpoint: var(USE_MTLS_ENDPOINT_ENV),
        }
    }
}

/// What the builder's settings and the environment come to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Selection {
    pub(crate) endpoint: String,
    pub(crate) universe_domain: String,
    /// The endpoint is an emulator named by `CHANNEL_EMULATOR_HOST`.
    pub(crate) emulator: bool,
    /// The client certificate set on the builder is presented.
    pub(crate) use_certificate: bool,
}

/// Chooses the endpoint, the universe and whether the client certificate
/// is used, from the builder's settings and the environment:
///
/// 1. the universe is the builder's, else `GOOGLE_CLOUD_UNIVERSE_DOMAIN`,
///    else `googleapis.com`;
/// 2. a certificate is used when one is set, unless
///    `GOOGLE_API_USE_CLIENT_CERTIFICATE=false`;
/// 3. the endpoint is the builder's; else the emulator's
///    (`CHANNEL_EMULATOR_HOST`, plaintext, no certificate); else the mTLS
///    endpoint when `GOOGLE_API_USE_MTLS_ENDPOINT` is `always`, or `auto`
///    with a certificate in use (only in `googleapis.com`); else
///    `https://cloudchannel.{universe}`.
pub(crate) fn select(
    explicit_endpoint: Option<&str>,
    explicit_universe: Option<&str>,
    has_certificate: bool,
    env: &EndpointEnv,
) -> Result<Selection> {
    let universe = explicit_universe
        .map(str::trim)
        .or(env.universe_domain.as_deref())
        .unwrap_or(crate::universe::DEFAULT_UNIVERSE_DOMAIN)
        .to_ascii_lowercase();
    crate::universe::check_domain(&universe)?;
    let certificate_allowed = match &env.use_client_certificate {
        Some(value) => parse_use_client_certificate(value)?,
        None => true,
    };
    let use_mtls_endpoint = match &env.use_mtls_endpoint {
        Some(value) => UseMtlsEndpoint::parse(value)?,
        None => UseMtlsEndpoint::Auto,
    };
    let emulator_host = env.emulator_host.as_deref();
    let use_certificate = has_certificate
        && certificate_allowed
        && (explicit_endpoint.is_some() || emulator_host.is_none());
    let (endpoint, emulator) = match (explicit_endpoint, emulator_host) {
        (Some(endpoint), _) => (endpoint.to_string(), false),
        (None, Some(host)) if host.contains("://") => (host.to_string(), true),
        (None, Some(host)) => (format!("http://{host}"), true),
        (None, None) => {
            let mtls = match use_mtls_endpoint {
                UseMtlsEndpoint::Never => false,
                UseMtlsEndpoint::Auto => use_certificate,
                UseMtlsEndpoint::Always => true,
            };
            if mtls && universe != crate::universe::DEFAULT_UNIVERSE_DOMAIN {
                return Err(Error::invalid_request(
                    "universe_domain",
                    format!(
                        "the mTLS endpoint exists only in the universe `googleapis.com`, not in \
                         {universe:?}; set an endpoint, or {USE_MTLS_ENDPOINT_ENV}=never"
                    ),
                ));
            }
            let endpoint = if mtls {
                MTLS_ENDPOINT.to_string()
            } else {
                crate::universe::default_endpoint(&universe)
            };
            (endpoint, false)
        }
    };
    Ok(Selection {
        endpoint,
        universe_domain: universe,
        emulator,
        use_certificate,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> EndpointEnv {
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        };
        EndpointEnv {
            emulator_host: get("emulator"),
            universe_domain: get("universe"),
            use_client_certificate: get("cert"),
            use_mtls_endpoint: get("mtls"),
        }
    }

    fn endpoint(
        explicit: Option<&str>,
        universe: Option<&str>,
        cert: bool,
        pairs: &[(&str, &str)],
    ) -> String {
        select(explicit, universe, cert, &env(pairs))
            .unwrap()
            .endpoint
    }

    #[test]
    fn without_settings_the_endpoint_is_the_public_one() {
        let chosen = select(None, None, false, &EndpointEnv::default()).unwrap();
        assert_eq!(chosen.endpoint, "https://cloudchannel.googleapis.com");
        assert_eq!(chosen.universe_domain, "googleapis.com");
        assert!(!chosen.emulator && !chosen.use_certificate);
    }

    #[test]
    fn the_universe_domain_names_the_default_endpoint_and_the_builder_wins_over_the_environment() {
        assert_eq!(
            endpoint(None, None, false, &[("universe", "example-universe.net")]),
            "https://cloudchannel.example-universe.net"
        );
        assert_eq!(
            endpoint(
                None,
                Some("Other.Example"),
                false,
                &[("universe", "example-universe.net")]
            ),
            "https://cloudchannel.other.example"
        );
        // An explicit endpoint wins, but the universe is still recorded for
        // the credentials check.
        let chosen = select(
            Some("https://private.example"),
            Some("other.example"),
            false,
            &env(&[]),
        )
        .unwrap();
        assert_eq!(chosen.endpoint, "https://private.example");
        assert_eq!(chosen.universe_domain, "other.example");
        for bad in ["", "has space.com", "a..b", "https://x.com"] {
            let err = select(None, Some(bad), false, &env(&[])).unwrap_err();
            assert_eq!(err.field_violations()[0].field, "universe_domain", "{bad}");
        }
    }

    #[test]
    fn a_client_certificate_switches_to_the_mtls_endpoint_unless_one_was_given() {
        assert_eq!(
            endpoint(None, None, true, &[("cert", "true")]),
            MTLS_ENDPOINT
        );
        assert_eq!(endpoint(None, None, true, &[]), MTLS_ENDPOINT);
        assert_eq!(
            endpoint(
                Some("https://cloudchannel.googleapis.com"),
                None,
                true,
                &[("cert", "true")]
            ),
            "https://cloudchannel.googleapis.com"
        );
        let chosen = select(
            Some("https://127.0.0.1:9"),
            None,
            true,
            &env(&[("cert", "true")]),
        )
        .unwrap();
        assert!(chosen.use_certificate);
        // Turned off by the environment: neither presented nor switching.
        let off = select(None, None, true, &env(&[("cert", "false")])).unwrap();
        assert_eq!(off.endpoint, "https://cloudchannel.googleapis.com");
        assert!(!off.use_certificate);
        // `true` without a certificate changes nothing.
        assert_eq!(
            endpoint(None, None, false, &[("cert", "true")]),
            "https://cloudchannel.googleapis.com"
        );
    }

    #[test]
    fn use_mtls_endpoint_never_auto_and_always_behave_as_documented() {
        let cases = [
            ("never", false, "https://cloudchannel.googleapis.com"),
            ("never", true, "https://cloudchannel.googleapis.com"),
            ("auto", false, "https://cloudchannel.googleapis.com"),
            ("auto", true, MTLS_ENDPOINT),
            ("always", false, MTLS_ENDPOINT),
            ("ALWAYS", true, MTLS_ENDPOINT),
        ];
        for (value, cert, expected) in cases {
            assert_eq!(
                endpoint(None, None, cert, &[("mtls", value)]),
                expected,
                "{value} {cert}"
            );
        }
        assert_eq!(
            endpoint(Some("https://x.example"), None, true, &[("mtls", "always")]),
            "https://x.example"
        );
    }

    #[test]
    fn unsupported_environment_values_are_refused_by_name() {
        let err = select(None, None, false, &env(&[("mtls", "sometimes")])).unwrap_err();
        assert_eq!(err.field_violations()[0].field, USE_MTLS_ENDPOINT_ENV);
        assert!(err.message().contains("never, auto and always"), "{err}");
        let err = select(None, None, false, &env(&[("cert", "yes")])).unwrap_err();
        assert_eq!(err.field_violations()[0].field, USE_CLIENT_CERTIFICATE_ENV);
        assert!(err.message().contains("true and false"), "{err}");
    }

    #[test]
    fn variables_set_to_nothing_are_refused_where_google_refuses_them() {
        let set_to_nothing = |names: &'static [&'static str]| {
            EndpointEnv::from_vars(move |name| names.contains(&name).then(|| " ".to_string()))
        };
        let err = select(
            None,
            None,
            false,
            &set_to_nothing(&[crate::universe::UNIVERSE_DOMAIN_ENV]),
        )
        .unwrap_err();
        assert_eq!(err.field_violations()[0].field, "universe_domain");
        let err = select(None, None, false, &set_to_nothing(&[USE_MTLS_ENDPOINT_ENV])).unwrap_err();
        assert_eq!(err.field_violations()[0].field, USE_MTLS_ENDPOINT_ENV);
        // Set to nothing is unset for these two.
        let chosen = select(
            None,
            None,
            true,
            &set_to_nothing(&[
                USE_CLIENT_CERTIFICATE_ENV,
                crate::endpoint::EMULATOR_HOST_ENV,
            ]),
        )
        .unwrap();
        assert_eq!(chosen.endpoint, MTLS_ENDPOINT);
        assert!(!chosen.emulator);
    }

    #[test]
    fn the_mtls_endpoint_is_refused_outside_googleapis() {
        let err = select(None, Some("example-universe.net"), true, &env(&[])).unwrap_err();
        assert_eq!(err.field_violations()[0].field, "universe_domain");
        let err = select(
            None,
            None,
            false,
            &env(&[("mtls", "always"), ("universe", "u.example")]),
        )
        .unwrap_err();
        assert!(err.message().contains("googleapis.com"), "{err}");
        // Without a certificate, auto stays in the universe.
        assert_eq!(
            endpoint(None, Some("u.example"), false, &[]),
            "https://cloudchannel.u.example"
        );
    }

    #[test]
    fn an_emulator_from_the_environment_is_plaintext_and_never_gets_the_certificate() {
        let chosen = select(None, None, true, &env(&[("emulator", "127.0.0.1:8790")])).unwrap();
        assert_eq!(chosen.endpoint, "http://127.0.0.1:8790");
        assert!(chosen.emulator && !chosen.use_certificate);
        let chosen = select(
            Some("https://127.0.0.1:1"),
            None,
            false,
            &env(&[("emulator", "127.0.0.1:8790")]),
        )
        .unwrap();
        assert!(!chosen.emulator);
    }

    #[test]
    fn certificates_load_and_are_checked_without_showing_the_key() {
        let good = ClientCertificate::from_pem(
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            "-----BEGIN PRIVATE KEY-----\nSECRETKEY\n-----END PRIVATE KEY-----\n",
        );
        let pem = good.load().unwrap();
        assert!(!format!("{pem:?}").contains("SECRETKEY"));
        assert!(!format!("{good:?}").contains("SECRETKEY"));
        let swapped = ClientCertificate::from_pem("not pem", "-----BEGIN PRIVATE KEY-----");
        assert!(
            swapped
                .load()
                .unwrap_err()
                .message()
                .contains("CERTIFICATE")
        );
        let no_key = ClientCertificate::from_pem("-----BEGIN CERTIFICATE-----", "xyz");
        assert!(no_key.load().unwrap_err().message().contains("PRIVATE KEY"));
        let missing = ClientCertificate::from_files("/nonexistent/c.pem", "/nonexistent/k.pem");
        let err = missing.load().unwrap_err();
        assert_eq!(err.field_violations()[0].field, "client_certificate");
        assert!(err.message().contains("/nonexistent/c.pem"), "{err}");
        let failing = ClientCertificate::from_source(|| Err("no certificate enrolled".into()));
        assert!(
            failing
                .load()
                .unwrap_err()
                .message()
                .contains("no certificate enrolled")
        );
    }
}
