//! Delivery notifications: what Webex Connect POSTs to a request's
//! `notifyurl` when a message's status changes.
//!
//! ```
//! let body = br#"{"deliveryInfoNotification":{"deliveryInfo":{
//!     "deliveryChannel":"SMS","Description":"Delivered","destinationType":"msisdn",
//!     "timeStamp":"2016-07-20T17:13:17.908","code":"7500","deliveryStatus":"Delivered",
//!     "destination":"918800000000"},"transid":"4b8a3e2f"}}"#;
//!
//! let notification = webex_connect::notification::parse(body)?;
//! let body = &notification.delivery_info_notification;
//! let info = &body.delivery_info;
//! assert_eq!(info.code, webex_connect::notification::DeliveryCode::Delivered);
//! assert_eq!(info.timestamp().unwrap()?.to_string(), "2016-07-20 17:13:17.908");
//! assert_eq!(body.transid.as_deref(), Some("4b8a3e2f"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The documentation gives no way to authenticate a notification (no
//! signature header); check it against the `transid` and `correlationid` you
//! sent, and keep the `notifyurl` secret. With the `axum` feature,
//! [The `axum` module](self::axum) is a ready receiver, with those mitigations spelled out.

#[cfg(feature = "axum")]
pub mod axum;
#[cfg(feature = "redis")]
pub mod redis;

use chrono::NaiveDateTime;
use serde_json::Value;

use crate::types::{DeliveryInfo, DeliveryInfoNotification};

/// A delivery status code (`deliveryInfo.code`), generated from the spec
/// with what each documented code means ([`DeliveryCode::description`]). The
/// enum is open: a code this version does not know is kept in
/// [`DeliveryCode::Unknown`].
pub use crate::types::DeliveryCode;

/// The keys of a delivery notification as the generated types spell them.
/// A key that matches one of them but for case is read as that one.
const KEYS: [&str; 12] = [
    "deliveryInfoNotification",
    "deliveryInfo",
    "correlationid",
    "callbackData",
    "transid",
    "deliveryChannel",
    "Description",
    "destinationType",
    "timeStamp",
    "code",
    "deliveryStatus",
    "destination",
];

/// Why a notification body could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NotificationError {
    /// The body is not JSON.
    #[error("the delivery notification is not JSON: {0}")]
    NotJson(#[source] serde_json::Error),
    /// The body is JSON nested deeper than the reading goes
    /// ([`bindings_runtime::json::MAX_DEPTH`]): not a notification, and
    /// kept as one that does not match its type.
    #[error("the delivery notification nests deeper than {limit} levels")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// The body is JSON but not a `deliveryInfoNotification`.
    #[error("the delivery notification does not match its type at {path}: {message}")]
    Shape {
        /// The JSON path at fault, such as `deliveryInfoNotification.deliveryInfo.code`.
        path: String,
        /// What is wrong there.
        message: String,
    },
}

/// Reads the raw body of a delivery notification.
///
/// Never panics and never recurses past [`bindings_runtime::json::MAX_DEPTH`]
/// levels, whatever the bytes: a deeper body is [`NotificationError::TooDeep`].
///
/// Keys are matched regardless of case (the platform mixes `Description`,
/// `timeStamp`, `callbackData` and `correlationid`), and keys the type does
/// not know are ignored.
pub fn parse(body: &[u8]) -> Result<DeliveryInfoNotification, NotificationError> {
    let mut value: Value = serde_json::from_slice(body).map_err(|error| {
        if bindings_runtime::json::too_deep(body, &error) {
            NotificationError::TooDeep {
                limit: bindings_runtime::json::MAX_DEPTH,
            }
        } else {
            NotificationError::NotJson(error)
        }
    })?;
    normalise_keys(&mut value);
    serde_path_to_error::deserialize(value).map_err(|error| NotificationError::Shape {
        path: error.path().to_string(),
        message: error.into_inner().to_string(),
    })
}

/// Renames, in every object, a key that matches a known key but for case to
/// the known spelling, unless that spelling is present too.
fn normalise_keys(value: &mut Value) {
    // Its own stack, not recursion: the values still to visit.
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        match value {
            Value::Object(object) => {
                let renames: Vec<(String, &str)> = object
                    .keys()
                    .filter(|key| !KEYS.contains(&key.as_str()))
                    .filter_map(|key| {
                        KEYS.iter()
                            .find(|known| known.eq_ignore_ascii_case(key))
                            .map(|known| (key.clone(), *known))
                    })
                    .collect();
                for (from, to) in renames {
                    if !object.contains_key(to)
                        && let Some(moved) = object.remove(&from)
                    {
                        object.insert(to.to_owned(), moved);
                    }
                }
                pending.extend(object.values_mut());
            }
            Value::Array(items) => pending.extend(items.iter_mut()),
            _ => {}
        }
    }
}

/// Reads a notification time such as `2016-07-20T17:13:17.908`.
///
/// The platform sends local date-times without a zone; they are read as
/// such. A space instead of `T` and missing fractional seconds are accepted.
/// A value that does carry a zone (RFC 3339) is converted to UTC.
pub fn parse_timestamp(text: &str) -> Result<NaiveDateTime, chrono::ParseError> {
    let text = text.trim();
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f"))
        .or_else(|first| {
            chrono::DateTime::parse_from_rfc3339(text)
                .map(|t| t.naive_utc())
                .map_err(|_| first)
        })
}

impl DeliveryInfo {
    /// `timeStamp` as a date-time without zone (see [`parse_timestamp`]);
    /// `None` when the notification has none.
    pub fn timestamp(&self) -> Option<Result<NaiveDateTime, chrono::ParseError>> {
        self.time_stamp.as_deref().map(parse_timestamp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_with_and_without_fraction_or_zone() {
        let read = |t: &str| parse_timestamp(t).map(|t| t.to_string());
        assert_eq!(
            read("2016-07-20T17:13:17.908").unwrap(),
            "2016-07-20 17:13:17.908"
        );
        assert_eq!(read("2016-07-20T17:13:17").unwrap(), "2016-07-20 17:13:17");
        assert_eq!(
            read("2016-07-20 17:13:17.5").unwrap(),
            "2016-07-20 17:13:17.500"
        );
        assert_eq!(
            read("2016-07-20T17:13:17+02:00").unwrap(),
            "2016-07-20 15:13:17"
        );
        assert!(read("20 July 2016").is_err());
    }

    #[test]
    fn keys_are_matched_regardless_of_case() {
        let mut value = serde_json::json!({
            "DELIVERYINFONOTIFICATION": {"deliveryinfo": {"description": "x", "Code": "7500"}},
            "Description": "kept", "description": "also kept"
        });
        normalise_keys(&mut value);
        assert_eq!(
            value,
            serde_json::json!({
                "deliveryInfoNotification": {"deliveryInfo": {"Description": "x", "code": "7500"}},
                "Description": "kept", "description": "also kept"
            })
        );
    }
}
