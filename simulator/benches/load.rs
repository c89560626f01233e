//! Requests per second on loopback: 16 concurrent clients (each with its own
//! connection), each sending requests one after another to a simulator in
//! the same process. Divan reports the throughput in items (requests) per
//! second. `cargo bench -p messaging-simulator`.

use std::sync::Arc;

use divan::Bencher;
use divan::counter::ItemsCount;

const CLIENTS: usize = 16;
const REQUESTS_PER_CLIENT: usize = 50;

fn main() {
    divan::main();
}

struct Load {
    runtime: tokio::runtime::Runtime,
    _simulator: messaging_simulator::Running,
    base: String,
    clients: Vec<reqwest::Client>,
}

fn load() -> Load {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let sim = runtime.block_on(async {
        let mut config = messaging_simulator::Config::default();
        config.port = 0;
        config.quiet = true;
        config.plan = messaging_simulator::Plan::Enterprise;
        messaging_simulator::start(config).await.unwrap()
    });
    Load {
        base: sim.amio_base_url(),
        _simulator: sim,
        clients: (0..CLIENTS)
            .map(|_| {
                amio::http_client_builder()
                    .expect("TLS set up")
                    .pool_max_idle_per_host(1)
                    .build()
                    .unwrap()
            })
            .collect(),
        runtime,
    }
}

fn run(bencher: Bencher, request: fn(&reqwest::Client, &str) -> reqwest::RequestBuilder) {
    let load = load();
    let base = Arc::new(load.base.clone());
    bencher
        .counter(ItemsCount::new(CLIENTS * REQUESTS_PER_CLIENT))
        .bench_local(|| {
            load.runtime.block_on(async {
                let tasks: Vec<_> = load
                    .clients
                    .iter()
                    .cloned()
                    .map(|client| {
                        let base = Arc::clone(&base);
                        tokio::spawn(async move {
                            for _ in 0..REQUESTS_PER_CLIENT {
                                let response = request(&client, &base)
                                    .bearer_auth(messaging_simulator::DEFAULT_TOKEN)
                                    .send()
                                    .await
                                    .unwrap();
                                assert!(response.status().is_success());
                                response.bytes().await.unwrap();
                            }
                        })
                    })
                    .collect();
                for task in tasks {
                    task.await.unwrap();
                }
            })
        });
}

/// `GET /v1/channels/{id}`: auth, routing, the state.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn get_channel_16_clients(bencher: Bencher) {
    run(bencher, |client, base| {
        client.get(format!(
            "{base}/channels/{}",
            messaging_simulator::SEEDED_CHANNEL_ID
        ))
    });
}

/// `POST /v1/messages`: the body validated against `SendMessageRequest`,
/// the contact resolved by phone number, the message stored.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn send_message_16_clients(bencher: Bencher) {
    run(bencher, |client, base| {
        client
            .post(format!("{base}/messages"))
            .json(&serde_json::json!({
                "channel": {"id": messaging_simulator::SEEDED_CHANNEL_ID},
                "contact": {"phone_number": "+1 (555) 857-6309"},
                "content": {"type": "text", "payload": "Hello world!"},
            }))
    });
}
