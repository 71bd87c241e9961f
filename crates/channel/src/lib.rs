//! The Cloud Channel API client for Rust.
//!
//! This is the crate to depend on. Today it re-exports the schema types;
//! the client, its transports and the emulator are added behind features:
//!
//! | feature    | default | what it brings                          |
//! |------------|---------|-----------------------------------------|
//! | `http`     | yes     | the REST/JSON transport (`channel-http`) |
//! | `grpc`     | no      | the gRPC transport (`channel-grpc`)      |
//! | `emulator` | no      | the in-process emulator (`channel-mock`) |
//!
//! ```
//! use channel::names::EntitlementRef;
//!
//! let name = EntitlementRef::parse("accounts/A1/customers/C2/entitlements/E3").unwrap();
//! assert_eq!(name.parent().to_string(), "accounts/A1/customers/C2");
//! ```

pub use channel_types::{longrunning, methods, model, names, rpc, r#type, wkt};
