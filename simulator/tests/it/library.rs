//! `Simulator`: the contract a user's test is written against, on what
//! the command line would do with the same options.

use std::time::Duration;

use amio::types::{ChannelRef, ContactIdentifier, Content, SendMessageRequest};
use messaging_simulator::{Outcome, Plan, Simulator};
use serde_json::json;

use crate::support::{eventually, http, send};

fn hi(sim: &Simulator) -> SendMessageRequest {
    SendMessageRequest::new(
        ChannelRef::new(sim.seeded_channel_id()),
        ContactIdentifier::id(sim.seeded_contact_id()),
    )
    .with_content(Content::text("hi"))
}

#[tokio::test]
async fn a_test_starts_it_and_sends_with_both_clients_credentials() {
    let sim = Simulator::start().await.unwrap();
    assert_eq!(sim.addr().ip().to_string(), "127.0.0.1");
    assert_ne!(sim.addr().port(), messaging_simulator::DEFAULT_PORT);
    let client = amio::Client::builder()
        .token(sim.token())
        .base_url(sim.amio_base_url())
        .build()
        .unwrap();
    let sent = client.send_message(&hi(&sim)).await.unwrap();
    assert_eq!(sent.status(), 201);
    let messages = client
        .list_messages(sim.seeded_channel_id(), sim.seeded_contact_id(), None, None)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(messages[0].id, sent.into_inner().id);

    let webex = webex_connect::Client::builder()
        .base_url(sim.webex_base_url())
        .service_key(sim.service_key())
        .build()
        .unwrap();
    let queued = webex
        .send(&webex_connect::types::SendMessageRequest::sms(
            webex_connect::types::SmsMessage::new("hi"),
            [webex_connect::types::Destination::new().with_msisdn(["+447700900123"])],
        ))
        .await
        .unwrap();
    assert_eq!(queued.len(), 1);

    // The credentials are the defaults, and never in `Debug`.
    assert_eq!(sim.token(), messaging_simulator::DEFAULT_TOKEN);
    assert_eq!(sim.service_key(), messaging_simulator::DEFAULT_SERVICE_KEY);
    let shown = format!("{sim:?} {:?}", Simulator::builder().token("tok-4f1a"));
    assert!(
        !shown.contains(sim.token()) && !shown.contains("tok-4f1a"),
        "{shown}"
    );
}

#[tokio::test]
async fn dropping_it_stops_it() {
    let sim = Simulator::start().await.unwrap();
    let addr = sim.addr();
    assert!(tokio::net::TcpStream::connect(addr).await.is_ok());
    drop(sim);
    let mut refused = false;
    for _ in 0..500 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(refused, "{addr} still accepts connections");
}

#[tokio::test]
async fn the_builder_sets_what_the_flags_set() {
    let sim = Simulator::builder()
        .token("builder-token")
        .plan(Plan::Free)
        .start()
        .await
        .unwrap();
    let url = format!("{}/channels", sim.amio_base_url());
    let (status, headers, _) = send(http().get(&url).bearer_auth("builder-token")).await;
    assert_eq!(status, 200);
    assert_eq!(headers["x-ratelimit-limit"], "1000");
    let (status, _, _) = send(
        http()
            .get(&url)
            .bearer_auth(messaging_simulator::DEFAULT_TOKEN),
    )
    .await;
    assert_eq!(status, 401);

    // Every request answered 502 or dropped.
    let faulty = Simulator::builder().faults(3, 1.0).start().await.unwrap();
    let answered = http()
        .get(format!("{}/channels", faulty.amio_base_url()))
        .bearer_auth(faulty.token())
        .send()
        .await;
    assert!(answered.map_or(true, |r| r.status() == 502));

    // Out of range: a typed error, as on the command line.
    let error = Simulator::builder()
        .time_scale(0.0)
        .start()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("time scale"), "{error}");
    let error = Simulator::builder()
        .faults(1, 2.0)
        .start()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("fault rate"), "{error}");
}

#[tokio::test]
async fn the_state_file_is_written_on_shutdown_and_read_on_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let sim = Simulator::builder()
        .state_file(&path)
        .start()
        .await
        .unwrap();
    let client = amio::Client::builder()
        .token(sim.token())
        .base_url(sim.amio_base_url())
        .build()
        .unwrap();
    let sent = client.send_message(&hi(&sim)).await.unwrap().into_inner();
    sim.shutdown().await.unwrap();
    assert!(std::fs::read_to_string(&path).unwrap().contains(&sent.id));

    let again = Simulator::builder()
        .state_file(&path)
        .start()
        .await
        .unwrap();
    let client = amio::Client::builder()
        .token(again.token())
        .base_url(again.amio_base_url())
        .build()
        .unwrap();
    let messages = client
        .list_messages(
            again.seeded_channel_id(),
            again.seeded_contact_id(),
            None,
            None,
        )
        .await
        .unwrap()
        .into_inner();
    assert!(messages.iter().any(|m| m.id == sent.id));
}

#[tokio::test]
async fn the_delivery_log_shows_what_the_webhook_received() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let receiver = listener.local_addr().unwrap();
    let app = axum::Router::new().fallback(|| async { "ok" });
    tokio::spawn(async move { axum::serve(listener, app).await });

    let sim = Simulator::builder()
        .time_scale(60_000.0)
        .start()
        .await
        .unwrap();
    let (status, _, channel) = send(
        http()
            .post(format!("{}/channels", sim.amio_base_url()))
            .bearer_auth(sim.token())
            .json(&json!({"name": "Shop", "type": "amio_chat",
                "webhook": {"url": format!("http://{receiver}/hook")}})),
    )
    .await;
    assert_eq!(status, 201, "{channel}");
    let (status, _, _) = send(
        http()
            .post(format!("{}/_simulator/inbound", sim.webex_base_url()))
            .bearer_auth(sim.token())
            .json(&json!({"channel": channel["id"], "contact": "visitor-1", "text": "hello"})),
    )
    .await;
    assert_eq!(status, 201);
    eventually(|| {
        sim.deliveries()
            .first()
            .is_some_and(|d| d.outcome == Outcome::Delivered)
    })
    .await;
    let delivery = &sim.deliveries()[0];
    assert_eq!(delivery.event, "message_received");
    assert_eq!(delivery.url, format!("http://{receiver}/hook"));
    assert_eq!(delivery.attempts.len(), 1);
}
