//! Starting a simulator for a test, and what tests send it.

use std::time::Duration;

use messaging_simulator::{Config, Running};
use serde_json::Value;

/// The token every test simulator accepts.
pub(crate) const TOKEN: &str = "test-token";

/// A simulator on a free port, quiet, with `change` applied to its config.
pub(crate) async fn start(change: impl FnOnce(&mut Config)) -> Running {
    let mut config = Config::default();
    config.port = 0;
    config.quiet = true;
    config.token = TOKEN.to_owned();
    change(&mut config);
    messaging_simulator::start(config)
        .await
        .expect("the simulator starts")
}

/// An HTTP client that never retries nor follows redirects.
pub(crate) fn http() -> reqwest::Client {
    amio::http_client_builder()
        .expect("TLS set up")
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// A request to the Amio API of `sim`, with the token.
pub(crate) fn amio(sim: &Running, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
    http()
        .request(method, format!("{}{path}", sim.amio_base_url()))
        .bearer_auth(TOKEN)
}

/// Status, headers and JSON body (`Null` when empty).
pub(crate) async fn send(
    request: reqwest::RequestBuilder,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let response = request.send().await.expect("the simulator answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).expect("the body is JSON")
    };
    (status, headers, body)
}

/// Checks `body` is Amio's documented error format for `status`, and gives
/// its detail errors.
pub(crate) fn error_details(status: u16, body: &Value) -> Vec<Value> {
    assert_eq!(body["status"]["code"], status.to_string(), "{body}");
    assert!(body["status"]["message"].is_string(), "{body}");
    assert!(body["timestamp"].is_string(), "{body}");
    body["errors"]
        .as_array()
        .cloned()
        .expect("errors is an array")
}

/// Waits until `condition` holds (at most five seconds).
pub(crate) async fn eventually(mut condition: impl FnMut() -> bool) {
    for _ in 0..500 {
        if condition() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the condition did not hold within five seconds");
}
