//! Golden proto3 JSON documents: each file under `tests/golden/` is decoded
//! into its message, checked field by field, re-encoded, and compared with
//! the file. The documents are in canonical output form (camelCase names,
//! 64-bit integers as strings, enums by name, well-known types in their
//! special forms), so the round trip must give them back exactly.

use channel_types::longrunning::{Operation, operation};
use channel_types::model::{
    Customer, Entitlement, Offer, OperationMetadata, PaymentPlan, PeriodType, entitlement,
    operation_metadata, value,
};
use channel_types::rpc::{BadRequest, ErrorInfo, RetryInfo, Status};
use prost::Message;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn golden(name: &str) -> Value {
    let path = format!("{}/tests/golden/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// Decodes the document, re-encodes it, expects the same JSON back, and
/// checks that the binary form round-trips too.
fn round_trip<T>(name: &str) -> T
where
    T: Message + Default + Serialize + DeserializeOwned + PartialEq,
{
    let doc = golden(name);
    let message: T = serde_json::from_value(doc.clone()).unwrap();
    assert_eq!(
        serde_json::to_value(&message).unwrap(),
        doc,
        "{name} re-encodes differently"
    );
    let binary = T::decode(message.encode_to_vec().as_slice()).unwrap();
    assert!(binary == message, "{name} changes through the binary form");
    message
}

#[test]
fn customer() {
    let c: Customer = round_trip("customer.json");
    assert_eq!(c.name, "accounts/C01abc/customers/S9x7");
    assert_eq!(
        c.org_postal_address.as_ref().unwrap().address_lines,
        ["1 Example Way", "Suite 200"]
    );
    assert_eq!(
        c.primary_contact_info.as_ref().unwrap().email,
        "ada@harbor.example"
    );
    let info = c.cloud_identity_info.as_ref().unwrap();
    assert!(info.is_domain_verified);
    assert_eq!(
        info.customer_type(),
        channel_types::model::cloud_identity_info::CustomerType::Domain
    );
    let updated = c.update_time.unwrap();
    assert_eq!(
        (updated.seconds, updated.nanos),
        (1_772_445_600, 250_000_000)
    );
    assert_eq!(
        c.customer_attestation_state(),
        channel_types::model::customer::CustomerAttestationState::Exempt
    );
}

#[test]
fn entitlement_with_parameters_commitment_and_trial() {
    let e: Entitlement = round_trip("entitlement.json");
    assert_eq!(
        e.provisioning_state(),
        entitlement::ProvisioningState::Suspended
    );
    assert_eq!(
        e.suspension_reasons().collect::<Vec<_>>(),
        [
            entitlement::SuspensionReason::ResellerInitiated,
            entitlement::SuspensionReason::PendingTosAcceptance
        ]
    );
    let kinds: Vec<_> = e
        .parameters
        .iter()
        .map(|p| p.value.as_ref().unwrap().kind.clone().unwrap())
        .collect();
    // Above 2^53: only a string keeps this value exact in JSON.
    assert_eq!(kinds[0], value::Kind::Int64Value(9_007_199_254_740_993));
    assert_eq!(kinds[1], value::Kind::Int64Value(-25));
    assert_eq!(kinds[2], value::Kind::StringValue("12".into()));
    assert_eq!(kinds[3], value::Kind::DoubleValue(0.125));
    assert_eq!(kinds[4], value::Kind::BoolValue(false));
    assert!(e.parameters[0].editable);
    let renewal = e
        .commitment_settings
        .as_ref()
        .unwrap()
        .renewal_settings
        .as_ref()
        .unwrap();
    assert_eq!(renewal.payment_plan(), PaymentPlan::Commitment);
    assert_eq!(
        renewal.payment_cycle.as_ref().unwrap().period_type(),
        PeriodType::Year
    );
    let trial = e.trial_settings.as_ref().unwrap();
    assert!(trial.trial);
    assert_eq!(trial.end_time.unwrap().seconds, 1_774_915_200);
}

#[test]
fn offer_with_money_prices() {
    let o: Offer = round_trip("offer.json");
    let price = o.price_by_resources[0].price.as_ref().unwrap();
    let base = price.base_price.as_ref().unwrap();
    assert_eq!(
        (base.currency_code.as_str(), base.units, base.nanos),
        ("USD", 144, 500_000_000)
    );
    assert_eq!(price.discount, 0.1);
    let phase = &o.price_by_resources[0].price_phases[0];
    let negative = phase.price.as_ref().unwrap().base_price.as_ref().unwrap();
    assert_eq!((negative.units, negative.nanos), (-1, -750_000_000));
    assert_eq!(
        o.plan
            .as_ref()
            .unwrap()
            .trial_period
            .as_ref()
            .unwrap()
            .duration,
        14
    );
    let max = o.parameter_definitions[0].max_value.as_ref().unwrap();
    assert_eq!(max.kind, Some(value::Kind::Int64Value(300)));
}

#[test]
fn operation_with_any_metadata_and_response() {
    let op: Operation = round_trip("operation.json");
    assert!(op.done);
    let meta: OperationMetadata = op.metadata.as_ref().unwrap().to_msg().unwrap();
    assert_eq!(
        meta.operation_type(),
        operation_metadata::OperationType::CreateEntitlement
    );
    let Some(operation::Result::Response(any)) = &op.result else {
        panic!("expected a response, got {:?}", op.result);
    };
    let e: Entitlement = any.to_msg().unwrap();
    assert_eq!(
        e.provisioning_state(),
        entitlement::ProvisioningState::Active
    );
    assert_eq!(
        e.parameters[0].value.as_ref().unwrap().kind,
        Some(value::Kind::Int64Value(20))
    );
}

#[test]
fn status_with_error_details() {
    let status: Status = round_trip("status.json");
    assert_eq!(status.code, 9);
    let info: ErrorInfo = status.details[0].to_msg().unwrap();
    assert_eq!(info.reason, "NOT_SUSPENDED");
    assert_eq!(info.domain, "cloudchannel.googleapis.com");
    assert_eq!(
        info.metadata["entitlement"],
        "accounts/C01abc/customers/S9x7/entitlements/E5q2"
    );
    let bad: BadRequest = status.details[1].to_msg().unwrap();
    assert_eq!(
        bad.field_violations[0].field,
        "entitlement.parameters[0].value"
    );
    let retry: RetryInfo = status.details[2].to_msg().unwrap();
    let delay = retry.retry_delay.unwrap();
    assert_eq!((delay.seconds, delay.nanos), (1, 500_000_000));
}

#[test]
fn input_accepts_proto_names_numbers_for_int64_and_unknown_fields() {
    let lenient = serde_json::json!({
        "org_display_name": "Harbor",
        "cloud_identity_info": {"customer_type": 2, "is_domain_verified": true},
        "aFieldFromTheFuture": {"nested": [1, 2, 3]}
    });
    let c: Customer = serde_json::from_value(lenient).unwrap();
    assert_eq!(c.org_display_name, "Harbor");
    let info = c.cloud_identity_info.unwrap();
    assert_eq!(
        info.customer_type(),
        channel_types::model::cloud_identity_info::CustomerType::Team
    );

    let money: channel_types::r#type::Money = serde_json::from_value(
        serde_json::json!({"currency_code": "EUR", "units": 12, "nanos": 5}),
    )
    .unwrap();
    assert_eq!((money.units, money.nanos), (12, 5));
    let out = serde_json::to_value(&money).unwrap();
    assert_eq!(
        out,
        serde_json::json!({"currencyCode": "EUR", "units": "12", "nanos": 5})
    );
}

#[test]
fn defaults_are_omitted_and_empty_is_an_object() {
    assert_eq!(serde_json::to_string(&Customer::default()).unwrap(), "{}");
    assert_eq!(
        serde_json::to_string(&channel_types::wkt::Empty {}).unwrap(),
        "{}"
    );
    let mask = channel_types::wkt::FieldMask {
        paths: vec![
            "org_display_name".into(),
            "primary_contact_info.email".into(),
        ],
    };
    assert_eq!(
        serde_json::to_value(&mask).unwrap(),
        "orgDisplayName,primaryContactInfo.email"
    );
}

#[test]
fn bad_json_is_an_error_not_a_panic() {
    for bad in [
        r#"{"orgDisplayName": 5}"#,
        r#"{"createTime": "yesterday"}"#,
        r#"{"orgDisplayName": "x""#,
        r#"[]"#,
    ] {
        assert!(
            serde_json::from_str::<Customer>(bad).is_err(),
            "{bad} was accepted"
        );
    }
    assert!(serde_json::from_str::<channel_types::r#type::Money>(r#"{"units": "12x"}"#).is_err());
    // An enum name newer than the schema is an error only when reading strictly.
    let newer = br#"{"cloudIdentityInfo": {"customerType": "NOT_A_TYPE"}}"#;
    assert!(channel_types::json::from_slice_strict::<Customer>(newer).is_err());
    let read: Customer = serde_json::from_slice(newer).unwrap();
    assert_eq!(read.cloud_identity_info.unwrap().customer_type, 0);
}

#[test]
fn enum_values_outside_the_schema_pass_through_as_numbers() {
    let json = serde_json::json!({"operationType": 6});
    let meta: OperationMetadata = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(meta.operation_type, 6);
    assert_eq!(serde_json::to_value(meta).unwrap(), json);
    let e: Entitlement =
        serde_json::from_value(serde_json::json!({"suspensionReasons": ["TRIAL_ENDED", 42]}))
            .unwrap();
    assert_eq!(e.suspension_reasons, [2, 42]);
    assert_eq!(
        serde_json::to_value(&e).unwrap(),
        serde_json::json!({"suspensionReasons": ["TRIAL_ENDED", 42]})
    );
    // Numbers for known values are read too, and written back by name.
    let meta: OperationMetadata =
        serde_json::from_value(serde_json::json!({"operationType": 1})).unwrap();
    assert_eq!(
        serde_json::to_value(meta).unwrap(),
        serde_json::json!({"operationType": "CREATE_ENTITLEMENT"})
    );
    assert!(
        serde_json::from_value::<OperationMetadata>(serde_json::json!({"operationType": 1e20}))
            .is_err()
    );
}
