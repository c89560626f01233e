#![doc = include_str!("../README.md")]
//!
//! ## Modules
//!
//! The tests in `tests/it` and the runner (`src/main.rs`, run by
//! `cargo xtask conformance`) share this library. Areas: [`examples`] (every
//! API), for Amio [`operations`], [`auth`], [`signature`], [`properties`]
//! and [`live`], for Webex Connect those of [`webex_connect`], and
//! [`cases`]; [`runner`] puts them together into a [`report::Report`].

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
pub mod webex_connect;

/// The examples of the repository's README, compiled as doctests. They live
/// here because this crate depends on every API crate the README shows.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct RepositoryReadme;
