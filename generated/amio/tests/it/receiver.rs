//! `amio::webhook::axum`: the receiver over real HTTP on 127.0.0.1.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use amio::webhook::axum::{DEFAULT_BODY_LIMIT, Receiver, Verified};
use amio::webhook::{self, Event, Secrets};
use axum::Router;
use axum::http::StatusCode;
use serde_json::Value;
use tokio::sync::mpsc;

use crate::webhook::{REFERENCE_BODY, REFERENCE_SECRET, REFERENCE_SIGNATURE};

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
    events: mpsc::UnboundedReceiver<Event>,
}

async fn harness(receiver: Receiver) -> Harness {
    let calls = Arc::new(AtomicUsize::new(0));
    let (sender, events) = mpsc::unbounded_channel();
    let counter = Arc::clone(&calls);
    let router = Router::new().route(
        "/webhook",
        receiver.handle(move |event: Event| {
            let counter = Arc::clone(&counter);
            let sender = sender.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                sender
                    .send(event)
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
    let event = harness
        .events
        .recv()
        .await
        .expect("the handler got the event");
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
    assert!(message.contains("6456078759331238786"), "{message}");

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
async fn a_signed_body_that_is_not_an_event_is_answered_400() {
    let harness = harness(Receiver::new(Secrets::single(REFERENCE_SECRET))).await;
    for body in [
        &b"{\"event\":"[..],
        br#"{"event":"postback","timestamp":"2017-03-01T15:49:02.243Z"}"#,
    ] {
        let signature = webhook::sign(REFERENCE_SECRET, body);
        let response = post(&harness.url, body, Some(&signature)).await;
        let message = error_message(response, StatusCode::BAD_REQUEST).await;
        assert!(message.contains("webhook body"), "{message}");
    }
    assert_eq!(harness.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_handler_that_refuses_the_event_chooses_the_answer() {
    let router = Router::new().route(
        "/webhook",
        reference_receiver().handle(|_event: Event| async { Err(StatusCode::SERVICE_UNAVAILABLE) }),
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
async fn the_verified_extractor_runs_before_the_handler() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let router = Router::new()
        .route(
            "/webhook",
            axum::routing::post(move |Verified(event): Verified| {
                let counter = Arc::clone(&counter);
                async move {
                    counter.fetch_add(1, Ordering::SeqCst);
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
