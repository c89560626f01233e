//! Sending one call: the credential, the in-flight limit, the rate-limit
//! gate, the attempts and the waits between them, all within the call's
//! timeout; and what comes back (a refused redirect, URLs without the
//! credential).

use std::fmt;
use std::num::NonZeroUsize;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};

use progenitor_client::OperationInfo;
use reqwest::header::LOCATION;
use reqwest::{Method, StatusCode};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::credential::Auth;
use crate::error::{Error, Redirect, Timeout};
use crate::rate_limit::Gate;
use crate::retry::{Decision, RetryPolicy};

/// Whether a request may be sent again once it may have reached the server:
/// the one input retries take from the API. Given the method and the
/// `operationId`.
pub type ResendRule = fn(&Method, &str) -> bool;

/// The [`ResendRule`] of an API whose safe and idempotent methods (`GET`,
/// `HEAD`, `PUT`, `DELETE`, `OPTIONS`) have the same effect sent twice as once.
pub fn idempotent_methods(method: &Method, _operation_id: &str) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    )
}

/// The [`ResendRule`] of an API none of whose requests may be sent twice.
pub fn never(_method: &Method, _operation_id: &str) -> bool {
    false
}

/// The in-flight limit: its size and its slots.
#[derive(Clone)]
struct Limit {
    max: NonZeroUsize,
    slots: Arc<Semaphore>,
}

/// A generated client's state: how it authenticates, retries and limits its
/// calls. Built by the API crate's `ClientBuilder`; `Debug` never shows the
/// credential. Cloning it is cheap, and clones share the in-flight limit and
/// the rate-limit gate.
#[derive(Clone)]
pub struct Runtime {
    auth: Auth,
    retry: RetryPolicy,
    timeout: Duration,
    attempt_timeout: Option<Duration>,
    may_resend: ResendRule,
    limit: Option<Limit>,
    gate: Arc<Gate>,
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("auth", &self.auth)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("max_in_flight", &self.limit.as_ref().map(|l| l.max))
            .finish_non_exhaustive()
    }
}

impl Runtime {
    pub(crate) fn new(
        auth: Auth,
        retry: RetryPolicy,
        timeout: Duration,
        attempt_timeout: Option<Duration>,
        may_resend: ResendRule,
        max_in_flight: Option<NonZeroUsize>,
    ) -> Self {
        Self {
            auth,
            retry,
            timeout,
            attempt_timeout,
            may_resend,
            limit: max_in_flight.map(|max| Limit {
                max,
                slots: Arc::new(Semaphore::new(max.get())),
            }),
            gate: Arc::default(),
        }
    }

    /// The same state with another credential: it shares the in-flight
    /// limit (the connection pool is shared too), and has a rate-limit gate
    /// of its own (another credential may have its own quota).
    pub fn with_auth(&self, auth: Auth) -> Self {
        Self {
            auth,
            gate: Arc::default(),
            ..self.clone()
        }
    }

    /// Where the credential goes.
    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    /// The limit on one whole call.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Sends `request` for `operation` through `http`: adds the credential,
    /// waits for a slot under the in-flight limit and for a rate limit that
    /// ran out to reset, then attempts and retries as the
    /// [`RetryPolicy`] and the API's [`ResendRule`] allow, all within the
    /// call's timeout. A redirect answer becomes [`Error::Redirect`]; URLs in
    /// what comes back never carry a credential. Generated operations call
    /// this.
    pub async fn execute<E>(
        &self,
        http: &reqwest::Client,
        mut request: reqwest::Request,
        operation: &OperationInfo,
    ) -> Result<reqwest::Response, Error<E>> {
        let deadline = Instant::now().checked_add(self.timeout);
        let may_resend = (self.may_resend)(request.method(), operation.operation_id);
        self.auth.apply(&mut request);
        let permit = match &self.limit {
            Some(limit) => Some(self.slot(limit, deadline).await?),
            None => None,
        };
        let mut retry = 0;
        loop {
            if let Some(wait) = self.gate.wait(SystemTime::now()) {
                // Beyond the cap or the deadline, send now and let the server answer.
                if wait <= self.retry.rate_limit_wait_cap() && fits(deadline, wait) {
                    tokio::time::sleep(wait).await;
                }
            }
            let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            if left == Some(Duration::ZERO) {
                return Err(Error::Timeout(Timeout {
                    timeout: self.timeout,
                }));
            }
            let limit = match (left, self.attempt_timeout) {
                (Some(left), Some(attempt)) => Some(left.min(attempt)),
                (left, attempt) => left.or(attempt),
            };
            if limit.is_some() {
                *request.timeout_mut() = limit;
            }
            // Kept only while another attempt is possible: the last one is not copied.
            let spare = if retry < self.retry.retries() {
                request.try_clone()
            } else {
                None
            };
            let result = http.execute(request).await;
            let now = SystemTime::now();
            if let Ok(response) = &result {
                self.gate.observe(response.headers(), now);
            }
            if let Some(next) = spare {
                let outcome = match &result {
                    Ok(response) => Ok((response.status(), response.headers())),
                    Err(error) => Err(error),
                };
                if let Decision::RetryAfter(wait) =
                    self.retry.decide(may_resend, retry, outcome, now)
                    && fits(deadline, wait)
                {
                    drop(result);
                    tokio::time::sleep(wait).await;
                    request = next;
                    retry += 1;
                    continue;
                }
            }
            return self.finish(result, permit);
        }
    }

    /// Waits for a slot under the in-flight limit, until the deadline.
    async fn slot<E>(
        &self,
        limit: &Limit,
        deadline: Option<Instant>,
    ) -> Result<OwnedSemaphorePermit, Error<E>> {
        let acquire = Arc::clone(&limit.slots).acquire_owned();
        let acquired = match deadline {
            Some(deadline) => tokio::time::timeout_at(deadline.into(), acquire)
                .await
                .map_err(|_| {
                    Error::Timeout(Timeout {
                        timeout: self.timeout,
                    })
                })?,
            None => acquire.await,
        };
        // The semaphore is never closed.
        acquired.map_err(|_| Error::Custom("the in-flight limit was closed".to_owned()))
    }

    /// What the caller gets: redirects refused, URLs without the
    /// credential, the slot held until the body is read or dropped.
    #[allow(
        clippy::result_large_err,
        reason = "the error every generated operation returns"
    )]
    fn finish<E>(
        &self,
        result: reqwest::Result<reqwest::Response>,
        permit: Option<OwnedSemaphorePermit>,
    ) -> Result<reqwest::Response, Error<E>> {
        let response = match result {
            Ok(response) => response,
            Err(mut error) => {
                if let Some(url) = error.url_mut() {
                    self.auth.redact(url);
                }
                return Err(Error::CommunicationError(error));
            }
        };
        let status = response.status();
        if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
            let location = response
                .headers()
                .get(LOCATION)
                .and_then(|value| value.to_str().ok())
                .map(|location| match self.auth.in_query() {
                    true => self.auth.redact_text(
                        &response
                            .url()
                            .join(location)
                            .map_or_else(|_| location.to_owned(), String::from),
                    ),
                    false => location.to_owned(),
                });
            return Err(Error::Redirect(Redirect { status, location }));
        }
        if permit.is_none() && !self.auth.in_query() {
            return Ok(response);
        }
        Ok(self.rebuild(response, permit))
    }

    /// `response` with its URL stripped of the credential and its body
    /// holding `permit`.
    fn rebuild(
        &self,
        response: reqwest::Response,
        permit: Option<OwnedSemaphorePermit>,
    ) -> reqwest::Response {
        let mut url = response.url().clone();
        self.auth.redact(&mut url);
        let (mut parts, body) = http::Response::<reqwest::Body>::from(response).into_parts();
        // reqwest keeps a response's URL in an extension only its builder can set.
        if let Ok(carrier) =
            reqwest::ResponseBuilderExt::url(http::Response::builder(), url).body(())
        {
            parts.extensions.extend(carrier.into_parts().0.extensions);
        }
        let body = match permit {
            Some(permit) => reqwest::Body::wrap(Held {
                body,
                _permit: permit,
            }),
            None => body,
        };
        reqwest::Response::from(http::Response::from_parts(parts, body))
    }
}

/// Whether waiting `wait` from now still leaves time before `deadline`.
fn fits(deadline: Option<Instant>, wait: Duration) -> bool {
    deadline.is_none_or(|deadline| {
        Instant::now()
            .checked_add(wait)
            .is_some_and(|t| t < deadline)
    })
}

/// A response body that holds a slot of the in-flight limit until it is
/// read to the end or dropped: the connection is busy until then.
struct Held {
    body: reqwest::Body,
    _permit: OwnedSemaphorePermit,
}

impl http_body::Body for Held {
    type Data = bytes::Bytes;
    type Error = reqwest::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}
