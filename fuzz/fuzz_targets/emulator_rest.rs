//! Any HTTP request to the emulator's REST server gets an answer that is
//! not a 500.
#![no_main]

#[path = "../checks/emulator.rs"]
mod emulator;
#[path = "../checks/http.rs"]
mod http;
#[path = "../checks/schema.rs"]
mod schema;

use std::sync::OnceLock;

/// One emulator for the whole run, started on the first input.
fn fixture() -> &'static emulator::Fixture {
    static FIXTURE: OnceLock<emulator::Fixture> = OnceLock::new();
    FIXTURE.get_or_init(emulator::Fixture::start)
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| emulator::rest(fixture(), data));
