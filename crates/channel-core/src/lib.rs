//! The transport-agnostic runtime of the Cloud Channel client: service
//! traits, the client with retries and deadlines, long-running operations,
//! pagination, errors and credentials.
//!
//! It re-exports the schema crate so that transports and users see one set
//! of types.

pub use channel_types as types;
