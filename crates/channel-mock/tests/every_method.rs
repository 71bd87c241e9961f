//! Every RPC of the method table reaches the engine on both wires: none is
//! answered `UNIMPLEMENTED`, so the generated adapters and the engine's
//! service traits cover the whole schema.

mod support;

use channel_mock::{Emulator, EmulatorConfig};
use channel_types::methods;
use channel_types::rpc::Code;
use channel_types::wkt::Empty;

/// A path for a template: each variable is its pattern, every `*` an `x`
/// and every `**` two segments.
fn sample_path(template: &str) -> String {
    let mut out = String::new();
    // Split on the braces, the variables are the odd parts.
    for (i, part) in template.split(['{', '}']).enumerate() {
        if i % 2 == 0 {
            out.push_str(part);
        } else {
            let pattern = part.split_once('=').map_or("*", |(_, p)| p);
            out.push_str(&pattern.replace("**", "y/z").replace('*', "x"));
        }
    }
    out
}

#[tokio::test]
async fn every_http_binding_of_every_method_reaches_the_engine_over_rest() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let mut calls = 0;
    for method in methods::ALL {
        for binding in method.http {
            let path = sample_path(binding.path);
            let body = if binding.body.is_some() { "{}" } else { "" };
            let (status, _, answer) =
                support::http_call(emulator.http_addr(), binding.verb.as_str(), &path, "", body)
                    .await;
            // 501 is UNIMPLEMENTED: no handler, or the trait's default body.
            assert_ne!(status, 501, "{} {path}: {answer}", method.name);
            assert_ne!(status, 0, "{} {path}: no answer", method.name);
            calls += 1;
        }
    }
    assert!(calls >= methods::ALL.len());
}

#[tokio::test]
async fn every_method_reaches_the_engine_over_grpc() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let channel = tonic::transport::Endpoint::from_shared(emulator.grpc_endpoint())
        .unwrap()
        .connect()
        .await
        .unwrap();
    for method in methods::ALL {
        let mut grpc = tonic::client::Grpc::new(channel.clone());
        grpc.ready().await.unwrap();
        // An empty message is a valid encoding of every request, and every
        // response reads as `Empty` (its fields skipped as unknown).
        let answer = grpc
            .unary::<Empty, Empty, _>(
                tonic::Request::new(Empty {}),
                http::uri::PathAndQuery::from_static(method.grpc_path),
                tonic_prost::ProstCodec::default(),
            )
            .await;
        if let Err(status) = answer {
            assert_ne!(
                status.code() as i32,
                Code::Unimplemented as i32,
                "{}: {status:?}",
                method.name
            );
        }
    }
}
