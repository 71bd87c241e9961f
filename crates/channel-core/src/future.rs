//! The boxed future of the service traits and of credentials, in a module of
//! its own so that both can name it without depending on each other or on
//! the call machinery.

use std::future::Future;
use std::pin::Pin;

/// A boxed, sendable future: what the service traits and credentials return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
