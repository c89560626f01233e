//! [`Simulator`]: the simulator as a value in a user's own test, on a free
//! port of 127.0.0.1, stopped when it is dropped. It runs what the
//! `messaging-simulator` binary runs ([`crate::start`] of a [`Config`]).

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::cli::Remote;
use crate::rate::Plan;
use crate::server::{Config, Running, StartError};
use crate::state::StateError;
use crate::webhooks::Delivery;

/// A simulator running in the current tokio runtime, on 127.0.0.1.
///
/// [`Simulator::start`] takes a free port and the defaults;
/// [`Simulator::builder`] sets what the command line's flags set. Dropping it
/// stops it: the listener closes and open connections are dropped (the state
/// file, if any, is written by [`Simulator::shutdown`] only). `Debug` never
/// shows the credentials.
pub struct Simulator {
    running: Running,
    token: String,
    service_key: String,
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator")
            .field("addr", &self.running.addr())
            .field("token", &"<redacted>")
            .field("service_key", &"<redacted>")
            .finish()
    }
}

impl Simulator {
    /// Starts a simulator on a free port of 127.0.0.1 with the defaults:
    /// the token [`crate::DEFAULT_TOKEN`], the service key
    /// [`crate::DEFAULT_SERVICE_KEY`], the `developer` plan, no faults, real
    /// time, state in memory, no log lines.
    pub async fn start() -> Result<Self, StartError> {
        Self::builder().start().await
    }

    /// The options the command line has, to set before [`Builder::start`].
    pub fn builder() -> Builder {
        Builder {
            config: Config {
                port: 0,
                quiet: true,
                ..Config::default()
            },
        }
    }

    /// The Amio access token it accepts.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The Webex Connect service key it accepts.
    pub fn service_key(&self) -> &str {
        &self.service_key
    }

    /// `http://127.0.0.1:PORT/v1`: the base URL to give an Amio client.
    pub fn amio_base_url(&self) -> String {
        self.running.amio_base_url()
    }

    /// `http://127.0.0.1:PORT`: the base URL to give a Webex Connect client.
    pub fn webex_base_url(&self) -> String {
        self.running.base_url()
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.running.addr()
    }

    /// The seeded Amio channel (type `mobile`, mode `test`, no webhook): the
    /// channel of the specs' examples. Create a channel with a webhook to
    /// receive events.
    pub fn seeded_channel_id(&self) -> &'static str {
        crate::SEEDED_CHANNEL_ID
    }

    /// The seeded contact of the seeded channel (phone number
    /// [`crate::SEEDED_PHONE_NUMBER`]).
    pub fn seeded_contact_id(&self) -> &'static str {
        crate::SEEDED_CONTACT_ID
    }

    /// The delivery log: every webhook and notification sent so far, with
    /// its attempts and outcome (the last thousand).
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.running.deliveries()
    }

    /// The simulator's own endpoints (a contact's inbound message, a
    /// contact reading), with its token.
    pub fn remote(&self) -> Remote {
        Remote {
            url: self.running.base_url(),
            token: self.token.clone(),
        }
    }

    /// Writes the state file now (if there is one).
    pub fn snapshot(&self) -> Result<(), StateError> {
        self.running.snapshot()
    }

    /// Stops accepting connections, closes the open ones and writes the
    /// state file (if there is one).
    pub async fn shutdown(self) -> Result<(), StateError> {
        self.running.shutdown().await
    }
}

/// The options of a [`Simulator`], as the command line's flags set them.
/// Start from [`Simulator::builder`]. `Debug` never shows the credentials.
#[derive(Clone, Debug)]
#[must_use]
pub struct Builder {
    config: Config,
}

impl Builder {
    /// The port on 127.0.0.1 (`--port`); `0`, the default here, picks a free one.
    pub fn port(mut self, port: u16) -> Self {
        self.config.port = port;
        self
    }

    /// Loads the state from `path` on start (if it exists) and writes it
    /// there on [`Simulator::shutdown`] and [`Simulator::snapshot`]
    /// (`--state`).
    pub fn state_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.config.state_file = Some(path.into());
        self
    }

    /// The Amio access token accepted (`--token`).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.config.token = token.into();
        self
    }

    /// The Webex Connect service key accepted (`--service-key`).
    pub fn service_key(mut self, key: impl Into<String>) -> Self {
        self.config.service_key = key.into();
        self
    }

    /// The `iss` a Webex Connect JWT must have, and the secret it is signed
    /// with, HS256 (`--service-id`, `--service-secret`).
    pub fn jwt_service(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.config.service_id = id.into();
        self.config.service_secret = secret.into();
        self
    }

    /// The Amio plan whose limits apply (`--plan`).
    pub fn plan(mut self, plan: Plan) -> Self {
        self.config.plan = plan;
        self
    }

    /// Requests per hour, instead of the plan's (`--rate-limit`).
    pub fn rate_limit(mut self, per_hour: u64) -> Self {
        self.config.rate_limit = Some(per_hour);
        self
    }

    /// Simultaneous connections, instead of the plan's (`--connections`).
    pub fn connections(mut self, connections: usize) -> Self {
        self.config.connections = Some(connections);
        self
    }

    /// Answers a share `rate` (0 to 1) of API requests 502 or drops their
    /// connection, in an order `seed` fixes (`--faults`, `--fault-rate`).
    pub fn faults(mut self, seed: u64, rate: f64) -> Self {
        self.config.faults = Some(seed);
        self.config.fault_rate = rate;
        self
    }

    /// Runs the clock `scale` times faster: the rate-limit hour and the
    /// re-delivery schedule (`--time-scale`).
    pub fn time_scale(mut self, scale: f64) -> Self {
        self.config.time_scale = scale;
        self
    }

    /// Writes a log line per request and per webhook attempt on stderr, as
    /// the command line does without `--quiet` (off here by default).
    pub fn log(mut self, log: bool) -> Self {
        self.config.quiet = !log;
        self
    }

    /// Starts it. An error says which option is out of range, or why the
    /// state file or the port could not be used.
    pub async fn start(self) -> Result<Simulator, StartError> {
        let token = self.config.token.clone();
        let service_key = self.config.service_key.clone();
        let running = crate::start(self.config).await?;
        Ok(Simulator {
            running,
            token,
            service_key,
        })
    }
}
