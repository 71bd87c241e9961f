//! The protobuf well-known types the schema uses.
//!
//! `Duration` (`"1.500s"`) and `Empty` (`{}`) come from pbjson-types.
//! [`Timestamp`] and [`FieldMask`] are our own, because the proto3 JSON spec
//! asks for `Z`-normalized RFC 3339 and a comma-separated camelCase string,
//! which pbjson-types does not write. [`Any`] is our own too: its JSON form
//! needs to know every message type it can hold, and this crate does.

pub mod any;
mod field_mask;
mod timestamp;

pub use any::{Any, AnyError};
pub use field_mask::FieldMask;
pub use pbjson_types::{Duration, Empty};
pub use timestamp::{Timestamp, TimestampError};
