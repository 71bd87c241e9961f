//! The protobuf codec of every call.
//!
//! Requests are encoded with tonic-prost's encoder. Responses are decoded
//! here so that a malformed message keeps its `prost::DecodeError` as the
//! source of the status: the error mapping then tells a response that could
//! not be read from a status the server sent.

use std::marker::PhantomData;
use std::sync::Arc;

use tonic::Status;
use tonic::codec::{Codec, DecodeBuf, Decoder};
use tonic_prost::ProstEncoder;

/// Encodes `Req`, decodes `Resp`.
pub(crate) struct MessageCodec<Req, Resp>(PhantomData<fn(Req) -> Resp>);

impl<Req, Resp> Default for MessageCodec<Req, Resp> {
    fn default() -> Self {
        MessageCodec(PhantomData)
    }
}

impl<Req, Resp> Codec for MessageCodec<Req, Resp>
where
    Req: prost::Message + Send + 'static,
    Resp: prost::Message + Default + Send + 'static,
{
    type Encode = Req;
    type Decode = Resp;
    type Encoder = ProstEncoder<Req>;
    type Decoder = ResponseDecoder<Resp>;

    fn encoder(&mut self) -> Self::Encoder {
        ProstEncoder::default()
    }

    fn decoder(&mut self) -> Self::Decoder {
        ResponseDecoder(PhantomData)
    }
}

/// Decodes one response message, keeping the decode error as the source.
pub(crate) struct ResponseDecoder<Resp>(PhantomData<fn() -> Resp>);

impl<Resp: prost::Message + Default> Decoder for ResponseDecoder<Resp> {
    type Item = Resp;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Resp>, Status> {
        match Resp::decode(src) {
            Ok(message) => Ok(Some(message)),
            Err(err) => {
                let mut status = Status::internal(format!("malformed response message: {err}"));
                status.set_source(Arc::new(err));
                Err(status)
            }
        }
    }
}
