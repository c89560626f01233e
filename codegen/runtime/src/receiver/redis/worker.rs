//! [`Worker`]: drains a [`RedisQueue`](super::RedisQueue)'s stream in a
//! consumer group, one entry at a time.

use std::error::Error as StdError;
use std::fmt;
use std::marker::PhantomData;
use std::pin::pin;
use std::time::Duration;

use ::redis::aio::ConnectionManager;
use ::redis::streams::StreamReadReply;
use ::redis::{Script, Value};
use tokio::time::Instant;

use super::queue::{Fields, Names, StreamEntry, bulk, text};

use super::{DEFAULT_TIMEOUT, RedisError, bounded};

/// How long an entry may stay with a worker that does not renew its lease
/// (because it died) before another worker takes it over: 30 seconds. A
/// live worker renews the lease of the entry it is handling every third of
/// it, however long its handler runs.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(30);

/// How many times an entry is handed to a handler before it goes to the
/// dead-letter stream: 5 (a worker that died while handling it counts).
pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;

/// How long a worker waits before it hands a failed entry to the handler
/// again: 1 second, doubled after each failure.
pub const DEFAULT_RETRY_DELAY: Duration = Duration::from_secs(1);

/// How long one read waits for a new entry: 1 second. A shutdown is seen
/// between reads, so this bounds how long it takes when the worker is idle.
pub const DEFAULT_BLOCK: Duration = Duration::from_secs(1);

/// One entry handed to a handler.
#[derive(Debug)]
#[non_exhaustive]
pub struct Job<D> {
    /// The delivery, read back from the entry.
    pub delivery: D,
    /// The entry's id in the stream.
    pub id: String,
    /// Which attempt this is: 1 the first time, more after a failure or a
    /// worker that died.
    pub attempt: u32,
}

/// Why a worker stopped, or what went wrong while it ran.
#[derive(Debug)]
#[non_exhaustive]
pub enum WorkerError {
    /// Redis failed, or did not answer within the bound.
    Redis(RedisError),
    /// Redis answered something the worker's commands never return.
    Unexpected(&'static str),
}

impl fmt::Display for WorkerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Redis(error) => write!(f, "Redis failed: {error}"),
            Self::Unexpected(what) => write!(f, "Redis answered an unexpected {what}"),
        }
    }
}

impl StdError for WorkerError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::Redis(error) => Some(error),
            Self::Unexpected(_) => None,
        }
    }
}

impl From<RedisError> for WorkerError {
    fn from(error: RedisError) -> Self {
        Self::Redis(error)
    }
}

/// `KEYS`: stream, errors; `ARGV`: group, consumer, lease ms, cursor.
/// Takes over one entry idle past the lease: `{cursor}` when there is
/// none, else `{cursor, id, fields, delivery count, last error}`.
const RECLAIM: &str = r"
local claimed = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], 'COUNT', 1)
local entry = claimed[2][1]
if entry == nil then return {claimed[1]} end
local pending = redis.call('XPENDING', KEYS[1], ARGV[1], entry[1], entry[1], 1)
local count = 1
if #pending == 1 then count = pending[1][4] end
return {claimed[1], entry[1], entry[2], count, redis.call('HGET', KEYS[2], entry[1])}
";

/// `KEYS`: stream; `ARGV`: group, consumer, id. Takes the entry again for
/// another attempt: `{fields, delivery count}`, or `false` when it is gone
/// (acknowledged by a worker that took it over).
const RETAKE: &str = r"
local claimed = redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3])
if #claimed == 0 or not claimed[1] then return false end
local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
local count = 1
if #pending == 1 then count = pending[1][4] end
return {claimed[1][2], count}
";

/// `KEYS`: stream; `ARGV`: group, consumer, id. Renews the lease of an
/// entry this consumer holds (resets its idle time); 0 if it holds it no
/// longer.
const RENEW: &str = r"
local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1, ARGV[2])
if #pending == 0 then return 0 end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')
return 1
";

/// `KEYS`: stream, errors; `ARGV`: group, id.
const ACK: &str = r"
redis.call('HDEL', KEYS[2], ARGV[2])
return redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
";

/// `KEYS`: stream, dead-letter stream, errors; `ARGV`: group, consumer, id,
/// error, attempts. Moves the entry to the dead-letter stream and
/// acknowledges it, in one script, if this consumer still holds it.
const BURY: &str = r"
local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1, ARGV[2])
if #pending == 0 then return 0 end
local entries = redis.call('XRANGE', KEYS[1], ARGV[3], ARGV[3])
if #entries == 1 then
  local fields = entries[1][2]
  local added = {'failed-id', ARGV[3], 'failed-error', ARGV[4], 'failed-attempts', ARGV[5]}
  for i = 1, #fields do added[#added + 1] = fields[i] end
  redis.call('XADD', KEYS[2], '*', unpack(added))
end
redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
redis.call('HDEL', KEYS[3], ARGV[3])
return 1
";

/// What [`Worker::on_error`] is given.
type Report = Box<dyn Fn(&WorkerError) + Send + Sync>;

/// An entry the worker holds.
struct Held {
    id: String,
    fields: Fields,
    /// How many times it was handed to a consumer, this time included.
    attempt: u32,
    last_error: Option<String>,
}

/// Works off a [`RedisQueue`](super::RedisQueue)'s stream: reads it in a
/// consumer group, one entry at a time, and hands each to your handler.
///
/// - `Ok(())` from the handler: the entry is acknowledged (`XACK`).
/// - `Err(e)`: `e` is recorded as the entry's last error and the entry is
///   handed over again after a delay ([`DEFAULT_RETRY_DELAY`], doubling);
///   after [`DEFAULT_MAX_ATTEMPTS`] attempts it moves to the dead-letter
///   stream with that error ([`RedisQueue::replay`](super::RedisQueue::replay)
///   brings it back).
/// - The worker dies (killed, crashed): its entry stays pending, and
///   another worker takes it over (`XAUTOCLAIM`) once the lease
///   ([`DEFAULT_LEASE`]) has passed without renewal; that is an attempt too,
///   so an entry that kills its workers ends in the dead-letter stream.
/// - [`Worker::run`]'s shutdown future resolves: the handler in flight
///   finishes and its entry is acknowledged, then `run` returns.
/// - Redis fails: the worker waits and tries again (reporting each error
///   to [`Worker::on_error`]'s function); nothing is acknowledged that was
///   not handled.
///
/// Delivery is at least once: a worker killed after its handler's side
/// effect and before `XACK` has its entry handled again by another. Make
/// the handler idempotent with the delivery's key.
#[must_use]
pub struct Worker<D> {
    connection: ConnectionManager,
    names: Names,
    consumer: String,
    lease: Duration,
    max_attempts: u32,
    retry_delay: Duration,
    block: Duration,
    timeout: Duration,
    on_error: Option<Report>,
    entry: PhantomData<fn() -> D>,
}

impl<D> fmt::Debug for Worker<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Worker")
            .field("stream", &self.names.stream)
            .field("group", &self.names.group)
            .field("consumer", &self.consumer)
            .field("lease", &self.lease)
            .field("max_attempts", &self.max_attempts)
            .finish_non_exhaustive()
    }
}

impl<D: StreamEntry> Worker<D> {
    /// A worker of the queue on `stream`, in the group
    /// [`DEFAULT_GROUP`](super::DEFAULT_GROUP), under a consumer name of its
    /// own (random), with the default lease and attempts.
    ///
    /// `connection` should be the worker's own: its reads block it for up
    /// to [`DEFAULT_BLOCK`], and its response timeout must be longer than
    /// that ([`Worker::connect`] sets both).
    ///
    /// # Errors
    ///
    /// No randomness for the consumer name.
    pub fn new(connection: ConnectionManager, stream: &str) -> Result<Self, WorkerError> {
        Ok(Self {
            connection,
            names: Names::new(stream, super::DEFAULT_GROUP),
            consumer: consumer_name()?,
            lease: DEFAULT_LEASE,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            retry_delay: DEFAULT_RETRY_DELAY,
            block: DEFAULT_BLOCK,
            timeout: DEFAULT_TIMEOUT,
            on_error: None,
            entry: PhantomData,
        })
    }

    /// Connects to `url` with a connection of its own and makes a worker
    /// of the queue on `stream` (see [`Worker::new`]).
    ///
    /// # Errors
    ///
    /// The URL is not a Redis URL, or Redis does not answer.
    pub async fn connect(url: &str, stream: &str) -> Result<Self, WorkerError> {
        let connection = super::connect(url, DEFAULT_BLOCK + DEFAULT_TIMEOUT).await?;
        Self::new(connection, stream)
    }

    /// The consumer group (that of the queue).
    pub fn group(mut self, group: &str) -> Self {
        self.names = Names::new(&self.names.stream, group);
        self
    }

    /// The name of this worker in the group: one per live worker (two
    /// workers under one name share their pending entries).
    pub fn consumer(mut self, name: impl Into<String>) -> Self {
        self.consumer = name.into();
        self
    }

    /// How long an entry whose worker stopped renewing it waits before
    /// another takes it over ([`DEFAULT_LEASE`] by default; at least 3 ms).
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease.max(Duration::from_millis(3));
        self
    }

    /// How many attempts an entry gets before it goes to the dead-letter
    /// stream ([`DEFAULT_MAX_ATTEMPTS`] by default; at least one).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The wait before the second attempt, doubled before each next one
    /// (never longer than the lease).
    pub fn retry_delay(mut self, delay: Duration) -> Self {
        self.retry_delay = delay;
        self
    }

    /// A function told of each error the worker recovers from (Redis
    /// down, an ack that failed); by default they are not reported.
    pub fn on_error(mut self, report: impl Fn(&WorkerError) + Send + Sync + 'static) -> Self {
        self.on_error = Some(Box::new(report));
        self
    }

    /// This worker's consumer name.
    pub fn consumer_name(&self) -> &str {
        &self.consumer
    }

    /// Hands each entry to `handler` until `shutdown` resolves, then lets
    /// the handler in flight finish, acknowledges its entry and returns.
    /// Errors of Redis are waited out, not returned.
    pub async fn run<F, Fut, E>(self, handler: F, shutdown: impl Future<Output = ()>)
    where
        F: Fn(Job<D>) -> Fut,
        Fut: Future<Output = Result<(), E>>,
        E: fmt::Display,
    {
        let mut shutdown = pin!(shutdown);
        let mut stopping = false;
        if let Err(error) = self.create_group().await {
            // Created on the next attempt, or by a receiver's first `XADD`.
            self.report(&error);
        }
        let mut cursor = String::from("0-0");
        let mut next_reclaim = Instant::now();
        let mut failures = 0_u32;
        while !stopping {
            let step = async {
                if Instant::now() >= next_reclaim {
                    match self.reclaim(&cursor).await? {
                        (next, Some(held)) => {
                            cursor = next;
                            return Ok(Some(held));
                        }
                        (next, None) if next != "0-0" => cursor = next,
                        (_, None) => {
                            cursor = String::from("0-0");
                            next_reclaim = Instant::now() + self.lease / 3;
                        }
                    }
                }
                self.read_new().await
            };
            let held = match until(step, shutdown.as_mut(), &mut stopping).await {
                Ok(held) => {
                    failures = 0;
                    held
                }
                Err(error) => {
                    self.report(&error);
                    failures = failures.saturating_add(1);
                    let pause = Duration::from_millis(50)
                        .saturating_mul(2_u32.saturating_pow(failures.min(5)));
                    let _ =
                        until(tokio::time::sleep(pause), shutdown.as_mut(), &mut stopping).await;
                    continue;
                }
            };
            if let Some(held) = held {
                self.work(held, &handler, shutdown.as_mut(), &mut stopping)
                    .await;
            }
        }
    }

    /// Handles one entry until it is acknowledged, buried, taken over or
    /// left for later (a shutdown between attempts).
    async fn work<F, Fut, E>(
        &self,
        mut held: Held,
        handler: &F,
        mut shutdown: std::pin::Pin<&mut impl Future<Output = ()>>,
        stopping: &mut bool,
    ) where
        F: Fn(Job<D>) -> Fut,
        Fut: Future<Output = Result<(), E>>,
        E: fmt::Display,
    {
        let mut delay = self.retry_delay;
        loop {
            if held.attempt > self.max_attempts {
                // Handed over more often than allowed: its workers died.
                let error = held.last_error.take().unwrap_or_else(|| {
                    format!(
                        "its worker stopped while handling it, {} times",
                        held.attempt - 1
                    )
                });
                self.bury(&held.id, &error, held.attempt - 1).await;
                return;
            }
            let delivery = match D::from_fields(&held.fields) {
                Ok(delivery) => delivery,
                Err(error) => {
                    self.bury(&held.id, &error.to_string(), held.attempt).await;
                    return;
                }
            };
            let job = Job {
                delivery,
                id: held.id.clone(),
                attempt: held.attempt,
            };
            let outcome = until(
                self.renewing(&held.id, handler(job)),
                shutdown.as_mut(),
                stopping,
            )
            .await;
            let error = match outcome {
                Ok(()) => {
                    self.ack(&held.id).await;
                    return;
                }
                Err(error) => error.to_string(),
            };
            if held.attempt >= self.max_attempts {
                self.bury(&held.id, &error, held.attempt).await;
                return;
            }
            self.record(&held.id, &error).await;
            if *stopping {
                // Left pending: another worker (or this one, restarted
                // under its name) takes it over after the lease.
                return;
            }
            let _ = until(
                tokio::time::sleep(delay.min(self.lease)),
                shutdown.as_mut(),
                stopping,
            )
            .await;
            delay = delay.saturating_mul(2);
            match self.retake(&held.id).await {
                Ok(Some((fields, attempt))) => {
                    held = Held {
                        id: held.id,
                        fields,
                        attempt,
                        last_error: Some(error),
                    };
                }
                // Taken over and acknowledged by another worker.
                Ok(None) => return,
                Err(error) => {
                    // It stays pending: taken over after the lease.
                    self.report(&error);
                    return;
                }
            }
        }
    }

    /// Runs `handling`, renewing the lease of `id` every third of it.
    async fn renewing<T>(&self, id: &str, handling: impl Future<Output = T>) -> T {
        let mut handling = pin!(handling);
        let period = self.lease / 3;
        let mut renewal = tokio::time::interval_at(Instant::now() + period, period);
        loop {
            tokio::select! {
                done = &mut handling => return done,
                _ = renewal.tick() => {
                    let mut connection = self.connection.clone();
                    let renewed: Result<i64, _> = bounded(
                        period,
                        Script::new(RENEW)
                            .key(&self.names.stream)
                            .arg(&self.names.group)
                            .arg(&self.consumer)
                            .arg(id)
                            .invoke_async(&mut connection),
                    )
                    .await;
                    if let Err(error) = renewed {
                        self.report(&WorkerError::Redis(error));
                    }
                }
            }
        }
    }

    async fn reclaim(&self, cursor: &str) -> Result<(String, Option<Held>), WorkerError> {
        let mut connection = self.connection.clone();
        let reply: Value = bounded(
            self.timeout,
            Script::new(RECLAIM)
                .key(&self.names.stream)
                .key(&self.names.errors)
                .arg(&self.names.group)
                .arg(&self.consumer)
                .arg(super::dedup::millis(self.lease))
                .arg(cursor)
                .invoke_async(&mut connection),
        )
        .await
        .or_else(|error| self.recreate_group(error))?;
        let Value::Array(parts) = reply else {
            return Ok((String::from("0-0"), None));
        };
        let mut parts = parts.into_iter();
        let next = parts
            .next()
            .and_then(text)
            .ok_or(WorkerError::Unexpected("XAUTOCLAIM cursor"))?;
        let Some(id) = parts.next().and_then(text) else {
            return Ok((next, None));
        };
        let fields = parts
            .next()
            .and_then(Fields::from_flat)
            .ok_or(WorkerError::Unexpected("XAUTOCLAIM entry"))?;
        let attempt = parts.next().and_then(count).unwrap_or(1);
        let last_error = parts
            .next()
            .and_then(bulk)
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
        Ok((
            next,
            Some(Held {
                id,
                fields,
                attempt,
                last_error,
            }),
        ))
    }

    async fn read_new(&self) -> Result<Option<Held>, WorkerError> {
        let mut connection = self.connection.clone();
        let reply: StreamReadReply = bounded(
            self.block + self.timeout,
            ::redis::cmd("XREADGROUP")
                .arg("GROUP")
                .arg(&self.names.group)
                .arg(&self.consumer)
                .arg("COUNT")
                .arg(1)
                .arg("BLOCK")
                .arg(super::dedup::millis(self.block))
                .arg("STREAMS")
                .arg(&self.names.stream)
                .arg(">")
                .query_async(&mut connection),
        )
        .await
        .or_else(|error| {
            self.recreate_group(error)
                .map(|()| StreamReadReply::default())
        })?;
        let Some(entry) = reply.keys.into_iter().flat_map(|key| key.ids).next() else {
            return Ok(None);
        };
        let fields =
            Fields::from_map(entry.map).ok_or(WorkerError::Unexpected("XREADGROUP entry"))?;
        Ok(Some(Held {
            id: entry.id,
            fields,
            attempt: 1,
            last_error: None,
        }))
    }

    /// Creates the group, reading from the start, unless it exists.
    async fn create_group(&self) -> Result<(), WorkerError> {
        let mut connection = self.connection.clone();
        let created = bounded(
            self.timeout,
            ::redis::cmd("XGROUP")
                .arg("CREATE")
                .arg(&self.names.stream)
                .arg(&self.names.group)
                .arg("0")
                .arg("MKSTREAM")
                .exec_async(&mut connection),
        )
        .await;
        match created {
            Err(error) if error.code() != Some("BUSYGROUP") => Err(error.into()),
            _ => Ok(()),
        }
    }

    /// Turns a missing group (the stream was deleted, or Redis lost its
    /// data) into a new group reading from the start; other errors pass.
    fn recreate_group<T: Default>(&self, error: RedisError) -> Result<T, WorkerError> {
        if error.code() != Some("NOGROUP") {
            return Err(error.into());
        }
        let mut connection = self.connection.clone();
        let stream = self.names.stream.clone();
        let group = self.names.group.clone();
        // The caller reports the error and tries again after a pause; the
        // group is there by then.
        tokio::spawn(async move {
            let _: Result<Value, _> = ::redis::cmd("XGROUP")
                .arg("CREATE")
                .arg(stream)
                .arg(group)
                .arg("0")
                .arg("MKSTREAM")
                .query_async(&mut connection)
                .await;
        });
        Err(error.into())
    }

    async fn retake(&self, id: &str) -> Result<Option<(Fields, u32)>, WorkerError> {
        let mut connection = self.connection.clone();
        let reply: Value = bounded(
            self.timeout,
            Script::new(RETAKE)
                .key(&self.names.stream)
                .arg(&self.names.group)
                .arg(&self.consumer)
                .arg(id)
                .invoke_async(&mut connection),
        )
        .await?;
        let Value::Array(parts) = reply else {
            return Ok(None);
        };
        let mut parts = parts.into_iter();
        let fields = parts
            .next()
            .and_then(Fields::from_flat)
            .ok_or(WorkerError::Unexpected("XCLAIM entry"))?;
        let attempt = parts.next().and_then(count).unwrap_or(1);
        Ok(Some((fields, attempt)))
    }

    /// Acknowledges `id`, trying again (within the lease) while Redis fails:
    /// an entry not acknowledged is handled again after the lease.
    async fn ack(&self, id: &str) {
        let script = Script::new(ACK);
        self.persist("XACK", || {
            let mut connection = self.connection.clone();
            let mut invocation = script.key(&self.names.stream);
            invocation
                .key(&self.names.errors)
                .arg(&self.names.group)
                .arg(id);
            async move {
                invocation
                    .invoke_async::<i64>(&mut connection)
                    .await
                    .map(drop)
            }
        })
        .await;
    }

    /// Moves `id` to the dead-letter stream with `error`.
    async fn bury(&self, id: &str, error: &str, attempts: u32) {
        let script = Script::new(BURY);
        self.persist("dead letter", || {
            let mut connection = self.connection.clone();
            let mut invocation = script.key(&self.names.stream);
            invocation
                .key(&self.names.dead)
                .key(&self.names.errors)
                .arg(&self.names.group)
                .arg(&self.consumer)
                .arg(id)
                .arg(error)
                .arg(attempts);
            async move {
                invocation
                    .invoke_async::<i64>(&mut connection)
                    .await
                    .map(drop)
            }
        })
        .await;
    }

    /// Records `error` as the last error of `id`.
    async fn record(&self, id: &str, error: &str) {
        let mut connection = self.connection.clone();
        let recorded = bounded(
            self.timeout,
            ::redis::cmd("HSET")
                .arg(&self.names.errors)
                .arg(id)
                .arg(error)
                .exec_async(&mut connection),
        )
        .await;
        if let Err(error) = recorded {
            self.report(&WorkerError::Redis(error));
        }
    }

    /// Runs `call` until it succeeds, for at most the lease (after which
    /// the entry is another worker's anyway).
    async fn persist<Fut>(&self, what: &'static str, call: impl Fn() -> Fut)
    where
        Fut: Future<Output = Result<(), RedisError>>,
    {
        let deadline = Instant::now() + self.lease;
        let mut pause = Duration::from_millis(20);
        loop {
            match bounded(self.timeout, call()).await {
                Ok(()) => return,
                Err(error) => {
                    self.report(&WorkerError::Redis(error));
                    if Instant::now() + pause >= deadline {
                        self.report(&WorkerError::Unexpected(what));
                        return;
                    }
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_millis(500));
                }
            }
        }
    }

    fn report(&self, error: &WorkerError) {
        if let Some(report) = &self.on_error {
            report(error);
        }
    }
}

/// Awaits `work` to its end while watching `shutdown`: once it resolves,
/// `stopping` is set and `work` still runs to completion (a read in flight
/// is never cut, so no entry is read and dropped).
async fn until<T>(
    work: impl Future<Output = T>,
    mut shutdown: std::pin::Pin<&mut impl Future<Output = ()>>,
    stopping: &mut bool,
) -> T {
    let mut work = pin!(work);
    loop {
        tokio::select! {
            done = &mut work => return done,
            () = shutdown.as_mut(), if !*stopping => *stopping = true,
        }
    }
}

fn count(value: Value) -> Option<u32> {
    match value {
        Value::Int(count) => u32::try_from(count).ok(),
        other => text(other)?.parse().ok(),
    }
}

/// A consumer name of its own: `worker-` and 64 random bits in hex.
fn consumer_name() -> Result<String, WorkerError> {
    let mut bytes = [0_u8; 8];
    getrandom::fill(&mut bytes).map_err(|error| {
        WorkerError::Redis(RedisError::from(std::io::Error::other(format!(
            "no randomness for a consumer name: {error}"
        ))))
    })?;
    Ok(format!("worker-{:016x}", u64::from_be_bytes(bytes)))
}
