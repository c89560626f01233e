//! The `webex-connect` crate's integration tests, one binary: each module is
//! one area. Servers are wiremock instances, or the notification receiver,
//! on 127.0.0.1.

mod auth;
mod builders;
mod deep;
mod notification;
#[cfg(feature = "axum")]
mod receiver;
#[cfg(feature = "redis")]
mod redis;
mod send;
mod transport;
mod validation;

use serde_json::Value;
use webex_connect::types::{Destination, SendMessageRequest, SmsMessage};

/// The named examples of `spec/webex-connect.yaml` whose name starts with
/// `prefix`, as `(name, value)`.
pub(crate) fn spec_examples(prefix: &str) -> Vec<(String, Value)> {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec/webex-connect.yaml");
    let text = std::fs::read_to_string(&path).expect("the spec is readable");
    let spec: Value = serde_yaml::from_str(&text).expect("the spec is YAML");
    let examples = spec
        .pointer("/components/examples")
        .and_then(Value::as_object)
        .expect("the spec has examples");
    let found: Vec<(String, Value)> = examples
        .iter()
        .filter(|(name, _)| name.starts_with(prefix))
        .map(|(name, example)| (name.clone(), example["value"].clone()))
        .collect();
    assert!(!found.is_empty(), "no example named {prefix}*");
    found
}

/// An SMS request with `text` to `numbers`, in one destination entry.
pub(crate) fn sms(text: &str, numbers: &[&str]) -> SendMessageRequest {
    SendMessageRequest::sms(
        SmsMessage::new(text).with_senderid("CONNCT"),
        [Destination::new().with_msisdn(numbers.iter().copied())],
    )
}
