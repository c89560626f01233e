//! Building a client: the settings every API shares, checked once.
//!
//! Each API crate's `ClientBuilder` holds a [`Builder`] (the base URL, the
//! time limits, the user agent, the retry policy, the in-flight limit, an
//! optional `reqwest::Client`) beside its own credential settings, gets the
//! shared setters from [`builder_methods!`](crate::builder_methods), and
//! finishes with [`Builder::build`] and the [`Auth`] its credential makes.

use std::fmt;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, USER_AGENT};
use rustls_platform_verifier::BuilderVerifierExt;

pub use crate::build_error::{BaseUrlProblem, BuildError, InvalidBaseUrl};
use crate::credential::Auth;
use crate::retry::RetryPolicy;
use crate::runtime::{ResendRule, Runtime};

/// The default limit on one whole call: every attempt, every wait between
/// attempts and for a free slot, and reading the response body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The default limit on establishing one connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// What an API contributes to building its client, besides its credential.
#[derive(Clone, Copy, Debug)]
pub struct Api {
    /// The documented base URL.
    pub default_base_url: &'static str,
    /// The `User-Agent` sent by default.
    pub user_agent: &'static str,
    /// The path every operation's path starts with, if the operations
    /// carry it (Webex Connect: `/resources/v1/messaging`): a base URL that
    /// already ends with it is accepted and the path dropped, so it is not
    /// sent twice.
    pub operation_path: Option<&'static str>,
    /// Whether a request may be sent again once it may have reached the
    /// server; see [`ResendRule`].
    pub may_resend: ResendRule,
}

/// The settings every client shares; see the module docs.
#[derive(Clone)]
#[must_use]
pub struct Builder {
    api: Api,
    base_url: String,
    timeout: Duration,
    attempt_timeout: Option<Duration>,
    connect_timeout: Duration,
    user_agent: String,
    http: Option<reqwest::Client>,
    retry: RetryPolicy,
    max_in_flight: Option<usize>,
    allow_insecure_http: bool,
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field("custom_http_client", &self.http.is_some())
            .field("retry", &self.retry)
            .field("max_in_flight", &self.max_in_flight)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .finish()
    }
}

/// What [`Builder::build`] gives: the pieces of a generated client.
#[derive(Debug)]
#[non_exhaustive]
pub struct Parts {
    /// The checked base URL, without a trailing `/`.
    pub base_url: String,
    /// The HTTP client: redirects refused, no `Referer`, TLS through rustls.
    pub http: reqwest::Client,
    /// The runtime state (credential, retries, limits).
    pub runtime: Runtime,
}

impl Builder {
    /// The defaults for `api`.
    pub fn new(api: Api) -> Self {
        Self {
            api,
            base_url: api.default_base_url.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            attempt_timeout: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: api.user_agent.to_owned(),
            http: None,
            retry: RetryPolicy::default(),
            max_in_flight: None,
            allow_insecure_http: false,
        }
    }

    /// Sets the base URL.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Sets the limit on one whole call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the limit on each attempt.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Sets the limit on connecting.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the `User-Agent`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Uses this HTTP client.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Sets the retry policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sets the limit on requests in flight.
    pub fn max_in_flight(mut self, limit: usize) -> Self {
        self.max_in_flight = Some(limit);
        self
    }

    /// Allows a plain `http://` base URL to a host that is not loopback.
    pub fn allow_insecure_http(mut self) -> Self {
        self.allow_insecure_http = true;
        self
    }

    /// Checks every setting and builds the client's parts, with `auth` on
    /// every request.
    pub fn build(self, auth: Auth) -> Result<Parts, BuildError> {
        let base_url = check_base_url(
            &self.base_url,
            self.api.operation_path,
            self.allow_insecure_http,
        )?;
        let user_agent = HeaderValue::from_str(&self.user_agent)
            .ok()
            .filter(|_| {
                self.user_agent
                    .bytes()
                    .all(|b| b == b' ' || b.is_ascii_graphic())
            })
            .ok_or_else(|| BuildError::InvalidUserAgent(self.user_agent.clone()))?;
        let max_in_flight = match self.max_in_flight {
            None => None,
            Some(limit) => Some(NonZeroUsize::new(limit).ok_or(BuildError::InvalidInFlightLimit)?),
        };
        let http = match self.http {
            Some(http) => http,
            None => http_client(self.connect_timeout, user_agent, max_in_flight)?,
        };
        let runtime = Runtime::new(
            auth,
            self.retry,
            self.timeout,
            self.attempt_timeout,
            self.api.may_resend,
            max_in_flight,
        );
        Ok(Parts {
            base_url,
            http,
            runtime,
        })
    }
}

/// The HTTP client builder every API client starts from: no redirects
/// followed, no `Referer`, TLS through rustls with the `ring` provider and the
/// platform's certificate verifier (HTTP/2 and HTTP/1.1). Start from it to
/// configure your own client (a proxy, a pool) for a `ClientBuilder`'s
/// `http_client`, and the credential still never follows a redirect.
///
/// reqwest is built here without a TLS provider of its own (its default,
/// `aws-lc-rs`, is the slowest part of a cold build), so a
/// `reqwest::Client::builder()` that does not start from this one needs a
/// provider: this, or `rustls::crypto::ring::default_provider().install_default()`.
///
/// ```
/// let http = bindings_runtime::build::http_client_builder()?
///     .pool_idle_timeout(std::time::Duration::from_secs(30))
///     .build()?;
/// # let _ = http; Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, BuildError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|builder| builder.with_platform_verifier())
        .map_err(BuildError::Tls)?
        .with_no_client_auth();
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .redirect(reqwest::redirect::Policy::none())
        .referer(false))
}

/// The HTTP client a client uses unless given one: [`http_client_builder`]
/// with the connect timeout, the user agent, and at most `max_in_flight`
/// idle connections kept.
fn http_client(
    connect_timeout: Duration,
    user_agent: HeaderValue,
    max_in_flight: Option<NonZeroUsize>,
) -> Result<reqwest::Client, BuildError> {
    let mut headers = HeaderMap::new();
    headers.insert(USER_AGENT, user_agent);
    let mut builder = http_client_builder()?
        .connect_timeout(connect_timeout)
        .default_headers(headers);
    if let Some(limit) = max_in_flight {
        builder = builder.pool_max_idle_per_host(limit.get());
    }
    builder.build().map_err(BuildError::Http)
}

/// The base URL requests are sent under, checked: absolute `http(s)` with a
/// host, and no user info, query or fragment (each would misroute or leak
/// what follows it); plain `http` only to a loopback host (`localhost`,
/// `127.0.0.0/8`, `::1`) unless `allow_insecure_http`, since every request
/// carries the credential. It comes back normalised by the URL parser,
/// without a trailing `/` and without a trailing `operation_path`.
pub(crate) fn check_base_url(
    text: &str,
    operation_path: Option<&str>,
    allow_insecure_http: bool,
) -> Result<String, BuildError> {
    let invalid = |shown: String, problem| {
        Err(BuildError::InvalidBaseUrl(InvalidBaseUrl {
            shown,
            problem,
        }))
    };
    let Ok(mut url) = reqwest::Url::parse(text) else {
        return invalid(text.to_owned(), BaseUrlProblem::NotAbsolute);
    };
    let has_user_info = !url.username().is_empty() || url.password().is_some();
    let has_query = url.query().is_some();
    let has_fragment = url.fragment().is_some();
    // Shown without what may be secret or misrouting.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_query(None);
    url.set_fragment(None);
    let shown = url.to_string();
    let problem = if !matches!(url.scheme(), "http" | "https") {
        BaseUrlProblem::NotHttp
    } else if !url.has_host() {
        BaseUrlProblem::NoHost
    } else if has_user_info {
        BaseUrlProblem::UserInfo
    } else if has_query {
        BaseUrlProblem::Query
    } else if has_fragment {
        BaseUrlProblem::Fragment
    } else if url.scheme() == "http" && !allow_insecure_http && !is_loopback(&url) {
        BaseUrlProblem::InsecureHttp
    } else {
        let mut base = shown.trim_end_matches('/');
        if let Some(path) = operation_path {
            base = base.strip_suffix(path).unwrap_or(base);
        }
        return Ok(base.to_owned());
    };
    invalid(shown, problem)
}

/// Whether `url`'s host is this machine: `localhost` (or a name under it),
/// or a loopback address.
fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(address) = host.parse::<std::net::IpAddr>() {
        return address.is_loopback();
    }
    let name = host.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost")
}

/// The setters every API's `ClientBuilder` shares, written once: expands,
/// inside `impl ClientBuilder { ... }`, to `timeout`, `attempt_timeout`,
/// `connect_timeout`, `user_agent`, `http_client`, `retry` and
/// `max_in_flight`, each forwarding to the [`Builder`] in the field named
/// `core`. The crate must export `DEFAULT_TIMEOUT`,
/// `DEFAULT_CONNECT_TIMEOUT`, `USER_AGENT_VALUE` and `http_client_builder`.
#[macro_export]
macro_rules! builder_methods {
    () => {
        /// The limit on one whole call, from the first attempt to the end of
        /// the response body: every attempt, every wait between attempts
        /// (backoff, `Retry-After`, a rate-limit reset) and the wait for a
        /// free slot under [`max_in_flight`](Self::max_in_flight) count
        /// against it. Defaults to [`DEFAULT_TIMEOUT`](crate::DEFAULT_TIMEOUT).
        /// A retry that could not start before it is not made: the last
        /// answer or error is returned.
        pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.core = self.core.timeout(timeout);
            self
        }

        /// A limit on each attempt (connecting, sending, and the response
        /// up to the end of its body), within [`timeout`](Self::timeout).
        /// None by default: an attempt may use all that is left of the call's
        /// timeout. With one, an attempt that timed out can be retried (when
        /// the request may be resent) within the call's timeout.
        pub fn attempt_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.core = self.core.attempt_timeout(timeout);
            self
        }

        /// The limit on establishing one connection; defaults to
        /// [`DEFAULT_CONNECT_TIMEOUT`](crate::DEFAULT_CONNECT_TIMEOUT).
        /// Ignored when [`http_client`](Self::http_client) is given.
        pub fn connect_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.core = self.core.connect_timeout(timeout);
            self
        }

        /// The `User-Agent` header; defaults to
        /// [`USER_AGENT_VALUE`](crate::USER_AGENT_VALUE). One that cannot
        /// be sent (a newline, a non-ASCII character) is a `BuildError`.
        /// Not sent when [`http_client`](Self::http_client) is given.
        pub fn user_agent(mut self, user_agent: impl ::std::convert::Into<String>) -> Self {
            self.core = self.core.user_agent(user_agent);
            self
        }

        /// Uses a `reqwest::Client` you configured (pool, proxy, TLS). The
        /// credential, the timeouts, the retries and the in-flight limit
        /// still apply; its redirect policy is its own, so start it from
        /// [`http_client_builder`](crate::http_client_builder) (no
        /// redirects, no `Referer`, TLS set up) to keep the credential from
        /// following a redirect.
        pub fn http_client(mut self, client: ::reqwest::Client) -> Self {
            self.core = self.core.http_client(client);
            self
        }

        /// How failed requests are retried; see
        /// [`RetryPolicy`](crate::RetryPolicy).
        pub fn retry(mut self, policy: $crate::RetryPolicy) -> Self {
            self.core = self.core.retry(policy);
            self
        }

        /// At most `limit` requests of this client (and its clones) in
        /// flight at once, from sending to the end of the response body;
        /// the others wait for a slot, within [`timeout`](Self::timeout).
        /// At most `limit` idle connections are kept. No limit by default;
        /// 0 is a `BuildError`.
        pub fn max_in_flight(mut self, limit: usize) -> Self {
            self.core = self.core.max_in_flight(limit);
            self
        }

        /// Allows a plain `http://` base URL to a host that is not this
        /// machine. Without it such a URL is refused when building, since
        /// every request carries the credential in clear; `http://` to
        /// `localhost`, `127.0.0.1` or `[::1]` (a local simulator or mock)
        /// needs no permission.
        pub fn allow_insecure_http(mut self) -> Self {
            self.core = self.core.allow_insecure_http();
            self
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(text: &str) -> Option<BaseUrlProblem> {
        match check_base_url(text, Some("/resources/v1/messaging"), false) {
            Err(BuildError::InvalidBaseUrl(invalid)) => Some(invalid.problem()),
            _ => None,
        }
    }

    #[test]
    fn a_base_url_with_a_query_fragment_or_user_info_is_refused() {
        assert_eq!(problem("https://h/v1?x=1"), Some(BaseUrlProblem::Query));
        assert_eq!(problem("https://h/v1?"), Some(BaseUrlProblem::Query));
        assert_eq!(problem("https://h/v1#f"), Some(BaseUrlProblem::Fragment));
        assert_eq!(problem("https://u:p@h/v1"), Some(BaseUrlProblem::UserInfo));
        assert_eq!(problem("https://u@h/v1"), Some(BaseUrlProblem::UserInfo));
        assert_eq!(problem("ftp://h"), Some(BaseUrlProblem::NotHttp));
        // Plain http only to this machine, unless allowed.
        assert_eq!(
            problem("http://api.amio.io/v1"),
            Some(BaseUrlProblem::InsecureHttp)
        );
        assert_eq!(
            problem("http://10.0.0.1:8080"),
            Some(BaseUrlProblem::InsecureHttp)
        );
        assert_eq!(
            problem("http://localhost.evil.example"),
            Some(BaseUrlProblem::InsecureHttp)
        );
        for local in [
            "http://127.0.0.1:4010/v1",
            "http://127.8.9.10",
            "http://localhost:4010",
            "http://LOCALHOST.",
            "http://api.localhost",
            "http://[::1]:4010",
            "https://api.amio.io/v1",
        ] {
            assert_eq!(problem(local), None, "{local}");
        }
        assert!(check_base_url("http://api.amio.io/v1", None, true).is_ok());
        assert_eq!(problem("h/v1"), Some(BaseUrlProblem::NotAbsolute));
        assert_eq!(problem(""), Some(BaseUrlProblem::NotAbsolute));
    }

    #[test]
    fn a_refused_base_url_never_shows_its_user_info_or_query() {
        for text in [
            "https://user:s3cret@h/v1",
            "https://h/v1?access_token=s3cret",
            "https://h/v1#s3cret",
        ] {
            let error = check_base_url(text, None, false).unwrap_err();
            let shown = format!("{error} {error:?}");
            assert!(!shown.contains("s3cret"), "{shown}");
            assert!(shown.contains("https://h/v1"), "{shown}");
        }
    }

    #[test]
    fn a_base_url_is_normalised_and_a_trailing_operation_path_dropped() {
        let check = |text| check_base_url(text, Some("/resources/v1/messaging"), false).unwrap();
        assert_eq!(check("https://api.amio.io/v1/"), "https://api.amio.io/v1");
        assert_eq!(check(" HTTPS://API.Amio.IO/v1"), "https://api.amio.io/v1");
        assert_eq!(check("http://127.0.0.1:9"), "http://127.0.0.1:9");
        assert_eq!(
            check("https://api.imiconnect.io/resources/v1/messaging/"),
            "https://api.imiconnect.io"
        );
        assert_eq!(
            check("https://gateway.example/imi/resources/v1/messaging"),
            "https://gateway.example/imi"
        );
    }
}
