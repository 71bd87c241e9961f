//! The Cloud Channel emulator: a local, in-memory Cloud Channel service.
//!
//! [`Engine`] implements the service traits of `channel-core` with the API's
//! documented rules: customers and Cloud Identity, entitlements and their
//! state machine, channel partner links, repricing, the catalog, reports,
//! long-running operations with request-id idempotency, paging with opaque
//! tokens, and per-account access. Embed it in-process:
//!
//! ```
//! use std::sync::Arc;
//! use channel_core::Client;
//! use channel_core::transport::Stubs;
//! use channel_mock::{Engine, EngineConfig};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
//! let engine = Engine::new(EngineConfig::default());
//! let client = Client::new(Stubs::from_backend(Arc::new(engine)));
//! let products = client.list_products(channel_types::model::ListProductsRequest::new().set_account("accounts/C0emulator")).await.unwrap();
//! assert!(products.products.iter().any(|p| p.name == "products/google-workspace"));
//! # });
//! ```
//!
//! | feature | default | what it brings |
//! |---------|---------|----------------|
//! | `mocks` | no      | the module `mocks`: mockall mocks of the service traits, pulling in mockall |

#![cfg_attr(docsrs, feature(doc_cfg))]

pub(crate) mod catalog;
mod engine;
#[cfg(feature = "mocks")]
#[cfg_attr(docsrs, doc(cfg(feature = "mocks")))]
pub mod mocks;
mod server;

#[allow(missing_docs, unreachable_pub, clippy::all, clippy::pedantic)]
mod generated;

pub use engine::{
    AccountConfig, AccountKind, CustomerSeed, DEFAULT_ACCOUNT, Engine, EngineConfig,
    EntitlementSeed, EventRecord, FaultConfig, GOOGLE, Identity, IdentitySeed, IdentityType,
    JOURNAL_LIMIT, JournalEntry, PendingChange, Push, Scenario, ScenarioError, ScenarioFormat,
    Seeded, State,
};
pub use server::{
    ConnectionLimits, Emulator, EmulatorConfig, EmulatorError, MIN_SAVE_PERIOD, load_state,
    save_state,
};

/// tonic server stubs, one module per service.
pub mod stubs {
    pub use crate::generated::google::cloud::channel::v1::cloud_channel_reports_service_server;
    pub use crate::generated::google::cloud::channel::v1::cloud_channel_service_server;
    pub use crate::generated::google::longrunning::operations_server;
}
