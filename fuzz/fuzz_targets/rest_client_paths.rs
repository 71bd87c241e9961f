//! No URL library rewrites a path the REST client encodes.
#![no_main]

#[path = "../checks/http.rs"]
mod http;
#[path = "../checks/schema.rs"]
mod schema;

libfuzzer_sys::fuzz_target!(|data: &[u8]| http::client_paths(data));
