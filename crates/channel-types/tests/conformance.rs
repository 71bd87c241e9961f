//! The schema under `proto/` must compile to exactly the public wire contract
//! in `../shared/reference/cloudchannel-v1-contract.json`: every message
//! field, enum value and method, compared one by one. Any difference fails
//! the test with the whole list.
//!
//! Where the contract file is absent (a clone without `../shared`), the test
//! says it skipped; under CI (`CI` set) a missing contract is a failure.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use prost_reflect::{
    DescriptorPool, DynamicMessage, ExtensionDescriptor, FieldDescriptor, MessageDescriptor, Value,
};
use serde_json::Value as Json;

const PACKAGES: &[&str] = &[
    "google.cloud.channel.v1",
    "google.longrunning",
    "google.rpc",
    "google.type",
];

fn contract_path() -> PathBuf {
    if let Some(path) = std::env::var_os("CHANNEL_CONTRACT") {
        return PathBuf::from(path);
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/reference/cloudchannel-v1-contract.json")
}

fn compile_schema() -> DescriptorPool {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("proto");
    let mut files = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "proto") {
                files.push(path.strip_prefix(&root).unwrap().to_path_buf());
            }
        }
    }
    files.sort();
    let mut compiler = protox::Compiler::new([&root]).unwrap();
    compiler.include_imports(true);
    compiler
        .open_files(&files)
        .unwrap_or_else(|e| panic!("schema does not compile: {e:?}"));
    compiler.descriptor_pool()
}

/// Collects differences as readable lines.
#[derive(Default)]
struct Diff(Vec<String>);

impl Diff {
    fn check(&mut self, what: impl std::fmt::Display, ours: &Json, theirs: &Json) {
        if ours != theirs {
            self.0
                .push(format!("{what}: schema has {ours}, contract has {theirs}"));
        }
    }

    fn sets(&mut self, kind: &str, ours: &BTreeSet<String>, theirs: &BTreeSet<String>) {
        for missing in theirs.difference(ours) {
            self.0.push(format!(
                "{kind} {missing}: in the contract, missing from the schema"
            ));
        }
        for extra in ours.difference(theirs) {
            self.0.push(format!(
                "{kind} {extra}: in the schema, not in the contract"
            ));
        }
    }
}

struct Extensions {
    field_behavior: ExtensionDescriptor,
    resource_reference: ExtensionDescriptor,
    resource: ExtensionDescriptor,
    http: ExtensionDescriptor,
    method_signature: ExtensionDescriptor,
    operation_info: ExtensionDescriptor,
    default_host: ExtensionDescriptor,
    oauth_scopes: ExtensionDescriptor,
}

impl Extensions {
    fn new(pool: &DescriptorPool) -> Self {
        let get = |name: &str| {
            pool.get_extension_by_name(name)
                .unwrap_or_else(|| panic!("extension {name} missing from the schema"))
        };
        Extensions {
            field_behavior: get("google.api.field_behavior"),
            resource_reference: get("google.api.resource_reference"),
            resource: get("google.api.resource"),
            http: get("google.api.http"),
            method_signature: get("google.api.method_signature"),
            operation_info: get("google.longrunning.operation_info"),
            default_host: get("google.api.default_host"),
            oauth_scopes: get("google.api.oauth_scopes"),
        }
    }
}

fn string_of(message: &DynamicMessage, name: &str) -> String {
    match message.get_field_by_name(name).as_deref() {
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    }
}

fn strings_of(value: &Value) -> Vec<String> {
    match value {
        Value::List(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Value::String(s) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// A field as the contract describes one.
fn field_json(field: &FieldDescriptor, ext: &Extensions) -> Json {
    let proto = field.field_descriptor_proto();
    let mut out = serde_json::Map::new();
    out.insert("name".into(), field.name().into());
    out.insert("number".into(), field.number().into());
    let ty = proto
        .r#type()
        .as_str_name()
        .trim_start_matches("TYPE_")
        .to_lowercase();
    out.insert("type".into(), ty.into());
    let label = proto
        .label()
        .as_str_name()
        .trim_start_matches("LABEL_")
        .to_lowercase();
    out.insert("label".into(), label.into());
    out.insert("json_name".into(), field.json_name().into());
    if proto.type_name.is_some() {
        out.insert(
            "type_name".into(),
            proto.type_name().trim_start_matches('.').into(),
        );
    }
    if let Some(oneof) = field.containing_oneof() {
        out.insert("oneof".into(), oneof.name().into());
    }
    if proto.proto3_optional() {
        out.insert("proto3_optional".into(), true.into());
    }
    let options = field.options();
    if options.has_extension(&ext.field_behavior) {
        let enum_desc = match ext.field_behavior.kind() {
            prost_reflect::Kind::Enum(e) => e,
            other => panic!("field_behavior is not an enum: {other:?}"),
        };
        let names: Vec<Json> = match options.get_extension(&ext.field_behavior).as_ref() {
            Value::List(values) => values
                .iter()
                .filter_map(|v| v.as_enum_number())
                .map(|n| {
                    enum_desc
                        .get_value(n)
                        .map_or_else(|| n.to_string(), |v| v.name().to_string())
                        .into()
                })
                .collect(),
            _ => Vec::new(),
        };
        out.insert("behavior".into(), names.into());
    }
    if options.has_extension(&ext.resource_reference)
        && let Value::Message(r) = options.get_extension(&ext.resource_reference).as_ref()
    {
        let ty = string_of(r, "type");
        let child = string_of(r, "child_type");
        out.insert(
            "resource_reference".into(),
            if ty.is_empty() { child } else { ty }.into(),
        );
    }
    if proto.options.as_ref().is_some_and(|o| o.deprecated()) {
        out.insert("deprecated".into(), true.into());
    }
    Json::Object(out)
}

fn compare_message(diff: &mut Diff, message: &MessageDescriptor, theirs: &Json, ext: &Extensions) {
    let name = message.full_name();
    let ours_deprecated = message
        .descriptor_proto()
        .options
        .as_ref()
        .is_some_and(|o| o.deprecated());
    diff.check(
        format_args!("message {name} deprecated"),
        &ours_deprecated.into(),
        &theirs.get("deprecated").cloned().unwrap_or(false.into()),
    );
    diff.check(
        format_args!("message {name} map_entry"),
        &message.is_map_entry().into(),
        &theirs.get("map_entry").cloned().unwrap_or(false.into()),
    );
    let options = message.options();
    let ours_resource = match options.get_extension(&ext.resource).as_ref() {
        Value::Message(r) if options.has_extension(&ext.resource) => serde_json::json!({
            "type": string_of(r, "type"),
            "pattern": r.get_field_by_name("pattern").map(|p| strings_of(&p)).unwrap_or_default(),
        }),
        _ => Json::Null,
    };
    diff.check(
        format_args!("message {name} resource"),
        &ours_resource,
        theirs.get("resource").unwrap_or(&Json::Null),
    );

    let ours: BTreeMap<String, Json> = message
        .fields()
        .map(|f| (f.name().to_string(), field_json(&f, ext)))
        .collect();
    let theirs: BTreeMap<String, Json> = theirs["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| {
            (
                f["name"].as_str().expect("field name").to_string(),
                f.clone(),
            )
        })
        .collect();
    diff.sets(
        &format!("field of {name}:"),
        &ours.keys().cloned().collect(),
        &theirs.keys().cloned().collect(),
    );
    for (field, theirs) in &theirs {
        let Some(ours) = ours.get(field) else {
            continue;
        };
        let keys: BTreeSet<&String> = ours
            .as_object()
            .unwrap()
            .keys()
            .chain(theirs.as_object().unwrap().keys())
            .collect();
        for key in keys {
            diff.check(
                format_args!("field {name}.{field} {key}"),
                ours.get(key).unwrap_or(&Json::Null),
                theirs.get(key).unwrap_or(&Json::Null),
            );
        }
    }
}

fn method_json(method: &prost_reflect::MethodDescriptor, ext: &Extensions) -> Json {
    let options = method.options();
    let mut out = serde_json::Map::new();
    out.insert("name".into(), method.name().into());
    out.insert("input".into(), method.input().full_name().into());
    out.insert("output".into(), method.output().full_name().into());
    let mut http = Vec::new();
    if let Value::Message(rule) = options.get_extension(&ext.http).as_ref() {
        let mut rules = vec![rule.clone()];
        if let Some(Value::List(more)) = rule.get_field_by_name("additional_bindings").as_deref() {
            rules.extend(more.iter().filter_map(|v| v.as_message().cloned()));
        }
        for rule in rules {
            let mut binding = serde_json::Map::new();
            for verb in ["get", "put", "post", "delete", "patch"] {
                if rule.has_field_by_name(verb) {
                    binding.insert("verb".into(), verb.into());
                    binding.insert("path".into(), string_of(&rule, verb).into());
                }
            }
            let body = string_of(&rule, "body");
            if !body.is_empty() {
                binding.insert("body".into(), body.into());
            }
            http.push(Json::Object(binding));
        }
    }
    out.insert("http".into(), http.into());
    if options.has_extension(&ext.operation_info)
        && let Value::Message(info) = options.get_extension(&ext.operation_info).as_ref()
    {
        out.insert(
            "lro".into(),
            serde_json::json!({
                "response_type": string_of(info, "response_type"),
                "metadata_type": string_of(info, "metadata_type"),
            }),
        );
    }
    let signatures = strings_of(&options.get_extension(&ext.method_signature));
    if !signatures.is_empty() {
        out.insert("method_signature".into(), signatures.into());
    }
    if method
        .method_descriptor_proto()
        .options
        .as_ref()
        .is_some_and(|o| o.deprecated())
    {
        out.insert("deprecated".into(), true.into());
    }
    Json::Object(out)
}

/// Enum values in number order: declaration order is not part of the wire.
fn by_number(values: &Json) -> Json {
    let mut values = values.as_array().cloned().unwrap_or_default();
    values.sort_by_key(|v| (v[1].as_i64(), v[0].as_str().map(str::to_string)));
    values.into()
}

fn conformance_differences(pool: &DescriptorPool, contract: &Json) -> Vec<String> {
    let ext = Extensions::new(pool);
    let mut diff = Diff::default();

    // Messages.
    let ours: BTreeMap<String, MessageDescriptor> = pool
        .all_messages()
        .filter(|m| PACKAGES.contains(&m.package_name()))
        .map(|m| (m.full_name().to_string(), m))
        .collect();
    let theirs = contract["messages"].as_object().expect("messages");
    diff.sets(
        "message",
        &ours.keys().cloned().collect(),
        &theirs.keys().cloned().collect(),
    );
    for (name, theirs) in theirs {
        if let Some(message) = ours.get(name) {
            compare_message(&mut diff, message, theirs, &ext);
        }
    }

    // Enums.
    let ours: BTreeMap<String, Json> = pool
        .all_enums()
        .filter(|e| PACKAGES.contains(&e.package_name()))
        .map(|e| {
            let values: Vec<Json> = e
                .values()
                .map(|v| serde_json::json!([v.name(), v.number()]))
                .collect();
            (e.full_name().to_string(), by_number(&values.into()))
        })
        .collect();
    let theirs = contract["enums"].as_object().expect("enums");
    diff.sets(
        "enum",
        &ours.keys().cloned().collect(),
        &theirs.keys().cloned().collect(),
    );
    for (name, theirs) in theirs {
        if let Some(values) = ours.get(name) {
            diff.check(
                format_args!("enum {name} values"),
                values,
                &by_number(&theirs["values"]),
            );
        }
    }

    // Services and methods.
    let theirs = contract["services"].as_object().expect("services");
    let ours: BTreeSet<String> = pool
        .services()
        .filter(|s| PACKAGES.contains(&s.package_name()))
        .map(|s| s.full_name().to_string())
        .collect();
    diff.sets("service", &ours, &theirs.keys().cloned().collect());
    for (name, theirs) in theirs {
        let Some(service) = pool.get_service_by_name(name) else {
            continue;
        };
        let ours: BTreeMap<String, Json> = service
            .methods()
            .map(|m| (m.name().to_string(), method_json(&m, &ext)))
            .collect();
        let theirs: BTreeMap<String, Json> = theirs["methods"]
            .as_array()
            .expect("methods")
            .iter()
            .map(|m| {
                (
                    m["name"].as_str().expect("method name").to_string(),
                    m.clone(),
                )
            })
            .collect();
        diff.sets(
            &format!("method of {name}:"),
            &ours.keys().cloned().collect(),
            &theirs.keys().cloned().collect(),
        );
        for (method, theirs) in &theirs {
            if let Some(ours) = ours.get(method) {
                diff.check(format_args!("method {name}.{method}"), ours, theirs);
            }
        }
        let options = service.options();
        if let Some(scopes) = contract["oauth_scopes"].get(name) {
            let host = options.get_extension(&ext.default_host);
            let scope_text = options.get_extension(&ext.oauth_scopes);
            diff.check(
                format_args!("service {name} default_host"),
                &host.as_str().unwrap_or_default().into(),
                &contract["default_host"],
            );
            let ours_scopes: Vec<Json> = scope_text
                .as_str()
                .unwrap_or_default()
                .split(',')
                .filter(|s| !s.is_empty())
                .map(Json::from)
                .collect();
            diff.check(
                format_args!("service {name} oauth_scopes"),
                &ours_scopes.into(),
                scopes,
            );
        }
    }
    diff.0
}

#[test]
fn schema_matches_the_public_contract() {
    let path = contract_path();
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!(
                "skipped: no contract at {} ({e}); CI always runs this test",
                path.display()
            );
            return;
        }
        Err(e) => panic!("the contract is required under CI: {}: {e}", path.display()),
    };
    let contract: Json = serde_json::from_str(&text).expect("contract is JSON");
    let pool = compile_schema();
    let differences = conformance_differences(&pool, &contract);
    assert!(
        differences.is_empty(),
        "{} difference(s) between the schema and the contract:\n{}",
        differences.len(),
        differences.join("\n")
    );
    // Guard against comparing two empty sets.
    assert_eq!(contract["messages"].as_object().map(|m| m.len()), Some(174));
    assert_eq!(
        pool.get_service_by_name("google.cloud.channel.v1.CloudChannelService")
            .map(|s| s.methods().len()),
        Some(49)
    );
}

#[test]
fn a_changed_schema_is_reported() {
    // The comparison itself must notice a difference: alter one fact of the
    // contract and expect exactly that fact back.
    let Ok(text) = std::fs::read_to_string(contract_path()) else {
        eprintln!("skipped: no contract");
        return;
    };
    let mut contract: Json = serde_json::from_str(&text).unwrap();
    let fields = contract["messages"]["google.cloud.channel.v1.Entitlement"]["fields"]
        .as_array_mut()
        .unwrap();
    fields[0]["number"] = 99.into();
    contract["enums"]["google.cloud.channel.v1.Entitlement.ProvisioningState"]["values"][1][1] =
        7.into();
    contract["services"]["google.cloud.channel.v1.CloudChannelService"]["methods"][1]["http"][1]
        ["path"] = "/v1/{name=x/*}".into();
    let differences = conformance_differences(&compile_schema(), &contract);
    assert_eq!(differences.len(), 3, "{differences:#?}");
    assert!(differences[0].contains("google.cloud.channel.v1.Entitlement.name number"));
    assert!(differences[1].contains("Entitlement.ProvisioningState values"));
    assert!(differences[2].contains("CloudChannelService.GetCustomer"));
}
