//! Messages and resource names of the Cloud Channel API v1.
//!
//! This crate is the schema of the API as Rust types, shared by every other
//! crate of the project; take it alone when models and names are all you need.
//!
//! - [`model`]: the `google.cloud.channel.v1` messages and enums, and
//!   [`longrunning`], [`rpc`] and `r#type` for the common types they use.
//!   Every message encodes to the binary wire with [`prost`] and to proto3
//!   JSON with serde (camelCase names, 64-bit integers as strings, enums by
//!   name, well-known types in their special forms).
//! - [`names`]: typed resource names with a zero-allocation parser.
//! - [`methods`]: a table of every RPC with its HTTP rules, paging and
//!   long-running-operation types.
//! - [`wkt`]: the protobuf well-known types, with a schema-aware [`wkt::Any`].
//! - [`json`]: reading proto3 JSON leniently (responses) or strictly
//!   (requests), with errors that name the JSON path.
//!
//! ```
//! use channel_types::model::Customer;
//!
//! let customer: Customer = serde_json::from_str(
//!     r#"{"orgDisplayName": "Example Org", "domain": "example.com"}"#,
//! ).unwrap();
//! assert_eq!(customer.org_display_name, "Example Org");
//! let json = serde_json::to_string(&customer).unwrap();
//! assert_eq!(json, r#"{"orgDisplayName":"Example Org","domain":"example.com"}"#);
//! ```

#[allow(
    missing_docs,
    unreachable_pub,
    clippy::all,
    clippy::pedantic,
    rustdoc::broken_intra_doc_links,
    rustdoc::invalid_html_tags,
    rustdoc::bare_urls
)]
mod generated;

pub mod json;
pub mod methods;
pub mod names;
pub mod wkt;

pub use generated::google::cloud::channel::v1 as model;
pub use generated::google::longrunning;
pub use generated::google::rpc;
pub use generated::google::r#type;
pub use prost;

/// The encoded `google.protobuf.FileDescriptorSet` of the whole schema,
/// imports included and comments left out: what gRPC server reflection serves.
pub const FILE_DESCRIPTOR_SET: &[u8] = include_bytes!("generated/file_descriptor_set.bin");

/// A proto field name in its proto3 JSON spelling: `snake_case` to
/// `lowerCamelCase`, as protoc derives `json_name` (`org_display_name` ->
/// `orgDisplayName`). Dots are kept, so a field path converts in one call.
///
/// ```
/// assert_eq!(channel_types::json_name("primary_contact_info.email"), "primaryContactInfo.email");
/// ```
pub fn json_name(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut upper = false;
    for c in field.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}
