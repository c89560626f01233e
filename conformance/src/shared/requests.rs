//! What the checks of the requests a client sends share: comparing a sent
//! request with the spec, the requests kept for snapshots, and the entries
//! of a dispatch table the spec no longer has.

use serde_json::Value;

use crate::mock::RecordedRequest;
use crate::shared::compare::{Direction, judge};
use crate::shared::report::Area;
use crate::spec::Operation;
use crate::suite::Suite;

/// The outcome of the area, with every request the client sent for a
/// request example (one per operation without a request body), by check
/// name, for snapshots.
#[derive(Debug)]
pub struct OperationsRun {
    /// The checks.
    pub area: Area,
    /// `(operationId, example name or None, the request sent)`.
    pub requests: Vec<(String, Option<String>, RecordedRequest)>,
}

/// Records a failure for every entry of the API's dispatch table that names
/// no operation of the spec (a table older than the spec).
pub fn stale_dispatch_entries(suite: &Suite, area: &mut Area) {
    for entry in suite.under_test().dispatch_table() {
        if suite.operation(entry).is_none() {
            area.record(
                format!("dispatch entry {entry}"),
                Err(format!(
                    "the dispatch table calls `{entry}`, which is not an operation of {}",
                    suite.api.spec_path()
                )),
            );
        }
    }
}

/// Compares a request the client sent with the spec: method, path, query,
/// credentials and body. `credential` is the header that must carry the
/// test credentials and its value (`("authorization", "Bearer …")`).
pub fn check_sent(
    suite: &Suite,
    operation: &Operation,
    body: Option<&Value>,
    request: &RecordedRequest,
    (header, credential): (&str, &str),
) -> Result<(), String> {
    if request.method != operation.method {
        return Err(format!(
            "the client sent {} {}; the spec says {} {}",
            request.method, request.path, operation.method, operation.path
        ));
    }
    let path = format!("{}{}", suite.base_path, operation.example_path()?);
    if request.path != path {
        return Err(format!(
            "the client sent {} {}; the spec says {} {} (here {path})",
            request.method, request.path, operation.method, operation.path
        ));
    }
    let mut expected_query: Vec<String> = operation
        .parameters
        .iter()
        .filter(|p| p.location == "query")
        .filter_map(|p| {
            let value = match p.example.as_ref()? {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            Some(format!("{}={value}", p.name))
        })
        .collect();
    let mut query = request.query.clone();
    expected_query.sort();
    query.sort();
    if query != expected_query {
        return Err(format!(
            "the client sent the query {query:?}; the spec's parameter examples give {expected_query:?}"
        ));
    }
    let sent = request.headers.get(header).map(String::as_str);
    if sent != Some(credential) {
        return Err(format!(
            "the client sent the `{header}` header {sent:?}, not the test credentials"
        ));
    }
    match (body, &request.body) {
        (None, None) => Ok(()),
        (None, Some(sent)) => Err(format!(
            "the client sent a body ({sent}) the spec does not have"
        )),
        (Some(_), None) => Err("the client sent no body".to_owned()),
        (Some(expected), Some(sent)) => {
            let content_type = request.headers.get("content-type").map(String::as_str);
            if content_type != Some("application/json") {
                return Err(format!(
                    "the client sent the body as {content_type:?}, not application/json"
                ));
            }
            let shape = operation
                .request
                .as_ref()
                .map(|r| &r.shape)
                .ok_or("the operation has no request body in the spec")?;
            judge(&suite.schemas, shape, Direction::Sent, expected, sent)
                .map(drop)
                .map_err(|e| format!("the body the client sent differs from the example: {e}"))
        }
    }
}
