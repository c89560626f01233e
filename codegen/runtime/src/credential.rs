//! Credentials: checked once when the client is built, added to every
//! request, and never shown.
//!
//! A secret (access token, service key, JWT) must be visible ASCII
//! (`!`..=`~`) with no whitespace around it; anything else is refused with a
//! [`BuildError`] that names the kind of credential and the problem, never
//! the value. Header values are marked sensitive; a credential that travels
//! in the query string is removed from every URL the client shows (errors,
//! responses, refused redirects).

use std::fmt;

use reqwest::Url;
use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};

use crate::build_error::BuildError;
pub use crate::build_error::{CredentialProblem, InvalidCredential};

/// A kind of credential, as an API names it: what it is called in messages
/// and how to give one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CredentialKind {
    name: &'static str,
    hint: &'static str,
}

impl CredentialKind {
    /// A kind called `name` (such as `"access token"`); `hint` says how to
    /// give one (such as `"call ClientBuilder::token with ..."`).
    pub const fn new(name: &'static str, hint: &'static str) -> Self {
        Self { name, hint }
    }

    /// What the credential is called.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The error for a credential that was not given.
    pub fn missing(&self) -> BuildError {
        BuildError::MissingCredential {
            credential: self.name,
            hint: self.hint,
        }
    }

    /// Checks a secret of this kind: not blank, visible ASCII, no whitespace
    /// around it.
    fn check(&self, secret: &str) -> Result<(), BuildError> {
        if secret.trim().is_empty() {
            return Err(self.missing());
        }
        let problem = if secret.trim() != secret {
            CredentialProblem::SurroundingWhitespace
        } else if !secret.bytes().all(|b| b.is_ascii_graphic()) {
            CredentialProblem::NotVisibleAscii
        } else {
            return Ok(());
        };
        Err(BuildError::InvalidCredential(InvalidCredential {
            credential: self.name,
            problem,
        }))
    }
}

/// Where a checked credential goes on each request. `Debug` shows where,
/// never the value.
#[derive(Clone)]
pub struct Auth(Place);

#[derive(Clone)]
enum Place {
    None,
    Header(HeaderName, HeaderValue),
    Query(&'static str, String),
}

impl Auth {
    /// No credential (for APIs or tests without one).
    pub fn none() -> Self {
        Self(Place::None)
    }

    /// `Authorization: Bearer <secret>`.
    pub fn bearer(kind: CredentialKind, secret: &str) -> Result<Self, BuildError> {
        kind.check(secret)?;
        let value = sensitive(kind, &format!("Bearer {secret}"))?;
        Ok(Self(Place::Header(AUTHORIZATION, value)))
    }

    /// `<header>: <secret>`. `header` must be a valid lowercase header name.
    pub fn header(
        header: &'static str,
        kind: CredentialKind,
        secret: &str,
    ) -> Result<Self, BuildError> {
        kind.check(secret)?;
        let name = HeaderName::from_static(header);
        Ok(Self(Place::Header(name, sensitive(kind, secret)?)))
    }

    /// `?<parameter>=<secret>`, appended to every request's query; the
    /// parameter is removed from every URL the client shows.
    pub fn query(
        parameter: &'static str,
        kind: CredentialKind,
        secret: &str,
    ) -> Result<Self, BuildError> {
        kind.check(secret)?;
        Ok(Self(Place::Query(parameter, secret.to_owned())))
    }

    /// Adds the credential to `request`.
    pub(crate) fn apply(&self, request: &mut reqwest::Request) {
        match &self.0 {
            Place::None => {}
            Place::Header(name, value) => {
                request.headers_mut().insert(name.clone(), value.clone());
            }
            Place::Query(parameter, secret) => {
                request
                    .url_mut()
                    .query_pairs_mut()
                    .append_pair(parameter, secret);
            }
        }
    }

    /// Whether the credential goes in the query string (so URLs may carry it).
    pub fn in_query(&self) -> bool {
        matches!(self.0, Place::Query(..))
    }

    /// Removes the credential from `url`, if it carries it.
    pub(crate) fn redact(&self, url: &mut Url) {
        let Place::Query(parameter, _) = &self.0 else {
            return;
        };
        if !url.query_pairs().any(|(k, _)| k == *parameter) {
            return;
        }
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| k != parameter)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            url.set_query(None);
        } else {
            url.query_pairs_mut().clear().extend_pairs(kept);
        }
    }

    /// `text` with the credential removed, if it is a URL that carries it.
    pub(crate) fn redact_text(&self, text: &str) -> String {
        if !self.in_query() {
            return text.to_owned();
        }
        match Url::parse(text) {
            Ok(mut url) => {
                self.redact(&mut url);
                url.into()
            }
            // Not an absolute URL: it cannot hold the query parameter in a
            // form we can take out, so show only what precedes any query.
            Err(_) => text.split(['?', '#']).next().unwrap_or_default().to_owned(),
        }
    }
}

/// A header value marked sensitive (checked visible ASCII always is one).
fn sensitive(kind: CredentialKind, text: &str) -> Result<HeaderValue, BuildError> {
    let mut value = HeaderValue::from_str(text).map_err(|_| {
        BuildError::InvalidCredential(InvalidCredential {
            credential: kind.name,
            problem: CredentialProblem::NotVisibleAscii,
        })
    })?;
    value.set_sensitive(true);
    Ok(value)
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Place::None => f.write_str("Auth::None"),
            Place::Header(name, _) => write!(f, "Auth::Header({name}: <redacted>)"),
            Place::Query(parameter, _) => write!(f, "Auth::Query({parameter}=<redacted>)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: CredentialKind = CredentialKind::new("access token", "call token()");

    fn problem(secret: &str) -> Option<CredentialProblem> {
        match Auth::bearer(TOKEN, secret) {
            Err(BuildError::InvalidCredential(invalid)) => Some(invalid.problem()),
            _ => None,
        }
    }

    #[test]
    fn only_visible_ascii_without_surrounding_whitespace_is_accepted() {
        assert!(Auth::bearer(TOKEN, "abc.DEF-123_~+/=").is_ok());
        assert_eq!(
            problem(" token"),
            Some(CredentialProblem::SurroundingWhitespace)
        );
        assert_eq!(
            problem("token\n"),
            Some(CredentialProblem::SurroundingWhitespace)
        );
        for bad in ["tök", "to ken", "to\tken", "to\u{7f}ken", "token\u{a0}x"] {
            assert_eq!(
                problem(bad),
                Some(CredentialProblem::NotVisibleAscii),
                "{bad:?}"
            );
        }
        assert!(matches!(
            Auth::bearer(TOKEN, "  "),
            Err(BuildError::MissingCredential { .. })
        ));
    }

    #[test]
    fn errors_and_debug_never_echo_the_secret() {
        for bad in ["s3cret ", "s3cr\u{e9}t", "s3 cret"] {
            let error = Auth::header("key", TOKEN, bad).unwrap_err();
            let shown = format!("{error} {error:?}");
            assert!(!shown.contains("s3"), "{shown}");
        }
        let auth = Auth::query("access_token", TOKEN, "s3cret").unwrap();
        assert!(!format!("{auth:?}").contains("s3cret"));
        let auth = Auth::bearer(TOKEN, "s3cret").unwrap();
        assert!(!format!("{auth:?}").contains("s3cret"));
    }

    #[test]
    fn the_query_credential_is_stripped_from_urls() {
        let auth = Auth::query("access_token", TOKEN, "s3cret").unwrap();
        let mut url = Url::parse("https://h/v1/c?max=5&access_token=s3cret").unwrap();
        auth.redact(&mut url);
        assert_eq!(url.as_str(), "https://h/v1/c?max=5");
        let mut only = Url::parse("https://h/v1/c?access_token=s3cret").unwrap();
        auth.redact(&mut only);
        assert_eq!(only.as_str(), "https://h/v1/c");
        assert_eq!(
            auth.redact_text("/elsewhere?access_token=s3cret"),
            "/elsewhere"
        );
    }
}
