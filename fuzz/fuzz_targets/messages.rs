//! Arbitrary bytes and text never panic the binary or JSON decoders, and a
//! message that decodes from JSON encodes again.
#![no_main]

use channel_types::longrunning::Operation;
use channel_types::model::Entitlement;
use libfuzzer_sys::fuzz_target;
use prost::Message;

fuzz_target!(|data: &[u8]| {
    let _ = Entitlement::decode(data);
    let _ = Operation::decode(data);
    if let Ok(e) = serde_json::from_slice::<Entitlement>(data) {
        let _ = serde_json::to_vec(&e);
    }
    if let Ok(op) = serde_json::from_slice::<Operation>(data) {
        let _ = serde_json::to_vec(&op);
    }
});
