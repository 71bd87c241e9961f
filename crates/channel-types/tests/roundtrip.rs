//! Property tests: random messages survive the binary and the JSON wire
//! unchanged.

use channel_types::longrunning::{Operation, operation};
use channel_types::model::{
    CloudIdentityInfo, CommitmentSettings, ContactInfo, Customer, Entitlement, OperationMetadata,
    Parameter, Period, RenewalSettings, TrialSettings, Value, value,
};
use channel_types::rpc::{ErrorInfo, Status};
use channel_types::wkt::{Any, Timestamp};
use proptest::prelude::*;
use prost::Message;
use serde::Serialize;
use serde::de::DeserializeOwned;

fn timestamp() -> impl Strategy<Value = Timestamp> {
    (-62_135_596_800i64..=253_402_300_799, 0i32..1_000_000_000)
        .prop_map(|(seconds, nanos)| Timestamp { seconds, nanos })
}

fn finite() -> impl Strategy<Value = f64> {
    any::<f64>().prop_filter("finite", |f| f.is_finite())
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(value::Kind::Int64Value),
        any::<String>().prop_map(value::Kind::StringValue),
        finite().prop_map(value::Kind::DoubleValue),
        any::<bool>().prop_map(value::Kind::BoolValue),
        any::<i32>().prop_map(|t| value::Kind::ProtoValue(
            Any::from_msg(&OperationMetadata {
                operation_type: t.rem_euclid(17)
            })
            .unwrap()
        )),
    ]
    .prop_map(|kind| Value { kind: Some(kind) })
}

fn period() -> impl Strategy<Value = Period> {
    (any::<i32>(), 0i32..4).prop_map(|(duration, period_type)| Period {
        duration,
        period_type,
    })
}

fn entitlement() -> impl Strategy<Value = Entitlement> {
    (
        (
            any::<String>(),
            proptest::option::of(timestamp()),
            any::<String>(),
        ),
        proptest::option::of((
            proptest::option::of(timestamp()),
            any::<bool>(),
            0i32..6,
            proptest::option::of(period()),
        )),
        prop::collection::vec(
            prop_oneof![Just(1i32), Just(2), Just(3), Just(4), Just(100)],
            0..3,
        ),
        prop::collection::vec(
            (
                any::<String>(),
                proptest::option::of(value()),
                any::<bool>(),
            ),
            0..4,
        ),
        proptest::option::of((any::<bool>(), proptest::option::of(timestamp()))),
        prop_oneof![Just(0i32), Just(1), Just(5)],
    )
        .prop_map(
            |((name, created, offer), commitment, reasons, params, trial, state)| Entitlement {
                name,
                create_time: created,
                offer,
                commitment_settings: commitment.map(|(start, renew, plan, cycle)| {
                    CommitmentSettings {
                        start_time: start,
                        end_time: None,
                        renewal_settings: Some(RenewalSettings {
                            enable_renewal: renew,
                            resize_unit_count: !renew,
                            payment_plan: plan,
                            payment_cycle: cycle,
                        }),
                    }
                }),
                suspension_reasons: reasons,
                parameters: params
                    .into_iter()
                    .map(|(name, value, editable)| Parameter {
                        name,
                        value,
                        editable,
                    })
                    .collect(),
                trial_settings: trial.map(|(trial, end_time)| TrialSettings { trial, end_time }),
                provisioning_state: state,
                ..Default::default()
            },
        )
}

fn customer() -> impl Strategy<Value = Customer> {
    (
        any::<String>(),
        any::<String>(),
        any::<String>(),
        any::<bool>(),
        0i32..3,
        proptest::option::of(timestamp()),
    )
        .prop_map(
            |(name, org, email, verified, customer_type, updated)| Customer {
                name,
                org_display_name: org.clone(),
                primary_contact_info: Some(ContactInfo {
                    email: email.clone(),
                    ..Default::default()
                }),
                alternate_email: email,
                cloud_identity_info: Some(CloudIdentityInfo {
                    customer_type,
                    is_domain_verified: verified,
                    primary_domain: org,
                    ..Default::default()
                }),
                update_time: updated,
                ..Default::default()
            },
        )
}

fn operation() -> impl Strategy<Value = Operation> {
    (
        any::<String>(),
        any::<bool>(),
        entitlement(),
        any::<i32>(),
        any::<String>(),
        any::<bool>(),
    )
        .prop_map(|(name, done, e, code, message, failed)| {
            let result = if failed {
                let info = ErrorInfo {
                    reason: message.clone(),
                    domain: "cloudchannel.googleapis.com".into(),
                    ..Default::default()
                };
                operation::Result::Error(Status {
                    code,
                    message,
                    details: vec![Any::from_msg(&info).unwrap()],
                })
            } else {
                operation::Result::Response(Any::from_msg(&e).unwrap())
            };
            Operation {
                name,
                metadata: Some(Any::from_msg(&OperationMetadata { operation_type: 1 }).unwrap()),
                done,
                result: Some(result),
            }
        })
}

fn both_wires<T>(message: &T) -> Result<(), TestCaseError>
where
    T: Message + Default + Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let binary = T::decode(message.encode_to_vec().as_slice()).expect("binary decodes");
    prop_assert_eq!(&binary, message);
    let text = serde_json::to_string(message).expect("JSON encodes");
    let json: T = serde_json::from_str(&text).expect("JSON decodes");
    prop_assert_eq!(&json, message);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn entitlements_round_trip(e in entitlement()) {
        both_wires(&e)?;
    }

    #[test]
    fn customers_round_trip(c in customer()) {
        both_wires(&c)?;
    }

    #[test]
    fn operations_round_trip(op in operation()) {
        both_wires(&op)?;
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = Entitlement::decode(bytes.as_slice());
        let _ = Operation::decode(bytes.as_slice());
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,64}") {
        let _ = serde_json::from_str::<Entitlement>(&text);
        let _ = serde_json::from_str::<Operation>(&text);
        let _ = serde_json::from_str::<Timestamp>(&format!("\"{text}\""));
    }
}
