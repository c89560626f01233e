//! Operations × statuses: every documented response of every operation,
//! served by the mock, read through the generated client; and every request
//! example, sent by the client and compared with what the spec says.
//!
//! Nothing here names an operation: the operations, their parameters,
//! statuses, headers and examples all come from the spec, and the client is
//! called through the dispatch table generated from it ([`super::dispatch`]).
//! The spec's own examples are judged strictly ([`Direction::Sent`]):
//! anything in them the spec does not describe fails.

use reqwest::header::HeaderMap;
use serde_json::Value;

use ::amio::{ErrorExt, HeadersExt};

use super::{Outcome, call, client};
use crate::mock::{Canned, MockApi, RecordedRequest, canned};
use crate::shared::compare::{Direction, judge};
use crate::shared::report::Area;
use crate::shared::requests::{OperationsRun, check_sent, stale_dispatch_entries};
use crate::spec::{Header, NamedExample, Operation, Response};
use crate::suite::{Suite, TEST_TOKEN};

/// The area's name in the report.
pub const AREA: &str = "operations";

/// Runs every request and response check of every operation of the spec.
pub async fn check(suite: &Suite) -> OperationsRun {
    let mut area = Area::new(AREA);
    // One server and one client for every check: building a client costs more
    // than a check.
    let mock = MockApi::start().await;
    let client = client(suite, &mock.uri());
    let api = (&mock, &client);
    let mut requests = Vec::new();
    let mut statuses = 0;
    let mut response_examples = 0;
    let mut request_examples = 0;
    for operation in &suite.operations {
        // The requests: one per request example, or one without a body.
        let bodies: Vec<Option<&NamedExample>> = match &operation.request {
            Some(request) if !request.examples.is_empty() => {
                request.examples.iter().map(Some).collect()
            }
            Some(_) => {
                area.record(
                    format!("{} request", operation.id),
                    Err("the request body has no example to send".to_owned()),
                );
                Vec::new()
            }
            None => vec![None],
        };
        for example in bodies {
            request_examples += usize::from(example.is_some());
            let name = match example {
                Some(example) => format!("{} request {}", operation.id, example.name),
                None => format!("{} request", operation.id),
            };
            let (outcome, recorded) = check_request(suite, api, operation, example).await;
            if let Some(recorded) = recorded {
                requests.push((
                    operation.id.clone(),
                    example.map(|e| e.name.clone()),
                    recorded,
                ));
            }
            area.record(name, outcome);
        }
        // The responses: every status, every example of it.
        let body = operation
            .request
            .as_ref()
            .and_then(|r| r.examples.first())
            .map(|e| e.value.clone());
        for response in &operation.responses {
            statuses += 1;
            let examples: Vec<Option<&NamedExample>> = match &response.shape {
                None => vec![None],
                Some(_) if response.examples.is_empty() => {
                    area.record(
                        format!("{} {}", operation.id, response.status),
                        Err("the response has a body but no example to serve".to_owned()),
                    );
                    Vec::new()
                }
                Some(_) => response.examples.iter().map(Some).collect(),
            };
            for example in examples {
                response_examples += usize::from(example.is_some());
                let name = match example {
                    Some(example) => {
                        format!("{} {} {}", operation.id, response.status, example.name)
                    }
                    None => format!("{} {} (no body)", operation.id, response.status),
                };
                let outcome =
                    check_response(suite, api, operation, body.clone(), response, example).await;
                area.record(name, outcome);
            }
        }
    }
    stale_dispatch_entries(suite, &mut area);
    area.coverage = format!(
        "{} operations, {statuses} documented statuses, {request_examples} request and \
         {response_examples} response examples",
        suite.operations.len()
    );
    OperationsRun { area, requests }
}

/// Checks that the typed accessors read every documented header of a
/// response as the spec's example gives it.
pub fn check_headers(documented: &[Header], headers: &HeaderMap) -> Result<(), String> {
    for header in documented {
        let example = header.example.as_ref();
        let number = example.and_then(|e| match e {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        });
        let rate_limit = headers.rate_limit();
        let (read, expected) = match header.name.to_ascii_lowercase().as_str() {
            "x-total-count" => (
                format!("{:?}", headers.total_count()),
                format!("{number:?}"),
            ),
            "location" => (
                format!("{:?}", headers.location()),
                format!("{:?}", example.and_then(Value::as_str)),
            ),
            "x-ratelimit-limit" => (
                format!("{:?}", rate_limit.and_then(|r| r.limit)),
                format!("{number:?}"),
            ),
            "x-ratelimit-remaining" => (
                format!("{:?}", rate_limit.and_then(|r| r.remaining)),
                format!("{number:?}"),
            ),
            "x-ratelimit-reset" => (
                format!("{:?}", rate_limit.and_then(|r| r.reset)),
                format!("{number:?}"),
            ),
            _ => {
                return Err(format!(
                    "documented header `{}` has no typed accessor in amio::HeadersExt",
                    header.name
                ));
            }
        };
        if read != expected {
            return Err(format!(
                "header `{}`: the typed accessor read {read}, the spec's example is {expected}",
                header.name
            ));
        }
    }
    Ok(())
}

/// Sends one request of `operation` (with the request example `example`)
/// and compares what reached the mock with what the spec says.
async fn check_request(
    suite: &Suite,
    (mock, client): (&MockApi, &::amio::Client),
    operation: &Operation,
    example: Option<&NamedExample>,
) -> (Result<(), String>, Option<RecordedRequest>) {
    let canned = match canned_success(operation) {
        Ok(canned) => canned,
        Err(message) => return (Err(message), None),
    };
    let input = match suite.input(operation, example.map(|e| e.value.clone())) {
        Ok(input) => input,
        Err(message) => return (Err(message), None),
    };
    mock.serve(&canned).await;
    let outcome = call(client, &operation.id, &input).await;
    let sent = mock.requests().await;
    let recorded = sent.first().cloned();
    let result = (|| {
        match outcome {
            Err(error) => return Err(error.to_string()),
            Ok(Err(error)) => {
                return Err(format!(
                    "the client failed on the documented success response: {error}"
                ));
            }
            Ok(Ok(_)) => {}
        }
        let [request] = sent.as_slice() else {
            return Err(format!(
                "the client sent {} requests for one call",
                sent.len()
            ));
        };
        let bearer = format!("Bearer {TEST_TOKEN}");
        check_sent(
            suite,
            operation,
            example.map(|e| &e.value),
            request,
            ("authorization", &bearer),
        )
    })();
    (result, recorded)
}

/// The first documented success of `operation`, with its first example.
fn canned_success(operation: &Operation) -> Result<Canned, String> {
    let success = operation
        .success()
        .ok_or("the spec documents no success response")?;
    canned(success, success.examples.first().map(|e| &e.value))
}

/// Serves `response` with the body `example` and checks what the client
/// makes of it: the typed value (2xx) or the typed API error, the body's
/// round trip (judged strictly: the example is the spec's own), and the
/// documented headers.
async fn check_response(
    suite: &Suite,
    (mock, client): (&MockApi, &::amio::Client),
    operation: &Operation,
    request_body: Option<Value>,
    response: &Response,
    example: Option<&NamedExample>,
) -> Result<(), String> {
    let body = example.map(|e| &e.value);
    let canned = canned(response, body)?;
    let input = suite.input(operation, request_body)?;
    mock.serve(&canned).await;
    let outcome = call(client, &operation.id, &input)
        .await
        .map_err(|e| e.to_string())?;
    let typed = check_outcome(response.status, &response.headers, body.is_some(), outcome)?;
    match (&response.shape, body, typed) {
        (Some(shape), Some(expected), Some(typed)) => {
            judge(&suite.schemas, shape, Direction::Sent, expected, &typed)
                .map(drop)
                .map_err(|e| format!("the typed body does not round-trip: {e}"))
        }
        _ => Ok(()),
    }
}

/// Checks what the client returned for a response of `status` (with a body
/// when `has_body`): a 2xx gives the typed value; any other status gives
/// [`amio::Error::ErrorResponse`] with the parsed body. `documented` headers
/// must read as their examples. Gives the typed body, serialized back to
/// JSON, for the caller to judge.
pub fn check_outcome(
    status: u16,
    documented: &[Header],
    has_body: bool,
    outcome: Outcome,
) -> Result<Option<Value>, String> {
    let (got_status, headers, typed) = match outcome {
        Ok(reply) if (200..300).contains(&status) => (reply.status, reply.headers, reply.body),
        Ok(reply) => {
            return Err(format!(
                "status {status}: the client returned a success ({}) instead of the API error",
                reply.status
            ));
        }
        Err(error) if (200..300).contains(&status) => {
            return Err(format!(
                "the client failed on a documented {status}: {error}"
            ));
        }
        Err(error) => {
            let Some(api_error) = error.api_error() else {
                return Err(format!(
                    "status {status}: expected amio::Error::ErrorResponse, got: {error}"
                ));
            };
            let typed = serde_json::to_value(api_error)
                .map_err(|e| format!("serializing the typed API error: {e}"))?;
            let headers = error.headers().cloned().unwrap_or_default();
            (
                error.http_status().map_or(0, |s| s.as_u16()),
                headers,
                Some(typed),
            )
        }
    };
    if got_status != status {
        return Err(format!(
            "the client reports status {got_status}, the server sent {status}"
        ));
    }
    match (has_body, &typed) {
        (false, Some(typed)) => {
            return Err(format!(
                "the client made a body ({typed}) of an empty response"
            ));
        }
        (true, None) => return Err("the client dropped the body".to_owned()),
        _ => {}
    }
    check_headers(documented, &headers)?;
    Ok(typed)
}
