//! Building messages with `new()` and the generated `set_*` setters: the
//! same message as a struct literal, on both wires, with enums by name.

use channel_types::model::{
    ChannelPartnerLink, ChannelPartnerLinkState, Customer, Entitlement, ListSubscribersRequest,
    Parameter, Value, entitlement, value,
};
use channel_types::r#type::PostalAddress;
use prost::Message as _;

#[test]
fn a_message_built_with_setters_equals_its_struct_literal() {
    let built = Customer::new()
        .set_org_display_name("Example Org")
        .set_org_postal_address(PostalAddress::new().set_region_code("US"))
        .set_domain(String::from("example.com"));
    let literal = Customer {
        org_display_name: "Example Org".into(),
        org_postal_address: Some(PostalAddress {
            region_code: "US".into(),
            ..Default::default()
        }),
        domain: "example.com".into(),
        ..Default::default()
    };
    assert_eq!(built, literal);
}

#[test]
fn a_oneof_member_setter_picks_that_member_and_replaces_another() {
    let seats = Value::new().set_int64_value(10);
    assert_eq!(seats.kind, Some(value::Kind::Int64Value(10)));
    let renamed = seats.set_string_value("ten");
    assert_eq!(renamed.kind, Some(value::Kind::StringValue("ten".into())));
    let cleared = renamed.set_kind(None);
    assert_eq!(cleared.kind, None);
}

#[test]
fn a_repeated_setter_takes_any_iterable_and_replaces_the_elements() {
    let seats = Parameter::new()
        .set_name("num_units")
        .set_value(Value::new().set_int64_value(10));
    let entitlement = Entitlement::new()
        .set_parameters([Parameter::new().set_name("max_units")])
        .set_parameters(vec![seats.clone()]);
    assert_eq!(entitlement.parameters, vec![seats]);
}

#[test]
fn an_enum_field_takes_the_enum_and_reads_back_as_it() {
    let link = ChannelPartnerLink::new().set_link_state(ChannelPartnerLinkState::Active);
    assert_eq!(link.link_state, ChannelPartnerLinkState::Active as i32);
    assert_eq!(link.link_state(), ChannelPartnerLinkState::Active);
}

#[test]
fn an_enum_number_the_schema_lacks_reads_as_the_default_and_debugs_as_its_number() {
    let entitlement = Entitlement {
        provisioning_state: 77,
        ..Default::default()
    };
    assert_eq!(
        entitlement.provisioning_state(),
        entitlement::ProvisioningState::Unspecified
    );
    assert!(format!("{entitlement:?}").contains("provisioning_state: 77"));
}

#[test]
fn debug_shows_an_enum_field_by_its_name() {
    let entitlement =
        Entitlement::new().set_provisioning_state(entitlement::ProvisioningState::Suspended);
    let debug = format!("{entitlement:?}");
    assert!(debug.starts_with("Entitlement {"), "{debug}");
    assert!(debug.contains("provisioning_state: Suspended"), "{debug}");
}

#[test]
fn an_enum_field_keeps_its_wire_forms() {
    let entitlement =
        Entitlement::new().set_provisioning_state(entitlement::ProvisioningState::Suspended);
    // Field 13, varint: tag 13 << 3 = 104, then the value 5.
    assert_eq!(entitlement.encode_to_vec(), vec![104, 5]);
    assert_eq!(
        serde_json::to_string(&entitlement).unwrap(),
        r#"{"provisioningState":"SUSPENDED"}"#
    );
    let read: Entitlement = serde_json::from_str(r#"{"provisioningState":"ACTIVE"}"#).unwrap();
    assert_eq!(
        read.provisioning_state(),
        entitlement::ProvisioningState::Active
    );
}

#[test]
fn an_optional_field_is_set_or_cleared() {
    let request = ListSubscribersRequest::new().set_integrator("integrators/I1");
    assert_eq!(request.integrator.as_deref(), Some("integrators/I1"));
    let cleared = request.set_or_clear_integrator(None::<String>);
    assert_eq!(cleared.integrator, None);
}

#[test]
fn a_map_setter_takes_any_pairs_and_replaces_the_entries() {
    use channel_types::rpc::ErrorInfo;
    let info = ErrorInfo::new()
        .set_metadata([("stale", "gone")])
        .set_metadata(vec![
            ("field", String::from("parent")),
            ("kind", "name".into()),
        ]);
    let keys: Vec<&str> = {
        let mut keys: Vec<&str> = info.metadata.keys().map(String::as_str).collect();
        keys.sort_unstable();
        keys
    };
    assert_eq!(keys, ["field", "kind"]);
    assert_eq!(info.metadata["field"], "parent");
}

#[test]
fn a_repeated_enum_setter_takes_the_enums_and_stores_their_numbers() {
    let entitlement = Entitlement::new().set_suspension_reasons([
        entitlement::SuspensionReason::TrialEnded,
        entitlement::SuspensionReason::ResellerInitiated,
    ]);
    assert_eq!(
        entitlement.suspension_reasons,
        [
            entitlement::SuspensionReason::TrialEnded as i32,
            entitlement::SuspensionReason::ResellerInitiated as i32
        ]
    );
}
