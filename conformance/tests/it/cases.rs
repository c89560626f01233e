//! External cases: the samples shipped in `conformance/cases` pass; those of
//! `conformance/cases/drift` (captured traffic the spec does not describe
//! yet) pass with drift at the right JSON path; each deliberately bad one in
//! `conformance/cases/bad` fails, naming its file.

use std::path::PathBuf;

use conformance::api::Api;
use conformance::shared::cases;
use conformance::shared::compare::DriftKind;

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
            "the case says valid, but the receiver refuses it (401 Unauthorized)",
        ),
        (
            "webhook_wrong_event.json",
            "the case expects `messages_read`; it parses as `messages_delivered`",
        ),
        (
            "response_id_is_a_number.json",
            "the client cannot read the documented 200: at $: invalid type: integer `152775927128158`, expected a string (at `id`",
        ),
        (
            "response_list_channels_unknown_channel_type_name_is_a_number.json",
            "the client cannot read the documented 200: at $[0]: invalid type: integer `7`, expected a string (at `name`",
        ),
        (
            "response_get_contact_photo_url_null_missing_id.json",
            "the client cannot read the documented 200: at $: missing field `id`",
        ),
        (
            "webhook_unknown_content_type_bad_signature.json",
            "the case says valid, but the receiver refuses it (401 Unauthorized)",
        ),
        (
            "webhook_extra_data_field_missing_contact.json",
            "the body does not parse: the webhook body is not a valid event at `data`: missing field `contact`",
        ),
        (
            "webhook_extra_data_field_payload_is_a_number.json",
            "at `data.content.payload`: invalid type: integer `42`",
        ),
        (
            "response_undocumented_status.json",
            "status 418 is not documented for get_channel",
        ),
        (
            "request_misspelt_field.json",
            "the generated type does not read it: at $: missing field `contact`",
        ),
        ("not_a_case.json", "not a valid case: unknown kind `reply`"),
        ("unknown_api.json", "not a valid case: unknown api `twilio`"),
        (
            "response_webex_connect_code_is_a_number.json",
            "the client cannot read the documented 200: at $.response",
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
        let failure = check.failure().unwrap_or_default();
        assert!(failure.contains(message), "{file}: {failure}");
    }
}

#[tokio::test]
async fn a_response_case_reads_its_headers_through_the_typed_accessors() {
    let suites = [crate::amio()];
    let text = r#"{"kind":"response","operation":"list_channels","status":200,
        "headers":{"x-total-count":"7","X-RateLimit-Remaining":"5"},"body":[]}"#;
    let case = cases::parse(text).unwrap();
    assert_eq!(cases::check_case(&suites[0], &case.kind).await, Ok(vec![]));
    // An error status with a body that is not the error format fails.
    let text =
        r#"{"kind":"response","operation":"get_channel","status":404,"body":{"error":"gone"}}"#;
    let case = cases::parse(text).unwrap();
    let failure = cases::check_case(&suites[0], &case.kind).await.unwrap_err();
    assert!(
        failure.contains("the client cannot read the documented 404: at $: missing field `status`"),
        "{failure}"
    );
}

#[tokio::test]
async fn captured_traffic_the_bindings_read_is_drift_at_its_path() {
    let suites = crate::suites();
    let drift = dir("conformance/cases/drift");
    let area = cases::check(&suites, std::slice::from_ref(&drift)).await;
    assert_eq!(area.failed(), 0, "{area:#?}");
    assert_eq!(area.drift(), area.checks.len(), "every case is drift");
    let expected = [
        (
            "response_list_channels_unknown_channel_type.json",
            "$[1].type",
            DriftKind::UnknownTag,
            "add `instagram` to the discriminator mapping of #/components/schemas/Channel",
        ),
        (
            "webhook_unknown_content_type.json",
            "$.data.content.type",
            DriftKind::UnknownTag,
            "add `sticker` to the discriminator mapping of #/components/schemas/Content",
        ),
        (
            "webhook_extra_data_field.json",
            "$.data.conversation_id",
            DriftKind::UndocumentedProperty,
            "add `conversation_id` to the `properties` of #/components/schemas/MessageReceivedData",
        ),
        (
            "response_get_contact_photo_url_null.json",
            "$.photo_url",
            DriftKind::NullForAbsent,
            "add `nullable: true` to #/components/schemas/Contact/properties/photo_url",
        ),
        (
            "webhook_unknown_event.json",
            "$.event",
            DriftKind::UnknownTag,
            "add `conversation_assigned` to the discriminator mapping of #/components/schemas/WebhookEvent",
        ),
    ];
    assert_eq!(
        expected.len(),
        area.checks.len(),
        "a drift case without its drift"
    );
    for (file, path, kind, suggestion) in expected {
        let check = area
            .checks
            .iter()
            .find(|c| c.name.ends_with(file))
            .unwrap_or_else(|| panic!("no check for {file}"));
        let [drift] = check.drift() else {
            panic!("{file}: {:?}", check.verdict);
        };
        assert_eq!((drift.path.as_str(), drift.kind), (path, kind), "{file}");
        assert!(drift.suggestion.contains(suggestion), "{file}: {drift}");
    }
}

#[test]
fn a_case_folder_that_is_missing_empty_or_without_case_files_is_refused() {
    let scratch = std::env::temp_dir().join(format!("conformance-cases-{}", std::process::id()));
    let empty = scratch.join("empty");
    let other = scratch.join("other");
    let upper = scratch.join("upper");
    for folder in [&empty, &other, &upper] {
        std::fs::create_dir_all(folder).unwrap();
    }
    std::fs::write(other.join("notes.txt"), "not a case").unwrap();
    std::fs::create_dir_all(other.join("nested.json")).unwrap();
    std::fs::write(upper.join("CASE.JSON"), "{}").unwrap();
    let missing = scratch.join("missing");
    let error = cases::files(&missing).unwrap_err();
    assert!(error.ends_with("missing does not exist"), "{error}");
    for folder in [&empty, &other] {
        let error = cases::files(folder).unwrap_err();
        assert!(error.contains("holds no case file (*.json"), "{error}");
    }
    // Extensions are matched whatever their case.
    assert_eq!(cases::files(&upper).unwrap(), [upper.join("CASE.JSON")]);
    std::fs::remove_dir_all(&scratch).unwrap();
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
    assert_eq!(cases::check_case(webex, &case.kind).await, Ok(vec![]));
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
