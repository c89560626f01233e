//! Reading a request body within a size limit and a time limit.

use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, header};
use bytes::Bytes;
use http_body_util::{BodyExt, LengthLimitError, Limited};

use super::BoxError;

/// The default limit on the size of a body: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// The default time a client may take to send a whole body: 5 seconds.
/// Webhook bodies are small and their senders are servers: a client slower
/// than that is stalled, or holding connections on purpose.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(5);

/// Why a body was not read.
pub(crate) enum ReadError {
    /// Larger than the limit.
    TooLarge,
    /// Not received within the time limit.
    TimedOut,
    /// The connection failed.
    Failed(BoxError),
}

/// Reads `body` whole: refused from its `Content-Length` when that is over
/// `limit`, otherwise read up to `limit` bytes within `timeout`.
pub(crate) async fn read(
    body: Body,
    headers: &HeaderMap,
    limit: usize,
    timeout: Duration,
) -> Result<Bytes, ReadError> {
    if content_length(headers)
        .is_some_and(|length| usize::try_from(length).map_or(true, |length| length > limit))
    {
        return Err(ReadError::TooLarge);
    }
    let collected = tokio::time::timeout(timeout, Limited::new(body, limit).collect())
        .await
        .map_err(|_| ReadError::TimedOut)?;
    match collected {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.is::<LengthLimitError>() => Err(ReadError::TooLarge),
        Err(error) => Err(ReadError::Failed(error)),
    }
}

/// The `Content-Length` header, when it is a number. One that is not (or
/// is repeated with different values) is left to hyper, which refuses it.
fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}
