//! A table of every RPC in the schema, generated from its annotations.
//!
//! Transports and the emulator read this table instead of repeating the
//! schema: the HTTP rules drive REST transcoding, the routing fields become
//! the `x-goog-request-params` header, the paging fields drive pagination and
//! the long-running operation types tell what an operation resolves to.
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
    /// The request fields bound in the URL paths, as dotted field paths; they
    /// route the call and make up `x-goog-request-params`.
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
    fn every_service_has_its_methods() {
        assert_eq!(cloud_channel_service::ALL.len(), 49);
        assert_eq!(cloud_channel_reports_service::ALL.len(), 3);
        assert_eq!(operations::ALL.len(), 4);
        assert_eq!(ALL.len(), 56);
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
