//! The Cloud Channel emulator.
//!
//! For now this crate holds the tonic server stubs generated from the schema
//! (`cargo xtask codegen`); the emulator's gRPC server builds on them.

#[allow(missing_docs, unreachable_pub, clippy::all, clippy::pedantic)]
mod generated;

/// tonic server stubs, one module per service.
pub mod stubs {
    pub use crate::generated::google::cloud::channel::v1::cloud_channel_reports_service_server;
    pub use crate::generated::google::cloud::channel::v1::cloud_channel_service_server;
    pub use crate::generated::google::longrunning::operations_server;
}
