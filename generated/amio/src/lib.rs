#![doc = include_str!("../README.md")]

#[rustfmt::skip]
#[allow(
    missing_docs,
    unreachable_pub,
    reason = "written by the generator from spec/amio.yaml; fields without a description in the spec have no docs"
)]
mod generated;

#[cfg(feature = "client")]
mod client;
pub mod content;
#[doc = include_str!("cookbook.md")]
pub mod cookbook {}
#[cfg(feature = "client")]
mod error;
#[cfg(feature = "client")]
mod headers;
#[cfg(feature = "client")]
mod pagination;
pub mod plugins;
pub mod validate;
pub mod webhook;

pub use bindings_runtime::validate::ValidationError;
#[cfg(feature = "client")]
pub use bindings_runtime::{
    BaseUrlProblem, CredentialProblem, InvalidBaseUrl, InvalidCredential, Redirect, RetryPolicy,
    Timeout,
};
pub use bindings_runtime::{PathParameterError, PathProblem};
#[cfg(feature = "client")]
pub use client::{
    AuthLocation, BuildError, ClientBuilder, ClientState, DEFAULT_BASE_URL,
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, Plan, USER_AGENT_VALUE, http_client_builder,
};
#[cfg(feature = "client")]
pub use error::{Error, ErrorExt, ResponseValue};
#[cfg(feature = "client")]
pub use generated::Client;
pub use generated::types;
#[cfg(feature = "client")]
pub use headers::{HeadersExt, RateLimit};
#[cfg(feature = "client")]
pub use pagination::{MAX_PAGE_SIZE, Page, paginate};
pub use validate::{Rule, Validate};
