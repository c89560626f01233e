//! `webex_connect::notification::axum`: the notification receiver over real
//! HTTP on 127.0.0.1.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};
use webex_connect::notification::DeliveryCode;
use webex_connect::notification::NotificationError;
use webex_connect::notification::axum::{Delivery, MemoryStore, Notifications, Receiver};

/// A delivery notification as the docs print one.
const NOTIFICATION: &[u8] = br#"{"deliveryInfoNotification":{"deliveryInfo":{"deliveryChannel":"SMS","Description":"Delivered","destinationType":"msisdn","timeStamp":"2016-07-20T17:13:17.908","code":"7500","deliveryStatus":"Delivered","destination":"918800000000"},"transid":"4b8a3e2f","correlationid":"order-1234"}}"#;

async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let address = listener.local_addr().expect("local address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    address
}

/// A receiver whose inline handler counts its calls and passes each
/// delivery on.
struct Harness {
    address: SocketAddr,
    calls: Arc<AtomicUsize>,
    deliveries: mpsc::UnboundedReceiver<Delivery>,
}

async fn harness(receiver: Receiver) -> Harness {
    let calls = Arc::new(AtomicUsize::new(0));
    let (sender, deliveries) = mpsc::unbounded_channel();
    let counter = Arc::clone(&calls);
    let router = Router::new().route(
        "/notify",
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
    Harness {
        address: serve(router).await,
        calls,
        deliveries,
    }
}

async fn post(address: SocketAddr, body: impl Into<reqwest::Body>) -> reqwest::Response {
    webex_connect::http_client_builder()
        .expect("TLS set up")
        .no_proxy()
        .build()
        .expect("HTTP client")
        .post(format!("http://{address}/notify"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("the receiver answers")
}

/// Writes `raw` on a new connection, then reads until the server closes it.
async fn exchange(address: SocketAddr, raw: &[u8]) -> (String, Duration) {
    let mut stream = TcpStream::connect(address).await.expect("connect");
    stream.write_all(raw).await.expect("write");
    let started = Instant::now();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("the server ends the connection in time")
        .expect("read");
    (
        String::from_utf8_lossy(&answer).into_owned(),
        started.elapsed(),
    )
}

#[tokio::test]
async fn a_notification_is_handed_over_and_answered_200() {
    let mut harness = harness(Receiver::new(Notifications)).await;
    let response = post(harness.address, NOTIFICATION).await;
    assert_eq!(response.status(), StatusCode::OK);
    let delivery = harness.deliveries.recv().await.expect("delivered");
    assert_eq!(delivery.body, NOTIFICATION);
    let notification = delivery.notification.expect("parses");
    let body = notification.delivery_info_notification;
    assert_eq!(body.delivery_info.code, DeliveryCode::Delivered);
    assert_eq!(body.transid.as_deref(), Some("4b8a3e2f"));
    assert_eq!(harness.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_oversize_body_is_answered_413_and_never_handed_over() {
    let limit = 512;
    let harness = harness(Receiver::new(Notifications).body_limit(limit)).await;
    let mut body = NOTIFICATION.to_vec();
    body.resize(limit + 1, b' ');
    // With a Content-Length.
    let response = post(harness.address, body.clone()).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(response.text().await.expect("text").contains("512 bytes"));
    // Chunked, without one.
    let mut raw =
        b"POST /notify HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for chunk in body.chunks(100) {
        raw.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        raw.extend_from_slice(chunk);
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"0\r\n\r\n");
    let (answer, _) = exchange(harness.address, &raw).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    // At the limit: handed over.
    body.truncate(limit);
    assert_eq!(post(harness.address, body).await.status(), StatusCode::OK);
    assert_eq!(harness.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_stalled_body_is_answered_408_within_the_timeout() {
    let timeout = Duration::from_millis(300);
    let harness = harness(Receiver::new(Notifications).body_timeout(timeout)).await;
    let mut raw = format!(
        "POST /notify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\n\r\n",
        NOTIFICATION.len()
    )
    .into_bytes();
    raw.extend_from_slice(&NOTIFICATION[..10]);
    let (answer, elapsed) = exchange(harness.address, &raw).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("connection: close"),
        "{answer}"
    );
    assert!(elapsed >= timeout, "answered after {elapsed:?}");
    assert_eq!(harness.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_malformed_notification_is_refused_or_handed_over_with_its_error() {
    let mut harness = harness(Receiver::new(Notifications)).await;
    // Not JSON at all: 400, never handed over.
    for body in [
        &b"deliveryInfo=1"[..],
        b"",
        b"{\"deliveryInfoNotification\":",
    ] {
        let response = post(harness.address, body).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let message = response.text().await.expect("text");
        assert!(message.contains("not JSON"), "{message}");
    }
    assert_eq!(harness.calls.load(Ordering::SeqCst), 0);

    // JSON, but not a notification as documented: handed over, with the path.
    let body = br#"{"deliveryInfoNotification":{"deliveryInfo":{"code":7500}}}"#;
    let response = post(harness.address, &body[..]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let delivery = harness.deliveries.recv().await.expect("delivered");
    assert_eq!(delivery.body, &body[..]);
    match delivery.notification {
        Err(NotificationError::Shape { path, .. }) => {
            assert_eq!(path, "deliveryInfoNotification.deliveryInfo.code");
        }
        other => panic!("expected a shape error, got {other:?}"),
    }
}

#[tokio::test]
async fn queued_notifications_are_answered_before_they_are_processed_and_503_when_full() {
    let (queue, mut notifications) = mpsc::channel::<Delivery>(1);
    let address =
        serve(Router::new().route("/notify", Receiver::new(Notifications).queued(queue))).await;

    let response = post(address, NOTIFICATION).await;
    assert_eq!(response.status(), StatusCode::OK);
    // The queue holds one: the next is refused, for the platform to retry.
    let other = String::from_utf8_lossy(NOTIFICATION).replace("4b8a3e2f", "5c9b4f30");
    let response = post(address, other.clone()).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);

    // A slow consumer: the 200 came before it finished.
    let finished = Arc::new(AtomicBool::new(false));
    let (go, wait) = oneshot::channel::<()>();
    let done = Arc::clone(&finished);
    let worker = tokio::spawn(async move {
        let first = notifications.recv().await.expect("first");
        let second = notifications.recv().await.expect("second");
        wait.await.expect("go");
        done.store(true, Ordering::SeqCst);
        (first, second)
    });
    tokio::task::yield_now().await;
    let response = post(address, other.clone()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(!finished.load(Ordering::SeqCst));
    go.send(()).expect("the worker waits");
    let (first, second) = worker.await.expect("worker");
    assert_eq!(first.body, NOTIFICATION);
    assert_eq!(second.body, other.as_bytes());
}

#[tokio::test]
async fn the_same_notification_sent_seven_times_is_handed_over_once() {
    let harness = harness(Receiver::new(Notifications).deduplicate(MemoryStore::new())).await;
    for _ in 0..7 {
        assert_eq!(
            post(harness.address, NOTIFICATION).await.status(),
            StatusCode::OK
        );
    }
    assert_eq!(harness.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn serve_closes_a_connection_whose_headers_stall() {
    let bound = Duration::from_millis(300);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let address = listener.local_addr().expect("local address");
    let router = Router::new().route(
        "/notify",
        Receiver::new(Notifications).inline(|_: Delivery| async { Ok::<(), StatusCode>(()) }),
    );
    tokio::spawn(webex_connect::notification::axum::serve(
        listener, router, bound,
    ));
    let (_, elapsed) = exchange(address, b"POST /notify HTTP/1.1\r\nHost: 127.0.0.1\r\n").await;
    assert!(elapsed >= bound, "closed after {elapsed:?}");
    assert_eq!(post(address, NOTIFICATION).await.status(), StatusCode::OK);
}

/// Every deep notification posted to one receiver: each is answered (it is
/// JSON, so kept with its error, not refused) and the same process then
/// serves a valid notification.
#[tokio::test]
async fn notifications_nested_a_million_deep_are_answered_and_the_next_is_served() {
    let receiver = Receiver::new(Notifications).body_limit(8 * 1024 * 1024);
    let mut harness = harness(receiver).await;
    for (name, body) in crate::deep::bodies() {
        let response = post(harness.address, body.clone()).await;
        assert_eq!(response.status(), StatusCode::OK, "{name}");
        let delivery = harness.deliveries.recv().await.expect("delivered");
        assert_eq!(delivery.body, body, "{name}: the bytes are kept");
        assert!(delivery.notification.is_err(), "{name}");
    }
    let response = post(harness.address, NOTIFICATION).await;
    assert_eq!(response.status(), StatusCode::OK);
    let delivery = harness.deliveries.recv().await.expect("delivered");
    assert!(delivery.notification.is_ok());
}
