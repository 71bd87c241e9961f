//! The answer to a handler that panicked: INTERNAL on both wires, logged,
//! instead of a connection dropped without a word. The servers keep
//! serving; the engine's lock recovers from poisoning (see `Engine::write`).

use std::any::Any;

use axum::body::Body;
use channel_core::Error;
use channel_types::rpc::Code;
use http::Response;

const MESSAGE: &str = "the emulator failed while handling the request";

fn log(panic: &(dyn Any + Send)) {
    let what = panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic without a message");
    tracing::error!(panic = what, "a handler panicked; answered INTERNAL");
}

/// HTTP 500 with Google's JSON error envelope.
pub(crate) fn rest_answer(panic: Box<dyn Any + Send + 'static>) -> Response<Body> {
    log(panic.as_ref());
    super::rest::error_response(&Error::rpc(Code::Internal, MESSAGE))
}

/// gRPC status INTERNAL (a trailers-only response).
pub(crate) fn grpc_answer(panic: Box<dyn Any + Send + 'static>) -> Response<Body> {
    log(panic.as_ref());
    tonic::Status::internal(MESSAGE).into_http()
}
