//! [`RedisDedup`]: the de-duplication store every receiver shares.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use ::redis::Script;
use ::redis::aio::ConnectionManager;

use super::{DEFAULT_TIMEOUT, RedisError, bounded};
use crate::receiver::{Claim, DEFAULT_TTL, Dedup, StoreError, StoreFuture};

/// How long a claim lasts when its receiver neither confirms nor releases it
/// (the process died between claiming and queueing): 90 seconds. Longer than
/// the 60 seconds a platform waits for an answer, so a handler it still
/// waits for keeps its claim; shorter than Amio's second re-delivery
/// (5 minutes after the first), which then gets through.
pub const DEFAULT_CLAIM_TTL: Duration = Duration::from_secs(90);

/// The prefix of the keys [`RedisDedup`] writes, before the delivery key in
/// hex: `webhook:seen:`.
pub const DEFAULT_DEDUP_PREFIX: &str = "webhook:seen:";

/// The value of a key whose delivery was handed over.
const DONE: &str = "done";

/// `SET NX PX` the claim; otherwise say whether the key is done (2) or
/// claimed by someone else (1). One script, so the answer is about the
/// value that made `SET NX` fail.
const CLAIM: &str = r"
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
if redis.call('GET', KEYS[1]) == ARGV[3] then return 2 end
return 1
";

/// Deletes the key only while it holds this claimant's token.
const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
";

/// A [`Dedup`] store in Redis, shared by every receiver that uses the same
/// Redis and prefix.
///
/// - [`Dedup::claim`]: `SET <prefix><key hex> claim:<random token> NX PX <claim ttl>`;
///   a key that holds `done` is [`Claim::Done`], one that holds another
///   claim is [`Claim::InFlight`] (answered `503`: the platform tries again
///   once the first request is settled).
/// - [`Dedup::complete`], once the delivery is queued: `SET … done PX <ttl>`.
/// - [`Dedup::release`], when it was not: deletes the key only if it still
///   holds this claim's token (one script), so a release never undoes
///   another receiver's claim or a confirmation.
///
/// A receiver killed between claiming and queueing leaves its claim, which
/// expires after the claim TTL ([`DEFAULT_CLAIM_TTL`]); until then the
/// delivery is answered `503`, never `200`. Every call is bounded by the
/// timeout ([`DEFAULT_TIMEOUT`]): Redis down or slower than that is a
/// [`StoreError`], answered `503`. `Debug` shows no URL.
#[must_use]
pub struct RedisDedup {
    connection: ConnectionManager,
    prefix: String,
    ttl: Duration,
    claim_ttl: Duration,
    timeout: Duration,
    /// The token of each claim this store holds, by key.
    tokens: Arc<Mutex<HashMap<Box<[u8]>, String>>>,
    claim: Script,
    release: Script,
}

impl fmt::Debug for RedisDedup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisDedup")
            .field("prefix", &self.prefix)
            .field("ttl", &self.ttl)
            .field("claim_ttl", &self.claim_ttl)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl RedisDedup {
    /// A store on `connection` with the default prefix, TTLs and timeout.
    pub fn new(connection: ConnectionManager) -> Self {
        Self {
            connection,
            prefix: DEFAULT_DEDUP_PREFIX.to_owned(),
            ttl: DEFAULT_TTL,
            claim_ttl: DEFAULT_CLAIM_TTL,
            timeout: DEFAULT_TIMEOUT,
            tokens: Arc::default(),
            claim: Script::new(CLAIM),
            release: Script::new(RELEASE),
        }
    }

    /// Connects to `url` (see [`connect`](super::connect)) and makes a store
    /// with the defaults.
    ///
    /// # Errors
    ///
    /// The URL is not a Redis URL, or Redis does not answer.
    pub async fn connect(url: &str) -> Result<Self, RedisError> {
        Ok(Self::new(super::connect(url, DEFAULT_TIMEOUT).await?))
    }

    /// The prefix of the keys written (one per delivery key, in hex).
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// How long a delivery handed over is remembered: by default
    /// [`DEFAULT_TTL`] (13 hours), longer than Amio's whole re-delivery
    /// window (its last attempt comes 480 minutes after the one before,
    /// 12 hours 26 minutes after the first).
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// How long a claim lasts that is neither confirmed nor released
    /// ([`DEFAULT_CLAIM_TTL`] by default); at least a millisecond.
    pub fn claim_ttl(mut self, ttl: Duration) -> Self {
        self.claim_ttl = ttl.max(Duration::from_millis(1));
        self
    }

    /// The bound on each call to Redis ([`DEFAULT_TIMEOUT`] by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    fn redis_key(&self, key: &[u8]) -> String {
        let mut name = String::with_capacity(self.prefix.len() + 2 * key.len());
        name.push_str(&self.prefix);
        for byte in key {
            name.push(char::from(HEX[usize::from(byte >> 4)]));
            name.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
        name
    }

    fn tokens(&self) -> std::sync::MutexGuard<'_, HashMap<Box<[u8]>, String>> {
        // Each statement leaves the map whole: a panic elsewhere cannot
        // leave it half-written.
        self.tokens.lock().unwrap_or_else(PoisonError::into_inner)
    }

    async fn claim_key(&self, key: &[u8]) -> Result<Claim, RedisError> {
        let token = claim_token()?;
        let name = self.redis_key(key);
        let mut connection = self.connection.clone();
        let answer: Result<i64, RedisError> = bounded(
            self.timeout,
            self.claim
                .key(&name)
                .arg(&token)
                .arg(millis(self.claim_ttl))
                .arg(DONE)
                .invoke_async(&mut connection),
        )
        .await;
        match answer {
            Ok(0) => {
                self.tokens().insert(key.into(), token);
                Ok(Claim::New)
            }
            Ok(2) => Ok(Claim::Done),
            Ok(_) => Ok(Claim::InFlight),
            Err(error) => {
                // The claim may have reached Redis after all: take it back
                // once Redis answers (commands on one connection run in
                // order), or let it expire.
                let release = self.release.clone();
                let bound = self.claim_ttl;
                tokio::spawn(async move {
                    let _: Result<i64, _> = bounded(
                        bound,
                        release.key(&name).arg(&token).invoke_async(&mut connection),
                    )
                    .await;
                });
                Err(error)
            }
        }
    }

    async fn complete_key(&self, key: &[u8]) -> Result<(), RedisError> {
        self.tokens().remove(key);
        let mut connection = self.connection.clone();
        bounded(
            self.timeout,
            ::redis::cmd("SET")
                .arg(self.redis_key(key))
                .arg(DONE)
                .arg("PX")
                .arg(millis(self.ttl))
                .exec_async(&mut connection),
        )
        .await
    }

    async fn release_key(&self, key: &[u8]) -> Result<(), RedisError> {
        let Some(token) = self.tokens().remove(key) else {
            return Ok(());
        };
        let mut connection = self.connection.clone();
        let _: i64 = bounded(
            self.timeout,
            self.release
                .key(self.redis_key(key))
                .arg(token)
                .invoke_async(&mut connection),
        )
        .await?;
        Ok(())
    }
}

impl Dedup for RedisDedup {
    fn claim<'a>(&'a self, key: &'a [u8]) -> StoreFuture<'a, Claim> {
        Box::pin(async move { self.claim_key(key).await.map_err(StoreError::new) })
    }

    fn complete<'a>(&'a self, key: &'a [u8]) -> StoreFuture<'a, ()> {
        Box::pin(async move { self.complete_key(key).await.map_err(StoreError::new) })
    }

    fn release<'a>(&'a self, key: &'a [u8]) -> StoreFuture<'a, ()> {
        Box::pin(async move { self.release_key(key).await.map_err(StoreError::new) })
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// A claim's value: `claim:` and 128 random bits in hex, so that no two
/// claimants, in any process, hold the same one.
fn claim_token() -> Result<String, RedisError> {
    let mut bytes = [0_u8; 16];
    getrandom::fill(&mut bytes).map_err(|error| {
        RedisError::from(std::io::Error::other(format!(
            "no randomness for a claim token: {error}"
        )))
    })?;
    let mut token = String::with_capacity(6 + 32);
    token.push_str("claim:");
    for byte in bytes {
        token.push(char::from(HEX[usize::from(byte >> 4)]));
        token.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    Ok(token)
}

/// A duration in whole milliseconds, at least one (`PX 0` is an error).
pub(super) fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}
