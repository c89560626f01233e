//! Retries that never send a message twice.
//!
//! The Messaging API has one operation, a `POST` that queues messages, and
//! answers HTTP 200 even to errors. Once a request may have reached the
//! platform it is never sent again: a timeout, a dropped connection or an
//! unexpected status leaves it unknown whether the message was queued, and a
//! second attempt could deliver it twice. Only a request whose connection
//! failed before anything was sent is retried.
//!
//! The design is the `amio` crate's (same policy builder, same clone-then-send
//! loop), cut down to that one case; the few lines it shares with `amio` do not
//! justify a crate of their own.

use std::time::Duration;

/// How failed connections are retried. The default retries twice, starting
/// at 250 ms and doubling, at most 8 s apart.
///
/// ```
/// use std::time::Duration;
/// use webex_connect::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .max_retries(4)
///     .initial_backoff(Duration::from_secs(1));
/// let never = RetryPolicy::none();
/// # let _ = (patient, never);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
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

    /// The longest wait between two attempts.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry);
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }

    /// The wait before retry number `retry` (from 0), or `None` to give up.
    /// `unsent` says whether the attempt failed before the request was sent.
    fn decide(&self, retry: u32, unsent: bool) -> Option<Duration> {
        (unsent && retry < self.max_retries).then(|| self.backoff(retry))
    }
}

/// Sends `request`, retrying as [`RetryPolicy`] allows.
pub(crate) async fn execute(
    http: &reqwest::Client,
    policy: &RetryPolicy,
    mut request: reqwest::Request,
) -> reqwest::Result<reqwest::Response> {
    let mut retry = 0;
    loop {
        // A body that cannot be cloned (a stream) is sent once.
        let spare = request.try_clone();
        let result = http.execute(request).await;
        let unsent = matches!(&result, Err(error) if error.is_connect());
        match (spare, policy.decide(retry, unsent)) {
            (Some(next), Some(wait)) => {
                tokio::time::sleep(wait).await;
                request = next;
                retry += 1;
            }
            _ => return result,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unsent_requests_are_retried() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.decide(0, true), Some(Duration::from_millis(250)));
        assert_eq!(policy.decide(1, true), Some(Duration::from_millis(500)));
        assert_eq!(policy.decide(2, true), None, "the third failure is final");
        assert_eq!(
            policy.decide(0, false),
            None,
            "a sent request is never resent"
        );
    }

    #[test]
    fn no_policy_means_no_retry() {
        assert_eq!(RetryPolicy::none().decide(0, true), None);
    }

    #[test]
    fn backoff_is_capped() {
        let policy = RetryPolicy::default().max_retries(40);
        assert_eq!(policy.decide(30, true), Some(Duration::from_secs(8)));
    }
}
