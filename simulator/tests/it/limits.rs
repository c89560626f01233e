//! Rate limits (per hour and simultaneous connections), faults, and
//! clients that are slow or hostile.

use std::time::Duration;

use reqwest::Method;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{TOKEN, amio, error_details, send, start};

#[tokio::test]
async fn the_hourly_budget_counts_down_then_429_until_the_hour_is_over() {
    // Three requests an hour; an hour lasts two seconds.
    let sim = start(|c| {
        c.rate_limit = Some(3);
        c.time_scale = 1800.0;
    })
    .await;
    let mut remaining = Vec::new();
    for _ in 0..3 {
        let (status, headers, _) = send(amio(&sim, Method::GET, "/channels")).await;
        assert_eq!(status, 200);
        assert_eq!(headers["x-ratelimit-limit"], "3");
        let reset: u64 = headers["x-ratelimit-reset"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        assert!(reset >= now && reset <= now + 3, "{reset} vs {now}");
        remaining.push(
            headers["x-ratelimit-remaining"]
                .to_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(remaining, ["2", "1", "0"]);
    // Any request, even one that would be a 404, is refused now.
    let (status, headers, body) = send(amio(&sim, Method::GET, "/channels/1")).await;
    assert_eq!(status, 429);
    assert_eq!(headers["x-ratelimit-remaining"], "0");
    let message = error_details(429, &body)[0]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        message.contains("exceeded maximum number of requests"),
        "{message}"
    );
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (status, headers, _) = send(amio(&sim, Method::GET, "/channels")).await;
    assert_eq!(status, 200);
    assert_eq!(headers["x-ratelimit-remaining"], "2");
}

#[tokio::test]
async fn the_plans_presets_are_the_documented_ones() {
    use messaging_simulator::Plan;
    assert_eq!(
        (Plan::Free.requests_per_hour(), Plan::Free.connections()),
        (Some(1000), Some(3))
    );
    assert_eq!(
        (
            Plan::Developer.requests_per_hour(),
            Plan::Developer.connections()
        ),
        (Some(2000), Some(10))
    );
    assert_eq!(
        (
            Plan::Enterprise.requests_per_hour(),
            Plan::Enterprise.connections()
        ),
        (None, None)
    );
    let sim = start(|c| c.plan = Plan::Free).await;
    let (_, headers, _) = send(amio(&sim, Method::GET, "/channels")).await;
    assert_eq!(headers["x-ratelimit-limit"], "1000");
    assert_eq!(headers["x-ratelimit-remaining"], "999");
    let sim = start(|c| c.plan = Plan::Enterprise).await;
    let (status, headers, _) = send(amio(&sim, Method::GET, "/channels")).await;
    assert_eq!(status, 200);
    assert!(headers.get("x-ratelimit-limit").is_none());
}

async fn raw_get(stream: &mut TcpStream, path: &str) -> String {
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let mut buffer = [0; 4096];
    // One response: read until the body's end (they are small).
    loop {
        let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buffer))
            .await
            .expect("an answer in time")
            .unwrap();
        answer.extend_from_slice(&buffer[..n]);
        let text = String::from_utf8_lossy(&answer).into_owned();
        if n == 0 {
            return text;
        }
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().to_owned())
                })
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0);
            if answer.len() >= end + 4 + length {
                return text;
            }
        }
    }
}

#[tokio::test]
async fn connections_beyond_the_plans_limit_are_answered_429_and_closed() {
    let sim = start(|c| c.connections = Some(2)).await;
    let mut open = Vec::new();
    for _ in 0..2 {
        let mut stream = TcpStream::connect(sim.addr()).await.unwrap();
        assert!(
            raw_get(&mut stream, "/v1/channels")
                .await
                .starts_with("HTTP/1.1 200")
        );
        open.push(stream);
    }
    let mut third = TcpStream::connect(sim.addr()).await.unwrap();
    let answer = raw_get(&mut third, "/v1/channels").await;
    assert!(answer.starts_with("HTTP/1.1 429"), "{answer}");
    assert!(answer.contains("simultaneous connections (2)"), "{answer}");
    assert!(
        answer.to_lowercase().contains("connection: close"),
        "{answer}"
    );
    // The first two still work; once one closes, a new one is served.
    assert!(
        raw_get(&mut open[0], "/v1/channels")
            .await
            .starts_with("HTTP/1.1 200")
    );
    drop(open.pop());
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut fourth = TcpStream::connect(sim.addr()).await.unwrap();
    assert!(
        raw_get(&mut fourth, "/v1/channels")
            .await
            .starts_with("HTTP/1.1 200")
    );
}

/// The outcome of each of `n` requests: a status, or `None` for a dropped
/// connection.
async fn outcomes(seed: u64, n: usize) -> Vec<Option<u16>> {
    let sim = start(|c| {
        c.faults = Some(seed);
        c.fault_rate = 0.3;
    })
    .await;
    let mut outcomes = Vec::new();
    for _ in 0..n {
        // A new client each time: a dropped connection is not reused.
        let response = amio(&sim, Method::GET, "/channels").send().await;
        outcomes.push(response.ok().map(|r| r.status().as_u16()));
    }
    outcomes
}

#[tokio::test]
async fn faults_answer_502_or_drop_the_connection_in_the_order_the_seed_fixes() {
    let first = outcomes(7, 40).await;
    assert_eq!(
        first,
        outcomes(7, 40).await,
        "the same seed, the same faults"
    );
    assert_ne!(first, outcomes(8, 40).await);
    assert!(first.contains(&Some(200)));
    assert!(first.contains(&Some(502)), "{first:?}");
    assert!(first.contains(&None), "{first:?}");
    assert!(first.iter().all(|o| matches!(o, Some(200 | 502) | None)));
    let sim = start(|c| c.faults = None).await;
    for _ in 0..20 {
        assert_eq!(send(amio(&sim, Method::GET, "/channels")).await.0, 200);
    }
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    let sim = start(|c| c.header_timeout = Duration::from_millis(200)).await;
    let mut stream = TcpStream::connect(sim.addr()).await.unwrap();
    stream
        .write_all(b"GET /v1/channels HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut buffer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(3), stream.read_to_end(&mut buffer)).await;
    assert!(read.is_ok(), "the server closed the connection");
    // The server still answers others.
    assert_eq!(send(amio(&sim, Method::GET, "/channels")).await.0, 200);
}

#[tokio::test]
async fn a_body_that_never_arrives_is_408() {
    let sim = start(|c| c.body_timeout = Duration::from_millis(200)).await;
    let mut stream = TcpStream::connect(sim.addr()).await.unwrap();
    let head = format!(
        "POST /v1/channels HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: 100\r\n\r\n{{"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut buffer = vec![0; 4096];
    let n = tokio::time::timeout(Duration::from_secs(3), stream.read(&mut buffer))
        .await
        .expect("an answer in time")
        .unwrap();
    let answer = String::from_utf8_lossy(&buffer[..n]);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}

/// A value nested `depth` deep, arrays and objects taking turns.
fn deep(depth: usize) -> String {
    let mut value = String::with_capacity(depth * 6);
    for level in 0..depth {
        value.push_str(if level % 2 == 0 { "[" } else { r#"{"k":"# });
    }
    value.push('1');
    for level in (0..depth).rev() {
        value.push(if level % 2 == 0 { ']' } else { '}' });
    }
    value
}

#[tokio::test]
async fn request_bodies_nested_a_million_deep_are_refused_and_the_next_is_served() {
    let sim = start(|c| c.body_limit = 8 * 1024 * 1024).await;
    for depth in [10_000, 1_000_000] {
        let value = deep(depth);
        // Amio: a send whose content is the deep value.
        let body = format!(
            r#"{{"channel":{{"id":"1"}},"contact":{{"id":"2"}},"content":{{"type":"text","payload":{value}}}}}"#
        );
        let (status, _, answer) =
            send(amio(&sim, Method::POST, "/messages").body(body.clone())).await;
        assert_eq!(status, 400, "{depth}: {answer}");
        let message = error_details(400, &answer)[0]["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            message.contains("deeper than 128 levels"),
            "{depth}: {message}"
        );
        // Webex Connect: the same value as the channels.
        let webex = format!(
            r#"{{"deliverychannel":"sms","channels":{value},"destination":[{{"msisdn":["+447700900123"]}}]}}"#
        );
        let answer: serde_json::Value = crate::support::http()
            .post(format!("{}/resources/v1/messaging", sim.base_url()))
            .header("key", messaging_simulator::DEFAULT_SERVICE_KEY)
            .header("content-type", "application/json")
            .body(webex)
            .send()
            .await
            .expect("the simulator answers")
            .json()
            .await
            .expect("a JSON answer");
        assert_eq!(answer["response"]["code"], "7000", "{depth}: {answer}");
        // The control endpoints read bodies too.
        let (status, _, _) = send(
            crate::support::http()
                .post(format!("{}/_simulator/inbound", sim.base_url()))
                .bearer_auth(TOKEN)
                .body(format!(r#"{{"channel":{value}}}"#)),
        )
        .await;
        assert_eq!(status, 400, "{depth}");
    }
    // Still up.
    let (status, _, _) = send(amio(&sim, Method::GET, "/channels")).await;
    assert_eq!(status, 200);
}
