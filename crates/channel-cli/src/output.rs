//! Printing responses: JSON (pretty or compact, optionally as JSONP), YAML,
//! a plain table, or CSV, to stdout or a file; whole responses, or items
//! page by page for `--all` and `--limit`.
//!
//! Responses become `serde_json::Value`s whose objects keep the order the
//! message serialized them in (the schema's), so every format lists fields
//! the way the API reference does.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::fields::Selection;

/// How responses are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Proto3 JSON (indented unless `-p pretty-print=false`).
    Json,
    /// A table: one row per item for list responses, key/value rows otherwise.
    Table,
    /// YAML, read back as the same values by YAML 1.1 and 1.2 readers.
    Yaml,
    /// CSV: one row per item of a list, nested fields as dotted columns.
    Csv,
}

/// How a response is shaped and written, besides its format.
#[derive(Debug, Clone)]
pub(crate) struct Style {
    /// The format.
    pub(crate) format: Format,
    /// Indented JSON (`-p pretty-print`, default true).
    pub(crate) pretty: bool,
    /// A JSONP wrapper (`-p callback=NAME`).
    pub(crate) callback: Option<String>,
    /// A partial response (`-p fields=...`).
    pub(crate) fields: Option<Selection>,
}

impl Style {
    /// Plain output in `format`.
    pub(crate) fn new(format: Format) -> Self {
        Style {
            format,
            pretty: true,
            callback: None,
            fields: None,
        }
    }
}

/// Where and how responses are printed.
pub(crate) struct Output {
    sink: Box<dyn Write>,
    style: Style,
    /// The list field of the response, for items printed one by one.
    items_key: Option<String>,
    /// For `--all`: items printed so far, the table's columns, CSV rows.
    streamed: usize,
    columns: Option<Vec<String>>,
    widths: Vec<usize>,
    rows: Vec<Value>,
    /// Whether each page of a list is flushed as it comes; see
    /// [`Output::whole_or_nothing`].
    flush_pages: bool,
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Output")
            .field("style", &self.style)
            .finish_non_exhaustive()
    }
}

/// The proto3 JSON form of a message, objects in serialization order.
pub(crate) fn to_value<T: Serialize + ?Sized>(value: &T) -> io::Result<Value> {
    serde_json::to_value(value).map_err(io::Error::other)
}

impl Output {
    /// Prints to `sink` in `style`; `items_key` is the list field of a list
    /// response.
    pub(crate) fn new(sink: Box<dyn Write>, style: Style, items_key: Option<String>) -> Self {
        Output {
            sink,
            style,
            items_key,
            streamed: 0,
            columns: None,
            widths: Vec::new(),
            rows: Vec::new(),
            flush_pages: true,
        }
    }

    /// Flushes a list printed page by page only at its end: for `-o FILE`,
    /// whose first flush puts the output in FILE's place, so that a list
    /// that fails after some pages leaves FILE as it was instead of a
    /// truncated list in its place.
    pub(crate) fn whole_or_nothing(mut self) -> Self {
        self.flush_pages = false;
        self
    }

    fn select(&self, value: Value) -> Value {
        match &self.style.fields {
            Some(selection) => selection.apply(value),
            None => value,
        }
    }

    /// Applies the selection to one item, as the element of its list.
    fn select_item(&self, item: Value) -> Value {
        let (Some(selection), Some(key)) = (&self.style.fields, &self.items_key) else {
            return item;
        };
        let mut page = Map::new();
        page.insert(key.clone(), Value::Array(vec![item]));
        match selection.apply(Value::Object(page)) {
            Value::Object(mut page) => match page.remove(key) {
                Some(Value::Array(mut items)) if !items.is_empty() => items.remove(0),
                _ => Value::Object(Map::new()),
            },
            _ => Value::Object(Map::new()),
        }
    }

    fn json(&self, value: &Value) -> io::Result<String> {
        let mut text = if self.style.pretty {
            serde_json::to_string_pretty(value)
        } else {
            serde_json::to_string(value)
        }
        .map_err(io::Error::other)?;
        if let Some(callback) = &self.style.callback {
            text = format!("{callback}({text});");
        }
        text.push('\n');
        Ok(text)
    }

    /// Prints one whole response; a list response as a table or CSV shows
    /// one row per item.
    pub(crate) fn response<T: Serialize>(&mut self, value: &T, list: bool) -> io::Result<()> {
        let value = self.select(to_value(value)?);
        let rows = || match (list, &self.items_key) {
            (true, Some(key)) => match value.get(key) {
                Some(Value::Array(rows)) => rows.clone(),
                _ => Vec::new(),
            },
            _ => vec![value.clone()],
        };
        let text = match self.style.format {
            Format::Json => self.json(&value)?,
            Format::Yaml => yaml(&value),
            Format::Table if list && self.items_key.is_some() => {
                let rows = rows();
                let columns = columns(&rows);
                table(&columns, &rows, true, &mut Vec::new())
            }
            Format::Table => key_values(&value),
            Format::Csv => csv_rows(&rows())?,
        };
        self.sink.write_all(text.as_bytes())?;
        self.sink.flush()
    }

    /// Prints items of a list one page at a time (`--all`, `--limit`).
    pub(crate) fn items<T: Serialize>(&mut self, page: &[T]) -> io::Result<()> {
        let page = page
            .iter()
            .map(|item| to_value(item).map(|v| self.select_item(v)))
            .collect::<io::Result<Vec<_>>>()?;
        let mut text = String::new();
        match self.style.format {
            Format::Json => {
                for item in &page {
                    let json = self.json(item)?;
                    if self.style.callback.is_none() && self.style.pretty {
                        text.push_str(if self.streamed == 0 { "[\n" } else { ",\n" });
                        for (i, line) in json.trim_end().lines().enumerate() {
                            if i > 0 {
                                text.push('\n');
                            }
                            text.push_str("  ");
                            text.push_str(line);
                        }
                    } else {
                        // Compact or JSONP: the list is built at the end.
                        self.rows.push(item.clone());
                    }
                    self.streamed += 1;
                }
            }
            Format::Yaml => {
                for item in page {
                    text.push_str(&yaml(&Value::Array(vec![item])));
                    self.streamed += 1;
                }
            }
            Format::Table => {
                if page.is_empty() {
                    return Ok(());
                }
                let header = self.columns.is_none();
                let columns = self.columns.get_or_insert_with(|| columns(&page));
                // Columns keep at least the widths of earlier pages.
                text = table(columns, &page, header, &mut self.widths);
                self.streamed += page.len();
            }
            Format::Csv => {
                // Every item's columns must be known before the header.
                self.streamed += page.len();
                self.rows.extend(page);
            }
        }
        self.sink.write_all(text.as_bytes())?;
        if self.flush_pages {
            self.sink.flush()?;
        }
        Ok(())
    }

    /// Ends a list printed item by item.
    pub(crate) fn end_items(&mut self) -> io::Result<()> {
        let rows = std::mem::take(&mut self.rows);
        let text = match (self.style.format, self.streamed) {
            (Format::Json, _) if self.style.callback.is_some() || !self.style.pretty => {
                self.json(&Value::Array(rows))?
            }
            (Format::Json, 0) => "[]\n".into(),
            (Format::Json, _) => "\n]\n".into(),
            (Format::Yaml, 0) => "[]\n".into(),
            (Format::Csv, _) => csv_rows(&rows)?,
            _ => String::new(),
        };
        self.sink.write_all(text.as_bytes())?;
        self.sink.flush()
    }
}

/// Whether a value is printed in one cell.
fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Object(_) | Value::Array(_) | Value::Null)
}

/// The columns of a table of `rows`: the top-level keys holding scalars,
/// in order of appearance but names first and times (`createTime`) last,
/// at most six. Items named only inside a field (`{"sku": {"name": ...}}`)
/// get that name (`sku.name`); items with no scalar at the top at all (a
/// report row's `values`) get their nested scalars (`values[0].stringValue`),
/// so that no list prints as an empty table.
fn columns(rows: &[Value]) -> Vec<String> {
    const MAX: usize = 6;
    let mut columns: Vec<String> = Vec::new();
    let add = |columns: &mut Vec<String>, key: String| {
        if !columns.contains(&key) {
            columns.push(key);
        }
    };
    if rows.iter().any(|r| !r.is_object()) {
        columns.push("value".into());
    }
    let objects = || {
        rows.iter().filter_map(|row| match row {
            Value::Object(fields) => Some(fields),
            _ => None,
        })
    };
    for fields in objects() {
        for (key, value) in fields {
            if is_scalar(value) {
                add(&mut columns, key.clone());
            }
        }
    }
    if !columns.iter().any(|c| c == "name") {
        for fields in objects() {
            for (key, value) in fields {
                if value.get("name").is_some_and(is_scalar) {
                    add(&mut columns, format!("{key}.name"));
                }
            }
        }
    }
    if columns.is_empty() {
        for row in rows {
            let mut pairs = Vec::new();
            flatten("", row, cell, &mut pairs);
            for (key, _) in pairs {
                add(&mut columns, key);
            }
        }
    }
    columns.sort_by_key(|c| match c.as_str() {
        c if c == "name" || c.ends_with(".name") => 0,
        c if c.ends_with("Time") => 2,
        _ => 1,
    });
    columns.truncate(MAX);
    columns
}

/// A scalar as a table cell (strings without quotes, on one line). A table
/// goes to a terminal: line breaks and tabs become spaces, and the other
/// control characters and the bidirectional overrides are shown as
/// `\u001b`, so that a value cannot move the cursor, recolor the screen or
/// reorder the text around it.
fn cell(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.as_str(),
        other => return other.to_string(),
    };
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control()
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') =>
            {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out
}

/// The columns `text` takes on a terminal (wide East Asian characters and
/// most emoji take two, combining marks none).
fn width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// A scalar as a CSV field: exactly its text, line breaks included (the
/// CSV writer quotes them), so that a reader gets the value back.
fn csv_cell(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
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
            let width = width(text);
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
                let pad = widths[i] - width(text) + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A table of `rows` under `columns`, with a header line if asked.
fn table(columns: &[String], rows: &[Value], with_header: bool, widths: &mut Vec<usize>) -> String {
    if columns.is_empty() {
        return String::new();
    }
    let mut lines = Vec::with_capacity(rows.len() + 1);
    if with_header {
        lines.push(columns.iter().map(|c| header(c)).collect());
    }
    for row in rows {
        // The row's nested scalars, flattened once for all its nested
        // columns (`sku.name`, `values[0].intValue`).
        let mut nested: Option<Vec<(String, String)>> = None;
        let mut line = Vec::with_capacity(columns.len());
        for c in columns {
            line.push(match row {
                Value::Object(fields) => match fields.get(c) {
                    Some(value) => cell(value),
                    None if c.contains(['.', '[']) => nested
                        .get_or_insert_with(|| {
                            let mut pairs = Vec::new();
                            flatten("", row, cell, &mut pairs);
                            pairs
                        })
                        .iter()
                        .find(|(key, _)| key == c)
                        .map(|(_, text)| text.clone())
                        .unwrap_or_default(),
                    None => String::new(),
                },
                scalar if c == "value" => cell(scalar),
                _ => String::new(),
            });
        }
        lines.push(line);
    }
    render(&lines, widths)
}

/// The scalars of a value under flattened keys: nested fields with dots
/// (`cloudIdentityInfo.primaryDomain`), list elements with indexes; each
/// as `cell` writes it.
fn flatten(
    prefix: &str,
    value: &Value,
    cell: fn(&Value) -> String,
    rows: &mut Vec<(String, String)>,
) {
    match value {
        Value::Object(fields) if !fields.is_empty() => {
            for (key, inner) in fields {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&path, inner, cell, rows);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, inner) in items.iter().enumerate() {
                flatten(&format!("{prefix}[{i}]"), inner, cell, rows);
            }
        }
        Value::Object(_) if prefix.is_empty() => {}
        Value::Object(_) => rows.push((prefix.to_string(), "{}".into())),
        Value::Array(_) => rows.push((prefix.to_string(), "[]".into())),
        scalar => rows.push((prefix.to_string(), cell(scalar))),
    }
}

/// Key/value rows of a response.
fn key_values(value: &Value) -> String {
    if !matches!(value, Value::Object(_) | Value::Array(_)) {
        // A bare value (`config get`) has no key to set beside it.
        return format!("{}\n", cell(value));
    }
    let mut pairs = Vec::new();
    flatten("", value, cell, &mut pairs);
    let rows: Vec<Vec<String>> = pairs.into_iter().map(|(k, v)| vec![k, v]).collect();
    render(&rows, &mut Vec::new())
}

/// CSV of `rows`: a header of every flattened key, in order of
/// appearance, then one line per row.
fn csv_rows(rows: &[Value]) -> io::Result<String> {
    let mut flat = Vec::with_capacity(rows.len());
    let mut columns: Vec<String> = Vec::new();
    for row in rows {
        let mut pairs = Vec::new();
        match row {
            Value::Object(_) | Value::Array(_) => flatten("", row, csv_cell, &mut pairs),
            scalar => pairs.push(("value".into(), csv_cell(scalar))),
        }
        for (key, _) in &pairs {
            if !columns.contains(key) {
                columns.push(key.clone());
            }
        }
        flat.push(pairs);
    }
    if columns.is_empty() {
        return Ok(String::new());
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| io::Error::other(e.to_string());
    writer.write_record(&columns).map_err(fail)?;
    for pairs in flat {
        let record = columns.iter().map(|c| {
            pairs
                .iter()
                .find(|(k, _)| k == c)
                .map_or("", |(_, v)| v.as_str())
        });
        writer.write_record(record).map_err(fail)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| io::Error::other(e.to_string()))?;
    String::from_utf8(bytes).map_err(io::Error::other)
}

/// `-o FILE`: the output is written beside FILE under a temporary name
/// and put in FILE's place at its first flush, when there is a result to
/// keep; a call that fails first leaves FILE as it was. A FILE that is not
/// a regular file (`/dev/null`, a pipe, a link) is written in place.
pub(crate) struct FileSink {
    file: io::BufWriter<std::fs::File>,
    /// Where the output goes until it is complete enough to keep.
    temporary: Option<PathBuf>,
    path: PathBuf,
}

impl FileSink {
    /// Opens the output for `path`.
    pub(crate) fn create(path: &Path) -> io::Result<FileSink> {
        let existing = match std::fs::symlink_metadata(path) {
            Ok(metadata) => Some(metadata),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        let in_place = existing
            .as_ref()
            .is_some_and(|metadata| !metadata.file_type().is_file());
        let name = path.file_name().filter(|_| !in_place);
        let temporary = name.map(|name| {
            let mut temporary = std::ffi::OsString::from(".");
            temporary.push(name);
            temporary.push(format!(".tmp-{}", std::process::id()));
            path.with_file_name(temporary)
        });
        let file = std::fs::File::create(temporary.as_deref().unwrap_or(path))?;
        // The file that takes FILE's place keeps FILE's permissions: an
        // output someone made private stays private.
        if let (Some(metadata), Some(_)) = (&existing, &temporary) {
            file.set_permissions(metadata.permissions())?;
        }
        Ok(FileSink {
            file: io::BufWriter::new(file),
            temporary,
            path: path.to_path_buf(),
        })
    }
}

impl Write for FileSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()?;
        if let Some(temporary) = self.temporary.take() {
            // Later writes still reach the renamed file through the handle.
            std::fs::rename(&temporary, &self.path)?;
        }
        Ok(())
    }
}

impl Drop for FileSink {
    fn drop(&mut self) {
        if let Some(temporary) = self.temporary.take() {
            let _ = std::fs::remove_file(temporary);
        }
    }
}

/// A YAML document for a JSON value; it parses back to the same value
/// under YAML 1.1 and 1.2 readers alike (see [`crate::yaml`]).
pub(crate) fn yaml(value: &Value) -> String {
    crate::yaml::to_string(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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

    fn capture_with(style: Style, items: Option<&str>, print: impl FnOnce(&mut Output)) -> String {
        let buffer = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let mut out = Output::new(
            Box::new(Shared(buffer.clone())),
            style,
            items.map(str::to_string),
        );
        print(&mut out);
        String::from_utf8(buffer.borrow().clone()).unwrap()
    }

    fn capture(format: Format, items: Option<&str>, print: impl FnOnce(&mut Output)) -> String {
        capture_with(Style::new(format), items, print)
    }

    #[test]
    fn messages_print_their_fields_in_schema_order() {
        let customer = channel::model::Customer {
            org_display_name: "Org".into(),
            domain: "example.com".into(),
            name: "accounts/A/customers/S".into(),
            ..Default::default()
        };
        let value = to_value(&customer).unwrap();
        let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["name", "orgDisplayName", "domain"]);
        let text = capture(Format::Json, None, |out| {
            out.response(&customer, false).unwrap()
        });
        assert!(
            text.find("\"name\"").unwrap() < text.find("\"domain\"").unwrap(),
            "{text}"
        );
    }

    #[test]
    fn yaml_parses_back_to_the_same_value() {
        let value = json!({
            "name": "accounts/A/customers/S1",
            "count": "5",
            "on": "yes",
            "empty": {},
            "none": [],
            "parameters": [
                {"name": "num_units", "value": {"int64Value": "5"}},
                "plain",
                ["x", 1.5, true, null]
            ],
            "note": "a: b #c",
            "multi": "line one\nline two",
            "number-like": "0x1F",
            "date": "2027-01-01T00:00:00Z",
        });
        let text = yaml(&value);
        let back: Value = serde_yaml_ng::from_str(&text).unwrap();
        assert_eq!(back, value, "{text}");
        let keys: Vec<&String> = back.as_object().unwrap().keys().collect();
        assert_eq!(keys[..3], ["name", "count", "on"]);
    }

    #[test]
    fn tables_of_lists_and_of_single_responses() {
        let page = json!({"entitlements": [
                {"name": "e1", "offer": "o1", "provisioningState": "ACTIVE", "parameters": []},
                {"offer": "o2", "name": "e2", "createTime": "t2", "suspensionReasons": ["RESELLER_INITIATED"]}
            ], "nextPageToken": "t"});
        let text = capture(Format::Table, Some("entitlements"), |out| {
            out.response(&page, true).unwrap()
        });
        // `name` goes first, whatever the order of the keys.
        assert_eq!(
            text,
            "NAME  OFFER  PROVISIONING_STATE  CREATE_TIME\n\
             e1    o1     ACTIVE\n\
             e2    o2                         t2\n"
        );
        let single = json!({"name": "c", "info": {"domain": "d"}, "tags": ["a"]});
        assert_eq!(
            key_values(&single),
            "name         c\ninfo.domain  d\ntags[0]      a\n"
        );
    }

    #[test]
    fn items_without_a_scalar_at_the_top_still_fill_a_table() {
        // ListPurchasableSkus: each item holds only a message.
        let page = json!({"purchasableSkus": [
            {"sku": {"name": "s1", "marketingInfo": {"displayName": "One"}}},
            {"sku": {"name": "s2"}},
        ]});
        let text = capture(Format::Table, Some("purchasableSkus"), |out| {
            out.response(&page, true).unwrap()
        });
        assert_eq!(text, "SKU.NAME\ns1\ns2\n");
        // ListPurchasableOffers: the name sits in the offer, beside a scalar.
        let page = json!({"purchasableOffers": [
            {"offer": {"name": "o1"}, "priceReferenceId": "p1"},
        ]});
        let text = capture(Format::Table, Some("purchasableOffers"), |out| {
            out.response(&page, true).unwrap()
        });
        assert_eq!(text, "OFFER.NAME  PRICE_REFERENCE_ID\no1          p1\n");
        // FetchReportResults: rows of values, streamed page by page.
        let rows = [
            json!({"values": [{"stringValue": "e1"}, {"intValue": "7"}]}),
            json!({"values": [{"stringValue": "e2"}, {"intValue": "12"}]}),
        ];
        let text = capture(Format::Table, None, |out| {
            out.items(&rows[..1]).unwrap();
            out.items(&rows[1..]).unwrap();
            out.end_items().unwrap();
        });
        assert_eq!(
            text,
            "VALUES[0].STRING_VALUE  VALUES[1].INT_VALUE\n\
             e1                      7\n\
             e2                      12\n"
        );
    }

    #[test]
    fn table_cells_escape_control_characters_and_align_wide_ones() {
        let page = json!({"customers": [
            {"name": "c1", "orgDisplayName": "日本語😀", "domain": "a"},
            {"name": "c2", "orgDisplayName": "\u{1b}[31mred\u{7f}\u{9b}\u{202e}x", "domain": "b"},
            {"name": "c3", "orgDisplayName": "e\u{301}\tz", "domain": "c"},
        ]});
        let text = capture(Format::Table, Some("customers"), |out| {
            out.response(&page, true).unwrap()
        });
        // The last column starts at the same terminal column on each line.
        let starts: Vec<usize> = text
            .lines()
            .map(|line| width(&line[..line.rfind(' ').unwrap() + 1]))
            .collect();
        assert_eq!(starts, [40, 40, 40, 40], "{text}");
        assert!(text.contains("c1    日本語😀      "), "{text}");
        assert!(
            text.contains("c2    \\u001b[31mred\\u007f\\u009b\\u202ex  b\n"),
            "{text}"
        );
        assert!(text.contains("c3    e\u{301} z   "), "{text}");
        assert!(
            !text.contains(['\u{1b}', '\u{7f}', '\u{9b}', '\u{202e}', '\t']),
            "{text}"
        );
    }

    #[test]
    fn csv_has_one_row_per_item_and_a_column_per_nested_field() {
        let page = json!({"customers": [
            {"name": "c1", "orgDisplayName": "Org, Inc.", "orgPostalAddress": {"regionCode": "US"}},
            {"name": "c2", "domain": "b.example"},
        ]});
        let text = capture(Format::Csv, Some("customers"), |out| {
            out.response(&page, true).unwrap()
        });
        assert_eq!(
            text,
            "name,orgDisplayName,orgPostalAddress.regionCode,domain\n\
             c1,\"Org, Inc.\",US,\n\
             c2,,,b.example\n"
        );
        let streamed = capture(Format::Csv, Some("customers"), |out| {
            out.items(&[json!({"name": "a"})]).unwrap();
            out.items(&[json!({"name": "b", "domain": "d"})]).unwrap();
            out.end_items().unwrap();
        });
        assert_eq!(streamed, "name,domain\na,\nb,d\n");
    }

    #[test]
    fn csv_keeps_line_breaks_and_tabs_inside_values() {
        let name = "Org, \"A\"\nsecond line\twith a tab\r\n";
        let page = json!({"customers": [{"name": "c1", "orgDisplayName": name}]});
        let text = capture(Format::Csv, Some("customers"), |out| {
            out.response(&page, true).unwrap()
        });
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 1, "{text}");
        assert_eq!(&rows[0][1], name);
    }

    #[test]
    fn streamed_items_in_each_format() {
        let pages = [
            vec![json!({"name": "a"})],
            vec![json!({"name": "b", "x": 1})],
        ];
        let stream = |style: Style| {
            capture_with(style, Some("items"), |out| {
                for page in &pages {
                    out.items(page).unwrap();
                }
                out.end_items().unwrap();
            })
        };
        assert_eq!(
            stream(Style::new(Format::Json)),
            "[\n  {\n    \"name\": \"a\"\n  },\n  {\n    \"name\": \"b\",\n    \"x\": 1\n  }\n]\n"
        );
        assert_eq!(
            stream(Style::new(Format::Yaml)),
            "- name: a\n- name: b\n  x: 1\n"
        );
        assert_eq!(stream(Style::new(Format::Table)), "NAME\na\nb\n");
        let mut compact = Style::new(Format::Json);
        compact.pretty = false;
        assert_eq!(
            stream(compact.clone()),
            "[{\"name\":\"a\"},{\"name\":\"b\",\"x\":1}]\n"
        );
        compact.callback = Some("show".into());
        compact.fields = Some(Selection::parse("items(x)").unwrap());
        assert_eq!(stream(compact), "show([{},{\"x\":1}]);\n");
        let empty = capture(Format::Json, None, |out| out.end_items().unwrap());
        assert_eq!(empty, "[]\n");
    }

    #[test]
    fn a_replaced_output_file_keeps_its_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("cloudchannel-perm-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("private.json");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let mut sink = FileSink::create(&path).unwrap();
        sink.write_all(b"new").unwrap();
        sink.flush().unwrap();
        drop(sink);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
