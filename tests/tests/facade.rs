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
    let facade: Vec<&str> = channel::methods::ALL.iter().map(|m| m.grpc_path).collect();
    let beneath: Vec<&str> = channel_types::methods::ALL
        .iter()
        .map(|m| m.grpc_path)
        .collect();
    assert!(!facade.is_empty());
    assert_eq!(facade, beneath);
    let offer = channel::names::OfferNameRef::parse(&back.offer).unwrap();
    assert_eq!(offer.offer(), "O1");
}

/// Every client option can be set with the facade alone: universe domain,
/// API key, client certificate, and the constants naming the environment
/// variables and endpoints the options read.
#[test]
fn facade_users_can_set_every_client_option() {
    let certificate = channel::ClientCertificate::from_source(|| {
        Ok(channel::CertificatePem {
            certificate_chain: b"-----BEGIN CERTIFICATE-----".to_vec(),
            private_key: b"-----BEGIN PRIVATE KEY-----".to_vec(),
        })
    });
    let builder = channel::Client::builder()
        .universe_domain(channel::DEFAULT_UNIVERSE_DOMAIN)
        .api_key("key")
        .client_certificate(certificate);
    assert!(builder.config().api_key.is_some());
    assert_eq!(
        channel::UseMtlsEndpoint::parse("always").unwrap(),
        channel::UseMtlsEndpoint::Always
    );
    assert!(channel::MTLS_ENDPOINT.starts_with("https://"));
    for name in [
        channel::UNIVERSE_DOMAIN_ENV,
        channel::USE_CLIENT_CERTIFICATE_ENV,
        channel::USE_MTLS_ENDPOINT_ENV,
    ] {
        assert!(name.starts_with("GOOGLE_"), "{name}");
    }
    let endpoint = channel::EndpointUrl::parse("http://127.0.0.1:1", None).unwrap();
    assert!(endpoint.is_loopback());
    assert_eq!(channel::DEFAULT_TIMEOUT.as_secs(), 60);
}
