//! Every RPC of the three services through the transport, against a local
//! server: the full gRPC path, the request bytes, the routing header and
//! the metadata every call carries; then typed responses and the corner
//! cases of `x-goog-request-params`.

mod support;

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;

use channel_core::credentials::{Credentials, StaticToken};
use channel_core::transport::{BoxFuture, ClientConfig};
use channel_core::{
    CallOptions, ClientBuilder, CloudChannelReportsService, CloudChannelService, Operations, Result,
};
use channel_grpc::GrpcTransport;
use channel_types::methods::{self, Method, cloud_channel_service, operations};
use channel_types::{longrunning, model};
use prost::{Message, Name};
use serde_json::Value;
use support::{Recorded, Reply, TestServer};
use tokio::time::Instant;

const TOKEN: &str = "test-token";

fn config(server: &TestServer, credentials: Arc<dyn Credentials>) -> ClientConfig {
    ClientBuilder::new()
        .endpoint(server.endpoint())
        .credentials(credentials)
        .transport_config()
}

fn transport(server: &TestServer) -> GrpcTransport {
    GrpcTransport::new(&config(server, Arc::new(StaticToken::new(TOKEN)))).unwrap()
}

fn options() -> CallOptions {
    CallOptions::new()
        .with_header("x-goog-user-project", "billing-project")
        .with_deadline(Instant::now() + Duration::from_secs(30))
}

/// The pattern bound to `field` in the first HTTP binding that has it:
/// `accounts/*` for `{parent=accounts/*}`, `*` for `{name}`.
fn binding_pattern(method: &Method, field: &str) -> Option<&'static str> {
    method.http.iter().find_map(|binding| {
        let path = binding.path;
        let start = path.find(&format!("{{{field}"))? + field.len() + 1;
        let rest = &path[start..];
        let end = rest.find('}')?;
        match rest.strip_prefix('=') {
            Some(pattern) => Some(&pattern[..end - 1]),
            None if end == 0 => Some("*"),
            None => None,
        }
    })
}

/// A value matching the pattern: each `*` becomes a distinct segment,
/// `**` two of them.
fn sample(pattern: &str, counter: &mut u32) -> String {
    let mut next = || {
        *counter += 1;
        format!("v{counter}")
    };
    pattern
        .split('/')
        .map(|segment| match segment {
            "*" => next(),
            "**" => format!("{}/{}", next(), next()),
            literal => literal.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Sets the dotted proto field path in a proto3 JSON object.
fn set_json(json: &mut Value, path: &str, value: &str) {
    let names: Vec<String> = channel_types::json_name(path)
        .split('.')
        .map(str::to_string)
        .collect();
    let (last, parents) = names.split_last().unwrap();
    let mut node = json;
    for name in parents {
        node = node
            .as_object_mut()
            .unwrap()
            .entry(name.as_str())
            .or_insert_with(|| Value::Object(Default::default()));
    }
    node.as_object_mut()
        .unwrap()
        .insert(last.clone(), Value::String(value.to_string()));
}

/// Whether `field` is a variable of the method's primary HTTP binding, the
/// one Google's clients take the routing header from.
fn in_primary_binding(method: &Method, field: &str) -> bool {
    let path = method.http[0].path;
    [format!("{{{field}}}"), format!("{{{field}=")]
        .iter()
        .any(|variable| path.contains(variable.as_str()))
}

/// The request JSON with every field of every binding's path set to a
/// sample of its pattern, and the header the transport must send for it:
/// the primary binding's fields only.
fn routed_request(method: &Method) -> (Value, Option<String>) {
    let mut json = Value::Object(Default::default());
    let mut pairs = Vec::new();
    let mut counter = 0;
    for field in method.routing {
        let pattern = binding_pattern(method, field)
            .unwrap_or_else(|| panic!("{}: `{field}` is in no binding", method.name));
        let value = sample(pattern, &mut counter);
        assert!(value.chars().all(|c| c.is_ascii_alphanumeric() || c == '/'));
        set_json(&mut json, field, &value);
        if in_primary_binding(method, field) {
            pairs.push(format!("{field}={}", value.replace('/', "%2F")));
        }
    }
    let header = (!pairs.is_empty()).then(|| pairs.join("&"));
    (json, header)
}

/// Calls `method` through `call` with a routed request and checks what the
/// server received.
async fn check<'a, Req, Resp>(
    server: &TestServer,
    method: &'static Method,
    make: impl FnOnce(Value) -> Req,
    call: impl FnOnce(Req, CallOptions) -> BoxFuture<'a, Result<Resp>>,
) where
    Req: Message + Name + Default + PartialEq + Clone + Debug,
    Resp: Message + Name + Default + PartialEq + Debug,
{
    assert_eq!(Req::full_name(), method.input, "{}", method.name);
    assert_eq!(Resp::full_name(), method.output, "{}", method.name);
    let (json, expected_params) = routed_request(method);
    let request = make(json);
    let before = server.calls().len();

    let response = call(request.clone(), options()).await;
    assert_eq!(response.unwrap(), Resp::default(), "{}", method.name);

    let calls = server.calls();
    assert_eq!(calls.len(), before + 1, "{}", method.name);
    let seen = &calls[before];
    assert_eq!(seen.path, method.grpc_path);
    assert!(!seen.compressed);
    assert_eq!(seen.message, request.encode_to_vec(), "{}", method.name);
    assert_eq!(Req::decode(seen.message.clone()).unwrap(), request);
    assert_eq!(
        seen.header("x-goog-request-params").map(str::to_string),
        expected_params,
        "{}",
        method.name
    );
    let authorization = format!("Bearer {TOKEN}");
    assert_eq!(seen.header("authorization"), Some(authorization.as_str()));
    assert_eq!(seen.header("x-goog-user-project"), Some("billing-project"));
    assert!(
        seen.header("x-goog-api-client")
            .is_some_and(|v| v.starts_with("gl-rust/")),
        "{:?}",
        seen.headers
    );
    assert!(seen.header("grpc-timeout").is_some(), "{}", method.name);
    assert_eq!(seen.header("te"), Some("trailers"));
    assert!(
        seen.header("content-type")
            .is_some_and(|v| v.starts_with("application/grpc"))
    );
}

// The reports service is deprecated in the API; it is still served.
#[allow(deprecated)]
#[tokio::test]
async fn every_method_reaches_its_path_with_its_message_and_routing_header() {
    let server = TestServer::start(|_| Reply::Message(Vec::new())).await;
    let t = transport(&server);
    macro_rules! check_methods {
        ($($service:path { $($name:ident($request:ty) -> $response:ty = $table:path;)* })*) => {{
            let mut checked = Vec::new();
            $($(
                check(
                    &server,
                    &$table,
                    |json| serde_json::from_value::<$request>(json).unwrap(),
                    |request, options| t.$name(request, options),
                )
                .await;
                checked.push($table.grpc_path);
            )*)*
            checked
        }};
    }
    let checked = channel_core::for_each_rpc!(check_methods);
    let checked: BTreeSet<_> = checked.into_iter().collect();
    let all: BTreeSet<_> = methods::ALL.iter().map(|m| m.grpc_path).collect();
    assert_eq!(checked, all);
    assert!(!checked.is_empty());
    // Every call went over the one connection of the channel.
    assert_eq!(server.connections(), 1);
}

#[test]
fn samples_follow_the_primary_binding() {
    let (json, header) = routed_request(&cloud_channel_service::UPDATE_CUSTOMER);
    assert_eq!(
        json,
        serde_json::json!({"customer": {"name": "accounts/v1/customers/v2"}})
    );
    assert_eq!(
        header.as_deref(),
        Some("customer.name=accounts%2Fv1%2Fcustomers%2Fv2")
    );
    let (json, header) = routed_request(&cloud_channel_service::LIST_SUBSCRIBERS);
    assert_eq!(
        json,
        serde_json::json!({"account": "accounts/v1", "integrator": "integrators/v2"})
    );
    assert_eq!(header.as_deref(), Some("account=accounts%2Fv1"));
    let (json, _) = routed_request(&operations::GET_OPERATION);
    assert_eq!(json, serde_json::json!({"name": "operations/v1/v2"}));
    let (_, header) = routed_request(&cloud_channel_service::LIST_PRODUCTS);
    assert_eq!(header, None);
}

/// Answers each path with a typed response.
fn typed_replies(call: &Recorded) -> Reply {
    let message = match call.path.rsplit('/').next().unwrap_or_default() {
        "GetCustomer" => model::Customer {
            name: "accounts/A1/customers/C1".into(),
            org_display_name: "Example Org".into(),
            domain: "example.com".into(),
            ..Default::default()
        }
        .encode_to_vec(),
        "ListCustomers" => model::ListCustomersResponse {
            customers: vec![
                model::Customer {
                    name: "accounts/A1/customers/C1".into(),
                    ..Default::default()
                },
                model::Customer {
                    name: "accounts/A1/customers/C2".into(),
                    ..Default::default()
                },
            ],
            next_page_token: "page-2".into(),
        }
        .encode_to_vec(),
        "CreateEntitlement" | "GetOperation" => longrunning::Operation {
            name: "operations/op-1".into(),
            done: true,
            ..Default::default()
        }
        .encode_to_vec(),
        _ => Vec::new(),
    };
    Reply::Message(message)
}

#[tokio::test]
async fn typed_requests_and_responses() {
    let server = TestServer::start(typed_replies).await;
    let t = transport(&server);

    let customer = t
        .get_customer(
            model::GetCustomerRequest {
                name: "accounts/A1/customers/C1".into(),
            },
            options(),
        )
        .await
        .unwrap();
    assert_eq!(customer.org_display_name, "Example Org");
    assert_eq!(customer.domain, "example.com");

    let page = t
        .list_customers(
            model::ListCustomersRequest {
                parent: "accounts/A1".into(),
                page_size: 2,
                ..Default::default()
            },
            options(),
        )
        .await
        .unwrap();
    assert_eq!(page.customers.len(), 2);
    assert_eq!(page.next_page_token, "page-2");
    let seen = model::ListCustomersRequest::decode(server.last_call().message).unwrap();
    assert_eq!((seen.parent.as_str(), seen.page_size), ("accounts/A1", 2));

    let request = model::CreateEntitlementRequest {
        parent: "accounts/A1/customers/C1".into(),
        entitlement: Some(model::Entitlement {
            offer: "accounts/A1/offers/O1".into(),
            purchase_order_id: "po-7".into(),
            ..Default::default()
        }),
        request_id: "5e7f2a4c-1111-4222-8333-944455556666".into(),
    };
    let operation = t
        .create_entitlement(request.clone(), options())
        .await
        .unwrap();
    assert_eq!(operation.name, "operations/op-1");
    assert!(operation.done);
    let seen = server.last_call();
    assert_eq!(
        model::CreateEntitlementRequest::decode(seen.message.clone()).unwrap(),
        request
    );
    assert_eq!(
        seen.header("x-goog-request-params"),
        Some("parent=accounts%2FA1%2Fcustomers%2FC1")
    );

    let operation = t
        .get_operation(
            longrunning::GetOperationRequest {
                name: "operations/op-1".into(),
            },
            options(),
        )
        .await
        .unwrap();
    assert!(operation.done);
    assert_eq!(
        server.last_call().header("x-goog-request-params"),
        Some("name=operations%2Fop-1")
    );
}

#[tokio::test]
async fn routing_follows_the_primary_binding_with_values_escaped_and_empty_fields_sent_empty() {
    let server = TestServer::start(|_| Reply::Message(Vec::new())).await;
    let t = transport(&server);
    let params = || {
        server
            .last_call()
            .header("x-goog-request-params")
            .map(str::to_string)
    };

    t.get_customer(
        model::GetCustomerRequest {
            name: "accounts/A 1/customers/C+2~ü".into(),
        },
        options(),
    )
    .await
    .unwrap();
    assert_eq!(
        params().as_deref(),
        Some("name=accounts%2FA%201%2Fcustomers%2FC%2B2~%C3%BC")
    );

    // The subscriber methods are bound to `accounts/*` first and to
    // `integrators/*` after: only `account` routes the call, as in
    // Google's clients, set or not.
    let list = |account: &str, integrator: Option<&str>| model::ListSubscribersRequest {
        account: account.into(),
        integrator: integrator.map(str::to_string),
        ..Default::default()
    };
    t.list_subscribers(list("accounts/A1", None), options())
        .await
        .unwrap();
    assert_eq!(params().as_deref(), Some("account=accounts%2FA1"));
    t.list_subscribers(list("accounts/A1", Some("integrators/I1")), options())
        .await
        .unwrap();
    assert_eq!(params().as_deref(), Some("account=accounts%2FA1"));
    t.list_subscribers(list("", Some("integrators/I1")), options())
        .await
        .unwrap();
    assert_eq!(params().as_deref(), Some("account="));
    t.register_subscriber(
        model::RegisterSubscriberRequest {
            integrator: Some("integrators/I1".into()),
            ..Default::default()
        },
        options(),
    )
    .await
    .unwrap();
    assert_eq!(params().as_deref(), Some("account="));

    // A nested routing field whose message is unset is sent empty too.
    t.update_customer(model::UpdateCustomerRequest::default(), options())
        .await
        .unwrap();
    assert_eq!(params().as_deref(), Some("customer.name="));
    // A method without path fields sends no header.
    t.list_products(model::ListProductsRequest::default(), options())
        .await
        .unwrap();
    assert_eq!(params(), None);
}

#[tokio::test]
async fn anonymous_calls_send_no_authorization() {
    let server = TestServer::start(|_| Reply::Message(Vec::new())).await;
    let config = config(&server, Arc::new(channel_core::credentials::Anonymous));
    let t = GrpcTransport::new(&config).unwrap();
    t.get_customer(model::GetCustomerRequest::default(), CallOptions::new())
        .await
        .unwrap();
    let seen = server.last_call();
    assert!(seen.header("authorization").is_none());
    // No deadline, no grpc-timeout.
    assert!(seen.header("grpc-timeout").is_none());
    assert!(seen.header("x-goog-api-client").is_some());
}

#[tokio::test]
async fn user_agent_goes_into_both_headers() {
    let server = TestServer::start(|_| Reply::Message(Vec::new())).await;
    let config = ClientBuilder::new()
        .endpoint(server.endpoint())
        .user_agent("reseller-sync/2.1")
        .transport_config();
    let t = GrpcTransport::new(&config).unwrap();
    t.get_customer(model::GetCustomerRequest::default(), CallOptions::new())
        .await
        .unwrap();
    let seen = server.last_call();
    // Our product first, the user's next; tonic adds its own token last.
    let agent = seen.header("user-agent").unwrap();
    let ours = format!(
        "cloudchannel-rs/{} reseller-sync/2.1",
        env!("CARGO_PKG_VERSION")
    );
    assert!(agent.starts_with(&format!("{ours} tonic/")), "{agent}");
    assert_eq!(
        seen.header("x-goog-api-client").unwrap(),
        format!(
            "gl-rust/{} gccl/{} {} reseller-sync/2.1",
            channel_core::transport::RUSTC_VERSION,
            env!("CARGO_PKG_VERSION"),
            channel_grpc::API_CLIENT_TRANSPORT
        )
    );
    assert!(
        channel_grpc::API_CLIENT_TRANSPORT.starts_with("grpc/0.14."),
        "{}",
        channel_grpc::API_CLIENT_TRANSPORT
    );
    assert!(!channel_core::transport::RUSTC_VERSION.contains("unknown"));
}
