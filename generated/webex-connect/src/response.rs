//! Reading the platform's immediate answer: HTTP 200 for success and errors
//! alike, with `response` an array of entries (one per destination) when the
//! request was queued, and one entry object when it was refused.

use std::fmt;

use crate::Error;
use crate::types::{ResponseEntry, SendMessageResponse, SendMessageResult};

/// A response code of the Messaging API (seed 002, section "Response Codes",
/// lines 1993-2003). Codes are strings on the wire.
///
/// The enum is open: a code this version does not know is kept in
/// [`ResponseCode::Other`], never an error.
///
/// ```
/// use webex_connect::ResponseCode;
///
/// assert_eq!(ResponseCode::from("7001"), ResponseCode::AuthenticationFailed);
/// assert_eq!(ResponseCode::from("7999"), ResponseCode::Other("7999".into()));
/// assert_eq!(ResponseCode::ServiceInactive.as_str(), "7007");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResponseCode {
    /// `1001` Queued: the request is accepted (line 1994).
    Queued,
    /// `7000` Invalid JSON: the request is not valid JSON (line 1995).
    InvalidJson,
    /// `7001` Authentication failed: an invalid service key or profile key (line 1996).
    AuthenticationFailed,
    /// `7002` Service key missing: the `key` is missing from the request (line 1997).
    ServiceKeyMissing,
    /// `7003` Mandatory parameters missing: parameters configured in the
    /// custom event are missing (line 1998).
    MandatoryParametersMissing,
    /// `7004` Invalid parameters (line 1999).
    InvalidParameters,
    /// `7006` Internal error occurred (line 2000).
    InternalError,
    /// `7007` Service inactive: the service is in the inactive state (line 2001).
    ServiceInactive,
    /// `7009` Max number of destinations: more than 1000 (line 2002).
    MaxDestinations,
    /// `7722` Parameter value is invalid: the namespace of a WhatsApp message
    /// does not belong to the WABA id (line 2003).
    ParameterValueInvalid,
    /// A code this version of the bindings does not know, kept as received.
    Other(String),
}

/// `(code, variant, documented message)`, in the seed's order.
const KNOWN: [(&str, ResponseCode, &str); 10] = [
    ("1001", ResponseCode::Queued, "Queued"),
    ("7000", ResponseCode::InvalidJson, "Invalid JSON"),
    (
        "7001",
        ResponseCode::AuthenticationFailed,
        "Authentication failed",
    ),
    (
        "7002",
        ResponseCode::ServiceKeyMissing,
        "Service key missing",
    ),
    (
        "7003",
        ResponseCode::MandatoryParametersMissing,
        "Mandatory parameters missing",
    ),
    (
        "7004",
        ResponseCode::InvalidParameters,
        "Invalid parameters",
    ),
    (
        "7006",
        ResponseCode::InternalError,
        "Internal error occurred",
    ),
    ("7007", ResponseCode::ServiceInactive, "Service inactive"),
    (
        "7009",
        ResponseCode::MaxDestinations,
        "Max number of destinations",
    ),
    (
        "7722",
        ResponseCode::ParameterValueInvalid,
        "Parameter value is invalid",
    ),
];

impl ResponseCode {
    /// The code as it is on the wire, such as `"7001"`.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Other(code) => code,
            known => KNOWN
                .iter()
                .find(|(_, variant, _)| variant == known)
                .map_or("", |(code, _, _)| code),
        }
    }

    /// The message the documentation gives for the code, such as
    /// `"Authentication failed"`; `None` for a code it does not list.
    pub fn message(&self) -> Option<&'static str> {
        KNOWN
            .iter()
            .find(|(_, variant, _)| variant == self)
            .map(|(_, _, message)| *message)
    }

    /// Whether this is `1001`, the one success code.
    pub fn is_queued(&self) -> bool {
        *self == Self::Queued
    }
}

impl From<&str> for ResponseCode {
    fn from(code: &str) -> Self {
        // A known code is recognised with whitespace around it; an unknown
        // one is kept exactly as received.
        let trimmed = code.trim();
        KNOWN
            .iter()
            .find(|(known, _, _)| *known == trimmed)
            .map_or_else(
                || Self::Other(code.to_owned()),
                |(_, variant, _)| variant.clone(),
            )
    }
}

impl fmt::Display for ResponseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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
            code: ResponseCode::from(entry.code.as_str()),
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
            if ResponseCode::from(entry.code.as_str()).is_queued() {
                vec![entry]
            } else {
                return Err(Error::Rejected(entry.into()));
            }
        }
    };
    let mut queued = Vec::new();
    let mut rejected = Vec::new();
    for entry in entries {
        if ResponseCode::from(entry.code.as_str()).is_queued() {
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
    fn every_known_code_reads_back_as_itself() {
        for (code, variant, message) in KNOWN {
            let read = ResponseCode::from(code);
            assert_eq!(read, variant);
            assert_eq!(read.as_str(), code);
            assert_eq!(read.message(), Some(message));
            assert_eq!(read.to_string(), code);
        }
    }

    #[test]
    fn unknown_codes_are_kept() {
        let code = ResponseCode::from("7010");
        assert_eq!(code, ResponseCode::Other("7010".to_owned()));
        assert_eq!(code.as_str(), "7010");
        assert_eq!(code.message(), None);
        assert!(!code.is_queued());
        assert_eq!(ResponseCode::from(""), ResponseCode::Other(String::new()));
        assert_eq!(ResponseCode::from(" 7010\n").as_str(), " 7010\n");
        assert!(ResponseCode::from(" 1001 ").is_queued());
    }
}
