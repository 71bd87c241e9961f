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

/// Every method's command, as the naming scheme gives it (primary bindings).
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

#[test]
fn every_command_has_help_with_an_example() {
    let all: Vec<(&str, &str)> = COMMANDS.iter().chain(&MORE_COMMANDS).copied().collect();
    let unique: BTreeSet<_> = all.iter().collect();
    assert_eq!(unique.len(), 59, "commands are unique");
    for group in ["accounts", "products", "operations", "integrators"] {
        let expected: BTreeSet<String> = all
            .iter()
            .filter(|(g, _)| *g == group)
            .map(|(_, name)| name.to_string())
            .collect();
        assert_eq!(listed_commands(group), expected, "group {group}");
    }
    for (group, name) in all {
        for help in ["--help", "-h"] {
            let text = ok(&[group, name, help]);
            assert!(
                text.contains("Example") && text.contains(&format!("cloudchannel {group} {name}")),
                "{group} {name} {help}:\n{text}"
            );
        }
    }
    let root = ok(&["--help"]);
    assert!(root.contains("Examples:") && root.contains("Exit status:"));
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
