//! Reading a spec's examples: every named example, where it is used, and the
//! schema it illustrates.

use std::collections::BTreeMap;

use serde_json::Value;

/// The schema an example illustrates.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Shape {
    /// A named schema under `components/schemas`.
    Named(String),
    /// An array of a named schema.
    ArrayOf(String),
    /// A schema written inline; examples of it cannot be typed.
    Inline(String),
}

impl std::fmt::Display for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Named(name) => f.write_str(name),
            Self::ArrayOf(name) => write!(f, "[{name}]"),
            Self::Inline(at) => write!(f, "inline schema at {at}"),
        }
    }
}

/// One named example and what it illustrates.
#[derive(Clone, Debug)]
pub struct Example {
    /// Its name under `components/examples` (or its key where it is inline).
    pub name: String,
    /// Where it is first used, as a JSON pointer.
    pub used_at: String,
    /// The schema it illustrates.
    pub shape: Shape,
    /// The example's `description`: where in the docs it comes from.
    pub description: String,
    /// The example's value.
    pub value: Value,
}

/// Why a spec could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SpecError {
    /// The file could not be read.
    #[error("reading {path}: {source}")]
    Read {
        /// The path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The text is not YAML.
    #[error("parsing {path}: {message}")]
    Parse {
        /// The path.
        path: String,
        /// The parser's message.
        message: String,
    },
}

/// Loads a YAML spec as JSON.
pub fn load(path: &std::path::Path) -> Result<Value, SpecError> {
    let text = std::fs::read_to_string(path).map_err(|source| SpecError::Read {
        path: path.display().to_string(),
        source,
    })?;
    serde_yaml::from_str(&text).map_err(|e| SpecError::Parse {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

const SCHEMA_REF: &str = "#/components/schemas/";

/// Resolves a local `$ref` (`#/a/b`), once.
fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(pointer) if pointer.starts_with("#/") => spec.pointer(&pointer[1..]).unwrap_or(value),
        _ => value,
    }
}

fn shape_of(schema: &Value, at: &str) -> Shape {
    if let Some(name) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix(SCHEMA_REF))
    {
        return Shape::Named(name.to_owned());
    }
    let items = schema
        .get("items")
        .and_then(|i| i.get("$ref"))
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix(SCHEMA_REF));
    if let (Some("array"), Some(name)) = (schema.get("type").and_then(Value::as_str), items) {
        return Shape::ArrayOf(name.to_owned());
    }
    Shape::Inline(at.to_owned())
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Every example of the spec, each once (keyed by name and shape), in the
/// order first met: media types under `paths` (requests, responses and
/// callbacks), then `x-examples` of named schemas.
pub fn examples(spec: &Value) -> Vec<Example> {
    let mut found = BTreeMap::<(String, Shape), Example>::new();
    let mut order = Vec::new();
    let mut add = |example: Example| {
        let key = (example.name.clone(), example.shape.clone());
        if let std::collections::btree_map::Entry::Vacant(slot) = found.entry(key.clone()) {
            order.push(key);
            slot.insert(example);
        }
    };
    walk_media(
        spec,
        spec.get("paths").unwrap_or(&Value::Null),
        "#/paths",
        &mut add,
    );
    if let Some(schemas) = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            let Some(examples) = schema.get("x-examples").and_then(Value::as_object) else {
                continue;
            };
            for (key, example) in examples {
                let at = format!(
                    "#/components/schemas/{}/x-examples/{}",
                    escape(name),
                    escape(key)
                );
                add(named_example(
                    spec,
                    key,
                    example,
                    Shape::Named(name.clone()),
                    at,
                ));
            }
        }
    }
    order
        .into_iter()
        .filter_map(|key| found.remove(&key))
        .collect()
}

fn named_example(
    spec: &Value,
    key: &str,
    example: &Value,
    shape: Shape,
    used_at: String,
) -> Example {
    let name = example
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/examples/"))
        .unwrap_or(key)
        .to_owned();
    let example = resolve(spec, example);
    Example {
        name,
        used_at,
        shape,
        description: example
            .get("description")
            .or_else(|| example.get("summary"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        value: example.get("value").cloned().unwrap_or(Value::Null),
    }
}

/// Walks everything under `value`, following `$ref`s to responses and
/// request bodies, and reports every `examples` entry of every media type.
fn walk_media(spec: &Value, value: &Value, at: &str, add: &mut impl FnMut(Example)) {
    let value = resolve(spec, value);
    let Some(object) = value.as_object() else {
        if let Some(items) = value.as_array() {
            for (i, item) in items.iter().enumerate() {
                walk_media(spec, item, &format!("{at}/{i}"), add);
            }
        }
        return;
    };
    if let (Some(schema), Some(examples)) = (
        object.get("schema"),
        object.get("examples").and_then(Value::as_object),
    ) {
        let shape = shape_of(schema, &format!("{at}/schema"));
        for (key, example) in examples {
            let used_at = format!("{at}/examples/{}", escape(key));
            add(named_example(spec, key, example, shape.clone(), used_at));
        }
    }
    for (key, child) in object {
        if matches!(
            key.as_str(),
            "schema" | "examples" | "example" | "parameters" | "headers"
        ) {
            continue;
        }
        walk_media(spec, child, &format!("{at}/{}", escape(key)), add);
    }
}

/// The outcome of checking one example against the generated types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// It deserialized and serialized back to the same JSON.
    RoundTrips,
    /// It failed; the message names the JSON path.
    Fails(String),
}

/// Deserializes an example into its generated type and back, comparing the
/// result with the original. `round_trip` is a registry's function.
pub fn check_example(
    example: &Example,
    round_trip: impl Fn(&str, Value) -> Option<Result<Value, String>>,
) -> Verdict {
    let one = |schema: &str, value: &Value| -> Result<(), String> {
        let back = round_trip(schema, value.clone())
            .ok_or_else(|| format!("no generated type for schema {schema}"))??;
        match crate::compare::first_difference(value, &back) {
            None => Ok(()),
            Some(difference) => Err(format!("round trip changed it: {difference}")),
        }
    };
    let result = match &example.shape {
        Shape::Named(schema) => one(schema, &example.value),
        Shape::ArrayOf(schema) => match example.value.as_array() {
            Some(items) => items
                .iter()
                .enumerate()
                .try_for_each(|(i, item)| one(schema, item).map_err(|e| format!("[{i}] {e}"))),
            None => Err("expected an array".to_owned()),
        },
        Shape::Inline(at) => Err(format!(
            "its schema is inline ({at}); give the schema a name"
        )),
    };
    match result {
        Ok(()) => Verdict::RoundTrips,
        Err(message) => Verdict::Fails(message),
    }
}
