//! Webhooks: the `X-Hub-Signature` reference vector of the docs, and the
//! properties every documented webhook payload must have: signed, it
//! verifies; tampered with, signed with another secret or unsigned, it is
//! refused; it parses into the event it names. And the `webhook` case
//! files ([`check_webhook_case`]).

use serde_json::Value;

use crate::shared::case_file::WebhookCase;
use crate::shared::compare::{Direction, Drift, judge};
use crate::shared::expect;
use crate::shared::report::Area;
use crate::spec;
use crate::suite::Suite;
use ::amio::webhook;
use ::amio::webhook::axum::Receiver;

/// The area's name in the report.
pub const AREA: &str = "signature";

/// The secret of the docs' reference vector (seed 000, "Webhooks / Security").
pub const REFERENCE_SECRET: &str = "WebhookSecret";

/// The body of the reference vector, byte for byte as the docs print it.
pub const REFERENCE_BODY: &str = r#"{"event":"messages_delivered","timestamp":"2018-03-01T11:54:14.886Z","data":{"channel":{"id":"viber_service_messages_test","type":"viber"},"contact":{"phone_number":"+420606123456"},"messages":[{"id":"151990525359991"}]}}"#;

/// The signature of the reference vector, as the docs print it.
pub const REFERENCE_SIGNATURE: &str = "sha1=cb041d03489e961730cb6c7a6d1edf58ae88ef13";

/// The spec's example holding the reference body.
pub const REFERENCE_EXAMPLE: &str = "webhook_signature_test_body";

/// An event name no API version has.
const UNKNOWN_EVENT: &str = "conformance_unknown_event";

/// Runs the reference vector and the webhook properties over every webhook
/// example of the spec.
pub fn check(suite: &Suite) -> Area {
    let mut area = Area::new(AREA);
    let secret = REFERENCE_SECRET.as_bytes();
    let body = REFERENCE_BODY.as_bytes();

    let signed = webhook::sign(secret, body);
    area.record(
        "reference vector: sign gives the documented signature",
        expect(signed == REFERENCE_SIGNATURE, || {
            format!("sign gave {signed}, the docs say {REFERENCE_SIGNATURE}")
        }),
    );
    area.record(
        "reference vector: verify accepts the documented signature",
        webhook::verify(secret, body, Some(REFERENCE_SIGNATURE)).map_err(|e| e.to_string()),
    );
    let reserialized = serde_json::from_str::<Value>(REFERENCE_BODY)
        .map(|v| v.to_string())
        .unwrap_or_default();
    area.record(
        "reference vector: a re-serialized body does not verify",
        expect(
            reserialized != REFERENCE_BODY
                && webhook::verify(secret, reserialized.as_bytes(), Some(REFERENCE_SIGNATURE))
                    .is_err(),
            || "verify accepted the signature for other bytes than the ones signed".to_owned(),
        ),
    );
    let written = spec::example_as_written(&suite.spec_text, REFERENCE_EXAMPLE);
    area.record(
        format!("reference vector: the spec's example {REFERENCE_EXAMPLE} is the signed body"),
        expect(written.as_deref() == Some(REFERENCE_BODY), || {
            format!("the spec's example, as written, is {written:?}")
        }),
    );
    let header_example = find_header_example(&suite.spec, "X-Hub-Signature");
    area.record(
        "reference vector: the spec's X-Hub-Signature example is the documented signature",
        expect(
            header_example.as_deref() == Some(REFERENCE_SIGNATURE),
            || format!("the spec's X-Hub-Signature example is {header_example:?}"),
        ),
    );

    let mut count = 0;
    for example in suite.webhook_examples() {
        count += 1;
        let known = known_tags(&suite.spec, &example.shape.to_string());
        let raw = spec::example_as_written(&suite.spec_text, &example.name)
            .unwrap_or_else(|| example.value.to_string());
        area.record(
            format!(
                "webhook {}: signed it verifies, altered it is refused, it parses",
                example.name
            ),
            webhook_properties(&example.name, raw.as_bytes(), &example.value, &known),
        );
    }

    area.record(
        "an unknown event parses as the unknown variant, keeping its name",
        unknown_event(suite),
    );
    area.record(
        "secrets are per channel: the channel's secret verifies, another's does not",
        per_channel_secrets(),
    );
    area.coverage = format!("the docs' reference vector and {count} webhook examples");
    area
}

/// The properties one webhook payload must have.
pub fn webhook_properties(
    name: &str,
    raw: &[u8],
    value: &Value,
    known_events: &[String],
) -> Result<(), String> {
    let secret = format!("secret of {name}");
    let secret = secret.as_bytes();
    let signature = webhook::sign(secret, raw);
    webhook::verify(secret, raw, Some(&signature))
        .map_err(|e| format!("its own signature is refused: {e}"))?;
    expect(
        webhook::verify(b"another secret", raw, Some(&signature)).is_err(),
        || "a signature made with another secret is accepted".to_owned(),
    )?;
    let mut tampered = raw.to_vec();
    tampered.push(b' ');
    expect(
        webhook::verify(secret, &tampered, Some(&signature)).is_err(),
        || "a body with one byte more is accepted".to_owned(),
    )?;
    expect(webhook::verify(secret, raw, None).is_err(), || {
        "a missing signature is accepted".to_owned()
    })?;
    let bare = signature.trim_start_matches("sha1=");
    expect(webhook::verify(secret, raw, Some(bare)).is_err(), || {
        "a signature without `sha1=` is accepted".to_owned()
    })?;
    let event = webhook::parse(raw).map_err(|e| format!("it does not parse: {e}"))?;
    let name = value
        .get("event")
        .and_then(Value::as_str)
        .unwrap_or_default();
    expect(event.event() == name, || {
        format!("it parses as `{}`, its `event` is `{name}`", event.event())
    })?;
    let should_know = known_events.iter().any(|k| k == name);
    expect(event.is_unknown() != should_know, || {
        if should_know {
            format!("the known event `{name}` parses as the unknown variant")
        } else {
            format!("the unknown event `{name}` parses as a known variant")
        }
    })
}

/// The tag values a discriminated union `schema` maps.
fn known_tags(spec: &Value, schema: &str) -> Vec<String> {
    spec.pointer(&format!(
        "/components/schemas/{schema}/discriminator/mapping"
    ))
    .and_then(Value::as_object)
    .map(|m| m.keys().cloned().collect())
    .unwrap_or_default()
}

/// The `example` of the first header parameter called `name`, anywhere.
fn find_header_example(value: &Value, name: &str) -> Option<String> {
    match value {
        Value::Object(map) => {
            if map.get("name").and_then(Value::as_str) == Some(name)
                && map.get("in").and_then(Value::as_str) == Some("header")
            {
                return map
                    .get("example")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
            }
            map.values().find_map(|v| find_header_example(v, name))
        }
        Value::Array(items) => items.iter().find_map(|v| find_header_example(v, name)),
        _ => None,
    }
}

fn unknown_event(suite: &Suite) -> Result<(), String> {
    let mut value = suite
        .webhook_examples()
        .next()
        .ok_or("the spec has no webhook example")?
        .value
        .clone();
    value["event"] = Value::String(UNKNOWN_EVENT.to_owned());
    let raw = value.to_string();
    let event = webhook::parse(raw.as_bytes()).map_err(|e| e.to_string())?;
    expect(event.is_unknown() && event.event() == UNKNOWN_EVENT, || {
        format!(
            "parsed as `{}` (unknown: {})",
            event.event(),
            event.is_unknown()
        )
    })?;
    let back = serde_json::to_value(&event).map_err(|e| e.to_string())?;
    match crate::shared::compare::first_difference(&value, &back) {
        None => Ok(()),
        Some(difference) => Err(format!(
            "the unknown event does not round-trip: {difference}"
        )),
    }
}

fn per_channel_secrets() -> Result<(), String> {
    let secrets = webhook::Secrets::new()
        .with_channel("viber_service_messages_test", REFERENCE_SECRET)
        .with_channel("another_channel", "another secret");
    let body = REFERENCE_BODY.as_bytes();
    let event = webhook::verify_and_parse(&secrets, body, Some(REFERENCE_SIGNATURE))
        .map_err(|e| format!("the channel's own secret is refused: {e}"))?;
    expect(event.event() == "messages_delivered", || {
        format!("parsed as `{}`", event.event())
    })?;
    let forged = webhook::sign(b"another secret", body);
    expect(
        webhook::verify_and_parse(&secrets, body, Some(&forged)).is_err(),
        || "a body signed with another channel's secret is accepted".to_owned(),
    )
}

/// Checks a `webhook` case the way a user's receiver meets it: the body and
/// its `X-Hub-Signature` header go through the receiver's
/// [`Receiver::receive`](::amio::webhook::axum::Receiver) with
/// the case's secret. Whether it is accepted must agree with `valid`; a
/// valid body must parse as the event it names (`null`: the unknown-event
/// variant), and the parsed event is judged as received against the webhook
/// schema (an unknown event is drift).
pub async fn check_webhook_case(suite: &Suite, case: &WebhookCase) -> Result<Vec<Drift>, String> {
    let body = case.body.as_bytes();
    let receiver = Receiver::new(webhook::Secrets::single(case.secret.as_bytes()));
    let mut request = axum::http::Request::builder()
        .method("POST")
        .uri("/webhook");
    if let Some(signature) = &case.signature {
        request = request.header(webhook::SIGNATURE_HEADER, signature);
    }
    let request = request
        .body(axum::body::Body::from(case.body.clone()))
        .map_err(|e| format!("the case's request cannot be written: {e}"))?;
    let received = receiver.receive(request).await;
    let delivery = match (received, case.valid) {
        (Ok(delivery), true) => delivery,
        (Err(_), false) => return Ok(Vec::new()),
        (Ok(_), false) => {
            return Err("the receiver accepts it, but the case says it is not valid".to_owned());
        }
        (Err(rejection), true) => {
            return Err(format!(
                "the case says valid, but the receiver refuses it ({}): {rejection}",
                rejection.status()
            ));
        }
    };
    let Some(expected) = case.event.as_ref() else {
        return Ok(Vec::new());
    };
    let event = delivery
        .event
        .map_err(|e| format!("the body does not parse: {e}"))?;
    match expected {
        None if event.is_unknown() => {}
        None => {
            return Err(format!(
                "the case expects the unknown-event variant; it parses as `{}`",
                event.event()
            ));
        }
        Some(name) if event.is_unknown() => {
            return Err(format!(
                "the case expects `{name}`; it parses as the unknown-event variant (`{}`)",
                event.event()
            ));
        }
        Some(name) if event.event() != name => {
            return Err(format!(
                "the case expects `{name}`; it parses as `{}`",
                event.event()
            ));
        }
        Some(_) => {}
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let shape = spec::webhook_shape(&suite.spec).ok_or("the spec documents no webhook payload")?;
    let back = serde_json::to_value(&event).map_err(|e| e.to_string())?;
    judge(&suite.schemas, &shape, Direction::Received, &value, &back)
}
