//! The hand-written client around the generated operations: building,
//! authentication, retries, typed headers and pagination, over real HTTP.

use std::time::Duration;

use amio::types::{Channel, SettingsUpdate};
use amio::{AuthLocation, BuildError, Client, ErrorExt, HeadersExt, RetryPolicy};
use futures::TryStreamExt;
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "test-token-not-secret-but-treated-so";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(server.uri())
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .expect("client builds")
}

fn channel(id: u64) -> serde_json::Value {
    json!({"id": id.to_string(), "type": "amio_chat", "name": format!("channel {id}")})
}

fn error_body(code: u16, message: &str) -> serde_json::Value {
    json!({
        "timestamp": "2016-12-21T11:17:56.397Z",
        "status": {"code": code.to_string(), "message": message},
        "errors": [{"message": message}]
    })
}

mod building {
    use super::*;

    #[test]
    fn a_missing_or_blank_token_is_a_clear_error() {
        assert!(matches!(
            Client::builder().build(),
            Err(BuildError::MissingCredential { .. })
        ));
        assert!(matches!(
            Client::builder().token("  ").build(),
            Err(BuildError::MissingCredential { .. })
        ));
        let message = Client::builder().build().unwrap_err().to_string();
        assert!(message.contains("access token"), "{message}");
    }

    #[test]
    fn plain_http_goes_only_to_this_machine_unless_allowed() {
        let build = |url: &str| Client::builder().token(TOKEN).base_url(url).build();
        match build("http://api.amio.io/v1") {
            Err(BuildError::InvalidBaseUrl(invalid)) => {
                assert_eq!(invalid.problem(), amio::BaseUrlProblem::InsecureHttp);
                assert!(!invalid.to_string().contains(TOKEN));
            }
            other => panic!("{other:?}"),
        }
        for local in [
            "http://127.0.0.1:4010/v1",
            "http://localhost:4010/v1",
            "http://[::1]:4010/v1",
        ] {
            assert!(build(local).is_ok(), "{local}");
        }
        assert!(
            Client::builder()
                .token(TOKEN)
                .base_url("http://api.amio.io/v1")
                .allow_insecure_http()
                .build()
                .is_ok()
        );
    }

    #[test]
    fn a_token_that_cannot_be_a_header_is_refused() {
        assert!(matches!(
            Client::builder().token("bad\ntoken").build(),
            Err(BuildError::InvalidCredential(_))
        ));
    }

    #[test]
    fn the_base_url_must_be_absolute_http() {
        for bad in ["", "api.amio.io/v1", "ftp://api.amio.io", "not a url"] {
            assert!(
                matches!(
                    Client::builder().token(TOKEN).base_url(bad).build(),
                    Err(BuildError::InvalidBaseUrl(_))
                ),
                "{bad:?} was accepted"
            );
        }
    }

    #[test]
    fn the_default_base_url_is_the_documented_one_and_a_trailing_slash_is_dropped() {
        let client = Client::builder().token(TOKEN).build().unwrap();
        assert_eq!(client.base_url(), "https://api.amio.io/v1");
        let client = Client::builder()
            .token(TOKEN)
            .base_url("http://127.0.0.1:9/v1/")
            .build()
            .unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:9/v1");
    }

    #[test]
    fn debug_never_shows_the_token() {
        let builder = Client::builder().token(TOKEN);
        assert!(!format!("{builder:?}").contains(TOKEN));
        for location in [AuthLocation::Header, AuthLocation::Query] {
            let client = Client::builder()
                .token(TOKEN)
                .auth_location(location)
                .build()
                .unwrap();
            let debug = format!("{client:?}");
            assert!(!debug.contains(TOKEN), "{debug}");
        }
    }
}

mod auth {
    use super::*;

    #[tokio::test]
    async fn the_token_goes_in_the_bearer_header_with_the_user_agent() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/channels/42"))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
            .and(header("user-agent", amio::USER_AGENT_VALUE))
            .and(query_param_is_missing("access_token"))
            .respond_with(ResponseTemplate::new(200).set_body_json(channel(42)))
            .expect(1)
            .mount(&server)
            .await;
        let response = client(&server)
            .get_channel("42")
            .await
            .expect("typed channel");
        assert!(matches!(response.into_inner(), Channel::AmioChat(_)));
    }

    #[tokio::test]
    async fn the_token_can_go_in_the_query_and_never_shows_in_errors() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/channels/42"))
            .and(query_param("access_token", TOKEN))
            .respond_with(ResponseTemplate::new(418).set_body_string("teapot"))
            .expect(1)
            .mount(&server)
            .await;
        let client = Client::builder()
            .token(TOKEN)
            .auth_location(AuthLocation::Query)
            .base_url(server.uri())
            .build()
            .unwrap();
        let error = client.get_channel("42").await.unwrap_err();
        assert_eq!(error.http_status().map(|s| s.as_u16()), Some(418));
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains(TOKEN), "the token leaked: {shown}");
        assert!(
            !server
                .received_requests()
                .await
                .unwrap()
                .iter()
                .any(|r| r.headers.contains_key("authorization"))
        );
    }

    #[tokio::test]
    async fn a_transport_error_never_shows_the_query_token() {
        // Nothing listens on port 9 of loopback: the connection is refused.
        let client = Client::builder()
            .token(TOKEN)
            .auth_location(AuthLocation::Query)
            .base_url("http://127.0.0.1:9")
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        let error = client.list_channels(None, None).await.unwrap_err();
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains(TOKEN), "the token leaked: {shown}");
    }
}

mod errors {
    use super::*;

    #[tokio::test]
    async fn a_documented_error_keeps_status_body_and_headers() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/channels/1"))
            .respond_with(
                ResponseTemplate::new(404)
                    .set_body_json(error_body(404, "Not Found"))
                    .insert_header("x-ratelimit-remaining", "998"),
            )
            .mount(&server)
            .await;
        let error = client(&server).get_channel("1").await.unwrap_err();
        assert_eq!(error.http_status().map(|s| s.as_u16()), Some(404));
        let body = error.api_error().expect("parsed error body");
        assert_eq!(body.status.message, "Not Found");
        assert_eq!(error.rate_limit().and_then(|r| r.remaining), Some(998));
        assert!(!error.is_retryable());
    }

    #[tokio::test]
    async fn a_numeric_status_code_is_accepted_like_a_string_one() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/channels/1"))
            .respond_with(ResponseTemplate::new(401).set_body_json(json!({
                "timestamp": "2016-12-21T11:17:56.397Z",
                "status": {"code": 401, "message": "Unauthorized"},
                "errors": []
            })))
            .mount(&server)
            .await;
        let error = client(&server).get_channel("1").await.unwrap_err();
        assert_eq!(
            error.api_error().map(|b| b.status.message.as_str()),
            Some("Unauthorized")
        );
    }

    #[tokio::test]
    async fn a_malformed_body_is_a_typed_error_not_a_panic() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/channels/1"))
            .respond_with(ResponseTemplate::new(200).set_body_string("{not json"))
            .mount(&server)
            .await;
        let error = client(&server).get_channel("1").await.unwrap_err();
        let amio::Error::InvalidResponsePayload(_, decode) = &error else {
            panic!("a decode error: {error:?}")
        };
        assert!(!decode.is_data(), "malformed JSON, not a shape mismatch");
        assert!(error.path().is_some());
    }

    #[tokio::test]
    async fn a_body_of_the_wrong_shape_names_the_field_at_fault() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/channels/1/contacts"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([
                {"id": "c1", "name": "Ann"},
                {"id": "c2", "name": 5}
            ])))
            .mount(&server)
            .await;
        let error = client(&server)
            .list_contacts("1", None, None)
            .await
            .unwrap_err();
        let amio::Error::InvalidResponsePayload(body, decode) = &error else {
            panic!("a decode error: {error:?}")
        };
        assert_eq!(error.path(), Some("[1].name"));
        assert_eq!(decode.path, "[1].name");
        assert!(decode.is_data());
        assert!(body.starts_with(b"[{"), "the raw body is kept");
    }
}

mod retries {
    use super::*;

    #[tokio::test]
    async fn a_read_is_retried_after_a_bad_gateway() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/channels/7"))
            .respond_with(ResponseTemplate::new(502).set_body_json(error_body(502, "Bad Gateway")))
            .up_to_n_times(1)
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/channels/7"))
            .respond_with(ResponseTemplate::new(200).set_body_json(channel(7)))
            .expect(1)
            .mount(&server)
            .await;
        client(&server)
            .get_channel("7")
            .await
            .expect("second attempt succeeds");
    }

    #[tokio::test]
    async fn a_message_is_never_sent_twice_after_a_bad_gateway() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/messages"))
            .respond_with(ResponseTemplate::new(502).set_body_json(error_body(502, "Bad Gateway")))
            .expect(1)
            .mount(&server)
            .await;
        let request = serde_json::from_value(json!({
            "channel": {"id": "1"},
            "contact": {"id": "2"},
            "content": {"type": "text", "payload": "once"}
        }))
        .unwrap();
        let error = client(&server).send_message(&request).await.unwrap_err();
        assert_eq!(error.http_status().map(|s| s.as_u16()), Some(502));
        assert_eq!(server.received_requests().await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn a_rate_limited_message_is_sent_again_after_the_wait() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/messages"))
            .respond_with(
                ResponseTemplate::new(429)
                    .set_body_json(error_body(429, "Too Many Requests"))
                    .insert_header("retry-after", "0"),
            )
            .up_to_n_times(1)
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/messages"))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({
                "id": "99", "channel": {"id": "1"}, "contact": {"id": "2"},
                "content": {"type": "text", "payload": "once"}
            })))
            .expect(1)
            .mount(&server)
            .await;
        let request = serde_json::from_value(json!({
            "channel": {"id": "1"}, "contact": {"id": "2"},
            "content": {"type": "text", "payload": "once"}
        }))
        .unwrap();
        let sent = client(&server)
            .send_message(&request)
            .await
            .expect("sent after the 429");
        assert_eq!(sent.id, "99");
    }
}

mod headers_and_pages {
    use super::*;

    #[tokio::test]
    async fn location_and_rate_limits_are_typed() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/channels"))
            .respond_with(
                ResponseTemplate::new(201)
                    .set_body_json(channel(5))
                    .insert_header("location", "https://api.amio.io/v1/channels/5")
                    .insert_header("x-ratelimit-limit", "1000")
                    .insert_header("x-ratelimit-remaining", "999")
                    .insert_header("x-ratelimit-reset", "1491820066"),
            )
            .mount(&server)
            .await;
        let request =
            serde_json::from_value(json!({"type": "amio_chat", "name": "channel 5"})).unwrap();
        let created = client(&server).create_channel(&request).await.unwrap();
        assert_eq!(
            created.headers().location(),
            Some("https://api.amio.io/v1/channels/5")
        );
        let limit = created.headers().rate_limit().unwrap();
        assert_eq!(
            (limit.limit, limit.remaining, limit.reset),
            (Some(1000), Some(999), Some(1491820066))
        );
        assert!(!limit.is_exhausted());
    }

    #[tokio::test]
    async fn pagination_walks_every_page_and_stops_at_the_total() {
        let server = MockServer::start().await;
        for (offset, ids) in [("0", 0..2), ("2", 2..4), ("4", 4..5)] {
            let body: Vec<_> = ids.map(channel).collect();
            Mock::given(method("GET"))
                .and(path("/channels"))
                .and(query_param("max", "2"))
                .and(query_param("offset", offset))
                .respond_with(
                    ResponseTemplate::new(200)
                        .set_body_json(body)
                        .insert_header("x-total-count", "5"),
                )
                .expect(1)
                .mount(&server)
                .await;
        }
        let client = client(&server);
        let channels: Vec<Channel> = amio::paginate(2, |page| {
            client.list_channels(Some(page.max), Some(page.offset))
        })
        .try_collect()
        .await
        .unwrap();
        assert_eq!(channels.len(), 5);
        assert_eq!(server.received_requests().await.unwrap().len(), 3);
    }

    #[tokio::test]
    async fn pagination_stops_on_a_full_last_page_when_the_total_is_reached() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/channels"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(vec![channel(1), channel(2)])
                    .insert_header("x-total-count", "2"),
            )
            .expect(1)
            .mount(&server)
            .await;
        let client = client(&server);
        let all: Vec<Channel> = amio::paginate(2, |page| {
            client.list_channels(Some(page.max), Some(page.offset))
        })
        .try_collect()
        .await
        .unwrap();
        assert_eq!(all.len(), 2);
    }

    #[tokio::test]
    async fn pagination_surfaces_an_error_page() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/channels"))
            .respond_with(ResponseTemplate::new(401).set_body_json(error_body(401, "Unauthorized")))
            .mount(&server)
            .await;
        let client = client(&server);
        let result: Result<Vec<Channel>, _> = amio::paginate(10, |page| {
            client.list_channels(Some(page.max), Some(page.offset))
        })
        .try_collect()
        .await;
        assert_eq!(
            result.unwrap_err().http_status().map(|s| s.as_u16()),
            Some(401)
        );
    }
}

mod patch {
    use super::*;

    #[tokio::test]
    async fn a_settings_patch_sends_null_only_for_deleted_keys() {
        let server = MockServer::start().await;
        Mock::given(method("PATCH"))
            .and(path("/channels/3/settings"))
            .and(wiremock::matchers::body_json(json!({"menu": null})))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
            .expect(1)
            .mount(&server)
            .await;
        let patch = SettingsUpdate::new().with_menu_null();
        client(&server)
            .update_settings("3", &patch)
            .await
            .expect("patched");
    }
}
