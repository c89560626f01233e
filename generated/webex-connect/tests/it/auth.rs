//! Credentials: the service key goes in the `key` header, a JWT in
//! `Authorization: Bearer`; neither ever shows in `Debug` or in an error.

use serde_json::json;
use webex_connect::{BuildError, Client, RetryPolicy};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "s3rvice-k3y-value";
const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJzZXJ2aWNlLWlkIn0.c2lnbmF0dXJl";

async fn queued_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/resources/v1/messaging"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"response": [
                {"code": "1001", "transid": "t-1", "description": "Queued"}
            ]})),
        )
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn the_service_key_goes_in_the_key_header() {
    let server = queued_server().await;
    let client = Client::builder()
        .base_url(server.uri())
        .service_key(KEY)
        .build()
        .unwrap();
    client
        .send(&crate::sms("Hello", &["+447700900123"]))
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let headers = &requests[0].headers;
    assert_eq!(headers.get("key").unwrap(), KEY);
    assert!(headers.get("authorization").is_none());
    assert_eq!(
        headers.get("user-agent").unwrap(),
        webex_connect::USER_AGENT_VALUE
    );
    assert_eq!(headers.get("content-type").unwrap(), "application/json");
}

#[tokio::test]
async fn a_jwt_goes_in_the_authorization_header() {
    let server = queued_server().await;
    Client::builder()
        .base_url(server.uri())
        .jwt(JWT)
        .user_agent("my-app/1.0")
        .build()
        .unwrap()
        .send(&crate::sms("Hello", &["+447700900123"]))
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    let headers = &requests[0].headers;
    assert_eq!(
        headers.get("authorization").unwrap().to_str().unwrap(),
        format!("Bearer {JWT}")
    );
    assert!(headers.get("key").is_none());
    assert_eq!(headers.get("user-agent").unwrap(), "my-app/1.0");
}

#[tokio::test]
async fn the_last_credentials_given_win() {
    let server = MockServer::start().await;
    Mock::given(header("key", KEY))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"response": [
                {"code": "1001", "transid": "t-1", "description": "Queued"}
            ]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Client::builder()
        .base_url(server.uri())
        .jwt(JWT)
        .service_key(KEY)
        .build()
        .unwrap()
        .send(&crate::sms("Hello", &["+447700900123"]))
        .await
        .unwrap();
    server.verify().await;
}

#[tokio::test]
async fn credentials_never_show_in_debug_or_errors() {
    let builder = Client::builder()
        .service_key(KEY)
        .base_url("http://127.0.0.1:9");
    assert!(!format!("{builder:?}").contains(KEY));
    let client = builder.build().unwrap();
    assert!(!format!("{client:?}").contains(KEY));

    let jwt_client = Client::builder()
        .jwt(JWT)
        .base_url("http://127.0.0.1:9")
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    assert!(!format!("{jwt_client:?}").contains(JWT));

    // Port 9 (discard) is closed here: a transport error.
    let error = jwt_client
        .send(&crate::sms("Hello", &["+447700900123"]))
        .await
        .unwrap_err();
    for shown in [
        format!("{error}"),
        format!("{error:#}"),
        format!("{error:?}"),
    ] {
        assert!(!shown.contains(JWT), "{shown}");
    }

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"response": {
                "code": "7001", "description": "Authentication failed.", "transid": "t-1"
            }})),
        )
        .mount(&server)
        .await;
    let error = Client::builder()
        .base_url(server.uri())
        .service_key(KEY)
        .build()
        .unwrap()
        .send(&crate::sms("Hello", &["+447700900123"]))
        .await
        .unwrap_err();
    for shown in [format!("{error}"), format!("{error:?}")] {
        assert!(!shown.contains(KEY), "{shown}");
    }
}

#[test]
fn building_needs_credentials_and_a_usable_base_url() {
    assert!(matches!(
        Client::builder().build(),
        Err(BuildError::MissingCredential { .. })
    ));
    assert!(matches!(
        Client::builder().service_key("  ").build(),
        Err(BuildError::MissingCredential { .. })
    ));
    assert!(matches!(
        Client::builder().service_key("bad\nkey").build(),
        Err(BuildError::InvalidCredential(invalid)) if invalid.credential() == "service key"
    ));
    assert!(matches!(
        Client::builder()
            .service_key(KEY)
            .base_url("api.imiconnect.io")
            .build(),
        Err(BuildError::InvalidBaseUrl(_))
    ));

    let default = Client::builder().service_key(KEY).build().unwrap();
    assert_eq!(default.base_url(), webex_connect::DEFAULT_BASE_URL);
    let regional = Client::builder()
        .service_key(KEY)
        .base_url("https://api-us.imiconnect.io/")
        .build()
        .unwrap();
    assert_eq!(regional.base_url(), "https://api-us.imiconnect.io");
}
