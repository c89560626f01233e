//! Loading a spec, checking the conventions the generator relies on, and the
//! analysis that tells the emitter which types to write itself.
//!
//! The spec is handled as a [`serde_yaml::Value`] (whose mappings keep the
//! author's order) until it is handed to progenitor as an [`openapiv3::OpenAPI`].

use std::collections::{BTreeMap, BTreeSet};

use serde_yaml::{Mapping, Value};

use crate::Error;

pub(crate) const SCHEMA_REF_PREFIX: &str = "#/components/schemas/";

/// A `oneOf` with a `discriminator`: generated as an enum dispatched on the tag.
#[derive(Debug, Clone)]
pub(crate) struct Union {
    /// The schema name under `components/schemas`.
    pub name: String,
    /// The tag property (`discriminator.propertyName`).
    pub tag: String,
    /// `(tag value, variant schema name)`, in mapping order.
    pub variants: Vec<(String, String)>,
    /// The schema's description.
    pub description: Option<String>,
}

/// A named string enum: generated as an open enum that keeps unknown values.
#[derive(Debug, Clone)]
pub(crate) struct OpenEnum {
    /// The schema name under `components/schemas`.
    pub name: String,
    /// The known values, in spec order.
    pub values: Vec<String>,
    /// The Rust name of each value (`x-enum-varnames`), if the spec gives them.
    pub names: Option<Vec<String>>,
    /// What each value means (`x-enum-descriptions`), if the spec says.
    pub descriptions: Option<Vec<String>>,
    /// The schema's description.
    pub description: Option<String>,
}

/// An optional property that may be `null` (nullable, or any JSON value):
/// generated as a tri-state field.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct TriState {
    /// The schema name under `components/schemas` of the object holding it.
    pub schema: String,
    /// The property name, as on the wire.
    pub property: String,
}

/// What the emitter needs to know about a spec, beyond what progenitor reads.
#[derive(Debug, Default)]
pub(crate) struct Analysis {
    pub unions: Vec<Union>,
    pub enums: Vec<OpenEnum>,
    pub tri_states: Vec<TriState>,
}

/// Parses YAML (or JSON) text into a value whose mapping keys are all strings.
pub(crate) fn load(text: &str) -> Result<Value, Error> {
    let value: Value = serde_yaml::from_str(text).map_err(|e| Error::Parse(e.to_string()))?;
    Ok(stringify_keys(value))
}

/// YAML allows `200:` as a key; OpenAPI means the string `"200"`.
fn stringify_keys(value: Value) -> Value {
    match value {
        Value::Mapping(map) => Value::Mapping(
            map.into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        Value::Number(n) => Value::String(n.to_string()),
                        Value::Bool(b) => Value::String(b.to_string()),
                        other => other,
                    };
                    (key, stringify_keys(v))
                })
                .collect(),
        ),
        Value::Sequence(seq) => Value::Sequence(seq.into_iter().map(stringify_keys).collect()),
        Value::Tagged(tagged) => stringify_keys(tagged.value),
        other => other,
    }
}

fn get<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    value.as_mapping().and_then(|m| m.get(key))
}

fn get_str<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    get(value, key).and_then(Value::as_str)
}

/// Whether a property may be `null`: it is `nullable`, or its schema
/// constrains nothing (no `type`, reference, combinator or shape keyword), so
/// any JSON value is allowed, `null` included. In OpenAPI 3.0.3 `nullable`
/// takes effect only beside `type`, so "any value or null" can only be written
/// as such an empty schema.
fn allows_null(schema: &Value) -> bool {
    if get(schema, "nullable").and_then(Value::as_bool) == Some(true) {
        return true;
    }
    const ANNOTATIONS: [&str; 7] = [
        "description",
        "title",
        "default",
        "example",
        "deprecated",
        "readOnly",
        "writeOnly",
    ];
    schema.as_mapping().is_some_and(|map| {
        map.keys()
            .filter_map(Value::as_str)
            .all(|key| ANNOTATIONS.contains(&key) || key.starts_with("x-"))
    })
}

fn schema_ref_name(value: &Value) -> Option<&str> {
    get_str(value, "$ref").and_then(|r| r.strip_prefix(SCHEMA_REF_PREFIX))
}

fn is_string_enum(schema: &Value) -> bool {
    get(schema, "enum").is_some()
        && matches!(get_str(schema, "type"), None | Some("string"))
        && get(schema, "enum")
            .and_then(Value::as_sequence)
            .is_some_and(|values| values.iter().all(Value::is_string))
}

fn components_schemas(spec: &Value) -> Option<&Mapping> {
    get(spec, "components")
        .and_then(|c| get(c, "schemas"))
        .and_then(Value::as_mapping)
}

/// Checks the conventions of `spec/README.md` and works out the unions, open
/// enums and tri-state properties. Every violation is reported, not just the first.
pub(crate) fn analyse(spec: &Value) -> Result<Analysis, Error> {
    let mut problems = Vec::new();
    let mut analysis = Analysis::default();

    match get_str(spec, "openapi") {
        Some(v) if v.starts_with("3.0.") => {}
        Some(v) => problems.push(format!(
            "openapi: version {v} is not 3.0.x (the generator reads OpenAPI 3.0 only)"
        )),
        None => problems.push("openapi: the version field is missing".to_owned()),
    }

    let empty = Mapping::new();
    let schemas = components_schemas(spec).unwrap_or(&empty);

    // Unions first: their variants' tag properties are the one place an inline enum is fine.
    let mut tag_properties: BTreeSet<(String, String)> = BTreeSet::new();
    for (name, schema) in schemas {
        let Some(name) = name.as_str() else { continue };
        let Some(discriminator) = get(schema, "discriminator") else {
            continue;
        };
        let Some(tag) = get_str(discriminator, "propertyName") else {
            problems.push(format!(
                "#/components/schemas/{name}: discriminator without propertyName"
            ));
            continue;
        };
        let Some(one_of) = get(schema, "oneOf").and_then(Value::as_sequence) else {
            problems.push(format!(
                "#/components/schemas/{name}: a discriminator needs a oneOf of $refs"
            ));
            continue;
        };
        let members: BTreeSet<&str> = one_of.iter().filter_map(schema_ref_name).collect();
        if members.len() != one_of.len() {
            problems.push(format!(
                "#/components/schemas/{name}: every oneOf member of a discriminated union must be a $ref to components/schemas"
            ));
        }
        let Some(mapping) = get(discriminator, "mapping").and_then(Value::as_mapping) else {
            problems.push(format!(
                "#/components/schemas/{name}: the discriminator needs a complete mapping"
            ));
            continue;
        };
        let mut variants = Vec::new();
        let mut mapped = BTreeSet::new();
        for (value, target) in mapping {
            let (Some(value), Some(target)) = (
                value.as_str(),
                target
                    .as_str()
                    .and_then(|t| t.strip_prefix(SCHEMA_REF_PREFIX)),
            ) else {
                problems.push(format!(
                    "#/components/schemas/{name}: mapping entries must map a tag to #/components/schemas/..."
                ));
                continue;
            };
            if !members.contains(target) {
                problems.push(format!(
                    "#/components/schemas/{name}: mapping `{value}` points to {target}, which is not in oneOf"
                ));
            }
            let declared = schemas
                .get(target)
                .and_then(|s| get(s, "properties"))
                .and_then(|p| get(p, tag))
                .and_then(|p| get(p, "enum"))
                .and_then(Value::as_sequence)
                .is_some_and(|e| e.iter().any(|v| v.as_str() == Some(value)));
            if !declared {
                problems.push(format!(
                    "#/components/schemas/{target}: variant of {name} for `{value}` must declare property `{tag}` with `{value}` in its enum"
                ));
            }
            let required = schemas
                .get(target)
                .and_then(|s| get(s, "required"))
                .and_then(Value::as_sequence)
                .is_some_and(|r| r.iter().any(|v| v.as_str() == Some(tag)));
            if !required {
                problems.push(format!(
                    "#/components/schemas/{target}: the tag `{tag}` must be required"
                ));
            }
            mapped.insert(target.to_owned());
            tag_properties.insert((target.to_owned(), tag.to_owned()));
            variants.push((value.to_owned(), target.to_owned()));
        }
        for member in &members {
            if !mapped.contains(*member) {
                problems.push(format!(
                    "#/components/schemas/{name}: oneOf member {member} has no mapping entry"
                ));
            }
        }
        analysis.unions.push(Union {
            name: name.to_owned(),
            tag: tag.to_owned(),
            variants,
            description: get_str(schema, "description").map(str::to_owned),
        });
    }

    // A variant loses its tag property in Rust (the union writes it), so it
    // must not be used anywhere else, where the tag would then be missing.
    let variant_names: BTreeSet<&str> = analysis
        .unions
        .iter()
        .flat_map(|u| u.variants.iter().map(|(_, v)| v.as_str()))
        .collect();
    let mut outside_refs = BTreeMap::<String, String>::new();
    collect_refs_outside_unions(spec, "#", &mut outside_refs);
    for (target, at) in &outside_refs {
        if variant_names.contains(target.as_str()) {
            problems.push(format!(
                "{at}: refers to {target}, a variant of a discriminated union; refer to the union instead"
            ));
        }
    }

    for (name, schema) in schemas {
        let Some(name) = name.as_str() else { continue };
        if is_string_enum(schema) {
            let values: Vec<String> = get(schema, "enum")
                .and_then(Value::as_sequence)
                .map(|v| {
                    v.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            let names = enum_annotation(schema, name, "x-enum-varnames", &values, &mut problems);
            let descriptions =
                enum_annotation(schema, name, "x-enum-descriptions", &values, &mut problems);
            analysis.enums.push(OpenEnum {
                name: name.to_owned(),
                values,
                names,
                descriptions,
                description: get_str(schema, "description").map(str::to_owned),
            });
        }
        let required: BTreeSet<&str> = get(schema, "required")
            .and_then(Value::as_sequence)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if let Some(properties) = get(schema, "properties").and_then(Value::as_mapping) {
            for (property, property_schema) in properties {
                let Some(property) = property.as_str() else {
                    continue;
                };
                if allows_null(property_schema) && !required.contains(property) {
                    analysis.tri_states.push(TriState {
                        schema: name.to_owned(),
                        property: property.to_owned(),
                    });
                }
            }
        }
    }

    // Rules that hold for every schema, wherever it is.
    let mut walker = Walker {
        problems: &mut problems,
        tag_properties: &tag_properties,
    };
    walker.walk(spec, "#", Position::Other);
    check_operations(spec, &mut problems);

    if problems.is_empty() {
        Ok(analysis)
    } else {
        Err(Error::Conventions(problems))
    }
}

/// A list of strings beside `enum`, one per value (`x-enum-varnames`,
/// `x-enum-descriptions`, as openapi-generator reads them).
fn enum_annotation(
    schema: &Value,
    name: &str,
    key: &str,
    values: &[String],
    problems: &mut Vec<String>,
) -> Option<Vec<String>> {
    let list = get(schema, key)?;
    let strings: Option<Vec<String>> = list.as_sequence().and_then(|items| {
        items
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect()
    });
    match strings {
        Some(strings) if strings.len() == values.len() => Some(strings),
        _ => {
            problems.push(format!(
                "#/components/schemas/{name}/{key}: a list of {} strings, one per value of `enum`",
                values.len()
            ));
            None
        }
    }
}

fn collect_refs_outside_unions(value: &Value, at: &str, out: &mut BTreeMap<String, String>) {
    match value {
        Value::Mapping(map) => {
            let is_union = map.get("discriminator").is_some();
            for (key, child) in map {
                let Some(key) = key.as_str() else { continue };
                if is_union && (key == "oneOf" || key == "discriminator") {
                    continue;
                }
                if key == "$ref" {
                    if let Some(name) = child
                        .as_str()
                        .and_then(|r| r.strip_prefix(SCHEMA_REF_PREFIX))
                    {
                        out.entry(name.to_owned()).or_insert_with(|| at.to_owned());
                    }
                    continue;
                }
                collect_refs_outside_unions(child, &format!("{at}/{}", escape(key)), out);
            }
        }
        Value::Sequence(seq) => {
            for (i, child) in seq.iter().enumerate() {
                collect_refs_outside_unions(child, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Position {
    /// Directly a named schema under `components/schemas`.
    NamedSchema,
    /// Anything else.
    Other,
}

struct Walker<'a> {
    problems: &'a mut Vec<String>,
    tag_properties: &'a BTreeSet<(String, String)>,
}

impl Walker<'_> {
    fn walk(&mut self, value: &Value, at: &str, position: Position) {
        match value {
            Value::Mapping(map) => {
                if map.get("additionalProperties") == Some(&Value::Bool(false)) {
                    self.problems.push(format!(
                        "{at}: additionalProperties: false closes a type the server may grow; remove it"
                    ));
                }
                if is_string_enum(value) && position != Position::NamedSchema && !self.is_tag(at) {
                    self.problems.push(format!(
                        "{at}: inline string enum; make it a named schema under components/schemas (it becomes an open enum)"
                    ));
                }
                if map.get("discriminator").is_some() && position != Position::NamedSchema {
                    self.problems.push(format!(
                        "{at}: inline discriminated union; make it a named schema under components/schemas"
                    ));
                }
                if map.get("$ref").is_some() && map.len() > 1 {
                    let siblings: Vec<&str> = map
                        .keys()
                        .filter_map(Value::as_str)
                        .filter(|k| !matches!(*k, "$ref" | "description" | "summary"))
                        .collect();
                    if !siblings.is_empty() {
                        self.problems.push(format!(
                            "{at}: {} beside $ref is ignored; use allOf: [{{$ref: ...}}]",
                            siblings.join(", ")
                        ));
                    }
                }
                self.check_nested_tri_state(value, at, position);
                for (key, child) in map {
                    let Some(key) = key.as_str() else { continue };
                    // Examples are data, not schemas.
                    if matches!(
                        key,
                        "example" | "examples" | "x-examples" | "enum" | "default"
                    ) {
                        continue;
                    }
                    let child_at = format!("{at}/{}", escape(key));
                    let child_position = if at == "#/components/schemas" {
                        Position::NamedSchema
                    } else {
                        Position::Other
                    };
                    self.walk(child, &child_at, child_position);
                }
            }
            Value::Sequence(seq) => {
                for (i, child) in seq.iter().enumerate() {
                    self.walk(child, &format!("{at}/{i}"), Position::Other);
                }
            }
            _ => {}
        }
    }

    fn is_tag(&self, at: &str) -> bool {
        let Some(rest) = at.strip_prefix("#/components/schemas/") else {
            return false;
        };
        let mut parts = rest.split('/');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(schema), Some("properties"), Some(property), None) => self
                .tag_properties
                .contains(&(schema.to_owned(), property.to_owned())),
            _ => false,
        }
    }

    /// Tri-state fields are found by schema name, so they must sit directly in a named schema.
    fn check_nested_tri_state(&mut self, value: &Value, at: &str, position: Position) {
        if position == Position::NamedSchema {
            return;
        }
        let Some(properties) = get(value, "properties").and_then(Value::as_mapping) else {
            return;
        };
        let required: BTreeSet<&str> = get(value, "required")
            .and_then(Value::as_sequence)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (property, schema) in properties {
            let Some(property) = property.as_str() else {
                continue;
            };
            if allows_null(schema) && !required.contains(property) {
                self.problems.push(format!(
                    "{at}/properties/{property}: an optional nullable property must sit in a named schema under components/schemas"
                ));
            }
        }
    }
}

fn check_operations(spec: &Value, problems: &mut Vec<String>) {
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let Some(paths) = get(spec, "paths").and_then(Value::as_mapping) else {
        return;
    };
    for (path, item) in paths {
        let path = path.as_str().unwrap_or_default();
        for method in METHODS {
            let Some(operation) = get(item, method) else {
                continue;
            };
            let at = format!("{} {path}", method.to_uppercase());
            if get_str(operation, "operationId").is_none() {
                problems.push(format!(
                    "{at}: operationId is missing (it names the Rust method)"
                ));
            }
            let Some(responses) = get(operation, "responses").and_then(Value::as_mapping) else {
                problems.push(format!("{at}: no responses"));
                continue;
            };
            let mut success = 0;
            for (status, _) in responses {
                match status.as_str() {
                    Some("default") => problems.push(format!(
                        "{at}: a `default` response is not supported; list the statuses"
                    )),
                    Some(s) if s.starts_with('2') => success += 1,
                    _ => {}
                }
            }
            if success != 1 {
                problems.push(format!(
                    "{at}: {success} success responses; exactly one is supported"
                ));
            }
        }
    }
}

/// Rewrites the spec for progenitor: a union variant loses its tag property
/// (the union writes and reads it), and a property's description beside a
/// `$ref` (which progenitor ignores) is kept by wrapping the `$ref` in `allOf`.
pub(crate) fn prepare(mut spec: Value, analysis: &Analysis) -> Value {
    keep_ref_descriptions(&mut spec);
    let Some(schemas) = spec
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
        .and_then(Value::as_mapping_mut)
    else {
        return spec;
    };
    for union in &analysis.unions {
        for (_, variant) in &union.variants {
            let Some(schema) = schemas.get_mut(variant.as_str()) else {
                continue;
            };
            if let Some(props) = schema.get_mut("properties").and_then(Value::as_mapping_mut) {
                props.remove(union.tag.as_str());
            }
            if let Some(required) = schema.get_mut("required").and_then(Value::as_sequence_mut) {
                required.retain(|r| r.as_str() != Some(union.tag.as_str()));
            }
        }
    }
    spec
}

/// The names under `components/schemas`, in spec order.
pub(crate) fn schema_names(spec: &Value) -> Vec<String> {
    components_schemas(spec)
        .map(|schemas| {
            schemas
                .keys()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// `{$ref: X, description: D}` as a property becomes `{allOf: [{$ref: X}], description: D}`,
/// which means the same and keeps the description as the field's documentation.
fn keep_ref_descriptions(value: &mut Value) {
    match value {
        Value::Mapping(map) => {
            if let Some(Value::Mapping(properties)) = map.get_mut("properties") {
                for (_, property) in properties.iter_mut() {
                    let Value::Mapping(property) = property else {
                        continue;
                    };
                    let is_schema_ref = property
                        .get("$ref")
                        .and_then(Value::as_str)
                        .is_some_and(|r| r.starts_with(SCHEMA_REF_PREFIX));
                    if !is_schema_ref || !property.contains_key("description") {
                        continue;
                    }
                    if let Some(reference) = property.remove("$ref") {
                        let mut target = Mapping::new();
                        target.insert(Value::from("$ref"), reference);
                        property.insert(
                            Value::from("allOf"),
                            Value::Sequence(vec![Value::Mapping(target)]),
                        );
                    }
                }
            }
            for (_, child) in map.iter_mut() {
                keep_ref_descriptions(child);
            }
        }
        Value::Sequence(seq) => seq.iter_mut().for_each(keep_ref_descriptions),
        _ => {}
    }
}
