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
//!   means ([`crate::suite::Reader::read`]),
//!   and judged as received;
//! - `{"kind":"request","operation","body"}`: the body must round-trip
//!   through the operation's request type and fit its schema, judged as sent.
//!
//! Judged as received ([`judge`]), what the spec does not describe (an
//! undocumented property, an unknown enum value or tag, `null` for an
//! optional property) is drift, not a failure. Every case may name its API
//! (`"api"`, default `"amio"`). A failure names the file and, where there is
//! one, the JSON path.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::mock::{Canned, MockApi};
pub use crate::shared::case_file::{Case, Kind, RequestCase, ResponseCase, WebhookCase, parse};
use crate::shared::compare::{Direction, Drift, judge};
use crate::shared::examples::{round_trip, unreadable as unreadable_by_type};
use crate::shared::report::Area;
use crate::spec::Response;
use crate::suite::{Reader, Suite};

/// The area's name in the report.
pub const AREA: &str = "cases";

/// The extension of a case file, matched whatever its case (`.json`, `.JSON`).
pub const EXTENSION: &str = "json";

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
        Kind::Webhook(case) => suite.under_test().check_webhook_case(suite, case).await,
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
        .and_then(|(shape, body)| unreadable_by_type(suite, shape, body));
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
