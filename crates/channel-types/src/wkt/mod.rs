//! The protobuf well-known types the schema uses.
//!
//! Each has its binary form (prost), its `prost::Name` (so it can be packed
//! in an [`Any`] and named in operation types), and its special proto3 JSON
//! form: [`Timestamp`] as `Z`-normalized RFC 3339, [`Duration`] as `"1.500s"`,
//! [`FieldMask`] as one comma-separated camelCase string, [`Empty`] as `{}`,
//! and [`Any`] as the packed message's JSON plus `"@type"`, which needs to
//! know every message type it can hold: this crate does.

pub mod any;
mod duration;
mod empty;
mod field_mask;
mod timestamp;

pub use any::{Any, AnyError};
pub use duration::{Duration, DurationError};
pub use empty::Empty;
pub use field_mask::{FieldMask, FieldMaskError};
pub use timestamp::{Timestamp, TimestampError, TimestampErrorKind};

/// Writes an enum field's JSON form: the value's name when the enum knows
/// it, otherwise the number (proto3 enums are open, so a newer peer may send
/// values this schema lacks; they must pass through, not fail the message).
#[doc(hidden)]
pub struct OpenEnum<E> {
    value: i32,
    kind: std::marker::PhantomData<E>,
}

impl<E> OpenEnum<E> {
    /// Wraps a raw enum value.
    pub fn new(value: i32) -> Self {
        OpenEnum {
            value,
            kind: std::marker::PhantomData,
        }
    }
}

impl<E: TryFrom<i32> + serde::Serialize> serde::Serialize for OpenEnum<E> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match E::try_from(self.value) {
            Ok(known) => known.serialize(serializer),
            Err(_) => serializer.serialize_i32(self.value),
        }
    }
}

impl<E> OpenEnum<E> {
    /// The raw enum value.
    pub fn value(&self) -> i32 {
        self.value
    }
}

impl<'de, E> serde::Deserialize<'de> for OpenEnum<E>
where
    E: serde::Deserialize<'de> + Into<i32>,
{
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<E>(std::marker::PhantomData<E>);

        impl<'de, E: serde::Deserialize<'de> + Into<i32>> serde::de::Visitor<'de> for Visitor<E> {
            type Value = OpenEnum<E>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an enum value name or a 32-bit number")
            }

            fn visit_str<Err: serde::de::Error>(self, name: &str) -> Result<Self::Value, Err> {
                let known = E::deserialize(serde::de::value::StrDeserializer::<Err>::new(name))?;
                Ok(OpenEnum::new(known.into()))
            }

            fn visit_i64<Err: serde::de::Error>(self, n: i64) -> Result<Self::Value, Err> {
                i32::try_from(n)
                    .map(OpenEnum::new)
                    .map_err(|_| Err::invalid_value(serde::de::Unexpected::Signed(n), &self))
            }

            fn visit_u64<Err: serde::de::Error>(self, n: u64) -> Result<Self::Value, Err> {
                i32::try_from(n)
                    .map(OpenEnum::new)
                    .map_err(|_| Err::invalid_value(serde::de::Unexpected::Unsigned(n), &self))
            }

            fn visit_unit<Err: serde::de::Error>(self) -> Result<Self::Value, Err> {
                Ok(OpenEnum::new(0))
            }
        }

        deserializer.deserialize_any(Visitor(std::marker::PhantomData))
    }
}
