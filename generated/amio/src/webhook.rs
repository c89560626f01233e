//! Receiving Amio webhooks: verify `X-Hub-Signature`, then read the typed event.
//!
//! Amio POSTs every event of a channel to the channel's webhook URL (seed 000,
//! "Webhooks"). Each request carries `X-Hub-Signature: sha1=<hex>`, the
//! HMAC-SHA1 of the raw request body keyed with the channel's secret. A
//! receiver must check it over the exact bytes received, in constant time,
//! before trusting anything in the body, then answer 2xx quickly: Amio closes
//! connections after 60 seconds and re-delivers after a 4xx or 5xx.
//!
//! [`verify_and_parse`] does all of it in one call:
//!
//! ```
//! use amio::webhook::{self, Event, Secrets};
//!
//! let secrets = Secrets::new()
//!     .with_channel("6456078759331238786", "secret of this channel")
//!     .with_default("secret of every other channel");
//!
//! let body = br#"{"event":"messages_read","timestamp":"2016-10-06T13:42:48Z","data":{"channel":{"id":"6456078759331238786","type":"facebook_messenger"},"contact":{"id":"6456078781510718339"},"last_read_timestamp":"2016-10-06T13:40:13Z"}}"#;
//! // The value of the `X-Hub-Signature` request header; `sign` plays Amio here.
//! let header = webhook::sign(b"secret of this channel", body);
//!
//! match webhook::verify_and_parse(&secrets, body, Some(&header))? {
//!     Event::MessagesRead(read) => println!("read up to {}", read.data.last_read_timestamp),
//!     other => println!("{} event", other.event()),
//! }
//! # Ok::<(), webhook::WebhookError>(())
//! ```
//!
//! One reading of the unverified bytes chooses the secret, and the event
//! handed on must name the channel of that secret: a body that repeats
//! `data`, `channel` or `id` (in any spelling, `"\u0069d"` included) is
//! refused, so no reader can take another channel from it.
//!
//! [`receive`] is the same judgement for a receiver: a body that verifies
//! but does not parse is still handed on, as a [`Delivery`] with its bytes
//! and the parse error, with a stable key for recognising re-deliveries.
//! The steps are public too: [`verify`] checks a signature with one secret,
//! [`parse`] reads an event from bytes already verified, and [`sign`] computes
//! the header value (for tests and tools). With the `axum` feature,
//! `amio::webhook::axum` is a ready receiver.
//!
//! Nothing the platform adds breaks a receiver: an unknown `event` parses into
//! [`Event::Unknown`](crate::types::WebhookEvent::Unknown) and an unknown content
//! `type` into [`Content::Unknown`](crate::types::Content::Unknown), both keeping
//! the JSON received.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

#[cfg(feature = "axum")]
pub mod axum;
mod prescan;
#[cfg(feature = "redis")]
pub mod redis;

/// A webhook event: the envelope `{event, timestamp, data}`, dispatched on
/// `event`.
pub type Event = crate::types::WebhookEvent;

/// The name of the request header that carries the signature.
pub const SIGNATURE_HEADER: &str = "X-Hub-Signature";

/// The prefix of the signature header's value.
const PREFIX: &str = "sha1=";

/// The length of an HMAC-SHA1 digest, in bytes.
const DIGEST_LEN: usize = 20;

type HmacSha1 = Hmac<Sha1>;

/// The HMAC keyed with `secret`, before any message: the state a [`Secret`]
/// keeps, so that a body costs only its own blocks.
fn keyed(secret: &[u8]) -> HmacSha1 {
    HmacSha1::new_from_slice(secret).expect("HMAC accepts keys of any length")
}

fn mac(secret: &[u8], raw_body: &[u8]) -> HmacSha1 {
    let mut mac = keyed(secret);
    mac.update(raw_body);
    mac
}

/// The `X-Hub-Signature` value Amio sends with `raw_body` when the channel's
/// secret is `secret`: `sha1=` and the lowercase hex HMAC-SHA1 of the bytes.
///
/// For tests and tools (signing a payload to replay it against a receiver);
/// a receiver checks signatures with [`verify`], never by comparing strings.
///
/// ```
/// // The test vector of the Amio docs (seed 000, "Webhooks / Security").
/// let body = br#"{"event":"messages_delivered","timestamp":"2018-03-01T11:54:14.886Z","data":{"channel":{"id":"viber_service_messages_test","type":"viber"},"contact":{"phone_number":"+420606123456"},"messages":[{"id":"151990525359991"}]}}"#;
/// assert_eq!(
///     amio::webhook::sign(b"WebhookSecret", body),
///     "sha1=cb041d03489e961730cb6c7a6d1edf58ae88ef13",
/// );
/// ```
pub fn sign(secret: &[u8], raw_body: &[u8]) -> String {
    let digest = mac(secret, raw_body).finalize().into_bytes();
    format!("{PREFIX}{}", hex::encode(digest))
}

/// Why a signature was refused. The messages name the header and what is
/// wrong with it; they never contain a secret.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The request has no `X-Hub-Signature` header.
    #[error("the request has no X-Hub-Signature header")]
    Missing,
    /// The header is present but empty (or only whitespace).
    #[error("the X-Hub-Signature header is empty")]
    Empty,
    /// The header does not start with `sha1=`.
    #[error("the X-Hub-Signature header does not start with `sha1=`")]
    WrongPrefix,
    /// The digest after `sha1=` has a character that is not a hex digit.
    #[error("the X-Hub-Signature digest is not hexadecimal")]
    NotHex,
    /// The digest after `sha1=` is hex but not 40 digits long.
    #[error("the X-Hub-Signature digest has {found} hex digits, expected 40")]
    WrongLength {
        /// How many hex digits the header has.
        found: usize,
    },
    /// The signature is well formed but is not the body's: the secret is
    /// wrong, or the body is not the one signed.
    #[error("the X-Hub-Signature does not match the body")]
    Mismatch,
}

/// Reads the digest of a `sha1=<40 hex digits>` header (either case of hex).
/// The header is not secret: this need not run in constant time.
fn decode_header(header: Option<&str>) -> Result<[u8; DIGEST_LEN], SignatureError> {
    let header = trim(header.ok_or(SignatureError::Missing)?);
    if header.is_empty() {
        return Err(SignatureError::Empty);
    }
    let hex = header
        .strip_prefix(PREFIX)
        .ok_or(SignatureError::WrongPrefix)?
        .as_bytes();
    let mut digest = [0; DIGEST_LEN];
    // The usual header: 40 digits, read in one pass.
    if hex.len() == 2 * DIGEST_LEN {
        return hex::decode_to_slice(hex, &mut digest)
            .map(|()| digest)
            .map_err(|_| SignatureError::NotHex);
    }
    if !hex.iter().all(u8::is_ascii_hexdigit) {
        return Err(SignatureError::NotHex);
    }
    Err(SignatureError::WrongLength { found: hex.len() })
}

/// `text` without the whitespace around it, as [`str::trim`]; a value that
/// starts and ends with a visible ASCII character (the usual header) has
/// none, and is not walked.
fn trim(text: &str) -> &str {
    let bytes = text.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        _ => text.trim(),
    }
}

/// Checks that `header` (the `X-Hub-Signature` value, `None` when the request
/// has none) is the HMAC-SHA1 of `raw_body` keyed with `secret`.
///
/// `raw_body` must be the exact bytes received: never a body parsed and
/// serialized again, which changes key order and whitespace. The digests are
/// compared in constant time; hex digits may be upper- or lowercase.
///
/// ```
/// use amio::webhook::{self, SignatureError};
///
/// let body = br#"{"event":"opt_in"}"#;
/// let header = webhook::sign(b"secret", body);
/// assert_eq!(webhook::verify(b"secret", body, Some(&header)), Ok(()));
/// assert_eq!(
///     webhook::verify(b"another secret", body, Some(&header)),
///     Err(SignatureError::Mismatch),
/// );
/// assert_eq!(webhook::verify(b"secret", body, None), Err(SignatureError::Missing));
/// ```
pub fn verify(secret: &[u8], raw_body: &[u8], header: Option<&str>) -> Result<(), SignatureError> {
    let expected = decode_header(header)?;
    check(keyed(secret), raw_body, &expected)
}

/// Whether `digest` is the HMAC of `raw_body` (`mac`: keyed, nothing
/// hashed yet), compared in constant time.
fn check(
    mut mac: HmacSha1,
    raw_body: &[u8],
    digest: &[u8; DIGEST_LEN],
) -> Result<(), SignatureError> {
    mac.update(raw_body);
    mac.verify_slice(digest)
        .map_err(|_| SignatureError::Mismatch)
}

/// Why a body could not be read as a webhook event.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The body is not a JSON document (truncated, empty, not UTF-8, ...).
    #[error(
        "the webhook body is not JSON: {message} at line {line}, column {column} (at `{path}`)"
    )]
    Syntax {
        /// The JSON path of the value being read, `.` for the root; a last
        /// segment `?` stands for a key that could not be read.
        path: String,
        /// The line of the fault, from 1.
        line: usize,
        /// The column of the fault, from 1.
        column: usize,
        /// What the JSON parser expected.
        message: String,
    },
    /// The body is JSON but not a webhook event as documented, such as a known
    /// event without its `data`, or a value of the wrong type.
    #[error("the webhook body is not a valid event at `{path}`: {message}")]
    Invalid {
        /// The JSON path of the value at fault, `.` for the root; array
        /// elements as `[index]` (`data.messages[0].id`).
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// The body nests deeper than the reading goes where it was read: no
    /// documented event comes near [`MAX_DEPTH`] levels.
    #[error("the webhook body nests deeper than {limit} levels at `{path}`")]
    TooDeep {
        /// The JSON path of the container past the limit.
        path: String,
        /// The limit, [`MAX_DEPTH`].
        limit: usize,
    },
}

/// How deep the parse reads a body: serde_json's recursion limit, shared by
/// every reading of JSON in these bindings. A deeper body is a
/// [`ParseError::TooDeep`], never a stack overflow.
pub const MAX_DEPTH: usize = bindings_runtime::json::MAX_DEPTH;

impl ParseError {
    /// The JSON path of the failure, `.` for the root.
    pub fn path(&self) -> &str {
        match self {
            Self::Syntax { path, .. } | Self::Invalid { path, .. } | Self::TooDeep { path, .. } => {
                path
            }
        }
    }
}

/// Reads a webhook event from its raw body: the envelope
/// `{event, timestamp, data}`, dispatched on `event`.
///
/// Call it only on a body whose signature is verified (or use
/// [`verify_and_parse`]). An unknown `event` gives
/// [`Event::Unknown`](crate::types::WebhookEvent::Unknown); an unknown content
/// `type` inside a known event gives
/// [`Content::Unknown`](crate::types::Content::Unknown). A failure keeps the
/// JSON path of the value at fault. Never panics, whatever the bytes.
///
/// ```
/// use amio::webhook::{self, Event};
///
/// let event = webhook::parse(br#"{"event":"postback","timestamp":"2017-03-01T15:49:02.243Z","data":{"channel":{"id":"6456078759331238786"},"contact":{"id":"6456078781510718339"},"postback":{"payload":"GET_STARTED"}}}"#)?;
/// let Event::Postback(postback) = event else { panic!("a postback") };
/// assert_eq!(postback.data.postback.payload, "GET_STARTED");
///
/// let error = webhook::parse(br#"{"event":"postback","timestamp":"2017-03-01T15:49:02.243Z","data":{}}"#)
///     .unwrap_err();
/// assert_eq!(error.path(), "data");
/// # Ok::<(), webhook::ParseError>(())
/// ```
pub fn parse(raw_body: &[u8]) -> Result<Event, ParseError> {
    // One pass over the bytes; only a failure pays for the readings that
    // find the JSON path (tags first, so that the path goes through unions).
    bindings_runtime::json::read(raw_body, crate::types::UNION_TAGS).map_err(|failure| {
        let message = failure.message();
        if failure.is_too_deep() {
            ParseError::TooDeep {
                path: failure.path,
                limit: MAX_DEPTH,
            }
        } else if failure.is_data() {
            ParseError::Invalid {
                path: failure.path,
                message,
            }
        } else {
            ParseError::Syntax {
                line: failure.error.line(),
                column: failure.error.column(),
                path: failure.path,
                message,
            }
        }
    })
}

/// [`parse`] of a body whose `event` (once, a string) the pre-scan read: the
/// event's variant reads the body in one pass wherever `event` stands, so
/// nothing is kept for later when `data` comes first. An unknown event or a
/// failure is read again by [`parse`], for the `Unknown` event or the error
/// with its path: the answer is always [`parse`]'s.
#[inline]
fn parse_known(raw_body: &[u8], event: &str) -> Result<Event, ParseError> {
    let mut deserializer = serde_json::Deserializer::from_slice(raw_body);
    let read = bindings_runtime::de::deserialize_known_tag::<Event, _>(&mut deserializer, event);
    if let Ok(Some(event)) = read
        && deserializer.end().is_ok()
    {
        return Ok(event);
    }
    parse(raw_body)
}

/// A webhook secret, kept as the HMAC keyed with it (the key's two blocks
/// hashed once, not per body). `Debug` never shows it.
#[derive(Clone)]
struct Secret(HmacSha1);

impl Secret {
    fn new(secret: &[u8]) -> Self {
        Self(keyed(secret))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// The webhook secrets of your channels: one per channel id, and optionally a
/// default for any other channel.
///
/// Amio signs each channel's webhooks with that channel's secret (its
/// `webhook.secret`). Channel ids are strings (they exceed a double's
/// precision). `Debug` shows the channel ids, never the secrets.
///
/// ```
/// use amio::webhook::Secrets;
///
/// // One channel, or the same secret everywhere:
/// let one = Secrets::single("my-webhook-secret");
///
/// // Several channels, and a default for the rest:
/// let many = Secrets::new()
///     .with_channel("6456078759331238786", "secret-one")
///     .with_channel("6456078759331248741", "secret-two")
///     .with_default("secret-of-the-others");
/// assert!(!format!("{many:?}").contains("secret-one"));
/// ```
#[derive(Clone, Default)]
#[must_use]
pub struct Secrets {
    channels: BTreeMap<String, Secret>,
    default: Option<Secret>,
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secrets")
            .field("channels", &self.channels)
            .field("default", &self.default)
            .finish()
    }
}

impl Secrets {
    /// No secrets yet: add them with [`Secrets::with_channel`] and
    /// [`Secrets::with_default`].
    pub fn new() -> Self {
        Self::default()
    }

    /// One secret for every channel.
    pub fn single(secret: impl Into<Vec<u8>>) -> Self {
        Self::new().with_default(secret)
    }

    /// The secret of the channel whose id is `channel_id`, replacing any
    /// secret it had.
    pub fn with_channel(
        mut self,
        channel_id: impl Into<String>,
        secret: impl Into<Vec<u8>>,
    ) -> Self {
        self.channels
            .insert(channel_id.into(), Secret::new(&secret.into()));
        self
    }

    /// The secret of every channel that has none of its own.
    pub fn with_default(mut self, secret: impl Into<Vec<u8>>) -> Self {
        self.default = Some(Secret::new(&secret.into()));
        self
    }

    /// The secret of the channel `channel_id` (the default one for a
    /// channel without its own, or for a body that names no channel).
    fn secret_for(&self, channel_id: Option<&str>) -> Result<&HmacSha1, WebhookError> {
        let secret = match channel_id {
            Some(id) => self
                .channels
                .get(id)
                .or(self.default.as_ref())
                .ok_or_else(|| WebhookError::UnknownChannel {
                    channel_id: id.to_owned(),
                })?,
            None => self
                .default
                .as_ref()
                .ok_or(WebhookError::MissingChannelId)?,
        };
        Ok(&secret.0)
    }
}

/// Why [`verify_and_parse`] or [`receive`] refused a webhook.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The signature header is missing or malformed, or does not match the body.
    #[error(transparent)]
    Signature(#[from] SignatureError),
    /// The body names a channel that has no secret, and there is no default.
    #[error("no webhook secret for channel {channel_id:?}, and no default secret")]
    UnknownChannel {
        /// The `data.channel.id` of the body (unverified).
        channel_id: String,
    },
    /// The body has no `data.channel.id` string to choose a secret by, and
    /// there is no default secret.
    #[error("the webhook body has no `data.channel.id`, and there is no default secret")]
    MissingChannelId,
    /// A key on the path the secret is chosen by (`data`, `data.channel`,
    /// `data.channel.id`) appears twice in one object, however it is
    /// spelled (`"\u0069d"` is `"id"`): readers may disagree on the
    /// channel, so the body is not judged at all.
    #[error("the webhook body repeats the key `{path}`, which chooses the secret")]
    RepeatedKey {
        /// The path of the repeated key, such as `data.channel.id`.
        path: &'static str,
    },
    /// The typed event names another channel than the one whose secret
    /// verified the body (a safeguard: the pre-scan and the parser read the
    /// same bytes and should never disagree).
    #[error("the event names channel {event:?}, but the body was verified for {verified:?}")]
    ChannelMismatch {
        /// The channel whose secret was used (`None`: the default secret,
        /// for a body naming no channel).
        verified: Option<String>,
        /// The channel of the parsed event.
        event: Option<String>,
    },
    /// The signature is valid, but the body is not a webhook event (only
    /// from [`verify_and_parse`]: [`receive`] delivers such a body).
    #[error(transparent)]
    Parse(#[from] ParseError),
}

impl WebhookError {
    /// The HTTP status a receiver answers with: 400 for a signed body that
    /// does not parse, 401 for everything else (the request is not proven to
    /// come from Amio, or not for the channel it names).
    pub fn http_status(&self) -> http::StatusCode {
        match self {
            Self::Parse(_) => http::StatusCode::BAD_REQUEST,
            Self::Signature(_)
            | Self::UnknownChannel { .. }
            | Self::MissingChannelId
            | Self::RepeatedKey { .. }
            | Self::ChannelMismatch { .. } => http::StatusCode::UNAUTHORIZED,
        }
    }
}

/// A body whose signature is verified: the digest of the signature, and
/// what the pre-scan read (the channel whose secret verified it, `event`).
struct Verified<'a> {
    digest: [u8; DIGEST_LEN],
    scan: prescan::Scan<'a>,
}

/// The one judgement of a body, shared by [`verify_and_parse`] and
/// [`receive`], in two steps: [`verify_body`], then [`Verified::parse`] and
/// [`Verified::same_channel`].
///
/// One pre-scan of the unverified bytes reads `data.channel.id` (refusing a
/// body that repeats a key on that path) and `event`; the secret of that
/// channel checks the HMAC; only then is the event parsed, and its channel
/// must be the one verified. So the channel whose secret was used is always
/// the channel of the event handed on. (The event, some 760 bytes, is read
/// where it is returned, not carried through a struct of the judgement.)
fn verify_body<'a>(
    secrets: &Secrets,
    raw_body: &'a [u8],
    header: Option<&str>,
) -> Result<Verified<'a>, WebhookError> {
    let digest = decode_header(header)?;
    let scan = prescan::scan(raw_body).map_err(|path| WebhookError::RepeatedKey { path })?;
    let secret = secrets.secret_for(scan.channel_id.as_deref())?;
    check(secret.clone(), raw_body, &digest)?;
    Ok(Verified { digest, scan })
}

impl Verified<'_> {
    /// The event of the verified `raw_body`.
    #[inline]
    fn parse(&self, raw_body: &[u8]) -> Result<Event, ParseError> {
        if self.scan.repeated_event {
            return Err(ParseError::Invalid {
                path: "event".to_owned(),
                message: "the key `event` appears twice".to_owned(),
            });
        }
        match self.scan.event.as_deref() {
            Some(tag) => parse_known(raw_body, tag),
            None => parse(raw_body),
        }
    }

    /// Refuses an event whose channel is not the one verified.
    fn same_channel(&self, event: &Event) -> Result<(), WebhookError> {
        if event.channel_id() == self.scan.channel_id.as_deref() {
            return Ok(());
        }
        Err(WebhookError::ChannelMismatch {
            verified: self.scan.channel_id.as_deref().map(str::to_owned),
            event: event.channel_id().map(str::to_owned),
        })
    }
}

/// Verifies a webhook and reads its event: the secret is chosen by the body's
/// `data.channel.id` (the only thing read before verification), the signature
/// is checked over the raw bytes in constant time, and only then is the body
/// parsed (see [`parse`]); the event's channel is the one verified.
///
/// `header` is the value of the `X-Hub-Signature` request header, `None` when
/// the request has none. A signed body that is not an event is an error
/// here ([`WebhookError::Parse`]); [`receive`] hands it on instead.
pub fn verify_and_parse(
    secrets: &Secrets,
    raw_body: &[u8],
    header: Option<&str>,
) -> Result<Event, WebhookError> {
    let verified = verify_body(secrets, raw_body, header)?;
    let event = verified.parse(raw_body)?;
    verified.same_channel(&event)?;
    Ok(event)
}

/// A verified webhook, whether or not it parsed: what a receiver hands on.
///
/// Nothing verified is lost: a body that Amio signed but that is not an
/// event these bindings can read keeps its bytes and the parse error in
/// `event`, and the receiver still accepts it (answering `400` would make
/// Amio re-deliver it six times and then discard it).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Delivery {
    /// A stable key of this delivery: the HMAC digest of the body. Amio's
    /// re-deliveries of a webhook carry the same body, so the same key;
    /// [`Delivery::key_hex`] spells it for a text store.
    pub key: [u8; DIGEST_LEN],
    /// The channel whose secret verified the body: its `data.channel.id`,
    /// or `None` when the body names none (verified by the default
    /// secret). Trust this one, not a channel read from `body` by another
    /// parser.
    pub channel_id: Option<String>,
    /// The raw body, exactly as received and signed.
    pub body: bytes::Bytes,
    /// The typed event, or why the body is not one.
    pub event: Result<Event, ParseError>,
}

impl Delivery {
    /// [`Delivery::key`] in lowercase hex (40 digits).
    pub fn key_hex(&self) -> String {
        hex::encode(self.key)
    }
}

/// Verifies a webhook and hands on what it holds: like [`verify_and_parse`],
/// but a verified body that does not parse is a [`Delivery`] too, with its
/// bytes and the parse error. The errors are the refusals (401): the body
/// is not proven to come from Amio for the channel it names.
///
/// ```
/// use amio::webhook::{self, Secrets};
///
/// let secrets = Secrets::single("secret");
/// let body = br#"{"event":"postback","timestamp":"not a time","data":{"channel":{"id":"1"}}}"#;
/// let header = webhook::sign(b"secret", body);
/// let delivery = webhook::receive(&secrets, bytes::Bytes::from_static(body), Some(&header))?;
/// assert_eq!(delivery.channel_id.as_deref(), Some("1"));
/// assert!(delivery.event.is_err(), "signed, but not a postback these bindings can read");
/// assert_eq!(&delivery.body[..], body);
/// # Ok::<(), webhook::WebhookError>(())
/// ```
pub fn receive(
    secrets: &Secrets,
    raw_body: bytes::Bytes,
    header: Option<&str>,
) -> Result<Delivery, WebhookError> {
    let verified = verify_body(secrets, &raw_body, header)?;
    let event = verified.parse(&raw_body);
    if let Ok(event) = &event {
        verified.same_channel(event)?;
    }
    let key = verified.digest;
    let channel_id = verified.scan.channel_id.map(Cow::into_owned);
    Ok(Delivery {
        key,
        channel_id,
        event,
        body: raw_body,
    })
}

impl Event {
    /// The id of the channel the event belongs to, `data.channel.id`
    /// (`None` for an unknown event without one): the channel whose secret
    /// signed it, once verified.
    pub fn channel_id(&self) -> Option<&str> {
        match self {
            Self::MessageReceived(event) => Some(&event.data.channel.id),
            Self::MessagesDelivered(event) => Some(&event.data.channel.id),
            Self::MessagesRead(event) => Some(&event.data.channel.id),
            Self::MessageEcho(event) => Some(&event.data.channel.id),
            Self::MessageFailed(event) => Some(&event.data.channel.id),
            Self::Postback(event) => Some(&event.data.channel.id),
            Self::OptIn(event) => Some(&event.data.channel.id),
            Self::Notification(event) => Some(&event.data.channel.id),
            Self::Unknown(value) => value
                .pointer("/data/channel/id")
                .and_then(serde_json::Value::as_str),
        }
    }
}
