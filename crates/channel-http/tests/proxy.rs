//! The environment's HTTP proxy and this machine's endpoints.
//!
//! reqwest sends through `HTTP_PROXY` whatever the host, loopback included,
//! and a plaintext call to a local endpoint may carry a token: through a
//! proxy it would cross the network in clear (and a proxy cannot reach this
//! machine's loopback anyway). The variables are read by the process, so
//! the test runs its client in a child process with them set.

mod support;

use std::process::Command;
use std::sync::Arc;

use channel_core::CallOptions;
use channel_core::CloudChannelService;
use channel_core::credentials::StaticToken;
use channel_http::HttpTransport;
use channel_types::model::GetCustomerRequest;
use support::{TestServer, config_for};

/// Set in the child: the endpoint to call.
const CHILD_ENDPOINT: &str = "CHANNEL_TEST_PROXY_CHILD_ENDPOINT";

#[tokio::test(flavor = "multi_thread")]
async fn a_loopback_endpoint_is_never_reached_through_the_environments_proxy() {
    if let Ok(endpoint) = std::env::var(CHILD_ENDPOINT) {
        let config = config_for(&endpoint, Arc::new(StaticToken::new("ya29.secret-token")));
        HttpTransport::new(&config)
            .unwrap()
            .get_customer(
                GetCustomerRequest {
                    name: "accounts/A1/customers/C1".into(),
                },
                CallOptions::new(),
            )
            .await
            .unwrap();
        return;
    }
    let endpoint = TestServer::start().await;
    let proxy = TestServer::start().await;
    let test = "a_loopback_endpoint_is_never_reached_through_the_environments_proxy";
    let mut child = Command::new(std::env::current_exe().unwrap());
    child
        .args(["--exact", test, "--test-threads=1"])
        .env(CHILD_ENDPOINT, endpoint.endpoint())
        .env_remove("NO_PROXY")
        .env_remove("no_proxy");
    for name in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
        child.env(name, proxy.endpoint());
    }
    let output = tokio::task::spawn_blocking(move || child.output())
        .await
        .unwrap()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(proxy.take().is_empty(), "the call went through the proxy");
    assert_eq!(
        endpoint.take_one().header("authorization"),
        Some("Bearer ya29.secret-token")
    );
}
