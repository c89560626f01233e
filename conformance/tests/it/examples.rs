//! Every example in `spec/amio.yaml` deserializes into its generated type,
//! serializes back to the same JSON, and fits its schema.

use conformance::api::Api;
use conformance::shared::examples;

/// JSON examples printed in each seed document, counted by hand when the spec
/// was written (see the provenance section of `spec/README.md`).
const SEED_EXAMPLES: [(&str, usize); 3] = [("000", 55), ("001", 3), ("003", 4)];

#[test]
fn every_amio_example_round_trips_through_its_type() {
    let suite = crate::amio();
    let area = examples::round_trips(&suite);
    crate::assert_passes(&area);
    assert_eq!(area.checks.len(), suite.examples.len());
}

#[test]
fn every_amio_example_fits_its_schema() {
    let suite = crate::amio();
    let area = examples::fit_schemas(&suite);
    crate::assert_passes(&area);
    assert_eq!(area.checks.len(), suite.examples.len());
}

#[test]
fn the_examples_cover_every_json_example_of_the_seeds() {
    let examples = crate::amio().examples.clone();
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

#[test]
fn a_field_renamed_in_the_schema_but_not_in_its_example_fails_by_name() {
    // `Webhook.url` renamed to `endpoint` in the schema; the examples still say `url`.
    let suite = crate::changed(
        Api::Amio,
        "      required:\n      - id\n      - url\n",
        "      required:\n      - id\n      - endpoint\n",
    );
    let area = examples::fit_schemas(&suite);
    let failure = crate::failure(&area, "postman_get_channel_facebook_messenger (Channel)");
    assert!(failure.contains("at $.webhook"), "{failure}");
    assert!(failure.contains("endpoint"), "{failure}");
}
