//! Our own generated tables: the module trees that include prost's output,
//! the per-method table (HTTP rules, long-running operation types, paging,
//! request ids, routing fields) and the registry that gives `Any` its JSON.

use std::fmt::Write as _;

use heck::{ToSnakeCase, ToUpperCamelCase};
use prost_reflect::{DescriptorPool, Kind, MessageDescriptor, MethodDescriptor, Value};

use crate::schema::PACKAGES;

/// The services we generate tables for, in the order they are listed.
pub(crate) const SERVICES: &[&str] = &[
    "google.cloud.channel.v1.CloudChannelService",
    "google.cloud.channel.v1.CloudChannelReportsService",
    "google.longrunning.Operations",
];

/// The module tree of channel-types' generated code, with the docs of the
/// modules the crate re-exports (`model`, `longrunning`, `rpc`, `type`).
pub(crate) fn types_mod() -> String {
    let mut s = String::from("//! Messages compiled from the schema, with their proto3 JSON.\n\n");
    s += "pub mod google {\n";
    s += "    pub mod cloud {\n        pub mod channel {\n            pub mod v1 {\n";
    for line in MODEL_DOC.lines() {
        let _ = writeln!(
            s,
            "                //!{}{line}",
            if line.is_empty() { "" } else { " " }
        );
    }
    s += "                include!(\"google.cloud.channel.v1.rs\");\n";
    s += "                include!(\"google.cloud.channel.v1.serde.rs\");\n";
    s += "            }\n        }\n    }\n";
    for (module, package, doc) in [
        ("longrunning", "google.longrunning", LONGRUNNING_DOC),
        ("rpc", "google.rpc", RPC_DOC),
        ("r#type", "google.r#type", TYPE_DOC),
    ] {
        let _ = writeln!(s, "    pub mod {module} {{");
        for line in doc.lines() {
            let _ = writeln!(
                s,
                "        //!{}{line}",
                if line.is_empty() { "" } else { " " }
            );
        }
        let _ = writeln!(s, "        include!(\"{package}.rs\");");
        let _ = writeln!(s, "        include!(\"{package}.serde.rs\");");
        s += "    }\n";
    }
    s += "}\n\npub mod any_registry;\npub mod methods;\nmod setters;\n";
    s
}

const MODEL_DOC: &str =
    "The messages and enums of `google.cloud.channel.v1`: customers, entitlements,
offers, channel partner links, repricing configs, reports, and the request and
response of every RPC.

Build a message with `new()` and its chainable `set_*` setters, or as a struct
literal ending in `..Default::default()`; both keep compiling when the schema
gains fields. Each message writes and reads the binary wire (`prost::Message`)
and proto3 JSON (serde). An enum field is stored as its number (`i32`), so that
a value newer than this schema survives; its getter of the same name gives the
enum.

```
use channel_types::model::{Customer, Value};

let customer = Customer::new()
    .set_org_display_name(\"Example Org\")
    .set_domain(\"example.com\");
assert_eq!(customer.domain, \"example.com\");
let seats = Value::new().set_int64_value(10);
assert!(seats.kind.is_some());
```";

const LONGRUNNING_DOC: &str =
    "`google.longrunning`: the `Operation` a long-running method starts, and the
requests of the `Operations` service that reads, lists, cancels and deletes
operations. The client wraps them in a typed handle, `channel_core::Operation`.";

const RPC_DOC: &str = "`google.rpc`: the `Status` of a failed call, its `Code`, and the detail
messages it can carry (`ErrorInfo`, `BadRequest`, `RetryInfo` and others).";

const TYPE_DOC: &str = "`google.type`: the common value types the model uses: `Date`, `DateTime`
with its `TimeZone`, `Decimal`, `Money` and `PostalAddress`.";

/// The module tree of the gRPC stub crates.
pub(crate) fn stubs_mod() -> String {
    let mut s = String::from("//! gRPC stubs compiled from the schema.\n\n");
    s += "pub mod google {\n";
    s += "    pub mod cloud {\n        pub mod channel {\n            pub mod v1 {\n";
    s += "                include!(\"google.cloud.channel.v1.rs\");\n";
    s += "            }\n        }\n    }\n";
    s += "    pub mod longrunning {\n        include!(\"google.longrunning.rs\");\n    }\n}\n";
    s
}

pub(crate) fn rust_package(package: &str) -> &'static str {
    match package {
        "google.cloud.channel.v1" => "model",
        "google.longrunning" => "longrunning",
        "google.rpc" => "rpc",
        "google.type" => "r#type",
        "google.protobuf" => "wkt",
        _ => panic!("no Rust module for package {package}"),
    }
}

/// The Rust path of a message type, as prost names it, below `root`
/// (`crate` inside channel-types, `::channel_types` elsewhere).
pub(crate) fn rust_path_in(root: &str, message: &MessageDescriptor) -> String {
    let package = message.package_name();
    let relative = &message.full_name()[package.len() + 1..];
    nested_path(root, package, relative)
}

/// The Rust path of `relative` (a type's name inside `package`, nested types
/// dotted), below `root`: parent messages become snake-case modules.
pub(crate) fn nested_path(root: &str, package: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = relative.split('.').collect();
    let last = parts.pop().unwrap_or_default();
    let mut path = format!("{root}::{}", rust_package(package));
    for parent in parts {
        path.push_str("::");
        path.push_str(&parent.to_snake_case());
    }
    path.push_str("::");
    path.push_str(&last.to_upper_camel_case());
    path
}

/// The `Any` registry: every message of our packages by full name, sorted
/// for binary search, with the functions converting it between the binary
/// and JSON forms.
pub(crate) fn any_registry(pool: &DescriptorPool) -> String {
    let mut entries: Vec<(String, String)> = pool
        .all_messages()
        .filter(|m| PACKAGES.contains(&m.package_name()) && !m.is_map_entry())
        .map(|m| (m.full_name().to_string(), rust_path_in("crate", &m)))
        .collect();
    entries.sort();
    let mut s = String::from("//! Every message type of the schema, for `Any` in proto3 JSON.\n\n");
    s += "use crate::wkt::any::{AnyCodec, codec};\n\n";
    s += "/// Message codecs by full name, sorted by name.\n";
    let _ = writeln!(
        s,
        "pub static MESSAGES: [(&str, AnyCodec); {}] = [",
        entries.len()
    );
    for (name, path) in entries {
        let _ = writeln!(s, "    (\"{name}\", codec::<{path}>()),");
    }
    s += "];\n";
    s
}

/// The per-method table in channel-types.
pub(crate) fn methods(pool: &DescriptorPool) -> Result<String, String> {
    let http = extension(pool, "google.api.http")?;
    let operation_info = extension(pool, "google.longrunning.operation_info")?;
    let behavior = extension(pool, "google.api.field_behavior")?;
    let mut s = String::from("//! One entry per RPC of the schema.\n\n");
    s += "use crate::methods::{\n    FieldKind, HttpBinding, HttpVerb, LroTypes, Method, Paging, PathVariable, QueryField,\n    RequiredField,\n};\n";
    let mut all = Vec::new();
    for service_name in SERVICES {
        let service = pool
            .get_service_by_name(service_name)
            .ok_or_else(|| format!("service {service_name} is not in the schema"))?;
        let module = service.name().to_snake_case();
        let _ = writeln!(s, "\n/// The methods of `{service_name}`.");
        let _ = writeln!(s, "pub mod {module} {{");
        let _ = writeln!(s, "    use super::*;");
        let mut consts = Vec::new();
        for method in service.methods() {
            let constant = method.name().to_snake_case().to_uppercase();
            let _ = writeln!(s, "\n    /// `{}`.", method.full_name());
            let _ = writeln!(s, "    pub const {constant}: Method = Method {{");
            method_fields(&mut s, &method, &http, &operation_info, &behavior)?;
            s += "    };\n";
            consts.push(format!("{module}::{constant}"));
            all.push(format!("{module}::{constant}"));
        }
        let _ = writeln!(
            s,
            "\n    /// Every method of `{service_name}`, in schema order."
        );
        let _ = writeln!(s, "    pub const ALL: &[&Method] = &[");
        for c in &consts {
            let name = c.rsplit("::").next().unwrap_or_default();
            let _ = writeln!(s, "        &{name},");
        }
        s += "    ];\n}\n";
    }
    s += "\n/// Every method of every service, in schema order.\n";
    s += "pub const ALL: &[&Method] = &[\n";
    for c in &all {
        let _ = writeln!(s, "    &{c},");
    }
    s += "];\n";
    Ok(s)
}

pub(crate) fn extension(
    pool: &DescriptorPool,
    name: &str,
) -> Result<prost_reflect::ExtensionDescriptor, String> {
    pool.get_extension_by_name(name)
        .ok_or_else(|| format!("extension {name} is not in the schema"))
}

pub(crate) fn string_field(message: &prost_reflect::DynamicMessage, name: &str) -> String {
    match message.get_field_by_name(name).as_deref() {
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    }
}

pub(crate) fn binding(
    rule: &prost_reflect::DynamicMessage,
) -> Result<(String, String, String), String> {
    for verb in ["get", "put", "post", "delete", "patch"] {
        if rule.has_field_by_name(verb) {
            return Ok((
                verb.to_upper_camel_case(),
                string_field(rule, verb),
                string_field(rule, "body"),
            ));
        }
    }
    Err("an HTTP rule without a verb".into())
}

/// The variables of a path template with their patterns: `{name}` alone
/// stands for `{name=*}`.
pub(crate) fn path_patterns(path: &str) -> Vec<(String, String)> {
    let mut vars = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').map_or(rest.len(), |e| start + e);
        let inner = &rest[start + 1..end];
        let (field, pattern) = inner.split_once('=').unwrap_or((inner, "*"));
        vars.push((field.to_string(), pattern.to_string()));
        rest = &rest[end.min(rest.len())..];
    }
    vars
}

/// A `REQUIRED` field of a request, or a oneof whose members are.
pub(crate) struct Required {
    pub(crate) field: String,
    pub(crate) one_of: Vec<String>,
}

/// Whether a field is marked `(google.api.field_behavior) = REQUIRED`.
fn is_required(
    field: &prost_reflect::FieldDescriptor,
    behavior: &prost_reflect::ExtensionDescriptor,
) -> bool {
    const REQUIRED: i32 = 2;
    match field.options().get_extension(behavior).as_ref() {
        Value::List(values) => values
            .iter()
            .any(|v| matches!(v, Value::EnumNumber(REQUIRED))),
        _ => false,
    }
}

/// Whether leaving a field out can be told from sending its default: a
/// proto3 `bool` or number without presence reads the same either way, so
/// it cannot be checked.
fn presence_visible(field: &prost_reflect::FieldDescriptor) -> bool {
    field.is_list()
        || field.is_map()
        || field.supports_presence()
        || matches!(
            field.kind(),
            Kind::String | Kind::Bytes | Kind::Enum(_) | Kind::Message(_)
        )
}

/// The top-level `REQUIRED` fields of a request whose absence can be seen;
/// the members of a oneof count as one group, any member of which will do.
pub(crate) fn required_fields(
    input: &MessageDescriptor,
    behavior: &prost_reflect::ExtensionDescriptor,
) -> Vec<Required> {
    let mut out: Vec<Required> = Vec::new();
    for field in input.fields() {
        if !is_required(&field, behavior) || !presence_visible(&field) {
            continue;
        }
        match field.containing_oneof().filter(|o| !o.is_synthetic()) {
            Some(oneof) => match out.iter_mut().find(|r| r.field == oneof.name()) {
                Some(group) => group.one_of.push(field.name().to_string()),
                None => out.push(Required {
                    field: oneof.name().to_string(),
                    one_of: vec![field.name().to_string()],
                }),
            },
            None => out.push(Required {
                field: field.name().to_string(),
                one_of: Vec::new(),
            }),
        }
    }
    out
}

/// The `{field}` / `{field=pattern}` variables of a path template.
pub(crate) fn path_variables(path: &str) -> Vec<String> {
    let mut vars = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').map_or(rest.len(), |e| start + e);
        let inner = &rest[start + 1..end];
        vars.push(inner.split('=').next().unwrap_or_default().to_string());
        rest = &rest[end.min(rest.len())..];
    }
    vars
}

fn method_fields(
    s: &mut String,
    method: &MethodDescriptor,
    http: &prost_reflect::ExtensionDescriptor,
    operation_info: &prost_reflect::ExtensionDescriptor,
    behavior: &prost_reflect::ExtensionDescriptor,
) -> Result<(), String> {
    let input = method.input();
    let output = method.output();
    let options = method.options();
    let service = method.parent_service();
    let _ = writeln!(s, "        service: \"{}\",", service.full_name());
    let _ = writeln!(s, "        name: \"{}\",", method.name());
    let _ = writeln!(
        s,
        "        grpc_path: \"/{}/{}\",",
        service.full_name(),
        method.name()
    );
    let _ = writeln!(s, "        input: \"{}\",", input.full_name());
    let _ = writeln!(s, "        output: \"{}\",", output.full_name());

    let mut rules = Vec::new();
    if let Value::Message(rule) = options.get_extension(http).as_ref() {
        rules.push(binding(rule)?);
        if let Some(Value::List(more)) = rule.get_field_by_name("additional_bindings").as_deref() {
            for extra in more {
                if let Value::Message(extra) = extra {
                    rules.push(binding(extra)?);
                }
            }
        }
    }
    if rules.is_empty() {
        return Err(format!("{} has no HTTP rule", method.full_name()));
    }
    s.push_str("        http: &[\n");
    let mut routing: Vec<String> = Vec::new();
    for (verb, path, body) in &rules {
        let body = if body.is_empty() {
            "None".to_string()
        } else {
            format!("Some(\"{body}\")")
        };
        let variables: Vec<String> = path_patterns(path)
            .into_iter()
            .map(|(field, pattern)| {
                format!("PathVariable {{ field: \"{field}\", pattern: \"{pattern}\" }}")
            })
            .collect();
        let _ = writeln!(
            s,
            "            HttpBinding {{ verb: HttpVerb::{verb}, path: \"{path}\", body: {body}, variables: &[{}] }},",
            variables.join(", ")
        );
        for var in path_variables(path) {
            if !routing.contains(&var) {
                routing.push(var);
            }
        }
    }
    s.push_str("        ],\n");

    if options.has_extension(operation_info) {
        let Value::Message(info) = options.get_extension(operation_info).into_owned() else {
            return Err(format!("{}: malformed operation_info", method.full_name()));
        };
        let qualify = |name: String| {
            if name.contains('.') {
                name
            } else {
                format!("{}.{name}", service.package_name())
            }
        };
        let response = qualify(string_field(&info, "response_type"));
        let metadata = qualify(string_field(&info, "metadata_type"));
        let _ = writeln!(
            s,
            "        lro: Some(LroTypes {{ response: \"{response}\", metadata: \"{metadata}\" }}),"
        );
    } else {
        s.push_str("        lro: None,\n");
    }

    let paged = input.get_field_by_name("page_size").is_some()
        && input.get_field_by_name("page_token").is_some()
        && output.get_field_by_name("next_page_token").is_some();
    let items = output
        .fields()
        .filter(|f| f.is_list())
        .min_by_key(|f| f.number());
    match (paged, items) {
        (true, Some(items)) => {
            let item_type = match items.kind() {
                Kind::Message(m) => m.full_name().to_string(),
                other => format!("{other:?}").to_lowercase(),
            };
            let _ = writeln!(
                s,
                "        paging: Some(Paging {{ page_size: \"page_size\", page_token: \"page_token\", \
                 next_page_token: \"next_page_token\", items: \"{}\", item_type: \"{item_type}\" }}),",
                items.name()
            );
        }
        _ => s.push_str("        paging: None,\n"),
    }
    let request_id = input.get_field_by_name("request_id").is_some();
    let _ = writeln!(s, "        request_id: {request_id},");
    s.push_str("        required: &[\n");
    for group in required_fields(&input, behavior) {
        let members = group
            .one_of
            .iter()
            .map(|m| format!("\"{m}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(
            s,
            "            RequiredField {{ field: \"{}\", one_of: &[{members}] }},",
            group.field
        );
    }
    s.push_str("        ],\n");
    s.push_str("        routing: &[");
    s.push_str(
        &routing
            .iter()
            .map(|r| format!("\"{r}\""))
            .collect::<Vec<_>>()
            .join(", "),
    );
    s.push_str("],\n");
    let deprecated = method
        .method_descriptor_proto()
        .options
        .as_ref()
        .is_some_and(|o| o.deprecated());
    let _ = writeln!(s, "        deprecated: {deprecated},");
    s.push_str("        query: &[\n");
    let mut fields = Vec::new();
    query_fields(&input, "", "", &rules, &mut Vec::new(), &mut fields);
    for f in fields {
        let _ = writeln!(
            s,
            "            QueryField {{ field: \"{}\", json: \"{}\", kind: FieldKind::{}, repeated: {} }},",
            f.field, f.json, f.kind, f.repeated
        );
    }
    s.push_str("        ],\n");
    Ok(())
}

/// A request field that a URL query parameter can set.
struct QueryField {
    field: String,
    json: String,
    kind: &'static str,
    repeated: bool,
}

/// The query kind of a scalar, enum or string-form well-known type; `None`
/// for a message that has to be walked into (or cannot be bound at all).
fn query_kind(kind: &Kind) -> Option<&'static str> {
    Some(match kind {
        Kind::Double | Kind::Float => "Double",
        Kind::Int32
        | Kind::Sint32
        | Kind::Sfixed32
        | Kind::Uint32
        | Kind::Fixed32
        | Kind::Int64
        | Kind::Sint64
        | Kind::Sfixed64
        | Kind::Uint64
        | Kind::Fixed64 => "Int",
        Kind::Bool => "Bool",
        Kind::String => "String",
        Kind::Bytes => "Bytes",
        Kind::Enum(_) => "Enum",
        Kind::Message(m) => match m.full_name() {
            "google.protobuf.Timestamp"
            | "google.protobuf.Duration"
            | "google.protobuf.FieldMask"
            | "google.protobuf.StringValue" => "String",
            "google.protobuf.BytesValue" => "Bytes",
            "google.protobuf.BoolValue" => "Bool",
            "google.protobuf.DoubleValue" | "google.protobuf.FloatValue" => "Double",
            "google.protobuf.Int32Value"
            | "google.protobuf.Int64Value"
            | "google.protobuf.UInt32Value"
            | "google.protobuf.UInt64Value" => "Int",
            _ => return None,
        },
    })
}

/// Whether one binding leaves the field at `path` to the query string: it
/// has no body `*`, the field is not (under) the body field, and it is not a
/// path variable.
fn left_to_query(path: &str, rules: &[(String, String, String)]) -> bool {
    rules.iter().any(|(_, template, body)| {
        let in_body = body == "*"
            || (!body.is_empty() && (path == body || path.starts_with(&format!("{body}."))));
        let in_path = path_variables(template).iter().any(|v| v == path);
        !in_body && !in_path
    })
}

/// Walks a request message for the fields a query parameter can set:
/// scalars, enums, repeated scalars and string-form well-known types, nested
/// messages by their dotted paths. Maps, repeated messages and recursive
/// messages are left out, as the HTTP rule spec says.
fn query_fields(
    message: &MessageDescriptor,
    field_prefix: &str,
    json_prefix: &str,
    rules: &[(String, String, String)],
    stack: &mut Vec<String>,
    out: &mut Vec<QueryField>,
) {
    stack.push(message.full_name().to_string());
    for field in message.fields() {
        if field.is_map() {
            continue;
        }
        let path = format!("{field_prefix}{}", field.name());
        let json = format!("{json_prefix}{}", field.json_name());
        let kind = field.kind();
        match query_kind(&kind) {
            Some(k) => {
                if left_to_query(&path, rules) {
                    out.push(QueryField {
                        field: path,
                        json,
                        kind: k,
                        repeated: field.is_list(),
                    });
                }
            }
            None => {
                let Kind::Message(inner) = kind else { continue };
                let walkable = !field.is_list()
                    && !inner.full_name().starts_with("google.protobuf.")
                    && !stack.iter().any(|m| m == inner.full_name());
                if walkable {
                    query_fields(
                        &inner,
                        &format!("{path}."),
                        &format!("{json}."),
                        rules,
                        stack,
                        out,
                    );
                }
            }
        }
    }
    stack.pop();
}

/// Rust path of a message type as other crates name it.
pub(crate) fn external_path(message: &MessageDescriptor) -> String {
    rust_path_in("::channel_types", message)
}

/// One RPC as the per-method tables of the other crates name it.
pub(crate) struct CoreMethod {
    pub(crate) service_field: &'static str,
    pub(crate) full_name: String,
    pub(crate) table: String,
    pub(crate) snake: String,
    pub(crate) summary: String,
    pub(crate) input: String,
    pub(crate) output: String,
    pub(crate) lro: Option<(String, String)>,
    /// The item type of a list method's pages (empty for other methods).
    pub(crate) item: String,
    pub(crate) paged: bool,
    pub(crate) request_id: bool,
    pub(crate) deprecated: bool,
}

/// Every RPC of every service, by service full name, in schema order.
pub(crate) fn core_methods(
    pool: &DescriptorPool,
) -> Result<Vec<(String, Vec<CoreMethod>)>, String> {
    let http = extension(pool, "google.api.http")?;
    let operation_info = extension(pool, "google.longrunning.operation_info")?;
    let mut services = Vec::new();
    for service_name in SERVICES {
        let service = pool
            .get_service_by_name(service_name)
            .ok_or_else(|| format!("service {service_name} is not in the schema"))?;
        let service_field = match service.name() {
            "CloudChannelService" => "channel",
            "CloudChannelReportsService" => "reports",
            _ => "operations",
        };
        let module = service.name().to_snake_case();
        let mut methods = Vec::new();
        for method in service.methods() {
            let options = method.options();
            let summary = match options.get_extension(&http).as_ref() {
                Value::Message(rule) => {
                    let (verb, path, _) = binding(rule)?;
                    format!("`{}`: `{} {}`.", method.name(), verb.to_uppercase(), path)
                }
                _ => format!("`{}`.", method.name()),
            };
            let lro = if options.has_extension(&operation_info) {
                let Value::Message(info) = options.get_extension(&operation_info).into_owned()
                else {
                    return Err(format!("{}: malformed operation_info", method.full_name()));
                };
                let resolve = |name: String| {
                    let full = if name.contains('.') {
                        name
                    } else {
                        format!("{}.{name}", service.package_name())
                    };
                    pool.get_message_by_name(&full)
                        .map(|m| external_path(&m))
                        .ok_or_else(|| {
                            format!("{}: unknown operation type {full}", method.full_name())
                        })
                };
                Some((
                    resolve(string_field(&info, "response_type"))?,
                    resolve(string_field(&info, "metadata_type"))?,
                ))
            } else {
                None
            };
            let (input, output) = (method.input(), method.output());
            let items = output
                .fields()
                .filter(|f| f.is_list())
                .min_by_key(|f| f.number());
            let paged = input.get_field_by_name("page_size").is_some()
                && input.get_field_by_name("page_token").is_some()
                && output.get_field_by_name("next_page_token").is_some()
                && items.is_some();
            let item = match items.map(|f| f.kind()) {
                Some(Kind::Message(m)) if paged => external_path(&m),
                Some(_) if paged => "String".to_string(),
                _ => String::new(),
            };
            methods.push(CoreMethod {
                service_field,
                full_name: method.full_name().to_string(),
                item,
                paged,
                table: format!("{module}::{}", method.name().to_snake_case().to_uppercase()),
                snake: method.name().to_snake_case(),
                summary,
                input: external_path(&method.input()),
                output: external_path(&method.output()),
                lro,
                request_id: method.input().get_field_by_name("request_id").is_some(),
                deprecated: method
                    .method_descriptor_proto()
                    .options
                    .as_ref()
                    .is_some_and(|o| o.deprecated()),
            });
        }
        services.push((service.full_name().to_string(), methods));
    }
    Ok(services)
}

/// channel-core: one async trait per service, every method defaulting to an
/// `UNIMPLEMENTED` error so that fakes implement only what they need.
pub(crate) fn core_traits(pool: &DescriptorPool) -> Result<String, String> {
    let mut s = String::from(
        "//! The service traits: transports, the emulator and mocks implement them.\n\n",
    );
    s += "use channel_types::methods;\n\nuse crate::future::BoxFuture;\nuse crate::{CallOptions, Result};\n";
    for (service, methods) in core_methods(pool)? {
        let trait_name = service.rsplit('.').next().unwrap_or_default();
        let _ = writeln!(s, "\n/// `{service}`.");
        let _ = writeln!(
            s,
            "///\n/// Every method takes the request and the options of this attempt (its deadline"
        );
        let _ = writeln!(
            s,
            "/// included); a method left unimplemented answers `UNIMPLEMENTED`."
        );
        let _ = writeln!(s, "pub trait {trait_name}: Send + Sync {{");
        for m in methods {
            let _ = writeln!(s, "    /// {}", m.summary);
            if m.deprecated {
                s += "    #[deprecated(note = \"deprecated in the Cloud Channel API\")]\n";
            }
            let _ = writeln!(
                s,
                "    fn {}(&self, request: {}, options: CallOptions) -> BoxFuture<'_, Result<{}>> {{",
                m.snake, m.input, m.output
            );
            s += "        let _ = (request, options);\n";
            let _ = writeln!(
                s,
                "        crate::error::unimplemented(&methods::{})",
                m.table
            );
            s += "    }\n";
        }
        s += "}\n";
    }
    s += &for_each_rpc(pool)?;
    Ok(s)
}

/// channel-core: `for_each_rpc!`, every RPC with its trait, types and table
/// entry, for tests that go over every method with its types: with it, a
/// new RPC needs no hand edit in them.
fn for_each_rpc(pool: &DescriptorPool) -> Result<String, String> {
    let mut s = String::from(
        "\n/// Calls `$callback!` once with every RPC of the schema, by service:\n\
         /// `$crate::Trait { method(Request) -> Response = TABLE_ENTRY; ... } ...`,\n\
         /// every path in full. For tests that go over every method with its\n\
         /// types; not part of the stable API.\n\
         #[doc(hidden)]\n#[macro_export]\nmacro_rules! for_each_rpc {\n    ($callback:ident) => {\n        $callback! {\n",
    );
    for (service, methods) in core_methods(pool)? {
        let trait_name = service.rsplit('.').next().unwrap_or_default();
        let _ = writeln!(s, "            $crate::{trait_name} {{");
        for m in methods {
            let _ = writeln!(
                s,
                "                {}({}) -> {} = ::channel_types::methods::{};",
                m.snake, m.input, m.output, m.table
            );
        }
        s += "            }\n";
    }
    s += "        }\n    };\n}\n";
    Ok(s)
}

/// The CloudChannelService methods the service configuration gives a 60 s
/// timeout and no retry (`channel_core::NO_RETRY_METHODS`; a test there
/// checks the generated docs against it).
const NO_RETRY_METHODS: &[&str] = &[
    "provision_cloud_identity",
    "create_entitlement",
    "change_parameters",
    "change_renewal_settings",
    "change_offer",
    "start_paid_service",
    "suspend_entitlement",
    "cancel_entitlement",
    "activate_entitlement",
    "transfer_entitlements",
    "transfer_entitlements_to_google",
];

/// The doc paragraph on a method's default timeout and retries.
fn defaults_doc(m: &CoreMethod) -> String {
    let listed = m.service_field == "channel" && NO_RETRY_METHODS.contains(&m.snake.as_str());
    let text = match (listed, m.request_id) {
        (true, true) => {
            "Defaults: 60 s timeout. The service configuration does not retry this\n    \
             /// operation-starting method; this client retries it on `UNAVAILABLE` (up to\n    \
             /// 5 attempts) all the same, because the `request_id`, kept across attempts,\n    \
             /// lets the server answer a repeat with the first operation."
        }
        (true, false) => {
            "Defaults: 60 s timeout, no retry, as the service configuration says: it\n    \
             /// starts an operation and has no `request_id` to make a repeat harmless."
        }
        _ => "Defaults: 60 s timeout; retried on `UNAVAILABLE`, up to 5 attempts.",
    };
    format!("    ///\n    /// {text}\n")
}

/// channel-core: a method of `Client` per RPC, returning the RPC's request
/// builder (see `builders::core_builders`), with the method's docs.
pub(crate) fn core_client(pool: &DescriptorPool) -> Result<String, String> {
    let mut s = String::from("//! One `Client` method per RPC.\n\n");
    s += "use channel_types::methods;\n\nuse crate::Client;\nuse crate::builders;\n\nimpl Client {\n";
    for (_, methods) in core_methods(pool)? {
        for m in methods {
            s += &crate::builders::method_doc(pool, &m)?;
            if m.request_id {
                s += "    ///\n    /// An empty `request_id` is filled with a random UUID, the same on every retry.\n";
            }
            s += &defaults_doc(&m);
            s += &crate::builders::method_example(pool, &m)?;
            if m.deprecated {
                s += "    #[deprecated(note = \"deprecated in the Cloud Channel API\")]\n";
            }
            let builder = m.full_name.rsplit('.').next().unwrap_or_default();
            let _ = writeln!(
                s,
                "    pub fn {}(&self, request: {}) -> builders::{builder} {{",
                m.snake, m.input
            );
            let _ = writeln!(
                s,
                "        self.call(&methods::{}, request, |stubs, request, options| stubs.{}.{}(request, options))",
                m.table, m.service_field, m.snake
            );
            if m.request_id {
                s += "            .with_request_id_field(|request| &mut request.request_id)\n";
            }
            if m.lro.is_some() {
                s += "            .into_operation()\n";
            }
            s += "    }\n\n";
        }
    }
    s += "}\n";
    Ok(s)
}

/// channel-core: the paging traits for every list method's request and response.
pub(crate) fn core_paging(pool: &DescriptorPool) -> Result<String, String> {
    let mut s = String::from("//! Paging accessors of every list method.\n\n");
    s += "use crate::pagination::{PageRequest, PageResponse};\n";
    let mut done = std::collections::BTreeSet::new();
    for service_name in SERVICES {
        let Some(service) = pool.get_service_by_name(service_name) else {
            continue;
        };
        for method in service.methods() {
            let (input, output) = (method.input(), method.output());
            let paged = input.get_field_by_name("page_size").is_some()
                && input.get_field_by_name("page_token").is_some()
                && output.get_field_by_name("next_page_token").is_some();
            let Some(items) = output
                .fields()
                .filter(|f| f.is_list())
                .min_by_key(|f| f.number())
            else {
                continue;
            };
            if !paged || !done.insert(output.full_name().to_string()) {
                continue;
            }
            let item = match items.kind() {
                Kind::Message(m) => external_path(&m),
                Kind::String => "String".to_string(),
                other => return Err(format!("unsupported page item kind {other:?}")),
            };
            let req = external_path(&input);
            let resp = external_path(&output);
            let _ = writeln!(s, "\nimpl PageRequest for {req} {{");
            s += "    fn page_token(&self) -> &str {\n        &self.page_token\n    }\n";
            s += "    fn set_page_token(&mut self, token: String) {\n        self.page_token = token;\n    }\n}\n";
            let _ = writeln!(s, "\nimpl PageResponse for {resp} {{");
            let _ = writeln!(s, "    type Item = {item};");
            s += "    fn next_page_token(&self) -> &str {\n        &self.next_page_token\n    }\n";
            let _ = writeln!(
                s,
                "    fn into_items(self) -> Vec<Self::Item> {{\n        self.{}\n    }}\n}}",
                items.name()
            );
        }
    }
    Ok(s)
}

/// channel-core's generated module tree.
pub(crate) fn core_mod() -> String {
    "//! Code generated from the schema.\n\npub mod builders;\npub mod client;\npub mod fields;\npub mod paging;\npub mod traits;\n"
        .to_string()
}

/// A field's name as prost writes it in Rust: keywords are raw identifiers.
pub(crate) fn rust_field(name: &str) -> String {
    const KEYWORDS: &[&str] = &[
        "as", "async", "await", "box", "break", "const", "continue", "dyn", "else", "enum",
        "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move",
        "mut", "pub", "ref", "return", "static", "struct", "trait", "true", "type", "unsafe",
        "use", "where", "while", "yield",
    ];
    if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_string()
    }
}

/// The Rust expression (a `&str`) reading the string field at a dotted
/// path of `message`, empty when a message on the way is unset.
pub(crate) fn text_expression(message: &MessageDescriptor, path: &str) -> Result<String, String> {
    let steps: Vec<&str> = path.split('.').collect();
    let mut at = message.clone();
    let mut chain = String::from("self");
    let mut optional = false;
    for (n, step) in steps.iter().enumerate() {
        let field = at
            .get_field_by_name(step)
            .ok_or_else(|| format!("{} has no field {path}", message.full_name()))?;
        let last = n + 1 == steps.len();
        match (last, field.kind()) {
            (true, Kind::String) if !field.is_list() => {
                let access = if field.supports_presence() {
                    format!(".{}.as_deref().unwrap_or_default()", rust_field(step))
                } else {
                    format!(".{}.as_str()", rust_field(step))
                };
                return Ok(if optional {
                    format!("{chain}.map_or(\"\", |m| m{access})")
                } else {
                    format!("{chain}{access}")
                });
            }
            (false, Kind::Message(inner)) if !field.is_list() => {
                chain = if optional {
                    format!("{chain}.and_then(|m| m.{}.as_ref())", rust_field(step))
                } else {
                    format!("{chain}.{}.as_ref()", rust_field(step))
                };
                optional = true;
                at = inner;
            }
            _ => {
                return Err(format!(
                    "{}: {path} is not a string field reached through messages",
                    message.full_name()
                ));
            }
        }
    }
    Err(format!("{}: empty field path", message.full_name()))
}

/// The Rust expression (a `bool`) telling whether a required field, or one
/// member of a required oneof, is set.
fn presence_expression(message: &MessageDescriptor, required: &Required) -> Result<String, String> {
    if !required.one_of.is_empty() {
        return Ok(format!("self.{}.is_some()", rust_field(&required.field)));
    }
    let field = message
        .get_field_by_name(&required.field)
        .ok_or_else(|| format!("{} has no field {}", message.full_name(), required.field))?;
    let name = rust_field(field.name());
    Ok(if field.is_list() || field.is_map() {
        format!("!self.{name}.is_empty()")
    } else if field.supports_presence() {
        format!("self.{name}.is_some()")
    } else {
        match field.kind() {
            Kind::Enum(_) => format!("self.{name} != 0"),
            _ => format!("!self.{name}.is_empty()"),
        }
    })
}

/// channel-core: how the request checks read each request's path fields and
/// required fields, without reflection.
pub(crate) fn core_fields(pool: &DescriptorPool) -> Result<String, String> {
    let behavior = extension(pool, "google.api.field_behavior")?;
    let http = extension(pool, "google.api.http")?;
    let mut s = String::from(
        "//! The fields the request checks read: each request's path variables and required fields.\n\n",
    );
    s += "use crate::validation::RequestFields;\n";
    let mut done = std::collections::BTreeSet::new();
    for service_name in SERVICES {
        let service = pool
            .get_service_by_name(service_name)
            .ok_or_else(|| format!("service {service_name} is not in the schema"))?;
        for method in service.methods() {
            let input = method.input();
            if !done.insert(input.full_name().to_string()) {
                continue;
            }
            let mut paths: Vec<String> = Vec::new();
            if let Value::Message(rule) = method.options().get_extension(&http).as_ref() {
                let mut rules = vec![binding(rule)?];
                if let Some(Value::List(more)) =
                    rule.get_field_by_name("additional_bindings").as_deref()
                {
                    for extra in more {
                        if let Value::Message(extra) = extra {
                            rules.push(binding(extra)?);
                        }
                    }
                }
                for (_, path, _) in rules {
                    for var in path_variables(&path) {
                        if !paths.contains(&var) {
                            paths.push(var);
                        }
                    }
                }
            }
            let required = required_fields(&input, &behavior);
            let _ = writeln!(s, "\nimpl RequestFields for {} {{", external_path(&input));
            s += "    fn text(&self, path: &str) -> Option<&str> {\n        match path {\n";
            for path in &paths {
                let _ = writeln!(
                    s,
                    "            \"{path}\" => Some({}),",
                    text_expression(&input, path)?
                );
            }
            s += "            _ => None,\n        }\n    }\n";
            s += "    fn is_set(&self, field: &str) -> Option<bool> {\n        match field {\n";
            for r in &required {
                let _ = writeln!(
                    s,
                    "            \"{}\" => Some({}),",
                    r.field,
                    presence_expression(&input, r)?
                );
            }
            s += "            _ => None,\n        }\n    }\n}\n";
        }
    }
    Ok(s)
}
