//! Every request example of the spec, sent by `Client::send` and compared
//! with the spec: method, path, query, the `key` header (and no
//! `Authorization`), and the body, unchanged by its trip through the
//! generated type. The tests snapshot each request.

use ::webex_connect::Client;

use super::{SERVICE_KEY_HEADER, call, client, queued_answer};
use crate::mock::{MockApi, RecordedRequest};
use crate::shared::expect;
use crate::shared::report::Area;
use crate::shared::requests::{OperationsRun, check_sent, stale_dispatch_entries};
use crate::spec::{NamedExample, Operation};
use crate::suite::{Suite, TEST_TOKEN};

/// The area's name in the report (prefixed with the API's name).
pub const AREA: &str = "requests";

/// Sends every request example of every operation through the client, and
/// compares what reached the mock with the spec: method, path, query, the
/// `key` header (and no `Authorization`), and the body, which must be the
/// example unchanged after its trip through the generated type.
pub async fn check(suite: &Suite) -> OperationsRun {
    let mut area = Area::new(AREA);
    let mock = MockApi::start().await;
    let client = client(suite, &mock.uri());
    let mut requests = Vec::new();
    let mut count = 0;
    for operation in &suite.operations {
        let examples = match &operation.request {
            Some(request) if !request.examples.is_empty() => &request.examples,
            _ => {
                area.record(
                    format!("{} request", operation.id),
                    Err("the operation has no request example to send".to_owned()),
                );
                continue;
            }
        };
        for example in examples {
            count += 1;
            let (outcome, recorded) =
                send_example(suite, (&mock, &client), operation, example).await;
            if let Some(recorded) = recorded {
                requests.push((operation.id.clone(), Some(example.name.clone()), recorded));
            }
            area.record(
                format!("{} request {}", operation.id, example.name),
                outcome,
            );
        }
    }
    stale_dispatch_entries(suite, &mut area);
    let operations: Vec<&str> = suite.operations.iter().map(|o| o.id.as_str()).collect();
    area.coverage = format!(
        "{count} request examples of {}, sent by Client::send with the service key",
        operations.join(", ")
    );
    OperationsRun { area, requests }
}

async fn send_example(
    suite: &Suite,
    (mock, client): (&MockApi, &Client),
    operation: &Operation,
    example: &NamedExample,
) -> (Result<(), String>, Option<RecordedRequest>) {
    let prepared = queued_answer(operation)
        .and_then(|canned| Ok((canned, suite.input(operation, Some(example.value.clone()))?)));
    let (queued, input) = match prepared {
        Ok(prepared) => prepared,
        Err(message) => return (Err(message), None),
    };
    mock.serve(&queued).await;
    let outcome = call(client, &operation.id, &input).await;
    let sent = mock.requests().await;
    let result = (|| {
        match outcome {
            Err(error) => return Err(error.to_string()),
            Ok(Err(error)) => {
                return Err(format!(
                    "the client failed on the documented queued answer: {error}"
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
        check_sent(
            suite,
            operation,
            Some(&example.value),
            request,
            (SERVICE_KEY_HEADER, TEST_TOKEN),
        )?;
        expect(!request.headers.contains_key("authorization"), || {
            "an Authorization header was sent beside the service key".to_owned()
        })
    })();
    (result, sent.into_iter().next())
}
