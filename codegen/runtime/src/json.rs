//! Reading JSON from the server with the whole path of an error.
//!
//! [`read`] decodes in one pass. Only a failure pays for more: a second
//! reading that tracks the JSON path, and, when the JSON is well formed, a
//! third over the same document with the tag of every discriminated union
//! moved to the front of its object (the rest in order, repeats kept). Then
//! no union has to keep entries read
//! before its tag, each reads its variant straight from the input, and the
//! path of an error inside a variant is whole and structured
//! (`data.content.quick_replies[0].title`), never written into a message.

use std::fmt;

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

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
    // Well-formed JSON: read it again with the tags first. If that reading
    // passes (it should not: it is the same document), the first answer
    // stands.
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

/// `raw` written again with, in every object, the keys in `tags` first; the
/// rest as received, in order, a key given twice still given twice, so that
/// the reading that follows meets the same document.
fn tags_first(raw: &[u8], tags: &[&str]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(raw).ok()?;
    let mut out = String::with_capacity(raw.len());
    write(&mut out, text, tags)?;
    Some(out.into_bytes())
}

/// The entries of one object, borrowed and in order, repeats kept.
struct Entries<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Entries<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> Visitor<'de> for Visit {
            type Value = Entries<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<'de>, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(Visit)
    }
}

/// Writes the value `raw` into `out`, tags first in its objects. Each level
/// is read from its own text; the depth is bounded by serde_json's
/// recursion limit, which the first reading of the body already passed.
fn write(out: &mut String, raw: &str, tags: &[&str]) -> Option<()> {
    let raw = raw.trim();
    match raw.as_bytes().first()? {
        b'{' => {
            let Entries(entries) = serde_json::from_str(raw).ok()?;
            let (first, rest): (Vec<_>, Vec<_>) = entries
                .into_iter()
                .partition(|(key, _)| tags.contains(&key.as_str()));
            out.push('{');
            for (i, (key, value)) in first.into_iter().chain(rest).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(&key).ok()?);
                out.push(':');
                write(out, value.get(), tags)?;
            }
            out.push('}');
        }
        b'[' => {
            let items: Vec<&RawValue> = serde_json::from_str(raw).ok()?;
            out.push('[');
            for (i, item) in items.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(out, item.get(), tags)?;
            }
            out.push(']');
        }
        _ => out.push_str(raw),
    }
    Some(())
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
            r#"{"type":"u","b":[{"type":"t","x":1,"a":{"event":"e","z":null}}]}"#
        );
    }

    #[test]
    fn a_key_given_twice_is_still_given_twice_when_tags_come_first() {
        let raw =
            br#"{"shapes":[{"type":"square","side":1}],"shapes":[{"side":2,"type":"square"}]}"#;
        let error = read::<Drawing>(raw, &["type"]).unwrap_err();
        assert!(error.is_data());
        assert!(
            error.message().contains("duplicate field `shapes`"),
            "{}",
            error.message()
        );
        assert_eq!(
            String::from_utf8(tags_first(raw, &["type"]).unwrap()).unwrap(),
            r#"{"shapes":[{"type":"square","side":1}],"shapes":[{"type":"square","side":2}]}"#
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
