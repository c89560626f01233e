//! Authentication: the service key in the `key` header, a JWT as
//! `Authorization: Bearer`, one or the other but never both, a clear error
//! without credentials, and credentials in no `Debug` or error text.

use ::webex_connect::{BuildError, ClientBuilder};

use super::{
    Expected, Outcome, SERVICE_KEY_HEADER, builder, call, describe, first_input, queued_answer,
};
use crate::dispatch::Input;
use crate::mock::{Canned, MockApi, RecordedRequest, canned};
use crate::shared::report::Area;
use crate::shared::{expect, unused_port};
use crate::spec::Operation;
use crate::suite::{Suite, TEST_JWT, TEST_TOKEN};

/// The area's name in the report (prefixed with the API's name).
pub const AREA: &str = "auth";

/// The two ways to authenticate.
#[derive(Clone, Copy, Debug)]
enum Credential {
    ServiceKey,
    Jwt,
}

impl Credential {
    const ALL: [Self; 2] = [Self::ServiceKey, Self::Jwt];

    fn secret(self) -> &'static str {
        match self {
            Self::ServiceKey => TEST_TOKEN,
            Self::Jwt => TEST_JWT,
        }
    }

    fn give(self, builder: ClientBuilder) -> ClientBuilder {
        match self {
            Self::ServiceKey => builder.service_key(TEST_TOKEN),
            Self::Jwt => builder.jwt(TEST_JWT),
        }
    }

    /// The header it must travel in, and its value there.
    fn header(self) -> (&'static str, String) {
        match self {
            Self::ServiceKey => (SERVICE_KEY_HEADER, TEST_TOKEN.to_owned()),
            Self::Jwt => ("authorization", format!("Bearer {TEST_JWT}")),
        }
    }

    /// The header of the other kind, which must be absent.
    fn other_header(self) -> &'static str {
        match self {
            Self::ServiceKey => "authorization",
            Self::Jwt => SERVICE_KEY_HEADER,
        }
    }
}

/// What the auth checks send: an operation, its input, and two answers of
/// the spec (a queued one and a refusal).
struct Probe<'a> {
    operation: &'a Operation,
    input: Input,
    queued: Canned,
    refused: Canned,
}

fn probe(suite: &Suite) -> Result<Probe<'_>, String> {
    let operation = suite
        .operations
        .first()
        .ok_or("the spec has no operation")?;
    let refused = operation
        .responses
        .iter()
        .find_map(|response| {
            let example = response
                .examples
                .iter()
                .find(|e| matches!(Expected::of(&e.value), Ok(Expected::Rejected(_))))?;
            Some(canned(response, Some(&example.value)))
        })
        .ok_or_else(|| format!("{} has no response example that refuses", operation.id))??;
    Ok(Probe {
        operation,
        input: first_input(suite, operation)?,
        queued: queued_answer(operation)?,
        refused,
    })
}

/// Calls the probe's operation once with `builder` against a mock answering
/// `canned`: the request that reached the mock, and the outcome.
async fn call_once(
    suite: &Suite,
    probe: &Probe<'_>,
    builder: impl FnOnce(ClientBuilder) -> ClientBuilder,
    canned: &Canned,
) -> Result<(Option<RecordedRequest>, Outcome), String> {
    let mock = MockApi::serving(canned).await;
    let client = builder(self::builder(suite, &mock.uri()))
        .build()
        .map_err(|e| e.to_string())?;
    let outcome = call(&client, &probe.operation.id, &probe.input)
        .await
        .map_err(|e| e.to_string())?;
    Ok((mock.requests().await.into_iter().next(), outcome))
}

/// Authentication: the service key in the `key` header, a JWT as
/// `Authorization: Bearer`, one or the other but never both, a clear error
/// without credentials, and credentials in no `Debug` or error text.
pub async fn check(suite: &Suite) -> Area {
    let mut area = Area::new(AREA);
    let probe = match probe(suite) {
        Ok(probe) => probe,
        Err(message) => {
            area.record("auth", Err(message));
            return area;
        }
    };
    area.record(
        "a service key goes in the `key` header, and no Authorization header",
        sent_alone(suite, &probe, Credential::ServiceKey).await,
    );
    area.record(
        "a JWT goes in `Authorization: Bearer`, and no `key` header",
        sent_alone(suite, &probe, Credential::Jwt).await,
    );
    area.record(
        "given both, only the credential given last is sent",
        last_wins(suite, &probe).await,
    );
    area.record(
        "no, an empty or a blank credential is BuildError::MissingCredentials",
        missing_credentials(suite),
    );
    area.record(
        "the credentials are not in the Debug output of the client or its builder",
        debug_of_client(suite),
    );
    area.record(
        "the credentials are not in the Debug or Display output of errors",
        debug_of_errors(suite, &probe).await,
    );
    area.coverage = format!(
        "{}, with a fake service key and a fake JWT",
        probe.operation.id
    );
    area
}

/// Checks that `request` carries `credential` in its header, and not the
/// other kind.
fn carries(request: Option<&RecordedRequest>, credential: Credential) -> Result<(), String> {
    let request = request.ok_or("no request reached the mock")?;
    let (header, value) = credential.header();
    let sent = request.headers.get(header);
    expect(sent == Some(&value), || {
        format!("{credential:?}: the `{header}` header is {sent:?}")
    })?;
    let other = credential.other_header();
    expect(!request.headers.contains_key(other), || {
        format!("{credential:?}: a `{other}` header is sent as well")
    })
}

async fn sent_alone(
    suite: &Suite,
    probe: &Probe<'_>,
    credential: Credential,
) -> Result<(), String> {
    let (request, outcome) = call_once(suite, probe, |b| credential.give(b), &probe.queued).await?;
    expect(outcome.is_ok(), || describe(&outcome))?;
    carries(request.as_ref(), credential)
}

async fn last_wins(suite: &Suite, probe: &Probe<'_>) -> Result<(), String> {
    let orders = [
        (Credential::ServiceKey, Credential::Jwt),
        (Credential::Jwt, Credential::ServiceKey),
    ];
    for (first, last) in orders {
        let give = |b| last.give(first.give(b));
        let (request, _) = call_once(suite, probe, give, &probe.queued).await?;
        carries(request.as_ref(), last)?;
    }
    Ok(())
}

fn missing_credentials(suite: &Suite) -> Result<(), String> {
    let base = || builder(suite, "http://127.0.0.1:9");
    let builders = [
        ("no credentials", base()),
        ("an empty service key", base().service_key("")),
        ("a blank service key", base().service_key(" \t")),
        ("an empty JWT", base().jwt("")),
        ("a blank JWT", base().jwt("  ")),
    ];
    for (what, builder) in builders {
        match builder.build() {
            Err(BuildError::MissingCredential { .. }) => {}
            Err(other) => return Err(format!("{what}: {other:?} instead of MissingCredential")),
            Ok(_) => return Err(format!("{what}: a client was built")),
        }
    }
    Ok(())
}

fn debug_of_client(suite: &Suite) -> Result<(), String> {
    for credential in Credential::ALL {
        let builder = credential.give(builder(suite, "http://127.0.0.1:9"));
        let builder_debug = format!("{builder:?}");
        expect(!builder_debug.contains(credential.secret()), || {
            format!("{credential:?}: the builder's Debug shows it: {builder_debug}")
        })?;
        let client = builder.build().map_err(|e| e.to_string())?;
        let client_debug = format!("{client:?}");
        expect(!client_debug.contains(credential.secret()), || {
            format!("{credential:?}: the client's Debug shows it: {client_debug}")
        })?;
    }
    Ok(())
}

/// Errors of three kinds, with either credential: a documented refusal
/// (HTTP 200, an error code), an undocumented status, and a connection
/// refused.
async fn debug_of_errors(suite: &Suite, probe: &Probe<'_>) -> Result<(), String> {
    let undocumented = Canned {
        status: 503,
        headers: Vec::new(),
        body: Some(b"{}".to_vec()),
    };
    for credential in Credential::ALL {
        let mut errors = Vec::new();
        for canned in [&probe.refused, &undocumented] {
            let (_, outcome) = call_once(suite, probe, |b| credential.give(b), canned).await?;
            let error = outcome
                .err()
                .ok_or_else(|| format!("{credential:?}: status {} did not fail", canned.status))?;
            errors.push((format!("status {}", canned.status), error));
        }
        let port = unused_port()?;
        let client = credential
            .give(builder(suite, &format!("http://127.0.0.1:{port}")))
            .build()
            .map_err(|e| e.to_string())?;
        let refused = call(&client, &probe.operation.id, &probe.input)
            .await
            .map_err(|e| e.to_string())?
            .err()
            .ok_or_else(|| format!("port {port}: the call succeeded"))?;
        errors.push(("connection refused".to_owned(), refused));
        for (what, error) in errors {
            let text = format!("{error:?}\n{error}");
            expect(!text.contains(credential.secret()), || {
                format!("{credential:?}, {what}: the error shows it: {text}")
            })?;
        }
    }
    Ok(())
}
