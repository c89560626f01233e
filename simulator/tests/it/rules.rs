//! The documented rules of both specs (`x-rules`, listed in `spec/RULES.md`),
//! in one table-driven test: each row's valid and invalid request, read from
//! the spec beside the rule, goes through the client (its generated
//! `Validate`, by the operation's client method, sending to a simulator) and
//! straight to the simulator. The valid one is sent by the client and
//! accepted by the simulator; the invalid one is refused by the client before
//! sending and by the simulator with the platform's error. No code here
//! names a rule: a row added to the spec is checked by adding it.

use conformance::dispatch::Input;
use messaging_simulator::Running;
use serde_json::{Value, json};

use crate::support::{TOKEN, amio, http, send, start};

const KEY: &str = messaging_simulator::DEFAULT_SERVICE_KEY;

/// One rule row's pair.
struct Pair {
    id: String,
    operation: String,
    valid: Value,
    invalid: Value,
    /// The type of the channel the pair needs, created first.
    channel: Option<String>,
    /// Who enforces it (`both`, `client`, `simulator`).
    enforced: String,
}

fn pairs(spec: &Value) -> Vec<Pair> {
    let mut out = Vec::new();
    for schema in spec["components"]["schemas"]
        .as_object()
        .expect("the spec has schemas")
        .values()
    {
        for rule in schema["x-rules"].as_array().into_iter().flatten() {
            let test = &rule["test"];
            if test.is_null() {
                continue;
            }
            out.push(Pair {
                id: rule["id"].as_str().expect("a rule has an id").to_owned(),
                operation: test["operation"].as_str().expect("an operation").to_owned(),
                valid: test["valid"].clone(),
                invalid: test["invalid"].clone(),
                channel: test["channel"].as_str().map(str::to_owned),
                enforced: rule["enforced"].as_str().unwrap_or("both").to_owned(),
            });
        }
    }
    out
}

/// What the client did with a request.
#[derive(Debug, PartialEq)]
enum ByClient {
    Sent,
    Refused,
    Failed(String),
}

/// What the simulator answered a request sent as is.
#[derive(Debug, PartialEq)]
enum BySimulator {
    Accepted,
    Refused,
    Other(String),
}

struct Amio<'a> {
    sim: &'a Running,
    suite: messaging_openapi::Document,
    client: amio::Client,
}

impl Amio<'_> {
    /// The channel id a pair runs on: the seeded one, or a new one of its type.
    async fn channel(&self, kind: Option<&str>) -> String {
        let Some(kind) = kind else {
            return "6456078759331238786".to_owned();
        };
        let mut body = json!({"type": kind, "name": "Rules"});
        if kind == "facebook_messenger" {
            body["facebook_page"] = json!({"id": "1", "access_token": "page-token"});
        }
        let (status, _, channel) =
            send(amio(self.sim, reqwest::Method::POST, "/channels").json(&body)).await;
        assert_eq!(status, 201, "{channel}");
        channel["id"].as_str().expect("an id").to_owned()
    }

    async fn by_client(&self, operation: &str, channel: &str, body: &Value) -> ByClient {
        let mut input = Input {
            body: Some(body.clone()),
            ..Input::default()
        };
        input.params.insert("channel_id".to_owned(), json!(channel));
        match conformance::amio::call(&self.client, operation, &input).await {
            Ok(Ok(_)) => ByClient::Sent,
            Ok(Err(amio::Error::InvalidRequest(_))) => ByClient::Refused,
            Ok(Err(error)) => ByClient::Failed(error.to_string()),
            Err(error) => ByClient::Failed(error.to_string()),
        }
    }

    async fn by_simulator(&self, operation: &str, channel: &str, body: &Value) -> BySimulator {
        let operation = self
            .suite
            .operations
            .iter()
            .find(|o| o.id == operation)
            .expect("the pair's operation is in the spec");
        let path = operation.path.replace("{channel_id}", channel);
        let method = reqwest::Method::from_bytes(operation.method.as_bytes()).expect("a method");
        let (status, _, answer) = send(amio(self.sim, method, &path).json(body)).await;
        match status {
            200..=299 => BySimulator::Accepted,
            422 => BySimulator::Refused,
            other => BySimulator::Other(format!("{other} {answer}")),
        }
    }
}

async fn webex_by_client(
    client: &webex_connect::Client,
    operation: &str,
    body: &Value,
) -> ByClient {
    let input = Input {
        body: Some(body.clone()),
        ..Input::default()
    };
    match conformance::webex_connect::call(client, operation, &input).await {
        Ok(Ok(_)) => ByClient::Sent,
        Ok(Err(webex_connect::Error::Invalid(_))) => ByClient::Refused,
        Ok(Err(error)) => ByClient::Failed(error.to_string()),
        Err(error) => ByClient::Failed(error.to_string()),
    }
}

async fn webex_by_simulator(sim: &Running, body: &Value) -> BySimulator {
    let answer: Value = http()
        .post(format!("{}/resources/v1/messaging", sim.base_url()))
        .header("key", KEY)
        .json(body)
        .send()
        .await
        .expect("the simulator answers")
        .json()
        .await
        .expect("a JSON answer");
    let code = |v: &Value| v["code"].as_str().unwrap_or_default().to_owned();
    match &answer["response"] {
        Value::Array(entries) if entries.iter().all(|e| code(e) == "1001") => BySimulator::Accepted,
        entry if ["7003", "7004", "7009"].contains(&code(entry).as_str()) => BySimulator::Refused,
        _ => BySimulator::Other(answer.to_string()),
    }
}

#[tokio::test]
async fn every_rule_row_is_held_by_the_client_and_the_simulator() {
    let sim = start(|_| {}).await;
    let amio_suite = messaging_openapi::Document::from_text(
        "spec/amio.yaml",
        messaging_simulator::AMIO_SPEC.to_owned(),
    )
    .expect("the Amio spec loads");
    let webex_suite = messaging_openapi::Document::from_text(
        "spec/webex-connect.yaml",
        messaging_simulator::WEBEX_CONNECT_SPEC.to_owned(),
    )
    .expect("the Webex Connect spec loads");
    let amio_pairs = pairs(&amio_suite.spec);
    let webex_pairs = pairs(&webex_suite.spec);
    let api = Amio {
        sim: &sim,
        client: amio::Client::builder()
            .token(TOKEN)
            .base_url(sim.amio_base_url())
            .retry(amio::RetryPolicy::none())
            .build()
            .expect("a loopback client"),
        suite: amio_suite,
    };
    let webex = webex_connect::Client::builder()
        .base_url(sim.base_url())
        .service_key(KEY)
        .retry(webex_connect::RetryPolicy::none())
        .build()
        .expect("a loopback client");

    let mut failures = Vec::new();
    let mut rows = 0;
    for pair in amio_pairs.iter().chain(&webex_pairs) {
        rows += 1;
        let is_amio = amio_pairs.iter().any(|p| p.id == pair.id);
        let (client_valid, client_invalid, sim_valid, sim_invalid) = if is_amio {
            let channel = api.channel(pair.channel.as_deref()).await;
            (
                api.by_client(&pair.operation, &channel, &pair.valid).await,
                api.by_client(&pair.operation, &channel, &pair.invalid)
                    .await,
                api.by_simulator(&pair.operation, &channel, &pair.valid)
                    .await,
                api.by_simulator(&pair.operation, &channel, &pair.invalid)
                    .await,
            )
        } else {
            (
                webex_by_client(&webex, &pair.operation, &pair.valid).await,
                webex_by_client(&webex, &pair.operation, &pair.invalid).await,
                webex_by_simulator(&sim, &pair.valid).await,
                webex_by_simulator(&sim, &pair.invalid).await,
            )
        };
        let id = &pair.id;
        if client_valid != ByClient::Sent {
            failures.push(format!(
                "{id}: the client did not send the valid request: {client_valid:?}"
            ));
        }
        if sim_valid != BySimulator::Accepted {
            failures.push(format!(
                "{id}: the simulator refused the valid request: {sim_valid:?}"
            ));
        }
        if pair.enforced != "simulator" && client_invalid != ByClient::Refused {
            failures.push(format!(
                "{id}: the client did not refuse the invalid request: {client_invalid:?}"
            ));
        }
        if pair.enforced != "client" && sim_invalid != BySimulator::Refused {
            failures.push(format!(
                "{id}: the simulator did not refuse the invalid request: {sim_invalid:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(rows >= 20, "only {rows} rule rows have a pair");
}
