//! The client's one error type and what can be read from it.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::headers::{HeadersExt, RateLimit};
use crate::types::ErrorResponse;

/// Every error a [`Client`](crate::Client) method returns.
///
/// A documented error status (400, 401, 403, 404, 405, 422, 429, 502) gives
/// [`Error::ErrorResponse`], which keeps the status, the headers and the parsed
/// [`ErrorResponse`] body. A redirect is never followed: it is
/// [`Error::Redirect`], with the status and the `Location`. A path parameter
/// that is empty, `.` or `..` is [`Error::InvalidPathParameter`], and nothing
/// is sent. `status()`, `is_retryable()` and `is_timeout()` work on every
/// variant; [`ErrorExt`] adds the rest.
pub type Error = bindings_runtime::Error<ErrorResponse>;

/// A successful response: the typed body, its status and its headers.
pub type ResponseValue<T> = bindings_runtime::ResponseValue<T>;

/// What can be read from an [`Error`] beyond its variant.
///
/// ```no_run
/// # async fn demo(client: amio::Client) {
/// use amio::ErrorExt;
///
/// match client.get_channel("6350078530425603803").await {
///     Ok(channel) => println!("{:?}", channel.into_inner()),
///     Err(error) => {
///         if let Some(body) = error.api_error() {
///             for detail in body.errors.iter().flatten() {
///                 eprintln!("{}", detail.message);
///             }
///         }
///         if let Some(limit) = error.rate_limit() {
///             eprintln!("remaining: {:?}", limit.remaining);
///         }
///     }
/// }
/// # }
/// ```
pub trait ErrorExt {
    /// The parsed error body, for a documented error status.
    fn api_error(&self) -> Option<&ErrorResponse>;
    /// The response headers, when the error came from a response.
    fn headers(&self) -> Option<&HeaderMap>;
    /// The rate-limit headers of the response, if any.
    fn rate_limit(&self) -> Option<RateLimit>;
    /// The HTTP status, when the error came from a response.
    fn http_status(&self) -> Option<StatusCode>;
}

impl ErrorExt for Error {
    fn api_error(&self) -> Option<&ErrorResponse> {
        match self {
            Self::ErrorResponse(response) => Some(response.as_ref()),
            _ => None,
        }
    }

    fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Self::ErrorResponse(response) => Some(response.headers()),
            Self::UnexpectedResponse(response) => Some(response.headers()),
            _ => None,
        }
    }

    fn rate_limit(&self) -> Option<RateLimit> {
        self.headers()?.rate_limit()
    }

    fn http_status(&self) -> Option<StatusCode> {
        self.status()
    }
}
