#![doc = include_str!("../README.md")]

#[rustfmt::skip]
#[allow(
    missing_docs,
    unreachable_pub,
    reason = "written by the generator from spec/webex-connect.yaml; fields without a description in the spec have no docs"
)]
mod generated;

#[cfg(feature = "client")]
mod client;
pub mod content;
#[cfg(feature = "client")]
mod error;
pub mod notification;
#[cfg(feature = "client")]
mod response;
pub mod validate;

pub use bindings_runtime::validate::ValidationError;
#[cfg(feature = "client")]
pub use bindings_runtime::{
    BaseUrlProblem, CredentialProblem, InvalidBaseUrl, InvalidCredential, Redirect, RetryPolicy,
    Timeout,
};
pub use bindings_runtime::{PathParameterError, PathProblem};
#[cfg(feature = "client")]
pub use client::{
    BuildError, ClientBuilder, ClientState, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_TIMEOUT, USER_AGENT_VALUE, http_client_builder,
};
#[cfg(feature = "client")]
pub use error::{Error, HttpError};
#[cfg(feature = "client")]
pub use generated::Client;
pub use generated::types;
pub use generated::types::ResponseCode;
#[cfg(feature = "client")]
pub use response::{Queued, Rejection};
pub use validate::{Rule, Validate};
