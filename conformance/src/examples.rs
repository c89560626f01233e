//! Every example of the spec, checked two ways: it round-trips through its
//! generated type, and it fits its schema.

use crate::report::Area;
use crate::spec::{self, Verdict};
use crate::suite::Suite;

/// The round-trip area's name in the report.
pub const ROUND_TRIP: &str = "examples: round trip";
/// The schema area's name in the report.
pub const SCHEMA: &str = "examples: schema";

/// Deserializes every example into its generated type and back; a
/// difference names the example and the JSON path.
pub fn round_trips(suite: &Suite) -> Area {
    let mut area = Area::new(ROUND_TRIP);
    for example in &suite.examples {
        let outcome =
            match spec::check_example(example, |schema, value| suite.api.round_trip(schema, value))
            {
                Verdict::RoundTrips => Ok(()),
                Verdict::Fails(message) => Err(message),
            };
        area.record(format!("{} ({})", example.name, example.shape), outcome);
    }
    area.coverage = format!(
        "{} examples of {}",
        suite.examples.len(),
        suite.api.spec_path()
    );
    area
}

/// Validates every example against its schema (as JSON Schema).
pub fn fit_schemas(suite: &Suite) -> Area {
    let mut area = Area::new(SCHEMA);
    for example in &suite.examples {
        let outcome = suite.schemas.validate(&example.shape, &example.value);
        area.record(format!("{} ({})", example.name, example.shape), outcome);
    }
    area.coverage = format!(
        "{} examples of {}",
        suite.examples.len(),
        suite.api.spec_path()
    );
    area
}
