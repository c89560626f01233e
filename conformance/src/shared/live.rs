//! Live mode: the checks that are safe on a real endpoint. Reads (channels,
//! one channel, its contacts, one contact, its messages, the settings) on any
//! channel; sends (a text message and a typing notification) only to a
//! channel whose `mode` is `test`.
//!
//! Each response is fetched once, raw, then checked like a captured
//! `response` case: its status must be documented, its body must fit the
//! schema, and served to the generated client by the mock it must give the
//! typed value (or the typed API error) that round-trips to the same JSON.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Value, json};

use crate::cases::{self, Kind, ResponseCase};
use crate::report::Area;
use crate::suite::Suite;

/// The area's name in the report.
pub const AREA: &str = "live";

/// Where the live endpoint is and how to reach it.
#[derive(Clone)]
pub struct LiveOptions {
    /// The API's base URL, such as `https://api.amio.io/v1`.
    pub base_url: String,
    /// The access token. Never printed.
    pub token: String,
    /// The channel to read (and, if its mode is `test`, send to); by
    /// default the first channel listed.
    pub channel_id: Option<String>,
}

impl std::fmt::Debug for LiveOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveOptions")
            .field("base_url", &self.base_url)
            .field("token", &"<redacted>")
            .field("channel_id", &self.channel_id)
            .finish()
    }
}

/// The text of the message sent to a test-mode channel.
pub const TEST_MESSAGE: &str = "Conformance check of the Amio Rust bindings (test mode).";

struct Live<'a> {
    suite: &'a Suite,
    options: &'a LiveOptions,
    http: reqwest::Client,
    area: Area,
}

impl Live<'_> {
    /// Calls `operation` on the live endpoint, checks the response as a
    /// captured case, and returns its body when the status is a success.
    async fn step(
        &mut self,
        operation: &str,
        params: &[(&str, &str)],
        body: Option<Value>,
    ) -> Option<Value> {
        let name = format!("live {operation}");
        match self.fetch(operation, params, body).await {
            Err(message) => {
                self.area.record(name, Err(message));
                None
            }
            Ok(case) => {
                let outcome = cases::check_case(self.suite, &Kind::Response(case.clone())).await;
                let success = outcome.is_ok() && (200..300).contains(&case.status);
                self.area.record(
                    format!("{name} ({})", case.status),
                    outcome.map_err(|e| format!("{e}\n    response: {}", describe(&case))),
                );
                if success { case.body } else { None }
            }
        }
    }

    async fn fetch(
        &self,
        operation: &str,
        params: &[(&str, &str)],
        body: Option<Value>,
    ) -> Result<ResponseCase, String> {
        let spec_operation = self.suite.require_operation(operation)?;
        let mut path = spec_operation.path.clone();
        let mut query = Vec::new();
        for parameter in &spec_operation.parameters {
            let value = params.iter().find(|(n, _)| *n == parameter.name);
            match (parameter.location.as_str(), value) {
                ("path", Some((_, value))) => {
                    path = path.replace(&format!("{{{}}}", parameter.name), value);
                }
                ("path", None) => return Err(format!("no value for `{}`", parameter.name)),
                ("query", Some((name, value))) => query.push((*name, *value)),
                _ => {}
            }
        }
        let url = format!("{}{path}", self.options.base_url.trim_end_matches('/'));
        let method = reqwest::Method::from_bytes(spec_operation.method.as_bytes())
            .map_err(|e| e.to_string())?;
        let mut request = self
            .http
            .request(method, &url)
            .bearer_auth(&self.options.token)
            .header(reqwest::header::ACCEPT, "application/json")
            .query(&query);
        if let Some(body) = &body {
            request = request.json(body);
        }
        let response = request
            .send()
            .await
            .map_err(|e| format!("{operation}: {}", e.without_url()))?;
        let status = response.status().as_u16();
        let headers: BTreeMap<String, Value> = response
            .headers()
            .iter()
            .filter_map(|(name, value)| {
                Some((
                    name.as_str().to_owned(),
                    Value::String(value.to_str().ok()?.to_owned()),
                ))
            })
            .collect();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| format!("{operation}: reading the body: {}", e.without_url()))?;
        let body = if bytes.is_empty() {
            None
        } else {
            Some(serde_json::from_slice(&bytes).map_err(|e| {
                format!(
                    "{operation} answered {status} with a body that is not JSON ({e}): {}",
                    String::from_utf8_lossy(&bytes[..bytes.len().min(200)])
                )
            })?)
        };
        Ok(ResponseCase {
            operation: operation.to_owned(),
            status,
            headers,
            body,
        })
    }
}

fn describe(case: &ResponseCase) -> String {
    let body = case
        .body
        .as_ref()
        .map(|b| {
            let text = b.to_string();
            if text.chars().count() > 300 {
                format!("{}…", text.chars().take(300).collect::<String>())
            } else {
                text
            }
        })
        .unwrap_or_default();
    format!("{} {body}", case.status)
}

fn first_id(list: Option<&Value>) -> Option<String> {
    list?
        .as_array()?
        .first()?
        .get("id")?
        .as_str()
        .map(str::to_owned)
}

/// Runs the live checks against `options.base_url`.
pub async fn check(suite: &Suite, options: &LiveOptions) -> Area {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .user_agent(amio::USER_AGENT_VALUE)
        .build();
    let mut live = Live {
        suite,
        options,
        http: match http {
            Ok(http) => http,
            Err(e) => {
                let mut area = Area::new(AREA);
                area.record("live", Err(format!("building the HTTP client: {e}")));
                return area;
            }
        },
        area: Area::new(AREA),
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
