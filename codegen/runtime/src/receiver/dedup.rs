//! De-duplication: remembering which deliveries were handed over.

use std::collections::{HashMap, VecDeque};
use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::BoxError;

/// How long [`MemoryStore`] remembers a delivery it handed over: 13 hours.
///
/// Amio re-delivers a failed webhook after 1, 5, 20, 60, 180 and 480
/// minutes (seed 000, "Webhook Re-Delivery"): the last attempt comes
/// 12 hours 26 minutes after the first, plus up to 60 seconds for each
/// attempt that timed out.
pub const DEFAULT_TTL: Duration = Duration::from_secs(13 * 60 * 60);

/// How long [`MemoryStore`] keeps a claim whose hand-over neither finished
/// nor failed (the process stopped in between): 5 minutes, well past the
/// 60 seconds after which Amio gives up on a request.
pub const DEFAULT_IN_FLIGHT_TTL: Duration = Duration::from_secs(5 * 60);

/// How many keys [`MemoryStore`] holds at most: one million (a few tens of
/// MiB). Over it the oldest are forgotten first: a very old delivery may
/// then be handed over twice, never lost.
pub const DEFAULT_CAPACITY: usize = 1_000_000;

/// What a store knew of a key when it was claimed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Claim {
    /// Not seen (or forgotten): the key is now claimed by this request,
    /// which hands the delivery over.
    New,
    /// Claimed by another request that has not finished handing it over.
    InFlight,
    /// Handed over before.
    Done,
}

/// The future a [`Dedup`] method returns.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// A store of delivery keys for [`Receiver::deduplicate`](super::Receiver::deduplicate).
///
/// Keys are digests (bytes; hex-encode them for a text store). Each
/// request that is accepted calls [`Dedup::claim`], then, if the claim was
/// [`Claim::New`], either [`Dedup::complete`] (handed over) or
/// [`Dedup::release`] (not handed over). `claim` must be atomic: of two
/// concurrent claims of a key, one gets `New`. In Redis, for example:
/// `SET key in-flight NX PX <in-flight ttl>` for `claim` (and `GET` when
/// that fails), `SET key done PX <ttl>` for `complete`, `DEL key` for
/// `release`.
///
/// A store that fails makes the receiver answer `503`: the sender
/// re-delivers, and nothing is handed over unrecorded.
pub trait Dedup: Send + Sync + 'static {
    /// Claims `key` unless it is in flight or done.
    fn claim<'a>(&'a self, key: &'a [u8]) -> StoreFuture<'a, Claim>;
    /// Records that the delivery of `key` was handed over.
    fn complete<'a>(&'a self, key: &'a [u8]) -> StoreFuture<'a, ()>;
    /// Forgets the claim of `key`: the delivery was not handed over, and
    /// its re-delivery must be.
    fn release<'a>(&'a self, key: &'a [u8]) -> StoreFuture<'a, ()>;
}

/// A de-duplication store failed.
#[derive(Debug)]
pub struct StoreError(BoxError);

impl StoreError {
    /// Wraps the error of a store.
    pub fn new(error: impl Into<BoxError>) -> Self {
        Self(error.into())
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the de-duplication store failed: {}", self.0)
    }
}

impl StdError for StoreError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(self.0.as_ref())
    }
}

/// A [`Dedup`] store in this process's memory: keys handed over are kept
/// for [`DEFAULT_TTL`], claims in flight for [`DEFAULT_IN_FLIGHT_TTL`], at
/// most [`DEFAULT_CAPACITY`] keys. It is lost when the process stops and
/// not shared between processes: for several instances, put the keys in a
/// shared store behind [`Dedup`].
#[derive(Debug)]
#[must_use]
pub struct MemoryStore {
    ttl: Duration,
    in_flight_ttl: Duration,
    capacity: usize,
    keys: Mutex<Keys>,
}

#[derive(Debug, Default)]
struct Keys {
    entries: HashMap<Box<[u8]>, Entry>,
    /// Keys in the order their entries were written, oldest first; an item
    /// whose `stamp` is not its entry's is stale and skipped.
    order: VecDeque<(u64, Box<[u8]>)>,
    stamps: u64,
}

#[derive(Debug)]
struct Entry {
    stamp: u64,
    done: bool,
    expires: Instant,
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryStore {
    /// A store with the default TTLs and capacity.
    pub fn new() -> Self {
        Self {
            ttl: DEFAULT_TTL,
            in_flight_ttl: DEFAULT_IN_FLIGHT_TTL,
            capacity: DEFAULT_CAPACITY,
            keys: Mutex::default(),
        }
    }

    /// How long a delivery handed over is remembered.
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// How long an unsettled claim is kept.
    pub fn in_flight_ttl(mut self, ttl: Duration) -> Self {
        self.in_flight_ttl = ttl;
        self
    }

    /// The most keys held (at least one); the oldest go first.
    pub fn capacity(mut self, keys: usize) -> Self {
        self.capacity = keys.max(1);
        self
    }

    /// How many keys are held now (expired ones included until swept).
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether no key is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Keys> {
        // The map is consistent between statements: a panic elsewhere
        // cannot leave it half-written.
        self.keys.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn claim_now(&self, key: &[u8], now: Instant) -> Claim {
        let mut keys = self.lock();
        keys.sweep(now);
        if let Some(entry) = keys.entries.get(key)
            && entry.expires > now
        {
            return if entry.done {
                Claim::Done
            } else {
                Claim::InFlight
            };
        }
        while keys.entries.len() >= self.capacity && keys.evict_oldest() {}
        keys.write(key, false, now + self.in_flight_ttl);
        Claim::New
    }

    fn complete_now(&self, key: &[u8], now: Instant) {
        self.lock().write(key, true, now + self.ttl);
    }

    fn release_now(&self, key: &[u8]) {
        self.lock().entries.remove(key);
    }
}

impl Keys {
    fn write(&mut self, key: &[u8], done: bool, expires: Instant) {
        self.stamps += 1;
        let stamp = self.stamps;
        self.entries.insert(
            key.into(),
            Entry {
                stamp,
                done,
                expires,
            },
        );
        self.order.push_back((stamp, key.into()));
    }

    /// Whether the oldest item is stale or expired; `false` when there is none.
    fn front_is_gone(&self, now: Instant) -> bool {
        self.order
            .front()
            .is_some_and(|(stamp, key)| match self.entries.get(key) {
                Some(entry) if entry.stamp == *stamp => entry.expires <= now,
                _ => true,
            })
    }

    /// Drops the expired entries at the front of the order.
    fn sweep(&mut self, now: Instant) {
        while self.front_is_gone(now)
            && let Some((stamp, key)) = self.order.pop_front()
        {
            if self
                .entries
                .get(&key)
                .is_some_and(|entry| entry.stamp == stamp)
            {
                self.entries.remove(&key);
            }
        }
    }

    /// Forgets the oldest entry; `false` when there is none.
    fn evict_oldest(&mut self) -> bool {
        while let Some((stamp, key)) = self.order.pop_front() {
            if self
                .entries
                .get(&key)
                .is_some_and(|entry| entry.stamp == stamp)
            {
                self.entries.remove(&key);
                return true;
            }
        }
        false
    }
}

impl Dedup for MemoryStore {
    fn claim<'a>(&'a self, key: &'a [u8]) -> StoreFuture<'a, Claim> {
        let claim = self.claim_now(key, Instant::now());
        Box::pin(async move { Ok(claim) })
    }

    fn complete<'a>(&'a self, key: &'a [u8]) -> StoreFuture<'a, ()> {
        self.complete_now(key, Instant::now());
        Box::pin(async { Ok(()) })
    }

    fn release<'a>(&'a self, key: &'a [u8]) -> StoreFuture<'a, ()> {
        self.release_now(key);
        Box::pin(async { Ok(()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);

    #[test]
    fn the_default_ttl_covers_the_whole_re_delivery_window() {
        let attempts_after_minutes: u64 = [1, 5, 20, 60, 180, 480].iter().sum();
        // Seven attempts, each of which may take Amio's 60 s timeout.
        let window = Duration::from_secs(attempts_after_minutes * 60 + 7 * 60);
        assert!(DEFAULT_TTL > window, "{DEFAULT_TTL:?} <= {window:?}");
    }

    #[test]
    fn a_key_is_new_then_in_flight_then_done_until_it_expires() {
        let store = MemoryStore::new();
        let start = Instant::now();
        assert_eq!(store.claim_now(b"a", start), Claim::New);
        assert_eq!(store.claim_now(b"a", start), Claim::InFlight);
        assert_eq!(store.claim_now(b"b", start), Claim::New);
        store.complete_now(b"a", start);
        assert_eq!(store.claim_now(b"a", start + 12 * HOUR), Claim::Done);
        // Past the TTL the key is new again, and `b`'s unsettled claim has
        // expired long before.
        let later = start + 13 * HOUR + Duration::from_secs(1);
        assert_eq!(store.claim_now(b"a", later), Claim::New);
        assert_eq!(store.claim_now(b"b", later), Claim::New);
    }

    #[test]
    fn an_unsettled_claim_expires_after_the_in_flight_ttl() {
        let store = MemoryStore::new();
        let start = Instant::now();
        assert_eq!(store.claim_now(b"k", start), Claim::New);
        assert_eq!(
            store.claim_now(b"k", start + DEFAULT_IN_FLIGHT_TTL - Duration::from_secs(1)),
            Claim::InFlight
        );
        assert_eq!(
            store.claim_now(b"k", start + DEFAULT_IN_FLIGHT_TTL),
            Claim::New
        );
    }

    #[test]
    fn a_released_key_is_new_again() {
        let store = MemoryStore::new();
        let now = Instant::now();
        assert_eq!(store.claim_now(b"k", now), Claim::New);
        store.release_now(b"k");
        assert_eq!(store.claim_now(b"k", now), Claim::New);
    }

    #[test]
    fn expired_keys_are_swept_and_the_capacity_holds() {
        let store = MemoryStore::new().ttl(HOUR).capacity(3);
        let start = Instant::now();
        for key in [b"1", b"2", b"3"] {
            assert_eq!(store.claim_now(key, start), Claim::New);
            store.complete_now(key, start);
        }
        assert_eq!(store.len(), 3);
        // Full: the oldest goes first.
        assert_eq!(store.claim_now(b"4", start), Claim::New);
        assert_eq!(store.len(), 3);
        assert_eq!(store.claim_now(b"2", start), Claim::Done);
        assert_eq!(store.claim_now(b"1", start), Claim::New, "evicted");
        // After the TTL, the next claim sweeps what expired.
        store.complete_now(b"1", start);
        assert_eq!(store.claim_now(b"5", start + 2 * HOUR), Claim::New);
        assert_eq!(store.len(), 1);
        assert!(store.lock().order.len() <= 2, "stale items are swept too");
    }
}
