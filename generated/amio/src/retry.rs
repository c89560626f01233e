//! Retries that never send a message twice.
//!
//! A request is retried only when retrying cannot duplicate its effect:
//!
//! - any request whose connection failed before it was sent;
//! - any request answered `429 Too Many Requests` (the API refused it, so
//!   nothing happened), after the wait the server asks for;
//! - a *safe or idempotent* request (`GET`, `HEAD`, `PUT`, `DELETE`, `OPTIONS`)
//!   that timed out or got `502`, `503` or `504`.
//!
//! A `POST` (sending a message, a notification, creating a channel) or a
//! `PATCH` that may have reached the server is never sent again.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};

use crate::headers::HeadersExt;

/// How failed requests are retried. The default retries twice, starting at
/// 250 ms and doubling, and waits at most 10 s for a rate limit to reset.
///
/// ```
/// use std::time::Duration;
/// use amio::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .max_retries(4)
///     .max_rate_limit_wait(Duration::from_secs(60));
/// let never = RetryPolicy::none();
/// # let _ = (patient, never);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_rate_limit_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_rate_limit_wait: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// Never retries.
    pub fn none() -> Self {
        Self::default().max_retries(0)
    }

    /// How many times one request may be retried after its first attempt.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The wait before the first retry; each later retry waits twice as long.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest wait between two attempts, rate limits aside.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The longest wait for a rate limit to reset (`Retry-After` or
    /// `X-RateLimit-Reset`); a longer one returns the `429` at once.
    pub fn max_rate_limit_wait(mut self, wait: Duration) -> Self {
        self.max_rate_limit_wait = wait;
        self
    }

    fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry);
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }
}

/// Whether sending `method` twice has the effect of sending it once.
fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    )
}

/// What to do after one attempt.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Return this outcome to the caller.
    Done,
    /// Try again after this wait.
    RetryAfter(Duration),
}

/// The retry decision for a completed attempt, without side effects.
pub(crate) fn decide(
    policy: &RetryPolicy,
    method: &Method,
    retry: u32,
    outcome: Result<(StatusCode, &HeaderMap), &reqwest::Error>,
    now: SystemTime,
) -> Decision {
    if retry >= policy.max_retries {
        return Decision::Done;
    }
    match outcome {
        Err(error) if error.is_connect() => Decision::RetryAfter(policy.backoff(retry)),
        Err(error) if is_idempotent(method) && error.is_timeout() => {
            Decision::RetryAfter(policy.backoff(retry))
        }
        Err(_) => Decision::Done,
        Ok((StatusCode::TOO_MANY_REQUESTS, headers)) => {
            let wait = rate_limit_wait(headers, now).unwrap_or_else(|| policy.backoff(retry));
            if wait <= policy.max_rate_limit_wait {
                Decision::RetryAfter(wait)
            } else {
                Decision::Done
            }
        }
        Ok((
            StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT,
            _,
        )) if is_idempotent(method) => Decision::RetryAfter(policy.backoff(retry)),
        Ok(_) => Decision::Done,
    }
}

/// The wait a `429` asks for: `Retry-After` seconds, else until `X-RateLimit-Reset`.
fn rate_limit_wait(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let retry_after = headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    retry_after.or_else(|| {
        let reset = headers.rate_limit()?.reset_at()?;
        Some(reset.duration_since(now).unwrap_or(Duration::ZERO))
    })
}

/// Sends `request`, retrying as [`RetryPolicy`] allows. The token never
/// appears in a returned error's or response's URL.
pub(crate) async fn execute(
    http: &reqwest::Client,
    policy: &RetryPolicy,
    mut request: reqwest::Request,
) -> reqwest::Result<reqwest::Response> {
    let method = request.method().clone();
    let mut retry = 0;
    loop {
        // A body that cannot be cloned (a stream) is sent once.
        let spare = request.try_clone();
        let result = http.execute(request).await;
        let outcome = match &result {
            Ok(response) => Ok((response.status(), response.headers())),
            Err(error) => Err(error),
        };
        let decision = match spare {
            Some(_) => decide(policy, &method, retry, outcome, SystemTime::now()),
            None => Decision::Done,
        };
        match (decision, spare) {
            (Decision::RetryAfter(wait), Some(next)) => {
                tokio::time::sleep(wait).await;
                request = next;
                retry += 1;
            }
            _ => return redact(result),
        }
    }
}

/// Removes the `access_token` query parameter from URLs that errors and
/// responses carry (and print in `Debug`).
fn redact(result: reqwest::Result<reqwest::Response>) -> reqwest::Result<reqwest::Response> {
    match result {
        Ok(response) if has_token(response.url()) => Ok(redact_response(response)),
        Ok(response) => Ok(response),
        Err(mut error) => {
            if let Some(url) = error.url_mut() {
                strip_token(url);
            }
            Err(error)
        }
    }
}

fn redact_response(response: reqwest::Response) -> reqwest::Response {
    let mut url = response.url().clone();
    strip_token(&mut url);
    let (mut parts, body) = http::Response::<reqwest::Body>::from(response).into_parts();
    // reqwest keeps a response's URL in an extension only its builder can set.
    if let Ok(carrier) = reqwest::ResponseBuilderExt::url(http::Response::builder(), url).body(()) {
        parts.extensions.extend(carrier.into_parts().0.extensions);
    }
    reqwest::Response::from(http::Response::from_parts(parts, body))
}

fn has_token(url: &reqwest::Url) -> bool {
    url.query_pairs().any(|(k, _)| k == "access_token")
}

fn strip_token(url: &mut reqwest::Url) {
    if !has_token(url) {
        return;
    }
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != "access_token")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;
    use std::time::UNIX_EPOCH;

    fn epoch(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn post_is_not_retried_on_server_errors() {
        let policy = RetryPolicy::default();
        let h = HeaderMap::new();
        for status in [502, 503, 504, 500] {
            let status = StatusCode::from_u16(status).unwrap();
            assert_eq!(
                decide(&policy, &Method::POST, 0, Ok((status, &h)), epoch(0)),
                Decision::Done,
                "POST must not be retried on {status}"
            );
        }
        assert_eq!(
            decide(
                &policy,
                &Method::PATCH,
                0,
                Ok((StatusCode::BAD_GATEWAY, &h)),
                epoch(0)
            ),
            Decision::Done
        );
    }

    #[test]
    fn get_is_retried_on_gateway_errors_with_backoff() {
        let policy = RetryPolicy::default();
        let h = HeaderMap::new();
        assert_eq!(
            decide(
                &policy,
                &Method::GET,
                0,
                Ok((StatusCode::BAD_GATEWAY, &h)),
                epoch(0)
            ),
            Decision::RetryAfter(Duration::from_millis(250))
        );
        assert_eq!(
            decide(
                &policy,
                &Method::DELETE,
                1,
                Ok((StatusCode::SERVICE_UNAVAILABLE, &h)),
                epoch(0)
            ),
            Decision::RetryAfter(Duration::from_millis(500))
        );
        assert_eq!(
            decide(
                &policy,
                &Method::GET,
                2,
                Ok((StatusCode::BAD_GATEWAY, &h)),
                epoch(0)
            ),
            Decision::Done,
            "the third failure is returned"
        );
    }

    #[test]
    fn rate_limited_requests_wait_for_the_reset_even_for_post() {
        let policy = RetryPolicy::default();
        let h = headers(&[("x-ratelimit-reset", "1491820066")]);
        assert_eq!(
            decide(
                &policy,
                &Method::POST,
                0,
                Ok((StatusCode::TOO_MANY_REQUESTS, &h)),
                epoch(1491820063)
            ),
            Decision::RetryAfter(Duration::from_secs(3))
        );
        let far = headers(&[("retry-after", "3600")]);
        assert_eq!(
            decide(
                &policy,
                &Method::GET,
                0,
                Ok((StatusCode::TOO_MANY_REQUESTS, &far)),
                epoch(0)
            ),
            Decision::Done,
            "a wait longer than max_rate_limit_wait returns the 429"
        );
    }

    #[test]
    fn success_and_client_errors_are_final() {
        let policy = RetryPolicy::default();
        let h = HeaderMap::new();
        for status in [200, 201, 204, 400, 401, 404, 422] {
            let status = StatusCode::from_u16(status).unwrap();
            assert_eq!(
                decide(&policy, &Method::GET, 0, Ok((status, &h)), epoch(0)),
                Decision::Done
            );
        }
    }

    #[test]
    fn no_policy_means_no_retry() {
        let h = HeaderMap::new();
        assert_eq!(
            decide(
                &RetryPolicy::none(),
                &Method::GET,
                0,
                Ok((StatusCode::BAD_GATEWAY, &h)),
                epoch(0)
            ),
            Decision::Done
        );
    }

    #[test]
    fn backoff_is_capped() {
        let policy = RetryPolicy::default().max_retries(40);
        assert_eq!(policy.backoff(30), Duration::from_secs(8));
    }

    #[test]
    fn the_token_is_stripped_from_urls() {
        let mut url =
            reqwest::Url::parse("https://api.amio.io/v1/channels?max=5&access_token=s3cret")
                .unwrap();
        strip_token(&mut url);
        assert_eq!(url.as_str(), "https://api.amio.io/v1/channels?max=5");
        let mut only =
            reqwest::Url::parse("https://api.amio.io/v1/channels?access_token=s3cret").unwrap();
        strip_token(&mut only);
        assert_eq!(only.as_str(), "https://api.amio.io/v1/channels");
    }
}
