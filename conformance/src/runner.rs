//! Whole runs: every area against the in-process mock, or the safe subset
//! against a live endpoint; either gives a [`Report`].

use std::path::{Path, PathBuf};

use crate::live::LiveOptions;
use crate::report::Report;
use crate::suite::{Api, Suite};
use crate::{auth, cases, examples, live, operations, properties, signature};

/// The sample cases shipped with the suite, relative to the repository
/// root; an offline run always includes them.
pub const SAMPLE_CASES: &str = "conformance/cases";

fn load_all(root: &Path) -> Result<Vec<Suite>, String> {
    Api::ALL.iter().map(|api| Suite::load(root, *api)).collect()
}

/// Runs every area against the in-process mock built from the spec's
/// examples: examples, operations × statuses, auth, signature, properties,
/// and the cases of [`SAMPLE_CASES`] and `case_dirs`.
pub async fn offline(root: &Path, case_dirs: &[PathBuf]) -> Result<Report, String> {
    let suites = load_all(root)?;
    let mut report = Report::default();
    for suite in &suites {
        report.areas.push(examples::round_trips(suite));
        report.areas.push(examples::fit_schemas(suite));
        report.areas.push(operations::check(suite).await.area);
        report.areas.push(auth::check(suite).await);
        report.areas.push(signature::check(suite));
        report.areas.push(properties::check(suite));
    }
    let mut dirs = vec![root.join(SAMPLE_CASES)];
    dirs.extend(case_dirs.iter().cloned());
    report.areas.push(cases::check(&suites, &dirs).await);
    Ok(report)
}

/// Runs the checks that are safe on the live endpoint of `options`, and the
/// cases of `case_dirs` if any.
pub async fn live(
    root: &Path,
    options: &LiveOptions,
    case_dirs: &[PathBuf],
) -> Result<Report, String> {
    let suites = load_all(root)?;
    let amio = suites
        .iter()
        .find(|s| s.api == Api::Amio)
        .ok_or("the Amio spec is not loaded")?;
    let mut report = Report::default();
    report.areas.push(live::check(amio, options).await);
    if !case_dirs.is_empty() {
        report.areas.push(cases::check(&suites, case_dirs).await);
    }
    Ok(report)
}
