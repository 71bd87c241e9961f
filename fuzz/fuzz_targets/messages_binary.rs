//! Any bytes decode as any message of the API or fail; whatever decodes
//! round-trips through its JSON form unchanged.
#![no_main]

#[path = "../checks/schema.rs"]
mod schema;
#[path = "../checks/types.rs"]
mod types;

libfuzzer_sys::fuzz_target!(|data: &[u8]| types::messages_binary(data));
