//! The error type of [`Client::send`](crate::Client::send).

use bindings_runtime::validate::ValidationError;

use crate::ResponseCode;
use crate::response::{Queued, Rejection};

/// The error of a request through the generated methods, such as
/// [`Client::send_message`](crate::Client::send_message): transport
/// failures, an HTTP status other than 200, or a body that is not the
/// documented JSON. The API documents no error status (errors are HTTP 200
/// with an error code), so its error body type is `()`.
pub type HttpError = bindings_runtime::Error<()>;

/// Every error [`Client::send`](crate::Client::send) returns.
///
/// Neither the service key nor the JWT ever appears in it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request breaks a documented limit; it was not sent.
    #[error("the request was not sent: {0}")]
    Invalid(#[from] ValidationError),
    /// The platform refused the request with a code other than `1001`:
    /// nothing was queued.
    #[error("Webex Connect refused the request: {0}")]
    Rejected(Rejection),
    /// The platform answered per destination and refused some of them (or
    /// all of several). The queued ones were sent: do not send them again.
    #[error(
        "Webex Connect refused {} destination(s) and queued {}; first refusal: {}",
        .rejected.len(),
        .queued.len(),
        .rejected.first().map(ToString::to_string).unwrap_or_default()
    )]
    DestinationsRejected {
        /// The destinations that were queued (code `1001`).
        queued: Vec<Queued>,
        /// The destinations that were refused.
        rejected: Vec<Rejection>,
    },
    /// No usable answer: the connection failed, the request timed out, the
    /// status was not 200, or the body was not the documented JSON. Whether
    /// the message was queued is then unknown. (Boxed: it is large.)
    #[error("{0}")]
    Http(#[source] Box<HttpError>),
}

impl Error {
    /// The refusal, for [`Error::Rejected`]; the first one for
    /// [`Error::DestinationsRejected`].
    pub fn rejection(&self) -> Option<&Rejection> {
        match self {
            Self::Rejected(rejection) => Some(rejection),
            Self::DestinationsRejected { rejected, .. } => rejected.first(),
            _ => None,
        }
    }

    /// The response code of [`Error::rejection`].
    pub fn code(&self) -> Option<&ResponseCode> {
        self.rejection().map(|r| &r.code)
    }

    /// The HTTP-level error, for [`Error::Http`].
    pub fn http(&self) -> Option<&HttpError> {
        match self {
            Self::Http(error) => Some(error),
            _ => None,
        }
    }

    /// The validation error, for [`Error::Invalid`].
    pub fn validation(&self) -> Option<&ValidationError> {
        match self {
            Self::Invalid(error) => Some(error),
            _ => None,
        }
    }
}
