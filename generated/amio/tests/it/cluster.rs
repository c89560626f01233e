//! `amio::webhook::redis`: receivers and workers across processes, against a
//! real `redis-server` that each test starts on a free port of 127.0.0.1.
//!
//! Every test here needs `redis-server` (Debian's package; `.ci/run` installs
//! it) and says so by its name (`redis_…`). Where it cannot start, a test
//! fails under `CI=true` and is skipped, with a note, elsewhere. The tests
//! that kill processes drive the example `webhook_cluster`, which `cargo
//! test` builds beside this binary.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use amio::webhook::redis::{Job, RedisQueue, StreamEntry, Worker};
use amio::webhook::{self, Delivery, Secrets};
use bytes::Bytes;

const SECRET: &str = "cluster-secret";
const CHANNEL: &str = "6456078759331238786";
const STREAM: &str = "amio:webhooks";

/// A `message_received` event whose `data.id` is `id`, and its signature.
fn event(id: &str) -> (String, String) {
    let body = format!(
        r#"{{"event":"message_received","timestamp":"2016-10-06T13:42:48.000Z","data":{{"id":"{id}","channel":{{"id":"{CHANNEL}","type":"viber"}},"contact":{{"id":"6456078781510718339"}},"content":{{"type":"text","payload":"hello {id}"}}}}}}"#
    );
    let signature = webhook::sign(SECRET.as_bytes(), body.as_bytes());
    (body, signature)
}

/// The line the example's worker writes for `event(id)`.
fn line(id: &str) -> String {
    format!("message_received {CHANNEL} {id}")
}

/// A directory of its own under the system's temporary directory, removed
/// when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "amio-cluster-{}-{}-{name}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("a scratch directory");
        Self(path)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A free port of 127.0.0.1 (free when this returns).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// A `redis-server` of this test: on 127.0.0.1 only, with its data (an
/// append-only file, fsynced every second) in the test's scratch directory,
/// so a restart keeps it.
struct RedisServer {
    port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

impl RedisServer {
    /// Starts one, or `None` (with a note) when `redis-server` cannot start
    /// outside CI. Under `CI=true` that fails the test instead.
    fn start(scratch: &Scratch) -> Option<Self> {
        let mut server = Self {
            port: free_port(),
            dir: scratch.path("redis"),
            child: None,
        };
        std::fs::create_dir_all(&server.dir).expect("the Redis directory");
        match server.launch() {
            Ok(()) => Some(server),
            Err(why) if std::env::var("CI").as_deref() == Ok("true") => {
                panic!("redis-server is needed under CI and did not start: {why}")
            }
            Err(why) => {
                eprintln!("skipped: redis-server did not start ({why}); install redis-server");
                None
            }
        }
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    fn launch(&mut self) -> Result<(), String> {
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args([
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "everysec",
            ])
            .arg("--dir")
            .arg(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|error| format!("spawning redis-server: {error}"))?;
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if ping(self.port) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Err(format!("no PONG on port {} within 10 s", self.port))
    }

    /// Stops it (SIGTERM, as an operator would) and waits for it to exit.
    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            signal(&child, "TERM");
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port, with the same data.
    fn restart(&mut self) {
        self.launch().expect("redis-server starts again");
    }

    /// Stops it answering (SIGSTOP) or lets it go on (SIGCONT).
    fn pause(&self, paused: bool) {
        if let Some(child) = &self.child {
            signal(child, if paused { "STOP" } else { "CONT" });
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            signal(&child, "CONT");
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Whether a Redis on `port` answers `PING` with `PONG`.
fn ping(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let mut answer = [0_u8; 7];
    stream.write_all(b"PING\r\n").is_ok()
        && stream.read_exact(&mut answer).is_ok()
        && &answer == b"+PONG\r\n"
}

/// Sends `kill -<name>` to a child.
fn signal(child: &Child, name: &str) {
    let _ = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(child.id().to_string())
        .status();
}

/// The example binary, built by `cargo test` beside this test binary.
fn example() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let path = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps")
        .join("examples")
        .join(format!("webhook_cluster{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "{} is missing: these tests run the example; `cargo test -p amio --features axum,redis` builds it",
        path.display()
    );
    path
}

/// A process of the example: killed when dropped.
struct Process {
    child: Child,
}

impl Process {
    /// `webhook_cluster <args>` with `env`, its stderr into `log`.
    fn spawn(args: &[&str], env: &[(&str, &str)], log: &Path) -> Self {
        let stderr = std::fs::File::create(log).expect("a log file");
        let child = Command::new(example())
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("the example starts");
        Self { child }
    }

    /// Reads the first line of its standard output (within 20 s).
    fn first_line(&mut self) -> String {
        let stdout = self.child.stdout.take().expect("piped stdout");
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = sender.send(line);
            // Keep reading, so that the process never blocks on a full pipe.
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        receiver
            .recv_timeout(Duration::from_secs(20))
            .expect("the example prints its first line")
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then its exit status (within 20 s).
    fn terminate(&mut self) -> ExitStatus {
        signal(&self.child, "TERM");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().expect("the child's status") {
                return status;
            }
            assert!(Instant::now() < deadline, "no exit within 20 s of SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn wait(&mut self) -> ExitStatus {
        self.child.wait().expect("the child's status")
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `webhook_cluster receive`: the process and its URL.
fn receiver(
    redis: &RedisServer,
    scratch: &Scratch,
    name: &str,
    extra: &[&str],
    env: &[(&str, &str)],
) -> (Process, String) {
    let url = redis.url();
    let mut args = vec![
        "receive",
        "--listen",
        "127.0.0.1:0",
        "--redis",
        &url,
        "--secret",
        SECRET,
    ];
    args.extend_from_slice(extra);
    let mut process = Process::spawn(&args, env, &scratch.path(&format!("{name}.log")));
    let first = process.first_line();
    let address = first
        .trim_end()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("the first line is `listening on …`, not {first:?}"));
    (process, format!("{address}/webhook"))
}

/// `webhook_cluster work --out <out>` with `extra` options.
fn worker(
    redis: &RedisServer,
    scratch: &Scratch,
    name: &str,
    out: &Path,
    extra: &[&str],
) -> Process {
    let url = redis.url();
    let out = out.to_str().expect("a UTF-8 path");
    let mut args = vec!["work", "--redis", &url, "--out", out];
    args.extend_from_slice(extra);
    let mut process = Process::spawn(&args, &[], &scratch.path(&format!("{name}.log")));
    let first = process.first_line();
    assert!(first.starts_with("working on "), "{first:?}");
    process
}

fn client() -> reqwest::Client {
    amio::http_client_builder()
        .expect("TLS set up")
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("HTTP client")
}

/// POSTs `event(id)` to `url`: its status, or `None` when the connection
/// failed (the receiver died).
async fn post(client: &reqwest::Client, url: &str, id: &str) -> Option<u16> {
    let (body, signature) = event(id);
    client
        .post(url)
        .header("content-type", "application/json")
        .header(webhook::SIGNATURE_HEADER, signature)
        .body(body)
        .send()
        .await
        .ok()
        .map(|response| response.status().as_u16())
}

/// POSTs `event(id)` until a receiver answers 200, as the platform
/// re-delivers (within 30 s); the statuses it got before.
async fn deliver(client: &reqwest::Client, url: &str, id: &str) -> Vec<Option<u16>> {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut refused = Vec::new();
    loop {
        match post(client, url, id).await {
            Some(200) => return refused,
            other => refused.push(other),
        }
        assert!(
            Instant::now() < deadline,
            "{id} not accepted within 30 s: {refused:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The lines of `out`.
fn lines(out: &Path) -> Vec<String> {
    std::fs::read_to_string(out)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Waits (within 60 s) until every entry of the stream is acknowledged and
/// `out` has at least `count` lines; its lines.
async fn drained(queue: &RedisQueue, out: &Path, count: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let backlog = queue.backlog().await.expect("the backlog");
        let lines = lines(out);
        if backlog.is_drained() && lines.len() >= count {
            return lines;
        }
        assert!(
            Instant::now() < deadline,
            "not drained within 60 s: {backlog:?}, {} lines",
            lines.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits (within 20 s) until `check` holds for the backlog.
async fn backlog_until(queue: &RedisQueue, check: impl Fn(&amio::webhook::redis::Backlog) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let backlog = queue.backlog().await.expect("the backlog");
        if check(&backlog) {
            return;
        }
        assert!(Instant::now() < deadline, "backlog still {backlog:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn queue(redis: &RedisServer) -> RedisQueue {
    RedisQueue::connect(&redis.url(), STREAM)
        .await
        .expect("Redis answers")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_two_receivers_given_one_event_three_times_hand_it_over_once() {
    let scratch = Scratch::new("three-times");
    let Some(redis) = RedisServer::start(&scratch) else {
        return;
    };
    let out = scratch.path("handled.txt");
    let (_a, url_a) = receiver(&redis, &scratch, "receiver-a", &[], &[]);
    let (_b, url_b) = receiver(&redis, &scratch, "receiver-b", &[], &[]);
    let _worker = worker(&redis, &scratch, "worker", &out, &[]);
    let client = client();
    for url in [&url_a, &url_b, &url_a] {
        assert_eq!(post(&client, url, "m-1").await, Some(200));
    }
    // A second event, so that the wait below does not end before a second
    // hand-over of the first could have been handled.
    assert_eq!(post(&client, &url_b, "m-2").await, Some(200));
    let queue = queue(&redis).await;
    let handled = drained(&queue, &out, 2).await;
    assert_eq!(handled, [line("m-1"), line("m-2")]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_a_worker_killed_mid_handler_has_its_event_handled_by_another_after_the_lease() {
    let scratch = Scratch::new("killed-worker");
    let Some(redis) = RedisServer::start(&scratch) else {
        return;
    };
    let out = scratch.path("handled.txt");
    let (_receiver, url) = receiver(&redis, &scratch, "receiver", &[], &[]);
    // The first worker holds its event for 60 s before writing it.
    let mut slow = worker(
        &redis,
        &scratch,
        "slow",
        &out,
        &["--lease-ms", "1500", "--delay-ms", "60000"],
    );
    let client = client();
    assert_eq!(post(&client, &url, "m-1").await, Some(200));
    let queue = queue(&redis).await;
    backlog_until(&queue, |backlog| backlog.pending == 1).await;
    // Twice the lease: a live worker renews it (every 500 ms), so nobody
    // takes it.
    let _other = worker(&redis, &scratch, "other", &out, &["--lease-ms", "1500"]);
    tokio::time::sleep(Duration::from_millis(3000)).await;
    assert!(
        lines(&out).is_empty(),
        "the event is still the slow worker's"
    );
    slow.kill();
    let handled = drained(&queue, &out, 1).await;
    assert_eq!(handled, [line("m-1")]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_a_receiver_killed_between_claim_and_queue_loses_nothing() {
    let scratch = Scratch::new("killed-receiver");
    let Some(redis) = RedisServer::start(&scratch) else {
        return;
    };
    let out = scratch.path("handled.txt");
    let client = client();
    // This receiver dies right after it has claimed the event in Redis.
    let (mut dying, url) = receiver(
        &redis,
        &scratch,
        "dying",
        &["--claim-ttl-ms", "1500"],
        &[("WEBHOOK_CLUSTER_FAULT", "abort-after-claim")],
    );
    assert_eq!(
        post(&client, &url, "m-1").await,
        None,
        "it died mid-request"
    );
    assert!(!dying.wait().success());
    let queue = queue(&redis).await;
    assert_eq!(
        queue.backlog().await.expect("backlog").undelivered,
        0,
        "nothing was queued"
    );

    let (_receiver, url) = receiver(
        &redis,
        &scratch,
        "receiver",
        &["--claim-ttl-ms", "1500"],
        &[],
    );
    let _worker = worker(&redis, &scratch, "worker", &out, &[]);
    // The platform re-delivers: refused (the claim is still held) until the
    // claim expires, never answered as seen, then accepted.
    let refused = deliver(&client, &url, "m-1").await;
    assert!(
        !refused.is_empty() && refused.iter().all(|status| *status == Some(503)),
        "{refused:?}"
    );
    let handled = drained(&queue, &out, 1).await;
    assert_eq!(handled, [line("m-1")]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_down_or_stalled_makes_the_receiver_answer_503_and_it_recovers_with_nothing_lost() {
    let scratch = Scratch::new("redis-down");
    let Some(mut redis) = RedisServer::start(&scratch) else {
        return;
    };
    let out = scratch.path("handled.txt");
    let (mut receiver, url) = receiver(&redis, &scratch, "receiver", &[], &[]);
    let client = client();
    assert_eq!(post(&client, &url, "m-1").await, Some(200));

    // Stopped: 503, and started again: the re-delivery is accepted.
    redis.stop();
    assert_eq!(post(&client, &url, "m-2").await, Some(503));
    redis.restart();
    deliver(&client, &url, "m-2").await;

    // Stalled (slower than the 2 s bound): 503, then accepted once it answers.
    redis.pause(true);
    assert_eq!(post(&client, &url, "m-3").await, Some(503));
    redis.pause(false);
    deliver(&client, &url, "m-3").await;
    assert_eq!(
        post(&client, &url, "m-1").await,
        Some(200),
        "still known as handed over"
    );

    // Workers start only now: m-1 was queued before Redis restarted.
    let _worker = worker(&redis, &scratch, "worker", &out, &[]);
    let queue = queue(&redis).await;
    let mut handled = drained(&queue, &out, 3).await;
    handled.sort();
    assert_eq!(handled, [line("m-1"), line("m-2"), line("m-3")]);
    assert!(receiver.terminate().success(), "a clean stop on SIGTERM");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_a_handler_failing_five_times_dead_letters_the_event_and_replay_brings_it_back() {
    let scratch = Scratch::new("dead-letter");
    let Some(redis) = RedisServer::start(&scratch) else {
        return;
    };
    let queue = queue(&redis).await;
    let (body, signature) = event("m-1");
    let delivery = webhook::receive(
        &Secrets::single(SECRET),
        Bytes::from(body),
        Some(&signature),
    )
    .expect("a verified delivery");
    queue.add(&delivery).await.expect("queued");

    let calls = Arc::new(AtomicUsize::new(0));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let failing: Worker = Worker::connect(&redis.url(), STREAM)
        .await
        .expect("a worker")
        .retry_delay(Duration::from_millis(10));
    let counter = Arc::clone(&calls);
    let running = tokio::spawn(failing.run(
        move |job: Job| {
            let counter = Arc::clone(&counter);
            async move {
                let call = counter.fetch_add(1, Ordering::SeqCst) + 1;
                assert_eq!(job.attempt as usize, call, "attempts are counted");
                Err(format!("the CRM is down (attempt {})", job.attempt))
            }
        },
        async {
            let _ = stopped.await;
        },
    ));
    backlog_until(&queue, |backlog| backlog.dead == 1 && backlog.is_drained()).await;
    let _ = stop.send(());
    running.await.expect("the worker stops");
    assert_eq!(calls.load(Ordering::SeqCst), 5);
    let letters = queue.dead_letters(10).await.expect("dead letters");
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].error, "the CRM is down (attempt 5)");
    assert_eq!(letters[0].attempts, 5);
    let kept = Delivery::from_fields(&letters[0].fields).expect("the delivery");
    assert_eq!(kept.key, delivery.key);
    assert_eq!(kept.body, delivery.body);

    // Replayed (by the example's command), it is handled by a worker.
    let url = redis.url();
    let mut replay = Process::spawn(
        &["replay", "--redis", &url],
        &[],
        &scratch.path("replay.log"),
    );
    assert_eq!(replay.first_line(), "replayed 1\n");
    assert!(replay.wait().success());
    let out = scratch.path("handled.txt");
    let _worker = worker(&redis, &scratch, "worker", &out, &[]);
    let handled = drained(&queue, &out, 1).await;
    assert_eq!(handled, [line("m-1")]);
    assert_eq!(queue.backlog().await.expect("backlog").dead, 0);
}

/// A small seeded generator (xorshift), so a run's kills can be replayed.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        usize::try_from(self.0 % sides as u64).expect("small")
    }
}

/// Events through two receivers and two workers of the example while one
/// of the four processes is SIGKILLed (and started again) every 200 ms.
/// Every event is re-sent until a receiver answers 200, as the platform
/// re-delivers, and one in ten is sent again after that (an answer that got
/// lost). Nothing may be lost; duplicates (a worker killed after its line
/// and before its ack, a receiver killed after queueing and before its
/// confirmation) are counted and printed. `AMIO_CLUSTER_EVENTS` sets how
/// many events (300 by default).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_events_through_the_example_with_kills_in_between_are_never_lost() {
    let events: usize = std::env::var("AMIO_CLUSTER_EVENTS")
        .ok()
        .and_then(|count| count.parse().ok())
        .unwrap_or(300);
    let scratch = Scratch::new("kills");
    let Some(redis) = RedisServer::start(&scratch) else {
        return;
    };
    let out = scratch.path("handled.txt");
    let lease = ["--lease-ms", "500"];
    // A receiver killed after its claim leaves it for the claim TTL: 2 s
    // here, not 90, so that the re-deliveries get through within the test.
    let claim_ttl = ["--claim-ttl-ms", "2000"];
    let receivers: Vec<(Process, String)> = (0..2)
        .map(|i| receiver(&redis, &scratch, &format!("receiver-{i}"), &claim_ttl, &[]))
        .collect();
    let urls = Arc::new(std::sync::Mutex::new(
        receivers
            .iter()
            .map(|(_, url)| url.clone())
            .collect::<Vec<_>>(),
    ));
    let mut receivers: Vec<Process> = receivers.into_iter().map(|(process, _)| process).collect();
    let mut workers: Vec<Process> = (0..2)
        .map(|i| worker(&redis, &scratch, &format!("worker-{i}"), &out, &lease))
        .collect();

    let sent = Arc::new(AtomicUsize::new(0));
    let senders: Vec<_> = (0..4)
        .map(|sender| {
            let urls = Arc::clone(&urls);
            let sent = Arc::clone(&sent);
            tokio::spawn(async move {
                let client = client();
                let mut dice = Dice(0x9e37_79b9_7f4a_7c15 ^ (sender as u64 + 1));
                for n in (sender..events).step_by(4) {
                    let id = format!("e-{n}");
                    let deadline = Instant::now() + Duration::from_secs(60);
                    loop {
                        let url = {
                            let urls = urls.lock().expect("the URLs");
                            urls[dice.roll(urls.len())].clone()
                        };
                        if post(&client, &url, &id).await == Some(200) {
                            break;
                        }
                        assert!(Instant::now() < deadline, "{id} not accepted within 60 s");
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                    if dice.roll(10) == 0 {
                        let url = urls.lock().expect("the URLs")[0].clone();
                        let _ = post(&client, &url, &id).await;
                    }
                    sent.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            })
        })
        .collect();

    let mut dice = Dice(0x2545_f491_4f6c_dd1d);
    let mut kills = 0;
    while sent.load(Ordering::SeqCst) < events && !senders.iter().all(|sender| sender.is_finished())
    {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let victim = dice.roll(4);
        kills += 1;
        if victim < 2 {
            receivers[victim].kill();
            let (process, url) = receiver(
                &redis,
                &scratch,
                &format!("receiver-{victim}-{kills}"),
                &claim_ttl,
                &[],
            );
            receivers[victim] = process;
            urls.lock().expect("the URLs")[victim] = url;
        } else {
            let i = victim - 2;
            workers[i].kill();
            workers[i] = worker(
                &redis,
                &scratch,
                &format!("worker-{i}-{kills}"),
                &out,
                &lease,
            );
        }
    }
    for sender in senders {
        sender.await.expect("a sender");
    }
    let queue = queue(&redis).await;
    let handled = drained(&queue, &out, events).await;
    let mut counts = std::collections::HashMap::<String, usize>::new();
    for line in &handled {
        *counts.entry(line.clone()).or_default() += 1;
    }
    let lost: Vec<usize> = (0..events)
        .filter(|n| !counts.contains_key(&line(&format!("e-{n}"))))
        .collect();
    let duplicated = handled.len() - counts.len();
    println!(
        "{events} events, {kills} kills: {} lost, {duplicated} duplicated, {} lines",
        lost.len(),
        handled.len()
    );
    assert!(lost.is_empty(), "lost: {lost:?}");
    assert_eq!(counts.len(), events, "only these events were handled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_the_stream_is_bounded_and_never_trims_what_is_not_acknowledged() {
    let scratch = Scratch::new("bounded");
    let Some(redis) = RedisServer::start(&scratch) else {
        return;
    };
    let queue = queue(&redis).await.max_len(100);
    let secrets = Secrets::single(SECRET);
    let delivery = |n: usize| {
        let (body, signature) = event(&format!("b-{n}"));
        webhook::receive(&secrets, Bytes::from(body), Some(&signature)).expect("verified")
    };
    for n in 0..100 {
        queue.add(&delivery(n)).await.expect("room for it");
    }
    // Full of entries nobody acknowledged: refused, none trimmed.
    let full = queue.add(&delivery(100)).await;
    assert!(
        matches!(
            full,
            Err(amio::webhook::redis::QueueError::Full { length: 100 })
        ),
        "{full:?}"
    );
    assert_eq!(queue.backlog().await.expect("backlog").undelivered, 100);

    // Worked off, the acknowledged entries make room again, over and over.
    let handled = Arc::new(std::sync::Mutex::new(Vec::new()));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker: Worker = Worker::connect(&redis.url(), STREAM)
        .await
        .expect("a worker");
    let seen = Arc::clone(&handled);
    let running = tokio::spawn(worker.run(
        move |job: Job| {
            let seen = Arc::clone(&seen);
            async move {
                seen.lock().expect("the list").push(job.delivery.key);
                Ok::<(), std::io::Error>(())
            }
        },
        async {
            let _ = stopped.await;
        },
    ));
    for n in 100..600 {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match queue.add(&delivery(n)).await {
                Ok(_) => break,
                Err(amio::webhook::redis::QueueError::Full { .. }) => {
                    assert!(Instant::now() < deadline, "no room within 30 s");
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                Err(error) => panic!("{error}"),
            }
        }
    }
    backlog_until(&queue, |backlog| backlog.is_drained()).await;
    let _ = stop.send(());
    running.await.expect("the worker stops");
    let handled = handled.lock().expect("the list");
    let distinct: std::collections::HashSet<_> = handled.iter().collect();
    assert_eq!(handled.len(), 600, "each entry once");
    assert_eq!(distinct.len(), 600);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_a_claim_is_released_only_by_its_own_claimant() {
    use amio::webhook::axum::{Claim, Dedup};
    use amio::webhook::redis::RedisDedup;

    let scratch = Scratch::new("claims");
    let Some(redis) = RedisServer::start(&scratch) else {
        return;
    };
    // Two receivers' stores; claims last 300 ms.
    let a = RedisDedup::connect(&redis.url())
        .await
        .expect("Redis")
        .claim_ttl(Duration::from_millis(300));
    let b = RedisDedup::connect(&redis.url())
        .await
        .expect("Redis")
        .claim_ttl(Duration::from_millis(300));
    assert_eq!(a.claim(b"k").await.expect("claim"), Claim::New);
    assert_eq!(b.claim(b"k").await.expect("claim"), Claim::InFlight);
    b.release(b"k").await.expect("release");
    assert_eq!(
        b.claim(b"k").await.expect("claim"),
        Claim::InFlight,
        "b never held it"
    );

    // a's claim expires (as if a died); b claims; a's late release must not
    // undo b's claim.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(b.claim(b"k").await.expect("claim"), Claim::New);
    a.release(b"k").await.expect("release");
    assert_eq!(
        a.claim(b"k").await.expect("claim"),
        Claim::InFlight,
        "b still holds it"
    );

    // Confirmed, it is done for everyone, and a release no longer undoes it.
    b.complete(b"k").await.expect("complete");
    assert_eq!(a.claim(b"k").await.expect("claim"), Claim::Done);
    b.release(b"k").await.expect("release");
    assert_eq!(a.claim(b"k").await.expect("claim"), Claim::Done);

    // Released by its claimant, a key is new again.
    assert_eq!(a.claim(b"other").await.expect("claim"), Claim::New);
    a.release(b"other").await.expect("release");
    assert_eq!(b.claim(b"other").await.expect("claim"), Claim::New);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_a_worker_stopped_with_sigterm_finishes_and_acks_the_event_in_flight() {
    let scratch = Scratch::new("sigterm");
    let Some(redis) = RedisServer::start(&scratch) else {
        return;
    };
    let out = scratch.path("handled.txt");
    let (_receiver, url) = receiver(&redis, &scratch, "receiver", &[], &[]);
    let mut worker = worker(&redis, &scratch, "worker", &out, &["--delay-ms", "1500"]);
    assert_eq!(post(&client(), &url, "m-1").await, Some(200));
    let queue = queue(&redis).await;
    backlog_until(&queue, |backlog| backlog.pending == 1).await;
    // Mid-handler: it finishes, writes its line, acks, then exits 0.
    assert!(worker.terminate().success());
    assert_eq!(lines(&out), [line("m-1")]);
    assert!(
        queue.backlog().await.expect("backlog").is_drained(),
        "acknowledged before exit"
    );
}
