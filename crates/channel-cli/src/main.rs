//! `cloudchannel`: a command line for the Cloud Channel API.
//!
//! The subcommands are not built yet; the binary says so and exits with the
//! status used for usage errors, rather than pretending to work.

use std::process::ExitCode;

fn main() -> ExitCode {
    eprintln!(
        "cloudchannel {}: no subcommands are available yet (UNIMPLEMENTED)",
        env!("CARGO_PKG_VERSION")
    );
    ExitCode::from(2)
}
