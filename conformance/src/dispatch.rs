//! What the generated tables share: the registries' [`RoundTripError`], and
//! what the dispatch tables call. Each API's table
//! (`amio/dispatch.rs`, `webex_connect/dispatch.rs`) is generated from its
//! spec by `cargo xtask regen`: one arm per `operationId`, calling the client
//! method named after it with arguments taken from an [`Input`] through
//! [`text`], [`param`] and [`body`], and turning what it returns into the
//! API's outcome with [`IntoOutcome`].
//!
//! A spec and a table that disagree (a stale table, or a spec changed by a
//! test) fail by name: an operation the table does not know is
//! [`DispatchError::UnknownOperation`], and an entry that names no operation
//! of the spec is reported by the API's operations area.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde_json::Value;

/// Why a value did not survive its round trip through a generated type
/// (what each API's generated `registry::round_trip` returns).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RoundTripError {
    /// The type does not read the value: the JSON path of the fault (`.` for
    /// the value itself, as serde_path_to_error writes it) and the error.
    #[error("at {}: {error}", json_path(path))]
    Read {
        /// Where, as serde_path_to_error writes it (`a.b[0]`, `.`).
        path: String,
        /// The parser's error.
        error: serde_json::Error,
    },
    /// The typed value could not be written back as JSON.
    #[error("serializing: {0}")]
    Write(serde_json::Error),
}

impl RoundTripError {
    /// From a path-tracking reading's error.
    pub fn read(error: serde_path_to_error::Error<serde_json::Error>) -> Self {
        Self::Read {
            path: error.path().to_string(),
            error: error.into_inner(),
        }
    }

    /// From a failed serialization.
    pub fn write(error: serde_json::Error) -> Self {
        Self::Write(error)
    }

    /// The same error for the value as element `index` of an array: its path
    /// gains `[index]` in front.
    pub fn in_item(self, index: usize) -> Self {
        match self {
            Self::Read { path, error } => Self::Read {
                path: match path.as_str() {
                    "." => format!("[{index}]"),
                    _ if path.starts_with('[') => format!("[{index}]{path}"),
                    _ => format!("[{index}].{path}"),
                },
                error,
            },
            other => other,
        }
    }
}

/// A serde_path_to_error path as the report writes it: `$`, `$.a.b`, `$[0].a`.
fn json_path(path: &str) -> String {
    match path {
        "." => "$".to_owned(),
        _ if path.starts_with('[') => format!("${path}"),
        _ => format!("$.{path}"),
    }
}

/// The arguments of one call: parameters by name and the JSON request body.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Input {
    /// Path and query parameters, by name.
    pub params: BTreeMap<String, Value>,
    /// The request body, as JSON; it is deserialized into the operation's
    /// request type before the call.
    pub body: Option<Value>,
}

/// Why a call could not be made.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum DispatchError {
    /// The spec has an operation this table does not know.
    #[error("operation `{0}` is in the spec but has no entry in the dispatch table")]
    UnknownOperation(String),
    /// A parameter is missing or has the wrong type.
    #[error("parameter `{name}`: {message}")]
    Parameter {
        /// The parameter.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// The body does not deserialize into the operation's request type.
    #[error("the request body does not deserialize into {type_name}: {message}")]
    Body {
        /// The request type.
        type_name: &'static str,
        /// The error, with the JSON path at fault.
        message: String,
    },
    /// The typed response could not be serialized back to JSON.
    #[error("serializing the typed response: {0}")]
    Serialize(String),
}

/// Turns what a client method returned into the API's outcome `O`.
pub trait IntoOutcome<O> {
    /// The outcome, or why the typed value could not be kept.
    fn into_outcome(self) -> Result<O, DispatchError>;
}

fn parameter_error(name: &str, message: impl Into<String>) -> DispatchError {
    DispatchError::Parameter {
        name: name.to_owned(),
        message: message.into(),
    }
}

/// The path parameter `name`, which must be a string.
pub fn text<'a>(input: &'a Input, name: &str) -> Result<&'a str, DispatchError> {
    match input.params.get(name) {
        Some(Value::String(value)) => Ok(value),
        Some(other) => Err(parameter_error(
            name,
            format!("expected a string, got {other}"),
        )),
        None => Err(parameter_error(name, "missing")),
    }
}

/// The query parameter `name`, deserialized into the type the client method
/// takes (an absent one is `null`, which an `Option` reads as `None`).
pub fn param<T: DeserializeOwned>(input: &Input, name: &str) -> Result<T, DispatchError> {
    let value = input.params.get(name).cloned().unwrap_or(Value::Null);
    serde_json::from_value(value.clone())
        .map_err(|e| parameter_error(name, format!("{value} does not fit: {e}")))
}

/// The request body, deserialized into the type the client method takes; an
/// error names the JSON path at fault.
pub fn body<T: DeserializeOwned>(input: &Input) -> Result<T, DispatchError> {
    let type_name = std::any::type_name::<T>()
        .rsplit("::")
        .next()
        .unwrap_or_default();
    let value = input.body.clone().ok_or(DispatchError::Body {
        type_name,
        message: "no request body given".to_owned(),
    })?;
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = match error.path().to_string() {
            root if root == "." => "$".to_owned(),
            path => format!("$.{path}"),
        };
        DispatchError::Body {
            type_name,
            message: format!("at {path}: {}", error.inner()),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parameters_read_as_the_method_takes_them() {
        let input = Input {
            params: [
                ("max".to_owned(), json!(10)),
                ("id".to_owned(), json!("6456")),
            ]
            .into(),
            body: None,
        };
        assert_eq!(
            param::<Option<std::num::NonZeroU32>>(&input, "max").unwrap(),
            std::num::NonZeroU32::new(10)
        );
        assert_eq!(param::<Option<i32>>(&input, "offset").unwrap(), None);
        assert!(param::<u8>(&input, "id").is_err());
        assert_eq!(text(&input, "id").unwrap(), "6456");
        assert!(text(&input, "max").is_err());
        let error = body::<Vec<u8>>(&input).unwrap_err();
        assert!(error.to_string().contains("no request body"), "{error}");
    }
}
