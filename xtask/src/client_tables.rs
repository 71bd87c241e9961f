//! The client side's per-method code and the resource-name types:
//!
//! - channel-http: the service traits over `HttpTransport`, each method
//!   handing its request and its method-table entry to the transport;
//! - channel-grpc: the same over `GrpcTransport`, with the request fields
//!   that make up `x-goog-request-params`;
//! - channel-cli: the dispatch from a method name to its typed call;
//! - channel-types: a type per `google.api.resource` pattern of the schema.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use heck::ToSnakeCase as _;
use prost_reflect::{DescriptorPool, DynamicMessage, MethodDescriptor, Value};

use crate::tables::{
    SERVICES, binding, extension, external_path, path_variables, rust_path_in, string_field,
    text_expression,
};

/// Adds the generated files of this module to `out`, keyed by their path
/// from the workspace root. channel-grpc's module tree is already there (its
/// stubs); the services module is added to it.
pub(crate) fn generate(
    pool: &DescriptorPool,
    out: &mut BTreeMap<String, String>,
) -> Result<(), String> {
    let services = client_services(pool)?;
    out.insert(
        "crates/channel-http/src/generated/mod.rs".into(),
        "//! Code generated from the schema.\n\nmod services;\n".into(),
    );
    out.insert(
        "crates/channel-http/src/generated/services.rs".into(),
        http_services(&services),
    );
    let grpc_mod = "crates/channel-grpc/src/generated/mod.rs";
    out.get_mut(grpc_mod)
        .ok_or_else(|| format!("{grpc_mod} is not generated"))?
        .push_str("\nmod services;\n");
    out.insert(
        "crates/channel-grpc/src/generated/services.rs".into(),
        grpc_services(&services),
    );
    out.insert(
        "crates/channel-cli/src/generated/mod.rs".into(),
        "//! Code generated from the schema.\n\npub(crate) mod dispatch;\n".into(),
    );
    out.insert(
        "crates/channel-cli/src/generated/dispatch.rs".into(),
        cli_dispatch(&services),
    );
    out.insert(
        "crates/channel-types/src/generated/names.rs".into(),
        names(pool)?,
    );
    Ok(())
}

/// One RPC as the client-side tables see it.
struct ClientMethod {
    /// `GetCustomer`.
    name: String,
    /// `get_customer`.
    snake: String,
    /// `cloud_channel_service::GET_CUSTOMER`, below `channel_types::methods`.
    table: String,
    input: String,
    output: String,
    /// The request fields in the primary HTTP binding's path, in order, with
    /// the Rust expression (a `&str`, over `request`) reading each.
    routing: Vec<(String, String)>,
    paged: bool,
    lro: bool,
}

/// A service: its trait name and its methods.
struct ClientService {
    name: String,
    methods: Vec<ClientMethod>,
}

fn client_services(pool: &DescriptorPool) -> Result<Vec<ClientService>, String> {
    let http = extension(pool, "google.api.http")?;
    let operation_info = extension(pool, "google.longrunning.operation_info")?;
    let mut services = Vec::new();
    for service_name in SERVICES {
        let service = pool
            .get_service_by_name(service_name)
            .ok_or_else(|| format!("service {service_name} is not in the schema"))?;
        let module = service.name().to_snake_case();
        let mut methods = Vec::new();
        for method in service.methods() {
            methods.push(ClientMethod {
                name: method.name().to_string(),
                snake: method.name().to_snake_case(),
                table: format!("{module}::{}", method.name().to_snake_case().to_uppercase()),
                input: external_path(&method.input()),
                output: external_path(&method.output()),
                routing: primary_routing(&method, &http)?,
                paged: is_paged(&method),
                lro: method.options().has_extension(&operation_info),
            });
        }
        services.push(ClientService {
            name: service.name().to_string(),
            methods,
        });
    }
    Ok(services)
}

/// The routing fields of a method: the variables of its primary HTTP
/// binding only, as Google's generated clients send them. A field that only
/// an additional binding names (`integrator` of the subscriber methods) is
/// not part of the header.
fn primary_routing(
    method: &MethodDescriptor,
    http: &prost_reflect::ExtensionDescriptor,
) -> Result<Vec<(String, String)>, String> {
    let Value::Message(rule) = method.options().get_extension(http).into_owned() else {
        return Err(format!("{} has no HTTP rule", method.full_name()));
    };
    let (_, path, _) = binding(&rule)?;
    path_variables(&path)
        .into_iter()
        .map(|field| {
            let read = text_expression(&method.input(), &field)?;
            let read = read
                .strip_prefix("self")
                .ok_or_else(|| format!("{}: unexpected reader {read}", method.full_name()))?;
            Ok((field, format!("request{read}")))
        })
        .collect()
}

/// Whether a method is listed page by page, as channel-core's paging sees it.
fn is_paged(method: &MethodDescriptor) -> bool {
    let (input, output) = (method.input(), method.output());
    input.get_field_by_name("page_size").is_some()
        && input.get_field_by_name("page_token").is_some()
        && output.get_field_by_name("next_page_token").is_some()
        && output.fields().any(|f| f.is_list())
}

/// The `use` lines the two transports share.
fn transport_imports(s: &mut String) {
    s.push_str(
        "use channel_core::transport::BoxFuture;\nuse channel_core::{\n    CallOptions, CloudChannelReportsService, CloudChannelService, Operations, Result,\n};\n",
    );
    s.push_str("use channel_types::methods::{cloud_channel_reports_service, cloud_channel_service, operations};\n");
}

/// channel-http: every method is one call of `HttpTransport::unary` with its
/// entry of the method table, which holds all that REST needs.
fn http_services(services: &[ClientService]) -> String {
    let mut s = String::from(
        "//! The service traits of `channel_core` over [`HttpTransport`]: each\n\
         //! method hands its request and its entry of the method table to\n\
         //! [`HttpTransport::unary`].\n\n",
    );
    transport_imports(&mut s);
    s.push_str("\nuse crate::HttpTransport;\n");
    for service in services {
        let _ = writeln!(s, "\nimpl {} for HttpTransport {{", service.name);
        for m in &service.methods {
            let _ = writeln!(
                s,
                "    fn {}(&self, request: {}, options: CallOptions) -> BoxFuture<'_, Result<{}>> {{",
                m.snake, m.input, m.output
            );
            let _ = writeln!(
                s,
                "        Box::pin(async move {{ self.unary(&{}, &request, options).await }})",
                m.table
            );
            s.push_str("    }\n\n");
        }
        s.push_str("}\n");
    }
    s
}

/// channel-grpc: every method is one call of `GrpcTransport::unary`, with
/// the routing header read from the request first.
fn grpc_services(services: &[ClientService]) -> String {
    let mut s = String::from(
        "//! The service traits of `channel_core` over `GrpcTransport`: each\n\
         //! method builds `x-goog-request-params` from the request fields of its\n\
         //! primary HTTP binding and hands the call to `GrpcTransport::unary`.\n\n",
    );
    transport_imports(&mut s);
    s.push_str("\nuse crate::routing;\nuse crate::transport::GrpcTransport;\n");
    for service in services {
        let _ = writeln!(s, "\nimpl {} for GrpcTransport {{", service.name);
        for m in &service.methods {
            let _ = writeln!(
                s,
                "    fn {}(&self, request: {}, options: CallOptions) -> BoxFuture<'_, Result<{}>> {{",
                m.snake, m.input, m.output
            );
            if m.routing.is_empty() {
                s.push_str("        let params = None;\n");
            } else {
                let pairs: Vec<String> = m
                    .routing
                    .iter()
                    .map(|(field, value)| format!("(\"{field}\", {value})"))
                    .collect();
                let _ = writeln!(
                    s,
                    "        let params = routing::request_params(&[{}]);",
                    pairs.join(", ")
                );
            }
            let _ = writeln!(
                s,
                "        Box::pin(self.unary(&{}, request, params, options))",
                m.table
            );
            s.push_str("    }\n\n");
        }
        s.push_str("}\n");
    }
    s
}

/// channel-cli: from a method to its typed call, by the method's kind.
fn cli_dispatch(services: &[ClientService]) -> String {
    let mut s = String::from(
        "//! The CLI's dispatch: for each RPC, the request type its JSON decodes\n\
         //! into, the `Client` method that calls it, and how its response is\n\
         //! printed (unary, list or long-running operation).\n\n",
    );
    s.push_str("use channel::Client;\nuse channel::methods::Method;\nuse serde_json::Value;\n\n");
    s.push_str("use crate::dispatch::{Run, decode, list, lro, unary, unknown};\n");
    s.push_str("use crate::failure::Failure;\n");
    let all: Vec<&ClientMethod> = services.iter().flat_map(|s| &s.methods).collect();
    let kind = |m: &ClientMethod| match (m.paged, m.lro) {
        (true, _) => "list",
        (false, true) => "lro",
        (false, false) => "unary",
    };

    s.push_str("\n/// Every method the dispatch knows, with its kind.\n#[cfg(test)]\n");
    s.push_str("pub(crate) const METHODS: &[(&str, &str)] = &[\n");
    for m in &all {
        let _ = writeln!(s, "    (\"{}\", \"{}\"),", m.name, kind(m));
    }
    s.push_str("];\n");

    s.push_str(
        "\n/// Checks that `request` decodes as the request of `method`, before\n\
         /// anything is set up to call it.\n",
    );
    s.push_str("pub(crate) fn check(method: &Method, request: &Value) -> Result<(), Failure> {\n");
    s.push_str("    match method.name {\n");
    for m in &all {
        let _ = writeln!(
            s,
            "        \"{}\" => decode::<{}>(method, request.clone()).map(drop),",
            m.name, m.input
        );
    }
    s.push_str("        _ => Err(unknown(method)),\n    }\n}\n");

    s.push_str("\n/// Calls `run.method` with `request` and prints the outcome.\n");
    s.push_str("#[allow(deprecated)]\n");
    s.push_str(
        "pub(crate) async fn call(client: &Client, request: Value, run: &mut Run<'_>) -> Result<(), Failure> {\n",
    );
    s.push_str("    let method = run.method;\n    match method.name {\n");
    for m in &all {
        let _ = writeln!(s, "        \"{}\" => {{", m.name);
        let _ = writeln!(
            s,
            "            let request: {} = decode(method, request)?;",
            m.input
        );
        let _ = writeln!(
            s,
            "            {}(run, request, |r| client.{}(r)).await",
            kind(m),
            m.snake
        );
        s.push_str("        }\n");
    }
    s.push_str("        _ => Err(unknown(method)),\n    }\n}\n");
    s
}

/// Resource types whose name type is written by hand in
/// `channel_types::names`; each has a `from_pattern` constructor of its
/// borrowed form taking the values of the schema's pattern. A customer is
/// also named under
/// its distributor's channel partner link
/// (`accounts/{account}/channelPartnerLinks/{channel_partner_link}/customers/{customer}`),
/// a second form that the schema's resource option does not list.
const HAND_WRITTEN: &[&str] = &["cloudchannel.googleapis.com/Customer"];

/// Rust names for the resource types whose last word another type has too.
const RUST_NAMES: &[(&str, &str)] = &[(
    "cloudbilling.googleapis.com/BillingAccount",
    "CloudBillingAccountName",
)];

/// A resource type of the schema with its pattern taken apart.
struct Resource {
    /// `cloudchannel.googleapis.com/Entitlement`.
    kind: String,
    /// `EntitlementName`.
    rust: String,
    pattern: String,
    /// The pattern's `(collection, field)` pairs, in order.
    pairs: Vec<(String, String)>,
    /// The message the name belongs to, as a path inside channel-types.
    message: Option<String>,
    /// The schema's comment on the message or definition.
    comment: String,
}

/// The leading comment at `path` of a file's source information.
fn comment_at(file: &prost_types::FileDescriptorProto, path: &[i32]) -> String {
    file.source_code_info
        .as_ref()
        .and_then(|info| info.location.iter().find(|l| l.path == path))
        .and_then(|l| l.leading_comments.as_deref())
        .map(|c| c.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// Takes `c0/{v0}/c1/{v1}/...` apart.
fn pattern_pairs(kind: &str, pattern: &str) -> Result<Vec<(String, String)>, String> {
    let segments: Vec<&str> = pattern.split('/').collect();
    if !segments.len().is_multiple_of(2) {
        return Err(format!(
            "{kind}: `{pattern}` does not alternate collections and values"
        ));
    }
    segments
        .chunks(2)
        .map(|pair| {
            let field = pair[1]
                .strip_prefix('{')
                .and_then(|v| v.strip_suffix('}'))
                .filter(|v| !v.contains(['{', '}', '=']) && !pair[0].contains(['{', '}']));
            match field {
                Some(field) => Ok((pair[0].to_string(), field.to_string())),
                None => Err(format!(
                    "{kind}: `{pattern}` does not alternate collections and values"
                )),
            }
        })
        .collect()
}

fn resource(
    descriptor: &DynamicMessage,
    message: Option<String>,
    comment: String,
) -> Result<Resource, String> {
    let kind = string_field(descriptor, "type");
    let patterns: Vec<String> = match descriptor.get_field_by_name("pattern").as_deref() {
        Some(Value::List(list)) => list
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    let [pattern] = patterns.as_slice() else {
        return Err(format!(
            "{kind}: one pattern expected, found {}",
            patterns.len()
        ));
    };
    let rust = RUST_NAMES
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, r)| (*r).to_string())
        .unwrap_or_else(|| format!("{}Name", kind.rsplit('/').next().unwrap_or_default()));
    Ok(Resource {
        pairs: pattern_pairs(&kind, pattern)?,
        pattern: pattern.clone(),
        kind,
        rust,
        message,
        comment,
    })
}

/// Every resource type the schema declares, on a message or on a file,
/// sorted by Rust name.
fn resources(pool: &DescriptorPool) -> Result<Vec<Resource>, String> {
    let on_message = extension(pool, "google.api.resource")?;
    let on_file = extension(pool, "google.api.resource_definition")?;
    let mut out = Vec::new();
    for message in pool.all_messages() {
        let options = message.options();
        if !options.has_extension(&on_message) {
            continue;
        }
        if let Value::Message(descriptor) = options.get_extension(&on_message).as_ref() {
            let comment = comment_at(message.parent_file_descriptor_proto(), message.path());
            out.push(resource(
                descriptor,
                Some(rust_path_in("crate", &message)),
                comment,
            )?);
        }
    }
    for file in pool.files() {
        if let Value::List(list) = file.options().get_extension(&on_file).as_ref() {
            for (i, descriptor) in list.iter().enumerate() {
                if let Value::Message(descriptor) = descriptor {
                    // FileDescriptorProto.options is field 8.
                    let index = i32::try_from(i).map_err(|e| e.to_string())?;
                    let comment = comment_at(file.file_descriptor_proto(), &[8, 1053, index]);
                    out.push(resource(descriptor, None, comment)?);
                }
            }
        }
    }
    out.sort_by(|a, b| a.rust.cmp(&b.rust));
    for pair in out.windows(2) {
        if pair[0].rust == pair[1].rust {
            return Err(format!(
                "{} and {} would both be {}; give one a name in RUST_NAMES",
                pair[0].kind, pair[1].kind, pair[0].rust
            ));
        }
    }
    for kind in HAND_WRITTEN {
        if !out.iter().any(|r| r.kind == *kind) {
            return Err(format!("{kind} is not in the schema"));
        }
    }
    Ok(out)
}

/// channel-types: a name type per resource pattern, over the parser and
/// printer of `names.rs`, which includes this file.
fn names(pool: &DescriptorPool) -> Result<String, String> {
    let resources = resources(pool)?;
    // Included by `names.rs`, so no inner doc comment here.
    let mut s = String::from(
        "// One name type per `google.api.resource` pattern of the schema, over the\n\
         // runtime of `names.rs`.\n",
    );
    for r in resources
        .iter()
        .filter(|r| !HAND_WRITTEN.contains(&r.kind.as_str()))
    {
        let collections: Vec<&str> = r.pairs.iter().map(|(c, _)| c.as_str()).collect();
        let parent = resources.iter().find(|p| {
            p.pairs.len() + 1 == r.pairs.len()
                && p.pairs
                    .iter()
                    .map(|(c, _)| c.as_str())
                    .eq(collections[..p.pairs.len()].iter().copied())
        });
        s.push_str("\nresource_name! {\n");
        let _ = writeln!(s, "    /// The name of a `{}` resource.", r.kind);
        if !r.comment.is_empty() || r.message.is_some() {
            s.push_str("    ///\n");
        }
        if !r.comment.is_empty() {
            let _ = writeln!(s, "    /// {}", r.comment);
        }
        if let Some(message) = &r.message {
            let short = message.rsplit("::").next().unwrap_or_default();
            let _ = writeln!(s, "    /// Its message is [`{short}`]({message}).");
        }
        let ref_name = format!("{}Ref", r.rust);
        let _ = writeln!(s, "    {}, {ref_name}: \"{}\" {{", r.rust, r.pattern);
        for (collection, field) in &r.pairs {
            let _ = writeln!(s, "        \"{collection}\" => {field},");
        }
        s.push_str("    }\n");
        if let Some(p) = parent {
            let _ = writeln!(s, "    parent: {}", p.rust);
        }
        s.push_str("}\n");
        if let Some(p) = parent {
            let _ = writeln!(s, "\nimpl<'a> {ref_name}<'a> {{");
            let _ = writeln!(s, "    /// The [`{}`] this name lies under.", p.rust);
            let _ = writeln!(s, "    pub fn parent(self) -> {}Ref<'a> {{", p.rust);
            let values = r.pairs.iter().map(|(_, f)| format!("self.{f}"));
            if HAND_WRITTEN.contains(&p.kind.as_str()) {
                let values: Vec<String> = values.collect();
                let _ = writeln!(
                    s,
                    "        {}Ref::from_pattern({})",
                    p.rust,
                    values[..p.pairs.len()].join(", ")
                );
            } else {
                let fields: Vec<String> = p
                    .pairs
                    .iter()
                    .zip(values)
                    .map(|((_, f), v)| format!("{f}: {v}"))
                    .collect();
                let _ = writeln!(s, "        {}Ref {{ {} }}", p.rust, fields.join(", "));
            }
            s.push_str("    }\n}\n");
        }
    }
    s.push_str("\n/// The hand-written name types keep to the schema's patterns.\n");
    s.push_str("#[cfg(test)]\n#[test]\nfn hand_written_names_follow_the_schema() {\n");
    for r in resources
        .iter()
        .filter(|r| HAND_WRITTEN.contains(&r.kind.as_str()))
    {
        let _ = writeln!(s, "    assert_eq!({}::PATTERN, \"{}\");", r.rust, r.pattern);
    }
    s.push_str("}\n");
    Ok(s)
}
