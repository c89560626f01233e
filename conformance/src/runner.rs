//! Whole runs: every area of every API against the in-process mock, or the
//! safe subset against a live endpoint; either gives a [`Report`]. And what
//! the runner checks before it runs: where the repository is, and that every
//! case folder holds case files.

use std::path::{Path, PathBuf};

use crate::api::Api;
use crate::shared::live::LiveOptions;
use crate::shared::report::{Area, Report};
use crate::shared::{cases, examples, fuzz, properties};
use crate::suite::Suite;

/// The sample cases shipped with the suite, relative to the repository
/// root; an offline run always includes them.
pub const SAMPLE_CASES: &str = "conformance/cases";

/// The report's section of the case files, which may be about any API.
pub const CASES_SECTION: &str = "Case files";

fn load_all(root: &Path) -> Result<Vec<Suite>, String> {
    Api::ALL.iter().map(|api| Suite::load(root, *api)).collect()
}

/// The repository root: `start` or the nearest folder above it that holds
/// the spec of every API. The runner starts from `--repo` or the working
/// directory, never from where it was built.
pub fn find_root(start: &Path) -> Result<PathBuf, String> {
    let holds_specs = |dir: &Path| {
        Api::ALL
            .iter()
            .all(|api| dir.join(api.spec_path()).is_file())
    };
    start
        .ancestors()
        .find(|dir| holds_specs(dir))
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            let specs: Vec<&str> = Api::ALL.iter().map(|a| a.spec_path()).collect();
            format!(
                "{} is not in a checkout of the repository: no folder from it up holds {}; \
                 run from the repository or give --repo DIR",
                start.display(),
                specs.join(" and ")
            )
        })
}

/// Checks that every folder of `dirs` exists and holds case files, before
/// anything runs: an error names the first that does not.
pub fn check_case_dirs(dirs: &[PathBuf]) -> Result<(), String> {
    dirs.iter().try_for_each(|dir| {
        cases::files(dir)
            .map(drop)
            .map_err(|e| format!("--cases: {e}"))
    })
}

/// The areas of one API against the in-process mock, in report order: the
/// examples, the API's own areas, the properties, the fuzzing.
pub async fn areas(suite: &Suite) -> Vec<Area> {
    let mut areas = vec![examples::round_trips(suite), examples::fit_schemas(suite)];
    areas.extend(suite.under_test().areas(suite).await);
    areas.push(properties::check(suite));
    areas.push(fuzz::responses(suite).await);
    areas.push(fuzz::callbacks(suite));
    for area in &mut areas {
        suite.api.title().clone_into(&mut area.section);
    }
    areas
}

/// Runs every area of every API against the in-process mock built from the
/// specs, a section per API, then the cases of [`SAMPLE_CASES`] and
/// `case_dirs`.
pub async fn offline(root: &Path, case_dirs: &[PathBuf]) -> Result<Report, String> {
    let suites = load_all(root)?;
    let mut report = Report::default();
    for suite in &suites {
        report.areas.extend(areas(suite).await);
    }
    let mut dirs = vec![root.join(SAMPLE_CASES)];
    dirs.extend(case_dirs.iter().cloned());
    let mut cases = cases::check(&suites, &dirs).await;
    CASES_SECTION.clone_into(&mut cases.section);
    report.areas.push(cases);
    Ok(report)
}

/// Runs the checks of `api` that are safe on the live endpoint of
/// `options`, and the cases of `case_dirs` if any.
pub async fn live(
    root: &Path,
    api: Api,
    options: &LiveOptions,
    case_dirs: &[PathBuf],
) -> Result<Report, String> {
    let suites = load_all(root)?;
    let suite = suites
        .iter()
        .find(|s| s.api == api)
        .ok_or_else(|| format!("the {} spec is not loaded", api.title()))?;
    let mut report = Report::default();
    let mut live = suite.under_test().live(suite, options).await;
    api.title().clone_into(&mut live.section);
    report.areas.push(live);
    if !case_dirs.is_empty() {
        let mut cases = cases::check(&suites, case_dirs).await;
        CASES_SECTION.clone_into(&mut cases.section);
        report.areas.push(cases);
    }
    Ok(report)
}
