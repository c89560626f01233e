//! An SMS text's encoding and segments, and the `type` to send it with.
//!
//! ```
//! use webex_connect::sms::{self, Encoding};
//! use webex_connect::types::SmsType;
//!
//! let hello = sms::segments("Hello, €uro");
//! assert_eq!((hello.encoding, hello.count), (Encoding::Gsm7, 1));
//! let long = sms::segments(&"Привет ".repeat(11));
//! assert_eq!((long.encoding, long.count), (Encoding::Ucs2, 2));
//! assert_eq!(sms::sms_type(long.encoding), SmsType::Value4);
//! ```
//!
//! The 1024-byte limit of a text (seed 002, lines 156, 202) is counted in
//! bytes of its encoding ([`Segments::bytes`]) by the rule `webex-sms-bytes`
//! of the spec, which every send checks.

pub use bindings_runtime::sms::{Encoding, Segments, segments};

use crate::types::SmsType;

/// The SMS `type` for a text of `encoding`: `1` (text) for GSM-7, `4`
/// (Unicode) for UCS-2, as seed 002 (line 210) lists them.
pub fn sms_type(encoding: Encoding) -> SmsType {
    match encoding {
        Encoding::Ucs2 => SmsType::Value4,
        _ => SmsType::Value1,
    }
}
