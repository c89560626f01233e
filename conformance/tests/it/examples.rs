//! Every example in `spec/amio.yaml` deserializes into its generated type and
//! serializes back to the same JSON.

use conformance::registry::amio;
use conformance::spec::{self, Verdict};

/// JSON examples printed in each seed document, counted by hand when the spec
/// was written (see the provenance section of `spec/README.md`).
const SEED_EXAMPLES: [(&str, usize); 3] = [("000", 55), ("001", 3), ("003", 4)];

#[test]
fn every_amio_example_round_trips_through_its_type() {
    let spec = spec::load(&crate::root().join("spec/amio.yaml")).expect("spec loads");
    let examples = spec::examples(&spec);
    let mut failures = Vec::new();
    for example in &examples {
        if let Verdict::Fails(message) = spec::check_example(example, amio::round_trip) {
            failures.push(format!("{} ({}): {message}", example.name, example.shape));
        }
    }
    println!(
        "checked {} examples of spec/amio.yaml: {} round-trip, {} fail",
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
fn the_examples_cover_every_json_example_of_the_seeds() {
    let spec = spec::load(&crate::root().join("spec/amio.yaml")).expect("spec loads");
    let examples = spec::examples(&spec);
    for (seed, printed) in SEED_EXAMPLES {
        let marker = format!("Seed {seed}");
        let in_spec = examples
            .iter()
            .filter(|e| e.description.starts_with(&marker))
            .count();
        println!("seed {seed}: {printed} JSON examples printed, {in_spec} in the spec");
        assert!(
            in_spec >= printed,
            "seed {seed} prints {printed} JSON examples; the spec has {in_spec} citing it"
        );
    }
}
