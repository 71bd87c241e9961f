//! The message schema, read from the descriptor set compiled into
//! `channel-types` with `prost-reflect`: field names (proto and JSON),
//! types, oneofs and enums. The CLI uses it to type `-r key=value`
//! settings, to accept field names in any of their spellings, and to
//! describe requests in help.

use std::collections::HashMap;

use prost_reflect::{DescriptorPool, FieldDescriptor, Kind as ProtoKind, MessageDescriptor};

/// The type of a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `double` or `float`.
    Float,
    /// A 32-bit signed integer (`int32`, `sint32`, `sfixed32`).
    Int32,
    /// A 32-bit unsigned integer (`uint32`, `fixed32`).
    Uint32,
    /// A 64-bit signed integer: a string in JSON.
    Int64,
    /// A 64-bit unsigned integer: a string in JSON.
    Uint64,
    /// `bool`.
    Bool,
    /// `string`.
    String,
    /// `bytes`: base64 in JSON.
    Bytes,
    /// An enum, by full name.
    Enum(String),
    /// A message, by full name.
    Message(String),
}

impl Kind {
    fn of(kind: &ProtoKind) -> Kind {
        match kind {
            ProtoKind::Double | ProtoKind::Float => Kind::Float,
            ProtoKind::Int64 | ProtoKind::Sint64 | ProtoKind::Sfixed64 => Kind::Int64,
            ProtoKind::Uint64 | ProtoKind::Fixed64 => Kind::Uint64,
            ProtoKind::Int32 | ProtoKind::Sint32 | ProtoKind::Sfixed32 => Kind::Int32,
            ProtoKind::Uint32 | ProtoKind::Fixed32 => Kind::Uint32,
            ProtoKind::Bool => Kind::Bool,
            ProtoKind::String => Kind::String,
            ProtoKind::Bytes => Kind::Bytes,
            ProtoKind::Enum(e) => Kind::Enum(e.full_name().to_string()),
            ProtoKind::Message(m) => Kind::Message(m.full_name().to_string()),
        }
    }

    /// A short description for help and messages: `string`, `int64`,
    /// `enum ChangeType`, `Customer`.
    pub(crate) fn describe(&self) -> String {
        let short = |name: &str| name.rsplit('.').next().unwrap_or(name).to_string();
        match self {
            Kind::Float => "number".into(),
            Kind::Int32 => "int32".into(),
            Kind::Uint32 => "uint32".into(),
            Kind::Int64 => "int64".into(),
            Kind::Uint64 => "uint64".into(),
            Kind::Bool => "bool".into(),
            Kind::String => "string".into(),
            Kind::Bytes => "bytes (base64)".into(),
            Kind::Enum(name) => format!("enum {}", short(name)),
            Kind::Message(name) => match scalar_form(name) {
                Some(form) => form.into(),
                None => short(name),
            },
        }
    }
}

/// The JSON form of a well-known message type written as a scalar, if it
/// is one: a description for help.
pub(crate) fn scalar_form(message: &str) -> Option<&'static str> {
    Some(match message {
        "google.protobuf.Timestamp" => "timestamp (RFC 3339)",
        "google.protobuf.Duration" => "duration (e.g. 3.5s)",
        "google.protobuf.FieldMask" => "field mask (a,b.c)",
        "google.protobuf.Int32Value" => "int32",
        "google.protobuf.UInt32Value" => "uint32",
        "google.protobuf.Int64Value" => "int64",
        "google.protobuf.UInt64Value" => "uint64",
        "google.protobuf.DoubleValue" | "google.protobuf.FloatValue" => "number",
        "google.protobuf.BoolValue" => "bool",
        "google.protobuf.StringValue" => "string",
        "google.protobuf.BytesValue" => "bytes (base64)",
        "google.protobuf.Value" | "google.protobuf.Struct" | "google.protobuf.ListValue" => "JSON",
        "google.protobuf.Any" => "JSON with @type",
        "google.protobuf.Empty" => "{}",
        _ => return None,
    })
}

/// One field of a message.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    /// The proto name, `org_display_name`.
    pub(crate) name: String,
    /// The JSON name, `orgDisplayName`.
    pub(crate) json_name: String,
    /// The type; for a map, the type of its values.
    pub(crate) kind: Kind,
    /// Whether the field is repeated (and not a map).
    pub(crate) repeated: bool,
    /// For a map: the type of its keys.
    pub(crate) map_key: Option<Kind>,
    /// The oneof the field belongs to, if any (synthetic ones excluded).
    pub(crate) oneof: Option<usize>,
}

impl Field {
    /// The field's type for help: `string`, `repeated Parameter`,
    /// `map<string, string>`.
    pub(crate) fn describe(&self) -> String {
        match (&self.map_key, self.repeated) {
            (Some(key), _) => format!("map<{}, {}>", key.describe(), self.kind.describe()),
            (None, true) => format!("repeated {}", self.kind.describe()),
            (None, false) => self.kind.describe(),
        }
    }

    /// The full name of the field's message type, unless it is a
    /// well-known type with a scalar form.
    pub(crate) fn message_type(&self) -> Option<&str> {
        match &self.kind {
            Kind::Message(name) if scalar_form(name).is_none() => Some(name),
            _ => None,
        }
    }
}

/// A message type.
#[derive(Debug, Clone)]
pub(crate) struct MessageType {
    /// The full name, `google.cloud.channel.v1.Customer`.
    pub(crate) full_name: String,
    /// The fields, in declaration order.
    pub(crate) fields: Vec<Field>,
}

/// Squeezes a field name to compare spellings: `org_display_name`,
/// `orgDisplayName` and `org-display-name` all become `orgdisplayname`.
fn squeeze(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl MessageType {
    /// The short name, `Customer`.
    pub(crate) fn short_name(&self) -> &str {
        self.full_name.rsplit('.').next().unwrap_or(&self.full_name)
    }

    /// Finds a field by its proto name, JSON name or kebab-case name.
    pub(crate) fn field(&self, name: &str) -> Option<&Field> {
        self.fields
            .iter()
            .find(|f| f.name == name || f.json_name == name)
            .or_else(|| {
                let wanted = squeeze(name);
                self.fields.iter().find(|f| squeeze(&f.name) == wanted)
            })
    }

    /// The names of the fields, for error messages.
    pub(crate) fn field_names(&self) -> String {
        let names: Vec<&str> = self.fields.iter().map(|f| f.name.as_str()).collect();
        if names.is_empty() {
            "(none)".into()
        } else {
            names.join(", ")
        }
    }
}

/// An enum type.
#[derive(Debug, Clone)]
pub(crate) struct EnumType {
    /// The values: name and number.
    pub(crate) values: Vec<(String, i32)>,
}

pub(crate) use channel_types::json_name;

/// One field as the CLI sees it: a map is its value type, keyed.
fn field(f: &FieldDescriptor) -> Field {
    let (kind, map_key) = match f.kind() {
        ProtoKind::Message(entry) if f.is_map() => (
            Kind::of(&entry.map_entry_value_field().kind()),
            Some(Kind::of(&entry.map_entry_key_field().kind())),
        ),
        other => (Kind::of(&other), None),
    };
    Field {
        name: f.name().to_string(),
        json_name: f.json_name().to_string(),
        kind,
        repeated: f.is_list(),
        map_key,
        oneof: f
            .containing_oneof()
            .filter(|o| !o.is_synthetic())
            .and_then(|o| {
                f.parent_message()
                    .oneofs()
                    .position(|x| x.name() == o.name())
            }),
    }
}

/// Every message and enum of the schema, by full name.
#[derive(Debug, Default)]
pub(crate) struct Schema {
    messages: HashMap<String, MessageType>,
    enums: HashMap<String, EnumType>,
}

impl Schema {
    /// Reads the schema compiled into `channel-types`.
    pub(crate) fn load() -> Result<Schema, String> {
        Schema::decode(channel_types::FILE_DESCRIPTOR_SET)
    }

    fn decode(bytes: &[u8]) -> Result<Schema, String> {
        let pool = DescriptorPool::decode(bytes)
            .map_err(|e| format!("the compiled schema cannot be read: {e}"))?;
        let mut schema = Schema::default();
        for message in pool.all_messages() {
            schema.add_message(&message);
        }
        for e in pool.all_enums() {
            let values = e
                .values()
                .map(|v| (v.name().to_string(), v.number()))
                .collect();
            schema
                .enums
                .insert(e.full_name().to_string(), EnumType { values });
        }
        Ok(schema)
    }

    fn add_message(&mut self, message: &MessageDescriptor) {
        let fields = message.fields().map(|f| field(&f)).collect();
        let full_name = message.full_name().to_string();
        self.messages
            .insert(full_name.clone(), MessageType { full_name, fields });
    }

    /// A message by full name (`google.cloud.channel.v1.Customer`).
    pub(crate) fn message(&self, full_name: &str) -> Option<&MessageType> {
        self.messages.get(full_name)
    }

    /// An enum by full name.
    pub(crate) fn enumeration(&self, full_name: &str) -> Option<&EnumType> {
        self.enums.get(full_name)
    }

    /// The JSON spelling of a dotted path of proto field names, starting
    /// at message `root`: `customer.org_display_name` ->
    /// `customer.orgDisplayName`. Unknown parts are left as they are.
    pub(crate) fn json_path(&self, root: &str, path: &str) -> Vec<String> {
        let mut message = self.message(root);
        path.split('.')
            .map(|part| {
                let field = message.and_then(|m| m.field(part));
                message = field
                    .and_then(Field::message_type)
                    .and_then(|t| self.message(t));
                field.map_or_else(|| part.to_string(), |f| f.json_name.clone())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiled_schema_is_complete() {
        let schema = Schema::load().unwrap();
        for method in channel::methods::ALL {
            assert!(schema.message(method.input).is_some(), "{}", method.input);
            assert!(schema.message(method.output).is_some(), "{}", method.output);
        }
        let customer = schema.message("google.cloud.channel.v1.Customer").unwrap();
        let name = customer.field("orgDisplayName").unwrap();
        assert_eq!(
            (name.name.as_str(), name.json_name.as_str()),
            ("org_display_name", "orgDisplayName")
        );
        assert!(customer.field("org-display-name").is_some());
        assert_eq!(
            customer.field("create_time").unwrap().describe(),
            "timestamp (RFC 3339)"
        );
        assert!(customer.field("nope").is_none());
    }

    #[test]
    fn types_oneofs_and_maps() {
        let schema = Schema::load().unwrap();
        let entitlement = schema
            .message("google.cloud.channel.v1.Entitlement")
            .unwrap();
        let parameters = entitlement.field("parameters").unwrap();
        assert!(parameters.repeated);
        assert_eq!(
            parameters.message_type(),
            Some("google.cloud.channel.v1.Parameter")
        );
        let value = schema.message("google.cloud.channel.v1.Value").unwrap();
        let int = value.field("int64_value").unwrap();
        assert_eq!((int.kind.clone(), int.oneof), (Kind::Int64, Some(0)));
        let info = schema.message("google.rpc.ErrorInfo").unwrap();
        let metadata = info.field("metadata").unwrap();
        assert_eq!(metadata.describe(), "map<string, string>");
        assert!(!metadata.repeated);
        let state = schema
            .enumeration("google.cloud.channel.v1.Entitlement.ProvisioningState")
            .unwrap();
        assert!(state.values.iter().any(|(n, _)| n == "ACTIVE"));
        assert_eq!(
            schema.json_path(
                "google.cloud.channel.v1.UpdateCustomerRequest",
                "customer.org_display_name"
            ),
            ["customer", "orgDisplayName"]
        );
    }
}
