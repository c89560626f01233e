//! `amio::webhook::axum`: the receiver over real HTTP on 127.0.0.1.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use amio::webhook::axum::{
    DEFAULT_BODY_LIMIT, DEFAULT_BODY_TIMEOUT, DEFAULT_HEADER_TIMEOUT, Delivery, MemoryStore,
    Receiver,
};
use amio::webhook::{self, Event, Secrets, SignatureError};
use axum::Router;
use axum::http::StatusCode;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};

use crate::webhook::{FORGED_DATA, REFERENCE_BODY, REFERENCE_SECRET, REFERENCE_SIGNATURE, forged};

/// Serves `router` on 127.0.0.1, on a port the system picks.
async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let address = listener.local_addr().expect("local address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    address
}

fn client() -> reqwest::Client {
    amio::http_client_builder()
        .expect("TLS set up")
        .no_proxy()
        .build()
        .expect("HTTP client")
}

/// A receiver of the reference secret whose handler counts its calls and
/// passes each event on.
struct Harness {
    url: String,
    calls: Arc<AtomicUsize>,
    events: mpsc::UnboundedReceiver<Delivery>,
}

async fn harness(receiver: Receiver) -> Harness {
    let calls = Arc::new(AtomicUsize::new(0));
    let (sender, events) = mpsc::unbounded_channel();
    let counter = Arc::clone(&calls);
    let router = Router::new().route(
        "/webhook",
        receiver.inline(move |delivery: Delivery| {
            let counter = Arc::clone(&counter);
            let sender = sender.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                sender
                    .send(delivery)
                    .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)
            }
        }),
    );
    let address = serve(router).await;
    Harness {
        url: format!("http://{address}/webhook"),
        calls,
        events,
    }
}

fn reference_receiver() -> Receiver {
    Receiver::new(Secrets::new().with_channel("viber_service_messages_test", REFERENCE_SECRET))
}

async fn post(
    url: &str,
    body: impl Into<reqwest::Body>,
    signature: Option<&str>,
) -> reqwest::Response {
    let mut request = client()
        .post(url)
        .header("content-type", "application/json")
        .body(body);
    if let Some(signature) = signature {
        request = request.header(webhook::SIGNATURE_HEADER, signature);
    }
    request.send().await.expect("the receiver answers")
}

/// Checks the documented Amio error JSON and returns its first message.
async fn error_message(response: reqwest::Response, status: StatusCode) -> String {
    assert_eq!(response.status(), status);
    assert_eq!(
        response.headers()["content-type"],
        "application/json",
        "an error answers JSON"
    );
    let body: Value = response.json().await.expect("a JSON error body");
    assert_eq!(body["status"]["code"], status.as_str());
    assert_eq!(
        body["status"]["message"],
        status.canonical_reason().expect("a reason")
    );
    let timestamp = body["timestamp"].as_str().expect("a timestamp");
    chrono::DateTime::parse_from_rfc3339(timestamp).expect("an RFC 3339 timestamp");
    // The body is the crate's own error type, as a client would read it.
    let parsed: amio::types::ErrorResponse = serde_json::from_value(body).expect("ErrorResponse");
    let errors = parsed.errors.expect("errors");
    assert_eq!(errors.len(), 1);
    errors[0].message.clone()
}

#[tokio::test]
async fn a_valid_event_is_answered_200_and_handled_once() {
    let mut harness = harness(reference_receiver()).await;
    let response = post(&harness.url, REFERENCE_BODY, Some(REFERENCE_SIGNATURE)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(harness.calls.load(Ordering::SeqCst), 1);
    let delivery = harness
        .events
        .recv()
        .await
        .expect("the handler got the event");
    assert_eq!(
        delivery.channel_id.as_deref(),
        Some("viber_service_messages_test")
    );
    let event = delivery.event.expect("the reference body parses");
    let Event::MessagesDelivered(delivered) = event else {
        panic!("expected messages_delivered, got {event:?}")
    };
    assert_eq!(delivered.data.messages[0].id, "151990525359991");
    assert!(harness.events.try_recv().is_err(), "exactly one event");
}

#[tokio::test]
async fn a_bad_signature_is_answered_401_and_never_handled() {
    let harness = harness(reference_receiver()).await;
    let wrong = webhook::sign(b"not the secret", REFERENCE_BODY);
    let cases = [
        (Some(wrong.as_str()), "does not match"),
        (None, "no X-Hub-Signature header"),
        (Some("sha1=xyz"), "not hexadecimal"),
        (Some("md5=0123"), "does not start with `sha1=`"),
    ];
    for (signature, expected) in cases {
        let response = post(&harness.url, REFERENCE_BODY, signature).await;
        let message = error_message(response, StatusCode::UNAUTHORIZED).await;
        assert!(message.contains(expected), "{signature:?}: {message}");
    }
    // A body changed after signing.
    let changed =
        String::from_utf8_lossy(REFERENCE_BODY).replace("151990525359991", "151990525359992");
    let response = post(&harness.url, changed, Some(REFERENCE_SIGNATURE)).await;
    error_message(response, StatusCode::UNAUTHORIZED).await;
    // A channel without a secret.
    let other = String::from_utf8_lossy(REFERENCE_BODY)
        .replace("viber_service_messages_test", "6456078759331238786");
    let signature = webhook::sign(REFERENCE_SECRET, other.as_bytes());
    let response = post(&harness.url, other, Some(&signature)).await;
    let message = error_message(response, StatusCode::UNAUTHORIZED).await;
    // Answered as a mismatch: the sender learns nothing of which channels
    // have a secret.
    assert!(!message.contains("6456078759331238786"), "{message}");
    assert_eq!(message, SignatureError::Mismatch.to_string());

    assert_eq!(
        harness.calls.load(Ordering::SeqCst),
        0,
        "the handler never ran"
    );
}

#[tokio::test]
async fn an_oversized_body_is_answered_413_and_never_handled() {
    let limit = 1024;
    let harness = harness(reference_receiver().body_limit(limit)).await;
    let padded = |size: usize| {
        let mut body = REFERENCE_BODY.to_vec();
        body.resize(size, b' ');
        body
    };

    // At the limit: accepted (trailing whitespace is valid JSON).
    let body = padded(limit);
    let signature = webhook::sign(REFERENCE_SECRET, &body);
    let response = post(&harness.url, body, Some(&signature)).await;
    assert_eq!(response.status(), StatusCode::OK);

    // One byte over, with a Content-Length.
    let body = padded(limit + 1);
    let signature = webhook::sign(REFERENCE_SECRET, &body);
    let response = post(&harness.url, body, Some(&signature)).await;
    let message = error_message(response, StatusCode::PAYLOAD_TOO_LARGE).await;
    assert!(message.contains("1024 bytes"), "{message}");

    // Over, streamed in chunks without a Content-Length.
    let body = padded(4 * limit);
    let signature = webhook::sign(REFERENCE_SECRET, &body);
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        body.chunks(256).map(|chunk| Ok(chunk.to_vec())).collect();
    let streamed = reqwest::Body::wrap_stream(futures::stream::iter(chunks));
    let response = post(&harness.url, streamed, Some(&signature)).await;
    error_message(response, StatusCode::PAYLOAD_TOO_LARGE).await;

    assert_eq!(
        harness.calls.load(Ordering::SeqCst),
        1,
        "only the body at the limit was handled"
    );
}

#[tokio::test]
async fn the_default_limit_is_one_mebibyte() {
    assert_eq!(DEFAULT_BODY_LIMIT, 1024 * 1024);
    let harness = harness(reference_receiver()).await;
    let mut body = REFERENCE_BODY.to_vec();
    body.resize(DEFAULT_BODY_LIMIT + 1, b' ');
    let signature = webhook::sign(REFERENCE_SECRET, &body);
    let response = post(&harness.url, body, Some(&signature)).await;
    error_message(response, StatusCode::PAYLOAD_TOO_LARGE).await;
    assert_eq!(harness.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_signed_body_that_is_not_an_event_reaches_the_handler() {
    let mut harness = harness(Receiver::new(Secrets::single(REFERENCE_SECRET))).await;
    for body in [
        &b"{\"event\":"[..],
        br#"{"event":"postback","timestamp":"2017-03-01T15:49:02.243Z"}"#,
    ] {
        let signature = webhook::sign(REFERENCE_SECRET, body);
        let response = post(&harness.url, body, Some(&signature)).await;
        assert_eq!(response.status(), StatusCode::OK);
        let delivery = harness.events.recv().await.expect("delivered");
        assert_eq!(delivery.body, body, "the raw bytes, as signed");
        let error = delivery.event.expect_err("not an event");
        assert!(error.to_string().contains("webhook body"), "{error}");
    }
    assert_eq!(harness.calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_handler_that_refuses_the_event_chooses_the_answer() {
    let router = Router::new().route(
        "/webhook",
        reference_receiver().inline(|_: Delivery| async { Err(StatusCode::SERVICE_UNAVAILABLE) }),
    );
    let address = serve(router).await;
    let response = post(
        &format!("http://{address}/webhook"),
        REFERENCE_BODY,
        Some(REFERENCE_SIGNATURE),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn the_delivery_extractor_runs_before_the_handler() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let router = Router::new()
        .route(
            "/webhook",
            axum::routing::post(move |delivery: Delivery| {
                let counter = Arc::clone(&counter);
                async move {
                    counter.fetch_add(1, Ordering::SeqCst);
                    let event = delivery.event.expect("the reference body parses");
                    assert_eq!(event.event(), "messages_delivered");
                    StatusCode::NO_CONTENT
                }
            }),
        )
        .with_state(reference_receiver());
    let address = serve(router).await;
    let url = format!("http://{address}/webhook");

    let response = post(&url, REFERENCE_BODY, Some(REFERENCE_SIGNATURE)).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let response = post(&url, REFERENCE_BODY, None).await;
    error_message(response, StatusCode::UNAUTHORIZED).await;
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

// ---------------------------------------------------------------------------
// One judgement per body

#[tokio::test]
async fn forged_channel_bodies_are_answered_401_and_never_handled() {
    let secrets = Secrets::new()
        .with_channel("A", "secret-of-a")
        .with_default("default-secret");
    let harness = harness(Receiver::new(secrets)).await;
    for (path, data) in FORGED_DATA {
        let (body, signature) = forged(data, b"default-secret");
        let response = post(&harness.url, body, Some(&signature)).await;
        let message = error_message(response, StatusCode::UNAUTHORIZED).await;
        assert!(message.contains(path), "{data}: {message}");
    }
    assert_eq!(harness.calls.load(Ordering::SeqCst), 0);
}

// ---------------------------------------------------------------------------
// Slow clients

/// Sends `head` and `body` on a raw connection, then reads until the server
/// closes it (at most `patience`): what came back, and when it ended.
async fn stall(address: SocketAddr, raw: &[u8], patience: Duration) -> (String, Duration) {
    let mut stream = TcpStream::connect(address).await.expect("connect");
    stream.write_all(raw).await.expect("write");
    let started = Instant::now();
    let mut answer = Vec::new();
    tokio::time::timeout(patience, stream.read_to_end(&mut answer))
        .await
        .expect("the server ends the connection in time")
        .expect("read");
    (
        String::from_utf8_lossy(&answer).into_owned(),
        started.elapsed(),
    )
}

fn head_with_length(length: usize) -> String {
    format!(
        "POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         X-Hub-Signature: {REFERENCE_SIGNATURE}\r\nContent-Length: {length}\r\n\r\n"
    )
}

#[tokio::test]
async fn a_stalled_body_is_answered_408_within_the_timeout() {
    assert_eq!(DEFAULT_BODY_TIMEOUT, Duration::from_secs(5));
    let timeout = Duration::from_millis(300);
    let harness = harness(reference_receiver().body_timeout(timeout)).await;
    let address = harness.url["http://".len()..]
        .trim_end_matches("/webhook")
        .parse()
        .expect("address");
    // Ten bytes of a body announced as longer, then nothing.
    let mut raw = head_with_length(REFERENCE_BODY.len()).into_bytes();
    raw.extend_from_slice(&REFERENCE_BODY[..10]);
    let (answer, elapsed) = stall(address, &raw, Duration::from_secs(10)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("connection: close"),
        "{answer}"
    );
    assert!(answer.contains("300 ms"), "{answer}");
    assert!(elapsed >= timeout, "answered after {elapsed:?}");
    assert_eq!(harness.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn serve_bounds_the_time_to_send_headers() {
    assert_eq!(DEFAULT_HEADER_TIMEOUT, Duration::from_secs(5));
    let bound = Duration::from_millis(300);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let address = listener.local_addr().expect("local address");
    let router = Router::new().route(
        "/webhook",
        reference_receiver().inline(|_: Delivery| async { Ok::<(), StatusCode>(()) }),
    );
    tokio::spawn(amio::webhook::axum::serve(listener, router, bound));

    // Half a request head, then nothing: the connection is closed.
    let (_, elapsed) = stall(
        address,
        b"POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\n",
        Duration::from_secs(10),
    )
    .await;
    assert!(elapsed >= bound, "closed after {elapsed:?}");

    // A whole request is served as usual.
    let response = post(
        &format!("http://{address}/webhook"),
        REFERENCE_BODY,
        Some(REFERENCE_SIGNATURE),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn axum_serve_alone_does_not_bound_header_time() {
    // Why `serve` exists: the same half request stays open under axum::serve.
    let harness = harness(reference_receiver()).await;
    let address: SocketAddr = harness.url["http://".len()..]
        .trim_end_matches("/webhook")
        .parse()
        .expect("address");
    let mut stream = TcpStream::connect(address).await.expect("connect");
    stream
        .write_all(b"POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .await
        .expect("write");
    let mut byte = [0; 1];
    let read = tokio::time::timeout(Duration::from_secs(1), stream.read(&mut byte)).await;
    assert!(read.is_err(), "still open after 1 s: {read:?}");
}

// ---------------------------------------------------------------------------
// Queued mode

/// Serves `receiver` queued into a channel of `capacity`.
async fn queued(receiver: Receiver, capacity: usize) -> (String, mpsc::Receiver<Delivery>) {
    let (queue, deliveries) = mpsc::channel(capacity);
    let address = serve(Router::new().route("/webhook", receiver.queued(queue))).await;
    (format!("http://{address}/webhook"), deliveries)
}

/// The reference body with another message id: another delivery.
fn other_delivery(id: u32) -> (Vec<u8>, String) {
    let body = String::from_utf8_lossy(REFERENCE_BODY)
        .replace("151990525359991", &id.to_string())
        .into_bytes();
    let signature = webhook::sign(REFERENCE_SECRET, &body);
    (body, signature)
}

#[tokio::test]
async fn queued_mode_answers_200_before_a_slow_handler_finishes() {
    let (url, mut deliveries) = queued(reference_receiver(), 8).await;
    let finished = Arc::new(AtomicBool::new(false));
    let (go, wait) = oneshot::channel::<()>();
    let done = Arc::clone(&finished);
    let worker = tokio::spawn(async move {
        let delivery = deliveries.recv().await.expect("a delivery");
        // Slow work: it ends only when the test says so.
        wait.await.expect("go");
        done.store(true, Ordering::SeqCst);
        delivery
    });

    let response = post(&url, REFERENCE_BODY, Some(REFERENCE_SIGNATURE)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        !finished.load(Ordering::SeqCst),
        "answered while the handler is still working"
    );
    go.send(()).expect("the worker waits");
    let delivery = worker.await.expect("worker");
    assert!(finished.load(Ordering::SeqCst));
    assert_eq!(
        delivery.event.expect("parses").event(),
        "messages_delivered"
    );
}

#[tokio::test]
async fn a_full_queue_answers_503_and_the_re_delivery_is_queued() {
    let (url, mut deliveries) = queued(reference_receiver(), 1).await;
    let response = post(&url, REFERENCE_BODY, Some(REFERENCE_SIGNATURE)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let (second, signature) = other_delivery(2);
    let response = post(&url, second.clone(), Some(&signature)).await;
    let message = error_message(response, StatusCode::SERVICE_UNAVAILABLE).await;
    assert!(message.contains("full"), "{message}");

    // Drained, the queue takes the re-delivery.
    let first = deliveries.recv().await.expect("the first delivery");
    assert_eq!(first.body, REFERENCE_BODY);
    let response = post(&url, second.clone(), Some(&signature)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(deliveries.recv().await.expect("the second").body, second);
    assert!(deliveries.try_recv().is_err(), "nothing else was queued");

    // Nobody drains any more: 503, never a 200 for an event not handed over.
    drop(deliveries);
    let response = post(&url, REFERENCE_BODY, Some(REFERENCE_SIGNATURE)).await;
    let message = error_message(response, StatusCode::SERVICE_UNAVAILABLE).await;
    assert!(message.contains("closed"), "{message}");
}

// ---------------------------------------------------------------------------
// De-duplication

#[tokio::test]
async fn seven_identical_deliveries_run_the_handler_once() {
    let mut harness = harness(reference_receiver().deduplicate(MemoryStore::new())).await;
    for attempt in 1..=7 {
        let response = post(&harness.url, REFERENCE_BODY, Some(REFERENCE_SIGNATURE)).await;
        assert_eq!(response.status(), StatusCode::OK, "attempt {attempt}");
    }
    assert_eq!(harness.calls.load(Ordering::SeqCst), 1);
    let delivery = harness.events.recv().await.expect("one delivery");
    assert_eq!(delivery.key_hex(), &REFERENCE_SIGNATURE["sha1=".len()..]);
    // Another body is another delivery.
    let (body, signature) = other_delivery(2);
    let response = post(&harness.url, body, Some(&signature)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(harness.calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_delivery_the_handler_failed_is_handled_when_it_comes_again() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let router = Router::new().route(
        "/webhook",
        reference_receiver()
            .deduplicate(MemoryStore::new())
            .inline(move |_: Delivery| {
                let counter = Arc::clone(&counter);
                async move {
                    match counter.fetch_add(1, Ordering::SeqCst) {
                        0 => Err(StatusCode::INTERNAL_SERVER_ERROR),
                        _ => Ok(()),
                    }
                }
            }),
    );
    let url = format!("http://{}/webhook", serve(router).await);
    let statuses = [
        StatusCode::INTERNAL_SERVER_ERROR,
        StatusCode::OK,
        StatusCode::OK,
    ];
    for (attempt, expected) in statuses.into_iter().enumerate() {
        let response = post(&url, REFERENCE_BODY, Some(REFERENCE_SIGNATURE)).await;
        assert_eq!(response.status(), expected, "attempt {attempt}");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 2, "failed once, handled once");
}

#[tokio::test]
async fn a_duplicate_of_a_delivery_in_flight_is_answered_503() {
    let (started, mut has_started) = mpsc::unbounded_channel::<()>();
    let (release, released) = mpsc::unbounded_channel::<()>();
    let released = Arc::new(tokio::sync::Mutex::new(released));
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let router = Router::new().route(
        "/webhook",
        reference_receiver()
            .deduplicate(MemoryStore::new())
            .inline(move |_: Delivery| {
                let (started, released) = (started.clone(), Arc::clone(&released));
                let counter = Arc::clone(&counter);
                async move {
                    counter.fetch_add(1, Ordering::SeqCst);
                    started
                        .send(())
                        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
                    released.lock().await.recv().await;
                    Ok::<(), StatusCode>(())
                }
            }),
    );
    let url = format!("http://{}/webhook", serve(router).await);
    let first = tokio::spawn({
        let url = url.clone();
        async move {
            post(&url, REFERENCE_BODY, Some(REFERENCE_SIGNATURE))
                .await
                .status()
        }
    });
    has_started
        .recv()
        .await
        .expect("the first is being handled");
    let response = post(&url, REFERENCE_BODY, Some(REFERENCE_SIGNATURE)).await;
    let message = error_message(response, StatusCode::SERVICE_UNAVAILABLE).await;
    assert!(message.contains("being handled"), "{message}");
    release.send(()).expect("release");
    assert_eq!(first.await.expect("first"), StatusCode::OK);
    let response = post(&url, REFERENCE_BODY, Some(REFERENCE_SIGNATURE)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_delivery_the_full_queue_refused_is_queued_when_it_comes_again() {
    let (url, mut deliveries) =
        queued(reference_receiver().deduplicate(MemoryStore::new()), 1).await;
    let (second, signature) = other_delivery(2);
    for (body, signature, status) in [
        (
            REFERENCE_BODY.to_vec(),
            REFERENCE_SIGNATURE.to_owned(),
            StatusCode::OK,
        ),
        (
            second.clone(),
            signature.clone(),
            StatusCode::SERVICE_UNAVAILABLE,
        ),
        // A duplicate of what is queued: not queued twice.
        (
            REFERENCE_BODY.to_vec(),
            REFERENCE_SIGNATURE.to_owned(),
            StatusCode::OK,
        ),
    ] {
        let response = post(&url, body, Some(&signature)).await;
        assert_eq!(response.status(), status);
    }
    assert_eq!(deliveries.recv().await.expect("first").body, REFERENCE_BODY);
    let response = post(&url, second.clone(), Some(&signature)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(deliveries.recv().await.expect("second").body, second);
    assert!(deliveries.try_recv().is_err());
}

mod deep {
    use super::*;
    use crate::deep::{SECRET, bodies};

    /// Every deep body, signed, posted to one receiver: each is answered, the
    /// verified ones acknowledged and handed on with their parse error, and
    /// the same process then serves a valid event.
    #[tokio::test]
    async fn signed_bodies_nested_a_million_deep_are_answered_and_the_next_is_served() {
        // Room for the million-deep bodies, so that they are parsed, not
        // refused for their size.
        let receiver = Receiver::new(Secrets::single(SECRET)).body_limit(8 * 1024 * 1024);
        let mut harness = harness(receiver).await;
        let mut handed_on = 0;
        for (name, body) in bodies() {
            let signature = webhook::sign(SECRET, &body);
            let response = post(&harness.url, body.clone(), Some(&signature)).await;
            assert_eq!(response.status(), StatusCode::OK, "{name}");
            handed_on += 1;
            let delivery = harness.events.recv().await.expect("handed on");
            assert_eq!(&delivery.body[..], &body[..], "{name}: the bytes are kept");
            assert!(delivery.event.is_err(), "{name}: not an event");
        }
        assert_eq!(harness.calls.load(Ordering::SeqCst), handed_on);

        // Still up: a valid event after them.
        let valid = REFERENCE_BODY;
        let signature = webhook::sign(SECRET, valid);
        let response = post(&harness.url, valid, Some(&signature)).await;
        assert_eq!(response.status(), StatusCode::OK);
        let delivery = harness.events.recv().await.expect("handed on");
        assert_eq!(
            delivery.event.expect("parses").event(),
            "messages_delivered"
        );
    }

    #[tokio::test]
    async fn a_deep_body_over_the_size_limit_is_refused_for_its_size() {
        let mut harness = harness(Receiver::new(Secrets::single(SECRET))).await;
        let body = crate::deep::body(
            1_000_000,
            crate::deep::Nesting::Mixed,
            crate::deep::Place::UnionPayload,
        );
        assert!(body.len() > DEFAULT_BODY_LIMIT);
        let signature = webhook::sign(SECRET, &body);
        let response = post(&harness.url, body, Some(&signature)).await;
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let signature = webhook::sign(SECRET, REFERENCE_BODY);
        let response = post(&harness.url, REFERENCE_BODY, Some(&signature)).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(
            harness
                .events
                .recv()
                .await
                .expect("handed on")
                .event
                .is_ok()
        );
    }
}
