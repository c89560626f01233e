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
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[lines.len() - 2..],
        [
            "0 drift".to_owned(),
            format!("{} passed, 0 failed", report.passed())
        ]
    );
    assert!(
        report.is_strict_success(),
        "the spec's own checks find no drift"
    );
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
                "fuzz: responses",
                "fuzz: callbacks",
            ][..],
        ),
        (
            "Webex Connect",
            &[
                "examples: round trip",
                "examples: schema",
                "response codes",
                "requests",
                "auth",
                "notifications",
                "properties",
                "fuzz: responses",
                "fuzz: callbacks",
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
                .area(section, name)
                .unwrap_or_else(|| panic!("no area `{name}`"));
            assert_eq!(area.section, section, "{name}");
            assert!(!area.checks.is_empty(), "{name} ran no check");
        }
    }
    assert_eq!(report.areas.len(), 18, "an area the test does not know");
    // Every example and every operation × documented status is counted.
    assert_eq!(
        report
            .area("Amio", "examples: round trip")
            .unwrap()
            .checks
            .len(),
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
        report.area("Amio", "operations").unwrap().checks.len(),
        responses + requests
    );

    // Webex Connect: every example, every response example and documented
    // code, every request example.
    let webex = crate::webex();
    assert_eq!(
        report
            .area("Webex Connect", "examples: round trip")
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
            .area("Webex Connect", "response codes")
            .unwrap()
            .checks
            .len(),
        responses + codes.len()
    );
    assert_eq!(
        report
            .area("Webex Connect", "requests")
            .unwrap()
            .checks
            .len(),
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
