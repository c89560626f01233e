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

/// The runner, run as `cargo xtask conformance` runs it, in `dir`.
fn runner(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_conformance"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the runner starts");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn bad_case_folders_and_a_missing_repository_exit_2_with_a_clear_line() {
    let root = crate::root();
    let scratch = std::env::temp_dir().join(format!("conformance-runner-{}", std::process::id()));
    let empty = scratch.join("empty");
    let no_cases = scratch.join("no-cases");
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::create_dir_all(&no_cases).unwrap();
    std::fs::write(no_cases.join("capture.txt"), "{}").unwrap();
    let missing = scratch.join("missing");
    for (dir, message) in [
        (&empty, "holds no case file (*.json, directly in it)"),
        (&no_cases, "holds no case file (*.json, directly in it)"),
        (&missing, "does not exist"),
    ] {
        let (code, stdout, stderr) = runner(&root, &["--cases", dir.to_str().unwrap()]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stdout.is_empty(), "nothing runs: {stdout}");
        let line = stderr.lines().next().unwrap_or_default();
        assert!(line.starts_with("error: --cases: case folder "), "{stderr}");
        assert!(line.ends_with(message), "{stderr}");
    }
    // Outside the repository, without --repo: the runner says where it looked.
    let (code, _, stderr) = runner(&scratch, &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("is not in a checkout of the repository"),
        "{stderr}"
    );
    assert!(stderr.contains("--repo DIR"), "{stderr}");
    // Credentials that do not go together.
    for args in [
        &["--token", "t"][..],
        &[
            "--api",
            "webex-connect",
            "--base-url",
            "http://127.0.0.1:9",
            "--token",
            "t",
        ],
        &["--api", "webex-connect", "--base-url", "http://127.0.0.1:9"],
        &["--base-url", "http://127.0.0.1:9", "--service-key", "k"],
        &["--api", "twilio", "--base-url", "http://127.0.0.1:9"],
    ] {
        let (code, _, stderr) = runner(&root, args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.starts_with("error: "), "{stderr}");
    }
    std::fs::remove_dir_all(&scratch).unwrap();
}

#[tokio::test]
async fn the_report_counts_drift_on_its_own_line_and_strict_fails_on_it() {
    let root = crate::root();
    let suite = crate::amio();
    let server = crate::live::stand_in(&suite, "production").await;
    let base_url = format!("{}{}", server.uri(), suite.base_path);
    let drift = root.join("conformance/cases/drift");
    let upper = std::env::temp_dir().join(format!("conformance-upper-{}", std::process::id()));
    std::fs::create_dir_all(&upper).unwrap();
    std::fs::copy(
        drift.join("webhook_unknown_event.json"),
        upper.join("WEBHOOK.JSON"),
    )
    .unwrap();
    // From a folder inside the repository, with its cases and one whose
    // extension is in capitals.
    let args = [
        "--base-url",
        &base_url,
        "--token",
        "fake-token-for-the-stand-in",
        "--cases",
        drift.to_str().unwrap(),
        "--cases",
        upper.to_str().unwrap(),
    ];
    let (code, stdout, stderr) = tokio::task::spawn_blocking({
        let (dir, args) = (root.join("spec"), args.map(str::to_owned));
        move || runner(&dir, &args.iter().map(String::as_str).collect::<Vec<_>>())
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "drift alone passes: {stdout}{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[lines.len() - 2], "6 drift", "{stdout}");
    assert!(
        lines[lines.len() - 1].ends_with(" passed, 0 failed"),
        "{stdout}"
    );
    assert!(stdout.contains("== Drift ==\n"), "{stdout}");
    assert!(stdout.contains("WEBHOOK.JSON"), "{stdout}");
    assert!(!stdout.contains("fake-token-for-the-stand-in"));
    let mut strict = args.to_vec();
    strict.push("--strict");
    let (code, stdout, _) = tokio::task::spawn_blocking({
        let (dir, args) = (
            root.clone(),
            strict.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>(),
        );
        move || runner(&dir, &args.iter().map(String::as_str).collect::<Vec<_>>())
    })
    .await
    .unwrap();
    assert_eq!(code, 1, "--strict fails on drift: {stdout}");
    std::fs::remove_dir_all(&upper).unwrap();
}
