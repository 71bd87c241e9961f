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
//! use channel_core::Client;
//! use channel_core::transport::Stubs;
//! use channel_mock::mocks::MockCloudChannelService;
//! use channel_types::model::Customer;
//!
//! let mut channel = MockCloudChannelService::new();
//! channel
//!     .expect_get_customer()
//!     .withf(|request, _| request.name == "accounts/A1/customers/C1")
//!     .times(1)
//!     .returning(|request, _| Ok(Customer { name: request.name, ..Default::default() }));
//! // The services left out answer `UNIMPLEMENTED`.
//! let client = Client::new(Stubs::default().with_channel(Arc::new(channel)));
//! # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
//! let customer = client.get_customer(channel_types::model::GetCustomerRequest::new().set_name("accounts/A1/customers/C1")).await.unwrap();
//! assert_eq!(customer.name, "accounts/A1/customers/C1");
//! # });
//! ```

#![allow(missing_docs, deprecated)]

// The `...Answers` traits, the mocks and their service traits, per RPC.
include!("generated/mocks.rs");
