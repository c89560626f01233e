#![doc = include_str!("../README.md")]

#[rustfmt::skip]
#[allow(
    missing_docs,
    unreachable_pub,
    reason = "written by the generator from spec/webex-connect.yaml; fields without a description in the spec have no docs"
)]
mod generated;

mod client;
pub mod content;
mod error;
pub mod notification;
mod response;
pub mod sms;
pub mod validate;

pub use bindings_runtime::validate::ValidationError;
pub use bindings_runtime::{
    BaseUrlProblem, CredentialProblem, InvalidBaseUrl, InvalidCredential, PathParameterError,
    PathProblem, Redirect, RetryPolicy, Timeout,
};
pub use client::{
    BuildError, ClientBuilder, ClientState, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_TIMEOUT, USER_AGENT_VALUE, http_client_builder,
};
pub use error::{Error, HttpError};
pub use generated::types::ResponseCode;
pub use generated::{Client, types};
pub use response::{Queued, Rejection};
pub use validate::{Rule, Validate};
