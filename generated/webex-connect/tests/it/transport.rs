//! The client under hostile servers and inputs, over 127.0.0.1: redirects
//! that would carry the service key (and the body) to another host, base
//! URLs that misroute or double the path, and credentials that cannot be sent.

use std::time::{Duration, Instant};

use serde_json::json;
use webex_connect::{
    BaseUrlProblem, BuildError, Client, CredentialProblem, Error, HttpError, RetryPolicy,
};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "s3rvice-k3y-value";
const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJzZXJ2aWNlLWlkIn0.c2lnbmF0dXJl";

fn queued() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"response": [
        {"code": "1001", "transid": "t-1", "description": "Queued"}
    ]}))
}

#[tokio::test]
async fn a_redirect_never_carries_the_key_or_the_body_to_another_host() {
    for status in [302, 307, 308] {
        for jwt in [false, true] {
            let elsewhere = MockServer::start().await;
            Mock::given(wiremock::matchers::any())
                .respond_with(queued())
                .mount(&elsewhere)
                .await;
            let server = MockServer::start().await;
            Mock::given(method("POST"))
                .respond_with(ResponseTemplate::new(status).insert_header(
                    "location",
                    format!("{}/resources/v1/messaging", elsewhere.uri()),
                ))
                .mount(&server)
                .await;
            let builder = Client::builder().base_url(server.uri());
            let client = match jwt {
                true => builder.jwt(JWT),
                false => builder.service_key(KEY),
            }
            .build()
            .unwrap();
            let error = client
                .send(&crate::sms("Hello", &["+447700900123"]))
                .await
                .unwrap_err();
            let Some(HttpError::Redirect(redirect)) = error.http() else {
                panic!("{status}: expected a refused redirect, got {error}");
            };
            assert_eq!(redirect.status().as_u16(), status);
            assert_eq!(
                redirect.location(),
                Some(format!("{}/resources/v1/messaging", elsewhere.uri()).as_str())
            );
            let shown = format!("{error} {error:?} {error:#}");
            assert!(!shown.contains(KEY) && !shown.contains(JWT), "{shown}");
            assert!(
                elsewhere.received_requests().await.unwrap().is_empty(),
                "{status}: the other host received the request"
            );
        }
    }
}

#[tokio::test]
async fn the_documented_endpoint_as_base_url_is_not_doubled() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/resources/v1/messaging"))
        .respond_with(queued())
        .expect(2)
        .mount(&server)
        .await;
    for base in [
        format!("{}/resources/v1/messaging", server.uri()),
        format!("{}/resources/v1/messaging/", server.uri()),
    ] {
        let client = Client::builder()
            .base_url(base)
            .service_key(KEY)
            .build()
            .unwrap();
        assert_eq!(client.base_url(), server.uri());
        client
            .send(&crate::sms("Hello", &["+447700900123"]))
            .await
            .expect("queued");
    }
    server.verify().await;
}

#[test]
fn a_base_url_with_a_query_fragment_or_user_info_is_refused() {
    for (url, problem) in [
        ("https://api.imiconnect.io?x=1", BaseUrlProblem::Query),
        ("https://api.imiconnect.io/#f", BaseUrlProblem::Fragment),
        (
            "https://me:s3cret@api.imiconnect.io",
            BaseUrlProblem::UserInfo,
        ),
    ] {
        match Client::builder().service_key(KEY).base_url(url).build() {
            Err(BuildError::InvalidBaseUrl(invalid)) => {
                assert_eq!(invalid.problem(), problem, "{url}");
                assert!(!invalid.to_string().contains("s3cret"));
            }
            other => panic!("{url}: {other:?}"),
        }
    }
}

#[test]
fn credentials_that_cannot_be_sent_as_given_are_refused_unseen() {
    let cases = [
        (
            Client::builder().service_key("k\u{e9}y-s3cret"),
            "service key",
            CredentialProblem::NotVisibleAscii,
        ),
        (
            Client::builder().service_key("s3cret-key "),
            "service key",
            CredentialProblem::SurroundingWhitespace,
        ),
        (
            Client::builder().jwt("\ts3cret.jwt"),
            "JWT",
            CredentialProblem::SurroundingWhitespace,
        ),
        (
            Client::builder().jwt("s3cret jwt"),
            "JWT",
            CredentialProblem::NotVisibleAscii,
        ),
    ];
    for (builder, credential, problem) in cases {
        let error = builder.build().unwrap_err();
        let BuildError::InvalidCredential(invalid) = &error else {
            panic!("{error:?}");
        };
        assert_eq!(
            (invalid.credential(), invalid.problem()),
            (credential, problem)
        );
        assert!(!format!("{error} {error:?}").contains("s3cret"));
    }
    assert!(matches!(
        Client::builder()
            .service_key(KEY)
            .user_agent("app\r\nkey: stolen")
            .build(),
        Err(BuildError::InvalidUserAgent(_))
    ));
}

#[tokio::test]
async fn with_service_key_and_with_jwt_send_with_other_credentials() {
    let server = MockServer::start().await;
    Mock::given(header("key", "another-key"))
        .respond_with(queued())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(header("authorization", format!("Bearer {JWT}").as_str()))
        .respond_with(queued())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(header("key", KEY))
        .respond_with(queued())
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .service_key(KEY)
        .build()
        .unwrap();
    let sms = crate::sms("Hello", &["+447700900123"]);
    client
        .with_service_key("another-key")
        .unwrap()
        .send(&sms)
        .await
        .unwrap();
    client.with_jwt(JWT).unwrap().send(&sms).await.unwrap();
    client.send(&sms).await.unwrap();
    server.verify().await;
    assert!(matches!(
        client.with_service_key(" padded"),
        Err(BuildError::InvalidCredential(_))
    ));
}

#[tokio::test]
async fn a_rate_limited_request_is_sent_again_after_the_wait_but_an_error_never() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .service_key(KEY)
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client
        .send(&crate::sms("Hello", &["+447700900123"]))
        .await
        .unwrap_err();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert!(matches!(error, Error::Http(_)), "{error}");
    assert_eq!(
        error.http().and_then(HttpError::status).map(|s| s.as_u16()),
        Some(503)
    );
    // The 429 was refused, so sent again; the 503 may have been queued, so not.
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}
