//! `trigger` and `listen`: any webhook example of the specs, signed, to a
//! receiver that prints what it verified.

use std::time::Duration;

use messaging_simulator::cli::{Trigger, listen, trigger, webhook_examples};
use tokio::sync::mpsc;

async fn line(lines: &mut mpsc::UnboundedReceiver<String>) -> String {
    tokio::time::timeout(Duration::from_secs(5), lines.recv())
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn every_webhook_example_is_triggered_and_verified_by_listen() {
    let (sender, mut lines) = mpsc::unbounded_channel();
    let listener = listen(0, "S3cret", sender).await.unwrap();
    let examples = webhook_examples().unwrap();
    assert!(examples.len() > 30, "{}", examples.len());
    for example in &examples {
        let path = if example.signed { "/amio" } else { "/webex" };
        let sent = trigger(&Trigger {
            event: example.name.clone(),
            to: format!("http://{}{path}", listener.addr),
            secret: Some("S3cret".to_owned()),
            channel: Some("6500000000000000001".to_owned()),
        })
        .await
        .unwrap();
        assert_eq!(sent.status, 200, "{}: {}", example.name, sent.body);
        let printed = line(&mut lines).await;
        let expected = if example.signed {
            format!(
                "{} (verified): ",
                if example.event.is_empty() {
                    "?"
                } else {
                    &example.event
                }
            )
        } else {
            "delivery_notification ".to_owned()
        };
        // An event the bindings do not know prints its own name too.
        assert!(
            printed.starts_with(&expected),
            "{}: {printed}",
            example.name
        );
        if example.signed && example.value["data"]["channel"].is_object() {
            assert!(printed.contains("6500000000000000001"), "{printed}");
        }
    }
}

#[tokio::test]
async fn listen_refuses_a_wrong_secret_and_trigger_finds_events_by_name() {
    let (sender, mut lines) = mpsc::unbounded_channel();
    let listener = listen(0, "right", sender).await.unwrap();
    let to = format!("http://{}/hook", listener.addr);
    let sent = trigger(&Trigger {
        event: "messages_delivered".into(),
        to: to.clone(),
        secret: Some("wrong".into()),
        channel: None,
    })
    .await
    .unwrap();
    assert_eq!(sent.status, 401);
    assert!(line(&mut lines).await.starts_with("refused /hook: 401"));
    let error = trigger(&Trigger {
        event: "no_such_event".into(),
        to: to.clone(),
        secret: Some("right".into()),
        channel: None,
    })
    .await
    .unwrap_err();
    assert!(error.contains("message_received"), "{error}");
    let error = trigger(&Trigger {
        event: "postback".into(),
        to,
        secret: None,
        channel: None,
    })
    .await
    .unwrap_err();
    assert!(error.contains("--secret"), "{error}");
}
