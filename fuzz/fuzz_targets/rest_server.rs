//! Any verb, path, query and body is matched and decoded to a request, or
//! refused with INVALID_ARGUMENT.
#![no_main]

#[path = "../checks/http.rs"]
mod http;
#[path = "../checks/schema.rs"]
mod schema;

libfuzzer_sys::fuzz_target!(|data: &[u8]| http::server(data));
