//! Reading JSON from the server with the whole path of an error.
//!
//! [`read`] decodes in one pass. Only a failure pays for more: a second
//! reading that tracks the JSON path, and, when the JSON is well formed, a
//! third over the same document with the tag of every discriminated union
//! moved to the front of its object. Then no union has to keep entries read
//! before its tag, each reads its variant straight from the input, and the
//! path of an error inside a variant is whole and structured
//! (`data.content.quick_replies[0].title`), never written into a message.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// A value that did not decode, with where and why.
#[derive(Debug)]
pub struct PathError {
    /// The JSON path of the value at fault, `.` for the root, as
    /// serde_path_to_error writes it (`data.messages[0].id`).
    pub path: String,
    /// The parser's error. Its line and column are those of the body as
    /// received for a syntax error; a data error may come from the reordered
    /// reading, so only its path and message describe the body.
    pub error: serde_json::Error,
}

impl PathError {
    /// The parser's message without the position serde_json appends to it.
    pub fn message(&self) -> String {
        let message = self.error.to_string();
        let suffix = format!(
            " at line {} column {}",
            self.error.line(),
            self.error.column()
        );
        match message.strip_suffix(&suffix) {
            Some(message) if self.error.line() != 0 => message.to_owned(),
            _ => message,
        }
    }

    /// Whether the body is well-formed JSON that does not match the type
    /// (rather than malformed or truncated JSON).
    pub fn is_data(&self) -> bool {
        self.error.classify() == serde_json::error::Category::Data
    }
}

/// Reads a `T` from `raw`, with the path of the fault on failure. `tags` are
/// the tag properties of the unions `T` may hold (a generated crate's
/// `types::UNION_TAGS`). Never panics, whatever the bytes.
pub fn read<T: DeserializeOwned>(raw: &[u8], tags: &[&str]) -> Result<T, PathError> {
    serde_json::from_slice(raw).map_err(|first| locate::<T>(raw, tags, first))
}

/// The error of a body that does not decode, with the JSON path of the fault.
#[cold]
fn locate<T: DeserializeOwned>(raw: &[u8], tags: &[&str], first: serde_json::Error) -> PathError {
    let as_received = tracked::<T>(raw).unwrap_or(PathError {
        path: ".".to_owned(),
        error: first,
    });
    if !as_received.is_data() {
        return as_received;
    }
    // Well-formed JSON: read it again with the tags first. A body that only
    // failed as received (a key given twice, which a `Value` keeps once)
    // keeps the first answer.
    match tags_first(raw, tags).and_then(|reordered| tracked::<T>(&reordered)) {
        Some(reordered) if reordered.is_data() => reordered,
        _ => as_received,
    }
}

/// A path-tracking reading of `raw`; `None` if it succeeds.
fn tracked<T: DeserializeOwned>(raw: &[u8]) -> Option<PathError> {
    let mut deserializer = serde_json::Deserializer::from_slice(raw);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(error) => Some(PathError {
            path: error.path().to_string(),
            error: error.into_inner(),
        }),
        // Only whitespace may follow the value.
        Ok(_) => deserializer.end().err().map(|error| PathError {
            path: ".".to_owned(),
            error,
        }),
    }
}

/// `raw` written again with, in every object, the keys in `tags` first.
fn tags_first(raw: &[u8], tags: &[&str]) -> Option<Vec<u8>> {
    let value: Value = serde_json::from_slice(raw).ok()?;
    let mut out = Vec::with_capacity(raw.len());
    write(&mut out, &value, tags).ok()?;
    Some(out)
}

fn write(out: &mut Vec<u8>, value: &Value, tags: &[&str]) -> serde_json::Result<()> {
    match value {
        Value::Object(object) => {
            out.push(b'{');
            let first = object
                .iter()
                .filter(|(key, _)| tags.contains(&key.as_str()));
            let rest = object
                .iter()
                .filter(|(key, _)| !tags.contains(&key.as_str()));
            for (i, (key, value)) in first.chain(rest).enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                serde_json::to_writer(&mut *out, key)?;
                out.push(b':');
                write(out, value, tags)?;
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write(out, item, tags)?;
            }
            out.push(b']');
        }
        scalar => serde_json::to_writer(&mut *out, scalar)?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(tag = "type", rename_all = "snake_case")]
    #[allow(dead_code, reason = "read, never used")]
    enum Shape {
        Square { side: u32 },
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code, reason = "read, never used")]
    struct Drawing {
        shapes: Vec<Shape>,
    }

    #[test]
    fn a_syntax_error_keeps_its_position_and_path() {
        let error = read::<Drawing>(br#"{"shapes": [ {"type": "square", "side": 1}, tru"#, &[])
            .unwrap_err();
        assert!(!error.is_data());
        assert_eq!(error.path, "shapes[1]");
        assert_eq!(error.error.line(), 1);
    }

    #[test]
    fn the_tags_come_first_in_every_object() {
        let raw = br#"{"b":[{"x":1,"type":"t","a":{"z":null,"event":"e"}}],"type":"u"}"#;
        let reordered = tags_first(raw, &["type", "event"]).unwrap();
        assert_eq!(
            String::from_utf8(reordered).unwrap(),
            r#"{"type":"u","b":[{"type":"t","a":{"event":"e","z":null},"x":1}]}"#
        );
    }

    #[test]
    fn trailing_data_is_refused_at_the_root() {
        let error = read::<Drawing>(br#"{"shapes": []} {}"#, &["type"]).unwrap_err();
        assert_eq!(error.path, ".");
        assert!(!error.is_data());
    }

    #[test]
    fn a_data_error_reads_without_position() {
        let error = read::<Drawing>(
            br#"{"shapes": [{"type": "square", "side": "one"}]}"#,
            &["type"],
        )
        .unwrap_err();
        assert!(error.is_data());
        assert!(
            !error.message().contains(" at line "),
            "{}",
            error.message()
        );
    }
}
