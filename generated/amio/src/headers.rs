//! Typed access to the headers Amio documents: `x-total-count` on lists,
//! `Location` on `201 Created`, and the `X-RateLimit-*` trio on every response.

use reqwest::header::{HeaderMap, LOCATION};

pub use bindings_runtime::RateLimit;

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
        RateLimit::from_headers(self)
    }
}
