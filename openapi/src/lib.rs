//! Reading an OpenAPI 3.0 document as the simulator and the conformance
//! suite need it: [`spec`] finds its operations (parameters, bodies,
//! documented responses) and its examples with the schema each one
//! illustrates; [`schema`] validates JSON against its schemas, turned into
//! JSON Schema. [`Document`] is a spec read once, with both.

pub mod schema;
pub mod spec;

use serde_json::Value;

use crate::schema::Schemas;
use crate::spec::{Example, Operation};

/// One spec, read and prepared: its text, its JSON, its operations, examples
/// and schemas.
#[derive(Debug)]
pub struct Document {
    /// Where the spec comes from (`spec/amio.yaml`), for messages.
    pub path: &'static str,
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

impl Document {
    /// Reads `spec_text` as the spec found at `path`.
    pub fn from_text(path: &'static str, spec_text: String) -> Result<Self, String> {
        let spec: Value =
            serde_yaml::from_str(&spec_text).map_err(|e| format!("parsing {path}: {e}"))?;
        let operations = spec::operations(&spec).map_err(|e| format!("{path}: {e}"))?;
        Ok(Self {
            path,
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
            .ok_or_else(|| format!("operation `{id}` is not in {}", self.path))
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
