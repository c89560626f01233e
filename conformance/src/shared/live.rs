//! What the live modes share: the options, and [`Live`], which calls an
//! operation on the real endpoint once, raw, and checks the response like a
//! captured `response` case ([`cases::check_response`]): its status must be
//! documented, and served to the generated client by the mock it must give
//! the typed value (or the typed API error); the body is judged as
//! received, so what the spec does not describe is drift, not a failure.
//!
//! The API's own live module says which calls are safe: Amio's
//! ([`crate::amio::live`]) reads, and sends only to a channel in `test`
//! mode; Webex Connect's ([`crate::webex_connect::live`]) sends one SMS, and
//! only to a number given explicitly.

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};
use serde_json::Value;

pub use crate::endpoint::LiveOptions;
use crate::mock::MockApi;
use crate::shared::cases::{self, ResponseCase};
use crate::shared::report::Area;
use crate::suite::{Reader, Suite};

/// The area's name in the report.
pub const AREA: &str = "live";

/// The text of the message a live mode sends (Amio: to a test-mode channel;
/// Webex Connect: to the number given).
pub const TEST_MESSAGE: &str = "Conformance check of the Rust bindings (test message).";

/// A run of live calls, each one check of its area.
pub struct Live<'a> {
    suite: &'a Suite,
    reader: Box<dyn Reader + 'a>,
    base_url: &'a str,
    http: reqwest::Client,
    credential: (HeaderName, HeaderValue),
    /// The checks so far.
    pub area: Area,
}

impl<'a> Live<'a> {
    /// A run against `base_url`, sending `credential` (a header name and its
    /// value, marked sensitive) with every request; each response is then
    /// served by `mock` to the generated client. An error says why the HTTP
    /// client could not be built.
    pub fn new(
        suite: &'a Suite,
        mock: &'a MockApi,
        base_url: &'a str,
        (name, value): (HeaderName, &str),
    ) -> Result<Self, String> {
        let http = ::amio::http_client_builder()
            .map_err(|e| format!("building the HTTP client: {e}"))?
            .timeout(Duration::from_secs(60))
            .user_agent(::amio::USER_AGENT_VALUE)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("building the HTTP client: {}", e.without_url()))?;
        let mut value = HeaderValue::from_str(value)
            .map_err(|_| "the credential is not a valid header value".to_owned())?;
        value.set_sensitive(true);
        Ok(Self {
            suite,
            reader: suite.under_test().reader(suite, mock),
            base_url,
            http,
            credential: (name, value),
            area: Area::new(AREA),
        })
    }

    /// Calls `operation` on the live endpoint, checks the response as a
    /// captured case, and returns its body when the status is a success.
    pub async fn step(
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
                let outcome =
                    cases::check_response_with(self.suite, self.reader.as_ref(), &case).await;
                let success = outcome.is_ok() && (200..300).contains(&case.status);
                self.area.judged(
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
                ("path", Some((_, value))) if matches!(*value, "" | "." | "..") => {
                    return Err(format!("`{value}` is not a value for `{}`", parameter.name));
                }
                ("path", Some((_, value))) => {
                    path = path.replace(&format!("{{{}}}", parameter.name), &segment(value));
                }
                ("path", None) => return Err(format!("no value for `{}`", parameter.name)),
                ("query", Some((name, value))) => query.push((*name, *value)),
                _ => {}
            }
        }
        let url = format!("{}{path}", self.base_url.trim_end_matches('/'));
        let method = reqwest::Method::from_bytes(spec_operation.method.as_bytes())
            .map_err(|e| e.to_string())?;
        let (header, credential) = &self.credential;
        let mut request = self
            .http
            .request(method, &url)
            .header(header, credential.clone())
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

/// `value` as one path segment: every byte but the unreserved ones of RFC
/// 3986 percent-encoded, so that an id cannot add a segment or a query.
fn segment(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
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

/// The first `id` of the items of a JSON array that can be a path segment
/// (not empty, `.` or `..`).
pub fn first_id(list: Option<&Value>) -> Option<String> {
    list?
        .as_array()?
        .iter()
        .filter_map(|item| item.get("id")?.as_str())
        .find(|id| !matches!(*id, "" | "." | ".."))
        .map(str::to_owned)
}
