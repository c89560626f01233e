#![doc = include_str!("../README.md")]

#[rustfmt::skip]
#[allow(
    missing_docs,
    unreachable_pub,
    reason = "written by the generator from spec/amio.yaml; fields without a description in the spec have no docs"
)]
mod generated;

mod client;
pub mod content;
#[doc = include_str!("cookbook.md")]
pub mod cookbook {}
mod error;
mod headers;
mod pagination;
pub mod plugins;
pub mod validate;
pub mod webhook;

pub use bindings_runtime::validate::ValidationError;
pub use bindings_runtime::{
    BaseUrlProblem, CredentialProblem, InvalidBaseUrl, InvalidCredential, PathParameterError,
    PathProblem, Redirect, RetryPolicy, Timeout,
};
pub use client::{
    AuthLocation, BuildError, ClientBuilder, ClientState, DEFAULT_BASE_URL,
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, Plan, USER_AGENT_VALUE, http_client_builder,
};
pub use error::{Error, ErrorExt, ResponseValue};
pub use generated::{Client, types};
pub use headers::{HeadersExt, RateLimit};
pub use pagination::{MAX_PAGE_SIZE, Page, paginate};
pub use validate::{Rule, Validate};
