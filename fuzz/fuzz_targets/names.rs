//! Any text given to every resource-name parser gives a name that prints back
//! as the same text, or an error; never a panic.
#![no_main]

#[path = "../checks/schema.rs"]
mod schema;
#[path = "../checks/types.rs"]
mod types;

libfuzzer_sys::fuzz_target!(|data: &[u8]| types::names(data));
