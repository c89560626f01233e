//! Validating JSON against the spec's schemas with the `jsonschema` crate.
//!
//! An OpenAPI 3.0 schema is almost a JSON Schema. [`to_json_schema`] closes
//! the gap: `nullable: true` allows `null` (whatever else the schema says); `#/components/schemas/X`
//! references point into `$defs`; OpenAPI-only keywords (`discriminator`,
//! `example`, `examples`, `xml`, `externalDocs` and every `x-*` extension)
//! are dropped; a `oneOf` with a `discriminator` becomes the same
//! constraint spelled with `if`/`then` on the tag, so that a failure names
//! the field at fault rather than "no variant matched"; the integer formats
//! `int32` and `int64` become the `minimum` and `maximum` of their range.
//! Everything else (`enum`, `required`, `format`, `pattern`,
//! bounds) keeps its meaning, so an enum value the spec does not list is
//! reported even though the bindings accept it (their enums are open): the
//! check says where the spec is behind the API.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value, json};

use crate::spec::Shape;

const SCHEMA_REF: &str = "#/components/schemas/";
const DEFS_REF: &str = "#/$defs/";

/// Keywords OpenAPI 3.0 adds to JSON Schema that validation must not see.
const OPENAPI_ONLY: &[&str] = &[
    "discriminator",
    "example",
    "examples",
    "xml",
    "externalDocs",
    "nullable",
];

/// Converts one OpenAPI 3.0 schema object to JSON Schema (draft 2020-12),
/// with references to `#/components/schemas` rewritten to `#/$defs`.
pub fn to_json_schema(schema: &Value) -> Value {
    match schema {
        Value::Object(object) => {
            let mut out = Map::new();
            for (key, value) in object {
                if OPENAPI_ONLY.contains(&key.as_str()) || key.starts_with("x-") {
                    continue;
                }
                let converted = match key.as_str() {
                    "$ref" => match value.as_str().and_then(|r| r.strip_prefix(SCHEMA_REF)) {
                        Some(name) => Value::String(format!("{DEFS_REF}{name}")),
                        None => value.clone(),
                    },
                    // Maps from names to schemas: convert each value, keep the names.
                    "properties" | "patternProperties" | "$defs" | "definitions" => {
                        match value.as_object() {
                            Some(map) => Value::Object(
                                map.iter()
                                    .map(|(k, v)| (k.clone(), to_json_schema(v)))
                                    .collect(),
                            ),
                            None => value.clone(),
                        }
                    }
                    // Keywords whose value is a schema or a list of schemas.
                    "items" | "additionalProperties" | "not" | "allOf" | "anyOf" | "oneOf" => {
                        to_json_schema(value)
                    }
                    // Anything else is data (`enum`, `required`, `default`,
                    // `description`, bounds): kept as written.
                    _ => value.clone(),
                };
                out.insert(key.clone(), converted);
            }
            // OpenAPI's integer formats are ranges JSON Schema does not know.
            let range = match object.get("format").and_then(Value::as_str) {
                Some("int32") => Some((i64::from(i32::MIN), i64::from(i32::MAX))),
                Some("int64") => Some((i64::MIN, i64::MAX)),
                _ => None,
            };
            if let Some((min, max)) = range {
                out.entry("minimum").or_insert_with(|| json!(min));
                out.entry("maximum").or_insert_with(|| json!(max));
            }
            if let Some(dispatch) = discriminated(object) {
                out.remove("oneOf");
                out.insert("allOf".to_owned(), dispatch);
            }
            let converted = Value::Object(out);
            if object.get("nullable") == Some(&Value::Bool(true)) {
                // `null`, or else the schema: spelled with `if`/`then` so that a
                // failure names the field at fault, not "no anyOf branch matched".
                json!({ "if": { "not": { "type": "null" } }, "then": converted })
            } else {
                converted
            }
        }
        Value::Array(items) => Value::Array(items.iter().map(to_json_schema).collect()),
        other => other.clone(),
    }
}

/// A `oneOf` with a `discriminator` as the same constraint spelled so that
/// a failure names the field at fault: the tag must be one of the mapped
/// values, and for each value the object must fit the mapped schema
/// (`if`/`then`). For tags that differ per variant this is what `oneOf`
/// means, but a plain `oneOf` can only say that no variant matched.
fn discriminated(object: &Map<String, Value>) -> Option<Value> {
    let discriminator = object.get("discriminator")?;
    let tag = discriminator.get("propertyName")?.as_str()?;
    let mapping = discriminator.get("mapping")?.as_object()?;
    object.get("oneOf")?;
    let tags: Vec<&String> = mapping.keys().collect();
    let mut all_of = vec![json!({
        "required": [tag],
        "properties": { tag: { "enum": tags } }
    })];
    for (value, target) in mapping {
        all_of.push(json!({
            "if": { "required": [tag], "properties": { tag: { "const": value } } },
            "then": to_json_schema(&json!({ "$ref": target })),
        }));
    }
    Some(Value::Array(all_of))
}

/// The JSON Schema that `shape` stands for, with `$defs` left to the caller.
fn root_for(spec: &Value, shape: &Shape) -> Value {
    match shape {
        Shape::Named(name) => json!({ "$ref": format!("{DEFS_REF}{name}") }),
        Shape::ArrayOf(name) => {
            json!({ "type": "array", "items": { "$ref": format!("{DEFS_REF}{name}") } })
        }
        Shape::Inline(at) => {
            let pointer = at.strip_prefix('#').unwrap_or(at);
            to_json_schema(spec.pointer(pointer).unwrap_or(&Value::Null))
        }
    }
}

/// What is wrong with a scalar, by kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// It is not of the type (or one of the values) the schema says.
    Type(String),
    /// It breaks a limit or a format of the schema: the keyword, and the message.
    Constraint {
        /// The keyword it breaks, such as `maxLength`.
        keyword: &'static str,
        /// What the validator says.
        message: String,
    },
}

/// Every schema of a spec as JSON Schema, with validators built on demand
/// and kept for reuse.
pub struct Schemas {
    spec: Value,
    defs: Value,
    validators: Mutex<HashMap<Shape, Arc<jsonschema::Validator>>>,
    /// Validators of scalar schemas, by pointer: built without `$defs`
    /// (a scalar schema refers to nothing), which keeps them cheap.
    leaves: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

impl std::fmt::Debug for Schemas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = self.defs.as_object().map_or(0, Map::len);
        f.debug_struct("Schemas").field("schemas", &count).finish()
    }
}

impl Schemas {
    /// Converts every schema under `components/schemas` of `spec`.
    pub fn new(spec: &Value) -> Self {
        let defs = spec
            .pointer("/components/schemas")
            .map(|schemas| {
                Value::Object(
                    schemas
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(name, schema)| (name.clone(), to_json_schema(schema)))
                        .collect(),
                )
            })
            .unwrap_or_else(|| json!({}));
        Self {
            spec: spec.clone(),
            defs,
            validators: Mutex::new(HashMap::new()),
            leaves: Mutex::new(HashMap::new()),
        }
    }

    /// The spec the schemas come from.
    pub fn spec(&self) -> &Value {
        &self.spec
    }

    /// What the `jsonschema` crate finds wrong with the scalar `value`
    /// against the schema at the JSON pointer `at` of the spec (its type,
    /// format, pattern and bounds), by kind.
    pub fn leaf_problems(&self, at: &str, value: &Value) -> Vec<Problem> {
        let validator = match self.leaf_validator(at) {
            Ok(validator) => validator,
            Err(message) => return vec![Problem::Type(message)],
        };
        validator
            .iter_errors(value)
            .map(|error| {
                use jsonschema::error::ValidationErrorKind as K;
                let keyword = match error.kind() {
                    K::MaxLength { .. } => "maxLength",
                    K::MinLength { .. } => "minLength",
                    K::Pattern { .. } => "pattern",
                    K::Maximum { .. } => "maximum",
                    K::Minimum { .. } => "minimum",
                    K::ExclusiveMaximum { .. } => "exclusiveMaximum",
                    K::ExclusiveMinimum { .. } => "exclusiveMinimum",
                    K::MultipleOf { .. } => "multipleOf",
                    K::Format { .. } => "format",
                    _ => return Problem::Type(error.masked().to_string()),
                };
                Problem::Constraint {
                    keyword,
                    message: error.masked().to_string(),
                }
            })
            .collect()
    }

    /// The converted schema named `name`, if the spec has it.
    pub fn json_schema(&self, name: &str) -> Option<&Value> {
        self.defs.get(name)
    }

    fn leaf_validator(&self, at: &str) -> Result<Arc<jsonschema::Validator>, String> {
        let mut cache = self
            .leaves
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(validator) = cache.get(at) {
            return Ok(Arc::clone(validator));
        }
        let schema = self.spec.pointer(at).unwrap_or(&Value::Null);
        let mut root = to_json_schema(schema);
        if let Some(object) = root.as_object_mut() {
            object.insert(
                "$schema".to_owned(),
                json!("https://json-schema.org/draft/2020-12/schema"),
            );
        }
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&root)
            .map_err(|e| format!("the schema at #{at} is not valid JSON Schema: {e}"))?;
        let validator = Arc::new(validator);
        cache.insert(at.to_owned(), Arc::clone(&validator));
        Ok(validator)
    }

    fn validator(&self, shape: &Shape) -> Result<Arc<jsonschema::Validator>, String> {
        let mut cache = self
            .validators
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(validator) = cache.get(shape) {
            return Ok(Arc::clone(validator));
        }
        let mut root = root_for(&self.spec, shape);
        if let Some(object) = root.as_object_mut() {
            object.insert(
                "$schema".to_owned(),
                json!("https://json-schema.org/draft/2020-12/schema"),
            );
            object.insert("$defs".to_owned(), self.defs.clone());
        }
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&root)
            .map_err(|e| format!("the schema of {shape} is not valid JSON Schema: {e}"))?;
        let validator = Arc::new(validator);
        cache.insert(shape.clone(), Arc::clone(&validator));
        Ok(validator)
    }

    /// Checks `value` against the schema `shape` stands for. The error names
    /// the JSON path (`$.a.b[0]`) of each problem, at most five of them.
    pub fn validate(&self, shape: &Shape, value: &Value) -> Result<(), String> {
        let validator = self.validator(shape)?;
        let problems: Vec<String> = validator
            .iter_errors(value)
            .take(5)
            .map(|error| {
                let path = json_path(value, error.instance_path().as_str());
                // A whole object or array in the message would drown it.
                if error.instance().is_object() || error.instance().is_array() {
                    format!("at {path}: {}", error.masked())
                } else {
                    format!("at {path}: {error}")
                }
            })
            .collect();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!("does not fit {shape}: {}", problems.join("; ")))
        }
    }
}

impl Schemas {
    /// Every way `value` does not fit the schema `shape` stands for (none
    /// when it fits), each with the JSON pointer of the value at fault: for
    /// a server that answers field by field, as the simulator's 422s do.
    pub fn problems(&self, shape: &Shape, value: &Value) -> Result<Vec<Violation>, String> {
        let validator = self.validator(shape)?;
        Ok(validator
            .iter_errors(value)
            .map(|error| {
                let mut pointer = error.instance_path().as_str().to_owned();
                let message = match error.kind() {
                    jsonschema::error::ValidationErrorKind::Required { property } => {
                        let name = property
                            .as_str()
                            .map_or_else(|| property.to_string(), str::to_owned);
                        pointer.push('/');
                        pointer.push_str(&name.replace('~', "~0").replace('/', "~1"));
                        format!("'{name}' is a required property")
                    }
                    _ if error.instance().is_object() || error.instance().is_array() => {
                        error.masked().to_string()
                    }
                    _ => error.to_string(),
                };
                Violation {
                    pointer,
                    keyword: error.kind().keyword().to_owned(),
                    message,
                }
            })
            .collect())
    }
}

/// One way a value does not fit a schema (see [`Schemas::problems`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The JSON pointer of the value at fault (`/contact/id`); for a
    /// missing required property, the pointer the property would have.
    pub pointer: String,
    /// The JSON Schema keyword that failed (`required`, `type`, `maxItems`).
    pub keyword: String,
    /// What is wrong, in words.
    pub message: String,
}

/// Turns a JSON pointer (`/a/0/b`) into the path notation of the
/// conformance suite's judge (`$.a[0].b`), reading `value` to tell indices from keys.
pub fn json_path(value: &Value, pointer: &str) -> String {
    let mut path = String::from("$");
    let mut at = Some(value);
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        match at {
            Some(Value::Array(items)) => {
                path.push_str(&format!("[{token}]"));
                at = token.parse::<usize>().ok().and_then(|i| items.get(i));
            }
            Some(Value::Object(map)) => {
                path.push('.');
                path.push_str(&token);
                at = map.get(&token);
            }
            _ => {
                path.push('.');
                path.push_str(&token);
                at = None;
            }
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_allows_null_and_refs_point_into_defs() {
        let schema = json!({
            "type": "string", "nullable": true, "example": "x", "x-note": 1,
            "discriminator": {"propertyName": "t"}
        });
        assert_eq!(
            to_json_schema(&schema),
            json!({"if": {"not": {"type": "null"}}, "then": {"type": "string"}})
        );
        let reference = json!({"properties": {"a": {"$ref": "#/components/schemas/A"}}});
        assert_eq!(
            to_json_schema(&reference),
            json!({"properties": {"a": {"$ref": "#/$defs/A"}}})
        );
    }

    #[test]
    fn a_discriminated_union_names_the_field_at_fault() {
        let spec = json!({"components": {"schemas": {
            "U": {
                "oneOf": [{"$ref": "#/components/schemas/A"}],
                "discriminator": {"propertyName": "t", "mapping": {"a": "#/components/schemas/A"}}
            },
            "A": {"type": "object", "required": ["t", "n"], "properties": {
                "t": {"type": "string", "enum": ["a"]}, "n": {"type": "integer"}}}
        }}});
        let schemas = Schemas::new(&spec);
        let shape = Shape::Named("U".into());
        assert_eq!(schemas.validate(&shape, &json!({"t": "a", "n": 1})), Ok(()));
        let error = schemas
            .validate(&shape, &json!({"t": "a", "n": "x"}))
            .unwrap_err();
        assert!(error.contains("at $.n"), "{error}");
        let error = schemas.validate(&shape, &json!({"t": "b"})).unwrap_err();
        assert!(error.contains("at $.t"), "{error}");
    }

    #[test]
    fn a_property_named_like_a_keyword_is_kept() {
        let schema = json!({"properties": {"example": {"type": "string"}, "x-y": {}}});
        assert_eq!(to_json_schema(&schema), schema);
    }

    #[test]
    fn problems_name_the_pointer_of_each_fault() {
        let spec = json!({"components": {"schemas": {
            "A": {"type": "object", "required": ["b", "c"], "properties": {
                "b": {"type": "array", "maxItems": 1, "items": {"type": "integer"}},
                "c": {"type": "string"}}}
        }}});
        let schemas = Schemas::new(&spec);
        let shape = Shape::Named("A".into());
        assert_eq!(
            schemas.problems(&shape, &json!({"b": [1], "c": "x"})),
            Ok(vec![])
        );
        let mut problems = schemas.problems(&shape, &json!({"b": [1, "x"]})).unwrap();
        problems.sort_by(|a, b| a.pointer.cmp(&b.pointer));
        let found: Vec<(&str, &str)> = problems
            .iter()
            .map(|p| (p.pointer.as_str(), p.keyword.as_str()))
            .collect();
        assert_eq!(
            found,
            [("/b", "maxItems"), ("/b/1", "type"), ("/c", "required")]
        );
        assert!(problems[2].message.contains("'c'"), "{:?}", problems[2]);
    }

    #[test]
    fn integer_formats_bound_the_value() {
        let spec = json!({"components": {"schemas": {
            "A": {"type": "object", "properties": {
                "small": {"type": "integer", "format": "int32", "minimum": 0},
                "big": {"type": "integer", "format": "int64"}}}
        }}});
        let schemas = Schemas::new(&spec);
        let shape = Shape::Named("A".into());
        assert_eq!(
            schemas.validate(&shape, &json!({"small": 2147483647, "big": 2147483648_i64})),
            Ok(())
        );
        let error = schemas
            .validate(&shape, &json!({"small": 2147483648_i64}))
            .unwrap_err();
        assert!(error.contains("at $.small"), "{error}");
        assert!(schemas.validate(&shape, &json!({"small": -1})).is_err());
    }

    #[test]
    fn validation_names_the_path() {
        let spec = json!({"components": {"schemas": {
            "A": {"type": "object", "required": ["b"], "properties": {
                "b": {"type": "array", "items": {"$ref": "#/components/schemas/B"}}}},
            "B": {"type": "object", "properties": {"c": {"type": "integer", "nullable": true}}}
        }}});
        let schemas = Schemas::new(&spec);
        let shape = Shape::Named("A".into());
        assert_eq!(
            schemas.validate(&shape, &json!({"b": [{"c": null}, {"c": 1}]})),
            Ok(())
        );
        let error = schemas
            .validate(&shape, &json!({"b": [{"c": 1}, {"c": "x"}]}))
            .unwrap_err();
        assert!(error.contains("at $.b[1].c"), "{error}");
        assert!(schemas.validate(&shape, &json!({})).is_err());
    }
}
