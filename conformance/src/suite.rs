//! What every area of the suite starts from: an API's spec, read once.

use std::path::Path;

use serde_json::Value;

use crate::api::{Api, ApiUnderTest};
use crate::dispatch::Input;
use crate::schema::Schemas;
use crate::spec::{self, Example, Operation};

/// The token the suite's clients send to the mock: Amio's access token and
/// Webex Connect's service key. A fake: it opens nothing.
pub const TEST_TOKEN: &str = "conformance-fake-token-8c1f";

/// The JWT the Webex Connect checks send instead of the service key. A fake
/// (not even a JWT's three parts): it opens nothing.
pub const TEST_JWT: &str = "conformance-fake-jwt-5e07";

/// One API's spec, read and prepared for the checks.
#[derive(Debug)]
pub struct Suite {
    /// The API.
    pub api: Api,
    /// The spec's text, for what only the text keeps (key order).
    pub spec_text: String,
    /// The spec as JSON.
    pub spec: Value,
    /// The path of the spec's server URL (`/v1`), put before every operation path.
    pub base_path: String,
    /// Every operation, in spec order.
    pub operations: Vec<Operation>,
    /// Every example, in spec order.
    pub examples: Vec<Example>,
    /// The spec's schemas as JSON Schema.
    pub schemas: Schemas,
}

impl Suite {
    /// Reads the spec of `api` under the repository root `root`.
    pub fn load(root: &Path, api: Api) -> Result<Self, String> {
        let path = root.join(api.spec_path());
        let spec_text = std::fs::read_to_string(&path)
            .map_err(|e| format!("reading {}: {e}", path.display()))?;
        Self::from_text(api, spec_text)
    }

    /// Reads `spec_text` as the spec of `api` (to check a changed spec
    /// without writing it).
    pub fn from_text(api: Api, spec_text: String) -> Result<Self, String> {
        let spec: Value = serde_yaml::from_str(&spec_text)
            .map_err(|e| format!("parsing {}: {e}", api.spec_path()))?;
        let operations =
            spec::operations(&spec).map_err(|e| format!("{}: {e}", api.spec_path()))?;
        Ok(Self {
            api,
            base_path: spec::base_path(&spec),
            examples: spec::examples(&spec),
            schemas: Schemas::new(&spec),
            operations,
            spec_text,
            spec,
        })
    }

    /// The operation whose `operationId` is `id`.
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|o| o.id == id)
    }

    /// The operation with this `operationId`, or a message saying the spec
    /// has none.
    pub fn require_operation(&self, id: &str) -> Result<&Operation, String> {
        self.operation(id)
            .ok_or_else(|| format!("operation `{id}` is not in {}", self.api.spec_path()))
    }

    /// What the suite knows about checking its API.
    pub fn under_test(&self) -> &'static dyn ApiUnderTest {
        self.api.under_test()
    }

    /// The round trip of `value` through the type generated for the schema
    /// `schema` (see [`ApiUnderTest::round_trip`]).
    pub fn round_trip(&self, schema: &str, value: Value) -> Option<Result<Value, String>> {
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

    /// The callback payloads the spec documents (Amio's webhooks, Webex
    /// Connect's delivery notifications): every example of a callback
    /// request body, with the schema it illustrates.
    pub fn webhook_examples(&self) -> impl Iterator<Item = &Example> {
        self.examples
            .iter()
            .filter(|e| e.used_at.contains("/callbacks/"))
    }
}
