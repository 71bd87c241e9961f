//! Checks on request fields that several methods share, run before anything
//! changes: request ids, purchase order ids, domains and emails, update
//! masks, and the one rule for quoting user input in an error message.

use std::borrow::Cow;

use super::errors::invalid;
use super::schema::{FieldType, schema};
use channel_core::Error;
use channel_types::r#type::Date;
use channel_types::wkt::Timestamp;

/// An id a seeded scenario gives an account, customer or Cloud Identity:
/// it becomes one segment of a resource name (or travels in a field as
/// one), so it must be a segment every server accepts back: letters,
/// digits, `-`, `_` and `.`, and neither `.` nor `..`.
pub(crate) fn resource_id(field: &str, value: &str) -> Result<(), Error> {
    let plain = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if value.is_empty() || value == "." || value == ".." || !plain {
        return Err(invalid(
            field,
            format!(
                "{:?} is not a usable id; expected letters, digits, '-', '_' or '.', such as \"S01\"",
                shorten(value)
            ),
        ));
    }
    Ok(())
}

/// The most characters of user input an error message quotes. Errors travel
/// in gRPC trailers, which clients cap (8 KiB is common): an echoed
/// 8,000-character name must not push the status past that.
const QUOTE_LIMIT: usize = 120;

/// User input as an error message may quote it: cut to [`QUOTE_LIMIT`]
/// characters, with a mark saying how long it was.
pub(crate) fn shorten(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(QUOTE_LIMIT) {
        None => Cow::Borrowed(text),
        Some((end, _)) => Cow::Owned(format!(
            "{}... ({} characters)",
            &text[..end],
            text.chars().count()
        )),
    }
}

/// `text` (an error message written by a decoder that quotes what it
/// refuses in full) with each double-quoted run longer than
/// [`QUOTE_LIMIT`] characters cut as [`shorten`] cuts it. Single quotes
/// hold field paths, made of the schema's own names (and stand for
/// apostrophes too), so they are left alone.
pub(crate) fn shorten_quoted(text: &str) -> Cow<'_, str> {
    if text.chars().count() <= QUOTE_LIMIT {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len().min(4 * QUOTE_LIMIT));
    let mut rest = text;
    let quote = '"';
    while let Some(open) = rest.find(quote) {
        out.push_str(&rest[..=open]);
        let inner = &rest[open + 1..];
        // The closing quote is the first one no backslash escapes.
        let mut escaped = false;
        let close = inner.char_indices().find_map(|(i, c)| {
            let found = c == quote && !escaped;
            escaped = c == '\\' && !escaped;
            found.then_some(i)
        });
        let Some(close) = close else {
            out.push_str(&shorten(inner));
            return Cow::Owned(out);
        };
        let quoted = &inner[..close];
        match shorten(quoted) {
            Cow::Borrowed(kept) => out.push_str(kept),
            Cow::Owned(_) => {
                // Cut on a character, never inside an escape sequence.
                let cut: String = quoted.chars().take(QUOTE_LIMIT).collect();
                let cut = cut.trim_end_matches('\\');
                out.push_str(&format!("{cut}... ({} characters)", quoted.chars().count()));
            }
        }
        out.push(quote);
        rest = &inner[close + quote.len_utf8()..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The documented limit of `purchase_order_id`.
const PURCHASE_ORDER_ID_LIMIT: usize = 80;

/// `request_id`, when set, must be a UUID other than the zero UUID; an empty
/// one means "no idempotency".
pub(crate) fn request_id(value: &str) -> Result<(), Error> {
    if value.is_empty() {
        return Ok(());
    }
    // The hyphenated form only: `{...}`, `urn:uuid:` and bare hex are other
    // spellings, not what the reference shows.
    match uuid::Uuid::try_parse(value) {
        Ok(id) if value.len() == 36 && !id.is_nil() => Ok(()),
        Ok(_) if value.len() == 36 => Err(invalid(
            "request_id",
            "the zero UUID (00000000-0000-0000-0000-000000000000) is not supported; use a random UUID",
        )),
        _ => Err(invalid(
            "request_id",
            format!(
                "{:?} is not a valid UUID (expected the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
                shorten(value)
            ),
        )),
    }
}

/// `purchase_order_id` holds at most 80 characters.
pub(crate) fn purchase_order_id(field: &str, value: &str) -> Result<(), Error> {
    let length = value.chars().count();
    if length > PURCHASE_ORDER_ID_LIMIT {
        return Err(invalid(
            field,
            format!(
                "the purchase order id holds at most {PURCHASE_ORDER_ID_LIMIT} characters; this one has {length}"
            ),
        ));
    }
    Ok(())
}

/// Whether `domain` is a DNS name: two or more labels of letters, digits
/// and inner hyphens, each at most 63 characters, 253 in all.
pub(crate) fn is_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    domain.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.chars().any(|c| c.is_ascii_alphabetic()))
}

/// A customer domain must be a DNS name.
pub(crate) fn domain(field: &str, value: &str) -> Result<(), Error> {
    if is_domain(value) {
        Ok(())
    } else {
        Err(invalid(
            field,
            format!(
                "{:?} is not a valid domain name (expected e.g. example.com)",
                shorten(value)
            ),
        ))
    }
}

/// An email address: a local part of printable characters without spaces,
/// `@`, and a domain.
pub(crate) fn is_email(email: &str) -> bool {
    match email.rsplit_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && local.len() <= 64
                && local.chars().all(|c| {
                    c.is_ascii_graphic()
                        && !matches!(
                            c,
                            '@' | '"' | '(' | ')' | ',' | ':' | ';' | '<' | '>' | '[' | ']' | '\\'
                        )
                })
                && !local.starts_with('.')
                && !local.ends_with('.')
                && !local.contains("..")
                && is_domain(domain)
        }
        None => false,
    }
}

/// An email field, when set, must hold an email address.
pub(crate) fn email(field: &str, value: &str) -> Result<(), Error> {
    if value.is_empty() || is_email(value) {
        Ok(())
    } else {
        Err(invalid(
            field,
            format!(
                "{:?} is not a valid email address (expected e.g. admin@example.com)",
                shorten(value)
            ),
        ))
    }
}

/// The month of `at`, UTC, as (year, month).
pub(crate) fn month_of(at: Timestamp) -> (i32, i32) {
    // RFC 3339 text starts with YYYY-MM.
    let now = at.to_string();
    let year = now.get(..4).and_then(|y| y.parse().ok()).unwrap_or(1970);
    let month = now.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
    (year, month)
}

/// A YearMonth: a `google.type.Date` with a year, a month and day 0.
pub(crate) fn year_month(field: &str, date: &Date) -> Result<(i32, i32), Error> {
    if date.day != 0 {
        return Err(invalid(
            &format!("{field}.day"),
            format!(
                "must be 0: only a year and month are accepted, not a day (got {})",
                date.day
            ),
        ));
    }
    if !(1..=12).contains(&date.month) {
        return Err(invalid(
            &format!("{field}.month"),
            format!("must be a month from 1 to 12 (got {})", date.month),
        ));
    }
    if !(1..=9999).contains(&date.year) {
        return Err(invalid(
            &format!("{field}.year"),
            format!("must be a year from 1 to 9999 (got {})", date.year),
        ));
    }
    Ok((date.year, date.month))
}

/// Parses a `google.type.Decimal` value: an optional sign, digits with an
/// optional fraction, and an optional exponent.
pub(crate) fn decimal(text: &str) -> Option<f64> {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (unsigned, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    let ok = (!whole.is_empty() || !fraction.is_empty())
        && digits(whole)
        && digits(fraction)
        && exponent_ok;
    ok.then(|| text.parse().ok()).flatten()
}

/// The paths of an update mask with AIP-134's wildcard read: `*` alone
/// stands for full replacement, that is every path in `all` (the fields the
/// method lets a caller change); next to other paths it is refused. Any
/// other mask is returned as it came.
pub(crate) fn expand_wildcard(paths: Vec<String>, all: &[&str]) -> Result<Vec<String>, Error> {
    if !paths.iter().any(|p| p == "*") {
        return Ok(paths);
    }
    if paths.len() > 1 {
        return Err(invalid(
            "update_mask",
            "\"*\" asks for a full replacement and must be the only path",
        ));
    }
    Ok(all.iter().map(|p| (*p).to_string()).collect())
}

/// Checks every path of an update mask against `message` (a full name such
/// as `google.cloud.channel.v1.Customer`): each segment must name a field,
/// and only singular message fields have sub-fields.
pub(crate) fn mask_paths(message: &str, paths: &[String]) -> Result<(), Error> {
    let schema = schema();
    for path in paths {
        let mut current = Some(message.to_string());
        for segment in path.split('.') {
            let field = current
                .as_deref()
                .and_then(|m| schema.fields(m))
                .and_then(|fields| fields.iter().find(|f| f.name == segment));
            let Some(field) = field else {
                return Err(invalid(
                    "update_mask",
                    format!(
                        "{:?} does not name a field of {}",
                        shorten(path),
                        message.rsplit('.').next().unwrap_or(message)
                    ),
                ));
            };
            // Only a singular message has sub-fields to name.
            current = match (&field.field_type, field.repeated) {
                (FieldType::Message(m), false) => Some(m.clone()),
                _ => None,
            };
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_wildcard_mask_names_every_changeable_field_and_a_mixed_one_is_refused() {
        let all = ["a", "b.c"];
        let star = vec!["*".to_string()];
        assert_eq!(expand_wildcard(star, &all).unwrap(), ["a", "b.c"]);
        let plain = vec!["a".to_string()];
        assert_eq!(expand_wildcard(plain, &all).unwrap(), ["a"]);
        let mixed = vec!["a".to_string(), "*".to_string()];
        let error = expand_wildcard(mixed, &all).unwrap_err();
        assert!(error.message().contains("only path"), "{error:?}");
    }

    #[test]
    fn long_input_is_cut_and_short_input_kept() {
        assert_eq!(shorten("short"), "short");
        let long = "x".repeat(8000);
        let cut = shorten(&long);
        assert!(cut.len() < 200, "{}", cut.len());
        assert!(cut.ends_with("(8000 characters)"));
        let wide = "é".repeat(500);
        assert!(shorten(&wide).starts_with(&"é".repeat(QUOTE_LIMIT)));
    }

    #[test]
    fn long_quoted_runs_in_a_message_are_cut_and_the_rest_kept() {
        let long = "q".repeat(6000);
        let message = format!("unknown query parameter \"{long}\" for ListCustomers");
        let cut = shorten_quoted(&message);
        assert!(cut.len() < 250, "{cut}");
        assert!(
            cut.ends_with("... (6000 characters)\" for ListCustomers"),
            "{cut}"
        );
        let escaped = format!(
            "at 'customer': name \"{}\\\"x\" and \"short\"",
            "\\\"".repeat(200)
        );
        let cut = shorten_quoted(&escaped);
        assert!(cut.ends_with("characters)\" and \"short\""), "{cut}");
        assert!(cut.starts_with("at 'customer': name \"\\\""), "{cut}");
        let short = "Invalid value at 'view' (type), \"full\"";
        assert_eq!(shorten_quoted(short), short);
    }

    #[test]
    fn request_ids_are_non_zero_hyphenated_uuids() {
        assert!(request_id("").is_ok());
        assert!(request_id("1b4e28ba-2fa1-11d2-883f-0016d3cca427").is_ok());
        assert!(request_id("00000000-0000-0000-0000-000000000000").is_err());
        assert!(request_id("1b4e28ba2fa111d2883f0016d3cca427").is_err());
        assert!(request_id("retry-1").is_err());
    }

    #[test]
    fn domains_and_emails() {
        for good in ["example.com", "a-b.example.co.uk", "xn--bcher-kva.example"] {
            assert!(is_domain(good), "{good}");
        }
        for bad in [
            "",
            "localhost",
            "-a.com",
            "a..com",
            "a b.com",
            "a.com.",
            "a.123",
        ] {
            assert!(!is_domain(bad), "{bad}");
        }
        assert!(is_email("first.last+tag@example.com"));
        for bad in [
            "@example.com",
            "a@",
            "a@b",
            "a b@example.com",
            "a..b@example.com",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn decimals_in_the_google_type_form() {
        assert_eq!(decimal("-5.5"), Some(-5.5));
        assert_eq!(decimal("1.00"), Some(1.0));
        assert_eq!(decimal(".5"), Some(0.5));
        assert_eq!(decimal("2e2"), Some(200.0));
        for bad in ["", "-", "1.2.3", "abc", "1,5", "NaN", "inf", "1e"] {
            assert_eq!(decimal(bad), None, "{bad}");
        }
    }

    #[test]
    fn mask_paths_are_checked_against_the_message() {
        let customer = "google.cloud.channel.v1.Customer";
        let ok = |p: &str| mask_paths(customer, &[p.to_string()]).is_ok();
        assert!(ok("org_display_name"));
        assert!(ok("primary_contact_info.email"));
        assert!(!ok("primary_contact_info.nonexistent"));
        assert!(!ok("bogus"));
        assert!(!ok("domain.length"), "a string has no sub-fields");
    }
}
