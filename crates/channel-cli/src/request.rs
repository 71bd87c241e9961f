//! Request bodies from the command line: `--json`/`--json-file`, then the
//! `-r` settings with their field cursor, then the positional path
//! variables, all merged into one proto3 JSON value that the method's
//! request type then decodes (and so checks).
//!
//! The `-r` syntax is that of the `cloudchannel1` CLI:
//!
//! - `-r key=value` sets a field relative to the cursor; `key` may be a
//!   dotted path (`value.int64_value=5`), and starts from the top with a
//!   leading `.`. On a repeated field it appends.
//! - `-r .field.sub` moves the cursor to a message field from the top,
//!   `-r field` from the cursor, `-r .` back to the top, `-r ..` up one
//!   level (`...` two, and so on); `..name` goes up one level, then into
//!   `name`.
//! - Setting a singular field twice is refused (a repeated one appends).
//! - Moving into a repeated message field starts a new element; a path
//!   that passes through one continues its last element.
//!
//! Values are typed by the schema: numbers, `true`/`false`, enum values by
//! name, 64-bit integers as JSON strings, timestamps and field masks as
//! strings. Field names are accepted in snake_case, camelCase or kebab-case.

use serde_json::{Map, Value};

use crate::schema::{Field, Kind, MessageType, Schema, json_name};

/// What the cursor points at.
#[derive(Debug, Clone, Copy)]
enum Node<'s> {
    /// A message.
    Message(&'s MessageType),
    /// The entries of a map field.
    Map(&'s Field),
}

/// One step from the top of the request to the cursor.
#[derive(Debug, Clone)]
struct Step<'s> {
    /// The JSON key (a field's JSON name, or a map key).
    key: String,
    /// The element, for a repeated field.
    index: Option<usize>,
    /// What the step arrives at.
    node: Node<'s>,
}

/// Builds the JSON of one request.
#[derive(Debug)]
pub(crate) struct RequestBuilder<'s> {
    schema: &'s Schema,
    root: &'s MessageType,
    body: Value,
    cursor: Vec<Step<'s>>,
    /// Where `-r` set singular fields so far, and the text it set.
    assigned: Vec<(String, String)>,
    /// Whether a second value for a singular field is refused.
    checked: bool,
}

/// Why a setting was refused: the message names the flag and the setting.
pub(crate) type Refusal = String;

impl<'s> RequestBuilder<'s> {
    /// An empty request of message type `root` (a full name).
    pub(crate) fn new(schema: &'s Schema, root: &str) -> Result<Self, Refusal> {
        let root = schema
            .message(root)
            .ok_or_else(|| format!("the schema has no message {root}"))?;
        Ok(RequestBuilder {
            schema,
            root,
            body: Value::Object(Map::new()),
            cursor: Vec::new(),
            assigned: Vec::new(),
            checked: true,
        })
    }

    /// Starts from a whole request body given with `flag` (`--json`),
    /// its field names brought to their JSON spelling.
    pub(crate) fn with_body(mut self, flag: &str, body: Value) -> Result<Self, Refusal> {
        if !body.is_object() {
            return Err(format!(
                "{flag}: expected a JSON object (the {} request), got {}",
                self.root.short_name(),
                json_type(&body)
            ));
        }
        self.body = normalize(self.schema, self.root, body, "")
            .map_err(|problem| format!("{flag}: {problem}"))?;
        Ok(self)
    }

    /// Applies one `-r` item.
    pub(crate) fn apply(&mut self, item: &str) -> Result<(), Refusal> {
        let shown = match item.split_once('=') {
            Some((key, _)) if is_secret(key) => format!("{key}=<redacted>"),
            _ => item.to_string(),
        };
        let refuse = |problem: String| {
            let mut message = format!("-r '{shown}': {problem}");
            if item.contains('/') && !item.contains('=') {
                message.push_str(
                    " (a resource name? positional arguments go before -r, \
                     or after `--`)",
                );
            }
            message
        };
        match item.split_once('=') {
            Some((key, value)) => self.set(key, value).map_err(refuse),
            None => self.move_cursor(item).map_err(refuse),
        }
    }

    /// Sets a field at a dotted path of proto names from the top, as a
    /// string: what a positional path variable does.
    pub(crate) fn set_path(&mut self, path: &str, value: &str) -> Result<(), Refusal> {
        let saved = std::mem::take(&mut self.cursor);
        self.checked = false;
        let outcome = self.set(&format!(".{path}"), value);
        self.checked = true;
        self.cursor = saved;
        outcome
    }

    /// The string at a dotted path of proto names from the top (a path
    /// variable such as `parent` or `customer.name`), if `--json` or `-r`
    /// set one.
    pub(crate) fn string_at(&self, path: &str) -> Option<&str> {
        let mut value = &self.body;
        for part in path.split('.') {
            value = value.get(json_name(part))?;
        }
        value.as_str().filter(|s| !s.is_empty())
    }

    /// Sets a path variable from its positional argument `<ARG>`: refused
    /// when `-r` set the same field to something else, as one of the two
    /// would be dropped. (`--json` is a base that positionals override.)
    pub(crate) fn set_positional(
        &mut self,
        arg: &str,
        path: &str,
        value: &str,
    ) -> Result<(), Refusal> {
        let location: String = path
            .split('.')
            .map(|p| format!(".{}", json_name(p)))
            .collect();
        if let Some((_, given)) = self.assigned.iter().find(|(at, _)| *at == location)
            && given != value
        {
            return Err(format!(
                "{arg} is '{value}', but -r set {path} to '{given}'; give it once"
            ));
        }
        self.set_path(path, value)
    }

    /// Sets a field at a dotted path of proto names from the top, like a
    /// `-r .path=value` (a singular field set twice is refused).
    pub(crate) fn set_field(&mut self, path: &str, value: &str) -> Result<(), Refusal> {
        let saved = std::mem::take(&mut self.cursor);
        let outcome = self.set(&format!(".{path}"), value);
        self.cursor = saved;
        outcome
    }

    /// The request as JSON.
    pub(crate) fn finish(self) -> Value {
        self.body
    }

    fn move_cursor(&mut self, path: &str) -> Result<(), String> {
        if path.is_empty() {
            return Err("expected key=value, or a field to move the cursor to".into());
        }
        let moves = cursor_moves(path)?;
        self.cursor = self.follow(&moves, true)?;
        Ok(())
    }

    /// Where `moves` lead from the cursor; `start_new` as for [`Self::walk`].
    fn follow(&mut self, moves: &[Move<'_>], start_new: bool) -> Result<Vec<Step<'s>>, String> {
        let mut steps = self.cursor.clone();
        for (i, step) in moves.iter().enumerate() {
            match step {
                Move::Top => steps.clear(),
                Move::Up(up) => {
                    if *up > steps.len() {
                        return Err(format!(
                            "cannot go up {up} level(s): the cursor is {} level(s) deep",
                            steps.len()
                        ));
                    }
                    steps.truncate(steps.len() - up);
                }
                Move::Into(name) => {
                    let last = i == moves.len() - 1;
                    steps = self.walk(steps, &[*name], start_new && last)?;
                }
            }
        }
        Ok(steps)
    }

    fn set(&mut self, key: &str, text: &str) -> Result<(), String> {
        if key.is_empty() {
            return Err(
                "the key before `=` is empty; expected a field name, as in offer=VALUE".into(),
            );
        }
        let mut moves = cursor_moves(key)?;
        let Some(Move::Into(last)) = moves.pop() else {
            return Err(format!(
                "the key '{key}' names no field; expected a field name before `=`, \
                 as in offer=VALUE"
            ));
        };
        let steps = self.follow(&moves, false)?;
        let node = steps
            .last()
            .map_or(Node::Message(self.root), |step| step.node);
        let (json_key, value, append) = match node {
            Node::Map(field) => (last.to_string(), self.scalar(field, text)?, false),
            Node::Message(message) => {
                let field = find(message, last)?;
                if field.map_key.is_some() {
                    return Err(format!(
                        "{} is a map ({}): set its entries with {}.KEY=VALUE",
                        field.name,
                        field.describe(),
                        field.name
                    ));
                }
                if let Some(inner) = field.message_type() {
                    return Err(format!(
                        "{} is a message ({}): move the cursor into it with -r {}, \
                         then set its fields",
                        field.name,
                        inner,
                        dotted(&steps, &field.name)
                    ));
                }
                (
                    field.json_name.clone(),
                    self.scalar(field, text)?,
                    field.repeated,
                )
            }
        };
        // A singular field set twice by -r would silently keep the last
        // value: refused, as a typo usually lies behind it.
        let mut location = String::new();
        for step in &steps {
            location.push('.');
            location.push_str(&step.key);
            if let Some(index) = step.index {
                location.push_str(&format!("[{index}]"));
            }
        }
        location.push('.');
        location.push_str(&json_key);
        if !append && self.checked {
            if let Some(previous) = self.assigned.iter().find(|(at, _)| *at == location) {
                let previous = if is_secret(last) {
                    "<redacted>"
                } else {
                    previous.1.as_str()
                };
                return Err(format!(
                    "{last} is already set to '{previous}'; it takes one value \
                     (only repeated fields take several)"
                ));
            }
            self.assigned.push((location, text.to_string()));
        }
        let target = locate(&mut self.body, &steps)?;
        let object = target
            .as_object_mut()
            .ok_or_else(|| "the target is not a JSON object".to_string())?;
        if append {
            match object
                .entry(json_key)
                .or_insert_with(|| Value::Array(Vec::new()))
            {
                Value::Array(items) => items.push(value),
                other => {
                    return Err(format!(
                        "{last} already holds {} from --json, not a list",
                        json_type(other)
                    ));
                }
            }
        } else {
            object.insert(json_key, value);
        }
        Ok(())
    }

    /// Follows `parts` from `steps`; for the last part, `start_new` makes
    /// a repeated message field get a new element rather than its last.
    fn walk(
        &mut self,
        mut steps: Vec<Step<'s>>,
        parts: &[&str],
        start_new: bool,
    ) -> Result<Vec<Step<'s>>, String> {
        for (i, part) in parts.iter().enumerate() {
            let node = steps
                .last()
                .map_or(Node::Message(self.root), |step| step.node);
            let step = match node {
                Node::Map(field) => {
                    let inner = field
                        .message_type()
                        .and_then(|t| self.schema.message(t))
                        .ok_or_else(|| {
                            format!(
                                "the values of map {} are not messages: \
                                 set its entries with {}.KEY=VALUE",
                                field.name, field.name
                            )
                        })?;
                    Step {
                        key: part.to_string(),
                        index: None,
                        node: Node::Message(inner),
                    }
                }
                Node::Message(message) => {
                    let field = find(message, part)?;
                    if field.map_key.is_some() {
                        Step {
                            key: field.json_name.clone(),
                            index: None,
                            node: Node::Map(field),
                        }
                    } else {
                        let inner = field
                            .message_type()
                            .and_then(|t| self.schema.message(t))
                            .ok_or_else(|| {
                                format!(
                                    "{} is of type {}, not a message: set it with {}=VALUE",
                                    field.name,
                                    field.describe(),
                                    field.name
                                )
                            })?;
                        let index = if field.repeated {
                            let parent = locate(&mut self.body, &steps)?;
                            let len = match parent.get(&field.json_name) {
                                Some(Value::Array(items)) => items.len(),
                                None | Some(Value::Null) => 0,
                                Some(other) => {
                                    return Err(format!(
                                        "{} already holds {} from --json, not a list",
                                        field.name,
                                        json_type(other)
                                    ));
                                }
                            };
                            let last = i == parts.len() - 1;
                            Some(if (last && start_new) || len == 0 {
                                len
                            } else {
                                len - 1
                            })
                        } else {
                            None
                        };
                        Step {
                            key: field.json_name.clone(),
                            index,
                            node: Node::Message(inner),
                        }
                    }
                }
            };
            steps.push(step);
            // Create the element or object now, so that a cursor always
            // points at something and a new element is really new.
            locate(&mut self.body, &steps)?;
        }
        Ok(steps)
    }

    /// The JSON value of `text` for a field of `field`'s type.
    fn scalar(&self, field: &Field, text: &str) -> Result<Value, String> {
        scalar(self.schema, &field.kind, text).map_err(|expected| {
            format!(
                "{} expects {expected}, got '{text}'",
                if field.map_key.is_some() {
                    format!("an entry of map {}", field.name)
                } else {
                    field.name.clone()
                }
            )
        })
    }
}

/// Request fields whose values are credentials: a customer's transfer
/// token. Errors name them but never show their values.
const SECRET_FIELDS: [&str; 1] = ["authtoken"];

/// Whether the last field of a `-r` key (any spelling) holds a secret.
fn is_secret(key: &str) -> bool {
    // Any step of the path: a mistyped `auth_token.x=...` still carries
    // the token as its value.
    key.split('.').any(|step| {
        let squeezed: String = step
            .chars()
            .filter(|c| !matches!(c, '-' | '_'))
            .flat_map(char::to_lowercase)
            .collect();
        SECRET_FIELDS.contains(&squeezed.as_str())
    })
}

/// The field `name` of `message`, or an error listing the fields there are.
fn find<'m>(message: &'m MessageType, name: &str) -> Result<&'m Field, String> {
    message.field(name).ok_or_else(|| {
        format!(
            "{} has no field '{name}'; its fields are: {}",
            message.short_name(),
            message.field_names()
        )
    })
}

/// `.a.b.name`: the absolute `-r` path of a field below the steps.
fn dotted(steps: &[Step<'_>], field: &str) -> String {
    let mut path = String::new();
    for step in steps {
        path.push('.');
        path.push_str(&step.key);
    }
    path.push('.');
    path.push_str(field);
    path
}

/// One move of the field cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Move<'a> {
    /// Back to the top of the request.
    Top,
    /// Up this many levels.
    Up(usize),
    /// Into a field (or map key).
    Into(&'a str),
}

/// The moves a cursor path stands for, by the `cloudchannel1` rules: a
/// leading `.` followed by a name starts from the top (`.` alone is the
/// top); names are separated by single dots; every dot after the first of
/// a run goes up one level, so `..` is one level up, `...` two, and
/// `..name` is up one level then into `name`. A path that ends with a
/// separating dot is refused.
fn cursor_moves(path: &str) -> Result<Vec<Move<'_>>, String> {
    let mut moves = Vec::new();
    if path == "." {
        return Ok(vec![Move::Top]);
    }
    let dots = path.len() - path.trim_start_matches('.').len();
    if dots == 1 {
        moves.push(Move::Top);
    }
    let mut rest = &path[dots..];
    if dots > 1 {
        moves.push(Move::Up(dots - 1));
    }
    while !rest.is_empty() {
        let end = rest.find('.').unwrap_or(rest.len());
        moves.push(Move::Into(&rest[..end]));
        rest = &rest[end..];
        let run = rest.len() - rest.trim_start_matches('.').len();
        rest = &rest[run..];
        if run == 1 && rest.is_empty() {
            return Err(format!(
                "'{path}' ends with '.'; expected a field name after it (or .. alone to go up)"
            ));
        }
        if run > 1 {
            moves.push(Move::Up(run - 1));
        }
    }
    Ok(moves)
}

/// The JSON object the steps lead to, created on the way where missing.
fn locate<'v>(body: &'v mut Value, steps: &[Step<'_>]) -> Result<&'v mut Value, String> {
    let mut current = body;
    for step in steps {
        if current.is_null() {
            *current = Value::Object(Map::new());
        }
        let object = current
            .as_object_mut()
            .ok_or_else(|| format!("{} is not a JSON object", step.key))?;
        let entry = object.entry(step.key.clone()).or_insert(Value::Null);
        current = match step.index {
            None => entry,
            Some(index) => {
                if entry.is_null() {
                    *entry = Value::Array(Vec::new());
                }
                let items = entry
                    .as_array_mut()
                    .ok_or_else(|| format!("{} is not a list", step.key))?;
                while items.len() <= index {
                    items.push(Value::Object(Map::new()));
                }
                &mut items[index]
            }
        };
    }
    if current.is_null() {
        *current = Value::Object(Map::new());
    }
    if !current.is_object() {
        return Err(format!("{} is not a JSON object", json_type(current)));
    }
    Ok(current)
}

/// The JSON value of `text` for a field of type `kind`, or what was expected.
pub(crate) fn scalar(schema: &Schema, kind: &Kind, text: &str) -> Result<Value, String> {
    let trimmed = text.trim();
    match kind {
        Kind::String | Kind::Bytes => Ok(Value::String(text.to_string())),
        Kind::Bool => match trimmed.to_ascii_lowercase().as_str() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err("true or false".into()),
        },
        Kind::Int32 => trimmed
            .parse::<i32>()
            .map(Value::from)
            .map_err(|_| "a 32-bit integer".into()),
        Kind::Uint32 => trimmed
            .parse::<u32>()
            .map(Value::from)
            .map_err(|_| "a non-negative 32-bit integer".into()),
        Kind::Int64 => trimmed
            .parse::<i64>()
            .map(|n| Value::String(n.to_string()))
            .map_err(|_| "a 64-bit integer".into()),
        Kind::Uint64 => trimmed
            .parse::<u64>()
            .map(|n| Value::String(n.to_string()))
            .map_err(|_| "a non-negative 64-bit integer".into()),
        Kind::Float => match trimmed {
            "NaN" | "Infinity" | "-Infinity" => Ok(Value::String(trimmed.into())),
            _ => trimmed
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number)
                .ok_or_else(|| "a number".into()),
        },
        Kind::Enum(name) => enum_value(schema, name, trimmed),
        Kind::Message(name) => match name.as_str() {
            "google.protobuf.Timestamp" | "google.protobuf.Duration" => {
                Ok(Value::String(text.to_string()))
            }
            // The JSON form of a mask is camelCase; accept the proto names too.
            "google.protobuf.FieldMask" => Ok(Value::String(
                text.split(',')
                    .map(|path| {
                        let parts: Vec<String> = path.trim().split('.').map(json_name).collect();
                        parts.join(".")
                    })
                    .collect::<Vec<_>>()
                    .join(","),
            )),
            "google.protobuf.Int32Value" => scalar(schema, &Kind::Int32, text),
            "google.protobuf.UInt32Value" => scalar(schema, &Kind::Uint32, text),
            "google.protobuf.Int64Value" => scalar(schema, &Kind::Int64, text),
            "google.protobuf.UInt64Value" => scalar(schema, &Kind::Uint64, text),
            "google.protobuf.DoubleValue" | "google.protobuf.FloatValue" => {
                scalar(schema, &Kind::Float, text)
            }
            "google.protobuf.BoolValue" => scalar(schema, &Kind::Bool, text),
            "google.protobuf.StringValue" | "google.protobuf.BytesValue" => {
                Ok(Value::String(text.to_string()))
            }
            "google.protobuf.Value" => {
                Ok(serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.into())))
            }
            "google.protobuf.Struct" | "google.protobuf.Any" | "google.protobuf.Empty" => {
                match serde_json::from_str::<Value>(text) {
                    Ok(value @ Value::Object(_)) => Ok(value),
                    _ => Err("a JSON object".into()),
                }
            }
            "google.protobuf.ListValue" => match serde_json::from_str::<Value>(text) {
                Ok(value @ Value::Array(_)) => Ok(value),
                _ => Err("a JSON array".into()),
            },
            other => Err(format!("a {other} message, which is not a single value")),
        },
    }
}

/// An enum value by name (any case, `-` for `_`) or number.
fn enum_value(schema: &Schema, name: &str, text: &str) -> Result<Value, String> {
    let Some(e) = schema.enumeration(name) else {
        return Ok(Value::String(text.to_string()));
    };
    let wanted = text.replace('-', "_");
    if let Some((value, _)) = e.values.iter().find(|(v, _)| *v == wanted).or_else(|| {
        e.values
            .iter()
            .find(|(v, _)| v.eq_ignore_ascii_case(&wanted))
    }) {
        return Ok(Value::String(value.clone()));
    }
    if let Ok(number) = text.parse::<i32>()
        && e.values.iter().any(|(_, n)| *n == number)
    {
        return Ok(Value::from(number));
    }
    let names: Vec<&str> = e.values.iter().map(|(v, _)| v.as_str()).collect();
    Err(format!(
        "a value of enum {} ({})",
        name.rsplit('.').next().unwrap_or(name),
        names.join(", ")
    ))
}

/// Brings the field names of a JSON request to their JSON spelling,
/// checking that each names a field. `at` is the path so far, for messages.
fn normalize(
    schema: &Schema,
    message: &MessageType,
    value: Value,
    at: &str,
) -> Result<Value, String> {
    let Value::Object(object) = value else {
        return Ok(value);
    };
    let mut out = Map::new();
    for (key, value) in object {
        let field = message.field(&key).ok_or_else(|| {
            format!(
                "{}{} has no field '{key}'; its fields are: {}",
                message.short_name(),
                if at.is_empty() {
                    String::new()
                } else {
                    format!(" (at {at})")
                },
                message.field_names()
            )
        })?;
        let path = if at.is_empty() {
            field.name.clone()
        } else {
            format!("{at}.{}", field.name)
        };
        let inner = field.message_type().and_then(|t| schema.message(t));
        let value = match (inner, value) {
            (Some(inner), Value::Array(items)) if field.repeated => Value::Array(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| normalize(schema, inner, item, &format!("{path}[{i}]")))
                    .collect::<Result<_, _>>()?,
            ),
            (Some(inner), Value::Object(entries)) if field.map_key.is_some() => Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| {
                        let at = format!("{path}[{k}]");
                        normalize(schema, inner, v, &at).map(|v| (k, v))
                    })
                    .collect::<Result<_, _>>()?,
            ),
            (Some(inner), value @ Value::Object(_)) if field.map_key.is_none() => {
                normalize(schema, inner, value, &path)?
            }
            (_, value) => value,
        };
        if out.contains_key(&field.json_name) {
            return Err(format!(
                "duplicate name {:?} in {}: {} is given twice (as snake_case and camelCase?); \
                 a field may be set once",
                field.json_name,
                if at.is_empty() {
                    "the request".to_string()
                } else {
                    format!("'{at}'")
                },
                field.name
            ));
        }
        out.insert(field.json_name.clone(), value);
    }
    Ok(Value::Object(out))
}

/// Parses the text of `--json` or `--json-file` (named by `flag`) into a
/// JSON value, refusing a name given twice in one object: a plain JSON
/// reader keeps the last and silently drops the others. A leading byte
/// order mark, which some editors write, is skipped.
pub(crate) fn parse_body(flag: &str, text: &str) -> Result<Value, Refusal> {
    use serde::de::DeserializeSeed;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = serde_json::Deserializer::from_str(text);
    let parsed = Strict { at: "" }
        .deserialize(&mut reader)
        .and_then(|value| reader.end().map(|()| value));
    parsed.map_err(|e| match e.classify() {
        // The one error of our own: the name given twice.
        serde_json::error::Category::Data => format!("{flag}: {e}"),
        _ => format!("{flag}: not valid JSON: {e}"),
    })
}

/// Reads one JSON value at `at` (a path such as `customer.addressLines[1]`)
/// like `serde_json::Value`'s own reader, with the duplicate check.
struct Strict<'a> {
    at: &'a str,
}

impl<'de> serde::de::DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, reader: D) -> Result<Value, D::Error> {
        reader.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Strict<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut items: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(item) = items.next_element_seed(Strict {
            at: &format!("{}[{}]", self.at, out.len()),
        })? {
            out.push(item);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut entries: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = entries.next_key::<String>()? {
            if out.contains_key(&key) {
                let within = if self.at.is_empty() {
                    "the request".to_string()
                } else {
                    format!("'{}'", self.at)
                };
                return Err(serde::de::Error::custom(format!(
                    "duplicate name {key:?} in {within}: a field, or one member of a oneof, may be set once"
                )));
            }
            let at = if self.at.is_empty() {
                key.clone()
            } else {
                format!("{}.{key}", self.at)
            };
            let value = entries.next_value_seed(Strict { at: &at })?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

/// `an object`, `a string`...: for messages about JSON values.
fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const CREATE_ENTITLEMENT: &str = "google.cloud.channel.v1.CreateEntitlementRequest";

    fn build(root: &str, items: &[&str]) -> Result<Value, String> {
        let schema = Schema::load().unwrap();
        let mut builder = RequestBuilder::new(&schema, root)?;
        for item in items {
            builder.apply(item)?;
        }
        Ok(builder.finish())
    }

    #[test]
    fn cursor_moves_and_typed_values() {
        let body = build(
            CREATE_ENTITLEMENT,
            &[
                ".entitlement",
                "offer=accounts/A/offers/O",
                "purchase_order_id=PO-1",
                ".entitlement.parameters",
                "name=num_units",
                "value.int64_value=5",
                "..",
                "parameters",
                "name=max_units",
                "value.int64Value=20",
                ".",
                "request-id=8f6c1f3e-2d4b-4a8e-9c1d-5b7a3e2f1d0c",
                ".entitlement.commitment_settings.renewal_settings",
                "enable_renewal=true",
                "payment_plan=flexible",
            ],
        )
        .unwrap();
        assert_eq!(
            body,
            json!({
                "entitlement": {
                    "offer": "accounts/A/offers/O",
                    "purchaseOrderId": "PO-1",
                    "parameters": [
                        {"name": "num_units", "value": {"int64Value": "5"}},
                        {"name": "max_units", "value": {"int64Value": "20"}},
                    ],
                    "commitmentSettings": {"renewalSettings": {
                        "enableRenewal": true, "paymentPlan": "FLEXIBLE"
                    }},
                },
                "requestId": "8f6c1f3e-2d4b-4a8e-9c1d-5b7a3e2f1d0c",
            })
        );
        let request: channel::model::CreateEntitlementRequest =
            serde_json::from_value(body).unwrap();
        assert_eq!(request.entitlement.unwrap().parameters.len(), 2);
    }

    #[test]
    fn absolute_keys_repeated_scalars_and_paths_through_lists() {
        let body = build(
            "google.cloud.channel.v1.TransferEntitlementsRequest",
            &[
                ".entitlements",
                "offer=o1",
                ".entitlements",
                "offer=o2",
                ".entitlements.parameters",
                "name=num_units",
                ".auth_token=t",
            ],
        )
        .unwrap();
        assert_eq!(
            body,
            json!({
                "entitlements": [
                    {"offer": "o1"},
                    {"offer": "o2", "parameters": [{"name": "num_units"}]},
                ],
                "authToken": "t",
            })
        );
        let body = build(
            "google.cloud.channel.v1.QueryEligibleBillingAccountsRequest",
            &["skus=a", "skus=b"],
        )
        .unwrap();
        assert_eq!(body, json!({"skus": ["a", "b"]}));
    }

    #[test]
    fn bad_settings_say_what_was_expected() {
        let err = |items: &[&str]| build(CREATE_ENTITLEMENT, items).unwrap_err();
        let e = err(&["nope=1"]);
        assert!(
            e.starts_with("-r 'nope=1': CreateEntitlementRequest has no field 'nope'"),
            "{e}"
        );
        assert!(e.contains("parent, entitlement"), "{e}");
        let e = err(&[".entitlement.parameters", "value.int64_value=many"]);
        assert_eq!(
            e,
            "-r 'value.int64_value=many': int64_value expects a 64-bit integer, got 'many'"
        );
        let e = err(&["entitlement=x"]);
        assert!(
            e.contains("move the cursor into it with -r .entitlement"),
            "{e}"
        );
        let e = err(&[".parent"]);
        assert!(e.contains("parent is of type string, not a message"), "{e}");
        let e = err(&[".."]);
        assert!(e.contains("cannot go up 1 level(s)"), "{e}");
        let e = err(&["=x"]);
        assert!(e.contains("the key before `=` is empty"), "{e}");
        let e = err(&[".entitlement.", "offer=x"]);
        assert!(e.contains("ends with '.'"), "{e}");
        let e = err(&["accounts/C1/customers/S1"]);
        assert!(e.contains("positional arguments go before -r"), "{e}");
        let e = build(
            "google.cloud.channel.v1.ListPurchasableSkusRequest",
            &[".change_offer_purchase", "change_type=SIDEWAYS"],
        )
        .unwrap_err();
        assert!(
            e.contains(
                "expects a value of enum ChangeType (CHANGE_TYPE_UNSPECIFIED, UPGRADE, DOWNGRADE)"
            ),
            "{e}"
        );
    }

    #[test]
    fn json_bodies_are_normalized_and_checked() {
        let schema = Schema::load().unwrap();
        let body = json!({"entitlement": {"offer": "o", "purchase_order_id": "p",
            "parameters": [{"name": "num_units", "value": {"int64_value": 3}}]}});
        let mut builder = RequestBuilder::new(&schema, CREATE_ENTITLEMENT)
            .unwrap()
            .with_body("--json", body)
            .unwrap();
        builder.apply(".entitlement").unwrap();
        builder.apply("offer=o2").unwrap();
        builder.apply(".entitlement.parameters").unwrap();
        builder.apply("name=max_units").unwrap();
        builder
            .set_path("parent", "accounts/A/customers/C")
            .unwrap();
        let body = builder.finish();
        assert_eq!(
            body,
            json!({
                "entitlement": {"offer": "o2", "purchaseOrderId": "p", "parameters": [
                    {"name": "num_units", "value": {"int64Value": 3}},
                    {"name": "max_units"},
                ]},
                "parent": "accounts/A/customers/C",
            })
        );
        let e = RequestBuilder::new(&schema, CREATE_ENTITLEMENT)
            .unwrap()
            .with_body("--json", json!({"entitlement": {"ofer": "o"}}))
            .unwrap_err();
        assert!(
            e.starts_with("--json: Entitlement (at entitlement) has no field 'ofer'"),
            "{e}"
        );
        let e = RequestBuilder::new(&schema, CREATE_ENTITLEMENT)
            .unwrap()
            .with_body("--json", json!([1]))
            .unwrap_err();
        assert!(e.contains("expected a JSON object"), "{e}");
    }

    #[test]
    fn a_name_given_twice_in_a_json_body_is_refused_not_dropped() {
        let e = parse_body(
            "--json",
            r#"{"customer": {"orgDisplayName": "a", "orgDisplayName": "b"}}"#,
        )
        .unwrap_err();
        assert!(
            e.starts_with(
                "--json: duplicate name \"orgDisplayName\" in 'customer': a field, or one member of a oneof, may be set once"
            ),
            "{e}"
        );
        let e = parse_body("--json-file f", r#"{"a": [{}, {"b": 1, "b": 1}]}"#).unwrap_err();
        assert!(e.contains("duplicate name \"b\" in 'a[1]'"), "{e}");
        let e = parse_body("--json", r#"{"parent": "x", "parent": "x"}"#).unwrap_err();
        assert!(e.contains("in the request"), "{e}");

        // The same field under its two spellings.
        let schema = Schema::load().unwrap();
        let body = parse_body(
            "--json",
            r#"{"entitlement": {"purchase_order_id": "a", "purchaseOrderId": "b"}}"#,
        )
        .unwrap();
        let e = RequestBuilder::new(&schema, CREATE_ENTITLEMENT)
            .unwrap()
            .with_body("--json", body)
            .unwrap_err();
        assert!(
            e.starts_with("--json: duplicate name \"purchaseOrderId\" in 'entitlement'"),
            "{e}"
        );
    }

    #[test]
    fn json_bodies_keep_every_value_and_may_start_with_a_byte_order_mark() {
        let text = "\u{feff}{\"a\": [1, -2, 18446744073709551615, 1.5, \"s\", null, true, {}]}";
        assert_eq!(
            parse_body("--json", text).unwrap(),
            json!({"a": [1, -2, 18446744073709551615u64, 1.5, "s", null, true, {}]})
        );
        let e = parse_body("--json", "{} x").unwrap_err();
        assert!(
            e.starts_with("--json: not valid JSON: trailing characters"),
            "{e}"
        );
        let e = parse_body("--json", "{").unwrap_err();
        assert!(e.starts_with("--json: not valid JSON: EOF"), "{e}");
    }

    #[test]
    fn up_then_into_and_runs_of_dots() {
        let body = build(
            CREATE_ENTITLEMENT,
            &[
                ".entitlement.commitment_settings.renewal_settings.payment_cycle",
                "duration=12",
                "....trial-settings",
                "trial=true",
                "..association-info.base-entitlement=b",
                "..",
                "..request-id=r",
            ],
        )
        .unwrap();
        assert_eq!(
            body,
            json!({
                "entitlement": {
                    "commitmentSettings": {"renewalSettings": {"paymentCycle": {"duration": 12}}},
                    "trialSettings": {"trial": true},
                    "associationInfo": {"baseEntitlement": "b"},
                },
                "requestId": "r",
            })
        );
        let moves = cursor_moves("a..b...c").unwrap();
        assert_eq!(
            moves,
            [
                Move::Into("a"),
                Move::Up(1),
                Move::Into("b"),
                Move::Up(2),
                Move::Into("c")
            ]
        );
        assert_eq!(cursor_moves(".").unwrap(), [Move::Top]);
        assert_eq!(cursor_moves("a..").unwrap(), [Move::Into("a"), Move::Up(1)]);
    }

    #[test]
    fn a_singular_field_set_twice_is_refused_and_lists_append() {
        let e = build(CREATE_ENTITLEMENT, &[".entitlement", "offer=a", "offer=b"]).unwrap_err();
        assert_eq!(
            e,
            "-r 'offer=b': offer is already set to 'a'; it takes one value \
             (only repeated fields take several)"
        );
        // The same field of two elements of a list is two fields.
        let body = build(
            "google.cloud.channel.v1.TransferEntitlementsRequest",
            &[".entitlements", "offer=a", ".entitlements", "offer=b"],
        )
        .unwrap();
        assert_eq!(
            body,
            json!({"entitlements": [{"offer": "a"}, {"offer": "b"}]})
        );
        let body = build(
            CREATE_ENTITLEMENT,
            &[
                ".entitlement",
                "suspension-reasons=TRIAL_ENDED",
                "suspension-reasons=reseller-initiated",
            ],
        )
        .unwrap();
        assert_eq!(
            body,
            json!({"entitlement": {"suspensionReasons": ["TRIAL_ENDED", "RESELLER_INITIATED"]}})
        );
    }

    #[test]
    fn a_transfer_token_is_never_echoed_in_an_error() {
        let root = "google.cloud.channel.v1.ImportCustomerRequest";
        for items in [
            ["auth_token=FirstSecret", "auth-token=SecondSecret"],
            ["authToken=FirstSecret", ".auth_token=SecondSecret"],
        ] {
            let e = build(root, &items).unwrap_err();
            assert!(e.contains("=<redacted>': "), "{e}");
            assert!(e.contains("is already set to '<redacted>'"), "{e}");
            assert!(!e.contains("Secret"), "{e}");
        }
        // A path through the token (a mistake) still hides the value.
        let e = build(root, &["auth-token.x=ThirdSecret"]).unwrap_err();
        assert!(e.starts_with("-r 'auth-token.x=<redacted>': "), "{e}");
        assert!(!e.contains("Secret"), "{e}");
        // Other fields still show what was given, which helps.
        let e = build(root, &["domain=a.example", "domain=b.example"]).unwrap_err();
        assert!(e.contains("already set to 'a.example'"), "{e}");
    }

    #[test]
    fn maps_and_well_known_types() {
        let body = build(
            "google.rpc.ErrorInfo",
            &["metadata.a=1", ".metadata", "b=2"],
        )
        .unwrap();
        assert_eq!(body, json!({"metadata": {"a": "1", "b": "2"}}));
        let body = build(
            "google.cloud.channel.v1.UpdateCustomerRequest",
            &["update_mask=orgDisplayName, org_postal_address.region_code"],
        )
        .unwrap();
        assert_eq!(
            body,
            json!({"updateMask": "orgDisplayName,orgPostalAddress.regionCode"})
        );
        let body = build(
            "google.cloud.channel.v1.Value",
            &["double_value=1.5", "bool_value=TRUE"],
        )
        .unwrap();
        assert_eq!(body, json!({"doubleValue": 1.5, "boolValue": true}));
    }
}
