#![doc = include_str!("../README.md")]
//!
//! ## Modules
//!
//! The tests in `tests/it` and the runner (`src/main.rs`, run by
//! `cargo xtask conformance`) share this library. Areas: [`examples`],
//! [`operations`], [`auth`], [`signature`], [`properties`], [`cases`] and
//! [`live`]; [`runner`] puts them together into a [`report::Report`].

pub mod auth;
pub mod cases;
pub mod compare;
pub mod dispatch;
pub mod examples;
pub mod live;
pub mod mock;
pub mod operations;
pub mod properties;
pub mod registry;
pub mod report;
pub mod runner;
pub mod schema;
pub mod signature;
pub mod spec;
pub mod suite;

/// The examples of the repository's README, compiled as doctests. They live
/// here because this crate depends on every API crate the README shows.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct RepositoryReadme;
