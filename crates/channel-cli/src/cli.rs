//! The command line: the clap command built from the method table (one
//! subcommand per method, under its group), its help texts and examples,
//! and what a parsed command line asks for.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Args, Command, FromArgMatches};

use crate::connect::GlobalArgs;
use crate::failure::EXIT_STATUS_HELP;
use crate::naming::{Entry, PathVar, groups};
use crate::schema::{Field, MessageType, Schema};

const ROOT_HELP: &str = "\
Examples:
  cloudchannel --emulator products list -r account=accounts/C0emulator --format table
  cloudchannel accounts customers-list accounts/C012345 --all
  cloudchannel accounts customers-list accounts/C012345 -p page-size=5 \\
      -p 'filter=domain = \"a.example\"' -p 'fields=customers(name,domain)' --format csv
  cloudchannel accounts customers-list accounts/C012345 --limit 20 --debug -v
  cloudchannel --scope https://www.googleapis.com/auth/apps.order --config-dir ./cc \\
      accounts offers-list accounts/C012345 -o -
  cloudchannel accounts customers-entitlements-create accounts/C012345/customers/S0123456 \\
      -r .entitlement offer=accounts/C012345/offers/ws-business-starter-flexible \\
      -r .entitlement.parameters name=num_units value.int64_value=5
  cloudchannel --credentials key.json --subject admin@reseller.example \\
      accounts customers-get accounts/C012345/customers/S0123456 --format yaml

Commands are named after the REST resource and verb of each method, as in the
cloudchannel1 CLI: GROUP is the first collection of the method's HTTP path,
COMMAND the other collections followed by the verb (list, get, create, patch,
delete, or the custom verb, e.g. customers-entitlements-suspend). The path
variables are positional arguments; every other request field is set with -r.

Request fields (-r, as in cloudchannel1):
  -r key=value       set a field relative to the cursor (dotted paths work;
                     a leading . starts from the top); appends to a list
  -r .field.sub      move the cursor to a message field, from the top
  -r field           move the cursor, relative to where it is
  -r ..  /  -r .     up one level / back to the top
  Entering a repeated message field starts a new element. Values are typed by
  the schema: numbers, true/false, enum values by name. Field names may be
  snake_case, camelCase or kebab-case. --json '{...}' or --json-file FILE|-
  gives a whole body first; -r settings and positionals then override it.

  A singular field set twice is an error; -r ..field goes up, then into field.

General properties (-p NAME=VALUE, as in cloudchannel1): fields (a partial
response), key (x-goog-api-key), quota-user, access-token and oauth-token (a
bearer token), pretty-print, alt, $-xgafv, callback, upload-type,
upload-protocol; and the method's query parameters (-p page-size=10).

Credentials: --credentials KEY.json [--subject EMAIL] [--scope URL...],
--access-token TOKEN, -p key=KEY, or Application Default Credentials.
Emulators (--emulator, CHANNEL_EMULATOR_HOST=host:port) and plaintext http://
endpoints are called anonymously.

Defaults: `cloudchannel config set account C012345` (also credentials, subject,
transport, endpoint) saves typing; flags win. The account fills the
accounts/ACCOUNT positional and account fields left out.
";

/// The whole command line.
pub(crate) fn command(entries: &[Entry], schema: &Schema) -> Command {
    // The flags first: their derive would otherwise set the about text.
    let root = GlobalArgs::augment_args(Command::new("cloudchannel"))
        .version(env!("CARGO_PKG_VERSION"))
        .about("A command line for the Google Cloud Channel API (v1)")
        .long_about(
            "A command line for the Google Cloud Channel API (v1): every method of \
             CloudChannelService, CloudChannelReportsService and Operations, over REST or \
             gRPC, against Google or a local emulator.",
        )
        .after_help(format!("{ROOT_HELP}\n{EXIT_STATUS_HELP}"))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand_value_name("GROUP")
        .subcommand_help_heading("Groups");
    let mut root = root.subcommand(
        Command::new("completions")
            .about("Print a shell completion script")
            .arg(
                clap::Arg::new("shell")
                    .value_name("SHELL")
                    .required(true)
                    .value_parser(["bash", "zsh", "fish"])
                    .help("The shell to complete for"),
            )
            .after_help(
                "Example:\n  cloudchannel completions bash > /etc/bash_completion.d/cloudchannel",
            ),
    );
    root = root
        .subcommand(config_command())
        .subcommand(emulator_command());
    for group in groups(entries) {
        let members: Vec<&Entry> = entries.iter().filter(|e| e.group == group).collect();
        let example = members
            .first()
            .map(|e| example_lines(e).join("\n  "))
            .unwrap_or_default();
        let mut sub = Command::new(group.to_string())
            .about(format!(
                "Methods on {group} resources ({} commands)",
                members.len()
            ))
            .after_help(format!("Example:\n  {example}"))
            .subcommand_required(true)
            .arg_required_else_help(true)
            .subcommand_value_name("COMMAND");
        for entry in members {
            sub = sub.subcommand(method_command(entry, schema));
        }
        root = root.subcommand(sub);
    }
    root
}

/// `cloudchannel config set|get|list|unset`.
fn config_command() -> Command {
    let keys: Vec<&str> = crate::config::KEYS.iter().map(|(k, _)| *k).collect();
    let key = || {
        Arg::new("key")
            .required(true)
            .value_name("KEY")
            .value_parser(keys.clone())
            .help("account, credentials, subject, transport or endpoint")
    };
    let described: Vec<String> = crate::config::KEYS
        .iter()
        .map(|(k, what)| format!("  {k:<12} {what}"))
        .collect();
    Command::new("config")
        .about("Keep defaults for the connection flags and the account")
        .long_about(format!(
            "Keep defaults in config.yaml under --config-dir (default: cloudchannel in the \
             user's configuration directory, or CLOUDCHANNEL_CONFIG_DIR). Flags always win.\n\n\
             Keys:\n{}",
            described.join("\n")
        ))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(
            Command::new("set")
                .about("Set a default")
                .arg(key())
                .arg(Arg::new("value").required(true).value_name("VALUE")),
        )
        .subcommand(
            Command::new("get")
                .about("Print a default: the value alone, or in the --format given")
                .arg(key()),
        )
        .subcommand(Command::new("unset").about("Remove a default").arg(key()))
        .subcommand(
            Command::new("list")
                .about("Print every default set: key: value lines, or in the --format given"),
        )
        .after_help(
            "Examples:\n  cloudchannel config set account C012345\n  \
             cloudchannel config set credentials ~/keys/reseller.json\n  \
             cloudchannel config set subject admin@reseller.example\n  \
             cloudchannel accounts customers-list      # lists accounts/C012345's customers\n  \
             cloudchannel --config-dir ./staging config list",
        )
}

/// `cloudchannel emulator time advance|set|get`, `emulator reset`.
fn emulator_command() -> Command {
    Command::new("emulator")
        .about("Control a running emulator: move its clock, reset it")
        .long_about(
            "Control a running emulator through its REST control surface (/emulator/v1). \
             The emulator is the one at --endpoint, the configured endpoint, or \
             CHANNEL_EMULATOR_HOST; give its REST address.",
        )
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(
            Command::new("time")
                .about("Read or move the emulator's clock")
                .subcommand_required(true)
                .arg_required_else_help(true)
                .subcommand(
                    Command::new("advance")
                        .about("Move the clock forward (trials end, renewals happen)")
                        .arg(
                            Arg::new("duration")
                                .required(true)
                                .value_name("DURATION")
                                .allow_hyphen_values(true)
                                .help(
                                    "How far: a number and a unit, s m h d (24 h) or w (7 d), \
                                     e.g. 30d, 12h, 90m, 45s, 1d12h; months and years have \
                                     no fixed length, write 365d",
                                ),
                        )
                        .after_help(
                            "Example:\n  cloudchannel --endpoint http://127.0.0.1:8790 \
                             emulator time advance 30d",
                        ),
                )
                .subcommand(
                    Command::new("set")
                        .about("Set the clock to a later time")
                        .arg(
                            Arg::new("time")
                                .required(true)
                                .value_name("TIME")
                                .help("An RFC 3339 time, e.g. 2027-01-01T00:00:00Z"),
                        )
                        .after_help(
                            "Example:\n  cloudchannel emulator time set 2027-01-01T00:00:00Z",
                        ),
                )
                .subcommand(Command::new("get").about("Print the emulator's time")),
        )
        .subcommand(
            Command::new("reset")
                .about("Forget every customer, entitlement and operation")
                .after_help("Example:\n  CHANNEL_EMULATOR_HOST=127.0.0.1:8790 cloudchannel emulator reset"),
        )
        .after_help(
            "Examples:\n  cloudchannel --endpoint http://127.0.0.1:8790 emulator time advance 30d\n  \
             cloudchannel emulator time set 2027-01-01T00:00:00Z\n  \
             cloudchannel emulator reset",
        )
}

/// Whether a path variable of the command's binding is the reseller
/// account alone (`accounts/*`), which the configured account can fill.
pub(crate) fn is_account(_entry: &Entry, var: &PathVar) -> bool {
    var.pattern == "accounts/*"
}

/// The subcommand of one method.
fn method_command(entry: &Entry, schema: &Schema) -> Command {
    let method = entry.method;
    let binding = entry.binding;
    let mut about = format!(
        "{}: {} {}",
        method.name,
        binding.verb.as_str(),
        binding.path
    );
    if method.deprecated {
        about.push_str(" (deprecated)");
    }
    let mut long = vec![about.clone()];
    let others: Vec<String> = method
        .http
        .iter()
        .filter(|b| !std::ptr::eq(*b, binding))
        .map(|b| format!("{} {}", b.verb.as_str(), b.path))
        .collect();
    if !others.is_empty() {
        long.push(format!("Also bound to: {}.", others.join(", ")));
    }
    long.push(format!(
        "Request: {}. Response: {}.",
        method.input, method.output
    ));
    if let Some(lro) = method.lro {
        long.push(format!(
            "Long-running: waits for the operation and prints its result ({}); \
             --no-wait prints the operation instead. Progress goes to stderr when it is a \
             terminal.",
            lro.response
        ));
    }
    if let Some(paging) = method.paging {
        long.push(format!(
            "Paged: prints one page and its `next page token` on stderr \
             (continue with -r page_token=TOKEN); --all prints every item ({}) of every \
             page.",
            paging.items
        ));
    }
    if method.deprecated {
        long.push("Deprecated in the Cloud Channel API.".into());
    }
    let examples = example_lines(entry);
    let example_text = format!(
        "Example{}:\n  {}",
        if examples.len() > 1 { "s" } else { "" },
        examples.join("\n  ")
    );
    let fields = schema
        .message(method.input)
        .map(|m| field_help(schema, m))
        .unwrap_or_default();
    let mut cmd = Command::new(entry.name.clone())
        .about(about)
        .long_about(long.join("\n\n"))
        .after_help(example_text.clone())
        .after_long_help(format!(
            "{example_text}\n\nRequest fields (-r KEY=VALUE; -r .FIELD to move into a \
             message):\n{fields}"
        ));
    for alias in &entry.aliases {
        cmd = cmd.visible_alias(alias.clone());
    }
    for var in &entry.vars {
        let patterns: Vec<&str> = entry
            .patterns(var.field)
            .iter()
            .map(|v| v.pattern)
            .collect();
        let mut arg = Arg::new(var.field)
            .value_name(value_name(var))
            .help(format!(
                "The request's {} field: {}",
                var.field,
                patterns.join(" or ")
            ));
        arg = match var.fixed() {
            Some(fixed) => arg.required(false).default_value(fixed),
            // Left out, it comes from `cloudchannel config set account`.
            None if is_account(entry, var) => arg.required(false),
            None => arg.required(true),
        };
        cmd = cmd.arg(arg);
    }
    cmd = cmd
        .arg(
            Arg::new("request")
                .short('r')
                .value_name("KV")
                .num_args(1..)
                .action(ArgAction::Append)
                .help(
                    "Set a field (key=value, relative to the cursor; .key from the top) or move \
                     the cursor (.field, field, .., .); takes every value up to the next flag, \
                     so put positionals first",
                ),
        )
        .arg(
            Arg::new("json")
                .long("json")
                .value_name("JSON")
                .conflicts_with("json_file")
                .help("The request body as JSON, before -r settings and positionals"),
        )
        .arg(
            Arg::new("json_file")
                .long("json-file")
                .value_name("FILE")
                .value_parser(clap::value_parser!(PathBuf))
                .help("Read the --json body from FILE (- for stdin)"),
        );
    if method.paging.is_some() {
        cmd = cmd
            .arg(
                Arg::new("all")
                    .long("all")
                    .action(ArgAction::SetTrue)
                    .conflicts_with("limit")
                    .help("Fetch every page and print every item"),
            )
            .arg(
                Arg::new("limit")
                    .long("limit")
                    .value_name("N")
                    .value_parser(positive::<u64>)
                    .allow_negative_numbers(true)
                    .help("Print at most N items, fetching pages as needed"),
            )
            .arg(
                Arg::new("page_size")
                    .long("page-size")
                    .value_name("N")
                    .value_parser(positive::<i32>)
                    .allow_negative_numbers(true)
                    .help("Ask for pages of N items (the server may cap it)"),
            );
        let has_filter = schema
            .message(method.input)
            .is_some_and(|m| m.field("filter").is_some());
        if has_filter {
            cmd = cmd.arg(
                Arg::new("filter")
                    .long("filter")
                    .value_name("EXPR")
                    .help("Only items the expression matches, e.g. 'domain = \"a.example\"'"),
            );
        }
    }
    if method.lro.is_some() {
        cmd = cmd.arg(
            Arg::new("no_wait")
                .long("no-wait")
                .action(ArgAction::SetTrue)
                .help("Print the started operation instead of waiting for its result"),
        );
    }
    cmd
}

/// `customer.name` -> `CUSTOMER_NAME`.
fn value_name(var: &PathVar) -> String {
    var.field.replace('.', "_").to_ascii_uppercase()
}

/// A made-up id for a collection, for examples.
fn sample_id(collection: &str) -> &'static str {
    match collection {
        "accounts" => "C012345",
        "customers" => "S0123456",
        "entitlements" => "E0123456",
        "channelPartnerLinks" => "L0123456",
        "customerRepricingConfigs" => "CR012345",
        "channelPartnerRepricingConfigs" => "PR012345",
        "skuGroups" => "G012345",
        "products" => "google-workspace",
        "reports" => "R012345",
        "reportJobs" => "J012345",
        "integrators" => "I012345",
        "operations" => "op-0123456",
        _ => "ID",
    }
}

/// A value for a path variable, e.g. `accounts/C012345/customers/S0123456`.
pub(crate) fn sample_value(pattern: &str) -> String {
    let mut previous = "";
    let parts: Vec<&str> = pattern
        .split('/')
        .map(|part| {
            let value = match part {
                "*" | "**" => sample_id(previous),
                literal => literal,
            };
            previous = part;
            value
        })
        .collect();
    parts.join("/")
}

/// Settings that make a useful example of a method.
fn example_settings(method: &str) -> &'static str {
    match method {
        "CheckCloudIdentityAccountsExist" => "-r domain=example.com",
        "CreateCustomer" => {
            "-r .customer org_display_name='Example Org' domain=example.com \
             -r .customer.org_postal_address region_code=US postal_code=94043"
        }
        "UpdateCustomer" => {
            "-r .customer org_display_name='New Name' -r .update_mask=orgDisplayName"
        }
        "ImportCustomer" => "-r domain=example.com -r overwrite_if_exists=false",
        "ProvisionCloudIdentity" => {
            "-r .cloud_identity_info language_code=en-US -r .user email=admin@example.com"
        }
        "ListEntitlements" | "ListCustomers" | "ListOffers" => "--format table",
        "ListTransferableSkus" => "-r cloud_identity_id=C0123abc -r auth_token=TOKEN",
        "ListTransferableOffers" => {
            "-r cloud_identity_id=C0123abc -r sku=products/google-workspace/skus/business-starter"
        }
        "CreateEntitlement" => {
            "-r .entitlement offer=accounts/C012345/offers/ws-business-starter-flexible \
             -r .entitlement.parameters name=num_units value.int64_value=5"
        }
        "ChangeParameters" => "-r .parameters name=num_units value.int64_value=10",
        "ChangeRenewalSettings" => {
            "-r .renewal_settings enable_renewal=true payment_plan=COMMITMENT"
        }
        "ChangeOffer" => {
            "-r offer=accounts/C012345/offers/ws-business-standard-flexible \
             -r .parameters name=num_units value.int64_value=5"
        }
        "SuspendEntitlement" | "CancelEntitlement" => "--no-wait",
        "TransferEntitlements" => {
            "-r auth_token=TOKEN -r .entitlements offer=accounts/C012345/offers/ws-business-starter-flexible \
             -r .entitlements.parameters name=num_units value.int64_value=5"
        }
        "TransferEntitlementsToGoogle" => {
            "-r .entitlements name=accounts/C012345/customers/S0123456/entitlements/E0123456"
        }
        "CreateChannelPartnerLink" => {
            "-r .channel_partner_link reseller_cloud_identity_id=C0123abc link_state=INVITED"
        }
        "UpdateChannelPartnerLink" => {
            "-r .channel_partner_link link_state=SUSPENDED -r .update_mask=link_state"
        }
        "CreateCustomerRepricingConfig" => {
            "-r .customer_repricing_config.repricing_config rebilling_basis=DIRECT_CUSTOMER_COST \
             -r effective_invoice_month.year=2030 effective_invoice_month.month=1 \
             -r .customer_repricing_config.repricing_config.entitlement_granularity \
             entitlement=accounts/C012345/customers/S0123456/entitlements/E0123456 \
             -r .customer_repricing_config.repricing_config.adjustment.percentage_adjustment.percentage \
             value=-5"
        }
        "ListProducts" | "ListSkus" => "-r account=accounts/C012345",
        "ListPurchasableSkus" => {
            "-r .create_entitlement_purchase product=products/google-workspace"
        }
        "ListPurchasableOffers" => {
            "-r .create_entitlement_purchase sku=products/google-workspace/skus/business-starter"
        }
        "QueryEligibleBillingAccounts" => "-r skus=products/google-workspace/skus/business-starter",
        "RegisterSubscriber" | "UnregisterSubscriber" => {
            "-r service_account=listener@my-project.iam.gserviceaccount.com"
        }
        "ListEntitlementChanges" | "ListSkuGroups" | "ListReports" | "ListOperations" => "--all",
        "RunReportJob" => {
            "-r .date_range.invoice_start_date year=2030 month=1 day=1 \
             -r .date_range.invoice_end_date year=2030 month=1 day=31"
        }
        _ => "",
    }
}

/// Example command lines of a command.
pub(crate) fn example_lines(entry: &Entry) -> Vec<String> {
    let mut line = format!("cloudchannel {} {}", entry.group, entry.name);
    for var in &entry.vars {
        if var.fixed().is_none() {
            line.push(' ');
            line.push_str(&sample_value(var.pattern));
        }
    }
    let settings = example_settings(entry.method.name);
    if !settings.is_empty() {
        line.push(' ');
        line.push_str(settings);
    }
    let mut lines = vec![line];
    let mut flags = format!("cloudchannel {} {}", entry.group, entry.name);
    for var in &entry.vars {
        if var.fixed().is_none() && !is_account(entry, var) {
            flags.push(' ');
            flags.push_str(&sample_value(var.pattern));
        }
    }
    if let Some(paging) = entry.method.paging {
        lines.push(format!("{flags} --limit 100 --format csv"));
        lines.push(format!(
            "{flags} --page-size 50 -p 'fields={}(name)'",
            crate::schema::json_name(paging.items)
        ));
    } else {
        lines.push(format!("{flags} -p quota-user=reporting --debug -o -"));
    }
    if entry.method.name == "ListCustomers" && entry.is_primary() {
        lines.push(format!(
            "cloudchannel --emulator {} {} accounts/C0emulator",
            entry.group, entry.name
        ));
    }
    lines
}

/// The request fields of a method, indented by nesting.
fn field_help(schema: &Schema, message: &MessageType) -> String {
    let mut rows = Vec::new();
    let mut stack = vec![message.full_name.clone()];
    collect_fields(schema, message, 1, &mut stack, &mut rows);
    let width = rows
        .iter()
        .map(|(left, _)| left.chars().count())
        .max()
        .unwrap_or(0)
        .min(44);
    let mut out = String::new();
    for (left, right) in rows {
        let pad = width.saturating_sub(left.chars().count()) + 2;
        out.push_str(&left);
        out.extend(std::iter::repeat_n(' ', pad));
        out.push_str(&right);
        out.push('\n');
    }
    if out.is_empty() {
        out.push_str("  (none)\n");
    }
    out
}

fn collect_fields(
    schema: &Schema,
    message: &MessageType,
    depth: usize,
    stack: &mut Vec<String>,
    rows: &mut Vec<(String, String)>,
) {
    const MAX_DEPTH: usize = 3;
    for field in &message.fields {
        let left = format!("{}{}", "  ".repeat(depth), field.name);
        rows.push((left, describe(field)));
        let inner = field.message_type().and_then(|t| schema.message(t));
        if let Some(inner) = inner
            && depth < MAX_DEPTH
            && !stack.contains(&inner.full_name)
        {
            stack.push(inner.full_name.clone());
            collect_fields(schema, inner, depth + 1, stack, rows);
            stack.pop();
        }
    }
}

fn describe(field: &Field) -> String {
    let mut text = field.describe();
    if field.oneof.is_some() {
        text.push_str(" (oneof)");
    }
    text
}

/// What a parsed command line asks for.
#[derive(Debug)]
pub(crate) enum Parsed {
    /// Call a method.
    Call(Invocation),
    /// `config ...`.
    Config(GlobalArgs, ConfigAction),
    /// `emulator ...`.
    Emulator(GlobalArgs, crate::emulator::Control),
    /// `completions SHELL`: `bash`, `zsh` or `fish`.
    Completions(GlobalArgs, String),
}

/// A `config` subcommand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ConfigAction {
    /// `set KEY VALUE`.
    Set(String, String),
    /// `get KEY`: the value alone, or in the format `--format` names when
    /// it is given.
    Get(String, Option<crate::output::Format>),
    /// `unset KEY`.
    Unset(String),
    /// `list`: as `key: value` lines, or in the format `--format` names
    /// when it is given.
    List(Option<crate::output::Format>),
}

/// A method call a command line asks for.
#[derive(Debug)]
pub(crate) struct Invocation {
    /// The connection and output flags.
    pub(crate) globals: GlobalArgs,
    /// The command's index in the entries.
    pub(crate) entry: usize,
    /// The positional path variables: request field and value.
    pub(crate) positionals: Vec<(&'static str, String)>,
    /// The `-r` items, in order.
    pub(crate) settings: Vec<String>,
    /// `--json`.
    pub(crate) json: Option<String>,
    /// `--json-file`.
    pub(crate) json_file: Option<PathBuf>,
    /// `--all`.
    pub(crate) all: bool,
    /// `--no-wait`.
    pub(crate) no_wait: bool,
    /// `--limit`.
    pub(crate) limit: Option<u64>,
    /// `--page-size`.
    pub(crate) page_size: Option<i32>,
    /// `--filter`.
    pub(crate) filter: Option<String>,
}

/// `--color` as given anywhere on the command line (clap needs it before
/// it parses, to color its own errors), else `auto`, where anstream
/// honours `NO_COLOR` and whether stderr is a terminal.
pub(crate) fn color_choice(args: &[OsString]) -> clap::ColorChoice {
    let mut choice = clap::ColorChoice::Auto;
    let mut iter = args.iter().filter_map(|a| a.to_str());
    while let Some(arg) = iter.next() {
        let value = match arg.strip_prefix("--color") {
            Some("") => iter.next(),
            Some(rest) => rest.strip_prefix('='),
            None => None,
        };
        choice = match value {
            Some("always") => clap::ColorChoice::Always,
            Some("never") => clap::ColorChoice::Never,
            Some("auto") => clap::ColorChoice::Auto,
            _ => choice,
        };
    }
    choice
}

/// Parses a command line against the entries.
pub(crate) fn parse<I, T>(
    entries: &[Entry],
    schema: &Schema,
    args: I,
) -> Result<Parsed, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let matches = command(entries, schema)
        .color(color_choice(&args))
        .try_get_matches_from(args.clone())?;
    let missing = || clap::Error::new(clap::error::ErrorKind::MissingSubcommand);
    let (group, group_matches) = matches.subcommand().ok_or_else(missing)?;
    // clap keeps, for a repeatable global flag given on several levels,
    // only the values of the deepest level: read them from the command
    // line itself, which clap has just accepted.
    let properties = flag_values(&args, 'p', "--property");
    let scopes = flag_values(&args, '\0', "--scope");
    let globals_of = |m: &ArgMatches| -> Result<GlobalArgs, clap::Error> {
        let mut globals = GlobalArgs::from_arg_matches(m)?;
        globals.properties.clone_from(&properties);
        globals.scopes.clone_from(&scopes);
        Ok(globals)
    };
    if group == "completions" {
        let shell = group_matches
            .get_one::<String>("shell")
            .cloned()
            .unwrap_or_default();
        return Ok(Parsed::Completions(globals_of(group_matches)?, shell));
    }
    let (name, leaf) = group_matches.subcommand().ok_or_else(missing)?;
    match group {
        "config" => {
            let globals = globals_of(leaf)?;
            let key = || leaf.get_one::<String>("key").cloned().unwrap_or_default();
            let given = leaf.value_source("format") == Some(clap::parser::ValueSource::CommandLine);
            let format = given.then_some(globals.format);
            let action = match name {
                "set" => ConfigAction::Set(
                    key(),
                    leaf.get_one::<String>("value").cloned().unwrap_or_default(),
                ),
                "get" => ConfigAction::Get(key(), format),
                "unset" => ConfigAction::Unset(key()),
                _ => ConfigAction::List(format),
            };
            return Ok(Parsed::Config(globals, action));
        }
        "emulator" => {
            use crate::emulator::{Control, parse_duration, parse_time};
            // The error shows the usage of the command it is about, not
            // the top level's.
            let invalid = |leaf: &str, message: String| {
                let mut cmd = command(entries, schema);
                cmd.build();
                let kind = clap::error::ErrorKind::ValueValidation;
                match cmd
                    .find_subcommand_mut("emulator")
                    .and_then(|c| c.find_subcommand_mut("time"))
                    .and_then(|c| c.find_subcommand_mut(leaf))
                {
                    Some(sub) => sub.error(kind, message),
                    None => cmd.error(kind, message),
                }
            };
            let (control, globals) = match (name, leaf.subcommand()) {
                ("time", Some(("advance", m))) => {
                    let text = m.get_one::<String>("duration").cloned().unwrap_or_default();
                    let seconds = parse_duration(&text).map_err(|e| invalid("advance", e))?;
                    (Control::Advance(seconds), globals_of(m)?)
                }
                ("time", Some(("set", m))) => {
                    let text = m.get_one::<String>("time").cloned().unwrap_or_default();
                    let time = parse_time(&text).map_err(|e| invalid("set", e))?;
                    (Control::Set(time), globals_of(m)?)
                }
                ("time", Some((_, m))) => (Control::Now, globals_of(m)?),
                _ => (Control::Reset, globals_of(leaf)?),
            };
            return Ok(Parsed::Emulator(globals, control));
        }
        _ => {}
    }
    let index = entries
        .iter()
        .position(|e| e.group == group && e.name == name)
        .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidSubcommand))?;
    let entry = &entries[index];
    let globals = globals_of(leaf)?;
    let positionals = entry
        .vars
        .iter()
        .filter_map(|var| {
            leaf.get_one::<String>(var.field)
                .map(|value| (var.field, value.clone()))
        })
        .collect();
    let paged = entry.method.paging.is_some();
    Ok(Parsed::Call(Invocation {
        globals,
        entry: index,
        positionals,
        settings: strings(leaf, "request"),
        json: leaf.get_one::<String>("json").cloned(),
        json_file: leaf.get_one::<PathBuf>("json_file").cloned(),
        all: paged && leaf.get_flag("all"),
        no_wait: entry.method.lro.is_some() && leaf.get_flag("no_wait"),
        limit: paged
            .then(|| leaf.get_one::<u64>("limit").copied())
            .flatten(),
        page_size: paged
            .then(|| leaf.get_one::<i32>("page_size").copied())
            .flatten(),
        filter: leaf.try_get_one::<String>("filter").ok().flatten().cloned(),
    }))
}

/// The method call of a command line, for tests.
/// `--limit` and `--page-size`: a whole number from 1 up. Negative numbers
/// reach this parser (rather than being taken for a flag) so that they get
/// the same message as 0.
fn positive<T>(text: &str) -> Result<T, String>
where
    T: std::str::FromStr + PartialOrd + From<u8>,
{
    text.trim()
        .parse::<T>()
        .ok()
        .filter(|n| *n >= T::from(1))
        .ok_or_else(|| format!("expected a whole number from 1 up, e.g. 20, got '{text}'"))
}

#[cfg(test)]
pub(crate) fn parse_call<I, T>(
    entries: &[Entry],
    schema: &Schema,
    args: I,
) -> Result<Invocation, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    match parse(entries, schema, args)? {
        Parsed::Call(invocation) => Ok(invocation),
        _ => Err(clap::Error::new(clap::error::ErrorKind::InvalidSubcommand)),
    }
}

/// A value after `-r` that looks like a resource name (a `/`, no `=`): a
/// positional argument that `-r`, which takes every value up to the next
/// flag, took as a cursor move.
pub(crate) fn positional_taken_by_r(args: &[OsString]) -> Option<String> {
    let mut after_r = false;
    for word in args.iter().skip(1).map(|a| a.to_string_lossy()) {
        if word == "--" {
            break;
        }
        if word.starts_with('-') {
            after_r = word == "-r";
            continue;
        }
        if after_r && word.contains('/') && !word.contains('=') {
            return Some(word.into_owned());
        }
    }
    None
}

/// The values of a flag (`-p V`, `-pV`, `-p=V`, `-vp V`, `--long V`,
/// `--long=V`) in a command line clap accepted, in order, up to `--`.
fn flag_values(args: &[OsString], short: char, long: &str) -> Vec<String> {
    let mut values = Vec::new();
    let mut words = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(word) = words.next() {
        if word == "--" {
            break;
        }
        if let Some(rest) = word.strip_prefix(long) {
            if rest.is_empty() {
                values.extend(words.next().map(|w| w.into_owned()));
            } else if let Some(value) = rest.strip_prefix('=') {
                values.push(value.to_string());
            }
            continue;
        }
        let Some(shorts) = word.strip_prefix('-').filter(|w| !w.starts_with('-')) else {
            continue;
        };
        // Only `-v` may come before the flag in a cluster (`-vvp`).
        let flags = shorts.trim_start_matches('v');
        if let Some(rest) = flags.strip_prefix(short) {
            if rest.is_empty() {
                values.extend(words.next().map(|w| w.into_owned()));
            } else {
                values.push(rest.strip_prefix('=').unwrap_or(rest).to_string());
            }
        }
    }
    values
}

fn strings(matches: &ArgMatches, id: &str) -> Vec<String> {
    matches
        .get_many::<String>(id)
        .map(|values| values.cloned().collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::naming::entries;

    #[test]
    fn flag_values_in_every_spelling_up_to_the_double_dash() {
        let args: Vec<OsString> = [
            "cloudchannel",
            "-p",
            "a=1",
            "-pb=2",
            "-p=c=3",
            "-vvp",
            "d=4",
            "--property",
            "e=5",
            "--property=f=6",
            "--properties",
            "x",
            "-r",
            "g=7",
            "--scope=https://s",
            "--",
            "-p",
            "h=8",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        assert_eq!(
            flag_values(&args, 'p', "--property"),
            ["a=1", "b=2", "c=3", "d=4", "e=5", "f=6"]
        );
        assert_eq!(flag_values(&args, '\0', "--scope"), ["https://s"]);
    }

    #[test]
    fn the_command_is_well_formed() {
        let schema = Schema::load().unwrap();
        command(&entries(), &schema).debug_assert();
    }

    #[test]
    fn samples_match_their_patterns() {
        for entry in entries() {
            for var in &entry.vars {
                assert!(
                    var.matches(&sample_value(var.pattern)),
                    "{} {}",
                    entry.name,
                    var.pattern
                );
            }
        }
        assert_eq!(
            sample_value("accounts/*/customers/*"),
            "accounts/C012345/customers/S0123456"
        );
    }

    #[test]
    fn globals_work_before_and_after_the_command() {
        let schema = Schema::load().unwrap();
        let entries = entries();
        let parsed = parse_call(
            &entries,
            &schema,
            [
                "cloudchannel",
                "--format",
                "table",
                "accounts",
                "customers-list",
                "accounts/C1",
                "--all",
                "--timeout",
                "5",
                "-r",
                "page_size=2",
                "filter=x",
            ],
        )
        .unwrap();
        assert_eq!(entries[parsed.entry].method.name, "ListCustomers");
        assert_eq!(parsed.globals.format, crate::output::Format::Table);
        assert_eq!(
            parsed.globals.timeout,
            Some(std::time::Duration::from_secs(5))
        );
        assert_eq!(parsed.positionals, [("parent", "accounts/C1".to_string())]);
        assert_eq!(parsed.settings, ["page_size=2", "filter=x"]);
        assert!(parsed.all);
        let alias = parse_call(
            &entries,
            &schema,
            [
                "cloudchannel",
                "accounts",
                "channel-partner-links-customers-get",
                "accounts/C1/channelPartnerLinks/L1/customers/S1",
            ],
        )
        .unwrap();
        assert_eq!(entries[alias.entry].method.name, "GetCustomer");
        let spread = parse_call(
            &entries,
            &schema,
            [
                "cloudchannel",
                "-p",
                "key=k",
                "--scope",
                "https://a.example/s1",
                "accounts",
                "-p",
                "quota-user=q",
                "customers-list",
                "-p",
                "page-size=1",
                "--scope",
                "https://a.example/s2",
            ],
        )
        .unwrap();
        assert_eq!(
            spread.globals.properties,
            ["key=k", "quota-user=q", "page-size=1"]
        );
        assert_eq!(
            spread.globals.scopes,
            ["https://a.example/s1", "https://a.example/s2"]
        );
        let operations =
            parse_call(&entries, &schema, ["cloudchannel", "operations", "list"]).unwrap();
        assert_eq!(operations.positionals, [("name", "operations".to_string())]);
    }
}
