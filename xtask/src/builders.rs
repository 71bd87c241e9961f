//! Building requests and documenting methods, from the schema:
//!
//! - channel-types: `new()` and chainable `set_*` setters on every message,
//!   and the enum accessors and `Debug` of the messages whose plain enum
//!   fields are stored as `int32` (so that our setter can take the name
//!   prost's derive would give its own, unchainable one);
//! - channel-core: a request builder per RPC (a named `Call` with the
//!   request's setters) and the docs of each `Client` method: what it does,
//!   its HTTP bindings, what it returns, the errors it can give and an
//!   example by kind.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use heck::{ToSnakeCase as _, ToUpperCamelCase as _};
use prost_reflect::{
    DescriptorPool, EnumDescriptor, FieldDescriptor, FileDescriptor, Kind, MessageDescriptor,
    MethodDescriptor, OneofDescriptor, Value,
};

use crate::schema::PACKAGES;
use crate::tables::{self, CoreMethod};

/// The comment written above a schema element, one paragraph per blank
/// line, with the leading space of each line taken off.
pub(crate) fn comment(file: &FileDescriptor, path: &[i32]) -> String {
    let Some(info) = &file.file_descriptor_proto().source_code_info else {
        return String::new();
    };
    let Some(location) = info.location.iter().find(|l| l.path == path) else {
        return String::new();
    };
    location
        .leading_comments()
        .lines()
        .map(|line| line.strip_prefix(' ').unwrap_or(line).trim_end())
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// Writes a comment as `///` lines at `indent`.
fn doc_lines(s: &mut String, indent: &str, text: &str) {
    for line in text.lines() {
        if line.is_empty() {
            let _ = writeln!(s, "{indent}///");
        } else {
            let _ = writeln!(s, "{indent}/// {line}");
        }
    }
}

fn our_messages(pool: &DescriptorPool) -> Vec<MessageDescriptor> {
    pool.all_messages()
        .filter(|m| PACKAGES.contains(&m.package_name()) && !m.is_map_entry())
        .collect()
}

/// A field kept as `int32` with an enum's accessors: an enum field that is
/// neither repeated nor a oneof member.
fn plain_enum(field: &FieldDescriptor) -> Option<EnumDescriptor> {
    let real_oneof = field.containing_oneof().is_some_and(|o| !o.is_synthetic());
    match field.kind() {
        Kind::Enum(e) if !field.is_list() && !field.is_map() && !real_oneof => Some(e),
        _ => None,
    }
}

/// Stores every plain enum field of prost's output as `int32`. prost's
/// derive gives an enum field a `set_<field>(&mut self, value)` accessor,
/// which would take the name of our chainable setter; an `int32` field has
/// none, and the same wire form. Its message leaves `Debug` to us: the enum
/// getter and a `Debug` that shows names come back in the setters file.
pub(crate) fn plain_enums_as_int32(text: &str, expected: usize) -> Result<String, String> {
    let pattern = regex::Regex::new(
        r#"#\[prost\(enumeration = "[^"]+", (optional, )?tag = "(\d+)"\)\]\n(\s*)pub "#,
    )
    .expect("valid pattern");
    let found: Vec<usize> = pattern.find_iter(text).map(|m| m.start()).collect();
    if found.len() != expected {
        return Err(format!(
            "expected {expected} plain enum fields in prost's output, found {}",
            found.len()
        ));
    }
    // The structs holding them: the nearest `pub struct` before each field.
    let mut structs = BTreeSet::new();
    for at in found {
        let start = text[..at]
            .rfind("pub struct ")
            .ok_or("an enum field outside any struct")?;
        let line = text[..start].rfind('\n').map_or(0, |n| n + 1);
        structs.insert(line);
    }
    let mut out = String::with_capacity(text.len() + 64 * structs.len());
    let mut last = 0;
    for line in structs {
        out.push_str(&text[last..line]);
        let indent: String = text[line..].chars().take_while(|c| *c == ' ').collect();
        let _ = writeln!(out, "{indent}#[prost(skip_debug)]");
        last = line;
    }
    out.push_str(&text[last..]);
    Ok(pattern
        .replace_all(&out, "#[prost(int32, ${1}tag = \"$2\")]\n${3}pub ")
        .into_owned())
}

/// How many plain enum fields the messages of a package have.
pub(crate) fn plain_enum_count(pool: &DescriptorPool, package: &str) -> usize {
    our_messages(pool)
        .iter()
        .filter(|m| m.package_name() == package)
        .map(|m| m.fields().filter(|f| plain_enum(f).is_some()).count())
        .sum()
}

/// The Rust path of an enum below `root`, as prost names it.
fn enum_path(root: &str, e: &EnumDescriptor) -> String {
    let package = e.package_name();
    let relative = &e.full_name()[package.len() + 1..];
    tables::nested_path(root, package, relative)
}

/// The Rust path of a oneof's enum below `root`.
fn oneof_path(root: &str, oneof: &OneofDescriptor) -> String {
    let message = oneof.parent_message();
    let package = message.package_name();
    let relative = format!(
        "{}.{}",
        &message.full_name()[package.len() + 1..],
        oneof.name()
    );
    tables::nested_path(root, package, &relative)
}

/// The Rust type of a scalar, string or bytes value.
fn scalar_type(kind: &Kind) -> Option<&'static str> {
    Some(match kind {
        Kind::Double => "f64",
        Kind::Float => "f32",
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => "i32",
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => "i64",
        Kind::Uint32 | Kind::Fixed32 => "u32",
        Kind::Uint64 | Kind::Fixed64 => "u64",
        Kind::Bool => "bool",
        Kind::String => "String",
        Kind::Bytes => "Vec<u8>",
        Kind::Message(_) | Kind::Enum(_) => return None,
    })
}

/// One value of a field's kind as a setter takes it: its parameter type
/// and the expression turning the parameter `v` into what the field holds.
fn value_param(root: &str, kind: &Kind) -> (String, String) {
    match kind {
        Kind::String => ("impl Into<String>".into(), "v.into()".into()),
        Kind::Bytes => ("impl Into<Vec<u8>>".into(), "v.into()".into()),
        Kind::Message(m) => (
            format!("impl Into<{}>", tables::rust_path_in(root, m)),
            "v.into()".into(),
        ),
        Kind::Enum(e) => (enum_path(root, e), "i32::from(v)".into()),
        other => (
            scalar_type(other).unwrap_or("()").to_string(),
            "v".to_string(),
        ),
    }
}

/// A chainable setter: its doc, name, generics, parameter and the
/// statement that stores the parameter `v` in `self.<field>`.
struct Setter {
    doc: String,
    name: String,
    generics: String,
    param: String,
    bounds: String,
    store: String,
    deprecated: bool,
}

/// The setters of one message, as functions of `self` (the message).
fn setters(root: &str, message: &MessageDescriptor) -> Vec<Setter> {
    let mut out = Vec::new();
    let mut oneofs_done = BTreeSet::new();
    for field in message.fields() {
        let rust = tables::rust_field(field.name());
        let name = field.name().to_string();
        let kind = field.kind();
        // The field's own doc, after the setter's first line.
        let about = match comment(&field.parent_file(), field.path()) {
            text if text.is_empty() => String::new(),
            text => format!("\n\n{text}"),
        };
        let deprecated = field
            .field_descriptor_proto()
            .options
            .as_ref()
            .is_some_and(|o| o.deprecated());
        if let Some(oneof) = field.containing_oneof().filter(|o| !o.is_synthetic()) {
            let path = oneof_path(root, &oneof);
            let oneof_field = tables::rust_field(oneof.name());
            if oneofs_done.insert(oneof.name().to_string()) {
                out.push(Setter {
                    doc: format!(
                        "Sets the `{}` oneof to one of its members, or clears it with `None`.",
                        oneof.name()
                    ),
                    name: oneof.name().to_string(),
                    generics: String::new(),
                    param: format!("impl Into<Option<{path}>>"),
                    bounds: String::new(),
                    store: format!("self.{oneof_field} = v.into();"),
                    deprecated: false,
                });
            }
            let (param, value) = value_param(root, &kind);
            out.push(Setter {
                doc: format!(
                    "Sets `{name}`, the member of the `{}` oneof that is kept.{about}",
                    oneof.name()
                ),
                name,
                generics: String::new(),
                param,
                bounds: String::new(),
                store: format!(
                    "self.{oneof_field} = Some({path}::{}({value}));",
                    field.name().to_upper_camel_case()
                ),
                deprecated,
            });
            continue;
        }
        if field.is_map() {
            let Kind::Message(entry) = &kind else {
                continue;
            };
            let key = entry.map_entry_key_field().kind();
            let value = entry.map_entry_value_field().kind();
            let (k, kv) = value_param(root, &key);
            let (v, vv) = value_param(root, &value);
            let kv = kv.replace('v', "k");
            out.push(Setter {
                doc: format!("Sets `{name}` to the given pairs, replacing its entries.{about}"),
                name,
                generics: "<K, V>".into(),
                param: "impl IntoIterator<Item = (K, V)>".into(),
                bounds: format!(" where K: {}, V: {}", bound(&k), bound(&v)),
                store: format!("self.{rust} = v.into_iter().map(|(k, v)| ({kv}, {vv})).collect();"),
                deprecated,
            });
            continue;
        }
        if field.is_list() {
            let (param, value) = value_param(root, &kind);
            out.push(Setter {
                doc: format!("Sets `{name}`, replacing its elements.{about}"),
                name,
                generics: String::new(),
                param: format!("impl IntoIterator<Item = {param}>"),
                bounds: String::new(),
                store: format!("self.{rust} = v.into_iter().map(|v| {value}).collect();"),
                deprecated,
            });
            continue;
        }
        let (param, value) = value_param(root, &kind);
        let optional = field.supports_presence();
        // The setter takes the enum, so a number the schema lacks (one a
        // newer server sent) can only be written to the field itself.
        let unknown = match kind {
            Kind::Enum(_) => format!(
                "\n\nTo store a number the schema lacks, assign it to the message's \
                 `i32` field `{rust}`."
            ),
            _ => String::new(),
        };
        out.push(Setter {
            doc: format!("Sets `{name}`.{about}{unknown}"),
            name: name.clone(),
            generics: String::new(),
            param: param.clone(),
            bounds: String::new(),
            store: if optional {
                format!("self.{rust} = Some({value});")
            } else {
                format!("self.{rust} = {value};")
            },
            deprecated,
        });
        if optional {
            // A bare `None` leaves the `impl Into<T>` parameter's type unknown.
            let none = match param
                .strip_prefix("impl Into<")
                .and_then(|t| t.strip_suffix('>'))
            {
                Some(ty) => format!("`None::<{}>`", ty.rsplit("::").next().unwrap_or(ty)),
                None => "`None`".to_string(),
            };
            out.push(Setter {
                doc: format!("Sets `{name}`, or clears it with {none}."),
                name: format!("or_clear_{name}"),
                generics: String::new(),
                param: format!("Option<{param}>"),
                bounds: String::new(),
                store: format!("self.{rust} = v.map(|v| {value});"),
                deprecated,
            });
        }
    }
    out
}

/// A bound for a generic map key or value: the `Into<T>` of its parameter
/// type, or `Into<T>` of a plain type.
fn bound(param: &str) -> String {
    match param.strip_prefix("impl ") {
        Some(into) => into.to_string(),
        None => format!("Into<{param}>"),
    }
}

/// Writes one setter; `body` turns the setter into code over the message
/// (`self.field = ...`) or over something holding it.
fn write_setter(s: &mut String, setter: &Setter, body: &dyn Fn(&Setter) -> String) {
    doc_lines(s, "    ", &setter.doc);
    if setter.deprecated {
        s.push_str("    #[deprecated(note = \"deprecated in the Cloud Channel API\")]\n");
    }
    let _ = writeln!(
        s,
        "    pub fn set_{}{}(mut self, v: {}) -> Self{} {{",
        setter.name, setter.generics, setter.param, setter.bounds
    );
    let _ = writeln!(s, "        {}", body(setter));
    s.push_str("        self\n    }\n\n");
}

/// channel-types: `new()`, the setters, and the enum accessors and `Debug`
/// of the messages whose plain enum fields are stored as `int32`.
pub(crate) fn message_setters(pool: &DescriptorPool) -> Result<String, String> {
    let mut s = String::from(
        "//! Building messages: `new()` and a chainable `set_*` setter for every field.\n\
         //!\n\
         //! A setter takes what converts into the field (`impl Into<String>` for a\n\
         //! string, `impl Into<M>` for a message, which it wraps in `Some`, the enum\n\
         //! itself for an enum field), so a request built this way keeps compiling\n\
         //! when the schema adds fields.\n\n",
    );
    // A deprecated field keeps its setter, itself deprecated.
    s += "#![allow(deprecated)]\n\nuse std::fmt;\nuse std::marker::PhantomData;\n\n";
    s += "/// An enum field in `Debug`: the value's name, or its number when the\n\
          /// schema has no such value.\n\
          struct EnumValue<E>(i32, PhantomData<E>);\n\n\
          impl<E: TryFrom<i32> + fmt::Debug> fmt::Debug for EnumValue<E> {\n\
          \x20   fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {\n\
          \x20       match E::try_from(self.0) {\n\
          \x20           Ok(known) => known.fmt(f),\n\
          \x20           Err(_) => self.0.fmt(f),\n\
          \x20       }\n    }\n}\n\n\
          fn enum_value<E>(value: i32) -> EnumValue<E> {\n    EnumValue(value, PhantomData)\n}\n";
    let mut messages = our_messages(pool);
    messages.sort_by(|a, b| a.full_name().cmp(b.full_name()));
    for message in messages {
        let path = tables::rust_path_in("crate", &message);
        let _ = writeln!(s, "\nimpl {path} {{");
        let _ = writeln!(
            s,
            "    /// An empty `{}`: every field at its default.",
            message.name()
        );
        s += "    pub fn new() -> Self {\n        Self::default()\n    }\n\n";
        for setter in setters("crate", &message) {
            write_setter(&mut s, &setter, &|setter| setter.store.clone());
        }
        for field in message.fields() {
            let Some(e) = plain_enum(&field) else {
                continue;
            };
            let rust = tables::rust_field(field.name());
            let ty = enum_path("crate", &e);
            let value = if field.supports_presence() {
                format!("self.{rust}.and_then(|v| {ty}::try_from(v).ok())")
            } else {
                format!("{ty}::try_from(self.{rust}).ok()")
            };
            let _ = writeln!(
                s,
                "    /// `{}` as its enum; the enum's default when unset or a value the schema lacks.",
                field.name()
            );
            let _ = writeln!(
                s,
                "    pub fn {rust}(&self) -> {ty} {{\n        {value}.unwrap_or_default()\n    }}\n"
            );
        }
        s += "}\n";
        if message.fields().any(|f| plain_enum(&f).is_some()) {
            write_debug(&mut s, &message, &path);
        }
    }
    Ok(s)
}

/// `Debug` for a message with plain enum fields, showing them by name as
/// prost's derive would.
fn write_debug(s: &mut String, message: &MessageDescriptor, path: &str) {
    let _ = writeln!(s, "\nimpl fmt::Debug for {path} {{");
    s.push_str("    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {\n");
    let _ = writeln!(s, "        f.debug_struct(\"{}\")", message.name());
    let mut oneofs = BTreeSet::new();
    for field in message.fields() {
        if let Some(oneof) = field.containing_oneof().filter(|o| !o.is_synthetic()) {
            if oneofs.insert(oneof.name().to_string()) {
                let _ = writeln!(
                    s,
                    "            .field(\"{0}\", &self.{1})",
                    oneof.name(),
                    tables::rust_field(oneof.name())
                );
            }
            continue;
        }
        let rust = tables::rust_field(field.name());
        let value = match (plain_enum(&field), field.kind()) {
            (Some(e), _) if field.supports_presence() => {
                format!("&self.{rust}.map(enum_value::<{}>)", enum_path("crate", &e))
            }
            (Some(e), _) => format!("&enum_value::<{}>(self.{rust})", enum_path("crate", &e)),
            (None, Kind::Enum(e)) if field.is_list() => format!(
                "&self.{rust}.iter().map(|v| enum_value::<{}>(*v)).collect::<Vec<_>>()",
                enum_path("crate", &e)
            ),
            _ => format!("&self.{rust}"),
        };
        let _ = writeln!(s, "            .field(\"{rust}\", {value})");
    }
    s.push_str("            .finish()\n    }\n}\n");
}

/// The name of a method's request builder: the RPC's own name.
fn builder_name(method: &MethodDescriptor) -> String {
    method.name().to_upper_camel_case()
}

/// channel-core: one request builder per RPC, a `Call` named after it,
/// with the request's setters.
pub(crate) fn core_builders(pool: &DescriptorPool) -> Result<String, String> {
    let mut s = String::from(
        "//! One request builder per RPC, returned by the [`Client`](crate::Client)\n\
         //! method of the same name.\n\
         //!\n\
         //! Each is a [`Call`]: `set_*` setters fill the request's fields,\n\
         //! [`with_request`](Call::with_request) replaces the whole request, the\n\
         //! `with_*` options (timeout, retry policy, headers) apply to this call\n\
         //! only, and `.await` (or [`send`](Call::send)) sends it. Request fields\n\
         //! and call options never share a name: one takes `set_`, the other `with_`.\n\n",
    );
    s += "use crate::Call;\n";
    let mut done = BTreeSet::new();
    for (_, methods) in tables::core_methods(pool)? {
        for m in methods {
            let method = method_descriptor(pool, &m)?;
            let name = builder_name(&method);
            let ty = match &m.lro {
                Some((r, meta)) => format!("crate::LroCall<{}, {r}, {meta}>", m.input),
                None => format!("Call<{}, {}>", m.input, m.output),
            };
            let _ = writeln!(
                s,
                "\n/// The request builder of [`Client::{0}`](crate::Client::{0}) (`{1}`).",
                m.snake,
                method.full_name()
            );
            let _ = writeln!(s, "pub type {name} = {ty};");
            if !done.insert(m.input.clone()) {
                continue;
            }
            let input = method.input();
            let _ = writeln!(s, "\nimpl<Resp, Out> Call<{}, Resp, Out> {{", m.input);
            for setter in setters("::channel_types", &input) {
                let mut setter = setter;
                // "Sets `parent`" and "Sets the `x` oneof" both read as the request's.
                setter.doc = match setter.doc.strip_prefix("Sets the ") {
                    Some(rest) => format!("Sets the request's {rest}"),
                    None => setter.doc.replacen("Sets ", "Sets the request's ", 1),
                };
                write_setter(&mut s, &setter, &|setter| {
                    format!(
                        "self = self.map_request(|request| request.set_{}(v));",
                        setter.name
                    )
                });
            }
            s += "}\n";
        }
    }
    Ok(s)
}

fn method_descriptor(pool: &DescriptorPool, m: &CoreMethod) -> Result<MethodDescriptor, String> {
    let (service, _) = m
        .full_name
        .rsplit_once('.')
        .ok_or_else(|| format!("no service in {}", m.full_name))?;
    pool.get_service_by_name(service)
        .and_then(|s| s.methods().find(|method| method.full_name() == m.full_name))
        .ok_or_else(|| format!("no method {}", m.full_name))
}

/// A sample value for a path template's variable: each `*` becomes the
/// upper-case id of the collection before it (`accounts/ACCOUNT_ID`).
fn sample_name(pattern: &str) -> String {
    let segments: Vec<&str> = pattern.split('/').collect();
    let mut out = Vec::new();
    for (n, segment) in segments.iter().enumerate() {
        if *segment == "*" || *segment == "**" {
            let collection = n.checked_sub(1).map_or("resource", |p| segments[p]);
            let singular = collection.strip_suffix('s').unwrap_or(collection);
            out.push(format!("{}_ID", singular.to_snake_case().to_uppercase()));
        } else {
            out.push((*segment).to_string());
        }
    }
    out.join("/")
}

/// The setter calls of a method's example: its path variables (of the
/// primary binding) and its other required fields.
fn example_setters(
    pool: &DescriptorPool,
    method: &MethodDescriptor,
    rules: &[(String, String, String)],
) -> Result<Vec<String>, String> {
    let behavior = tables::extension(pool, "google.api.field_behavior")?;
    let input = method.input();
    let mut calls = Vec::new();
    let mut done = BTreeSet::new();
    if let Some((_, path, _)) = rules.first() {
        for (field, pattern) in tables::path_patterns(path) {
            if field.contains('.') {
                // A nested name (`customer.name`): set through its message below.
                continue;
            }
            calls.push(format!(".set_{field}(\"{}\")", sample_name(&pattern)));
            done.insert(field);
        }
    }
    for required in tables::required_fields(&input, &behavior) {
        if done.contains(&required.field) || !required.one_of.is_empty() {
            continue;
        }
        let Some(field) = input.get_field_by_name(&required.field) else {
            continue;
        };
        let value = match field.kind() {
            _ if field.is_map() => continue,
            Kind::Message(m) if field.is_list() => {
                format!("[{}::new()]", tables::rust_path_in("channel_types", &m))
            }
            Kind::String if field.is_list() => {
                format!("[\"{}\"]", field.name().to_uppercase())
            }
            _ if field.is_list() => continue,
            Kind::String => format!("\"{}\"", field.name().to_uppercase()),
            Kind::Message(m) if m.package_name() == "google.protobuf" => {
                format!("{}::default()", tables::rust_path_in("channel_types", &m))
            }
            Kind::Message(m) => {
                let mut value = format!("{}::new()", tables::rust_path_in("channel_types", &m));
                // A message named in the path: give it its sample name.
                if let Some((_, path, _)) = rules.first() {
                    for (var, pattern) in tables::path_patterns(path) {
                        let inner = var.strip_prefix(&format!("{}.", field.name()));
                        if let Some(inner) = inner.filter(|i| !i.contains('.')) {
                            let _ = write!(value, ".set_{inner}(\"{}\")", sample_name(&pattern));
                        }
                    }
                }
                value
            }
            Kind::Enum(e) => format!("{}::default()", enum_path("channel_types", &e)),
            _ => continue,
        };
        calls.push(format!(".set_{}({value})", field.name()));
    }
    Ok(calls)
}

/// A short Rust word for a method's result, for the example's variable.
fn result_variable(m: &CoreMethod) -> String {
    let ty = match &m.lro {
        Some((r, _)) => r.rsplit("::").next().unwrap_or("result"),
        None => m.output.rsplit("::").next().unwrap_or("response"),
    };
    match ty {
        "Empty" => "_".to_string(),
        other => other.to_snake_case(),
    }
}

/// The docs of one `Client` method, from the schema: what it does, its HTTP
/// bindings, what it returns, the errors it can give and an example.
pub(crate) fn method_doc(pool: &DescriptorPool, m: &CoreMethod) -> Result<String, String> {
    let method = method_descriptor(pool, m)?;
    let http = tables::extension(pool, "google.api.http")?;
    let behavior = tables::extension(pool, "google.api.field_behavior")?;
    let mut rules = Vec::new();
    if let Value::Message(rule) = method.options().get_extension(&http).as_ref() {
        rules.push(tables::binding(rule)?);
        if let Some(Value::List(more)) = rule.get_field_by_name("additional_bindings").as_deref() {
            for extra in more {
                if let Value::Message(extra) = extra {
                    rules.push(tables::binding(extra)?);
                }
            }
        }
    }
    let mut s = String::new();
    let description = comment(&method.parent_file(), method.path());
    let description = if description.is_empty() {
        format!("Calls `{}`.", method.name())
    } else {
        description
    };
    doc_lines(&mut s, "    ", &description);
    s += "    ///\n";
    let _ = writeln!(s, "    /// RPC `{}`, over HTTP:", method.full_name());
    for (verb, path, body) in &rules {
        let body = match body.as_str() {
            "" => String::new(),
            "*" => " (the request as the body)".to_string(),
            field => format!(" (`{field}` as the body)"),
        };
        let _ = writeln!(s, "    /// - `{} {path}`{body}", verb.to_uppercase());
    }
    s += "    ///\n";
    // "a [`Customer`]", "an [`Entitlement`]".
    let link = |path: &str| {
        let short = path.rsplit("::").next().unwrap_or(path);
        let article = if short.starts_with(['A', 'E', 'I', 'O', 'U']) {
            "an"
        } else {
            "a"
        };
        format!("{article} [`{short}`]({})", path.trim_start_matches("::"))
    };
    match &m.lro {
        Some((r, meta)) => {
            let _ = writeln!(
                s,
                "    /// Returns an [`Operation`](crate::Operation):\n    /// its result is {},\n    /// its metadata {};\n    /// [`wait`](crate::Operation::wait) on it for the result.",
                link(r),
                link(meta)
            );
        }
        None if m.paged => {
            let _ = writeln!(
                s,
                "    /// Returns a page,\n    /// {};\n    /// [`items`](crate::Call::items) streams the items of every page and\n    /// [`collect_items`](crate::Call::collect_items) gathers them.",
                link(&m.output)
            );
        }
        None if m.output.ends_with("::Empty") => {
            s += "    /// Returns nothing of interest (`Empty`) once done.\n";
        }
        None => {
            let _ = writeln!(s, "    /// Returns {}.", link(&m.output));
        }
    }
    s += "    ///\n    /// # Errors\n    ///\n";
    let required: Vec<String> = tables::required_fields(&method.input(), &behavior)
        .into_iter()
        .map(|r| format!("`{}`", r.field))
        .collect();
    // The checks accept a path field in the form of any binding, so every
    // binding's form is listed (`accounts/*` or `accounts/*/channelPartnerLinks/*`).
    let mut variables: Vec<(String, Vec<String>)> = Vec::new();
    for (_, path, _) in &rules {
        for (field, pattern) in tables::path_patterns(path) {
            let pattern = format!("`{pattern}`");
            match variables.iter_mut().find(|(f, _)| *f == field) {
                Some((_, patterns)) if patterns.contains(&pattern) => {}
                Some((_, patterns)) => patterns.push(pattern),
                None => variables.push((field, vec![pattern])),
            }
        }
    }
    let mut invalid = Vec::new();
    if !required.is_empty() {
        invalid.push(format!("{} is unset", or_list(&required)));
    }
    for (field, patterns) in &variables {
        invalid.push(format!(
            "`{field}` is not of the form {}",
            or_list(patterns)
        ));
    }
    if invalid.is_empty() {
        s += "    /// - `INVALID_ARGUMENT` when the server refuses a field's value.\n";
    } else {
        let text = format!(
            "- `INVALID_ARGUMENT`, before anything is sent, when {}; and from the server, when it refuses a value.",
            invalid.join(", or ")
        );
        bullet(&mut s, &text);
    }
    if let Some((field, _)) = variables.first() {
        let _ = writeln!(
            s,
            "    /// - `NOT_FOUND` when the resource `{field}` names does not exist;\n    ///   `PERMISSION_DENIED` when it is not the caller's to use."
        );
    } else {
        s += "    /// - `PERMISSION_DENIED` when the caller may not make this call.\n";
    }
    s += "    /// - `UNAVAILABLE`, retried as the defaults below say; `DEADLINE_EXCEEDED` when the\n    ///   call's timeout runs out first.\n";
    Ok(s)
}

/// `a`, `a or b`, `a, b or c`.
fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// Writes a `- ` list item as doc lines of at most 90 columns, continued
/// lines indented under the text.
fn bullet(s: &mut String, text: &str) {
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.len() + 1 + word.len() > 80 {
            let _ = writeln!(s, "    /// {line}");
            line = format!("  {word}");
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    if !line.is_empty() {
        let _ = writeln!(s, "    /// {line}");
    }
}

/// The example of one `Client` method, by kind: unary, list or operation.
pub(crate) fn method_example(pool: &DescriptorPool, m: &CoreMethod) -> Result<String, String> {
    let method = method_descriptor(pool, m)?;
    let http = tables::extension(pool, "google.api.http")?;
    let mut rules = Vec::new();
    if let Value::Message(rule) = method.options().get_extension(&http).as_ref() {
        rules.push(tables::binding(rule)?);
    }
    let calls = example_setters(pool, &method, &rules)?;
    let mut s = String::from("    ///\n    /// # Example\n    ///\n    /// ```no_run\n");
    s += "    /// # async fn example(client: channel_core::Client) -> channel_core::Result<()> {\n";
    let var = result_variable(m);
    let input = m.input.trim_start_matches("::");
    let chain = |s: &mut String, last: &str| {
        if calls.is_empty() {
            let _ = writeln!(s, "    ///     .{}({input}::new())", m.snake);
        } else {
            let _ = writeln!(s, "    ///     .{}(", m.snake);
            let _ = writeln!(s, "    ///         {input}::new()");
            for call in &calls {
                let _ = writeln!(s, "    ///             {call}");
            }
            s.truncate(s.len() - 1);
            s.push_str(",\n");
            let _ = writeln!(s, "    ///     )");
        }
        let _ = writeln!(s, "    ///     {last};");
    };
    match (&m.lro, m.paged) {
        (Some(_), _) => {
            s += "    /// let operation = client\n";
            chain(&mut s, ".await?");
            let _ = writeln!(s, "    /// let {var} = operation.wait().await?;");
        }
        (None, true) => {
            let item = m.item.rsplit("::").next().unwrap_or("item").to_snake_case();
            let _ = writeln!(s, "    /// let {item}s = client");
            chain(&mut s, ".collect_items()\n    ///     .await?");
            let _ = writeln!(s, "    /// println!(\"{{}} found\", {item}s.len());");
        }
        (None, false) => {
            let _ = writeln!(s, "    /// let {var} = client");
            chain(&mut s, ".await?");
        }
    }
    s += "    /// # Ok(()) }\n    /// ```\n";
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool() -> DescriptorPool {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/channel-types/proto");
        crate::schema::load(&root)
            .expect("the schema compiles")
            .pool
    }

    #[test]
    fn every_client_method_has_a_description_its_bindings_errors_and_an_example() {
        let pool = pool();
        let client = tables::core_client(&pool).unwrap();
        let methods: Vec<&str> = client.split("    pub fn ").skip(1).collect();
        let rpcs: usize = tables::core_methods(&pool)
            .unwrap()
            .iter()
            .map(|(_, methods)| methods.len())
            .sum();
        assert!(rpcs > 0);
        assert_eq!(methods.len(), rpcs);
        let docs: Vec<&str> = client.split("    pub fn ").collect();
        for (doc, method) in docs.iter().zip(methods) {
            let name = method.split('(').next().unwrap_or_default();
            // The doc comment alone: after the previous method's closing brace.
            let start = doc
                .rfind("\n    }\n")
                .map(|i| i + 7)
                .or_else(|| doc.find("impl Client {\n").map(|i| i + 14))
                .unwrap_or_default();
            let doc = &doc[start..];
            let description = doc.trim_start().lines().next().unwrap_or_default();
            assert!(
                description.starts_with("/// ")
                    && !description.contains("RPC `")
                    && !description.contains("Calls `"),
                "{name}: {description}"
            );
            for part in [
                "/// RPC `",
                "/// - `",
                "/// Returns ",
                "/// # Errors",
                "/// # Example",
            ] {
                assert!(doc.contains(part), "{name} lacks {part}");
            }
            assert!(
                doc.contains(&format!("///     .{name}(")) && doc.contains("::new()"),
                "{name}'s example calls it"
            );
        }
    }

    /// Doc text with its comment markers and line breaks taken out.
    fn prose(doc: &str) -> String {
        doc.split_whitespace()
            .filter(|w| *w != "///")
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn the_errors_name_every_form_a_path_field_may_take() {
        let client = prose(&tables::core_client(&pool()).unwrap());
        assert!(client.contains(
            "`parent` is not of the form `accounts/*` or `accounts/*/channelPartnerLinks/*`;"
        ));
        assert!(client.contains("`name` is not of the form `operations/**`;"));
    }

    #[test]
    fn builder_setter_docs_read_as_the_requests_fields() {
        let builders = core_builders(&pool()).unwrap();
        assert!(!builders.contains("the request's the"));
        assert!(
            builders
                .contains("/// Sets the request's `customer_identity` oneof to one of its members")
        );
    }

    #[test]
    fn a_clearing_setter_shows_the_none_that_compiles() {
        let setters = message_setters(&pool()).unwrap();
        assert!(setters.contains("/// Sets `update_mask`, or clears it with `None::<FieldMask>`."));
    }

    #[test]
    fn an_enum_setter_says_how_to_store_a_number_the_schema_lacks() {
        let setters = prose(&message_setters(&pool()).unwrap());
        assert!(setters.contains(
            "Sets `link_state`. Where the link stands: invited, active, revoked or suspended. \
             To store a number the schema lacks, assign it to the message's `i32` field \
             `link_state`."
        ));
    }

    #[test]
    fn every_field_of_the_model_has_a_doc_in_the_schema() {
        let pool = pool();
        let undocumented: Vec<String> = our_messages(&pool)
            .iter()
            .flat_map(|m| m.fields())
            .filter(|f| comment(&f.parent_file(), f.path()).is_empty())
            .map(|f| f.full_name().to_string())
            .collect();
        assert!(undocumented.is_empty(), "{undocumented:#?}");
    }

    #[test]
    fn an_example_sets_the_path_variables_with_their_collections_ids() {
        assert_eq!(
            sample_name("accounts/*/channelPartnerLinks/*"),
            "accounts/ACCOUNT_ID/channelPartnerLinks/CHANNEL_PARTNER_LINK_ID"
        );
        let client = tables::core_client(&pool()).unwrap();
        assert!(client.contains(
            "///     .get_customer(\n    ///         channel_types::model::GetCustomerRequest::new()\n    ///             .set_name(\"accounts/ACCOUNT_ID/customers/CUSTOMER_ID\"),\n    ///     )"
        ));
    }

    const PROST: &str = "#[derive(Clone, PartialEq, ::prost::Message)]\n\
        pub struct Link {\n\
        \x20   #[prost(enumeration = \"State\", tag = \"3\")]\n\
        \x20   pub state: i32,\n\
        }\n\
        pub mod event {\n\
        \x20   #[derive(Clone, PartialEq, ::prost::Oneof)]\n\
        \x20   pub enum Kind {\n\
        \x20       #[prost(enumeration = \"super::State\", tag = \"4\")]\n\
        \x20       State(i32),\n\
        \x20   }\n\
        }\n";

    #[test]
    fn a_plain_enum_field_is_stored_as_int32_and_its_struct_leaves_debug_to_us() {
        let text = plain_enums_as_int32(PROST, 1).unwrap();
        assert!(
            text.contains("#[prost(skip_debug)]\npub struct Link {"),
            "{text}"
        );
        assert!(text.contains("#[prost(int32, tag = \"3\")]\n    pub state: i32,"));
        // A oneof member has no accessor to clash with: it keeps its enum.
        assert!(text.contains("#[prost(enumeration = \"super::State\", tag = \"4\")]"));
    }

    #[test]
    fn an_unexpected_number_of_plain_enum_fields_fails_codegen() {
        let error = plain_enums_as_int32(PROST, 2).unwrap_err();
        assert!(error.contains("expected 2 plain enum fields"), "{error}");
    }
}
