//! The conformance suite, one binary: each module is one area. The checks
//! themselves live in the `conformance` library, shared with the
//! `cargo xtask conformance` runner; these tests run them, snapshot what the
//! client sends, and prove that broken bindings or bad cases fail by name.

mod auth;
mod cases;
mod examples;
mod live;
mod operations;
mod properties;
mod runner;
mod signature;
mod webex_connect;

use conformance::report::Area;
use conformance::suite::{Api, Suite};

/// The repository root.
pub fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the conformance crate sits in the workspace")
        .to_path_buf()
}

/// The Amio suite, read from `spec/amio.yaml`.
pub fn amio() -> Suite {
    Suite::load(&root(), Api::Amio).expect("spec/amio.yaml loads")
}

/// The Amio suite read from `spec/amio.yaml` with `from` replaced by `to`
/// (exactly once): a spec that no longer matches the bindings.
pub fn amio_changed(from: &str, to: &str) -> Suite {
    let text = std::fs::read_to_string(root().join("spec/amio.yaml")).expect("the spec reads");
    assert_eq!(
        text.matches(from).count(),
        1,
        "`{from}` is in the spec once"
    );
    Suite::from_text(Api::Amio, text.replacen(from, to, 1)).expect("the changed spec loads")
}

/// Fails with every failed check of `area`, by name.
pub fn assert_passes(area: &Area) {
    let failures: Vec<String> = area
        .failures()
        .map(|c| format!("{}: {}", c.name, c.failure.as_deref().unwrap_or_default()))
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
}

/// The failure of the check named `name` in `area`.
pub fn failure<'a>(area: &'a Area, name: &str) -> &'a str {
    area.checks
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("{} has no check `{name}`", area.name))
        .failure
        .as_deref()
        .unwrap_or_else(|| panic!("`{name}` passed"))
}
