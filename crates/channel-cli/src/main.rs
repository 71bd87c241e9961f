//! `cloudchannel`: a command line for the Google Cloud Channel API.
//!
//! Every RPC of the API is a command named after its REST resource and verb
//! (`cloudchannel accounts customers-list accounts/C012345`); see
//! [`naming`] for the scheme. A run goes: parse the command line ([`cli`]),
//! build the request JSON from `--json`, `-r` and the positionals
//! ([`request`], typed by [`schema`]), check it against the method's
//! request type, connect ([`connect`]), call and print ([`dispatch`],
//! [`output`]). Failures map to documented exit statuses ([`failure`]).

mod cli;
mod connect;
mod dispatch;
mod failure;
mod naming;
mod output;
mod request;
mod schema;

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use serde_json::Value;

use crate::cli::Invocation;
use crate::failure::Failure;
use crate::naming::Entry;
use crate::output::Output;
use crate::request::RequestBuilder;
use crate::schema::Schema;

fn main() -> ExitCode {
    let schema = match Schema::load() {
        Ok(schema) => schema,
        Err(problem) => return Failure::Other(problem).report(),
    };
    let entries = naming::entries();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "completions") {
        return completions(&entries, &schema, args.get(2));
    }
    let invocation = match cli::parse(&entries, &schema, args) {
        Ok(invocation) => invocation,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(failure::exit::USAGE));
        }
    };
    match run(&entries, &schema, invocation) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

/// `cloudchannel completions bash|zsh|fish`: the completion script on stdout.
fn completions(entries: &[Entry], schema: &Schema, shell: Option<&std::ffi::OsString>) -> ExitCode {
    use clap_complete::Shell;
    let shell = match shell.and_then(|s| s.to_str()) {
        Some("bash") => Shell::Bash,
        Some("zsh") => Shell::Zsh,
        Some("fish") => Shell::Fish,
        other => {
            eprintln!(
                "error: completions: expected bash, zsh or fish, got {}",
                other.unwrap_or("nothing")
            );
            return ExitCode::from(failure::exit::USAGE);
        }
    };
    let mut command = cli::command(entries, schema);
    // Written to memory first: the generator panics on a write error, and a
    // closed pipe (`| head`) is not worth one.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "cloudchannel", &mut script);
    match std::io::stdout().write_all(&script) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: completions: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs a parsed command line.
fn run(entries: &[Entry], schema: &Schema, invocation: Invocation) -> Result<(), Failure> {
    let entry = &entries[invocation.entry];
    let request = build_request(schema, entry, &invocation)?;
    dispatch::check(entry.method, &request)?;
    connect::check(&invocation.globals)?;
    let sink = open_output(&invocation)?;
    let items = entry.method.paging.map(|paging| {
        schema
            .json_path(entry.method.output, paging.items)
            .join(".")
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Other(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async {
        let connection = connect::connect(&invocation.globals).await?;
        if let Some(emulator) = &connection.emulator
            && std::io::stderr().is_terminal()
        {
            failure::note!(
                "emulator: REST {}, gRPC {}, account accounts/{} (discarded when the \
                 command ends)\n",
                emulator.http_endpoint(),
                emulator.grpc_endpoint(),
                channel::emulator::DEFAULT_ACCOUNT
            );
        }
        let mut out = Output::new(sink, invocation.globals.format);
        let mut run = dispatch::Run {
            method: entry.method,
            items,
            all: invocation.all,
            no_wait: invocation.no_wait,
            out: &mut out,
        };
        dispatch::call(&connection.client, request, &mut run).await
    })
}

/// The request JSON: `--json`/`--json-file`, then `-r`, then positionals.
fn build_request(
    schema: &Schema,
    entry: &Entry,
    invocation: &Invocation,
) -> Result<Value, Failure> {
    let mut builder = RequestBuilder::new(schema, entry.method.input).map_err(Failure::Other)?;
    if let Some(text) = &invocation.json {
        let body = serde_json::from_str(text)
            .map_err(|e| Failure::Usage(format!("--json: not valid JSON: {e}")))?;
        builder = builder.with_body("--json", body).map_err(Failure::Usage)?;
    } else if let Some(path) = &invocation.json_file {
        let flag = format!("--json-file {}", path.display());
        let mut text = String::new();
        let read = if path.as_os_str() == "-" {
            std::io::stdin().read_to_string(&mut text).map(drop)
        } else {
            std::fs::read_to_string(path).map(|t| text = t)
        };
        read.map_err(|e| Failure::Usage(format!("{flag}: cannot read it: {e}")))?;
        let body = serde_json::from_str(&text)
            .map_err(|e| Failure::Usage(format!("{flag}: not valid JSON: {e}")))?;
        builder = builder.with_body(&flag, body).map_err(Failure::Usage)?;
    }
    for item in &invocation.settings {
        builder.apply(item).map_err(Failure::Usage)?;
    }
    for (field, value) in &invocation.positionals {
        let patterns = entry.patterns(field);
        if !patterns.iter().any(|p| p.matches(value)) {
            let expected: Vec<&str> = patterns.iter().map(|p| p.pattern).collect();
            return Err(Failure::Usage(format!(
                "<{}>: expected a name like {}, got '{value}'",
                field.replace('.', "_").to_ascii_uppercase(),
                expected.join(" or ")
            )));
        }
        builder.set_path(field, value).map_err(Failure::Usage)?;
    }
    Ok(builder.finish())
}

/// Stdout, or the file of `-o`.
fn open_output(invocation: &Invocation) -> Result<Box<dyn Write>, Failure> {
    match &invocation.globals.output {
        Some(path) => {
            let file = std::fs::File::create(path).map_err(|e| {
                Failure::Usage(format!(
                    "-o {}: cannot create the file: {e}",
                    path.display()
                ))
            })?;
            Ok(Box::new(std::io::BufWriter::new(file)))
        }
        None => Ok(Box::new(std::io::BufWriter::new(std::io::stdout()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splits an example command line the way a shell would (single
    /// quotes only, which is all the examples use).
    fn shell_words(line: &str) -> Vec<String> {
        let mut words = Vec::new();
        let mut word = String::new();
        let mut quoted = false;
        let mut started = false;
        for c in line.chars() {
            match c {
                '\'' => {
                    quoted = !quoted;
                    started = true;
                }
                c if c.is_whitespace() && !quoted => {
                    if started {
                        words.push(std::mem::take(&mut word));
                        started = false;
                    }
                }
                c => {
                    word.push(c);
                    started = true;
                }
            }
        }
        if started {
            words.push(word);
        }
        words
    }

    /// Parses an example and builds and checks its request.
    fn try_example(entries: &[Entry], schema: &Schema, line: &str) -> Result<(), String> {
        let invocation =
            cli::parse(entries, schema, shell_words(line)).map_err(|e| e.to_string())?;
        let entry = &entries[invocation.entry];
        let request = build_request(schema, entry, &invocation).map_err(|e| e.to_string())?;
        dispatch::check(entry.method, &request).map_err(|e| e.to_string())?;
        connect::check(&invocation.globals).map_err(|e| e.to_string())
    }

    #[test]
    fn every_example_in_the_help_parses_and_fits_its_method() {
        let schema = Schema::load().unwrap();
        let entries = naming::entries();
        let mut count = 0;
        for entry in &entries {
            for line in cli::example_lines(entry) {
                try_example(&entries, &schema, &line).unwrap_or_else(|e| panic!("{line}: {e}"));
                count += 1;
            }
        }
        assert!(count >= entries.len());
        let help = cli::command(&entries, &schema).render_help().to_string();
        let examples = help
            .split("Examples:")
            .nth(1)
            .unwrap()
            .split("\n\n")
            .next()
            .unwrap();
        let lines = examples.replace("\\\n", " ");
        let lines: Vec<&str> = lines.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 4, "{lines:?}");
        for line in lines {
            try_example(&entries, &schema, line.trim()).unwrap_or_else(|e| panic!("{line}: {e}"));
        }
    }

    #[test]
    fn positionals_override_the_body_and_are_checked() {
        let schema = Schema::load().unwrap();
        let entries = naming::entries();
        let parse = |args: &[&str]| cli::parse(&entries, &schema, args.iter().copied()).unwrap();
        let invocation = parse(&[
            "cloudchannel",
            "accounts",
            "customers-patch",
            "accounts/A/customers/S",
            "--json",
            r#"{"customer": {"name": "accounts/X/customers/Y", "org_display_name": "N"}}"#,
            "-r",
            "update_mask=orgDisplayName",
        ]);
        let entry = &entries[invocation.entry];
        let request = build_request(&schema, entry, &invocation).unwrap();
        assert_eq!(
            request,
            serde_json::json!({
                "customer": {"name": "accounts/A/customers/S", "orgDisplayName": "N"},
                "updateMask": "orgDisplayName",
            })
        );
        let invocation = parse(&["cloudchannel", "operations", "get", "operations/a/b"]);
        let entry = &entries[invocation.entry];
        assert!(build_request(&schema, entry, &invocation).is_ok());
        let invocation = parse(&["cloudchannel", "operations", "get", "ops/a"]);
        let entry = &entries[invocation.entry];
        let err = build_request(&schema, entry, &invocation).unwrap_err();
        assert_eq!(
            err.to_string(),
            "error: <NAME>: expected a name like operations/**, got 'ops/a'"
        );
    }
}
