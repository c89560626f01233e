//! Rate limits: reading `Retry-After` and the `X-RateLimit-*` headers, and
//! holding requests back while the server says none are left.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// The rate-limit status a response reports (`X-RateLimit-Limit`,
/// `X-RateLimit-Remaining`, `X-RateLimit-Reset`, as Amio documents them in
/// seed 000, "Rate Limiting"). Each field is `None` when its header is
/// missing or not a number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// `X-RateLimit-Limit`: the requests allowed per hour.
    pub limit: Option<u64>,
    /// `X-RateLimit-Remaining`: the requests left in this hour.
    pub remaining: Option<u64>,
    /// `X-RateLimit-Reset`, as sent: when the limit resets.
    pub reset: Option<u64>,
}

/// Values below this are read as seconds from now, not as an epoch time: the
/// docs call the header both "remaining time" and "UTC epoch seconds".
const EPOCH_THRESHOLD: u64 = 1_000_000_000;

const LIMIT: &str = "x-ratelimit-limit";
const REMAINING: &str = "x-ratelimit-remaining";
const RESET: &str = "x-ratelimit-reset";

fn number(headers: &HeaderMap, name: &str) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

impl RateLimit {
    /// The `X-RateLimit-*` headers of `headers`; `None` when none is present.
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        if ![LIMIT, REMAINING, RESET]
            .iter()
            .any(|name| headers.contains_key(*name))
        {
            return None;
        }
        Some(Self {
            limit: number(headers, LIMIT),
            remaining: number(headers, REMAINING),
            reset: number(headers, RESET),
        })
    }

    /// When the limit resets. `X-RateLimit-Reset` is documented in UTC epoch
    /// seconds; a small value is read as seconds from now, as its other
    /// description ("remaining time") suggests.
    pub fn reset_at(&self) -> Option<SystemTime> {
        self.reset_at_from(SystemTime::now())
    }

    /// [`RateLimit::reset_at`], with `now` given.
    pub fn reset_at_from(&self, now: SystemTime) -> Option<SystemTime> {
        let reset = self.reset?;
        if reset >= EPOCH_THRESHOLD {
            UNIX_EPOCH.checked_add(Duration::from_secs(reset))
        } else {
            now.checked_add(Duration::from_secs(reset))
        }
    }

    /// Whether the response says no requests are left.
    pub fn is_exhausted(&self) -> bool {
        self.remaining == Some(0)
    }
}

/// The wait `Retry-After` asks for, in either form RFC 9110 allows: a number
/// of seconds, or an HTTP-date (a date in the past means no wait).
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The wait a `429` asks for: `Retry-After`, else until `X-RateLimit-Reset`.
pub(crate) fn rate_limit_wait(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    retry_after(headers, now).or_else(|| {
        let reset = RateLimit::from_headers(headers)?.reset_at_from(now)?;
        Some(reset.duration_since(now).unwrap_or(Duration::ZERO))
    })
}

/// Holds requests back until the rate limit resets, once a response said
/// `X-RateLimit-Remaining: 0`. Shared by the clones of one client.
#[derive(Debug, Default)]
pub(crate) struct Gate {
    /// Until when no request should be sent, in milliseconds since the
    /// epoch; 0 when open.
    closed_until: AtomicU64,
}

fn millis(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

impl Gate {
    /// Reads a response's headers: none left closes the gate until the reset.
    pub(crate) fn observe(&self, headers: &HeaderMap, now: SystemTime) {
        if number(headers, REMAINING) != Some(0) {
            return;
        }
        let reset = number(headers, RESET).and_then(|reset| {
            RateLimit {
                reset: Some(reset),
                ..RateLimit::default()
            }
            .reset_at_from(now)
        });
        if let Some(reset) = reset {
            self.closed_until
                .fetch_max(millis(reset), Ordering::Relaxed);
        }
    }

    /// How long the next request should wait, if the gate is closed.
    pub(crate) fn wait(&self, now: SystemTime) -> Option<Duration> {
        let until = self.closed_until.load(Ordering::Relaxed);
        let now = millis(now);
        (until > now).then(|| Duration::from_millis(until - now))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    /// `secs` seconds after the epoch.
    pub(crate) fn epoch(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    /// Headers from `(name, value)` pairs.
    pub(crate) fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        map
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = epoch(1_700_000_000);
        assert_eq!(
            retry_after(&headers(&[("retry-after", " 5 ")]), now),
            Some(Duration::from_secs(5))
        );
        let date = httpdate::fmt_http_date(epoch(1_700_000_005));
        assert_eq!(
            retry_after(&headers(&[("retry-after", &date)]), now),
            Some(Duration::from_secs(5))
        );
        let past = httpdate::fmt_http_date(epoch(1_600_000_000));
        assert_eq!(
            retry_after(&headers(&[("retry-after", &past)]), now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")]), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn retry_after_wins_over_the_reset() {
        let now = epoch(1_491_820_063);
        let both = headers(&[("retry-after", "1"), ("x-ratelimit-reset", "1491820066")]);
        assert_eq!(rate_limit_wait(&both, now), Some(Duration::from_secs(1)));
        let reset = headers(&[("x-ratelimit-reset", "1491820066")]);
        assert_eq!(rate_limit_wait(&reset, now), Some(Duration::from_secs(3)));
        let relative = headers(&[("x-ratelimit-reset", "7")]);
        assert_eq!(
            rate_limit_wait(&relative, now),
            Some(Duration::from_secs(7))
        );
    }

    #[test]
    fn the_gate_closes_when_nothing_is_left_and_opens_at_the_reset() {
        let gate = Gate::default();
        let now = epoch(1_491_820_063);
        gate.observe(&headers(&[("x-ratelimit-remaining", "5")]), now);
        assert_eq!(gate.wait(now), None);
        gate.observe(
            &headers(&[
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset", "1491820066"),
            ]),
            now,
        );
        assert_eq!(gate.wait(now), Some(Duration::from_secs(3)));
        assert_eq!(gate.wait(epoch(1_491_820_066)), None);
    }
}
