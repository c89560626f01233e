//! The runtime the generated API clients share, the way `progenitor-client`
//! sits beside `progenitor`: what every client and every webhook receiver
//! needs is written here once, and each API crate keeps only what is its own
//! (its auth scheme, which of its requests may be resent, its error mapping).

#[cfg(feature = "axum")]
pub mod receiver;
