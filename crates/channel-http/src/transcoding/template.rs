//! URL path templates of HTTP rules: parsing, matching a field value against
//! a variable's pattern (client side), and matching a request path against
//! the whole template (server side).
//!
//! The grammar is the one of `google.api.http`:
//!
//! ```text
//! Template = "/" Segments [ ":" Verb ] ;
//! Segments = Segment { "/" Segment } ;
//! Segment  = "*" | "**" | LITERAL | "{" FieldPath [ "=" Segments ] "}" ;
//! ```
//!
//! `*` matches one non-empty segment and `**` one or more (the spec allows
//! zero, but then `GET /v1/operations` would match both `ListOperations` and
//! `GetOperation`); `{field}` alone means `{field=*}`. Wildcards must sit
//! inside a variable: a client has no value to write for a bare one.
//!
//! A wildcard never matches a `.` or `..` segment or one with a control
//! character ([`segment_problem`]), on either side: URL libraries collapse
//! dot segments, so such a name would reach another resource, and a server
//! must not take `%2E%2E` for a name either.

use std::borrow::Cow;
use std::fmt;

use channel_types::methods::segment_problem;
use percent_encoding::percent_decode_str;

use super::fields::FieldPath;

/// One segment of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    /// A fixed segment, e.g. `accounts`.
    Literal(String),
    /// `*`: one segment.
    Star,
    /// `**`: one or more segments.
    DoubleStar,
}

/// A `{field=pattern}` variable: the field it binds and its segments.
#[derive(Debug, Clone)]
pub(crate) struct Variable {
    /// The bound field.
    pub(crate) field: FieldPath,
    /// The pattern's segments, `[Star]` for a bare `{field}`.
    pub(crate) pattern: Vec<Segment>,
    /// The pattern as written, e.g. `accounts/*/customers/*`.
    pub(crate) pattern_text: String,
}

/// A top-level piece of a template: a fixed segment or a variable.
#[derive(Debug, Clone)]
enum Piece {
    Literal(String),
    Variable(usize),
}

/// A parsed URL template.
#[derive(Debug, Clone)]
pub(crate) struct Template {
    pieces: Vec<Piece>,
    variables: Vec<Variable>,
    verb: Option<String>,
    literals: usize,
    has_double_star: bool,
}

/// Why a template did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TemplateError(String);

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn parse_segment(text: &str, template: &str) -> Result<Segment, TemplateError> {
    match text {
        "" => Err(TemplateError(format!("empty segment in {template:?}"))),
        "*" => Ok(Segment::Star),
        "**" => Ok(Segment::DoubleStar),
        s if s.contains(['{', '}', '=', '*']) => {
            Err(TemplateError(format!("bad segment {s:?} in {template:?}")))
        }
        s => Ok(Segment::Literal(s.to_string())),
    }
}

/// Splits `text` at `sep` where it is not inside braces.
fn split_outside_braces(text: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            c if c == sep && depth == 0 => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

impl Template {
    /// Parses a template such as `/v1/{name=accounts/*/customers/*}:cancel`.
    pub(crate) fn parse(template: &str) -> Result<Template, TemplateError> {
        let rest = template
            .strip_prefix('/')
            .ok_or_else(|| TemplateError(format!("{template:?} does not start with '/'")))?;
        let mut colon = split_outside_braces(rest, ':');
        let verb = match colon.len() {
            1 => None,
            2 => colon.pop().map(str::to_string),
            _ => return Err(TemplateError(format!("more than one verb in {template:?}"))),
        };
        if verb
            .as_deref()
            .is_some_and(|v| v.is_empty() || v.contains('/'))
        {
            return Err(TemplateError(format!("bad verb in {template:?}")));
        }
        let mut pieces = Vec::new();
        let mut variables = Vec::new();
        for part in split_outside_braces(colon[0], '/') {
            if let Some(inner) = part.strip_prefix('{') {
                let inner = inner
                    .strip_suffix('}')
                    .ok_or_else(|| TemplateError(format!("unclosed variable in {template:?}")))?;
                let (field, pattern_text) = inner.split_once('=').unwrap_or((inner, "*"));
                if field.is_empty()
                    || !field.split('.').all(|s| {
                        !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    })
                {
                    return Err(TemplateError(format!(
                        "bad field path {field:?} in {template:?}"
                    )));
                }
                let pattern = pattern_text
                    .split('/')
                    .map(|s| parse_segment(s, template))
                    .collect::<Result<Vec<_>, _>>()?;
                pieces.push(Piece::Variable(variables.len()));
                variables.push(Variable {
                    field: FieldPath::new(field),
                    pattern,
                    pattern_text: pattern_text.to_string(),
                });
            } else {
                match parse_segment(part, template)? {
                    Segment::Literal(literal) => pieces.push(Piece::Literal(literal)),
                    // The client would have no value to write for it.
                    _ => {
                        return Err(TemplateError(format!(
                            "a wildcard outside a variable in {template:?}"
                        )));
                    }
                }
            }
        }
        let in_variables = || variables.iter().flat_map(|v| v.pattern.iter());
        let literals = pieces
            .iter()
            .filter(|p| matches!(p, Piece::Literal(_)))
            .count()
            + in_variables()
                .filter(|s| matches!(s, Segment::Literal(_)))
                .count();
        let double_stars = in_variables()
            .filter(|s| matches!(s, Segment::DoubleStar))
            .count();
        let last_is_double_star = match pieces.last() {
            Some(Piece::Variable(i)) => variables[*i].pattern.last() == Some(&Segment::DoubleStar),
            _ => false,
        };
        if double_stars > 1 || (double_stars == 1 && !last_is_double_star) {
            return Err(TemplateError(format!(
                "'**' must be the last segment of {template:?}"
            )));
        }
        Ok(Template {
            pieces,
            variables,
            literals: literals + usize::from(verb.is_some()),
            verb,
            has_double_star: double_stars == 1,
        })
    }

    /// The variables, in template order.
    pub(crate) fn variables(&self) -> &[Variable] {
        &self.variables
    }

    /// How many literal segments the template has, its verb counted as one:
    /// more is more specific.
    pub(crate) fn literal_count(&self) -> usize {
        self.literals
    }

    /// Whether the template ends in `**`: less specific than one that does not.
    pub(crate) fn has_double_star(&self) -> bool {
        self.has_double_star
    }

    /// Writes the path for these variable values (one per variable, already
    /// checked against their patterns), each segment percent-encoded.
    pub(crate) fn render(&self, values: &[&str]) -> String {
        let mut path = String::with_capacity(64);
        for piece in &self.pieces {
            path.push('/');
            match piece {
                Piece::Literal(s) => path.push_str(s),
                Piece::Variable(i) => {
                    let value = values.get(*i).copied().unwrap_or_default();
                    for (n, segment) in value.split('/').enumerate() {
                        if n > 0 {
                            path.push('/');
                        }
                        path.extend(super::query::encode_component(segment));
                    }
                }
            }
        }
        if let Some(verb) = &self.verb {
            path.push(':');
            path.push_str(verb);
        }
        path
    }

    /// Matches a request path (percent-encoded, no query string) and returns
    /// the decoded value of each variable.
    pub(crate) fn match_path(&self, path: &str) -> Option<Vec<String>> {
        let rest = path.strip_prefix('/')?;
        let rest = match &self.verb {
            Some(verb) => {
                let head = rest.strip_suffix(verb.as_str())?.strip_suffix(':')?;
                if head.is_empty() {
                    return None;
                }
                head
            }
            None => rest,
        };
        if !rest.contains('%') {
            return self.match_plain(rest);
        }
        // Sized at once: growing the vector cost more than the matching.
        let mut decoded: Vec<Cow<'_, str>> = Vec::with_capacity(1 + bytecount(rest, b'/'));
        for segment in rest.split('/') {
            decoded.push(percent_decode_str(segment).decode_utf8().ok()?);
        }
        let mut values = vec![String::new(); self.variables.len()];
        let mut at = 0;
        for piece in &self.pieces {
            match piece {
                Piece::Literal(literal) => {
                    if decoded.get(at)? != literal {
                        return None;
                    }
                    at += 1;
                }
                Piece::Variable(i) => {
                    let end = match_segments(&self.variables[*i].pattern, &decoded, at)?;
                    values[*i] = join(&decoded[at..end]);
                    at = end;
                }
            }
        }
        (at == decoded.len()).then_some(values)
    }

    /// [`Template::match_path`] for a path without escapes (`rest`, after
    /// the leading `/` and the verb): such a path is its own decoding, so
    /// each variable's value is a run of it, taken as one piece.
    fn match_plain(&self, rest: &str) -> Option<Vec<String>> {
        let mut cursor = Cursor {
            segments: rest.split('/'),
            at: 0,
        };
        let fits = |s: &str| segment_problem(s).is_none();
        let mut values = vec![String::new(); self.variables.len()];
        for piece in &self.pieces {
            match piece {
                Piece::Literal(literal) => {
                    cursor.take(|s| s == literal)?;
                }
                Piece::Variable(i) => {
                    let start = cursor.at;
                    for segment in &self.variables[*i].pattern {
                        match segment {
                            Segment::Literal(literal) => cursor.take(|s| s == literal)?,
                            Segment::Star => cursor.take(fits)?,
                            // `**` only ever comes last: it takes every
                            // segment left, at least one.
                            Segment::DoubleStar => {
                                cursor.take(fits)?;
                                while cursor.at <= rest.len() {
                                    cursor.take(fits)?;
                                }
                            }
                        }
                    }
                    // `at` is one past the separator after the last segment.
                    values[*i] = rest.get(start..cursor.at.checked_sub(1)?)?.to_string();
                }
            }
        }
        (cursor.at > rest.len()).then_some(values)
    }
}

/// The segments of a path still to match, and where the next one starts.
struct Cursor<'a> {
    segments: std::str::Split<'a, char>,
    /// The byte offset of the next segment; one past the end once all are
    /// taken.
    at: usize,
}

impl Cursor<'_> {
    /// Takes the next segment if there is one and it passes `fits`.
    fn take(&mut self, fits: impl Fn(&str) -> bool) -> Option<()> {
        let segment = self.segments.next()?;
        self.at += segment.len() + 1;
        fits(segment).then_some(())
    }
}

/// How many times `byte` occurs in `text`.
fn bytecount(text: &str, byte: u8) -> usize {
    text.bytes().filter(|&b| b == byte).count()
}

fn join(segments: &[Cow<'_, str>]) -> String {
    let length = segments.iter().map(|s| s.len() + 1).sum::<usize>();
    let mut out = String::with_capacity(length.saturating_sub(1));
    for (n, s) in segments.iter().enumerate() {
        if n > 0 {
            out.push('/');
        }
        out.push_str(s);
    }
    out
}

/// Matches `pattern` against `segments[start..]`; returns where the match
/// ends. `**` only ever comes last, so it takes every remaining segment.
fn match_segments<S: AsRef<str>>(
    pattern: &[Segment],
    segments: &[S],
    start: usize,
) -> Option<usize> {
    let mut at = start;
    for p in pattern {
        match p {
            Segment::Literal(lit) => {
                if segments.get(at)?.as_ref() != lit {
                    return None;
                }
                at += 1;
            }
            Segment::Star => {
                if segment_problem(segments.get(at)?.as_ref()).is_some() {
                    return None;
                }
                at += 1;
            }
            Segment::DoubleStar => {
                let rest = segments.get(at..)?;
                if rest.is_empty() || rest.iter().any(|s| segment_problem(s.as_ref()).is_some()) {
                    return None;
                }
                at = segments.len();
            }
        }
    }
    Some(at)
}

impl Variable {
    /// Whether a field value fits this variable's pattern.
    pub(crate) fn matches(&self, value: &str) -> bool {
        let segments: Vec<&str> = value.split('/').collect();
        match_segments(&self.pattern, &segments, 0) == Some(segments.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte but `/` escaped: the same path to a server, read the
    /// slow way.
    fn escaped(path: &str) -> String {
        let (head, verb) = match path.rsplit_once(':') {
            Some((head, verb)) if !verb.contains('/') => (head, Some(verb)),
            _ => (path, None),
        };
        let mut out: String = head
            .bytes()
            .map(|b| match b {
                b'/' => "/".to_string(),
                b => format!("%{b:02X}"),
            })
            .collect();
        if let Some(verb) = verb {
            out.push(':');
            out.push_str(verb);
        }
        out
    }

    #[test]
    fn a_plain_path_matches_as_its_escaped_form_does() {
        let templates = [
            "/v1/{name=accounts/*/customers/*}",
            "/v1/{parent=accounts/*}/customers",
            "/v1/{name=accounts/*/customers/*/entitlements/*}:changeOffer",
            "/v1/{name=operations/**}",
            "/v1/{name=operations/**}:cancel",
            "/v1/{account=accounts/*}:listSubscribers",
            "/v1/{a=x/*}/{b=y/*}",
            "/v1/products",
        ];
        let paths = [
            "/v1/accounts/A1/customers/C1",
            "/v1/accounts/A1/customers/C1/",
            "/v1/accounts/A1/customers",
            "/v1/accounts//customers",
            "/v1/accounts/A1/customers/..",
            "/v1/accounts/./customers/C1",
            "/v1/accounts/A1/customers/C\u{1}",
            "/v1/accounts/A1/customers/C1/entitlements/E1:changeOffer",
            "/v1/accounts/A1/customers/C1/entitlements/E1:changeoffer",
            "/v1/accounts/A1:listSubscribers",
            "/v1/operations/a",
            "/v1/operations/a/b/c",
            "/v1/operations/a/b:cancel",
            "/v1/operations/",
            "/v1/operations/a//b",
            "/v1/operations/a/../b",
            "/v1/operations",
            "/v1/x/1/y/2",
            "/v1/x/1/y",
            "/v1/x/1/y/2/z",
            "/v1/products",
            "/v1/products/",
            "/v1",
            "/",
        ];
        for template in templates {
            let t = Template::parse(template).unwrap();
            for path in paths {
                assert_eq!(
                    t.match_path(path),
                    t.match_path(&escaped(path)),
                    "{template} on {path:?}"
                );
            }
        }
        let t = Template::parse("/v1/{name=operations/**}").unwrap();
        assert_eq!(
            t.match_path("/v1/operations/a/b"),
            Some(vec!["operations/a/b".to_string()])
        );
        let t = Template::parse("/v1/{a=x/*}/{b=y/*}").unwrap();
        assert_eq!(
            t.match_path("/v1/x/1/y/2"),
            Some(vec!["x/1".to_string(), "y/2".to_string()])
        );
    }

    /// Paths made from each template of the API, its words and odd
    /// segments, with and without its verb, each matched plainly and
    /// escaped: the two readings must agree on every one.
    #[test]
    fn every_api_template_matches_any_plain_path_as_its_escaped_form_does() {
        const ODD: [&str; 14] = [
            "", ".", "..", "...", "x", "C1", "\u{1}", "a\u{7f}", "é", "€uro", "a:b", ":", "*", " ",
        ];
        // A fixed small generator: the same paths on every run.
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move |below: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((seed >> 33) as usize) % below
        };
        let mut agreed = 0usize;
        let mut matched = 0usize;
        for method in channel_types::methods::ALL {
            for binding in method.http {
                let t = Template::parse(binding.path).unwrap();
                let head = binding.path.split(':').next().unwrap_or_default();
                // The template's own words, wildcards put as names.
                let words: Vec<&str> = head
                    .split(['/', '{', '}', '='])
                    .filter(|w| !w.is_empty() && !w.contains('.') && !w.contains('_'))
                    .map(|w| if w.starts_with('*') { "n1" } else { w })
                    .collect();
                let verb = binding.path.rsplit_once(':').map(|(_, v)| v);
                for _ in 0..400 {
                    let mut path = String::new();
                    for _ in 0..next(12) {
                        path.push('/');
                        path.push_str(if next(3) == 0 {
                            ODD[next(ODD.len())]
                        } else {
                            words[next(words.len())]
                        });
                    }
                    if path.is_empty() || next(8) == 0 {
                        path.push('/');
                    }
                    match (verb, next(4)) {
                        (Some(verb), 0..=2) => {
                            path.push(':');
                            path.push_str(verb);
                        }
                        (_, 3) => path.push_str(":cancel"),
                        _ => {}
                    }
                    let plain = t.match_path(&path);
                    matched += usize::from(plain.is_some());
                    assert_eq!(
                        plain,
                        t.match_path(&escaped(&path)),
                        "{} on {path:?}",
                        binding.path
                    );
                    agreed += 1;
                }
                // The template's own rendering, with odd names in place.
                for odd in ODD {
                    let values: Vec<String> = t
                        .variables()
                        .iter()
                        .map(|v| v.pattern_text.replace("**", "a/b").replace('*', odd))
                        .collect();
                    let path = {
                        let mut p = String::new();
                        for piece in &t.pieces {
                            p.push('/');
                            match piece {
                                Piece::Literal(l) => p.push_str(l),
                                Piece::Variable(i) => p.push_str(&values[*i]),
                            }
                        }
                        if let Some(verb) = &t.verb {
                            p.push(':');
                            p.push_str(verb);
                        }
                        p
                    };
                    for path in [path.clone(), format!("{path}/"), format!("{path}/x")] {
                        let plain = t.match_path(&path);
                        matched += usize::from(plain.is_some());
                        assert_eq!(plain, t.match_path(&escaped(&path)), "{path:?}");
                    }
                    let wild = t
                        .variables()
                        .iter()
                        .any(|v| v.pattern.contains(&Segment::Star));
                    if !odd.contains(':') && wild {
                        let fine = segment_problem(odd).is_none();
                        assert_eq!(t.match_path(&path).is_some(), fine, "{path:?}");
                    }
                }
            }
        }
        assert!(agreed > 20_000 && matched > 300, "{agreed} {matched}");
    }

    #[test]
    fn parses_variables_verbs_and_patterns() {
        let t = Template::parse("/v1/{name=accounts/*/customers/*/entitlements/*}:changeOffer")
            .unwrap();
        assert_eq!(t.verb.as_deref(), Some("changeOffer"));
        assert_eq!(t.variables().len(), 1);
        assert_eq!(t.variables()[0].field.proto(), "name");
        assert_eq!(
            t.variables()[0].pattern_text,
            "accounts/*/customers/*/entitlements/*"
        );
        assert_eq!(t.literal_count(), 5);
        let t = Template::parse("/v1/{customer_repricing_config.name=accounts/*}").unwrap();
        assert_eq!(
            t.variables()[0].field.json(),
            "customerRepricingConfig.name"
        );
        let bare = Template::parse("/v1/{name}").unwrap();
        assert!(bare.variables()[0].matches("x"));
        assert!(!bare.variables()[0].matches("x/y"));
        for bad in [
            "v1/x",
            "/v1/{name",
            "/v1/{=x}",
            "/v1/**/x",
            "/v1//x",
            "/v1/x:",
        ] {
            assert!(Template::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn values_match_patterns() {
        let t = Template::parse("/v1/{name=accounts/*/customers/*}").unwrap();
        let v = &t.variables()[0];
        assert!(v.matches("accounts/A1/customers/C1"));
        assert!(!v.matches("accounts/A1/customers"));
        assert!(!v.matches("accounts/A1/customers/C1/x"));
        assert!(!v.matches("accounts//customers/C1"));
        assert!(!v.matches("accounts/A1/channelPartnerLinks/L/customers/C1"));
        assert!(!v.matches(""));
        assert!(!v.matches("accounts/../customers/C1"));
        assert!(!v.matches("accounts/A1/customers/."));
        let ops = Template::parse("/v1/{name=operations/**}").unwrap();
        assert!(ops.variables()[0].matches("operations/a"));
        assert!(ops.variables()[0].matches("operations/a/b/c"));
        assert!(!ops.variables()[0].matches("operations"));
        let fixed = Template::parse("/v1/{name=operations}").unwrap();
        assert!(fixed.variables()[0].matches("operations"));
        assert!(!fixed.variables()[0].matches("operations/x"));
    }

    #[test]
    fn renders_and_matches_paths() {
        let t = Template::parse("/v1/{name=accounts/*/customers/*}:provision").unwrap();
        let path = t.render(&["accounts/A 1/customers/C:1"]);
        assert_eq!(path, "/v1/accounts/A%201/customers/C%3A1:provision");
        // What a URL library could read as a query, a fragment or an escape
        // is encoded.
        let odd = t.render(&["accounts/A%2F/customers/C?x#y"]);
        assert_eq!(odd, "/v1/accounts/A%252F/customers/C%3Fx%23y:provision");
        assert_eq!(
            t.match_path(&odd),
            Some(vec!["accounts/A%2F/customers/C?x#y".to_string()])
        );
        assert_eq!(
            t.match_path(&path),
            Some(vec!["accounts/A 1/customers/C:1".to_string()])
        );
        assert_eq!(t.match_path("/v1/accounts/A/customers/C"), None);
        assert_eq!(t.match_path("/v1/accounts/A/customers/C:other"), None);
        assert_eq!(t.match_path("/v2/accounts/A/customers/C:provision"), None);
        let ops = Template::parse("/v1/{name=operations/**}").unwrap();
        assert_eq!(
            ops.match_path("/v1/operations/a/b"),
            Some(vec!["operations/a/b".to_string()])
        );
        assert_eq!(ops.match_path("/v1/operations"), None);
        assert_eq!(ops.match_path("/v1/operations/a//b"), None);
        // Invalid UTF-8 after decoding is no match, not a panic.
        assert_eq!(ops.match_path("/v1/operations/%FF"), None);
        // Dot segments are no name, written plainly or encoded.
        assert_eq!(
            ops.match_path("/v1/operations/../accounts/A/customers/C"),
            None
        );
        assert_eq!(ops.match_path("/v1/operations/%2E%2E/x"), None);
        assert_eq!(ops.match_path("/v1/operations/a/%2e"), None);
        assert_eq!(ops.match_path("/v1/operations/a%0Ab"), None);
        let list = Template::parse("/v1/{parent=accounts/*}/customers").unwrap();
        assert_eq!(
            list.match_path("/v1/accounts/A/customers"),
            Some(vec!["accounts/A".to_string()])
        );
        assert_eq!(list.match_path("/v1/accounts/A/customers/"), None);
        let products = Template::parse("/v1/products").unwrap();
        assert_eq!(products.match_path("/v1/products"), Some(vec![]));
        assert_eq!(products.render(&[]), "/v1/products");
    }
}
