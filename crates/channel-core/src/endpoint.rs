//! Endpoints taken apart by a URL parser, so that the host a transport
//! checks is the host it connects to.
//!
//! Splitting an endpoint by hand gets `http://localhost:@192.0.2.1/` wrong:
//! the text before `@` is user information, and the host is `192.0.2.1`. A
//! bearer token sent there "because it is localhost" would cross the
//! network in clear. So endpoints are parsed once, by the `url` crate (the
//! parser the REST transport's HTTP client uses too); user information is
//! refused outright; whether plaintext is allowed is decided on the parsed
//! host alone; and transports connect to the URL rebuilt from the parsed
//! parts, never to the text they were given.

use std::net::IpAddr;

use url::{Host, Url};

use crate::{Error, Result};

/// The production endpoint.
pub const DEFAULT_ENDPOINT: &str = "https://cloudchannel.googleapis.com";

/// The environment variable that points clients at an emulator (`host:port`).
pub const EMULATOR_HOST_ENV: &str = "CHANNEL_EMULATOR_HOST";

/// An endpoint URL, parsed and checked: `http` or `https`, a host, no user
/// information, no query or fragment.
///
/// ```
/// use channel_core::EndpointUrl;
///
/// let local = EndpointUrl::parse("http://127.0.0.1:8790/", None)?;
/// assert!(local.is_loopback());
/// assert_eq!(local.origin(), "http://127.0.0.1:8790");
///
/// // Not `localhost`: that is user information, and the host is 192.0.2.1.
/// let err = EndpointUrl::parse("http://localhost:@192.0.2.1/", None).unwrap_err();
/// assert_eq!(err.field_violations()[0].field, "endpoint");
///
/// let grpc = EndpointUrl::parse("cloudchannel.googleapis.com:443", Some("https"))?;
/// assert_eq!(grpc.origin(), "https://cloudchannel.googleapis.com");
/// # Ok::<(), channel_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointUrl {
    url: Url,
}

fn invalid(description: String) -> Error {
    Error::invalid_request("endpoint", description)
}

impl EndpointUrl {
    /// Parses an endpoint. Text without `://` gets `default_scheme` when
    /// one is given (`host:port` for gRPC) and is refused otherwise.
    pub fn parse(text: &str, default_scheme: Option<&str>) -> Result<Self> {
        let text = text.trim();
        let full = match (text.contains("://"), default_scheme) {
            (true, _) => text.to_string(),
            (false, Some(scheme)) => format!("{scheme}://{text}"),
            (false, None) => {
                return Err(invalid(format!(
                    "{text:?} has no scheme; use https://host[:port]"
                )));
            }
        };
        let url =
            Url::parse(&full).map_err(|e| invalid(format!("{text:?} is not a valid URL ({e})")))?;
        match url.scheme() {
            "http" | "https" => {}
            other => {
                return Err(invalid(format!(
                    "unsupported scheme {other:?} in {text:?}; use https:// (or http:// for a \
                     local emulator)"
                )));
            }
        }
        if !url.username().is_empty() || url.password().is_some() {
            // The text is not echoed: what precedes '@' may be a password.
            return Err(invalid(format!(
                "the endpoint for host {:?} contains user information (text before '@'); \
                 an endpoint is https://host[:port], and credentials are set apart from it",
                url.host_str().unwrap_or_default()
            )));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(invalid(format!("{text:?} names no host")));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid(format!(
                "{text:?} has a query or fragment; an endpoint is https://host[:port]"
            )));
        }
        Ok(EndpointUrl { url })
    }

    /// `http` or `https`.
    pub fn scheme(&self) -> &str {
        self.url.scheme()
    }

    /// Whether the endpoint uses TLS.
    pub fn is_tls(&self) -> bool {
        self.url.scheme() == "https"
    }

    /// The host as parsed: a lower-case domain, an IPv4 address, or an IPv6
    /// address in brackets.
    pub fn host(&self) -> &str {
        self.url.host_str().unwrap_or_default()
    }

    /// Whether the host is this machine: `localhost`, an address in
    /// 127.0.0.0/8, or `::1` (also written as an IPv4-mapped address).
    pub fn is_loopback(&self) -> bool {
        match self.url.host() {
            Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
            Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
            Some(Host::Ipv6(ip)) => {
                ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
            }
            None => false,
        }
    }

    /// The path below the host, without a trailing `/` (empty for none).
    pub fn path(&self) -> &str {
        self.url.path().trim_end_matches('/')
    }

    /// `scheme://host[:port]`, rebuilt from the parsed parts (a port that is
    /// the scheme's default is left out).
    pub fn origin(&self) -> String {
        match self.url.port() {
            Some(port) => format!("{}://{}:{port}", self.scheme(), self.host()),
            None => format!("{}://{}", self.scheme(), self.host()),
        }
    }

    /// The origin followed by the path: the base every REST URL starts with.
    pub fn base(&self) -> String {
        format!("{}{}", self.origin(), self.path())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn user_information_is_refused_whatever_it_says() {
        for text in [
            "http://localhost:@192.0.2.1/",
            "http://127.0.0.1@192.0.2.1",
            "https://user:secret@cloudchannel.googleapis.com",
            "http://localhost:8790@192.0.2.1:8790",
        ] {
            let err = EndpointUrl::parse(text, None).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{text}");
            assert!(err.message().contains("user information"), "{err}");
            assert!(!err.message().contains("secret"), "{err}");
        }
    }

    #[test]
    fn loopback_is_decided_on_the_parsed_host() {
        for local in [
            "http://localhost:8790",
            "http://LOCALHOST",
            "http://127.0.0.1",
            "http://127.9.8.7:1",
            "http://[::1]:8790/",
            "http://[::ffff:127.0.0.1]",
            "http://0x7f.1",
        ] {
            assert!(
                EndpointUrl::parse(local, None).unwrap().is_loopback(),
                "{local}"
            );
        }
        for remote in [
            "http://192.0.2.1",
            "http://localhost.example.com",
            "http://127.0.0.1.example.com",
            "http://[::2]",
            "http://10.0.0.1:80",
        ] {
            assert!(
                !EndpointUrl::parse(remote, None).unwrap().is_loopback(),
                "{remote}"
            );
        }
    }

    #[test]
    fn the_origin_is_rebuilt_from_the_parts() {
        let url =
            EndpointUrl::parse("  HTTPS://CloudChannel.GoogleAPIs.com:8443/v1/ ", None).unwrap();
        assert_eq!(url.origin(), "https://cloudchannel.googleapis.com:8443");
        assert_eq!(url.base(), "https://cloudchannel.googleapis.com:8443/v1");
        assert!(url.is_tls());
        let v6 = EndpointUrl::parse("[::1]:9000", Some("http")).unwrap();
        assert_eq!(v6.origin(), "http://[::1]:9000");
        for bad in [
            "ftp://example.com",
            "https://",
            "https://example.com?x=1",
            "https://example.com#top",
            "example.com",
            "",
        ] {
            assert!(EndpointUrl::parse(bad, None).is_err(), "{bad}");
        }
    }
}
