//! Any request with an odd grpc-timeout header gets a status from the
//! emulator's gRPC server that is not a server fault.
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

libfuzzer_sys::fuzz_target!(|data: &[u8]| emulator::grpc(fixture(), data, true));
