//! `Client::send` against a mock platform: the answer's codes become queued
//! messages or typed errors, and a message is never sent twice.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use webex_connect::{Client, Error, ResponseCode, RetryPolicy};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PATH: &str = "/resources/v1/messaging";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .service_key("test-service-key")
        .retry(RetryPolicy::none())
        .build()
        .expect("client builds")
}

async fn answering(body: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_queued_request_gives_the_transaction_ids() {
    let request = crate::sms("Hello", &["+447700900123", "+447700900124"]);
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(PATH))
        .and(body_json(serde_json::to_value(&request).unwrap()))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"response": [
                {"code": "1001", "transid": "t-1", "description": "Queued", "correlationid": "c-1"},
                {"code": "1001", "transid": "t-2", "description": "Queued"}
            ]})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let queued = client(&server).send(&request).await.expect("queued");
    let ids: Vec<&str> = queued.iter().map(|q| q.transid.as_str()).collect();
    assert_eq!(ids, ["t-1", "t-2"]);
    assert_eq!(queued[0].correlationid.as_deref(), Some("c-1"));
    assert_eq!(queued[1].correlationid, None);
}

#[tokio::test]
async fn the_spec_success_example_is_read() {
    let [(_, body)] = <[_; 1]>::try_from(crate::spec_examples("response_1001")).unwrap();
    let server = answering(body.clone()).await;
    let queued = client(&server)
        .send(&crate::sms("Hello", &["+447700900123"]))
        .await
        .expect("queued");
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].transid, body["response"][0]["transid"]);
}

/// Every error answer of the spec (one per documented code) becomes
/// `Error::Rejected` with its code, description and transaction id.
#[tokio::test]
async fn every_documented_error_code_is_a_typed_rejection() {
    let documented = [
        ("7000", ResponseCode::InvalidJson),
        ("7001", ResponseCode::AuthenticationFailed),
        ("7002", ResponseCode::ServiceKeyMissing),
        ("7003", ResponseCode::MandatoryParametersMissing),
        ("7004", ResponseCode::InvalidParameters),
        ("7006", ResponseCode::InternalError),
        ("7007", ResponseCode::ServiceInactive),
        ("7009", ResponseCode::MaxDestinations),
        ("7722", ResponseCode::ParameterValueInvalid),
    ];
    let examples = crate::spec_examples("response_7");
    let mut covered = Vec::new();
    for (name, body) in examples {
        let entry = &body["response"];
        let code = entry["code"].as_str().expect("a string code");
        let expected = documented
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, variant)| variant)
            .unwrap_or_else(|| panic!("{name}: code {code} is not documented"));
        let server = answering(body.clone()).await;
        let error = client(&server)
            .send(&crate::sms("Hello", &["+447700900123"]))
            .await
            .expect_err(&name);
        let Error::Rejected(rejection) = &error else {
            panic!("{name}: expected Error::Rejected, got {error:?}");
        };
        assert_eq!(&rejection.code, expected, "{name}");
        assert_eq!(rejection.description, entry["description"], "{name}");
        assert_eq!(rejection.transid, entry["transid"], "{name}");
        assert_eq!(error.code(), Some(expected), "{name}");
        assert_eq!(expected.as_str(), code);
        covered.push(code.to_owned());
    }
    covered.sort();
    let all: Vec<&str> = documented.iter().map(|(c, _)| *c).collect();
    println!(
        "error codes covered by the spec's examples: {}",
        covered.join(", ")
    );
    assert_eq!(covered, all, "every documented error code has an example");
}

#[tokio::test]
async fn an_unknown_code_is_kept_not_a_failure() {
    let server = answering(json!({"response": {
        "code": "7999", "description": "Something new", "transid": "t-9", "extra": true
    }}))
    .await;
    let error = client(&server)
        .send(&crate::sms("Hello", &["+447700900123"]))
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some(&ResponseCode::Unknown("7999".into())));
    assert_eq!(error.rejection().unwrap().transid, "t-9");
    assert!(error.to_string().contains("7999"), "{error}");
}

#[tokio::test]
async fn refused_destinations_keep_the_queued_ones() {
    let server = answering(json!({"response": [
        {"code": "1001", "transid": "t-1", "description": "Queued"},
        {"code": "7004", "transid": "t-2", "description": "Invalid parameters"}
    ]}))
    .await;
    let error = client(&server)
        .send(&crate::sms("Hello", &["+447700900123", "+1"]))
        .await
        .unwrap_err();
    let Error::DestinationsRejected { queued, rejected } = &error else {
        panic!("expected DestinationsRejected, got {error:?}");
    };
    assert_eq!(
        queued
            .iter()
            .map(|q| q.transid.as_str())
            .collect::<Vec<_>>(),
        ["t-1"]
    );
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].code, ResponseCode::InvalidParameters);
    assert_eq!(error.code(), Some(&ResponseCode::InvalidParameters));
}

#[tokio::test]
async fn a_single_queued_object_is_accepted() {
    let server = answering(json!({"response": {
        "code": "1001", "transid": "t-1", "description": "Queued"
    }}))
    .await;
    let queued = client(&server)
        .send(&crate::sms("Hello", &["+447700900123"]))
        .await
        .unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].transid, "t-1");
}

#[tokio::test]
async fn a_body_that_is_not_the_envelope_is_an_http_error() {
    let server = answering(json!({"unexpected": []})).await;
    let error = client(&server)
        .send(&crate::sms("Hello", &["+447700900123"]))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error.http(),
            Some(webex_connect::HttpError::InvalidResponsePayload(..))
        ),
        "{error:?}"
    );
}

/// A request that reached the platform is never sent again, whatever happens
/// next: a server error, or no answer in time.
#[tokio::test]
async fn a_request_that_reached_the_server_is_not_resent() {
    let retrying = |server: &MockServer| {
        Client::builder()
            .base_url(server.uri())
            .service_key("test-service-key")
            .timeout(Duration::from_millis(200))
            .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
            .build()
            .unwrap()
    };

    let failing = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&failing)
        .await;
    let error = retrying(&failing)
        .send(&crate::sms("Hello", &["+447700900123"]))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error.http(),
            Some(webex_connect::HttpError::UnexpectedResponse(_))
        ),
        "{error:?}"
    );
    failing.verify().await;

    let slow = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_delay(Duration::from_secs(2))
                .set_body_json(json!({"response": []})),
        )
        .expect(1)
        .mount(&slow)
        .await;
    let error = retrying(&slow)
        .send(&crate::sms("Hello", &["+447700900123"]))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Http(_)), "{error:?}");
    slow.verify().await;
}

/// A connection that could not be made sent nothing: it is retried, after
/// the policy's backoff (1 + 2 waits of at least 100 ms and 200 ms).
#[tokio::test]
async fn a_refused_connection_is_retried_with_backoff() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = |policy| {
        Client::builder()
            .base_url(format!("http://127.0.0.1:{port}"))
            .service_key("test-service-key")
            .retry(policy)
            .build()
            .unwrap()
    };
    let request = crate::sms("Hello", &["+447700900123"]);

    let started = Instant::now();
    let error = client(
        RetryPolicy::default()
            .max_retries(2)
            .initial_backoff(Duration::from_millis(100)),
    )
    .send(&request)
    .await
    .unwrap_err();
    assert!(matches!(error, Error::Http(_)), "{error:?}");
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "two retries wait 100 ms + 200 ms; took {:?}",
        started.elapsed()
    );
}
