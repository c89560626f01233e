//! The receiver's own overhead over loopback: requests per second through
//! `amio::webhook::axum::Receiver` (inline, with a handler that does
//! nothing) against a bare axum route that reads the body and answers 200,
//! on the docs' reference body and on a 64 KiB body. One keep-alive HTTP/1.1
//! connection, one request at a time. `machinery` is the same receiver with
//! a judge that only checks the HMAC (no parsing): the cost of the shared
//! runtime itself (body limit and timeout, hand-over, response). Run with
//! `cargo bench -p amio --features axum --bench receiver`.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::LazyLock;

use amio::webhook::axum::{Delivery, Receiver};
use amio::webhook::{self, Secrets};
use axum::Router;
use axum::body::Bytes;
use axum::http::{Request, StatusCode};
use bindings_runtime::receiver::Judge;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use tokio::runtime::Runtime;

fn main() {
    LazyLock::force(&LARGE);
    divan::main();
}

const SECRET: &[u8] = b"WebhookSecret";
const REFERENCE: &[u8] = br#"{"event":"messages_delivered","timestamp":"2018-03-01T11:54:14.886Z","data":{"channel":{"id":"viber_service_messages_test","type":"viber"},"contact":{"phone_number":"+420606123456"},"messages":[{"id":"151990525359991"}]}}"#;

/// A `message_received` of about 64 KiB (many NLP intents).
static LARGE: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let intents: Vec<serde_json::Value> = (0..1400)
        .map(|i| serde_json::json!({"confidence": 1.0 / f64::from(i + 2), "id": format!("intent_{i}")}))
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "event": "message_received",
        "timestamp": "2016-10-06T13:42:48.000Z",
        "data": {
            "id": "6456078996108088196",
            "channel": {"id": "viber_service_messages_test", "type": "viber"},
            "contact": {"id": "6456078781510718339"},
            "content": {"type": "text", "payload": "What's the weather today?"},
            "nlp": {"intents": intents, "native_data": {}}
        }
    }))
    .expect("JSON")
});

static RUNTIME: LazyLock<Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime")
});

fn body(name: &str) -> Bytes {
    match name {
        "reference_221b" => Bytes::from_static(REFERENCE),
        "received_nlp_64k" => Bytes::from(LARGE.clone()),
        other => panic!("no body {other}"),
    }
}

async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    address
}

async fn connect(address: SocketAddr) -> SendRequest<Full<Bytes>> {
    let stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("handshake");
    tokio::spawn(connection);
    sender
}

/// Sends `requests` POSTs of `body` over one connection to `router`.
fn run(bencher: divan::Bencher, router: Router, body: Bytes) {
    let signature = webhook::sign(SECRET, &body);
    let mut sender = RUNTIME.block_on(async { connect(serve(router).await).await });
    bencher
        .counter(divan::counter::BytesCount::of_slice(&body))
        .bench_local(|| {
            RUNTIME.block_on(async {
                let request = Request::post("/webhook")
                    .header("content-type", "application/json")
                    .header(webhook::SIGNATURE_HEADER, &signature)
                    .body(Full::new(body.clone()))
                    .expect("request");
                sender.ready().await.expect("the connection is ready");
                let response = sender.send_request(request).await.expect("response");
                assert_eq!(response.status(), StatusCode::OK);
                response.into_body().collect().await.expect("body")
            })
        });
}

/// A judge that checks the signature and parses nothing.
struct HmacOnly;

impl Judge for HmacOnly {
    type Delivery = Bytes;
    type Refusal = webhook::SignatureError;

    fn judge(
        &self,
        headers: &axum::http::HeaderMap,
        body: Bytes,
    ) -> Result<Bytes, webhook::SignatureError> {
        let signature = headers
            .get(webhook::SIGNATURE_HEADER)
            .and_then(|value| value.to_str().ok());
        webhook::verify(SECRET, &body, signature).map(|()| body)
    }

    fn key(delivery: &Bytes) -> &[u8] {
        delivery
    }

    fn status(_: &webhook::SignatureError) -> StatusCode {
        StatusCode::UNAUTHORIZED
    }
}

#[divan::bench(args = ["reference_221b", "received_nlp_64k"], sample_count = 300)]
fn machinery(bencher: divan::Bencher, name: &str) {
    let router = Router::new().route(
        "/webhook",
        bindings_runtime::receiver::Receiver::new(HmacOnly).inline(|body: Bytes| async move {
            divan::black_box(body);
            Ok::<(), Infallible>(())
        }),
    );
    run(bencher, router, body(name));
}

#[divan::bench(args = ["reference_221b", "received_nlp_64k"], sample_count = 300)]
fn receiver(bencher: divan::Bencher, name: &str) {
    let receiver = Receiver::new(Secrets::single(SECRET));
    let router = Router::new().route(
        "/webhook",
        receiver.inline(|delivery: Delivery| async move {
            divan::black_box(delivery);
            Ok::<(), Infallible>(())
        }),
    );
    run(bencher, router, body(name));
}

#[divan::bench(args = ["reference_221b", "received_nlp_64k"], sample_count = 300)]
fn bare_route(bencher: divan::Bencher, name: &str) {
    let router = Router::new().route(
        "/webhook",
        axum::routing::post(|body: Bytes| async move {
            divan::black_box(body);
            StatusCode::OK
        }),
    );
    run(bencher, router, body(name));
}
