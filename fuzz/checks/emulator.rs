//! Fuzz checks of the emulator (`channel-mock`) from the outside: page
//! tokens given to its list calls, and any request sent to its REST and
//! gRPC servers. The emulator must answer each with a result or a clean
//! error: never a panic, a dropped connection or an INTERNAL error.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use arbitrary::Unstructured;
use channel_core::{CallOptions, CloudChannelReportsService, CloudChannelService};
use channel_mock::{Emulator, EmulatorConfig, EngineConfig};
use channel_types::methods;
use channel_types::model::{
    CreateCustomerRequest, Customer, ListCustomerRepricingConfigsRequest, ListCustomersRequest,
    ListEntitlementsRequest, ListOffersRequest, ListProductsRequest, ListReportsRequest,
    ListSkuGroupsRequest, ListSkusRequest,
};
use channel_types::rpc::Code;
use channel_types::r#type::PostalAddress;
use serde_json::Value;

use crate::{http, schema};

const ACCOUNT: &str = "accounts/C0emulator";

/// Tokens of page tokens (hex digits, the separator, odd characters), for
/// the mutator.
pub(crate) const TOKEN_WORDS: &[&[u8]] = &[
    b"61",
    b"6163636f756e7473",
    b".",
    b"0123456789abcdef",
    b"zz",
    b"0",
    "\u{20ac}".as_bytes(),
    "\u{e9}".as_bytes(),
    b"%",
];

/// Values for the `grpc-timeout` header, in and out of its spec.
const TIMEOUTS: &[&str] = &[
    "18446744073709551615H",
    "99999999H",
    "100000000H",
    "5S",
    "1n",
    "0m",
    "",
    "H",
    "-1S",
    "1x",
    "12345678901234567890123456789u",
];

/// A running emulator on 127.0.0.1 port 0, with a few customers so the
/// list calls have pages, and a gRPC channel to it.
pub(crate) struct Fixture {
    runtime: tokio::runtime::Runtime,
    emulator: Option<Emulator>,
    grpc: tonic::transport::Channel,
    customers: Vec<String>,
    /// A real next-page token of each list call, by its index in `list`.
    tokens: Vec<String>,
}

/// How many list calls `Fixture::list` knows.
const LISTS: usize = 8;

impl Fixture {
    /// Starts the emulator and learns one real page token per list call.
    pub(crate) fn start() -> Fixture {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let config = EmulatorConfig {
            engine: EngineConfig {
                operation_delay: Duration::ZERO,
                ..EngineConfig::default()
            },
            ..EmulatorConfig::default()
        };
        let emulator = runtime
            .block_on(Emulator::start(config))
            .expect("the emulator starts");
        let endpoint = format!("http://{}", emulator.grpc_addr());
        let grpc = runtime
            .block_on(
                tonic::transport::Endpoint::from_shared(endpoint)
                    .unwrap()
                    .connect(),
            )
            .expect("a gRPC channel");
        let mut fixture = Fixture {
            runtime,
            emulator: Some(emulator),
            grpc,
            customers: Vec::new(),
            tokens: Vec::new(),
        };
        for i in 0..3 {
            let request = CreateCustomerRequest {
                parent: ACCOUNT.into(),
                customer: Some(Customer {
                    org_display_name: format!("Fuzz {i}"),
                    domain: format!("fuzz{i}.example"),
                    org_postal_address: Some(PostalAddress {
                        region_code: "US".into(),
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
            };
            let engine = fixture.emulator().engine().clone();
            let customer = fixture
                .runtime
                .block_on(engine.create_customer(request, CallOptions::new()))
                .expect("a customer");
            fixture.customers.push(customer.name);
        }
        fixture.tokens = (0..LISTS)
            .map(|which| fixture.list(which, String::new(), 1).unwrap_or_default())
            .collect();
        fixture
    }

    fn emulator(&self) -> &Emulator {
        self.emulator.as_ref().expect("running")
    }

    /// The REST address.
    pub(crate) fn http_addr(&self) -> SocketAddr {
        self.emulator().http_addr()
    }

    /// Calls list call number `which` with a page token and size; gives
    /// the next page token.
    fn list(
        &self,
        which: usize,
        page_token: String,
        page_size: i32,
    ) -> channel_core::Result<String> {
        let engine = self.emulator().engine().clone();
        let customer = self.customers[0].clone();
        let options = CallOptions::new();
        self.runtime.block_on(async move {
            Ok(match which {
                0 => {
                    let request = ListCustomersRequest {
                        parent: ACCOUNT.into(),
                        page_token,
                        page_size,
                        ..Default::default()
                    };
                    engine
                        .list_customers(request, options)
                        .await?
                        .next_page_token
                }
                1 => {
                    let request = ListProductsRequest {
                        account: ACCOUNT.into(),
                        page_token,
                        page_size,
                        ..Default::default()
                    };
                    engine
                        .list_products(request, options)
                        .await?
                        .next_page_token
                }
                2 => {
                    let request = ListSkusRequest {
                        parent: "products/google-workspace".into(),
                        account: ACCOUNT.into(),
                        page_token,
                        page_size,
                        ..Default::default()
                    };
                    engine.list_skus(request, options).await?.next_page_token
                }
                3 => {
                    let request = ListOffersRequest {
                        parent: ACCOUNT.into(),
                        page_token,
                        page_size,
                        ..Default::default()
                    };
                    engine.list_offers(request, options).await?.next_page_token
                }
                4 => {
                    let request = ListSkuGroupsRequest {
                        parent: ACCOUNT.into(),
                        page_token,
                        page_size,
                    };
                    engine
                        .list_sku_groups(request, options)
                        .await?
                        .next_page_token
                }
                5 => {
                    let request = ListReportsRequest {
                        parent: ACCOUNT.into(),
                        page_token,
                        page_size,
                        ..Default::default()
                    };
                    #[allow(deprecated)]
                    let response = engine.list_reports(request, options).await?;
                    response.next_page_token
                }
                6 => {
                    let request = ListEntitlementsRequest {
                        parent: customer,
                        page_token,
                        page_size,
                    };
                    engine
                        .list_entitlements(request, options)
                        .await?
                        .next_page_token
                }
                _ => {
                    let request = ListCustomerRepricingConfigsRequest {
                        parent: customer,
                        page_token,
                        page_size,
                        ..Default::default()
                    };
                    engine
                        .list_customer_repricing_configs(request, options)
                        .await?
                        .next_page_token
                }
            })
        })
    }

    /// Stops the emulator.
    pub(crate) fn shutdown(mut self) {
        if let Some(emulator) = self.emulator.take() {
            self.runtime
                .block_on(emulator.shutdown())
                .expect("the emulator stops");
        }
    }
}

/// Any page token, given to any list call with any page size, lists a page
/// or fails with INVALID_ARGUMENT.
pub(crate) fn page_tokens(fixture: &Fixture, data: &[u8]) {
    let u = &mut Unstructured::new(data);
    let which = u.choose_index(LISTS).unwrap_or(0);
    let token = match u.int_in_range(0u8..=4).unwrap_or(0) {
        // A real token with a change, at a character boundary or not.
        0 | 1 => {
            let real = &fixture.tokens[which];
            let mut bytes = real.clone().into_bytes();
            let at = u.choose_index(bytes.len() + 1).unwrap_or(0);
            let insert = schema::text(u).unwrap_or_default();
            bytes.splice(at..at, insert.bytes());
            String::from_utf8_lossy(&bytes).into_owned()
        }
        // A real token of another list.
        2 => fixture.tokens[u.choose_index(LISTS).unwrap_or(0)].clone(),
        // The input itself.
        _ => String::from_utf8_lossy(u.bytes(u.len()).unwrap_or_default()).into_owned(),
    };
    let size = match u.int_in_range(0u8..=3).unwrap_or(0) {
        0 => u.arbitrary::<i32>().unwrap_or(0),
        _ => u.int_in_range(0..=3).unwrap_or(1),
    };
    if let Err(e) = fixture.list(which, token.clone(), size) {
        assert_eq!(
            e.code(),
            Code::InvalidArgument,
            "list call {which} with page token {token:?}, size {size}: {e}"
        );
    }
}

/// Any HTTP request to the REST server gets an HTTP answer that is not a
/// 500: the server neither panicked nor dropped the connection.
pub(crate) fn rest(fixture: &Fixture, data: &[u8]) {
    let Some(request) = http::raw_request(data) else {
        return;
    };
    let target = if request.query.is_empty() {
        request.path.clone()
    } else {
        format!("{}?{}", request.path, request.query)
    };
    let mut wire = format!(
        "{} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        request.verb.as_str(),
        request.body.len()
    )
    .into_bytes();
    wire.extend_from_slice(&request.body);
    let mut stream = TcpStream::connect(fixture.http_addr()).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    // The server may answer and close before reading all of a bad request.
    let _ = stream.write_all(&wire);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let head = String::from_utf8_lossy(&answer[..answer.len().min(200)]).into_owned();
    let status: u16 = head
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| {
            panic!(
                "no HTTP answer to {} {target:?}: {head:?}",
                request.verb.as_str()
            )
        });
    assert_ne!(
        status,
        500,
        "{} {target:?} answered 500: {}",
        request.verb.as_str(),
        String::from_utf8_lossy(&answer)
    );
}

/// Bytes in and out as they are: the gRPC server decodes them itself.
#[derive(Clone, Copy, Default)]
struct RawCodec;

impl tonic::codec::Codec for RawCodec {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = RawCodec;
    type Decoder = RawCodec;

    fn encoder(&mut self) -> RawCodec {
        RawCodec
    }

    fn decoder(&mut self) -> RawCodec {
        RawCodec
    }
}

impl tonic::codec::Encoder for RawCodec {
    type Item = Vec<u8>;
    type Error = tonic::Status;

    fn encode(
        &mut self,
        item: Vec<u8>,
        dst: &mut tonic::codec::EncodeBuf<'_>,
    ) -> Result<(), tonic::Status> {
        bytes::BufMut::put_slice(dst, &item);
        Ok(())
    }
}

impl tonic::codec::Decoder for RawCodec {
    type Item = Vec<u8>;
    type Error = tonic::Status;

    fn decode(
        &mut self,
        src: &mut tonic::codec::DecodeBuf<'_>,
    ) -> Result<Option<Vec<u8>>, tonic::Status> {
        let mut out = vec![0; bytes::Buf::remaining(src)];
        bytes::Buf::copy_to_slice(src, &mut out);
        Ok(Some(out))
    }
}

/// Any bytes as the request of any method, with or without an odd
/// `grpc-timeout`, get a gRPC status: OK, a clean error, or tonic's own
/// INTERNAL for bytes that are not the request message; never a panic's
/// reset stream or a dropped connection.
///
/// An input may start with written lines, as corpus files do:
/// `grpc-timeout: <value>` sets that header, and `method: <gRPC path>` sends
/// the rest of the input, as it is, to that method.
pub(crate) fn grpc(fixture: &Fixture, data: &[u8], odd_timeouts: bool) {
    let mut written_timeout = None;
    let mut written_method = None;
    let mut data = data;
    while let Some(end) = data.iter().position(|&b| b == b'\n') {
        let Ok(line) = std::str::from_utf8(&data[..end]) else {
            break;
        };
        if let Some(value) = line.strip_prefix("grpc-timeout: ") {
            written_timeout = Some(value.to_owned());
        } else if let Some(path) = line.strip_prefix("method: ") {
            written_method = methods::ALL.iter().find(|m| m.grpc_path == path);
        } else {
            break;
        }
        data = &data[end + 1..];
    }
    let u = &mut Unstructured::new(data);
    let method = written_method.copied().unwrap_or_else(|| http::method(u));
    let body = match u.int_in_range(0u8..=3).unwrap_or(0) {
        _ if written_method.is_some() => data.to_vec(),
        0 => u.bytes(u.len()).unwrap_or_default().to_vec(),
        1 => match schema::pool().get_message_by_name(method.input) {
            Some(input) => schema::wire_message(u, &input, 1).unwrap_or_default(),
            None => Vec::new(),
        },
        // A valid request, names shaped like the method's URL wants.
        _ => {
            let json = http::request_json(u, method).unwrap_or(Value::Null);
            let mut json = json;
            if let Value::Object(object) = &mut json {
                object.insert(
                    "@type".into(),
                    Value::String(format!("type.googleapis.com/{}", method.input)),
                );
            }
            match channel_types::wkt::Any::from_json(json) {
                Ok(any) => any.value,
                Err(_) => return,
            }
        }
    };
    let timeout = match written_timeout {
        Some(written) => Some(written),
        None if odd_timeouts => {
            Some(TIMEOUTS[u.choose_index(TIMEOUTS.len()).unwrap_or(0)].to_owned())
        }
        None => None,
    };
    let path = tonic::codegen::http::uri::PathAndQuery::from_static(method.grpc_path);
    let channel = fixture.grpc.clone();
    let header = timeout.clone();
    let result = fixture.runtime.block_on(async move {
        let mut client = tonic::client::Grpc::new(channel);
        client.ready().await.expect("the channel is ready");
        let mut request = tonic::Request::new(body);
        if let Some(header) = header
            && let Ok(value) = header.parse()
        {
            request.metadata_mut().insert("grpc-timeout", value);
        }
        tokio::time::timeout(
            Duration::from_secs(20),
            client.unary(request, path, RawCodec),
        )
        .await
    });
    let result = result.unwrap_or_else(|_| panic!("{}: no answer in 20 s", method.name));
    if let Err(status) = result {
        // A handler that panics resets its stream, which the client sees as
        // CANCELLED or UNKNOWN; nothing here cancels and no fault is set.
        let decode_failure =
            status.code() == tonic::Code::Internal && status.message().contains("decode");
        // A tiny timeout ("0m") expires in the calling channel itself, which
        // reports CANCELLED "Timeout expired" without the server's word.
        let expired_here =
            status.code() == tonic::Code::Cancelled && status.message() == "Timeout expired";
        let fault = matches!(
            status.code(),
            tonic::Code::Internal
                | tonic::Code::Unknown
                | tonic::Code::Cancelled
                | tonic::Code::Unavailable
        );
        assert!(
            !fault || decode_failure || expired_here,
            "{} (grpc-timeout {timeout:?}): {status:?}",
            method.name
        );
    }
}
