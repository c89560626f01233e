//! Reading the platform's immediate answer: HTTP 200 for success and errors
//! alike, with `response` an array of entries (one per destination) when the
//! request was queued, and one entry object when it was refused.

use crate::Error;
use crate::types::{ResponseCode, ResponseEntry, SendMessageResponse, SendMessageResult};

/// Whether `code` is `1001`, the one success code. A code padded with
/// whitespace reads as the code (leniency: a queued message must never be
/// taken for a refused one, and sent again).
pub(crate) fn is_queued(code: &ResponseCode) -> bool {
    match code {
        ResponseCode::Queued => true,
        ResponseCode::Unknown(other) => other.trim() == ResponseCode::Queued.as_str(),
        _ => false,
    }
}

/// One destination's message, queued by the platform (code `1001`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Queued {
    /// The transaction id the platform assigned; the delivery notifications
    /// for this message carry it too.
    pub transid: String,
    /// The `correlationid` of the request or destination, when one was given.
    pub correlationid: Option<String>,
}

/// The platform refused a request, or one destination of it: a response
/// code other than `1001`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("code {code} ({description}), transid {transid}")]
#[non_exhaustive]
pub struct Rejection {
    /// The response code.
    pub code: ResponseCode,
    /// The platform's description, such as `Authentication failed.`.
    pub description: String,
    /// The transaction id the platform assigned to the request.
    pub transid: String,
    /// The `correlationid` of the request or destination, when one was given.
    pub correlationid: Option<String>,
}

impl From<ResponseEntry> for Rejection {
    fn from(entry: ResponseEntry) -> Self {
        Self {
            code: entry.code,
            description: entry.description,
            transid: entry.transid,
            correlationid: entry.correlationid,
        }
    }
}

/// Turns the answer into the queued messages, or the error its codes mean.
///
/// An array whose entries are all `1001` is a success; a single object is a
/// success only if its code is `1001` (accepted, though the platform sends an
/// array). An array with one refused entry and nothing queued is
/// [`Error::Rejected`]; any other array with a code other than `1001` is
/// [`Error::DestinationsRejected`], keeping the queued entries too, so that
/// they are not sent again.
pub(crate) fn interpret(answer: SendMessageResponse) -> Result<Vec<Queued>, Error> {
    let entries = match answer.response {
        SendMessageResult::Entries(entries) => entries.0,
        SendMessageResult::Entry(entry) => {
            if is_queued(&entry.code) {
                vec![entry]
            } else {
                return Err(Error::Rejected(entry.into()));
            }
        }
    };
    let mut queued = Vec::new();
    let mut rejected = Vec::new();
    for entry in entries {
        if is_queued(&entry.code) {
            queued.push(Queued {
                transid: entry.transid,
                correlationid: entry.correlationid,
            });
        } else {
            rejected.push(Rejection::from(entry));
        }
    }
    match (queued.is_empty(), rejected.len()) {
        (_, 0) => Ok(queued),
        (true, 1) => Err(Error::Rejected(rejected.remove(0))),
        _ => Err(Error::DestinationsRejected { queued, rejected }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_1001_is_queued_even_padded() {
        assert!(is_queued(&ResponseCode::from("1001")));
        assert!(is_queued(&ResponseCode::from(" 1001 ")));
        assert!(!is_queued(&ResponseCode::from("7001")));
        assert!(!is_queued(&ResponseCode::from("10011")));
        assert!(!is_queued(&ResponseCode::from("")));
    }

    #[test]
    fn codes_come_from_the_spec_with_their_descriptions() {
        assert_eq!(
            ResponseCode::from("7001"),
            ResponseCode::AuthenticationFailed
        );
        assert_eq!(
            ResponseCode::AuthenticationFailed.description(),
            Some(
                "Authentication failed. Returned when an invalid service key or profile key is provided in the request."
            )
        );
        let unknown = ResponseCode::from("7010");
        assert_eq!(unknown, ResponseCode::Unknown("7010".to_owned()));
        assert_eq!(unknown.description(), None);
        assert_eq!(unknown.as_str(), "7010");
    }
}
