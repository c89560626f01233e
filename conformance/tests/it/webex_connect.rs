//! Webex Connect: every area of its section of the report passes and covers
//! the spec (every example, every documented response code, every request
//! example, snapshotted; the auth; the delivery notifications; generated
//! values), and a spec that no longer matches the bindings fails by name.

use std::collections::BTreeSet;

use conformance::api::Api;
use conformance::mock::{Canned, MockApi};
use conformance::shared::{examples, properties};
use conformance::suite::Suite;
use conformance::webex_connect::{self, DELIVERY_CODE_TABLE, RESPONSE_CODE_TABLE};

/// JSON examples printed in seed 002 ("Send Message v1"), counted by hand
/// when the spec was written (see the provenance section of `spec/README.md`).
const SEED_002_EXAMPLES: usize = 38;

/// The rows of seed 002's "Response Codes" table (lines 1993-2003). Only the
/// count: the codes themselves are read from the spec.
const SEED_002_RESPONSE_CODES: usize = 10;

#[test]
fn every_example_round_trips_through_its_type() {
    let suite = crate::webex();
    let area = examples::round_trips(&suite);
    crate::assert_passes(&area);
    assert_eq!(area.name, "examples: round trip");
    assert_eq!(area.checks.len(), suite.examples.len());
}

#[test]
fn every_example_fits_its_schema() {
    let suite = crate::webex();
    let area = examples::fit_schemas(&suite);
    crate::assert_passes(&area);
    assert_eq!(area.name, "examples: schema");
    assert_eq!(area.checks.len(), suite.examples.len());
}

#[test]
fn the_examples_cover_seed_002_every_response_code_and_every_notification() {
    let suite = crate::webex();
    let seed_002 = examples::per_seed(&suite.examples)
        .get("002")
        .copied()
        .unwrap_or_default();
    println!("seed 002: {SEED_002_EXAMPLES} JSON examples printed, {seed_002} in the spec");
    assert!(
        seed_002 >= SEED_002_EXAMPLES,
        "seed 002 prints {SEED_002_EXAMPLES} JSON examples; the spec has {seed_002} citing it"
    );
    let codes = webex_connect::documented_codes(&suite, RESPONSE_CODE_TABLE).unwrap();
    assert!(codes.len() >= SEED_002_RESPONSE_CODES, "{codes:?}");
    let responses: usize = suite
        .operations
        .iter()
        .flat_map(|o| &o.responses)
        .map(|r| r.examples.len())
        .sum();
    let notifications = suite.webhook_examples().count();
    let delivery_codes = webex_connect::documented_codes(&suite, DELIVERY_CODE_TABLE).unwrap();
    assert!(responses >= codes.len(), "{responses} response examples");
    assert!(notifications >= delivery_codes.len());
    // 38 + 10 + 3 = 51: every example the spec's ledger counts.
    assert!(suite.examples.len() >= seed_002 + responses + notifications);
}

#[tokio::test]
async fn every_documented_response_code_gives_its_typed_result() {
    let suite = crate::webex();
    let area = webex_connect::response_codes::check(&suite).await;
    crate::assert_passes(&area);
    assert_eq!(area.name, "response codes");
    let names: BTreeSet<&str> = area.checks.iter().map(|c| c.name.as_str()).collect();
    let codes = webex_connect::documented_codes(&suite, RESPONSE_CODE_TABLE).unwrap();
    for code in &codes {
        let name = format!("code {} ({})", code.code, code.message);
        assert!(names.contains(name.as_str()), "no check `{name}`");
    }
    let mut examples = 0;
    for operation in &suite.operations {
        for response in &operation.responses {
            for example in &response.examples {
                examples += 1;
                let name = format!("{} {} {}", operation.id, response.status, example.name);
                assert!(names.contains(name.as_str()), "no check `{name}`");
            }
        }
    }
    assert_eq!(area.checks.len(), codes.len() + examples);
}

/// The check is not a formality: a refusal read back with another code,
/// description and transid than the body's fails.
#[tokio::test]
async fn a_refusal_that_is_not_the_served_one_fails() {
    let suite = crate::webex();
    let operation = suite.operation("send_message").unwrap();
    let examples = &operation.response(200).unwrap().examples;
    let example = |code: &str| {
        examples
            .iter()
            .find(|e| e.name.starts_with(&format!("response_{code}_")))
            .unwrap_or_else(|| panic!("an example of {code}"))
            .value
            .clone()
    };
    let (served, expected) = (example("7000"), example("7001"));
    let mock = MockApi::serving(&Canned::json(200, Vec::new(), &served)).await;
    let client = webex_connect::client(&suite, &mock.uri());
    let request = operation.request.as_ref().unwrap().examples[0]
        .value
        .clone();
    let input = suite.input(operation, Some(request)).unwrap();
    let outcome = webex_connect::call(&client, "send_message", &input)
        .await
        .unwrap();
    assert_eq!(webex_connect::check_answer(200, &served, &outcome), Ok(()));
    let failure = webex_connect::check_answer(200, &expected, &outcome).unwrap_err();
    assert!(failure.contains("code: \"7001\""), "{failure}");
    assert!(
        failure.contains("the client returned Rejected"),
        "{failure}"
    );
    // Queued where the body refuses, and a status the API never sends.
    let queued = example("1001");
    assert!(webex_connect::check_answer(200, &queued, &outcome).is_err());
    let failure = webex_connect::check_answer(503, &served, &outcome).unwrap_err();
    assert!(failure.contains("expected Error::Http"), "{failure}");
}

#[tokio::test]
async fn every_request_example_is_sent_as_the_spec_says() {
    let suite = crate::webex();
    let run = webex_connect::requests::check(&suite).await;
    crate::assert_passes(&run.area);
    assert_eq!(run.area.name, "requests");
    let examples: usize = suite
        .operations
        .iter()
        .filter_map(|o| o.request.as_ref())
        .map(|r| r.examples.len())
        .sum();
    assert_eq!(run.area.checks.len(), examples);
    assert_eq!(run.requests.len(), examples);

    // One readable snapshot of each request the client sent, and no other.
    crate::snapshot_requests("requests/webex-connect", &run.requests, |name, request| {
        insta::assert_yaml_snapshot!(name.to_owned(), request);
    });
}

#[tokio::test]
async fn the_credentials_go_where_configured_and_nowhere_else() {
    let area = webex_connect::auth::check(&crate::webex()).await;
    crate::assert_passes(&area);
    let names: Vec<&str> = area.checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "a service key goes in the `key` header, and no Authorization header",
            "a JWT goes in `Authorization: Bearer`, and no `key` header",
            "given both, only the credential given last is sent",
            "no, an empty or a blank credential is BuildError::MissingCredentials",
            "the credentials are not in the Debug output of the client or its builder",
            "the credentials are not in the Debug or Display output of errors",
        ]
    );
}

#[test]
fn every_delivery_notification_example_reads() {
    let suite = crate::webex();
    let area = webex_connect::notifications::check(&suite);
    crate::assert_passes(&area);
    let codes = webex_connect::documented_codes(&suite, DELIVERY_CODE_TABLE).unwrap();
    assert_eq!(
        area.checks.len(),
        suite.webhook_examples().count() + codes.len()
    );
    assert!(
        area.checks
            .iter()
            .any(|c| c.name == "delivery_notification_delivered (DeliveryInfoNotification)")
    );
}

#[test]
fn generated_request_and_response_models_round_trip() {
    let suite = crate::webex();
    let models = properties::models(&suite);
    assert_eq!(
        models,
        [
            "SendMessageRequest",
            "SendMessageResponse",
            "DeliveryInfoNotification"
        ]
    );
    crate::assert_models_round_trip(&suite, &models, file!());
}

// Break experiments: each change makes the spec disagree with the bindings,
// and a named check says where.

#[tokio::test]
async fn a_path_the_client_does_not_use_fails_by_name() {
    let suite = crate::changed(
        Api::WebexConnect,
        "  /resources/v1/messaging:",
        "  /resources/v2/messaging:",
    );
    let area = webex_connect::requests::check(&suite).await.area;
    assert_eq!(area.failed(), area.checks.len(), "every request fails");
    let failure = crate::failure(&area, "send_message request request_full_sample");
    assert!(
        failure.contains(
            "the client sent POST /resources/v1/messaging; the spec says POST /resources/v2/messaging"
        ),
        "{failure}"
    );
}

#[test]
fn a_field_renamed_in_the_schema_but_not_in_its_examples_fails_by_name() {
    // `ResponseEntry.transid` renamed to `transactionid` in the schema; the
    // answers still say `transid`.
    let suite = crate::changed(
        Api::WebexConnect,
        "        - description\n        - transid\n",
        "        - description\n        - transactionid\n",
    );
    let area = examples::fit_schemas(&suite);
    let failure = crate::failure(
        &area,
        "response_7001_authentication_failed (SendMessageResponse)",
    );
    assert!(failure.contains("at $.response"), "{failure}");
    // The round trip is judged against the schema too, and names the field.
    let round_trip = examples::round_trips(&suite);
    let failure = crate::failure(&round_trip, "response_1001_queued (SendMessageResponse)");
    assert!(
        failure.contains("the required property `transactionid` is missing"),
        "{failure}"
    );
}

#[tokio::test]
async fn a_documented_code_without_an_example_fails_by_name() {
    let suite = crate::changed(
        Api::WebexConnect,
        "                response_7722_parameter_value_invalid:\n                  $ref: '#/components/examples/response_7722_parameter_value_invalid'\n",
        "",
    );
    let area = webex_connect::response_codes::check(&suite).await;
    assert_eq!(area.failed(), 1);
    let failure = crate::failure(&area, "code 7722 (Parameter value is invalid)");
    assert!(
        failure.contains("no response example carries it"),
        "{failure}"
    );
}

#[tokio::test]
async fn an_example_of_an_undocumented_code_fails_by_name() {
    // The enum lists 7010 where it listed 7009: the 7009 answer is of a code
    // the spec no longer documents, and 7010 has no answer and is unknown to
    // the client's ResponseCode.
    let suite = crate::changed(
        Api::WebexConnect,
        "        - '7009'\n",
        "        - '7010'\n",
    );
    let area = webex_connect::response_codes::check(&suite).await;
    let failure = crate::failure(&area, "send_message 200 response_7009_max_destinations");
    assert!(
        failure.contains("code `7009` is not documented: ResponseEntry.code lists 1001, 7000"),
        "{failure}"
    );
    let failure = crate::failure(&area, "code 7010 (Max number of destinations)");
    assert!(
        failure.contains("no response example carries it"),
        "{failure}"
    );
    assert_eq!(area.failed(), 2);
}

#[tokio::test]
async fn a_spec_whose_code_tables_are_gone_fails_instead_of_passing_empty() {
    let text = std::fs::read_to_string(crate::root().join(Api::WebexConnect.spec_path())).unwrap();
    let codes = ["ResponseCode", "DeliveryCode"];
    for schema in codes {
        assert!(text.contains(&format!("- $ref: '#/components/schemas/{schema}'")));
    }
    // The codes become plain strings: no schema lists any code.
    let text = codes.iter().fold(text, |text, schema| {
        text.replace(
            &format!("- $ref: '#/components/schemas/{schema}'"),
            "- type: string",
        )
    });
    let suite = Suite::from_text(Api::WebexConnect, text).unwrap();
    let area = webex_connect::response_codes::check(&suite).await;
    let failure = crate::failure(&area, "the codes of ResponseEntry.code");
    assert!(failure.contains("documents no codes"), "{failure}");
    let failure = crate::failure(&area, "send_message 200 response_1001_queued");
    assert!(
        failure.contains("code `1001` is not documented"),
        "{failure}"
    );
    let area = webex_connect::notifications::check(&suite);
    let failure = crate::failure(&area, "the codes of DeliveryInfo.code");
    assert!(failure.contains("documents no codes"), "{failure}");
}
