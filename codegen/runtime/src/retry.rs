//! Retries that never send a message twice.
//!
//! Every decision takes one input from the API: whether the request *may be
//! resent* once it may have reached the server (for Amio, the idempotent
//! methods; for Webex Connect, nothing). Then a request is tried again only
//! when that cannot duplicate its effect:
//!
//! - any request whose connection failed before it was sent;
//! - any request answered `429 Too Many Requests` (the server refused it, so
//!   nothing happened), after the wait the server asks for (`Retry-After`,
//!   in seconds or as an HTTP-date, else `X-RateLimit-Reset`), if that wait is
//!   within [`RetryPolicy::max_rate_limit_wait`];
//! - a request that may be resent, when it timed out or got `502`, `503` or
//!   `504` (after `Retry-After` if the server sent one, else the backoff).
//!
//! A request that may not be resent (a `POST` that sends a message) and may
//! have reached the server is never sent again. No wait goes past the call's
//! timeout: when the next attempt could not start before it, the last answer
//! is returned instead.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::rate_limit::{rate_limit_wait, retry_after};

/// How failed requests are retried. The default retries twice, starting at
/// 250 ms and doubling (at most 8 s apart), and waits at most 10 s for a
/// rate limit to reset.
///
/// ```
/// use std::time::Duration;
/// use bindings_runtime::RetryPolicy;
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

    /// The longest wait for a rate limit: for `Retry-After` or
    /// `X-RateLimit-Reset` on a `429` (a longer one returns the `429` at
    /// once), and before sending while `X-RateLimit-Remaining` is 0 (a
    /// longer one sends at once and lets the server answer).
    pub fn max_rate_limit_wait(mut self, wait: Duration) -> Self {
        self.max_rate_limit_wait = wait;
        self
    }

    /// The longest wait for a rate limit; see [`RetryPolicy::max_rate_limit_wait`].
    pub fn rate_limit_wait_cap(&self) -> Duration {
        self.max_rate_limit_wait
    }

    /// Whether a request may ever be attempted more than once.
    pub(crate) fn retries(&self) -> u32 {
        self.max_retries
    }

    fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry);
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }

    /// What to do after attempt number `retry` (from 0) of a request that
    /// `may_resend` (or not), given its `outcome`.
    pub(crate) fn decide(
        &self,
        may_resend: bool,
        retry: u32,
        outcome: Result<(StatusCode, &HeaderMap), &reqwest::Error>,
        now: SystemTime,
    ) -> Decision {
        if retry >= self.max_retries {
            return Decision::Done;
        }
        let backoff = self.backoff(retry);
        match outcome {
            Err(error) if error.is_connect() => Decision::RetryAfter(backoff),
            Err(error) if may_resend && error.is_timeout() => Decision::RetryAfter(backoff),
            Err(_) => Decision::Done,
            Ok((StatusCode::TOO_MANY_REQUESTS, headers)) => {
                let wait = rate_limit_wait(headers, now).unwrap_or(backoff);
                if wait <= self.max_rate_limit_wait {
                    Decision::RetryAfter(wait)
                } else {
                    Decision::Done
                }
            }
            Ok((
                StatusCode::BAD_GATEWAY
                | StatusCode::SERVICE_UNAVAILABLE
                | StatusCode::GATEWAY_TIMEOUT,
                headers,
            )) if may_resend => match retry_after(headers, now) {
                Some(wait) if wait <= self.max_rate_limit_wait => Decision::RetryAfter(wait),
                Some(_) => Decision::Done,
                None => Decision::RetryAfter(backoff),
            },
            Ok(_) => Decision::Done,
        }
    }
}

/// What to do after one attempt.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Return this outcome to the caller.
    Done,
    /// Try again after this wait.
    RetryAfter(Duration),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rate_limit::tests::{epoch, headers};

    fn status(code: u16) -> StatusCode {
        StatusCode::from_u16(code).unwrap()
    }

    #[test]
    fn a_request_that_may_not_be_resent_is_not_retried_on_server_errors() {
        let policy = RetryPolicy::default();
        let h = HeaderMap::new();
        for code in [500, 502, 503, 504] {
            assert_eq!(
                policy.decide(false, 0, Ok((status(code), &h)), epoch(0)),
                Decision::Done,
                "{code}"
            );
        }
    }

    #[test]
    fn a_request_that_may_be_resent_is_retried_on_gateway_errors_with_backoff() {
        let policy = RetryPolicy::default();
        let h = HeaderMap::new();
        assert_eq!(
            policy.decide(true, 0, Ok((status(502), &h)), epoch(0)),
            Decision::RetryAfter(Duration::from_millis(250))
        );
        assert_eq!(
            policy.decide(true, 1, Ok((status(503), &h)), epoch(0)),
            Decision::RetryAfter(Duration::from_millis(500))
        );
        assert_eq!(
            policy.decide(true, 2, Ok((status(502), &h)), epoch(0)),
            Decision::Done,
            "the third failure is returned"
        );
        let asked = headers(&[("retry-after", "2")]);
        assert_eq!(
            policy.decide(true, 0, Ok((status(503), &asked)), epoch(0)),
            Decision::RetryAfter(Duration::from_secs(2))
        );
    }

    #[test]
    fn a_429_waits_for_retry_after_in_either_form_or_the_reset_whatever_the_request() {
        let policy = RetryPolicy::default();
        let now = epoch(1_491_820_063);
        let reset = headers(&[("x-ratelimit-reset", "1491820066")]);
        assert_eq!(
            policy.decide(false, 0, Ok((status(429), &reset)), now),
            Decision::RetryAfter(Duration::from_secs(3))
        );
        let date = headers(&[(
            "retry-after",
            &httpdate::fmt_http_date(epoch(1_491_820_068)),
        )]);
        assert_eq!(
            policy.decide(false, 0, Ok((status(429), &date)), now),
            Decision::RetryAfter(Duration::from_secs(5))
        );
        let far = headers(&[("retry-after", "3600")]);
        assert_eq!(
            policy.decide(true, 0, Ok((status(429), &far)), now),
            Decision::Done,
            "a wait longer than max_rate_limit_wait returns the 429"
        );
    }

    #[test]
    fn success_and_client_errors_are_final() {
        let policy = RetryPolicy::default();
        let h = HeaderMap::new();
        for code in [200, 201, 204, 301, 400, 401, 404, 422] {
            assert_eq!(
                policy.decide(true, 0, Ok((status(code), &h)), epoch(0)),
                Decision::Done
            );
        }
    }

    #[test]
    fn no_policy_means_no_retry_and_backoff_is_capped() {
        let h = HeaderMap::new();
        assert_eq!(
            RetryPolicy::none().decide(true, 0, Ok((status(502), &h)), epoch(0)),
            Decision::Done
        );
        let policy = RetryPolicy::default().max_retries(40);
        assert_eq!(policy.backoff(30), Duration::from_secs(8));
    }
}
