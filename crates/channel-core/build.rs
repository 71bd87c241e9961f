//! Records the version of the compiler building this crate, for the
//! `gl-rust/<version>` token of `x-goog-api-client`.

use std::process::Command;

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| parse(&text))
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=CHANNEL_RUSTC_VERSION={version}");
    println!("cargo:rerun-if-env-changed=RUSTC");
}

/// `rustc 1.91.0 (f8297e351 2025-10-28)` gives `1.91.0`; a nightly or beta
/// keeps its suffix (`1.93.0-nightly`), which is still one token.
fn parse(text: &str) -> Option<String> {
    let version = text.split_whitespace().nth(1)?;
    let ok = !version.is_empty()
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    ok.then(|| version.to_string())
}
