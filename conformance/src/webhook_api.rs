//! A minimal local stand-in for `amio::webhook`, with the same API, so that
//! the signature checks compile before that module is merged. Replaced by
//! `amio::webhook` when merged: delete this file and point the
//! `use crate::webhook_api` lines at `amio::webhook`.

use std::collections::HashMap;

use hmac::{KeyInit, Mac};

/// A parsed webhook event.
pub type Event = amio::types::WebhookEvent;

type HmacSha1 = hmac::Hmac<sha1::Sha1>;

/// Why a signature was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureError {
    /// No `X-Hub-Signature` header.
    #[error("no X-Hub-Signature header")]
    Missing,
    /// The header is not `sha1=` and 40 hex digits.
    #[error("the X-Hub-Signature header is not `sha1=<40 hex digits>`")]
    Malformed,
    /// The signature does not match the body and the secret.
    #[error("the signature does not match the body")]
    Mismatch,
}

/// Why a body is not a webhook event.
#[derive(Debug, thiserror::Error)]
#[error("not a webhook event: {0}")]
pub struct ParseError(String);

/// Why [`verify_and_parse`] refused a webhook.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The body names no channel with a known secret.
    #[error("no secret for the channel of this webhook")]
    UnknownChannel,
    /// The signature was refused.
    #[error(transparent)]
    Signature(#[from] SignatureError),
    /// The body is not a webhook event.
    #[error(transparent)]
    Parse(#[from] ParseError),
}

/// The webhook secret of each channel, by channel id.
#[derive(Clone, Default)]
#[must_use]
pub struct Secrets(HashMap<String, Vec<u8>>);

impl Secrets {
    /// No secrets yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The secret of the channel whose id is `channel_id`.
    pub fn with_channel(
        mut self,
        channel_id: impl Into<String>,
        secret: impl Into<Vec<u8>>,
    ) -> Self {
        self.0.insert(channel_id.into(), secret.into());
        self
    }
}

fn mac(secret: &[u8], raw_body: &[u8]) -> HmacSha1 {
    let mut mac = HmacSha1::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(raw_body);
    mac
}

/// The `X-Hub-Signature` value of `raw_body`: `sha1=<hex HMAC-SHA1>`.
pub fn sign(secret: &[u8], raw_body: &[u8]) -> String {
    let digest = mac(secret, raw_body).finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha1={hex}")
}

/// Checks the `X-Hub-Signature` header against the raw body, in constant time.
pub fn verify(secret: &[u8], raw_body: &[u8], header: Option<&str>) -> Result<(), SignatureError> {
    let hex = header
        .ok_or(SignatureError::Missing)?
        .strip_prefix("sha1=")
        .filter(|h| h.len() == 40)
        .ok_or(SignatureError::Malformed)?;
    let bytes = (0..40)
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()
        .ok_or(SignatureError::Malformed)?;
    mac(secret, raw_body)
        .verify_slice(&bytes)
        .map_err(|_| SignatureError::Mismatch)
}

/// Parses a webhook body; an unknown event gives the unknown variant.
pub fn parse(raw_body: &[u8]) -> Result<Event, ParseError> {
    serde_json::from_slice(raw_body).map_err(|e| ParseError(e.to_string()))
}

/// Finds the channel's secret (`data.channel.id`), verifies, then parses.
pub fn verify_and_parse(
    secrets: &Secrets,
    raw_body: &[u8],
    header: Option<&str>,
) -> Result<Event, WebhookError> {
    let value: serde_json::Value =
        serde_json::from_slice(raw_body).map_err(|e| ParseError(e.to_string()))?;
    let channel = value
        .pointer("/data/channel/id")
        .and_then(serde_json::Value::as_str)
        .ok_or(WebhookError::UnknownChannel)?;
    let secret = secrets.0.get(channel).ok_or(WebhookError::UnknownChannel)?;
    verify(secret, raw_body, header)?;
    Ok(parse(raw_body)?)
}
