//! The documented rules of both specs (`x-rules`, listed in `spec/RULES.md`),
//! one table-driven test: each row's valid and invalid request, read from the
//! spec beside the rule, goes through the client's generated `Validate` (by
//! the operation's client method, against a mock on 127.0.0.1). The valid
//! one must be sent; the invalid one refused before sending. No code here
//! names a rule: a row added to the spec is checked by adding it.

use conformance::api::Api;
use conformance::mock::MockApi;
use conformance::suite::Suite;
use serde_json::Value;

/// Each rule with a pair that the client enforces: `(id, operation, valid, invalid)`.
fn pairs(suite: &Suite) -> Vec<(String, String, Value, Value)> {
    let mut out = Vec::new();
    let schemas = suite.spec["components"]["schemas"]
        .as_object()
        .expect("the spec has schemas");
    for schema in schemas.values() {
        for rule in schema["x-rules"].as_array().into_iter().flatten() {
            let enforced = rule["enforced"].as_str().unwrap_or("both");
            let test = &rule["test"];
            if test.is_null() || enforced == "simulator" || rule.get("state").is_some() {
                continue;
            }
            out.push((
                rule["id"].as_str().expect("a rule has an id").to_owned(),
                test["operation"]
                    .as_str()
                    .expect("a pair names its operation")
                    .to_owned(),
                test["valid"].clone(),
                test["invalid"].clone(),
            ));
        }
    }
    out
}

/// Whether the outcome of a call is the client's refusal before sending.
enum Sent {
    Refused(String),
    Other,
    /// The body does not even fit the operation's type: the pair is wrong.
    Unfit(String),
}

async fn call(suite: &Suite, mock: &MockApi, operation: &str, body: Value) -> Sent {
    let spec_operation = suite
        .require_operation(operation)
        .expect("the pair's operation");
    let input = suite
        .input(spec_operation, Some(body))
        .expect("the operation's parameters have examples");
    match suite.api {
        Api::Amio => {
            let client = conformance::amio::client(suite, &mock.uri());
            match conformance::amio::call(&client, operation, &input).await {
                Ok(Err(amio::Error::InvalidRequest(message))) => Sent::Refused(message),
                Ok(_) => Sent::Other,
                Err(error) => Sent::Unfit(error.to_string()),
            }
        }
        Api::WebexConnect => {
            let client = conformance::webex_connect::client(suite, &mock.uri());
            match conformance::webex_connect::call(&client, operation, &input).await {
                Ok(Err(webex_connect::Error::Invalid(error))) => Sent::Refused(error.to_string()),
                Ok(_) => Sent::Other,
                Err(error) => Sent::Unfit(error.to_string()),
            }
        }
        other => panic!("no rule pairs are run for {other:?} yet"),
    }
}

#[tokio::test]
async fn every_rule_row_refuses_its_invalid_request_and_sends_its_valid_one() {
    let mut failures = Vec::new();
    let mut rows = 0;
    for suite in crate::suites() {
        for (id, operation, valid, invalid) in pairs(&suite) {
            rows += 1;
            let mock = MockApi::start().await;
            match call(&suite, &mock, &operation, valid).await {
                Sent::Refused(why) => {
                    failures.push(format!("{id}: the valid request was refused: {why}"));
                }
                Sent::Unfit(why) => failures.push(format!("{id}: the valid request: {why}")),
                Sent::Other => {}
            }
            let sent_valid = mock.requests().await.len();
            if sent_valid != 1 {
                failures.push(format!(
                    "{id}: the valid request reached the server {sent_valid} times"
                ));
            }
            match call(&suite, &mock, &operation, invalid).await {
                Sent::Other => failures.push(format!("{id}: the invalid request was not refused")),
                Sent::Unfit(why) => failures.push(format!("{id}: the invalid request: {why}")),
                Sent::Refused(_) => {}
            }
            if mock.requests().await.len() != sent_valid {
                failures.push(format!("{id}: the invalid request reached the server"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(rows >= 20, "only {rows} rule rows have a pair");
}
