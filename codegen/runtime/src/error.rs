//! What a generated operation returns: [`ResponseValue`] on success,
//! [`Error`] otherwise.
//!
//! Both keep `progenitor-client`'s shape (same variants, same methods), so
//! code written against progenitor's types reads the same. [`Error`] adds the
//! failures this runtime refuses before or instead of sending, each typed:
//! [`Error::InvalidPathParameter`], [`Error::Redirect`] and [`Error::Timeout`],
//! and keeps its refusals as data: a request refused before sending carries
//! its [`ValidationError`], a body that does not decode its [`PathError`],
//! and [`Error::path`] names the JSON path of either.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::time::Duration;

use bytes::Bytes;
use progenitor_client::ByteStream;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use crate::json::PathError;
use crate::path::PathParameterError;
use crate::validate::ValidationError;

/// A successful response: the typed body, its status and its headers.
pub struct ResponseValue<T> {
    inner: T,
    status: StatusCode,
    headers: HeaderMap,
}

impl<T: DeserializeOwned> ResponseValue<T> {
    /// Reads the whole body and parses it as JSON; a body that does not
    /// decode is [`Error::InvalidResponsePayload`] with the JSON path of the
    /// fault ([`crate::json::read`]; `tags` are the generated crate's
    /// `types::UNION_TAGS`). The headers are moved out of the response, not
    /// copied.
    #[doc(hidden)]
    pub async fn from_response<E>(
        mut response: reqwest::Response,
        tags: &[&str],
    ) -> Result<Self, Error<E>> {
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let full = response.bytes().await.map_err(Error::ResponseBodyError)?;
        let inner = crate::json::read(&full, tags)
            .map_err(|error| Error::InvalidResponsePayload(full, error))?;
        Ok(Self {
            inner,
            status,
            headers,
        })
    }
}

impl ResponseValue<()> {
    /// A response whose body is not read (`204 No Content`).
    #[doc(hidden)]
    pub fn empty(mut response: reqwest::Response) -> Self {
        Self {
            inner: (),
            status: response.status(),
            headers: std::mem::take(response.headers_mut()),
        }
    }
}

impl ResponseValue<ByteStream> {
    /// A response whose body is streamed as it arrives.
    #[doc(hidden)]
    pub fn stream(mut response: reqwest::Response) -> Self {
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        Self {
            inner: ByteStream::new(Box::pin(response.bytes_stream())),
            status,
            headers,
        }
    }
}

impl<T> ResponseValue<T> {
    /// A value from its parts, for tests and fixtures.
    pub fn new(inner: T, status: StatusCode, headers: HeaderMap) -> Self {
        Self {
            inner,
            status,
            headers,
        }
    }

    /// Consumes the value, returning the typed body.
    pub fn into_inner(self) -> T {
        self.inner
    }

    /// The response's status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `Content-Length` header, if present and a number.
    pub fn content_length(&self) -> Option<u64> {
        self.headers
            .get(reqwest::header::CONTENT_LENGTH)?
            .to_str()
            .ok()?
            .parse()
            .ok()
    }

    /// Maps the typed body, keeping the status and headers.
    #[doc(hidden)]
    pub fn map<U, F, E>(self, f: F) -> Result<ResponseValue<U>, E>
    where
        F: FnOnce(T) -> U,
    {
        Ok(ResponseValue {
            inner: f(self.inner),
            status: self.status,
            headers: self.headers,
        })
    }
}

impl<T> Deref for ResponseValue<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T> DerefMut for ResponseValue<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}

impl<T> AsRef<T> for ResponseValue<T> {
    fn as_ref(&self) -> &T {
        &self.inner
    }
}

impl<T: fmt::Debug> fmt::Debug for ResponseValue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

/// A redirect the client refused to follow: the credential would have gone
/// with it. Shows the status and the `Location` (with any credential the
/// client puts in URLs removed), never the credential.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirect {
    pub(crate) status: StatusCode,
    pub(crate) location: Option<String>,
}

impl Redirect {
    /// The `3xx` status of the answer.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Where the server pointed, as sent (`None` without a readable
    /// `Location` header).
    pub fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }
}

impl fmt::Display for Redirect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the server answered {} (a redirect", self.status)?;
        match &self.location {
            Some(location) => write!(f, " to {location}")?,
            None => f.write_str(" without a Location")?,
        }
        f.write_str("), which the client does not follow")
    }
}

impl std::error::Error for Redirect {}

/// The call's deadline passed before a request could be sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeout {
    pub(crate) timeout: Duration,
}

impl Timeout {
    /// The limit on the whole call that passed.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }
}

impl fmt::Display for Timeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the call's timeout ({:?}) passed while waiting for a free slot under the in-flight limit; nothing was sent",
            self.timeout
        )
    }
}

impl std::error::Error for Timeout {}

/// Every error a generated operation returns. `E` is the documented error
/// body (`()` when the API documents none).
///
/// The first eight variants are `progenitor-client`'s; the last three are
/// refusals of this runtime. [`Error::status`] and [`Error::is_retryable`]
/// work on every variant.
#[non_exhaustive]
pub enum Error<E = ()> {
    /// The request breaks a rule of the spec or of the documentation; it was
    /// not sent. The error names the JSON path and the rule.
    InvalidRequest(ValidationError),
    /// The connection failed, the request timed out, or the transport broke.
    CommunicationError(reqwest::Error),
    /// Upgrading the connection failed.
    InvalidUpgrade(reqwest::Error),
    /// A documented error status, with its parsed body.
    ErrorResponse(ResponseValue<E>),
    /// Reading the body of a documented response failed.
    ResponseBodyError(reqwest::Error),
    /// A documented response whose body is not the documented JSON: the raw
    /// bytes and the parse error, with the JSON path of the fault.
    InvalidResponsePayload(Bytes, PathError),
    /// A status the API does not document. It may be a success; check
    /// `status().is_success()`.
    UnexpectedResponse(reqwest::Response),
    /// An error from a consumer-defined hook.
    Custom(String),
    /// A path parameter that cannot be one path segment (empty, `.` or
    /// `..`); nothing was sent.
    InvalidPathParameter(PathParameterError),
    /// The server answered with a redirect, which is never followed.
    Redirect(Redirect),
    /// The call's timeout passed before anything was sent.
    Timeout(Timeout),
}

impl<E> Error<E> {
    /// The HTTP status, when the error came from a response.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::CommunicationError(e) | Self::InvalidUpgrade(e) | Self::ResponseBodyError(e) => {
                e.status()
            }
            Self::ErrorResponse(rv) => Some(rv.status()),
            Self::UnexpectedResponse(r) => Some(r.status()),
            Self::Redirect(r) => Some(r.status),
            Self::InvalidRequest(_)
            | Self::InvalidResponsePayload(..)
            | Self::Custom(_)
            | Self::InvalidPathParameter(_)
            | Self::Timeout(_) => None,
        }
    }

    /// The JSON path at fault: in the request, for
    /// [`Error::InvalidRequest`] (`content.quick_replies[0].title`); in the
    /// response body, for [`Error::InvalidResponsePayload`]
    /// (`data.messages[0].id`). `.` is the body itself; `None` for every
    /// other variant.
    pub fn path(&self) -> Option<&str> {
        match self {
            Self::InvalidRequest(error) => Some(error.path()),
            Self::InvalidResponsePayload(_, error) => Some(&error.path),
            _ => None,
        }
    }

    /// Whether the error is transient, so that the same call may succeed
    /// later: a transport error, `408`, `429`, `502`, `503`, `504`, or a
    /// timeout before sending. (Whether it is *safe* to send again is another
    /// question: the client has already retried what it safely could.)
    pub fn is_retryable(&self) -> bool {
        fn transient(status: StatusCode) -> bool {
            matches!(status.as_u16(), 408 | 429 | 502 | 503 | 504)
        }
        match self {
            Self::CommunicationError(_) | Self::Timeout(_) => true,
            Self::ErrorResponse(rv) => transient(rv.status()),
            Self::UnexpectedResponse(r) => transient(r.status()),
            Self::InvalidUpgrade(e) | Self::ResponseBodyError(e) => {
                e.status().is_some_and(transient)
            }
            Self::InvalidRequest(_)
            | Self::InvalidResponsePayload(..)
            | Self::Custom(_)
            | Self::InvalidPathParameter(_)
            | Self::Redirect(_) => false,
        }
    }

    /// Whether a time limit ended the call: the whole call's timeout, an
    /// attempt's, or the connect timeout.
    pub fn is_timeout(&self) -> bool {
        match self {
            Self::Timeout(_) => true,
            Self::CommunicationError(e) | Self::ResponseBodyError(e) => e.is_timeout(),
            _ => false,
        }
    }

    /// The same error without its typed body.
    pub fn into_untyped(self) -> Error {
        match self {
            Self::InvalidRequest(s) => Error::InvalidRequest(s),
            Self::CommunicationError(e) => Error::CommunicationError(e),
            Self::InvalidUpgrade(e) => Error::InvalidUpgrade(e),
            Self::ErrorResponse(rv) => Error::ErrorResponse(ResponseValue {
                inner: (),
                status: rv.status,
                headers: rv.headers,
            }),
            Self::ResponseBodyError(e) => Error::ResponseBodyError(e),
            Self::InvalidResponsePayload(b, e) => Error::InvalidResponsePayload(b, e),
            Self::UnexpectedResponse(r) => Error::UnexpectedResponse(r),
            Self::Custom(s) => Error::Custom(s),
            Self::InvalidPathParameter(p) => Error::InvalidPathParameter(p),
            Self::Redirect(r) => Error::Redirect(r),
            Self::Timeout(t) => Error::Timeout(t),
        }
    }
}

impl<E> From<reqwest::Error> for Error<E> {
    fn from(error: reqwest::Error) -> Self {
        Self::CommunicationError(error)
    }
}

impl<E> From<ValidationError> for Error<E> {
    fn from(error: ValidationError) -> Self {
        Self::InvalidRequest(error)
    }
}

impl<E> From<std::convert::Infallible> for Error<E> {
    fn from(never: std::convert::Infallible) -> Self {
        match never {}
    }
}

impl<E> From<PathParameterError> for Error<E> {
    fn from(error: PathParameterError) -> Self {
        Self::InvalidPathParameter(error)
    }
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidRequest(e) => write!(f, "Invalid Request: {e}")?,
            Self::CommunicationError(e) => write!(f, "Communication Error: {e}")?,
            Self::InvalidUpgrade(e) => write!(f, "Invalid Response Upgrade: {e}")?,
            Self::ErrorResponse(rv) => write!(
                f,
                "Error Response: status: {}; headers: {:?}; value: {:?}",
                rv.status, rv.headers, rv.inner
            )?,
            Self::ResponseBodyError(e) => write!(f, "Invalid Response Body Bytes: {e}")?,
            Self::InvalidResponsePayload(b, e) => write!(
                f,
                "Invalid Response Payload ({} bytes) at `{}`: {}",
                b.len(),
                e.path,
                e.message()
            )?,
            Self::UnexpectedResponse(r) => write!(f, "Unexpected Response: {r:?}")?,
            Self::Custom(s) => write!(f, "Error: {s}")?,
            Self::InvalidPathParameter(e) => write!(f, "Invalid Request: {e}")?,
            Self::Redirect(r) => write!(f, "Redirect refused: {r}")?,
            Self::Timeout(t) => write!(f, "Timeout: {t}")?,
        }
        if f.alternate() {
            use std::error::Error as _;
            let mut source = self.source().and_then(|e| e.source());
            while let Some(s) = source {
                write!(f, ": {s}")?;
                source = s.source();
            }
        }
        Ok(())
    }
}

impl<E: fmt::Debug> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::CommunicationError(e) | Self::InvalidUpgrade(e) | Self::ResponseBodyError(e) => {
                Some(e)
            }
            Self::InvalidRequest(e) => Some(e),
            Self::InvalidResponsePayload(_, e) => Some(&e.error),
            Self::InvalidPathParameter(e) => Some(e),
            Self::Redirect(e) => Some(e),
            Self::Timeout(e) => Some(e),
            _ => None,
        }
    }
}
