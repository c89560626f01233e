//! The Amio operations, on the state, as the docs describe them (seed 000):
//! channels created, read, listed, updated with PATCH (`{"key": null}`
//! deletes) and deleted; contacts created by the messages that reach or
//! come from them; messages listed per contact with `direction`,
//! `delivered` and `read`; notifications; settings. Every request reaching
//! a handler already fits the spec's schemas.

use axum::http::StatusCode;
use axum::http::header::{HeaderName, LOCATION};
use messaging_openapi::Document;
use serde_json::{Map, Value, json};

use crate::http::Reply;
use crate::routes::{Inputs, Routes};
use crate::state::{ChannelRecord, ContactRecord, State, into_map};
use crate::webhooks::Post;

/// Every operation of the Amio spec the simulator answers.
pub(crate) const OPERATIONS: &[&str] = &[
    "send_message",
    "send_notification",
    "list_channels",
    "create_channel",
    "get_channel",
    "update_channel",
    "delete_channel",
    "list_contacts",
    "get_contact",
    "delete_contact",
    "list_messages",
    "get_settings",
    "update_settings",
];

/// Channel types with notifications (the spec's `SendNotificationRequest`:
/// "Amio Chat, Facebook Messenger") and with settings (`Settings`:
/// "available on Facebook Messenger and Amio Chat").
const WITH_NOTIFICATIONS_AND_SETTINGS: &[&str] = &["amio_chat", "facebook_messenger"];

/// The header with a list's total.
const TOTAL_COUNT: HeaderName = HeaderName::from_static("x-total-count");

/// The Amio spec, its routes, and what the handlers read from it.
#[derive(Debug)]
pub(crate) struct Amio {
    pub(crate) suite: Document,
    pub(crate) routes: Routes,
    /// The properties of `CreateChannelRequest`: what a channel keeps.
    create_properties: Vec<String>,
    /// The properties of `UpdateChannelRequest`: what a PATCH may change.
    update_properties: Vec<String>,
}

fn properties(suite: &Document, schema: &str) -> Result<Vec<String>, String> {
    suite
        .spec
        .pointer(&format!("/components/schemas/{schema}/properties"))
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .ok_or_else(|| format!("{}: no schema {schema}", suite.path))
}

impl Amio {
    pub(crate) fn new() -> Result<Self, String> {
        let suite = Document::from_text("spec/amio.yaml", crate::AMIO_SPEC.to_owned())?;
        Ok(Self {
            routes: Routes::new(&suite, OPERATIONS)?,
            create_properties: properties(&suite, "CreateChannelRequest")?,
            update_properties: properties(&suite, "UpdateChannelRequest")?,
            suite,
        })
    }

    /// Answers operation `id` with `inputs`, against `state`. `origin` is
    /// the scheme and authority the client reached (for `Location`).
    pub(crate) fn call(&self, state: &mut State, id: &str, inputs: Inputs, origin: &str) -> Reply {
        let result = match id {
            "list_channels" => Ok(list_channels(state, &inputs)),
            "create_channel" => Ok(self.create_channel(state, &inputs, origin)),
            "get_channel" => channel(state, inputs.path("channel_id"))
                .map(|record| Reply::json(StatusCode::OK, Value::Object(record.channel.clone()))),
            "update_channel" => self.update_channel(state, &inputs),
            "delete_channel" => delete_channel(state, &inputs),
            "list_contacts" => list_contacts(state, &inputs),
            "get_contact" => contact(state, &inputs).map(|(_, record)| {
                Reply::json(StatusCode::OK, Value::Object(record.contact.clone()))
            }),
            "delete_contact" => delete_contact(state, &inputs),
            "list_messages" => list_messages(state, &inputs),
            "send_message" => send_message(state, &inputs, origin),
            "send_notification" => send_notification(state, &inputs),
            "get_settings" => settings(state, inputs.path("channel_id"))
                .map(|record| Reply::json(StatusCode::OK, Value::Object(record.settings.clone()))),
            "update_settings" => update_settings(state, &inputs),
            other => Err(Reply::error(
                StatusCode::NOT_FOUND,
                format!("The simulator does not know the operation {other}."),
            )),
        };
        result.unwrap_or_else(|error| error)
    }

    fn create_channel(&self, state: &mut State, inputs: &Inputs, origin: &str) -> Reply {
        let body = inputs.body.clone().unwrap_or_default();
        let id = state.next_id();
        let mut channel = Map::new();
        channel.insert("id".to_owned(), json!(id));
        for key in &self.create_properties {
            if let Some(value) = body.get(key) {
                channel.insert(key.clone(), value.clone());
            }
        }
        channel.entry("mode").or_insert_with(|| json!("production"));
        let webhook = match body.get("webhook") {
            Some(Value::Object(given)) => new_webhook(state, given),
            _ => Value::Null,
        };
        channel.insert("webhook".to_owned(), webhook);
        mask_secrets(&mut channel);
        let settings = if channel.get("type") == Some(&json!("amio_chat")) {
            into_map(json!({ "domains_whitelist": null }))
        } else {
            Map::new()
        };
        state.channels.insert(
            id.clone(),
            ChannelRecord {
                channel: channel.clone(),
                settings,
                contacts: Default::default(),
            },
        );
        Reply::json(StatusCode::CREATED, Value::Object(channel))
            .with_header(LOCATION, format!("{origin}/v1/channels/{id}"))
    }

    fn update_channel(&self, state: &mut State, inputs: &Inputs) -> Result<Reply, Reply> {
        let body = inputs.body.clone().unwrap_or_default();
        let id = inputs.path("channel_id");
        channel(state, id)?;
        let webhook = match body.get("webhook") {
            Some(Value::Object(given)) => {
                let existing = state
                    .channels
                    .get(id)
                    .and_then(|r| r.channel.get("webhook"))
                    .cloned();
                Some(match existing {
                    Some(mut webhook @ Value::Object(_)) => {
                        merge_patch(&mut webhook, &Value::Object(given.clone()));
                        webhook
                    }
                    _ => new_webhook(state, given),
                })
            }
            Some(_) => Some(Value::Null),
            None => None,
        };
        let record = state
            .channels
            .get_mut(id)
            .ok_or_else(|| not_found("Channel", id))?;
        for key in &self.update_properties {
            let Some(value) = body.get(key) else { continue };
            if key == "webhook" {
                continue;
            }
            let mut current = record.channel.remove(key).unwrap_or(Value::Null);
            merge_patch(&mut current, value);
            if !current.is_null() {
                record.channel.insert(key.clone(), current);
            }
        }
        if let Some(webhook) = webhook {
            record.channel.insert("webhook".to_owned(), webhook);
        }
        mask_secrets(&mut record.channel);
        Ok(Reply::json(
            StatusCode::OK,
            Value::Object(record.channel.clone()),
        ))
    }
}

/// RFC 7386 JSON merge patch, as the docs describe PATCH: `{"key": value}`
/// sets, `{"key": null}` deletes, objects merge key by key.
pub(crate) fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(target) = target {
        for (key, value) in patch {
            if value.is_null() {
                target.remove(key);
            } else {
                merge_patch(target.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

/// A webhook object for `given` (`url`, optional `secret` and
/// `ssl_verification`): a new id, and a secret when none is given.
fn new_webhook(state: &mut State, given: &Map<String, Value>) -> Value {
    json!({
        "id": state.next_id(),
        "url": given.get("url").cloned().unwrap_or_default(),
        "secret": given.get("secret").cloned().unwrap_or_else(|| json!(new_secret())),
        "ssl_verification": given.get("ssl_verification").cloned().unwrap_or(json!(true)),
    })
}

/// A webhook secret like Amio's: 30 letters and digits.
fn new_secret() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    crate::random_bytes::<30>()
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

/// Amio masks the Facebook page access token in what it returns (`***`).
fn mask_secrets(channel: &mut Map<String, Value>) {
    if let Some(Value::Object(page)) = channel.get_mut("facebook_page")
        && page.contains_key("access_token")
    {
        page.insert("access_token".to_owned(), json!("***"));
    }
}

fn not_found(what: &str, id: &str) -> Reply {
    Reply::error(StatusCode::NOT_FOUND, format!("{what} {id} not found."))
}

fn channel<'a>(state: &'a State, id: &str) -> Result<&'a ChannelRecord, Reply> {
    state
        .channels
        .get(id)
        .ok_or_else(|| not_found("Channel", id))
}

fn contact<'a>(
    state: &'a State,
    inputs: &Inputs,
) -> Result<(&'a ChannelRecord, &'a ContactRecord), Reply> {
    let record = channel(state, inputs.path("channel_id"))?;
    let contact_id = inputs.path("contact_id");
    let contact = record
        .contacts
        .get(contact_id)
        .ok_or_else(|| not_found("Contact", contact_id))?;
    Ok((record, contact))
}

fn settings<'a>(state: &'a State, id: &str) -> Result<&'a ChannelRecord, Reply> {
    let record = channel(state, id)?;
    if WITH_NOTIFICATIONS_AND_SETTINGS.contains(&record.type_()) {
        Ok(record)
    } else {
        Err(Reply::error(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "Settings are not available on channels of type {}.",
                record.type_()
            ),
        ))
    }
}

/// One page of `items` (`max`, `offset`), with `x-total-count`.
fn page(items: impl ExactSizeIterator<Item = Value>, inputs: &Inputs) -> Reply {
    let total = items.len();
    let max = inputs.query_u64("max").unwrap_or(10);
    let offset = inputs.query_u64("offset").unwrap_or(0);
    let items: Vec<Value> = items
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(max).unwrap_or(usize::MAX))
        .collect();
    Reply::json(StatusCode::OK, Value::Array(items)).with_header(TOTAL_COUNT, total.to_string())
}

fn list_channels(state: &State, inputs: &Inputs) -> Reply {
    page(
        state
            .channels
            .values()
            .map(|r| Value::Object(r.channel.clone())),
        inputs,
    )
}

fn delete_channel(state: &mut State, inputs: &Inputs) -> Result<Reply, Reply> {
    let id = inputs.path("channel_id");
    state
        .channels
        .remove(id)
        .map(|_| Reply::empty(StatusCode::NO_CONTENT))
        .ok_or_else(|| not_found("Channel", id))
}

fn list_contacts(state: &State, inputs: &Inputs) -> Result<Reply, Reply> {
    let record = channel(state, inputs.path("channel_id"))?;
    Ok(page(
        record
            .contacts
            .values()
            .map(|c| Value::Object(c.contact.clone())),
        inputs,
    ))
}

fn delete_contact(state: &mut State, inputs: &Inputs) -> Result<Reply, Reply> {
    contact(state, inputs)?;
    if let Some(record) = state.channels.get_mut(inputs.path("channel_id")) {
        record.contacts.remove(inputs.path("contact_id"));
    }
    Ok(Reply::empty(StatusCode::NO_CONTENT))
}

fn list_messages(state: &State, inputs: &Inputs) -> Result<Reply, Reply> {
    let (_, contact) = contact(state, inputs)?;
    // Newest first, as the collection's saved responses list them.
    Ok(page(
        contact
            .messages
            .iter()
            .rev()
            .map(|m| Value::Object(m.clone())),
        inputs,
    ))
}

/// The channel as messages and webhooks reference it: `id` and `type`.
fn channel_ref(record: &ChannelRecord) -> Value {
    json!({ "id": record.channel.get("id"), "type": record.type_() })
}

/// The webhook url and secret of a channel, if it has a webhook.
fn webhook_target(record: &ChannelRecord) -> Option<(String, Vec<u8>)> {
    let webhook = record.channel.get("webhook")?;
    let url = webhook.get("url")?.as_str()?.to_owned();
    let secret = webhook
        .get("secret")
        .and_then(Value::as_str)
        .unwrap_or_default();
    Some((url, secret.as_bytes().to_vec()))
}

/// The webhook event `event` with `data`, for the channel's webhook.
pub(crate) fn event(record: &ChannelRecord, event: &str, data: Value) -> Option<Post> {
    let (url, secret) = webhook_target(record)?;
    let body = json!({ "event": event, "timestamp": crate::now(), "data": data });
    Some(Post {
        event: event.to_owned(),
        url,
        secret: Some(secret),
        body: serde_json::to_vec(&body).unwrap_or_default(),
    })
}

/// A phone number in E.164 without `+`, as Amio returns it: its digits.
fn normalise_phone_number(number: &str) -> String {
    number.chars().filter(char::is_ascii_digit).collect()
}

fn send_message(state: &mut State, inputs: &Inputs, origin: &str) -> Result<Reply, Reply> {
    let body = inputs.body.clone().unwrap_or_default();
    let channel_id = body
        .pointer("/channel/id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if !state.channels.contains_key(&channel_id) {
        return Err(Reply::field_error(
            StatusCode::NOT_FOUND,
            "channel.id",
            json!(channel_id),
            format!("Channel {channel_id} not found."),
        ));
    }
    let given = body.get("contact").cloned().unwrap_or_default();
    let (contact_id, contact_ref) = resolve_contact(state, &channel_id, &given)?;
    let message_id = state.next_id();
    let now = crate::now();
    let Some(record) = state.channels.get_mut(&channel_id) else {
        return Err(not_found("Channel", &channel_id));
    };
    let test_mode = record.channel.get("mode") == Some(&json!("test"));
    let mut message = json!({
        "id": message_id,
        "channel": channel_ref(record),
        "contact": contact_ref,
    });
    for key in ["content", "message_template", "metadata"] {
        if let Some(value) = body.get(key) {
            message[key] = value.clone();
        }
    }
    let mut item = message.clone();
    item["direction"] = json!("sent");
    item["sent"] = json!(now);
    // A channel in `test` mode accepts the message "but won't process it
    // any further" (seed 000, "Channels"): no delivery, no webhooks.
    item["delivered"] = if test_mode { Value::Null } else { json!(now) };
    item["read"] = Value::Null;
    let mut posts = Vec::new();
    if !test_mode {
        let mut echo = message.clone();
        echo["channel"]["name"] = record.channel.get("name").cloned().unwrap_or_default();
        posts.extend(event(record, "message_echo", echo));
        posts.extend(event(
            record,
            "messages_delivered",
            json!({
                "channel": channel_ref(record),
                "contact": { "id": contact_id },
                "messages": [{ "id": message_id }],
                "delivered_timestamp": now,
            }),
        ));
    }
    if let Some(contact) = record.contacts.get_mut(&contact_id) {
        contact.messages.push(into_map(item));
    }
    Ok(Reply::json(StatusCode::CREATED, message)
        .with_header(
            LOCATION,
            format!("{origin}/v1/channels/{channel_id}/contacts/{contact_id}/messages"),
        )
        .with_posts(posts))
}

/// The contact a message is sent to (by id, phone number or `user_ref`),
/// created when it is new; its id and the contact as the response shows it.
fn resolve_contact(
    state: &mut State,
    channel_id: &str,
    given: &Value,
) -> Result<(String, Value), Reply> {
    let new_id = state.next_id();
    let Some(record) = state.channels.get_mut(channel_id) else {
        return Err(not_found("Channel", channel_id));
    };
    if let Some(id) = given.get("id").and_then(Value::as_str) {
        if record.contacts.contains_key(id) {
            return Ok((id.to_owned(), json!({ "id": id })));
        }
        return Err(Reply::field_error(
            StatusCode::NOT_FOUND,
            "contact.id",
            json!(id),
            format!("Contact {id} not found in channel {channel_id}."),
        ));
    }
    let (key, value, name) = if let Some(number) = given.get("phone_number").and_then(Value::as_str)
    {
        let digits = normalise_phone_number(number);
        if digits.is_empty() {
            return Err(Reply::field_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "contact.phone_number",
                json!(number),
                format!("Property 'contact.phone_number' is not a phone number: '{number}'."),
            ));
        }
        let names: Vec<&str> = ["first_name", "last_name"]
            .iter()
            .filter_map(|k| given.get(*k).and_then(Value::as_str))
            .collect();
        let name = if names.is_empty() {
            digits.clone()
        } else {
            names.join(" ")
        };
        ("phone_number", digits, name)
    } else if let Some(user_ref) = given.get("user_ref").and_then(Value::as_str) {
        ("user_ref", user_ref.to_owned(), new_id.clone())
    } else {
        return Err(Reply::field_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "contact",
            given.clone(),
            "Property 'contact' needs one of 'id', 'phone_number' or 'user_ref'.",
        ));
    };
    let id = match record.contact_by(key, &value) {
        Some(id) => id.to_owned(),
        None => {
            let contact = json!({ "id": new_id, "name": name, key: value });
            record.contacts.insert(
                new_id.clone(),
                ContactRecord {
                    contact: into_map(contact),
                    messages: Vec::new(),
                },
            );
            new_id
        }
    };
    Ok((id.clone(), json!({ "id": id, key: value })))
}

fn send_notification(state: &mut State, inputs: &Inputs) -> Result<Reply, Reply> {
    let body = inputs.body.clone().unwrap_or_default();
    let channel_id = body
        .pointer("/channel/id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let contact_id = body
        .pointer("/contact/id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let kind = body.get("type").and_then(Value::as_str).unwrap_or_default();
    let Some(record) = state.channels.get_mut(channel_id) else {
        return Err(Reply::field_error(
            StatusCode::NOT_FOUND,
            "channel.id",
            json!(channel_id),
            format!("Channel {channel_id} not found."),
        ));
    };
    let type_ = record.type_().to_owned();
    if !WITH_NOTIFICATIONS_AND_SETTINGS.contains(&type_.as_str()) {
        return Err(Reply::field_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "channel.id",
            json!(channel_id),
            format!("Notifications are not available on channels of type {type_}."),
        ));
    }
    if kind == "custom" && type_ != "amio_chat" {
        return Err(Reply::field_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "type",
            json!(kind),
            "Custom notifications are available on Amio Chat channels only.",
        ));
    }
    let channel = channel_ref(record);
    let Some(contact) = record.contacts.get_mut(contact_id) else {
        return Err(Reply::field_error(
            StatusCode::NOT_FOUND,
            "contact.id",
            json!(contact_id),
            format!("Contact {contact_id} not found in channel {channel_id}."),
        ));
    };
    if kind == "messages_read" {
        let now = crate::now();
        for message in &mut contact.messages {
            if message.get("direction") == Some(&json!("received"))
                && message.get("read").is_none_or(Value::is_null)
            {
                message.insert("read".to_owned(), json!(now));
            }
        }
    }
    let mut notification = json!({
        "channel": channel,
        "contact": { "id": contact_id },
        "type": kind,
    });
    if let Some(payload) = body.get("payload") {
        notification["payload"] = payload.clone();
    }
    Ok(Reply::json(StatusCode::OK, notification))
}

fn update_settings(state: &mut State, inputs: &Inputs) -> Result<Reply, Reply> {
    let id = inputs.path("channel_id");
    settings(state, id)?;
    let record = state
        .channels
        .get_mut(id)
        .ok_or_else(|| not_found("Channel", id))?;
    let mut settings = Value::Object(std::mem::take(&mut record.settings));
    merge_patch(&mut settings, inputs.body.as_ref().unwrap_or(&json!({})));
    record.settings = into_map(settings);
    if record.type_() == "amio_chat" {
        // Amio Chat's whitelist is `null` when not set (the spec's `Settings`).
        record
            .settings
            .entry("domains_whitelist")
            .or_insert(Value::Null);
    }
    Ok(Reply::json(
        StatusCode::OK,
        Value::Object(record.settings.clone()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_patch_sets_merges_and_deletes() {
        let mut target = json!({"a": 1, "b": {"c": 2, "d": 3}, "e": [1]});
        merge_patch(
            &mut target,
            &json!({"a": null, "b": {"c": null, "f": 4}, "e": [2], "g": "x"}),
        );
        assert_eq!(target, json!({"b": {"d": 3, "f": 4}, "e": [2], "g": "x"}));
    }

    #[test]
    fn phone_numbers_become_their_digits() {
        assert_eq!(normalise_phone_number("+1 (555) 857-6309"), "15558576309");
        assert_eq!(normalise_phone_number("no digits"), "");
    }

    #[test]
    fn every_operation_of_the_spec_has_a_handler() {
        let amio = Amio::new().unwrap();
        let ids: Vec<&str> = amio
            .suite
            .operations
            .iter()
            .map(|o| o.id.as_str())
            .collect();
        assert_eq!(ids.len(), OPERATIONS.len());
        assert!(OPERATIONS.iter().all(|id| ids.contains(id)));
    }
}
