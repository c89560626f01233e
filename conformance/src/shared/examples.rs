//! Every example of the spec, checked two ways: it round-trips through its
//! generated type, and it fits its schema. [`round_trip`] is also how a
//! request case and a generated value are read.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::dispatch::RoundTripError;
use crate::shared::compare::{Direction, Drift, judge};
use crate::shared::report::Area;
use crate::spec::{Example, Shape};
use crate::suite::Suite;

/// The round-trip area's name in the report.
pub const ROUND_TRIP: &str = "examples: round trip";
/// The schema area's name in the report.
pub const SCHEMA: &str = "examples: schema";

/// Why the generated type of a shape gave no reading.
#[derive(Debug, thiserror::Error)]
enum Unread {
    /// The spec's schema has no generated type.
    #[error("no generated type for schema {0}")]
    NoType(String),
    /// The type does not read the value.
    #[error("the generated type does not read it: {0}")]
    Unreadable(RoundTripError),
}

/// Where and why the type generated for `shape` does not read `value` (the
/// JSON path and the error); `None` when it reads it, or has no type to try.
pub fn unreadable(suite: &Suite, shape: &Shape, value: &Value) -> Option<RoundTripError> {
    match shape {
        Shape::Named(schema) => suite.round_trip(schema, value.clone())?.err(),
        Shape::ArrayOf(schema) => value.as_array()?.iter().enumerate().find_map(|(i, item)| {
            let error = suite.round_trip(schema, item.clone())?.err()?;
            Some(error.in_item(i))
        }),
        Shape::Inline(_) => None,
    }
}

/// Deserializes `value` into the type generated for `shape` and back, and
/// judges the result ([`judge`]) in `direction`. A value the type cannot
/// read fails, naming the JSON path.
pub fn round_trip(
    suite: &Suite,
    shape: &Shape,
    direction: Direction,
    value: &Value,
) -> Result<Vec<Drift>, String> {
    let one = |schema: &str, value: &Value| -> Result<Value, Unread> {
        suite
            .round_trip(schema, value.clone())
            .ok_or_else(|| Unread::NoType(schema.to_owned()))?
            .map_err(Unread::Unreadable)
    };
    let read = match shape {
        Shape::Named(schema) => one(schema, value).map_err(|e| e.to_string())?,
        Shape::ArrayOf(schema) => match value.as_array() {
            Some(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    one(schema, item).map_err(|e| match e {
                        Unread::Unreadable(error) => Unread::Unreadable(error.in_item(i)),
                        other => other,
                    })
                })
                .collect::<Result<Vec<Value>, Unread>>()
                .map(Value::Array)
                .map_err(|e| e.to_string())?,
            None => return Err("expected an array".to_owned()),
        },
        Shape::Inline(at) => {
            return Err(format!(
                "its schema is inline ({at}); give the schema a name"
            ));
        }
    };
    judge(&suite.schemas, shape, direction, value, &read).map_err(|e| format!("round trip: {e}"))
}

/// Deserializes every example into its generated type and back; a
/// difference names the example and the JSON path. The spec's examples are
/// its own: anything in them it does not describe fails ([`Direction::Sent`]).
pub fn round_trips(suite: &Suite) -> Area {
    let mut area = Area::new(ROUND_TRIP);
    for example in &suite.examples {
        let outcome = round_trip(suite, &example.shape, Direction::Sent, &example.value);
        area.judged(format!("{} ({})", example.name, example.shape), outcome);
    }
    area.coverage = coverage(suite);
    area
}

/// Validates every example against its schema (as JSON Schema).
pub fn fit_schemas(suite: &Suite) -> Area {
    let mut area = Area::new(SCHEMA);
    for example in &suite.examples {
        let outcome = suite.schemas.validate(&example.shape, &example.value);
        area.record(format!("{} ({})", example.name, example.shape), outcome);
    }
    area.coverage = coverage(suite);
    area
}

/// How many examples cite each seed document: those whose description
/// starts with `Seed NNN`, by `NNN`.
pub fn per_seed(examples: &[Example]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for example in examples {
        let Some(rest) = example.description.strip_prefix("Seed ") else {
            continue;
        };
        let seed: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if !seed.is_empty() {
            *counts.entry(seed).or_default() += 1;
        }
    }
    counts
}

/// What the example areas cover: the examples by where the spec uses them,
/// and how many cite each seed.
fn coverage(suite: &Suite) -> String {
    let examples = &suite.examples;
    let count = |used: fn(&str) -> bool| examples.iter().filter(|e| used(&e.used_at)).count();
    let callbacks = count(|at| at.contains("/callbacks/"));
    let requests = count(|at| !at.contains("/callbacks/") && at.contains("/requestBody/"));
    let responses = count(|at| !at.contains("/callbacks/") && at.contains("/responses/"));
    let schemas = count(|at| at.contains("/x-examples/"));
    let seeds: Vec<String> = per_seed(examples)
        .into_iter()
        .map(|(seed, n)| format!("{n} cite seed {seed}"))
        .collect();
    let mut text = format!(
        "{} examples of {}: {requests} request bodies, {responses} responses, \
         {callbacks} callback bodies, {schemas} of schemas",
        examples.len(),
        suite.api.spec_path()
    );
    if !seeds.is_empty() {
        text.push_str("; ");
        text.push_str(&seeds.join(", "));
    }
    text
}
