//! Webhooks: the docs' signature reference vector, and the properties of
//! every documented webhook payload.

use conformance::amio::signature::{
    self, REFERENCE_BODY, REFERENCE_SECRET, REFERENCE_SIGNATURE, webhook_properties,
};
use serde_json::json;

#[test]
fn the_reference_vector_and_every_webhook_example_pass() {
    let suite = crate::amio();
    let area = signature::check(&suite);
    crate::assert_passes(&area);
    let webhooks = area
        .checks
        .iter()
        .filter(|c| c.name.starts_with("webhook "))
        .count();
    assert_eq!(webhooks, suite.webhook_examples().count());
    assert!(webhooks >= 30, "{webhooks} webhook examples");
}

#[test]
fn the_reference_vector_is_the_documented_one() {
    assert_eq!(REFERENCE_SECRET, "WebhookSecret");
    assert_eq!(
        REFERENCE_SIGNATURE,
        "sha1=cb041d03489e961730cb6c7a6d1edf58ae88ef13"
    );
    assert!(REFERENCE_BODY.starts_with(r#"{"event":"messages_delivered","timestamp""#));
}

#[test]
fn a_payload_that_parses_as_another_event_fails() {
    let value = json!({"event": "messages_read", "timestamp": "t", "data": {}});
    let raw = value.to_string();
    // Known as `messages_read`, but its data does not fit: it does not parse.
    let error =
        webhook_properties("x", raw.as_bytes(), &value, &["messages_read".into()]).unwrap_err();
    assert!(error.contains("does not parse"), "{error}");
    // An event the list does not know must parse as the unknown variant; a
    // known one must not.
    let unknown = json!({"event": "brand_new", "timestamp": "t", "data": {}});
    let raw = unknown.to_string();
    assert_eq!(
        webhook_properties("x", raw.as_bytes(), &unknown, &[]),
        Ok(())
    );
    let error =
        webhook_properties("x", raw.as_bytes(), &unknown, &["brand_new".into()]).unwrap_err();
    assert!(
        error.contains("the known event `brand_new` parses as the unknown variant"),
        "{error}"
    );
}
