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
mod config;
mod connect;
mod dispatch;
mod emulator;
mod failure;
mod fields;
mod generated;
mod logging;
mod naming;
mod output;
mod properties;
mod request;
mod schema;
mod yaml;

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use serde_json::Value;

use crate::cli::{ConfigAction, Invocation, Parsed};
use crate::config::Config;
use crate::connect::{Extras, GlobalArgs};
use crate::failure::Failure;
use crate::naming::Entry;
use crate::output::{Format, Output, Style};
use crate::properties::Properties;
use crate::request::RequestBuilder;
use crate::schema::Schema;

fn main() -> ExitCode {
    let schema = match Schema::load() {
        Ok(schema) => schema,
        Err(problem) => return Failure::Other(problem).report(),
    };
    let entries = naming::entries();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let swallowed = cli::positional_taken_by_r(&args);
    let parsed = match cli::parse(&entries, &schema, args) {
        Ok(parsed) => parsed,
        Err(error) => {
            let _ = error.print();
            if error.kind() == clap::error::ErrorKind::MissingRequiredArgument
                && let Some(value) = swallowed
            {
                failure::note!(
                    "\nhint: -r took '{}' as a setting, as it takes every value up to the \
                     next flag: put positional arguments before -r, or after `--`\n",
                    failure::printable(&value)
                );
            }
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(failure::exit::USAGE));
        }
    };
    let globals = match &parsed {
        Parsed::Call(invocation) => &invocation.globals,
        Parsed::Config(globals, _)
        | Parsed::Emulator(globals, _)
        | Parsed::Completions(globals, _) => globals,
    };
    let ansi = match globals.color.as_str() {
        "always" => true,
        "never" => false,
        _ => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    logging::init(
        globals.verbose,
        globals.verbosity.as_deref(),
        globals.debug,
        ansi,
    );
    let outcome = match parsed {
        Parsed::Call(invocation) => run(&entries, &schema, invocation),
        Parsed::Config(globals, action) => configure(&globals, action),
        Parsed::Emulator(globals, control) => control_emulator(globals, control),
        Parsed::Completions(globals, shell) => completions(&entries, &schema, &globals, &shell),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

/// `cloudchannel completions bash|zsh|fish`: the completion script on
/// stdout, or in the file of `-o`.
fn completions(
    entries: &[Entry],
    schema: &Schema,
    globals: &GlobalArgs,
    shell: &str,
) -> Result<(), Failure> {
    use clap_complete::Shell;
    let shell = match shell {
        "bash" => Shell::Bash,
        "zsh" => Shell::Zsh,
        "fish" => Shell::Fish,
        other => {
            return Err(Failure::Usage(format!(
                "completions: expected bash, zsh or fish, got '{other}'"
            )));
        }
    };
    let mut command = cli::command(entries, schema);
    // Written to memory first: the generator panics on a write error, and a
    // closed pipe (`| head`) is not worth one.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "cloudchannel", &mut script);
    let mut out = open_output(globals)?;
    out.write_all(&script)?;
    out.flush()?;
    Ok(())
}

/// `cloudchannel config ...`.
fn configure(globals: &GlobalArgs, action: ConfigAction) -> Result<(), Failure> {
    let dir = config::directory(globals).ok_or_else(|| {
        Failure::Usage(
            "config: this system names no configuration directory; give one with \
             --config-dir DIR"
                .into(),
        )
    })?;
    let properties = Properties::parse_output(&globals.properties).map_err(Failure::Usage)?;
    let mut config = Config::load(Some(&dir))?;
    let mut out = open_output(globals)?;
    // A format given prints through the same writer as API responses, so
    // `-p pretty-print`, `callback` and `fields` apply as they do there.
    let formatted = |out, format, value: &serde_json::Value| -> Result<(), Failure> {
        let style = style(format, &properties)?;
        Output::new(out, style, None).response(value, false)?;
        Ok(())
    };
    match action {
        ConfigAction::Set(key, value) => {
            config.set(&key, &value)?;
            config.save(&dir)?;
        }
        ConfigAction::Unset(key) => {
            if config.unset(&key)? {
                config.save(&dir)?;
            }
        }
        ConfigAction::Get(key, format) => match config.get(&key) {
            Some(value) => match format {
                Some(format) => return formatted(out, format, &value.into()),
                None => writeln!(out, "{value}")?,
            },
            None => {
                return Err(Failure::Usage(format!(
                    "config: {key} is not set (in {})",
                    dir.display()
                )));
            }
        },
        ConfigAction::List(None) => {
            for (key, value) in config.entries() {
                writeln!(out, "{key}: {value}")?;
            }
        }
        ConfigAction::List(Some(format)) => {
            let entries: serde_json::Map<String, serde_json::Value> = config
                .entries()
                .map(|(key, value)| (key.to_string(), value.into()))
                .collect();
            return formatted(out, format, &entries.into());
        }
    }
    out.flush()?;
    Ok(())
}

/// `cloudchannel emulator ...`.
fn control_emulator(mut globals: GlobalArgs, control: emulator::Control) -> Result<(), Failure> {
    let properties = Properties::parse_output(&globals.properties).map_err(Failure::Usage)?;
    let style = style(globals.format, &properties)?;
    let config = Config::load(config::directory(&globals).as_deref())?;
    config.apply(&mut globals, false);
    let base = emulator::base_url(globals.endpoint.as_deref())?;
    let timeout = globals
        .timeout
        .unwrap_or(std::time::Duration::from_secs(30));
    let runtime = runtime()?;
    let answer = runtime.block_on(emulator::send(&base, &control, timeout))?;
    let mut out = Output::new(open_output(&globals)?, style, None);
    out.response(&answer, false)?;
    Ok(())
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Other(format!("cannot start the async runtime: {e}")))
}

/// Runs a method call.
fn run(entries: &[Entry], schema: &Schema, mut invocation: Invocation) -> Result<(), Failure> {
    let entry = &entries[invocation.entry];
    let config = Config::load(config::directory(&invocation.globals).as_deref())?;
    let properties =
        Properties::parse(&invocation.globals.properties, entry.method).map_err(Failure::Usage)?;
    config.apply(
        &mut invocation.globals,
        properties.key.is_some() || properties.token.is_some(),
    );
    for note in &properties.notes {
        failure::note!("warning: {note}\n");
    }
    let request = build_request(schema, entry, &invocation, &config, &properties)?;
    dispatch::check(entry.method, &request)?;
    connect::check(&invocation.globals)?;
    if let Some((selector, selection)) = &properties.fields {
        check_selection(schema, entry, invocation.no_wait, selector, selection)?;
    }
    let style = style(invocation.globals.format, &properties)?;
    let sink = open_output(&invocation.globals)?;
    let items = entry.method.paging.map(|paging| {
        schema
            .json_path(entry.method.output, paging.items)
            .join(".")
    });
    let streamed = invocation.all || invocation.limit.is_some();
    let extras = Extras {
        headers: properties.headers(entry.method.lro.is_none() && !streamed),
        api_key: properties.key.clone(),
        token: properties.token.clone(),
    };
    let runtime = runtime()?;
    runtime.block_on(async {
        let connection = connect::connect(&invocation.globals, &extras).await?;
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
        let mut out = Output::new(sink, style, items);
        if invocation
            .globals
            .output
            .as_ref()
            .is_some_and(|path| path.as_os_str() != "-")
        {
            out = out.whole_or_nothing();
        }
        let mut run = dispatch::Run {
            method: entry.method,
            all: invocation.all,
            limit: invocation.limit,
            no_wait: invocation.no_wait,
            out: &mut out,
        };
        dispatch::call(&connection.client, request, &mut run).await
    })
}

/// Refuses a `-p fields` selector that names no field of what the command
/// prints, as Google's front end refuses it, before anything is sent.
fn check_selection(
    schema: &Schema,
    entry: &Entry,
    no_wait: bool,
    selector: &str,
    selection: &crate::fields::Selection,
) -> Result<(), Failure> {
    // What is printed: the operation's result once it is done, unless
    // --no-wait prints the operation itself.
    let printed = match entry.method.lro {
        Some(lro) if !no_wait => lro.response,
        _ => entry.method.output,
    };
    selection.check(schema, printed).map_err(|e| {
        let mut message = format!("-p 'fields={selector}': {e}");
        // `--all -p fields=name` means the items' names: say how.
        if let Some(paging) = entry.method.paging
            && let Some(item) = schema
                .message(entry.method.output)
                .and_then(|m| m.field(paging.items))
            && let Some(item_type) = item.message_type()
            && selection.check(schema, item_type).is_ok()
        {
            message.push_str(&format!(
                "; a selector names fields of the whole response, e.g. {}({selector})",
                item.json_name
            ));
        }
        Failure::Usage(message)
    })
}

/// How responses are printed: `--format` and the output properties.
fn style(format: Format, properties: &Properties) -> Result<Style, Failure> {
    let mut style = Style::new(format);
    if let Some(pretty) = properties.pretty {
        style.pretty = pretty;
    }
    if let Some(callback) = &properties.callback {
        if format != Format::Json {
            return Err(Failure::Usage(
                "-p callback wraps JSON: it cannot be used with --format other than json".into(),
            ));
        }
        style.callback = Some(callback.clone());
    }
    style.fields = properties.fields.as_ref().map(|(_, s)| s.clone());
    Ok(style)
}

/// The request JSON: `--json`/`--json-file`, then `-r`, then the method's
/// `-p` parameters and `--page-size`/`--filter`, then positionals (the
/// configured account filling an account left out).
fn build_request(
    schema: &Schema,
    entry: &Entry,
    invocation: &Invocation,
    config: &Config,
    properties: &Properties,
) -> Result<Value, Failure> {
    let mut builder = RequestBuilder::new(schema, entry.method.input).map_err(Failure::Other)?;
    if let Some(text) = &invocation.json {
        let body = request::parse_body("--json", text).map_err(Failure::Usage)?;
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
        let body = request::parse_body(&flag, &text).map_err(Failure::Usage)?;
        builder = builder.with_body(&flag, body).map_err(Failure::Usage)?;
    }
    for item in &invocation.settings {
        builder.apply(item).map_err(Failure::Usage)?;
    }
    for (field, value) in &properties.parameters {
        builder
            .set_field(field, value)
            .map_err(|e| Failure::Usage(format!("-p {}={value}: {e}", field.replace('_', "-"))))?;
    }
    if let Some(paging) = entry.method.paging {
        if let Some(size) = invocation.page_size {
            builder
                .set_field(paging.page_size, &size.to_string())
                .map_err(|e| Failure::Usage(format!("--page-size: {e}")))?;
        }
        if let Some(filter) = &invocation.filter {
            builder
                .set_field("filter", filter)
                .map_err(|e| Failure::Usage(format!("--filter: {e}")))?;
        }
    }
    let mut positionals = invocation.positionals.clone();
    for var in &entry.vars {
        // The configured account fills only a field nothing else set.
        if !positionals.iter().any(|(f, _)| *f == var.field)
            && builder.string_at(var.field).is_none()
            && cli::is_account(entry, var)
        {
            let account = config.account().ok_or_else(|| {
                Failure::Usage(format!(
                    "<{}>: expected the reseller account, e.g. accounts/C012345 (or set a \
                     default with `cloudchannel config set account C012345`)",
                    var.field.replace('.', "_").to_ascii_uppercase()
                ))
            })?;
            positionals.push((var.field, account));
        }
    }
    for (field, value) in &positionals {
        let arg = format!("<{}>", field.replace('.', "_").to_ascii_uppercase());
        let patterns = entry.patterns(field);
        if !patterns.iter().any(|p| p.matches(value)) {
            let expected: Vec<&str> = patterns.iter().map(|p| p.pattern).collect();
            return Err(Failure::Usage(format!(
                "{arg}: expected a name like {}, got '{value}'",
                expected.join(" or ")
            )));
        }
        builder
            .set_positional(&arg, field, value)
            .map_err(Failure::Usage)?;
    }
    let mut body = builder.finish();
    // `products list` and the like name the reseller in an `account` field.
    if let Some(account) = config.account()
        && schema
            .message(entry.method.input)
            .is_some_and(|m| m.field("account").is_some())
        && let Some(object) = body.as_object_mut()
        && !object.contains_key("account")
    {
        object.insert("account".into(), Value::String(account));
    }
    Ok(body)
}

/// Stdout (also for `-o -`), or the file of `-o`.
fn open_output(globals: &GlobalArgs) -> Result<Box<dyn Write>, Failure> {
    match &globals.output {
        Some(path) if path.as_os_str() != "-" => {
            let file = output::FileSink::create(path).map_err(|e| {
                Failure::Usage(format!(
                    "-o {}: cannot create the file: {e}",
                    path.display()
                ))
            })?;
            Ok(Box::new(file))
        }
        _ => Ok(Box::new(std::io::BufWriter::new(std::io::stdout()))),
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

    /// A configuration with a default account, as the examples assume.
    fn configured() -> Config {
        let mut config = Config::default();
        config.set("account", "C012345").unwrap();
        config
    }

    /// Builds the request of a parsed command line.
    fn request_of(
        schema: &Schema,
        entry: &Entry,
        invocation: &Invocation,
        config: &Config,
    ) -> Result<Value, Failure> {
        let properties = Properties::parse(&invocation.globals.properties, entry.method)
            .map_err(Failure::Usage)?;
        style(invocation.globals.format, &properties)?;
        build_request(schema, entry, invocation, config, &properties)
    }

    /// Parses an example and builds and checks its request.
    fn try_example(entries: &[Entry], schema: &Schema, line: &str) -> Result<(), String> {
        let invocation =
            cli::parse_call(entries, schema, shell_words(line)).map_err(|e| e.to_string())?;
        let entry = &entries[invocation.entry];
        let request =
            request_of(schema, entry, &invocation, &configured()).map_err(|e| e.to_string())?;
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
        assert_eq!(lines.len(), 7, "{lines:?}");
        for line in lines {
            try_example(&entries, &schema, line.trim()).unwrap_or_else(|e| panic!("{line}: {e}"));
        }
    }

    /// The long example of the `cloudchannel1` page for
    /// `accounts customers-entitlements-create`, placeholders replaced by
    /// values of the right types.
    const PAGE_EXAMPLE: &str = "\
        cloudchannel accounts customers-entitlements-create accounts/C1/customers/S1 \
        -r .entitlement.association-info base-entitlement=accounts/C1/customers/S1/entitlements/E1 \
        .. billing-account=accounts/C1/billingAccounts/B1 \
        commitment-settings end-time=2027-12-31T00:00:00Z \
        renewal-settings enable-renewal=false \
        payment-cycle duration=12 \
        period-type=MONTH \
        .. payment-plan=FLEXIBLE \
        resize-unit-count=true \
        .. start-time=2027-01-01T00:00:00Z \
        .. create-time=2027-01-01T00:00:00Z \
        name=accounts/C1/customers/S1/entitlements/E2 \
        offer=accounts/C1/offers/O1 \
        provisioned-service product-id=google-workspace \
        provisioning-id=P1 \
        sku-id=business-starter \
        .. provisioning-state=ACTIVE \
        purchase-order-id=PO-7 \
        suspension-reasons=TRIAL_ENDED \
        trial-settings end-time=2027-02-01T00:00:00Z \
        trial=false \
        .. update-time=2027-01-02T00:00:00Z \
        .. request-id=5b2f1d0c-8f6c-4a8e-9c1d-3e2f1d0c5b7a";

    #[test]
    fn the_long_example_of_the_cloudchannel1_page_builds_what_its_cursor_rules_imply() {
        let schema = Schema::load().unwrap();
        let entries = naming::entries();
        let invocation = cli::parse_call(&entries, &schema, shell_words(PAGE_EXAMPLE)).unwrap();
        let entry = &entries[invocation.entry];
        let body = request_of(&schema, entry, &invocation, &Config::default()).unwrap();
        let expected = serde_json::json!({
            "entitlement": {
                "associationInfo": {"baseEntitlement": "accounts/C1/customers/S1/entitlements/E1"},
                "billingAccount": "accounts/C1/billingAccounts/B1",
                "commitmentSettings": {
                    "endTime": "2027-12-31T00:00:00Z",
                    "renewalSettings": {
                        "enableRenewal": false,
                        "paymentCycle": {"duration": 12, "periodType": "MONTH"},
                        "paymentPlan": "FLEXIBLE",
                        "resizeUnitCount": true,
                    },
                    "startTime": "2027-01-01T00:00:00Z",
                },
                "createTime": "2027-01-01T00:00:00Z",
                "name": "accounts/C1/customers/S1/entitlements/E2",
                "offer": "accounts/C1/offers/O1",
                "provisionedService": {
                    "productId": "google-workspace",
                    "provisioningId": "P1",
                    "skuId": "business-starter",
                },
                "provisioningState": "ACTIVE",
                "purchaseOrderId": "PO-7",
                "suspensionReasons": ["TRIAL_ENDED"],
                "trialSettings": {"endTime": "2027-02-01T00:00:00Z", "trial": false},
                "updateTime": "2027-01-02T00:00:00Z",
            },
            "requestId": "5b2f1d0c-8f6c-4a8e-9c1d-3e2f1d0c5b7a",
            "parent": "accounts/C1/customers/S1",
        });
        assert_eq!(body, expected);
        // In the order the settings came, which the page's listing follows.
        let keys: Vec<&String> = body["entitlement"].as_object().unwrap().keys().collect();
        assert_eq!(
            keys[..3],
            ["associationInfo", "billingAccount", "commitmentSettings"]
        );
        dispatch::check(entry.method, &body).unwrap();
    }

    #[test]
    fn positionals_override_the_body_and_are_checked() {
        let schema = Schema::load().unwrap();
        let entries = naming::entries();
        let parse =
            |args: &[&str]| cli::parse_call(&entries, &schema, args.iter().copied()).unwrap();
        let none = Config::default();
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
        let request = request_of(&schema, entry, &invocation, &none).unwrap();
        assert_eq!(
            request,
            serde_json::json!({
                "customer": {"name": "accounts/A/customers/S", "orgDisplayName": "N"},
                "updateMask": "orgDisplayName",
            })
        );
        let invocation = parse(&["cloudchannel", "operations", "get", "operations/a/b"]);
        let entry = &entries[invocation.entry];
        assert!(request_of(&schema, entry, &invocation, &none).is_ok());
        let invocation = parse(&["cloudchannel", "operations", "get", "ops/a"]);
        let entry = &entries[invocation.entry];
        let err = request_of(&schema, entry, &invocation, &none).unwrap_err();
        assert_eq!(
            err.to_string(),
            "error: <NAME>: expected a name like operations/**, got 'ops/a'"
        );
    }
}
