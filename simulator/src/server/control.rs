//! The simulator's own endpoints, beside the APIs (under `/_simulator`, with
//! the Amio access token), for what only the other side of a conversation
//! can do:
//!
//! - `POST /_simulator/inbound` `{"channel": ID, "contact": ID, "text": "…"}`
//!   (or `"content"`: any content of the spec): the contact sends a message;
//!   a contact id not known yet creates the contact. Fires `message_received`.
//! - `POST /_simulator/read` `{"channel": ID, "contact": ID}`: the contact
//!   reads the messages sent to it. Fires `messages_read`.
//! - `GET /_simulator/deliveries`: every webhook and notification sent, with
//!   its attempts.
//! - `POST /_simulator/snapshot`: writes the state file now.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, Response, StatusCode};
use messaging_openapi::spec::Shape;
use serde_json::{Value, json};

use super::App;
use crate::amio::event;
use crate::http::Reply;
use crate::state::{ContactRecord, into_map};
use crate::webhooks::Post;

pub(crate) async fn answer(app: &Arc<App>, request: Request<Body>) -> (Response<Body>, Vec<Post>) {
    if !app.authenticated(&request) {
        return Reply::error(StatusCode::UNAUTHORIZED, "Wrong accessToken.").into_parts();
    }
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let body = match tokio::time::timeout(
        app.config.body_timeout,
        axum::body::to_bytes(request.into_body(), app.config.body_limit),
    )
    .await
    {
        Ok(Ok(bytes)) => bytes,
        _ => {
            return Reply::error(
                StatusCode::BAD_REQUEST,
                "The request body could not be read.",
            )
            .into_parts();
        }
    };
    let reply = match (method, path.as_str()) {
        (Method::GET, "/_simulator/deliveries") => Reply::json(
            StatusCode::OK,
            serde_json::to_value(app.outbox.deliveries()).unwrap_or_default(),
        ),
        (Method::POST, "/_simulator/snapshot") => match &app.config.state_file {
            None => Reply::error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "The simulator runs without --state FILE.",
            ),
            Some(file) => match app.lock_state().save(file) {
                Ok(()) => Reply::empty(StatusCode::NO_CONTENT),
                Err(e) => Reply::error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
            },
        },
        (Method::POST, "/_simulator/inbound") => with_json(&body, |b| inbound(app, b)),
        (Method::POST, "/_simulator/read") => with_json(&body, |b| read(app, b)),
        (
            _,
            "/_simulator/deliveries"
            | "/_simulator/snapshot"
            | "/_simulator/inbound"
            | "/_simulator/read",
        ) => Reply::error(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("Method not allowed for resource {path}."),
        ),
        _ => Reply::error(StatusCode::NOT_FOUND, format!("Resource {path} not found.")),
    };
    reply.into_parts()
}

fn with_json(body: &[u8], handler: impl FnOnce(&Value) -> Result<Reply, Reply>) -> Reply {
    match crate::json::parse(body) {
        Ok(value) if value.is_object() => handler(&value).unwrap_or_else(|e| e),
        Ok(_) => Reply::error(StatusCode::BAD_REQUEST, "The body must be a JSON object."),
        Err(e) => Reply::error(
            StatusCode::BAD_REQUEST,
            format!("Request body is not a valid JSON document: {e}."),
        ),
    }
}

fn required_str<'a>(body: &'a Value, field: &str) -> Result<&'a str, Reply> {
    match body.get(field) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        other => Err(Reply::field_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            field,
            other.cloned().unwrap_or(Value::Null),
            format!("Property '{field}' must be a non-empty string."),
        )),
    }
}

fn inbound(app: &App, body: &Value) -> Result<Reply, Reply> {
    let channel_id = required_str(body, "channel")?;
    let content = match (body.get("text"), body.get("content")) {
        (Some(Value::String(text)), None) => json!({ "type": "text", "payload": text }),
        (None, Some(content)) => {
            if let Err(problem) = app
                .amio
                .suite
                .schemas
                .validate(&Shape::Named("Content".to_owned()), content)
            {
                return Err(Reply::field_error(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "content",
                    content.clone(),
                    format!("Property 'content' {problem}."),
                ));
            }
            content.clone()
        }
        _ => {
            return Err(Reply::field_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "text",
                body.get("text").cloned().unwrap_or(Value::Null),
                "Give either 'text' (a string) or 'content' (a message content).",
            ));
        }
    };
    let mut state = app.lock_state();
    let generated = state.next_id();
    let message_id = state.next_id();
    let contact_id = match body.get("contact") {
        None => generated,
        Some(_) => required_str(body, "contact")?.to_owned(),
    };
    let Some(record) = state.channels.get_mut(channel_id) else {
        return Err(Reply::field_error(
            StatusCode::NOT_FOUND,
            "channel",
            json!(channel_id),
            format!("Channel {channel_id} not found."),
        ));
    };
    let now = crate::now();
    let channel = json!({ "id": channel_id, "type": record.type_() });
    let contact = record
        .contacts
        .entry(contact_id.clone())
        .or_insert_with(|| ContactRecord {
            contact: into_map(json!({ "id": contact_id, "name": contact_id })),
            messages: Vec::new(),
        });
    let item = json!({
        "id": message_id,
        "direction": "received",
        "sent": now,
        "delivered": now,
        "read": null,
        "channel": channel,
        "contact": { "id": contact_id },
        "content": content,
    });
    contact.messages.push(into_map(item.clone()));
    let mut data_channel = channel;
    data_channel["name"] = record.channel.get("name").cloned().unwrap_or_default();
    let posts = event(
        record,
        "message_received",
        json!({
            "id": message_id,
            "channel": data_channel,
            "contact": { "id": contact_id },
            "content": item["content"],
        }),
    );
    Ok(Reply::json(StatusCode::CREATED, item).with_posts(posts.into_iter().collect()))
}

fn read(app: &App, body: &Value) -> Result<Reply, Reply> {
    let channel_id = required_str(body, "channel")?;
    let contact_id = required_str(body, "contact")?;
    let mut state = app.lock_state();
    let Some(record) = state.channels.get_mut(channel_id) else {
        return Err(Reply::field_error(
            StatusCode::NOT_FOUND,
            "channel",
            json!(channel_id),
            format!("Channel {channel_id} not found."),
        ));
    };
    let channel = json!({ "id": channel_id, "type": record.type_() });
    let Some(contact) = record.contacts.get_mut(contact_id) else {
        return Err(Reply::field_error(
            StatusCode::NOT_FOUND,
            "contact",
            json!(contact_id),
            format!("Contact {contact_id} not found in channel {channel_id}."),
        ));
    };
    let now = crate::now();
    let mut read = 0;
    for message in &mut contact.messages {
        if message.get("direction") == Some(&json!("sent"))
            && message.get("read").is_none_or(Value::is_null)
        {
            message.insert("read".to_owned(), json!(now));
            if message.get("delivered").is_none_or(Value::is_null) {
                message.insert("delivered".to_owned(), json!(now));
            }
            read += 1;
        }
    }
    let posts = event(
        record,
        "messages_read",
        json!({
            "channel": channel,
            "contact": { "id": contact_id },
            "last_read_timestamp": now,
        }),
    );
    Ok(
        Reply::json(StatusCode::OK, json!({ "read": read }))
            .with_posts(posts.into_iter().collect()),
    )
}
