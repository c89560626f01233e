//! `amio::webhook`: signatures over the raw bytes, typed events, per-channel
//! secrets, and every webhook example of the spec.

use amio::types::{ChannelType, Content, OptInType, WebhookEvent};
use amio::webhook::{self, Event, ParseError, Secrets, SignatureError, WebhookError};
use serde_json::{Value, json};

/// The signature test of the Amio docs (seed 000, "Webhooks / Security"): the
/// secret, the body and the `X-Hub-Signature` it must give.
///
/// The body is the text between the quotes of `body = '…'` in the docs,
/// byte for byte: one line, no space after `:` or `,`, keys in the printed
/// order, no trailing newline. That form is the only one that gives the
/// documented signature (any other whitespace or key order is other bytes;
/// see `the_signature_is_over_the_raw_bytes_not_the_json_value`).
pub(crate) const REFERENCE_SECRET: &[u8] = b"WebhookSecret";
pub(crate) const REFERENCE_BODY: &[u8] = br#"{"event":"messages_delivered","timestamp":"2018-03-01T11:54:14.886Z","data":{"channel":{"id":"viber_service_messages_test","type":"viber"},"contact":{"phone_number":"+420606123456"},"messages":[{"id":"151990525359991"}]}}"#;
pub(crate) const REFERENCE_SIGNATURE: &str = "sha1=cb041d03489e961730cb6c7a6d1edf58ae88ef13";

/// The event names this version of the bindings knows.
const KNOWN_EVENTS: [&str; 8] = [
    "message_received",
    "messages_delivered",
    "messages_read",
    "message_echo",
    "message_failed",
    "postback",
    "opt_in",
    "notification",
];

/// Webhook examples in `spec/amio.yaml` when this test was written: 30
/// callback examples (26 citing seed 000, 2 seed 001, 2 seed 003) and the
/// envelope template.
const SPEC_WEBHOOK_EXAMPLES: usize = 31;

/// `value` as compact JSON with the tags first in every object (`event`,
/// `type`), the order Amio writes them in (seed 000, "Webhooks"): a union
/// reads the rest of its object in one pass after its tag.
fn body(value: &Value) -> Vec<u8> {
    fn tags_first(value: &Value) -> String {
        match value {
            Value::Object(object) => {
                let mut keys: Vec<&String> = object.keys().collect();
                keys.sort_by_key(|key| !matches!(key.as_str(), "event" | "type"));
                let members: Vec<String> = keys
                    .into_iter()
                    .map(|key| {
                        format!("{}:{}", Value::from(key.as_str()), tags_first(&object[key]))
                    })
                    .collect();
                format!("{{{}}}", members.join(","))
            }
            Value::Array(items) => {
                let items: Vec<String> = items.iter().map(tags_first).collect();
                format!("[{}]", items.join(","))
            }
            other => other.to_string(),
        }
    }
    tags_first(value).into_bytes()
}

// ---------------------------------------------------------------------------
// The reference vector

#[test]
fn the_reference_vector_of_the_docs_signs_and_verifies() {
    assert_eq!(
        webhook::sign(REFERENCE_SECRET, REFERENCE_BODY),
        REFERENCE_SIGNATURE
    );
    assert_eq!(
        webhook::verify(REFERENCE_SECRET, REFERENCE_BODY, Some(REFERENCE_SIGNATURE)),
        Ok(())
    );
    let upper = format!(
        "sha1={}",
        REFERENCE_SIGNATURE["sha1=".len()..].to_uppercase()
    );
    assert_eq!(
        webhook::verify(REFERENCE_SECRET, REFERENCE_BODY, Some(&upper)),
        Ok(())
    );
    assert_eq!(
        webhook::verify(b"webhooksecret", REFERENCE_BODY, Some(REFERENCE_SIGNATURE)),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn the_reference_vector_verifies_and_parses_for_its_channel() {
    let secrets = Secrets::new().with_channel("viber_service_messages_test", "WebhookSecret");
    let event = webhook::verify_and_parse(&secrets, REFERENCE_BODY, Some(REFERENCE_SIGNATURE))
        .expect("the documented vector is accepted");
    let Event::MessagesDelivered(delivered) = event else {
        panic!("expected messages_delivered, got {event:?}");
    };
    assert_eq!(delivered.data.channel.id, "viber_service_messages_test");
    assert_eq!(delivered.data.channel.type_, Some(ChannelType::Viber));
    assert_eq!(
        delivered.data.contact.phone_number.as_deref(),
        Some("+420606123456")
    );
    assert_eq!(delivered.data.messages.len(), 1);
    assert_eq!(delivered.data.messages[0].id, "151990525359991");
    assert_eq!(delivered.data.delivered_timestamp, None);
    assert_eq!(
        delivered.timestamp.to_rfc3339(),
        "2018-03-01T11:54:14.886+00:00"
    );
}

#[test]
fn the_signature_is_over_the_raw_bytes_not_the_json_value() {
    let value: Value = serde_json::from_slice(REFERENCE_BODY).expect("JSON");
    for other_form in [
        serde_json::to_vec(&value).expect("compact, keys sorted"),
        serde_json::to_vec_pretty(&value).expect("pretty"),
        [REFERENCE_BODY, b"\n"].concat(),
    ] {
        assert_ne!(other_form, REFERENCE_BODY);
        assert_eq!(
            serde_json::from_slice::<Value>(&other_form).expect("JSON"),
            value,
            "the same JSON value"
        );
        assert_eq!(
            webhook::verify(REFERENCE_SECRET, &other_form, Some(REFERENCE_SIGNATURE)),
            Err(SignatureError::Mismatch),
            "other bytes of the same value must not verify"
        );
    }
}

// ---------------------------------------------------------------------------
// Signature errors

#[test]
fn a_malformed_signature_header_is_a_typed_error() {
    let digest = &REFERENCE_SIGNATURE["sha1=".len()..];
    let cases: [(Option<&str>, SignatureError); 11] = [
        (None, SignatureError::Missing),
        (Some(""), SignatureError::Empty),
        (Some(" \t "), SignatureError::Empty),
        (Some(digest), SignatureError::WrongPrefix),
        (
            Some("sha256=cb041d03489e961730cb6c7a6d1edf58ae88ef13"),
            SignatureError::WrongPrefix,
        ),
        (
            Some("SHA1=cb041d03489e961730cb6c7a6d1edf58ae88ef13"),
            SignatureError::WrongPrefix,
        ),
        (
            Some("sha1=cb041d03489e961730cb6c7a6d1edf58ae88ef1g"),
            SignatureError::NotHex,
        ),
        (
            Some("sha1=cb041d03489e961730cb6c7a6d1edf58ae88ef1\u{e9}"),
            SignatureError::NotHex,
        ),
        (Some("sha1="), SignatureError::WrongLength { found: 0 }),
        (
            Some("sha1=cb041d03489e961730cb6c7a6d1edf58ae88ef"),
            SignatureError::WrongLength { found: 38 },
        ),
        (
            Some("sha1=cb041d03489e961730cb6c7a6d1edf58ae88ef1300"),
            SignatureError::WrongLength { found: 42 },
        ),
    ];
    for (header, expected) in cases {
        assert_eq!(
            webhook::verify(REFERENCE_SECRET, REFERENCE_BODY, header),
            Err(expected.clone()),
            "header {header:?}"
        );
        assert!(
            !expected.to_string().is_empty() && expected.to_string().contains("X-Hub-Signature")
        );
    }
    // Surrounding whitespace is not part of a header value.
    assert_eq!(
        webhook::verify(
            REFERENCE_SECRET,
            REFERENCE_BODY,
            Some(&format!(" {REFERENCE_SIGNATURE} "))
        ),
        Ok(())
    );
}

#[test]
fn secrets_never_appear_in_debug_or_errors() {
    let secret = "s3cr3t-do-not-print";
    let secrets = Secrets::new()
        .with_channel("6456078759331238786", secret)
        .with_default(secret);
    let debug = format!("{secrets:?}");
    assert!(!debug.contains(secret), "{debug}");
    assert!(debug.contains("6456078759331238786"), "{debug}");

    let body = br#"{"event":"opt_in","data":{"channel":{"id":"6456078759331238786"}}}"#;
    for header in [
        None,
        Some("sha1=00"),
        Some("sha1=0000000000000000000000000000000000000000"),
    ] {
        let error = webhook::verify_and_parse(&secrets, body, header).unwrap_err();
        for text in [error.to_string(), format!("{error:?}")] {
            assert!(!text.contains(secret), "{text}");
        }
    }
}

// ---------------------------------------------------------------------------
// Per-channel secrets

fn signed_for(channel_id: &str, secret: &str) -> (Vec<u8>, String) {
    let body = body(&json!({
        "event": "messages_read",
        "timestamp": "2016-10-06T13:42:48Z",
        "data": {
            "channel": {"id": channel_id, "type": "facebook_messenger"},
            "contact": {"id": "6456078781510718339"},
            "last_read_timestamp": "2016-10-06T13:40:13Z"
        }
    }));
    let header = webhook::sign(secret.as_bytes(), &body);
    (body, header)
}

#[test]
fn the_secret_is_chosen_by_the_channel_id() {
    let secrets = Secrets::new()
        .with_channel("6456078759331238786", "one")
        .with_channel("6456078759331248741", "two");
    for (channel, secret) in [
        ("6456078759331238786", "one"),
        ("6456078759331248741", "two"),
    ] {
        let (body, header) = signed_for(channel, secret);
        let event = webhook::verify_and_parse(&secrets, &body, Some(&header)).expect("verified");
        let Event::MessagesRead(read) = event else {
            panic!("expected messages_read, got {event:?}")
        };
        assert_eq!(read.data.channel.id, channel);
    }
    // A body naming channel one but signed with the secret of channel two.
    let (body, _) = signed_for("6456078759331238786", "one");
    let header = webhook::sign(b"two", &body);
    assert_eq!(
        webhook::verify_and_parse(&secrets, &body, Some(&header)),
        Err(WebhookError::Signature(SignatureError::Mismatch))
    );
}

#[test]
fn channel_ids_keep_every_digit() {
    // 6456078759331238786 and 6456078759331238784 are the same double.
    let secrets = Secrets::new()
        .with_channel("6456078759331238786", "right")
        .with_channel("6456078759331238784", "wrong");
    assert_eq!(
        6_456_078_759_331_238_786_u64 as f64,
        6_456_078_759_331_238_784_u64 as f64
    );
    let (body, header) = signed_for("6456078759331238786", "right");
    assert!(webhook::verify_and_parse(&secrets, &body, Some(&header)).is_ok());
    let (body, header) = signed_for("6456078759331238786", "wrong");
    assert_eq!(
        webhook::verify_and_parse(&secrets, &body, Some(&header)),
        Err(WebhookError::Signature(SignatureError::Mismatch))
    );
}

#[test]
fn an_escaped_channel_id_is_read_as_its_text() {
    let secrets = Secrets::new().with_channel("6456078759331238786", "one");
    let body = br#"{"event":"messages_read","timestamp":"2016-10-06T13:42:48Z","data":{"channel":{"id":"\u0036456078759331238786"},"contact":{},"last_read_timestamp":"2016-10-06T13:40:13Z"}}"#;
    let header = webhook::sign(b"one", body);
    let event = webhook::verify_and_parse(&secrets, body, Some(&header)).expect("verified");
    assert_eq!(event.event(), "messages_read");
}

#[test]
fn the_default_secret_covers_other_channels_and_bodies_without_one() {
    let secrets = Secrets::new()
        .with_channel("6456078759331238786", "one")
        .with_default("default");
    let (body, header) = signed_for("6456078759331248741", "default");
    assert!(webhook::verify_and_parse(&secrets, &body, Some(&header)).is_ok());
    // The channel's own secret wins over the default.
    let (body, header) = signed_for("6456078759331238786", "default");
    assert_eq!(
        webhook::verify_and_parse(&secrets, &body, Some(&header)),
        Err(WebhookError::Signature(SignatureError::Mismatch))
    );
    // An event with no channel id (here, an unknown one) is checked with the default.
    let body = br#"{"event":"channel_deleted","timestamp":"2020-01-01T00:00:00Z","data":{}}"#;
    let header = webhook::sign(b"default", body);
    let event = webhook::verify_and_parse(&secrets, body, Some(&header)).expect("verified");
    assert!(event.is_unknown());
    assert_eq!(event.event(), "channel_deleted");
    // `single` is a default for every channel.
    let (body, header) = signed_for("6456078759331238786", "only");
    assert!(webhook::verify_and_parse(&Secrets::single("only"), &body, Some(&header)).is_ok());
}

#[test]
fn without_a_default_an_unknown_or_missing_channel_is_refused() {
    let secrets = Secrets::new().with_channel("6456078759331238786", "one");
    let (body, header) = signed_for("6456078759331248741", "one");
    let error = webhook::verify_and_parse(&secrets, &body, Some(&header)).unwrap_err();
    assert_eq!(
        error,
        WebhookError::UnknownChannel {
            channel_id: "6456078759331248741".into()
        }
    );
    assert_eq!(error.http_status(), reqwest::StatusCode::UNAUTHORIZED);

    let header = webhook::sign(b"one", b"{}");
    for body in [
        &b"{}"[..],
        b"not json",
        br#"{"data":{"channel":{"id":6456078759331238786}}}"#,
        br#"{"data":{"channel":{"id":null}}}"#,
        br#"{"data":{"channel":"6456078759331238786"}}"#,
        br#"[{"data":{"channel":{"id":"6456078759331238786"}}}]"#,
    ] {
        assert_eq!(
            webhook::verify_and_parse(&secrets, body, Some(&header)),
            Err(WebhookError::MissingChannelId),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn the_signature_is_checked_before_the_body_is_parsed() {
    let secrets = Secrets::single("secret");
    let garbage = b"{\"event\":\"message_received\",\"data\":";
    // Unsigned garbage is a signature error, not a parse error.
    assert_eq!(
        webhook::verify_and_parse(&secrets, garbage, Some(REFERENCE_SIGNATURE)),
        Err(WebhookError::Signature(SignatureError::Mismatch))
    );
    assert_eq!(
        webhook::verify_and_parse(&secrets, garbage, None),
        Err(WebhookError::Signature(SignatureError::Missing))
    );
    // Signed garbage is a parse error, answered 400.
    let header = webhook::sign(b"secret", garbage);
    let error = webhook::verify_and_parse(&secrets, garbage, Some(&header)).unwrap_err();
    assert!(
        matches!(error, WebhookError::Parse(ParseError::Syntax { .. })),
        "{error:?}"
    );
    assert_eq!(error.http_status(), reqwest::StatusCode::BAD_REQUEST);
}

// ---------------------------------------------------------------------------
// One judgement per body

/// A `messages_read` body for channel `channel`, its `data` written by
/// `data` (so a test can repeat or misspell a key), its signature by `secret`.
pub(crate) fn forged(data: &str, secret: &[u8]) -> (Vec<u8>, String) {
    let body = format!(r#"{{"event":"messages_read","timestamp":"2016-10-06T13:42:48Z",{data}}}"#)
        .into_bytes();
    let header = webhook::sign(secret, &body);
    (body, header)
}

/// Channel A has its own secret; every other channel has the default one.
fn two_secrets() -> Secrets {
    Secrets::new()
        .with_channel("A", "secret-of-a")
        .with_default("default-secret")
}

/// Bodies that name channel A to a reader that takes the last of repeated
/// keys, but that a reader giving up on them would check with the default
/// secret (each signed with it): the forgeries of a holder of the default
/// secret.
pub(crate) const FORGED_DATA: [(&str, &str); 6] = [
    (
        "data",
        r#""data":{"channel":{"id":"B"},"contact":{"id":"1"},"last_read_timestamp":"2016-10-06T13:40:13Z"},"data":{"channel":{"id":"A"},"contact":{"id":"1"},"last_read_timestamp":"2016-10-06T13:40:13Z"}"#,
    ),
    (
        "data.channel",
        r#""data":{"channel":{"id":"B"},"channel":{"id":"A"},"contact":{"id":"1"},"last_read_timestamp":"2016-10-06T13:40:13Z"}"#,
    ),
    (
        "data.channel.id",
        r#""data":{"channel":{"id":"B","id":"A"},"contact":{"id":"1"},"last_read_timestamp":"2016-10-06T13:40:13Z"}"#,
    ),
    (
        "data.channel.id",
        r#""data":{"channel":{"id":"B","id":"A"},"contact":{"id":"1"},"last_read_timestamp":"2016-10-06T13:40:13Z"}"#,
    ),
    (
        "data",
        r#""data":{},"data":{"channel":{"id":"A"},"contact":{"id":"1"},"last_read_timestamp":"2016-10-06T13:40:13Z"}"#,
    ),
    (
        "data.channel.id",
        r#""data":{"channel":{"id":5,"id":"A"},"contact":{"id":"1"},"last_read_timestamp":"2016-10-06T13:40:13Z"}"#,
    ),
];

#[test]
fn a_key_repeated_on_the_secrets_path_is_refused_whoever_signed_it() {
    let secrets = two_secrets();
    for (path, data) in FORGED_DATA {
        for secret in [&b"default-secret"[..], b"secret-of-a"] {
            let (body, header) = forged(data, secret);
            let error = webhook::verify_and_parse(&secrets, &body, Some(&header)).unwrap_err();
            assert_eq!(error, WebhookError::RepeatedKey { path }, "{data}");
            assert_eq!(error.http_status(), reqwest::StatusCode::UNAUTHORIZED);
            let error = webhook::receive(&secrets, body.into(), Some(&header)).unwrap_err();
            assert_eq!(error, WebhookError::RepeatedKey { path }, "{data}");
        }
    }
}

#[test]
fn escaped_keys_choose_the_secret_as_the_parser_reads_them() {
    let secrets = two_secrets();
    let data = r#""data":{"channel":{"id":"A"},"contact":{"id":"1"},"last_read_timestamp":"2016-10-06T13:40:13Z"}"#;
    // Channel A's secret, because the body names A however it is spelled.
    let (body, header) = forged(data, b"secret-of-a");
    let event = webhook::verify_and_parse(&secrets, &body, Some(&header)).expect("verified");
    assert_eq!(event.channel_id(), Some("A"));
    let (body, header) = forged(data, b"default-secret");
    assert_eq!(
        webhook::verify_and_parse(&secrets, &body, Some(&header)),
        Err(WebhookError::Signature(SignatureError::Mismatch))
    );
}

/// `data` before `event`: the pre-scan read the event, so the body is read
/// in one pass; the answer is the same as with `event` first, for a known
/// event, an unknown one (kept as JSON) and a body that does not parse.
#[test]
fn the_order_of_the_keys_changes_no_answer() {
    let secrets = Secrets::single("secret");
    let judge = |body: &str| {
        let header = webhook::sign(b"secret", body.as_bytes());
        webhook::verify_and_parse(&secrets, body.as_bytes(), Some(&header))
    };
    let data = r#""data":{"channel":{"id":"A"},"contact":{"id":"1"},"last_read_timestamp":"2016-10-06T13:40:13Z"}"#;
    let time = r#""timestamp":"2016-10-06T13:42:48Z""#;
    for event in [r#""event":"messages_read""#, r#""event":"hologram_seen""#] {
        let first = judge(&format!("{{{event},{time},{data}}}")).expect("event first");
        let last = judge(&format!("{{{data},{time},{event}}}")).expect("event last");
        assert_eq!(first, last);
    }
    let unknown = judge(&format!(r#"{{{data},{time},"event":"hologram_seen"}}"#)).unwrap();
    assert!(matches!(unknown, Event::Unknown(_)), "{unknown:?}");
    let broken = r#""data":{"channel":{"id":"A"},"contact":{"id":"1"},"last_read_timestamp":5}"#;
    let first = judge(&format!(r#"{{"event":"messages_read",{time},{broken}}}"#)).unwrap_err();
    let last = judge(&format!(r#"{{{broken},{time},"event":"messages_read"}}"#)).unwrap_err();
    assert_eq!(first, last);
    let WebhookError::Parse(error) = first else {
        panic!("{first:?}")
    };
    assert_eq!(error.path(), "data.last_read_timestamp");
}

/// A byte that is not UTF-8 in a value nobody reads: serde_json skips it,
/// and so does the scan, so the body still names channel A, whose secret
/// alone verifies it, even when the typed parse then fails (a bad
/// timestamp).
#[test]
fn a_stray_byte_in_a_skipped_value_does_not_change_the_secret() {
    let secrets = two_secrets();
    let body = b"{\"event\":\"messages_read\",\"timestamp\":\"not a time\",\"x\":\"\xff\",\"data\":{\"channel\":{\"id\":\"A\"},\"contact\":{\"id\":\"1\"},\"last_read_timestamp\":\"2016-10-06T13:40:13Z\"}}";
    let header = webhook::sign(b"default-secret", body);
    assert_eq!(
        webhook::receive(&secrets, bytes::Bytes::from_static(body), Some(&header)).unwrap_err(),
        WebhookError::Signature(SignatureError::Mismatch)
    );
    let header = webhook::sign(b"secret-of-a", body);
    let delivery = webhook::receive(&secrets, bytes::Bytes::from_static(body), Some(&header))
        .expect("verified with A's secret");
    assert_eq!(delivery.channel_id.as_deref(), Some("A"));
    assert!(delivery.event.is_err(), "the timestamp does not parse");
}

#[test]
fn repeated_keys_off_the_secrets_path_do_not_change_the_channel() {
    let secrets = two_secrets();
    let data = r#""data":{"channel":{"id":"A","type":"viber","type":"sms"},"contact":{"id":"1","id":"2"},"last_read_timestamp":"2016-10-06T13:40:13Z"}"#;
    let (body, header) = forged(data, b"secret-of-a");
    let delivery = webhook::receive(&secrets, body.into(), Some(&header)).expect("verified");
    assert_eq!(delivery.channel_id.as_deref(), Some("A"));
    if let Ok(event) = &delivery.event {
        assert_eq!(event.channel_id(), Some("A"));
    }
    // A repeated `event` is not refused (it does not choose the secret), but
    // it is not read either: the body is delivered with the error.
    let body = br#"{"event":"messages_read","event":"postback","timestamp":"2016-10-06T13:42:48Z","data":{"channel":{"id":"A"},"contact":{"id":"1"},"last_read_timestamp":"2016-10-06T13:40:13Z"}}"#;
    let header = webhook::sign(b"secret-of-a", body);
    let delivery =
        webhook::receive(&secrets, bytes::Bytes::from_static(body), Some(&header)).unwrap();
    let error = delivery.event.unwrap_err();
    assert_eq!(error.path(), "event");
}

#[test]
fn a_verified_body_that_does_not_parse_is_delivered_with_its_bytes() {
    let secrets = two_secrets();
    // The channel is known, the content is not what the schema says.
    let (body, header) = forged(
        r#""data":{"channel":{"id":"A"},"contact":{"id":"1"},"last_read_timestamp":12}"#,
        b"secret-of-a",
    );
    let delivery = webhook::receive(&secrets, body.clone().into(), Some(&header)).unwrap();
    assert_eq!(delivery.channel_id.as_deref(), Some("A"));
    assert_eq!(delivery.body, body);
    assert_eq!(delivery.key_hex(), &header["sha1=".len()..]);
    let error = delivery.event.unwrap_err();
    assert_eq!(error.path(), "data.last_read_timestamp", "{error}");
    // `verify_and_parse` refuses it with the same error, answered 400.
    let error = webhook::verify_and_parse(&secrets, &body, Some(&header)).unwrap_err();
    assert!(matches!(&error, WebhookError::Parse(_)), "{error:?}");
    assert_eq!(error.http_status(), reqwest::StatusCode::BAD_REQUEST);
    // Not even JSON, signed with the default secret: delivered, naming no channel.
    let header = webhook::sign(b"default-secret", b"not json");
    let delivery = webhook::receive(
        &secrets,
        bytes::Bytes::from_static(b"not json"),
        Some(&header),
    )
    .unwrap();
    assert_eq!(delivery.channel_id, None);
    assert!(matches!(delivery.event, Err(ParseError::Syntax { .. })));
}

#[test]
fn the_key_of_a_delivery_is_the_same_for_the_same_body() {
    let secrets = Secrets::new().with_channel("viber_service_messages_test", REFERENCE_SECRET);
    let receive = |body: &[u8]| {
        let header = webhook::sign(REFERENCE_SECRET, body);
        webhook::receive(&secrets, body.to_vec().into(), Some(&header)).unwrap()
    };
    let first = receive(REFERENCE_BODY);
    assert_eq!(first.key, receive(REFERENCE_BODY).key);
    assert_eq!(
        first.key_hex(),
        &REFERENCE_SIGNATURE["sha1=".len()..],
        "the key is the signature's digest"
    );
    let other = String::from_utf8_lossy(REFERENCE_BODY).replace("151990525359991", "2");
    assert_ne!(first.key, receive(other.as_bytes()).key);
}

// ---------------------------------------------------------------------------
// Every webhook example of the spec

/// A webhook example of the spec: its name and its value.
struct SpecExample {
    name: String,
    value: Value,
}

/// The webhook examples of `spec/amio.yaml`: the request body examples of
/// every callback of every operation, and the `x-examples` of the envelope.
fn spec_webhook_examples() -> Vec<SpecExample> {
    let text = std::fs::read_to_string(crate::root().join("spec/amio.yaml")).expect("spec reads");
    let spec: Value = serde_yaml::from_str(&text).expect("spec is YAML");
    let resolve = |example: &Value| -> Value {
        match example.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let pointer = reference.strip_prefix('#').expect("local $ref");
                spec.pointer(pointer)
                    .unwrap_or_else(|| panic!("{reference} resolves"))
                    .clone()
            }
            None => example.clone(),
        }
    };
    let mut examples = Vec::new();
    let mut add = |name: &str, example: &Value| {
        let example = resolve(example);
        let value = example
            .get("value")
            .unwrap_or_else(|| panic!("example {name} has a value"))
            .clone();
        examples.push(SpecExample {
            name: name.to_owned(),
            value,
        });
    };
    let objects = |value: Option<&Value>| {
        value
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<Vec<_>>()
    };
    for (_, path_item) in objects(spec.get("paths")) {
        for (_, operation) in objects(Some(&path_item)) {
            for (_, callback) in objects(operation.get("callbacks")) {
                for (_, callback_path) in objects(Some(&callback)) {
                    for (_, callback_operation) in objects(Some(&callback_path)) {
                        let media = callback_operation
                            .pointer("/requestBody/content/application~1json/examples");
                        for (name, example) in objects(media) {
                            add(&name, &example);
                        }
                    }
                }
            }
        }
    }
    for schema in ["WebhookEnvelope", "WebhookEvent"] {
        let pointer = format!("/components/schemas/{schema}/x-examples");
        for (name, example) in objects(spec.pointer(&pointer)) {
            add(&name, &example);
        }
    }
    examples
}

#[test]
fn every_webhook_example_of_the_spec_parses_into_its_variant() {
    let examples = spec_webhook_examples();
    let mut failures = Vec::new();
    let mut unknown = 0;
    for example in &examples {
        let name = &example.name;
        let wire_event = example.value["event"].as_str().unwrap_or_default();
        match webhook::parse(&body(&example.value)) {
            Ok(event) => {
                if event.event() != wire_event {
                    failures.push(format!(
                        "{name}: `{wire_event}` parsed as `{}`",
                        event.event()
                    ));
                }
                if event.is_unknown() == KNOWN_EVENTS.contains(&wire_event) {
                    failures.push(format!(
                        "{name}: `{wire_event}` parsed as {} variant",
                        if event.is_unknown() {
                            "the unknown"
                        } else {
                            "a known"
                        }
                    ));
                }
                unknown += usize::from(event.is_unknown());
            }
            Err(error) => failures.push(format!("{name}: {error}")),
        }
    }
    println!(
        "parsed {} webhook examples of spec/amio.yaml ({} known events, {} unknown)",
        examples.len() - failures.len(),
        examples.len() - unknown,
        unknown
    );
    assert!(
        failures.is_empty(),
        "webhook examples that fail:\n{}",
        failures.join("\n")
    );
    assert!(
        examples.len() >= SPEC_WEBHOOK_EXAMPLES,
        "found {} webhook examples, expected at least {SPEC_WEBHOOK_EXAMPLES}",
        examples.len()
    );
    for known in KNOWN_EVENTS {
        assert!(
            examples.iter().any(|e| e.value["event"] == known),
            "no example of `{known}`"
        );
    }
}

fn spec_example(name: &str) -> Event {
    let example = spec_webhook_examples()
        .into_iter()
        .find(|example| example.name == name)
        .unwrap_or_else(|| panic!("the spec has the example {name}"));
    webhook::parse(&body(&example.value)).unwrap_or_else(|error| panic!("{name}: {error}"))
}

// ---------------------------------------------------------------------------
// Every documented event, field by field

#[test]
fn message_received_keeps_nlp_intents_and_native_data() {
    let Event::MessageReceived(received) = spec_example("webhook_message_received") else {
        panic!("message_received")
    };
    let nlp = received.data.nlp.expect("nlp");
    let intents = nlp.intents.expect("intents");
    assert_eq!(intents[0].id, "weather");
    assert!((intents[0].confidence - 0.998_470_218_525_48).abs() < 1e-12);
    assert_eq!(nlp.native_data, Some(serde_json::Map::new()));
    let Content::Text(text) = received.data.content else {
        panic!("text")
    };
    assert_eq!(text.payload, "What's the weather today?");

    let native = body(&json!({
        "event": "message_received",
        "timestamp": "2016-10-06T13:42:48Z",
        "data": {
            "id": "6456078996108088196",
            "channel": {"id": "6456078759331238786", "type": "facebook_messenger"},
            "contact": {"id": "6456078781510718339"},
            "content": {"type": "text", "payload": "weather in Prague?"},
            "nlp": {"intents": [], "native_data": {"entities": {"city": [{"value": "Prague"}]}}}
        }
    }));
    let Ok(Event::MessageReceived(received)) = webhook::parse(&native) else {
        panic!("message_received")
    };
    let native_data = received
        .data
        .nlp
        .and_then(|nlp| nlp.native_data)
        .expect("native_data");
    assert_eq!(native_data["entities"]["city"][0]["value"], "Prague");
}

#[test]
fn message_received_keeps_the_quick_reply_payload() {
    let Event::MessageReceived(received) =
        spec_example("facebook_messenger_webhook_message_received")
    else {
        panic!("message_received")
    };
    let Content::Text(text) = received.data.content else {
        panic!("text")
    };
    assert_eq!(
        text.quick_reply.expect("quick_reply").payload,
        "DEVELOPER_DEFINED_PAYLOAD"
    );
    assert_eq!(
        received.data.channel.type_,
        Some(ChannelType::FacebookMessenger)
    );
}

#[test]
fn message_received_reads_a_location_and_other_content() {
    // The location content of seed 000 ("Facebook Messenger / Messages / Location",
    // receive-only) inside a Message Received envelope.
    let location = body(&json!({
        "event": "message_received",
        "timestamp": "2016-10-06T13:42:48Z",
        "data": {
            "id": "6456078996108088196",
            "channel": {"id": "6456078759331238786", "type": "facebook_messenger"},
            "contact": {"id": "6456078781510718339"},
            "content": {"type": "location", "payload": {"latitude": 50.0902163, "longitude": 14.3973905}},
            "nlp": {}
        }
    }));
    let Ok(Event::MessageReceived(received)) = webhook::parse(&location) else {
        panic!("message_received")
    };
    let Content::Location(location) = received.data.content else {
        panic!("location")
    };
    assert_eq!(location.payload.latitude, 50.090_216_3);
    assert_eq!(location.payload.longitude, 14.397_390_5);

    let image = body(&json!({
        "event": "message_received",
        "timestamp": "2016-10-06T13:42:48Z",
        "data": {
            "id": "6456078996108088196",
            "channel": {"id": "6456078759331238786", "type": "viber"},
            "contact": {"id": "6456078781510718339"},
            "content": {"type": "image", "payload": {"url": "https://files.amio.io/abc.png"}}
        }
    }));
    let Ok(Event::MessageReceived(received)) = webhook::parse(&image) else {
        panic!("message_received")
    };
    assert!(matches!(received.data.content, Content::Image(_)));
}

#[test]
fn an_unknown_content_type_inside_a_known_event_is_kept() {
    let sticker = json!({"type": "sticker", "payload": {"sticker_id": 42}});
    let raw = body(&json!({
        "event": "message_received",
        "timestamp": "2016-10-06T13:42:48Z",
        "data": {
            "id": "6456078996108088196",
            "channel": {"id": "6456078759331238786", "type": "telegram"},
            "contact": {"id": "6456078781510718339"},
            "content": sticker
        }
    }));
    let Ok(Event::MessageReceived(received)) = webhook::parse(&raw) else {
        panic!("message_received")
    };
    assert_eq!(received.data.content, Content::Unknown(sticker));
    assert_eq!(received.data.content.type_(), "sticker");
}

#[test]
fn an_unknown_event_keeps_its_json() {
    let value = json!({
        "event": "conversation_closed",
        "timestamp": "2024-01-01T00:00:00Z",
        "data": {"channel": {"id": "6456078759331238786"}, "reason": {"code": 7}}
    });
    let event = webhook::parse(&body(&value)).expect("an unknown event parses");
    assert_eq!(event.event(), "conversation_closed");
    assert_eq!(event, WebhookEvent::Unknown(value.clone()));
    assert_eq!(serde_json::to_value(&event).expect("serializes"), value);
}

#[test]
fn messages_delivered_read_and_echo() {
    let Event::MessagesDelivered(delivered) = spec_example("webhook_messages_delivered") else {
        panic!("messages_delivered")
    };
    let ids: Vec<_> = delivered
        .data
        .messages
        .iter()
        .map(|m| m.id.as_str())
        .collect();
    assert_eq!(ids, ["6456078996108088196", "6456079002382766981"]);
    assert_eq!(
        delivered.data.delivered_timestamp.map(|t| t.to_rfc3339()),
        Some("2016-10-06T13:40:01+00:00".to_owned())
    );

    let Event::MessagesRead(read) = spec_example("facebook_messenger_webhook_messages_read") else {
        panic!("messages_read")
    };
    assert_eq!(
        read.data.last_read_timestamp.to_rfc3339(),
        "2016-10-06T13:40:13+00:00"
    );

    let Event::MessageEcho(echo) = spec_example("mobile_webhook_message_echo") else {
        panic!("message_echo")
    };
    let metadata = serde_json::to_value(echo.data.metadata.expect("metadata")).expect("JSON");
    assert_eq!(metadata, json!({"any": "arbitrary data"}));
    assert_eq!(
        echo.data.contact.phone_number.as_deref(),
        Some("15558576309")
    );
}

#[test]
fn message_failed_keeps_every_error_code() {
    let Event::MessageFailed(failed) = spec_example("mobile_webhook_message_failed") else {
        panic!("message_failed")
    };
    assert_eq!(failed.data.error.code, 1);
    assert_eq!(failed.data.message.id, "6456078996108088196");
    assert_eq!(failed.data.channel.id, "1527759271281586456078759331238786");

    // The documented codes 1-4, and one the docs do not list yet.
    for (code, message) in [
        (2, "Sending messages to this user is blocked."),
        (3, "Cannot find user for given phone number."),
        (4, "Message failed to be delivered within 24 hours."),
        (17, "A reason added after these bindings were written."),
    ] {
        let raw = body(&json!({
            "event": "message_failed",
            "timestamp": "2017-12-29T17:26:17.331Z",
            "data": {
                "channel": {"id": "6456078759331238786", "type": "mobile"},
                "contact": {"id": "6456078781510718339", "phone_number": "15558576309"},
                "message": {"id": "6456078996108088196"},
                "error": {"code": code, "message": message}
            }
        }));
        let Ok(Event::MessageFailed(failed)) = webhook::parse(&raw) else {
            panic!("message_failed with code {code}")
        };
        assert_eq!(failed.data.error.code, code);
        assert_eq!(failed.data.error.message, message);
    }
}

#[test]
fn postback_opt_ins_and_notification() {
    let Event::Postback(postback) = spec_example("facebook_messenger_webhook_postback") else {
        panic!("postback")
    };
    assert_eq!(postback.data.postback.payload, "{{PASS_THROUGH_PARAM}}");

    let Event::OptIn(opt_in) = spec_example("facebook_messenger_webhook_opt_in_send_to_messenger")
    else {
        panic!("opt_in")
    };
    assert_eq!(opt_in.data.opt_in.type_, OptInType::SendToMessenger);
    assert_eq!(
        opt_in.data.opt_in.payload.as_deref(),
        Some("{{PASS_THROUGH_PARAM}}")
    );

    let Event::OptIn(opt_in) = spec_example("checkbox_webhook_opt_in_user_ref") else {
        panic!("opt_in")
    };
    assert_eq!(opt_in.data.opt_in.type_, OptInType::Checkbox);
    assert_eq!(opt_in.data.contact.id, None);
    assert_eq!(
        opt_in.data.contact.user_ref.as_deref(),
        Some("{{STRING_UNIQUE_FOR_EVERY_RENDER}}")
    );

    let Event::OptIn(opt_in) = spec_example("phone_number_entry_webhook_opt_in") else {
        panic!("opt_in")
    };
    assert_eq!(opt_in.data.opt_in.type_, OptInType::PhoneNumber);
    assert_eq!(opt_in.data.opt_in.payload, None);
    assert_eq!(
        opt_in.data.contact.phone_number.as_deref(),
        Some("15558576309")
    );

    let Event::Notification(notification) = spec_example("amio_chat_webhook_notification") else {
        panic!("notification")
    };
    assert_eq!(notification.data.type_.to_string(), "custom");
    let payload = notification.data.payload.expect("payload");
    assert_eq!(payload["any"], "arbitrary data");
}

// ---------------------------------------------------------------------------
// Parse errors keep the JSON path

fn delivered_with(data: Value) -> Vec<u8> {
    body(&json!({"event": "messages_delivered", "timestamp": "2016-10-06T13:42:48Z", "data": data}))
}

#[test]
fn a_parse_error_names_the_json_path() {
    let text_with = |payload: Value| {
        body(&json!({
            "event": "message_received",
            "timestamp": "2016-10-06T13:42:48Z",
            "data": {
                "id": "1",
                "channel": {"id": "2"},
                "contact": {},
                "content": {"type": "text", "payload": payload}
            }
        }))
    };
    let cases: Vec<(Vec<u8>, &str, &str)> = vec![
        (
            br#"{"event":"postback","timestamp":"2017-03-01T15:49:02.243Z"}"#.to_vec(),
            ".",
            "missing field `data`",
        ),
        (
            delivered_with(json!({"channel": {"id": 2}, "contact": {}, "messages": []})),
            "data.channel.id",
            "invalid type: integer `2`, expected a string",
        ),
        (
            delivered_with(
                json!({"channel": {"id": "2"}, "contact": {}, "messages": [{"id": "3"}, {"id": false}]}),
            ),
            "data.messages[1].id",
            "invalid type: boolean `false`, expected a string",
        ),
        (
            text_with(json!(12)),
            "data.content.payload",
            "invalid type: integer `12`, expected a string",
        ),
        (
            body(
                &json!({"event": "message_received", "timestamp": "2016-10-06T13:42:48Z",
                "data": {"id": "1", "channel": {"id": "2"}, "contact": {}, "content": "hello"}}),
            ),
            "data.content",
            "Content: expected a JSON object",
        ),
        (
            body(
                &json!({"event": "opt_in", "timestamp": "yesterday", "data": {
                "channel": {"id": "2"}, "contact": {}, "opt_in": {"type": "checkbox"}}}),
            ),
            "timestamp",
            "input contains invalid characters",
        ),
        (
            br#"{"timestamp":"2016-10-06T13:42:48Z"}"#.to_vec(),
            ".",
            "WebhookEvent: missing field `event`",
        ),
        (
            br#"[1,2]"#.to_vec(),
            ".",
            "WebhookEvent: expected a JSON object",
        ),
    ];
    for (raw, path, message) in cases {
        assert_invalid_at(&raw, path, message);
    }
}

/// `raw` does not parse: it is an `Invalid` error at `path` with `message`.
fn assert_invalid_at(raw: &[u8], path: &str, message: &str) {
    let error = webhook::parse(raw).unwrap_err();
    let ParseError::Invalid {
        path: got_path,
        message: got_message,
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(
        (got_path.as_str(), got_message.as_str()),
        (path, message),
        "{}",
        String::from_utf8_lossy(raw)
    );
    assert_eq!(error.path(), path);
    assert!(error.to_string().contains(path), "{error}");
}

/// As received from a server that writes the tag after other keys: `data`
/// before `event`, `payload` before a content's `type`, `title` before a
/// quick reply's `type`. The path still goes through every union, as a
/// path, not inside the message.
#[test]
fn a_parse_error_names_the_whole_path_when_tags_come_last() {
    let cases: [(&[u8], &str, &str); 3] = [
        (
            br#"{"data":{"channel":{"id":2},"contact":{},"messages":[]},"timestamp":"2016-10-06T13:42:48Z","event":"messages_delivered"}"#,
            "data.channel.id",
            "invalid type: integer `2`, expected a string",
        ),
        (
            br#"{"timestamp":"2016-10-06T13:42:48Z","data":{"id":"1","channel":{"id":"2"},"contact":{},"content":{"payload":12,"type":"text"}},"event":"message_received"}"#,
            "data.content.payload",
            "invalid type: integer `12`, expected a string",
        ),
        (
            br#"{"data":{"id":"1","channel":{"id":"2"},"contact":{},"content":{"payload":"Pick","quick_replies":[{"type":"location"},{"title":false,"payload":"P","type":"text"}],"type":"text"}},"event":"message_echo","timestamp":"2016-10-06T13:42:48Z"}"#,
            "data.content.quick_replies[1].title",
            "invalid type: boolean `false`, expected a string",
        ),
    ];
    for (raw, path, message) in cases {
        assert_invalid_at(raw, path, message);
    }
}

#[test]
fn a_body_that_is_not_json_is_a_syntax_error_with_its_position() {
    let cases: [(&[u8], &str, usize, usize); 5] = [
        (b"", ".", 1, 0),
        (
            b"{\"event\":\"opt_in\",\n\"data\":{\"channel\":{\"id\":\"1\",}}}",
            "data.channel.?",
            2,
            29,
        ),
        (
            REFERENCE_BODY.strip_suffix(b"}").expect("ends with }"),
            "?",
            1,
            220,
        ),
        (&[REFERENCE_BODY, b" trailing"].concat(), ".", 1, 223),
        (b"{\"event\":\"opt_in\",\"data\":\"\xff\"}", "data", 1, 27),
    ];
    for (raw, path, line, column) in cases {
        let error = webhook::parse(raw).unwrap_err();
        let ParseError::Syntax {
            path: got_path,
            line: got_line,
            column: got_column,
            message,
        } = &error
        else {
            panic!("{error:?}")
        };
        assert_eq!(
            (got_path.as_str(), *got_line, *got_column),
            (path, line, column),
            "{}: {message}",
            String::from_utf8_lossy(raw)
        );
        assert!(!message.contains(" at line "), "{message}");
    }
}

#[test]
fn deeply_nested_bodies_are_refused_without_overflowing_the_stack() {
    for open in ["[", "{\"a\":"] {
        let mut raw =
            br#"{"event":"message_echo","timestamp":"2016-10-06T13:42:48Z","data":{"metadata":"#
                .to_vec();
        raw.extend(open.repeat(100_000).bytes());
        // `{"a":{"a":…` is too deep; `[[…` is no metadata object.
        assert!(matches!(
            webhook::parse(&raw),
            Err(ParseError::TooDeep { limit: 128, .. } | ParseError::Invalid { .. })
        ));
        let secrets = Secrets::single("secret");
        let header = webhook::sign(b"secret", &raw);
        assert!(matches!(
            webhook::verify_and_parse(&secrets, &raw, Some(&header)),
            Err(WebhookError::Parse(_))
        ));
    }
}

// ---------------------------------------------------------------------------
// Properties

mod properties {
    use std::cell::Cell;

    use amio::webhook::{self, Secrets, SignatureError};
    use proptest::prelude::*;
    use proptest::test_runner::{FileFailurePersistence, RngSeed};

    use super::REFERENCE_BODY;

    /// Cases per property, with a fixed seed: every run tries the same inputs.
    const CASES: u32 = 512;

    fn config() -> ProptestConfig {
        ProptestConfig {
            cases: CASES,
            rng_seed: RngSeed::Fixed(0x0a31_0b0d_5eed),
            failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
                "proptest-regressions/webhook.txt",
            ))),
            ..ProptestConfig::default()
        }
    }

    fn header_digits(header: &str) -> &str {
        header.strip_prefix("sha1=").expect("sha1= prefix")
    }

    /// A body: any bytes, or a mutation of the reference body.
    fn bodies() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..2048),
            (any::<prop::sample::Index>(), any::<u8>(), 0..3_u8).prop_map(|(at, byte, edit)| {
                let mut body = REFERENCE_BODY.to_vec();
                let at = at.index(body.len());
                match edit {
                    0 => body[at] = byte,
                    1 => body.insert(at, byte),
                    _ => {
                        body.remove(at);
                    }
                }
                body
            }),
            "[ -~]{0,300}".prop_map(String::into_bytes),
        ]
    }

    /// `name` as a JSON key: plain, with one character escaped, or all.
    fn key(name: &'static str) -> impl Strategy<Value = String> {
        (any::<prop::sample::Index>(), 0..3_u8).prop_map(move |(at, how)| {
            let escape = |c: char| format!("\\u{:04x}", u32::from(c));
            let at = at.index(name.len());
            let text: String = match how {
                0 => name.to_owned(),
                1 => name
                    .chars()
                    .enumerate()
                    .map(|(i, c)| if i == at { escape(c) } else { c.to_string() })
                    .collect(),
                _ => name.chars().map(escape).collect(),
            };
            format!("\"{text}\"")
        })
    }

    /// A JSON object of `required` members and up to three more from
    /// `extra` (repeating keys), in any order.
    fn object(
        required: Vec<BoxedStrategy<(String, String)>>,
        extra: BoxedStrategy<(String, String)>,
    ) -> impl Strategy<Value = String> {
        (required, proptest::collection::vec(extra, 0..4))
            .prop_flat_map(|(mut members, extra)| {
                members.extend(extra);
                Just(members).prop_shuffle()
            })
            .prop_map(|members| {
                let members: Vec<String> =
                    members.iter().map(|(k, v)| format!("{k}:{v}")).collect();
                format!("{{{}}}", members.join(","))
            })
    }

    fn member(
        name: &'static str,
        value: impl Strategy<Value = String> + 'static,
    ) -> BoxedStrategy<(String, String)> {
        (key(name), value).boxed()
    }

    fn literal(text: &'static str) -> BoxedStrategy<String> {
        Just(text.to_owned()).boxed()
    }

    /// `messages_read` bodies whose channel is A (own secret), B (own
    /// secret) or C (default secret), or no string at all, with keys
    /// repeated and escaped at random.
    fn bodies_naming_channels() -> impl Strategy<Value = String> {
        let id = prop_oneof![
            literal(r#""A""#),
            literal(r#""B""#),
            literal(r#""C""#),
            literal(r#""\u0041""#),
            literal("5"),
            literal("null"),
        ];
        let channel = object(
            vec![member("id", id.clone())],
            prop_oneof![
                2 => member("name", literal(r#""x""#)),
                1 => member("id", id),
                1 => member("type", literal(r#""viber""#)),
            ]
            .boxed(),
        )
        .boxed();
        let data = object(
            vec![
                member("channel", channel.clone()),
                member("contact", literal(r#"{"id":"1"}"#)),
                member("last_read_timestamp", literal(r#""2016-10-06T13:40:13Z""#)),
            ],
            prop_oneof![
                2 => member("extra", literal("{}")),
                1 => member("channel", channel),
                1 => member("contact", literal(r#"{"id":"2"}"#)),
            ]
            .boxed(),
        )
        .boxed();
        object(
            vec![
                member("event", literal(r#""messages_read""#)),
                member("timestamp", literal(r#""2016-10-06T13:42:48Z""#)),
                member("data", data.clone()),
            ],
            prop_oneof![
                2 => member("extra", literal("[1]")),
                1 => member("data", data),
                1 => member("event", literal(r#""message_from_the_future""#)),
            ]
            .boxed(),
        )
    }

    /// Whatever the body, and whichever secret signed it: it is refused,
    /// or the secret that verified it is the secret of `event.channel_id()`
    /// (and of the delivery's channel).
    #[test]
    fn the_secret_used_is_the_secret_of_the_events_channel() {
        const SECRETS: [&[u8]; 3] = [b"secret-a", b"secret-b", b"secret-default"];
        let secrets = Secrets::new()
            .with_channel("A", SECRETS[0])
            .with_channel("B", SECRETS[1])
            .with_default(SECRETS[2]);
        let secret_of = |channel: Option<&str>| match channel {
            Some("A") => SECRETS[0],
            Some("B") => SECRETS[1],
            _ => SECRETS[2],
        };
        let (accepted, accepted_escaped, refused) = (Cell::new(0), Cell::new(0), Cell::new(0));
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
            cases: 1024,
            ..config()
        });
        runner
            .run(&bodies_naming_channels(), |body| {
                // Signed by each secret in turn: at most one may be accepted.
                for signer in SECRETS {
                    let header = webhook::sign(signer, body.as_bytes());
                    match webhook::verify_and_parse(&secrets, body.as_bytes(), Some(&header)) {
                        Ok(event) => {
                            prop_assert_eq!(signer, secret_of(event.channel_id()), "{}", body);
                            accepted.set(accepted.get() + 1);
                            if body.contains("\\u00") {
                                accepted_escaped.set(accepted_escaped.get() + 1);
                            }
                        }
                        Err(_) => refused.set(refused.get() + 1),
                    }
                    let delivered = webhook::receive(&secrets, body.clone().into(), Some(&header));
                    if let Ok(delivery) = delivered {
                        let verified = delivery.channel_id.as_deref();
                        prop_assert_eq!(signer, secret_of(verified), "{}", body);
                        if let Ok(event) = &delivery.event {
                            prop_assert_eq!(event.channel_id(), verified, "{}", body);
                        }
                    }
                }
                Ok(())
            })
            .unwrap_or_else(|failure| panic!("{failure}"));
        let (accepted, accepted_escaped, refused) =
            (accepted.get(), accepted_escaped.get(), refused.get());
        println!("{accepted} accepted ({accepted_escaped} with escaped keys), {refused} refused");
        assert!(accepted > 100, "{accepted} accepted");
        assert!(
            accepted_escaped > 50,
            "{accepted_escaped} accepted with escaped keys"
        );
        assert!(refused > 100, "{refused} refused");
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn a_signed_body_verifies(
            secret in proptest::collection::vec(any::<u8>(), 0..200),
            body in bodies(),
        ) {
            let header = webhook::sign(&secret, &body);
            prop_assert_eq!(header.len(), 45);
            prop_assert!(header_digits(&header).bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
            prop_assert_eq!(webhook::verify(&secret, &body, Some(&header)), Ok(()));
            let upper = format!("sha1={}", header_digits(&header).to_uppercase());
            prop_assert_eq!(webhook::verify(&secret, &body, Some(&upper)), Ok(()));
        }

        #[test]
        fn changing_one_byte_of_the_body_fails(
            secret in proptest::collection::vec(any::<u8>(), 0..64),
            body in proptest::collection::vec(any::<u8>(), 1..1024),
            at in any::<prop::sample::Index>(),
            flip in 1..=255_u8,
        ) {
            let header = webhook::sign(&secret, &body);
            let mut changed = body.clone();
            changed[at.index(body.len())] ^= flip;
            prop_assert_eq!(
                webhook::verify(&secret, &changed, Some(&header)),
                Err(SignatureError::Mismatch)
            );
        }

        #[test]
        fn changing_one_byte_of_the_signature_fails(
            secret in proptest::collection::vec(any::<u8>(), 0..64),
            body in bodies(),
            at in any::<prop::sample::Index>(),
            replacement in 0..128_u8,
        ) {
            let header = webhook::sign(&secret, &body);
            let mut changed = header.clone().into_bytes();
            let at = at.index(changed.len());
            // A hex digit in the other case is the same signature.
            prop_assume!(!changed[at].eq_ignore_ascii_case(&replacement));
            changed[at] = replacement;
            let changed = String::from_utf8(changed).expect("ASCII");
            prop_assert!(webhook::verify(&secret, &body, Some(&changed)).is_err());
        }

        #[test]
        fn verify_accepts_only_the_signature_of_the_body(
            secret in proptest::collection::vec(any::<u8>(), 0..64),
            body in bodies(),
            header in prop_oneof![
                any::<String>(),
                "sha1=[0-9a-fA-F]{0,44}",
                "sha1=.{0,44}",
                " ?sha1=[0-9a-f]{40} ?",
            ],
        ) {
            let result = webhook::verify(&secret, &body, Some(&header));
            let expected = webhook::sign(&secret, &body);
            prop_assert_eq!(result.is_ok(), header.trim().eq_ignore_ascii_case(&expected));
        }

        #[test]
        fn parse_and_verify_and_parse_never_panic(
            body in bodies(),
            header in proptest::option::of(any::<String>()),
        ) {
            if let Err(error) = webhook::parse(&body) {
                prop_assert!(!error.path().is_empty());
                prop_assert!(!error.to_string().is_empty());
            }
            let secrets = Secrets::new().with_channel("viber_service_messages_test", "WebhookSecret");
            let _ = webhook::verify_and_parse(&secrets, &body, header.as_deref());
            let signed = webhook::sign(b"WebhookSecret", &body);
            let _ = webhook::verify_and_parse(&Secrets::single("WebhookSecret"), &body, Some(&signed));
        }
    }
}
