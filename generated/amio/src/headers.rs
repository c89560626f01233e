//! Typed access to the headers Amio documents: `x-total-count` on lists,
//! `Location` on `201 Created`, and the `X-RateLimit-*` trio on every response.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, LOCATION};

/// The rate-limit status the API reports on every response (seed 000,
/// "Rate Limiting"). Each field is `None` when its header is missing or not a number.
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

impl RateLimit {
    /// When the limit resets. `X-RateLimit-Reset` is documented in UTC epoch
    /// seconds; a small value is read as seconds from now, as its other
    /// description ("remaining time") suggests.
    pub fn reset_at(&self) -> Option<SystemTime> {
        let reset = self.reset?;
        if reset >= EPOCH_THRESHOLD {
            UNIX_EPOCH.checked_add(Duration::from_secs(reset))
        } else {
            SystemTime::now().checked_add(Duration::from_secs(reset))
        }
    }

    /// Whether the response says no requests are left.
    pub fn is_exhausted(&self) -> bool {
        self.remaining == Some(0)
    }
}

/// Reads the documented headers from a [`HeaderMap`], such as
/// `ResponseValue::headers()` or an error response's headers.
///
/// ```
/// use amio::HeadersExt;
/// use reqwest::header::{HeaderMap, HeaderValue};
///
/// let mut headers = HeaderMap::new();
/// headers.insert("x-total-count", HeaderValue::from_static("42"));
/// headers.insert("x-ratelimit-remaining", HeaderValue::from_static("999"));
/// assert_eq!(headers.total_count(), Some(42));
/// assert_eq!(headers.rate_limit().unwrap().remaining, Some(999));
/// ```
pub trait HeadersExt {
    /// `x-total-count`: how many results a list has in all.
    fn total_count(&self) -> Option<u64>;
    /// `Location`: where a created resource lives.
    fn location(&self) -> Option<&str>;
    /// The `X-RateLimit-*` headers; `None` when none of them is present.
    fn rate_limit(&self) -> Option<RateLimit>;
}

fn number(headers: &HeaderMap, name: &str) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

impl HeadersExt for HeaderMap {
    fn total_count(&self) -> Option<u64> {
        number(self, "x-total-count")
    }

    fn location(&self) -> Option<&str> {
        self.get(LOCATION)?.to_str().ok()
    }

    fn rate_limit(&self) -> Option<RateLimit> {
        let names = [
            "x-ratelimit-limit",
            "x-ratelimit-remaining",
            "x-ratelimit-reset",
        ];
        if !names.iter().any(|name| self.contains_key(*name)) {
            return None;
        }
        Some(RateLimit {
            limit: number(self, names[0]),
            remaining: number(self, names[1]),
            reset: number(self, names[2]),
        })
    }
}
