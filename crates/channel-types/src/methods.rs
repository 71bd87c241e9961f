//! A table of every RPC in the schema, generated from its annotations.
//!
//! Transports and the emulator read this table instead of repeating the
//! schema: the HTTP rules drive REST transcoding, the path fields of the
//! primary binding become the `x-goog-request-params` header, the paging
//! fields drive pagination and the long-running operation types tell what an
//! operation resolves to.
//!
//! ```
//! use channel_types::methods::{cloud_channel_service, HttpVerb};
//!
//! let m = &cloud_channel_service::CREATE_ENTITLEMENT;
//! assert_eq!(m.grpc_path, "/google.cloud.channel.v1.CloudChannelService/CreateEntitlement");
//! assert_eq!(m.http[0].verb, HttpVerb::Post);
//! assert_eq!(m.lro.unwrap().response, "google.cloud.channel.v1.Entitlement");
//! assert!(m.request_id);
//! ```

pub use crate::generated::methods::*;

/// One RPC: where it lives on both wires and how it behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Method {
    /// Full name of the service, e.g. `google.cloud.channel.v1.CloudChannelService`.
    pub service: &'static str,
    /// The method's name, e.g. `CreateEntitlement`.
    pub name: &'static str,
    /// The gRPC request path, `/{service}/{method}`.
    pub grpc_path: &'static str,
    /// Full name of the request message.
    pub input: &'static str,
    /// Full name of the response message (`google.longrunning.Operation` for LROs).
    pub output: &'static str,
    /// The HTTP bindings: the primary first, then the additional ones.
    pub http: &'static [HttpBinding],
    /// The operation's result and metadata types, for long-running methods.
    pub lro: Option<LroTypes>,
    /// The paging fields, for list methods.
    pub paging: Option<Paging>,
    /// Whether the request has a `request_id` field (idempotent retries).
    pub request_id: bool,
    /// The request's top-level fields marked `REQUIRED` in the schema whose
    /// absence can be seen (a proto3 `bool` or number cannot be told from
    /// its default, so it is left out).
    pub required: &'static [RequiredField],
    /// The request fields bound in the URL paths of all the bindings, as
    /// dotted field paths. `x-goog-request-params` takes those of the
    /// primary binding only, as Google's clients do.
    pub routing: &'static [&'static str],
    /// Whether the schema marks the method deprecated.
    pub deprecated: bool,
    /// The request fields a URL query parameter can set in at least one
    /// binding: scalars, enums, repeated scalars and the well-known types
    /// with a string form, nested fields by their dotted paths. Fields that
    /// every binding puts in the path or the body are left out; maps and
    /// repeated messages cannot be query parameters at all. A REST server
    /// reads this to give each query value its JSON type.
    pub query: &'static [QueryField],
}

/// A request field that a URL query parameter can set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryField {
    /// The dotted field path with proto names, e.g. `change_offer_purchase.new_sku`.
    pub field: &'static str,
    /// The same path with proto3 JSON names, e.g. `changeOfferPurchase.newSku`.
    pub json: &'static str,
    /// What JSON value the query text stands for.
    pub kind: FieldKind,
    /// Whether the field is repeated (the parameter may be given many times).
    pub repeated: bool,
}

/// The JSON type of a query-bindable field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldKind {
    /// A string, or a well-known type written as one (Timestamp, Duration,
    /// FieldMask).
    String,
    /// `true` or `false`.
    Bool,
    /// An integer of any width (64-bit ones are JSON strings).
    Int,
    /// A `double` or `float`.
    Double,
    /// An enum, by value name (or number).
    Enum,
    /// Bytes, base64-encoded.
    Bytes,
}

/// One HTTP mapping of an RPC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpBinding {
    /// The HTTP verb.
    pub verb: HttpVerb,
    /// The URL template, e.g. `/v1/{parent=accounts/*/customers/*}/entitlements`.
    pub path: &'static str,
    /// `Some("*")` for the whole request as body, `Some(field)` for one field,
    /// `None` when every field not in the path goes to the query string.
    pub body: Option<&'static str>,
    /// The path variables, in template order.
    pub variables: &'static [PathVariable],
}

/// A `{field=pattern}` variable of a URL template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathVariable {
    /// The dotted field path, proto names, e.g. `customer.name`.
    pub field: &'static str,
    /// The pattern the value must match, e.g. `accounts/*/customers/*`
    /// (`*` for a bare `{field}`).
    pub pattern: &'static str,
}

impl PathVariable {
    /// Whether `value` fits the pattern: literal segments equal, `*` one
    /// segment, `**` (last only) one or more, and every segment passes
    /// [`segment_problem`].
    ///
    /// ```
    /// use channel_types::methods::PathVariable;
    ///
    /// let var = PathVariable { field: "name", pattern: "operations/**" };
    /// assert!(var.matches("operations/a/b"));
    /// assert!(!var.matches("operations/../accounts/A/customers/C"));
    /// assert!(!var.matches("operations"));
    /// ```
    pub fn matches(&self, value: &str) -> bool {
        matches_pattern(self.pattern, value)
    }
}

/// A `REQUIRED` request field, or a oneof whose members are all `REQUIRED`
/// (any one of them will do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequiredField {
    /// The field's proto name, or the oneof's name.
    pub field: &'static str,
    /// For a oneof, the members' proto names; empty for a plain field.
    pub one_of: &'static [&'static str],
}

/// What is wrong with one segment of a resource name, if anything: an empty
/// segment, `.` or `..` (a URL library would collapse them and the request
/// would reach another resource), or a control character.
///
/// ```
/// use channel_types::methods::segment_problem;
///
/// assert_eq!(segment_problem("C1"), None);
/// assert!(segment_problem("..").is_some());
/// assert!(segment_problem("a\nb").is_some());
/// ```
pub fn segment_problem(segment: &str) -> Option<&'static str> {
    if segment.is_empty() {
        Some("a segment is empty")
    } else if segment == "." || segment == ".." {
        Some("a segment may not be \".\" or \"..\"")
    } else if segment.chars().any(char::is_control) {
        Some("a segment may not contain control characters")
    } else {
        None
    }
}

/// Whether `value` matches a variable's pattern such as
/// `accounts/*/customers/*` or `operations/**`; see [`PathVariable::matches`].
pub fn matches_pattern(pattern: &str, value: &str) -> bool {
    let mut segments = value.split('/');
    let mut parts = pattern.split('/').peekable();
    while let Some(part) = parts.next() {
        if part == "**" {
            // One or more segments, to the end of the value.
            let mut any = false;
            for segment in segments.by_ref() {
                if segment_problem(segment).is_some() {
                    return false;
                }
                any = true;
            }
            return any && parts.peek().is_none();
        }
        let Some(segment) = segments.next() else {
            return false;
        };
        if segment_problem(segment).is_some() || (part != "*" && part != segment) {
            return false;
        }
    }
    segments.next().is_none()
}

/// The HTTP verbs the schema uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HttpVerb {
    /// `GET`
    Get,
    /// `PUT`
    Put,
    /// `POST`
    Post,
    /// `DELETE`
    Delete,
    /// `PATCH`
    Patch,
}

impl HttpVerb {
    /// The verb as it appears on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            HttpVerb::Get => "GET",
            HttpVerb::Put => "PUT",
            HttpVerb::Post => "POST",
            HttpVerb::Delete => "DELETE",
            HttpVerb::Patch => "PATCH",
        }
    }
}

/// What a long-running operation resolves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LroTypes {
    /// Full name of the message in `Operation.response` when it succeeds.
    pub response: &'static str,
    /// Full name of the message in `Operation.metadata`.
    pub metadata: &'static str,
}

/// The fields a list method pages with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// Request field holding the page size.
    pub page_size: &'static str,
    /// Request field holding the token of the page to fetch.
    pub page_token: &'static str,
    /// Response field holding the token of the next page (empty at the end).
    pub next_page_token: &'static str,
    /// Response field holding the items of a page.
    pub items: &'static str,
    /// Full name of the item message, or the scalar type's name.
    pub item_type: &'static str,
}

/// Looks a method up by its gRPC path, e.g. `/google.longrunning.Operations/GetOperation`.
pub fn by_grpc_path(path: &str) -> Option<&'static Method> {
    ALL.iter().copied().find(|m| m.grpc_path == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_service_has_an_entry_per_rpc_of_the_schema_in_schema_order() {
        let pool = prost_reflect::DescriptorPool::decode(crate::FILE_DESCRIPTOR_SET).unwrap();
        let mut total = 0;
        for table in [
            cloud_channel_service::ALL,
            cloud_channel_reports_service::ALL,
            operations::ALL,
        ] {
            let service = pool.get_service_by_name(table[0].service).unwrap();
            let schema: Vec<String> = service
                .methods()
                .map(|m| format!("/{}/{}", service.full_name(), m.name()))
                .collect();
            let entries: Vec<&str> = table.iter().map(|m| m.grpc_path).collect();
            assert_eq!(entries, schema);
            total += entries.len();
        }
        assert_eq!(ALL.len(), total);
    }

    #[test]
    fn long_running_methods_and_request_ids() {
        let lro: Vec<_> = ALL
            .iter()
            .filter(|m| m.lro.is_some())
            .map(|m| m.name)
            .collect();
        assert_eq!(lro.len(), 12, "{lro:?}");
        let cancel = cloud_channel_service::CANCEL_ENTITLEMENT;
        assert_eq!(cancel.lro.unwrap().response, "google.protobuf.Empty");
        assert_eq!(
            cancel.lro.unwrap().metadata,
            "google.cloud.channel.v1.OperationMetadata"
        );
        assert!(cancel.request_id);
        let get = ALL.iter().find(|m| m.name == "GetCustomer").unwrap();
        assert!(!get.request_id);
    }

    #[test]
    fn paging_fields() {
        let list = cloud_channel_service::LIST_ENTITLEMENTS.paging.unwrap();
        assert_eq!(list.items, "entitlements");
        assert_eq!(list.item_type, "google.cloud.channel.v1.Entitlement");
        let ops = operations::LIST_OPERATIONS.paging.unwrap();
        assert_eq!(ops.items, "operations");
        assert!(cloud_channel_service::GET_CUSTOMER.paging.is_none());
    }

    #[test]
    fn http_bindings_and_routing() {
        let get = cloud_channel_service::GET_CUSTOMER;
        assert_eq!(get.http.len(), 2);
        assert_eq!(get.http[0].verb, HttpVerb::Get);
        assert_eq!(get.http[0].path, "/v1/{name=accounts/*/customers/*}");
        assert_eq!(
            get.http[1].path,
            "/v1/{name=accounts/*/channelPartnerLinks/*/customers/*}"
        );
        assert_eq!(get.routing, &["name"]);
        let update = cloud_channel_service::UPDATE_CUSTOMER;
        assert_eq!(update.http[0].verb, HttpVerb::Patch);
        assert_eq!(update.http[0].body, Some("customer"));
        assert_eq!(update.routing, &["customer.name"]);
        assert_eq!(
            by_grpc_path("/google.longrunning.Operations/CancelOperation").map(|m| m.name),
            Some("CancelOperation")
        );
        assert!(by_grpc_path("/nope/Nope").is_none());
    }

    #[test]
    fn path_variables_and_required_fields() {
        let get = cloud_channel_service::GET_CUSTOMER;
        assert_eq!(
            get.http[0].variables,
            &[PathVariable {
                field: "name",
                pattern: "accounts/*/customers/*"
            }]
        );
        let bare = PathVariable {
            field: "name",
            pattern: "*",
        };
        assert!(bare.matches("x") && !bare.matches("x/y") && !bare.matches(""));
        let customer = get.http[0].variables[0];
        assert!(customer.matches("accounts/A1/customers/C1"));
        for bad in [
            "accounts/A1/customers",
            "accounts/A1/customers/C1/x",
            "accounts//customers/C1",
            "accounts/./customers/C1",
            "accounts/A1/customers/..",
            "accounts/A\u{7f}/customers/C1",
            "",
        ] {
            assert!(!customer.matches(bad), "{bad:?}");
        }
        let ops = operations::GET_OPERATION.http[0].variables[0];
        assert_eq!(ops.pattern, "operations/**");
        assert!(ops.matches("operations/a/b%3F"));
        assert!(!ops.matches("operations/a//b"));
        assert!(!ops.matches("operations/../accounts/A/customers/C"));
        let list = operations::LIST_OPERATIONS.http[0].variables[0];
        assert!(list.matches("operations") && !list.matches("operations/x"));

        let create = cloud_channel_service::CREATE_CUSTOMER;
        let names: Vec<&str> = create.required.iter().map(|r| r.field).collect();
        assert_eq!(names, ["parent", "customer"]);
        // A oneof whose members are required is one group; a required bool
        // cannot be told from false, so it is not listed.
        let import = cloud_channel_service::IMPORT_CUSTOMER;
        let identity = import
            .required
            .iter()
            .find(|r| r.field == "customer_identity")
            .unwrap();
        assert_eq!(
            identity.one_of,
            ["domain", "cloud_identity_id", "primary_admin_email"]
        );
        assert!(
            import
                .required
                .iter()
                .all(|r| r.field != "overwrite_if_exists")
        );
        assert!(operations::GET_OPERATION.required.is_empty());
    }

    #[test]
    fn query_fields() {
        let field = |m: &Method, path: &str| m.query.iter().find(|f| f.field == path).copied();
        let offers = cloud_channel_service::LIST_OFFERS;
        let future = field(&offers, "show_future_offers").unwrap();
        assert_eq!(
            (future.json, future.kind),
            ("showFutureOffers", FieldKind::Bool)
        );
        assert_eq!(field(&offers, "page_size").unwrap().kind, FieldKind::Int);
        // Path variables are never query parameters.
        assert!(field(&offers, "parent").is_none());
        // Nested fields by their dotted paths, enums typed as such.
        let skus = cloud_channel_service::LIST_PURCHASABLE_SKUS;
        let change = field(&skus, "change_offer_purchase.change_type").unwrap();
        assert_eq!(change.json, "changeOfferPurchase.changeType");
        assert_eq!(change.kind, FieldKind::Enum);
        // A body field's subtree is in the body; the update mask is not.
        let update = cloud_channel_service::UPDATE_CUSTOMER;
        assert!(
            update
                .query
                .iter()
                .all(|f| !f.field.starts_with("customer"))
        );
        assert_eq!(
            field(&update, "update_mask").unwrap().kind,
            FieldKind::String
        );
        // A body of `*` leaves nothing to the query string.
        assert!(cloud_channel_service::CREATE_ENTITLEMENT.query.is_empty());
        // Each binding of ListSubscribers puts a different field in the path.
        let subscribers = cloud_channel_service::LIST_SUBSCRIBERS;
        assert!(field(&subscribers, "account").is_some());
        assert!(field(&subscribers, "integrator").is_some());
    }
}
