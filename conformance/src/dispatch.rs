//! Calling the clients by `operationId`, with arguments taken from JSON:
//! [`call`] for Amio, [`call_webex_connect`] for Webex Connect.
//!
//! These tables are the one hand-written link between the specs' operations
//! and the clients' methods. Which operations exist, and with which
//! parameters, statuses and examples, is read from the spec: an operation of
//! a spec that has no entry here fails its checks with
//! [`DispatchError::UnknownOperation`].

use std::collections::BTreeMap;
use std::num::NonZeroU32;

use amio::types;
use reqwest::header::HeaderMap;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The arguments of one call: parameters by name and the JSON request body.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Input {
    /// Path and query parameters, by name.
    pub params: BTreeMap<String, Value>,
    /// The request body, as JSON; it is deserialized into the operation's
    /// request type before the call.
    pub body: Option<Value>,
}

/// A successful response, with its typed body serialized back to JSON.
#[derive(Debug)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The typed body as JSON; `None` for an operation without a body.
    pub body: Option<Value>,
}

/// What the client returned.
pub type Outcome = Result<Reply, amio::Error>;

/// Why a call could not be made.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum DispatchError {
    /// The spec has an operation this table does not know.
    #[error("operation `{0}` is in the spec but has no entry in the dispatch table")]
    UnknownOperation(String),
    /// A parameter is missing or has the wrong type.
    #[error("parameter `{name}`: {message}")]
    Parameter {
        /// The parameter.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// The body does not deserialize into the operation's request type.
    #[error("the request body does not deserialize into {type_name}: {message}")]
    Body {
        /// The request type.
        type_name: &'static str,
        /// The error, with the JSON path at fault.
        message: String,
    },
    /// The typed response could not be serialized back to JSON.
    #[error("serializing the typed response: {0}")]
    Serialize(String),
}

/// What the Webex Connect client returned: the queued messages, or the
/// typed error (a refusal carries the response code).
pub type WebexConnectOutcome = Result<Vec<webex_connect::Queued>, webex_connect::Error>;

/// Every `operationId` of `spec/webex-connect.yaml` that
/// [`call_webex_connect`] can call.
pub const WEBEX_CONNECT_OPERATIONS: &[&str] = &["send_message"];

/// Calls the Webex Connect client method for `operation` with `input`.
/// `send_message` is [`webex_connect::Client::send`], which checks the
/// documented limits, sends the request and reads the response code.
pub async fn call_webex_connect(
    client: &webex_connect::Client,
    operation: &str,
    input: &Input,
) -> Result<WebexConnectOutcome, DispatchError> {
    match operation {
        "send_message" => {
            let body: webex_connect::types::SendMessageRequest = body(input)?;
            Ok(client.send(&body).await)
        }
        other => Err(DispatchError::UnknownOperation(other.to_owned())),
    }
}

/// Every `operationId` of `spec/amio.yaml` that [`call`] can call.
pub const OPERATIONS: &[&str] = &[
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

/// Calls the Amio client method for `operation` with `input`.
pub async fn call(
    client: &amio::Client,
    operation: &str,
    input: &Input,
) -> Result<Outcome, DispatchError> {
    match operation {
        "send_message" => {
            let body: types::SendMessageRequest = body(input)?;
            reply(client.send_message(&body).await)
        }
        "send_notification" => {
            let body: types::SendNotificationRequest = body(input)?;
            reply(client.send_notification(&body).await)
        }
        "list_channels" => reply(client.list_channels(max(input)?, offset(input)?).await),
        "create_channel" => {
            let body: types::CreateChannelRequest = body(input)?;
            reply(client.create_channel(&body).await)
        }
        "get_channel" => reply(client.get_channel(text(input, "channel_id")?).await),
        "update_channel" => {
            let body: types::UpdateChannelRequest = body(input)?;
            reply(
                client
                    .update_channel(text(input, "channel_id")?, &body)
                    .await,
            )
        }
        "delete_channel" => reply(client.delete_channel(text(input, "channel_id")?).await),
        "list_contacts" => reply(
            client
                .list_contacts(text(input, "channel_id")?, max(input)?, offset(input)?)
                .await,
        ),
        "get_contact" => reply(
            client
                .get_contact(text(input, "channel_id")?, text(input, "contact_id")?)
                .await,
        ),
        "delete_contact" => reply(
            client
                .delete_contact(text(input, "channel_id")?, text(input, "contact_id")?)
                .await,
        ),
        "list_messages" => reply(
            client
                .list_messages(
                    text(input, "channel_id")?,
                    text(input, "contact_id")?,
                    max(input)?,
                    offset(input)?,
                )
                .await,
        ),
        "get_settings" => reply(client.get_settings(text(input, "channel_id")?).await),
        "update_settings" => {
            let body: types::SettingsUpdate = body(input)?;
            reply(
                client
                    .update_settings(text(input, "channel_id")?, &body)
                    .await,
            )
        }
        other => Err(DispatchError::UnknownOperation(other.to_owned())),
    }
}

fn parameter_error(name: &str, message: impl Into<String>) -> DispatchError {
    DispatchError::Parameter {
        name: name.to_owned(),
        message: message.into(),
    }
}

fn text<'a>(input: &'a Input, name: &str) -> Result<&'a str, DispatchError> {
    match input.params.get(name) {
        Some(Value::String(value)) => Ok(value),
        Some(other) => Err(parameter_error(
            name,
            format!("expected a string, got {other}"),
        )),
        None => Err(parameter_error(name, "missing")),
    }
}

fn integer(input: &Input, name: &str) -> Result<Option<i64>, DispatchError> {
    match input.params.get(name) {
        None => Ok(None),
        Some(value) => value
            .as_i64()
            .map(Some)
            .ok_or_else(|| parameter_error(name, format!("expected an integer, got {value}"))),
    }
}

fn max(input: &Input) -> Result<Option<NonZeroU32>, DispatchError> {
    integer(input, "max")?
        .map(|n| {
            u32::try_from(n)
                .ok()
                .and_then(NonZeroU32::new)
                .ok_or_else(|| parameter_error("max", format!("{n} is not a positive u32")))
        })
        .transpose()
}

fn offset(input: &Input) -> Result<Option<i32>, DispatchError> {
    integer(input, "offset")?
        .map(|n| {
            i32::try_from(n).map_err(|_| parameter_error("offset", format!("{n} is not an i32")))
        })
        .transpose()
}

fn body<T: DeserializeOwned>(input: &Input) -> Result<T, DispatchError> {
    let type_name = std::any::type_name::<T>()
        .rsplit("::")
        .next()
        .unwrap_or_default();
    let value = input.body.clone().ok_or(DispatchError::Body {
        type_name,
        message: "no request body given".to_owned(),
    })?;
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = match error.path().to_string() {
            root if root == "." => "$".to_owned(),
            path => format!("$.{path}"),
        };
        DispatchError::Body {
            type_name,
            message: format!("at {path}: {}", error.inner()),
        }
    })
}

fn reply<T: Serialize>(
    result: Result<amio::ResponseValue<T>, amio::Error>,
) -> Result<Outcome, DispatchError> {
    let response = match result {
        Ok(response) => response,
        Err(error) => return Ok(Err(error)),
    };
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = serde_json::to_value(response.into_inner())
        .map_err(|e| DispatchError::Serialize(e.to_string()))?;
    Ok(Ok(Reply {
        status,
        headers,
        // `()` (no body) serializes to null.
        body: (!body.is_null()).then_some(body),
    }))
}
