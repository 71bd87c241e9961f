//! Any text given to the name parsers gives a name or an error, never a
//! panic, and whatever parses prints back to the same text.
#![no_main]

use channel_types::names::{CustomerRef, EntitlementRef, LocationRef};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(name) = EntitlementRef::parse(text) {
        assert_eq!(name.to_string(), text);
    }
    if let Ok(name) = CustomerRef::parse(text) {
        assert_eq!(name.to_string(), text);
    }
    let _ = LocationRef::parse(text);
});
