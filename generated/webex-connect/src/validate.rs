//! The documented rules a request is checked against before it is sent, so
//! that a request the platform would refuse (or truncate) fails early with a
//! clear error instead of a response code.
//!
//! Every rule is written once, in the spec: a JSON Schema keyword where one
//! can say it (`maxItems`, `maxLength`, `minimum`, `maximum`, `x-max-bytes`),
//! otherwise an entry of the schema's `x-rules` in the vocabulary of
//! `bindings_runtime::rules` (`appid` for the app channels, the block named
//! by `deliverychannel`, at most 1000 recipients counted over every
//! destination entry, ...), each citing the line of the Webex Connect
//! documentation ("Send Message v1", seed 002) that states it. The generator
//! writes both into the [`Validate`] implementation of each request type (the
//! `x-rules` as each type's `RULES` constant); `spec/RULES.md` lists them.
//!
//! [`Client::send`](crate::Client::send) runs the checks before sending, and
//! so does every generated operation method.
//!
//! ```
//! use webex_connect::Validate;
//! use webex_connect::types::{Channels, DeliveryChannel, Destination, SendMessageRequest};
//!
//! let request = SendMessageRequest::new(
//!     DeliveryChannel::Push,
//!     Channels::new(),
//!     [Destination::new().with_userid(["4545"])],
//! );
//! let error = request.validate().unwrap_err();
//! assert_eq!(error.path, "appid");
//! ```

pub use bindings_runtime::validate::{Rule, Validate};
