//! The conformance suite's library: reading a spec's examples and checking
//! them against the generated types. The tests in `tests/it` and the
//! `cargo xtask conformance` runner are built on it.

pub mod compare;
pub mod registry;
pub mod spec;

/// The examples of the repository's README, compiled as doctests. They live
/// here because this crate depends on every API crate the README shows.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct RepositoryReadme;
