//! What every area of the suite starts from: an API's spec, read once, and
//! the one trait each API implements ([`ApiUnderTest`]): its client (behind
//! the dispatch table generated from the spec), what it makes of a response
//! or a callback, its own areas, and its live mode. The shared checks
//! ([`crate::shared`]) are written against it only.

use std::path::Path;

use futures::future::BoxFuture;
use serde_json::Value;

use crate::api::Api;
use crate::dispatch::{Input, RoundTripError};
use crate::endpoint::LiveOptions;
use crate::mock::{Canned, MockApi};
use crate::shared::case_file::WebhookCase;
use crate::shared::compare::Drift;
use crate::shared::report::Area;
use crate::spec::Operation;
use messaging_openapi::Document;

/// The token the suite's clients send to the mock: Amio's access token and
/// Webex Connect's service key. A fake: it opens nothing.
pub const TEST_TOKEN: &str = "conformance-fake-token-8c1f";

/// The JWT the Webex Connect checks send instead of the service key. A fake
/// (not even a JWT's three parts): it opens nothing.
pub const TEST_JWT: &str = "conformance-fake-jwt-5e07";

/// One API's spec, read and prepared for the checks, with what the suite
/// knows about checking it.
pub struct Suite {
    /// The API.
    pub api: Api,
    /// Its implementation of the checks.
    under_test: &'static dyn ApiUnderTest,
    /// Its spec, read once: text, JSON, operations, examples and schemas
    /// (reached through `Deref`, as `suite.operations`).
    document: Document,
}

impl std::ops::Deref for Suite {
    type Target = Document;

    fn deref(&self) -> &Document {
        &self.document
    }
}

impl std::fmt::Debug for Suite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Suite")
            .field("api", &self.api)
            .field("operations", &self.operations.len())
            .field("examples", &self.examples.len())
            .finish_non_exhaustive()
    }
}

impl Suite {
    /// Reads the spec of the API under test (an [`Api`] will do) under the
    /// repository root `root`.
    pub fn load(root: &Path, api: impl Into<&'static dyn ApiUnderTest>) -> Result<Self, String> {
        let under_test = api.into();
        let path = root.join(under_test.api().spec_path());
        let spec_text = std::fs::read_to_string(&path)
            .map_err(|e| format!("reading {}: {e}", path.display()))?;
        Self::from_text(under_test, spec_text)
    }

    /// Reads `spec_text` as the spec of the API under test (to check a
    /// changed spec without writing it).
    pub fn from_text(
        api: impl Into<&'static dyn ApiUnderTest>,
        spec_text: String,
    ) -> Result<Self, String> {
        let under_test = api.into();
        let api = under_test.api();
        Ok(Self {
            api,
            under_test,
            document: Document::from_text(api.spec_path(), spec_text)?,
        })
    }

    /// What the suite knows about checking its API.
    pub fn under_test(&self) -> &'static dyn ApiUnderTest {
        self.under_test
    }

    /// The round trip of `value` through the type generated for the schema
    /// `schema` (see [`ApiUnderTest::round_trip`]).
    pub fn round_trip(&self, schema: &str, value: Value) -> Option<Result<Value, RoundTripError>> {
        self.under_test().round_trip(schema, value)
    }

    /// The arguments to call `operation` with: every parameter's example
    /// from the spec, and `body`. An error names a parameter the operation
    /// needs that has no example.
    pub fn input(&self, operation: &Operation, body: Option<Value>) -> Result<Input, String> {
        let mut input = Input {
            body,
            ..Input::default()
        };
        for parameter in &operation.parameters {
            match &parameter.example {
                Some(example) => {
                    input.params.insert(parameter.name.clone(), example.clone());
                }
                None if parameter.required => {
                    return Err(format!(
                        "{} parameter `{}` has no example in the spec",
                        parameter.location, parameter.name
                    ));
                }
                None => {}
            }
        }
        Ok(input)
    }
}

/// What the client made of a response it was served: its typed reading,
/// serialized back to JSON, for [`crate::shared::compare::judge`] to compare
/// with what was served; and the drift only the API knows how to see.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Read {
    /// The typed body (the success value, or the typed API error) as JSON;
    /// `None` when the response has no body.
    pub body: Option<Value>,
    /// Drift the API's own rules found (Webex Connect: a response code the
    /// spec does not document).
    pub drift: Vec<Drift>,
}

/// A client of a mock, reading the responses the mock serves.
pub trait Reader: Send + Sync {
    /// Has the mock serve `canned` to the client calling `operation` with
    /// `input`, and says what the client made of it. An error is a failure:
    /// the client could not read the response, or read it as something other
    /// than what it means (a success for an error status, another code). The
    /// documented headers of `canned` must read through the typed accessors.
    fn read<'a>(
        &'a self,
        operation: &'a Operation,
        input: &'a Input,
        canned: &'a Canned,
    ) -> BoxFuture<'a, Result<Read, String>>;
}

/// One API under test. Each [`Suite`] holds the one of its [`Api`].
pub trait ApiUnderTest: Sync {
    /// Which API it is.
    fn api(&self) -> Api;

    /// The registry function of its generated types: a schema name and a JSON
    /// value in, the value's round trip through the Rust type out; `None`
    /// when the spec has no such schema.
    fn round_trip(&self, schema: &str, value: Value) -> Option<Result<Value, RoundTripError>>;

    /// Every `operationId` its dispatch table (generated from the spec) calls.
    fn dispatch_table(&self) -> &'static [&'static str];

    /// Its own areas against the in-process mock, in report order; the
    /// shared ones (examples, properties, fuzzing) go around them.
    fn areas<'a>(&'a self, suite: &'a Suite) -> BoxFuture<'a, Vec<Area>>;

    /// A reader of responses served by `mock`: a client of it, built once.
    fn reader<'a>(&'a self, suite: &'a Suite, mock: &'a MockApi) -> Box<dyn Reader + 'a>;

    /// Reads a callback body (an Amio webhook, a Webex Connect delivery
    /// notification) as a receiver built on the bindings does, and gives the
    /// typed value back as JSON. Amio's body is signed with a test secret and
    /// verified first.
    fn read_callback(&self, body: &[u8]) -> Result<Value, String>;

    /// Checks a `webhook` case file (signed callbacks: Amio's), the way a
    /// user's receiver meets it. The default refuses: the API has none.
    fn check_webhook_case<'a>(
        &'a self,
        suite: &'a Suite,
        case: &'a WebhookCase,
    ) -> BoxFuture<'a, Result<Vec<Drift>, String>> {
        let _ = (suite, case);
        let api = self.api().name();
        Box::pin(async move { Err(format!("api `{api}` takes no `webhook` cases")) })
    }

    /// The checks that are safe on a live endpoint.
    fn live<'a>(&'a self, suite: &'a Suite, options: &'a LiveOptions) -> BoxFuture<'a, Area>;
}
