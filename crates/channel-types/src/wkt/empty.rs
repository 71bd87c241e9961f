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
    /// Any JSON object reads as `Empty` (members are unknown fields, so a
    /// strict read refuses them and a lenient one skips them); anything
    /// else is an error.
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
                while map.next_key::<Member>()?.is_some() {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
                Ok(Empty {})
            }
        }

        deserializer.deserialize_map(Visitor)
    }
}

/// A member of an `Empty`'s object: every name is unknown. Checked while
/// the name is read, as the generated messages do, so that errors carry the
/// same path.
struct Member;

impl<'de> Deserialize<'de> for Member {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl serde::de::Visitor<'_> for Visitor {
            type Value = Member;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a member name")
            }

            fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Member, E> {
                crate::json::unknown_field(name).map(|()| Member)
            }
        }

        deserializer.deserialize_identifier(Visitor)
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
        let strict = crate::json::from_slice_strict::<Empty>(br#"{"x": 1}"#).unwrap_err();
        assert_eq!(strict.field(), "x");
        assert!(serde_json::from_str::<Empty>("null").is_err());
    }
}
