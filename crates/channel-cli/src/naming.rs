//! Command names, computed from the method table.
//!
//! Each RPC becomes `cloudchannel GROUP COMMAND`, named the way the
//! discovery-generated `cloudchannel1` CLI names REST methods: the group is
//! the first collection word of the HTTP path, the command is the remaining
//! collection words followed by the verb, all in kebab case.
//!
//! | method            | primary path                                              | command                                      |
//! |-------------------|-----------------------------------------------------------|----------------------------------------------|
//! | ListCustomers     | `/v1/{parent=accounts/*}/customers`                       | `accounts customers-list`                    |
//! | SuspendEntitlement| `/v1/{name=accounts/*/customers/*/entitlements/*}:suspend`| `accounts customers-entitlements-suspend`    |
//! | ListSkus          | `/v1/{parent=products/*}/skus`                            | `products skus-list`                         |
//! | GetOperation      | `/v1/{name=operations/**}`                                | `operations get`                             |
//!
//! The verb is the custom verb of the path when there is one (`:fooBar`
//! gives `foo-bar`), otherwise the method's standard verb: List -> `list`,
//! Get -> `get`, Create -> `create`, Update -> `patch`, Delete -> `delete`.
//! The path variables of the binding are the command's positional
//! arguments, in template order.
//!
//! Additional HTTP bindings give more names for the same method: an alias
//! when they land in the same group with the same path variables
//! (`accounts channel-partner-links-customers-get` for GetCustomer), or a
//! command of their own otherwise (`integrators list-subscribers`).

use channel::methods::{ALL, HttpBinding, HttpVerb, Method};

/// A path variable of an HTTP binding: a request field and the pattern its
/// value must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PathVar {
    /// The request field, as a dotted path of proto names (`customer.name`).
    pub(crate) field: &'static str,
    /// The pattern, e.g. `accounts/*/customers/*`; `*` when the template
    /// gives none.
    pub(crate) pattern: &'static str,
}

impl PathVar {
    /// Whether `value` matches the pattern: `*` is one non-empty segment,
    /// `**` one or more segments, anything else itself.
    pub(crate) fn matches(&self, value: &str) -> bool {
        let pattern: Vec<&str> = self.pattern.split('/').collect();
        let value: Vec<&str> = value.split('/').collect();
        let mut v = 0;
        for (i, part) in pattern.iter().enumerate() {
            match *part {
                "**" => {
                    let rest = &value[v.min(value.len())..];
                    // `**` must be the last segment of a pattern.
                    return i == pattern.len() - 1
                        && !rest.is_empty()
                        && rest.iter().all(|s| !s.is_empty());
                }
                "*" => {
                    if value.get(v).is_none_or(|s| s.is_empty()) {
                        return false;
                    }
                }
                literal => {
                    if value.get(v) != Some(&literal) {
                        return false;
                    }
                }
            }
            v += 1;
        }
        v == value.len()
    }

    /// Whether the pattern has no wildcard: the value can only be the
    /// pattern itself (`{name=operations}`).
    pub(crate) fn fixed(&self) -> Option<&'static str> {
        (!self.pattern.split('/').any(|s| s == "*" || s == "**")).then_some(self.pattern)
    }
}

/// A URL template taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    /// The literal collection words, in order (`accounts`, `customers`, ...),
    /// without the API version.
    pub(crate) words: Vec<&'static str>,
    /// The path variables, in order.
    pub(crate) vars: Vec<PathVar>,
    /// The custom verb after the last `:`, e.g. `suspend`.
    pub(crate) custom_verb: Option<&'static str>,
}

/// Parses a template such as `/v1/{name=accounts/*/customers/*}:suspend`.
pub(crate) fn parse_template(path: &'static str) -> Template {
    let path = path.strip_prefix('/').unwrap_or(path);
    // The custom verb follows the last `:` outside of braces.
    let mut depth = 0usize;
    let mut verb_at = None;
    for (i, c) in path.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ':' if depth == 0 => verb_at = Some(i),
            _ => {}
        }
    }
    let (path, custom_verb) = match verb_at {
        Some(i) => (&path[..i], Some(&path[i + 1..])),
        None => (path, None),
    };
    let mut segments = Vec::new();
    let mut start = 0;
    depth = 0;
    for (i, c) in path.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            '/' if depth == 0 => {
                segments.push(&path[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    segments.push(&path[start..]);
    let mut words = Vec::new();
    let mut vars = Vec::new();
    for (i, segment) in segments.into_iter().enumerate() {
        if i == 0 && segment.starts_with('v') && segment[1..].chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        if let Some(inner) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            let (field, pattern) = inner.split_once('=').unwrap_or((inner, "*"));
            vars.push(PathVar { field, pattern });
            words.extend(
                pattern
                    .split('/')
                    .filter(|w| !w.is_empty() && *w != "*" && *w != "**"),
            );
        } else if !segment.is_empty() {
            words.push(segment);
        }
    }
    Template {
        words,
        vars,
        custom_verb,
    }
}

/// `channelPartnerLinks` -> `channel-partner-links`; `snake_case` -> `snake-case`.
pub(crate) fn kebab(word: &str) -> String {
    let mut out = String::with_capacity(word.len() + 4);
    for (i, c) in word.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 && !out.ends_with('-') {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else if c == '_' {
            out.push('-');
        } else {
            out.push(c);
        }
    }
    out
}

/// The standard verb of a method without a custom verb.
fn standard_verb(method: &Method, binding: &HttpBinding) -> &'static str {
    const PREFIXES: [(&str, &str); 5] = [
        ("List", "list"),
        ("Get", "get"),
        ("Create", "create"),
        ("Update", "patch"),
        ("Delete", "delete"),
    ];
    for (prefix, verb) in PREFIXES {
        if method.name.starts_with(prefix) {
            return verb;
        }
    }
    match binding.verb {
        HttpVerb::Get => "get",
        HttpVerb::Post => "create",
        HttpVerb::Patch => "patch",
        HttpVerb::Put => "update",
        HttpVerb::Delete => "delete",
    }
}

/// The `(group, command)` name of one binding of a method.
pub(crate) fn command_name(method: &Method, binding: &HttpBinding) -> (String, String) {
    let template = parse_template(binding.path);
    let verb = match template.custom_verb {
        Some(custom) => kebab(custom),
        None => standard_verb(method, binding).to_string(),
    };
    let Some((first, rest)) = template.words.split_first() else {
        return ("other".to_string(), verb);
    };
    let mut name: Vec<String> = rest.iter().map(|w| kebab(w)).collect();
    name.push(verb);
    (kebab(first), name.join("-"))
}

/// One command of the CLI: a method reached through one of its bindings.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// The RPC.
    pub(crate) method: &'static Method,
    /// The binding the name and positionals come from.
    pub(crate) binding: &'static HttpBinding,
    /// The group (`accounts`, `products`, `operations`, `integrators`).
    pub(crate) group: String,
    /// The command within the group (`customers-list`).
    pub(crate) name: String,
    /// More names for the same command, from the method's other bindings.
    pub(crate) aliases: Vec<String>,
    /// The positional arguments: the binding's path variables.
    pub(crate) vars: Vec<PathVar>,
}

impl Entry {
    /// Whether this is the method's primary binding.
    pub(crate) fn is_primary(&self) -> bool {
        std::ptr::eq(self.binding, &self.method.http[0])
    }

    /// The patterns a value of path variable `field` may match: those of
    /// every binding of the method that has the variable.
    pub(crate) fn patterns(&self, field: &str) -> Vec<PathVar> {
        self.method
            .http
            .iter()
            .flat_map(|b| parse_template(b.path).vars)
            .filter(|v| v.field == field)
            .collect()
    }
}

/// Every command: one per method from its primary binding, plus those of
/// additional bindings that need their own positionals.
pub(crate) fn entries() -> Vec<Entry> {
    let mut entries: Vec<Entry> = ALL
        .iter()
        .filter_map(|method| {
            let binding = method.http.first()?;
            let (group, name) = command_name(method, binding);
            Some(Entry {
                method,
                binding,
                group,
                name,
                aliases: Vec::new(),
                vars: parse_template(binding.path).vars,
            })
        })
        .collect();
    let taken = |entries: &[Entry], group: &str, name: &str| {
        entries
            .iter()
            .any(|e| e.group == group && (e.name == name || e.aliases.iter().any(|a| a == name)))
    };
    for i in 0..entries.len() {
        let method = entries[i].method;
        for binding in method.http.iter().skip(1) {
            let (group, name) = command_name(method, binding);
            if taken(&entries, &group, &name) {
                continue;
            }
            let vars = parse_template(binding.path).vars;
            let same_fields = vars
                .iter()
                .map(|v| v.field)
                .eq(entries[i].vars.iter().map(|v| v.field));
            if group == entries[i].group && same_fields {
                entries[i].aliases.push(name);
            } else {
                entries.push(Entry {
                    method,
                    binding,
                    group,
                    name,
                    aliases: Vec::new(),
                    vars,
                });
            }
        }
    }
    entries
}

/// The groups, in the order they first appear.
pub(crate) fn groups(entries: &[Entry]) -> Vec<&str> {
    let mut groups: Vec<&str> = Vec::new();
    for e in entries {
        if !groups.contains(&e.group.as_str()) {
            groups.push(&e.group);
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn name_of(method: &str) -> String {
        let e = entries()
            .into_iter()
            .find(|e| e.method.name == method && e.is_primary())
            .unwrap();
        format!("{} {}", e.group, e.name)
    }

    #[test]
    fn templates_come_apart() {
        let t = parse_template("/v1/{name=accounts/*/customers/*/entitlements/*}:suspend");
        assert_eq!(t.words, ["accounts", "customers", "entitlements"]);
        assert_eq!(t.custom_verb, Some("suspend"));
        assert_eq!(t.vars[0].field, "name");
        let t = parse_template("/v1/{parent=accounts/*/customers/*}/entitlements");
        assert_eq!(t.words, ["accounts", "customers", "entitlements"]);
        assert_eq!(t.custom_verb, None);
        let t = parse_template("/v1/products");
        assert_eq!((t.words.as_slice(), t.vars.len()), (&["products"][..], 0));
        let t = parse_template("/v1/{customer.name=accounts/*/customers/*}");
        assert_eq!(t.vars[0].field, "customer.name");
        let t = parse_template("/v1/{name=operations/**}:cancel");
        assert_eq!(t.words, ["operations"]);
        assert_eq!(t.vars[0].pattern, "operations/**");
    }

    #[test]
    fn names_follow_the_cloudchannel1_scheme() {
        assert_eq!(name_of("ListCustomers"), "accounts customers-list");
        assert_eq!(name_of("GetCustomer"), "accounts customers-get");
        assert_eq!(name_of("UpdateCustomer"), "accounts customers-patch");
        assert_eq!(
            name_of("CreateEntitlement"),
            "accounts customers-entitlements-create"
        );
        assert_eq!(
            name_of("SuspendEntitlement"),
            "accounts customers-entitlements-suspend"
        );
        assert_eq!(
            name_of("CheckCloudIdentityAccountsExist"),
            "accounts check-cloud-identity-accounts-exist"
        );
        assert_eq!(
            name_of("ProvisionCloudIdentity"),
            "accounts customers-provision-cloud-identity"
        );
        assert_eq!(name_of("ListProducts"), "products list");
        assert_eq!(name_of("ListSkus"), "products skus-list");
        assert_eq!(name_of("GetOperation"), "operations get");
        assert_eq!(name_of("ListOperations"), "operations list");
        assert_eq!(name_of("RunReportJob"), "accounts reports-run");
        assert_eq!(
            name_of("FetchReportResults"),
            "accounts report-jobs-fetch-report-results"
        );
        assert_eq!(
            name_of("DeleteChannelPartnerRepricingConfig"),
            "accounts channel-partner-links-channel-partner-repricing-configs-delete"
        );
        assert_eq!(name_of("RegisterSubscriber"), "accounts register");
    }

    #[test]
    fn every_method_is_reachable_under_unique_names() {
        let entries = entries();
        let primary: Vec<_> = entries.iter().filter(|e| e.is_primary()).collect();
        assert_eq!(primary.len(), ALL.len());
        let methods: HashSet<_> = primary.iter().map(|e| e.method.name).collect();
        assert_eq!(methods.len(), ALL.len());
        let mut names = HashSet::new();
        for e in &entries {
            for name in std::iter::once(&e.name).chain(&e.aliases) {
                assert!(
                    names.insert((e.group.clone(), name.clone())),
                    "{} {name} is taken twice",
                    e.group
                );
            }
        }
    }

    #[test]
    fn other_bindings_become_aliases_or_commands() {
        let entries = entries();
        let get = entries
            .iter()
            .find(|e| e.method.name == "GetCustomer")
            .unwrap();
        assert_eq!(get.aliases, ["channel-partner-links-customers-get"]);
        let integrators: Vec<_> = entries
            .iter()
            .filter(|e| e.group == "integrators")
            .map(|e| e.name.as_str())
            .collect();
        assert_eq!(
            integrators,
            [
                "register-subscriber",
                "unregister-subscriber",
                "list-subscribers"
            ]
        );
        assert_eq!(
            groups(&entries),
            ["accounts", "products", "operations", "integrators"]
        );
    }

    #[test]
    fn patterns_match_resource_names() {
        let var = |pattern| PathVar {
            field: "name",
            pattern,
        };
        assert!(var("accounts/*/customers/*").matches("accounts/A/customers/C"));
        assert!(!var("accounts/*/customers/*").matches("accounts/A/customers"));
        assert!(!var("accounts/*/customers/*").matches("accounts/A/customers/C/x"));
        assert!(!var("accounts/*").matches("accounts/"));
        assert!(var("operations/**").matches("operations/a/b"));
        assert!(!var("operations/**").matches("operations"));
        assert!(var("operations").matches("operations"));
        assert_eq!(var("operations").fixed(), Some("operations"));
        assert_eq!(var("accounts/*").fixed(), None);
        assert!(var("*").matches("anything"));
    }

    #[test]
    fn kebab_case() {
        assert_eq!(kebab("channelPartnerLinks"), "channel-partner-links");
        assert_eq!(
            kebab("checkCloudIdentityAccountsExist"),
            "check-cloud-identity-accounts-exist"
        );
        assert_eq!(kebab("report_job"), "report-job");
    }
}
