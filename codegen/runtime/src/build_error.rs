//! Why a client could not be built: [`BuildError`] and the refusals it
//! carries ([`InvalidCredential`], [`InvalidBaseUrl`]). Apart from the
//! builder and the credentials that return them, so that neither imports the
//! other for its error.

use std::fmt;

/// What is wrong with a credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialProblem {
    /// It starts or ends with whitespace (a copy-paste accident: it would be
    /// sent padded).
    SurroundingWhitespace,
    /// It has a character outside visible ASCII (`!`..=`~`): a space, a
    /// control character or a non-ASCII one.
    NotVisibleAscii,
}

/// A credential that was refused. Names its kind and the problem, never its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidCredential {
    pub(crate) credential: &'static str,
    pub(crate) problem: CredentialProblem,
}

impl InvalidCredential {
    /// What the credential is called (`"access token"`, `"service key"`, ...).
    pub fn credential(&self) -> &'static str {
        self.credential
    }

    /// What is wrong with it.
    pub fn problem(&self) -> CredentialProblem {
        self.problem
    }
}

impl fmt::Display for InvalidCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let problem = match self.problem {
            CredentialProblem::SurroundingWhitespace => "starts or ends with whitespace",
            CredentialProblem::NotVisibleAscii => {
                "has a character other than visible ASCII (a space, a control or a non-ASCII character)"
            }
        };
        write!(f, "the {} {problem}", self.credential)
    }
}

impl std::error::Error for InvalidCredential {}

/// What is wrong with a base URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BaseUrlProblem {
    /// It is not an absolute URL.
    NotAbsolute,
    /// Its scheme is not `http` or `https`.
    NotHttp,
    /// It has no host.
    NoHost,
    /// It has user info (`user:password@`).
    UserInfo,
    /// It has a query (`?...`): every path would be appended after it.
    Query,
    /// It has a fragment (`#...`): every path would be appended to it and never sent.
    Fragment,
    /// It is plain `http` to a host that is not loopback: the credential
    /// would travel in clear. `allow_insecure_http()` on the builder allows it.
    InsecureHttp,
}

/// A base URL that was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidBaseUrl {
    pub(crate) shown: String,
    pub(crate) problem: BaseUrlProblem,
}

impl InvalidBaseUrl {
    /// The URL as given, without its user info, query or fragment.
    pub fn url(&self) -> &str {
        &self.shown
    }

    /// What is wrong with it.
    pub fn problem(&self) -> BaseUrlProblem {
        self.problem
    }
}

impl fmt::Display for InvalidBaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let problem = match self.problem {
            BaseUrlProblem::NotAbsolute => "expected an absolute http(s) URL",
            BaseUrlProblem::NotHttp => "expected an http or https URL",
            BaseUrlProblem::NoHost => "it has no host",
            BaseUrlProblem::UserInfo => {
                "it has user info (`user:password@`), which is never sent; use the client's credential settings"
            }
            BaseUrlProblem::Query => {
                "it has a query (`?...`), which every path would follow; give query parameters to each call"
            }
            BaseUrlProblem::Fragment => {
                "it has a fragment (`#...`), which every path would follow and which is never sent"
            }
            BaseUrlProblem::InsecureHttp => {
                "plain http to a host that is not this machine would send the credential in clear; use https, or allow_insecure_http() on the builder"
            }
        };
        write!(f, "invalid base URL `{}`: {problem}", self.shown)
    }
}

impl std::error::Error for InvalidBaseUrl {}

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// No credential was given, or it was blank.
    #[error("no {credential}: {hint}")]
    MissingCredential {
        /// What the credential is called (`"access token"`, ...).
        credential: &'static str,
        /// How to give one.
        hint: &'static str,
    },
    /// The credential cannot be sent as given; see [`InvalidCredential`].
    /// Its value is never shown.
    #[error("{0}")]
    InvalidCredential(InvalidCredential),
    /// The base URL is refused; see [`InvalidBaseUrl`].
    #[error("{0}")]
    InvalidBaseUrl(InvalidBaseUrl),
    /// The user agent cannot be sent as a header (a control character such
    /// as a newline, or a non-ASCII character).
    #[error("invalid user agent {0:?}: expected printable ASCII")]
    InvalidUserAgent(String),
    /// The limit on requests in flight is 0: no request could ever be sent.
    #[error("the limit on requests in flight must be at least 1")]
    InvalidInFlightLimit,
    /// TLS could not be set up (for example, the platform's certificates
    /// could not be read).
    #[error("setting up TLS: {0}")]
    Tls(#[source] rustls::Error),
    /// The HTTP client could not be built.
    #[error("building the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
}
