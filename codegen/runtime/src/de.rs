//! What the generated types deserialize with, written once for every
//! generated crate: open enums read without copying a known value,
//! tri-state PATCH fields, and the one-pass reading of discriminated unions.
//! Generated code calls it; nothing here is meant to be called by hand.
//!
//! A union reads the keys of its object until the tag. When the tag comes
//! first (the usual order) nothing is buffered and the variant reads the rest
//! of the object straight from the input, so an error inside it keeps its
//! whole JSON path (serde_path_to_error sees through). Entries before the tag
//! are kept as `serde_json::Value`s and replayed; an error inside one of them
//! is reported at the union, its inner path in the message (the input's
//! tracking cannot see inside a value already read; [`crate::json::read`]
//! reads a failed body again with the tags first, for the whole path). An
//! unknown tag keeps the whole object as JSON.
//!
//! The entries before the tag stay `Value`s, not raw slices: a replayed entry
//! must be readable by any `DeserializeSeed<'de>`, and only an owned
//! deserializer (a `Value`) is a `Deserializer<'de>` for every `'de`.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de;

/// Reads an open enum from a string without copying a known value.
pub fn open_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: for<'a> From<&'a str> + From<String>,
{
    struct Text<T>(PhantomData<T>);
    impl<'de, T> de::Visitor<'de> for Text<T>
    where
        T: for<'a> From<&'a str> + From<String>,
    {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
            Ok(T::from(value))
        }
        fn visit_string<E: de::Error>(self, value: String) -> Result<T, E> {
            Ok(T::from(value))
        }
    }
    deserializer.deserialize_str(Text(PhantomData))
}

/// Reads a present tri-state field: `null` becomes `Some(None)`.
pub fn deserialize_some<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}

/// A union dispatched on its tag.
pub trait Tagged: Sized {
    /// The union's schema name, for error messages.
    const UNION: &'static str;
    /// The tag property.
    const TAG: &'static str;
    /// Reads the variant of `tag` from the rest of the object, or gives
    /// the object back when the tag is unknown.
    fn variant<'de, M: de::MapAccess<'de>>(tag: &str, map: M) -> Result<Result<Self, M::Error>, M>;
    /// The value of an unknown tag, kept as received.
    fn unknown(value: serde_json::Value) -> Self;
}

/// Reads a variant from the rest of its object.
pub fn variant<'de, T, M>(map: M) -> Result<T, M::Error>
where
    T: serde::Deserialize<'de>,
    M: de::MapAccess<'de>,
{
    T::deserialize(de::value::MapAccessDeserializer::new(map))
}

/// Reads a union in one pass over its object.
pub fn deserialize_tagged<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: Tagged,
    D: serde::Deserializer<'de>,
{
    deserializer.deserialize_any(Union(PhantomData))
}

/// Reads a union whose tag a pre-scan of the same input already read
/// (`tag`): the variant reads the object in one pass wherever the tag
/// stands, its entry skipped, so nothing is kept for later even when other
/// keys come first. `Ok(None)` when `tag` is not one of `T`'s: read the
/// input again with [`deserialize_tagged`] to keep it as `Unknown`.
///
/// The caller vouches that the object has the tag once, with this value.
pub fn deserialize_known_tag<'de, T, D>(deserializer: D, tag: &str) -> Result<Option<T>, D::Error>
where
    T: Tagged,
    D: serde::Deserializer<'de>,
{
    deserializer.deserialize_map(KnownTag::<T> {
        tag,
        union: PhantomData,
    })
}

struct KnownTag<'t, T> {
    tag: &'t str,
    union: PhantomData<T>,
}

impl<'de, T: Tagged> de::Visitor<'de> for KnownTag<'_, T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a JSON object (a {})", T::UNION)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Option<T>, A::Error> {
        let rest = SkipTag { map, tag: T::TAG };
        match T::variant(self.tag, rest) {
            Ok(variant) => variant.map(Some),
            Err(mut rest) => {
                while rest
                    .map
                    .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(None)
            }
        }
    }
}

/// An object without its tag's entry.
struct SkipTag<A> {
    map: A,
    tag: &'static str,
}

impl<'de, A: de::MapAccess<'de>> de::MapAccess<'de> for SkipTag<A> {
    type Error = A::Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let mut seed = seed;
        loop {
            let key = self.map.next_key_seed(KeyOrTag {
                seed,
                tag: self.tag,
            })?;
            match key {
                None => return Ok(None),
                Some(KeyRead::Other(key)) => return Ok(Some(key)),
                Some(KeyRead::Tag(back)) => {
                    self.map.next_value::<de::IgnoredAny>()?;
                    seed = back;
                }
            }
        }
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// A key read by [`KeyOrTag`]: the tag (its seed handed back), or another.
enum KeyRead<K, V> {
    Tag(K),
    Other(V),
}

/// Reads a key: the tag is set aside, any other handed to `seed`.
struct KeyOrTag<K> {
    seed: K,
    tag: &'static str,
}

impl<'de, K: de::DeserializeSeed<'de>> de::DeserializeSeed<'de> for KeyOrTag<K> {
    type Value = KeyRead<K, K::Value>;
    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de, K: de::DeserializeSeed<'de>> de::Visitor<'de> for KeyOrTag<K> {
    type Value = KeyRead<K, K::Value>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Self::Value, E> {
        if key == self.tag {
            return Ok(KeyRead::Tag(self.seed));
        }
        self.seed
            .deserialize(de::value::BorrowedStrDeserializer::new(key))
            .map(KeyRead::Other)
    }
    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        if key == self.tag {
            return Ok(KeyRead::Tag(self.seed));
        }
        self.seed
            .deserialize(de::IntoDeserializer::<E>::into_deserializer(key))
            .map(KeyRead::Other)
    }
    fn visit_string<E: de::Error>(self, key: String) -> Result<Self::Value, E> {
        if key == self.tag {
            return Ok(KeyRead::Tag(self.seed));
        }
        self.seed
            .deserialize(de::IntoDeserializer::<E>::into_deserializer(key))
            .map(KeyRead::Other)
    }
}

struct Union<T>(PhantomData<T>);

impl<T: Tagged> Union<T> {
    fn not_an_object<E: de::Error>() -> E {
        E::custom(format_args!("{}: expected a JSON object", T::UNION))
    }
}

impl<'de, T: Tagged> de::Visitor<'de> for Union<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a JSON object (a {})", T::UNION)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut before = Vec::new();
        loop {
            let Some(key) = map.next_key_seed(Text)? else {
                return Err(de::Error::custom(format_args!(
                    "{}: missing field `{}`",
                    T::UNION,
                    T::TAG
                )));
            };
            if key == T::TAG {
                let tag = map.next_value_seed(TagValue::<T>(PhantomData))?;
                let rest = Rest {
                    before: before.into_iter(),
                    pending: None,
                    map,
                    union: T::UNION,
                    tag: T::TAG,
                };
                return match T::variant(&tag, rest) {
                    Ok(variant) => variant,
                    Err(rest) => rest.unknown::<T>(tag.into_owned()),
                };
            }
            let value: serde_json::Value = map.next_value()?;
            before.push((key.into_owned(), value));
        }
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<T, E> {
        Err(Self::not_an_object())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<T, E> {
        Err(Self::not_an_object())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<T, E> {
        Err(Self::not_an_object())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<T, E> {
        Err(Self::not_an_object())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<T, E> {
        Err(Self::not_an_object())
    }
    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<T, E> {
        Err(Self::not_an_object())
    }
    fn visit_none<E: de::Error>(self) -> Result<T, E> {
        Err(Self::not_an_object())
    }
    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        Err(Self::not_an_object())
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, _: D) -> Result<T, D::Error> {
        Err(Self::not_an_object())
    }
    fn visit_newtype_struct<D: serde::Deserializer<'de>>(self, _: D) -> Result<T, D::Error> {
        Err(Self::not_an_object())
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<T, A::Error> {
        Err(Self::not_an_object())
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, _: A) -> Result<T, A::Error> {
        Err(Self::not_an_object())
    }
}

/// A key or a tag value: borrowed from the input when it can be.
struct Text;

impl<'de> de::DeserializeSeed<'de> for Text {
    type Value = Cow<'de, str>;
    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> de::Visitor<'de> for Text {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(value))
    }
    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(value.to_owned()))
    }
    fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(value))
    }
}

/// The tag's value, which must be a string.
struct TagValue<T>(PhantomData<T>);

impl<'de, T: Tagged> de::DeserializeSeed<'de> for TagValue<T> {
    type Value = Cow<'de, str>;
    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de, T: Tagged> de::Visitor<'de> for TagValue<T> {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a string: the `{}` of a {}", T::TAG, T::UNION)
    }
    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
        Text.visit_borrowed_str(value)
    }
    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Text.visit_str(value)
    }
    fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
        Text.visit_string(value)
    }
}

/// The rest of a union's object after its tag: the entries read
/// before the tag, then the input's.
struct Rest<A> {
    before: std::vec::IntoIter<(String, serde_json::Value)>,
    pending: Option<(String, serde_json::Value)>,
    map: A,
    union: &'static str,
    tag: &'static str,
}

impl<'de, A: de::MapAccess<'de>> Rest<A> {
    /// The input's next key after the tag: refused if it is the tag again
    /// (one object, one reading), else handed to `seed`.
    fn next_key_not_tag<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let key = self.map.next_key_seed(KeyOrTag {
            seed,
            tag: self.tag,
        })?;
        match key {
            None => Ok(None),
            Some(KeyRead::Other(key)) => Ok(Some(key)),
            Some(KeyRead::Tag(_)) => Err(de::Error::custom(format_args!(
                "{}: duplicate field `{}`",
                self.union, self.tag
            ))),
        }
    }

    /// The whole object of an unknown tag, as JSON.
    fn unknown<T: Tagged>(mut self, tag: String) -> Result<T, A::Error> {
        let mut object: serde_json::Map<String, serde_json::Value> = self.before.by_ref().collect();
        object.insert(self.tag.to_owned(), serde_json::Value::String(tag));
        while let Some(key) = self.next_key_not_tag(PhantomData::<String>)? {
            let value: serde_json::Value = self.map.next_value()?;
            object.insert(key, value);
        }
        Ok(T::unknown(serde_json::Value::Object(object)))
    }
}

impl<'de, A: de::MapAccess<'de>> de::MapAccess<'de> for Rest<A> {
    type Error = A::Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        if let Some((key, value)) = self.before.next() {
            let read = seed
                .deserialize(de::IntoDeserializer::<A::Error>::into_deserializer(
                    key.as_str(),
                ))
                .map(Some);
            self.pending = Some((key, value));
            return read;
        }
        self.next_key_not_tag(seed)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, A::Error> {
        let Some((key, value)) = self.pending.take() else {
            return self.map.next_value_seed(seed);
        };
        // Read before the tag: the input's path tracking cannot see
        // inside it, so the message says where.
        let mut track = serde_path_to_error::Track::new();
        seed.deserialize(serde_path_to_error::Deserializer::new(value, &mut track))
            .map_err(|error| {
                let inner = track.path().to_string();
                let separator = if inner.starts_with('[') { "" } else { "." };
                let at = if inner == "." {
                    key
                } else {
                    format!("{key}{separator}{inner}")
                };
                de::Error::custom(format_args!(
                    "{error} (at `{at}`, read before the `{}` of the {})",
                    self.tag, self.union
                ))
            })
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint().map(|rest| rest + self.before.len())
    }
}
