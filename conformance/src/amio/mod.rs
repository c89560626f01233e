//! The Amio REST API and its webhooks (`spec/amio.yaml`, crate `amio`):
//! [`Amio`], its [`ApiUnderTest`]; its client of the mock; its dispatch
//! table ([`dispatch`], generated from the spec); and its own areas:
//! [`operations`], [`auth`], [`signature`], and [`live`] for a real endpoint.

pub mod auth;
/// The `operationId` → client method table, generated from `spec/amio.yaml`
/// by `cargo xtask regen`.
#[rustfmt::skip]
pub mod dispatch;
pub mod live;
/// Its generated types by schema name, from its spec (`cargo xtask regen`).
#[rustfmt::skip]
pub mod registry;
pub mod operations;
pub mod signature;

use futures::FutureExt;
use futures::future::BoxFuture;
use reqwest::header::HeaderMap;
use serde::Serialize;
use serde_json::Value;

use crate::api::Api;
use crate::dispatch::{DispatchError, Input, IntoOutcome, RoundTripError};
use crate::endpoint::LiveOptions;
use crate::mock::{Canned, MockApi};
use crate::shared::case_file::WebhookCase;
use crate::shared::compare::Drift;
use crate::shared::report::Area;
use crate::spec::{Header, Operation};
use crate::suite::{ApiUnderTest, Read, Reader, Suite, TEST_TOKEN};

/// The Amio API under test.
#[derive(Clone, Copy, Debug)]
pub struct Amio;

/// What the generated table calls the client methods on: the client.
#[derive(Clone, Copy, Debug)]
pub struct Caller<'a>(pub &'a ::amio::Client);

impl std::ops::Deref for Caller<'_> {
    type Target = ::amio::Client;

    fn deref(&self) -> &::amio::Client {
        self.0
    }
}

/// A successful response, with its typed body serialized back to JSON.
#[derive(Debug)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The typed body as JSON; `None` for an operation without a body.
    pub body: Option<Value>,
}

/// What the client returned.
pub type Outcome = Result<Reply, ::amio::Error>;

impl<T: Serialize> IntoOutcome<Outcome> for Result<::amio::ResponseValue<T>, ::amio::Error> {
    fn into_outcome(self) -> Result<Outcome, DispatchError> {
        let response = match self {
            Ok(response) => response,
            Err(error) => return Ok(Err(error)),
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = serde_json::to_value(response.into_inner())
            .map_err(|e| DispatchError::Serialize(e.to_string()))?;
        Ok(Ok(Reply {
            status,
            headers,
            // `()` (no body) serializes to null.
            body: (!body.is_null()).then_some(body),
        }))
    }
}

/// Calls the client method of `operation` with `input` (the generated
/// [`dispatch::call`]).
pub async fn call(
    client: &::amio::Client,
    operation: &str,
    input: &Input,
) -> Result<Outcome, DispatchError> {
    dispatch::call(&Caller(client), operation, input).await
}

/// The builder [`client`] uses, for checks that change it: the mock at
/// `mock_uri` (the spec's base path appended), [`TEST_TOKEN`], no retries.
pub fn client_builder(suite: &Suite, mock_uri: &str) -> ::amio::ClientBuilder {
    ::amio::Client::builder()
        .token(TEST_TOKEN)
        .base_url(format!("{mock_uri}{}", suite.base_path))
        .retry(::amio::RetryPolicy::none())
}

/// A client of the mock at `mock_uri`, authenticating with [`TEST_TOKEN`]
/// and never retrying.
pub fn client(suite: &Suite, mock_uri: &str) -> ::amio::Client {
    client_builder(suite, mock_uri)
        .build()
        .expect("the test token and a 127.0.0.1 base URL are valid")
}

/// The Amio client of a mock.
struct AmioReader<'a> {
    mock: &'a MockApi,
    client: ::amio::Client,
}

impl Reader for AmioReader<'_> {
    fn read<'a>(
        &'a self,
        operation: &'a Operation,
        input: &'a Input,
        canned: &'a Canned,
    ) -> BoxFuture<'a, Result<Read, String>> {
        async move {
            // The documented headers the response carries must read through
            // the typed accessors.
            let documented: Vec<Header> = operation
                .response(canned.status)
                .map(|r| r.headers.as_slice())
                .unwrap_or_default()
                .iter()
                .filter_map(|header| {
                    let (_, value) = canned
                        .headers
                        .iter()
                        .find(|(name, _)| name.eq_ignore_ascii_case(&header.name))?;
                    Some(Header {
                        name: header.name.clone(),
                        example: Some(Value::String(value.clone())),
                    })
                })
                .collect();
            self.mock.serve(canned).await;
            let outcome = call(&self.client, &operation.id, input)
                .await
                .map_err(|e| e.to_string())?;
            let body = operations::check_outcome(
                canned.status,
                &documented,
                canned.body.is_some(),
                outcome,
            )?;
            Ok(Read {
                body,
                drift: Vec::new(),
            })
        }
        .boxed()
    }
}

/// The secret [`ApiUnderTest::read_callback`] signs and verifies with.
const CALLBACK_SECRET: &str = "conformance-webhook-secret";

impl ApiUnderTest for Amio {
    fn api(&self) -> Api {
        Api::Amio
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
                operations::check(suite).await.area,
                auth::check(suite).await,
                signature::check(suite),
            ]
        }
        .boxed()
    }

    fn reader<'a>(&'a self, suite: &'a Suite, mock: &'a MockApi) -> Box<dyn Reader + 'a> {
        Box::new(AmioReader {
            mock,
            client: client(suite, &mock.uri()),
        })
    }

    fn check_webhook_case<'a>(
        &'a self,
        suite: &'a Suite,
        case: &'a WebhookCase,
    ) -> BoxFuture<'a, Result<Vec<Drift>, String>> {
        signature::check_webhook_case(suite, case).boxed()
    }

    fn read_callback(&self, body: &[u8]) -> Result<Value, String> {
        let secrets = ::amio::webhook::Secrets::new().with_default(CALLBACK_SECRET);
        let signature = ::amio::webhook::sign(CALLBACK_SECRET.as_bytes(), body);
        let event = ::amio::webhook::verify_and_parse(&secrets, body, Some(&signature))
            .map_err(|e| format!("verify_and_parse refuses it: {e}"))?;
        serde_json::to_value(&event).map_err(|e| format!("serializing the event: {e}"))
    }

    fn live<'a>(&'a self, suite: &'a Suite, options: &'a LiveOptions) -> BoxFuture<'a, Area> {
        live::check(suite, options).boxed()
    }
}
