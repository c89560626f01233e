//! Live mode, against a stand-in for the real API on 127.0.0.1 that answers
//! each operation with its first documented example.

use conformance::live::{self, LiveOptions, TEST_MESSAGE};
use conformance::suite::Suite;
use serde_json::Value;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "live-fake-token-1234";

/// A server answering every operation of the spec at its path (any
/// parameter values) with its first success example; `get_channel` answers
/// with the channel in `mode`.
async fn stand_in(suite: &Suite, mode: &str) -> MockServer {
    let server = MockServer::start().await;
    for operation in &suite.operations {
        let success = operation.success().expect("a success");
        let mut body = success.examples.first().map(|e| e.value.clone());
        if operation.id == "get_channel"
            && let Some(Value::Object(channel)) = &mut body
        {
            channel.insert("mode".into(), Value::String(mode.into()));
        }
        let pattern = format!(
            "^{}{}$",
            suite.base_path,
            operation
                .path
                .split('/')
                .map(|s| if s.starts_with('{') { "[^/]+" } else { s })
                .collect::<Vec<_>>()
                .join("/")
        );
        let mut template = ResponseTemplate::new(success.status);
        if let Some(body) = body {
            template = template.set_body_json(body);
        }
        Mock::given(method(operation.method.as_str()))
            .and(path_regex(pattern))
            .respond_with(template)
            .mount(&server)
            .await;
    }
    server
}

fn options(server: &MockServer, base_path: &str) -> LiveOptions {
    LiveOptions {
        base_url: format!("{}{base_path}", server.uri()),
        token: TOKEN.into(),
        channel_id: None,
    }
}

#[tokio::test]
async fn reads_everywhere_and_sends_only_to_a_test_channel() {
    let suite = crate::amio();
    let server = stand_in(&suite, "test").await;
    let area = live::check(&suite, &options(&server, &suite.base_path)).await;
    crate::assert_passes(&area);
    let requests = server.received_requests().await.unwrap();
    let sent: Vec<String> = requests
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect();
    assert_eq!(sent.len(), 8, "{sent:?}");
    assert!(requests.iter().all(|r| {
        r.headers.get("authorization").and_then(|v| v.to_str().ok())
            == Some(format!("Bearer {TOKEN}").as_str())
    }));
    let message = requests
        .iter()
        .find(|r| r.url.path().ends_with("/messages") && r.method.as_str() == "POST")
        .expect("a message is sent to a test channel");
    let body: Value = message.body_json().unwrap();
    assert_eq!(body["content"]["payload"], TEST_MESSAGE);
}

#[tokio::test]
async fn a_production_channel_gets_no_message() {
    let suite = crate::amio();
    let server = stand_in(&suite, "production").await;
    let area = live::check(&suite, &options(&server, &suite.base_path)).await;
    crate::assert_passes(&area);
    assert!(area.coverage.contains("sends skipped"), "{}", area.coverage);
    let requests = server.received_requests().await.unwrap();
    assert!(requests.iter().all(|r| r.method.as_str() == "GET"));
}

#[tokio::test]
async fn a_live_response_that_does_not_fit_the_spec_fails_by_operation() {
    let suite = crate::amio();
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path_regex("^/v1/channels$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([{"id": 7}])))
        .mount(&server)
        .await;
    let area = live::check(&suite, &options(&server, &suite.base_path)).await;
    let failure = crate::failure(&area, "live list_channels (200)");
    assert!(failure.contains("at $[0]"), "{failure}");
    assert!(!format!("{area:?}").contains(TOKEN));
}
