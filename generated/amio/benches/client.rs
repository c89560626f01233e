//! What the client costs over raw reqwest: the same GET, answered by the same
//! loopback server in this process, 16 requests in flight, each body parsed
//! into the same type. Run with `cargo bench -p amio --bench client`; the
//! ratio of the two throughputs is the client's overhead.

use std::net::SocketAddr;
use std::sync::LazyLock;

use amio::types::Channel;
use axum::Router;
use axum::routing::get;
use futures::StreamExt;
use reqwest::header::{ACCEPT, HeaderValue};

/// Requests per sample.
const REQUESTS: usize = 256;
/// Requests in flight at once.
const IN_FLIGHT: usize = 16;

const BODY: &str = r#"[{"id":"6350078530425603803","type":"amio_chat","name":"one"},{"id":"6350078530425603804","type":"viber","name":"two"}]"#;

struct Setup {
    runtime: tokio::runtime::Runtime,
    address: SocketAddr,
}

static SETUP: LazyLock<Setup> = LazyLock::new(|| {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let address = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let address = listener.local_addr().expect("local address");
        let router = Router::new().route(
            "/v1/channels",
            get(|| async { ([("content-type", "application/json")], BODY) }),
        );
        tokio::spawn(async move { axum::serve(listener, router).await });
        address
    });
    Setup { runtime, address }
});

fn main() {
    LazyLock::force(&SETUP);
    divan::main();
}

async fn run<F, Fut>(call: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = usize>,
{
    let total: usize = futures::stream::iter(0..REQUESTS)
        .map(|_| call())
        .buffer_unordered(IN_FLIGHT)
        .fold(0, |sum, n| async move { sum + n })
        .await;
    assert_eq!(total, REQUESTS * 2);
}

#[divan::bench(sample_count = 40)]
fn raw_reqwest(bencher: divan::Bencher) {
    let setup = &*SETUP;
    let http = amio::http_client_builder()
        .expect("TLS")
        .build()
        .expect("a reqwest client");
    let url = format!("http://{}/v1/channels", setup.address);
    bencher
        .counter(divan::counter::ItemsCount::new(REQUESTS))
        .bench(|| {
            setup.runtime.block_on(run(|| async {
                let response = http
                    .get(&url)
                    .header(ACCEPT, HeaderValue::from_static("application/json"))
                    .bearer_auth("bench-token")
                    .send()
                    .await
                    .expect("sent");
                let bytes = response.bytes().await.expect("body");
                let channels: Vec<Channel> = serde_json::from_slice(&bytes).expect("channels");
                channels.len()
            }))
        });
}

#[divan::bench(sample_count = 40)]
fn amio_client(bencher: divan::Bencher) {
    let setup = &*SETUP;
    let client = amio::Client::builder()
        .token("bench-token")
        .base_url(format!("http://{}/v1", setup.address))
        .build()
        .expect("a client");
    bencher
        .counter(divan::counter::ItemsCount::new(REQUESTS))
        .bench(|| {
            setup.runtime.block_on(run(|| async {
                client
                    .list_channels(None, None)
                    .await
                    .expect("listed")
                    .into_inner()
                    .len()
            }))
        });
}
