//! What a deeply nested signed body costs the receiver's reading: verifying
//! it and answering with its parse error, at depths 10, 1,000 and 100,000
//! (arrays and objects taking turns, in `data`, inside a union's payload,
//! and with a tag to move first at every level). Linear means the same throughput at every depth: divan prints
//! it as bytes per second; µs per KiB is 1024 divided by bytes per µs.
//!
//! Run with `cargo bench -p amio --bench deep`.

use amio::webhook::{self, Secrets};

const SECRET: &[u8] = b"deep-secret";

const DEPTHS: [usize; 3] = [10, 1_000, 100_000];

fn main() {
    divan::main();
}

/// A value nested `depth` deep.
fn deep(depth: usize) -> String {
    let mut value = String::with_capacity(depth * 6);
    for level in 0..depth {
        value.push_str(if level % 2 == 0 { "[" } else { r#"{"k":"# });
    }
    value.push('1');
    for level in (0..depth).rev() {
        value.push(if level % 2 == 0 { ']' } else { '}' });
    }
    value
}

struct Signed {
    body: Vec<u8>,
    signature: String,
}

fn signed(body: String) -> Signed {
    let signature = webhook::sign(SECRET, body.as_bytes());
    Signed {
        body: body.into_bytes(),
        signature,
    }
}

/// The event `postback` with `data` itself `depth` deep.
fn in_data_body(depth: usize) -> Signed {
    signed(format!(
        r#"{{"event":"postback","timestamp":"2017-03-01T15:49:02.243Z","data":{}}}"#,
        deep(depth)
    ))
}

/// A `message_received` text whose payload is `depth` deep, its tag after it
/// and `data` before `event`: the reading that moves tags first.
fn in_payload_body(depth: usize) -> Signed {
    signed(format!(
        r#"{{"data":{{"channel":{{"id":"1"}},"contact":{{"id":"2"}},"id":"3","content":{{"payload":{},"type":"text"}}}},"event":"message_received","timestamp":"2017-03-01T15:49:02.243Z"}}"#,
        deep(depth)
    ))
}

/// A `postback` whose `data` is `depth` deep with a `type` after the other
/// key of every object: the worst case, where the reading that moves tags
/// first rewrites every level.
fn reordered_body(depth: usize) -> Signed {
    signed(format!(
        r#"{{"event":"postback","timestamp":"2017-03-01T15:49:02.243Z","data":{}}}"#,
        deep(depth).replace('}', r#","type":1}"#)
    ))
}

fn run(bencher: divan::Bencher, signed: &Signed) {
    let secrets = Secrets::single(SECRET);
    bencher
        .counter(divan::counter::BytesCount::new(signed.body.len()))
        .bench(|| {
            let answer = webhook::verify_and_parse(
                divan::black_box(&secrets),
                divan::black_box(&signed.body),
                Some(&signed.signature),
            );
            assert!(answer.is_err());
            answer
        });
}

#[divan::bench(args = DEPTHS)]
fn in_data(bencher: divan::Bencher, depth: usize) {
    run(bencher, &in_data_body(depth));
}

#[divan::bench(args = DEPTHS)]
fn in_union_payload(bencher: divan::Bencher, depth: usize) {
    run(bencher, &in_payload_body(depth));
}

#[divan::bench(args = DEPTHS)]
fn every_level_reordered(bencher: divan::Bencher, depth: usize) {
    run(bencher, &reordered_body(depth));
}
