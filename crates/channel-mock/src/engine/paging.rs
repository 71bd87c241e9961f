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
        // Byte pairs, never string slices: a token is caller input and may
        // hold characters of any width.
        let bytes: Vec<u8> = hex
            .as_bytes()
            .chunks(2)
            .map(|pair| match pair {
                [high, low] => Some((hex_digit(*high)? << 4) | hex_digit(*low)?),
                _ => None,
            })
            .collect::<Option<_>>()
            .ok_or_else(bad)?;
        let key = String::from_utf8(bytes).map_err(|_| bad())?;
        let expected = fnv(self.secret, format!("{scope}\u{0}{key}").as_bytes());
        let given = sum
            .bytes()
            .try_fold(0u64, |n, b| Some((n << 4) | u64::from(hex_digit(b)?)));
        if given != Some(expected) {
            return Err(bad());
        }
        Ok(Some(key))
    }
}

/// The value of one hexadecimal digit.
fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
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
    keep: impl FnMut(&str, &V) -> Option<T>,
) -> Result<(Vec<T>, String), Error> {
    page_from(
        |start| {
            map.range::<str, _>((start, Bound::Unbounded))
                .map(|(key, value)| (key.as_str(), value))
        },
        prefix,
        tokens,
        scope,
        token,
        size,
        keep,
    )
}

/// [`page`] over any sorted collection: `entries_from` gives its entries
/// in key order from a bound on.
pub(crate) fn page_from<'m, E, I, T>(
    entries_from: impl FnOnce(Bound<&str>) -> I,
    prefix: &str,
    tokens: Tokens,
    scope: &str,
    token: &str,
    size: usize,
    mut keep: impl FnMut(&str, E) -> Option<T>,
) -> Result<(Vec<T>, String), Error>
where
    I: Iterator<Item = (&'m str, E)>,
{
    let after = tokens.check(scope, token)?;
    let start = match &after {
        Some(key) => Bound::Excluded(key.as_str()),
        None => Bound::Included(prefix),
    };
    let mut items = Vec::new();
    let mut last = None;
    for (key, value) in entries_from(start) {
        if !key.starts_with(prefix) {
            break;
        }
        if items.len() == size {
            // There is at least one more entry; continue after the last one given.
            let next = last.map(|k| tokens.issue(scope, k)).unwrap_or_default();
            return Ok((items, next));
        }
        if let Some(item) = keep(key, value) {
            items.push(item);
        }
        last = Some(key);
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
    let end = start.saturating_add(size).min(items.len());
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
    fn tokens_of_any_characters_are_refused_without_a_panic() {
        let tokens = Tokens::new(7);
        let valid = tokens.issue("s", "k");
        let sum = valid.split_once('.').unwrap().1;
        for hostile in [
            "€€.0000000000000000".to_string(),
            "6€.0000000000000000".to_string(),
            "€6.0000000000000000".to_string(),
            format!("6b.{}", "€".repeat(5) + "0"),
            format!("€.{sum}"),
            format!("+6b.{sum}"),
            "6b.+000000000000000".to_string(),
            ".".to_string(),
            "\u{0}\u{0}.\u{0}".to_string(),
        ] {
            let err = tokens.check("s", &hostile).unwrap_err();
            assert_eq!(
                err.code(),
                channel_types::rpc::Code::InvalidArgument,
                "{hostile}"
            );
        }
        assert_eq!(tokens.check("s", &valid).unwrap().as_deref(), Some("k"));
    }

    #[test]
    fn a_page_of_the_largest_size_past_the_end_is_empty() {
        let items: Vec<(String, u8)> = vec![("a".into(), 1), ("b".into(), 2)];
        let tokens = Tokens::new(3);
        let after_b = tokens.issue("s", "b");
        let (page, next) = page_vec(&items, tokens, "s", &after_b, usize::MAX).unwrap();
        assert!(page.is_empty() && next.is_empty());
        let (page, _) = page_vec(&items, tokens, "s", "", usize::MAX).unwrap();
        assert_eq!(page, [1, 2]);
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
