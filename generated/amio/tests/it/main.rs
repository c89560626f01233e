//! The integration tests of the `amio` crate, one binary: each module is one area.
//! Every server here is a mock on 127.0.0.1.

mod client;
mod deep;
mod forward;
mod plugins;
mod requests;
mod transport;
mod validation;
mod webhook;

#[cfg(feature = "redis")]
mod cluster;
#[cfg(feature = "axum")]
mod receiver;

/// The repository root.
pub fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("the amio crate sits in generated/amio")
        .to_path_buf()
}
