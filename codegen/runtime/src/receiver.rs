//! Receiving webhooks with [axum](https://docs.rs/axum) (feature `axum`),
//! written once for every API.
//!
//! An API crate says how to judge one request (a [`Judge`]: its signature
//! scheme, its parser, its error body); [`Receiver`] does the rest, the same
//! way for every API:
//!
//! - the body is read up to a size limit (`413` above it, refused from the
//!   `Content-Length` before reading when it has one) and within a time
//!   limit (`408` when the client stalls), then judged;
//! - a delivery the judge accepts is handed over in one of two modes:
//!   [`Receiver::inline`] runs your handler and answers `200` when it
//!   returns `Ok`, so its errors make the sender re-deliver;
//!   [`Receiver::queued`] answers `200` as soon as the delivery is in a
//!   bounded queue you drain ([`Sink`]: a `tokio::sync::mpsc::Sender`, or a
//!   durable queue of yours), and `503` when the queue is full, so the
//!   sender re-delivers. Either way `200` means the delivery was handed
//!   over, never less;
//! - with [`Receiver::deduplicate`], a delivery whose key was handed over
//!   before is answered `200` without being handed over again
//!   ([`MemoryStore`], or a store of yours behind [`Dedup`]).
//!
//! [`serve`] runs a router on a listener with a bound on the time a client
//! may take to send its request headers, which `axum::serve` does not set.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, post};
use bytes::Bytes;

mod body;
mod dedup;
#[cfg(feature = "redis")]
pub mod redis;
mod serve;
mod sink;

pub use body::{DEFAULT_BODY_LIMIT, DEFAULT_BODY_TIMEOUT};
pub use dedup::{
    Claim, DEFAULT_CAPACITY, DEFAULT_IN_FLIGHT_TTL, DEFAULT_TTL, Dedup, MemoryStore, StoreError,
    StoreFuture,
};
pub use serve::{DEFAULT_HEADER_TIMEOUT, serve, serve_with_shutdown};
pub use sink::{HandOverError, Sink, SinkFuture};

/// A boxed error, as the body and the stores report them.
pub type BoxError = Box<dyn StdError + Send + Sync>;

/// The SHA-1 digest of `body`: a stable key for a delivery that carries no
/// signature of its own (the same bytes give the same key).
pub fn body_digest(body: &[u8]) -> [u8; 20] {
    use sha1::Digest;
    sha1::Sha1::digest(body).into()
}

/// How one API judges a request: what it accepts, what it refuses, and how
/// it words a refusal. The [`Receiver`] reads the body and calls
/// [`Judge::judge`] once per request.
pub trait Judge: Send + Sync + 'static {
    /// What an accepted request gives: handed to your handler or your queue.
    type Delivery: Send + 'static;
    /// Why a request is refused.
    type Refusal: StdError + Send + Sync + 'static;

    /// Judges a request from its headers and its whole body.
    fn judge(&self, headers: &HeaderMap, body: Bytes) -> Result<Self::Delivery, Self::Refusal>;

    /// The key of a delivery: the same for every re-delivery of it, and for
    /// nothing else. [`Receiver::deduplicate`] remembers it.
    fn key(delivery: &Self::Delivery) -> &[u8];

    /// The HTTP status that answers `refusal`.
    fn status(refusal: &Self::Refusal) -> StatusCode;

    /// What the answer to `refusal` tells the sender, who is not yet
    /// authenticated: by default the refusal's message. A judge whose
    /// refusals would tell apart what a caller must not learn (which
    /// channels have a secret) says less here; the [`Rejection`] keeps the
    /// whole reason for the receiver's own logs.
    fn answer(refusal: &Self::Refusal) -> String {
        refusal.to_string()
    }

    /// The response for a failure: its status and its message (which never
    /// holds a secret). Plain text unless the API documents an error body.
    fn respond(status: StatusCode, message: &str) -> Response {
        (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            message.to_owned(),
        )
            .into_response()
    }
}

/// A webhook receiver: a [`Judge`], the limits on reading a body, and an
/// optional de-duplication store. Cheap to clone.
#[must_use]
pub struct Receiver<J> {
    judge: Arc<J>,
    body_limit: usize,
    body_timeout: Duration,
    dedup: Option<Arc<dyn Dedup>>,
}

impl<J> Clone for Receiver<J> {
    fn clone(&self) -> Self {
        Self {
            judge: Arc::clone(&self.judge),
            body_limit: self.body_limit,
            body_timeout: self.body_timeout,
            dedup: self.dedup.clone(),
        }
    }
}

impl<J: fmt::Debug> fmt::Debug for Receiver<J> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("judge", &self.judge)
            .field("body_limit", &self.body_limit)
            .field("body_timeout", &self.body_timeout)
            .field("deduplicate", &self.dedup.is_some())
            .finish()
    }
}

impl<J: Judge> Receiver<J> {
    /// A receiver that judges requests with `judge`, reads bodies up to
    /// [`DEFAULT_BODY_LIMIT`] within [`DEFAULT_BODY_TIMEOUT`], and does not
    /// de-duplicate.
    pub fn new(judge: J) -> Self {
        Self {
            judge: Arc::new(judge),
            body_limit: DEFAULT_BODY_LIMIT,
            body_timeout: DEFAULT_BODY_TIMEOUT,
            dedup: None,
        }
    }

    /// The largest body accepted, in bytes; a larger one is answered `413`
    /// without being read in full.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// How long a client may take to send the whole body, from the moment
    /// the receiver starts reading it; a slower one is answered `408` and
    /// its connection closed.
    pub fn body_timeout(mut self, timeout: Duration) -> Self {
        self.body_timeout = timeout;
        self
    }

    /// De-duplicates deliveries by their [`Judge::key`] in `store`: a
    /// delivery handed over before is answered `200` and not handed over
    /// again; one being handed over right now is answered `503` (the sender
    /// tries again later, when it is known whether the first one went
    /// through). A delivery that was not handed over (your handler failed,
    /// the queue was full) is forgotten, so its re-delivery is handled.
    pub fn deduplicate(mut self, store: impl Dedup) -> Self {
        self.dedup = Some(Arc::new(store));
        self
    }

    /// The judge.
    pub fn judge(&self) -> &J {
        &self.judge
    }

    /// Reads the body of `request` within the limits and judges it. This
    /// does not de-duplicate: that needs to know whether the delivery was
    /// handed over, which [`Receiver::inline`] and [`Receiver::queued`] do.
    pub async fn receive(&self, request: Request) -> Result<J::Delivery, Rejection<J>> {
        let (parts, body) = request.into_parts();
        let bytes = body::read(body, &parts.headers, self.body_limit, self.body_timeout)
            .await
            .map_err(|error| match error {
                body::ReadError::TooLarge => Rejection::TooLarge {
                    limit: self.body_limit,
                },
                body::ReadError::TimedOut => Rejection::TimedOut {
                    after: self.body_timeout,
                },
                body::ReadError::Failed(error) => Rejection::Body(error),
            })?;
        self.judge
            .judge(&parts.headers, bytes)
            .map_err(Rejection::Refused)
    }

    /// A `POST` route that runs `handler` for each accepted delivery and
    /// answers `200 OK` when it returns `Ok(())`, or `Err(e)`'s response
    /// (the sender re-delivers after a 4xx or 5xx). A refused request never
    /// reaches `handler`.
    pub fn inline<S, F, Fut, E>(self, handler: F) -> MethodRouter<S>
    where
        S: Clone + Send + Sync + 'static,
        F: Fn(J::Delivery) -> Fut + Clone + Send + Sync + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: IntoResponse + 'static,
    {
        post(move |request: Request| async move {
            self.deliver(request, move |delivery| async move {
                handler(delivery).await.map_err(IntoResponse::into_response)
            })
            .await
        })
    }

    /// A `POST` route that hands each accepted delivery to `sink` and
    /// answers `200 OK` once the sink has taken it, `503` when it could not
    /// (full or closed), so the sender re-delivers. Whatever drains the
    /// queue owns the delivery from then on.
    pub fn queued<S, K>(self, sink: K) -> MethodRouter<S>
    where
        S: Clone + Send + Sync + 'static,
        K: Sink<J::Delivery>,
    {
        let sink = Arc::new(sink);
        post(move |request: Request| async move {
            self.deliver(request, move |delivery| async move {
                sink.hand_over(delivery)
                    .await
                    .map_err(|error| Rejection::<J>::HandOver(error).into_response())
            })
            .await
        })
    }

    /// Receives, de-duplicates and hands over one request.
    async fn deliver<H, Fut>(&self, request: Request, hand_over: H) -> Response
    where
        H: FnOnce(J::Delivery) -> Fut,
        Fut: Future<Output = Result<(), Response>>,
    {
        let delivery = match self.receive(request).await {
            Ok(delivery) => delivery,
            Err(rejection) => return rejection.into_response(),
        };
        let claim = match &self.dedup {
            None => None,
            Some(store) => {
                let key: Box<[u8]> = J::key(&delivery).into();
                match store.claim(&key).await {
                    Ok(Claim::New) => Some(Claimed {
                        store: Arc::clone(store),
                        key,
                        settled: false,
                    }),
                    Ok(Claim::Done) => return StatusCode::OK.into_response(),
                    Ok(Claim::InFlight) => return Rejection::<J>::InFlight.into_response(),
                    Err(error) => return Rejection::<J>::Store(error).into_response(),
                }
            }
        };
        let outcome = hand_over(delivery).await;
        if let Some(claim) = claim {
            claim.settle(outcome.is_ok()).await;
        }
        match outcome {
            Ok(()) => StatusCode::OK.into_response(),
            Err(response) => response,
        }
    }
}

/// A key claimed in a de-duplication store. Dropped before it is settled
/// (the connection closed while the handler ran), it is released, so a
/// re-delivery is handled.
struct Claimed {
    store: Arc<dyn Dedup>,
    key: Box<[u8]>,
    settled: bool,
}

impl Claimed {
    async fn settle(mut self, handed_over: bool) {
        // A store that fails here costs at most a duplicate (complete) or a
        // `503` until the in-flight claim expires (release): never a loss.
        let _ = if handed_over {
            self.store.complete(&self.key).await
        } else {
            self.store.release(&self.key).await
        };
        self.settled = true;
    }
}

impl Drop for Claimed {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        let store = Arc::clone(&self.store);
        let key = std::mem::take(&mut self.key);
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let _ = store.release(&key).await;
            });
        }
    }
}

/// Why a request was not handed over. As a response it has the status of
/// [`Rejection::status`] and the body of [`Judge::respond`].
#[non_exhaustive]
pub enum Rejection<J: Judge> {
    /// The body is larger than the limit: `413`.
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The client did not send the whole body in time: `408`.
    TimedOut {
        /// The time allowed.
        after: Duration,
    },
    /// The body could not be read (the connection failed): `400`.
    Body(BoxError),
    /// The judge refused the request: the status of [`Judge::status`].
    Refused(J::Refusal),
    /// The same delivery is being handed over by another request right now:
    /// `503`, so the sender tries again once that one is settled.
    InFlight,
    /// The de-duplication store failed: `503`.
    Store(StoreError),
    /// The queue did not take the delivery: `503`.
    HandOver(HandOverError),
}

impl<J: Judge> Rejection<J> {
    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::TimedOut { .. } => StatusCode::REQUEST_TIMEOUT,
            Self::Body(_) => StatusCode::BAD_REQUEST,
            Self::Refused(refusal) => J::status(refusal),
            Self::InFlight | Self::Store(_) | Self::HandOver(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// Whether the body may be left unread: the connection is then closed.
    fn closes_connection(&self) -> bool {
        matches!(
            self,
            Self::TooLarge { .. } | Self::TimedOut { .. } | Self::Body(_)
        )
    }
}

impl<J: Judge> fmt::Display for Rejection<J> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge { limit } => write!(f, "the body is larger than {limit} bytes"),
            Self::TimedOut { after } => write!(
                f,
                "the body was not received within {} ms",
                after.as_millis()
            ),
            Self::Body(error) => write!(f, "reading the body: {error}"),
            Self::Refused(refusal) => fmt::Display::fmt(refusal, f),
            Self::InFlight => f.write_str(
                "this delivery is being handled by another request; send it again later",
            ),
            Self::Store(error) => fmt::Display::fmt(error, f),
            Self::HandOver(error) => fmt::Display::fmt(error, f),
        }
    }
}

impl<J: Judge> fmt::Debug for Rejection<J>
where
    J::Refusal: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge { limit } => f.debug_struct("TooLarge").field("limit", limit).finish(),
            Self::TimedOut { after } => f.debug_struct("TimedOut").field("after", after).finish(),
            Self::Body(error) => f.debug_tuple("Body").field(error).finish(),
            Self::Refused(refusal) => f.debug_tuple("Refused").field(refusal).finish(),
            Self::InFlight => f.write_str("InFlight"),
            Self::Store(error) => f.debug_tuple("Store").field(error).finish(),
            Self::HandOver(error) => f.debug_tuple("HandOver").field(error).finish(),
        }
    }
}

impl<J: Judge> StdError for Rejection<J>
where
    J::Refusal: fmt::Debug,
{
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::Body(error) => Some(error.as_ref()),
            Self::Refused(refusal) => Some(refusal),
            Self::Store(error) => Some(error),
            Self::HandOver(error) => Some(error),
            Self::TooLarge { .. } | Self::TimedOut { .. } | Self::InFlight => None,
        }
    }
}

impl<J: Judge> IntoResponse for Rejection<J> {
    fn into_response(self) -> Response {
        let message = match &self {
            Self::Refused(refusal) => J::answer(refusal),
            other => other.to_string(),
        };
        let mut response = J::respond(self.status(), &message);
        if self.closes_connection() {
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn settle_released(store: &MemoryStore) {
        // The release runs on a spawned task: let it.
        for _ in 0..100 {
            if store.is_empty() {
                return;
            }
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test]
    async fn a_claim_dropped_before_it_is_settled_is_released() {
        let store = Arc::new(MemoryStore::new());
        assert_eq!(store.claim(b"key").await.unwrap(), Claim::New);
        let claimed = Claimed {
            store: Arc::clone(&store) as Arc<dyn Dedup>,
            key: b"key"[..].into(),
            settled: false,
        };
        // As when the connection closes while the handler runs.
        drop(claimed);
        settle_released(&store).await;
        assert_eq!(store.claim(b"key").await.unwrap(), Claim::New);
    }

    #[tokio::test]
    async fn a_settled_claim_is_kept_or_released_as_it_was_handed_over() {
        let store = Arc::new(MemoryStore::new());
        for (key, handed_over, after) in [
            (&b"kept"[..], true, Claim::Done),
            (b"released", false, Claim::New),
        ] {
            assert_eq!(store.claim(key).await.unwrap(), Claim::New);
            Claimed {
                store: Arc::clone(&store) as Arc<dyn Dedup>,
                key: key.into(),
                settled: false,
            }
            .settle(handed_over)
            .await;
            tokio::task::yield_now().await;
            assert_eq!(store.claim(key).await.unwrap(), after);
        }
    }

    #[test]
    fn body_digest_is_sha1() {
        assert_eq!(
            body_digest(b"abc"),
            [
                0xa9, 0x99, 0x3e, 0x36, 0x47, 0x06, 0x81, 0x6a, 0xba, 0x3e, 0x25, 0x71, 0x78, 0x50,
                0xc2, 0x6c, 0x9c, 0xd0, 0xd8, 0x9d
            ]
        );
    }
}
