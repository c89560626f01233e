//! Property tests: values generated from the spec's schemas round-trip
//! through the generated types and fit their schemas. Seeded; failures are
//! persisted under `proptest-regressions/` and replayed first.

use conformance::shared::properties::{self, holds, strategy};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use serde_json::json;

#[test]
fn generated_request_and_response_models_round_trip() {
    let suite = crate::amio();
    let models = properties::models(&suite);
    for expected in [
        "SendMessageRequest",
        "Message",
        "CreateChannelRequest",
        "Channel",
        "SettingsUpdate",
        "ErrorResponse",
        "WebhookEvent",
    ] {
        assert!(
            models.iter().any(|m| m == expected),
            "{expected} is not a model: {models:?}"
        );
    }
    crate::assert_models_round_trip(&suite, &models, file!());
}

#[test]
fn the_generator_writes_varied_values_that_fit() {
    let suite = crate::amio();
    let strategy = strategy(&suite.spec, "SendMessageRequest");
    let mut runner = TestRunner::new(properties::config(1));
    let mut values = Vec::new();
    for _ in 0..40 {
        let value = strategy.new_tree(&mut runner).expect("a value").current();
        suite
            .schemas
            .validate(
                &conformance::spec::Shape::Named("SendMessageRequest".into()),
                &value,
            )
            .expect("generated values fit the schema");
        values.push(value);
    }
    values.sort_by_key(|v| v.to_string());
    values.dedup();
    assert!(values.len() > 30, "only {} distinct values", values.len());
    assert!(values.iter().any(|v| v.get("metadata").is_some()));
    assert!(values.iter().any(|v| v.get("metadata").is_none()));
}

#[test]
fn the_property_fails_for_a_value_that_does_not_round_trip() {
    let suite = crate::amio();
    let value = json!({"id": "1", "name": "n", "type": "amio_chat", "webhook": null, "unknown": 1});
    let error = holds(&suite, "Channel", &value).unwrap_err();
    assert!(error.contains("$.unknown"), "{error}");
    // `id` comes before the tag `type`: the union reads it before it knows
    // the variant, and says where in the message.
    let value = json!({"id": 1, "name": "n", "type": "amio_chat", "webhook": null});
    let error = holds(&suite, "Channel", &value).unwrap_err();
    assert!(error.contains("invalid type: integer `1`"), "{error}");
    assert!(
        error.contains("(at `id`, read before the `type`"),
        "{error}"
    );
}
