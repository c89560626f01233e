//! Every response example of the spec served by the mock (HTTP 200, as the
//! platform answers errors too) to `Client::send`, which must give the
//! queued messages or the typed refusal the body's codes mean; every code
//! the spec documents has an example and is known to `ResponseCode` with
//! its documented message, and every code of an example is documented.

use ::webex_connect::{Client, ResponseCode};

use super::{
    DocumentedCode, QUEUED, RESPONSE_CODE_TABLE, check_answer, client, code_list, documented_codes,
    entries, first_input,
};
use crate::mock::{MockApi, canned};
use crate::shared::expect;
use crate::shared::report::Area;
use crate::spec::{NamedExample, Operation, Response};
use crate::suite::Suite;

/// The area's name in the report (prefixed with the API's name).
pub const AREA: &str = "response codes";

/// Every response example of every operation through [`Client::send`], and
/// every documented response code.
pub async fn check(suite: &Suite) -> Area {
    let mut area = Area::new(AREA);
    let (table, property) = RESPONSE_CODE_TABLE;
    let documented = documented_codes(suite, RESPONSE_CODE_TABLE).unwrap_or_else(|message| {
        area.record(format!("the codes of {table}.{property}"), Err(message));
        Vec::new()
    });
    let mock = MockApi::start().await;
    let client = client(suite, &mock.uri());
    let mut served: Vec<String> = Vec::new();
    let mut examples = 0;
    for operation in &suite.operations {
        for response in &operation.responses {
            if response.examples.is_empty() {
                area.record(
                    format!("{} {}", operation.id, response.status),
                    Err("the response has no example to serve".to_owned()),
                );
            }
            for example in &response.examples {
                examples += 1;
                if let Ok((entries, _)) = entries(&example.value) {
                    served.extend(entries.into_iter().map(|e| e.code));
                }
                let outcome = serve_example(
                    suite,
                    (&mock, &client),
                    operation,
                    response,
                    example,
                    &documented,
                )
                .await;
                area.record(
                    format!("{} {} {}", operation.id, response.status, example.name),
                    outcome,
                );
            }
        }
    }
    for code in &documented {
        area.record(
            format!("code {} ({})", code.code, code.message),
            check_documented(code, &served, &documented),
        );
    }
    area.coverage = format!(
        "{} documented codes of {table}.{property}: {}; {examples} response examples \
         served to Client::send",
        documented.len(),
        code_list(&documented)
    );
    area
}

/// Serves one response example and checks what the client makes of it; every
/// code it carries must be documented.
async fn serve_example(
    suite: &Suite,
    (mock, client): (&MockApi, &Client),
    operation: &Operation,
    response: &Response,
    example: &NamedExample,
    documented: &[DocumentedCode],
) -> Result<(), String> {
    let (entries, _) = entries(&example.value)?;
    for entry in &entries {
        if !documented.iter().any(|d| d.code == entry.code) {
            let (table, property) = RESPONSE_CODE_TABLE;
            return Err(format!(
                "code `{}` is not documented: {table}.{property} lists {}",
                entry.code,
                code_list(documented)
            ));
        }
    }
    let input = first_input(suite, operation)?;
    mock.serve(&canned(response, Some(&example.value))?).await;
    let outcome = super::call(client, &operation.id, &input)
        .await
        .map_err(|e| e.to_string())?;
    check_answer(response.status, &example.value, &outcome)
}

/// A documented code has a response example, and the client's
/// [`ResponseCode`] knows it with the documented description.
fn check_documented(
    code: &DocumentedCode,
    served: &[String],
    documented: &[DocumentedCode],
) -> Result<(), String> {
    if !served.contains(&code.code) {
        return Err(
            "documented, but no response example carries it: add one to the spec".to_owned(),
        );
    }
    let read = ResponseCode::from(code.code.as_str());
    if read.is_unknown() {
        return Err(
            "webex_connect::ResponseCode does not know it (it reads as Unknown)".to_owned(),
        );
    }
    expect(
        read.description() == Some(code.description.as_str()),
        || {
            format!(
                "webex_connect::ResponseCode gives the description {:?}; the spec documents {:?}",
                read.description(),
                code.description
            )
        },
    )?;
    let queued = read == ResponseCode::Queued;
    expect(queued == (code.code == QUEUED), || {
        format!(
            "ResponseCode::Queued is {queued} for it; only {QUEUED} of {} means queued",
            code_list(documented)
        )
    })
}
