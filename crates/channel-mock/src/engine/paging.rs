//! Pages over sorted collections, with opaque page tokens.
//!
//! A token names the last key of the page it follows, so the next page
//! starts right after that key whatever was inserted meanwhile: no item is
//! seen twice and none already listed is skipped. Tokens carry a checksum
//! keyed with a secret of this emulator instance; anything else is
//! INVALID_ARGUMENT.

use std::collections::BTreeMap;
use std::ops::Bound;

use channel_core::Error;

use super::errors::invalid;

/// Page size limits of one list method.
#[derive(Clone, Copy)]
pub(crate) struct PageLimits {
    pub(crate) default: usize,
    pub(crate) max: usize,
}

/// Issues and checks page tokens.
#[derive(Clone, Copy)]
pub(crate) struct Tokens {
    secret: u64,
}

fn fnv(seed: u64, bytes: &[u8]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325 ^ seed;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

impl Tokens {
    pub(crate) fn new(secret: u64) -> Self {
        Tokens { secret }
    }

    /// The token that continues after `key` in the collection `scope`.
    pub(crate) fn issue(&self, scope: &str, key: &str) -> String {
        let mut text = String::with_capacity(key.len() * 2 + 17);
        for b in key.as_bytes() {
            text.push_str(&format!("{b:02x}"));
        }
        let sum = fnv(self.secret, format!("{scope}\u{0}{key}").as_bytes());
        format!("{text}.{sum:016x}")
    }

    /// The key a token continues after; empty token = from the start.
    pub(crate) fn check(&self, scope: &str, token: &str) -> Result<Option<String>, Error> {
        if token.is_empty() {
            return Ok(None);
        }
        let bad = || invalid("page_token", "the page token is not valid for this request");
        let (hex, sum) = token.split_once('.').ok_or_else(bad)?;
        if hex.len() % 2 != 0 || sum.len() != 16 {
            return Err(bad());
        }
        let bytes: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16))
            .collect::<Result<_, _>>()
            .map_err(|_| bad())?;
        let key = String::from_utf8(bytes).map_err(|_| bad())?;
        let expected = fnv(self.secret, format!("{scope}\u{0}{key}").as_bytes());
        if u64::from_str_radix(sum, 16).ok() != Some(expected) {
            return Err(bad());
        }
        Ok(Some(key))
    }
}

/// Validates a requested page size: negative is an error, 0 means the
/// default, above the maximum is capped.
pub(crate) fn page_size(requested: i32, limits: PageLimits) -> Result<usize, Error> {
    if requested < 0 {
        return Err(invalid("page_size", "must not be negative"));
    }
    Ok(match requested as usize {
        0 => limits.default,
        n => n.min(limits.max),
    })
}

/// One page of the entries of `map` whose keys start with `prefix` and pass
/// `keep`, after the token's key. Returns the items and the next token.
pub(crate) fn page<V, T>(
    map: &BTreeMap<String, V>,
    prefix: &str,
    tokens: Tokens,
    scope: &str,
    token: &str,
    size: usize,
    mut keep: impl FnMut(&str, &V) -> Option<T>,
) -> Result<(Vec<T>, String), Error> {
    let after = tokens.check(scope, token)?;
    let start = match &after {
        Some(key) => Bound::Excluded(key.clone()),
        None => Bound::Included(prefix.to_string()),
    };
    let mut items = Vec::new();
    let mut last = None;
    for (key, value) in map.range((start, Bound::Unbounded)) {
        if !key.starts_with(prefix) {
            break;
        }
        if items.len() == size {
            // There is at least one more entry; continue after the last one given.
            let next = last
                .map(|k: &String| tokens.issue(scope, k))
                .unwrap_or_default();
            return Ok((items, next));
        }
        if let Some(item) = keep(key, value) {
            items.push(item);
            last = Some(key);
        } else {
            last = Some(key);
        }
    }
    Ok((items, String::new()))
}

/// Pages a list already built in order (e.g. the catalog).
pub(crate) fn page_vec<T: Clone>(
    items: &[(String, T)],
    tokens: Tokens,
    scope: &str,
    token: &str,
    size: usize,
) -> Result<(Vec<T>, String), Error> {
    let after = tokens.check(scope, token)?;
    let start = match &after {
        Some(key) => items
            .iter()
            .position(|(k, _)| k == key)
            .map_or(items.len(), |i| i + 1),
        None => 0,
    };
    let end = (start + size).min(items.len());
    let page: Vec<T> = items[start..end].iter().map(|(_, v)| v.clone()).collect();
    let next = if end < items.len() && end > start {
        tokens.issue(scope, &items[end - 1].0)
    } else {
        String::new()
    };
    Ok((page, next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_forgeries_fail() {
        let tokens = Tokens::new(42);
        let t = tokens.issue("customers:accounts/A", "accounts/A/customers/C7");
        assert_eq!(
            tokens.check("customers:accounts/A", &t).unwrap().as_deref(),
            Some("accounts/A/customers/C7")
        );
        assert!(
            tokens.check("customers:accounts/B", &t).is_err(),
            "a token is bound to its collection"
        );
        assert!(
            Tokens::new(43).check("customers:accounts/A", &t).is_err(),
            "and to this instance"
        );
        for forged in ["x", "zz.0000000000000000", "6162.0000000000000000", &t[1..]] {
            assert!(
                tokens.check("customers:accounts/A", forged).is_err(),
                "{forged}"
            );
        }
    }

    #[test]
    fn pages_are_stable_under_inserts() {
        let tokens = Tokens::new(1);
        let mut map: BTreeMap<String, u32> = (0..5).map(|i| (format!("p/{i}"), i)).collect();
        let (first, next) = page(&map, "p/", tokens, "s", "", 2, |_, v| Some(*v)).unwrap();
        assert_eq!(first, [0, 1]);
        // Inserted before and after the cursor while the caller pages.
        map.insert("p/0a".into(), 99);
        map.insert("p/9".into(), 9);
        let (second, next) = page(&map, "p/", tokens, "s", &next, 2, |_, v| Some(*v)).unwrap();
        assert_eq!(second, [2, 3]);
        let (third, next) = page(&map, "p/", tokens, "s", &next, 2, |_, v| Some(*v)).unwrap();
        assert_eq!(third, [4, 9]);
        assert!(next.is_empty());
    }

    #[test]
    fn page_sizes() {
        let limits = PageLimits {
            default: 10,
            max: 50,
        };
        assert_eq!(page_size(0, limits).unwrap(), 10);
        assert_eq!(page_size(7, limits).unwrap(), 7);
        assert_eq!(page_size(500, limits).unwrap(), 50);
        assert!(page_size(-1, limits).is_err());
    }
}
