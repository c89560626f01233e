//! What the subcommands do, as functions: `trigger` sends any webhook
//! example of the specs, signed, to a receiver; `inbound` and `read` make a
//! running simulator receive a message or see messages read; `listen` is a
//! receiver that prints every event it verifies.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::response::IntoResponse;
use messaging_openapi::Document;
use serde_json::{Value, json};
use tokio::sync::mpsc;

/// A webhook example of a spec: its name, the event it is, and its body.
#[derive(Clone, Debug, PartialEq)]
pub struct WebhookExample {
    /// Its name under `components/examples` (`facebook_messenger_webhook_postback`).
    pub name: String,
    /// The event: Amio's `event` (`postback`), or `delivery_notification`
    /// for Webex Connect's notifications.
    pub event: String,
    /// Whether it is Amio's (signed) or Webex Connect's (unsigned).
    pub signed: bool,
    /// The body.
    pub value: Value,
}

/// Every webhook example of both specs: Amio's events, then Webex Connect's
/// delivery notifications.
pub fn webhook_examples() -> Result<Vec<WebhookExample>, String> {
    let mut examples = Vec::new();
    for (amio, path, text) in [
        (true, "spec/amio.yaml", crate::AMIO_SPEC),
        (false, "spec/webex-connect.yaml", crate::WEBEX_CONNECT_SPEC),
    ] {
        let suite = Document::from_text(path, text.to_owned())?;
        for example in suite.webhook_examples() {
            let (event, signed) = match amio {
                true => (
                    example
                        .value
                        .get("event")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    true,
                ),
                false => ("delivery_notification".to_owned(), false),
            };
            examples.push(WebhookExample {
                name: example.name.clone(),
                event,
                signed,
                value: example.value.clone(),
            });
        }
    }
    Ok(examples)
}

/// What `trigger` sends.
#[derive(Clone)]
pub struct Trigger {
    /// An event name (`message_received`: the first example of that event)
    /// or an example's name (`facebook_messenger_webhook_postback`).
    pub event: String,
    /// The receiver's URL.
    pub to: String,
    /// The channel's webhook secret (Amio events are signed with it).
    pub secret: Option<String>,
    /// Put this channel id into `data.channel.id`.
    pub channel: Option<String>,
}

impl std::fmt::Debug for Trigger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Trigger")
            .field("event", &self.event)
            .field("to", &self.to)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("channel", &self.channel)
            .finish()
    }
}

/// What the receiver made of a triggered event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Triggered {
    /// The example sent.
    pub example: String,
    /// The receiver's status.
    pub status: u16,
    /// The receiver's body (at most 4 KiB of it).
    pub body: String,
}

/// Sends the webhook example `trigger.event` to `trigger.to`, signed with
/// the secret (`X-Hub-Signature`, as Amio signs), with a fresh timestamp.
pub async fn trigger(trigger: &Trigger) -> Result<Triggered, String> {
    let examples = webhook_examples()?;
    let example = examples
        .iter()
        .find(|e| e.name == trigger.event)
        .or_else(|| examples.iter().find(|e| e.event == trigger.event))
        .ok_or_else(|| {
            let mut events: Vec<&str> = examples.iter().map(|e| e.event.as_str()).collect();
            events.dedup();
            format!(
                "no webhook example is `{}`; events: {} (or an example's name: `trigger --list`)",
                trigger.event,
                events.join(", ")
            )
        })?;
    let mut value = example.value.clone();
    if example.signed {
        value["timestamp"] = json!(crate::now());
        if let Some(channel) = &trigger.channel {
            value["data"]["channel"]["id"] = json!(channel);
        }
    }
    let body = serde_json::to_vec(&value).map_err(|e| e.to_string())?;
    let client = amio::http_client_builder()
        .map_err(|e| e.to_string())?
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| e.to_string())?;
    let mut request = client
        .post(&trigger.to)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body.clone());
    match (&trigger.secret, example.signed) {
        (Some(secret), true) => {
            request = request.header(
                amio::webhook::SIGNATURE_HEADER,
                amio::webhook::sign(secret.as_bytes(), &body),
            );
        }
        (None, true) => {
            return Err(format!(
                "`{}` is an Amio event: --secret is needed to sign it",
                example.name
            ));
        }
        _ => {}
    }
    let response = request
        .send()
        .await
        .map_err(|e| format!("POST {}: {}", trigger.to, e.without_url()))?;
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap_or_default();
    Ok(Triggered {
        example: example.name.clone(),
        status,
        body: String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).into_owned(),
    })
}

/// Where a running simulator is, and the token it accepts.
#[derive(Clone)]
pub struct Remote {
    /// Its base URL (`http://127.0.0.1:4010`).
    pub url: String,
    /// Its Amio access token.
    pub token: String,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote")
            .field("url", &self.url)
            .field("token", &"<redacted>")
            .finish()
    }
}

impl Remote {
    async fn post(&self, path: &str, body: Value) -> Result<Value, String> {
        let url = format!("{}{path}", self.url.trim_end_matches('/'));
        let response = amio::http_client_builder()
            .map_err(|e| format!("building the HTTP client: {e}"))?
            .build()
            .map_err(|e| format!("building the HTTP client: {e}"))?
            .post(&url)
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .map_err(|e| format!("POST {url}: {}", e.without_url()))?;
        let status = response.status();
        let body: Value = response
            .json()
            .await
            .map_err(|e| format!("POST {url}: {}", e.without_url()))?;
        if status.is_success() {
            Ok(body)
        } else {
            let message = body
                .pointer("/errors/0/message")
                .and_then(Value::as_str)
                .unwrap_or_default();
            Err(format!("POST {url}: {status} {message}"))
        }
    }

    /// The contact `contact` of channel `channel` sends `text`: the
    /// simulator stores the message (creating the contact if it is new) and
    /// fires `message_received`. Gives the message as `list_messages` does.
    pub async fn inbound(&self, channel: &str, contact: &str, text: &str) -> Result<Value, String> {
        self.post(
            "/_simulator/inbound",
            json!({ "channel": channel, "contact": contact, "text": text }),
        )
        .await
    }

    /// The contact reads the messages sent to it: the simulator marks them
    /// read and fires `messages_read`. Gives how many were marked.
    pub async fn read(&self, channel: &str, contact: &str) -> Result<u64, String> {
        let answer = self
            .post(
                "/_simulator/read",
                json!({ "channel": channel, "contact": contact }),
            )
            .await?;
        Ok(answer
            .get("read")
            .and_then(Value::as_u64)
            .unwrap_or_default())
    }
}

/// A `listen` receiver that is running.
#[derive(Debug)]
pub struct Listener {
    /// The address it listens on.
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Listens on 127.0.0.1:`port` for webhooks: an Amio event (any path but
/// `/webex`) is verified with `secret` and answered 200, or refused with the
/// receiver's 401/400; a Webex Connect delivery notification (`POST /webex`)
/// is parsed. One line per request goes to `lines`.
pub async fn listen(
    port: u16,
    secret: &str,
    lines: mpsc::UnboundedSender<String>,
) -> Result<Listener, String> {
    let secrets = std::sync::Arc::new(amio::webhook::Secrets::single(secret.as_bytes().to_vec()));
    let app = axum::Router::new().fallback(move |request: Request<Body>| {
        let secrets = std::sync::Arc::clone(&secrets);
        let lines = lines.clone();
        async move { receive(&secrets, request, &lines).await }
    });
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        .await
        .map_err(|e| format!("listening on 127.0.0.1:{port}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(Listener { addr, task })
}

async fn receive(
    secrets: &amio::webhook::Secrets,
    request: Request<Body>,
    lines: &mpsc::UnboundedSender<String>,
) -> axum::response::Response {
    let path = request.uri().path().to_owned();
    let signature = request
        .headers()
        .get(amio::webhook::SIGNATURE_HEADER)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let body =
        match axum::body::to_bytes(request.into_body(), amio::webhook::axum::DEFAULT_BODY_LIMIT)
            .await
        {
            Ok(body) => body,
            Err(e) => {
                let _ = lines.send(format!("refused {path}: 413 {e}"));
                return StatusCode::PAYLOAD_TOO_LARGE.into_response();
            }
        };
    let text = String::from_utf8_lossy(&body);
    if path == "/webex" {
        return match webex_connect::notification::parse(&body) {
            Ok(notification) => {
                let info = &notification.delivery_info_notification.delivery_info;
                let _ = lines.send(format!("delivery_notification {}: {text}", info.code));
                StatusCode::OK.into_response()
            }
            Err(e) => {
                let _ = lines.send(format!("refused {path}: 400 {e}"));
                StatusCode::BAD_REQUEST.into_response()
            }
        };
    }
    match amio::webhook::verify_and_parse(secrets, &body, signature.as_deref()) {
        Ok(event) => {
            let _ = lines.send(format!("{} (verified): {text}", event.event()));
            StatusCode::OK.into_response()
        }
        Err(error) => {
            let status = error.http_status();
            let _ = lines.send(format!("refused {path}: {status} {error}"));
            amio::webhook::axum::Rejection::Refused(error).into_response()
        }
    }
}
