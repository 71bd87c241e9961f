//! Which method a REST request calls, found in a prefix tree.
//!
//! Trying every HTTP rule in turn (`channel_http::transcoding::match_route`)
//! decodes the whole path once per rule; with 65 rules that was a fifth of
//! the server's time on a `GetCustomer`. Here the rules sit in a prefix
//! tree (`matchit`, the router axum itself uses), one per HTTP verb and
//! custom verb (`:cancel`), since the tree knows neither custom verbs nor
//! percent-decoding: a request walks one tree down to the few rules of that
//! shape, and each is then checked with its own template, which decodes
//! the values and refuses `.` and `..` segments just as before.
//!
//! The answer must always be the one the list of rules gives, so a path
//! with a `%` escape (where a literal may hide behind its encoding) and a
//! path the trees do not place both go through that list.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use channel_http::transcoding::{RouteMatch, match_binding, match_route};
use channel_types::methods::{self, HttpBinding, HttpVerb, Method};

/// How specific a rule is: its literal segments (custom verb counted), then
/// whether it has no `**`; the list of rules picks the most specific the
/// same way.
type Rank = (usize, bool);

/// A rule at a leaf of a tree.
struct Candidate {
    method: &'static Method,
    binding: &'static HttpBinding,
    rank: Rank,
}

/// The trees, by HTTP verb then custom verb (`""` for none), and the rules
/// at each leaf (rules of the same shape share one).
#[derive(Default)]
struct Routes {
    trees: HashMap<HttpVerb, HashMap<&'static str, matchit::Router<usize>>>,
    leaves: Vec<Vec<Candidate>>,
    /// Rules no tree could hold; `None` from [`find`] never hides them, since
    /// a miss goes through the full list.
    unplaced: Vec<&'static str>,
}

/// A rule's template as a `matchit` route.
struct Shape {
    /// E.g. `/v1/accounts/{p0}/customers/{p1}`.
    route: String,
    /// The custom verb, `""` for none.
    verb: &'static str,
    rank: Rank,
}

/// Splits `:verb` off the last segment of a template or a path.
fn split_verb(path: &str) -> (&str, &str) {
    match path.rsplit_once(':') {
        Some((head, verb)) if !verb.contains(['/', '}']) && !head.is_empty() => (head, verb),
        _ => (path, ""),
    }
}

impl Shape {
    /// The route for a template such as
    /// `/v1/{name=accounts/*/customers/*}:cancel`; `None` for one the tree
    /// cannot express (left to the list of rules).
    fn of(template: &'static str) -> Option<Shape> {
        let (path, verb) = split_verb(template);
        // Variables stand for their patterns; `{field}` is `{field=*}`.
        let mut expanded = String::with_capacity(path.len());
        let mut rest = path;
        while let Some(open) = rest.find('{') {
            expanded.push_str(&rest[..open]);
            let close = open + rest[open..].find('}')?;
            let inner = &rest[open + 1..close];
            expanded.push_str(inner.split_once('=').map_or("*", |(_, pattern)| pattern));
            rest = &rest[close + 1..];
        }
        expanded.push_str(rest);

        let mut route = String::with_capacity(expanded.len() + 16);
        let (mut literals, mut double_star, mut params) = (0, false, 0);
        for segment in expanded.strip_prefix('/')?.split('/') {
            route.push('/');
            match segment {
                "*" => {
                    let _ = write!(route, "{{p{params}}}");
                    params += 1;
                }
                "**" => {
                    let _ = write!(route, "{{*p{params}}}");
                    params += 1;
                    double_star = true;
                }
                literal if literal.is_empty() || literal.contains(['{', '}', '*', ':']) => {
                    return None;
                }
                literal => {
                    route.push_str(literal);
                    literals += 1;
                }
            }
        }
        let literals = literals + usize::from(!verb.is_empty());
        Some(Shape {
            route,
            verb,
            rank: (literals, !double_star),
        })
    }
}

fn routes() -> &'static Routes {
    static ROUTES: OnceLock<Routes> = OnceLock::new();
    ROUTES.get_or_init(|| {
        let mut routes = Routes::default();
        let mut leaf_of: HashMap<(HttpVerb, &'static str, String), usize> = HashMap::new();
        let bindings = methods::ALL
            .iter()
            .flat_map(|method| method.http.iter().map(move |binding| (*method, binding)));
        for (method, binding) in bindings {
            let Some(shape) = Shape::of(binding.path) else {
                routes.unplaced.push(binding.path);
                continue;
            };
            let key = (binding.verb, shape.verb, shape.route);
            let leaf = match leaf_of.get(&key) {
                Some(&leaf) => leaf,
                None => {
                    let leaf = routes.leaves.len();
                    let tree = routes
                        .trees
                        .entry(binding.verb)
                        .or_default()
                        .entry(shape.verb)
                        .or_default();
                    if tree.insert(key.2.clone(), leaf).is_err() {
                        routes.unplaced.push(binding.path);
                        continue;
                    }
                    routes.leaves.push(Vec::new());
                    leaf_of.insert(key, leaf);
                    leaf
                }
            };
            routes.leaves[leaf].push(Candidate {
                method,
                binding,
                rank: shape.rank,
            });
        }
        routes
    })
}

/// Finds the method and binding that serve `verb` on `path` (percent-encoded,
/// no query string): the same answer as
/// [`match_route`](channel_http::transcoding::match_route), sooner.
pub(crate) fn find(verb: HttpVerb, path: &str) -> Option<RouteMatch> {
    find_in_trees(verb, path).or_else(|| match_route(verb, path))
}

/// The trees' answer alone: `None` for a path they cannot place.
fn find_in_trees(verb: HttpVerb, path: &str) -> Option<RouteMatch> {
    if path.contains('%') {
        return None;
    }
    let routes = routes();
    let trees = routes.trees.get(&verb)?;
    let mut best: Option<(RouteMatch, Rank)> = None;
    let mut look = |custom: &str, head: &str| {
        let Some(found) = trees.get(custom).and_then(|tree| tree.at(head).ok()) else {
            return;
        };
        for candidate in &routes.leaves[*found.value] {
            if best
                .as_ref()
                .is_some_and(|(_, rank)| *rank >= candidate.rank)
            {
                continue;
            }
            if let Some(matched) = match_binding(candidate.method, candidate.binding, path) {
                best = Some((matched, candidate.rank));
            }
        }
    };
    look("", path);
    let (head, custom) = split_verb(path);
    if !custom.is_empty() {
        look(custom, head);
    }
    best.map(|(matched, _)| matched)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A path for a template, each `*` written as `x{n}` and `**` as two
    /// segments.
    fn sample_path(template: &str) -> String {
        let mut out = String::new();
        let mut n = 0;
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let close = open + rest[open..].find('}').unwrap();
            let inner = &rest[open + 1..close];
            let pattern = inner.split_once('=').map_or("*", |(_, p)| p);
            let filled: Vec<String> = pattern
                .split('/')
                .map(|segment| {
                    n += 1;
                    match segment {
                        "*" => format!("x{n}"),
                        "**" => format!("y{n}/z{n}"),
                        literal => literal.to_string(),
                    }
                })
                .collect();
            out.push_str(&filled.join("/"));
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        out
    }

    fn same(verb: HttpVerb, path: &str) {
        let tree = find(verb, path);
        let list = match_route(verb, path);
        let describe = |m: &Option<RouteMatch>| {
            m.as_ref().map(|m| {
                (
                    m.method().name,
                    m.binding().path,
                    m.variables()
                        .map(|(f, v)| format!("{f}={v}"))
                        .collect::<Vec<_>>(),
                )
            })
        };
        assert_eq!(describe(&tree), describe(&list), "{verb:?} {path}");
    }

    const VERBS: [HttpVerb; 5] = [
        HttpVerb::Get,
        HttpVerb::Post,
        HttpVerb::Put,
        HttpVerb::Patch,
        HttpVerb::Delete,
    ];

    #[test]
    fn every_http_rule_has_a_place_in_a_tree() {
        assert_eq!(routes().unplaced, Vec::<&str>::new());
    }

    #[test]
    fn the_tree_finds_what_the_list_of_rules_finds_for_every_rule_and_verb() {
        for method in methods::ALL {
            for binding in method.http {
                let path = sample_path(binding.path);
                for verb in VERBS {
                    same(verb, &path);
                }
                // Found by the trees themselves, not by the list behind them.
                let found = find_in_trees(binding.verb, &path).expect("a route");
                assert_eq!(found.binding().path, binding.path, "{path}");
            }
        }
    }

    #[test]
    fn the_tree_agrees_with_the_list_on_odd_paths() {
        let paths = [
            "/",
            "",
            "/v1",
            "/v1/",
            "/v1/operations",
            "/v1/operations/",
            "/v1/operations/a/b/c",
            "/v1/operations/a/b:cancel",
            "/v1/operations/a:b",
            "/v1/operations/a:b:cancel",
            "/v1/operations/..",
            "/v1/operations/a/../b",
            "/v1/accounts/A1",
            "/v1/accounts/A1:register",
            "/v1/accounts/A1:unknownVerb",
            "/v1/accounts/A1/customers",
            "/v1/accounts/A1/customers/",
            "/v1/accounts//customers",
            "/v1/accounts/A1/customers/C1",
            "/v1/accounts/A1/customers/C1/",
            "/v1/accounts/A1/customers/..",
            "/v1/accounts/./customers/C1",
            "/v1/accounts/A1/customers/C1:provisionCloudIdentity",
            "/v1/accounts/A1/customers/C1:",
            "/v1/accounts/A1/customers/C1/entitlements/E1:changeOffer",
            "/v1/accounts/A1/customers/C1/entitlements/E1:changeoffer",
            "/v1/accounts/A1/customers:import",
            "/v1/accounts/A1/customers/%43%31",
            "/v1/accounts/A1/%63ustomers/C1",
            "/v1/accounts/A1/customers/C1%2FX",
            "/v1/accounts/A1/customers/%2E%2E",
            "/v1/accounts/A\u{1}/customers/C1",
            "/v1/products",
            "/v1/products/P1/skus",
            "/v2/accounts/A1/customers/C1",
            "/v1/integrators/I1:listSubscribers",
            "/v1/accounts/A1/channelPartnerLinks/L1/customers/C1",
            "/v1/accounts/A1/channelPartnerLinks/L1/customers:import",
            "/google.longrunning.Operations/GetOperation",
            "/v1/accounts/A1/reportJobs/J1:fetchReportResults",
            "/v1/accounts/A1/reports/R1:run",
        ];
        for path in paths {
            for verb in VERBS {
                same(verb, path);
            }
        }
    }
}
