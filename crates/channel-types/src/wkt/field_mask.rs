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

/// Why a field mask has no JSON form, or a text is not a field mask's JSON form.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldMaskError {
    /// A path that would not read back unchanged from the JSON form: empty,
    /// holding a comma or an upper-case letter, or with an underscore that
    /// is not followed by a lower-case letter (`a_1`, `a__b`, `a_`).
    NotSnakeCase {
        /// The start of the offending path.
        path: String,
    },
    /// A path of the JSON form holding an underscore: JSON paths are
    /// lowerCamelCase.
    NotCamelCase {
        /// The start of the offending path.
        path: String,
    },
}

impl fmt::Display for FieldMaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotSnakeCase { path } => write!(
                f,
                "invalid field mask path {path:?}: expected a non-empty snake_case field path such as \"primary_contact_info.email\""
            ),
            Self::NotCamelCase { path } => write!(
                f,
                "invalid field mask path {path:?}: expected lowerCamelCase field paths separated by commas, such as \"orgDisplayName,primaryContactInfo.email\""
            ),
        }
    }
}

impl std::error::Error for FieldMaskError {}

fn to_camel(path: &str) -> Result<String, FieldMaskError> {
    let camel = crate::json_name(path);
    // A path that does not come back from its JSON spelling would silently
    // turn into another path (or two, with a comma) on the way.
    if path.is_empty() || path.contains(',') || to_snake(&camel).ok().as_deref() != Some(path) {
        return Err(FieldMaskError::NotSnakeCase {
            path: super::timestamp::excerpt(path),
        });
    }
    Ok(camel)
}

fn to_snake(path: &str) -> Result<String, FieldMaskError> {
    let mut out = String::with_capacity(path.len() + 4);
    for c in path.chars() {
        if c == '_' {
            return Err(FieldMaskError::NotCamelCase {
                path: super::timestamp::excerpt(path),
            });
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

impl FieldMask {
    /// Parses the JSON text form: lowerCamelCase paths separated by commas,
    /// e.g. `orgDisplayName,primaryContactInfo.email`; empty paths are skipped.
    pub fn parse(text: &str) -> Result<Self, FieldMaskError> {
        let paths = text
            .split(',')
            .filter(|p| !p.is_empty())
            .map(to_snake)
            .collect::<Result<_, _>>()?;
        Ok(FieldMask { paths })
    }

    /// The JSON text form: the paths in lowerCamelCase, joined by commas.
    /// Fails on a path that would not read back unchanged.
    pub fn to_json_text(&self) -> Result<String, FieldMaskError> {
        let camel: Vec<String> = self
            .paths
            .iter()
            .map(|p| to_camel(p))
            .collect::<Result<_, _>>()?;
        Ok(camel.join(","))
    }
}

impl fmt::Debug for FieldMask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("FieldMask").field(&self.paths).finish()
    }
}

impl Serialize for FieldMask {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = self.to_json_text().map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }
}

impl<'de> Deserialize<'de> for FieldMask {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        FieldMask::parse(&text).map_err(serde::de::Error::custom)
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
    fn paths_that_would_change_on_the_way_do_not_serialize() {
        // Each of these printed as another mask before: "a_1" as "a1",
        // "a,b" as two paths, "" as no path at all.
        for lossy in ["a_1", "a__b", "a_", "a,b", "", "org_displayName"] {
            let mask = FieldMask::new([lossy]);
            assert!(
                matches!(
                    mask.to_json_text(),
                    Err(FieldMaskError::NotSnakeCase { .. })
                ),
                "{lossy:?}"
            );
            assert!(serde_json::to_string(&mask).is_err(), "{lossy:?}");
        }
        let mask = FieldMask::new(["\u{e9}t\u{e9}", "a.b_c"]);
        let back = FieldMask::parse(&mask.to_json_text().unwrap()).unwrap();
        assert_eq!(back, mask);
    }

    #[test]
    fn parse_reads_the_json_text_form() {
        assert_eq!(
            FieldMask::parse("orgDisplayName,,primaryContactInfo.email").unwrap(),
            FieldMask::new(["org_display_name", "primary_contact_info.email"])
        );
        assert!(matches!(
            FieldMask::parse("org_display_name"),
            Err(FieldMaskError::NotCamelCase { .. })
        ));
        assert_eq!(FieldMask::parse("").unwrap(), FieldMask::default());
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
