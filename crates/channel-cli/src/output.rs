//! Printing responses: JSON (pretty), a plain table, or YAML, to stdout or
//! a file; whole responses, or items one page at a time for `--all`.

use std::io::{self, Write};

use serde::Serialize;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// A JSON value that keeps its object keys in the order they were written
/// (the schema's order), unlike `serde_json::Value`, which sorts them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Doc {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written.
    Number(serde_json::Number),
    /// A string.
    String(String),
    /// A list.
    List(Vec<Doc>),
    /// An object, keys in order.
    Object(Vec<(String, Doc)>),
}

impl Doc {
    /// The proto3 JSON form of a message (or of anything serializable).
    pub(crate) fn of<T: Serialize + ?Sized>(value: &T) -> io::Result<Doc> {
        let text = serde_json::to_string(value).map_err(io::Error::other)?;
        serde_json::from_str(&text).map_err(io::Error::other)
    }

    /// The value of `key` in an object.
    pub(crate) fn get(&self, key: &str) -> Option<&Doc> {
        match self {
            Doc::Object(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn is_scalar(&self) -> bool {
        !matches!(self, Doc::Object(_) | Doc::List(_) | Doc::Null)
    }
}

impl<'de> Deserialize<'de> for Doc {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Doc, D::Error> {
        struct DocVisitor;

        impl<'de> Visitor<'de> for DocVisitor {
            type Value = Doc;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E>(self) -> Result<Doc, E> {
                Ok(Doc::Null)
            }
            fn visit_none<E>(self) -> Result<Doc, E> {
                Ok(Doc::Null)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Doc, E> {
                Ok(Doc::Bool(b))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Doc, E> {
                Ok(Doc::Number(n.into()))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Doc, E> {
                Ok(Doc::Number(n.into()))
            }
            fn visit_f64<E>(self, n: f64) -> Result<Doc, E> {
                Ok(serde_json::Number::from_f64(n).map_or(Doc::Null, Doc::Number))
            }
            fn visit_str<E>(self, s: &str) -> Result<Doc, E> {
                Ok(Doc::String(s.to_string()))
            }
            fn visit_string<E>(self, s: String) -> Result<Doc, E> {
                Ok(Doc::String(s))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Doc, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Doc::List(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Doc, A::Error> {
                let mut fields = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, Doc>()? {
                    fields.push((key, value));
                }
                Ok(Doc::Object(fields))
            }
        }

        deserializer.deserialize_any(DocVisitor)
    }
}

/// How responses are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Pretty-printed proto3 JSON.
    Json,
    /// A table: one row per item for list responses, key/value rows otherwise.
    Table,
    /// YAML.
    Yaml,
}

/// Where and how responses are printed.
pub(crate) struct Output {
    sink: Box<dyn Write>,
    format: Format,
    /// For `--all`: items printed so far, and the table's columns.
    streamed: usize,
    columns: Option<Vec<String>>,
    widths: Vec<usize>,
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Output")
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

impl Output {
    /// Prints to `sink` in `format`.
    pub(crate) fn new(sink: Box<dyn Write>, format: Format) -> Self {
        Output {
            sink,
            format,
            streamed: 0,
            columns: None,
            widths: Vec::new(),
        }
    }

    /// Prints one whole response. `items` names the list field of a list
    /// response, which a table shows one row per item.
    pub(crate) fn response<T: Serialize>(
        &mut self,
        value: &T,
        items: Option<&str>,
    ) -> io::Result<()> {
        let text = match self.format {
            Format::Json => {
                let mut text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
                text.push('\n');
                text
            }
            Format::Yaml => yaml(&Doc::of(value)?),
            Format::Table => {
                let doc = Doc::of(value)?;
                match items {
                    Some(key) => {
                        let rows = match doc.get(key) {
                            Some(Doc::List(rows)) => rows.as_slice(),
                            _ => &[],
                        };
                        let columns = columns(rows);
                        table(&columns, rows, true, &mut Vec::new())
                    }
                    None => key_values(&doc),
                }
            }
        };
        self.sink.write_all(text.as_bytes())?;
        self.sink.flush()
    }

    /// Prints a page of items of a streamed list (`--all`).
    pub(crate) fn items<T: Serialize>(&mut self, page: &[T]) -> io::Result<()> {
        let mut text = String::new();
        let docs = || page.iter().map(Doc::of).collect::<io::Result<Vec<_>>>();
        match self.format {
            Format::Json => {
                for item in page {
                    text.push_str(if self.streamed == 0 { "[\n" } else { ",\n" });
                    let pretty = serde_json::to_string_pretty(item).map_err(io::Error::other)?;
                    for (i, line) in pretty.lines().enumerate() {
                        if i > 0 {
                            text.push('\n');
                        }
                        text.push_str("  ");
                        text.push_str(line);
                    }
                    self.streamed += 1;
                }
            }
            Format::Yaml => {
                for item in docs()? {
                    text.push_str(&sequence_item(&item, 0));
                    self.streamed += 1;
                }
            }
            Format::Table => {
                if page.is_empty() {
                    return Ok(());
                }
                let page = docs()?;
                let header = self.columns.is_none();
                let columns = self.columns.get_or_insert_with(|| columns(&page));
                // Columns keep at least the widths of earlier pages.
                text = table(columns, &page, header, &mut self.widths);
                self.streamed += page.len();
            }
        }
        self.sink.write_all(text.as_bytes())?;
        self.sink.flush()
    }

    /// Ends a streamed list.
    pub(crate) fn end_items(&mut self) -> io::Result<()> {
        let text = match (self.format, self.streamed) {
            (Format::Json, 0) => "[]\n",
            (Format::Json, _) => "\n]\n",
            (Format::Yaml, 0) => "[]\n",
            _ => "",
        };
        self.sink.write_all(text.as_bytes())?;
        self.sink.flush()
    }
}

/// The columns of a table of `rows`: the top-level keys holding scalars,
/// in order of appearance but `name` first and times (`createTime`) last,
/// at most six.
fn columns(rows: &[Doc]) -> Vec<String> {
    const MAX: usize = 6;
    let mut columns: Vec<String> = Vec::new();
    if rows.iter().any(|r| !matches!(r, Doc::Object(_))) {
        columns.push("value".into());
    }
    for row in rows {
        if let Doc::Object(fields) = row {
            for (key, value) in fields {
                if value.is_scalar() && !columns.contains(key) {
                    columns.push(key.clone());
                }
            }
        }
    }
    columns.sort_by_key(|c| match c.as_str() {
        "name" => 0,
        c if c.ends_with("Time") => 2,
        _ => 1,
    });
    columns.truncate(MAX);
    columns
}

/// A scalar as a table cell (strings without quotes, on one line).
fn cell(value: &Doc) -> String {
    let text = match value {
        Doc::String(s) => s.clone(),
        other => yaml_scalar(other),
    };
    text.replace(['\n', '\r', '\t'], " ")
}

/// `orgDisplayName` -> `ORG_DISPLAY_NAME`.
fn header(key: &str) -> String {
    let mut out = String::new();
    for (i, c) in key.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// Aligned columns separated by two spaces, each at least as wide as
/// `widths` says (which is updated).
fn render(rows: &[Vec<String>], widths: &mut Vec<usize>) -> String {
    for row in rows {
        for (i, text) in row.iter().enumerate() {
            let width = text.chars().count();
            match widths.get_mut(i) {
                Some(w) => *w = (*w).max(width),
                None => widths.push(width),
            }
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, text) in row.iter().enumerate() {
            line.push_str(text);
            if i + 1 < row.len() {
                let pad = widths[i] - text.chars().count() + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A table of `rows` under `columns`, with a header line if asked.
fn table(columns: &[String], rows: &[Doc], with_header: bool, widths: &mut Vec<usize>) -> String {
    if columns.is_empty() {
        return String::new();
    }
    let mut lines = Vec::with_capacity(rows.len() + 1);
    if with_header {
        lines.push(columns.iter().map(|c| header(c)).collect());
    }
    for row in rows {
        lines.push(
            columns
                .iter()
                .map(|c| match row {
                    Doc::Object(_) => row.get(c).map(cell).unwrap_or_default(),
                    scalar if c == "value" => cell(scalar),
                    _ => String::new(),
                })
                .collect(),
        );
    }
    render(&lines, widths)
}

/// Key/value rows of a response, nested fields flattened with dots
/// (`cloudIdentityInfo.primaryDomain`) and list elements with indexes.
fn key_values(value: &Doc) -> String {
    fn flatten(prefix: &str, value: &Doc, rows: &mut Vec<Vec<String>>) {
        match value {
            Doc::Object(fields) if !fields.is_empty() => {
                for (key, inner) in fields {
                    let path = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    flatten(&path, inner, rows);
                }
            }
            Doc::List(items) if !items.is_empty() => {
                for (i, inner) in items.iter().enumerate() {
                    flatten(&format!("{prefix}[{i}]"), inner, rows);
                }
            }
            Doc::Object(_) if prefix.is_empty() => {}
            Doc::Object(_) => rows.push(vec![prefix.to_string(), "{}".into()]),
            Doc::List(_) => rows.push(vec![prefix.to_string(), "[]".into()]),
            scalar => rows.push(vec![prefix.to_string(), cell(scalar)]),
        }
    }
    let mut rows = Vec::new();
    flatten("", value, &mut rows);
    render(&rows, &mut Vec::new())
}

/// A YAML document for a JSON value.
pub(crate) fn yaml(value: &Doc) -> String {
    match value {
        Doc::Object(fields) if !fields.is_empty() => mapping(fields, 0),
        Doc::List(items) if !items.is_empty() => {
            items.iter().map(|item| sequence_item(item, 0)).collect()
        }
        other => format!("{}\n", yaml_scalar(other)),
    }
}

fn mapping(fields: &[(String, Doc)], indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::new();
    for (key, value) in fields {
        out.push_str(&pad);
        out.push_str(&yaml_string(key));
        out.push(':');
        match value {
            Doc::Object(inner) if !inner.is_empty() => {
                out.push('\n');
                out.push_str(&mapping(inner, indent + 2));
            }
            Doc::List(items) if !items.is_empty() => {
                out.push('\n');
                for item in items {
                    out.push_str(&sequence_item(item, indent + 2));
                }
            }
            scalar => {
                out.push(' ');
                out.push_str(&yaml_scalar(scalar));
                out.push('\n');
            }
        }
    }
    out
}

/// One `- item` of a sequence at `indent`.
fn sequence_item(item: &Doc, indent: usize) -> String {
    let pad = " ".repeat(indent);
    match item {
        Doc::Object(fields) if !fields.is_empty() => {
            // The first key goes on the dash's line, the others below it.
            let block = mapping(fields, indent + 2);
            format!("{pad}- {}", &block[indent + 2..])
        }
        Doc::List(items) if !items.is_empty() => {
            let mut out = format!("{pad}-\n");
            for inner in items {
                out.push_str(&sequence_item(inner, indent + 2));
            }
            out
        }
        scalar => format!("{pad}- {}\n", yaml_scalar(scalar)),
    }
}

fn yaml_scalar(value: &Doc) -> String {
    match value {
        Doc::Null => "null".into(),
        Doc::Bool(b) => b.to_string(),
        Doc::Number(n) => n.to_string(),
        Doc::String(s) => yaml_string(s),
        Doc::Object(_) => "{}".into(),
        Doc::List(_) => "[]".into(),
    }
}

/// A string as a plain YAML scalar when that reads back as the same
/// string, double-quoted otherwise.
fn yaml_string(s: &str) -> String {
    const RESERVED: &[&str] = &[
        "null", "~", "true", "false", "yes", "no", "on", "off", "y", "n",
    ];
    let first = s.chars().next();
    let needs_quotes = s.is_empty()
        || s.trim() != s
        || first.is_some_and(|c| "-?:,[]{}#&*!|>'\"%@`.+".contains(c) || c.is_ascii_digit())
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.chars().any(|c| c.is_control())
        || RESERVED.iter().any(|r| r.eq_ignore_ascii_case(s))
        || s.parse::<f64>().is_ok();
    if needs_quotes {
        serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Shared(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn capture(format: Format, print: impl FnOnce(&mut Output)) -> String {
        let buffer = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let mut out = Output::new(Box::new(Shared(buffer.clone())), format);
        print(&mut out);
        String::from_utf8(buffer.borrow().clone()).unwrap()
    }

    fn doc(text: &str) -> Doc {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn docs_keep_the_order_of_keys() {
        let d = doc(r#"{"z": 1, "a": [true, null, 1.5, "s"], "m": {}}"#);
        let keys: Vec<_> = match &d {
            Doc::Object(fields) => fields.iter().map(|(k, _)| k.as_str()).collect(),
            _ => unreachable!(),
        };
        assert_eq!(keys, ["z", "a", "m"]);
        let customer = channel::model::Customer {
            org_display_name: "Org".into(),
            domain: "example.com".into(),
            ..Default::default()
        };
        assert_eq!(
            Doc::of(&customer).unwrap(),
            doc(r#"{"orgDisplayName": "Org", "domain": "example.com"}"#)
        );
        assert_eq!(d.get("z"), Some(&Doc::Number(1.into())));
    }

    #[test]
    fn yaml_of_nested_values() {
        let value = doc(r#"{
            "name": "accounts/A/customers/S1",
            "domain": "example.com",
            "count": "5",
            "empty": {},
            "parameters": [
                {"name": "num_units", "value": {"int64Value": "5"}},
                "plain",
                ["x"]
            ],
            "note": "a: b #c",
            "on": true
        }"#);
        assert_eq!(
            yaml(&value),
            "name: accounts/A/customers/S1\n\
             domain: example.com\n\
             count: \"5\"\n\
             empty: {}\n\
             parameters:\n  \
               - name: num_units\n    \
                 value:\n      \
                   int64Value: \"5\"\n  \
               - plain\n  \
               -\n    \
                 - x\n\
             note: \"a: b #c\"\n\
             \"on\": true\n"
        );
        assert_eq!(yaml(&doc("{}")), "{}\n");
        assert_eq!(yaml(&doc(r#""multi\nline""#)), "\"multi\\nline\"\n");
    }

    #[test]
    fn tables_of_lists_and_of_single_responses() {
        let page = doc(r#"{"entitlements": [
                {"name": "e1", "offer": "o1", "provisioningState": "ACTIVE", "parameters": []},
                {"offer": "o2", "name": "e2", "createTime": "t2", "suspensionReasons": ["RESELLER_INITIATED"]}
            ], "nextPageToken": "t"}"#);
        let text = capture(Format::Table, |out| {
            out.response(&DocJson(&page), Some("entitlements")).unwrap()
        });
        // `name` goes first, whatever the order of the keys.
        assert_eq!(
            text,
            "NAME  OFFER  PROVISIONING_STATE  CREATE_TIME\n\
             e1    o1     ACTIVE\n\
             e2    o2                         t2\n"
        );
        let single = doc(r#"{"name": "c", "info": {"domain": "d"}, "tags": ["a"]}"#);
        assert_eq!(
            key_values(&single),
            "name         c\ninfo.domain  d\ntags[0]      a\n"
        );
    }

    /// Serializes a doc back to JSON, for feeding the printer in tests.
    struct DocJson<'a>(&'a Doc);

    impl Serialize for DocJson<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::{SerializeMap, SerializeSeq};
            match self.0 {
                Doc::Null => s.serialize_unit(),
                Doc::Bool(b) => s.serialize_bool(*b),
                Doc::Number(n) => n.serialize(s),
                Doc::String(v) => s.serialize_str(v),
                Doc::List(items) => {
                    let mut seq = s.serialize_seq(Some(items.len()))?;
                    for item in items {
                        seq.serialize_element(&DocJson(item))?;
                    }
                    seq.end()
                }
                Doc::Object(fields) => {
                    let mut map = s.serialize_map(Some(fields.len()))?;
                    for (k, v) in fields {
                        map.serialize_entry(k, &DocJson(v))?;
                    }
                    map.end()
                }
            }
        }
    }

    #[test]
    fn streamed_items_in_each_format() {
        let pages = [
            vec![doc(r#"{"name": "a"}"#)],
            vec![doc(r#"{"name": "b", "x": 1}"#)],
        ];
        let stream = |format| {
            capture(format, |out| {
                for page in &pages {
                    let page: Vec<_> = page.iter().map(DocJson).collect();
                    out.items(&page).unwrap();
                }
                out.end_items().unwrap();
            })
        };
        assert_eq!(
            stream(Format::Json),
            "[\n  {\n    \"name\": \"a\"\n  },\n  {\n    \"name\": \"b\",\n    \"x\": 1\n  }\n]\n"
        );
        let parsed: serde_json::Value = serde_json::from_str(&stream(Format::Json)).unwrap();
        assert_eq!(parsed.as_array().unwrap().len(), 2);
        assert_eq!(stream(Format::Yaml), "- name: a\n- name: b\n  x: 1\n");
        assert_eq!(stream(Format::Table), "NAME\na\nb\n");
        let wide = capture(Format::Table, |out| {
            out.items(&[DocJson(&doc(r#"{"name": "long-name", "x": 1}"#))])
                .unwrap();
            out.items(&[DocJson(&doc(r#"{"name": "b", "x": 2}"#))])
                .unwrap();
        });
        assert_eq!(wide, "NAME       X\nlong-name  1\nb          2\n");
        let empty = capture(Format::Json, |out| out.end_items().unwrap());
        assert_eq!(empty, "[]\n");
    }
}
