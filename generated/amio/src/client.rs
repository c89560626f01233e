//! Building a [`Client`]: what is Amio's own (the access token and where it
//! goes, the plans' limits, which requests may be resent). Everything else
//! (time limits, retries, redirects, the base-URL check) is the shared
//! runtime's, `bindings_runtime`.

use std::fmt;

use bindings_runtime::{Api, Auth, CredentialKind};

use crate::Client;

pub use bindings_runtime::build::http_client_builder;
pub use bindings_runtime::{BuildError, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};

/// The documented base URL of the Amio API.
pub const DEFAULT_BASE_URL: &str = "https://api.amio.io/v1";

/// The `User-Agent` sent with every request: this crate and its version.
pub const USER_AGENT_VALUE: &str = concat!("amio-rust/", env!("CARGO_PKG_VERSION"));

/// The client's state (credential, retries, limits), kept by the shared runtime.
pub type ClientState = bindings_runtime::Runtime;

const TOKEN: CredentialKind = CredentialKind::new(
    "access token",
    "call ClientBuilder::token with the token from the Amio app's API settings",
);

/// Amio's part of building a client. `GET`, `HEAD`, `PUT`, `DELETE` and
/// `OPTIONS` may be resent; `POST` (a message, a notification, a new channel)
/// and `PATCH` never are once they may have reached the server.
const AMIO: Api = Api {
    default_base_url: DEFAULT_BASE_URL,
    user_agent: USER_AGENT_VALUE,
    operation_path: None,
    may_resend: bindings_runtime::runtime::idempotent_methods,
};

/// Where the access token goes on each request (seed 000, "Authentication").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthLocation {
    /// `Authorization: Bearer <token>`, the default.
    #[default]
    Header,
    /// `?access_token=<token>`, the documented alternative. The token is
    /// removed from every URL the client shows.
    Query,
}

fn auth(location: AuthLocation, token: &str) -> Result<Auth, BuildError> {
    match location {
        AuthLocation::Header => Auth::bearer(TOKEN, token),
        AuthLocation::Query => Auth::query("access_token", TOKEN, token),
    }
}

/// A pricing plan's documented limits (seed 000, "Rate Limiting"). The
/// server counts the requests per hour and reports them in the
/// `X-RateLimit-*` headers; the client keeps to the connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Plan {
    /// Free: 1000 requests per hour, 3 simultaneous connections.
    Free,
    /// Developer: 2000 requests per hour, 10 simultaneous connections.
    Developer,
}

impl Plan {
    /// The requests allowed per hour.
    pub fn requests_per_hour(self) -> u32 {
        match self {
            Self::Free => 1000,
            Self::Developer => 2000,
        }
    }

    /// The simultaneous connections allowed.
    pub fn connections(self) -> usize {
        match self {
            Self::Free => 3,
            Self::Developer => 10,
        }
    }
}

/// Builds a [`Client`]. Start with [`Client::builder`]; only the token is
/// required.
///
/// ```
/// use std::time::Duration;
///
/// let client = amio::Client::builder()
///     .token("my-access-token")
///     .plan(amio::Plan::Free)
///     .timeout(Duration::from_secs(10))
///     .build()?;
/// # Ok::<(), amio::BuildError>(())
/// ```
#[derive(Clone)]
#[must_use]
pub struct ClientBuilder {
    core: bindings_runtime::Builder,
    token: Option<String>,
    auth_location: AuthLocation,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("auth_location", &self.auth_location)
            .field("core", &self.core)
            .finish()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            core: bindings_runtime::Builder::new(AMIO),
            token: None,
            auth_location: AuthLocation::Header,
        }
    }
}

impl ClientBuilder {
    /// The access token from the Amio app's API settings. Required: visible
    /// ASCII, without whitespace around it (anything else is a
    /// [`BuildError`] that does not show it).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Sends the token as the `access_token` query parameter instead of the
    /// `Authorization` header.
    pub fn auth_location(mut self, location: AuthLocation) -> Self {
        self.auth_location = location;
        self
    }

    /// The API's base URL; defaults to [`DEFAULT_BASE_URL`]. A trailing `/`
    /// is ignored; one with a query, a fragment or user info is a
    /// [`BuildError`].
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.core = self.core.base_url(base_url);
        self
    }

    /// Keeps to `plan`'s simultaneous connections:
    /// [`max_in_flight`](Self::max_in_flight)`(plan.connections())`.
    pub fn plan(self, plan: Plan) -> Self {
        self.max_in_flight(plan.connections())
    }

    bindings_runtime::builder_methods!();

    /// Builds the client, checking the token, the base URL and the user agent.
    pub fn build(self) -> Result<Client, BuildError> {
        let token = self.token.ok_or_else(|| TOKEN.missing())?;
        let parts = self.core.build(auth(self.auth_location, &token)?)?;
        Ok(Client::from_parts(parts))
    }
}

impl Client {
    /// Starts building a client. Only the token is required.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The same client with another access token, for calls on behalf of
    /// another Amio app: a cheap clone that shares the connection pool and
    /// the in-flight limit, with the token checked as
    /// [`ClientBuilder::token`] checks it and put where this client puts its
    /// own ([`AuthLocation`]).
    ///
    /// ```
    /// # fn demo(client: amio::Client) -> Result<(), amio::BuildError> {
    /// let other_app = client.with_token("token-of-another-app")?;
    /// # let _ = other_app; Ok(()) }
    /// ```
    pub fn with_token(&self, token: impl AsRef<str>) -> Result<Client, BuildError> {
        let location = if self.inner.auth().in_query() {
            AuthLocation::Query
        } else {
            AuthLocation::Header
        };
        Ok(self.with_auth(auth(location, token.as_ref())?))
    }
}
