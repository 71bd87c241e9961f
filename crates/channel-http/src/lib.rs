//! The REST/JSON transport of the Cloud Channel client, driven by the HTTP
//! rules in [`channel_types::methods`].

pub use channel_types::methods::{HttpBinding, HttpVerb};
