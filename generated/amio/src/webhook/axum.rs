//! A webhook receiver for [axum](https://docs.rs/axum) (feature `axum`).
//!
//! [`Receiver::handle`] turns an async function of an [`Event`] into a route:
//! the body is read up to a size limit, the signature is verified before your
//! function runs, and Amio gets `200 OK` as soon as your function accepts the
//! event. Failures answer with the documented Amio error JSON
//! (`{"timestamp","status":{"code","message"},"errors":[{"message"}]}`):
//!
//! | what | status |
//! |---|---|
//! | signature missing, malformed or wrong; no secret for the channel | 401 |
//! | body larger than the limit ([`DEFAULT_BODY_LIMIT`] unless set) | 413 |
//! | signed body that is not a webhook event; body not readable | 400 |
//! | your function returns `Err(e)` | `e`'s response |
//!
//! Amio re-delivers a webhook answered with a 4xx or 5xx after 1, 5, 20, 60,
//! 180 and 480 minutes, so return `Err` (for example
//! `StatusCode::SERVICE_UNAVAILABLE`) only when you want it again; and accept
//! quickly (queue slow work): Amio closes connections after 60 seconds.
//!
//! ```
//! use amio::webhook::Event;
//! use amio::webhook::axum::Receiver;
//! use amio::webhook::Secrets;
//! use axum::http::StatusCode;
//!
//! let receiver = Receiver::new(Secrets::single("my-webhook-secret"));
//! let app: axum::Router = axum::Router::new().route(
//!     "/webhook",
//!     receiver.handle(|event: Event| async move {
//!         println!("{} event", event.event());
//!         Ok::<(), StatusCode>(())
//!     }),
//! );
//! // axum::serve(listener, app).await
//! ```
//!
//! To combine the event with other extractors, use [`Verified`] in your own
//! handler, with the [`Receiver`] in the router's state.

use std::error::Error as StdError;
use std::sync::Arc;

use ::axum::extract::{FromRef, FromRequest, Request};
use ::axum::http::{HeaderMap, StatusCode, header};
use ::axum::response::{IntoResponse, Response};
use ::axum::routing::{MethodRouter, post};
use http_body_util::{BodyExt, LengthLimitError, Limited};

use super::{Event, SIGNATURE_HEADER, Secrets, WebhookError, verify_and_parse};
use crate::types::{ErrorDetail, ErrorResponse, ErrorStatus, ErrorStatusCode};

/// The default limit on the size of a webhook body: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// Receives Amio webhooks: the secrets that sign them and the largest body
/// accepted. Cheap to clone; `Debug` never shows the secrets.
#[derive(Clone, Debug)]
#[must_use]
pub struct Receiver {
    secrets: Arc<Secrets>,
    body_limit: usize,
}

impl Receiver {
    /// A receiver that checks signatures with `secrets` and accepts bodies
    /// up to [`DEFAULT_BODY_LIMIT`].
    pub fn new(secrets: Secrets) -> Self {
        Self {
            secrets: Arc::new(secrets),
            body_limit: DEFAULT_BODY_LIMIT,
        }
    }

    /// The largest body accepted, in bytes; a larger one is answered `413`
    /// without being read in full.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Reads the body of `request` (up to the limit), verifies its signature
    /// and parses the event.
    pub async fn receive(&self, request: Request) -> Result<Event, Rejection> {
        let (parts, body) = request.into_parts();
        if content_length(&parts.headers).is_some_and(|length| length > self.body_limit) {
            return Err(Rejection::TooLarge {
                limit: self.body_limit,
            });
        }
        let body = Limited::new(body, self.body_limit)
            .collect()
            .await
            .map_err(|error| {
                if error.is::<LengthLimitError>() {
                    Rejection::TooLarge {
                        limit: self.body_limit,
                    }
                } else {
                    Rejection::Body(error)
                }
            })?
            .to_bytes();
        // A header that is not visible ASCII is still checked (and refused by
        // `verify` with a precise error), not taken for a missing one.
        let signature = parts
            .headers
            .get(SIGNATURE_HEADER)
            .map(|value| String::from_utf8_lossy(value.as_bytes()));
        Ok(verify_and_parse(
            &self.secrets,
            &body,
            signature.as_deref(),
        )?)
    }

    /// A `POST` route that hands each verified event to `handler` and answers
    /// `200 OK` when it returns `Ok(())`, or `Err(e)`'s response. A request
    /// that fails verification never reaches `handler`.
    pub fn handle<S, F, Fut, E>(self, handler: F) -> MethodRouter<S>
    where
        S: Clone + Send + Sync + 'static,
        F: Fn(Event) -> Fut + Clone + Send + Sync + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: IntoResponse + 'static,
    {
        post(move |request: Request| async move {
            match self.receive(request).await {
                Ok(event) => match handler(event).await {
                    Ok(()) => StatusCode::OK.into_response(),
                    Err(error) => error.into_response(),
                },
                Err(rejection) => rejection.into_response(),
            }
        })
    }
}

fn content_length(headers: &HeaderMap) -> Option<usize> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// An extractor of a verified [`Event`], for a handler of your own. It needs
/// the [`Receiver`] from the router's state (directly or by [`FromRef`]);
/// a request it refuses is answered by its [`Rejection`] before your handler
/// runs.
///
/// ```
/// use amio::webhook::axum::{Receiver, Verified};
/// use amio::webhook::Secrets;
/// use axum::http::StatusCode;
///
/// async fn webhook(Verified(event): Verified) -> StatusCode {
///     println!("{} event", event.event());
///     StatusCode::OK
/// }
///
/// let app: axum::Router = axum::Router::new()
///     .route("/webhook", axum::routing::post(webhook))
///     .with_state(Receiver::new(Secrets::single("my-webhook-secret")));
/// ```
#[derive(Clone, Debug)]
pub struct Verified(pub Event);

impl<S> FromRequest<S> for Verified
where
    Receiver: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Rejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        Receiver::from_ref(state).receive(request).await.map(Self)
    }
}

/// Why a webhook request was refused. As a response, it has the status of
/// [`Rejection::status`] and the documented Amio error JSON.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// The body is larger than the limit of the [`Receiver`]: `413`.
    #[error("the webhook body is larger than {limit} bytes")]
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The body could not be read (the connection failed): `400`.
    #[error("reading the webhook body: {0}")]
    Body(#[source] Box<dyn StdError + Send + Sync>),
    /// Verification or parsing failed: `401`, or `400` for a signed body that
    /// is not an event (see [`WebhookError::http_status`]).
    #[error(transparent)]
    Webhook(#[from] WebhookError),
}

impl Rejection {
    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Body(_) => StatusCode::BAD_REQUEST,
            Self::Webhook(error) => {
                StatusCode::from_u16(error.http_status()).unwrap_or(StatusCode::UNAUTHORIZED)
            }
        }
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let status = self.status();
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
                message: self.to_string(),
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
