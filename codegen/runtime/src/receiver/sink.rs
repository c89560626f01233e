//! The queue a queued receiver hands deliveries to.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

use tokio::sync::mpsc;

use super::BoxError;

/// The future [`Sink::hand_over`] returns.
pub type SinkFuture<'a> = Pin<Box<dyn Future<Output = Result<(), HandOverError>> + Send + 'a>>;

/// Where [`Receiver::queued`](super::Receiver::queued) puts deliveries: a
/// bounded queue that something else drains.
///
/// `hand_over` resolves `Ok` once the queue owns the item; the receiver
/// then answers `200`. It should not wait for room: answer
/// [`HandOverError::Full`] and let the sender re-deliver. A
/// `tokio::sync::mpsc::Sender` is a sink (it never waits: `try_send`); for
/// a durable queue (a database table, a message broker), implement this
/// and resolve once the write is committed.
pub trait Sink<T>: Send + Sync + 'static {
    /// Hands `item` to the queue.
    fn hand_over(&self, item: T) -> SinkFuture<'_>;
}

impl<T: Send + 'static> Sink<T> for mpsc::Sender<T> {
    fn hand_over(&self, item: T) -> SinkFuture<'_> {
        let handed = self.try_send(item).map_err(|error| match error {
            mpsc::error::TrySendError::Full(_) => HandOverError::Full,
            mpsc::error::TrySendError::Closed(_) => HandOverError::Closed,
        });
        Box::pin(async move { handed })
    }
}

/// Why a sink did not take a delivery. Each is answered `503`.
#[derive(Debug)]
#[non_exhaustive]
pub enum HandOverError {
    /// The queue is full.
    Full,
    /// The queue is closed: nothing drains it any more.
    Closed,
    /// The queue failed (a durable queue's own error).
    Failed(BoxError),
}

impl fmt::Display for HandOverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Full => f.write_str("the delivery queue is full; send it again later"),
            Self::Closed => f.write_str("the delivery queue is closed"),
            Self::Failed(error) => write!(f, "the delivery queue failed: {error}"),
        }
    }
}

impl StdError for HandOverError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::Failed(error) => Some(error.as_ref()),
            Self::Full | Self::Closed => None,
        }
    }
}
