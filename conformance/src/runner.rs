//! Whole runs: every area against the in-process mock, or the safe subset
//! against a live endpoint; either gives a [`Report`].

use std::path::{Path, PathBuf};

use crate::live::LiveOptions;
use crate::report::{Area, Report};
use crate::suite::{Api, Suite};
use crate::{auth, cases, examples, live, operations, properties, signature, webex_connect};

/// The sample cases shipped with the suite, relative to the repository
/// root; an offline run always includes them.
pub const SAMPLE_CASES: &str = "conformance/cases";

fn load_all(root: &Path) -> Result<Vec<Suite>, String> {
    Api::ALL.iter().map(|api| Suite::load(root, *api)).collect()
}

/// The report's section of the case files, which may be about any API.
pub const CASES_SECTION: &str = "Case files";

/// The areas of one API against the in-process mock, in report order: the
/// examples, the API's own areas, the properties.
pub async fn areas(suite: &Suite) -> Vec<Area> {
    let mut areas = vec![examples::round_trips(suite), examples::fit_schemas(suite)];
    match suite.api {
        Api::Amio => {
            areas.push(operations::check(suite).await.area);
            areas.push(auth::check(suite).await);
            areas.push(signature::check(suite));
        }
        Api::WebexConnect => {
            areas.push(webex_connect::response_codes::check(suite).await);
            areas.push(webex_connect::requests::check(suite).await.area);
            areas.push(webex_connect::auth::check(suite).await);
            areas.push(webex_connect::notifications::check(suite));
        }
    }
    areas.push(properties::check(suite));
    for area in &mut areas {
        area.section = suite.api.title().to_owned();
    }
    areas
}

/// Runs every area of every API against the in-process mock built from the
/// specs' examples (a section per API: for Amio examples, operations ×
/// statuses, auth, signature, properties; for Webex Connect examples,
/// response codes, requests, auth, notifications, properties), then the cases of
/// [`SAMPLE_CASES`] and `case_dirs`.
pub async fn offline(root: &Path, case_dirs: &[PathBuf]) -> Result<Report, String> {
    let suites = load_all(root)?;
    let mut report = Report::default();
    for suite in &suites {
        report.areas.extend(areas(suite).await);
    }
    let mut dirs = vec![root.join(SAMPLE_CASES)];
    dirs.extend(case_dirs.iter().cloned());
    let mut cases = cases::check(&suites, &dirs).await;
    cases.section = CASES_SECTION.to_owned();
    report.areas.push(cases);
    Ok(report)
}

/// Runs the checks that are safe on the live Amio endpoint of `options`,
/// and the cases of `case_dirs` if any.
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
    let mut live = live::check(amio, options).await;
    live.section = amio.api.title().to_owned();
    report.areas.push(live);
    if !case_dirs.is_empty() {
        let mut cases = cases::check(&suites, case_dirs).await;
        cases.section = CASES_SECTION.to_owned();
        report.areas.push(cases);
    }
    Ok(report)
}
