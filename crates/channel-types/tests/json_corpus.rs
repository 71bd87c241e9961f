//! Hand-written proto3 JSON edge cases, each read in both modes, with what
//! the reference parser (Python's `json_format`, lenient meaning
//! `ignore_unknown_fields=True`) makes of it: the message it reads, written
//! back in canonical form, or the error.
//!
//! Errors are Google's wording with the JSON path as written by the caller.

use channel_types::json::{self, JsonMode};
use channel_types::longrunning::Operation;
use channel_types::model::{
    Customer, CustomerConstraints, EntitlementChange, ListCustomersRequest, Price, Value,
};
use channel_types::rpc::ErrorInfo;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// What a read gives: the canonical JSON of the message read, or the error.
fn read<T: DeserializeOwned + Serialize>(input: &str, mode: JsonMode) -> Result<String, String> {
    json::from_slice::<T>(input.as_bytes(), mode)
        .map(|m| serde_json::to_string(&m).unwrap())
        .map_err(|e| e.to_string())
}

/// The same outcome in both modes.
fn both<T: DeserializeOwned + Serialize>(input: &str, expected: Result<&str, &str>) {
    for mode in [JsonMode::Lenient, JsonMode::Strict] {
        let got = read::<T>(input, mode);
        assert_eq!(
            got.as_deref().map_err(String::as_str),
            expected,
            "{mode:?} read of {input} as {}",
            std::any::type_name::<T>()
        );
    }
}

/// Read in lenient mode to `lenient`, refused in strict mode with `strict`.
fn split<T: DeserializeOwned + Serialize>(input: &str, lenient: &str, strict: &str) {
    assert_eq!(
        read::<T>(input, JsonMode::Lenient).as_deref(),
        Ok(lenient),
        "lenient read of {input}"
    );
    assert_eq!(
        read::<T>(input, JsonMode::Strict)
            .as_deref()
            .map_err(String::as_str),
        Err(strict),
        "strict read of {input}"
    );
}

#[test]
fn null_is_the_default_for_every_field_kind() {
    both::<Customer>(
        r#"{"name": null, "orgDisplayName": null, "orgPostalAddress": null,
            "alternateEmail": null, "createTime": null, "customerAttestationState": null,
            "cloudIdentityInfo": {"isDomainVerified": null, "customerType": null}}"#,
        Ok(r#"{"cloudIdentityInfo":{}}"#),
    );
    both::<CustomerConstraints>(
        r#"{"allowedRegions": null, "allowedCustomerTypes": null, "promotionalOrderTypes": null}"#,
        Ok("{}"),
    );
    both::<ErrorInfo>(
        r#"{"reason": "R", "metadata": null}"#,
        Ok(r#"{"reason":"R"}"#),
    );
    both::<ListCustomersRequest>(r#"{"pageSize": null}"#, Ok("{}"));
    both::<Price>(r#"{"discount": null}"#, Ok("{}"));
    // A null oneof member leaves the oneof unset.
    both::<Value>(r#"{"int64Value": null}"#, Ok("{}"));
    both::<EntitlementChange>(r#"{"suspensionReason": null}"#, Ok("{}"));
}

#[test]
fn doubles_carry_nan_and_the_infinities_as_strings() {
    for special in ["NaN", "Infinity", "-Infinity"] {
        let text = format!(r#"{{"discount":"{special}"}}"#);
        both::<Price>(&text, Ok(&text));
    }
    both::<Price>(r#"{"discount": "2.5"}"#, Ok(r#"{"discount":2.5}"#));
    both::<Price>(r#"{"discount": 1e2}"#, Ok(r#"{"discount":100.0}"#));
    both::<Value>(r#"{"doubleValue": "NaN"}"#, Ok(r#"{"doubleValue":"NaN"}"#));
    both::<Price>(
        r#"{"discount": "nan"}"#,
        Err(r#"Invalid value at 'discount' (TYPE_DOUBLE), "nan""#),
    );
}

#[test]
fn integers_read_from_numbers_and_strings_in_any_integral_form() {
    for (input, size) in [
        ("25", 25),
        (r#""25""#, 25),
        ("1e2", 100),
        ("10.0", 10),
        (r#""1e1""#, 10),
        ("-2147483648", i32::MIN),
    ] {
        both::<ListCustomersRequest>(
            &format!(r#"{{"pageSize": {input}}}"#),
            Ok(&format!(r#"{{"pageSize":{size}}}"#)),
        );
    }
    both::<Value>(
        r#"{"int64Value": "9223372036854775807"}"#,
        Ok(r#"{"int64Value":"9223372036854775807"}"#),
    );
    both::<Value>(
        r#"{"int64Value": -9223372036854775808}"#,
        Ok(r#"{"int64Value":"-9223372036854775808"}"#),
    );
}

#[test]
fn integers_that_are_not_integral_or_do_not_fit_are_refused() {
    for (input, shown) in [
        ("1.5", "1.5"),
        ("2147483648", "2147483648"),
        (r#""abc""#, r#""abc""#),
        (r#""1.5e0""#, r#""1.5e0""#),
        ("true", "true"),
    ] {
        both::<ListCustomersRequest>(
            &format!(r#"{{"pageSize": {input}}}"#),
            Err(&format!(
                "Invalid value at 'pageSize' (TYPE_INT32), {shown}"
            )),
        );
    }
    both::<Value>(
        r#"{"int64Value": "9223372036854775808"}"#,
        Err(r#"Invalid value at 'int64Value' (TYPE_INT64), "9223372036854775808""#),
    );
}

#[test]
fn enums_read_by_name_by_number_and_by_number_in_a_string() {
    both::<Customer>(
        r#"{"customerAttestationState": "EXEMPT"}"#,
        Ok(r#"{"customerAttestationState":"EXEMPT"}"#),
    );
    both::<Customer>(
        r#"{"customerAttestationState": 1}"#,
        Ok(r#"{"customerAttestationState":"EXEMPT"}"#),
    );
    both::<Customer>(
        r#"{"customerAttestationState": "2"}"#,
        Ok(r#"{"customerAttestationState":"NON_EXEMPT_AND_INFO_VERIFIED"}"#),
    );
    // An integral number in any form, as for integers; a fraction is refused.
    both::<Customer>(
        r#"{"customerAttestationState": 1.0}"#,
        Ok(r#"{"customerAttestationState":"EXEMPT"}"#),
    );
    both::<Customer>(
        r#"{"customerAttestationState": 1.5}"#,
        Err("Invalid value at 'customerAttestationState' \
             (type.googleapis.com/google.cloud.channel.v1.Customer.CustomerAttestationState), 1.5"),
    );
    // proto3 enums are open: a number the schema lacks is kept and written back.
    both::<Customer>(
        r#"{"customerAttestationState": 99}"#,
        Ok(r#"{"customerAttestationState":99}"#),
    );
}

#[test]
fn an_unknown_enum_name_is_dropped_leniently_and_refused_strictly() {
    split::<Customer>(
        r#"{"name": "accounts/A/customers/C", "customerAttestationState": "NEW_FUTURE_STATE"}"#,
        r#"{"name":"accounts/A/customers/C"}"#,
        "Invalid value at 'customerAttestationState' \
         (type.googleapis.com/google.cloud.channel.v1.Customer.CustomerAttestationState), \
         \"NEW_FUTURE_STATE\"",
    );
    // Nested.
    split::<Customer>(
        r#"{"cloudIdentityInfo": {"customerType": "FUTURE", "isDomainVerified": true}}"#,
        r#"{"cloudIdentityInfo":{"isDomainVerified":true}}"#,
        "Invalid value at 'cloudIdentityInfo.customerType' \
         (type.googleapis.com/google.cloud.channel.v1.CloudIdentityInfo.CustomerType), \"FUTURE\"",
    );
    // In a repeated field only that element goes.
    split::<CustomerConstraints>(
        r#"{"allowedCustomerTypes": ["DOMAIN", "FUTURE", "TEAM"]}"#,
        r#"{"allowedCustomerTypes":["DOMAIN","TEAM"]}"#,
        "Invalid value at 'allowedCustomerTypes[1]' \
         (type.googleapis.com/google.cloud.channel.v1.CloudIdentityInfo.CustomerType), \"FUTURE\"",
    );
    // A oneof member is left unset.
    split::<EntitlementChange>(
        r#"{"suspensionReason": "FUTURE", "entitlement": "e"}"#,
        r#"{"entitlement":"e"}"#,
        "Invalid value at 'suspensionReason' \
         (type.googleapis.com/google.cloud.channel.v1.Entitlement.SuspensionReason), \"FUTURE\"",
    );
}

#[test]
fn inside_an_any_the_same_rules_hold_and_paths_go_through_it() {
    split::<Operation>(
        r#"{"name": "operations/1", "metadata": {
              "@type": "type.googleapis.com/google.cloud.channel.v1.OperationMetadata",
              "operationType": "FUTURE_OPERATION"}}"#,
        r#"{"name":"operations/1","metadata":{"@type":"type.googleapis.com/google.cloud.channel.v1.OperationMetadata"}}"#,
        "Invalid value at 'metadata.operationType' \
         (type.googleapis.com/google.cloud.channel.v1.OperationMetadata.OperationType), \
         \"FUTURE_OPERATION\"",
    );
    split::<Operation>(
        r#"{"done": true, "response": {
              "@type": "type.googleapis.com/google.cloud.channel.v1.Customer",
              "name": "c", "cloudIdentityInfo": {"futureField": 1}}}"#,
        // An Any's members after "@type" come in the message's field order.
        r#"{"done":true,"response":{"@type":"type.googleapis.com/google.cloud.channel.v1.Customer","name":"c","cloudIdentityInfo":{}}}"#,
        "Invalid JSON payload received. Unknown name \"futureField\" \
         at 'response.cloudIdentityInfo': Cannot find field.",
    );
}

#[test]
fn an_unknown_member_is_skipped_leniently_and_refused_strictly() {
    split::<Customer>(
        r#"{"name": "n", "customerKind": "x"}"#,
        r#"{"name":"n"}"#,
        "Invalid JSON payload received. Unknown name \"customerKind\": Cannot find field.",
    );
    split::<Customer>(
        r#"{"orgPostalAddress": {"regionCode": "US", "zip": "1"}}"#,
        r#"{"orgPostalAddress":{"regionCode":"US"}}"#,
        "Invalid JSON payload received. Unknown name \"zip\" at 'orgPostalAddress': \
         Cannot find field.",
    );
}

#[test]
fn both_spellings_of_a_field_name_are_read() {
    both::<Customer>(
        r#"{"org_display_name": "x", "customer_attestation_state": "EXEMPT"}"#,
        Ok(r#"{"orgDisplayName":"x","customerAttestationState":"EXEMPT"}"#),
    );
}

#[test]
fn any_holds_every_well_known_type_under_value() {
    for (type_name, value) in [
        (
            "google.protobuf.Struct",
            r#"{"a":[1.5,"b",null,{"c":true}]}"#,
        ),
        ("google.protobuf.Value", r#""text""#),
        ("google.protobuf.Value", "null"),
        ("google.protobuf.ListValue", r#"[1.0,{}]"#),
        ("google.protobuf.Int64Value", r#""-5""#),
        ("google.protobuf.UInt64Value", r#""18446744073709551615""#),
        ("google.protobuf.Int32Value", "7"),
        ("google.protobuf.UInt32Value", "4294967295"),
        ("google.protobuf.DoubleValue", r#""-Infinity""#),
        ("google.protobuf.FloatValue", "1.5"),
        ("google.protobuf.BoolValue", "true"),
        ("google.protobuf.StringValue", r#""s""#),
        ("google.protobuf.BytesValue", r#""AAE=""#),
        ("google.protobuf.Timestamp", r#""2026-11-30T09:00:00.500Z""#),
        ("google.protobuf.Duration", r#""-1.500s""#),
        ("google.protobuf.FieldMask", r#""name,orgDisplayName""#),
        (
            "google.protobuf.Any",
            r#"{"@type":"type.googleapis.com/google.protobuf.Int32Value","value":3}"#,
        ),
    ] {
        let text = format!(
            r#"{{"protoValue":{{"@type":"type.googleapis.com/{type_name}","value":{value}}}}}"#
        );
        both::<Value>(&text, Ok(&text));
    }
    // Empty is an ordinary message: no "value" member, though a lenient
    // reader takes one.
    let empty = r#"{"protoValue":{"@type":"type.googleapis.com/google.protobuf.Empty"}}"#;
    both::<Value>(empty, Ok(empty));
    split::<Value>(
        r#"{"protoValue":{"@type":"type.googleapis.com/google.protobuf.Empty","value":{}}}"#,
        empty,
        "Invalid JSON payload received. Unknown name \"value\" at 'protoValue': Cannot find field.",
    );
}

#[test]
fn values_of_the_wrong_json_type_are_refused_in_both_modes() {
    both::<Customer>(
        r#"{"name": 5}"#,
        Err("Invalid value at 'name' (TYPE_STRING), 5"),
    );
    both::<Customer>(
        r#"{"orgPostalAddress": {"addressLines": ["a", null]}}"#,
        Err("Invalid value at 'orgPostalAddress.addressLines[1]' (TYPE_STRING), null"),
    );
    both::<Customer>(
        r#"{"orgPostalAddress": {"addressLines": "a"}}"#,
        Err("Invalid value at 'orgPostalAddress.addressLines': \
             a repeated field takes a JSON array, not \"a\""),
    );
    both::<Customer>(
        r#"{"orgPostalAddress": true}"#,
        Err(
            "Invalid value at 'orgPostalAddress' (type.googleapis.com/google.type.PostalAddress), true",
        ),
    );
    both::<Customer>(
        r#"{"cloudIdentityInfo": {"isDomainVerified": "yes"}}"#,
        Err("Invalid value at 'cloudIdentityInfo.isDomainVerified' (TYPE_BOOL), \"yes\""),
    );
    both::<Customer>(
        r#"{"customerAttestationState": true}"#,
        Err("Invalid value at 'customerAttestationState' \
             (type.googleapis.com/google.cloud.channel.v1.Customer.CustomerAttestationState), true"),
    );
    both::<Customer>(
        r#"{"name": "n""#,
        Err("Invalid JSON payload received. Unexpected end of input at line 1 column 12."),
    );
}

#[test]
fn a_field_set_twice_under_its_two_names_is_refused_naming_it() {
    both::<Customer>(
        r#"{"orgDisplayName": "a", "org_display_name": "b"}"#,
        Err(
            "Invalid JSON payload received. Duplicate name \"orgDisplayName\": a field, or one member of a oneof, may be set once.",
        ),
    );
    both::<Customer>(
        r#"{"orgPostalAddress": {"regionCode": "US", "region_code": "CH"}}"#,
        Err(
            "Invalid JSON payload received. Duplicate name \"regionCode\" at 'orgPostalAddress': \
             a field, or one member of a oneof, may be set once.",
        ),
    );
}

#[test]
fn two_members_of_one_oneof_are_refused_naming_the_second() {
    both::<Value>(
        r#"{"int64Value": 1, "stringValue": "x"}"#,
        Err(
            "Invalid JSON payload received. Duplicate name \"stringValue\": \
             a field, or one member of a oneof, may be set once.",
        ),
    );
}

#[test]
fn a_lowercase_t_or_z_in_a_timestamp_is_read_leniently_and_refused_strictly() {
    for text in [
        "2026-01-01t09:30:00Z",
        "2026-01-01T09:30:00z",
        "2026-01-01t09:30:00.5z",
    ] {
        let input = format!(r#"{{"createTime": "{text}"}}"#);
        let lenient = read::<Customer>(&input, JsonMode::Lenient).unwrap();
        assert!(
            lenient.starts_with(r#"{"createTime":"2026-01-01T09:30:00"#),
            "{lenient}"
        );
        let strict = read::<Customer>(&input, JsonMode::Strict).unwrap_err();
        assert_eq!(
            strict,
            format!(
                "Invalid value at 'createTime': invalid timestamp \"{text}\": \
                 the \"T\" and the \"Z\" must be capital letters"
            )
        );
    }
    // Offsets are RFC 3339 and proto3 JSON both.
    both::<Customer>(
        r#"{"createTime": "2026-01-01T10:30:00+01:00"}"#,
        Ok(r#"{"createTime":"2026-01-01T09:30:00Z"}"#),
    );
}

#[test]
fn the_text_check_refuses_a_member_named_twice_and_nesting_past_100() {
    let err = json::check_text(br#"{"customer": {"domain": "a", "domain": "b"}}"#).unwrap_err();
    assert_eq!(err.field(), "customer.domain");
    assert_eq!(
        err.to_string(),
        "Invalid JSON payload received. Duplicate name \"domain\" at 'customer': a field, or one member of a oneof, may be set once."
    );
    // A null first is still a member named twice.
    assert!(json::check_text(br#"{"a": null, "a": 1}"#).is_err());
    assert!(json::check_text(br#"[{"a": 1}, {"a": 1}]"#).is_ok());

    let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    assert!(json::check_text(nested(json::MAX_DEPTH).as_bytes()).is_ok());
    let err = json::check_text(nested(json::MAX_DEPTH + 1).as_bytes()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Invalid JSON payload received. Message too deep. Max recursion depth is 100."
    );
    assert_eq!(err.field(), "[0]".repeat(json::MAX_DEPTH + 1));
    let objects = format!("{}1{}", r#"{"a":"#.repeat(101), "}".repeat(101));
    assert!(matches!(
        json::check_text(objects.as_bytes()),
        Err(json::JsonError::TooDeep { .. })
    ));
    // Far deeper than serde_json's own limit: refused, not a stack overflow.
    assert!(json::check_text(nested(100_000).as_bytes()).is_err());
    assert!(matches!(
        json::check_text(b"{\"a\": 1e400}"),
        Err(json::JsonError::Syntax(_))
    ));
}

#[test]
fn the_text_check_of_an_object_with_many_members_takes_linear_time() {
    let members: Vec<String> = (0..200_000).map(|i| format!(r#""m{i}": {i}"#)).collect();
    let text = format!("{{{}}}", members.join(","));
    let started = std::time::Instant::now();
    json::check_text(text.as_bytes()).unwrap();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}
