//! Reading a request body as JSON, refusing what a lenient parser would
//! quietly guess at: a key given twice in one object (which value counts
//! depends on the parser) and anything after the document.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Parses `bytes` as one JSON document. The error says where it breaks,
/// names the key given twice, or says the document nests deeper than the
/// reading goes (serde_json's recursion limit, the runtime's
/// `json::MAX_DEPTH`: a request body is untrusted, and no reading of it may
/// end the process).
pub fn parse(bytes: &[u8]) -> Result<Value, String> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let explain = |error: serde_json::Error| {
        if bindings_runtime::json::too_deep(bytes, &error) {
            format!(
                "the document nests deeper than {} levels at line {} column {}",
                bindings_runtime::json::MAX_DEPTH,
                error.line(),
                error.column()
            )
        } else {
            error.to_string()
        }
    };
    let Strict(value) = Strict::deserialize(&mut deserializer).map_err(explain)?;
    deserializer.end().map_err(explain)?;
    Ok(value)
}

/// A JSON value whose objects never repeat a key.
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("a number that is not finite"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(format_args!(
                    "the key `{key}` is given twice in one object"
                )));
            }
            let Strict(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_json_and_refuses_a_repeated_key() {
        assert_eq!(
            parse(br#"{"a": [1, -2, 2.5, null, true, "x"], "b": {"c": {}}}"#),
            Ok(json!({"a": [1, -2, 2.5, null, true, "x"], "b": {"c": {}}}))
        );
        let error = parse(br#"{"channel": {"id": "1", "id": "2"}}"#).unwrap_err();
        assert!(error.contains("`id` is given twice"), "{error}");
        // The same key in two objects is fine.
        assert!(parse(br#"[{"id": 1}, {"id": 2}]"#).is_ok());
    }

    #[test]
    fn refuses_trailing_data_and_deep_nesting_without_overflowing() {
        assert!(parse(br#"{"a": 1} {"b": 2}"#).is_err());
        assert!(parse(b"").is_err());
        let deep = "[".repeat(100_000);
        assert!(parse(deep.as_bytes()).is_err());
    }
}
