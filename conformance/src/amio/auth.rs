//! Authentication (seed 000, "Authentication"): the bearer header by
//! default, the `access_token` query parameter when asked, a clear error
//! without a token, and a token that never shows in `Debug` output.

use ::amio::{AuthLocation, BuildError};

use super::{call, client_builder};
use crate::mock::{Canned, MockApi, RecordedRequest, canned};
use crate::shared::report::Area;
use crate::shared::{expect, unused_port};
use crate::spec::Operation;
use crate::suite::{Suite, TEST_TOKEN};

/// The area's name in the report.
pub const AREA: &str = "auth";

/// The operation the checks call: the first one without a request body.
fn probe(suite: &Suite) -> Result<&Operation, String> {
    suite
        .operations
        .iter()
        .find(|o| o.request.is_none() && o.success().is_some())
        .ok_or_else(|| "the spec has no operation without a request body".to_owned())
}

/// Calls `operation` once through `client` against a mock answering
/// `canned`; the request it sent and the `Debug` and `Display` text of the
/// error, if the call failed.
async fn call_once(
    suite: &Suite,
    operation: &Operation,
    location: AuthLocation,
    canned: &Canned,
) -> Result<(Option<RecordedRequest>, Option<String>), String> {
    let mock = MockApi::serving(canned).await;
    let client = client_builder(suite, &mock.uri())
        .auth_location(location)
        .build()
        .map_err(|e| e.to_string())?;
    let input = suite.input(operation, None)?;
    let outcome = call(&client, &operation.id, &input)
        .await
        .map_err(|e| e.to_string())?;
    let error = outcome.err().map(|e| format!("{e:?}\n{e}"));
    Ok((mock.requests().await.into_iter().next(), error))
}

/// Runs every authentication check.
pub async fn check(suite: &Suite) -> Area {
    let mut area = Area::new(AREA);
    let operation = match probe(suite) {
        Ok(operation) => operation,
        Err(message) => {
            area.record("auth", Err(message));
            return area;
        }
    };
    let success = operation
        .success()
        .and_then(|s| canned(s, s.examples.first().map(|e| &e.value)).ok());
    let Some(success) = success else {
        area.record(
            "auth",
            Err(format!("{} has no success to serve", operation.id)),
        );
        return area;
    };

    area.record(
        "the token goes in the Authorization header by default",
        bearer_by_default(suite, operation, &success).await,
    );
    area.record(
        "AuthLocation::Query sends the token as the access_token parameter only",
        query_parameter(suite, operation, &success).await,
    );
    area.record(
        "a missing or blank token is BuildError::MissingToken",
        missing_token(suite),
    );
    area.record(
        "the token is not in the Debug output of the client or its builder",
        debug_of_client(suite),
    );
    area.record(
        "the token is not in the Debug or Display output of errors",
        debug_of_errors(suite, operation).await,
    );
    area
}

async fn bearer_by_default(
    suite: &Suite,
    operation: &Operation,
    success: &Canned,
) -> Result<(), String> {
    let (request, _) = call_once(suite, operation, AuthLocation::Header, success).await?;
    let request = request.ok_or("no request reached the mock")?;
    let authorization = request.headers.get("authorization").cloned();
    expect(
        authorization.as_deref() == Some(format!("Bearer {TEST_TOKEN}").as_str()),
        || format!("Authorization header: {authorization:?}"),
    )?;
    expect(request.query_param("access_token").is_none(), || {
        "the token is also in the query".to_owned()
    })
}

async fn query_parameter(
    suite: &Suite,
    operation: &Operation,
    success: &Canned,
) -> Result<(), String> {
    let (request, _) = call_once(suite, operation, AuthLocation::Query, success).await?;
    let request = request.ok_or("no request reached the mock")?;
    expect(
        request.query_param("access_token") == Some(TEST_TOKEN),
        || format!("query: {:?}", request.query),
    )?;
    expect(!request.headers.contains_key("authorization"), || {
        "an Authorization header is sent as well".to_owned()
    })
}

fn missing_token(suite: &Suite) -> Result<(), String> {
    let base_url = format!("http://127.0.0.1:9{}", suite.base_path);
    let builders = [
        ("no token", ::amio::Client::builder()),
        ("an empty token", ::amio::Client::builder().token("")),
        ("a blank token", ::amio::Client::builder().token("  ")),
    ];
    for (what, builder) in builders {
        match builder.base_url(base_url.clone()).build() {
            Err(BuildError::MissingCredential { .. }) => {}
            Err(other) => return Err(format!("{what}: {other:?} instead of MissingCredential")),
            Ok(_) => return Err(format!("{what}: a client was built")),
        }
    }
    let message = amio::Client::builder()
        .build()
        .map_or_else(|error| error.to_string(), |_| String::new());
    expect(!message.contains("null"), || {
        format!("the error message mentions null: {message}")
    })
}

fn debug_of_client(suite: &Suite) -> Result<(), String> {
    for location in [AuthLocation::Header, AuthLocation::Query] {
        let builder = client_builder(suite, "http://127.0.0.1:9").auth_location(location);
        let builder_debug = format!("{builder:?}");
        expect(!builder_debug.contains(TEST_TOKEN), || {
            format!("{location:?}: the builder's Debug shows the token: {builder_debug}")
        })?;
        let client = builder.build().map_err(|e| e.to_string())?;
        let client_debug = format!("{client:?}");
        expect(!client_debug.contains(TEST_TOKEN), || {
            format!("{location:?}: the client's Debug shows the token: {client_debug}")
        })?;
    }
    Ok(())
}

/// Errors of three kinds, with the token in either place: a documented
/// error status, an undocumented status (the response, with its URL, is
/// kept), and a connection refused (the error keeps the URL).
async fn debug_of_errors(suite: &Suite, operation: &Operation) -> Result<(), String> {
    let documented = operation
        .responses
        .iter()
        .find(|r| !r.is_success())
        .ok_or("no documented error status")?;
    let documented = canned(documented, documented.examples.first().map(|e| &e.value))?;
    let undocumented = Canned {
        status: 418,
        headers: Vec::new(),
        body: Some(b"{}".to_vec()),
    };
    for location in [AuthLocation::Header, AuthLocation::Query] {
        for canned in [&documented, &undocumented] {
            let (_, error) = call_once(suite, operation, location, canned).await?;
            let error = error.ok_or_else(|| format!("status {} did not fail", canned.status))?;
            expect(!error.contains(TEST_TOKEN), || {
                format!(
                    "{location:?}, status {}: the error shows the token: {error}",
                    canned.status
                )
            })?;
        }
        let refused = refused_connection_error(suite, operation, location).await?;
        expect(!refused.contains(TEST_TOKEN), || {
            format!("{location:?}, connection refused: the error shows the token: {refused}")
        })?;
    }
    Ok(())
}

async fn refused_connection_error(
    suite: &Suite,
    operation: &Operation,
    location: AuthLocation,
) -> Result<String, String> {
    let port = unused_port()?;
    let client = client_builder(suite, &format!("http://127.0.0.1:{port}"))
        .auth_location(location)
        .build()
        .map_err(|e| e.to_string())?;
    let input = suite.input(operation, None)?;
    match call(&client, &operation.id, &input)
        .await
        .map_err(|e| e.to_string())?
    {
        Ok(_) => Err(format!("port {port}: the call succeeded")),
        Err(error) => Ok(format!("{error:?}\n{error}")),
    }
}
