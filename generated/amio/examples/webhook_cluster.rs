//! Webhooks across instances: receivers and workers sharing one Redis.
//!
//! ```sh
//! # Any number of receivers (each on its own port), behind a load balancer:
//! cargo run -p amio --features axum,redis --example webhook_cluster -- \
//!     receive --listen 127.0.0.1:3000 --redis redis://127.0.0.1:6379 --secret WebhookSecret
//! # Any number of workers:
//! cargo run -p amio --features axum,redis --example webhook_cluster -- \
//!     work --redis redis://127.0.0.1:6379 --out handled.txt
//! # Dead letters back into the stream:
//! cargo run -p amio --features axum,redis --example webhook_cluster -- \
//!     replay --redis redis://127.0.0.1:6379
//! ```
//!
//! What other programs can rely on:
//!
//! - `receive --listen ADDR --redis URL --secret S` serves `POST /webhook`
//!   and prints `listening on http://ADDR` (the address bound) as its first
//!   line. It answers `200` once the verified event is in the stream
//!   `amio:webhooks` (or was before: de-duplicated in Redis), `503` when
//!   Redis is down or slower than 2 s, `401` when the signature is wrong.
//! - `work --redis URL --out FILE [--lease-ms N]` handles one event at a
//!   time and, for each, appends the line `<event> <channel id> <data.id>`
//!   to FILE (`-` for what the event lacks) and fsyncs it before it acks.
//!   A worker killed mid-event has the event handled by another after the
//!   lease (`--lease-ms`, 30000 by default).
//! - `replay --redis URL` moves every dead letter back into the stream and
//!   prints `replayed N`.
//! - `receive` and `work` stop cleanly on SIGTERM (or Ctrl-C): requests and
//!   the event in progress are finished, then the process exits 0.
//!
//! Options of every command: `--stream NAME` (default `amio:webhooks`).
//! For tests: `work --delay-ms N` waits N ms in the handler before writing;
//! `receive --claim-ttl-ms N` sets how long a claim of a receiver that died
//! lasts; and the environment variable
//! `WEBHOOK_CLUSTER_FAULT=abort-after-claim` makes `receive` abort (as if
//! killed) right after it has claimed an event in Redis and before it has
//! queued it: it simulates a receiver dying in that window, nothing else.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use amio::webhook::axum::{
    Claim, DEFAULT_HEADER_TIMEOUT, Dedup, Receiver, StoreFuture, serve_with_shutdown,
};
use amio::webhook::redis::{DEFAULT_TIMEOUT, Job, RedisDedup, RedisQueue, Worker, connect};
use amio::webhook::{Delivery, Secrets};

const USAGE: &str = "usage:
  webhook_cluster receive --listen ADDR --redis URL --secret S [--stream NAME] [--claim-ttl-ms N]
  webhook_cluster work --redis URL --out FILE [--lease-ms N] [--stream NAME] [--delay-ms N]
  webhook_cluster replay --redis URL [--stream NAME]";

type Failure = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let mut args = std::env::args().skip(1);
    let command = args.next().ok_or(USAGE)?;
    let options = Options::parse(args)?;
    match command.as_str() {
        "receive" => receive(&options).await,
        "work" => work(&options).await,
        "replay" => replay(&options).await,
        other => Err(format!("unknown command `{other}`\n{USAGE}").into()),
    }
}

/// The command line's `--name value` pairs.
struct Options(Vec<(String, String)>);

impl Options {
    fn parse(mut args: impl Iterator<Item = String>) -> Result<Self, Failure> {
        let mut pairs = Vec::new();
        while let Some(name) = args.next() {
            let Some(name) = name.strip_prefix("--") else {
                return Err(format!("`{name}` is not an option\n{USAGE}").into());
            };
            let value = args
                .next()
                .ok_or_else(|| format!("--{name} needs a value\n{USAGE}"))?;
            pairs.push((name.to_owned(), value));
        }
        Ok(Self(pairs))
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find_map(|(key, value)| (key == name).then_some(value.as_str()))
    }

    fn required(&self, name: &str) -> Result<&str, Failure> {
        self.get(name)
            .ok_or_else(|| format!("--{name} is required\n{USAGE}").into())
    }

    fn millis(&self, name: &str) -> Result<Option<Duration>, Failure> {
        self.get(name)
            .map(|value| {
                value.parse().map(Duration::from_millis).map_err(|_| {
                    format!("--{name} `{value}` is not a number of milliseconds").into()
                })
            })
            .transpose()
    }

    fn stream(&self) -> &str {
        self.get("stream").unwrap_or("amio:webhooks")
    }
}

/// Resolves on SIGTERM or Ctrl-C.
async fn terminated() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn receive(options: &Options) -> Result<(), Failure> {
    let listen = options.required("listen")?;
    let url = options.required("redis")?;
    let secret = options.required("secret")?;
    // One multiplexed connection: the claims, XADDs and confirmations of
    // concurrent requests share its pipeline.
    let connection = connect(url, DEFAULT_TIMEOUT).await?;
    let mut dedup = RedisDedup::new(connection.clone()).prefix("amio:seen:");
    if let Some(ttl) = options.millis("claim-ttl-ms")? {
        dedup = dedup.claim_ttl(ttl);
    }
    let queue = RedisQueue::new(connection, options.stream());
    let receiver = Receiver::new(Secrets::single(secret));
    let receiver = match std::env::var("WEBHOOK_CLUSTER_FAULT").as_deref() {
        Ok("abort-after-claim") => receiver.deduplicate(AbortAfterClaim(dedup)),
        Ok(other) => return Err(format!("unknown WEBHOOK_CLUSTER_FAULT `{other}`").into()),
        Err(_) => receiver.deduplicate(dedup),
    };
    let app = axum::Router::new().route("/webhook", receiver.queued(queue));

    let listener = tokio::net::TcpListener::bind(listen).await?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "listening on http://{}", listener.local_addr()?)?;
    stdout.flush()?;
    drop(stdout);
    serve_with_shutdown(listener, app, DEFAULT_HEADER_TIMEOUT, terminated()).await;
    Ok(())
}

async fn work(options: &Options) -> Result<(), Failure> {
    let url = options.required("redis")?;
    let out = PathBuf::from(options.required("out")?);
    let delay = options.millis("delay-ms")?;
    let mut worker = Worker::connect(url, options.stream())
        .await?
        .on_error(|error| eprintln!("webhook_cluster work: {error}"));
    if let Some(lease) = options.millis("lease-ms")? {
        worker = worker.lease(lease);
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&out)
        .map_err(|error| format!("opening {}: {error}", out.display()))?;
    let file = std::sync::Arc::new(std::sync::Mutex::new(file));
    println!(
        "working on {} as {}",
        options.stream(),
        worker.consumer_name()
    );

    let handler = |job: Job| {
        let file = std::sync::Arc::clone(&file);
        async move {
            if let Some(delay) = delay {
                tokio::time::sleep(delay).await;
            }
            let line = line(&job.delivery);
            tokio::task::spawn_blocking(move || {
                let mut file = file
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                file.write_all(line.as_bytes())?;
                file.sync_data()
            })
            .await
            .map_err(std::io::Error::other)?
        }
    };
    worker.run(handler, terminated()).await;
    Ok(())
}

async fn replay(options: &Options) -> Result<(), Failure> {
    let url = options.required("redis")?;
    let queue = RedisQueue::connect(url, options.stream()).await?;
    println!("replayed {}", queue.replay_all().await?);
    Ok(())
}

/// `<event> <channel id> <data.id>\n`, `-` for what the event lacks.
fn line(delivery: &Delivery) -> String {
    let json: Option<serde_json::Value> = serde_json::from_slice(&delivery.body).ok();
    let text = |pointer: &str| {
        json.as_ref()
            .and_then(|json| json.pointer(pointer))
            .and_then(|value| match value {
                serde_json::Value::String(text) => Some(text.clone()),
                serde_json::Value::Number(number) => Some(number.to_string()),
                _ => None,
            })
    };
    let event = match &delivery.event {
        Ok(event) => Some(event.event().to_owned()),
        Err(_) => text("/event"),
    };
    let field = |value: Option<String>| match value {
        Some(value) if !value.is_empty() && !value.contains(char::is_whitespace) => value,
        _ => "-".to_owned(),
    };
    format!(
        "{} {} {}\n",
        field(event),
        field(delivery.channel_id.clone()),
        field(text("/data/id"))
    )
}

/// A receiver that dies right after it has claimed an event: the fault
/// `WEBHOOK_CLUSTER_FAULT=abort-after-claim` (see the top of this file).
struct AbortAfterClaim(RedisDedup);

impl Dedup for AbortAfterClaim {
    fn claim<'a>(&'a self, key: &'a [u8]) -> StoreFuture<'a, Claim> {
        Box::pin(async move {
            let claim = self.0.claim(key).await;
            if matches!(claim, Ok(Claim::New)) {
                // No destructor runs and nothing is released: as SIGKILL.
                std::process::abort();
            }
            claim
        })
    }

    fn complete<'a>(&'a self, key: &'a [u8]) -> StoreFuture<'a, ()> {
        self.0.complete(key)
    }

    fn release<'a>(&'a self, key: &'a [u8]) -> StoreFuture<'a, ()> {
        self.0.release(key)
    }
}
