//! Building a [`Client`]: token, base URL, timeouts, user agent, retries; and
//! the hooks that authenticate and retry every request.

use std::fmt;
use std::time::Duration;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderValue, USER_AGENT};

use crate::Client;
use crate::retry::{self, RetryPolicy};

/// The documented base URL of the Amio API.
pub const DEFAULT_BASE_URL: &str = "https://api.amio.io/v1";

/// The default time limit for one whole request, response body included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The default time limit for establishing a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The `User-Agent` sent with every request: this crate and its version.
pub const USER_AGENT_VALUE: &str = concat!("amio-rust/", env!("CARGO_PKG_VERSION"));

/// Where the access token goes on each request (seed 000, "Authentication").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthLocation {
    /// `Authorization: Bearer <token>`, the default.
    #[default]
    Header,
    /// `?access_token=<token>`, the documented alternative.
    Query,
}

/// The client's own state: how it authenticates and retries. Built by
/// [`ClientBuilder`]; never shows the token in `Debug`.
#[derive(Clone)]
pub struct ClientState {
    token: Token,
    retry: RetryPolicy,
}

impl fmt::Debug for ClientState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientState")
            .field("token", &self.token)
            .field("retry", &self.retry)
            .finish()
    }
}

/// The access token, kept ready for the place it goes. `Debug` shows neither.
#[derive(Clone)]
enum Token {
    /// A header value marked sensitive.
    Header(HeaderValue),
    /// The raw token for the query string.
    Query(String),
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Header(_) => f.write_str("Header(<redacted>)"),
            Self::Query(_) => f.write_str("Query(<redacted>)"),
        }
    }
}

/// Why a [`ClientBuilder`] could not build a client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// No access token was given, or it was empty: every Amio request needs one.
    #[error(
        "no access token: call ClientBuilder::token with the token from the Amio app's API settings"
    )]
    MissingToken,
    /// The token has characters that cannot be sent in an HTTP header.
    #[error("the access token has characters that cannot be sent in an HTTP header")]
    InvalidToken,
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
/// let client = amio::Client::builder()
///     .token("my-access-token")
///     .timeout(Duration::from_secs(10))
///     .build()?;
/// # Ok::<(), amio::BuildError>(())
/// ```
#[derive(Clone)]
#[must_use]
pub struct ClientBuilder {
    token: Option<String>,
    auth_location: AuthLocation,
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
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("auth_location", &self.auth_location)
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
            token: None,
            auth_location: AuthLocation::Header,
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
    /// The access token from the Amio app's API settings. Required.
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

    /// The API's base URL; defaults to [`DEFAULT_BASE_URL`]. A trailing `/` is ignored.
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
    /// The token is still added to each request by this crate.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// How failed requests are retried; see [`RetryPolicy`].
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Builds the client, checking the token and the base URL.
    pub fn build(self) -> Result<Client, BuildError> {
        let token = self
            .token
            .filter(|t| !t.trim().is_empty())
            .ok_or(BuildError::MissingToken)?;
        let token = match self.auth_location {
            AuthLocation::Header => {
                let mut value = HeaderValue::from_str(&format!("Bearer {token}"))
                    .map_err(|_| BuildError::InvalidToken)?;
                value.set_sensitive(true);
                Token::Header(value)
            }
            AuthLocation::Query => Token::Query(token),
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
            token,
            retry: self.retry,
        };
        Ok(Client::new_with_client(&base_url, http, state))
    }
}

impl Client {
    /// Starts building a client. Only the token is required.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        ClientInfo::baseurl(self)
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
        match &self.inner.token {
            Token::Header(value) => {
                request.headers_mut().insert(AUTHORIZATION, value.clone());
            }
            Token::Query(token) => {
                request
                    .url_mut()
                    .query_pairs_mut()
                    .append_pair("access_token", token);
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
