//! Schema-aware inputs: proto3 JSON and binary wire bytes for any message
//! of the API, shaped by its descriptor and filled from fuzz input.
//!
//! Random bytes rarely get past a decoder's first check; inputs that follow
//! the schema, with a wrong kind or odd value here and there, reach the
//! checks deep inside (names, timestamps, enums, nested `Any`s).
#![allow(dead_code)]

use std::sync::OnceLock;

use arbitrary::{Result, Unstructured};
use channel_types::wkt::Any;
use prost_reflect::{DescriptorPool, FieldDescriptor, Kind, MessageDescriptor};
use serde_json::{Map, Value};

/// How deep generated messages nest before fields of message type stay empty.
const MAX_DEPTH: usize = 4;

/// The whole schema, from the descriptor set the types crate embeds.
pub(crate) fn pool() -> &'static DescriptorPool {
    static POOL: OnceLock<DescriptorPool> = OnceLock::new();
    POOL.get_or_init(|| {
        DescriptorPool::decode(channel_types::FILE_DESCRIPTOR_SET)
            .expect("the embedded descriptor set decodes")
    })
}

/// Every message type an [`Any`] can carry, that is every type with a JSON
/// codec in the types crate, sorted by name.
pub(crate) fn message_types() -> &'static [MessageDescriptor] {
    static TYPES: OnceLock<Vec<MessageDescriptor>> = OnceLock::new();
    TYPES.get_or_init(|| {
        let mut types: Vec<MessageDescriptor> = pool()
            .all_messages()
            .filter(|m| {
                // An empty Any has no JSON form, yet Any is a type like the others.
                !m.is_map_entry()
                    && (m.full_name() == "google.protobuf.Any"
                        || any_of(m.full_name(), Vec::new()).to_json().is_ok())
            })
            .collect();
        types.sort_by(|a, b| a.full_name().cmp(b.full_name()));
        types
    })
}

/// An `Any` holding `bytes` as the message `full_name`.
pub(crate) fn any_of(full_name: &str, bytes: Vec<u8>) -> Any {
    Any {
        type_url: format!("type.googleapis.com/{full_name}"),
        value: bytes,
    }
}

/// Text that stresses parsers: separators, dot segments, percent escapes,
/// multi-byte and control characters, huge numbers.
const ODD_TEXT: &[&str] = &[
    "",
    ".",
    "..",
    "/",
    "%2F",
    "%2e%2e",
    "%",
    "%zz",
    "\u{20ac}",
    "\u{e9}",
    "\u{1f600}",
    "\u{0}",
    "\n",
    " ",
    "a b",
    "?",
    "#",
    "*",
    "**",
    ":",
    "{x}",
    "18446744073709551615",
    "-9223372036854775808",
    "NaN",
    "null",
];

/// Timestamp texts, good and bad, for the fields of that type.
const TIMESTAMPS: &[&str] = &[
    "2026-03-01T09:30:00Z",
    "2026-03-01T09:30:00.250Z",
    "2026-03-01T10:30:00+01:00",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999999999Z",
    "2026-03-01T09:30:0\u{20ac}Z",
    "2026-02-30T00:00:00Z",
    "0000-12-31T23:59:59Z",
    "10000-01-01T00:00:00Z",
];

/// Duration texts, good and bad.
const DURATIONS: &[&str] = &[
    "0s",
    "1.5s",
    "-0.000001s",
    "315576000000s",
    "315576000001s",
    "18446744073709551615s",
    "1\u{20ac}s",
    "1.s",
];

/// Field mask texts, good and bad.
const FIELD_MASKS: &[&str] = &[
    "orgDisplayName",
    "orgDisplayName,primaryContactInfo.email",
    "",
    "org_display_name",
    ",,",
    "a\u{20ac}B",
];

fn pick<'a>(u: &mut Unstructured<'_>, list: &[&'a str]) -> Result<&'a str> {
    Ok(list[u.choose_index(list.len())?])
}

/// A string: often an odd one, sometimes a mix of odd and arbitrary text.
pub(crate) fn text(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(match u.int_in_range(0u8..=3)? {
        0 => pick(u, ODD_TEXT)?.to_owned(),
        1 => format!("{}{}{}", chars(u, 8)?, pick(u, ODD_TEXT)?, chars(u, 8)?),
        _ => chars(u, 40)?,
    })
}

/// Up to `max` arbitrary characters.
fn chars(u: &mut Unstructured<'_>, max: usize) -> Result<String> {
    let len = u.int_in_range(0..=max)?;
    let mut out = String::new();
    for _ in 0..len {
        out.push(u.arbitrary::<char>()?);
    }
    Ok(out)
}

/// A resource-name-like value: the pattern's collection words with values
/// that are plain, odd, or arbitrary.
pub(crate) fn name_like(u: &mut Unstructured<'_>, pattern: &str) -> Result<String> {
    let mut out = Vec::new();
    for segment in pattern.split('/') {
        let value = match segment {
            "*" | "**" => match u.int_in_range(0u8..=3)? {
                0 | 1 => format!("x{}", u.int_in_range(0u16..=999)?),
                2 => "C0emulator".to_owned(),
                _ => text(u)?,
            },
            literal => literal.to_owned(),
        };
        out.push(value);
    }
    Ok(out.join("/"))
}

/// A proto3 JSON value for a message of type `message`: each field present
/// or not, of its own kind or, now and then, of another.
pub(crate) fn json_message(
    u: &mut Unstructured<'_>,
    message: &MessageDescriptor,
    depth: usize,
) -> Result<Value> {
    if let Some(special) = well_known_json(u, message, depth)? {
        return Ok(special);
    }
    let mut object = Map::new();
    if depth >= MAX_DEPTH {
        return Ok(Value::Object(object));
    }
    for field in message.fields() {
        if !u.ratio(1u8, 2)? {
            continue;
        }
        let key = if u.ratio(1u8, 8)? {
            field.name().to_owned()
        } else {
            field.json_name().to_owned()
        };
        let value = if u.ratio(1u8, 24)? {
            odd_json(u)?
        } else {
            json_field(u, &field, depth)?
        };
        object.insert(key, value);
    }
    if u.ratio(1u8, 24)? {
        object.insert(text(u)?, odd_json(u)?);
    }
    Ok(Value::Object(object))
}

fn json_field(u: &mut Unstructured<'_>, field: &FieldDescriptor, depth: usize) -> Result<Value> {
    if field.is_map() {
        let Kind::Message(entry) = field.kind() else {
            return Ok(Value::Null);
        };
        let mut object = Map::new();
        for _ in 0..u.int_in_range(0u8..=2)? {
            let key = json_single(u, &entry.map_entry_key_field().kind(), depth)?;
            let key = match key {
                Value::String(s) => s,
                other => other.to_string(),
            };
            object.insert(
                key,
                json_single(u, &entry.map_entry_value_field().kind(), depth)?,
            );
        }
        return Ok(Value::Object(object));
    }
    if field.is_list() {
        let mut items = Vec::new();
        for _ in 0..u.int_in_range(0u8..=3)? {
            items.push(json_single(u, &field.kind(), depth)?);
        }
        return Ok(Value::Array(items));
    }
    json_single(u, &field.kind(), depth)
}

fn json_single(u: &mut Unstructured<'_>, kind: &Kind, depth: usize) -> Result<Value> {
    Ok(match kind {
        Kind::Double | Kind::Float => match u.int_in_range(0u8..=4)? {
            0 => Value::String(pick(u, &["NaN", "Infinity", "-Infinity", "1e400", "x"])?.into()),
            1 => Value::String(u.arbitrary::<f32>()?.to_string()),
            _ => serde_json::Number::from_f64(u.arbitrary::<f64>()?)
                .map_or(Value::Null, Value::Number),
        },
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 | Kind::Uint32 | Kind::Fixed32 => {
            match u.int_in_range(0u8..=4)? {
                0 => Value::from(u.arbitrary::<i64>()?),
                1 => Value::String(u.arbitrary::<i32>()?.to_string()),
                2 => Value::from(u.arbitrary::<f64>()?.trunc()),
                _ => Value::from(u.int_in_range(-3i32..=100)?),
            }
        }
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 | Kind::Uint64 | Kind::Fixed64 => {
            match u.int_in_range(0u8..=3)? {
                0 => Value::from(u.arbitrary::<i64>()?),
                1 => Value::String(u.arbitrary::<u64>()?.to_string()),
                2 => Value::String(text(u)?),
                _ => Value::String(u.arbitrary::<i64>()?.to_string()),
            }
        }
        Kind::Bool => match u.int_in_range(0u8..=5)? {
            0 => Value::String("true".into()),
            _ => Value::Bool(u.arbitrary()?),
        },
        Kind::String => Value::String(text(u)?),
        Kind::Bytes => {
            Value::String(pick(u, &["", "AAEC", "AAE=", "_-8", "not base64", "A"])?.into())
        }
        Kind::Enum(e) => {
            let names: Vec<String> = e.values().map(|v| v.name().to_owned()).collect();
            match u.int_in_range(0u8..=5)? {
                0 => Value::from(u.arbitrary::<i64>()?),
                1 => Value::String(text(u)?),
                _ if names.is_empty() => Value::from(0),
                _ => Value::String(names[u.choose_index(names.len())?].clone()),
            }
        }
        Kind::Message(m) => json_message(u, m, depth + 1)?,
    })
}

/// The special JSON forms of the well-known types; `None` for others.
fn well_known_json(
    u: &mut Unstructured<'_>,
    message: &MessageDescriptor,
    depth: usize,
) -> Result<Option<Value>> {
    let odd = u.ratio(1u8, 8)?;
    let value = match message.full_name() {
        "google.protobuf.Timestamp" if odd => Value::String(text(u)?),
        "google.protobuf.Timestamp" => Value::String(pick(u, TIMESTAMPS)?.into()),
        "google.protobuf.Duration" if odd => Value::String(text(u)?),
        "google.protobuf.Duration" => Value::String(pick(u, DURATIONS)?.into()),
        "google.protobuf.FieldMask" if odd => Value::String(text(u)?),
        "google.protobuf.FieldMask" => Value::String(pick(u, FIELD_MASKS)?.into()),
        "google.protobuf.Empty" => Value::Object(Map::new()),
        "google.protobuf.Any" => {
            let types = message_types();
            let inner = &types[u.choose_index(types.len())?];
            let mut json = if depth >= MAX_DEPTH {
                Value::Object(Map::new())
            } else {
                json_message(u, inner, depth + 1)?
            };
            let type_url = if odd {
                text(u)?
            } else {
                format!("type.googleapis.com/{}", inner.full_name())
            };
            match &mut json {
                Value::Object(object) => {
                    object.insert("@type".into(), Value::String(type_url));
                    json
                }
                special => serde_json::json!({ "@type": type_url, "value": special }),
            }
        }
        _ => return Ok(None),
    };
    Ok(Some(value))
}

/// A JSON value of any shape.
pub(crate) fn odd_json(u: &mut Unstructured<'_>) -> Result<Value> {
    Ok(match u.int_in_range(0u8..=6)? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => Value::from(u.arbitrary::<i64>()?),
        3 => serde_json::Number::from_f64(u.arbitrary()?).map_or(Value::Null, Value::Number),
        4 => Value::Array(vec![Value::String(text(u)?)]),
        5 => serde_json::json!({ text(u)?: text(u)? }),
        _ => Value::String(text(u)?),
    })
}

/// Binary wire bytes for a message of type `message`: fields with their
/// tags and wire types, values from the input, and now and then a wrong
/// wire type, a bad length or bytes that are not UTF-8.
pub(crate) fn wire_message(
    u: &mut Unstructured<'_>,
    message: &MessageDescriptor,
    depth: usize,
) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    if message.full_name() == "google.protobuf.Any" {
        let types = message_types();
        let inner = &types[u.choose_index(types.len())?];
        let url = format!("type.googleapis.com/{}", inner.full_name());
        put_len(&mut out, 1, url.as_bytes());
        if depth < MAX_DEPTH {
            let value = wire_message(u, inner, depth + 1)?;
            put_len(&mut out, 2, &value);
        }
        return Ok(out);
    }
    for field in message.fields() {
        if !u.ratio(1u8, 2)? {
            continue;
        }
        let count = if field.is_list() || field.is_map() {
            u.int_in_range(1u8..=3)?
        } else {
            1
        };
        for _ in 0..count {
            wire_field(u, &mut out, &field, depth)?;
        }
    }
    if u.ratio(1u8, 16)? {
        // A field the schema does not have, or garbage at the end.
        let junk: Vec<u8> = u.arbitrary()?;
        out.extend(junk.into_iter().take(16));
    }
    Ok(out)
}

fn wire_field(
    u: &mut Unstructured<'_>,
    out: &mut Vec<u8>,
    field: &FieldDescriptor,
    depth: usize,
) -> Result<()> {
    let number = field.number();
    if u.ratio(1u8, 32)? {
        // The wrong wire type for the field.
        put_key(out, number, u.int_in_range(0u8..=5)?);
        let junk: [u8; 4] = u.arbitrary()?;
        out.extend_from_slice(&junk);
        return Ok(());
    }
    match field.kind() {
        Kind::Double | Kind::Fixed64 | Kind::Sfixed64 => {
            put_key(out, number, 1);
            out.extend_from_slice(&u.arbitrary::<[u8; 8]>()?);
        }
        Kind::Float | Kind::Fixed32 | Kind::Sfixed32 => {
            put_key(out, number, 5);
            out.extend_from_slice(&u.arbitrary::<[u8; 4]>()?);
        }
        Kind::Int32
        | Kind::Int64
        | Kind::Uint32
        | Kind::Uint64
        | Kind::Sint32
        | Kind::Sint64
        | Kind::Bool => {
            put_key(out, number, 0);
            put_varint(out, u.arbitrary()?);
        }
        Kind::Enum(e) => {
            put_key(out, number, 0);
            let numbers: Vec<i32> = e.values().map(|v| v.number()).collect();
            let value = if numbers.is_empty() || u.ratio(1u8, 4)? {
                u.arbitrary::<i32>()?
            } else {
                numbers[u.choose_index(numbers.len())?]
            };
            put_varint(out, value as i64 as u64);
        }
        Kind::String => {
            let bytes = if u.ratio(1u8, 16)? {
                vec![0xff, 0xfe, b'a']
            } else {
                text(u)?.into_bytes()
            };
            put_len(out, number, &bytes);
        }
        Kind::Bytes => {
            let bytes: Vec<u8> = u.arbitrary()?;
            put_len(out, number, &bytes);
        }
        Kind::Message(m) => {
            let inner = if depth >= MAX_DEPTH {
                Vec::new()
            } else if m.full_name() == "google.protobuf.Timestamp" && !u.ratio(1u8, 4)? {
                // Mostly in range, so the JSON side has something to print.
                let mut t = Vec::new();
                put_key(&mut t, 1, 0);
                put_varint(
                    &mut t,
                    u.int_in_range(-62_135_596_800i64..=253_402_300_799)? as u64,
                );
                t
            } else {
                wire_message(u, &m, depth + 1)?
            };
            if u.ratio(1u8, 32)? {
                // A length that runs past the end.
                put_key(out, number, 2);
                put_varint(out, inner.len() as u64 + 7);
                out.extend_from_slice(&inner);
            } else {
                put_len(out, number, &inner);
            }
        }
    }
    Ok(())
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_key(out: &mut Vec<u8>, number: u32, wire_type: u8) {
    put_varint(out, (u64::from(number) << 3) | u64::from(wire_type));
}

fn put_len(out: &mut Vec<u8>, number: u32, bytes: &[u8]) {
    put_key(out, number, 2);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}
