//! The app against the simulator: a message sent, and its signed echo
//! received by the app's own webhook endpoint.

use std::time::Duration;

use amio::types::{ChannelType, CreateChannelRequest, WebhookRequest};
use amio::webhook::Event;
use messaging_simulator::Simulator;

#[tokio::test]
async fn a_sent_message_comes_back_as_a_signed_echo() -> Result<(), Box<dyn std::error::Error>> {
    let sim = Simulator::start().await?; // a free port on 127.0.0.1
    let client = amio::Client::builder()
        .token(sim.token())
        .base_url(sim.amio_base_url())
        .build()?;

    // The app's webhook endpoint, on a free port too.
    let (events, mut received) = tokio::sync::mpsc::unbounded_channel();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhook", listener.local_addr()?);
    tokio::spawn(async move {
        axum::serve(listener, consumer::webhooks("a-test-secret", events)).await
    });

    // A channel whose webhook is the app's, signed with the app's secret.
    let channel = client
        .create_channel(
            &CreateChannelRequest::new(ChannelType::Mobile, "Test")
                .with_webhook(WebhookRequest::new(url).with_secret("a-test-secret")),
        )
        .await?
        .into_inner();
    let channel_id = serde_json::to_value(&channel)?["id"]
        .as_str()
        .ok_or("a channel has an id")?
        .to_owned();

    let sent = consumer::greet(&client, &channel_id, "+1 555 0100").await?;

    let event = tokio::time::timeout(Duration::from_secs(10), received.recv())
        .await?
        .ok_or("the receiver stopped")?;
    let Event::MessageEcho(echo) = event else {
        return Err(format!("expected message_echo first, got {}", event.event()).into());
    };
    assert_eq!(echo.data.id, sent);
    assert_eq!(echo.data.channel.id, channel_id);
    assert_eq!(sim.deliveries()[0].event, "message_echo");
    Ok(())
}
