//! The `amio` crate's integration tests, one binary with a module per area.
//! Every server here is a mock on 127.0.0.1.

mod client;
mod forward;
