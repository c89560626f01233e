//! An in-process mock of the API on 127.0.0.1: it answers every request with
//! one canned response and records what the client sent.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::spec::Response;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The response the mock gives.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Canned {
    /// The HTTP status.
    pub status: u16,
    /// Headers, in order.
    pub headers: Vec<(String, String)>,
    /// The body; served as `application/json` when present.
    pub body: Option<Vec<u8>>,
}

impl Canned {
    /// A response with a JSON body.
    pub fn json(status: u16, headers: Vec<(String, String)>, body: &Value) -> Self {
        Self {
            status,
            headers,
            body: Some(body.to_string().into_bytes()),
        }
    }
}

/// A request as the mock received it, in a form that reads well in a
/// snapshot. The `host` header (it carries the mock's random port) is left out.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RecordedRequest {
    /// The HTTP method.
    pub method: String,
    /// The URL path.
    pub path: String,
    /// The query pairs, decoded, as `name=value`, in the order sent.
    pub query: Vec<String>,
    /// The headers, by lower-case name; repeated headers joined with `, `.
    pub headers: BTreeMap<String, String>,
    /// The body: JSON when it parses, else the text; `None` when empty.
    pub body: Option<Value>,
}

impl RecordedRequest {
    /// The value of the query parameter `name`, if sent.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
    }
}

fn record(request: &wiremock::Request) -> RecordedRequest {
    let mut headers = BTreeMap::<String, String>::new();
    for (name, value) in &request.headers {
        if name.as_str() == "host" {
            continue;
        }
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        headers
            .entry(name.as_str().to_owned())
            .and_modify(|v| {
                v.push_str(", ");
                v.push_str(&value);
            })
            .or_insert(value);
    }
    let body =
        if request.body.is_empty() {
            None
        } else {
            Some(serde_json::from_slice(&request.body).unwrap_or_else(|_| {
                Value::String(String::from_utf8_lossy(&request.body).into_owned())
            }))
        };
    RecordedRequest {
        method: request.method.as_str().to_owned(),
        path: request.url.path().to_owned(),
        query: request
            .url
            .query_pairs()
            .map(|(k, v)| format!("{k}={v}"))
            .collect(),
        headers,
        body,
    }
}

/// A mock server on 127.0.0.1 answering every request with one [`Canned`]
/// response, which can be changed between calls.
#[derive(Debug)]
pub struct MockApi {
    server: MockServer,
}

impl MockApi {
    /// Starts a server that answers `404` with no body until told otherwise.
    pub async fn start() -> Self {
        Self {
            server: MockServer::start().await,
        }
    }

    /// Starts a server that answers every request with `canned`.
    pub async fn serving(canned: &Canned) -> Self {
        let mock = Self::start().await;
        mock.serve(canned).await;
        mock
    }

    /// From now on answers every request with `canned`, and forgets the
    /// requests received so far.
    pub async fn serve(&self, canned: &Canned) {
        self.server.reset().await;
        let mut template = ResponseTemplate::new(canned.status);
        for (name, value) in &canned.headers {
            template = template.append_header(name.as_str(), value.as_str());
        }
        if let Some(body) = &canned.body {
            template = template.set_body_raw(body.clone(), "application/json");
        }
        Mock::given(any())
            .respond_with(template)
            .mount(&self.server)
            .await;
    }

    /// The server's base URL, `http://127.0.0.1:<port>`.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// Every request received so far, in order.
    pub async fn requests(&self) -> Vec<RecordedRequest> {
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .map(record)
            .collect()
    }
}

/// The header values the mock serves for `response`: each documented
/// header's example. An error names a header without one.
pub fn served_headers(response: &Response) -> Result<Vec<(String, String)>, String> {
    response
        .headers
        .iter()
        .map(|header| {
            let value = match &header.example {
                Some(Value::String(text)) => text.clone(),
                Some(other) => other.to_string(),
                None => {
                    return Err(format!(
                        "documented header `{}` has no example to serve",
                        header.name
                    ));
                }
            };
            Ok((header.name.clone(), value))
        })
        .collect()
}

/// `response` as the mock serves it, with `body`.
pub fn canned(response: &Response, body: Option<&Value>) -> Result<Canned, String> {
    let headers = served_headers(response)?;
    Ok(match body {
        Some(body) => Canned::json(response.status, headers, body),
        None => Canned {
            status: response.status,
            headers,
            body: None,
        },
    })
}
