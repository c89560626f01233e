//! A webhook receiver on 127.0.0.1 that prints each verified event.
//!
//! ```sh
//! AMIO_WEBHOOK_SECRET=WebhookSecret cargo run -p amio --features axum --example webhook_receiver
//!
//! # In another shell, replay the signature test of the Amio docs:
//! curl -i http://127.0.0.1:3000/webhook \
//!   -H 'X-Hub-Signature: sha1=cb041d03489e961730cb6c7a6d1edf58ae88ef13' \
//!   --data-raw '{"event":"messages_delivered","timestamp":"2018-03-01T11:54:14.886Z","data":{"channel":{"id":"viber_service_messages_test","type":"viber"},"contact":{"phone_number":"+420606123456"},"messages":[{"id":"151990525359991"}]}}'
//! ```
//!
//! `AMIO_WEBHOOK_SECRET` is the webhook secret of your channel (one secret for
//! every channel here; see `Secrets` for one per channel). `PORT` changes the
//! port (default 3000). Expose it to Amio through a tunnel or a reverse proxy.
//!
//! Amio gets `200 OK` as soon as a verified webhook is in the queue; a task
//! prints it afterwards. Re-deliveries of a webhook already queued are
//! answered `200` and not queued again.

use amio::webhook::axum::{DEFAULT_HEADER_TIMEOUT, Delivery, MemoryStore, Receiver, serve};
use amio::webhook::{Event, Secrets};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = std::env::var("AMIO_WEBHOOK_SECRET")
        .map_err(|_| "set AMIO_WEBHOOK_SECRET to the webhook secret of your channel")?;
    let port: u16 = match std::env::var("PORT") {
        Ok(port) => port
            .parse()
            .map_err(|_| format!("PORT `{port}` is not a port"))?,
        Err(_) => 3000,
    };

    let (queue, mut deliveries) = tokio::sync::mpsc::channel::<Delivery>(1024);
    tokio::spawn(async move {
        while let Some(delivery) = deliveries.recv().await {
            print(delivery);
        }
    });

    let receiver = Receiver::new(Secrets::single(secret)).deduplicate(MemoryStore::new());
    let app = axum::Router::new().route("/webhook", receiver.queued(queue));

    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!(
        "receiving Amio webhooks on http://{}/webhook",
        listener.local_addr()?
    );
    match serve(listener, app, DEFAULT_HEADER_TIMEOUT).await {}
}

fn print(delivery: Delivery) {
    let key = delivery.key_hex();
    match &delivery.event {
        Ok(Event::MessageReceived(received)) => println!(
            "{key}: message from contact {:?} on channel {}: {:?}",
            received.data.contact.id, received.data.channel.id, received.data.content
        ),
        Ok(other) if other.is_unknown() => println!("{key}: unknown event `{}`", other.event()),
        Ok(other) => println!("{key}: {} event", other.event()),
        // Signed by Amio, but not an event these bindings can read: keep it.
        Err(error) => println!(
            "{key}: unreadable ({error}): {}",
            String::from_utf8_lossy(&delivery.body)
        ),
    }
}
