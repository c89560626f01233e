//! The format of a case file: one JSON object, `{"kind": ..., "api": ...}`,
//! read into a [`Case`] ([`parse`]). Checking a case is
//! [`crate::shared::cases`]'s job; the format is apart so that the trait of
//! an API under test can take a [`WebhookCase`] without importing the checks.

use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

use crate::api::Api;

/// A webhook delivery: the raw body, its signature and the expected verdict.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WebhookCase {
    /// The channel's webhook secret.
    pub secret: String,
    /// The `X-Hub-Signature` header as received; absent or `null`: no header.
    #[serde(default)]
    pub signature: Option<String>,
    /// The raw body, exactly as received.
    pub body: String,
    /// Whether the signature must verify.
    pub valid: bool,
    /// The event a valid body must parse as; `null` for the unknown-event
    /// variant. Required when `valid` is true.
    #[serde(default, deserialize_with = "present")]
    pub event: Option<Option<String>>,
}

/// A response of an operation, as received.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ResponseCase {
    /// The `operationId`.
    pub operation: String,
    /// The HTTP status.
    pub status: u16,
    /// Response headers (strings or numbers).
    #[serde(default)]
    pub headers: BTreeMap<String, Value>,
    /// The JSON body; absent or `null` for a response without one.
    #[serde(default)]
    pub body: Option<Value>,
}

/// A request body of an operation, as sent.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RequestCase {
    /// The `operationId`.
    pub operation: String,
    /// The JSON body.
    pub body: Value,
}

/// One case of one of the three kinds.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// `"kind": "webhook"`.
    Webhook(WebhookCase),
    /// `"kind": "response"`.
    Response(ResponseCase),
    /// `"kind": "request"`.
    Request(RequestCase),
}

/// A case read from its file.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    /// The API it is about (`"api"`, default `"amio"`).
    pub api: Api,
    /// What it checks.
    pub kind: Kind,
}

/// Deserializes a field that may be `null` into `Some(None)`, so that a
/// missing field (`None`) and `null` stay apart.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// Reads a case from JSON text. An error says why it is not a valid case.
pub fn parse(text: &str) -> Result<Case, String> {
    let mut value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let object = value.as_object_mut().ok_or("a case is a JSON object")?;
    let api = match object.remove("api") {
        None => Api::Amio,
        Some(Value::String(name)) => Api::from_name(&name)?,
        Some(other) => return Err(format!("`api` must be a string, not {other}")),
    };
    let kind = match object.remove("kind") {
        Some(Value::String(kind)) => kind,
        Some(other) => return Err(format!("`kind` must be a string, not {other}")),
        None => return Err("no `kind` (webhook, response or request)".to_owned()),
    };
    fn fields<T: serde::de::DeserializeOwned>(kind: &str, value: Value) -> Result<T, String> {
        serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            if path == "." {
                format!("{kind} case: {inner}")
            } else {
                format!("{kind} case, at {path}: {inner}")
            }
        })
    }
    let kind = match kind.as_str() {
        "webhook" if api != Api::Amio => {
            return Err(format!(
                "`webhook` cases are for api `amio` only (its signed webhooks); api `{}` \
                 takes `response` and `request` cases",
                api.name()
            ));
        }
        "webhook" => {
            let case: WebhookCase = fields("webhook", value)?;
            if case.valid && case.event.is_none() {
                return Err("webhook case: `event` is required when `valid` is true \
                            (null for an event the bindings do not know)"
                    .to_owned());
            }
            Kind::Webhook(case)
        }
        "response" => Kind::Response(fields("response", value)?),
        "request" => Kind::Request(fields("request", value)?),
        other => {
            return Err(format!(
                "unknown kind `{other}`: expected webhook, response or request"
            ));
        }
    };
    Ok(Case { api, kind })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_defaults_to_amio_and_unknown_ones_are_refused() {
        let case = parse(r#"{"kind":"request","operation":"x","body":{}}"#).unwrap();
        assert_eq!(case.api, Api::Amio);
        let case =
            parse(r#"{"api":"webex-connect","kind":"request","operation":"x","body":{}}"#).unwrap();
        assert_eq!(case.api, Api::WebexConnect);
        let error =
            parse(r#"{"api":"twilio","kind":"request","operation":"x","body":{}}"#).unwrap_err();
        assert!(
            error.contains("unknown api `twilio`: expected one of amio, webex-connect"),
            "{error}"
        );
    }

    #[test]
    fn webhook_cases_are_amio_only() {
        let text =
            r#"{"api":"webex-connect","kind":"webhook","secret":"s","body":"{}","valid":false}"#;
        let error = parse(text).unwrap_err();
        assert!(
            error.contains("`webhook` cases are for api `amio` only"),
            "{error}"
        );
    }

    #[test]
    fn malformed_cases_say_what_is_wrong() {
        let error = parse(r#"{"kind":"reply"}"#).unwrap_err();
        assert!(error.contains("unknown kind `reply`"), "{error}");
        let error = parse(r#"{"kind":"request","operation":"x","body":{},"bdy":1}"#).unwrap_err();
        assert!(error.contains("unknown field `bdy`"), "{error}");
        let error =
            parse(r#"{"kind":"webhook","secret":"s","body":"{}","valid":true}"#).unwrap_err();
        assert!(error.contains("`event` is required"), "{error}");
        let error = parse(r#"{"kind":"response","operation":"x","status":"200"}"#).unwrap_err();
        assert!(error.contains("status"), "{error}");
        assert!(parse("[1]").is_err());
        assert!(parse("{").unwrap_err().starts_with("not JSON"));
    }

    #[test]
    fn a_null_event_is_told_from_a_missing_one() {
        let case =
            parse(r#"{"kind":"webhook","secret":"s","body":"{}","valid":true,"event":null}"#)
                .unwrap();
        let Kind::Webhook(case) = case.kind else {
            panic!("a webhook case")
        };
        assert_eq!(case.event, Some(None));
    }
}
