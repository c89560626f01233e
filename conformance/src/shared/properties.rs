//! Property tests: JSON values generated from the spec's schemas
//! round-trip through the generated types unchanged and fit their schemas.
//!
//! The models checked are read from the spec (every named schema of a
//! request body, a response body or a webhook), and their values are
//! generated from the schemas themselves, so a new operation or field is
//! covered without new test code. Runs are seeded, so they are reproducible.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestError, TestRunner};
use serde_json::{Map, Value};

use crate::shared::compare::Direction;
use crate::shared::examples::round_trip;
use crate::shared::report::Area;
use crate::spec::Shape;
use crate::suite::Suite;

/// The area's name in the report.
pub const AREA: &str = "properties";

/// The seed of every run.
pub const SEED: u64 = 0x00a3_10c0_f0e5_2024;

/// Generated values per model in a run of the suite.
pub const CASES: u32 = 64;

/// How many `$ref`s deep generation goes before it writes only what is required.
const MAX_DEPTH: u32 = 4;

/// The request and response models of the spec: every named schema of a
/// request body, a response body or a webhook payload, each once, in spec order.
pub fn models(suite: &Suite) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut add = |shape: &Shape| {
        if let Shape::Named(name) | Shape::ArrayOf(name) = shape
            && !names.contains(name)
        {
            names.push(name.clone());
        }
    };
    for operation in &suite.operations {
        if let Some(request) = &operation.request {
            add(&request.shape);
        }
        for response in &operation.responses {
            if let Some(shape) = &response.shape {
                add(shape);
            }
        }
    }
    for example in suite.webhook_examples() {
        add(&example.shape);
    }
    names
}

/// A seeded configuration running `cases` cases, without persistence (the
/// tests add it).
pub fn config(cases: u32) -> Config {
    Config {
        cases,
        rng_seed: RngSeed::Fixed(SEED),
        failure_persistence: None,
        ..Config::default()
    }
}

/// A strategy for JSON values that fit the schema named `name` of `spec`.
pub fn strategy(spec: &Value, name: &str) -> BoxedStrategy<Value> {
    let schema = serde_json::json!({ "$ref": format!("#/components/schemas/{name}") });
    generate(spec, &schema, 0)
}

/// A strategy for JSON values that fit `shape` (a named schema, or an array
/// of one); `None` for an inline schema.
pub fn shape_strategy(spec: &Value, shape: &Shape) -> Option<BoxedStrategy<Value>> {
    match shape {
        Shape::Named(name) => Some(strategy(spec, name)),
        Shape::ArrayOf(name) => Some(
            proptest::collection::vec(strategy(spec, name), 0..=3)
                .prop_map(Value::Array)
                .boxed(),
        ),
        Shape::Inline(_) => None,
    }
}

/// The property for one value of the model `name`: it deserializes into the
/// generated type and serializes back unchanged (judged as sent: nothing the
/// spec does not describe), and it fits the schema.
pub fn holds(suite: &Suite, name: &str, value: &Value) -> Result<(), String> {
    let shape = Shape::Named(name.to_owned());
    round_trip(suite, &shape, Direction::Sent, value)?;
    suite.schemas.validate(&shape, value)
}

/// Checks the property for the model `name` with `config`. An error gives
/// the smallest failing value proptest found, and why it fails.
pub fn run(suite: &Suite, name: &str, config: Config) -> Result<(), String> {
    let mut runner = TestRunner::new(config);
    let strategy = strategy(&suite.spec, name);
    runner
        .run(&strategy, |value| {
            holds(suite, name, &value).map_err(TestCaseError::fail)
        })
        .map_err(|error| match error {
            TestError::Fail(reason, value) => format!("{reason}; smallest failing value: {value}"),
            TestError::Abort(reason) => format!("aborted: {reason}"),
        })
}

/// Runs the property for every model, [`CASES`] values each.
pub fn check(suite: &Suite) -> Area {
    let mut area = Area::new(AREA);
    let models = models(suite);
    for name in &models {
        area.record(
            format!("{name}: generated values round-trip and fit the schema"),
            run(suite, name, config(CASES)),
        );
    }
    area.coverage = format!(
        "{} request and response models, {CASES} seeded values each",
        models.len()
    );
    area
}

fn generate(spec: &Value, schema: &Value, depth: u32) -> BoxedStrategy<Value> {
    let Some(object) = schema.as_object() else {
        return leaf().boxed();
    };
    if object.get("nullable") == Some(&Value::Bool(true)) && depth >= MAX_DEPTH {
        return Just(Value::Null).boxed();
    }
    if object.get("nullable") == Some(&Value::Bool(true)) {
        let mut inner = object.clone();
        inner.remove("nullable");
        let inner = generate(spec, &Value::Object(inner), depth);
        return prop_oneof![1 => Just(Value::Null), 3 => inner].boxed();
    }
    if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
        let target = reference
            .strip_prefix('#')
            .and_then(|pointer| spec.pointer(pointer))
            .cloned()
            .unwrap_or(Value::Null);
        return generate(spec, &target, depth + 1);
    }
    if let Some(parts) = object.get("allOf").and_then(Value::as_array) {
        if let [only] = parts.as_slice() {
            return generate(spec, only, depth);
        }
        let parts: Vec<BoxedStrategy<Value>> =
            parts.iter().map(|p| generate(spec, p, depth)).collect();
        return parts
            .prop_map(|values| {
                let mut merged = Map::new();
                for value in values {
                    if let Value::Object(map) = value {
                        merged.extend(map);
                    }
                }
                Value::Object(merged)
            })
            .boxed();
    }
    if let Some(variants) = object
        .get("oneOf")
        .or_else(|| object.get("anyOf"))
        .and_then(Value::as_array)
    {
        let variants: Vec<BoxedStrategy<Value>> =
            variants.iter().map(|v| generate(spec, v, depth)).collect();
        return proptest::strategy::Union::new(variants).boxed();
    }
    if let Some(values) = object.get("enum").and_then(Value::as_array) {
        return proptest::sample::select(values.clone()).boxed();
    }
    let number = |key: &str| object.get(key).and_then(Value::as_f64);
    match object.get("type").and_then(Value::as_str) {
        Some("string") => match object.get("format").and_then(Value::as_str) {
            Some("date-time") => date_time().boxed(),
            _ => {
                let max = object
                    .get("maxLength")
                    .and_then(Value::as_u64)
                    .unwrap_or(12)
                    .min(12);
                proptest::string::string_regex(&format!("\\PC{{0,{max}}}"))
                    .map(|s| s.prop_map(Value::String).boxed())
                    .unwrap_or_else(|_| Just(Value::String(String::new())).boxed())
            }
        },
        Some("integer") => {
            let (low, high) = match object.get("format").and_then(Value::as_str) {
                Some("int32") => (f64::from(i32::MIN), f64::from(i32::MAX)),
                _ => (-1e15, 1e15),
            };
            let low = number("minimum").map_or(low, |m| m.max(low)) as i64;
            let high = number("maximum").map_or(high, |m| m.min(high)) as i64;
            (low..=high).prop_map(Value::from).boxed()
        }
        Some("number") => prop_oneof![
            (-1e9f64..1e9f64).prop_map(Value::from),
            any::<i32>().prop_map(|n| Value::from(f64::from(n))),
        ]
        .boxed(),
        Some("boolean") => any::<bool>().prop_map(Value::Bool).boxed(),
        Some("array") => {
            let items = object.get("items").cloned().unwrap_or(Value::Null);
            let min = object.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
            let max = object
                .get("maxItems")
                .and_then(Value::as_u64)
                .map_or(3, |m| m.min(3)) as usize;
            if depth >= MAX_DEPTH && min == 0 {
                return Just(Value::Array(Vec::new())).boxed();
            }
            proptest::collection::vec(generate(spec, &items, depth), min..=max.max(min))
                .prop_map(Value::Array)
                .boxed()
        }
        Some("object") | None if object.contains_key("properties") => {
            generate_object(spec, object, depth)
        }
        Some("object") => match object.get("additionalProperties") {
            Some(Value::Bool(false)) | None => Just(Value::Object(Map::new())).boxed(),
            Some(_) if depth >= MAX_DEPTH => Just(Value::Object(Map::new())).boxed(),
            Some(values) => {
                let values = match values {
                    Value::Object(_) => generate(spec, values, depth + 1),
                    _ => leaf().boxed(),
                };
                proptest::collection::btree_map("[a-z_]{1,8}", values, 0..=3)
                    .prop_map(|map| Value::Object(map.into_iter().collect()))
                    .boxed()
            }
        },
        _ => leaf().boxed(),
    }
}

/// An object: every required property, and each optional one or not.
fn generate_object(spec: &Value, object: &Map<String, Value>, depth: u32) -> BoxedStrategy<Value> {
    let required: Vec<&str> = object
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let properties: Vec<BoxedStrategy<Option<(String, Value)>>> = object
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(name, _)| depth < MAX_DEPTH || required.contains(&name.as_str()))
        .map(|(name, schema)| {
            let name = name.clone();
            let value = generate(spec, schema, depth);
            if required.contains(&name.as_str()) {
                value.prop_map(move |v| Some((name.clone(), v))).boxed()
            } else {
                proptest::option::of(value)
                    .prop_map(move |v| v.map(|v| (name.clone(), v)))
                    .boxed()
            }
        })
        .collect();
    properties
        .prop_map(|members| Value::Object(members.into_iter().flatten().collect()))
        .boxed()
}

/// Any JSON scalar.
fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(Value::from),
        "\\PC{0,8}".prop_map(Value::String),
    ]
}

/// An RFC 3339 UTC timestamp in the form the bindings write: seconds, or
/// milliseconds when there are any, and `Z`.
fn date_time() -> impl Strategy<Value = Value> {
    (
        1970u32..2100,
        1u32..=12,
        1u32..=28,
        0u32..24,
        0u32..60,
        0u32..60,
        proptest::option::of(1u32..1000),
    )
        .prop_map(|(y, mo, d, h, mi, s, millis)| {
            let fraction = millis.map(|m| format!(".{m:03}")).unwrap_or_default();
            Value::String(format!(
                "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{fraction}Z"
            ))
        })
}
