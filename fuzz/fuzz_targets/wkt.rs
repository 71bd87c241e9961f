//! Timestamps, durations and field masks: any text, JSON or binary form
//! parses or fails cleanly, and what parses prints back the same.
#![no_main]

#[path = "../checks/schema.rs"]
mod schema;
#[path = "../checks/types.rs"]
mod types;

libfuzzer_sys::fuzz_target!(|data: &[u8]| types::wkt(data));
