//! Authentication: bearer header by default, the `access_token` query
//! parameter when configured, a clear error without a token, and a token
//! that never shows in `Debug` output.

use conformance::amio::auth;

#[tokio::test]
async fn the_token_goes_where_configured_and_nowhere_else() {
    let area = auth::check(&crate::amio()).await;
    crate::assert_passes(&area);
    let names: Vec<&str> = area.checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "the token goes in the Authorization header by default",
            "AuthLocation::Query sends the token as the access_token parameter only",
            "a missing or blank token is BuildError::MissingToken",
            "the token is not in the Debug output of the client or its builder",
            "the token is not in the Debug or Display output of errors",
        ]
    );
}
