//! Building a [`Client`]: credentials, base URL, timeouts, user agent,
//! retries; the hooks that authenticate and retry every request; and
//! [`Client::send`], which checks a request, sends it and reads the answer.

use std::fmt;
use std::time::Duration;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue, USER_AGENT};

use crate::retry::{self, RetryPolicy};
use crate::types::SendMessageRequest;
use crate::{Client, Error, Queued};

/// The API host of the "rest of world" region (`api.imiconnect.io`), used
/// when no base URL is given. The host depends on the domain the tenant logs
/// in to (seed 002, line 30): `https://api-us.imiconnect.io` (North America),
/// `https://api.imiconnect.com` and `https://<region>.webexconnect.io` are
/// others; set yours with [`ClientBuilder::base_url`].
pub const DEFAULT_BASE_URL: &str = "https://api.imiconnect.io";

/// The default time limit for one whole request, response body included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The default time limit for establishing a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The `User-Agent` sent with every request: this crate and its version.
pub const USER_AGENT_VALUE: &str = concat!("webex-connect-rust/", env!("CARGO_PKG_VERSION"));

/// The header that carries the service key.
fn service_key_header() -> HeaderName {
    HeaderName::from_static("key")
}

/// The client's own state: how it authenticates and retries. Built by
/// [`ClientBuilder`]; never shows the credentials in `Debug`.
#[derive(Clone)]
pub struct ClientState {
    credentials: Credentials,
    retry: RetryPolicy,
}

impl fmt::Debug for ClientState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientState")
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .finish()
    }
}

/// The credentials, as the header value each request carries (marked
/// sensitive). `Debug` shows which kind, never the value.
#[derive(Clone)]
enum Credentials {
    /// `key: <service key>`.
    ServiceKey(HeaderValue),
    /// `Authorization: Bearer <JWT>`.
    Jwt(HeaderValue),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ServiceKey(_) => f.write_str("ServiceKey(<redacted>)"),
            Self::Jwt(_) => f.write_str("Jwt(<redacted>)"),
        }
    }
}

/// The credentials given to the builder, before they become a header.
#[derive(Clone)]
enum Secret {
    ServiceKey(String),
    Jwt(String),
}

impl Secret {
    fn kind(&self) -> &'static str {
        match self {
            Self::ServiceKey(_) => "service key",
            Self::Jwt(_) => "JWT",
        }
    }
}

/// Why a [`ClientBuilder`] could not build a client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// Neither a service key nor a JWT was given, or it was empty: a request
    /// without credentials is refused with code 7002 (seed 002, line 1997).
    #[error(
        "no credentials: call ClientBuilder::service_key with the service's key, or ClientBuilder::jwt"
    )]
    MissingCredentials,
    /// The service key or JWT has characters that cannot be sent in an HTTP header.
    #[error("the {0} has characters that cannot be sent in an HTTP header")]
    InvalidCredentials(&'static str),
    /// The base URL is not an absolute `http` or `https` URL.
    #[error("invalid base URL `{0}`: expected an absolute http(s) URL")]
    InvalidBaseUrl(String),
    /// The HTTP client could not be built (for example, no TLS backend).
    #[error("building the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
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
    secret: Option<Secret>,
    base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: String,
    http: Option<reqwest::Client>,
    retry: RetryPolicy,
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
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field("custom_http_client", &self.http.is_some())
            .field("retry", &self.retry)
            .finish()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            secret: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: USER_AGENT_VALUE.to_owned(),
            http: None,
            retry: RetryPolicy::default(),
        }
    }
}

impl ClientBuilder {
    /// Authenticates with the service key, sent in the `key` header. Replaces
    /// a JWT given before.
    pub fn service_key(mut self, key: impl Into<String>) -> Self {
        self.secret = Some(Secret::ServiceKey(key.into()));
        self
    }

    /// Authenticates with a JWT (HS256, `iss` = the service id, signed with
    /// the service secret), sent as `Authorization: Bearer <jwt>`. Replaces a
    /// service key given before.
    pub fn jwt(mut self, jwt: impl Into<String>) -> Self {
        self.secret = Some(Secret::Jwt(jwt.into()));
        self
    }

    /// The API's base URL, without the path; defaults to
    /// [`DEFAULT_BASE_URL`]. A trailing `/` is ignored.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// The time limit for one whole request; defaults to [`DEFAULT_TIMEOUT`].
    /// Ignored when [`ClientBuilder::http_client`] is given.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The time limit for connecting; defaults to [`DEFAULT_CONNECT_TIMEOUT`].
    /// Ignored when [`ClientBuilder::http_client`] is given.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The `User-Agent` header; defaults to [`USER_AGENT_VALUE`].
    /// Ignored when [`ClientBuilder::http_client`] is given.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Uses a `reqwest::Client` you configured (pool, proxy, TLS, timeouts).
    /// The credentials are still added to each request by this crate.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// How failed requests are retried; see [`RetryPolicy`].
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Builds the client, checking the credentials and the base URL.
    pub fn build(self) -> Result<Client, BuildError> {
        let secret = self
            .secret
            .filter(|s| match s {
                Secret::ServiceKey(v) | Secret::Jwt(v) => !v.trim().is_empty(),
            })
            .ok_or(BuildError::MissingCredentials)?;
        let kind = secret.kind();
        let header = |text: &str| {
            let mut value =
                HeaderValue::from_str(text).map_err(|_| BuildError::InvalidCredentials(kind))?;
            value.set_sensitive(true);
            Ok::<_, BuildError>(value)
        };
        let credentials = match &secret {
            Secret::ServiceKey(key) => Credentials::ServiceKey(header(key)?),
            Secret::Jwt(jwt) => Credentials::Jwt(header(&format!("Bearer {jwt}"))?),
        };
        let base_url = self.base_url.trim_end_matches('/').to_owned();
        match reqwest::Url::parse(&base_url) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => {}
            _ => return Err(BuildError::InvalidBaseUrl(base_url)),
        }
        let http = match self.http {
            Some(http) => http,
            None => {
                let user_agent = HeaderValue::from_str(&self.user_agent)
                    .unwrap_or_else(|_| HeaderValue::from_static(USER_AGENT_VALUE));
                let mut headers = reqwest::header::HeaderMap::new();
                headers.insert(USER_AGENT, user_agent);
                reqwest::Client::builder()
                    .timeout(self.timeout)
                    .connect_timeout(self.connect_timeout)
                    .default_headers(headers)
                    .build()
                    .map_err(BuildError::Http)?
            }
        };
        let state = ClientState {
            credentials,
            retry: self.retry,
        };
        Ok(Client::new_with_client(&base_url, http, state))
    }
}

impl Client {
    /// Starts building a client. Only the credentials are required.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        ClientInfo::baseurl(self)
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

impl ClientHooks<ClientState> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        // The generator adds an `api-version` header the API does not document.
        request.headers_mut().remove("api-version");
        match &self.inner.credentials {
            Credentials::ServiceKey(value) => {
                request
                    .headers_mut()
                    .insert(service_key_header(), value.clone());
            }
            Credentials::Jwt(value) => {
                request.headers_mut().insert(AUTHORIZATION, value.clone());
            }
        }
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        retry::execute(&self.client, &self.inner.retry, request).await
    }
}
