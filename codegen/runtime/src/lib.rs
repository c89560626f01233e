//! The runtime the generated API clients share, the way `progenitor-client`
//! sits beside `progenitor`: what every client and every webhook receiver
//! needs is written here once, and each API crate keeps only what is its own
//! (its auth scheme, which of its requests may be resent, its error mapping).
//!
//! Feature `client` (default): [`build`], [`credential`], [`runtime`],
//! [`retry`], [`rate_limit`] and [`error`], everything that needs an HTTP
//! client; without it, what the generated types and a receiver need.
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

#[cfg(feature = "client")]
pub mod build;
#[cfg(feature = "client")]
pub mod build_error;
#[cfg(feature = "client")]
pub mod credential;
pub mod de;
#[cfg(feature = "client")]
pub mod error;
pub mod json;
pub mod path;
#[cfg(feature = "client")]
pub mod rate_limit;
#[cfg(feature = "axum")]
pub mod receiver;
#[cfg(feature = "client")]
pub mod retry;
#[cfg(feature = "client")]
pub mod runtime;
pub mod validate;

#[cfg(feature = "client")]
pub use build::{
    Api, BaseUrlProblem, BuildError, Builder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT,
    InvalidBaseUrl, Parts,
};
#[cfg(feature = "client")]
pub use credential::{Auth, CredentialKind, CredentialProblem, InvalidCredential};
#[cfg(feature = "client")]
pub use error::{Error, Redirect, ResponseValue, Timeout};
pub use path::{PathParameterError, PathProblem};
#[cfg(feature = "client")]
pub use rate_limit::RateLimit;
#[cfg(feature = "client")]
pub use retry::RetryPolicy;
#[cfg(feature = "client")]
pub use runtime::{ResendRule, Runtime};
