//! The protobuf well-known types the schema uses.
//!
//! Each has its binary form (prost), its `prost::Name` (so it can be packed
//! in an [`Any`] and named in operation types), and its special proto3 JSON
//! form: [`Timestamp`] as `Z`-normalized RFC 3339, [`Duration`] as `"1.500s"`,
//! [`FieldMask`] as one comma-separated camelCase string, [`Empty`] as `{}`,
//! [`Struct`], [`Value`] and [`ListValue`] as the JSON they hold, the
//! wrappers ([`Int64Value`] and kin) as their scalar, and [`Any`] as the
//! packed message's JSON plus `"@type"`, which needs to know every message
//! type it can hold: this crate does.

pub mod any;
mod duration;
mod empty;
mod field_mask;
mod structs;
mod timestamp;
mod wrappers;

/// Writes the text `write` produces to `f`, with `f`'s width and precision
/// applied to the whole of it, as they are to any text; the text is built
/// apart first only when one of them is set.
fn pad_whole(
    f: &mut std::fmt::Formatter<'_>,
    write: impl Fn(&mut dyn std::fmt::Write) -> std::fmt::Result,
) -> std::fmt::Result {
    if f.width().is_none() && f.precision().is_none() {
        return write(f);
    }
    let mut text = String::new();
    write(&mut text)?;
    f.pad(&text)
}

pub use any::{Any, AnyError};
pub use duration::{Duration, DurationError};
pub use empty::Empty;
pub use field_mask::{FieldMask, FieldMaskError};
pub use structs::{ListValue, NullValue, Struct, Value, value};
pub use timestamp::{Timestamp, TimestampError, TimestampErrorKind};
pub use wrappers::{
    BoolValue, BytesValue, DoubleValue, FloatValue, Int32Value, Int64Value, StringValue,
    UInt32Value, UInt64Value,
};

/// An enum field's value on its way to or from JSON.
///
/// Written as the value's name when the enum knows it, otherwise as the
/// number (proto3 enums are open: a newer peer may send values this schema
/// lacks, and they must pass through). Read from a name, a number, or a
/// number in a string; a name the enum lacks is dropped or refused as the
/// read's [`JsonMode`](crate::json::JsonMode) says.
#[doc(hidden)]
pub struct OpenEnum<E> {
    value: i32,
    /// `false` when the value was an unknown name that lenient reading dropped.
    kept: bool,
    kind: std::marker::PhantomData<E>,
}

impl<E> OpenEnum<E> {
    /// Wraps a raw enum value.
    pub fn new(value: i32) -> Self {
        OpenEnum {
            value,
            kept: true,
            kind: std::marker::PhantomData,
        }
    }

    fn dropped() -> Self {
        OpenEnum {
            value: 0,
            kept: false,
            kind: std::marker::PhantomData,
        }
    }

    /// The raw enum value (the default, 0, for a dropped name).
    pub fn value(&self) -> i32 {
        self.value
    }

    /// The raw enum value, or `None` for a dropped name: what a repeated
    /// field or a oneof keeps.
    pub fn kept(&self) -> Option<i32> {
        self.kept.then_some(self.value)
    }
}

impl<E: TryFrom<i32> + serde::Serialize> serde::Serialize for OpenEnum<E> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if crate::json::enum_numbers() {
            return serializer.serialize_i32(self.value);
        }
        match E::try_from(self.value) {
            Ok(known) => known.serialize(serializer),
            Err(_) => serializer.serialize_i32(self.value),
        }
    }
}

impl<'de, E> serde::Deserialize<'de> for OpenEnum<E>
where
    E: serde::Deserialize<'de> + Into<i32> + crate::json::ProtoEnum,
{
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<E>(std::marker::PhantomData<E>);

        impl<E: crate::json::ProtoEnum> Visitor<E> {
            fn refuse<Err: serde::de::Error>(value: String) -> Err {
                crate::json::invalid_enum(E::FULL_NAME, value)
            }
        }

        impl<'de, E> serde::de::Visitor<'de> for Visitor<E>
        where
            E: serde::Deserialize<'de> + Into<i32> + crate::json::ProtoEnum,
        {
            type Value = OpenEnum<E>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an enum value name or a 32-bit number")
            }

            fn visit_str<Err: serde::de::Error>(self, name: &str) -> Result<Self::Value, Err> {
                let by_name = E::deserialize(serde::de::value::StrDeserializer::<Err>::new(name));
                if let Ok(known) = by_name {
                    return Ok(OpenEnum::new(known.into()));
                }
                if let Ok(number) = name.parse::<i32>() {
                    return Ok(OpenEnum::new(number));
                }
                crate::json::unknown_enum_name::<Err>(E::FULL_NAME, name)?;
                Ok(OpenEnum::dropped())
            }

            fn visit_i64<Err: serde::de::Error>(self, n: i64) -> Result<Self::Value, Err> {
                i32::try_from(n)
                    .map(OpenEnum::new)
                    .map_err(|_| Self::refuse(n.to_string()))
            }

            fn visit_u64<Err: serde::de::Error>(self, n: u64) -> Result<Self::Value, Err> {
                i32::try_from(n)
                    .map(OpenEnum::new)
                    .map_err(|_| Self::refuse(n.to_string()))
            }

            fn visit_f64<Err: serde::de::Error>(self, f: f64) -> Result<Self::Value, Err> {
                // An integral number written with a fraction or exponent
                // (`1.0`, `1e0`) is a number like any other, as for integers.
                let integral =
                    f.fract() == 0.0 && (f64::from(i32::MIN)..=f64::from(i32::MAX)).contains(&f);
                if integral {
                    return Ok(OpenEnum::new(f as i32));
                }
                Err(Self::refuse(f.to_string()))
            }

            fn visit_bool<Err: serde::de::Error>(self, b: bool) -> Result<Self::Value, Err> {
                Err(Self::refuse(b.to_string()))
            }

            fn visit_unit<Err: serde::de::Error>(self) -> Result<Self::Value, Err> {
                Ok(OpenEnum::new(0))
            }
        }

        deserializer.deserialize_any(Visitor(std::marker::PhantomData))
    }
}
