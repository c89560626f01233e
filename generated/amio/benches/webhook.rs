//! What a webhook receiver pays per event: verifying the signature, reading
//! the typed event, and dispatching a tagged union. Run with `cargo bench -p amio`.

use std::sync::LazyLock;

use amio::types::{Content, WebhookEvent};
use amio::webhook::{self, Secrets};

fn main() {
    // Read the spec before timing starts.
    LazyLock::force(&RECEIVED);
    divan::main();
}

/// The docs' reference vector (seed 000, "Webhooks").
const SECRET: &[u8] = b"WebhookSecret";
const DELIVERED: &[u8] = br#"{"event":"messages_delivered","timestamp":"2018-03-01T11:54:14.886Z","data":{"channel":{"id":"viber_service_messages_test","type":"viber"},"contact":{"phone_number":"+420606123456"},"messages":[{"id":"151990525359991"}]}}"#;
const SIGNATURE: &str = "sha1=cb041d03489e961730cb6c7a6d1edf58ae88ef13";

/// The spec's `message_received` example (with NLP intents), as compact JSON.
static RECEIVED: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../spec/amio.yaml");
    let text = std::fs::read_to_string(path).expect("the spec reads");
    let spec: serde_json::Value = serde_yaml::from_str(&text).expect("the spec is YAML");
    let example = spec
        .pointer("/components/examples/webhook_message_received/value")
        .expect("the spec has the message_received example");
    serde_json::to_vec(example).expect("JSON")
});

#[divan::bench]
fn verify_signature() -> bool {
    webhook::verify(
        divan::black_box(SECRET),
        divan::black_box(DELIVERED),
        Some(SIGNATURE),
    )
    .is_ok()
}

#[divan::bench]
fn parse_message_received() -> WebhookEvent {
    webhook::parse(divan::black_box(&RECEIVED)).expect("the benchmark body parses")
}

#[divan::bench]
fn verify_and_parse_delivered(bencher: divan::Bencher) {
    let secrets = Secrets::single(SECRET);
    bencher.bench(|| {
        webhook::verify_and_parse(&secrets, divan::black_box(DELIVERED), Some(SIGNATURE))
            .expect("the reference vector verifies")
    });
}

#[divan::bench(args = [
    r#"{"type":"text","payload":"hi"}"#,
    r#"{"type":"image","payload":{"url":"https://example.com/a.png"}}"#,
    r#"{"type":"hologram","payload":{"frames":24}}"#,
])]
fn dispatch_content(json: &str) -> Content {
    serde_json::from_str(divan::black_box(json)).expect("the benchmark content parses")
}
