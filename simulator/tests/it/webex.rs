//! Webex Connect: the documented envelope and codes, and the delivery
//! notification POSTed to `notifyurl`, with the `webex_connect` client.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::support::{http, start};

async fn post(sim: &messaging_simulator::Running, key: Option<&str>, body: &str) -> Value {
    let mut request = http()
        .post(format!("{}/resources/v1/messaging", sim.base_url()))
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(key) = key {
        request = request.header("key", key);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200, "always HTTP 200");
    response.json().await.unwrap()
}

fn code(answer: &Value) -> &str {
    answer["response"]["code"].as_str().unwrap_or_default()
}

const KEY: &str = messaging_simulator::DEFAULT_SERVICE_KEY;

#[tokio::test]
async fn refusals_carry_the_documented_codes() {
    let sim = start(|_| {}).await;
    let valid = r#"{"deliverychannel": "sms", "channels": {"sms": {"text": "hi"}}, "destination": [{"msisdn": ["+447700900123"]}]}"#;
    let answer = post(&sim, None, valid).await;
    assert_eq!(code(&answer), "7002");
    assert_eq!(answer["response"]["description"], "Service key missing");
    assert_eq!(answer["response"]["transid"].as_str().unwrap().len(), 36);
    assert_eq!(code(&post(&sim, Some("wrong"), valid).await), "7001");
    assert_eq!(code(&post(&sim, Some(KEY), "{not json").await), "7000");
    assert_eq!(
        code(&post(&sim, Some(KEY), r#"{"a": 1, "a": 2}"#).await),
        "7000"
    );
    // Missing mandatory fields; a field of the wrong type.
    assert_eq!(
        code(&post(&sim, Some(KEY), r#"{"deliverychannel": "sms"}"#).await),
        "7003"
    );
    let wrong_type =
        r#"{"deliverychannel": "sms", "channels": {}, "destination": [{"msisdn": "+4477"}]}"#;
    assert_eq!(code(&post(&sim, Some(KEY), wrong_type).await), "7004");
    let many: Vec<Value> = (0..1001)
        .map(|i| json!({"msisdn": [format!("+44{i}")]}))
        .collect();
    let too_many =
        json!({"deliverychannel": "sms", "channels": {}, "destination": many}).to_string();
    assert_eq!(code(&post(&sim, Some(KEY), &too_many).await), "7009");
    // A JWT wins over the key; it must verify.
    let jwt = messaging_simulator::sign_jwt(
        messaging_simulator::DEFAULT_SERVICE_ID,
        messaging_simulator::DEFAULT_SERVICE_SECRET,
        None,
    );
    let answer = http()
        .post(format!("{}/resources/v1/messaging", sim.base_url()))
        .bearer_auth(&jwt)
        .header("key", "wrong")
        .body(valid)
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(answer["response"][0]["code"], "1001", "{answer}");
    let forged = messaging_simulator::sign_jwt(
        messaging_simulator::DEFAULT_SERVICE_ID,
        "not the secret",
        None,
    );
    let answer = http()
        .post(format!("{}/resources/v1/messaging", sim.base_url()))
        .bearer_auth(&forged)
        .header("key", KEY)
        .body(valid)
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(code(&answer), "7001");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_client_sends_and_a_delivery_notification_follows_for_each_recipient() {
    let sim = start(|_| {}).await;
    let (lines, mut printed) = mpsc::unbounded_channel();
    let listener = messaging_simulator::cli::listen(0, "unused", lines)
        .await
        .unwrap();
    let notifyurl = format!("http://{}/webex", listener.addr);
    let client = webex_connect::Client::builder()
        .base_url(sim.base_url())
        .service_key(KEY)
        .build()
        .unwrap();
    let request: webex_connect::types::SendMessageRequest = serde_json::from_value(json!({
        "deliverychannel": "sms",
        "channels": {"sms": {"text": "Hello from Rust"}},
        "destination": [
            {"msisdn": ["+447700900123", "+447700900124"]},
            {"msisdn": ["+447700900125"], "correlationid": "own-id"}
        ],
        "correlationid": "order-1234",
        "callbackData": "cb",
        "notifyurl": notifyurl,
    }))
    .unwrap();
    let queued = client.send(&request).await.unwrap();
    assert_eq!(queued.len(), 3);
    let mut lines = Vec::new();
    for _ in 0..3 {
        let line = tokio::time::timeout(Duration::from_secs(5), printed.recv())
            .await
            .unwrap()
            .unwrap();
        lines.push(line);
    }
    let mut notifications: Vec<Value> = lines
        .iter()
        .map(|line| {
            assert!(line.starts_with("delivery_notification 7500: "), "{line}");
            serde_json::from_str(line.split_once(": ").unwrap().1).unwrap()
        })
        .collect();
    notifications
        .sort_by_key(|n| n["deliveryInfoNotification"]["deliveryInfo"]["destination"].to_string());
    let body = &notifications[0]["deliveryInfoNotification"];
    assert_eq!(body["deliveryInfo"]["destination"], "+447700900123");
    assert_eq!(body["deliveryInfo"]["deliveryChannel"], "SMS");
    assert_eq!(body["deliveryInfo"]["destinationType"], "msisdn");
    assert_eq!(body["callbackData"], "cb");
    assert_eq!(body["correlationid"], "order-1234");
    assert_eq!(
        notifications[2]["deliveryInfoNotification"]["correlationid"],
        "own-id"
    );
    let transids: Vec<&str> = notifications
        .iter()
        .map(|n| n["deliveryInfoNotification"]["transid"].as_str().unwrap())
        .collect();
    for message in &queued {
        assert!(transids.contains(&message.transid.as_str()));
    }
    let time_stamp = body["deliveryInfo"]["timeStamp"].as_str().unwrap();
    webex_connect::notification::parse_timestamp(time_stamp).unwrap();
}

#[tokio::test]
async fn an_expiry_in_the_past_is_notified_as_expired() {
    let sim = start(|_| {}).await;
    let (lines, mut printed) = mpsc::unbounded_channel();
    let listener = messaging_simulator::cli::listen(0, "unused", lines)
        .await
        .unwrap();
    let body = json!({
        "deliverychannel": "sms", "channels": {"sms": {"text": "late"}},
        "destination": [{"msisdn": ["+447700900123"]}],
        "expiry": "2015-04-12T13:00:19.456Z",
        "notifyurl": format!("http://{}/webex", listener.addr),
    });
    let answer = post(&sim, Some(KEY), &body.to_string()).await;
    assert_eq!(answer["response"][0]["code"], "1001");
    let line = tokio::time::timeout(Duration::from_secs(5), printed.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(line.starts_with("delivery_notification 7208"), "{line}");
}
