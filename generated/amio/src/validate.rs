//! The documented rules a request is checked against before it is sent.
//!
//! Every rule is written once, in the spec: a JSON Schema keyword where one
//! can say it (`maxLength`, `maxItems`: 20-character quick-reply titles, 11
//! quick replies, 3 menu items, ...), otherwise an entry of the schema's
//! `x-rules` in the vocabulary of `bindings_runtime::rules` (a message has
//! `content` or a `message_template`; a menu has a `default` locale; a
//! whitelisted domain has its protocol; ...), each citing the seed's line.
//! The generator writes both into the [`Validate`] of each request type (the
//! `x-rules` as each type's `RULES` constant); `spec/RULES.md` lists them.
//! Every generated operation method runs it before sending, and refuses the
//! call with `Error::InvalidRequest` (naming the path and the rule) without
//! sending anything; call [`Validate::validate`] on a body yourself for the
//! structured [`ValidationError`](bindings_runtime::validate::ValidationError).
//!
//! ```
//! use amio::Validate;
//! use amio::types::{ChannelRef, ContactById, ContactIdentifier, SendMessageRequest};
//!
//! // Neither `content` nor `message_template`.
//! let request = SendMessageRequest::new(
//!     ChannelRef::new("6456078759331238786"),
//!     ContactIdentifier::Id(ContactById::new("6456078781510718339")),
//! );
//! let error = request.validate().unwrap_err();
//! assert_eq!(error.path, ".");
//! ```

pub use bindings_runtime::validate::{Rule, Validate};
