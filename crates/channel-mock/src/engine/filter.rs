//! List filters: the part of AIP-160 the Channel API documents, parsed once
//! here for every list method that takes a `filter`.
//!
//! The grammar:
//!
//! ```text
//! filter      = [ expression ]
//! expression  = term { ("AND" | "OR") term }   (AND and OR are not mixed
//!                                               without parentheses)
//! term        = "NOT" term | "-" term | factor
//! factor      = "(" expression ")" | restriction
//! restriction = field comparator value
//! field       = name { "." name }              name = [A-Za-z_][A-Za-z0-9_]*
//! comparator  = "=" | "!=" | ":" | "<" | "<=" | ">" | ">="
//! value       = '"' text '"' | "'" text "'" | bare text up to a space or parenthesis
//! ```
//!
//! A method states which fields it filters on and, for each, the comparators
//! and values it takes ([`Key`]). A filter that does not parse, names another
//! field, or uses a comparator its field does not take is refused with
//! `INVALID_ARGUMENT` naming the character where the problem is: a filter
//! the emulator does not understand must never look like an empty result.
//!
//! The Channel documentation asks for parentheses whenever `AND` and `OR`
//! meet (`a = 1 OR (b = 2 AND c = 3)`); plain AIP-160 would give `OR` the
//! higher precedence instead. The emulator follows the Channel rule
//! everywhere, so a filter it accepts means the same thing under both.

use std::fmt;

use channel_core::Error;

use super::errors::invalid;
use super::validate::shorten;

/// How deep parentheses and negations may nest: enough for any real filter,
/// and a bound on the parser's recursion.
const MAX_DEPTH: usize = 32;

/// A comparison between a field and a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `:` (has; with a trailing `*`, a prefix match)
    Has,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl Op {
    /// Longest spellings first, so `<=` is not read as `<`.
    const ALL: [Op; 7] = [Op::Ne, Op::Le, Op::Ge, Op::Eq, Op::Has, Op::Lt, Op::Gt];

    /// The operator as written in a filter.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Has => ":",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }
}

/// `=` and `!=`.
pub(crate) const EQUALITY: &[Op] = &[Op::Eq, Op::Ne];
/// Every comparator.
pub(crate) const ALL_OPS: &[Op] = &Op::ALL;

/// One comparison of a filter.
#[derive(Debug, Clone)]
pub(crate) struct Restriction {
    /// The field, e.g. `sku.product.name`.
    pub(crate) field: String,
    /// The comparator.
    pub(crate) op: Op,
    /// The value, unquoted and unescaped.
    pub(crate) value: String,
    /// Byte offsets of the field, the comparator and the value in the text.
    pub(crate) at: [usize; 3],
}

// Two restrictions are the same whatever text they came from.
impl PartialEq for Restriction {
    fn eq(&self, other: &Self) -> bool {
        self.field == other.field && self.op == other.op && self.value == other.value
    }
}

/// A parsed filter expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    /// Every part holds.
    And(Vec<Expr>),
    /// Some part holds.
    Or(Vec<Expr>),
    /// The part does not hold.
    Not(Box<Expr>),
    /// A comparison.
    Compare(Restriction),
}

/// Prints the canonical form: values quoted, nested groups in parentheses.
/// Parsing the printed form gives the same expression back.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let grouped = |e: &Expr, f: &mut fmt::Formatter<'_>| match e {
            Expr::And(_) | Expr::Or(_) => write!(f, "({e})"),
            _ => write!(f, "{e}"),
        };
        match self {
            Expr::And(parts) | Expr::Or(parts) => {
                let joiner = if matches!(self, Expr::And(_)) {
                    " AND "
                } else {
                    " OR "
                };
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(joiner)?;
                    }
                    grouped(part, f)?;
                }
                Ok(())
            }
            Expr::Not(inner) => {
                f.write_str("NOT ")?;
                grouped(inner, f)
            }
            Expr::Compare(r) => {
                write!(f, "{} {} \"", r.field, r.op.as_str())?;
                for c in r.value.chars() {
                    if c == '"' || c == '\\' {
                        f.write_str("\\")?;
                    }
                    write!(f, "{c}")?;
                }
                f.write_str("\"")
            }
        }
    }
}

/// Why a filter was refused, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FilterError {
    /// Character offset (not byte) in the filter where the problem starts.
    pub(crate) at: usize,
    /// What is wrong.
    pub(crate) kind: FilterErrorKind,
}

/// What is wrong with a filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FilterErrorKind {
    /// A field name was expected.
    ExpectedField,
    /// A comparator was expected after a field.
    ExpectedComparator,
    /// A value was expected after a comparator.
    ExpectedValue,
    /// A quoted value has no closing quote.
    UnterminatedString,
    /// A `(` has no matching `)`.
    UnclosedParenthesis,
    /// Text is left over where `AND`, `OR` or the end was expected.
    UnexpectedText,
    /// `AND` and `OR` meet without parentheses.
    MixedAndOr,
    /// Parentheses or negations nest too deep.
    TooDeep,
    /// The method joins restrictions with `OR` only; this is `AND`, `NOT`
    /// or `-`.
    OnlyOr(&'static str),
    /// The method does not filter on this field.
    UnknownField {
        /// The field as written (shortened).
        field: String,
        /// The fields the method filters on.
        known: Vec<&'static str>,
    },
    /// The field does not take this comparator.
    UnsupportedComparator {
        /// The field.
        field: String,
        /// The comparator used.
        op: Op,
        /// The comparators the field takes.
        allowed: Vec<Op>,
    },
    /// The value is not one the field can hold.
    InvalidValue {
        /// The field.
        field: String,
        /// The value as written (shortened).
        value: String,
        /// What the field holds.
        expected: String,
    },
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid filter at character {}: ", self.at)?;
        let list = |ops: &[Op]| {
            ops.iter()
                .map(|o| format!("\"{}\"", o.as_str()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match &self.kind {
            FilterErrorKind::ExpectedField => f.write_str("expected a field name"),
            FilterErrorKind::ExpectedComparator => f.write_str(
                "expected a comparator (\"=\", \"!=\", \":\", \"<\", \"<=\", \">\" or \">=\")",
            ),
            FilterErrorKind::ExpectedValue => f.write_str("expected a value"),
            FilterErrorKind::UnterminatedString => f.write_str("the quoted value is not closed"),
            FilterErrorKind::UnclosedParenthesis => f.write_str("\"(\" is not closed by \")\""),
            FilterErrorKind::UnexpectedText => f.write_str("expected AND, OR or the end"),
            FilterErrorKind::MixedAndOr => f.write_str(
                "AND and OR cannot be mixed without parentheses, e.g. a = \"1\" OR (b = \"2\" AND c = \"3\")",
            ),
            FilterErrorKind::OnlyOr(word) => write!(
                f,
                "{word} is not supported here: this filter is restrictions joined by OR, e.g. a = \"1\" OR a = \"2\""
            ),
            FilterErrorKind::TooDeep => {
                write!(f, "parentheses and NOT nest deeper than {MAX_DEPTH}")
            }
            FilterErrorKind::UnknownField { field, known } => write!(
                f,
                "{field} is not a field this method filters on; use one of {}",
                known.join(", ")
            ),
            FilterErrorKind::UnsupportedComparator { field, op, allowed } => write!(
                f,
                "{field} does not support \"{}\"; use {}",
                op.as_str(),
                list(allowed)
            ),
            FilterErrorKind::InvalidValue {
                field,
                value,
                expected,
            } => write!(f, "{value} is not a valid {field}: expected {expected}"),
        }
    }
}

impl std::error::Error for FilterError {}

/// What values a filtered field holds.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ValueKind {
    /// Text; `prefix` allows `: "abc*"`.
    Text {
        /// Whether a trailing `*` with `:` matches a prefix.
        prefix: bool,
    },
    /// One of these enum value names.
    Enum(&'static [&'static str]),
    /// `true` or `false`.
    Bool,
    /// A number.
    Number,
}

/// A field a method filters on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Key {
    /// The field as written in a filter.
    pub(crate) name: &'static str,
    /// The comparators it takes.
    pub(crate) ops: &'static [Op],
    /// What it holds.
    pub(crate) kind: ValueKind,
}

/// A checked filter, ready to test items against.
#[derive(Debug, Clone, Default)]
pub(crate) struct Filter {
    expr: Option<Expr>,
    ignore_case: bool,
    /// The fields holding numbers, compared as numbers: `10.0` equals `10`,
    /// and an item without a value matches no ordering nor `=`.
    numeric: Vec<&'static str>,
}

impl Filter {
    /// Parses `text` and checks it against the fields the method filters
    /// on; a refusal is `INVALID_ARGUMENT` on the `filter` field.
    pub(crate) fn new(text: &str, keys: &[Key]) -> Result<Filter, Error> {
        Self::check(text, keys).map_err(|e| invalid("filter", e.to_string()))
    }

    /// [`Filter::new`] with the error as a [`FilterError`].
    pub(crate) fn check(text: &str, keys: &[Key]) -> Result<Filter, FilterError> {
        Self::check_in(text, keys, Joins::All)
    }

    /// [`Filter::new`] for a method whose filter joins restrictions with
    /// `OR` alone (`AND` and negations refused where they stand).
    pub(crate) fn new_or_only(text: &str, keys: &[Key]) -> Result<Filter, Error> {
        Self::check_in(text, keys, Joins::OrOnly).map_err(|e| invalid("filter", e.to_string()))
    }

    fn check_in(text: &str, keys: &[Key], joins: Joins) -> Result<Filter, FilterError> {
        let expr = parse_with(text, joins)?;
        if let Some(expr) = &expr {
            check_keys(text, expr, keys)?;
        }
        let numeric = keys
            .iter()
            .filter(|k| matches!(k.kind, ValueKind::Number))
            .map(|k| k.name)
            .collect();
        Ok(Filter {
            expr,
            ignore_case: false,
            numeric,
        })
    }

    /// Compares text without regard to case (the customer filters are
    /// documented so).
    pub(crate) fn ignoring_case(mut self) -> Filter {
        self.ignore_case = true;
        self
    }

    /// The parsed expression; `None` for an empty filter.
    pub(crate) fn expr(&self) -> Option<&Expr> {
        self.expr.as_ref()
    }

    /// Whether an item matches: `field` gives the item's value of a field
    /// (an empty string when it has none).
    pub(crate) fn matches(&self, field: &dyn Fn(&str) -> String) -> bool {
        self.expr.as_ref().is_none_or(|e| self.eval(e, field))
    }

    fn eval(&self, expr: &Expr, field: &dyn Fn(&str) -> String) -> bool {
        match expr {
            Expr::And(parts) => parts.iter().all(|p| self.eval(p, field)),
            Expr::Or(parts) => parts.iter().any(|p| self.eval(p, field)),
            Expr::Not(inner) => !self.eval(inner, field),
            Expr::Compare(r) if self.numeric.contains(&r.field.as_str()) => {
                compare_numbers(&field(&r.field), r)
            }
            Expr::Compare(r) => compare(field(&r.field), r, self.ignore_case),
        }
    }
}

/// A number as a filter or an item writes it; only finite ones.
fn number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A restriction on a numeric field: compared by value, so `10.0` equals
/// `10`. An item with no number there (an empty cell) is unequal to every
/// value and neither below nor above any.
fn compare_numbers(have: &str, r: &Restriction) -> bool {
    use std::cmp::Ordering::{Equal, Greater, Less};
    let ordering = match (number(have), number(&r.value)) {
        (Some(a), Some(b)) => a.partial_cmp(&b),
        _ => None,
    };
    match r.op {
        Op::Eq | Op::Has => ordering == Some(Equal),
        Op::Ne => ordering != Some(Equal),
        Op::Lt => ordering == Some(Less),
        Op::Le => matches!(ordering, Some(Less | Equal)),
        Op::Gt => ordering == Some(Greater),
        Op::Ge => matches!(ordering, Some(Greater | Equal)),
    }
}

/// A restriction on a text field: compared as text (`:` with a trailing
/// `*` is a prefix match).
fn compare(mut have: String, r: &Restriction, ignore_case: bool) -> bool {
    use std::cmp::Ordering::{Greater, Less};
    let mut want = r.value.clone();
    if ignore_case {
        have = have.to_lowercase();
        want = want.to_lowercase();
    }
    match r.op {
        Op::Eq => have == want,
        Op::Ne => have != want,
        Op::Has => match want.strip_suffix('*') {
            Some(prefix) => have.starts_with(prefix),
            None => have == want,
        },
        Op::Lt => have.cmp(&want) == Less,
        Op::Le => have.cmp(&want) != Greater,
        Op::Gt => have.cmp(&want) == Greater,
        Op::Ge => have.cmp(&want) != Less,
    }
}

/// Which joins a method's filter takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Joins {
    /// `AND`, `OR`, `NOT` and `-`.
    All,
    /// `OR` alone: the repricing config lists, documented as a list of
    /// parents joined by `OR`.
    OrOnly,
}

/// Parses a filter with the joins a method takes; `None` when it is empty
/// or blank.
fn parse_with(text: &str, joins: Joins) -> Result<Option<Expr>, FilterError> {
    let mut parser = Parser {
        text,
        pos: 0,
        depth: 0,
        joins,
    };
    parser.skip_space();
    if parser.at_end() {
        return Ok(None);
    }
    let expr = parser.expression()?;
    parser.skip_space();
    if !parser.at_end() {
        return Err(parser.error(parser.pos, FilterErrorKind::UnexpectedText));
    }
    Ok(Some(expr))
}

fn check_keys(text: &str, expr: &Expr, keys: &[Key]) -> Result<(), FilterError> {
    let error = |at: usize, kind| FilterError {
        at: char_offset(text, at),
        kind,
    };
    match expr {
        Expr::And(parts) | Expr::Or(parts) => {
            parts.iter().try_for_each(|p| check_keys(text, p, keys))
        }
        Expr::Not(inner) => check_keys(text, inner, keys),
        Expr::Compare(r) => {
            let [field_at, op_at, value_at] = r.at;
            let Some(key) = keys.iter().find(|k| k.name == r.field) else {
                return Err(error(
                    field_at,
                    FilterErrorKind::UnknownField {
                        field: shorten(&r.field).into_owned(),
                        known: keys.iter().map(|k| k.name).collect(),
                    },
                ));
            };
            if !key.ops.contains(&r.op) {
                return Err(error(
                    op_at,
                    FilterErrorKind::UnsupportedComparator {
                        field: key.name.to_string(),
                        op: r.op,
                        allowed: key.ops.to_vec(),
                    },
                ));
            }
            let invalid = |expected: String| {
                error(
                    value_at,
                    FilterErrorKind::InvalidValue {
                        field: key.name.to_string(),
                        value: shorten(&r.value).into_owned(),
                        expected,
                    },
                )
            };
            match key.kind {
                ValueKind::Text { prefix } => {
                    if r.value.ends_with('*') && !(prefix && r.op == Op::Has) {
                        return Err(invalid(if prefix {
                            "a prefix match written as field : \"prefix*\"".into()
                        } else {
                            "an exact value: this field has no prefix match".into()
                        }));
                    }
                }
                ValueKind::Enum(names) => {
                    if !names.contains(&r.value.as_str()) {
                        return Err(invalid(format!("one of {}", names.join(", "))));
                    }
                }
                ValueKind::Bool => {
                    if r.value != "true" && r.value != "false" {
                        return Err(invalid("true or false".into()));
                    }
                }
                ValueKind::Number => {
                    if number(&r.value).is_none() {
                        return Err(invalid("a number".into()));
                    }
                }
            }
            Ok(())
        }
    }
}

fn char_offset(text: &str, byte: usize) -> usize {
    text.get(..byte).map_or(0, |s| s.chars().count())
}

struct Parser<'a> {
    text: &'a str,
    /// Byte offset; always on a character boundary.
    pos: usize,
    depth: usize,
    joins: Joins,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.text[self.pos..]
    }

    fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn skip_space(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn error(&self, at: usize, kind: FilterErrorKind) -> FilterError {
        FilterError {
            at: char_offset(self.text, at),
            kind,
        }
    }

    /// Consumes `word` if it stands alone (not the start of a longer name).
    fn keyword(&mut self, word: &str) -> bool {
        let rest = self.rest();
        let alone = rest.strip_prefix(word).is_some_and(|after| {
            after
                .chars()
                .next()
                .is_none_or(|c| c.is_whitespace() || c == '(')
        });
        if alone {
            self.pos += word.len();
        }
        alone
    }

    fn expression(&mut self) -> Result<Expr, FilterError> {
        let mut parts = vec![self.term()?];
        let mut joiner: Option<bool> = None;
        loop {
            self.skip_space();
            let at = self.pos;
            let is_and = if self.keyword("AND") {
                if self.joins == Joins::OrOnly {
                    return Err(self.error(at, FilterErrorKind::OnlyOr("AND")));
                }
                true
            } else if self.keyword("OR") {
                false
            } else {
                break;
            };
            if joiner.is_some_and(|j| j != is_and) {
                return Err(self.error(at, FilterErrorKind::MixedAndOr));
            }
            joiner = Some(is_and);
            parts.push(self.term()?);
        }
        Ok(match joiner {
            None => parts.pop().unwrap_or(Expr::And(Vec::new())),
            Some(true) => Expr::And(parts),
            Some(false) => Expr::Or(parts),
        })
    }

    fn term(&mut self) -> Result<Expr, FilterError> {
        self.skip_space();
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(self.pos, FilterErrorKind::TooDeep));
        }
        let negation_at = self.pos;
        if self.joins == Joins::OrOnly && (self.keyword("NOT") || self.peek() == Some('-')) {
            let word = if self.text[negation_at..].starts_with('-') {
                "-"
            } else {
                "NOT"
            };
            return Err(self.error(negation_at, FilterErrorKind::OnlyOr(word)));
        }
        let result = if self.keyword("NOT") {
            self.term().map(|e| Expr::Not(Box::new(e)))
        } else if self.peek() == Some('-') {
            self.pos += 1;
            self.term().map(|e| Expr::Not(Box::new(e)))
        } else {
            self.factor()
        };
        self.depth -= 1;
        result
    }

    fn factor(&mut self) -> Result<Expr, FilterError> {
        self.skip_space();
        if self.peek() == Some('(') {
            let open = self.pos;
            self.pos += 1;
            let inner = self.expression()?;
            self.skip_space();
            if self.peek() != Some(')') {
                return Err(self.error(open, FilterErrorKind::UnclosedParenthesis));
            }
            self.pos += 1;
            return Ok(inner);
        }
        self.restriction().map(Expr::Compare)
    }

    fn name(&mut self) -> bool {
        let rest = self.rest();
        let mut chars = rest.char_indices();
        match chars.next() {
            Some((_, c)) if c.is_ascii_alphabetic() || c == '_' => {}
            _ => return false,
        }
        let end = chars
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_'))
            .map_or(rest.len(), |(i, _)| i);
        self.pos += end;
        true
    }

    fn restriction(&mut self) -> Result<Restriction, FilterError> {
        let field_at = self.pos;
        if !self.name() {
            return Err(self.error(field_at, FilterErrorKind::ExpectedField));
        }
        while self.peek() == Some('.') {
            self.pos += 1;
            if !self.name() {
                return Err(self.error(self.pos, FilterErrorKind::ExpectedField));
            }
        }
        let field = self.text[field_at..self.pos].to_string();
        self.skip_space();
        let op_at = self.pos;
        let op = Op::ALL
            .into_iter()
            .find(|op| self.rest().starts_with(op.as_str()))
            .ok_or_else(|| self.error(op_at, FilterErrorKind::ExpectedComparator))?;
        self.pos += op.as_str().len();
        self.skip_space();
        let value_at = self.pos;
        let value = match self.peek() {
            Some(quote @ ('"' | '\'')) => self.quoted(quote)?,
            _ => {
                let rest = self.rest();
                let end = rest
                    .find(|c: char| c.is_whitespace() || c == '(' || c == ')')
                    .unwrap_or(rest.len());
                if end == 0 {
                    return Err(self.error(value_at, FilterErrorKind::ExpectedValue));
                }
                let value = rest[..end].to_string();
                self.pos += end;
                value
            }
        };
        Ok(Restriction {
            field,
            op,
            value,
            at: [field_at, op_at, value_at],
        })
    }

    /// A quoted value; a backslash takes the next character as it is.
    fn quoted(&mut self, quote: char) -> Result<String, FilterError> {
        let open = self.pos;
        self.pos += quote.len_utf8();
        let mut value = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((i, c)) = chars.next() {
            if c == quote {
                self.pos += i + c.len_utf8();
                return Ok(value);
            }
            if c == '\\' {
                match chars.next() {
                    Some((_, escaped)) => value.push(escaped),
                    None => break,
                }
            } else {
                value.push(c);
            }
        }
        Err(self.error(open, FilterErrorKind::UnterminatedString))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const CUSTOMER_KEYS: &[Key] = &[
        Key {
            name: "domain",
            ops: &[Op::Eq, Op::Has],
            kind: ValueKind::Text { prefix: true },
        },
        Key {
            name: "cloud_identity_id",
            ops: &[Op::Eq],
            kind: ValueKind::Text { prefix: false },
        },
        Key {
            name: "done",
            ops: &[Op::Eq],
            kind: ValueKind::Bool,
        },
    ];

    fn refused(text: &str) -> FilterError {
        Filter::check(text, CUSTOMER_KEYS).expect_err(text)
    }

    fn matches(text: &str, domain: &str) -> bool {
        Filter::check(text, CUSTOMER_KEYS)
            .unwrap()
            .ignoring_case()
            .matches(&|f| {
                if f == "domain" {
                    domain.to_string()
                } else {
                    String::new()
                }
            })
    }

    #[test]
    fn or_of_two_domains_matches_either() {
        let f = r#"domain = "a.example.com" OR domain = "b.example.org""#;
        assert!(matches(f, "a.example.com"));
        assert!(matches(f, "B.Example.ORG"), "case-insensitive");
        assert!(!matches(f, "c.example.com"));
    }

    #[test]
    fn a_prefix_with_has_and_a_star_matches_the_start() {
        assert!(matches(r#"domain : "acme*""#, "acme.example"));
        assert!(!matches(r#"domain : "acme*""#, "notacme.example"));
        assert!(matches("domain:acme.example", "acme.example"));
    }

    #[test]
    fn mixing_and_with_or_needs_parentheses() {
        let e = refused(r#"domain = "a" OR domain = "b" AND done = true"#);
        assert_eq!(e.kind, FilterErrorKind::MixedAndOr);
        assert_eq!(e.at, 29);
        assert!(matches(
            r#"domain = "a" OR (domain = "b" AND NOT done = true)"#,
            "b"
        ));
    }

    #[test]
    fn errors_say_where_and_why() {
        let e = refused(r#"domain = "a" AND colour = "red""#);
        assert_eq!(e.at, 17);
        assert!(e.to_string().contains("colour is not a field"), "{e}");
        let e = refused("cloud_identity_id : \"12*\"");
        assert_eq!(e.at, 18);
        assert!(matches!(
            e.kind,
            FilterErrorKind::UnsupportedComparator { .. }
        ));
        let e = refused("domain = \"unclosed");
        assert_eq!((e.at, e.kind), (9, FilterErrorKind::UnterminatedString));
        assert_eq!(
            refused("(domain = a").kind,
            FilterErrorKind::UnclosedParenthesis
        );
        assert_eq!(
            refused("domain a").kind,
            FilterErrorKind::ExpectedComparator
        );
        assert_eq!(refused("domain =").kind, FilterErrorKind::ExpectedValue);
        assert_eq!(refused("= a").kind, FilterErrorKind::ExpectedField);
        assert_eq!(
            refused("domain = a b").kind,
            FilterErrorKind::UnexpectedText
        );
        assert!(matches!(
            refused("done = maybe").kind,
            FilterErrorKind::InvalidValue { .. }
        ));
        assert!(matches!(
            refused("cloud_identity_id = \"1*\"").kind,
            FilterErrorKind::InvalidValue { .. }
        ));
        let deep = format!("{}domain = a{}", "(".repeat(40), ")".repeat(40));
        assert_eq!(refused(&deep).kind, FilterErrorKind::TooDeep);
    }

    #[test]
    fn offsets_count_characters_not_bytes() {
        let e = refused("domain = \"é\" AND x = 1");
        assert_eq!(e.at, 17);
    }

    const SEATS: &[Key] = &[Key {
        name: "num_units",
        ops: ALL_OPS,
        kind: ValueKind::Number,
    }];

    fn seats_match(text: &str, seats: &str) -> bool {
        Filter::check(text, SEATS)
            .unwrap()
            .matches(&|_| seats.to_string())
    }

    #[test]
    fn numbers_compare_by_value_and_an_item_without_one_matches_no_ordering() {
        assert!(seats_match("num_units = 10.0", "10"));
        assert!(seats_match("num_units >= 1e1", "10"));
        assert!(!seats_match("num_units != 10.0", "10"));
        assert!(seats_match("num_units < 10", "9"));
        // An entitlement without seats has an empty cell: it is neither
        // below nor above any number, and unequal to each.
        for ordering in [
            "num_units < 5",
            "num_units <= 5",
            "num_units > 5",
            "num_units = 0",
        ] {
            assert!(!seats_match(ordering, ""), "{ordering}");
        }
        assert!(seats_match("num_units != 5", ""));
    }

    #[test]
    fn a_number_in_a_filter_is_finite() {
        for bad in ["NaN", "inf", "-infinity", "1e999", "ten"] {
            let e = Filter::check(&format!("num_units = {bad}"), SEATS).expect_err(bad);
            assert!(
                matches!(e.kind, FilterErrorKind::InvalidValue { .. }),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn an_or_only_filter_refuses_and_and_negations_where_they_stand() {
        let keys = &CUSTOMER_KEYS[..1];
        let ok = r#"domain = "a" OR (domain = "b" OR domain = "c")"#;
        assert!(Filter::check_in(ok, keys, Joins::OrOnly).is_ok());
        for (text, at, word) in [
            (r#"domain = "a" AND domain = "b""#, 13, "AND"),
            (r#"NOT domain = "a""#, 0, "NOT"),
            (r#"domain = "a" OR -domain = "b""#, 16, "-"),
            (
                r#"domain = "a" OR (domain = "b" AND domain = "c")"#,
                30,
                "AND",
            ),
        ] {
            let e = Filter::check_in(text, keys, Joins::OrOnly).expect_err(text);
            assert_eq!(
                (e.at, e.kind),
                (at, FilterErrorKind::OnlyOr(word)),
                "{text}"
            );
        }
    }

    #[test]
    fn a_blank_filter_matches_everything() {
        assert!(Filter::check("  ", CUSTOMER_KEYS).unwrap().expr().is_none());
        assert!(matches("", "anything"));
    }

    fn restriction() -> impl Strategy<Value = Expr> {
        (
            "[a-z_][a-z0-9_]{0,6}(\\.[a-z_][a-z0-9_]{0,4}){0,2}",
            prop::sample::select(ALL_OPS.to_vec()),
            any::<String>(),
        )
            .prop_map(|(field, op, value)| {
                Expr::Compare(Restriction {
                    field,
                    op,
                    value,
                    at: [0; 3],
                })
            })
    }

    fn expression() -> impl Strategy<Value = Expr> {
        restriction().prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 2..4).prop_map(Expr::And),
                prop::collection::vec(inner.clone(), 2..4).prop_map(Expr::Or),
                inner.prop_map(|e| Expr::Not(Box::new(e))),
            ]
        })
    }

    proptest! {
        #[test]
        fn printing_then_parsing_gives_the_expression_back(expr in expression()) {
            let text = expr.to_string();
            prop_assert_eq!(parse_with(&text, Joins::All), Ok(Some(expr)), "{}", text);
        }

        #[test]
        fn any_text_parses_or_is_refused_without_panicking(text in any::<String>()) {
            let _ = Filter::check(&text, CUSTOMER_KEYS);
        }

        #[test]
        fn filter_like_text_parses_or_is_refused_without_panicking(
            text in "[()a-z_. =:!<>\"'*\\\\-]{0,20}( (AND|OR|NOT) [()a-z_. =:!<>\"'*-]{0,12}){0,4}"
        ) {
            if let Err(e) = Filter::check(&text, CUSTOMER_KEYS) {
                prop_assert!(e.at <= text.chars().count());
            }
        }
    }
}
