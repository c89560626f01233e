#![doc = include_str!("../README.md")]
//!
//! ## Modules
//!
//! [`Simulator`] is the simulator in a test: [`Simulator::start`] or
//! [`Simulator::builder`], stopped on drop. [`start`] runs the server of a [`Config`] and gives a [`Running`]
//! simulator; [`cli`] holds what the `trigger`, `inbound`, `read` and
//! `listen` subcommands do. Requests are matched and checked against the
//! specs (`messaging-openapi`'s loading and JSON-Schema validation, which the
//! conformance suite uses too) before
//! a handler of the operation sees them.

mod amio;
pub mod cli;
mod http;
pub mod json;
mod rate;
mod routes;
mod server;
mod simulator;
mod state;
mod webex;
mod webhooks;

pub use rate::Plan;
pub use server::{Config, Running, StartError, start};
pub use simulator::{Builder, Simulator};
pub use state::{
    FORMAT_VERSION, SEEDED_CHANNEL_ID, SEEDED_CONTACT_ID, SEEDED_PHONE_NUMBER, StateError,
};
pub use webex::sign_jwt;
pub use webhooks::{Attempt, Delivery, Outcome, REDELIVERY_MINUTES};

/// The access token the simulator accepts unless `--token` says otherwise.
/// A fake: it opens nothing but the simulator.
pub const DEFAULT_TOKEN: &str = "simulator-token";

/// The Webex Connect service key the simulator accepts unless
/// `--service-key` says otherwise. A fake.
pub const DEFAULT_SERVICE_KEY: &str = "simulator-service-key";

/// The Webex Connect service id a JWT's `iss` must name unless
/// `--service-id` says otherwise.
pub const DEFAULT_SERVICE_ID: &str = "simulator-service";

/// The Webex Connect service secret JWTs are signed with (HS256) unless
/// `--service-secret` says otherwise. A fake.
pub const DEFAULT_SERVICE_SECRET: &str = "simulator-service-secret";

/// The port the simulator listens on unless `--port` says otherwise.
pub const DEFAULT_PORT: u16 = 4010;

/// The Amio spec the simulator serves, as it was built (`spec/amio.yaml`).
pub const AMIO_SPEC: &str = include_str!("../spec/amio.yaml");

/// The Webex Connect spec the simulator serves, as it was built
/// (`spec/webex-connect.yaml`).
pub const WEBEX_CONNECT_SPEC: &str = include_str!("../spec/webex-connect.yaml");

/// The time now, as Amio writes it (`2016-10-06T13:42:48.123Z`).
pub(crate) fn now() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

/// Writes a log line to stderr; a closed stderr is no reason to fail.
pub(crate) fn log(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// `n` random bytes from the operating system.
pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0; N];
    if getrandom::fill(&mut bytes).is_err() {
        // No system randomness: fall back to a seeded generator rather than
        // fail a request. Webhook secrets of a local simulator are fakes.
        let mut rng = fastrand::Rng::new();
        rng.fill(&mut bytes);
    }
    bytes
}
