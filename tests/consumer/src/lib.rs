//! A small app on the `amio` crate, as a user writes one: it greets a
//! contact and hands every verified webhook event on to the rest of the app.

use amio::types::{ChannelRef, ContactIdentifier, Content, SendMessageRequest};
use amio::webhook::axum::{Delivery, Receiver};
use amio::webhook::{Event, Secrets};
use axum::http::StatusCode;
use tokio::sync::mpsc;

/// Sends "Hello from Rust" to `phone_number` on `channel`; gives the
/// message's id.
pub async fn greet(
    client: &amio::Client,
    channel: &str,
    phone_number: &str,
) -> Result<String, amio::Error> {
    let request = SendMessageRequest::new(
        ChannelRef::new(channel),
        ContactIdentifier::phone_number(phone_number),
    )
    .with_content(Content::text("Hello from Rust"));
    Ok(client.send_message(&request).await?.into_inner().id)
}

/// The app's webhook endpoint, `POST /webhook`: events signed with `secret`
/// go to `events`; anything else is refused before it is read.
pub fn webhooks(secret: &str, events: mpsc::UnboundedSender<Event>) -> axum::Router {
    axum::Router::new().route(
        "/webhook",
        Receiver::new(Secrets::single(secret)).inline(move |delivery: Delivery| {
            let events = events.clone();
            async move {
                let event = delivery.event.map_err(|_| StatusCode::UNPROCESSABLE_ENTITY)?;
                events
                    .send(event)
                    .map_err(|_| StatusCode::SERVICE_UNAVAILABLE)
            }
        }),
    )
}
