//! Universe domains: which Google cloud a client talks to.
//!
//! Google's public cloud is the universe `googleapis.com`; other universes
//! (sovereign or dedicated clouds) serve the same API under another domain,
//! `cloudchannel.{universe}`. Credentials belong to one universe, and a
//! token of one universe is refused by every other, late and with an
//! obscure message; so a client whose credentials name a universe other
//! than its own refuses to start instead.

use crate::{Error, Result};

/// Google's public cloud.
pub const DEFAULT_UNIVERSE_DOMAIN: &str = "googleapis.com";

/// The environment variable that sets the universe domain when the builder
/// does not.
pub const UNIVERSE_DOMAIN_ENV: &str = "GOOGLE_CLOUD_UNIVERSE_DOMAIN";

/// The service's endpoint in `universe`: `https://cloudchannel.{universe}`.
pub(crate) fn default_endpoint(universe: &str) -> String {
    format!("https://cloudchannel.{universe}")
}

/// Checks a universe domain given by the user: a non-empty host name.
pub(crate) fn check_domain(domain: &str) -> Result<()> {
    let valid = !domain.is_empty()
        && domain.split('.').all(|label| {
            !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if valid {
        Ok(())
    } else {
        Err(Error::invalid_request(
            "universe_domain",
            format!(
                "{domain:?} is not a domain name; expected a domain such as \
                 `googleapis.com`"
            ),
        ))
    }
}

/// Refuses credentials that name a universe (`theirs`, from
/// `Credentials::universe_domain`) other than `universe`.
pub(crate) fn check_credentials(universe: &str, theirs: Option<&str>) -> Result<()> {
    match theirs {
        Some(theirs) if !theirs.eq_ignore_ascii_case(universe) => Err(Error::invalid_request(
            "universe_domain",
            format!(
                "the client is configured for the universe domain {universe:?}, but its \
                 credentials belong to {theirs:?}; set the client's universe domain \
                 (ClientBuilder::universe_domain or {UNIVERSE_DOMAIN_ENV}) to the \
                 credentials' one, or use credentials of {universe:?}"
            ),
        )),
        _ => Ok(()),
    }
}
