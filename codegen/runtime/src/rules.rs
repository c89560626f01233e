//! The documented rules no JSON Schema keyword can say, as data.
//!
//! Each rule is written once, in the spec, under `x-rules` of the schema it
//! constrains, in a small vocabulary (`requires-one-of`, `requires-if`,
//! `forbids-with`, `counts`, `same-count`, `has-item`, `format`, `selects`;
//! `spec/README.md` describes it). The generator writes every rule of a
//! schema as a [`DocRule`] in its type's `RULES` constant, and the type's
//! generated `Validate` runs them with [`check`] on the value as it is sent
//! (its JSON form). A server of the same API (the simulator) runs the same
//! `Validate` on what it receives: one rule, one implementation.
//!
//! Presence is what the platform sees: a property is *present* when its key
//! is there with a value other than `null` or a blank string; *deleted* when
//! it is there with `null` (a PATCH's deletion).

use serde_json::Value;

use crate::validate::{Path, Rule, ValidationError};

/// One documented rule: what it says, where the documentation says it, and
/// how it is checked.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct DocRule {
    /// The rule's name in the spec, unique within it (`send-content-or-template`).
    pub id: &'static str,
    /// The rule in a sentence, as the error says it.
    pub says: &'static str,
    /// Where the documentation states it (`seed 000, line 412`).
    pub source: &'static str,
    /// How it is checked.
    pub check: Check,
}

impl DocRule {
    /// A rule (the generator writes each type's `RULES` with it).
    pub const fn new(
        id: &'static str,
        says: &'static str,
        source: &'static str,
        check: Check,
    ) -> Self {
        Self {
            id,
            says,
            source,
            check,
        }
    }
}

/// How a rule is checked, on the JSON object of its schema.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum Check {
    /// At least one of `properties` is present; when `exclusive`, exactly one.
    RequiresOneOf {
        /// The properties.
        properties: &'static [&'static str],
        /// At most one of them, too.
        exclusive: bool,
    },
    /// `property` is present whenever `when` holds.
    RequiresIf {
        /// The property required.
        property: &'static str,
        /// The condition.
        when: When,
    },
    /// `property` is absent whenever `when` holds (when `deleted`: it is not
    /// deleted, that is, not sent as `null`; when `values` is not empty: it
    /// has none of them).
    ForbidsWith {
        /// The property forbidden.
        property: &'static str,
        /// The condition.
        when: When,
        /// Only its deletion (`null`) is forbidden.
        deleted: bool,
        /// Only these values of it are forbidden (none: any value).
        values: &'static [&'static str],
    },
    /// The array `property` counts at most `max` recipients: each item counts
    /// the elements of its arrays `of`, and at least one.
    Counts {
        /// The array.
        property: &'static str,
        /// The arrays of each item whose elements are counted.
        of: &'static [&'static str],
        /// The most allowed.
        max: usize,
    },
    /// The array `property`, when present, has as many items as the array
    /// `as_`.
    SameCount {
        /// The array checked.
        property: &'static str,
        /// The array it must match.
        as_: &'static str,
    },
    /// The array `property`, when present, has an item whose `key` is `value`
    /// (compared without case or surrounding space).
    HasItem {
        /// The array.
        property: &'static str,
        /// The key of each item.
        key: &'static str,
        /// The value one item must have.
        value: &'static str,
    },
    /// The string `property` (each string, for an array; the value itself
    /// when `property` is `None`), when present, has `format`; only when
    /// `when` holds, if given.
    Format {
        /// The property, or the value itself.
        property: Option<&'static str>,
        /// The format.
        format: Format,
        /// The condition, if any.
        when: Option<When>,
    },
    /// The value of `property` names, through `keys` (value → key), a key
    /// of the object `object` that must be present.
    Selects {
        /// The selecting property (`deliverychannel`).
        property: &'static str,
        /// The object holding the selected key (`channels`).
        object: &'static str,
        /// Each value and the key it selects.
        keys: &'static [(&'static str, &'static str)],
    },
}

/// A condition on one property of the object.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct When {
    /// The property.
    pub property: &'static str,
    /// What it must be.
    pub is: Is,
}

/// What a condition's property must be.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum Is {
    /// Present (not `null`).
    Present,
    /// One of these values (a string, a number or a boolean as written;
    /// compared without case or surrounding space).
    OneOf(&'static [&'static str]),
    /// Present, and none of these values.
    NotOneOf(&'static [&'static str]),
    /// An array with an item whose key (first) has the value (second).
    HasItem(&'static str, &'static str),
}

/// The formats a `format` rule knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// Hexadecimal digits, at least one.
    Hex,
    /// A whole number of seconds, written in digits, at most `max`.
    Seconds {
        /// The most seconds allowed.
        max: u64,
    },
    /// A web origin: `http://` or `https://`, a fully qualified domain name
    /// or `localhost` (no IP address), an optional port, nothing after.
    Origin,
    /// As [`Format::Origin`], and `https://` only (or `localhost`).
    HttpsOrigin,
    /// An SMS text of at most `max` bytes in the encoding it needs (GSM-7 or
    /// UCS-2, see [`crate::sms::segments`]).
    SmsBytes {
        /// The most bytes allowed.
        max: u64,
    },
}

impl Format {
    /// The format in the spec's words.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Hex => "hex",
            Self::Seconds { .. } => "seconds",
            Self::Origin => "origin",
            Self::HttpsOrigin => "https-origin",
            Self::SmsBytes { .. } => "sms-bytes",
        }
    }

    /// Whether `text` has this format.
    pub fn matches(self, text: &str) -> bool {
        match self {
            Self::Hex => !text.is_empty() && text.bytes().all(|b| b.is_ascii_hexdigit()),
            Self::Seconds { max } => {
                let text = text.trim();
                !text.is_empty()
                    && text.bytes().all(|b| b.is_ascii_digit())
                    // Digits only: a number too long for a u64 is too large.
                    && text.parse::<u64>().is_ok_and(|seconds| seconds <= max)
            }
            Self::Origin => origin(text, false),
            Self::HttpsOrigin => origin(text, true),
            Self::SmsBytes { max } => {
                u64::try_from(crate::sms::segments(text).bytes).is_ok_and(|bytes| bytes <= max)
            }
        }
    }
}

/// `scheme://host[:port]`, the host a domain name with a dot or `localhost`.
fn origin(text: &str, https_only: bool) -> bool {
    let (scheme, rest) = match text.split_once("://") {
        Some(parts) => parts,
        None => return false,
    };
    let scheme = scheme.to_ascii_lowercase();
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (rest, None),
    };
    let localhost = host.eq_ignore_ascii_case("localhost");
    let scheme_ok = match scheme.as_str() {
        "https" => true,
        "http" => !https_only || localhost,
        _ => false,
    };
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    scheme_ok && port_ok && (localhost || domain(host))
}

/// A fully qualified domain name: dot-separated labels of letters, digits
/// and inner hyphens, at least two, the last not all digits (so no IPv4
/// address), at most 253 bytes.
fn domain(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    let labels: Vec<&str> = host.split('.').collect();
    let label = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    host.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(label)
        && labels
            .last()
            .is_some_and(|tld| !tld.bytes().all(|b| b.is_ascii_digit()))
}

/// A scalar as the rules compare it: a string trimmed, a number or a boolean
/// as JSON writes it; `None` for anything else.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A property with a value: not `null`, and not a blank string (a value
/// of spaces completes nothing).
fn present<'v>(object: &'v Value, property: &str) -> Option<&'v Value> {
    object.get(property).filter(|v| match v {
        Value::Null => false,
        Value::String(s) => !s.trim().is_empty(),
        _ => true,
    })
}

fn deleted(object: &Value, property: &str) -> bool {
    object.get(property).is_some_and(Value::is_null)
}

fn equals(value: &Value, expected: &str) -> bool {
    scalar(value).is_some_and(|s| s.eq_ignore_ascii_case(expected))
}

impl When {
    /// Whether the condition holds on `object`.
    pub fn holds(&self, object: &Value) -> bool {
        let Some(value) = present(object, self.property) else {
            return false;
        };
        match self.is {
            Is::Present => true,
            Is::OneOf(values) => values.iter().any(|v| equals(value, v)),
            Is::NotOneOf(values) => !values.iter().any(|v| equals(value, v)),
            Is::HasItem(key, expected) => value.as_array().is_some_and(|items| {
                items
                    .iter()
                    .any(|i| i.get(key).is_some_and(|v| equals(v, expected)))
            }),
        }
    }
}

impl DocRule {
    fn broken(&self, at: &Path<'_>) -> ValidationError {
        at.error(Rule::Documented {
            rule: self.says,
            source: self.source,
        })
    }

    /// Checks this rule on `value`, the JSON form of the object at `at`.
    pub fn check(&self, value: &Value, at: &Path<'_>) -> Result<(), ValidationError> {
        match self.check {
            Check::RequiresOneOf {
                properties,
                exclusive,
            } => {
                let mut found = properties.iter().filter(|p| present(value, p).is_some());
                match (found.next(), found.next()) {
                    (None, _) => Err(self.broken(at)),
                    (Some(_), Some(second)) if exclusive => Err(self.broken(&at.key(second))),
                    _ => Ok(()),
                }
            }
            Check::RequiresIf { property, when } => {
                if when.holds(value) && present(value, property).is_none() {
                    return Err(self.broken(&at.key(property)));
                }
                Ok(())
            }
            Check::ForbidsWith {
                property,
                when,
                deleted: only_deleted,
                values,
            } => {
                let refused = if only_deleted {
                    deleted(value, property)
                } else {
                    present(value, property).is_some_and(|v| {
                        values.is_empty() || values.iter().any(|forbidden| equals(v, forbidden))
                    })
                };
                if refused && when.holds(value) {
                    return Err(self.broken(&at.key(property)));
                }
                Ok(())
            }
            Check::Counts { property, of, max } => {
                let Some(items) = present(value, property).and_then(Value::as_array) else {
                    return Ok(());
                };
                let count: usize = items
                    .iter()
                    .map(|item| {
                        of.iter()
                            .filter_map(|key| item.get(key).and_then(Value::as_array))
                            .map(Vec::len)
                            .sum::<usize>()
                            .max(1)
                    })
                    .sum();
                if count > max {
                    return Err(at.key(property).error(Rule::MaxItems { max, count }));
                }
                Ok(())
            }
            Check::SameCount { property, as_ } => {
                let len = |p| present(value, p).and_then(Value::as_array).map(Vec::len);
                match (len(property), len(as_)) {
                    (Some(a), b) if Some(a) != b => Err(self.broken(&at.key(property))),
                    _ => Ok(()),
                }
            }
            Check::HasItem {
                property,
                key,
                value: expected,
            } => {
                let Some(items) = present(value, property).and_then(Value::as_array) else {
                    return Ok(());
                };
                if items
                    .iter()
                    .any(|i| i.get(key).is_some_and(|v| equals(v, expected)))
                {
                    return Ok(());
                }
                Err(self.broken(&at.key(property)))
            }
            Check::Format {
                property,
                format,
                when,
            } => {
                if when.is_some_and(|w| !w.holds(value)) {
                    return Ok(());
                }
                let (target, at) = match property {
                    Some(p) => match present(value, p) {
                        Some(target) => (target, at.key(p)),
                        None => return Ok(()),
                    },
                    None => (value, *at),
                };
                match target {
                    Value::Array(items) => {
                        for (index, item) in items.iter().enumerate() {
                            if !scalar(item).is_some_and(|s| format.matches(&s)) {
                                return Err(self.broken(&at.index(index)));
                            }
                        }
                        Ok(())
                    }
                    // The integer form of a number of seconds is its schema's to check.
                    Value::Number(_) if matches!(format, Format::Seconds { .. }) => Ok(()),
                    Value::String(text) if matches!(format, Format::SmsBytes { .. }) => {
                        if format.matches(text) {
                            Ok(())
                        } else {
                            Err(self.broken(&at))
                        }
                    }
                    other => {
                        if scalar(other).is_some_and(|s| format.matches(&s)) {
                            Ok(())
                        } else {
                            Err(self.broken(&at))
                        }
                    }
                }
            }
            Check::Selects {
                property,
                object,
                keys,
            } => {
                let Some(selector) = present(value, property).and_then(scalar) else {
                    return Ok(());
                };
                let Some((_, key)) = keys.iter().find(|(v, _)| v.eq_ignore_ascii_case(&selector))
                else {
                    return Ok(());
                };
                let holder = present(value, object);
                if holder.and_then(|o| present(o, key)).is_none() {
                    let object_at = at.key(object);
                    return Err(self.broken(&object_at.key(key)));
                }
                Ok(())
            }
        }
    }
}

/// Checks every rule of `rules` on `value`, the JSON form of the object at
/// `at`; the first broken one is the error.
pub fn check(value: &Value, rules: &[DocRule], at: &Path<'_>) -> Result<(), ValidationError> {
    rules.iter().try_for_each(|rule| rule.check(value, at))
}

/// Checks `rules` on `value` as it is sent (its JSON form). A value that
/// does not serialize cannot be sent at all; it breaks no rule here.
pub fn check_serialized<T: serde::Serialize + ?Sized>(
    value: &T,
    rules: &[DocRule],
    at: &Path<'_>,
) -> Result<(), ValidationError> {
    match serde_json::to_value(value) {
        Ok(json) => check(&json, rules, at),
        Err(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const fn rule(check: Check) -> DocRule {
        DocRule {
            id: "test",
            says: "a test rule",
            source: "here",
            check,
        }
    }

    fn path_of(rule: &DocRule, value: &Value) -> Option<String> {
        rule.check(value, &Path::ROOT).err().map(|e| e.path)
    }

    #[test]
    fn one_of_and_exactly_one_of() {
        let either = rule(Check::RequiresOneOf {
            properties: &["a", "b"],
            exclusive: true,
        });
        assert_eq!(path_of(&either, &json!({"a": 1})), None);
        assert_eq!(path_of(&either, &json!({"a": null})).as_deref(), Some("."));
        assert_eq!(
            path_of(&either, &json!({"a": 1, "b": 2})).as_deref(),
            Some("b")
        );
    }

    #[test]
    fn conditions_read_values_as_written() {
        let tag = rule(Check::RequiresIf {
            property: "tag",
            when: When {
                property: "type",
                is: Is::OneOf(&["MESSAGE_TAG", "3"]),
            },
        });
        assert_eq!(
            path_of(&tag, &json!({"type": " message_tag "})).as_deref(),
            Some("tag")
        );
        assert_eq!(path_of(&tag, &json!({"type": 3})).as_deref(), Some("tag"));
        assert_eq!(path_of(&tag, &json!({"type": "RESPONSE"})), None);
        let menu = rule(Check::ForbidsWith {
            property: "menu",
            when: When {
                property: "inputs",
                is: Is::HasItem("enabled", "false"),
            },
            deleted: true,
            values: &[],
        });
        let disabled = json!({"inputs": [{"enabled": false}], "menu": null});
        assert_eq!(path_of(&menu, &disabled).as_deref(), Some("menu"));
        assert_eq!(
            path_of(&menu, &json!({"inputs": [{"enabled": false}]})),
            None
        );
        let test_mode = rule(Check::ForbidsWith {
            property: "mode",
            when: When {
                property: "type",
                is: Is::NotOneOf(&["mobile"]),
            },
            deleted: false,
            values: &["test"],
        });
        let on = |kind: &str, mode: &str| path_of(&test_mode, &json!({"type": kind, "mode": mode}));
        assert_eq!(on("viber", "test").as_deref(), Some("mode"));
        assert_eq!(on("mobile", "test"), None);
        assert_eq!(on("viber", "production"), None);
    }

    #[test]
    fn counts_recipients_not_entries() {
        let counts = rule(Check::Counts {
            property: "to",
            of: &["msisdn", "email"],
            max: 3,
        });
        assert_eq!(
            path_of(&counts, &json!({"to": [{"msisdn": ["1", "2"]}, {}]})),
            None
        );
        let error = counts
            .check(
                &json!({"to": [{"msisdn": ["1", "2"], "email": ["e", "f"]}]}),
                &Path::ROOT,
            )
            .unwrap_err();
        assert_eq!(error.rule, Rule::MaxItems { max: 3, count: 4 });
    }

    #[test]
    fn formats() {
        assert!(Format::Origin.matches("https://example.com:8443"));
        assert!(Format::Origin.matches("http://localhost:3000"));
        assert!(!Format::Origin.matches("example.com"));
        assert!(!Format::Origin.matches("https://192.168.0.1"));
        assert!(!Format::Origin.matches("https://example.com/path"));
        assert!(!Format::HttpsOrigin.matches("http://example.com"));
        assert!(Format::HttpsOrigin.matches("http://localhost"));
        assert!(Format::Hex.matches("0aF9"));
        assert!(!Format::Hex.matches("0x1"));
        assert!(Format::Seconds { max: 10 }.matches("10"));
        assert!(!Format::Seconds { max: 10 }.matches("11"));
        assert!(!Format::Seconds { max: 10 }.matches("99999999999999999999999"));
        assert!(Format::SmsBytes { max: 1024 }.matches(&"a".repeat(1024)));
        assert!(!Format::SmsBytes { max: 1024 }.matches(&"ж".repeat(513)));
    }

    #[test]
    fn selects_the_named_block() {
        let selects = rule(Check::Selects {
            property: "channel",
            object: "channels",
            keys: &[("sms", "sms"), ("fb", "fb")],
        });
        let sms_without_block = json!({"channel": "sms", "channels": {"push": {}}});
        assert_eq!(
            path_of(&selects, &sms_without_block).as_deref(),
            Some("channels.sms")
        );
        assert_eq!(
            path_of(
                &selects,
                &json!({"channel": "sms", "channels": {"sms": {}}})
            ),
            None
        );
        assert_eq!(
            path_of(&selects, &json!({"channel": "voice", "channels": {}})),
            None
        );
    }
}
