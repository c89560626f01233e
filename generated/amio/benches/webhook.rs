//! What a webhook receiver pays per event: verifying the signature and
//! reading the typed event, on four bodies, each beside what the same bytes
//! cost read another way in the same run:
//!
//! - `verify_and_parse`: the pre-scan, the HMAC and the typed parse;
//! - `hmac_and_variant`: the HMAC, then a plain serde derive of the event's
//!   own variant (no dispatch on `event`);
//! - `hmac_and_ignored`: the HMAC, then `serde_json::from_slice::<IgnoredAny>`
//!   (the limit: reading the JSON and keeping nothing).
//!
//! The allocation counts come from divan's counting allocator. Run with
//! `cargo bench -p amio --bench webhook`; `cargo xtask bench-webhook` runs
//! it beside the Node side (`webhook_node.js`) on one pinned core.
//!
//! Two environment variables serve that command and profilers instead of
//! benchmarking: `AMIO_WEBHOOK_BENCH_DUMP=DIR` writes each body and its
//! signature header to `DIR/NAME.json` and `DIR/NAME.sig`;
//! `AMIO_WEBHOOK_BENCH_PROFILE=NAME:N` runs `verify_and_parse` N times on
//! body NAME (for `valgrind --tool=callgrind`, which counts instructions).

use std::sync::LazyLock;

use amio::types::{Content, MessageEchoEvent, MessageReceivedEvent, MessagesDeliveredEvent};
use amio::webhook::{self, Secrets};
use serde_json::json;

#[global_allocator]
static ALLOC: divan::AllocProfiler = divan::AllocProfiler::system();

fn main() {
    // Build the bodies before timing starts.
    for name in BODIES {
        LazyLock::force(&body(name).bytes);
    }
    if let Some(dir) = std::env::var_os("AMIO_WEBHOOK_BENCH_DUMP") {
        let dir = std::path::Path::new(&dir);
        std::fs::create_dir_all(dir).expect("the dump folder");
        for name in BODIES {
            let (bytes, signature) = &*body(name).bytes;
            std::fs::write(dir.join(format!("{name}.json")), bytes).expect("a body");
            std::fs::write(dir.join(format!("{name}.sig")), signature).expect("a signature");
        }
        return;
    }
    if let Ok(profile) = std::env::var("AMIO_WEBHOOK_BENCH_PROFILE") {
        let (name, count) = profile
            .split_once(':')
            .expect("AMIO_WEBHOOK_BENCH_PROFILE=NAME:N");
        let count: usize = count.parse().expect("a count");
        let (bytes, signature) = &*body(name).bytes;
        let secrets = Secrets::single(SECRET);
        for _ in 0..count {
            let event =
                webhook::verify_and_parse(&secrets, divan::black_box(bytes), Some(signature))
                    .expect("the benchmark body verifies");
            drop(divan::black_box(event));
        }
        return;
    }
    divan::main();
}

const SECRET: &[u8] = b"WebhookSecret";

/// The bodies, by name: the docs' reference vector, a text message, and the
/// two large ones (about 64 KiB), with their keys in the documented order
/// (`event` first, a content's `type` first). The last is the nlp body with
/// its keys sorted, so `data` comes before `event`: the slow path, where a
/// union keeps the entries before its tag.
const BODIES: [&str; 5] = [
    "delivered_reference",
    "received_text",
    "received_nlp_64k",
    "echo_text_64k",
    "received_nlp_64k_sorted",
];

struct Body {
    bytes: LazyLock<(Vec<u8>, String)>,
}

/// `value` as Amio writes it, tags first, and its signature.
fn signed(value: &serde_json::Value) -> (Vec<u8>, String) {
    sign(tags_first(value).into_bytes())
}

fn sign(bytes: Vec<u8>) -> (Vec<u8>, String) {
    let signature = webhook::sign(SECRET, &bytes);
    (bytes, signature)
}

/// JSON text of `value` with `event` and `type` first in every object (a
/// `serde_json::Value` keeps its keys sorted).
fn tags_first(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Object(object) => {
            let tags = ["event", "type"];
            let first = object.iter().filter(|(k, _)| tags.contains(&k.as_str()));
            let rest = object.iter().filter(|(k, _)| !tags.contains(&k.as_str()));
            let members: Vec<String> = first
                .chain(rest)
                .map(|(k, v)| format!("{}:{}", serde_json::Value::from(k.as_str()), tags_first(v)))
                .collect();
            format!("{{{}}}", members.join(","))
        }
        serde_json::Value::Array(items) => {
            let items: Vec<String> = items.iter().map(tags_first).collect();
            format!("[{}]", items.join(","))
        }
        scalar => scalar.to_string(),
    }
}

/// The docs' reference vector (seed 000, "Webhooks"), 221 bytes.
static DELIVERED: Body = Body {
    bytes: LazyLock::new(|| {
        let bytes = br#"{"event":"messages_delivered","timestamp":"2018-03-01T11:54:14.886Z","data":{"channel":{"id":"viber_service_messages_test","type":"viber"},"contact":{"phone_number":"+420606123456"},"messages":[{"id":"151990525359991"}]}}"#.to_vec();
        let signature = "sha1=cb041d03489e961730cb6c7a6d1edf58ae88ef13".to_owned();
        (bytes, signature)
    }),
};

fn received(intents: Vec<serde_json::Value>) -> serde_json::Value {
    json!({
        "event": "message_received",
        "timestamp": "2016-10-06T13:42:48.000Z",
        "data": {
            "id": "6456078996108088196",
            "channel": {"id": "6456078759331238786", "type": "facebook_messenger", "name": "Amio Bot"},
            "contact": {"id": "6456078781510718339"},
            "content": {"type": "text", "payload": "What's the weather today?"},
            "nlp": {"intents": intents, "native_data": {}}
        }
    })
}

/// A text message with one intent, as in the spec's example (about 370 bytes).
static RECEIVED_TEXT: Body = Body {
    bytes: LazyLock::new(|| {
        signed(&received(vec![
            json!({"confidence": 0.99847021852548, "id": "weather"}),
        ]))
    }),
};

fn nlp() -> serde_json::Value {
    let intents = (0..1400)
        .map(|i| json!({"confidence": 1.0 / f64::from(i + 2), "id": format!("intent_{i}")}))
        .collect();
    received(intents)
}

/// A text message with 1,400 NLP intents (about 64 KiB).
static RECEIVED_NLP: Body = Body {
    bytes: LazyLock::new(|| signed(&nlp())),
};

/// The same, keys sorted: `data` before `event`.
static RECEIVED_NLP_SORTED: Body = Body {
    bytes: LazyLock::new(|| sign(serde_json::to_vec(&nlp()).expect("JSON"))),
};

/// An echo of a text message of 64 KiB.
static ECHO_TEXT: Body = Body {
    bytes: LazyLock::new(|| {
        let sentence =
            "We know, we try really hard to bring always something more to our beloved customers! ";
        let payload = sentence.repeat(64 * 1024 / sentence.len());
        signed(&json!({
            "event": "message_echo",
            "timestamp": "2016-10-06T13:42:48.000Z",
            "data": {
                "id": "6456078996108088196",
                "channel": {"id": "6456078759331238786", "type": "facebook_messenger", "name": "Amio Bot"},
                "contact": {"id": "6456078781510718339"},
                "content": {"type": "text", "payload": payload},
                "metadata": {"any": "arbitrary data"}
            }
        }))
    }),
};

fn body(name: &str) -> &'static Body {
    match name {
        "delivered_reference" => &DELIVERED,
        "received_text" => &RECEIVED_TEXT,
        "received_nlp_64k" => &RECEIVED_NLP,
        "echo_text_64k" => &ECHO_TEXT,
        "received_nlp_64k_sorted" => &RECEIVED_NLP_SORTED,
        other => panic!("no body {other}"),
    }
}

#[divan::bench(args = BODIES)]
fn verify_and_parse(bencher: divan::Bencher, name: &str) {
    let (bytes, signature) = &*body(name).bytes;
    let secrets = Secrets::single(SECRET);
    bencher
        .counter(divan::counter::BytesCount::of_slice(bytes))
        .bench(|| {
            webhook::verify_and_parse(&secrets, divan::black_box(bytes), Some(signature))
                .expect("the benchmark body verifies")
        });
}

/// The HMAC, then the variant's own derive: what owned types can do at best.
#[divan::bench(args = BODIES)]
fn hmac_and_variant(bencher: divan::Bencher, name: &str) {
    let (bytes, signature) = &*body(name).bytes;
    let read: fn(&[u8]) -> usize = match name {
        "delivered_reference" => |bytes| {
            let event: MessagesDeliveredEvent = serde_json::from_slice(bytes).expect("parses");
            event.data.messages.len()
        },
        "echo_text_64k" => |bytes| {
            let event: MessageEchoEvent = serde_json::from_slice(bytes).expect("parses");
            event.data.id.len()
        },
        _ => |bytes| {
            let event: MessageReceivedEvent = serde_json::from_slice(bytes).expect("parses");
            event.data.id.len()
        },
    };
    bencher
        .counter(divan::counter::BytesCount::of_slice(bytes))
        .bench(|| {
            webhook::verify(SECRET, divan::black_box(bytes), Some(signature)).expect("verifies");
            read(divan::black_box(bytes))
        });
}

/// The HMAC, then reading the JSON and keeping nothing: the limit.
#[divan::bench(args = BODIES)]
fn hmac_and_ignored(bencher: divan::Bencher, name: &str) {
    let (bytes, signature) = &*body(name).bytes;
    bencher
        .counter(divan::counter::BytesCount::of_slice(bytes))
        .bench(|| {
            webhook::verify(SECRET, divan::black_box(bytes), Some(signature)).expect("verifies");
            serde_json::from_slice::<serde::de::IgnoredAny>(divan::black_box(bytes)).expect("JSON")
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
