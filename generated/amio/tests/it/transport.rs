//! The client under hostile servers and inputs, over 127.0.0.1: redirects,
//! ids that climb the path, misrouting base URLs, servers that never answer,
//! `Retry-After` dates, bad credentials, the plans' connection limits and an
//! exhausted rate limit.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use amio::{
    AuthLocation, BaseUrlProblem, BuildError, Client, CredentialProblem, Error, PathProblem, Plan,
    RetryPolicy,
};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const TOKEN: &str = "test-token-not-secret-but-treated-so";

fn builder(base_url: impl Into<String>) -> amio::ClientBuilder {
    Client::builder()
        .token(TOKEN)
        .base_url(base_url)
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
}

fn message_request() -> amio::types::SendMessageRequest {
    serde_json::from_value(json!({
        "channel": {"id": "1"}, "contact": {"id": "2"},
        "content": {"type": "text", "payload": "once"}
    }))
    .unwrap()
}

fn message_response() -> serde_json::Value {
    json!({
        "id": "99", "channel": {"id": "1"}, "contact": {"id": "2"},
        "content": {"type": "text", "payload": "once"}
    })
}

/// A server that accepts connections and never answers; counts them.
async fn silent_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&accepted);
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            held.push(socket);
        }
    });
    (format!("http://{address}"), accepted)
}

mod redirects {
    use super::*;

    async fn redirecting(status: u16, target: &MockServer) -> MockServer {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header("location", format!("{}/channels/42", target.uri())),
            )
            .mount(&server)
            .await;
        server
    }

    #[tokio::test]
    async fn a_redirect_is_refused_and_the_other_host_receives_nothing() {
        for status in [301, 302, 303, 307, 308] {
            for location in [AuthLocation::Header, AuthLocation::Query] {
                let elsewhere = MockServer::start().await;
                let server = redirecting(status, &elsewhere).await;
                let client = builder(server.uri())
                    .auth_location(location)
                    .build()
                    .unwrap();
                let error = client.get_channel("42").await.unwrap_err();
                let Error::Redirect(redirect) = &error else {
                    panic!("{status}: expected a refused redirect, got {error}");
                };
                assert_eq!(redirect.status().as_u16(), status);
                assert_eq!(
                    redirect.location(),
                    Some(format!("{}/channels/42", elsewhere.uri()).as_str())
                );
                let shown = format!("{error} {error:?} {error:#}");
                assert!(!shown.contains(TOKEN), "the token leaked: {shown}");
                assert!(
                    elsewhere.received_requests().await.unwrap().is_empty(),
                    "{status} {location:?}: the other host was contacted"
                );
                assert_eq!(server.received_requests().await.unwrap().len(), 1);
            }
        }
    }

    #[tokio::test]
    async fn a_location_carrying_the_query_token_is_shown_without_it() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(302)
                    .insert_header("location", format!("/elsewhere?access_token={TOKEN}&a=1")),
            )
            .mount(&server)
            .await;
        let client = builder(server.uri())
            .auth_location(AuthLocation::Query)
            .build()
            .unwrap();
        let error = client.get_channel("42").await.unwrap_err();
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains(TOKEN), "{shown}");
        assert!(shown.contains("/elsewhere?a=1"), "{shown}");
    }
}

mod path_parameters {
    use super::*;

    #[tokio::test]
    async fn dot_segments_and_empty_ids_reach_no_server() {
        let server = MockServer::start().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(ResponseTemplate::new(204))
            .mount(&server)
            .await;
        let client = builder(server.uri()).build().unwrap();
        let refusals = [
            (
                client.delete_contact("123", "..").await.unwrap_err(),
                "contact_id",
                PathProblem::DotDot,
            ),
            (
                client.get_channel("..").await.unwrap_err(),
                "channel_id",
                PathProblem::DotDot,
            ),
            (
                client.delete_channel(".").await.unwrap_err(),
                "channel_id",
                PathProblem::Dot,
            ),
            (
                client.get_contact("", "1").await.unwrap_err(),
                "channel_id",
                PathProblem::Empty,
            ),
        ];
        for (error, parameter, problem) in refusals {
            let Error::InvalidPathParameter(refused) = &error else {
                panic!("expected a refused path parameter, got {error}");
            };
            assert_eq!(refused.parameter(), parameter);
            assert_eq!(refused.problem(), problem);
            assert!(error.to_string().contains(parameter), "{error}");
        }
        assert!(server.received_requests().await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn every_id_is_sent_as_one_segment() {
        let server = MockServer::start().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(ResponseTemplate::new(204))
            .mount(&server)
            .await;
        let client = builder(server.uri()).build().unwrap();
        for id in [
            "../..", "..\\..", "a/b", "x?y=1", "x#y", "%2e%2e", "...", "é",
        ] {
            client.delete_channel(id).await.expect("sent");
        }
        let paths: Vec<String> = server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .map(|r| {
                assert!(r.url.query().is_none(), "{}", r.url);
                r.url.path().to_owned()
            })
            .collect();
        assert_eq!(
            paths,
            [
                "/channels/..%2F..",
                "/channels/..%5C..",
                "/channels/a%2Fb",
                "/channels/x%3Fy=1",
                "/channels/x%23y",
                "/channels/%252e%252e",
                "/channels/...",
                "/channels/%C3%A9",
            ]
        );
    }
}

mod base_url {
    use super::*;

    #[test]
    fn a_query_fragment_or_user_info_is_refused() {
        for (url, problem) in [
            ("http://127.0.0.1:9/v1?x=1", BaseUrlProblem::Query),
            ("http://127.0.0.1:9/v1#f", BaseUrlProblem::Fragment),
            (
                "http://user:s3cret@127.0.0.1:9/v1",
                BaseUrlProblem::UserInfo,
            ),
        ] {
            match builder(url).build() {
                Err(BuildError::InvalidBaseUrl(invalid)) => {
                    assert_eq!(invalid.problem(), problem, "{url}");
                    assert!(!invalid.to_string().contains("s3cret"), "{invalid}");
                }
                other => panic!("{url}: {other:?}"),
            }
        }
    }

    #[tokio::test]
    async fn the_path_of_the_base_url_is_kept_and_normalised() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/v1/channels/7"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"id": "7", "type": "amio_chat", "name": "seven"})),
            )
            .expect(1)
            .mount(&server)
            .await;
        let client = builder(format!(" {}/v1/x/../", server.uri()))
            .build()
            .unwrap();
        assert_eq!(client.base_url(), format!("{}/v1", server.uri()));
        client
            .get_channel("7")
            .await
            .expect("routed to /v1/channels/7");
    }
}

mod deadline {
    use super::*;

    fn assert_within(elapsed: Duration, timeout: Duration) {
        assert!(elapsed >= timeout, "returned early: {elapsed:?}");
        assert!(
            elapsed <= timeout + timeout / 10,
            "took {elapsed:?} for a timeout of {timeout:?}"
        );
    }

    #[tokio::test]
    async fn a_server_that_never_answers_fails_the_call_within_its_timeout() {
        let timeout = Duration::from_secs(2);
        let (url, _) = silent_server().await;
        let client = Client::builder()
            .token(TOKEN)
            .base_url(url)
            .timeout(timeout)
            .build()
            .unwrap();
        let started = Instant::now();
        let error = client.list_channels(None, None).await.unwrap_err();
        assert_within(started.elapsed(), timeout);
        assert!(error.is_timeout(), "{error}");
        let started = Instant::now();
        let error = client.send_message(&message_request()).await.unwrap_err();
        assert_within(started.elapsed(), timeout);
        assert!(error.is_timeout(), "{error}");
    }

    #[tokio::test]
    async fn an_attempt_timeout_leaves_room_for_retries_within_the_call() {
        let (url, accepted) = silent_server().await;
        let client = Client::builder()
            .token(TOKEN)
            .base_url(url)
            .timeout(Duration::from_secs(3))
            .attempt_timeout(Duration::from_millis(300))
            .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(10)))
            .build()
            .unwrap();
        let started = Instant::now();
        let error = client.get_channel("1").await.unwrap_err();
        let elapsed = started.elapsed();
        assert!(error.is_timeout(), "{error}");
        assert_eq!(accepted.load(Ordering::SeqCst), 3, "three attempts");
        assert!(
            elapsed >= Duration::from_millis(900) && elapsed < Duration::from_secs(2),
            "{elapsed:?}"
        );
        // A message that may have arrived is not sent again.
        let before = accepted.load(Ordering::SeqCst);
        client.send_message(&message_request()).await.unwrap_err();
        assert_eq!(accepted.load(Ordering::SeqCst), before + 1);
    }

    #[tokio::test]
    async fn waiting_for_a_slot_counts_against_the_timeout() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(418))
            .mount(&server)
            .await;
        let timeout = Duration::from_secs(1);
        let client = builder(server.uri())
            .timeout(timeout)
            .max_in_flight(1)
            .build()
            .unwrap();
        // An undocumented answer keeps its slot while it is kept (its body unread).
        let held = client.get_channel("1").await.unwrap_err();
        assert!(matches!(held, Error::UnexpectedResponse(_)));
        let started = Instant::now();
        let error = client.get_channel("2").await.unwrap_err();
        assert_within(started.elapsed(), timeout);
        let Error::Timeout(waited) = &error else {
            panic!("expected a timeout before sending, got {error}");
        };
        assert_eq!(waited.timeout(), timeout);
        assert_eq!(server.received_requests().await.unwrap().len(), 1);
        drop(held);
        client.get_channel("3").await.unwrap_err();
        assert_eq!(server.received_requests().await.unwrap().len(), 2);
    }
}

mod rate_limits {
    use super::*;

    #[tokio::test]
    async fn retry_after_as_an_http_date_is_waited_for() {
        let server = MockServer::start().await;
        let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(3));
        Mock::given(method("POST"))
            .and(path("/messages"))
            .respond_with(ResponseTemplate::new(429).insert_header("retry-after", date.as_str()))
            .up_to_n_times(1)
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/messages"))
            .respond_with(ResponseTemplate::new(201).set_body_json(message_response()))
            .expect(1)
            .mount(&server)
            .await;
        let started = Instant::now();
        let sent = builder(server.uri())
            .build()
            .unwrap()
            .send_message(&message_request())
            .await
            .expect("sent after the date");
        assert_eq!(sent.id, "99");
        // The date has a one-second resolution: at least two seconds remain.
        assert!(
            started.elapsed() >= Duration::from_millis(1900),
            "retried after {:?}",
            started.elapsed()
        );
    }

    /// Answers `X-RateLimit-Remaining: 0` with a reset 2 s ahead, then
    /// refuses every request before the reset with `429`.
    struct Quota {
        reset_at: Mutex<Option<Instant>>,
        refused: Arc<AtomicUsize>,
    }

    impl Respond for Quota {
        fn respond(&self, _: &Request) -> ResponseTemplate {
            let mut reset_at = self.reset_at.lock().unwrap();
            match *reset_at {
                None => {
                    *reset_at = Some(Instant::now() + Duration::from_secs(2));
                    ResponseTemplate::new(200)
                        .set_body_json(json!([]))
                        .insert_header("x-ratelimit-limit", "1000")
                        .insert_header("x-ratelimit-remaining", "0")
                        .insert_header("x-ratelimit-reset", "2")
                }
                Some(at) if Instant::now() < at => {
                    self.refused.fetch_add(1, Ordering::SeqCst);
                    ResponseTemplate::new(429)
                }
                Some(_) => ResponseTemplate::new(200)
                    .set_body_json(json!([]))
                    .insert_header("x-ratelimit-remaining", "999"),
            }
        }
    }

    #[tokio::test]
    async fn an_exhausted_limit_waits_for_the_reset_instead_of_earning_a_429() {
        let server = MockServer::start().await;
        let refused = Arc::new(AtomicUsize::new(0));
        Mock::given(method("GET"))
            .respond_with(Quota {
                reset_at: Mutex::new(None),
                refused: Arc::clone(&refused),
            })
            .mount(&server)
            .await;
        let client = builder(server.uri())
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        client.list_channels(None, None).await.expect("first call");
        let started = Instant::now();
        client
            .list_channels(None, None)
            .await
            .expect("waited for the reset");
        assert!(started.elapsed() >= Duration::from_millis(1900));
        assert_eq!(refused.load(Ordering::SeqCst), 0, "the server said 429");
    }

    #[tokio::test]
    async fn a_reset_beyond_the_cap_is_not_waited_for() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!([]))
                    .insert_header("x-ratelimit-remaining", "0")
                    .insert_header("x-ratelimit-reset", "3600"),
            )
            .mount(&server)
            .await;
        let client = builder(server.uri()).build().unwrap();
        client.list_channels(None, None).await.unwrap();
        let started = Instant::now();
        client.list_channels(None, None).await.unwrap();
        assert!(started.elapsed() < Duration::from_secs(1));
    }
}

mod credentials {
    use super::*;

    #[test]
    fn a_token_that_is_not_visible_ascii_or_is_padded_is_refused_unseen() {
        for (token, problem) in [
            ("tökén-s3cret", CredentialProblem::NotVisibleAscii),
            ("s3cret token", CredentialProblem::NotVisibleAscii),
            (" s3cret", CredentialProblem::SurroundingWhitespace),
            ("s3cret\n", CredentialProblem::SurroundingWhitespace),
        ] {
            let error = Client::builder().token(token).build().unwrap_err();
            let BuildError::InvalidCredential(invalid) = &error else {
                panic!("{token:?}: {error:?}");
            };
            assert_eq!(invalid.problem(), problem, "{token:?}");
            assert_eq!(invalid.credential(), "access token");
            let shown = format!("{error} {error:?}");
            assert!(!shown.contains("s3cret"), "{shown}");
        }
    }

    #[test]
    fn a_user_agent_that_cannot_be_sent_is_refused() {
        for agent in ["my-app/1.0\r\nX-Injected: 1", "my-app\n", "mön-app/1"] {
            assert!(
                matches!(
                    builder("http://127.0.0.1:9").user_agent(agent).build(),
                    Err(BuildError::InvalidUserAgent(_))
                ),
                "{agent:?} was accepted"
            );
        }
        assert!(
            builder("http://127.0.0.1:9")
                .user_agent("my app/1.0 (x)")
                .build()
                .is_ok()
        );
    }

    #[tokio::test]
    async fn with_token_sends_one_call_with_another_token_on_the_same_client() {
        let server = MockServer::start().await;
        for token in [TOKEN, "token-of-another-app"] {
            Mock::given(method("GET"))
                .and(header("authorization", format!("Bearer {token}").as_str()))
                .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
                .expect(1)
                .mount(&server)
                .await;
        }
        let client = builder(server.uri()).build().unwrap();
        let other = client.with_token("token-of-another-app").unwrap();
        other.list_channels(None, None).await.unwrap();
        client.list_channels(None, None).await.unwrap();
        server.verify().await;
        assert!(!format!("{other:?}").contains("another"));
        assert!(matches!(
            client.with_token("bad token"),
            Err(BuildError::InvalidCredential(_))
        ));
        let query = builder(server.uri())
            .auth_location(AuthLocation::Query)
            .build()
            .unwrap()
            .with_token("t2")
            .unwrap();
        query.list_channels(None, None).await.unwrap_err();
        let last = server.received_requests().await.unwrap();
        assert_eq!(
            last.last().unwrap().url.query(),
            Some("access_token=t2"),
            "the other token goes where the client puts its own"
        );
    }
}

mod plans {
    use super::*;

    /// The most connections and requests the server saw at once.
    #[derive(Default)]
    struct Peak {
        connections: AtomicUsize,
        in_flight: AtomicUsize,
        max_connections: AtomicUsize,
        max_in_flight: AtomicUsize,
        served: AtomicUsize,
    }

    fn rise(now: &AtomicUsize, max: &AtomicUsize) {
        let value = now.fetch_add(1, Ordering::SeqCst) + 1;
        max.fetch_max(value, Ordering::SeqCst);
    }

    /// An HTTP/1.1 server answering `[]` to every request after 50 ms, over
    /// keep-alive connections, counting them.
    async fn counting_server() -> (SocketAddr, Arc<Peak>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let peak = Arc::new(Peak::default());
        let shared = Arc::clone(&peak);
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let peak = Arc::clone(&shared);
                tokio::spawn(async move {
                    rise(&peak.connections, &peak.max_connections);
                    let mut buffer = Vec::new();
                    let mut chunk = [0u8; 4096];
                    'connection: loop {
                        while !buffer.windows(4).any(|w| w == b"\r\n\r\n") {
                            match socket.read(&mut chunk).await {
                                Ok(0) | Err(_) => break 'connection,
                                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                            }
                        }
                        let end = buffer.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
                        buffer.drain(..end + 4);
                        rise(&peak.in_flight, &peak.max_in_flight);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        peak.in_flight.fetch_sub(1, Ordering::SeqCst);
                        peak.served.fetch_add(1, Ordering::SeqCst);
                        let answer = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n[]";
                        if socket.write_all(answer).await.is_err() {
                            break;
                        }
                    }
                    peak.connections.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        (address, peak)
    }

    #[test]
    fn the_presets_are_the_documented_plans() {
        assert_eq!(
            (Plan::Free.requests_per_hour(), Plan::Free.connections()),
            (1000, 3)
        );
        assert_eq!(
            (
                Plan::Developer.requests_per_hour(),
                Plan::Developer.connections()
            ),
            (2000, 10)
        );
        assert!(matches!(
            builder("http://127.0.0.1:9").max_in_flight(0).build(),
            Err(BuildError::InvalidInFlightLimit)
        ));
    }

    #[tokio::test]
    async fn the_free_plan_keeps_to_three_simultaneous_connections() {
        let (address, peak) = counting_server().await;
        let client = builder(format!("http://{address}"))
            .plan(Plan::Free)
            .build()
            .unwrap();
        let calls = (0..24).map(|_| client.list_channels(None, None));
        for result in futures::future::join_all(calls).await {
            result.expect("served");
        }
        assert_eq!(peak.served.load(Ordering::SeqCst), 24);
        assert_eq!(peak.max_in_flight.load(Ordering::SeqCst), 3);
        let connections = peak.max_connections.load(Ordering::SeqCst);
        assert!(connections <= 3, "{connections} simultaneous connections");
    }

    #[tokio::test]
    async fn clones_and_other_tokens_share_the_limit() {
        let (address, peak) = counting_server().await;
        let client = builder(format!("http://{address}"))
            .max_in_flight(2)
            .build()
            .unwrap();
        let other = client.with_token("another-token").unwrap();
        let copy = client.clone();
        let calls = (0..6).flat_map(|_| {
            [
                client.list_channels(None, None),
                other.list_channels(None, None),
                copy.list_channels(None, None),
            ]
        });
        for result in futures::future::join_all(calls).await {
            result.expect("served");
        }
        assert_eq!(peak.max_in_flight.load(Ordering::SeqCst), 2);
    }
}
