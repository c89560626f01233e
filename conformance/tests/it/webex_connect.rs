//! Every example in `spec/webex-connect.yaml` deserializes into its generated
//! type and serializes back to the same JSON.

use conformance::registry::webex_connect;
use conformance::spec::{self, Verdict};

/// JSON examples printed in seed 002 ("Send Message v1"), counted by hand
/// when the spec was written (see the provenance section of `spec/README.md`).
const SEED_002_EXAMPLES: usize = 38;

const SPEC: &str = "spec/webex-connect.yaml";

#[test]
fn every_webex_connect_example_round_trips_through_its_type() {
    let spec = spec::load(&crate::root().join(SPEC)).expect("spec loads");
    let examples = spec::examples(&spec);
    let mut failures = Vec::new();
    for example in &examples {
        if let Verdict::Fails(message) = spec::check_example(example, webex_connect::round_trip) {
            failures.push(format!("{} ({}): {message}", example.name, example.shape));
        }
    }
    println!(
        "checked {} examples of {SPEC}: {} round-trip, {} fail",
        examples.len(),
        examples.len() - failures.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "examples that fail:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_examples_cover_every_json_example_of_seed_002() {
    let spec = spec::load(&crate::root().join(SPEC)).expect("spec loads");
    let in_spec = spec::examples(&spec)
        .iter()
        .filter(|e| e.description.starts_with("Seed 002"))
        .count();
    println!("seed 002: {SEED_002_EXAMPLES} JSON examples printed, {in_spec} in the spec");
    assert!(
        in_spec >= SEED_002_EXAMPLES,
        "seed 002 prints {SEED_002_EXAMPLES} JSON examples; the spec has {in_spec} citing it"
    );
}
