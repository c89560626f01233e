//! The whole offline run, as `cargo xtask conformance` prints it.

use conformance::runner;
use conformance::webex_connect::{self, RESPONSE_CODE_TABLE};

#[tokio::test]
async fn the_offline_run_passes_and_ends_with_the_totals() {
    let suite = crate::amio();
    let report = runner::offline(&crate::root(), &[]).await.unwrap();
    let text = report.to_string();
    println!("{text}");
    assert!(report.is_success(), "{text}");
    let last = text.lines().last().unwrap();
    assert_eq!(last, format!("{} passed, 0 failed", report.passed()));
    let sections = [
        (
            "Amio",
            &[
                "examples: round trip",
                "examples: schema",
                "operations",
                "auth",
                "signature",
                "properties",
            ][..],
        ),
        (
            "Webex Connect",
            &[
                "webex-connect examples: round trip",
                "webex-connect examples: schema",
                "webex-connect response codes",
                "webex-connect requests",
                "webex-connect auth",
                "webex-connect notifications",
                "webex-connect properties",
            ][..],
        ),
        ("Case files", &["cases"][..]),
    ];
    for (section, areas) in sections {
        assert!(
            text.contains(&format!("== {section} ==\n")),
            "no section {section}"
        );
        for name in areas {
            let area = report
                .area(name)
                .unwrap_or_else(|| panic!("no area `{name}`"));
            assert_eq!(area.section, section, "{name}");
            assert!(!area.checks.is_empty(), "{name} ran no check");
        }
    }
    assert_eq!(report.areas.len(), 14, "an area the test does not know");
    // Every example and every operation × documented status is counted.
    assert_eq!(
        report.area("examples: round trip").unwrap().checks.len(),
        suite.examples.len()
    );
    let responses: usize = suite
        .operations
        .iter()
        .flat_map(|o| &o.responses)
        .map(|r| r.examples.len().max(1))
        .sum();
    let requests: usize = suite
        .operations
        .iter()
        .map(|o| o.request.as_ref().map_or(1, |r| r.examples.len()))
        .sum();
    assert_eq!(
        report.area("operations").unwrap().checks.len(),
        responses + requests
    );

    // Webex Connect: every example, every response example and documented
    // code, every request example.
    let webex = crate::webex();
    assert_eq!(
        report
            .area("webex-connect examples: round trip")
            .unwrap()
            .checks
            .len(),
        webex.examples.len()
    );
    let codes = webex_connect::documented_codes(&webex, RESPONSE_CODE_TABLE).unwrap();
    let operation = webex.operation("send_message").unwrap();
    let responses: usize = operation.responses.iter().map(|r| r.examples.len()).sum();
    assert_eq!(
        report
            .area("webex-connect response codes")
            .unwrap()
            .checks
            .len(),
        responses + codes.len()
    );
    assert_eq!(
        report.area("webex-connect requests").unwrap().checks.len(),
        operation.request.as_ref().unwrap().examples.len()
    );
}

#[tokio::test]
async fn a_bad_case_makes_the_run_fail() {
    let bad = crate::root().join("conformance/cases/bad");
    let report = runner::offline(&crate::root(), &[bad]).await.unwrap();
    assert!(!report.is_success());
    let text = report.to_string();
    assert!(
        text.lines()
            .last()
            .unwrap()
            .ends_with(&format!("{} failed", report.failed()))
    );
    // Named by its path (relative to the working directory).
    assert!(
        text.contains("cases/bad/webhook_tampered_body_marked_valid.json: the case says valid")
    );
}
