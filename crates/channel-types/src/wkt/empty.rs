//! `google.protobuf.Empty`: no fields; `{}` in proto3 JSON.

use prost::{Message, Name};
use serde::{Deserialize, Serialize};

/// The message of methods that return nothing.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Message)]
pub struct Empty {}

impl Name for Empty {
    const NAME: &'static str = "Empty";
    const PACKAGE: &'static str = "google.protobuf";
}

impl Serialize for Empty {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        serializer.serialize_map(Some(0))?.end()
    }
}

impl<'de> Deserialize<'de> for Empty {
    /// Any JSON object reads as `Empty` (members are ignored, like unknown
    /// fields of any other message); anything else is an error.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Empty;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Empty, A::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Empty {})
            }
        }

        deserializer.deserialize_map(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_form_is_an_object() {
        assert_eq!(serde_json::to_string(&Empty {}).unwrap(), "{}");
        assert_eq!(serde_json::from_str::<Empty>("{}").unwrap(), Empty {});
        assert_eq!(
            serde_json::from_str::<Empty>(r#"{"x": [1]}"#).unwrap(),
            Empty {}
        );
        assert!(serde_json::from_str::<Empty>("[]").is_err());
        assert!(serde_json::from_str::<Empty>("null").is_err());
    }
}
