//! Amio's live mode: the checks that are safe on a real endpoint. Reads
//! (channels, one channel, its contacts, one contact, its messages, the
//! settings) on any channel; sends (a text message and a typing
//! notification) only to a channel whose `mode` is `test`. Each response is
//! checked by [`Live::step`]: drift is reported, breakage fails.

use reqwest::header::AUTHORIZATION;
use serde_json::{Value, json};

use crate::mock::MockApi;
use crate::shared::live::{AREA, Live, LiveOptions, TEST_MESSAGE, first_id};
use crate::shared::report::Area;
use crate::suite::Suite;

/// Runs the live checks against `options.base_url`, with the access token
/// `options.credential` as a bearer header.
pub async fn check(suite: &Suite, options: &LiveOptions) -> Area {
    let bearer = format!("Bearer {}", options.credential);
    let mock = MockApi::start().await;
    let mut live = match Live::new(suite, &mock, &options.base_url, (AUTHORIZATION, &bearer)) {
        Ok(live) => live,
        Err(message) => {
            let mut area = Area::new(AREA);
            area.record("live", Err(message));
            return area;
        }
    };
    let channels = live
        .step("list_channels", &[("max", "10"), ("offset", "0")], None)
        .await;
    let channel_id = options
        .channel_id
        .clone()
        .or_else(|| first_id(channels.as_ref()));
    let mut notes = Vec::new();
    match channel_id {
        None => notes.push("no channel to read".to_owned()),
        Some(channel_id) => {
            let channel = live
                .step("get_channel", &[("channel_id", &channel_id)], None)
                .await;
            let contacts = live
                .step(
                    "list_contacts",
                    &[("channel_id", &channel_id), ("max", "10"), ("offset", "0")],
                    None,
                )
                .await;
            live.step("get_settings", &[("channel_id", &channel_id)], None)
                .await;
            let contact_id = first_id(contacts.as_ref());
            if let Some(contact_id) = &contact_id {
                let ids = [
                    ("channel_id", channel_id.as_str()),
                    ("contact_id", contact_id),
                ];
                live.step("get_contact", &ids, None).await;
                let paged = [ids[0], ids[1], ("max", "10"), ("offset", "0")];
                live.step("list_messages", &paged, None).await;
            } else {
                notes.push("the channel has no contact: contact reads skipped".to_owned());
            }
            let mode = channel
                .as_ref()
                .and_then(|c| c.get("mode"))
                .and_then(Value::as_str)
                .unwrap_or("production");
            match (mode, &contact_id) {
                ("test", Some(contact_id)) => {
                    let to = json!({
                        "channel": { "id": channel_id },
                        "contact": { "id": contact_id },
                    });
                    let mut message = to.clone();
                    message["content"] = json!({ "type": "text", "payload": TEST_MESSAGE });
                    live.step("send_message", &[], Some(message)).await;
                    let mut notification = to;
                    notification["type"] = json!("typing_on");
                    live.step("send_notification", &[], Some(notification))
                        .await;
                }
                ("test", None) => notes.push("sends skipped: no contact to send to".to_owned()),
                (mode, _) => notes.push(format!(
                    "sends skipped: channel {channel_id} is in mode `{mode}`, not `test`"
                )),
            }
        }
    }
    let mut area = live.area;
    area.coverage = std::iter::once(format!(
        "{} responses of {}",
        area.checks.len(),
        options.base_url
    ))
    .chain(notes)
    .collect::<Vec<_>>()
    .join("; ");
    area
}
