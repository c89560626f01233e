//! A webhook receiver for [axum](https://docs.rs/axum) (feature `axum`).
//!
//! [`Receiver`] turns verified webhooks into a `POST` route. The body is
//! read within a size limit and a time limit, the signature is verified
//! before anything of yours runs, and each verified webhook is handed on as
//! a [`Delivery`], in one of two modes:
//!
//! - **inline** ([`Receiver::inline`]): your async function runs before Amio
//!   gets its answer: `200` when it returns `Ok`, its error's response
//!   otherwise. Its errors make Amio re-deliver; its time is Amio's timeout
//!   (Amio closes connections after 60 seconds, and re-delivers).
//! - **queued** ([`Receiver::queued`]): Amio gets `200` as soon as the
//!   delivery is in your bounded queue (a `tokio::sync::mpsc::Sender`, or a
//!   durable queue behind [`Sink`]); a full queue answers `503`, so Amio
//!   re-delivers later. From then on the queue owns the delivery: a crash
//!   before it is processed loses it unless the queue is durable.
//!
//! Either way, `200` means handed over. Re-deliveries are recognisable:
//! [`Delivery::key`] is the signature's digest, the same for every
//! re-delivery of one webhook, and [`Receiver::deduplicate`] hands a
//! delivery over once however often it comes ([`MemoryStore`] keeps keys
//! for Amio's whole re-delivery window; put them in Redis or your database
//! behind [`Dedup`] to share them between instances).
//!
//! | what | status |
//! |---|---|
//! | signature missing, malformed or wrong; no secret for the channel; a key repeated on the secret's path | 401 |
//! | body larger than the limit ([`DEFAULT_BODY_LIMIT`] unless set) | 413 |
//! | body not received within the timeout ([`DEFAULT_BODY_TIMEOUT`] unless set) | 408 |
//! | body not readable (the connection failed) | 400 |
//! | queue full or closed; the same delivery being handled right now; de-duplication store down | 503 |
//! | inline: your function returns `Err(e)` | `e`'s response |
//! | verified and handed over (or handed over before) | 200 |
//!
//! A verified body that is not an event these bindings can read is handed
//! over too, with its bytes and the parse error in [`Delivery::event`]:
//! answering `400` would make Amio re-deliver it and then discard it.
//! Failures answer with the documented Amio error JSON
//! (`{"timestamp","status":{"code","message"},"errors":[{"message"}]}`).
//!
//! ```
//! use std::time::Duration;
//!
//! use amio::webhook::Secrets;
//! use amio::webhook::axum::{Delivery, MemoryStore, Receiver};
//! use axum::http::StatusCode;
//!
//! let receiver = Receiver::new(Secrets::single("my-webhook-secret"))
//!     .body_timeout(Duration::from_secs(5))
//!     .deduplicate(MemoryStore::new());
//!
//! // Inline: the handler's result is Amio's answer.
//! let inline: axum::Router = axum::Router::new().route(
//!     "/webhook",
//!     receiver.clone().inline(|delivery: Delivery| async move {
//!         match delivery.event {
//!             Ok(event) => println!("{} event", event.event()),
//!             Err(error) => eprintln!("signed but unreadable ({error}): keep {} bytes", delivery.body.len()),
//!         }
//!         Ok::<(), StatusCode>(())
//!     }),
//! );
//!
//! // Queued: 200 once the delivery is in the queue, 503 when it is full.
//! let (queue, mut deliveries) = tokio::sync::mpsc::channel::<Delivery>(1024);
//! let queued: axum::Router = axum::Router::new().route("/webhook", receiver.queued(queue));
//! // tokio::spawn(async move { while let Some(delivery) = deliveries.recv().await { /* ... */ } });
//! // amio::webhook::axum::serve(listener, queued, amio::webhook::axum::DEFAULT_HEADER_TIMEOUT).await;
//! # drop((inline, queued, deliveries));
//! ```
//!
//! Serve the router with [`serve`]: unlike `axum::serve`, it bounds the time
//! a client may take to send its headers ([`DEFAULT_HEADER_TIMEOUT`]).
//! [`Delivery`] is also an extractor for a handler of your own, with the
//! [`Receiver`] in the router's state (it verifies; it does not
//! de-duplicate).

use ::axum::extract::{FromRef, FromRequest, Request};
use ::axum::http::{HeaderMap, StatusCode, header};
use ::axum::response::{IntoResponse, Response};
use bindings_runtime::receiver::{self, Judge};
use bytes::Bytes;

pub use super::Delivery;
use super::{SIGNATURE_HEADER, Secrets, SignatureError, WebhookError};
use crate::types::{ErrorDetail, ErrorResponse, ErrorStatus, ErrorStatusCode};
pub use bindings_runtime::receiver::{
    Claim, DEFAULT_BODY_LIMIT, DEFAULT_BODY_TIMEOUT, DEFAULT_CAPACITY, DEFAULT_HEADER_TIMEOUT,
    DEFAULT_IN_FLIGHT_TTL, DEFAULT_TTL, Dedup, HandOverError, MemoryStore, Sink, SinkFuture,
    StoreError, StoreFuture, serve, serve_with_shutdown,
};

/// Receives Amio webhooks: the [`Secrets`] that sign them, the limits on
/// reading a body, and optionally a de-duplication store. Build it with
/// `Receiver::new(secrets)`; cheap to clone; `Debug` never shows the
/// secrets. See the [module](self) for the modes.
pub type Receiver = receiver::Receiver<Secrets>;

/// Why a webhook request was not handed over. As a response, it has the
/// status of [`Rejection::status`](receiver::Rejection::status) and the
/// documented Amio error JSON.
pub type Rejection = receiver::Rejection<Secrets>;

/// Amio's judgement of a request: `X-Hub-Signature` verified with the
/// channel's secret by [`receive`](super::receive), refusals answered `401`
/// with Amio's error JSON, the signature's digest as the delivery's key.
impl Judge for Secrets {
    type Delivery = Delivery;
    type Refusal = WebhookError;

    fn judge(&self, headers: &HeaderMap, body: Bytes) -> Result<Delivery, WebhookError> {
        // A header that is not visible ASCII is still checked (and refused
        // with a precise error), not taken for a missing one.
        let signature = headers
            .get(SIGNATURE_HEADER)
            .map(|value| String::from_utf8_lossy(value.as_bytes()));
        super::receive(self, body, signature.as_deref())
    }

    fn key(delivery: &Delivery) -> &[u8] {
        &delivery.key
    }

    fn status(refusal: &WebhookError) -> StatusCode {
        refusal.http_status()
    }

    /// A channel without a secret is answered as a signature that does not
    /// match, so that an unauthenticated caller cannot learn which channel
    /// ids have one; the [`Rejection`] still names the channel.
    fn answer(refusal: &WebhookError) -> String {
        match refusal {
            WebhookError::UnknownChannel { .. } => SignatureError::Mismatch.to_string(),
            other => other.to_string(),
        }
    }

    fn respond(status: StatusCode, message: &str) -> Response {
        let body = ErrorResponse {
            timestamp: Some(
                chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            ),
            status: ErrorStatus {
                code: ErrorStatusCode::String(status.as_str().to_owned()),
                message: status.canonical_reason().unwrap_or_default().to_owned(),
            },
            errors: Some(vec![ErrorDetail {
                field: None,
                message: message.to_owned(),
                rejected_value: None,
            }]),
        };
        match serde_json::to_vec(&body) {
            Ok(json) => {
                (status, [(header::CONTENT_TYPE, "application/json")], json).into_response()
            }
            Err(_) => status.into_response(),
        }
    }
}

/// Extracts a verified [`Delivery`] in a handler of your own. It needs the
/// [`Receiver`] from the router's state (directly or by [`FromRef`]); a
/// request it refuses is answered by its [`Rejection`] before your handler
/// runs. It does not de-duplicate.
///
/// ```
/// use amio::webhook::axum::{Delivery, Receiver};
/// use amio::webhook::Secrets;
/// use axum::http::StatusCode;
///
/// async fn webhook(delivery: Delivery) -> StatusCode {
///     println!("webhook {}", delivery.key_hex());
///     StatusCode::OK
/// }
///
/// let app: axum::Router = axum::Router::new()
///     .route("/webhook", axum::routing::post(webhook))
///     .with_state(Receiver::new(Secrets::single("my-webhook-secret")));
/// ```
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
