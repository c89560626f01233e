//! A receiver of delivery notifications for [axum](https://docs.rs/axum)
//! (feature `axum`): the route behind a request's `notifyurl`.
//!
//! [`Receiver`] is the receiver of the `amio` crate's webhooks, with the
//! judgement of this API: the same body limit ([`DEFAULT_BODY_LIMIT`]) and
//! body timeout ([`DEFAULT_BODY_TIMEOUT`], `408`), the same two modes
//! ([`Receiver::inline`], [`Receiver::queued`]: `200` only once the
//! notification is handed over, `503` when the queue is full), and the same
//! optional de-duplication ([`Receiver::deduplicate`], keyed by the SHA-1
//! of the body). Serve it with [`serve`] to bound the time headers take.
//!
//! | what | status |
//! |---|---|
//! | body larger than the limit | 413 |
//! | body not received within the timeout | 408 |
//! | body not JSON | 400 |
//! | queue full or closed; the same notification being handled right now; store down | 503 |
//! | inline: your function returns `Err(e)` | `e`'s response |
//! | handed over (or handed over before) | 200 |
//!
//! JSON that is not a notification as documented (a missing `code`, a
//! number where a string belongs) is handed over too, with its bytes and
//! the error in [`Delivery::notification`]: the platform may send more than
//! its documentation says, and refusing it would lose it.
//!
//! # No signature
//!
//! The documentation of the Messaging API v1 (seed 002) gives
//! `notifyurl` no signature, no authentication header and no source
//! addresses: anyone who learns the URL can post a notification to it, and
//! this receiver cannot tell. Mitigate it:
//!
//! - put a secret in the URL: a path segment of 128 random bits per
//!   service (`https://example.com/webex/notify/3f9c…`), sent only in
//!   `notifyurl` and over HTTPS, changed if it leaks;
//! - filter by source address at the edge (firewall, load balancer or
//!   reverse proxy), with the egress ranges Webex Connect gives your tenant;
//! - treat a notification as a claim: match its `transid`,
//!   `correlationid` and `callbackData` with a request you sent (a
//!   `callbackData` of your own random token per request works as a
//!   per-message secret), and never act on one you cannot match.
//!
//! ```
//! use webex_connect::notification::axum::{Delivery, MemoryStore, Notifications, Receiver};
//!
//! let receiver = Receiver::new(Notifications).deduplicate(MemoryStore::new());
//! let (queue, mut notifications) = tokio::sync::mpsc::channel::<Delivery>(1024);
//! let app: axum::Router = axum::Router::new()
//!     .route("/webex/notify/3f9c0b5e2d7a4e18a6c1f0d9b8e7a6c5", receiver.queued(queue));
//! // tokio::spawn(async move { while let Some(delivery) = notifications.recv().await { /* ... */ } });
//! // webex_connect::notification::axum::serve(listener, app, webex_connect::notification::axum::DEFAULT_HEADER_TIMEOUT).await;
//! # drop((app, notifications));
//! ```

use ::axum::extract::{FromRef, FromRequest, Request};
use ::axum::http::{HeaderMap, StatusCode};
use bindings_runtime::receiver::{self, Judge};
use bytes::Bytes;

pub use bindings_runtime::receiver::{
    Claim, DEFAULT_BODY_LIMIT, DEFAULT_BODY_TIMEOUT, DEFAULT_CAPACITY, DEFAULT_HEADER_TIMEOUT,
    DEFAULT_IN_FLIGHT_TTL, DEFAULT_TTL, Dedup, HandOverError, MemoryStore, Sink, SinkFuture,
    StoreError, StoreFuture, serve, serve_with_shutdown,
};

use super::{NotificationError, parse};
use crate::types::DeliveryInfoNotification;

/// The judgement of a delivery notification: read with
/// [`notification::parse`](super::parse); refused (`400`) only when the body
/// is not JSON. There is nothing to verify (see [the module](self)).
#[derive(Clone, Copy, Debug, Default)]
pub struct Notifications;

/// Receives delivery notifications: `Receiver::new(Notifications)`. Cheap
/// to clone. See [the module](self) for the modes.
pub type Receiver = receiver::Receiver<Notifications>;

/// Why a notification request was not handed over. As a response, it has
/// the status of [`Rejection::status`](receiver::Rejection::status) and a
/// plain-text message.
pub type Rejection = receiver::Rejection<Notifications>;

/// A notification as received: what the receiver hands over.
#[derive(Debug)]
#[non_exhaustive]
pub struct Delivery {
    /// A stable key: the SHA-1 digest of the body (the same bytes sent
    /// again give the same key).
    pub key: [u8; 20],
    /// The raw body, exactly as received.
    pub body: Bytes,
    /// The typed notification, or why the JSON is not one.
    pub notification: Result<DeliveryInfoNotification, NotificationError>,
}

impl Judge for Notifications {
    type Delivery = Delivery;
    type Refusal = NotificationError;

    fn judge(&self, _headers: &HeaderMap, body: Bytes) -> Result<Delivery, NotificationError> {
        let notification = match parse(&body) {
            Err(NotificationError::NotJson(error)) => {
                return Err(NotificationError::NotJson(error));
            }
            parsed => parsed,
        };
        Ok(Delivery {
            key: receiver::body_digest(&body),
            body,
            notification,
        })
    }

    fn key(delivery: &Delivery) -> &[u8] {
        &delivery.key
    }

    fn status(_: &NotificationError) -> StatusCode {
        StatusCode::BAD_REQUEST
    }
}

/// Extracts a [`Delivery`] in a handler of your own, with the [`Receiver`]
/// in the router's state (directly or by [`FromRef`]). It does not
/// de-duplicate.
impl<S> FromRequest<S> for Delivery
where
    Receiver: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Rejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        Receiver::from_ref(state).receive(request).await
    }
}
