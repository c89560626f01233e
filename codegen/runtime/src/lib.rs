//! The runtime the generated API clients share, the way `progenitor-client`
//! sits beside `progenitor`: what every client and every webhook receiver
//! needs is written here once, and each API crate keeps only what is its own
//! (its auth scheme, which of its requests may be resent, its error mapping).
//!
//! - [`build`]: the settings every `ClientBuilder` shares ([`Builder`],
//!   [`builder_methods!`]), the base-URL check and the HTTP client (no
//!   redirects, no `Referer`, rustls with `ring`).
//! - [`build_error`]: [`BuildError`], why a client could not be built (a
//!   missing or refused credential, a refused base URL, ...).
//! - [`de`]: what the generated types deserialize with (open enums,
//!   tri-state fields, one-pass tagged unions), written once.
//! - [`credential`]: credentials checked once (visible ASCII, no surrounding
//!   whitespace), added to every request, never shown ([`Auth`]).
//! - [`runtime`]: [`Runtime::execute`], which every generated operation
//!   calls: the in-flight limit, the rate-limit gate, the attempts and the
//!   waits, all within one timeout; redirects refused.
//! - [`retry`]: [`RetryPolicy`], whose decisions take one input from the API,
//!   "may this request be resent".
//! - [`rate_limit`]: `Retry-After` (seconds or HTTP-date) and the
//!   `X-RateLimit-*` headers ([`RateLimit`]).
//! - [`json`]: reading what the server sends with the whole JSON path of an
//!   error ([`json::read`]), tags first when it must.
//! - [`path`]: each path parameter as exactly one segment.
//! - `receiver` (feature `axum`): what every webhook receiver shares: body
//!   limits and timeouts, inline or queued hand-over, de-duplication.
//! - [`error`]: [`Error`] and [`ResponseValue`], what generated operations
//!   return: `progenitor-client`'s shape, plus typed refusals.

pub mod build;
pub mod build_error;
pub mod credential;
pub mod de;
pub mod error;
pub mod json;
pub mod path;
pub mod rate_limit;
#[cfg(feature = "axum")]
pub mod receiver;
pub mod retry;
pub mod runtime;
pub mod validate;

pub use build::{
    Api, BaseUrlProblem, BuildError, Builder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT,
    InvalidBaseUrl, Parts,
};
pub use credential::{Auth, CredentialKind, CredentialProblem, InvalidCredential};
pub use error::{Error, Redirect, ResponseValue, Timeout};
pub use path::{PathParameterError, PathProblem};
pub use rate_limit::RateLimit;
pub use retry::RetryPolicy;
pub use runtime::{ResendRule, Runtime};
