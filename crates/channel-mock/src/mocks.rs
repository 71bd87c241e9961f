//! mockall mocks of the three service traits, for tests that prefer
//! expectations to the emulator's fake. Behind the `mocks` feature, so that
//! users of the emulator alone do not build mockall.
//!
//! Each mock answers synchronously: set what a method returns with
//! `expect_<method>().returning(|request, options| ...)`; the mock implements
//! the async service trait by wrapping that answer in a ready future.
//!
//! ```
//! use std::sync::Arc;
//! use channel_core::{Client, Stubs};
//! use channel_mock::mocks::{MockCloudChannelService, MockCloudChannelReportsService, MockOperations};
//! use channel_types::model::Customer;
//!
//! let mut channel = MockCloudChannelService::new();
//! channel
//!     .expect_get_customer()
//!     .withf(|request, _| request.name == "accounts/A1/customers/C1")
//!     .times(1)
//!     .returning(|request, _| Ok(Customer { name: request.name, ..Default::default() }));
//! let stubs = Stubs {
//!     channel: Arc::new(channel),
//!     reports: Arc::new(MockCloudChannelReportsService::new()),
//!     operations: Arc::new(MockOperations::new()),
//! };
//! let client = Client::new(stubs);
//! # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
//! let customer = client.get_customer().set_name("accounts/A1/customers/C1").await.unwrap();
//! assert_eq!(customer.name, "accounts/A1/customers/C1");
//! # });
//! ```

#![allow(missing_docs, deprecated)]

// The `...Answers` traits, the mocks and their service traits, per RPC.
include!("generated/mocks.rs");
