//! The fuzz checks of this crate as bounded, seeded tests: the committed
//! corpus under `fuzz/corpus/<target>/`, then generated cases from a fixed
//! seed, a few seconds at most each. `fuzz/checks/harness.rs` tells how to
//! run them longer; the cargo-fuzz targets in `fuzz/` run the same checks
//! for as long as one likes.

#[path = "../../../fuzz/checks/harness.rs"]
mod harness;
#[path = "../../../fuzz/checks/schema.rs"]
mod schema;
#[path = "../../../fuzz/checks/types.rs"]
mod types;

use harness::Target;

#[test]
fn no_text_panics_a_name_parser_and_every_accepted_name_prints_back() {
    let ran = Target::new("names", 20_000)
        .dictionary(types::NAME_WORDS)
        .max_len(160)
        .run(types::names);
    assert!(ran > 100, "only {ran} inputs ran");
}

#[test]
fn no_text_panics_the_timestamp_duration_and_field_mask_parsers() {
    let ran = Target::new("wkt", 20_000)
        .dictionary(types::WKT_WORDS)
        .max_len(64)
        .run(types::wkt);
    assert!(ran > 100, "only {ran} inputs ran");
}

#[test]
fn every_message_decodes_any_bytes_to_a_value_or_an_error_and_round_trips() {
    let ran = Target::new("messages_binary", 5_000)
        .max_len(2048)
        .run(types::messages_binary);
    assert!(ran > 100, "only {ran} inputs ran");
}

#[test]
fn every_message_decodes_any_json_to_a_value_or_an_error_and_round_trips() {
    let ran = Target::new("messages_json", 5_000)
        .dictionary(types::JSON_WORDS)
        .max_len(2048)
        .run(types::messages_json);
    assert!(ran > 100, "only {ran} inputs ran");
}

#[test]
fn the_message_targets_cover_every_message_type_of_the_api() {
    let known: Vec<&str> = schema::message_types()
        .iter()
        .map(|m| m.full_name())
        .collect();
    let api: Vec<String> = schema::pool()
        .all_messages()
        .filter(|m| !m.is_map_entry())
        .map(|m| m.full_name().to_owned())
        .filter(|name| name.starts_with("google.cloud.channel.v1."))
        .collect();
    assert!(api.len() > 100, "only {} API messages", api.len());
    let missing: Vec<&String> = api
        .iter()
        .filter(|n| !known.contains(&n.as_str()))
        .collect();
    assert!(missing.is_empty(), "not fuzzed: {missing:?}");
    for name in [
        "google.longrunning.Operation",
        "google.rpc.Status",
        "google.protobuf.Timestamp",
        "google.protobuf.Any",
    ] {
        assert!(known.contains(&name), "{name}");
    }
}

#[test]
#[ignore = "fails: the generated JSON code writes NaN and infinite doubles as null \
            (google.cloud.channel.v1.serde.rs, DiscountComponent and others); outside this change"]
fn non_finite_doubles_print_as_proto3_json_strings() {
    use channel_types::model::{DiscountComponent, discount_component::DiscountValue};
    for (value, text) in [
        (f64::NAN, "NaN"),
        (f64::INFINITY, "Infinity"),
        (f64::NEG_INFINITY, "-Infinity"),
    ] {
        let discount = DiscountComponent {
            discount_value: Some(DiscountValue::DiscountPercentage(value)),
            ..Default::default()
        };
        let json = serde_json::to_value(&discount).unwrap();
        assert_eq!(json["discountPercentage"], text);
    }
}
