//! Every example of the spec, checked two ways: it round-trips through its
//! generated type, and it fits its schema.

use std::collections::BTreeMap;

use crate::report::Area;
use crate::spec::{self, Example, Verdict};
use crate::suite::Suite;

/// The round-trip area's name in the report (prefixed per API, see
/// [`Api::area_name`](crate::suite::Api::area_name)).
pub const ROUND_TRIP: &str = "examples: round trip";
/// The schema area's name in the report (prefixed per API).
pub const SCHEMA: &str = "examples: schema";

/// Deserializes every example into its generated type and back; a
/// difference names the example and the JSON path.
pub fn round_trips(suite: &Suite) -> Area {
    let mut area = Area::new(suite.api.area_name(ROUND_TRIP));
    for example in &suite.examples {
        let outcome =
            match spec::check_example(example, |schema, value| suite.api.round_trip(schema, value))
            {
                Verdict::RoundTrips => Ok(()),
                Verdict::Fails(message) => Err(message),
            };
        area.record(format!("{} ({})", example.name, example.shape), outcome);
    }
    area.coverage = coverage(suite);
    area
}

/// Validates every example against its schema (as JSON Schema).
pub fn fit_schemas(suite: &Suite) -> Area {
    let mut area = Area::new(suite.api.area_name(SCHEMA));
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
