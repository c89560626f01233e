#![doc = include_str!("../README.md")]

#[rustfmt::skip]
#[allow(
    missing_docs,
    unreachable_pub,
    reason = "written by the generator from spec/webex-connect.yaml; fields without a description in the spec have no docs"
)]
mod generated;

mod client;
mod error;
pub mod notification;
mod response;
mod validate;

pub use bindings_runtime::{
    BaseUrlProblem, CredentialProblem, InvalidBaseUrl, InvalidCredential, PathParameterError,
    PathProblem, Redirect, RetryPolicy, Timeout,
};
pub use client::{
    BuildError, ClientBuilder, ClientState, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_TIMEOUT, USER_AGENT_VALUE, http_client_builder,
};
pub use error::{Error, HttpError};
pub use generated::{Client, types};
pub use response::{Queued, Rejection, ResponseCode};
pub use validate::{
    MAX_BUTTONS, MAX_CORRELATIONID_BYTES, MAX_DESTINATIONS, MAX_GENERIC_ELEMENTS,
    MAX_QUICK_REPLIES, MAX_SMS_TEXT_CHARS, ValidationError, validate,
};
