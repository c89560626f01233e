//! What every area of the suite starts from: an API's spec, read once.

use std::path::Path;

use serde_json::Value;

use crate::dispatch::Input;
use crate::registry;
use crate::schema::Schemas;
use crate::spec::{self, Example, Operation};

/// The token the suite's clients send to the mock: Amio's access token and
/// Webex Connect's service key. A fake: it opens nothing.
pub const TEST_TOKEN: &str = "conformance-fake-token-8c1f";

/// The JWT the Webex Connect checks send instead of the service key. A fake
/// (not even a JWT's three parts): it opens nothing.
pub const TEST_JWT: &str = "conformance-fake-jwt-5e07";

/// An API whose bindings the suite checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Api {
    /// The Amio REST API and its webhooks (`spec/amio.yaml`, crate `amio`).
    Amio,
    /// The Webex Connect Messaging API v1 and its delivery notifications
    /// (`spec/webex-connect.yaml`, crate `webex-connect`).
    WebexConnect,
}

impl Api {
    /// Every API the suite checks, in the order the report shows them.
    pub const ALL: &[Api] = &[Api::Amio, Api::WebexConnect];

    /// The name a case file gives in its `api` field.
    pub fn name(self) -> &'static str {
        match self {
            Self::Amio => "amio",
            Self::WebexConnect => "webex-connect",
        }
    }

    /// The heading of its section of the report.
    pub fn title(self) -> &'static str {
        match self {
            Self::Amio => "Amio",
            Self::WebexConnect => "Webex Connect",
        }
    }

    /// The report's name for its area `area`, such as `examples: round
    /// trip`: Amio's areas keep the plain names they had before the suite
    /// checked a second API; every other API's start with its
    /// [`name`](Api::name) (`webex-connect examples: round trip`).
    pub fn area_name(self, area: &str) -> String {
        match self {
            Self::Amio => area.to_owned(),
            other => format!("{} {area}", other.name()),
        }
    }

    /// The API named `name`; an error names the ones supported.
    pub fn from_name(name: &str) -> Result<Self, String> {
        Self::ALL
            .iter()
            .copied()
            .find(|api| api.name() == name)
            .ok_or_else(|| {
                let known: Vec<&str> = Self::ALL.iter().map(|a| a.name()).collect();
                format!("unknown api `{name}`: expected one of {}", known.join(", "))
            })
    }

    /// Its spec, relative to the repository root.
    pub fn spec_path(self) -> &'static str {
        match self {
            Self::Amio => "spec/amio.yaml",
            Self::WebexConnect => "spec/webex-connect.yaml",
        }
    }

    /// The registry function of its generated types: a schema name and a
    /// JSON value in, the value's round trip through the Rust type out.
    pub fn round_trip(self, schema: &str, value: Value) -> Option<Result<Value, String>> {
        match self {
            Self::Amio => registry::amio::round_trip(schema, value),
            Self::WebexConnect => registry::webex_connect::round_trip(schema, value),
        }
    }
}

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

    /// An Amio client of the mock at `mock_uri` (the spec's base path
    /// appended), authenticating with [`TEST_TOKEN`] and never retrying.
    pub fn client(&self, mock_uri: &str) -> amio::Client {
        self.client_builder(mock_uri)
            .build()
            .expect("the test token and a 127.0.0.1 base URL are valid")
    }

    /// The builder [`Suite::client`] uses, for checks that change it.
    pub fn client_builder(&self, mock_uri: &str) -> amio::ClientBuilder {
        amio::Client::builder()
            .token(TEST_TOKEN)
            .base_url(format!("{mock_uri}{}", self.base_path))
            .retry(amio::RetryPolicy::none())
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
