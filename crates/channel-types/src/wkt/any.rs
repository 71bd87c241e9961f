//! `google.protobuf.Any`: a message of any type, packed with its type URL.
//!
//! On the binary wire an `Any` is the type URL and the packed bytes. In proto3
//! JSON it is the packed message's own JSON object with an `"@type"` member
//! added, or, for a well-known type with a special JSON form (Timestamp,
//! Duration, FieldMask, Struct, Value, ListValue, the wrappers, Any),
//! `{"@type": ..., "value": <that form>}`. Turning
//! one form into the other needs the packed type's schema: every message of
//! this crate's schema and those well-known types are known; any other type
//! is a clear serialization error rather than a silent loss.
//!
//! ```
//! use channel_types::model::OperationMetadata;
//! use channel_types::model::operation_metadata::OperationType;
//! use channel_types::wkt::Any;
//!
//! let meta = OperationMetadata { operation_type: OperationType::CreateEntitlement as i32 };
//! let any = Any::from_msg(&meta).unwrap();
//! let json = serde_json::to_value(&any).unwrap();
//! assert_eq!(json["@type"], "type.googleapis.com/google.cloud.channel.v1.OperationMetadata");
//! assert_eq!(json["operationType"], "CREATE_ENTITLEMENT");
//! let back: Any = serde_json::from_value(json).unwrap();
//! assert_eq!(back.to_msg::<OperationMetadata>().unwrap(), meta);
//! ```

use std::fmt;

use prost::{Message, Name};
use serde::de::DeserializeOwned;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The prefix of the type URLs this crate writes.
pub const TYPE_URL_PREFIX: &str = "type.googleapis.com/";

/// A packed message and the URL naming its type.
#[derive(Clone, PartialEq, Eq, Hash, Message)]
pub struct Any {
    /// `type.googleapis.com/` followed by the packed message's full name.
    #[prost(string, tag = "1")]
    pub type_url: String,
    /// The packed message, binary encoded.
    #[prost(bytes = "vec", tag = "2")]
    pub value: Vec<u8>,
}

impl Name for Any {
    const NAME: &'static str = "Any";
    const PACKAGE: &'static str = "google.protobuf";
}

/// Why an `Any` could not be packed, unpacked or converted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnyError {
    /// The `Any` holds another type than the one asked for.
    TypeMismatch {
        /// The full name that was asked for.
        expected: String,
        /// The type URL the `Any` carries.
        found: String,
    },
    /// The type URL names a type this crate does not know.
    UnknownType(String),
    /// The packed bytes, or the JSON given, do not decode as the named type.
    Decode(String),
    /// The packed message decodes but has no JSON form (e.g. a timestamp
    /// out of range).
    Convert(String),
}

impl fmt::Display for AnyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnyError::TypeMismatch { expected, found } => {
                write!(f, "Any holds {found}, not {expected}")
            }
            AnyError::UnknownType(url) => write!(f, "Any holds an unknown type: {url:?}"),
            AnyError::Decode(e) => write!(f, "Any value does not decode: {e}"),
            AnyError::Convert(e) => write!(f, "Any value has no JSON form: {e}"),
        }
    }
}

impl std::error::Error for AnyError {}

impl Any {
    /// Packs a message.
    pub fn from_msg<M: Message + Name>(message: &M) -> Result<Self, AnyError> {
        Ok(Any {
            type_url: format!("{TYPE_URL_PREFIX}{}", M::full_name()),
            value: message.encode_to_vec(),
        })
    }

    /// Unpacks the message, checking that it is of type `M`.
    pub fn to_msg<M: Message + Name + Default>(&self) -> Result<M, AnyError> {
        if self.type_name() != M::full_name() {
            return Err(AnyError::TypeMismatch {
                expected: M::full_name(),
                found: self.type_url.clone(),
            });
        }
        M::decode(self.value.as_slice()).map_err(|e| AnyError::Decode(e.to_string()))
    }

    /// The full name of the packed type: the type URL after its last `/`.
    pub fn type_name(&self) -> &str {
        self.type_url.rsplit('/').next().unwrap_or_default()
    }

    /// The packed message as a proto3 JSON object, `"@type"` included.
    pub fn to_json(&self) -> Result<Value, AnyError> {
        let codec =
            lookup(self.type_name()).ok_or_else(|| AnyError::UnknownType(self.type_url.clone()))?;
        let inner = (codec.to_json)(&self.value).map_err(AnyError::Convert)?;
        let mut object = Map::new();
        object.insert("@type".into(), Value::String(self.type_url.clone()));
        match inner {
            Value::Object(fields) if !codec.wrapped => object.extend(fields),
            other => {
                object.insert("value".into(), other);
            }
        }
        Ok(Value::Object(object))
    }

    /// Reads a proto3 JSON object with an `"@type"` member.
    pub fn from_json(value: Value) -> Result<Self, AnyError> {
        let Value::Object(mut object) = value else {
            return Err(AnyError::Decode("an Any must be a JSON object".into()));
        };
        let Some(Value::String(type_url)) = object.remove("@type") else {
            return Err(AnyError::Decode(
                "an Any must have a string \"@type\"".into(),
            ));
        };
        if !type_url.contains('/') {
            return Err(AnyError::Decode(format!(
                "type URL without '/': {type_url:?}"
            )));
        }
        let name = type_url.rsplit('/').next().unwrap_or_default();
        let codec = lookup(name).ok_or_else(|| AnyError::UnknownType(type_url.clone()))?;
        // Empty has no special form, but some writers wrap it all the same;
        // a strict reader refuses that "value" as Google's parsers do.
        let wrapped = codec.wrapped
            || (name == "google.protobuf.Empty"
                && object.contains_key("value")
                && !crate::json::is_strict());
        let inner = if wrapped {
            object.remove("value").ok_or_else(|| {
                AnyError::Decode(format!("an Any of {name} must have a \"value\" member"))
            })?
        } else {
            Value::Object(object)
        };
        let value = (codec.from_json)(inner).map_err(AnyError::Decode)?;
        Ok(Any { type_url, value })
    }
}

impl Serialize for Any {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Value::Object(object) = self.to_json().map_err(serde::ser::Error::custom)? else {
            return Err(serde::ser::Error::custom("Any did not encode as an object"));
        };
        let mut map = serializer.serialize_map(Some(object.len()))?;
        // "@type" first: readers that stream an Any want the type up front.
        if let Some(t) = object.get("@type") {
            map.serialize_entry("@type", t)?;
        }
        for (k, v) in object.iter().filter(|(k, _)| *k != "@type") {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Any {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Any::from_json(value).map_err(|e| match e {
            // The packed message's own reader has said what is wrong, and where.
            AnyError::Decode(reason) => serde::de::Error::custom(reason),
            other => crate::json::any_problem(other.to_string()),
        })
    }
}

/// How to move one message type between its binary and JSON forms.
#[derive(Clone, Copy)]
#[doc(hidden)]
pub struct AnyCodec {
    to_json: fn(&[u8]) -> Result<Value, String>,
    from_json: fn(Value) -> Result<Vec<u8>, String>,
    /// The JSON form goes under `"value"` (well-known types with a special form).
    wrapped: bool,
}

/// The codec of a message type with the ordinary JSON object form.
#[doc(hidden)]
pub const fn codec<T>() -> AnyCodec
where
    T: Message + Default + Serialize + DeserializeOwned,
{
    AnyCodec {
        to_json: encode_json::<T>,
        from_json: decode_json::<T>,
        wrapped: false,
    }
}

const fn wrapped_codec<T>() -> AnyCodec
where
    T: Message + Default + Serialize + DeserializeOwned,
{
    AnyCodec {
        to_json: encode_json::<T>,
        from_json: decode_json::<T>,
        wrapped: true,
    }
}

fn encode_json<T: Message + Default + Serialize>(bytes: &[u8]) -> Result<Value, String> {
    let message = T::decode(bytes).map_err(|e| format!("binary decode: {e}"))?;
    serde_json::to_value(&message).map_err(|e| e.to_string())
}

fn decode_json<T: Message + DeserializeOwned>(value: Value) -> Result<Vec<u8>, String> {
    let message: T = crate::json::nested(value)?;
    Ok(message.encode_to_vec())
}

/// The well-known types an `Any` may hold, sorted by name: those with a
/// special JSON form go under `"value"`; `Empty` is an ordinary message.
static WELL_KNOWN: [(&str, AnyCodec); 17] = [
    ("google.protobuf.Any", wrapped_codec::<Any>()),
    (
        "google.protobuf.BoolValue",
        wrapped_codec::<super::BoolValue>(),
    ),
    (
        "google.protobuf.BytesValue",
        wrapped_codec::<super::BytesValue>(),
    ),
    (
        "google.protobuf.DoubleValue",
        wrapped_codec::<super::DoubleValue>(),
    ),
    (
        "google.protobuf.Duration",
        wrapped_codec::<super::Duration>(),
    ),
    ("google.protobuf.Empty", codec::<super::Empty>()),
    (
        "google.protobuf.FieldMask",
        wrapped_codec::<super::FieldMask>(),
    ),
    (
        "google.protobuf.FloatValue",
        wrapped_codec::<super::FloatValue>(),
    ),
    (
        "google.protobuf.Int32Value",
        wrapped_codec::<super::Int32Value>(),
    ),
    (
        "google.protobuf.Int64Value",
        wrapped_codec::<super::Int64Value>(),
    ),
    (
        "google.protobuf.ListValue",
        wrapped_codec::<super::ListValue>(),
    ),
    (
        "google.protobuf.StringValue",
        wrapped_codec::<super::StringValue>(),
    ),
    ("google.protobuf.Struct", wrapped_codec::<super::Struct>()),
    (
        "google.protobuf.Timestamp",
        wrapped_codec::<super::Timestamp>(),
    ),
    (
        "google.protobuf.UInt32Value",
        wrapped_codec::<super::UInt32Value>(),
    ),
    (
        "google.protobuf.UInt64Value",
        wrapped_codec::<super::UInt64Value>(),
    ),
    ("google.protobuf.Value", wrapped_codec::<super::Value>()),
];

fn lookup(full_name: &str) -> Option<AnyCodec> {
    let table: &[(&str, AnyCodec)] = if full_name.starts_with("google.protobuf.") {
        &WELL_KNOWN
    } else {
        &crate::generated::any_registry::MESSAGES
    };
    table
        .binary_search_by(|(name, _)| (*name).cmp(full_name))
        .ok()
        .map(|i| table[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rpc::ErrorInfo;

    #[test]
    fn registries_are_sorted_for_binary_search() {
        for table in [
            &WELL_KNOWN[..],
            &crate::generated::any_registry::MESSAGES[..],
        ] {
            assert!(table.windows(2).all(|w| w[0].0 < w[1].0));
        }
    }

    #[test]
    fn well_known_types_nest_under_value() {
        let t = super::super::Timestamp {
            seconds: 1_700_000_000,
            nanos: 0,
        };
        let json = serde_json::to_value(Any::from_msg(&t).unwrap()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "@type": "type.googleapis.com/google.protobuf.Timestamp",
                "value": "2023-11-14T22:13:20Z"
            })
        );
        let back: Any = serde_json::from_value(json).unwrap();
        assert_eq!(back.to_msg::<super::super::Timestamp>().unwrap(), t);
    }

    #[test]
    fn empty_reads_both_forms() {
        for json in [
            serde_json::json!({"@type": "type.googleapis.com/google.protobuf.Empty"}),
            serde_json::json!({"@type": "type.googleapis.com/google.protobuf.Empty", "value": {}}),
        ] {
            let any: Any = serde_json::from_value(json).unwrap();
            assert_eq!(any.type_name(), "google.protobuf.Empty");
            assert!(any.value.is_empty());
        }
    }

    #[test]
    fn unknown_and_malformed_types_are_errors() {
        let unknown = Any {
            type_url: "type.googleapis.com/x.Y".into(),
            ..Default::default()
        };
        assert!(
            serde_json::to_value(&unknown)
                .unwrap_err()
                .to_string()
                .contains("x.Y")
        );
        for bad in [
            serde_json::json!({"@type": "type.googleapis.com/x.Y"}),
            serde_json::json!({"reason": "R"}),
            serde_json::json!({"@type": "no-slash"}),
            serde_json::json!("string"),
        ] {
            assert!(serde_json::from_value::<Any>(bad).is_err());
        }
        let info = Any::from_msg(&ErrorInfo {
            reason: "R".into(),
            ..Default::default()
        })
        .unwrap();
        let err = info.to_msg::<crate::rpc::Status>().unwrap_err();
        assert!(matches!(err, AnyError::TypeMismatch { .. }));
    }
}
