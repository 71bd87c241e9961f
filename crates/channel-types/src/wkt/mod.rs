//! The protobuf well-known types the schema uses.
//!
//! `Timestamp`, `Duration`, `FieldMask` and `Empty` come from pbjson-types,
//! whose JSON forms follow the proto3 JSON spec (RFC 3339, `"1.5s"`,
//! comma-separated camelCase paths, `{}`). [`Any`] is our own: its JSON form
//! needs to know every message type it can hold, and this crate does.

pub mod any;

pub use any::{Any, AnyError};
pub use pbjson_types::{Duration, Empty, FieldMask, Timestamp};
