//! The conformance suite, one binary: each module is one area. The checks
//! themselves live in the `conformance` library, shared with the
//! `cargo xtask conformance` runner; these tests run them, snapshot what the
//! client sends, and prove that broken bindings or bad cases fail by name.

mod auth;
mod cases;
mod examples;
mod fuzz;
mod live;
mod operations;
mod properties;
mod runner;
mod signature;
mod webex_connect;

use conformance::api::Api;
use conformance::mock::RecordedRequest;
use conformance::shared::report::Area;
use conformance::suite::Suite;

/// The repository root, found at run time from the crate's folder (cargo
/// sets `CARGO_MANIFEST_DIR` for the tests it runs) as the runner finds it.
pub fn root() -> std::path::PathBuf {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo test");
    conformance::runner::find_root(std::path::Path::new(&manifest))
        .expect("the conformance crate sits in the repository")
}

/// The Amio suite, read from `spec/amio.yaml`.
pub fn amio() -> Suite {
    Suite::load(&root(), Api::Amio).expect("spec/amio.yaml loads")
}

/// The Webex Connect suite, read from `spec/webex-connect.yaml`.
pub fn webex() -> Suite {
    Suite::load(&root(), Api::WebexConnect).expect("spec/webex-connect.yaml loads")
}

/// The suite of every API, as the runner loads them.
pub fn suites() -> Vec<Suite> {
    Api::ALL
        .iter()
        .map(|api| Suite::load(&root(), *api).expect("the spec loads"))
        .collect()
}

/// The suite of `api` read from its spec with `from` replaced by `to`
/// (exactly once): a spec that no longer matches the bindings.
pub fn changed(api: Api, from: &str, to: &str) -> Suite {
    let text = std::fs::read_to_string(root().join(api.spec_path())).expect("the spec reads");
    assert_eq!(
        text.matches(from).count(),
        1,
        "`{from}` is in {} once",
        api.spec_path()
    );
    Suite::from_text(api, text.replacen(from, to, 1)).expect("the changed spec loads")
}

/// Snapshots every request of `requests` under `snapshots/<folder>` (each
/// named `<operationId>__<example>`, or `<operationId>` when the operation
/// has no request example) by calling `assert`, which holds the insta macro
/// so that the snapshots name the test file that checks them; then fails on
/// a snapshot in that folder that no request matches any more.
pub fn snapshot_requests(
    folder: &str,
    requests: &[(String, Option<String>, RecordedRequest)],
    assert: impl Fn(&str, &RecordedRequest),
) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(format!("snapshots/{folder}"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let mut names = std::collections::BTreeSet::new();
    settings.bind(|| {
        for (operation, example, request) in requests {
            let name = match example {
                Some(example) => format!("{operation}__{example}"),
                None => operation.clone(),
            };
            assert(&name, request);
            names.insert(format!("{name}.snap"));
        }
    });
    let path = root().join("conformance/tests/it/snapshots").join(folder);
    let stale: Vec<String> = std::fs::read_dir(&path)
        .expect("the snapshot folder")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|file| file.ends_with(".snap") && !names.contains(file))
        .collect();
    assert!(
        stale.is_empty(),
        "snapshots of requests the suite no longer sends (delete them): {stale:?}"
    );
}

/// Fails with every failed check of `area`, by name, and on any drift.
pub fn assert_passes(area: &Area) {
    let failures: Vec<String> = area
        .failures()
        .map(|c| format!("{}: {}", c.name, c.failure().unwrap_or_default()))
        .collect();
    println!(
        "{}: {} checks ({})",
        area.name,
        area.checks.len(),
        area.coverage
    );
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        area.name,
        failures.join("\n")
    );
    assert!(!area.checks.is_empty(), "{} ran no check", area.name);
    let drift: Vec<String> = area
        .drifted()
        .flat_map(|c| c.drift().iter().map(|d| format!("{}: {d}", c.name)))
        .collect();
    assert!(
        drift.is_empty(),
        "{} found drift:\n{}",
        area.name,
        drift.join("\n")
    );
}

/// The failure of the check named `name` in `area`.
pub fn failure<'a>(area: &'a Area, name: &str) -> &'a str {
    area.checks
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("{} has no check `{name}`", area.name))
        .failure()
        .unwrap_or_else(|| panic!("`{name}` did not fail"))
}

/// Runs the seeded round-trip property for every model, failing with each
/// model that does not hold. `source_file` (the caller's `file!()`) places its
/// regressions in `proptest-regressions/`.
pub fn assert_models_round_trip(suite: &Suite, models: &[String], source_file: &'static str) {
    use conformance::shared::properties;
    use proptest::test_runner::FileFailurePersistence;

    let mut failures = Vec::new();
    for model in models {
        let mut config = properties::config(properties::CASES * 2);
        config.source_file = Some(source_file);
        config.failure_persistence = Some(Box::new(FileFailurePersistence::SourceParallel(
            "proptest-regressions",
        )));
        if let Err(message) = properties::run(suite, model, config) {
            failures.push(format!("{model}: {message}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
