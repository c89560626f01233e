//! Building a [`Client`]: what is Webex Connect's own (the service key or
//! JWT and where it goes, the API path, that no request may be resent);
//! and [`Client::send`], which checks a request, sends it and reads the
//! answer. Everything else (time limits, retries, redirects, the base-URL
//! check) is the shared runtime's, `bindings_runtime`.

use std::fmt;

use bindings_runtime::{Api, Auth, CredentialKind};

use crate::types::SendMessageRequest;
use crate::{Client, Error, Queued};

pub use bindings_runtime::build::http_client_builder;
pub use bindings_runtime::{BuildError, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};

/// The API host of the "rest of world" region (`api.imiconnect.io`), used
/// when no base URL is given. The host depends on the domain the tenant logs
/// in to (seed 002, line 30): `https://api-us.imiconnect.io` (North America),
/// `https://api.imiconnect.com` and `https://<region>.webexconnect.io` are
/// others; set yours with [`ClientBuilder::base_url`].
pub const DEFAULT_BASE_URL: &str = "https://api.imiconnect.io";

/// The `User-Agent` sent with every request: this crate and its version.
pub const USER_AGENT_VALUE: &str = concat!("webex-connect-rust/", env!("CARGO_PKG_VERSION"));

/// The path of the one operation, under the base URL.
const MESSAGING_PATH: &str = "/resources/v1/messaging";

/// The client's state (credentials, retries, limits), kept by the shared runtime.
pub type ClientState = bindings_runtime::Runtime;

const SERVICE_KEY: CredentialKind = CredentialKind::new(
    "service key",
    "call ClientBuilder::service_key with the service's key, or ClientBuilder::jwt",
);

const JWT: CredentialKind = CredentialKind::new(
    "JWT",
    "call ClientBuilder::jwt with a JWT signed with the service secret, or ClientBuilder::service_key",
);

/// Webex Connect's part of building a client. Its one operation queues
/// messages and answers HTTP 200 even to errors: once a request may have
/// reached the platform, whether the message was queued is unknown, so no
/// request is ever resent (only one that was never sent, or refused with
/// `429`).
const WEBEX_CONNECT: Api = Api {
    default_base_url: DEFAULT_BASE_URL,
    user_agent: USER_AGENT_VALUE,
    operation_path: Some(MESSAGING_PATH),
    may_resend: bindings_runtime::runtime::never,
};

/// The credentials given to the builder, before they are checked.
#[derive(Clone)]
enum Secret {
    ServiceKey(String),
    Jwt(String),
}

impl Secret {
    fn kind(&self) -> &'static str {
        match self {
            Self::ServiceKey(_) => SERVICE_KEY.name(),
            Self::Jwt(_) => JWT.name(),
        }
    }

    fn auth(&self) -> Result<Auth, BuildError> {
        match self {
            Self::ServiceKey(key) => service_key(key),
            Self::Jwt(jwt) => Auth::bearer(JWT, jwt),
        }
    }
}

/// `key: <service key>`.
fn service_key(key: &str) -> Result<Auth, BuildError> {
    Auth::header("key", SERVICE_KEY, key)
}

/// Builds a [`Client`]. Start with [`Client::builder`].
///
/// ```
/// use std::time::Duration;
///
/// let client = webex_connect::Client::builder()
///     .base_url("https://api-us.imiconnect.io")
///     .service_key("my-service-key")
///     .timeout(Duration::from_secs(10))
///     .build()?;
/// # Ok::<(), webex_connect::BuildError>(())
/// ```
#[derive(Clone)]
#[must_use]
pub struct ClientBuilder {
    core: bindings_runtime::Builder,
    secret: Option<Secret>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field(
                "credentials",
                &self
                    .secret
                    .as_ref()
                    .map(|s| format!("{} <redacted>", s.kind())),
            )
            .field("core", &self.core)
            .finish()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            core: bindings_runtime::Builder::new(WEBEX_CONNECT),
            secret: None,
        }
    }
}

impl ClientBuilder {
    /// Authenticates with the service key, sent in the `key` header. Replaces
    /// a JWT given before. Visible ASCII, without whitespace around it
    /// (anything else is a [`BuildError`] that does not show it).
    pub fn service_key(mut self, key: impl Into<String>) -> Self {
        self.secret = Some(Secret::ServiceKey(key.into()));
        self
    }

    /// Authenticates with a JWT (HS256, `iss` = the service id, signed with
    /// the service secret), sent as `Authorization: Bearer <jwt>`. Replaces a
    /// service key given before. Checked like a service key.
    pub fn jwt(mut self, jwt: impl Into<String>) -> Self {
        self.secret = Some(Secret::Jwt(jwt.into()));
        self
    }

    /// The API's base URL: the tenant's host, such as
    /// `https://api-us.imiconnect.io`; defaults to [`DEFAULT_BASE_URL`]. A
    /// trailing `/` is ignored, and so is a trailing
    /// `/resources/v1/messaging` (the documented endpoint may be given
    /// whole: the path is not doubled). One with a query, a fragment or user
    /// info is a [`BuildError`].
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.core = self.core.base_url(base_url);
        self
    }

    bindings_runtime::builder_methods!();

    /// Builds the client, checking the credentials, the base URL and the
    /// user agent.
    pub fn build(self) -> Result<Client, BuildError> {
        let secret = self.secret.ok_or_else(|| SERVICE_KEY.missing())?;
        let parts = self.core.build(secret.auth()?)?;
        Ok(Client::from_parts(parts))
    }
}

impl Client {
    /// Starts building a client. Only the credentials are required.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The same client with another service key (in the `key` header): a
    /// cheap clone that shares the connection pool and the in-flight limit,
    /// with the key checked as [`ClientBuilder::service_key`] checks it.
    ///
    /// ```
    /// # fn demo(client: webex_connect::Client) -> Result<(), webex_connect::BuildError> {
    /// let other_service = client.with_service_key("key-of-another-service")?;
    /// # let _ = other_service; Ok(()) }
    /// ```
    pub fn with_service_key(&self, key: impl AsRef<str>) -> Result<Client, BuildError> {
        Ok(self.with_auth(service_key(key.as_ref())?))
    }

    /// The same client with another JWT (as `Authorization: Bearer`), like
    /// [`Client::with_service_key`].
    pub fn with_jwt(&self, jwt: impl AsRef<str>) -> Result<Client, BuildError> {
        Ok(self.with_auth(Auth::bearer(JWT, jwt.as_ref())?))
    }

    /// Checks `request` against the documented limits ([`Validate`](crate::Validate)),
    /// sends it, and reads the platform's answer.
    ///
    /// On success (code `1001`), returns one [`Queued`] per destination, with
    /// the transaction id that the delivery notifications repeat. Every other
    /// code is an [`Error::Rejected`] carrying the code, description and
    /// transaction id. The platform answers HTTP 200 to both.
    pub async fn send(&self, request: &SendMessageRequest) -> Result<Vec<Queued>, Error> {
        crate::Validate::validate(request)?;
        let answer = self
            .send_message(request)
            .await
            .map_err(|error| Error::Http(Box::new(error)))?;
        crate::response::interpret(answer.into_inner())
    }
}
