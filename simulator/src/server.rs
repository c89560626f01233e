//! The server: connections accepted on 127.0.0.1 (at most the plan's number
//! at once), requests read with time and size limits, faults injected when
//! asked, then each request routed to Amio (`/v1`), Webex Connect
//! (`/resources/v1/messaging`) or the simulator's own endpoints
//! (`/_simulator`).

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::header::{ALLOW, AUTHORIZATION, CONNECTION, HOST, HeaderName};
use axum::http::{Method, Request, Response, StatusCode};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::json;
use subtle::ConstantTimeEq;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, oneshot};
use tokio::task::JoinSet;

use crate::amio::Amio;
use crate::http::Reply;
use crate::rate::{Limiter, Plan};
use crate::routes::{Found, Refusal};
use crate::state::{State, StateError};
use crate::webex::{Credentials, Webex};
use crate::webhooks::{Delivery, Outbox};

/// The `/_simulator` control routes: the server's own, beside the API.
mod control;

/// How the simulator runs. `Debug` never shows the credentials.
#[derive(Clone)]
#[non_exhaustive]
pub struct Config {
    /// The port on 127.0.0.1; `0` picks a free one.
    pub port: u16,
    /// Where the state is loaded from on start and written to on exit.
    pub state_file: Option<PathBuf>,
    /// The Amio access token accepted.
    pub token: String,
    /// The Webex Connect service key accepted.
    pub service_key: String,
    /// The Webex Connect service id a JWT's `iss` must name.
    pub service_id: String,
    /// The Webex Connect service secret JWTs are signed with (HS256).
    pub service_secret: String,
    /// The pricing plan whose limits apply.
    pub plan: Plan,
    /// Requests per hour, instead of the plan's.
    pub rate_limit: Option<u64>,
    /// Simultaneous connections, instead of the plan's.
    pub connections: Option<usize>,
    /// With a seed, some requests are answered 502 or have their connection
    /// dropped, in an order the seed fixes.
    pub faults: Option<u64>,
    /// The share of requests a fault hits (0 to 1).
    pub fault_rate: f64,
    /// How many times faster than real time the simulated clock runs: the
    /// rate-limit hour and the re-delivery schedule are divided by it.
    pub time_scale: f64,
    /// No log lines on stderr.
    pub quiet: bool,
    /// How long a client may take to send a request's headers.
    pub header_timeout: Duration,
    /// How long a client may take to send a request's body.
    pub body_timeout: Duration,
    /// The largest request body accepted, in bytes.
    pub body_limit: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            port: crate::DEFAULT_PORT,
            state_file: None,
            token: crate::DEFAULT_TOKEN.to_owned(),
            service_key: crate::DEFAULT_SERVICE_KEY.to_owned(),
            service_id: crate::DEFAULT_SERVICE_ID.to_owned(),
            service_secret: crate::DEFAULT_SERVICE_SECRET.to_owned(),
            plan: Plan::Developer,
            rate_limit: None,
            connections: None,
            faults: None,
            fault_rate: 0.1,
            time_scale: 1.0,
            quiet: false,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            body_limit: 1024 * 1024,
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("port", &self.port)
            .field("state_file", &self.state_file)
            .field("token", &"<redacted>")
            .field("service_key", &"<redacted>")
            .field("service_id", &self.service_id)
            .field("service_secret", &"<redacted>")
            .field("plan", &self.plan)
            .field("rate_limit", &self.rate_limit)
            .field("connections", &self.connections)
            .field("faults", &self.faults)
            .field("fault_rate", &self.fault_rate)
            .field("time_scale", &self.time_scale)
            .field("quiet", &self.quiet)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// The requests per hour that apply, if limited.
    pub fn requests_per_hour(&self) -> Option<u64> {
        self.rate_limit.or(self.plan.requests_per_hour())
    }

    /// The simultaneous connections allowed, if limited.
    pub fn connection_limit(&self) -> Option<usize> {
        self.connections.or(self.plan.connections())
    }

    fn minute(&self) -> Duration {
        Duration::from_secs(60).div_f64(self.time_scale)
    }
}

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// A setting is out of range.
    #[error("{0}")]
    Config(String),
    /// A spec could not be read, or has an operation the simulator cannot answer.
    #[error("{0}")]
    Spec(String),
    /// The state file could not be read or written.
    #[error(transparent)]
    State(#[from] StateError),
    /// The port could not be bound.
    #[error("listening on 127.0.0.1:{port}: {source}")]
    Bind {
        /// The port.
        port: u16,
        /// Why.
        source: std::io::Error,
    },
}

/// What every request shares.
pub(crate) struct App {
    pub(crate) config: Config,
    pub(crate) amio: Amio,
    webex: Webex,
    credentials: Credentials,
    pub(crate) state: Mutex<State>,
    limiter: Limiter,
    pub(crate) outbox: Arc<Outbox>,
    faults: Option<Mutex<fastrand::Rng>>,
    port: u16,
}

/// A fault the seed picked for a request.
enum Fault {
    BadGateway,
    Drop,
}

/// The error that makes hyper close a connection without answering.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped")
    }
}

impl std::error::Error for Dropped {}

impl App {
    pub(crate) fn lock_state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn fault(&self) -> Option<Fault> {
        let mut rng = self
            .faults
            .as_ref()?
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if rng.f64() >= self.config.fault_rate {
            return None;
        }
        Some(if rng.bool() {
            Fault::BadGateway
        } else {
            Fault::Drop
        })
    }

    /// The scheme and authority the client used (its `Host`), for
    /// `Location`; the listening address when the header is unusable.
    fn origin(&self, request: &Request<Body>) -> String {
        request
            .headers()
            .get(HOST)
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.parse::<axum::http::uri::Authority>().ok())
            .map(|authority| format!("http://{authority}"))
            .unwrap_or_else(|| format!("http://127.0.0.1:{}", self.port))
    }

    /// Whether the request carries the access token: as a bearer token or
    /// as the `access_token` query parameter (seed 000, "Authentication").
    pub(crate) fn authenticated(&self, request: &Request<Body>) -> bool {
        let expected = self.config.token.as_bytes();
        let matches = |given: &str| bool::from(given.as_bytes().ct_eq(expected));
        let bearer = request
            .headers()
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.get(..7)
                    .filter(|s| s.eq_ignore_ascii_case("bearer "))
                    .map(|_| v[7..].trim())
            });
        if bearer.is_some_and(matches) {
            return true;
        }
        form_urlencoded::parse(request.uri().query().unwrap_or_default().as_bytes())
            .any(|(name, value)| name == "access_token" && matches(&value))
    }

    /// Reads the body within the time and size limits.
    async fn body(&self, body: Body) -> Result<Vec<u8>, Result<Reply, Dropped>> {
        match tokio::time::timeout(
            self.config.body_timeout,
            axum::body::to_bytes(body, self.config.body_limit),
        )
        .await
        {
            Err(_) => Err(Ok(Reply::error(
                StatusCode::REQUEST_TIMEOUT,
                "The request body did not arrive in time.",
            ))),
            Ok(Ok(bytes)) => Ok(bytes.to_vec()),
            Ok(Err(error)) => {
                // The limit's error, wherever it sits in the chain.
                let too_large =
                    std::iter::successors(std::error::Error::source(&error), |e| e.source())
                        .any(|e| e.is::<http_body_util::LengthLimitError>());
                if too_large {
                    Err(Ok(Reply::error(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        format!(
                            "The request body is larger than {} bytes.",
                            self.config.body_limit
                        ),
                    )))
                } else {
                    Err(Err(Dropped))
                }
            }
        }
    }

    async fn serve(
        self: Arc<Self>,
        request: Request<Body>,
        over_limit: Option<usize>,
    ) -> Result<Response<Body>, Dropped> {
        let started = Instant::now();
        let method = request.method().clone();
        let path = request.uri().path().to_owned();
        let (response, posts) = match self.answer(request, over_limit).await {
            Ok(answer) => answer,
            Err(Dropped) => {
                if !self.config.quiet {
                    crate::log(format_args!("{method} {path} dropped (fault)"));
                }
                return Err(Dropped);
            }
        };
        if !self.config.quiet {
            crate::log(format_args!(
                "{method} {path} {} {:.1?}",
                response.status().as_u16(),
                started.elapsed()
            ));
        }
        self.outbox.send(posts);
        Ok(response)
    }

    async fn answer(
        self: &Arc<Self>,
        request: Request<Body>,
        over_limit: Option<usize>,
    ) -> Result<(Response<Body>, Vec<crate::webhooks::Post>), Dropped> {
        let path = request.uri().path().to_owned();
        if path == "/_simulator" || path.starts_with("/_simulator/") {
            let (mut response, posts) = control::answer(self, request).await;
            if over_limit.is_some() {
                response
                    .headers_mut()
                    .insert(CONNECTION, axum::http::HeaderValue::from_static("close"));
            }
            return Ok((response, posts));
        }
        match self.fault() {
            Some(Fault::Drop) => return Err(Dropped),
            Some(Fault::BadGateway) => {
                return Ok(self
                    .standing_headers(Reply::error(
                        StatusCode::BAD_GATEWAY,
                        "Simulated fault (--faults): the underlying platform failed.",
                    ))
                    .into_parts());
            }
            None => {}
        }
        if let Some(limit) = over_limit {
            let (mut response, posts) = self
                .standing_headers(Reply::error(
                    StatusCode::TOO_MANY_REQUESTS,
                    format!(
                        "You have exceeded the maximum number of simultaneous connections ({limit}) of your plan. See documentation for more details: https://docs.amio.io/reference#rate-limiting"
                    ),
                ))
                .into_parts();
            response
                .headers_mut()
                .insert(CONNECTION, axum::http::HeaderValue::from_static("close"));
            return Ok((response, posts));
        }
        if let Found::Route(route, _) = self.webex.routes.find(request.method(), &path) {
            let route = route.clone();
            let (parts, body) = request.into_parts();
            let bytes = match self.body(body).await {
                Ok(bytes) => bytes,
                Err(Ok(reply)) => return Ok(reply.into_parts()),
                Err(Err(dropped)) => return Err(dropped),
            };
            let checked = route
                .inputs(&self.webex.suite.schemas, Default::default(), None, &bytes)
                .map(|inputs| inputs.body.unwrap_or_default());
            let (body, posts) = self.webex.send(&self.credentials, &parts.headers, checked);
            return Ok((Reply::json(StatusCode::OK, body).into_parts().0, posts));
        }
        if let Found::MethodNotAllowed(allowed) = self.webex.routes.find(request.method(), &path) {
            return Ok(method_not_allowed(request.method(), &path, &allowed).into_parts());
        }
        self.answer_amio(request).await
    }

    /// `reply` with the `X-RateLimit-*` headers of the budget as it stands,
    /// counting nothing: the platform sends them on every answer.
    fn standing_headers(&self, mut reply: Reply) -> Reply {
        if let Some(standing) = self.limiter.peek() {
            for (name, value) in [
                ("x-ratelimit-limit", standing.limit),
                ("x-ratelimit-remaining", standing.remaining),
                ("x-ratelimit-reset", standing.reset),
            ] {
                reply = reply.with_header(HeaderName::from_static(name), value.to_string());
            }
        }
        reply
    }

    async fn answer_amio(
        self: &Arc<Self>,
        request: Request<Body>,
    ) -> Result<(Response<Body>, Vec<crate::webhooks::Post>), Dropped> {
        if !self.authenticated(&request) {
            // The live platform's message (as the Node SDK's end-to-end suite reads it).
            return Ok(self
                .standing_headers(Reply::error(StatusCode::UNAUTHORIZED, "Wrong accessToken."))
                .into_parts());
        }
        let standing = self.limiter.take();
        let rate_headers = |mut reply: Reply| {
            if let Some(standing) = standing {
                for (name, value) in [
                    ("x-ratelimit-limit", standing.limit),
                    ("x-ratelimit-remaining", standing.remaining),
                    ("x-ratelimit-reset", standing.reset),
                ] {
                    reply = reply.with_header(HeaderName::from_static(name), value.to_string());
                }
            }
            reply.into_parts()
        };
        if standing.is_some_and(|s| !s.allowed) {
            return Ok(rate_headers(Reply::error(
                StatusCode::TOO_MANY_REQUESTS,
                "You have exceeded maximum number of requests and have been temporarily blocked. See documentation for more details: https://docs.amio.io/reference#rate-limiting",
            )));
        }
        let origin = self.origin(&request);
        let path = request.uri().path().to_owned();
        let method = request.method().clone();
        let query = request.uri().query().map(str::to_owned);
        let (route, params) = match self.amio.routes.find(&method, &path) {
            Found::Route(route, params) => (route.clone(), params),
            Found::MethodNotAllowed(allowed) => {
                return Ok(rate_headers(method_not_allowed(&method, &path, &allowed)));
            }
            Found::NoPath => {
                return Ok(rate_headers(Reply::error(
                    StatusCode::NOT_FOUND,
                    format!("Resource {path} not found."),
                )));
            }
        };
        let bytes = match self.body(request.into_body()).await {
            Ok(bytes) => bytes,
            Err(Ok(reply)) => return Ok(rate_headers(reply)),
            Err(Err(dropped)) => return Err(dropped),
        };
        let inputs = match route.inputs(&self.amio.suite.schemas, params, query.as_deref(), &bytes)
        {
            Ok(inputs) => inputs,
            Err(Refusal::BadRequest(message, field)) => {
                let reply = match field {
                    Some(field) => {
                        Reply::field_error(StatusCode::BAD_REQUEST, &field, json!(null), message)
                    }
                    None => Reply::error(StatusCode::BAD_REQUEST, message),
                };
                return Ok(rate_headers(reply));
            }
            Err(Refusal::Invalid(problems)) => return Ok(rate_headers(Reply::invalid(&problems))),
        };
        let reply = {
            let mut state = self.lock_state();
            self.amio.call(&mut state, &route.id, inputs, &origin)
        };
        Ok(rate_headers(reply))
    }
}

fn method_not_allowed(method: &Method, path: &str, allowed: &[Method]) -> Reply {
    let allow: Vec<&str> = allowed.iter().map(Method::as_str).collect();
    Reply::error(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("Method {method} is not allowed for resource {path}."),
    )
    .with_header(ALLOW, allow.join(", "))
}

/// A simulator that is running.
pub struct Running {
    app: Arc<App>,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for Running {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Running")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Running {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`: the Webex Connect base URL.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://127.0.0.1:PORT/v1`: the Amio base URL.
    pub fn amio_base_url(&self) -> String {
        format!("http://{}{}", self.addr, self.app.amio.routes.base_path())
    }

    /// Every webhook and notification sent, with its attempts (the log keeps
    /// the last thousand).
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.app.outbox.deliveries()
    }

    /// What it prints on start: where it listens, the credentials it accepts,
    /// the seeded channel and contact, and the limits that apply.
    pub fn banner(&self) -> String {
        let config = &self.app.config;
        let limits = match (config.requests_per_hour(), config.connection_limit()) {
            (None, None) => "no limits".to_owned(),
            (requests, connections) => format!(
                "{} requests/hour, {} simultaneous connections",
                requests.map_or("unlimited".to_owned(), |r| r.to_string()),
                connections.map_or("unlimited".to_owned(), |c| c.to_string()),
            ),
        };
        let mut lines = vec![
            format!("listening on {}", self.base_url()),
            format!(
                "  Amio           {}   token: {}",
                self.amio_base_url(),
                config.token
            ),
            format!(
                "  Webex Connect  {}   (POST /resources/v1/messaging)   service key: {}",
                self.base_url(),
                config.service_key
            ),
            format!(
                "                 JWT (HS256): iss {}, service secret {}",
                config.service_id, config.service_secret
            ),
            format!(
                "  seeded channel {} (mobile, mode test, no webhook), contact {} (+{})",
                crate::SEEDED_CHANNEL_ID,
                crate::SEEDED_CONTACT_ID,
                crate::SEEDED_PHONE_NUMBER
            ),
            format!("  plan {}: {limits}", config.plan.name()),
        ];
        if let Some(seed) = config.faults {
            lines.push(format!(
                "  faults: seed {seed}, {:.0}% of requests answered 502 or dropped",
                config.fault_rate * 100.0
            ));
        }
        if config.time_scale != 1.0 {
            lines.push(format!(
                "  time runs {}x faster (a minute lasts {:.3?})",
                config.time_scale,
                config.minute()
            ));
        }
        if let Some(path) = &config.state_file {
            lines.push(format!("  state: {}", path.display()));
        }
        lines.join("\n")
    }

    /// Stops accepting connections, closes the open ones and writes the
    /// state file (if there is one).
    pub async fn shutdown(mut self) -> Result<(), StateError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
        self.snapshot()
    }

    /// Writes the state file now (if there is one).
    pub fn snapshot(&self) -> Result<(), StateError> {
        match &self.app.config.state_file {
            Some(path) => self.app.lock_state().save(path),
            None => Ok(()),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the simulator of `config` on 127.0.0.1. The state is loaded from
/// `config.state_file` if it exists (and written there at once, so that a
/// path that cannot be written fails now rather than on exit).
pub async fn start(config: Config) -> Result<Running, StartError> {
    if !(config.time_scale.is_finite() && config.time_scale > 0.0) {
        return Err(StartError::Config(format!(
            "the time scale must be a positive number, not {}",
            config.time_scale
        )));
    }
    if !(0.0..=1.0).contains(&config.fault_rate) {
        return Err(StartError::Config(format!(
            "the fault rate must be between 0 and 1, not {}",
            config.fault_rate
        )));
    }
    if config.connection_limit() == Some(0) {
        return Err(StartError::Config(
            "the connection limit must be at least 1".to_owned(),
        ));
    }
    let amio = Amio::new().map_err(StartError::Spec)?;
    let webex = Webex::new().map_err(StartError::Spec)?;
    let state = match &config.state_file {
        Some(path) if path.exists() => State::load(path, &amio.suite.schemas)?,
        _ => State::seeded(),
    };
    if let Some(path) = &config.state_file {
        state.save(path)?;
    }
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port))
        .await
        .map_err(|source| StartError::Bind {
            port: config.port,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| StartError::Bind {
        port: config.port,
        source,
    })?;
    let outbox = Outbox::new(config.minute(), config.quiet).map_err(StartError::Config)?;
    let app = Arc::new(App {
        limiter: Limiter::new(
            config.requests_per_hour(),
            Duration::from_secs(3600).div_f64(config.time_scale),
        ),
        faults: config
            .faults
            .map(|seed| Mutex::new(fastrand::Rng::with_seed(seed))),
        credentials: Credentials {
            service_key: config.service_key.clone(),
            service_id: config.service_id.clone(),
            service_secret: config.service_secret.clone(),
        },
        outbox: Arc::new(outbox),
        state: Mutex::new(state),
        port: addr.port(),
        amio,
        webex,
        config,
    });
    let (stop, stopped) = oneshot::channel();
    let task = tokio::spawn(accept(Arc::clone(&app), listener, stopped));
    Ok(Running {
        app,
        addr,
        stop: Some(stop),
        task,
    })
}

async fn accept(app: Arc<App>, listener: TcpListener, mut stopped: oneshot::Receiver<()>) {
    let permits = app
        .config
        .connection_limit()
        .map(|n| Arc::new(Semaphore::new(n)));
    let mut connections = JoinSet::new();
    loop {
        let accepted = tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => accepted,
            // Reap finished connections so the set does not grow.
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
        };
        let Ok((stream, _)) = accepted else {
            // Out of file descriptors, say: wait a little rather than spin.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let permit = permits.as_ref().map(|p| Arc::clone(p).try_acquire_owned());
        let over_limit = match &permit {
            Some(Err(_)) => app.config.connection_limit(),
            _ => None,
        };
        let header_timeout = app.config.header_timeout;
        let app = Arc::clone(&app);
        connections.spawn(async move {
            let _permit = permit;
            let service = hyper::service::service_fn(move |request: Request<Incoming>| {
                let app = Arc::clone(&app);
                app.serve(request.map(Body::new), over_limit)
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
