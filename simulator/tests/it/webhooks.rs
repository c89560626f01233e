//! Webhooks out: the amio client end to end against the simulator, with an
//! `amio::webhook::axum::Receiver` receiving the signed events; the
//! re-delivery schedule; the events of inbound messages and reads.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use amio::types::{
    Channel, ChannelRef, ChannelType, ContactIdentifier, Content, CreateChannelRequest,
    SendMessageRequest, WebhookRequest,
};
use amio::webhook::axum::{Delivery, Receiver};
use amio::webhook::{Event, Secrets};
use axum::http::StatusCode;
use serde_json::Value;
use tokio::sync::mpsc;

use crate::support::{TOKEN, eventually, start};

const SECRET: &str = "end-to-end-secret";

/// A receiver on 127.0.0.1 that verifies with [`SECRET`] and hands every
/// event to the channel.
async fn receiver() -> (String, mpsc::UnboundedReceiver<Event>) {
    let (events, received) = mpsc::unbounded_channel();
    let app = axum::Router::new().route(
        "/webhook",
        Receiver::new(Secrets::single(SECRET)).inline(move |delivery: Delivery| {
            let events = events.clone();
            async move {
                let event = delivery.event.map_err(|_| StatusCode::BAD_REQUEST)?;
                let _ = events.send(event);
                Ok::<(), StatusCode>(())
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/webhook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, received)
}

async fn next(events: &mut mpsc::UnboundedReceiver<Event>) -> Event {
    tokio::time::timeout(Duration::from_secs(5), events.recv())
        .await
        .expect("an event within five seconds")
        .expect("the receiver runs")
}

fn channel_id(channel: &Channel) -> String {
    serde_json::to_value(channel).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_amio_client_end_to_end_with_signed_webhooks() {
    let sim = start(|_| {}).await;
    let (url, mut events) = receiver().await;
    let client = amio::Client::builder()
        .token(TOKEN)
        .base_url(sim.amio_base_url())
        .build()
        .unwrap();

    let created = client
        .create_channel(
            &CreateChannelRequest::new(ChannelType::AmioChat, "End to end")
                .with_webhook(WebhookRequest::new(url.clone()).with_secret(SECRET)),
        )
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    let channel = created.into_inner();
    let id = channel_id(&channel);

    // A contact writes first (Amio Chat contacts start the conversation).
    let remote = messaging_simulator::cli::Remote {
        url: sim.base_url(),
        token: TOKEN.to_owned(),
    };
    remote.inbound(&id, "visitor-1", "Hello?").await.unwrap();
    let Event::MessageReceived(received) = next(&mut events).await else {
        panic!("expected message_received");
    };
    assert_eq!(received.data.channel.id, id);
    assert_eq!(received.data.contact.id.as_deref(), Some("visitor-1"));

    let sent = client
        .send_message(
            &SendMessageRequest::new(
                ChannelRef::new(id.clone()),
                ContactIdentifier::id("visitor-1"),
            )
            .with_content(Content::text("Hello from Rust")),
        )
        .await
        .unwrap()
        .into_inner();

    // The echo, then the delivery, both verified by the receiver.
    let Event::MessageEcho(echo) = next(&mut events).await else {
        panic!("expected message_echo");
    };
    assert_eq!(echo.data.id, sent.id);
    assert_eq!(echo.data.channel.name.as_deref(), Some("End to end"));
    let Event::MessagesDelivered(delivered) = next(&mut events).await else {
        panic!("expected messages_delivered");
    };
    assert_eq!(delivered.data.messages[0].id, sent.id);
    assert_eq!(delivered.data.contact.id.as_deref(), Some("visitor-1"));

    let messages = client
        .list_messages(&id, "visitor-1", None, None)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0].id, sent.id);
    assert_eq!(messages[0].direction.to_string(), "sent");
    assert!(messages[0].delivered.is_some());
    assert!(messages[0].read.is_none());
    assert_eq!(messages[1].direction.to_string(), "received");

    // Read on demand: messages_read, and `read` set.
    assert_eq!(remote.read(&id, "visitor-1").await.unwrap(), 1);
    let Event::MessagesRead(read) = next(&mut events).await else {
        panic!("expected messages_read");
    };
    assert_eq!(read.data.channel.id, id);
    let messages = client
        .list_messages(&id, "visitor-1", None, None)
        .await
        .unwrap()
        .into_inner();
    assert!(messages[0].read.is_some());

    let deleted = client.delete_channel(&id).await.unwrap();
    assert_eq!(deleted.status().as_u16(), 204);
    let error = client.get_channel(&id).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    let body = amio::ErrorExt::api_error(&error).expect("the documented error body");
    assert_eq!(body.status.message, "Not Found");

    // Every event was delivered at the first attempt.
    eventually(|| {
        sim.deliveries()
            .iter()
            .all(|d| d.outcome == messaging_simulator::Outcome::Delivered)
    })
    .await;
    let deliveries = sim.deliveries();
    let names: Vec<&str> = deliveries.iter().map(|d| d.event.as_str()).collect();
    assert_eq!(
        names,
        [
            "message_received",
            "message_echo",
            "messages_delivered",
            "messages_read"
        ]
    );
    assert!(
        deliveries
            .iter()
            .all(|d| d.outcome == messaging_simulator::Outcome::Delivered && d.attempts.len() == 1)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn what_the_simulator_sends_fits_the_spec_and_is_signed_over_the_raw_bytes() {
    let sim = start(|_| {}).await;
    let bodies = Arc::new(Mutex::new(Vec::<(Option<String>, Vec<u8>)>::new()));
    let seen = Arc::clone(&bodies);
    let app = axum::Router::new().route(
        "/raw",
        axum::routing::post(
            move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                let seen = Arc::clone(&seen);
                async move {
                    let signature = headers
                        .get(amio::webhook::SIGNATURE_HEADER)
                        .map(|v| v.to_str().unwrap().to_owned());
                    seen.lock().unwrap().push((signature, body.to_vec()));
                    StatusCode::OK
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/raw", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let http = crate::support::http();
    let channel: Value = http
        .post(format!("{}/channels", sim.amio_base_url()))
        .bearer_auth(TOKEN)
        .json(&serde_json::json!({"type": "mobile", "name": "M", "webhook": {"url": url}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = channel["webhook"]["secret"].as_str().unwrap().to_owned();
    let id = channel["id"].as_str().unwrap();
    http.post(format!("{}/messages", sim.amio_base_url()))
        .bearer_auth(TOKEN)
        .json(
            &serde_json::json!({"channel": {"id": id}, "contact": {"phone_number": "+1 555 0100"},
            "content": {"type": "text", "payload": "hi"}, "metadata": {"order": 7}}),
        )
        .send()
        .await
        .unwrap();
    eventually(|| bodies.lock().unwrap().len() == 2).await;
    let suite = messaging_openapi::Document::from_text(
        "spec/amio.yaml",
        messaging_simulator::AMIO_SPEC.to_owned(),
    )
    .unwrap();
    let shape = messaging_openapi::spec::webhook_shape(&suite.spec).unwrap();
    for (signature, body) in bodies.lock().unwrap().iter() {
        amio::webhook::verify(secret.as_bytes(), body, signature.as_deref()).unwrap();
        assert!(amio::webhook::verify(b"another secret", body, signature.as_deref()).is_err());
        let value: Value = serde_json::from_slice(body).unwrap();
        suite.schemas.validate(&shape, &value).unwrap();
        if value["event"] == "message_echo" {
            assert_eq!(value["data"]["metadata"], serde_json::json!({"order": 7}));
            assert_eq!(value["data"]["contact"]["phone_number"], "15550100");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_deliveries_are_retried_on_amios_schedule_then_discarded() {
    // A minute lasts a millisecond: the schedule (746 minutes) takes 0.75 s.
    let sim = start(|c| c.time_scale = 60_000.0).await;
    let hits = Arc::new(Mutex::new(Vec::<Instant>::new()));
    let seen = Arc::clone(&hits);
    let app = axum::Router::new().route(
        "/down",
        axum::routing::post(move || {
            let seen = Arc::clone(&seen);
            async move {
                seen.lock().unwrap().push(Instant::now());
                StatusCode::SERVICE_UNAVAILABLE
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/down", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let http = crate::support::http();
    let channel: Value = http
        .post(format!("{}/channels", sim.amio_base_url()))
        .bearer_auth(TOKEN)
        .json(&serde_json::json!({"type": "amio_chat", "name": "Down", "webhook": {"url": url}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let remote = messaging_simulator::cli::Remote {
        url: sim.base_url(),
        token: TOKEN.to_owned(),
    };
    remote
        .inbound(channel["id"].as_str().unwrap(), "c", "hi")
        .await
        .unwrap();
    eventually(|| {
        sim.deliveries()
            .first()
            .is_some_and(|d| d.outcome == messaging_simulator::Outcome::Discarded)
    })
    .await;
    let delivery = &sim.deliveries()[0];
    assert_eq!(
        delivery.attempts.len(),
        1 + messaging_simulator::REDELIVERY_MINUTES.len()
    );
    assert!(delivery.attempts.iter().all(|a| a.status == Some(503)));
    let hits = hits.lock().unwrap().clone();
    assert_eq!(hits.len(), 7);
    // Each gap is at least its scheduled minutes (1 ms each), and the gaps
    // grow as the schedule does.
    let gaps: Vec<Duration> = hits.windows(2).map(|w| w[1] - w[0]).collect();
    for (gap, minutes) in gaps.iter().zip(messaging_simulator::REDELIVERY_MINUTES) {
        assert!(*gap >= Duration::from_millis(minutes), "{gaps:?}");
    }
    assert!(gaps[5] > gaps[0] * 4, "{gaps:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_receiver_that_fails_once_gets_the_event_again_after_a_minute() {
    let sim = start(|c| c.time_scale = 600.0).await; // a minute: 100 ms
    let (url, mut events) = receiver().await;
    let failures = Arc::new(Mutex::new(1));
    let fail = Arc::clone(&failures);
    let events_url = url.clone();
    // A proxy that answers 500 once, then forwards to the receiver.
    let app = axum::Router::new().route(
        "/flaky",
        axum::routing::post(
            move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                let fail = Arc::clone(&fail);
                let url = events_url.clone();
                async move {
                    {
                        let mut left = fail.lock().unwrap();
                        if *left > 0 {
                            *left -= 1;
                            return StatusCode::INTERNAL_SERVER_ERROR;
                        }
                    }
                    let mut request = amio::http_client_builder()
                        .expect("TLS set up")
                        .build()
                        .expect("HTTP client")
                        .post(url)
                        .body(body.to_vec());
                    for (name, value) in &headers {
                        if name == "x-hub-signature" || name == "content-type" {
                            request = request.header(name, value);
                        }
                    }
                    StatusCode::from_u16(request.send().await.unwrap().status().as_u16()).unwrap()
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let flaky = format!("http://{}/flaky", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let http = crate::support::http();
    let channel: Value = http
        .post(format!("{}/channels", sim.amio_base_url()))
        .bearer_auth(TOKEN)
        .json(&serde_json::json!({"type": "amio_chat", "name": "Flaky",
            "webhook": {"url": flaky, "secret": SECRET}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let started = Instant::now();
    messaging_simulator::cli::Remote {
        url: sim.base_url(),
        token: TOKEN.to_owned(),
    }
    .inbound(channel["id"].as_str().unwrap(), "c", "hi")
    .await
    .unwrap();
    assert!(matches!(next(&mut events).await, Event::MessageReceived(_)));
    assert!(started.elapsed() >= Duration::from_millis(100));
    eventually(|| sim.deliveries()[0].outcome == messaging_simulator::Outcome::Delivered).await;
    let delivery = &sim.deliveries()[0];
    assert_eq!(delivery.outcome, messaging_simulator::Outcome::Delivered);
    let statuses: Vec<Option<u16>> = delivery.attempts.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [Some(500), Some(200)]);
}
