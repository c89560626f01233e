//! Webex Connect's Messaging API v1 (seed 002): `POST
//! /resources/v1/messaging` answers HTTP 200 with the documented envelope,
//! the transaction ids of a queued message or the code of a refusal, and a
//! delivery notification is then POSTed to the request's `notifyurl`.
//!
//! The request is checked against `SendMessageRequest` with the validator
//! the Amio half uses; the codes are the documented ones: `7002` without a
//! service key, `7001` with a wrong one (or a JWT that does not verify),
//! `7000` for a body that is not JSON, `7009` for more destinations than
//! `destination` may hold, `7003` for a missing mandatory field and `7004`
//! for any other invalid field. The descriptions and the notification are
//! the spec's examples, filled in.

use std::collections::BTreeMap;

use axum::http::HeaderMap;
use base64::Engine as _;
use hmac::{KeyInit, Mac};
use messaging_openapi::Document;
use serde_json::{Value, json};
use subtle::ConstantTimeEq;

use crate::routes::{Refusal, Routes};
use crate::webhooks::Post;

/// Every operation of the Webex Connect spec the simulator answers.
pub(crate) const OPERATIONS: &[&str] = &["send_message"];

/// The identifier lists of a destination, as `destinationType` names them.
const IDENTIFIERS: &[&str] = &[
    "msisdn",
    "customerid",
    "email",
    "android_pushid",
    "ios_pushid",
    "chrome_pushid",
    "safari_pushid",
    "psid",
    "waid",
    "abcUserId",
    "userid",
];

/// The credentials the simulator accepts.
#[derive(Clone)]
pub(crate) struct Credentials {
    /// The service key (`key` header).
    pub(crate) service_key: String,
    /// The service id a JWT's `iss` must name.
    pub(crate) service_id: String,
    /// The service secret a JWT is signed with (HS256).
    pub(crate) service_secret: String,
}

/// The Webex Connect spec, its route, and what the answers are made of.
#[derive(Debug)]
pub(crate) struct Webex {
    pub(crate) suite: Document,
    pub(crate) routes: Routes,
    /// The description of each documented code, from the response examples.
    descriptions: BTreeMap<String, String>,
    /// The delivery notification examples: delivered, and expired.
    delivered: Value,
    expired: Value,
}

impl Webex {
    pub(crate) fn new() -> Result<Self, String> {
        let suite = Document::from_text(
            "spec/webex-connect.yaml",
            crate::WEBEX_CONNECT_SPEC.to_owned(),
        )?;
        let routes = Routes::new(&suite, OPERATIONS)?;
        let operation = suite.require_operation("send_message")?;
        let mut descriptions = BTreeMap::new();
        for example in operation.responses.iter().flat_map(|r| &r.examples) {
            let entries = match example.value.get("response") {
                Some(Value::Array(entries)) => entries.clone(),
                Some(entry) => vec![entry.clone()],
                None => Vec::new(),
            };
            for entry in entries {
                if let (Some(code), Some(description)) = (
                    entry.get("code").and_then(Value::as_str),
                    entry.get("description").and_then(Value::as_str),
                ) {
                    descriptions.insert(code.to_owned(), description.to_owned());
                }
            }
        }
        let notification = |code: &str| {
            suite
                .webhook_examples()
                .find(|e| {
                    e.value
                        .pointer("/deliveryInfoNotification/deliveryInfo/code")
                        == Some(&json!(code))
                })
                .map(|e| e.value.clone())
                .ok_or_else(|| {
                    format!(
                        "{}: no delivery notification example with code {code}",
                        suite.path
                    )
                })
        };
        let delivered = notification("7500")?;
        let expired = notification("7208")?;
        for code in ["1001", "7000", "7001", "7002", "7003", "7004", "7009"] {
            if !descriptions.contains_key(code) {
                return Err(format!(
                    "{}: no response example with code {code}",
                    suite.path
                ));
            }
        }
        Ok(Self {
            suite,
            routes,
            descriptions,
            delivered,
            expired,
        })
    }

    fn refusal(&self, code: &str) -> Value {
        json!({
            "response": {
                "code": code,
                "description": self.descriptions.get(code).map_or("", String::as_str),
                "transid": transid(),
            }
        })
    }

    /// Answers a send: the body of the HTTP 200, and the delivery
    /// notifications to send. `refused` is what the route's check found.
    pub(crate) fn send(
        &self,
        credentials: &Credentials,
        headers: &HeaderMap,
        checked: Result<Value, Refusal>,
    ) -> (Value, Vec<Post>) {
        if let Err(code) = authenticate(credentials, headers) {
            return (self.refusal(code), Vec::new());
        }
        let request = match checked {
            Ok(request) => request,
            Err(Refusal::BadRequest(..)) => return (self.refusal("7000"), Vec::new()),
            Err(Refusal::Invalid(problems)) => {
                let code = if problems
                    .iter()
                    .any(|p| p.pointer == "/destination" && p.keyword == "maxItems")
                {
                    "7009"
                } else if problems.iter().any(|p| p.keyword == "required") {
                    "7003"
                } else {
                    "7004"
                };
                return (self.refusal(code), Vec::new());
            }
        };
        let correlation = request.get("correlationid").and_then(Value::as_str);
        let notify = request
            .get("notifyurl")
            .and_then(Value::as_str)
            .filter(|url| !url.trim().is_empty());
        let expired = request
            .get("expiry")
            .and_then(Value::as_str)
            .and_then(|e| chrono::DateTime::parse_from_rfc3339(e).ok())
            .is_some_and(|e| e < chrono::Utc::now());
        let channel = request
            .get("deliverychannel")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_uppercase();
        let mut entries = Vec::new();
        let mut posts = Vec::new();
        for destination in request
            .get("destination")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let correlation = destination
                .get("correlationid")
                .and_then(Value::as_str)
                .or(correlation);
            let mut recipients: Vec<(&str, &str)> = IDENTIFIERS
                .iter()
                .flat_map(|kind| {
                    destination
                        .get(*kind)
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(move |id| (*kind, id))
                })
                .collect();
            if recipients.is_empty() {
                // An entry without identifiers counts as one destination,
                // as the client counts it.
                recipients.push(("msisdn", ""));
            }
            for (kind, recipient) in recipients {
                let transid = transid();
                let mut entry = json!({
                    "code": "1001",
                    "transid": transid,
                    "description": self.descriptions.get("1001").map_or("Queued", String::as_str),
                });
                if let Some(correlation) = correlation {
                    entry["correlationid"] = json!(correlation);
                }
                entries.push(entry);
                let Some(url) = notify.filter(|_| !recipient.is_empty()) else {
                    continue;
                };
                let mut notification = if expired {
                    self.expired.clone()
                } else {
                    self.delivered.clone()
                };
                let body = &mut notification["deliveryInfoNotification"];
                body["deliveryInfo"]["deliveryChannel"] = json!(channel);
                body["deliveryInfo"]["destinationType"] = json!(kind);
                body["deliveryInfo"]["destination"] = json!(recipient);
                body["deliveryInfo"]["timeStamp"] = json!(
                    chrono::Utc::now()
                        .format("%Y-%m-%dT%H:%M:%S%.3f")
                        .to_string()
                );
                body["transid"] = json!(transid);
                set_or_remove(body, "correlationid", correlation);
                set_or_remove(
                    body,
                    "callbackData",
                    request.get("callbackData").and_then(Value::as_str),
                );
                posts.push(Post {
                    event: "delivery_notification".to_owned(),
                    url: url.to_owned(),
                    secret: None,
                    body: serde_json::to_vec(&notification).unwrap_or_default(),
                });
            }
        }
        (json!({ "response": entries }), posts)
    }
}

fn set_or_remove(object: &mut Value, key: &str, value: Option<&str>) {
    if let Some(object) = object.as_object_mut() {
        match value {
            Some(value) => {
                object.insert(key.to_owned(), json!(value));
            }
            None => {
                object.remove(key);
            }
        }
    }
}

/// A transaction id: a random UUID (version 4), as the examples show.
fn transid() -> String {
    let mut bytes = crate::random_bytes::<16>();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Checks the credentials of a request: a JWT (`Authorization: Bearer`)
/// wins over the `key` header. The error is the documented code.
fn authenticate(credentials: &Credentials, headers: &HeaderMap) -> Result<(), &'static str> {
    let bearer = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.get(..7)
                .filter(|scheme| scheme.eq_ignore_ascii_case("bearer "))
                .map(|_| v[7..].trim())
        });
    if let Some(jwt) = bearer {
        return if verify_jwt(credentials, jwt) {
            Ok(())
        } else {
            Err("7001")
        };
    }
    match headers.get("key") {
        None => Err("7002"),
        Some(key) if bool::from(key.as_bytes().ct_eq(credentials.service_key.as_bytes())) => Ok(()),
        Some(_) => Err("7001"),
    }
}

/// A JWT signed with HS256 by the service secret, whose `iss` is the
/// service id, and not expired (`exp`, when it has one).
fn verify_jwt(credentials: &Credentials, jwt: &str) -> bool {
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut parts = jwt.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let decode = |part: &str| -> Option<Value> {
        serde_json::from_slice(&engine.decode(part.trim_end_matches('=')).ok()?).ok()
    };
    let (Some(header_json), Some(claims), Ok(signature)) = (
        decode(header),
        decode(payload),
        engine.decode(signature.trim_end_matches('=')),
    ) else {
        return false;
    };
    if header_json.get("alg") != Some(&json!("HS256")) {
        return false;
    }
    let Ok(mut mac) =
        hmac::Hmac::<sha2::Sha256>::new_from_slice(credentials.service_secret.as_bytes())
    else {
        return false;
    };
    mac.update(header.as_bytes());
    mac.update(b".");
    mac.update(payload.as_bytes());
    if mac.verify_slice(&signature).is_err() {
        return false;
    }
    let issuer_ok = claims
        .get("iss")
        .and_then(Value::as_str)
        .is_some_and(|iss| bool::from(iss.as_bytes().ct_eq(credentials.service_id.as_bytes())));
    let fresh = match claims.get("exp") {
        None => true,
        Some(exp) => exp
            .as_f64()
            .is_some_and(|exp| exp > chrono::Utc::now().timestamp() as f64),
    };
    issuer_ok && fresh
}

/// A Webex Connect JWT the simulator accepts: HS256 with `service_secret`,
/// `iss` = `service_id`, and `exp` (epoch seconds) if given.
pub fn sign_jwt(service_id: &str, service_secret: &str, exp: Option<i64>) -> String {
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let header = engine.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let mut claims = json!({ "iss": service_id });
    if let Some(exp) = exp {
        claims["exp"] = json!(exp);
    }
    let payload = engine.encode(claims.to_string());
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(service_secret.as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(format!("{header}.{payload}").as_bytes());
    let signature = engine.encode(mac.finalize().into_bytes());
    format!("{header}.{payload}.{signature}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credentials() -> Credentials {
        Credentials {
            service_key: "k".into(),
            service_id: "svc".into(),
            service_secret: "secret".into(),
        }
    }

    #[test]
    fn a_jwt_verifies_with_the_service_secret_and_id_only() {
        let c = credentials();
        assert!(verify_jwt(&c, &sign_jwt("svc", "secret", None)));
        let future = chrono::Utc::now().timestamp() + 60;
        assert!(verify_jwt(&c, &sign_jwt("svc", "secret", Some(future))));
        assert!(!verify_jwt(&c, &sign_jwt("svc", "secret", Some(1))));
        assert!(!verify_jwt(&c, &sign_jwt("other", "secret", None)));
        assert!(!verify_jwt(&c, &sign_jwt("svc", "wrong", None)));
        assert!(!verify_jwt(&c, "a.b"));
        assert!(!verify_jwt(&c, "not a jwt at all"));
    }

    #[test]
    fn transids_are_version_4_uuids() {
        let id = transid();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert_ne!(id, transid());
    }
}
