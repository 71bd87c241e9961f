//! REST transcoding fuzzed both ways as bounded, seeded tests: the
//! committed corpus under `fuzz/corpus/<target>/`, then generated cases
//! from a fixed seed, a few seconds at most each (`fuzz/checks/harness.rs`
//! tells how to run them longer).

#[path = "../../../fuzz/checks/harness.rs"]
mod harness;
#[path = "../../../fuzz/checks/http.rs"]
mod http;
#[path = "../../../fuzz/checks/schema.rs"]
mod schema;

use harness::Target;

#[test]
fn any_request_encodes_or_fails_cleanly_and_decodes_back_to_itself() {
    let ran = Target::new("rest_client", 5_000)
        .max_len(1024)
        .run(http::client);
    assert!(ran > 100, "only {ran} inputs ran");
}

#[test]
fn no_url_library_can_rewrite_an_encoded_path() {
    let ran = Target::new("rest_client_paths", 5_000)
        .max_len(512)
        .run(http::client_paths);
    assert!(ran > 100, "only {ran} inputs ran");
}

#[test]
fn any_path_query_and_body_decode_to_a_request_or_invalid_argument() {
    let ran = Target::new("rest_server", 5_000)
        .dictionary(http::REST_WORDS)
        .max_len(1024)
        .run(http::server);
    assert!(ran > 100, "only {ran} inputs ran");
}
