//! The one reading of an unverified body: `data.channel.id` (to choose the
//! secret) and `event`, in a single borrowed pass.
//!
//! Keys are compared after JSON unescaping (`"\u0069d"` is `"id"`), as the
//! typed parser compares them. A key that appears twice on the path the
//! secret is chosen by is refused: two readers (this one, the typed parser,
//! the user's own) could otherwise take different channels from one body.
//! Any other shape (`data` not an object, an `id` that is not a string)
//! names no channel, and the scan goes on, so a repeated key later on the
//! path is still found. A body that is not JSON names no channel.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// What the scan read.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Scan<'a> {
    /// `data.channel.id`, when the body is a JSON object with that string.
    pub(super) channel_id: Option<Cow<'a, str>>,
    /// Whether the top-level key `event` appears more than once.
    pub(super) repeated_event: bool,
}

/// Scans `body`; `Err` names a key repeated on the secret's path.
pub(super) fn scan(body: &[u8]) -> Result<Scan<'_>, &'static str> {
    let mut found = Found::default();
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let read = Level {
        depth: Depth::Root,
        found: &mut found,
    }
    .deserialize(&mut deserializer)
    .and_then(|()| deserializer.end());
    if let Some(path) = found.repeated {
        return Err(path);
    }
    Ok(match read {
        Ok(()) => Scan {
            channel_id: found.channel_id,
            repeated_event: found.repeated_event,
        },
        // Not a JSON document: it names no channel.
        Err(_) => Scan::default(),
    })
}

#[derive(Default)]
struct Found<'a> {
    channel_id: Option<Cow<'a, str>>,
    repeated_event: bool,
    repeated: Option<&'static str>,
}

/// Where on the path a value is.
#[derive(Clone, Copy)]
enum Depth {
    /// The body.
    Root,
    /// `data`.
    Data,
    /// `data.channel`.
    Channel,
    /// `data.channel.id`.
    Id,
}

/// The keys that matter, compared after unescaping.
enum Key {
    Event,
    Data,
    Channel,
    Id,
    Other,
}

impl<'de> de::Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
                Ok(match key {
                    "event" => Key::Event,
                    "data" => Key::Data,
                    "channel" => Key::Channel,
                    "id" => Key::Id,
                    _ => Key::Other,
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// Reads one value on the path, writing what it finds into `found`.
struct Level<'s, 'de> {
    depth: Depth,
    found: &'s mut Found<'de>,
}

impl Level<'_, '_> {
    /// Records a repeated key and stops the scan.
    fn repeated<E: de::Error>(&mut self, path: &'static str) -> E {
        self.found.repeated = Some(path);
        E::custom(path)
    }
}

impl<'de> DeserializeSeed<'de> for Level<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Level<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let (mut seen_event, mut seen_data, mut seen_channel, mut seen_id) = (0, 0, 0, 0);
        while let Some(key) = map.next_key::<Key>()? {
            let (next, seen, path) = match (self.depth, key) {
                (Depth::Root, Key::Event) => {
                    seen_event += 1;
                    if seen_event > 1 {
                        self.found.repeated_event = true;
                    }
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
                (Depth::Root, Key::Data) => (Depth::Data, &mut seen_data, "data"),
                (Depth::Data, Key::Channel) => (Depth::Channel, &mut seen_channel, "data.channel"),
                (Depth::Channel, Key::Id) => (Depth::Id, &mut seen_id, "data.channel.id"),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            *seen += 1;
            if *seen > 1 {
                return Err(self.repeated(path));
            }
            map.next_value_seed(Level {
                depth: next,
                found: &mut *self.found,
            })?;
        }
        Ok(())
    }

    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<(), E> {
        if let Depth::Id = self.depth {
            self.found.channel_id = Some(Cow::Borrowed(text));
        }
        Ok(())
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<(), E> {
        // A string with escapes, unescaped into a buffer.
        if let Depth::Id = self.depth {
            self.found.channel_id = Some(Cow::Owned(text.to_owned()));
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel(body: &str) -> Result<Option<String>, &'static str> {
        scan(body.as_bytes()).map(|scan| scan.channel_id.map(Cow::into_owned))
    }

    #[test]
    fn reads_the_channel_id_borrowed_or_unescaped() {
        let body =
            r#"{"event":"x","data":{"contact":{"id":"9"},"channel":{"type":"viber","id":"A1"}}}"#;
        let scan = scan(body.as_bytes()).unwrap();
        assert!(matches!(scan.channel_id, Some(Cow::Borrowed("A1"))));
        assert!(!scan.repeated_event);
        assert_eq!(
            channel(r#"{"data":{"channel":{"id":"\u0041\n"}}}"#),
            Ok(Some("A\n".to_owned()))
        );
        // Escaped keys are the same keys.
        assert_eq!(
            channel(r#"{"d\u0061ta":{"\u0063hannel":{"\u0069d":"B"}}}"#),
            Ok(Some("B".to_owned()))
        );
    }

    #[test]
    fn a_key_repeated_on_the_path_is_refused_however_it_is_spelled() {
        for (body, path) in [
            (r#"{"data":{"channel":{"id":"A"}},"data":{}}"#, "data"),
            (r#"{"data":{},"d\u0061ta":{"channel":{"id":"A"}}}"#, "data"),
            (
                r#"{"data":{"channel":{"id":"A"},"channel":{"id":"B"}}}"#,
                "data.channel",
            ),
            (
                r#"{"data":{"channel":{"id":"A","id":"B"}}}"#,
                "data.channel.id",
            ),
            (
                r#"{"data":{"channel":{"id":"A","\u0069d":"B"}}}"#,
                "data.channel.id",
            ),
            // After a value of another shape the scan goes on.
            (
                r#"{"data":{"channel":{"id":5,"id":"B"}}}"#,
                "data.channel.id",
            ),
            (r#"{"data":7,"data":{"channel":{"id":"B"}}}"#, "data"),
        ] {
            assert_eq!(channel(body), Err(path), "{body}");
        }
    }

    #[test]
    fn repeated_keys_elsewhere_are_not_the_scans_business() {
        assert_eq!(
            channel(
                r#"{"data":{"contact":{"id":"1","id":"2"},"channel":{"id":"A"}},"timestamp":1,"timestamp":2}"#
            ),
            Ok(Some("A".to_owned()))
        );
        assert_eq!(
            channel(r#"{"channel":{"id":"A"},"channel":{"id":"B"}}"#),
            Ok(None)
        );
        let scan = scan(br#"{"event":"a","event":"b"}"#).unwrap();
        assert!(scan.repeated_event);
    }

    #[test]
    fn other_shapes_and_broken_json_name_no_channel() {
        for body in [
            r#"{"data":{"channel":{"id":5}}}"#,
            r#"{"data":{"channel":"A"}}"#,
            r#"{"data":[{"channel":{"id":"A"}}]}"#,
            r#"[{"data":{"channel":{"id":"A"}}}]"#,
            r#"{"data":{"channel":{"id":"A"}}"#,
            r#"{"data":{"channel":{"id":"A"}}} trailing"#,
            "",
            "\u{feff}{}",
        ] {
            assert_eq!(channel(body), Ok(None), "{body}");
        }
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(channel(&deep), Ok(None));
    }
}
