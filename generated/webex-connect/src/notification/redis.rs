//! Receiving delivery notifications across instances on Redis (feature
//! `redis`): the shared de-duplication store, durable queue and worker of
//! the runtime ([`bindings_runtime::receiver::redis`]), as for Amio's
//! webhooks.
//!
//! ```no_run
//! use webex_connect::notification::axum::{Notifications, Receiver};
//! use webex_connect::notification::redis::{Job, RedisDedup, RedisQueue, Worker};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let url = "redis://127.0.0.1:6379";
//! let receiver = Receiver::new(Notifications)
//!     .deduplicate(RedisDedup::connect(url).await?.prefix("webex:seen:"));
//! let app: axum::Router = axum::Router::new().route(
//!     "/webex/notify/3f9c0b5e2d7a4e18a6c1f0d9b8e7a6c5",
//!     receiver.queued(RedisQueue::connect(url, "webex:notifications").await?),
//! );
//! let worker: Worker = Worker::connect(url, "webex:notifications").await?;
//! # let shutdown = async {};
//! worker
//!     .run(
//!         |job: Job| async move {
//!             match &job.delivery.notification {
//!                 Ok(notification) => println!("{:?}", notification.delivery_info_notification.transid),
//!                 Err(error) => eprintln!("not a documented notification: {error}"),
//!             }
//!             Ok::<(), std::io::Error>(())
//!         },
//!         shutdown,
//!     )
//!     .await;
//! # drop(app);
//! # Ok(()) }
//! ```

use bindings_runtime::receiver::redis as runtime;
use bytes::Bytes;

use super::axum::Delivery;

// Everything of the runtime's Redis receiving, but the generic `Worker` and
// `Job`, which the aliases below (defined here, so they take precedence)
// give for this crate's `Delivery`.
pub use bindings_runtime::receiver::redis::*;

/// A worker of delivery notifications: see [`runtime::Worker`].
pub type Worker = runtime::Worker<Delivery>;

/// A notification handed to a [`Worker`]'s handler.
pub type Job = runtime::Job<Delivery>;

/// A notification in the stream: its key and its raw body; read back, the
/// body is parsed again, so [`Delivery::notification`] is what the receiver
/// saw.
impl StreamEntry for Delivery {
    fn to_fields(&self) -> Vec<(&'static str, Bytes)> {
        vec![
            ("key", Bytes::copy_from_slice(&self.key)),
            ("body", self.body.clone()),
        ]
    }

    fn from_fields(fields: &Fields) -> Result<Self, EntryError> {
        let key = fields.get("key").ok_or(EntryError::missing("key"))?;
        let key: [u8; 20] = key[..]
            .try_into()
            .map_err(|_| EntryError::invalid("key", format!("{} bytes, not 20", key.len())))?;
        let body = fields
            .get("body")
            .ok_or(EntryError::missing("body"))?
            .clone();
        let notification = super::parse(&body);
        Ok(Delivery {
            key,
            body,
            notification,
        })
    }
}
