//! Records the version of tonic this crate is built against, for the
//! transport token of `x-goog-api-client`. It is read from the
//! workspace's Cargo.lock; a build without one (a published package) falls
//! back to the version range the manifest asks for.

use std::path::PathBuf;

const DEPENDENCY: &str = "tonic";
const FALLBACK: &str = "0.14";

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let lock = manifest.join("../../Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock.display());
    println!("cargo:rerun-if-changed=../../build-support/locked_version.rs");
    let version = std::fs::read_to_string(&lock)
        .ok()
        .and_then(|text| locked_version(&text, DEPENDENCY))
        .unwrap_or_else(|| FALLBACK.to_string());
    println!("cargo:rustc-env=CHANNEL_TONIC_VERSION={version}");
}

include!("../../build-support/locked_version.rs");
