//! gRPC transport for the Cloud Channel client.
//!
//! For now this crate holds the tonic client stubs generated from the schema
//! (`cargo xtask codegen`); the transport itself builds on them.

#[allow(missing_docs, unreachable_pub, clippy::all, clippy::pedantic)]
mod generated;

/// tonic client stubs, one module per service.
pub mod stubs {
    pub use crate::generated::google::cloud::channel::v1::cloud_channel_reports_service_client;
    pub use crate::generated::google::cloud::channel::v1::cloud_channel_service_client;
    pub use crate::generated::google::longrunning::operations_client;
}
