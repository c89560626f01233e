//! Bodies nested far deeper than any reading goes (10,000 and 1,000,000
//! levels of arrays, objects, and both): the notification parser, the
//! receiver and the client answer with errors, and the process lives on.

use webex_connect::notification::{self, NotificationError};

/// A value nested `depth` deep: arrays, objects, or both taking turns.
pub(crate) fn deep(depth: usize, arrays: bool, objects: bool) -> String {
    let mut value = String::with_capacity(depth * 6);
    let mut closes = Vec::with_capacity(depth);
    for level in 0..depth {
        let array = arrays && (!objects || level % 2 == 0);
        value.push_str(if array { "[" } else { r#"{"k":"# });
        closes.push(if array { ']' } else { '}' });
    }
    value.push('1');
    value.extend(closes.into_iter().rev());
    value
}

/// Every deep notification: both depths, three nestings, at the top and
/// inside `deliveryInfo`.
pub(crate) fn bodies() -> Vec<(String, Vec<u8>)> {
    let mut all = Vec::new();
    for depth in [10_000, 1_000_000] {
        for (arrays, objects) in [(true, false), (false, true), (true, true)] {
            let value = deep(depth, arrays, objects);
            let name = format!("{depth} deep, arrays {arrays}, objects {objects}");
            all.push((
                format!("{name}, as the notification"),
                format!(r#"{{"deliveryInfoNotification":{value}}}"#).into_bytes(),
            ));
            all.push((
                format!("{name}, as its code"),
                format!(
                    r#"{{"deliveryInfoNotification":{{"deliveryInfo":{{"deliveryChannel":"SMS","code":{value},"destination":"918800000000"}}}}}}"#
                )
                .into_bytes(),
            ));
        }
    }
    all
}

#[test]
fn the_parser_answers_every_deep_body_with_an_error() {
    for (name, body) in bodies() {
        match notification::parse(&body) {
            Err(NotificationError::TooDeep { limit: 128 } | NotificationError::Shape { .. }) => {}
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn a_deep_free_form_value_is_refused_at_the_limit() {
    let body = format!(
        r#"{{"deliveryInfoNotification":{{"callbackData":{}}}}}"#,
        deep(10_000, true, true)
    );
    assert!(matches!(
        notification::parse(body.as_bytes()),
        Err(NotificationError::TooDeep { limit: 128 })
    ));
}

mod response {
    use super::*;
    use webex_connect::{Client, RetryPolicy};
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    #[tokio::test]
    async fn a_deep_response_body_is_an_error_of_the_client() {
        let server = MockServer::start().await;
        let client = Client::builder()
            .base_url(server.uri())
            .service_key("test-service-key")
            .retry(RetryPolicy::none())
            .build()
            .expect("client builds");
        let request = crate::sms("Hello", &["+447700900123"]);
        for depth in [10_000, 1_000_000] {
            for (arrays, objects) in [(true, false), (false, true), (true, true)] {
                let value = deep(depth, arrays, objects);
                for body in [format!(r#"{{"response":{value}}}"#), value.clone()] {
                    server.reset().await;
                    Mock::given(method("POST"))
                        .respond_with(
                            ResponseTemplate::new(200)
                                .insert_header("content-type", "application/json")
                                .set_body_string(body),
                        )
                        .mount(&server)
                        .await;
                    let answer = client.send(&request).await;
                    assert!(answer.is_err(), "{depth}: {answer:?}");
                }
            }
        }
    }
}
