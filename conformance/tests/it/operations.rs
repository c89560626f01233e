//! Operations × statuses against the mock: every documented response of
//! every operation gives the typed value or the typed API error, and every
//! request the client sends matches the spec. Each request is snapshotted.

use std::collections::BTreeSet;

use conformance::amio::operations;
use conformance::api::Api;

#[tokio::test]
async fn every_operation_and_documented_status_goes_through_the_client() {
    let suite = crate::amio();
    let run = operations::check(&suite).await;
    crate::assert_passes(&run.area);

    // The checks cover every operation × documented status of the spec.
    let names: BTreeSet<&str> = run.area.checks.iter().map(|c| c.name.as_str()).collect();
    for operation in &suite.operations {
        for response in &operation.responses {
            let prefix = format!("{} {} ", operation.id, response.status);
            assert!(
                names.iter().any(|n| n.starts_with(&prefix)),
                "no check for {} {}",
                operation.id,
                response.status
            );
            for example in &response.examples {
                assert!(names.contains(format!("{prefix}{}", example.name).as_str()));
            }
        }
    }
    let statuses: usize = suite.operations.iter().map(|o| o.responses.len()).sum();
    assert_eq!(suite.operations.len(), 13);
    assert!(statuses >= 13 * 9, "{statuses} documented statuses");

    // One readable snapshot of each request the client sent, and no other.
    crate::snapshot_requests("requests", &run.requests, |name, request| {
        insta::assert_yaml_snapshot!(name.to_owned(), request);
    });
}

#[tokio::test]
async fn an_operation_without_a_dispatch_entry_fails_by_name() {
    let suite = crate::changed(
        Api::Amio,
        "operationId: get_settings",
        "operationId: get_channel_settings",
    );
    let area = operations::check(&suite).await.area;
    let failure = crate::failure(&area, "get_channel_settings request");
    assert!(
        failure.contains(
            "`get_channel_settings` is in the spec but has no entry in the dispatch table"
        ),
        "{failure}"
    );
    let stale = crate::failure(&area, "dispatch entry get_settings");
    assert!(
        stale.contains("not an operation of spec/amio.yaml"),
        "{stale}"
    );
}

#[tokio::test]
async fn a_path_the_client_does_not_use_fails_by_name() {
    let suite = crate::changed(
        Api::Amio,
        "  /channels/{channel_id}/settings:",
        "  /channels/{channel_id}/preferences:",
    );
    let area = operations::check(&suite).await.area;
    let failure = crate::failure(&area, "get_settings request");
    assert!(
        failure.contains("the client sent GET /v1/channels/6456078759331238786/settings; the spec says GET /channels/{channel_id}/preferences"),
        "{failure}"
    );
    assert!(crate::failure(&area, "update_settings request patch_set_property").contains("PATCH"));
}

#[tokio::test]
async fn a_documented_header_without_an_example_fails() {
    let suite = crate::changed(Api::Amio, "      example: 42\n", "");
    let area = operations::check(&suite).await.area;
    let failure = crate::failure(&area, "list_channels request");
    assert!(
        failure.contains("documented header `x-total-count` has no example"),
        "{failure}"
    );
}
