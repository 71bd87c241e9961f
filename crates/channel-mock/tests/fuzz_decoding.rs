//! The emulator fuzzed from the outside as bounded, seeded tests: page
//! tokens given to its list calls, and any request to its REST and gRPC
//! servers on 127.0.0.1 port 0. Each runs the committed corpus under
//! `fuzz/corpus/<target>/`, then generated cases from a fixed seed, a few
//! seconds at most (`fuzz/checks/harness.rs` tells how to run longer).

#[path = "../../../fuzz/checks/emulator.rs"]
mod emulator;
#[path = "../../../fuzz/checks/harness.rs"]
mod harness;
#[path = "../../../fuzz/checks/http.rs"]
mod http;
#[path = "../../../fuzz/checks/schema.rs"]
mod schema;

use emulator::Fixture;
use harness::Target;

#[test]
fn any_page_token_lists_a_page_or_is_invalid_argument() {
    let fixture = Fixture::start();
    let ran = Target::new("page_tokens", 3_000)
        .dictionary(emulator::TOKEN_WORDS)
        .max_len(96)
        .run(|data| emulator::page_tokens(&fixture, data));
    fixture.shutdown();
    assert!(ran > 50, "only {ran} inputs ran");
}

#[test]
fn any_rest_request_gets_an_answer_that_is_not_a_server_error() {
    let fixture = Fixture::start();
    let ran = Target::new("emulator_rest", 1_500)
        .sharing_corpus_of(&["rest_server"])
        .dictionary(http::REST_WORDS)
        .max_len(1024)
        .run(|data| emulator::rest(&fixture, data));
    fixture.shutdown();
    assert!(ran > 50, "only {ran} inputs ran");
}

#[test]
fn any_grpc_request_body_gets_a_status_that_is_not_a_server_fault() {
    let fixture = Fixture::start();
    let ran = Target::new("emulator_grpc", 1_500)
        .max_len(1024)
        .run(|data| emulator::grpc(&fixture, data, false));
    fixture.shutdown();
    assert!(ran > 50, "only {ran} inputs ran");
}

#[test]
fn any_grpc_timeout_header_gets_a_status_that_is_not_a_server_fault() {
    let fixture = Fixture::start();
    let ran = Target::new("emulator_grpc_timeout", 500)
        .max_len(256)
        .run(|data| emulator::grpc(&fixture, data, true));
    fixture.shutdown();
    assert!(ran > 50, "only {ran} inputs ran");
}
