//! Live mode, against stand-ins for the real APIs on 127.0.0.1: one that
//! answers each operation with its first documented example, and a
//! schema-driven one that invents plausible responses from the spec, seeded,
//! with random properties and values the spec does not describe.

use std::sync::{Arc, Mutex};

use conformance::amio;
use conformance::api::Api;
use conformance::mock::served_headers;
use conformance::shared::fuzz::{Rates, Rng, mutate};
use conformance::shared::live::{LiveOptions, TEST_MESSAGE};
use conformance::shared::properties::{config, shape_strategy};
use conformance::spec::Operation;
use conformance::suite::Suite;
use conformance::webex_connect;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{RngSeed, TestRunner};
use serde_json::{Value, json};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const TOKEN: &str = "live-fake-token-1234";

/// The pattern of an operation's path (any parameter values) under the
/// spec's base path.
fn path_pattern(suite: &Suite, operation: &Operation) -> String {
    format!(
        "^{}{}$",
        suite.base_path,
        operation
            .path
            .split('/')
            .map(|s| if s.starts_with('{') { "[^/]+" } else { s })
            .collect::<Vec<_>>()
            .join("/")
    )
}

/// A server answering every operation of the spec at its path with its
/// first success example; `get_channel` answers with the channel in `mode`.
pub(crate) async fn stand_in(suite: &Suite, mode: &str) -> MockServer {
    let server = MockServer::start().await;
    for operation in &suite.operations {
        let success = operation.success().expect("a success");
        let mut body = success.examples.first().map(|e| e.value.clone());
        if operation.id == "get_channel"
            && let Some(Value::Object(channel)) = &mut body
        {
            channel.insert("mode".into(), Value::String(mode.into()));
        }
        let mut template = ResponseTemplate::new(success.status);
        if let Some(body) = body {
            template = template.set_body_json(body);
        }
        Mock::given(method(operation.method.as_str()))
            .and(path_regex(path_pattern(suite, operation)))
            .respond_with(template)
            .mount(&server)
            .await;
    }
    server
}

fn options(server: &MockServer, base_path: &str) -> LiveOptions {
    LiveOptions {
        base_url: format!("{}{base_path}", server.uri()),
        credential: TOKEN.into(),
        ..LiveOptions::default()
    }
}

#[tokio::test]
async fn reads_everywhere_and_sends_only_to_a_test_channel() {
    let suite = crate::amio();
    let server = stand_in(&suite, "test").await;
    let area = amio::live::check(&suite, &options(&server, &suite.base_path)).await;
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
    let area = amio::live::check(&suite, &options(&server, &suite.base_path)).await;
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
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"id": 7}])))
        .mount(&server)
        .await;
    let area = amio::live::check(&suite, &options(&server, &suite.base_path)).await;
    let failure = crate::failure(&area, "live list_channels (200)");
    assert!(failure.contains("at $[0]"), "{failure}");
    assert!(!format!("{area:?}").contains(TOKEN));
}

/// One operation's responses, invented from the spec for every request.
struct Invented {
    suite: Arc<Suite>,
    operation: Operation,
    /// The generator and the source of the extras; seeded per run.
    state: Mutex<(TestRunner, Rng)>,
    /// Whether `get_channel` answers with a channel in `test` mode (so that
    /// the run sends).
    test_mode: bool,
}

impl Respond for Invented {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let success = self.operation.success().expect("a success");
        let mut template = ResponseTemplate::new(success.status);
        for (name, value) in served_headers(success).expect("documented headers have examples") {
            template = template.append_header(name.as_str(), value.as_str());
        }
        let Some(shape) = &success.shape else {
            return template;
        };
        let strategy = shape_strategy(&self.suite.spec, shape).expect("a named schema");
        let mut state = self.state.lock().unwrap();
        let (runner, rng) = &mut *state;
        // A list with something in it, so that the run goes on to read it.
        let mut value = Value::Null;
        for _ in 0..16 {
            value = strategy.new_tree(runner).unwrap().current();
            if value.as_array().is_none_or(|items| !items.is_empty()) {
                break;
            }
        }
        let rates = Rates {
            big_array: 40,
            long_string: 20,
            ..Rates::default()
        };
        let mut value = mutate(&self.suite.schemas, shape, value, rng, rates).value;
        if self.test_mode && self.operation.id == "get_channel" {
            value["mode"] = json!("test");
        }
        template.set_body_json(value)
    }
}

/// A server on 127.0.0.1 answering every operation of `suite` with
/// responses generated from its schemas (seed `seed`), with random extra
/// properties and values: what a real Amio looks like to a spec that lags
/// behind it.
async fn schema_driven(suite: &Arc<Suite>, seed: u64, test_mode: bool) -> MockServer {
    let server = MockServer::start().await;
    for operation in &suite.operations {
        let mut config = config(1);
        config.rng_seed = RngSeed::Fixed(seed);
        let invented = Invented {
            suite: Arc::clone(suite),
            operation: operation.clone(),
            state: Mutex::new((TestRunner::new(config), Rng::new(seed))),
            test_mode,
        };
        Mock::given(method(operation.method.as_str()))
            .and(path_regex(path_pattern(suite, operation)))
            .respond_with(invented)
            .mount(&server)
            .await;
    }
    server
}

/// Contact ids are integers in this spec: it no longer matches the bindings.
fn contact_id_is_an_integer() -> Suite {
    crate::changed(
        Api::Amio,
        "      - id\n      properties:\n        id:\n          type: string\n          description: 'Id of the contact. Id is unique across channels and is generated by Amio.",
        "      - id\n      properties:\n        id:\n          type: integer\n          description: 'Id of the contact. Id is unique across channels and is generated by Amio.",
    )
}

/// Runs live mode `runs` times against schema-driven mocks of `mocked`,
/// judged by `judged`: the failures, the drift, and the sends, in all.
async fn live_runs(mocked: &Arc<Suite>, judged: &Suite, runs: u64) -> (Vec<String>, usize, usize) {
    let (mut failures, mut drift, mut sends) = (Vec::new(), 0, 0);
    for run in 0..runs {
        let server = schema_driven(mocked, 0x5eed_0000 + run, run % 2 == 0).await;
        let area = amio::live::check(judged, &options(&server, &judged.base_path)).await;
        failures.extend(
            area.failures()
                .map(|c| format!("run {run}: {}: {}", c.name, c.failure().unwrap_or_default())),
        );
        drift += area.drifted().map(|c| c.drift().len()).sum::<usize>();
        sends += area
            .checks
            .iter()
            .filter(|c| c.name.starts_with("live send_"))
            .count();
    }
    (failures, drift, sends)
}

#[tokio::test]
async fn twenty_live_runs_against_a_schema_driven_mock_find_drift_and_no_failure() {
    let suite = Arc::new(crate::amio());
    let (failures, drift, sends) = live_runs(&suite, &suite, 20).await;
    println!(
        "20 runs: {} failures, {drift} drifts, {sends} sends",
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(drift > 20, "the extras are reported as drift: {drift}");
    assert!(sends > 0, "some runs send to a test channel");
}

#[tokio::test]
async fn the_same_runs_fail_naming_the_field_when_the_spec_breaks_its_type() {
    let suite = Arc::new(crate::amio());
    let broken = Arc::new(contact_id_is_an_integer());
    // The spec says integer, the server (and the bindings) say string: the
    // judge fails the contact list of every run, naming the field.
    let (failures, _, _) = live_runs(&suite, &broken, 20).await;
    let named = |failures: &[String], message: &str| {
        failures
            .iter()
            .filter(|f| f.contains("live list_contacts (200): ") && f.contains(message))
            .count()
    };
    assert_eq!(
        named(&failures, "at $[0].id: value is not of type \"integer\""),
        20,
        "{failures:#?}"
    );
    // A server that sends what the broken spec says: the bindings cannot
    // read it, and the failure names the field.
    let (failures, _, _) = live_runs(&broken, &suite, 20).await;
    assert_eq!(
        named(
            &failures,
            "the client cannot read the documented 200: at $[0].id: invalid type: integer"
        ),
        20,
        "{failures:#?}"
    );
}

/// A stand-in for Webex Connect answering `send_message` with `answer`.
async fn webex_stand_in(answer: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path_regex("^/resources/v1/messaging$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .mount(&server)
        .await;
    server
}

fn webex_options(server: &MockServer, msisdn: Option<&str>) -> LiveOptions {
    LiveOptions {
        base_url: server.uri(),
        credential: TOKEN.into(),
        msisdn: msisdn.map(str::to_owned),
        ..LiveOptions::default()
    }
}

#[tokio::test]
async fn webex_connect_live_mode_sends_one_sms_to_the_number_given_and_checks_the_answer() {
    let suite = crate::webex();
    let answer = json!({"response": [{"code": "1001", "transid": "t-1", "description": "Queued"}]});
    let server = webex_stand_in(answer).await;
    let area =
        webex_connect::live::check(&suite, &webex_options(&server, Some("+447700900123"))).await;
    crate::assert_passes(&area);
    let requests = server.received_requests().await.unwrap();
    let [request] = requests.as_slice() else {
        panic!("{} requests", requests.len());
    };
    assert_eq!(request.headers.get("key").unwrap(), TOKEN);
    assert!(request.headers.get("authorization").is_none());
    let body: Value = request.body_json().unwrap();
    assert_eq!(body, webex_connect::live::request("+447700900123"));
    assert_eq!(body["channels"]["sms"]["text"], TEST_MESSAGE);
    assert!(area.coverage.contains("it is charged"), "{}", area.coverage);
    assert!(!format!("{area:?}").contains(TOKEN));
}

#[tokio::test]
async fn webex_connect_live_mode_sends_nothing_without_a_number() {
    let suite = crate::webex();
    let server = webex_stand_in(json!({})).await;
    let area = webex_connect::live::check(&suite, &webex_options(&server, None)).await;
    assert!(area.checks.is_empty());
    assert!(area.coverage.contains("nothing sent"), "{}", area.coverage);
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn webex_connect_live_answers_with_new_codes_are_drift_and_bad_ones_fail() {
    let suite = crate::webex();
    let answer = json!({"response": {"code": "7999", "transid": "t-2", "description": "Brand new refusal", "retry_after": 30}});
    let server = webex_stand_in(answer).await;
    let area =
        webex_connect::live::check(&suite, &webex_options(&server, Some("+447700900123"))).await;
    assert_eq!(area.failed(), 0, "{area:#?}");
    let check = area.drifted().next().expect("drift");
    let mut paths: Vec<&str> = check.drift().iter().map(|d| d.path.as_str()).collect();
    paths.sort_unstable();
    assert_eq!(paths, ["$.response.code", "$.response.retry_after"]);
    let server = webex_stand_in(json!({"response": {"code": 7001}})).await;
    let area =
        webex_connect::live::check(&suite, &webex_options(&server, Some("+447700900123"))).await;
    let failure = crate::failure(&area, "live send_message (200)");
    assert!(failure.contains("at $.response"), "{failure}");
}
