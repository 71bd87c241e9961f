//! proto3 JSON on the REST wire, as a user meets it: answers from a server
//! whose schema is newer than ours, values JSON numbers cannot carry, and
//! bodies some frontends leave empty.

mod support;

use bytes::Bytes;
use channel_core::{CallOptions, CloudChannelService, ErrorDetail, Operations};
use channel_http::HttpTransport;
use channel_types::longrunning::GetOperationRequest;
use channel_types::model::operation_metadata::OperationType;
use channel_types::model::{
    ChangeParametersRequest, DeleteCustomerRequest, GetCustomerRequest, OperationMetadata,
    Parameter, Value, value,
};
use channel_types::rpc::Code;
use serde_json::json;

use support::{Reply, TestServer};

#[tokio::test]
async fn a_customer_with_an_enum_value_newer_than_the_schema_still_reads() {
    let server = TestServer::start().await;
    server.reply(Reply::Json(
        200,
        json!({"name": "accounts/A/customers/C", "customerAttestationState": "NEW_FUTURE_STATE"}),
    ));
    let transport = HttpTransport::new(&server.config()).unwrap();
    let customer = transport
        .get_customer(
            GetCustomerRequest {
                name: "accounts/A/customers/C".into(),
            },
            CallOptions::new(),
        )
        .await
        .unwrap();
    assert_eq!(customer.name, "accounts/A/customers/C");
    assert_eq!(customer.customer_attestation_state, 0);
}

#[tokio::test]
async fn operation_metadata_with_a_newer_enum_value_still_reads() {
    let server = TestServer::start().await;
    server.reply(Reply::Json(
        200,
        json!({"name": "operations/1", "metadata": {
            "@type": "type.googleapis.com/google.cloud.channel.v1.OperationMetadata",
            "operationType": "SOME_OPERATION_ADDED_LATER"}}),
    ));
    let transport = HttpTransport::new(&server.config()).unwrap();
    let operation = transport
        .get_operation(
            GetOperationRequest {
                name: "operations/1".into(),
            },
            CallOptions::new(),
        )
        .await
        .unwrap();
    assert_eq!(operation.name, "operations/1");
    let metadata: OperationMetadata = operation.metadata.unwrap().to_msg().unwrap();
    assert_eq!(
        metadata.operation_type,
        OperationType::Unspecified as i32,
        "the unknown name leaves the default"
    );
}

#[tokio::test]
async fn change_parameters_with_a_nan_double_reaches_the_server_as_the_string_nan() {
    let server = TestServer::start().await;
    server.reply(Reply::Json(200, json!({"name": "operations/2"})));
    let transport = HttpTransport::new(&server.config()).unwrap();
    let request = ChangeParametersRequest {
        name: "accounts/A/customers/C/entitlements/E".into(),
        parameters: vec![Parameter {
            name: "max_units".into(),
            value: Some(Value {
                kind: Some(value::Kind::DoubleValue(f64::NAN)),
            }),
            ..Default::default()
        }],
        ..Default::default()
    };
    transport
        .change_parameters(request, CallOptions::new())
        .await
        .unwrap();
    let body = server.take_one().json().unwrap();
    assert_eq!(
        body["parameters"][0]["value"],
        json!({"doubleValue": "NaN"})
    );
}

#[tokio::test]
async fn an_empty_200_for_a_method_returning_empty_is_a_success() {
    let server = TestServer::start().await;
    server.reply(Reply::Raw(200, "application/json", Bytes::new()));
    let transport = HttpTransport::new(&server.config()).unwrap();
    transport
        .delete_customer(
            DeleteCustomerRequest {
                name: "accounts/A/customers/C".into(),
            },
            CallOptions::new(),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn an_error_detail_of_a_type_newer_than_the_schema_is_kept() {
    let server = TestServer::start().await;
    server.reply(Reply::Json(
        400,
        json!({"error": {"code": 400, "message": "bad", "status": "INVALID_ARGUMENT",
        "details": [
            {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "R"},
            {"@type": "type.googleapis.com/google.rpc.SomethingNew", "hint": "h"}
        ]}}),
    ));
    let transport = HttpTransport::new(&server.config()).unwrap();
    let err = transport
        .get_customer(
            GetCustomerRequest {
                name: "accounts/A/customers/C".into(),
            },
            CallOptions::new(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    assert_eq!(err.reason(), Some("R"));
    let kept: Vec<_> = err
        .details()
        .iter()
        .filter_map(|d| match d {
            other @ ErrorDetail::Other(_) => Some(other.to_json().unwrap()),
            _ => None,
        })
        .collect();
    assert_eq!(
        kept,
        vec![json!({"@type": "type.googleapis.com/google.rpc.SomethingNew", "hint": "h"})]
    );
}
