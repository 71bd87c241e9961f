//! `google.protobuf.Struct`, `Value` and `ListValue`: arbitrary JSON as a
//! message. Their proto3 JSON form is the JSON they hold, so they can travel
//! in an [`Any`](super::Any) as `{"@type": ..., "value": <the JSON>}`.

use std::collections::BTreeMap;

use prost::{Message, Name};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Serialize, Serializer};

/// A JSON object: member names to values.
#[derive(Clone, PartialEq, Message)]
pub struct Struct {
    /// The members.
    #[prost(btree_map = "string, message", tag = "1")]
    pub fields: BTreeMap<String, Value>,
}

/// A JSON value: null, a number, a string, a boolean, an object or a list.
#[derive(Clone, PartialEq, Message)]
pub struct Value {
    /// Which of them; unset reads as null.
    #[prost(oneof = "value::Kind", tags = "1, 2, 3, 4, 5, 6")]
    pub kind: Option<value::Kind>,
}

/// The kinds of [`Value`].
pub mod value {
    /// What a [`Value`](super::Value) holds.
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Kind {
        /// JSON `null` (the only [`NullValue`](super::NullValue) is 0).
        #[prost(enumeration = "super::NullValue", tag = "1")]
        NullValue(i32),
        /// A number; JSON has no NaN or infinities, so neither may this.
        #[prost(double, tag = "2")]
        NumberValue(f64),
        /// A string.
        #[prost(string, tag = "3")]
        StringValue(String),
        /// A boolean.
        #[prost(bool, tag = "4")]
        BoolValue(bool),
        /// An object.
        #[prost(message, tag = "5")]
        StructValue(super::Struct),
        /// A list.
        #[prost(message, tag = "6")]
        ListValue(super::ListValue),
    }
}

/// The single value of `google.protobuf.NullValue`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum NullValue {
    /// JSON `null`.
    NullValue = 0,
}

/// A JSON array.
#[derive(Clone, PartialEq, Message)]
pub struct ListValue {
    /// The elements.
    #[prost(message, repeated, tag = "1")]
    pub values: Vec<Value>,
}

impl Name for Struct {
    const NAME: &'static str = "Struct";
    const PACKAGE: &'static str = "google.protobuf";
}

impl Name for Value {
    const NAME: &'static str = "Value";
    const PACKAGE: &'static str = "google.protobuf";
}

impl Name for ListValue {
    const NAME: &'static str = "ListValue";
    const PACKAGE: &'static str = "google.protobuf";
}

impl Serialize for Struct {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.fields.len()))?;
        for (name, value) in &self.fields {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

impl Serialize for ListValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.values.len()))?;
        for value in &self.values {
            seq.serialize_element(value)?;
        }
        seq.end()
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use value::Kind;
        match &self.kind {
            None | Some(Kind::NullValue(_)) => serializer.serialize_unit(),
            Some(Kind::NumberValue(f)) if !f.is_finite() => Err(serde::ser::Error::custom(
                "a google.protobuf.Value cannot hold NaN or an infinity: JSON has no such number",
            )),
            Some(Kind::NumberValue(f)) => serializer.serialize_f64(*f),
            Some(Kind::StringValue(s)) => serializer.serialize_str(s),
            Some(Kind::BoolValue(b)) => serializer.serialize_bool(*b),
            Some(Kind::StructValue(s)) => s.serialize(serializer),
            Some(Kind::ListValue(l)) => l.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

impl<'de> Deserialize<'de> for Struct {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)?.kind {
            Some(value::Kind::StructValue(s)) => Ok(s),
            _ => Err(de::Error::custom(
                "a google.protobuf.Struct must be a JSON object",
            )),
        }
    }
}

impl<'de> Deserialize<'de> for ListValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)?.kind {
            Some(value::Kind::ListValue(l)) => Ok(l),
            _ => Err(de::Error::custom(
                "a google.protobuf.ListValue must be a JSON array",
            )),
        }
    }
}

struct ValueVisitor;

fn of(kind: value::Kind) -> Value {
    Value { kind: Some(kind) }
}

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(of(value::Kind::NullValue(0)))
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        Ok(of(value::Kind::BoolValue(b)))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Value, E> {
        Ok(of(value::Kind::NumberValue(n as f64)))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Value, E> {
        Ok(of(value::Kind::NumberValue(n as f64)))
    }

    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Value, E> {
        Ok(of(value::Kind::NumberValue(f)))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        Ok(of(value::Kind::StringValue(s.to_string())))
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<Value, E> {
        Ok(of(value::Kind::StringValue(s)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut values = Vec::new();
        while let Some(value) = seq.next_element::<Value>()? {
            values.push(value);
        }
        Ok(of(value::Kind::ListValue(ListValue { values })))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut fields = BTreeMap::new();
        while let Some((name, value)) = map.next_entry::<String, Value>()? {
            fields.insert(name, value);
        }
        Ok(of(value::Kind::StructValue(Struct { fields })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_json_reads_and_writes_back_the_same() {
        let text = r#"{"a":[1.5,"x",true,null,{"b":{}}],"c":-2.0}"#;
        let value: Value = serde_json::from_str(text).unwrap();
        let back = serde_json::to_value(&value).unwrap();
        assert_eq!(
            back,
            serde_json::from_str::<serde_json::Value>(text).unwrap()
        );
        let bytes = value.encode_to_vec();
        assert_eq!(Value::decode(bytes.as_slice()).unwrap(), value);
    }

    #[test]
    fn struct_and_list_refuse_the_other_kinds() {
        assert!(serde_json::from_str::<Struct>("[]").is_err());
        assert!(serde_json::from_str::<ListValue>("{}").is_err());
        assert!(serde_json::from_str::<Struct>(r#"{"k": 1}"#).is_ok());
    }

    #[test]
    fn a_value_holding_nan_has_no_json_form() {
        let nan = of(value::Kind::NumberValue(f64::NAN));
        assert!(serde_json::to_string(&nan).is_err());
    }
}
