//! Bodies nested far deeper than any reading goes (10,000 and 1,000,000
//! levels of arrays, objects, and both): every reader answers with an error
//! and the process lives on. Before the tags-first rewrite kept its own
//! stack, each of these overflowed the thread's stack and aborted the
//! process.

use amio::webhook::{self, ParseError, Secrets, WebhookError};

pub(crate) const SECRET: &[u8] = b"deep-secret";

/// How a level opens and closes.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Nesting {
    Arrays,
    Objects,
    Mixed,
}

/// A value nested `depth` deep.
pub(crate) fn deep(depth: usize, nesting: Nesting) -> String {
    let mut value = String::with_capacity(depth * 6);
    let mut closes = Vec::with_capacity(depth);
    for level in 0..depth {
        let array = match nesting {
            Nesting::Arrays => true,
            Nesting::Objects => false,
            Nesting::Mixed => level % 2 == 0,
        };
        value.push_str(if array { "[" } else { r#"{"k":"# });
        closes.push(if array { ']' } else { '}' });
    }
    value.push('1');
    value.extend(closes.into_iter().rev());
    value
}

/// Where the deep value stands in an otherwise ordinary event.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Place {
    /// `data` itself.
    Data,
    /// A property inside `data`, after the channel.
    InData,
    /// A union's payload (`content.payload`), with the union's tag after it.
    UnionPayload,
}

/// A webhook body with a value `depth` deep at `place`.
pub(crate) fn body(depth: usize, nesting: Nesting, place: Place) -> Vec<u8> {
    let value = deep(depth, nesting);
    match place {
        Place::Data => format!(
            r#"{{"event":"postback","timestamp":"2017-03-01T15:49:02.243Z","data":{value}}}"#
        ),
        Place::InData => format!(
            r#"{{"event":"postback","timestamp":"2017-03-01T15:49:02.243Z","data":{{"channel":{{"id":"1"}},"contact":{{"id":"2"}},"postback":{value}}}}}"#
        ),
        Place::UnionPayload => format!(
            r#"{{"data":{{"channel":{{"id":"1"}},"contact":{{"id":"2"}},"id":"3","content":{{"payload":{value},"type":"text"}}}},"event":"message_received","timestamp":"2017-03-01T15:49:02.243Z"}}"#
        ),
    }
    .into_bytes()
}

/// Every body of the issue: both depths, three nestings, three places.
pub(crate) fn bodies() -> Vec<(String, Vec<u8>)> {
    let mut all = Vec::new();
    for depth in [10_000, 1_000_000] {
        for nesting in [Nesting::Arrays, Nesting::Objects, Nesting::Mixed] {
            for place in [Place::Data, Place::InData, Place::UnionPayload] {
                all.push((
                    format!("{depth} deep, {nesting:?}, in {place:?}"),
                    body(depth, nesting, place),
                ));
            }
        }
    }
    all
}

#[test]
fn verify_and_parse_answers_every_deep_body_with_a_parse_error() {
    let secrets = Secrets::single(SECRET);
    for (name, body) in bodies() {
        let signature = webhook::sign(SECRET, &body);
        match webhook::verify_and_parse(&secrets, &body, Some(&signature)) {
            Err(WebhookError::Parse(ParseError::Invalid { .. } | ParseError::TooDeep { .. })) => {}
            other => panic!("{name}: {other:?}"),
        }
        // Unsigned, it is refused before any parsing.
        assert!(
            matches!(
                webhook::verify_and_parse(&secrets, &body, None),
                Err(WebhookError::Signature(_))
            ),
            "{name}"
        );
    }
}

#[test]
fn a_reading_past_the_limit_names_the_limit() {
    // An unknown event keeps its data as free-form JSON, so the reading goes
    // down into it and meets the limit.
    let body = format!(
        r#"{{"event":"brand_new_event","timestamp":"2017-03-01T15:49:02.243Z","data":{}}}"#,
        deep(10_000, Nesting::Mixed)
    );
    match webhook::parse(body.as_bytes()) {
        Err(ParseError::TooDeep { path, limit }) => {
            assert_eq!(limit, webhook::MAX_DEPTH);
            assert_eq!(limit, 128);
            assert!(path.strip_prefix("data").is_some(), "{path}");
        }
        other => panic!("{other:?}"),
    }
    // Within the limit the same event reads.
    let body = format!(
        r#"{{"event":"brand_new_event","timestamp":"2017-03-01T15:49:02.243Z","data":{}}}"#,
        deep(webhook::MAX_DEPTH - 8, Nesting::Mixed)
    );
    assert!(webhook::parse(body.as_bytes()).is_ok());
}

mod response {
    use super::*;
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    #[tokio::test]
    async fn a_deep_response_body_is_an_error_of_the_client() {
        let server = MockServer::start().await;
        let client = amio::Client::builder()
            .token("test-token")
            .base_url(server.uri())
            .build()
            .expect("client builds");
        for depth in [10_000, 1_000_000] {
            for nesting in [Nesting::Arrays, Nesting::Objects, Nesting::Mixed] {
                for body in [
                    format!(
                        r#"{{"id":"1","type":"amio_chat","name":{}}}"#,
                        deep(depth, nesting)
                    ),
                    deep(depth, nesting),
                ] {
                    server.reset().await;
                    Mock::given(method("GET"))
                        .respond_with(
                            ResponseTemplate::new(200)
                                .insert_header("content-type", "application/json")
                                .set_body_string(body),
                        )
                        .mount(&server)
                        .await;
                    let answer = client.get_channel("1").await;
                    assert!(
                        matches!(answer, Err(amio::Error::InvalidResponsePayload(..))),
                        "{depth} {nesting:?}: {answer:?}"
                    );
                }
            }
        }
    }
}
