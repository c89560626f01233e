//! Comparing JSON values and naming the first difference by its path.

use serde_json::Value;

/// The JSON path (`$.a.b[2]`) and a description of the first place where
/// `actual` differs from `expected`, or `None` when they are equal.
pub fn first_difference(expected: &Value, actual: &Value) -> Option<String> {
    diff(expected, actual, "$")
}

fn diff(expected: &Value, actual: &Value, path: &str) -> Option<String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (key, e_value) in e {
                let child = format!("{path}.{key}");
                match a.get(key) {
                    Some(a_value) => {
                        if let Some(found) = diff(e_value, a_value, &child) {
                            return Some(found);
                        }
                    }
                    None => {
                        return Some(format!(
                            "{child}: missing after the round trip (was {e_value})"
                        ));
                    }
                }
            }
            a.iter()
                .find(|(key, _)| !e.contains_key(*key))
                .map(|(key, value)| format!("{path}.{key}: added by the round trip ({value})"))
        }
        (Value::Array(e), Value::Array(a)) => {
            for (i, (e_item, a_item)) in e.iter().zip(a).enumerate() {
                if let Some(found) = diff(e_item, a_item, &format!("{path}[{i}]")) {
                    return Some(found);
                }
            }
            (e.len() != a.len()).then(|| format!("{path}: {} items became {}", e.len(), a.len()))
        }
        (Value::Number(e), Value::Number(a)) if e.as_f64() == a.as_f64() => None,
        _ if expected == actual => None,
        _ => Some(format!("{path}: {expected} became {actual}")),
    }
}

#[cfg(test)]
mod tests {
    use super::first_difference;
    use serde_json::json;

    #[test]
    fn names_the_path_of_the_first_difference() {
        let expected = json!({"a": {"b": [1, {"c": "x"}]}});
        assert_eq!(first_difference(&expected, &expected), None);
        let changed = json!({"a": {"b": [1, {"c": "y"}]}});
        assert_eq!(
            first_difference(&expected, &changed).as_deref(),
            Some("$.a.b[1].c: \"x\" became \"y\"")
        );
        let dropped = json!({"a": {"b": [1, {}]}});
        assert!(
            first_difference(&expected, &dropped)
                .unwrap()
                .starts_with("$.a.b[1].c: missing")
        );
        let added = json!({"a": {"b": [1, {"c": "x", "d": null}]}});
        assert!(
            first_difference(&expected, &added)
                .unwrap()
                .starts_with("$.a.b[1].d: added")
        );
    }

    #[test]
    fn numbers_compare_by_value() {
        assert_eq!(first_difference(&json!(1.0), &json!(1)), None);
    }
}
