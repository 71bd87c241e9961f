//! Any JSON decodes as any message of the API or fails; whatever decodes
//! prints JSON that reads back to the same message.
#![no_main]

#[path = "../checks/schema.rs"]
mod schema;
#[path = "../checks/types.rs"]
mod types;

libfuzzer_sys::fuzz_target!(|data: &[u8]| types::messages_json(data));
