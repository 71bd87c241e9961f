//! YAML output that every common reader takes back as the same value.
//!
//! YAML 1.2 readers (`serde_yaml_ng`, Go's `yaml.v3`) and YAML 1.1 readers
//! (PyYAML, Go's `yaml.v2`, Ruby's Psych) resolve an unquoted scalar by
//! different rules: under 1.1, `NO` (Norway's region code) and `off` are
//! booleans, `2027-01-31T00:00:00Z` a timestamp (with its nanoseconds cut),
//! `1_000` and `0b11` integers, `12:30` a sexagesimal number. The YAML
//! libraries at hand quote by 1.2's rules only, so a string is left
//! unquoted here only when its shape cannot be anything but a string under
//! either version: it starts with a letter, `_`, `/` or a non-ASCII
//! character, holds no indicator that could end or comment it, and is not
//! one of the words either version reads as a boolean or null. Every other
//! string is quoted: single-quoted when it is all printable characters on
//! one line, double-quoted with escapes otherwise.
//!
//! Layout is block style: mappings as `key: value` lines, nested mappings
//! indented by two, sequences as `- item` lines (at the key's indentation
//! under a key, as PyYAML writes them), empty collections as `{}` and `[]`.
//! Numbers are written so that both versions read them as numbers: a float
//! always has a `.` and a signed exponent.
//!
//! Sources: YAML 1.1's scalar types (yaml.org/type: bool, null, int, float,
//! timestamp, merge, value) and YAML 1.2's core schema (yaml.org/spec/1.2,
//! chapter 10).

use std::fmt::Write as _;

use serde_json::{Map, Number, Value};

/// Words read as booleans or null by YAML 1.1 or 1.2 when unquoted, in any
/// letter case (1.1 lists a few cases of each; quoting every case costs
/// nothing).
const RESERVED_WORDS: [&str; 9] = ["y", "n", "yes", "no", "on", "off", "true", "false", "null"];

/// YAML 1.1 and 1.2 keys written without `?` may be at most 1,024
/// characters long; a longer one is written as an explicit key.
const LONGEST_IMPLICIT_KEY: usize = 1000;

/// `value` as a YAML document, ending in a line break.
pub(crate) fn to_string(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => mapping(&mut out, map, 0, false),
        Value::Array(items) if !items.is_empty() => sequence(&mut out, items, 0, false),
        scalar => {
            write_scalar(&mut out, scalar);
            out.push('\n');
        }
    }
    out
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// A mapping's entries at `indent`; with `inline`, the first entry goes on
/// the line already started (after a sequence's `- `).
fn mapping(out: &mut String, map: &Map<String, Value>, indent: usize, inline: bool) {
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 || !inline {
            pad(out, indent);
        }
        let start = out.len();
        write_string(out, key);
        let explicit = out.len() - start > LONGEST_IMPLICIT_KEY;
        if explicit {
            out.insert_str(start, "? ");
            out.push('\n');
            pad(out, indent);
        }
        out.push(':');
        match value {
            Value::Object(inner) if !inner.is_empty() => {
                out.push('\n');
                mapping(out, inner, indent + 2, false);
            }
            Value::Array(items) if !items.is_empty() => {
                out.push('\n');
                // Under an explicit key the sequence is indented, which
                // every reader takes; under a plain key it is not, as
                // PyYAML and gcloud write it.
                sequence(out, items, indent + if explicit { 2 } else { 0 }, false);
            }
            scalar => {
                out.push(' ');
                write_scalar(out, scalar);
                out.push('\n');
            }
        }
    }
}

/// A sequence's items at `indent`; `inline` as for [`mapping`].
fn sequence(out: &mut String, items: &[Value], indent: usize, inline: bool) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 || !inline {
            pad(out, indent);
        }
        out.push_str("- ");
        match item {
            Value::Object(map) if !map.is_empty() => mapping(out, map, indent + 2, true),
            Value::Array(inner) if !inner.is_empty() => sequence(out, inner, indent + 2, true),
            scalar => {
                write_scalar(out, scalar);
                out.push('\n');
            }
        }
    }
}

/// A scalar, or an empty collection in flow style.
fn write_scalar(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_string(out, s),
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
    }
}

/// Integers as JSON writes them. A float as JSON writes it may lack a `.`
/// (`1e300`) or its exponent's sign (`1e300`, `1.5e30`), which YAML 1.1
/// then reads as a string; both are added.
fn write_number(out: &mut String, n: &Number) {
    let text = n.to_string();
    if !n.is_f64() {
        out.push_str(&text);
        return;
    }
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, Some(exponent)),
        None => (text.as_str(), None),
    };
    out.push_str(mantissa);
    if !mantissa.contains('.') {
        out.push_str(".0");
    }
    if let Some(exponent) = exponent {
        out.push('e');
        if !exponent.starts_with(['+', '-']) {
            out.push('+');
        }
        out.push_str(exponent);
    }
}

fn write_string(out: &mut String, s: &str) {
    if is_plain_safe(s) {
        out.push_str(s);
    } else if s.chars().all(single_quotable) {
        out.push('\'');
        out.push_str(&s.replace('\'', "''"));
        out.push('\'');
    } else {
        double_quoted(out, s);
    }
}

/// Whether `s` reads back as this very string, unquoted, under YAML 1.1
/// and 1.2 alike, in a block mapping's key or value or a sequence item.
fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    // No typed scalar of either version starts with a letter other than
    // the reserved words' (`.inf` and `.nan` start with `.`, `~` is null),
    // and no indicator is a letter, `_` or `/`.
    let starts_well =
        first.is_ascii_alphabetic() || first == '_' || first == '/' || plain_other(first);
    starts_well
        && !s.ends_with(' ')
        && !s.contains("  ")
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    ' ' | '_' | '.' | '/' | '@' | '+' | '-' | '(' | ')' | ',' | '=' | ';'
                )
                || plain_other(c)
        })
        && !RESERVED_WORDS
            .iter()
            .any(|word| s.eq_ignore_ascii_case(word))
}

/// A non-ASCII character that is printable in YAML and breaks no line:
/// not a C1 control (U+0085 is a line break in YAML 1.1), not U+2028 or
/// U+2029 (line and paragraph separators), not the byte-order mark or a
/// noncharacter.
fn plain_other(c: char) -> bool {
    c >= '\u{a0}'
        && !matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        )
}

/// Whether `c` may stand as itself inside a one-line single-quoted scalar.
fn single_quotable(c: char) -> bool {
    matches!(c, ' '..='~') || plain_other(c)
}

/// A double-quoted scalar, escaping what a single-quoted one cannot hold
/// (line breaks, tabs, controls, separators); YAML's escapes are a
/// superset of JSON's.
fn double_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if single_quotable(c) => out.push(c),
            c if (c as u32) <= 0xff => {
                let _ = write!(out, "\\x{:02X}", c as u32);
            }
            c => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Whether an unquoted scalar is read as something other than a string
    /// under YAML 1.1's implicit types, written from the type pages' own
    /// regular expressions.
    fn typed_in_yaml_1_1(s: &str) -> bool {
        let patterns = [
            // bool
            r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$",
            // null
            r"^(?:~|null|Null|NULL|)$",
            // int: binary, octal, decimal, hexadecimal, sexagesimal
            r"^[-+]?0b[0-1_]+$",
            r"^[-+]?0[0-7_]+$",
            r"^[-+]?(?:0|[1-9][0-9_]*)$",
            r"^[-+]?0x[0-9a-fA-F_]+$",
            r"^[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+$",
            // float: base 10, sexagesimal, infinity, not a number
            r"^[-+]?(?:[0-9][0-9_]*)?\.[0-9.]*(?:[eE][-+][0-9]+)?$",
            r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$",
            r"^[-+]?\.(?:inf|Inf|INF)$",
            r"^\.(?:nan|NaN|NAN)$",
            // timestamp
            r"^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]$",
            r"^[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?$",
            // merge, value
            r"^<<$",
            r"^=$",
        ];
        patterns
            .iter()
            .any(|p| regex::Regex::new(p).unwrap().is_match(s))
    }

    fn tricky_strings() -> Vec<String> {
        let mut strings: Vec<String> = [
            "NO",
            "no",
            "No",
            "nO",
            "yes",
            "Y",
            "n",
            "on",
            "OFF",
            "true",
            "False",
            "null",
            "NULL",
            "~",
            "",
            " ",
            "a ",
            " a",
            "a  b",
            "1",
            "-1",
            "+1",
            "0",
            "007",
            "0o17",
            "0x1F",
            "0b101",
            "1_000",
            "1:20",
            "190:20:30.15",
            "1.5",
            ".5",
            "1e3",
            "1E+3",
            "-.inf",
            ".NaN",
            ".nan",
            "2027-01-31",
            "2027-01-31T00:00:00Z",
            "2026-12-01T02:31:21.283792898Z",
            "2001-12-14 21:59:43.10 -5",
            "<<",
            "=",
            "-",
            "- a",
            "? a",
            ": a",
            "a: b",
            "a #b",
            "#a",
            "&a",
            "*a",
            "!a",
            "%a",
            "@a",
            "`a",
            "|",
            ">",
            "'",
            "''",
            "\"",
            "[a]",
            "{a}",
            "a,b",
            "a\nb",
            "a\r\nb",
            "tab\there",
            "nul\0",
            "del\x7f",
            "nel\u{85}",
            "ls\u{2028}",
            "bom\u{feff}",
            "Société Générale",
            "東京",
            "naïve",
            "😀",
            "accounts/C0emulator/customers/S2ex4",
            "acme.example.com",
            "en-US",
            "US",
            "ACTIVE",
            "Acme Inc.",
            "admin@acme.example.com",
            "It's",
            "a=b",
            "a;b",
            "_private",
            "/v1/accounts",
            "x".repeat(1500).as_str(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every two-character string of a few troublesome characters.
        let alphabet = ['a', '0', ' ', ':', '#', '-', '.', '\'', '"', '\n', 'é', '_'];
        for a in alphabet {
            for b in alphabet {
                strings.push(format!("{a}{b}"));
            }
        }
        strings
    }

    #[test]
    fn no_unquoted_string_is_a_typed_value_in_yaml_1_1() {
        for s in tricky_strings() {
            if is_plain_safe(&s) {
                assert!(!typed_in_yaml_1_1(&s), "{s:?} is written unquoted");
            }
        }
        // The plain forms readers see most stay unquoted.
        for s in [
            "US",
            "ACTIVE",
            "accounts/A/customers/S1",
            "acme.example.com",
            "en-US",
            "Acme Inc.",
        ] {
            assert!(is_plain_safe(s), "{s:?} is quoted");
        }
    }

    #[test]
    fn every_value_reads_back_the_same_in_yaml_1_2() {
        let strings = tricky_strings();
        let value = json!({
            "strings": strings,
            "asKeys": strings.iter().map(|s| (s.clone(), json!(s))).collect::<Map<_, _>>(),
            "numbers": [0, -1, 18446744073709551615u64, -9223372036854775808i64, 1.5, -0.25, 1e300, 1e-7, 2.5e-300],
            "others": [true, false, null, {}, []],
            "nested": [[1, [2, []]], [{"a": {"b": [{}]}}], {"c": [[{"d": "NO"}]]}],
            "deep": {"a": {"b": {"c": ["x", {"y": "z"}]}}},
        });
        let text = to_string(&value);
        let back: Value = serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(back, value, "{text}");
        for top in [
            json!("NO"),
            json!(1.0),
            json!(null),
            json!({}),
            json!([]),
            json!([{}]),
        ] {
            let text = to_string(&top);
            let back: Value = serde_yaml_ng::from_str(&text).unwrap();
            assert_eq!(back, top, "{text}");
        }
    }

    #[test]
    fn floats_keep_a_point_and_a_signed_exponent() {
        let text = to_string(&json!([1e300, 1e-7, 1.5, 2.0, 1.5e30]));
        assert_eq!(text, "- 1.0e+300\n- 1.0e-7\n- 1.5\n- 2.0\n- 1.5e+30\n");
        for line in text.lines() {
            let number = line.trim_start_matches("- ");
            assert!(
                typed_in_yaml_1_1(number),
                "{number} is a string in YAML 1.1"
            );
        }
    }

    #[test]
    fn a_customer_reads_as_gcloud_prints_one() {
        let text = to_string(&json!({
            "name": "accounts/A/customers/S1",
            "orgPostalAddress": {"regionCode": "NO", "addressLines": ["Karl Johans gate 1", "0154 Oslo"]},
            "createTime": "2026-12-01T02:31:21.283792898Z",
            "channelPartnerId": "",
            "parameters": [{"name": "max_units", "value": {"int64Value": "5"}}],
        }));
        assert_eq!(
            text,
            "name: accounts/A/customers/S1\n\
             orgPostalAddress:\n  \
               regionCode: 'NO'\n  \
               addressLines:\n  \
               - Karl Johans gate 1\n  \
               - '0154 Oslo'\n\
             createTime: '2026-12-01T02:31:21.283792898Z'\n\
             channelPartnerId: ''\n\
             parameters:\n\
             - name: max_units\n  \
               value:\n    \
                 int64Value: '5'\n"
        );
    }

    #[test]
    fn strings_that_cannot_be_single_quoted_are_escaped() {
        assert_eq!(
            to_string(&json!("a\nb\t\"c\"\\")),
            "\"a\\nb\\t\\\"c\\\"\\\\\"\n"
        );
        assert_eq!(
            to_string(&json!("\u{85}\u{7f}\u{2028}\0")),
            "\"\\x85\\x7F\\u2028\\0\"\n"
        );
        assert_eq!(to_string(&json!("It's")), "'It''s'\n");
    }

    #[test]
    fn a_key_too_long_to_be_implicit_is_written_explicitly() {
        let key = "k".repeat(1200);
        let value = json!({ key.clone(): ["a"], "short": {key.clone(): 1} });
        let text = to_string(&value);
        assert!(text.starts_with(&format!("? {key}\n:\n  - a\n")), "{text}");
        let back: Value = serde_yaml_ng::from_str(&text).unwrap();
        assert_eq!(back, value);
    }
}
