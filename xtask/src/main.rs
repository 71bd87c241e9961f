//! Project workflows, run as `cargo xtask <command>`.
//!
//! - `codegen`: compile the schema under `crates/channel-types/proto` and
//!   rewrite every `src/generated/` folder from it.
//! - `codegen --check`: regenerate in memory and fail, naming the files, when
//!   the committed output differs.

mod builders;
mod client_tables;
mod codegen;
mod mock_tables;
mod schema;
mod tables;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["codegen"] => codegen::run(codegen::Mode::Write),
        ["codegen", "--check"] => codegen::run(codegen::Mode::Check),
        _ => {
            eprintln!("usage: cargo xtask codegen [--check]");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
