//! Forward compatibility: what the server adds later never breaks
//! deserialization, and what was received is sent back unchanged.

use amio::types::{
    Channel, ChannelRef, ChannelType, Content, Message, SettingsUpdate, WebhookEvent,
};
use serde_json::{Value, json};

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(value: &Value) -> T {
    let typed: T = serde_json::from_value(value.clone()).expect("deserializes");
    assert_eq!(&serde_json::to_value(&typed).expect("serializes"), value);
    typed
}

#[test]
fn an_unknown_content_type_is_kept() {
    let raw = json!({"type": "hologram", "payload": {"frames": 24}});
    let content: Content = round_trip(&raw);
    assert_eq!(content, Content::Unknown(raw));
    assert_eq!(content.type_(), "hologram");
}

#[test]
fn an_unknown_content_type_inside_a_message_is_kept() {
    let raw = json!({
        "id": "1", "channel": {"id": "2"}, "contact": {"id": "3"},
        "content": {"type": "hologram", "payload": "x"}
    });
    let message: Message = round_trip(&raw);
    assert!(message.content.as_ref().is_some_and(Content::is_unknown));
}

#[test]
fn an_unknown_channel_type_is_kept() {
    let raw = json!({"id": "6350078530425603803", "type": "carrier_pigeon", "name": "coo", "loft": {"birds": 3}});
    let channel: Channel = round_trip(&raw);
    assert!(channel.is_unknown());
    assert_eq!(channel.type_(), "carrier_pigeon");
    let reference: ChannelRef = round_trip(&json!({"id": "1", "type": "carrier_pigeon"}));
    assert_eq!(
        reference.type_,
        Some(ChannelType::Unknown("carrier_pigeon".into()))
    );
}

#[test]
fn an_unknown_event_name_is_kept() {
    let raw = json!({
        "event": "message_reacted",
        "timestamp": "2017-01-24T13:11:10.000Z",
        "data": {"channel": {"id": "1", "type": "facebook_messenger"}, "reaction": "👍"}
    });
    let event: WebhookEvent = round_trip(&raw);
    assert!(event.is_unknown());
    assert_eq!(event.event(), "message_reacted");
}

#[test]
fn a_settings_update_sends_null_only_when_asked_and_nothing_unset() {
    let delete_menu = SettingsUpdate::new().with_menu_null();
    assert_eq!(
        serde_json::to_string(&delete_menu).unwrap(),
        r#"{"menu":null}"#
    );
    assert_eq!(
        serde_json::to_string(&SettingsUpdate::default()).unwrap(),
        "{}"
    );
    let read: SettingsUpdate = serde_json::from_str(r#"{"menu":null}"#).unwrap();
    assert_eq!(read.menu, Some(None));
    assert_eq!(read.get_started_button, None);
}

#[test]
fn ids_longer_than_a_double_are_kept_exactly() {
    let raw = json!({"id": "6350078530425603803123"});
    let reference: ChannelRef = round_trip(&raw);
    assert_eq!(reference.id, "6350078530425603803123");
}
