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
mod error;
mod headers;
mod pagination;
pub mod plugins;
mod retry;
pub mod webhook;

pub use client::{
    AuthLocation, BuildError, ClientBuilder, ClientState, DEFAULT_BASE_URL,
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, USER_AGENT_VALUE,
};
pub use error::{Error, ErrorExt, ResponseValue};
pub use generated::{Client, types};
pub use headers::{HeadersExt, RateLimit};
pub use pagination::{MAX_PAGE_SIZE, Page, paginate};
pub use retry::RetryPolicy;
