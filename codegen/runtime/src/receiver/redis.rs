//! Receiving across instances on Redis (feature `redis`): a shared
//! de-duplication store, a durable queue on Redis Streams and the worker
//! that drains it, so a fleet of receivers behind a load balancer hands each
//! event over once and a crashed process loses nothing that was acked.
//!
//! ```text
//! platform ──POST──▶ receivers ──claim (SET NX PX)──▶ Redis ◀──XREADGROUP / XAUTOCLAIM── workers
//!                    (any number)  ──XADD (stream)──▶        ──XACK after Ok──▶
//!                                  ──confirm (SET done)─▶     ──after N failures──▶ dead-letter stream
//! ```
//!
//! - [`RedisDedup`] is a [`Dedup`](super::Dedup) shared by every receiver:
//!   a claim is `SET key token NX PX <in-flight ttl>`, released only by its
//!   own claimant (compare-and-delete in one script), and confirmed
//!   (`SET key done PX <ttl>`) once the delivery is queued. A receiver that
//!   dies between claiming and queueing leaves a claim that expires: the
//!   platform's re-delivery then gets through.
//! - [`RedisQueue`] is a [`Sink`](super::Sink) on a Redis stream: the
//!   receiver answers `200` only after `XADD` succeeded, and `503` when
//!   Redis is down or slower than [`DEFAULT_TIMEOUT`]. It also lists, and
//!   replays, the dead letters.
//! - [`Worker`] reads the stream in a consumer group, one entry at a time:
//!   it runs your handler and `XACK`s after it returns `Ok`; an entry whose
//!   worker died stays pending and is taken over by another worker once its
//!   lease has passed (`XAUTOCLAIM`); after [`DEFAULT_MAX_ATTEMPTS`] failed
//!   attempts it moves to the dead-letter stream with its last error.
//!
//! Guarantees: at-least-once hand-over to a handler, de-duplicated per
//! delivery key within the TTL, and no verified delivery lost while Redis
//! keeps its data. Not guaranteed: exactly-once side effects. A handler can
//! run twice for one delivery (a worker killed after its side effect and
//! before its `XACK`; a receiver killed after `XADD` and before confirming
//! the claim); make it idempotent with the delivery's key.
//!
//! Every key of one queue (the stream, its dead-letter stream and its
//! error hash) is named after the stream; for Redis Cluster give the stream
//! a hash tag (`{amio}:webhooks`) so that they share a slot.

use std::time::Duration;

use ::redis::aio::ConnectionManagerConfig;

mod dedup;
mod queue;
mod worker;

pub use ::redis::RedisError;
pub use ::redis::aio::ConnectionManager;
pub use dedup::{DEFAULT_CLAIM_TTL, DEFAULT_DEDUP_PREFIX, RedisDedup};
pub use queue::{
    Backlog, DEFAULT_GROUP, DEFAULT_MAX_LEN, DeadLetter, EntryError, Fields, QueueError,
    RedisQueue, StreamEntry,
};
pub use worker::{
    DEFAULT_BLOCK, DEFAULT_LEASE, DEFAULT_MAX_ATTEMPTS, DEFAULT_RETRY_DELAY, Job, Worker,
    WorkerError,
};

/// How long a receiver waits for Redis before it answers `503`: 2 seconds.
/// A claim, an `XADD` or a confirmation slower than that is a failure (the
/// platform re-delivers), never a request held open.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

/// Opens a [`ConnectionManager`] on `url` (`redis://[user:password@]host:port[/db]`,
/// `rediss://` for TLS if redis-rs was built with it): one multiplexed
/// connection, re-established in the background when it breaks, each
/// command bounded by `response_timeout`. Fails when Redis cannot be
/// reached now.
///
/// # Errors
///
/// The URL is not a Redis URL, or Redis does not answer.
pub async fn connect(
    url: &str,
    response_timeout: Duration,
) -> Result<ConnectionManager, RedisError> {
    let client = ::redis::Client::open(url)?;
    let config = ConnectionManagerConfig::new()
        .set_response_timeout(Some(response_timeout))
        .set_connection_timeout(Some(response_timeout))
        .set_min_delay(Duration::from_millis(50))
        .set_max_delay(Duration::from_millis(500))
        .set_number_of_retries(4);
    let connect = ConnectionManager::new_with_config(client, config);
    match tokio::time::timeout(response_timeout.saturating_mul(4), connect).await {
        Ok(connected) => connected,
        Err(_) => Err(timed_out()),
    }
}

/// The error of a call that took longer than its bound.
fn timed_out() -> RedisError {
    RedisError::from(std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        "Redis did not answer in time",
    ))
}

/// Runs `call` within `bound`: a call that takes longer is a timeout.
async fn bounded<T>(
    bound: Duration,
    call: impl Future<Output = Result<T, RedisError>>,
) -> Result<T, RedisError> {
    match tokio::time::timeout(bound, call).await {
        Ok(result) => result,
        Err(_) => Err(timed_out()),
    }
}
