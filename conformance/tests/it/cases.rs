//! External cases: the samples shipped in `conformance/cases` pass; each
//! deliberately bad one in `conformance/cases/bad` fails, naming its file.

use std::path::PathBuf;

use conformance::cases;
use conformance::suite::Api;

fn dir(relative: &str) -> PathBuf {
    crate::root().join(relative)
}

#[tokio::test]
async fn the_sample_cases_pass() {
    let suites = crate::suites();
    let area = cases::check(&suites, &[dir("conformance/cases")]).await;
    crate::assert_passes(&area);
    let files = cases::files(&dir("conformance/cases")).unwrap();
    assert_eq!(area.checks.len(), files.len());
    // All three kinds are among them, and Webex Connect's two.
    for kind in [
        "webhook_",
        "response_",
        "request_",
        "response_webex_connect_",
        "request_webex_connect_",
    ] {
        assert!(
            area.checks
                .iter()
                .any(|c| c.name.contains(&format!("cases/{kind}")))
        );
    }
}

#[tokio::test]
async fn every_bad_case_fails_and_names_its_file() {
    let suites = crate::suites();
    let bad = dir("conformance/cases/bad");
    let area = cases::check(&suites, std::slice::from_ref(&bad)).await;
    let files = cases::files(&bad).unwrap();
    assert_eq!(area.checks.len(), files.len());
    assert_eq!(area.failed(), files.len(), "every bad case fails");
    for file in &files {
        let name = file.file_name().unwrap().to_str().unwrap();
        assert!(
            area.checks
                .iter()
                .any(|c| c.name.ends_with(&format!("cases/bad/{name}"))),
            "{name} is not named"
        );
    }
    let expected = [
        (
            "webhook_tampered_body_marked_valid.json",
            "the case says valid, but verification fails",
        ),
        (
            "webhook_wrong_event.json",
            "the case expects `messages_read`; it parses as `messages_delivered`",
        ),
        (
            "response_id_is_a_number.json",
            "does not fit Channel: at $.id:",
        ),
        (
            "response_undocumented_status.json",
            "status 418 is not documented for get_channel",
        ),
        (
            "request_misspelt_field.json",
            "at $: missing field `contact`",
        ),
        ("not_a_case.json", "not a valid case: unknown kind `reply`"),
        ("unknown_api.json", "not a valid case: unknown api `twilio`"),
        (
            "response_webex_connect_code_is_a_number.json",
            "does not fit SendMessageResponse: at $.response",
        ),
        (
            "request_webex_connect_misspelt_field.json",
            "at $: missing field `deliverychannel`",
        ),
        (
            "webhook_webex_connect.json",
            "not a valid case: `webhook` cases are for api `amio` only",
        ),
    ];
    assert_eq!(expected.len(), files.len(), "a bad case without its reason");
    for (file, message) in expected {
        let check = area
            .checks
            .iter()
            .find(|c| c.name.ends_with(file))
            .unwrap_or_else(|| panic!("no check for {file}"));
        let failure = check.failure.as_deref().unwrap_or_default();
        assert!(failure.contains(message), "{file}: {failure}");
    }
}

#[tokio::test]
async fn a_response_case_reads_its_headers_through_the_typed_accessors() {
    let suites = [crate::amio()];
    let text = r#"{"kind":"response","operation":"list_channels","status":200,
        "headers":{"x-total-count":"7","X-RateLimit-Remaining":"5"},"body":[]}"#;
    let case = cases::parse(text).unwrap();
    assert_eq!(cases::check_case(&suites[0], &case.kind).await, Ok(()));
    // An error status with a body that is not the error format fails.
    let text =
        r#"{"kind":"response","operation":"get_channel","status":404,"body":{"error":"gone"}}"#;
    let case = cases::parse(text).unwrap();
    let failure = cases::check_case(&suites[0], &case.kind).await.unwrap_err();
    assert!(failure.contains("does not fit ErrorResponse"), "{failure}");
}

#[tokio::test]
async fn a_missing_folder_is_a_failure_not_a_silent_pass() {
    let suites = [crate::amio()];
    let area = cases::check(&suites, &[dir("conformance/cases/no-such-folder")]).await;
    assert_eq!(area.failed(), 1);
}

#[tokio::test]
async fn a_webex_connect_response_case_must_give_what_its_codes_mean() {
    let suites = crate::suites();
    let webex = suites.iter().find(|s| s.api == Api::WebexConnect).unwrap();
    // A refusal of one destination among two: Error::DestinationsRejected.
    let text = r#"{"api":"webex-connect","kind":"response","operation":"send_message","status":200,
        "body":{"response":[{"code":"1001","transid":"t1","description":"Queued"},
                            {"code":"7004","transid":"t2","description":"Invalid parameters"}]}}"#;
    let case = cases::parse(text).unwrap();
    assert_eq!(case.api, Api::WebexConnect);
    assert_eq!(cases::check_case(webex, &case.kind).await, Ok(()));
    // A status the API never sends is not documented.
    let text = r#"{"api":"webex-connect","kind":"response","operation":"send_message","status":500,
        "body":{"response":{"code":"7006","transid":"t","description":"Internal error occurred"}}}"#;
    let case = cases::parse(text).unwrap();
    let failure = cases::check_case(webex, &case.kind).await.unwrap_err();
    assert_eq!(failure, "status 500 is not documented for send_message");
    // An operation of the other API is not one of this one.
    let text =
        r#"{"api":"webex-connect","kind":"request","operation":"update_settings","body":{}}"#;
    let case = cases::parse(text).unwrap();
    let failure = cases::check_case(webex, &case.kind).await.unwrap_err();
    assert!(
        failure.contains("not in spec/webex-connect.yaml"),
        "{failure}"
    );
}
