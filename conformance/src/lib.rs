#![doc = include_str!("../README.md")]
//!
//! ## Modules
//!
//! The tests in `tests/it` and the runner (`src/main.rs`, run by
//! `cargo xtask conformance`) share this library. One trait,
//! [`suite::ApiUnderTest`], says what an API under test is: its spec, its
//! client behind the dispatch table generated from the spec, what it makes
//! of a response or a callback, its own areas, its live mode. Each API has
//! its folder, [`amio`] and [`webex_connect`]; the checks they share are in
//! [`shared`] (examples, properties, fuzzing, cases, the judge of drift,
//! the report); [`runner`] puts them together into a
//! [`shared::report::Report`]. Each API's folder holds all that is its own:
//! its generated registry of types and dispatch table, its areas, its live
//! mode.

pub mod amio;
pub mod api;
pub mod dispatch;
pub mod endpoint;
pub mod mock;
pub mod runner;
pub mod shared;
pub mod suite;

/// Spec loading and schema validation, shared with the simulator.
pub use messaging_openapi::{schema, spec};
pub mod webex_connect;

/// Which implementation checks which API: the one place that names every
/// API folder. The runner, the tests and the simulator pass an [`api::Api`]
/// where a [`suite::Suite`] wants its implementation; nothing below the
/// crate root imports this.
impl From<api::Api> for &'static dyn suite::ApiUnderTest {
    fn from(api: api::Api) -> Self {
        match api {
            api::Api::Amio => &amio::Amio,
            api::Api::WebexConnect => &webex_connect::WebexConnect,
        }
    }
}

/// The examples of the repository's README, compiled as doctests. They live
/// here because this crate depends on every API crate the README shows.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct RepositoryReadme;
