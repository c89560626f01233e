//! Receiving Amio webhooks across instances on Redis (feature `redis`).
//!
//! Several receivers behind a load balancer share one [`RedisDedup`], so an
//! event is handed over once however many instances Amio's re-deliveries
//! reach; they hand it to a [`RedisQueue`] (a Redis stream), so Amio gets
//! `200` only once the event is stored; and [`Worker`]s drain the stream
//! with at-least-once delivery, taking over the events of a worker that
//! died and moving an event that keeps failing to a dead-letter stream.
//! The guarantees and the Redis settings that matter are in the runtime's
//! documentation ([`bindings_runtime::receiver::redis`]) and the README's
//! "Receiving at scale".
//!
//! ```no_run
//! use amio::webhook::Secrets;
//! use amio::webhook::axum::{DEFAULT_HEADER_TIMEOUT, Receiver, serve};
//! use amio::webhook::redis::{Job, RedisDedup, RedisQueue, Worker};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let url = "redis://127.0.0.1:6379";
//! // Each receiver (any number of them):
//! let receiver = Receiver::new(Secrets::single("my-webhook-secret"))
//!     .deduplicate(RedisDedup::connect(url).await?.prefix("amio:seen:"));
//! let app: axum::Router = axum::Router::new()
//!     .route("/webhook", receiver.queued(RedisQueue::connect(url, "amio:webhooks").await?));
//! tokio::spawn(async move {
//!     let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//!     match serve(listener, app, DEFAULT_HEADER_TIMEOUT).await {}
//!     #[allow(unreachable_code)]
//!     Ok::<(), std::io::Error>(())
//! });
//!
//! // Each worker (any number of them, in any process):
//! let worker: Worker = Worker::connect(url, "amio:webhooks").await?;
//! worker
//!     .run(
//!         |job: Job| async move {
//!             // Idempotent by the event's key: a job can come twice.
//!             println!("{} attempt {}", job.delivery.key_hex(), job.attempt);
//!             Ok::<(), std::io::Error>(())
//!         },
//!         async { tokio::signal::ctrl_c().await.unwrap_or(()) },
//!     )
//!     .await;
//! # Ok(()) }
//! ```

use bindings_runtime::receiver::redis as runtime;
use bytes::Bytes;

use super::{DIGEST_LEN, Delivery};

// Everything of the runtime's Redis receiving, but the generic `Worker` and
// `Job`, which the aliases below (defined here, so they take precedence)
// give for this crate's `Delivery`.
pub use bindings_runtime::receiver::redis::*;

/// A worker of Amio deliveries: see [`runtime::Worker`].
pub type Worker = runtime::Worker<Delivery>;

/// A delivery handed to a [`Worker`]'s handler.
pub type Job = runtime::Job<Delivery>;

/// A [`Delivery`] in the stream: its key, its verified channel (when it
/// has one) and its raw body, as received and verified. Read back, the body
/// is parsed again (not verified again: it was, before it was queued), so
/// [`Delivery::event`] is what the receiver saw.
impl StreamEntry for Delivery {
    fn to_fields(&self) -> Vec<(&'static str, Bytes)> {
        let mut fields = Vec::with_capacity(3);
        fields.push(("key", Bytes::copy_from_slice(&self.key)));
        if let Some(channel) = &self.channel_id {
            fields.push(("channel", Bytes::copy_from_slice(channel.as_bytes())));
        }
        fields.push(("body", self.body.clone()));
        fields
    }

    fn from_fields(fields: &Fields) -> Result<Self, EntryError> {
        let key = fields.get("key").ok_or(EntryError::missing("key"))?;
        let key: [u8; DIGEST_LEN] = key[..]
            .try_into()
            .map_err(|_| EntryError::invalid("key", format!("{} bytes, not 20", key.len())))?;
        let channel_id = match fields.get("channel") {
            None => None,
            Some(channel) => Some(
                std::str::from_utf8(channel)
                    .map_err(|error| EntryError::invalid("channel", error))?
                    .to_owned(),
            ),
        };
        let body = fields
            .get("body")
            .ok_or(EntryError::missing("body"))?
            .clone();
        let event = super::parse(&body);
        Ok(Delivery {
            key,
            channel_id,
            body,
            event,
        })
    }
}
