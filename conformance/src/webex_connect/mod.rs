//! The Webex Connect Messaging API (`spec/webex-connect.yaml`, crate
//! `webex-connect`): [`WebexConnect`], its [`ApiUnderTest`]; its client of
//! the mock; its dispatch table ([`dispatch`], generated from the spec, where
//! `send_message` is [`Client::send`]); the areas its one operation needs
//! beside the shared ones, one module each: [`response_codes`],
//! [`requests`], [`auth`] and [`notifications`], and [`live`] for a real
//! endpoint; and what they share, which the `response` cases use too: the
//! documented codes, and [`check_answer`], what [`Client::send`] must make
//! of an answer.
//!
//! The documented codes are read from the spec: the `enum` (and
//! `x-enum-descriptions`) of the schema `ResponseEntry.code` refers to
//! (`ResponseCode`; `DeliveryCode` for `DeliveryInfo.code`).

pub mod auth;
/// The `operationId` → client method table, generated from
/// `spec/webex-connect.yaml` by `cargo xtask regen`.
#[rustfmt::skip]
pub mod dispatch;
pub mod live;
/// Its generated types by schema name, from its spec (`cargo xtask regen`).
#[rustfmt::skip]
pub mod registry;
pub mod notifications;
pub mod requests;
pub mod response_codes;

use ::webex_connect::types::SendMessageRequest;
use ::webex_connect::{Client, ClientBuilder, Error, Queued, Rejection};
use futures::FutureExt;
use futures::future::BoxFuture;
use serde_json::Value;

use crate::api::Api;
use crate::dispatch::{DispatchError, Input, IntoOutcome, RoundTripError};
use crate::mock::{Canned, MockApi, canned};
use crate::shared::compare::{Drift, DriftKind};
use crate::shared::live::LiveOptions;
use crate::shared::report::Area;
use crate::spec::Operation;
use crate::suite::{ApiUnderTest, Read, Reader, Suite, TEST_TOKEN};

/// The Webex Connect API under test.
#[derive(Clone, Copy, Debug)]
pub struct WebexConnect;

/// What the generated table calls the client methods on: the client, with
/// `send_message` as [`Client::send`], which checks the documented limits,
/// sends the request and reads the response code.
#[derive(Clone, Copy, Debug)]
pub struct Caller<'a>(pub &'a Client);

impl Caller<'_> {
    /// `send_message`, as users call it: [`Client::send`].
    pub async fn send_message(&self, request: &SendMessageRequest) -> Result<Vec<Queued>, Error> {
        self.0.send(request).await
    }
}

impl std::ops::Deref for Caller<'_> {
    type Target = Client;

    fn deref(&self) -> &Client {
        self.0
    }
}

/// What the client returned: the queued messages, or the typed error (a
/// refusal carries the response code).
pub type Outcome = Result<Vec<Queued>, Error>;

impl IntoOutcome<Outcome> for Result<Vec<Queued>, Error> {
    fn into_outcome(self) -> Result<Outcome, DispatchError> {
        Ok(self)
    }
}

/// Calls the client method of `operation` with `input` (the generated
/// [`dispatch::call`]).
pub async fn call(
    client: &Client,
    operation: &str,
    input: &Input,
) -> Result<Outcome, DispatchError> {
    dispatch::call(&Caller(client), operation, input).await
}

impl ApiUnderTest for WebexConnect {
    fn api(&self) -> Api {
        Api::WebexConnect
    }

    fn round_trip(&self, schema: &str, value: Value) -> Option<Result<Value, RoundTripError>> {
        registry::round_trip(schema, value)
    }

    fn dispatch_table(&self) -> &'static [&'static str] {
        dispatch::OPERATIONS
    }

    fn areas<'a>(&'a self, suite: &'a Suite) -> BoxFuture<'a, Vec<Area>> {
        async move {
            vec![
                response_codes::check(suite).await,
                requests::check(suite).await.area,
                auth::check(suite).await,
                notifications::check(suite),
            ]
        }
        .boxed()
    }

    fn reader<'a>(&'a self, suite: &'a Suite, mock: &'a MockApi) -> Box<dyn Reader + 'a> {
        Box::new(WebexReader {
            suite,
            mock,
            client: client(suite, &mock.uri()),
            documented: documented_codes(suite, RESPONSE_CODE_TABLE).unwrap_or_default(),
        })
    }

    fn read_callback(&self, body: &[u8]) -> Result<Value, String> {
        let parsed = ::webex_connect::notification::parse(body)
            .map_err(|e| format!("notification::parse refuses it: {e}"))?;
        serde_json::to_value(&parsed).map_err(|e| format!("serializing the notification: {e}"))
    }

    fn live<'a>(&'a self, suite: &'a Suite, options: &'a LiveOptions) -> BoxFuture<'a, Area> {
        live::check(suite, options).boxed()
    }
}

/// The Webex Connect client of a mock.
struct WebexReader<'a> {
    suite: &'a Suite,
    mock: &'a MockApi,
    client: Client,
    documented: Vec<DocumentedCode>,
}

impl Reader for WebexReader<'_> {
    /// Serves the answer to [`Client::send`], which must give what its codes
    /// mean ([`check_answer`]); the body's reading is the round trip of its
    /// documented schema (what `send` reads it with). A code the spec does
    /// not document is drift: the client keeps it as `ResponseCode::Other`.
    fn read<'a>(
        &'a self,
        operation: &'a Operation,
        input: &'a Input,
        canned: &'a Canned,
    ) -> BoxFuture<'a, Result<Read, String>> {
        async move {
            self.mock.serve(canned).await;
            let outcome = call(&self.client, &operation.id, input)
                .await
                .map_err(|e| e.to_string())?;
            let body: Value = match &canned.body {
                Some(bytes) => serde_json::from_slice(bytes).map_err(|e| e.to_string())?,
                None => Value::Null,
            };
            check_answer(canned.status, &body, &outcome)?;
            let shape = operation
                .response(canned.status)
                .and_then(|r| r.shape.as_ref());
            let Some(crate::spec::Shape::Named(schema)) = shape else {
                return Ok(Read::default());
            };
            let read = self
                .suite
                .round_trip(schema, body.clone())
                .ok_or_else(|| format!("no generated type for schema {schema}"))?
                .map_err(|e| format!("the generated {schema} does not read it: {e}"))?;
            Ok(Read {
                body: Some(read),
                drift: undocumented_codes(&body, &self.documented),
            })
        }
        .boxed()
    }
}

/// A drift for every response code of `body` that `documented` does not list.
fn undocumented_codes(body: &Value, documented: &[DocumentedCode]) -> Vec<Drift> {
    let (schema, property) = RESPONSE_CODE_TABLE;
    let Ok((entries, single)) = entries(body) else {
        return Vec::new();
    };
    entries
        .iter()
        .enumerate()
        .filter(|(_, entry)| !documented.iter().any(|d| d.code == entry.code))
        .map(|(i, entry)| Drift {
            path: if single {
                "$.response.code".to_owned()
            } else {
                format!("$.response[{i}].code")
            },
            kind: DriftKind::UnknownEnumValue,
            detail: format!(
                "response code `{}` is not documented (the client keeps it as ResponseCode::Other)",
                entry.code
            ),
            suggestion: format!(
                "document `{}` ({:?}) in the codes of {schema}.{property}",
                entry.code, entry.description
            ),
        })
        .collect()
}

/// The one code that means success: `1001` Queued (seed 002, line 1994).
pub const QUEUED: &str = "1001";

/// The schema and property whose type lists the response codes.
pub const RESPONSE_CODE_TABLE: (&str, &str) = ("ResponseEntry", "code");
/// The schema and property whose type lists the delivery codes.
pub const DELIVERY_CODE_TABLE: (&str, &str) = ("DeliveryInfo", "code");

/// The header that carries the service key.
pub const SERVICE_KEY_HEADER: &str = "key";

/// A code the spec documents, with its message and description.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentedCode {
    /// The code as on the wire, such as `7001`.
    pub code: String,
    /// The documented message, such as `Authentication failed`: the first
    /// sentence of the description.
    pub message: String,
    /// The documented description, such as `Authentication failed. Returned
    /// when …`.
    pub description: String,
}

/// The codes documented for `property` of the schema `schema`: the `enum` of
/// the string schema it refers to (`allOf: [$ref]` or `$ref`), with its
/// `x-enum-descriptions` ("Message. Description."). An error when the property refers to no such
/// schema, or the schema lists no code.
pub fn documented_codes(
    suite: &Suite,
    (schema, property): (&str, &str),
) -> Result<Vec<DocumentedCode>, String> {
    let pointer = format!("/components/schemas/{schema}/properties/{property}");
    let target = suite.spec.pointer(&pointer).and_then(|p| {
        p.pointer("/allOf/0/$ref")
            .or_else(|| p.get("$ref"))
            .and_then(Value::as_str)
    });
    let codes_schema = target
        .and_then(|t| t.strip_prefix('#'))
        .and_then(|t| suite.spec.pointer(t));
    let strings = |key: &str| -> Vec<String> {
        codes_schema
            .and_then(|s| s.get(key))
            .and_then(Value::as_array)
            .map(|values| {
                values
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let descriptions = strings("x-enum-descriptions");
    let codes: Vec<DocumentedCode> = strings("enum")
        .into_iter()
        .enumerate()
        .map(|(i, code)| {
            let description = descriptions.get(i).cloned().unwrap_or_default();
            DocumentedCode {
                code,
                message: description
                    .split_once(". ")
                    .map_or(description.trim_end_matches('.'), |(first, _)| first)
                    .to_owned(),
                description,
            }
        })
        .collect();
    if codes.is_empty() {
        return Err(format!(
            "{} documents no codes: {schema}.{property} refers to no string schema with an \
             `enum` of codes",
            suite.api.spec_path()
        ));
    }
    Ok(codes)
}

fn code_list(codes: &[DocumentedCode]) -> String {
    codes
        .iter()
        .map(|c| c.code.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A client builder for the mock at `mock_uri` (the spec's base path
/// appended) that never retries, without credentials.
fn builder(suite: &Suite, mock_uri: &str) -> ClientBuilder {
    Client::builder()
        .base_url(format!("{mock_uri}{}", suite.base_path))
        .retry(::webex_connect::RetryPolicy::none())
}

/// A client of the mock at `mock_uri` (the spec's base path appended),
/// authenticating with the service key [`TEST_TOKEN`] and never retrying.
pub fn client(suite: &Suite, mock_uri: &str) -> Client {
    builder(suite, mock_uri)
        .service_key(TEST_TOKEN)
        .build()
        .expect("the test service key and a 127.0.0.1 base URL are valid")
}

/// The arguments the checks call `operation` with: its parameters'
/// examples and its first request example.
fn first_input(suite: &Suite, operation: &Operation) -> Result<Input, String> {
    let body = operation
        .request
        .as_ref()
        .and_then(|r| r.examples.first())
        .map(|e| e.value.clone());
    suite.input(operation, body)
}

/// One entry of a `response`, as the body gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    code: String,
    description: String,
    transid: String,
    correlationid: Option<String>,
}

impl Entry {
    fn read(value: &Value, at: &str) -> Result<Self, String> {
        let text = |key: &str| {
            value
                .get(key)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| format!("{at}.{key} is not a string"))
        };
        Ok(Self {
            code: text("code")?,
            description: text("description")?,
            transid: text("transid")?,
            correlationid: value
                .get("correlationid")
                .and_then(Value::as_str)
                .map(str::to_owned),
        })
    }

    fn of_rejection(rejection: &Rejection) -> Self {
        Self {
            code: rejection.code.as_str().to_owned(),
            description: rejection.description.clone(),
            transid: rejection.transid.clone(),
            correlationid: rejection.correlationid.clone(),
        }
    }
}

/// The entries of a send_message answer, and whether `response` was a
/// single object (a refusal of the whole request) rather than an array.
fn entries(body: &Value) -> Result<(Vec<Entry>, bool), String> {
    match body.get("response") {
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| Entry::read(item, &format!("$.response[{i}]")))
            .collect::<Result<_, _>>()
            .map(|entries| (entries, false)),
        Some(entry @ Value::Object(_)) => Ok((vec![Entry::read(entry, "$.response")?], true)),
        _ => Err("the body has no `response` array or object".to_owned()),
    }
}

/// What [`Client::send`] must return for an answer, as the documentation
/// describes it.
#[derive(Debug, PartialEq, Eq)]
enum Expected {
    /// Every entry is `1001`: the queued messages, `(transid, correlationid)`.
    Queued(Vec<(String, Option<String>)>),
    /// The request was refused: [`Error::Rejected`].
    Rejected(Entry),
    /// Some destinations were refused: [`Error::DestinationsRejected`].
    DestinationsRejected {
        queued: Vec<(String, Option<String>)>,
        rejected: Vec<Entry>,
    },
}

impl Expected {
    fn of(body: &Value) -> Result<Self, String> {
        let (entries, single) = entries(body)?;
        let (queued, mut rejected): (Vec<Entry>, Vec<Entry>) =
            entries.into_iter().partition(|e| e.code == QUEUED);
        let queued: Vec<(String, Option<String>)> = queued
            .into_iter()
            .map(|e| (e.transid, e.correlationid))
            .collect();
        Ok(match (single, queued.is_empty(), rejected.len()) {
            (_, _, 0) => Self::Queued(queued),
            (true, _, _) | (false, true, 1) => Self::Rejected(rejected.remove(0)),
            _ => Self::DestinationsRejected { queued, rejected },
        })
    }

    fn of_outcome(outcome: &Outcome) -> Option<Self> {
        let queued = |queued: &[Queued]| {
            queued
                .iter()
                .map(|q| (q.transid.clone(), q.correlationid.clone()))
                .collect()
        };
        Some(match outcome {
            Ok(sent) => Self::Queued(queued(sent)),
            Err(Error::Rejected(rejection)) => Self::Rejected(Entry::of_rejection(rejection)),
            Err(Error::DestinationsRejected {
                queued: sent,
                rejected,
            }) => Self::DestinationsRejected {
                queued: queued(sent),
                rejected: rejected.iter().map(Entry::of_rejection).collect(),
            },
            Err(_) => return None,
        })
    }
}

/// Checks what [`Client::send`] returned for an answer of `status` with
/// `body`: HTTP 200 gives `Ok` with the transids of the body's entries when
/// every code is `1001`, [`Error::Rejected`] with the code, description and
/// transid of a refusal, or [`Error::DestinationsRejected`] when an array
/// mixes them (or refuses several); any other status gives [`Error::Http`].
pub fn check_answer(status: u16, body: &Value, outcome: &Outcome) -> Result<(), String> {
    if status != 200 {
        return match outcome {
            Err(Error::Http(error)) if error.status().map(|s| s.as_u16()) == Some(status) => Ok(()),
            other => Err(format!(
                "HTTP {status}: expected Error::Http with that status, got {}",
                describe(other)
            )),
        };
    }
    let expected = Expected::of(body)?;
    if Expected::of_outcome(outcome).as_ref() == Some(&expected) {
        Ok(())
    } else {
        Err(format!(
            "expected {expected:?}; the client returned {}",
            describe(outcome)
        ))
    }
}

/// An outcome as a failure message shows it (an error by its `Display`,
/// which never shows the credentials).
fn describe(outcome: &Outcome) -> String {
    match Expected::of_outcome(outcome) {
        Some(typed) => format!("{typed:?}"),
        None => match outcome {
            Err(error) => format!("the error: {error}"),
            Ok(_) => "a success".to_owned(),
        },
    }
}

/// The first response example of `operation` that queues every destination,
/// as the mock serves it.
fn queued_answer(operation: &Operation) -> Result<Canned, String> {
    operation
        .responses
        .iter()
        .filter(|r| r.status == 200)
        .find_map(|response| {
            let example = response.examples.iter().find(
                |e| matches!(Expected::of(&e.value), Ok(Expected::Queued(q)) if !q.is_empty()),
            )?;
            Some(canned(response, Some(&example.value)))
        })
        .unwrap_or_else(|| {
            Err(format!(
                "{} has no response example that queues the message (code {QUEUED})",
                operation.id
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_answer_means_what_its_codes_say() {
        let entry = |code: &str, transid: &str| json!({"code": code, "description": "d", "transid": transid});
        let queued = json!({"response": [entry("1001", "a"), entry("1001", "b")]});
        assert!(matches!(Expected::of(&queued), Ok(Expected::Queued(q)) if q.len() == 2));
        let refused = json!({"response": entry("7001", "a")});
        assert!(matches!(Expected::of(&refused), Ok(Expected::Rejected(e)) if e.code == "7001"));
        let one_of_one = json!({"response": [entry("7004", "a")]});
        assert!(matches!(
            Expected::of(&one_of_one),
            Ok(Expected::Rejected(_))
        ));
        let mixed = json!({"response": [entry("1001", "a"), entry("7004", "b")]});
        assert!(matches!(
            Expected::of(&mixed),
            Ok(Expected::DestinationsRejected { queued, rejected })
                if queued.len() == 1 && rejected.len() == 1
        ));
        let error = Expected::of(&json!({"response": {"code": 7001}})).unwrap_err();
        assert_eq!(error, "$.response.code is not a string");
        assert!(Expected::of(&json!({"answer": []})).is_err());
    }
}
