//! `google.protobuf.FieldMask`, whose proto3 JSON form is one string of
//! comma-separated paths in lowerCamelCase (`"orgDisplayName,primaryContactInfo.email"`),
//! while the binary form and this type hold snake_case paths.

use std::fmt;

use prost::{Message, Name};
use serde::{Deserialize, Serialize};

/// The fields an update touches, as dotted snake_case paths.
#[derive(Clone, PartialEq, Eq, Hash, Message)]
#[prost(skip_debug)]
pub struct FieldMask {
    /// Paths such as `primary_contact_info.email`.
    #[prost(string, repeated, tag = "1")]
    pub paths: Vec<String>,
}

impl Name for FieldMask {
    const NAME: &'static str = "FieldMask";
    const PACKAGE: &'static str = "google.protobuf";
}

impl FieldMask {
    /// A mask of the given snake_case paths.
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(paths: I) -> Self {
        FieldMask {
            paths: paths.into_iter().map(Into::into).collect(),
        }
    }

    /// Whether `path` (snake_case) is in the mask, directly or under a masked parent.
    pub fn covers(&self, path: &str) -> bool {
        self.paths.iter().any(|p| {
            path == p
                || (path.starts_with(p.as_str()) && path.as_bytes().get(p.len()) == Some(&b'.'))
        })
    }
}

fn to_camel(path: &str) -> Result<String, String> {
    if path.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(format!("field mask path {path:?} is not snake_case"));
    }
    Ok(crate::json_name(path))
}

fn to_snake(path: &str) -> Result<String, String> {
    let mut out = String::with_capacity(path.len() + 4);
    for c in path.chars() {
        if c == '_' {
            return Err(format!("field mask path {path:?} is not lowerCamelCase"));
        }
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

impl fmt::Debug for FieldMask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("FieldMask").field(&self.paths).finish()
    }
}

impl Serialize for FieldMask {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let camel: Result<Vec<String>, String> = self.paths.iter().map(|p| to_camel(p)).collect();
        serializer.serialize_str(&camel.map_err(serde::ser::Error::custom)?.join(","))
    }
}

impl<'de> Deserialize<'de> for FieldMask {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        let paths = text
            .split(',')
            .filter(|p| !p.is_empty())
            .map(to_snake)
            .collect::<Result<_, _>>()
            .map_err(serde::de::Error::custom)?;
        Ok(FieldMask { paths })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_form_is_camel_case_string() {
        let mask = FieldMask::new(["org_display_name", "primary_contact_info.email"]);
        let json = serde_json::to_value(&mask).unwrap();
        assert_eq!(json, "orgDisplayName,primaryContactInfo.email");
        assert_eq!(serde_json::from_value::<FieldMask>(json).unwrap(), mask);
        assert_eq!(
            serde_json::from_str::<FieldMask>("\"\"").unwrap(),
            FieldMask::default()
        );
    }

    #[test]
    fn rejects_paths_that_cannot_round_trip() {
        assert!(serde_json::to_string(&FieldMask::new(["orgDisplayName"])).is_err());
        assert!(serde_json::from_str::<FieldMask>("\"org_display_name\"").is_err());
    }

    #[test]
    fn covers_paths_and_their_children() {
        let mask = FieldMask::new(["primary_contact_info"]);
        assert!(mask.covers("primary_contact_info"));
        assert!(mask.covers("primary_contact_info.email"));
        assert!(!mask.covers("primary_contact_info_x"));
        assert!(!mask.covers("domain"));
    }
}
