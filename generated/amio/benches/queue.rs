//! Receive → queue over loopback: the Redis queue (`RedisDedup` +
//! `RedisQueue`, one `SET NX`, one `XADD` script and one `SET` per event)
//! beside the in-memory queue (`MemoryStore` + a `tokio::sync::mpsc`
//! channel), on the same signed `message_received` bodies, each with an id
//! of its own so that none is a duplicate.
//!
//! - Before divan's table, with the two queues taking turns (so that both
//!   see the same load on a shared machine): the ack latency of 2,000
//!   events one at a time over one keep-alive connection each (p50, p99,
//!   maximum; from POST to the end of the `200` answer), and events per
//!   second with 16 requests in flight (16 connections) over 500 batches
//!   each, with their ratio (the goal: ≥ 0.5× in-memory, p99 < 5 ms).
//! - divan's `throughput_*`: the same batches of 16, one queue after the
//!   other.
//!
//! It starts its own `redis-server` (append-only file, `appendfsync
//! everysec`, as the README advises) on a free port of 127.0.0.1. Run with
//! `cargo bench -p amio --features axum,redis --bench queue`.

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use amio::webhook::axum::{Delivery, MemoryStore, Receiver};
use amio::webhook::redis::{RedisDedup, RedisQueue};
use amio::webhook::{self, Secrets};
use axum::Router;
use axum::body::Bytes;
use axum::http::{Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use tokio::runtime::Runtime;

const SECRET: &[u8] = b"WebhookSecret";
const IN_FLIGHT: usize = 16;

static RUNTIME: LazyLock<Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime")
});

/// The two routers.
struct Setup {
    memory: SocketAddr,
    redis: SocketAddr,
}

/// Set by `main`, which owns the Redis server (and stops it at the end).
static SETUP: std::sync::OnceLock<Setup> = std::sync::OnceLock::new();

fn setup() -> &'static Setup {
    SETUP.get().expect("main sets the routers up first")
}

fn start(redis: &RedisServer) -> Setup {
    let url = format!("redis://127.0.0.1:{}", redis.port);
    RUNTIME.block_on(async {
        let (queue, mut drain) = tokio::sync::mpsc::channel::<Delivery>(1 << 16);
        tokio::spawn(async move { while drain.recv().await.is_some() {} });
        let memory = Receiver::new(Secrets::single(SECRET)).deduplicate(MemoryStore::new());
        let memory = serve(Router::new().route("/webhook", memory.queued(queue))).await;
        // One multiplexed connection for both: the claims, XADDs and
        // confirmations of concurrent requests share its pipeline.
        let connection = amio::webhook::redis::connect(&url, amio::webhook::redis::DEFAULT_TIMEOUT)
            .await
            .expect("Redis answers");
        let dedup = RedisDedup::new(connection.clone());
        let queue = RedisQueue::new(connection, "bench:webhooks").max_len(100_000_000);
        let receiver = Receiver::new(Secrets::single(SECRET)).deduplicate(dedup);
        let redis_router = serve(Router::new().route("/webhook", receiver.queued(queue))).await;
        Setup {
            memory,
            redis: redis_router,
        }
    })
}

fn main() {
    let redis = RedisServer::start();
    if SETUP.set(start(&redis)).is_err() {
        unreachable!("set once");
    }
    latency_report();
    divan::main();
    drop(redis);
}

/// A `redis-server` on a free port, its data in a directory of its own.
struct RedisServer {
    port: u16,
    child: Child,
    dir: std::path::PathBuf,
}

impl RedisServer {
    fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let dir = std::env::temp_dir().join(format!("amio-bench-redis-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a directory");
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args([
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "everysec",
            ])
            .arg("--dir")
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server starts (install Debian's redis-server)");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "redis-server listens within 10 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Self { port, child, dir }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
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

/// A signed `message_received` body of its own (about 300 bytes): the same
/// sequence for both queues, none a duplicate of another.
fn next_event() -> (Bytes, String) {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let body = format!(
        r#"{{"event":"message_received","timestamp":"2016-10-06T13:42:48.000Z","data":{{"id":"{n}","channel":{{"id":"viber_service_messages_test","type":"viber"}},"contact":{{"id":"6456078781510718339"}},"content":{{"type":"text","payload":"What's the weather today?"}}}}}}"#
    );
    let signature = webhook::sign(SECRET, body.as_bytes());
    (Bytes::from(body), signature)
}

/// POSTs one new event on `sender` and reads the whole `200` answer.
async fn send_one(sender: &mut SendRequest<Full<Bytes>>) {
    let (body, signature) = next_event();
    let request = Request::post("/webhook")
        .header("content-type", "application/json")
        .header(webhook::SIGNATURE_HEADER, signature)
        .body(Full::new(body))
        .expect("request");
    sender.ready().await.expect("the connection is ready");
    let response = sender.send_request(request).await.expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    response.into_body().collect().await.expect("body");
}

/// The report printed before divan's table. The two queues take turns
/// (one request, or one batch of 16, each), so that both see the same load
/// on a shared machine: the ratio is fairer than two runs one after the
/// other.
fn latency_report() {
    const EVENTS: usize = 2_000;
    const BATCHES: usize = 500;
    let addresses = [setup().memory, setup().redis];
    let (mut times, busy) = RUNTIME.block_on(async {
        let mut one = [connect(addresses[0]).await, connect(addresses[1]).await];
        for sender in &mut one {
            for _ in 0..100 {
                send_one(sender).await;
            }
        }
        let mut times = [Vec::with_capacity(EVENTS), Vec::with_capacity(EVENTS)];
        for _ in 0..EVENTS {
            for (queue, sender) in one.iter_mut().enumerate() {
                let start = Instant::now();
                send_one(sender).await;
                times[queue].push(start.elapsed());
            }
        }
        let mut many = [Vec::new(), Vec::new()];
        for (queue, senders) in many.iter_mut().enumerate() {
            for _ in 0..IN_FLIGHT {
                senders.push(connect(addresses[queue]).await);
            }
        }
        let mut busy = [Duration::ZERO; 2];
        for _ in 0..BATCHES {
            for (queue, senders) in many.iter_mut().enumerate() {
                let start = Instant::now();
                batch(senders).await;
                busy[queue] += start.elapsed();
            }
        }
        (times, busy)
    });
    println!("ack latency, one request at a time, {EVENTS} events each (the queues taking turns):");
    for (name, times) in ["memory", "redis"].iter().zip(&mut times) {
        times.sort();
        let at =
            |quantile: f64| times[((times.len() as f64 * quantile) as usize).min(times.len() - 1)];
        println!(
            "  {name:<6} p50 {:>8.1?}  p99 {:>8.1?}  max {:>8.1?}",
            at(0.50),
            at(0.99),
            times[times.len() - 1]
        );
    }
    let rate = |busy: Duration| (BATCHES * IN_FLIGHT) as f64 / busy.as_secs_f64();
    let (memory, redis) = (rate(busy[0]), rate(busy[1]));
    println!(
        "receive→queue, {IN_FLIGHT} in flight, {} events each (taking turns): memory {memory:.0}/s, redis {redis:.0}/s, redis/memory {:.2}",
        BATCHES * IN_FLIGHT,
        redis / memory
    );
    println!();
}

/// One request on each of `senders` at once.
async fn batch(senders: &mut Vec<SendRequest<Full<Bytes>>>) {
    let mut tasks = tokio::task::JoinSet::new();
    for mut sender in senders.drain(..) {
        tasks.spawn(async move {
            send_one(&mut sender).await;
            sender
        });
    }
    while let Some(sender) = tasks.join_next().await {
        senders.push(sender.expect("a request"));
    }
}

/// `IN_FLIGHT` requests at once over as many connections, per iteration.
fn throughput(bencher: divan::Bencher, address: SocketAddr) {
    let mut senders = RUNTIME.block_on(async {
        let mut senders = Vec::with_capacity(IN_FLIGHT);
        for _ in 0..IN_FLIGHT {
            senders.push(connect(address).await);
        }
        senders
    });
    bencher
        .counter(divan::counter::ItemsCount::new(IN_FLIGHT))
        .bench_local(|| RUNTIME.block_on(batch(&mut senders)));
}

#[divan::bench(sample_count = 200, sample_size = 4)]
fn throughput_memory(bencher: divan::Bencher) {
    throughput(bencher, setup().memory);
}

#[divan::bench(sample_count = 200, sample_size = 4)]
fn throughput_redis(bencher: divan::Bencher) {
    throughput(bencher, setup().redis);
}
