//! Per-API registries of generated types, written by `cargo xtask regen` from
//! each spec: a schema name in, a round trip through its Rust type out.

/// The Amio API's types, from `spec/amio.yaml`.
#[rustfmt::skip]
pub mod amio;

/// The Webex Connect Messaging API's types, from `spec/webex-connect.yaml`.
#[rustfmt::skip]
pub mod webex_connect;
