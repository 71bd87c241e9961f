//! The Rust half of the differential test of our proto3 JSON against the
//! reference implementation (Python's `json_format`), driven by
//! `tests/json/run.sh`.
//!
//! ```text
//! json_differential write <out.jsonl> <seed> <values per type>
//! json_differential read <in.jsonl> <out.jsonl>
//! ```
//!
//! `write` generates, for every message type of the schema, seeded random
//! values covering every field kind (enums with unknown numbers, 64-bit
//! extremes, NaN and the infinities, nested `Any` of messages and of every
//! well-known type, oneofs, maps, repeated fields), and writes each as one
//! line `{"type", "seed", "binary" (hex), "json" (ours)}`.
//!
//! `read` takes lines `{"type", "seed", "json"}` written by the reference,
//! reads each JSON strictly with our reader, and writes
//! `{"type", "seed", "binary"}` (or `"error"`) for the reference to compare.
//!
//! Every value comes from its own seed, printed with any failure, so one
//! value can be made again alone.

use std::io::{BufRead, BufWriter, Write};
use std::process::ExitCode;

use channel_types::json;
use channel_types::wkt::{self, Any};
use prost::Message as _;
use prost_reflect::{
    DescriptorPool, DynamicMessage, FieldDescriptor, Kind, MapKey, MessageDescriptor, Value,
};
use serde_json::json;

/// How deep messages nest in a generated value.
const MAX_DEPTH: usize = 4;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["write", out, seed, per_type] => match (seed.parse(), per_type.parse()) {
            (Ok(seed), Ok(per_type)) => write(out, seed, per_type),
            _ => Err("seed and count must be numbers".to_string()),
        },
        ["read", input, out] => read(input, out),
        _ => Err("usage: json_differential write <out> <seed> <count> | read <in> <out>".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("json_differential: {e}");
            ExitCode::FAILURE
        }
    }
}

fn pool() -> Result<DescriptorPool, String> {
    DescriptorPool::decode(channel_types::FILE_DESCRIPTOR_SET).map_err(|e| e.to_string())
}

/// The message types `Any` knows, as the generated registry does.
fn schema_types(pool: &DescriptorPool) -> Vec<MessageDescriptor> {
    const PACKAGES: [&str; 4] = [
        "google.cloud.channel.v1",
        "google.longrunning",
        "google.rpc",
        "google.type",
    ];
    let mut types: Vec<_> = pool
        .all_messages()
        .filter(|m| PACKAGES.contains(&m.package_name()) && !m.is_map_entry())
        .collect();
    types.sort_by(|a, b| a.full_name().cmp(b.full_name()));
    types
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One value's seed: the run's seed, the type and the index mixed, so that
/// adding a type does not change the values of the others.
fn value_seed(run: u64, type_name: &str, index: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ run;
    for b in type_name.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    (h ^ index).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

fn write(out: &str, seed: u64, per_type: u64) -> Result<(), String> {
    let pool = pool()?;
    let types = schema_types(&pool);
    let mut file = BufWriter::new(std::fs::File::create(out).map_err(|e| e.to_string())?);
    let mut count = 0;
    for message in &types {
        for i in 0..per_type {
            let seed = value_seed(seed, message.full_name(), i);
            let mut generator = Generator {
                rng: fastrand::Rng::with_seed(seed),
                types: &types,
            };
            let bytes = generator.message(message, 0).encode_to_vec();
            let any = Any {
                type_url: format!("type.googleapis.com/{}", message.full_name()),
                value: bytes.clone(),
            };
            let mut line = json!({"type": message.full_name(), "seed": seed.to_string(), "binary": hex(&bytes)});
            match any.to_json() {
                Ok(serde_json::Value::Object(mut members)) => {
                    members.remove("@type");
                    line["json"] =
                        serde_json::Value::String(serde_json::Value::Object(members).to_string());
                }
                Ok(other) => line["error"] = json!(format!("not an object: {other}")),
                Err(e) => line["error"] = json!(e.to_string()),
            }
            writeln!(file, "{line}").map_err(|e| e.to_string())?;
            count += 1;
        }
    }
    file.flush().map_err(|e| e.to_string())?;
    eprintln!(
        "json_differential: wrote {count} values of {} types (seed {seed})",
        types.len()
    );
    Ok(())
}

fn read(input: &str, out: &str) -> Result<(), String> {
    let input = std::fs::File::open(input).map_err(|e| format!("{input}: {e}"))?;
    let mut file = BufWriter::new(std::fs::File::create(out).map_err(|e| e.to_string())?);
    for line in std::io::BufReader::new(input).lines() {
        let line = line.map_err(|e| e.to_string())?;
        let record: serde_json::Value = serde_json::from_str(&line).map_err(|e| e.to_string())?;
        let type_name = record["type"].as_str().unwrap_or_default();
        let mut reply = json!({"type": type_name, "seed": record["seed"]});
        let text = record["json"].as_str().unwrap_or_default();
        // The text checked and parsed as the emulator reads a request, then
        // read as an `Any` (what `@type` dispatches on).
        let parsed = json::check_text(text.as_bytes())
            .and_then(|()| json::from_slice_strict::<serde_json::Value>(text.as_bytes()));
        let result = parsed.and_then(|mut value| {
            if let Some(members) = value.as_object_mut() {
                members.insert(
                    "@type".into(),
                    json!(format!("type.googleapis.com/{type_name}")),
                );
            }
            json::from_value_strict::<Any>(&value)
        });
        match result {
            Ok(any) => reply["binary"] = json!(hex(&any.value)),
            Err(e) => reply["error"] = json!(e.to_string()),
        }
        writeln!(file, "{reply}").map_err(|e| e.to_string())?;
    }
    file.flush().map_err(|e| e.to_string())
}

struct Generator<'a> {
    rng: fastrand::Rng,
    types: &'a [MessageDescriptor],
}

impl Generator<'_> {
    fn message(&mut self, descriptor: &MessageDescriptor, depth: usize) -> DynamicMessage {
        let mut message = DynamicMessage::new(descriptor.clone());
        if let Some(special) = self.well_known(descriptor.full_name()) {
            return DynamicMessage::decode(descriptor.clone(), special.as_slice())
                .unwrap_or(message);
        }
        // One member of each real oneof, or none.
        let mut chosen = Vec::new();
        for oneof in descriptor.oneofs().filter(|o| !o.is_synthetic()) {
            let members: Vec<_> = oneof.fields().collect();
            let pick = self.rng.usize(0..=members.len());
            if let Some(field) = members.get(pick) {
                chosen.push(field.number());
            }
        }
        for field in descriptor.fields() {
            match field.containing_oneof() {
                Some(o) if !o.is_synthetic() && !chosen.contains(&field.number()) => continue,
                Some(o) if o.is_synthetic() && self.rng.bool() => continue,
                None if self.rng.u8(0..4) == 0 => continue,
                _ => {}
            }
            if let Some(value) = self.field(&field, depth) {
                message.set_field(&field, value);
            }
        }
        message
    }

    fn field(&mut self, field: &FieldDescriptor, depth: usize) -> Option<Value> {
        if field.is_map() {
            let Kind::Message(entry) = field.kind() else {
                return None;
            };
            let value_field = entry.map_entry_value_field();
            let mut map = std::collections::HashMap::new();
            for _ in 0..self.rng.usize(0..4) {
                let key = MapKey::String(self.string());
                if let Some(v) = self.single(&value_field.kind(), depth) {
                    map.insert(key, v);
                }
            }
            return Some(Value::Map(map));
        }
        if field.is_list() {
            let count = if depth >= MAX_DEPTH {
                0
            } else {
                self.rng.usize(0..4)
            };
            let items = (0..count)
                .filter_map(|_| self.single(&field.kind(), depth))
                .collect();
            return Some(Value::List(items));
        }
        self.single(&field.kind(), depth)
    }

    fn single(&mut self, kind: &Kind, depth: usize) -> Option<Value> {
        Some(match kind {
            Kind::Double => Value::F64(self.double()),
            Kind::Float => Value::F32(self.double() as f32),
            Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => Value::I32(self.int32()),
            Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => Value::I64(self.int64()),
            Kind::Uint32 | Kind::Fixed32 => Value::U32(self.int32() as u32),
            Kind::Uint64 | Kind::Fixed64 => Value::U64(self.int64() as u64),
            Kind::Bool => Value::Bool(self.rng.bool()),
            Kind::String => Value::String(self.string()),
            Kind::Bytes => Value::Bytes(self.string().into_bytes().into()),
            Kind::Enum(e) => {
                let known: Vec<i32> = e.values().map(|v| v.number()).collect();
                // One in six is a number the schema does not know.
                if self.rng.u8(0..6) == 0 {
                    Value::EnumNumber(self.rng.i32(1000..100_000))
                } else {
                    Value::EnumNumber(known[self.rng.usize(0..known.len())])
                }
            }
            Kind::Message(m) => {
                if depth >= MAX_DEPTH {
                    return None;
                }
                Value::Message(self.message(m, depth + 1))
            }
        })
    }

    fn double(&mut self) -> f64 {
        match self.rng.u8(0..12) {
            0 => f64::NAN,
            1 => f64::INFINITY,
            2 => f64::NEG_INFINITY,
            3 => f64::MAX,
            4 => f64::MIN_POSITIVE,
            5 => 5e-324,
            6 => self.rng.i64(-1000..1000) as f64,
            7 => 1e21,
            _ => (self.rng.f64() - 0.5) * 10f64.powi(self.rng.i32(-20..20)),
        }
    }

    fn int32(&mut self) -> i32 {
        match self.rng.u8(0..5) {
            0 => i32::MIN,
            1 => i32::MAX,
            _ => self.rng.i32(-100_000..100_000),
        }
    }

    fn int64(&mut self) -> i64 {
        match self.rng.u8(0..6) {
            0 => i64::MIN,
            1 => i64::MAX,
            2 => (1 << 53) + 1,
            _ => self.rng.i64(-1_000_000_000_000..1_000_000_000_000),
        }
    }

    fn string(&mut self) -> String {
        const PIECES: &[&str] = &[
            "a",
            "Z",
            "0",
            " ",
            "\"",
            "\\",
            "/",
            "\n",
            "\t",
            "\u{1}",
            "é",
            "ß",
            "€",
            "日本",
            "\u{2028}",
            "😀",
            "<>&'",
            "_",
            "accounts/A/customers/C",
        ];
        (0..self.rng.usize(0..6))
            .map(|_| PIECES[self.rng.usize(0..PIECES.len())])
            .collect()
    }

    /// A well-known type's value, binary encoded, drawn within the range
    /// its JSON form can say; `None` for other types.
    fn well_known(&mut self, name: &str) -> Option<Vec<u8>> {
        Some(match name {
            "google.protobuf.Timestamp" => wkt::Timestamp {
                seconds: self.rng.i64(-62_135_596_800..=253_402_300_799),
                nanos: self.nanos(),
            }
            .encode_to_vec(),
            "google.protobuf.Duration" => {
                let seconds = self.rng.i64(-315_576_000_000..=315_576_000_000);
                let nanos = self.nanos();
                let nanos = match seconds {
                    s if s < 0 => -nanos,
                    0 if self.rng.bool() => -nanos,
                    _ => nanos,
                };
                wkt::Duration { seconds, nanos }.encode_to_vec()
            }
            "google.protobuf.FieldMask" => wkt::FieldMask {
                paths: (0..self.rng.usize(0..3)).map(|_| self.path()).collect(),
            }
            .encode_to_vec(),
            "google.protobuf.Empty" => Vec::new(),
            "google.protobuf.Any" => self.any().encode_to_vec(),
            _ => return None,
        })
    }

    fn nanos(&mut self) -> i32 {
        match self.rng.u8(0..4) {
            0 => 0,
            1 => self.rng.i32(0..1000) * 1_000_000,
            2 => self.rng.i32(0..1_000_000) * 1000,
            _ => self.rng.i32(0..1_000_000_000),
        }
    }

    /// A field path whose camelCase form maps back to it.
    fn path(&mut self) -> String {
        const WORDS: &[&str] = &["name", "org", "display", "a", "b2"];
        let segment = |rng: &mut fastrand::Rng| -> String {
            (0..rng.usize(1..3))
                .map(|_| WORDS[rng.usize(0..WORDS.len())])
                .collect::<Vec<_>>()
                .join("_")
        };
        (0..self.rng.usize(1..3))
            .map(|_| segment(&mut self.rng))
            .collect::<Vec<_>>()
            .join(".")
    }

    /// An `Any` of one of our messages or of a well-known type.
    fn any(&mut self) -> Any {
        let (name, value) = match self.rng.u8(0..16) {
            0 => wrapped(wkt::DoubleValue {
                value: self.double(),
            }),
            1 => wrapped(wkt::FloatValue {
                value: self.double() as f32,
            }),
            2 => wrapped(wkt::Int64Value {
                value: self.int64(),
            }),
            3 => wrapped(wkt::UInt64Value {
                value: self.int64() as u64,
            }),
            4 => wrapped(wkt::Int32Value {
                value: self.int32(),
            }),
            5 => wrapped(wkt::UInt32Value {
                value: self.int32() as u32,
            }),
            6 => wrapped(wkt::BoolValue {
                value: self.rng.bool(),
            }),
            7 => wrapped(wkt::StringValue {
                value: self.string(),
            }),
            8 => wrapped(wkt::BytesValue {
                value: self.string().into_bytes(),
            }),
            9 => wrapped(self.json_value(0)),
            10 => wrapped(wkt::Struct {
                fields: self.json_members(0),
            }),
            11 => wrapped(wkt::ListValue {
                values: (0..self.rng.usize(0..3))
                    .map(|_| self.json_value(1))
                    .collect(),
            }),
            12 => {
                let name = ["Timestamp", "Duration", "FieldMask", "Empty"][self.rng.usize(0..4)];
                let name = format!("google.protobuf.{name}");
                let bytes = self.well_known(&name).unwrap_or_default();
                (name, bytes)
            }
            _ => {
                let types = self.types;
                let message = &types[self.rng.usize(0..types.len())];
                // Shallow, so that values stay small.
                let bytes = self.message(message, MAX_DEPTH - 1).encode_to_vec();
                (message.full_name().to_string(), bytes)
            }
        };
        Any {
            type_url: format!("type.googleapis.com/{name}"),
            value,
        }
    }

    fn json_members(&mut self, depth: usize) -> std::collections::BTreeMap<String, wkt::Value> {
        (0..self.rng.usize(0..3))
            .map(|_| (self.string(), self.json_value(depth + 1)))
            .collect()
    }

    /// A `google.protobuf.Value` (never unset and never a non-finite
    /// number: JSON cannot say either).
    fn json_value(&mut self, depth: usize) -> wkt::Value {
        use channel_types::wkt::value::Kind;
        let kind = match self.rng.u8(0..if depth < 2 { 6 } else { 4 }) {
            0 => Kind::NullValue(0),
            1 => Kind::NumberValue(match self.double() {
                f if f.is_finite() => f,
                _ => 0.5,
            }),
            2 => Kind::StringValue(self.string()),
            3 => Kind::BoolValue(self.rng.bool()),
            4 => Kind::StructValue(wkt::Struct {
                fields: self.json_members(depth),
            }),
            _ => Kind::ListValue(wkt::ListValue {
                values: (0..self.rng.usize(0..3))
                    .map(|_| self.json_value(depth + 1))
                    .collect(),
            }),
        };
        wkt::Value { kind: Some(kind) }
    }
}

fn wrapped<M: prost::Message + prost::Name>(message: M) -> (String, Vec<u8>) {
    (M::full_name(), message.encode_to_vec())
}
