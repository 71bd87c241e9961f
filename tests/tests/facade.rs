//! The facade crate exposes the same types as the crates beneath it.

#[test]
fn facade_reexports_the_schema() {
    let e = channel::model::Entitlement {
        offer: "accounts/A1/offers/O1".into(),
        ..Default::default()
    };
    let bytes = prost::Message::encode_to_vec(&e);
    let back: channel_types::model::Entitlement = prost::Message::decode(bytes.as_slice()).unwrap();
    assert_eq!(back.offer, "accounts/A1/offers/O1");
    assert_eq!(channel::methods::ALL.len(), 56);
    let offer = channel::names::OfferRef::parse(&back.offer).unwrap();
    assert_eq!(offer.offer(), "O1");
}
