//! The wrapper types (`google.protobuf.Int64Value` and its kin): one scalar
//! in a message. Their proto3 JSON form is the scalar's own form (`"12"` for
//! an `Int64Value`, base64 for `BytesValue`), so in an [`Any`](super::Any)
//! they sit under `"value"`.

use pbjson::private::base64::Engine as _;
use pbjson::private::base64::engine::general_purpose::{STANDARD, URL_SAFE};
use prost::{Message, Name};
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

use crate::json::{Double, Number};

macro_rules! wrapper {
    ($(#[$doc:meta])* $name:ident, $t:ty, $kind:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Message)]
        pub struct $name {
            /// The wrapped value.
            #[prost($kind, tag = "1")]
            pub value: $t,
        }

        impl Name for $name {
            const NAME: &'static str = stringify!($name);
            const PACKAGE: &'static str = "google.protobuf";
        }
    };
}

wrapper!(
    /// A `double` in a message.
    DoubleValue, f64, double
);
wrapper!(
    /// A `float` in a message.
    FloatValue, f32, float
);
wrapper!(
    /// An `int64` in a message; a string in JSON.
    Int64Value, i64, int64
);
wrapper!(
    /// A `uint64` in a message; a string in JSON.
    UInt64Value, u64, uint64
);
wrapper!(
    /// An `int32` in a message.
    Int32Value, i32, int32
);
wrapper!(
    /// A `uint32` in a message.
    UInt32Value, u32, uint32
);
wrapper!(
    /// A `bool` in a message.
    BoolValue, bool, bool
);
wrapper!(
    /// A `string` in a message.
    StringValue, String, string
);

/// `bytes` in a message; base64 in JSON.
#[derive(Clone, PartialEq, Message)]
pub struct BytesValue {
    /// The wrapped value.
    #[prost(bytes = "vec", tag = "1")]
    pub value: Vec<u8>,
}

impl Name for BytesValue {
    const NAME: &'static str = "BytesValue";
    const PACKAGE: &'static str = "google.protobuf";
}

/// Numbers read as any numeric field does.
macro_rules! numeric_json {
    ($name:ident, $t:ty, |$v:ident, $s:ident| $write:expr) => {
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, $s: S) -> Result<S::Ok, S::Error> {
                let $v = self.value;
                $write
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                Number::<$t>::deserialize(deserializer).map(|n| $name { value: n.0 })
            }
        }
    };
}

numeric_json!(DoubleValue, f64, |v, s| Double(v).serialize(s));
numeric_json!(FloatValue, f32, |v, s| if v.is_finite() {
    s.serialize_f32(v)
} else {
    Double(f64::from(v)).serialize(s)
});
numeric_json!(Int64Value, i64, |v, s| s.serialize_str(&v.to_string()));
numeric_json!(UInt64Value, u64, |v, s| s.serialize_str(&v.to_string()));
numeric_json!(Int32Value, i32, |v, s| s.serialize_i32(v));
numeric_json!(UInt32Value, u32, |v, s| s.serialize_u32(v));

impl Serialize for BoolValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bool(self.value)
    }
}

impl<'de> Deserialize<'de> for BoolValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        bool::deserialize(deserializer).map(|value| BoolValue { value })
    }
}

impl Serialize for StringValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.value)
    }
}

impl<'de> Deserialize<'de> for StringValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|value| StringValue { value })
    }
}

impl Serialize for BytesValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&STANDARD.encode(&self.value))
    }
}

impl<'de> Deserialize<'de> for BytesValue {
    /// Either base64 alphabet, padded or not, as proto3 JSON allows.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let trimmed = text.trim_end_matches('=');
        let mut padded = trimmed.to_string();
        while padded.len() % 4 != 0 {
            padded.push('=');
        }
        STANDARD
            .decode(&padded)
            .or_else(|_| URL_SAFE.decode(&padded))
            .map(|value| BytesValue { value })
            .map_err(|_| de::Error::custom(format!("not base64: {text:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrappers_use_their_scalars_json_form() {
        let json = |v: &dyn erased::Json| v.text();
        assert_eq!(json(&Int64Value { value: -5 }), "\"-5\"");
        assert_eq!(
            json(&UInt64Value { value: u64::MAX }),
            "\"18446744073709551615\""
        );
        assert_eq!(json(&Int32Value { value: 7 }), "7");
        assert_eq!(json(&DoubleValue { value: f64::NAN }), "\"NaN\"");
        assert_eq!(json(&FloatValue { value: 1.5 }), "1.5");
        assert_eq!(json(&BoolValue { value: true }), "true");
        assert_eq!(
            json(&BytesValue {
                value: vec![0xfb, 0xff]
            }),
            "\"+/8=\""
        );
        let back: BytesValue = serde_json::from_str("\"-_8\"").unwrap();
        assert_eq!(back.value, vec![0xfb, 0xff]);
        let n: Int64Value = serde_json::from_str("\"1e3\"").unwrap();
        assert_eq!(n.value, 1000);
    }

    mod erased {
        pub(super) trait Json {
            fn text(&self) -> String;
        }
        impl<T: serde::Serialize> Json for T {
            fn text(&self) -> String {
                serde_json::to_string(self).unwrap()
            }
        }
    }
}
