//! The `cloudchannel` binary end to end: every command's help, a reseller
//! workflow against an emulator over REST and gRPC, output formats, paging,
//! and what bad input gets back.

use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Output, Stdio};

use channel::emulator::{Emulator, EmulatorConfig};
use serde_json::Value;

const ACCOUNT: &str = "accounts/C0emulator";
const OFFER: &str = "accounts/C0emulator/offers/ws-business-starter-flexible";

/// The command of every method (primary bindings), as the naming scheme
/// gives it: pinned, so that a change of the scheme shows here.
const COMMANDS: [(&str, &str); 56] = [
    ("accounts", "customers-list"),
    ("accounts", "customers-get"),
    ("accounts", "check-cloud-identity-accounts-exist"),
    ("accounts", "customers-create"),
    ("accounts", "customers-patch"),
    ("accounts", "customers-delete"),
    ("accounts", "customers-import"),
    ("accounts", "customers-provision-cloud-identity"),
    ("accounts", "customers-entitlements-list"),
    ("accounts", "list-transferable-skus"),
    ("accounts", "list-transferable-offers"),
    ("accounts", "customers-entitlements-get"),
    ("accounts", "customers-entitlements-create"),
    ("accounts", "customers-entitlements-change-parameters"),
    ("accounts", "customers-entitlements-change-renewal-settings"),
    ("accounts", "customers-entitlements-change-offer"),
    ("accounts", "customers-entitlements-start-paid-service"),
    ("accounts", "customers-entitlements-suspend"),
    ("accounts", "customers-entitlements-cancel"),
    ("accounts", "customers-entitlements-activate"),
    ("accounts", "customers-transfer-entitlements"),
    ("accounts", "customers-transfer-entitlements-to-google"),
    ("accounts", "channel-partner-links-list"),
    ("accounts", "channel-partner-links-get"),
    ("accounts", "channel-partner-links-create"),
    ("accounts", "channel-partner-links-patch"),
    ("accounts", "customers-customer-repricing-configs-get"),
    ("accounts", "customers-customer-repricing-configs-list"),
    ("accounts", "customers-customer-repricing-configs-create"),
    ("accounts", "customers-customer-repricing-configs-patch"),
    ("accounts", "customers-customer-repricing-configs-delete"),
    (
        "accounts",
        "channel-partner-links-channel-partner-repricing-configs-get",
    ),
    (
        "accounts",
        "channel-partner-links-channel-partner-repricing-configs-list",
    ),
    (
        "accounts",
        "channel-partner-links-channel-partner-repricing-configs-create",
    ),
    (
        "accounts",
        "channel-partner-links-channel-partner-repricing-configs-patch",
    ),
    (
        "accounts",
        "channel-partner-links-channel-partner-repricing-configs-delete",
    ),
    ("accounts", "sku-groups-list"),
    ("accounts", "sku-groups-billable-skus-list"),
    ("accounts", "customers-entitlements-lookup-offer"),
    ("products", "list"),
    ("products", "skus-list"),
    ("accounts", "offers-list"),
    ("accounts", "customers-list-purchasable-skus"),
    ("accounts", "customers-list-purchasable-offers"),
    ("accounts", "customers-query-eligible-billing-accounts"),
    ("accounts", "register"),
    ("accounts", "unregister"),
    ("accounts", "list-subscribers"),
    (
        "accounts",
        "customers-entitlements-list-entitlement-changes",
    ),
    ("accounts", "reports-run"),
    ("accounts", "report-jobs-fetch-report-results"),
    ("accounts", "reports-list"),
    ("operations", "list"),
    ("operations", "get"),
    ("operations", "delete"),
    ("operations", "cancel"),
];

/// The commands of the methods' other bindings that need positionals of
/// their own.
const MORE_COMMANDS: [(&str, &str); 3] = [
    ("integrators", "register-subscriber"),
    ("integrators", "unregister-subscriber"),
    ("integrators", "list-subscribers"),
];

/// Runs the binary with `args` (no emulator or credentials from the
/// environment, nothing on stdin).
fn cloudchannel(args: &[&str]) -> Output {
    cloudchannel_with_stdin(args, "")
}

fn cloudchannel_with_stdin(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cloudchannel"))
        .args(args)
        .env_remove("CHANNEL_EMULATOR_HOST")
        .env_remove("GOOGLE_APPLICATION_CREDENTIALS")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs a command that must succeed and returns its stdout.
fn ok(args: &[&str]) -> String {
    let output = cloudchannel(args);
    assert!(
        output.status.success(),
        "cloudchannel {args:?} failed ({:?}): {}",
        output.status.code(),
        stderr(&output)
    );
    stdout(&output)
}

/// Runs a command that must succeed and parses its JSON output.
fn ok_json(args: &[&str]) -> Value {
    let text = ok(args);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{args:?} printed {text:?}: {e}"))
}

/// Runs a command that must fail with `status`, and returns its stderr.
fn fails(args: &[&str], status: i32) -> String {
    let output = cloudchannel(args);
    assert_eq!(
        output.status.code(),
        Some(status),
        "cloudchannel {args:?}: stdout {:?} stderr {:?}",
        stdout(&output),
        stderr(&output)
    );
    stderr(&output)
}

/// The value of a key/value row of a table (`name   accounts/...`).
fn table_value(table: &str, key: &str) -> Option<String> {
    table.lines().find_map(|line| {
        let (k, v) = line.split_once("  ")?;
        (k == key).then(|| v.trim().to_string())
    })
}

/// The commands a group's help lists.
fn listed_commands(group: &str) -> BTreeSet<String> {
    let help = ok(&[group, "--help"]);
    let commands = help
        .split("Commands:")
        .nth(1)
        .expect("a Commands section")
        .split("\n\n")
        .next()
        .unwrap();
    commands
        .lines()
        .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

/// The groups of API methods the root help lists (`accounts`, ...).
fn method_groups() -> Vec<String> {
    let help = ok(&["--help"]);
    help.lines()
        .filter(|line| line.contains("Methods on"))
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

#[test]
fn every_command_has_help_with_an_example() {
    let pinned: Vec<(&str, &str)> = COMMANDS.iter().chain(&MORE_COMMANDS).copied().collect();
    let unique: BTreeSet<_> = pinned.iter().collect();
    assert_eq!(unique.len(), pinned.len(), "commands are unique");
    // Every command the help lists is checked; the ones above must keep
    // their names, and one per method more (a new RPC) needs no edit here.
    let mut all = Vec::new();
    for group in method_groups() {
        let listed = listed_commands(&group);
        for (_, name) in pinned.iter().filter(|(g, _)| *g == group) {
            assert!(listed.contains(*name), "{group} {name} is not listed");
        }
        all.extend(listed.into_iter().map(|name| (group.clone(), name)));
    }
    for (group, name) in &pinned {
        assert!(
            all.iter().any(|(g, n)| g == group && n == name),
            "no group {group} for {name}"
        );
    }
    assert_eq!(
        all.len(),
        channel::methods::ALL.len() + MORE_COMMANDS.len(),
        "{all:?}"
    );
    for (group, name) in &all {
        let (group, name) = (group.as_str(), name.as_str());
        for help in ["--help", "-h"] {
            let text = ok(&[group, name, help]);
            assert!(
                text.contains("Example") && text.contains(&format!("cloudchannel {group} {name}")),
                "{group} {name} {help}:\n{text}"
            );
            // An example of the new flags: list flags, or -p and --debug.
            // (Wrapped help may break an example across lines.)
            let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let flags = words.contains("--limit 100 --format csv")
                || words.contains("-p quota-user=reporting --debug -o -");
            assert!(flags, "{group} {name} {help}:\n{text}");
        }
    }
    let root = ok(&["--help"]);
    assert!(root.contains("Examples:") && root.contains("Exit status:"));
    for flag in [
        "-p page-size=5",
        "--limit 20 --debug -v",
        "--scope https://",
        "-o -",
    ] {
        assert!(root.contains(flag), "{flag}:\n{root}");
    }
    assert!(root.contains("4  NOT_FOUND"));
}

#[test]
fn aliases_reach_the_same_method() {
    let help = ok(&["accounts", "channel-partner-links-customers-get", "--help"]);
    assert!(help.starts_with("GetCustomer: GET /v1/{name=accounts/*/customers/*}"));
}

/// The value at a flattened key (`parameters[0].value.int64Value`) of a
/// JSON document, as a table's key/value rows show it.
fn json_at(value: &Value, key: &str) -> Option<String> {
    let mut current = value;
    for part in key.split('.') {
        let (field, indexes) = part.split_once('[').unwrap_or((part, ""));
        current = current.get(field)?;
        for index in indexes.split('[').filter(|i| !i.is_empty()) {
            current = current.get(index.trim_end_matches(']').parse::<usize>().ok()?)?;
        }
    }
    match current {
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// Reads a printed response: the value at a flattened key.
type Lookup = Box<dyn Fn(&str) -> Option<String>>;

/// The workflow of a reseller: create a customer, provision its Cloud
/// Identity, buy an entitlement, suspend it, and list what the customer has,
/// with responses printed in `format` (json or table).
fn workflow(connection: &[&str], domain: &str, format: &str) {
    let run = |args: &[&str]| -> Lookup {
        let mut all: Vec<&str> = connection.to_vec();
        all.extend(args);
        all.extend(["--format", format]);
        let text = ok(&all);
        if format == "json" {
            let value: Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{all:?} printed {text:?}: {e}"));
            Box::new(move |key| json_at(&value, key))
        } else {
            Box::new(move |key| table_value(&text, key))
        }
    };

    let org = format!("org_display_name=Org of {domain}");
    let domain_setting = format!("domain={domain}");
    let customer = run(&[
        "accounts",
        "customers-create",
        ACCOUNT,
        "-r",
        ".customer",
        &org,
        &domain_setting,
        "-r",
        ".customer.org_postal_address",
        "region_code=US",
        "postal_code=94043",
    ]);
    let customer_name = customer("name").expect("a customer name");
    assert!(customer_name.starts_with("accounts/C0emulator/customers/"));
    assert_eq!(customer("domain").as_deref(), Some(domain));
    assert_eq!(
        customer("orgPostalAddress.regionCode").as_deref(),
        Some("US")
    );

    let admin = format!("email=admin@{domain}");
    let provisioned = run(&[
        "accounts",
        "customers-provision-cloud-identity",
        &customer_name,
        "-r",
        ".cloud_identity_info",
        "language_code=en-US",
        "-r",
        ".user",
        &admin,
        "given_name=Ada",
    ]);
    assert!(!provisioned("cloudIdentityId").unwrap().is_empty());
    assert_eq!(
        provisioned("cloudIdentityInfo.primaryDomain").as_deref(),
        Some(domain)
    );

    let offer = format!("offer={OFFER}");
    let entitlement = run(&[
        "accounts",
        "customers-entitlements-create",
        &customer_name,
        "-r",
        ".entitlement",
        &offer,
        "-r",
        ".entitlement.parameters",
        "name=num_units",
        "value.int64_value=5",
    ]);
    let entitlement_name = entitlement("name").expect("an entitlement name");
    assert_eq!(entitlement("offer").as_deref(), Some(OFFER));
    assert_eq!(entitlement("provisioningState").as_deref(), Some("ACTIVE"));
    assert_eq!(
        entitlement("parameters[0].name").as_deref(),
        Some("num_units")
    );
    assert_eq!(
        entitlement("parameters[0].value.int64Value").as_deref(),
        Some("5")
    );

    let suspended = run(&[
        "accounts",
        "customers-entitlements-suspend",
        &entitlement_name,
    ]);
    assert_eq!(suspended("provisioningState").as_deref(), Some("SUSPENDED"));
    assert_eq!(
        suspended("suspensionReasons[0]").as_deref(),
        Some("RESELLER_INITIATED")
    );

    let mut list: Vec<&str> = connection.to_vec();
    list.extend(["accounts", "customers-entitlements-list", &customer_name]);
    list.extend(["--format", format]);
    let listed = ok(&list);
    if format == "json" {
        let listed: Value = serde_json::from_str(&listed).unwrap();
        let entitlements = listed["entitlements"].as_array().unwrap();
        assert_eq!(entitlements.len(), 1);
        assert_eq!(entitlements[0]["name"], entitlement_name.as_str());
        assert_eq!(entitlements[0]["provisioningState"], "SUSPENDED");
    } else {
        let mut lines = listed.lines();
        let header: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
        assert_eq!(header[0], "NAME");
        assert!(header.contains(&"OFFER") && header.contains(&"PROVISIONING_STATE"));
        let rows: Vec<&str> = lines.collect();
        assert_eq!(rows.len(), 1, "{listed}");
        assert!(rows[0].starts_with(&entitlement_name), "{listed}");
        assert!(
            rows[0].contains("SUSPENDED") && rows[0].contains(OFFER),
            "{listed}"
        );
    }
}

/// An emulator in this process, on port 0, with a runtime to serve it
/// while the test waits on the binary.
fn emulator() -> (tokio::runtime::Runtime, Emulator) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let emulator = runtime
        .block_on(Emulator::start(EmulatorConfig::default()))
        .unwrap();
    (runtime, emulator)
}

#[test]
fn workflow_over_rest_and_grpc() {
    let (_runtime, emulator) = emulator();
    let http = emulator.http_endpoint();
    workflow(&["--endpoint", &http], "rest-json.example", "json");
    workflow(&["--endpoint", &http], "rest-table.example", "table");
    let grpc = emulator.grpc_endpoint();
    let over_grpc = ["--endpoint", grpc.as_str(), "--transport", "grpc"];
    workflow(&over_grpc, "grpc-json.example", "json");
    workflow(&over_grpc, "grpc-table.example", "table");
}

#[test]
fn paging_formats_files_and_operations() {
    let (_runtime, emulator) = emulator();
    let endpoint = emulator.http_endpoint();
    let e = ["--endpoint", endpoint.as_str()];
    let run = |args: &[&str]| ok(&[&e[..], args].concat());
    for i in 0..5 {
        let domain = format!("domain=page{i}.example");
        run(&[
            "accounts",
            "customers-create",
            ACCOUNT,
            "-r",
            ".customer",
            "org_display_name=Paged",
            &domain,
            "-r",
            ".customer.org_postal_address",
            "region_code=US",
        ]);
    }
    // One page, and the token of the next on stderr.
    let output = cloudchannel(
        &[
            &e[..],
            &["accounts", "customers-list", ACCOUNT, "-r", "page_size=2"],
        ]
        .concat(),
    );
    assert!(output.status.success());
    let page: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(page["customers"].as_array().unwrap().len(), 2);
    let token = stderr(&output)
        .lines()
        .find_map(|l| l.strip_prefix("next page token: ").map(str::to_string))
        .expect("a next page token");
    let next: Value = serde_json::from_str(&run(&[
        "accounts",
        "customers-list",
        ACCOUNT,
        "-r",
        "page_size=2",
        &format!("page_token={token}"),
    ]))
    .unwrap();
    assert_ne!(next["customers"][0], page["customers"][0]);
    // Every page: a JSON array, a YAML sequence, table rows.
    let all = [
        "accounts",
        "customers-list",
        ACCOUNT,
        "-r",
        "page_size=2",
        "--all",
    ];
    let items: Value = serde_json::from_str(&run(&all)).unwrap();
    assert_eq!(items.as_array().unwrap().len(), 5);
    let yaml = run(&[&all[..], &["--format", "yaml"]].concat());
    assert_eq!(
        yaml.lines().filter(|l| l.starts_with("- name: ")).count(),
        5
    );
    let table = run(&[&all[..], &["--format", "table"]].concat());
    assert_eq!(table.lines().count(), 6, "{table}");
    // -o writes the response to a file; --json-file - reads the body from stdin.
    let dir = std::env::temp_dir().join(format!("cloudchannel-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("customers.json");
    let output = cloudchannel_with_stdin(
        &[
            &e[..],
            &[
                "accounts",
                "customers-list",
                ACCOUNT,
                "--json-file",
                "-",
                "-o",
                file.to_str().unwrap(),
            ],
        ]
        .concat(),
        r#"{"pageSize": 3}"#,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
    let written: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(written["customers"].as_array().unwrap().len(), 3);
    std::fs::remove_dir_all(&dir).unwrap();
    // --no-wait prints the operation; operations get finds it.
    let customer = items[0]["name"].as_str().unwrap();
    let operation: Value = serde_json::from_str(&run(&[
        "accounts",
        "customers-provision-cloud-identity",
        customer,
        "-r",
        ".user",
        "email=admin@page0.example",
        "--no-wait",
    ]))
    .unwrap();
    let name = operation["name"].as_str().unwrap();
    assert!(name.starts_with("operations/"), "{operation}");
    assert_eq!(
        operation["metadata"]["operationType"],
        "PROVISION_CLOUD_IDENTITY"
    );
    let fetched: Value = serde_json::from_str(&run(&["operations", "get", name])).unwrap();
    assert_eq!(fetched["name"], name);
    let listed = run(&["operations", "list", "--format", "table"]);
    assert!(listed.lines().any(|l| l.starts_with(name)), "{listed}");
}

#[test]
fn the_embedded_emulator() {
    let products = ok(&[
        "--emulator",
        "products",
        "list",
        "-r",
        "account=accounts/C0emulator",
        "--format",
        "table",
    ]);
    assert!(products.starts_with("NAME\n"), "{products}");
    assert!(products.contains("products/google-workspace"));
    let skus = ok(&[
        "--emulator",
        "--transport",
        "grpc",
        "products",
        "skus-list",
        "products/google-workspace",
        "-r",
        "account=accounts/C0emulator",
        "--format",
        "yaml",
    ]);
    assert!(skus.starts_with("skus:\n"), "{skus}");
    assert!(skus.contains("name: products/google-workspace/skus/business-starter"));
    let exists = ok_json(&[
        "--emulator",
        "accounts",
        "check-cloud-identity-accounts-exist",
        ACCOUNT,
        "-r",
        "domain=nobody.example",
    ]);
    assert_eq!(exists, serde_json::json!({}));
}

#[test]
fn the_emulator_host_variable_is_honoured() {
    let (_runtime, emulator) = emulator();
    let output = Command::new(env!("CARGO_BIN_EXE_cloudchannel"))
        .args(["operations", "list"])
        .env("CHANNEL_EMULATOR_HOST", emulator.http_addr().to_string())
        .env_remove("GOOGLE_APPLICATION_CREDENTIALS")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), "{}\n");
}

#[test]
fn service_errors_print_code_and_reason_and_exit_by_kind() {
    let err = fails(
        &[
            "--emulator",
            "accounts",
            "customers-get",
            "accounts/C0emulator/customers/S404",
        ],
        4,
    );
    assert!(err.starts_with("error: NOT_FOUND: "), "{err}");
    // A missing required field is refused before anything is sent: a usage
    // error, naming the field.
    let err = fails(&["--emulator", "products", "list"], 2);
    assert!(err.starts_with("error: INVALID_ARGUMENT: account"), "{err}");
    let (_runtime, emulator) = emulator();
    let endpoint = emulator.http_endpoint();
    let create = [
        "--endpoint",
        &endpoint,
        "accounts",
        "customers-create",
        ACCOUNT,
        "-r",
        ".customer",
        "org_display_name=Org",
        "domain=twice.example",
        "-r",
        ".customer.org_postal_address",
        "region_code=US",
    ];
    let customer: Value = serde_json::from_str(&ok(&create)).unwrap();
    let name = customer["name"].as_str().unwrap();
    ok(&[
        "--endpoint",
        &endpoint,
        "accounts",
        "customers-provision-cloud-identity",
        name,
        "-r",
        ".user",
        "email=admin@twice.example",
    ]);
    let err = fails(
        &[
            "--endpoint",
            &endpoint,
            "accounts",
            "customers-provision-cloud-identity",
            name,
            "-r",
            ".user",
            "email=admin@twice.example",
        ],
        3,
    );
    assert!(
        err.starts_with("error: ALREADY_EXISTS: ")
            && err.contains("(reason: CLOUD_IDENTITY_ALREADY_PROVISIONED)"),
        "{err}"
    );
    // Nobody listens on the port of a stopped emulator.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let err = fails(
        &[
            "--endpoint",
            &format!("http://127.0.0.1:{port}"),
            "--timeout",
            "1",
            "operations",
            "list",
        ],
        6,
    );
    assert!(
        err.starts_with("error: UNAVAILABLE: ") || err.starts_with("error: DEADLINE_EXCEEDED: "),
        "{err}"
    );
}

#[test]
fn bad_input_is_refused_with_a_clear_message() {
    let customer = "accounts/C0emulator/customers/S1";
    let cases: &[(&[&str], &str)] = &[
        (&["accounts", "nope"], "unrecognized subcommand 'nope'"),
        (&["nope"], "unrecognized subcommand 'nope'"),
        (
            &["accounts", "customers-get"],
            "the following required arguments were not provided:\n  <NAME>",
        ),
        (
            &["accounts", "customers-get", "customers/S1"],
            "error: <NAME>: expected a name like accounts/*/customers/* or \
             accounts/*/channelPartnerLinks/*/customers/*, got 'customers/S1'",
        ),
        (
            &["accounts", "customers-list", ACCOUNT, "-r", "page_size"],
            "error: -r 'page_size': page_size is of type int32, not a message: \
             set it with page_size=VALUE",
        ),
        (
            &["accounts", "customers-list", ACCOUNT, "-r", "page_size=ten"],
            "error: -r 'page_size=ten': page_size expects a 32-bit integer, got 'ten'",
        ),
        (
            &["accounts", "customers-list", ACCOUNT, "-r", "colour=blue"],
            "error: -r 'colour=blue': ListCustomersRequest has no field 'colour'; \
             its fields are: parent, page_size, page_token, filter",
        ),
        (
            &["accounts", "customers-list", ACCOUNT, "-r", ".."],
            "error: -r '..': cannot go up 1 level(s)",
        ),
        (
            &[
                "accounts",
                "customers-list-purchasable-skus",
                customer,
                "-r",
                ".change_offer_purchase",
                "change_type=SIDEWAYS",
            ],
            "error: -r 'change_type=SIDEWAYS': change_type expects a value of enum \
             ChangeType (CHANGE_TYPE_UNSPECIFIED, UPGRADE, DOWNGRADE), got 'SIDEWAYS'",
        ),
        (
            &["accounts", "customers-list", ACCOUNT, "--format", "xml"],
            "invalid value 'xml' for '--format <FORMAT>'",
        ),
        (
            &[
                "accounts",
                "customers-list",
                ACCOUNT,
                "--transport",
                "carrier-pigeon",
            ],
            "invalid value 'carrier-pigeon' for '--transport <TRANSPORT>'",
        ),
        (
            &["accounts", "customers-list", ACCOUNT, "--timeout=-1"],
            "for '--timeout <SECONDS>': expected a positive number of seconds",
        ),
        (
            &["accounts", "customers-list", ACCOUNT, "--json", "{not json"],
            "error: --json: not valid JSON",
        ),
        (
            &[
                "accounts",
                "customers-list",
                ACCOUNT,
                "--json",
                r#"{"pageSize": "x"}"#,
            ],
            "error: the request does not fit google.cloud.channel.v1.ListCustomersRequest",
        ),
        (
            &["accounts", "customers-list", ACCOUNT, "--all", "--no-wait"],
            "unexpected argument '--no-wait'",
        ),
        (
            &[
                "--emulator",
                "--endpoint",
                "http://127.0.0.1:1",
                "products",
                "list",
            ],
            "error: --emulator cannot be used with --endpoint",
        ),
        (
            &["--subject", "admin@example.com", "products", "list"],
            "error: --subject needs --credentials",
        ),
        (
            &["--endpoint", "ftp://example.com", "products", "list"],
            "error: --endpoint: unsupported scheme 'ftp'",
        ),
    ];
    for (args, message) in cases {
        let err = fails(args, 2);
        assert!(err.contains(message), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    let err = fails(
        &["--credentials", "/nonexistent/key.json", "products", "list"],
        5,
    );
    assert!(
        err.starts_with("error: --credentials /nonexistent/key.json"),
        "{err}"
    );
}

#[test]
fn json_input_is_read_strictly_naming_the_json_path() {
    let customer = "accounts/C0emulator/customers/S1";
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "accounts",
                "customers-list",
                ACCOUNT,
                "--json",
                r#"{"pageSize": "x"}"#,
            ],
            "Invalid value at 'pageSize' (TYPE_INT32), \"x\"",
        ),
        (
            &[
                "accounts",
                "customers-list-purchasable-skus",
                customer,
                "--json",
                r#"{"changeOfferPurchase": {"changeType": "SIDEWAYS"}}"#,
            ],
            "Invalid value at 'changeOfferPurchase.changeType' (type.googleapis.com/\
             google.cloud.channel.v1.ListPurchasableSkusRequest.ChangeOfferPurchase.ChangeType), \
             \"SIDEWAYS\"",
        ),
    ];
    for (args, message) in cases {
        let err = fails(args, 2);
        assert!(err.contains(message), "{args:?}: {err}");
    }
}

#[test]
fn completion_scripts_for_three_shells() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef cloudchannel"),
        ("fish", "complete -c cloudchannel"),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_cloudchannel"))
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(script.contains(marker), "{shell} script lacks {marker:?}");
        assert!(
            script.contains("customers-entitlements-create"),
            "{shell} script completes subcommands"
        );
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cloudchannel"))
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Runs the binary with `args` and extra environment variables, from
/// directory `dir` when given.
fn cloudchannel_env(args: &[&str], env: &[(&str, &str)], dir: Option<&std::path::Path>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cloudchannel"));
    command
        .args(args)
        .env_remove("CHANNEL_EMULATOR_HOST")
        .env_remove("GOOGLE_APPLICATION_CREDENTIALS")
        .env_remove("RUST_LOG")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null());
    for (name, value) in env {
        command.env(name, value);
    }
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    command.output().expect("the binary runs")
}

/// A fresh directory under the system's temporary one.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cloudchannel-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Creates a customer of `domain` at the emulator behind `endpoint`.
fn create_customer(endpoint: &str, domain: &str) -> String {
    let domain_setting = format!("domain={domain}");
    let customer: Value = serde_json::from_str(&ok(&[
        "--endpoint",
        endpoint,
        "accounts",
        "customers-create",
        ACCOUNT,
        "-r",
        ".customer",
        "org_display_name=Org",
        &domain_setting,
        "-r",
        ".customer.org_postal_address",
        "region_code=US",
    ]))
    .unwrap();
    customer["name"].as_str().unwrap().to_string()
}

#[test]
fn properties_set_query_parameters_and_shape_the_response() {
    let (_runtime, emulator) = emulator();
    let endpoint = emulator.http_endpoint();
    for domain in ["a.example", "b.example", "c.example"] {
        create_customer(&endpoint, domain);
    }
    let list = |extra: &[&str]| -> Output {
        let mut args = vec![
            "--endpoint",
            &endpoint,
            "accounts",
            "customers-list",
            ACCOUNT,
        ];
        args.extend(extra);
        cloudchannel(&args)
    };
    // The method's query parameters.
    let output = list(&["-p", "page-size=1"]);
    let page: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(page["customers"].as_array().unwrap().len(), 1);
    assert!(page["nextPageToken"].is_string());
    let output = list(&["-p", "filter=domain = \"b.example\""]);
    let page: Value = serde_json::from_slice(&output.stdout).unwrap();
    let customers = page["customers"].as_array().unwrap();
    assert_eq!(customers.len(), 1, "{page}");
    assert_eq!(customers[0]["domain"], "b.example");
    // fields, pretty-print and callback shape what is printed.
    let output = list(&["-p", "fields=customers(domain)", "-p", "pretty-print=false"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "{\"customers\":[{\"domain\":\"a.example\"},{\"domain\":\"b.example\"},\
         {\"domain\":\"c.example\"}]}\n"
    );
    let output = list(&["-p", "fields=nextPageToken", "-p", "callback=show"]);
    assert_eq!(stdout(&output), "show({});\n");
    // The wire forms of the others, seen with --debug.
    let output = list(&[
        "-p",
        "key=AIzaSecretKey",
        "-p",
        "quota-user=reporting",
        "-p",
        "$-xgafv=2",
        "-p",
        "alt=json",
        "-p",
        "upload-type=media",
        "--debug",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let log = stderr(&output);
    assert!(log.contains("\nx-goog-api-key: <redacted>\n"), "{log}");
    assert!(log.contains("\nx-goog-quota-user: reporting\n"), "{log}");
    assert!(log.contains("\nx-goog-api-format-version: 2\n"), "{log}");
    assert!(!log.contains("AIzaSecretKey"), "{log}");
    assert!(
        log.contains("warning: upload-type has no effect: no Cloud Channel method uploads media"),
        "{log}"
    );
    let output = list(&["-p", "access-token=ya29.SecretToken", "--debug"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let log = stderr(&output);
    assert!(log.contains("\nauthorization: <redacted>\n"), "{log}");
    assert!(!log.contains("SecretToken"), "{log}");
    // Unknown names list the valid ones.
    let err = fails(
        &["accounts", "customers-list", ACCOUNT, "-p", "colour=blue"],
        2,
    );
    assert!(
        err.contains(
            "unknown property 'colour'; the general properties are $-xgafv, access-token, alt, \
             callback, fields, key, oauth-token, pretty-print, quota-user, upload-type, \
             upload-protocol, and the query parameters of ListCustomers are page-size, \
             page-token, filter"
        ),
        "{err}"
    );
    let err = fails(
        &["accounts", "customers-list", ACCOUNT, "-p", "alt=proto"],
        2,
    );
    assert!(err.contains("alt: expected json"), "{err}");
}

#[test]
fn debug_prints_every_request_and_response_with_secrets_redacted_on_both_wires() {
    let (_runtime, emulator) = emulator();
    let http = emulator.http_endpoint();
    let output = cloudchannel(&[
        "--endpoint",
        &http,
        "--access-token",
        "ya29.VerySecret",
        "--debug",
        "accounts",
        "customers-create",
        ACCOUNT,
        "-r",
        ".customer",
        "org_display_name=Wire",
        "domain=wire.example",
        "-r",
        ".customer.org_postal_address",
        "region_code=US",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let log = stderr(&output);
    assert!(
        log.contains(&format!("> POST {http}/v1/accounts/C0emulator/customers\n")),
        "{log}"
    );
    assert!(log.contains("\nauthorization: <redacted>\n"), "{log}");
    assert!(log.contains("\"domain\":\"wire.example\""), "{log}");
    assert!(log.contains("< CreateCustomer 200 OK"), "{log}");
    assert!(!log.contains("VerySecret"), "{log}");
    let grpc = emulator.grpc_endpoint();
    let output = cloudchannel(&[
        "--endpoint",
        &grpc,
        "--transport",
        "grpc",
        "-p",
        "key=AIzaGrpcSecret",
        "--debug",
        "accounts",
        "customers-get",
        "accounts/C0emulator/customers/S404",
    ]);
    assert_eq!(output.status.code(), Some(4));
    let log = stderr(&output);
    assert!(
        log.contains("> gRPC /google.cloud.channel.v1.CloudChannelService/GetCustomer"),
        "{log}"
    );
    assert!(log.contains("\nx-goog-api-key: <redacted>"), "{log}");
    assert!(
        log.contains("< gRPC /google.cloud.channel.v1.CloudChannelService/GetCustomer NotFound"),
        "{log}"
    );
    assert!(!log.contains("AIzaGrpcSecret"), "{log}");
    // Without --debug, nothing of the wire.
    let output = cloudchannel(&["--endpoint", &http, "operations", "list"]);
    assert_eq!(stderr(&output), "");
}

#[test]
fn scopes_are_urls_for_keys_and_default_credentials() {
    let err = fails(&["--scope", "apps.order", "products", "list"], 2);
    assert!(
        err.contains("--scope: expected an OAuth scope URL such as https://www.googleapis.com/auth/apps.order, got 'apps.order'"),
        "{err}"
    );
    let err = fails(
        &[
            "--scope",
            "https://www.googleapis.com/auth/apps.order",
            "--access-token",
            "t",
            "products",
            "list",
        ],
        2,
    );
    assert!(
        err.contains("--scope cannot be used with --access-token"),
        "{err}"
    );
    let help = ok(&["--help"]);
    assert!(help.contains("--scope <URL>"), "{help}");
}

#[test]
fn config_keeps_defaults_that_flags_override() {
    let (_runtime, emulator) = emulator();
    let http = emulator.http_endpoint();
    create_customer(&http, "configured.example");
    let (dir, with) = in_config_dir("config");
    let config_dir = dir.join("conf");
    let config = config_dir.to_str().unwrap();
    for (key, value) in [("account", "C0emulator"), ("endpoint", http.as_str())] {
        let output = with(&["config", "set", key, value]);
        assert!(output.status.success(), "{}", stderr(&output));
    }
    assert_eq!(stdout(&with(&["config", "get", "account"])), "C0emulator\n");
    assert_eq!(
        stdout(&with(&["config", "list"])),
        format!("account: C0emulator\nendpoint: {http}\n")
    );
    // `--format`, when given, is honoured.
    let listed: serde_json::Value =
        serde_json::from_str(&stdout(&with(&["config", "list", "--format", "json"]))).unwrap();
    assert_eq!(
        listed,
        serde_json::json!({"account": "C0emulator", "endpoint": http})
    );
    let listed = stdout(&with(&["--format", "csv", "config", "list"]));
    assert_eq!(listed.lines().next(), Some("account,endpoint"), "{listed}");
    // The account fills the positional, the endpoint the flag.
    let output = with(&["accounts", "customers-list", "--format", "table"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("configured.example"),
        "{}",
        stdout(&output)
    );
    // ... and the account field of a request.
    let output = with(&["products", "list", "--format", "table"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("products/google-workspace"));
    // A configured transport, with the environment variable naming the dir.
    let grpc = emulator.grpc_endpoint();
    assert!(
        with(&["config", "set", "transport", "grpc"])
            .status
            .success()
    );
    assert!(with(&["config", "set", "endpoint", &grpc]).status.success());
    let output = cloudchannel_env(
        &["--debug", "accounts", "customers-list"],
        &[("CLOUDCHANNEL_CONFIG_DIR", config)],
        None,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output)
            .contains("> gRPC /google.cloud.channel.v1.CloudChannelService/ListCustomers")
    );
    // A key given with -p replaces the configured key file.
    assert!(
        with(&["config", "set", "credentials", "/nonexistent/key.json"])
            .status
            .success()
    );
    let output = with(&["-p", "key=AIzaConfigured", "accounts", "customers-list"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = with(&["accounts", "customers-list"]);
    assert_eq!(output.status.code(), Some(5), "{}", stderr(&output));
    assert!(with(&["config", "unset", "credentials"]).status.success());
    // Flags win.
    let output = with(&[
        "--endpoint",
        &http,
        "--transport",
        "http",
        "--debug",
        "operations",
        "list",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains(&format!("> GET {http}/v1/operations")));
    // Bad values and keys are refused naming the key; unset forgets.
    let err = stderr(&with(&["config", "set", "transport", "pigeon"]));
    assert!(
        err.contains("transport: expected http or grpc, got 'pigeon'"),
        "{err}"
    );
    let err = stderr(&with(&["config", "set", "colour", "blue"]));
    assert!(err.contains("invalid value 'colour'"), "{err}");
    assert!(with(&["config", "unset", "account"]).status.success());
    let output = with(&["config", "get", "account"]);
    assert_eq!(output.status.code(), Some(2));
    let err = fails(&["--config-dir", config, "accounts", "customers-list"], 2);
    assert!(err.contains("config set account"), "{err}");
    let help = ok(&["config", "--help"]);
    assert!(
        help.contains("cloudchannel config set account C012345"),
        "{help}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The long example of the `cloudchannel1` page for
/// `accounts customers-entitlements-create`, its placeholders replaced by
/// values of the right types.
const PAGE_EXAMPLE: &[&str] = &[
    "-r",
    ".entitlement.association-info",
    "base-entitlement=accounts/C0emulator/customers/S1/entitlements/E1",
    "..",
    "billing-account=accounts/C0emulator/billingAccounts/B1",
    "commitment-settings",
    "end-time=2027-12-31T00:00:00Z",
    "renewal-settings",
    "enable-renewal=false",
    "payment-cycle",
    "duration=12",
    "period-type=MONTH",
    "..",
    "payment-plan=FLEXIBLE",
    "resize-unit-count=true",
    "..",
    "start-time=2027-01-01T00:00:00Z",
    "..",
    "create-time=2027-01-01T00:00:00Z",
    "name=accounts/C0emulator/customers/S1/entitlements/E2",
    "offer=accounts/C0emulator/offers/ws-business-starter-flexible",
    "provisioned-service",
    "product-id=google-workspace",
    "provisioning-id=P1",
    "sku-id=business-starter",
    "..",
    "provisioning-state=ACTIVE",
    "purchase-order-id=PO-7",
    "suspension-reasons=TRIAL_ENDED",
    "trial-settings",
    "end-time=2027-02-01T00:00:00Z",
    "trial=false",
    "..",
    "update-time=2027-01-02T00:00:00Z",
    "..",
    "request-id=5b2f1d0c-8f6c-4a8e-9c1d-3e2f1d0c5b7a",
];

#[test]
fn the_long_example_of_the_cloudchannel1_page_builds_the_body_its_cursor_rules_imply() {
    let (_runtime, emulator) = emulator();
    let http = emulator.http_endpoint();
    let customer = create_customer(&http, "long-example.example");
    let mut args = vec![
        "--endpoint",
        &http,
        "--debug",
        "accounts",
        "customers-entitlements-create",
        &customer,
        "--no-wait",
    ];
    args.extend(PAGE_EXAMPLE);
    let output = cloudchannel(&args);
    let log = stderr(&output);
    let body = log
        .split("\n\n")
        .nth(1)
        .and_then(|b| b.lines().next())
        .unwrap_or_else(|| panic!("no request body in {log}"));
    let body: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{body}: {e}"));
    // What the cursor rules build (main.rs tests the body before it is
    // typed), as proto3 JSON sends it: `false` is the default, left out.
    assert_eq!(
        body,
        serde_json::json!({
            "entitlement": {
                "associationInfo": {
                    "baseEntitlement": "accounts/C0emulator/customers/S1/entitlements/E1"
                },
                "billingAccount": "accounts/C0emulator/billingAccounts/B1",
                "commitmentSettings": {
                    "endTime": "2027-12-31T00:00:00Z",
                    "renewalSettings": {
                        "paymentCycle": {"duration": 12, "periodType": "MONTH"},
                        "paymentPlan": "FLEXIBLE",
                        "resizeUnitCount": true
                    },
                    "startTime": "2027-01-01T00:00:00Z"
                },
                "createTime": "2027-01-01T00:00:00Z",
                "name": "accounts/C0emulator/customers/S1/entitlements/E2",
                "offer": "accounts/C0emulator/offers/ws-business-starter-flexible",
                "provisionedService": {
                    "productId": "google-workspace",
                    "provisioningId": "P1",
                    "skuId": "business-starter"
                },
                "provisioningState": "ACTIVE",
                "purchaseOrderId": "PO-7",
                "suspensionReasons": ["TRIAL_ENDED"],
                "trialSettings": {"endTime": "2027-02-01T00:00:00Z"},
                "updateTime": "2027-01-02T00:00:00Z"
            },
            "requestId": "5b2f1d0c-8f6c-4a8e-9c1d-3e2f1d0c5b7a"
        })
    );
    // The same field twice is refused before sending; `..name` goes up, then in.
    let err = fails(
        &[
            "accounts",
            "customers-entitlements-create",
            &customer,
            "-r",
            ".entitlement",
            "offer=a",
            "offer=b",
        ],
        2,
    );
    assert!(err.contains("offer is already set to 'a'"), "{err}");
    let err = fails(
        &[
            "accounts",
            "customers-entitlements-create",
            &customer,
            "-r",
            ".entitlement.trial-settings",
            "..nope=1",
        ],
        2,
    );
    assert!(err.contains("Entitlement has no field 'nope'"), "{err}");
    let err = fails(
        &[
            "accounts",
            "customers-entitlements-create",
            &customer,
            "-r",
            ".entitlement.trial-settings",
            "trial=perhaps",
        ],
        2,
    );
    assert!(
        err.contains("trial expects true or false, got 'perhaps'"),
        "{err}"
    );
}

#[test]
fn dash_as_output_is_standard_output() {
    let dir = scratch("dash");
    let output = cloudchannel_env(
        &[
            "--emulator",
            "products",
            "list",
            "-r",
            "account=accounts/C0emulator",
            "-o",
            "-",
        ],
        &[],
        Some(&dir),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(printed["products"].is_array());
    assert!(!dir.join("-").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn logs_follow_rust_log_and_the_verbosity_flags() {
    let args = ["--emulator", "operations", "list"];
    let quiet = cloudchannel_env(&args, &[], None);
    assert_eq!(stderr(&quiet), "");
    let traced = cloudchannel_env(&args, &[("RUST_LOG", "trace")], None);
    assert!(traced.status.success());
    assert!(stderr(&traced).contains("DEBUG"), "{}", stderr(&traced));
    let verbose = cloudchannel_env(&[&args[..], &["-vv"]].concat(), &[], None);
    assert!(stderr(&verbose).contains("DEBUG"), "{}", stderr(&verbose));
    let silenced = cloudchannel_env(
        &[&args[..], &["--verbosity", "none"]].concat(),
        &[("RUST_LOG", "trace")],
        None,
    );
    assert_eq!(stderr(&silenced), "");
    // Logs never reach stdout.
    assert_eq!(stdout(&traced), stdout(&quiet));
}

#[test]
fn mistyped_commands_get_a_suggestion_and_errors_follow_the_color_choice() {
    let err = fails(&["accounts", "customers-lst"], 2);
    assert!(err.contains("customers-list"), "{err}");
    let err = fails(&["acounts", "customers-list"], 2);
    assert!(err.contains("'accounts'"), "{err}");
    let err = fails(
        &["accounts", "customers-list", ACCOUNT, "--page-sise", "3"],
        2,
    );
    assert!(err.contains("--page-size"), "{err}");
    let colored = cloudchannel(&["--color", "always", "accounts", "customers-lst"]);
    assert!(stderr(&colored).contains("\u{1b}["), "{}", stderr(&colored));
    let plain = cloudchannel(&["--color", "never", "accounts", "customers-lst"]);
    assert!(!stderr(&plain).contains("\u{1b}["));
    let no_color = cloudchannel_env(&["accounts", "customers-lst"], &[("NO_COLOR", "1")], None);
    assert!(!stderr(&no_color).contains("\u{1b}["));
}

#[test]
fn long_help_is_wrapped() {
    let help = ok(&["accounts", "customers-entitlements-create", "--help"]);
    let longest = help.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(
        longest <= 100,
        "a help line of {longest} characters:\n{help}"
    );
    let short = ok(&["accounts", "customers-list", "-h"]);
    assert!(short.contains("--limit <N>") && short.contains("--page-size <N>"));
    assert!(short.contains("--filter <EXPR>"), "{short}");
    assert!(
        short.contains("customers-list --page-size 50 -p 'fields=customers(name)'"),
        "{short}"
    );
}

#[test]
fn list_flags_and_csv() {
    let (_runtime, emulator) = emulator();
    let endpoint = emulator.http_endpoint();
    for i in 0..5 {
        create_customer(&endpoint, &format!("list{i}.example"));
    }
    let e = ["--endpoint", endpoint.as_str()];
    let run = |args: &[&str]| ok(&[&e[..], args].concat());
    // --limit fetches pages until it has N items.
    let limited: Value = serde_json::from_str(&run(&[
        "accounts",
        "customers-list",
        ACCOUNT,
        "--page-size",
        "2",
        "--limit",
        "3",
    ]))
    .unwrap();
    assert_eq!(limited.as_array().unwrap().len(), 3, "{limited}");
    let one_page: Value = serde_json::from_str(&run(&[
        "accounts",
        "customers-list",
        ACCOUNT,
        "--page-size",
        "2",
    ]))
    .unwrap();
    assert_eq!(one_page["customers"].as_array().unwrap().len(), 2);
    let filtered: Value = serde_json::from_str(&run(&[
        "accounts",
        "customers-list",
        ACCOUNT,
        "--filter",
        "domain = \"list3.example\"",
    ]))
    .unwrap();
    assert_eq!(filtered["customers"][0]["domain"], "list3.example");
    assert_eq!(filtered["customers"].as_array().unwrap().len(), 1);
    // CSV: a header, then one row per item, for one page and for --all.
    let csv = run(&[
        "accounts",
        "customers-list",
        ACCOUNT,
        "--all",
        "--page-size",
        "2",
        "--format",
        "csv",
        "-p",
        "fields=customers(name,domain)",
    ]);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("name,domain"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 5, "{csv}");
    assert!(
        rows.iter()
            .all(|r| r.starts_with("accounts/C0emulator/customers/"))
    );
    let page = run(&[
        "accounts",
        "customers-list",
        ACCOUNT,
        "--format",
        "csv",
        "--limit",
        "2",
    ]);
    assert_eq!(page.lines().count(), 3, "{page}");
    let err = fails(&["accounts", "customers-list", ACCOUNT, "--limit", "0"], 2);
    assert!(err.contains("--limit <N>"), "{err}");
    let err = fails(
        &[
            "accounts",
            "customers-get",
            "accounts/C0emulator/customers/S1",
            "--limit",
            "2",
        ],
        2,
    );
    assert!(err.contains("unexpected argument '--limit'"), "{err}");
}

/// A Python with PyYAML, the most used YAML 1.1 reader: the one
/// `YAML11_PYTHON` names (which must then have it), else `python3` if it
/// has it.
fn yaml_1_1_reader() -> Option<String> {
    let has_pyyaml = |python: &str| {
        Command::new(python)
            .args(["-c", "import yaml"])
            .output()
            .is_ok_and(|out| out.status.success())
    };
    if let Ok(python) = std::env::var("YAML11_PYTHON") {
        assert!(
            has_pyyaml(&python),
            "YAML11_PYTHON={python} cannot import yaml"
        );
        return Some(python);
    }
    has_pyyaml("python3").then(|| "python3".to_string())
}

/// `yaml` read by PyYAML's safe loader, as JSON; a value it reads as a
/// date, a timestamp or anything else JSON lacks makes this fail.
fn read_with_pyyaml(python: &str, yaml: &str) -> Value {
    let mut child = Command::new(python)
        .args([
            "-c",
            "import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(yaml.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "PyYAML could not read it as JSON values: {}\n{yaml}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn yaml_output_parses_back_to_the_json_output() {
    let (_runtime, emulator) = emulator();
    let endpoint = emulator.http_endpoint();
    let customer = create_customer(&endpoint, "yaml.example");
    // Strings YAML 1.1 readers take for other types when unquoted.
    let norway = ok_json(&[
        "--endpoint",
        endpoint.as_str(),
        "accounts",
        "customers-create",
        ACCOUNT,
        "-r",
        ".customer",
        "org_display_name=1_000",
        "domain=no.example",
        "-r",
        ".customer.org_postal_address",
        "region_code=NO",
        "postal_code=0154",
        "locality=Off",
    ]);
    let norway = norway["name"].as_str().unwrap();
    let pyyaml = yaml_1_1_reader();
    if pyyaml.is_none() {
        eprintln!("no Python with PyYAML here: YAML 1.1 reading is checked by the unit tests only");
    }
    for args in [
        vec!["accounts", "customers-get", norway],
        vec!["accounts", "customers-get", customer.as_str()],
        vec![
            "products",
            "skus-list",
            "products/google-workspace",
            "-r",
            "account=accounts/C0emulator",
        ],
        vec!["accounts", "customers-list", ACCOUNT, "--all"],
    ] {
        let json: Value =
            serde_json::from_str(&ok(
                &[&["--endpoint", endpoint.as_str()][..], &args].concat()
            ))
            .unwrap();
        let yaml = ok(&[
            &["--endpoint", endpoint.as_str(), "--format", "yaml"][..],
            &args,
        ]
        .concat());
        let back: Value = serde_yaml_ng::from_str(&yaml).unwrap();
        assert_eq!(back, json, "{args:?}:\n{yaml}");
        if let Some(python) = &pyyaml {
            assert_eq!(read_with_pyyaml(python, &yaml), json, "{args:?}:\n{yaml}");
        }
    }
}

#[test]
fn the_emulator_clock_moves_and_the_emulator_resets() {
    let (_runtime, emulator) = emulator();
    let http = emulator.http_endpoint();
    let e = ["--endpoint", http.as_str()];
    let time = |args: &[&str]| -> String {
        let answer: Value = serde_json::from_str(&ok(&[&e[..], args].concat())).unwrap();
        answer["time"].as_str().unwrap().to_string()
    };
    let seconds = |text: &str| text.parse::<channel::wkt::Timestamp>().unwrap().seconds;
    // The clock also runs on between two commands: a few seconds may pass.
    let moved = |from: &str, to: &str, by: i64| {
        let extra = seconds(to) - seconds(from) - by;
        assert!((0..=10).contains(&extra), "{from} -> {to}: not {by}s later");
    };
    let start = time(&["emulator", "time", "get"]);
    let later = time(&["emulator", "time", "advance", "30d"]);
    moved(&start, &later, 30 * 86_400);
    let later_still = time(&["emulator", "time", "advance", "1d12h"]);
    moved(&later, &later_still, 36 * 3600);
    let output =
        cloudchannel(&[&e[..], &["--debug", "emulator", "time", "advance", "45s"]].concat());
    assert!(output.status.success(), "{}", stderr(&output));
    let log = stderr(&output);
    assert!(
        log.contains(&format!(
            "> POST {http}/emulator/v1/time:advance\n\n{{\"duration\":\"45s\"}}"
        )),
        "{log}"
    );
    // The clock goes on from the time set.
    let set = time(&["emulator", "time", "set", "2031-01-01T00:00:00Z"]);
    assert!(set.starts_with("2031-01-01T00:00:0"), "{set}");
    // Through the environment variable, as other Google emulators are found.
    let host = emulator.http_addr().to_string();
    let output = cloudchannel_env(
        &["emulator", "time", "get"],
        &[("CHANNEL_EMULATOR_HOST", &host)],
        None,
    );
    assert!(
        stdout(&output).contains("2031-01-01T00:0"),
        "{}",
        stderr(&output)
    );
    // The emulator's refusal (a clock never goes back) is the service refusing.
    let err = fails(
        &[&e[..], &["emulator", "time", "set", "2030-01-01T00:00:00Z"]].concat(),
        3,
    );
    assert!(err.starts_with("error: emulator: POST "), "{err}");
    // Reset forgets the customers.
    create_customer(&http, "reset.example");
    ok(&[&e[..], &["emulator", "reset"]].concat());
    let listed: Value =
        serde_json::from_str(&ok(
            &[&e[..], &["accounts", "customers-list", ACCOUNT]].concat()
        ))
        .unwrap();
    assert!(listed.get("customers").is_none(), "{listed}");
    // Bad input is refused before anything is sent.
    for (args, message) in [
        (
            &["emulator", "time", "advance", "1y"][..],
            "months and years have no fixed length",
        ),
        (
            &["emulator", "time", "advance", "soon"][..],
            "expected a duration such as 30d",
        ),
        (
            &["emulator", "time", "set", "tomorrow"][..],
            "expected an RFC 3339 time",
        ),
    ] {
        let err = fails(&[&e[..], args].concat(), 2);
        assert!(err.contains(message), "{args:?}: {err}");
        // The usage shown is that of the command given.
        let usage = format!("Usage: cloudchannel emulator time {} ", args[2]);
        assert!(err.contains(&usage), "{args:?}: {err}");
    }
    let err = fails(&["emulator", "reset"], 2);
    assert!(err.contains("CHANNEL_EMULATOR_HOST"), "{err}");
    let help = ok(&["emulator", "time", "advance", "--help"]);
    assert!(help.contains("emulator time advance 30d"), "{help}");
}

#[cfg(unix)]
#[test]
fn a_call_that_fails_leaves_the_output_file_as_it_was() {
    use std::os::unix::fs::FileTypeExt;
    let (_runtime, emulator) = emulator();
    let endpoint = emulator.http_endpoint();
    let dir = scratch("keep-output");
    let file = dir.join("customer.json");
    std::fs::write(&file, "kept\n").unwrap();
    let output = cloudchannel_env(
        &[
            "--endpoint",
            &endpoint,
            "-o",
            "customer.json",
            "accounts",
            "customers-get",
            "accounts/C0emulator/customers/S404",
        ],
        &[],
        Some(&dir),
    );
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "kept\n");
    // A call that succeeds replaces it, and leaves nothing else behind.
    let output = cloudchannel_env(
        &[
            "--endpoint",
            &endpoint,
            "-o",
            "customer.json",
            "operations",
            "list",
        ],
        &[],
        Some(&dir),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_ne!(std::fs::read_to_string(&file).unwrap(), "kept\n");
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["customer.json"]);
    // Not a regular file: written in place, never replaced.
    let output = cloudchannel_env(
        &[
            "--endpoint",
            &endpoint,
            "-o",
            "/dev/null",
            "operations",
            "list",
        ],
        &[],
        Some(&dir),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn debug_never_shows_a_customers_transfer_token_on_either_wire() {
    let (_runtime, emulator) = emulator();
    for (endpoint, transport) in [
        (emulator.http_endpoint(), "http"),
        (emulator.grpc_endpoint(), "grpc"),
    ] {
        let output = cloudchannel(&[
            "--endpoint",
            &endpoint,
            "--transport",
            transport,
            "--debug",
            "accounts",
            "customers-import",
            ACCOUNT,
            "-r",
            "domain=import.example",
            "auth-token=TransferSecret42",
            "overwrite-if-exists=true",
        ]);
        let log = stderr(&output);
        assert!(log.contains("ImportCustomer"), "{log}");
        assert!(log.contains("<redacted>"), "{log}");
        assert!(!log.contains("TransferSecret42"), "{log}");
    }
}

/// The command line run with a configuration folder of its own, inside a
/// fresh scratch folder named `name` (returned).
fn in_config_dir(name: &str) -> (std::path::PathBuf, impl Fn(&[&str]) -> Output) {
    let dir = scratch(name);
    let config = dir.join("conf").to_str().unwrap().to_string();
    let run = move |args: &[&str]| {
        let mut all = vec!["--config-dir", config.as_str()];
        all.extend(args);
        cloudchannel(&all)
    };
    (dir, run)
}

/// The standard output of a run that must have succeeded.
fn succeeded(args: &[&str], output: &Output) -> String {
    assert!(output.status.success(), "{args:?}: {}", stderr(output));
    stdout(output)
}

/// `config list` in each format, from an empty configuration and a full
/// one, with `--format` on either side of the subcommand and to a file.
#[test]
fn config_list_prints_every_format_for_empty_and_set_configurations() {
    let (dir, run) = in_config_dir("config-formats");
    let list = |args: &[&str]| succeeded(args, &run(args));
    // Nothing set: nothing to print, or an empty object where the format has one.
    assert_eq!(list(&["config", "list"]), "");
    assert_eq!(list(&["config", "list", "--format", "json"]), "{}\n");
    assert_eq!(list(&["config", "list", "--format", "yaml"]), "{}\n");
    assert_eq!(list(&["config", "list", "--format", "table"]), "");
    assert_eq!(list(&["config", "list", "--format", "csv"]), "");

    list(&["config", "set", "account", "012345"]);
    list(&["config", "set", "transport", "grpc"]);
    assert_eq!(
        list(&["config", "list"]),
        "account: 012345\ntransport: grpc\n"
    );
    // A value that reads as a number stays a string.
    assert_eq!(
        list(&["config", "list", "--format", "yaml"]),
        "account: '012345'\ntransport: grpc\n"
    );
    let json: serde_json::Value =
        serde_json::from_str(&list(&["--format", "json", "config", "list"])).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"account": "012345", "transport": "grpc"})
    );
    assert_eq!(
        list(&["config", "list", "--format=table"]),
        "account    012345\ntransport  grpc\n"
    );
    let file = dir.join("config.csv");
    let path = file.to_str().unwrap();
    assert_eq!(list(&["config", "list", "--format", "csv", "-o", path]), "");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "account,transport\n012345,grpc\n"
    );
    assert_eq!(list(&["--output", path, "config", "list"]), "");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "account: 012345\ntransport: grpc\n"
    );
}

/// `config get` prints the value alone, or in the `--format` given; the
/// output properties apply to `config` as to API responses, and any other
/// `-p` is refused rather than dropped.
#[test]
fn config_commands_take_the_output_properties_and_refuse_the_others() {
    let (_dir, run) = in_config_dir("config-properties");
    let ok = |args: &[&str]| succeeded(args, &run(args));
    ok(&["config", "set", "account", "NO"]);
    assert_eq!(ok(&["config", "get", "account"]), "NO\n");
    for (format, printed) in [
        ("json", "\"NO\"\n"),
        ("yaml", "'NO'\n"),
        ("table", "NO\n"),
        ("csv", "value\nNO\n"),
    ] {
        let args = ["config", "get", "account", "--format", format];
        assert_eq!(ok(&args), printed, "{format}");
    }

    let list = ["config", "list", "--format", "json"];
    assert_eq!(
        ok(&[&list[..], &["-p", "pretty-print=false"]].concat()),
        "{\"account\":\"NO\"}\n"
    );
    assert_eq!(
        ok(&[&list[..], &["-p", "callback=cb", "-p", "prettyPrint=false"]].concat()),
        "cb({\"account\":\"NO\"});\n"
    );
    ok(&["config", "set", "transport", "grpc"]);
    assert_eq!(
        ok(&[
            &list[..],
            &["-p", "fields=transport", "-p", "pretty-print=false"]
        ]
        .concat()),
        "{\"transport\":\"grpc\"}\n"
    );

    for refused in ["page-size=3", "key=secret-key", "quota-user=me", "bogus=1"] {
        for args in [
            vec!["config", "list", "-p", refused],
            vec!["config", "get", "account", "-p", refused],
            vec!["config", "set", "account", "C1", "-p", refused],
            vec!["emulator", "time", "get", "-p", refused],
        ] {
            let output = run(&args);
            assert_eq!(output.status.code(), Some(2), "{args:?}");
            let err = stderr(&output);
            assert!(err.contains("makes no API call"), "{args:?}: {err}");
            assert!(!err.contains("secret-key"), "{err}");
        }
    }
    // Nothing was changed by the refused `set`.
    assert_eq!(ok(&["config", "get", "account"]), "NO\n");
    let output = run(&[&list[..], &["-p", "pretty-print=maybe"]].concat());
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("expected true or false"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_closed_stderr_does_not_stop_debug_output_or_change_the_exit_status() {
    // `cloudchannel ... --debug 2>&1 | head -1`: the wire events and the
    // error meet a pipe nobody reads any more.
    let mut child = Command::new(env!("CARGO_BIN_EXE_cloudchannel"))
        .args([
            "--emulator",
            "--debug",
            "accounts",
            "customers-get",
            "accounts/C0emulator/customers/S404",
        ])
        .env_remove("CHANNEL_EMULATOR_HOST")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(4), "NOT_FOUND, not a panic: {status}");
}

#[test]
fn a_negative_limit_page_size_or_timeout_is_refused_naming_the_flag_and_the_form() {
    let list = ["--emulator", "accounts", "offers-list", ACCOUNT];
    for (flag, value, expected) in [
        (
            "--limit",
            "-1",
            "invalid value '-1' for '--limit <N>': expected a whole number from 1 up, e.g. 20, got '-1'",
        ),
        (
            "--limit",
            "0",
            "invalid value '0' for '--limit <N>': expected a whole number from 1 up, e.g. 20, got '0'",
        ),
        (
            "--page-size",
            "-5",
            "invalid value '-5' for '--page-size <N>': expected a whole number from 1 up, e.g. 20, got '-5'",
        ),
        (
            "--timeout",
            "-1",
            "invalid value '-1' for '--timeout <SECONDS>': expected a positive number of seconds",
        ),
    ] {
        let mut args = list.to_vec();
        args.extend([flag, value]);
        let message = fails(&args, 2);
        assert!(message.contains(expected), "{flag} {value}: {message}");
        assert!(!message.contains("use '--"), "{message}");
    }
}

#[test]
fn a_field_set_with_r_or_json_wins_over_the_configured_account_and_conflicts_with_a_positional() {
    let (dir, run) = in_config_dir("account-vs-r");
    succeeded(
        &["config", "set", "account", "C999"],
        &run(&["config", "set", "account", "C999"]),
    );
    // The configured account would be refused by the emulator: the request
    // must go to the parent given with -r or --json instead.
    for body in [
        ["-r", "parent=accounts/C0emulator"],
        ["--json", r#"{"parent": "accounts/C0emulator"}"#],
    ] {
        let mut args = vec!["--emulator", "accounts", "customers-list"];
        args.extend(body);
        let printed = succeeded(&args, &run(&args));
        assert_eq!(printed.trim(), "{}", "{args:?}");
    }
    // A positional and -r naming two different resources: one would be lost.
    let output = run(&[
        "--emulator",
        "accounts",
        "customers-get",
        "accounts/C0emulator/customers/S1",
        "-r",
        "name=accounts/C0emulator/customers/S2",
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_eq!(
        stderr(&output).trim(),
        "error: <NAME> is 'accounts/C0emulator/customers/S1', but -r set name to \
         'accounts/C0emulator/customers/S2'; give it once"
    );
    // The same value twice is no conflict.
    let output = run(&[
        "--emulator",
        "accounts",
        "customers-list",
        ACCOUNT,
        "-r",
        "parent=accounts/C0emulator",
    ]);
    assert_eq!(stdout(&output).trim(), "{}", "{}", stderr(&output));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_fields_selector_naming_no_field_is_refused_naming_the_property() {
    let message = fails(
        &[
            "--emulator",
            "accounts",
            "customers-list",
            ACCOUNT,
            "-p",
            "fields=customers(name,domian)",
        ],
        2,
    );
    assert_eq!(
        message.trim(),
        "error: -p 'fields=customers(name,domian)': fields: Invalid field selection customers/domian"
    );
    // Fields of the items, without the list around them: the way is shown.
    let message = fails(
        &[
            "--emulator",
            "accounts",
            "customers-list",
            ACCOUNT,
            "--all",
            "-p",
            "fields=name,domain",
        ],
        2,
    );
    assert_eq!(
        message.trim(),
        "error: -p 'fields=name,domain': fields: Invalid field selection name; a selector \
         names fields of the whole response, e.g. customers(name,domain)"
    );
}

#[test]
fn an_empty_access_token_is_refused_before_anything_is_sent() {
    for token in ["", "  "] {
        let message = fails(
            &[
                "--endpoint",
                "http://127.0.0.1:9",
                "--access-token",
                token,
                "operations",
                "list",
            ],
            2,
        );
        assert_eq!(
            message.trim(),
            "error: --access-token: expected a bearer token, got nothing"
        );
    }
}

/// A server answering ListCustomers: the first page, then a refusal for
/// the page after it. Serves at most 20 requests.
fn server_failing_on_the_second_page() -> String {
    use std::io::{BufRead, BufReader};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut served = 0;
        for stream in listener.incoming().take(20) {
            let Ok(stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut stream = stream;
            while served < 20 {
                let mut head = String::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        break;
                    }
                    head.push_str(&line);
                    if line == "\r\n" {
                        break;
                    }
                }
                if head.is_empty() {
                    break;
                }
                served += 1;
                let (status, body) = if head.lines().next().unwrap_or("").contains("pageToken") {
                    (
                        "400 Bad Request",
                        r#"{"error":{"code":400,"message":"bad page","status":"INVALID_ARGUMENT"}}"#,
                    )
                } else {
                    (
                        "200 OK",
                        r#"{"customers":[{"name":"accounts/C1/customers/S1"}],"nextPageToken":"t2"}"#,
                    )
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                    body.len()
                );
            }
        }
    });
    format!("http://{address}")
}

#[test]
fn a_list_that_fails_after_its_first_page_leaves_the_output_file_as_it_was() {
    let endpoint = server_failing_on_the_second_page();
    let dir = scratch("keep-pages");
    let file = dir.join("customers.out");
    for format in ["json", "yaml", "table", "csv"] {
        std::fs::write(&file, "kept\n").unwrap();
        let output = cloudchannel_env(
            &[
                "--endpoint",
                &endpoint,
                "-o",
                "customers.out",
                "--format",
                format,
                "accounts",
                "customers-list",
                "accounts/C1",
                "--all",
            ],
            &[],
            Some(&dir),
        );
        assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
        assert!(stderr(&output).contains("bad page"), "{}", stderr(&output));
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            "kept\n",
            "{format}"
        );
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["customers.out"], "{format}");
    }
    // To stdout, the pages already printed stay printed.
    let output = cloudchannel(&[
        "--endpoint",
        &endpoint,
        "accounts",
        "customers-list",
        "accounts/C1",
        "--all",
    ]);
    assert_eq!(output.status.code(), Some(3));
    assert!(stdout(&output).contains("accounts/C1/customers/S1"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn completions_go_to_the_output_file_and_take_flags_before_the_group() {
    let dir = scratch("completions-file");
    let output = cloudchannel_env(
        &["completions", "bash", "-o", "cloudchannel.bash"],
        &[],
        Some(&dir),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), "");
    let script = std::fs::read_to_string(dir.join("cloudchannel.bash")).unwrap();
    assert!(script.contains("complete -F"), "{script}");
    let output = cloudchannel(&["--color", "never", "completions", "zsh"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("#compdef cloudchannel"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_positional_after_r_values_gets_a_hint_to_move_it() {
    let message = fails(
        &[
            "--emulator",
            "accounts",
            "customers-entitlements-create",
            "-r",
            ".entitlement",
            "offer=accounts/C0emulator/offers/o",
            "accounts/C0emulator/customers/S1",
        ],
        2,
    );
    assert!(message.contains("<PARENT>"), "{message}");
    assert!(
        message.contains(
            "hint: -r took 'accounts/C0emulator/customers/S1' as a setting, as it takes every \
             value up to the next flag: put positional arguments before -r, or after `--`"
        ),
        "{message}"
    );
}
