//! The REST/JSON transport of the Cloud Channel client, driven by the HTTP
//! rules in [`channel_types::methods`].
//!
//! - [`HttpTransport`]: implements the service traits of [`channel_core`]
//!   with reqwest over rustls (pooled connections, HTTP/1.1 and HTTP/2),
//!   sending each RPC as the HTTP request its rule describes, with the
//!   caller's token or API key (`x-goog-api-key`), `x-goog-api-client`
//!   (`gl-rust/<rustc> gccl/<version> rest/<reqwest>`), the user agent
//!   `cloudchannel-rs/<version>` and the call's headers, bounded by the
//!   call's deadline and a response size cap. Responses are asked for
//!   gzip-compressed and decoded; a client certificate (mutual TLS) is
//!   presented when the configuration has one.
//! - [`transcoding`]: requests to HTTP and back, for the client and for a
//!   REST server alike.
//! - [`status`]: Google's JSON error envelope and the HTTP/gRPC code mapping.
//!
//! ```no_run
//! use channel_core::Client;
//! use channel_http::HttpTransport;
//!
//! # async fn example() -> channel_core::Result<()> {
//! let client = Client::builder()
//!     .quota_project("my-billing-project")
//!     .build_with(HttpTransport::new)?;
//! let page = client.list_customers(channel_types::model::ListCustomersRequest::new().set_parent("accounts/A1")).await?;
//! # Ok(()) }
//! ```

mod body;
mod generated;
pub mod status;
pub mod transcoding;
mod transport;

pub use body::ResponseTooLarge;
pub use channel_types::methods::{HttpBinding, HttpVerb};
pub use transport::{
    API_CLIENT_TRANSPORT, DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_RESPONSE_BYTES, HttpTransport,
    HttpTransportBuilder, WIRE_TARGET,
};
