//! Any request of any method encodes to an HTTP request or fails with
//! INVALID_ARGUMENT, and routes and decodes back to itself.
#![no_main]

#[path = "../checks/http.rs"]
mod http;
#[path = "../checks/schema.rs"]
mod schema;

libfuzzer_sys::fuzz_target!(|data: &[u8]| http::client(data));
