//! External cases: traffic a user captured, one JSON file per case, each
//! one check with a verdict. The format is documented in
//! `conformance/README.md`:
//!
//! - `{"kind":"webhook","secret","signature","body","valid","event"}`
//!   (Amio): verification must agree with `valid`; a valid body must parse
//!   as `event` (`null`: the unknown-event variant), and is judged as
//!   received;
//! - `{"kind":"response","operation","status","headers","body"}`: served
//!   to the client by the mock, whose reading must mean what the response
//!   means ([`crate::api::Reader::read`]),
//!   and judged as received;
//! - `{"kind":"request","operation","body"}`: the body must round-trip
//!   through the operation's request type and fit its schema, judged as sent.
//!
//! Judged as received ([`judge`]), what the spec does not describe (an
//! undocumented property, an unknown enum value or tag, `null` for an
//! optional property) is drift, not a failure. Every case may name its API
//! (`"api"`, default `"amio"`). A failure names the file and, where there is
//! one, the JSON path.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::api::{Api, Reader};
use crate::mock::{Canned, MockApi};
use crate::shared::compare::{Direction, Drift, judge};
use crate::shared::examples::round_trip;
use crate::shared::report::Area;
use crate::spec::Response;
use crate::suite::Suite;

/// The area's name in the report.
pub const AREA: &str = "cases";

/// The extension of a case file, matched whatever its case (`.json`, `.JSON`).
pub const EXTENSION: &str = "json";

/// A webhook delivery: the raw body, its signature and the expected verdict.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WebhookCase {
    /// The channel's webhook secret.
    pub secret: String,
    /// The `X-Hub-Signature` header as received; absent or `null`: no header.
    #[serde(default)]
    pub signature: Option<String>,
    /// The raw body, exactly as received.
    pub body: String,
    /// Whether the signature must verify.
    pub valid: bool,
    /// The event a valid body must parse as; `null` for the unknown-event
    /// variant. Required when `valid` is true.
    #[serde(default, deserialize_with = "present")]
    pub event: Option<Option<String>>,
}

/// A response of an operation, as received.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ResponseCase {
    /// The `operationId`.
    pub operation: String,
    /// The HTTP status.
    pub status: u16,
    /// Response headers (strings or numbers).
    #[serde(default)]
    pub headers: BTreeMap<String, Value>,
    /// The JSON body; absent or `null` for a response without one.
    #[serde(default)]
    pub body: Option<Value>,
}

/// A request body of an operation, as sent.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RequestCase {
    /// The `operationId`.
    pub operation: String,
    /// The JSON body.
    pub body: Value,
}

/// One case of one of the three kinds.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// `"kind": "webhook"`.
    Webhook(WebhookCase),
    /// `"kind": "response"`.
    Response(ResponseCase),
    /// `"kind": "request"`.
    Request(RequestCase),
}

/// A case read from its file.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    /// The API it is about (`"api"`, default `"amio"`).
    pub api: Api,
    /// What it checks.
    pub kind: Kind,
}

/// Deserializes a field that may be `null` into `Some(None)`, so that a
/// missing field (`None`) and `null` stay apart.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// Reads a case from JSON text. An error says why it is not a valid case.
pub fn parse(text: &str) -> Result<Case, String> {
    let mut value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let object = value.as_object_mut().ok_or("a case is a JSON object")?;
    let api = match object.remove("api") {
        None => Api::Amio,
        Some(Value::String(name)) => Api::from_name(&name)?,
        Some(other) => return Err(format!("`api` must be a string, not {other}")),
    };
    let kind = match object.remove("kind") {
        Some(Value::String(kind)) => kind,
        Some(other) => return Err(format!("`kind` must be a string, not {other}")),
        None => return Err("no `kind` (webhook, response or request)".to_owned()),
    };
    fn fields<T: serde::de::DeserializeOwned>(kind: &str, value: Value) -> Result<T, String> {
        serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            if path == "." {
                format!("{kind} case: {inner}")
            } else {
                format!("{kind} case, at {path}: {inner}")
            }
        })
    }
    let kind = match kind.as_str() {
        "webhook" if api != Api::Amio => {
            return Err(format!(
                "`webhook` cases are for api `amio` only (its signed webhooks); api `{}` \
                 takes `response` and `request` cases",
                api.name()
            ));
        }
        "webhook" => {
            let case: WebhookCase = fields("webhook", value)?;
            if case.valid && case.event.is_none() {
                return Err("webhook case: `event` is required when `valid` is true \
                            (null for an event the bindings do not know)"
                    .to_owned());
            }
            Kind::Webhook(case)
        }
        "response" => Kind::Response(fields("response", value)?),
        "request" => Kind::Request(fields("request", value)?),
        other => {
            return Err(format!(
                "unknown kind `{other}`: expected webhook, response or request"
            ));
        }
    };
    Ok(Case { api, kind })
}

/// The case files of `dir`: every file directly in it (not in subfolders)
/// whose extension is [`EXTENSION`] in any case, in name order. A folder that
/// is missing, cannot be read, or holds no case file is an error that says so.
pub fn files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let shown = display(dir);
    let entries = std::fs::read_dir(dir).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("case folder {shown} does not exist"),
        _ => format!("reading the case folder {shown}: {e}"),
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.is_file()
                && path
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| e.eq_ignore_ascii_case(EXTENSION))
        })
        .collect();
    if files.is_empty() {
        return Err(format!(
            "case folder {shown} holds no case file (*.{EXTENSION}, directly in it)"
        ));
    }
    files.sort();
    Ok(files)
}

/// Checks every case file of every folder in `dirs`, each as one check named
/// by its path. `suites` must hold a suite for every API a case may name. A
/// folder [`files`] refuses is one failed check (the runner refuses such a
/// folder before it runs anything).
pub async fn check(suites: &[Suite], dirs: &[PathBuf]) -> Area {
    let mut area = Area::new(AREA);
    let mut count = 0;
    for dir in dirs {
        let files = match files(dir) {
            Ok(files) => files,
            Err(message) => {
                area.record(display(dir), Err(message));
                continue;
            }
        };
        for file in files {
            count += 1;
            let outcome = check_file(suites, &file).await;
            area.judged(display(&file), outcome);
        }
    }
    area.coverage = format!(
        "{count} case files from {}",
        dirs.iter()
            .map(|d| display(d))
            .collect::<Vec<_>>()
            .join(", ")
    );
    area
}

/// A path as the report shows it: relative to the working directory when
/// it is under it.
fn display(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Reads and checks one case file.
pub async fn check_file(suites: &[Suite], file: &Path) -> Result<Vec<Drift>, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("reading it: {e}"))?;
    let case = parse(&text).map_err(|e| format!("not a valid case: {e}"))?;
    let suite = suites
        .iter()
        .find(|s| s.api == case.api)
        .ok_or_else(|| format!("api `{}` is not loaded", case.api.name()))?;
    check_case(suite, &case.kind).await
}

/// Checks one case against `suite`: `Ok` with the drift found, or why it
/// fails.
pub async fn check_case(suite: &Suite, case: &Kind) -> Result<Vec<Drift>, String> {
    match case {
        Kind::Webhook(case) => crate::amio::signature::check_webhook_case(suite, case),
        Kind::Response(case) => check_response(suite, case).await,
        Kind::Request(case) => check_request(suite, case),
    }
}

/// Adds to `drift` what `more` finds at a path `drift` does not name yet.
pub fn merge(mut drift: Vec<Drift>, more: Vec<Drift>) -> Vec<Drift> {
    for found in more {
        if !drift.iter().any(|d| d.path == found.path) {
            drift.push(found);
        }
    }
    drift
}

/// Serves a response case to the client of its API and judges its body.
pub async fn check_response(suite: &Suite, case: &ResponseCase) -> Result<Vec<Drift>, String> {
    let mock = MockApi::start().await;
    let reader = suite.under_test().reader(suite, &mock);
    check_response_with(suite, reader.as_ref(), case).await
}

/// [`check_response`] with the client of a mock already running.
pub async fn check_response_with(
    suite: &Suite,
    reader: &dyn Reader,
    case: &ResponseCase,
) -> Result<Vec<Drift>, String> {
    let operation = suite.require_operation(&case.operation)?;
    let response = operation.response(case.status).ok_or_else(|| {
        format!(
            "status {} is not documented for {}",
            case.status, operation.id
        )
    })?;
    match (&response.shape, &case.body) {
        (Some(_), None) => {
            return Err(format!(
                "status {} has a body; the case has none",
                case.status
            ));
        }
        (None, Some(_)) => {
            return Err(format!(
                "status {} has no body; the case has one",
                case.status
            ));
        }
        _ => {}
    }
    let headers: Vec<(String, String)> = case
        .headers
        .iter()
        .map(|(name, value)| {
            let value = match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            (name.clone(), value)
        })
        .collect();
    let canned = Canned {
        status: case.status,
        headers,
        body: case.body.as_ref().map(|b| b.to_string().into_bytes()),
    };
    let request_body = operation
        .request
        .as_ref()
        .and_then(|r| r.examples.first())
        .map(|e| e.value.clone());
    let input = suite.input(operation, request_body)?;
    let read = reader
        .read(operation, &input, &canned)
        .await
        .map_err(|error| unreadable(suite, response, case.body.as_ref(), error))?;
    let drift = match (&response.shape, &case.body) {
        (Some(shape), Some(body)) => {
            let typed = read.body.as_ref().unwrap_or(&Value::Null);
            judge(&suite.schemas, shape, Direction::Received, body, typed)?
        }
        _ => Vec::new(),
    };
    Ok(merge(drift, read.drift))
}

/// Why the client could not read `body`, a response of `response`: where
/// the generated type cannot read it (the client's error may not say), or
/// else `error`.
pub fn unreadable(
    suite: &Suite,
    response: &Response,
    body: Option<&Value>,
    error: String,
) -> String {
    let detail = response
        .shape
        .as_ref()
        .zip(body)
        .and_then(|(shape, body)| round_trip(suite, shape, Direction::Received, body).err())
        .and_then(|e| {
            e.strip_prefix("the generated type does not read it: ")
                .map(str::to_owned)
        });
    match detail {
        Some(detail) => format!(
            "the client cannot read the documented {}: {detail}",
            response.status
        ),
        None => error,
    }
}

fn check_request(suite: &Suite, case: &RequestCase) -> Result<Vec<Drift>, String> {
    let operation = suite.require_operation(&case.operation)?;
    let request = operation
        .request
        .as_ref()
        .ok_or_else(|| format!("{} has no request body", operation.id))?;
    round_trip(suite, &request.shape, Direction::Sent, &case.body)?;
    suite.schemas.validate(&request.shape, &case.body)?;
    Ok(Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_defaults_to_amio_and_unknown_ones_are_refused() {
        let case = parse(r#"{"kind":"request","operation":"x","body":{}}"#).unwrap();
        assert_eq!(case.api, Api::Amio);
        let case =
            parse(r#"{"api":"webex-connect","kind":"request","operation":"x","body":{}}"#).unwrap();
        assert_eq!(case.api, Api::WebexConnect);
        let error =
            parse(r#"{"api":"twilio","kind":"request","operation":"x","body":{}}"#).unwrap_err();
        assert!(
            error.contains("unknown api `twilio`: expected one of amio, webex-connect"),
            "{error}"
        );
    }

    #[test]
    fn webhook_cases_are_amio_only() {
        let text =
            r#"{"api":"webex-connect","kind":"webhook","secret":"s","body":"{}","valid":false}"#;
        let error = parse(text).unwrap_err();
        assert!(
            error.contains("`webhook` cases are for api `amio` only"),
            "{error}"
        );
    }

    #[test]
    fn malformed_cases_say_what_is_wrong() {
        let error = parse(r#"{"kind":"reply"}"#).unwrap_err();
        assert!(error.contains("unknown kind `reply`"), "{error}");
        let error = parse(r#"{"kind":"request","operation":"x","body":{},"bdy":1}"#).unwrap_err();
        assert!(error.contains("unknown field `bdy`"), "{error}");
        let error =
            parse(r#"{"kind":"webhook","secret":"s","body":"{}","valid":true}"#).unwrap_err();
        assert!(error.contains("`event` is required"), "{error}");
        let error = parse(r#"{"kind":"response","operation":"x","status":"200"}"#).unwrap_err();
        assert!(error.contains("status"), "{error}");
        assert!(parse("[1]").is_err());
        assert!(parse("{").unwrap_err().starts_with("not JSON"));
    }

    #[test]
    fn a_null_event_is_told_from_a_missing_one() {
        let case =
            parse(r#"{"kind":"webhook","secret":"s","body":"{}","valid":true,"event":null}"#)
                .unwrap();
        let Kind::Webhook(case) = case.kind else {
            panic!("a webhook case")
        };
        assert_eq!(case.event, Some(None));
    }
}
