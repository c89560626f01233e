//! The one judge of what a payload and its reading by the bindings mean:
//! [`judge`] walks a JSON value, what the bindings read of it (serialized
//! back), and the spec's schema together, and gives the value's verdict.
//!
//! - **Fail**: the bindings broke, or the value contradicts the spec: a read
//!   value that differs from what was received, a wrong type, a missing
//!   required property, an object that fits no variant of a union.
//! - **Drift**: the value says something the spec does not describe, and the
//!   bindings survived it: an undocumented property, an enum value or a union
//!   tag the spec does not list, `null` where the spec says absent-or-value,
//!   a value outside a documented limit or format. Each is named by its JSON
//!   path, with a suggested spec change.
//!
//! Live traffic, case files and the suite's response fuzzing are judged
//! [`Direction::Received`]; what the client sends and the spec's own examples
//! [`Direction::Sent`], where every drift is a failure (strict on what we
//! send).
//!
//! Where the wire allows a choice, values compare by meaning: numbers as
//! numbers (`1.0` is `1`), `format: date-time` strings as instants
//! (`…09.0Z` is `…09Z`), objects whatever their key order.

use std::fmt;

use serde_json::{Map, Value};

use crate::schema::{Problem, Schemas};
use crate::spec::Shape;

/// How strictly a value is judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Server data (responses, webhooks, notifications): what the spec does
    /// not describe is drift, and only breakage fails.
    Received,
    /// What we send, and the spec's own examples: everything must fit the
    /// spec, so drift fails too.
    Sent,
}

/// What kind of thing the spec does not describe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum DriftKind {
    /// A property the object's schema does not list.
    UndocumentedProperty,
    /// A string the enum (or the documented code list) does not list.
    UnknownEnumValue,
    /// A union tag the discriminator does not map.
    UnknownTag,
    /// `null` for an optional property that is not `nullable`.
    NullForAbsent,
    /// A value outside a documented limit (`maxLength`, `maxItems`, …) or
    /// format.
    OutsideConstraint,
}

impl fmt::Display for DriftKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::UndocumentedProperty => "undocumented property",
            Self::UnknownEnumValue => "unknown enum value",
            Self::UnknownTag => "unknown tag",
            Self::NullForAbsent => "null for an absent-or-value property",
            Self::OutsideConstraint => "outside a documented constraint",
        })
    }
}

/// One thing the spec does not describe, where it is, and how the spec
/// could learn it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Drift {
    /// The JSON path of the value, such as `$.data.channel.type`.
    pub path: String,
    /// What kind of drift it is.
    pub kind: DriftKind,
    /// What was found, such as "`instagram` is not a tag of Channel".
    pub detail: String,
    /// The spec change that would describe it, naming the schema by its
    /// location in the spec.
    pub suggestion: String,
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}; suggested spec change: {}",
            self.path, self.detail, self.suggestion
        )
    }
}

/// How many failures a verdict names.
const MAX_FAILURES: usize = 5;

/// Judges `received`, a value of the schema `shape`, against `read`, what
/// the bindings read of it serialized back to JSON. `Ok` with the drift
/// found (empty when the value is exactly what the spec describes), or `Err`
/// naming each failure (at most five) by its JSON path.
pub fn judge(
    schemas: &Schemas,
    shape: &Shape,
    direction: Direction,
    received: &Value,
    read: &Value,
) -> Result<Vec<Drift>, String> {
    let mut walk = Walk::new(schemas, direction);
    match shape {
        Shape::Named(name) => {
            let at = format!("/components/schemas/{}", escape(name));
            walk.pointer(&at, received, read, "$");
        }
        Shape::ArrayOf(name) => {
            let at = format!("/components/schemas/{}", escape(name));
            walk.array(&Value::Null, Some(&at), received, read, "$");
        }
        Shape::Inline(at) => {
            let at = at.strip_prefix('#').unwrap_or(at).to_owned();
            walk.pointer(&at, received, read, "$");
        }
    }
    walk.verdict()
}

/// The JSON path (`$.a.b[2]`) and a description of the first place where
/// `actual` differs from `expected`, or `None` when they are equal: numbers
/// compare as numbers, objects whatever their key order. Schema-less: for
/// values the spec does not type (an unknown variant kept as received).
pub fn first_difference(expected: &Value, actual: &Value) -> Option<String> {
    diff(expected, actual, "$")
}

fn diff(expected: &Value, actual: &Value, path: &str) -> Option<String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (key, e_value) in e {
                let child = child_path(path, key);
                match a.get(key) {
                    Some(a_value) => {
                        if let Some(found) = diff(e_value, a_value, &child) {
                            return Some(found);
                        }
                    }
                    None => {
                        return Some(format!(
                            "{child}: missing after the round trip (was {})",
                            excerpt(e_value)
                        ));
                    }
                }
            }
            a.iter()
                .find(|(key, _)| !e.contains_key(*key))
                .map(|(key, value)| {
                    format!(
                        "{}: added by the round trip ({})",
                        child_path(path, key),
                        excerpt(value)
                    )
                })
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
        _ => Some(format!(
            "{path}: {} became {}",
            excerpt(expected),
            excerpt(actual)
        )),
    }
}

/// A value as a message shows it: its JSON, cut at 120 characters.
fn excerpt(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 120 {
        format!("{}…", text.chars().take(120).collect::<String>())
    } else {
        text
    }
}

/// `path.key`, or `path["key"]` for a key that is not a plain name.
pub fn child_path(path: &str, key: &str) -> String {
    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        format!("{path}.{key}")
    } else {
        format!("{path}[{}]", Value::String(key.to_owned()))
    }
}

/// Which variant of an untagged union (`oneOf`/`anyOf` `variants`, at the
/// pointer `at`) the judge reads `value` as: the first it fits with the
/// least drift; `None` when it fits none.
pub(crate) fn fitting_variant<'a>(
    schemas: &'a Schemas,
    keyword: &str,
    variants: &'a [Value],
    at: Option<&str>,
    value: &Value,
) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for (i, variant) in variants.iter().enumerate() {
        let mut walk = Walk::new(schemas, Direction::Received);
        let pointer = at.map(|at| format!("{at}/{keyword}/{i}"));
        walk.value(variant, pointer.as_deref(), value, value, "$");
        if walk.failures.is_empty() && best.is_none_or(|(_, drift)| walk.drift.len() < drift) {
            best = Some((i, walk.drift.len()));
        }
    }
    best.map(|(i, _)| i)
}

/// Escapes a key for a JSON pointer.
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The members of an object schema, its `allOf` parts merged.
#[derive(Default)]
pub(crate) struct ObjectView<'s> {
    /// `(name, schema, pointer)`, in spec order.
    pub(crate) properties: Vec<(&'s str, &'s Value, String)>,
    pub(crate) required: Vec<&'s str>,
    /// The schema of the other properties, with its pointer, when the
    /// schema documents them (`additionalProperties: true` or a schema).
    pub(crate) additional: Option<(&'s Value, Option<String>)>,
    /// The pointer of the schema that lists the properties, for suggestions.
    pub(crate) at: String,
}

impl<'s> ObjectView<'s> {
    pub(crate) fn property(&self, name: &str) -> Option<&(&'s str, &'s Value, String)> {
        self.properties.iter().find(|(n, _, _)| *n == name)
    }

    /// Whether a member the schema does not list is undocumented: the
    /// schema lists properties and says nothing of the others.
    pub(crate) fn closed(&self) -> bool {
        !self.properties.is_empty() && self.additional.is_none()
    }
}

/// Follows a local `$ref` (`#/…`) in `spec`: the target and its pointer.
pub(crate) fn target<'s>(spec: &'s Value, reference: &str) -> Option<(&'s Value, String)> {
    let pointer = reference.strip_prefix('#')?;
    Some((spec.pointer(pointer)?, pointer.to_owned()))
}

/// Whether `schema` allows `null`: `nullable`, a reference to a nullable
/// schema, or a schema that constrains nothing.
pub(crate) fn allows_null(spec: &Value, schema: &Value) -> bool {
    let Some(object) = schema.as_object() else {
        return true;
    };
    if object.get("nullable") == Some(&Value::Bool(true)) {
        return true;
    }
    if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
        return target(spec, reference).is_some_and(|(target, _)| allows_null(spec, target));
    }
    if let Some([only]) = object
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        return allows_null(spec, only);
    }
    const SHAPE: [&str; 10] = [
        "type",
        "allOf",
        "oneOf",
        "anyOf",
        "enum",
        "properties",
        "items",
        "additionalProperties",
        "not",
        "format",
    ];
    !SHAPE.iter().any(|k| object.contains_key(*k))
}

/// Collects the members of an object schema, following references and
/// merging `allOf` parts; `at` is its pointer, when it has one.
pub(crate) fn object_view<'s>(
    spec: &'s Value,
    schema: &'s Value,
    at: Option<&str>,
) -> ObjectView<'s> {
    let mut view = ObjectView {
        at: at.unwrap_or_default().to_owned(),
        ..ObjectView::default()
    };
    collect(spec, schema, at, &mut view, 0);
    view
}

fn collect<'s>(
    spec: &'s Value,
    schema: &'s Value,
    at: Option<&str>,
    view: &mut ObjectView<'s>,
    depth: u32,
) {
    let Some(object) = schema.as_object() else {
        return;
    };
    if depth > 16 {
        return;
    }
    if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
        if let Some((target, pointer)) = target(spec, reference) {
            collect(spec, target, Some(&pointer), view, depth + 1);
        }
        return;
    }
    if let Some(properties) = object.get("properties").and_then(Value::as_object) {
        if let Some(at) = at
            && view.properties.is_empty()
        {
            view.at = at.to_owned();
        }
        for (name, property) in properties {
            let pointer = at
                .map(|at| format!("{at}/properties/{}", escape(name)))
                .unwrap_or_default();
            view.properties.push((name.as_str(), property, pointer));
        }
    }
    if let Some(required) = object.get("required").and_then(Value::as_array) {
        view.required
            .extend(required.iter().filter_map(Value::as_str));
    }
    match object.get("additionalProperties") {
        None | Some(Value::Bool(false)) => {}
        Some(additional) => {
            view.additional = Some((
                additional,
                at.map(|at| format!("{at}/additionalProperties")),
            ));
        }
    }
    if let Some(parts) = object.get("allOf").and_then(Value::as_array) {
        for (i, part) in parts.iter().enumerate() {
            let pointer = at.map(|at| format!("{at}/allOf/{i}"));
            collect(spec, part, pointer.as_deref(), view, depth + 1);
        }
    }
}

/// A walk over one value: the failures and drift found so far.
struct Walk<'a> {
    schemas: &'a Schemas,
    spec: &'a Value,
    direction: Direction,
    failures: Vec<String>,
    drift: Vec<Drift>,
}

impl<'a> Walk<'a> {
    fn new(schemas: &'a Schemas, direction: Direction) -> Self {
        Self {
            schemas,
            spec: schemas.spec(),
            direction,
            failures: Vec::new(),
            drift: Vec::new(),
        }
    }

    fn verdict(self) -> Result<Vec<Drift>, String> {
        let mut failures = self.failures;
        if self.direction == Direction::Sent {
            failures.extend(self.drift.iter().map(|d| {
                format!(
                    "at {}: {} (what is sent must fit the spec)",
                    d.path, d.detail
                )
            }));
        }
        if failures.is_empty() {
            let mut drift = self.drift;
            drift.dedup();
            return Ok(drift);
        }
        let more = failures.len().saturating_sub(MAX_FAILURES);
        failures.truncate(MAX_FAILURES);
        let mut message = failures.join("; ");
        if more > 0 {
            message.push_str(&format!("; and {more} more"));
        }
        Err(message)
    }

    fn fail(&mut self, path: &str, message: impl fmt::Display) {
        self.failures.push(format!("at {path}: {message}"));
    }

    fn drift(&mut self, path: &str, kind: DriftKind, detail: String, suggestion: String) {
        self.drift.push(Drift {
            path: path.to_owned(),
            kind,
            detail,
            suggestion,
        });
    }

    /// The schema at the JSON pointer `at` of the spec.
    fn pointer(&mut self, at: &str, received: &Value, read: &Value, path: &str) {
        match self.spec.pointer(at) {
            Some(schema) => self.value(schema, Some(at), received, read, path),
            None => self.fail(path, format!("the spec has no schema at #{at}")),
        }
    }

    fn target(&self, reference: &str) -> Option<(&'a Value, String)> {
        target(self.spec, reference)
    }

    /// Judges `received` (read back as `read`) against `schema`, found at
    /// the pointer `at` when it is in the spec.
    fn value(
        &mut self,
        schema: &'a Value,
        at: Option<&str>,
        received: &Value,
        read: &Value,
        path: &str,
    ) {
        let Some(object) = schema.as_object() else {
            // `true` or a missing schema: any value, kept as received.
            self.same(received, read, path);
            return;
        };
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            match self.target(reference) {
                Some((target, pointer)) => self.value(target, Some(&pointer), received, read, path),
                None => self.fail(path, format!("`{reference}` points at nothing in the spec")),
            }
            return;
        }
        if received.is_null() {
            if self.allows_null(schema) {
                if !read.is_null() {
                    self.fail(path, format!("null was read back as {}", excerpt(read)));
                }
            } else {
                self.fail(path, "null where the spec requires a value");
            }
            return;
        }
        let child = |key: &str| at.map(|at| format!("{at}/{key}"));
        if let Some(parts) = object.get("allOf").and_then(Value::as_array) {
            if let [only] = parts.as_slice() {
                self.value(only, child("allOf/0").as_deref(), received, read, path);
            } else {
                let view = self.object_view(schema, at);
                self.object(&view, received, read, path);
            }
            return;
        }
        if object.contains_key("discriminator") {
            self.union(object, at, received, read, path);
            return;
        }
        if let Some((keyword, variants)) = ["oneOf", "anyOf"]
            .iter()
            .find_map(|k| Some((*k, object.get(*k)?.as_array()?)))
        {
            self.variants(keyword, variants, at, received, read, path);
            return;
        }
        if let Some(values) = object.get("enum").and_then(Value::as_array) {
            self.enumeration(values, at, received, read, path);
            return;
        }
        let kind = object.get("type").and_then(Value::as_str);
        if kind == Some("array") || object.contains_key("items") {
            self.array(schema, at, received, read, path);
        } else if kind == Some("object")
            || object.contains_key("properties")
            || object.contains_key("additionalProperties")
        {
            let view = self.object_view(schema, at);
            self.object(&view, received, read, path);
        } else {
            self.leaf(schema, at, received, read, path);
        }
    }

    fn allows_null(&self, schema: &Value) -> bool {
        allows_null(self.spec, schema)
    }

    fn object_view(&self, schema: &'a Value, at: Option<&str>) -> ObjectView<'a> {
        object_view(self.spec, schema, at)
    }

    fn object(&mut self, view: &ObjectView<'a>, received: &Value, read: &Value, path: &str) {
        let Some(received) = received.as_object() else {
            self.fail(
                path,
                format!("expected an object, got {}", kind_of(received)),
            );
            return;
        };
        let Some(read) = read.as_object() else {
            self.fail(
                path,
                format!("the object was read back as {}", kind_of(read)),
            );
            return;
        };
        // An object schema that lists no property is free-form: every member
        // is documented.
        let free_form = view.properties.is_empty() && view.additional.is_none();
        let location = if view.at.is_empty() {
            "the object's schema".to_owned()
        } else {
            format!("#{}", view.at)
        };
        for (key, value) in received {
            let child = child_path(path, key);
            let back = read.get(key);
            if let Some((_, schema, pointer)) = view.property(key) {
                let pointer = (!pointer.is_empty()).then_some(pointer.as_str());
                let required = view.required.contains(&key.as_str());
                if value.is_null() && !required && !self.allows_null(schema) {
                    if back.is_some_and(|b| !b.is_null()) {
                        self.fail(&child, "null was read back as a value");
                    }
                    let reading = if back.is_none() {
                        "the bindings read it as absent"
                    } else {
                        "the bindings keep it"
                    };
                    self.drift(
                        &child,
                        DriftKind::NullForAbsent,
                        format!("null where the spec says absent or a value ({reading})"),
                        format!(
                            "add `nullable: true` to #{}",
                            pointer.unwrap_or(view.at.as_str())
                        ),
                    );
                    continue;
                }
                match back {
                    Some(back) => self.value(schema, pointer, value, back, &child),
                    None => self.fail(
                        &child,
                        format!("missing after the round trip (was {})", excerpt(value)),
                    ),
                }
                continue;
            }
            match (&view.additional, free_form) {
                (Some((schema, pointer)), _) => match back {
                    Some(back) => self.value(schema, pointer.as_deref(), value, back, &child),
                    None => self.fail(
                        &child,
                        format!("missing after the round trip (was {})", excerpt(value)),
                    ),
                },
                (None, true) => match back {
                    Some(back) => self.same(value, back, &child),
                    None => self.fail(
                        &child,
                        format!("missing after the round trip (was {})", excerpt(value)),
                    ),
                },
                (None, false) => {
                    let reading = match back {
                        None => "the bindings drop it",
                        Some(back) => {
                            self.same(value, back, &child);
                            "the bindings keep it"
                        }
                    };
                    self.drift(
                        &child,
                        DriftKind::UndocumentedProperty,
                        format!("undocumented property `{key}` ({reading})"),
                        format!("add `{key}` to the `properties` of {location}"),
                    );
                }
            }
        }
        for required in &view.required {
            if !received.contains_key(*required) {
                self.fail(
                    path,
                    format!("the required property `{required}` is missing"),
                );
            }
        }
        for (key, value) in read {
            if !received.contains_key(key) {
                self.fail(
                    &child_path(path, key),
                    format!("added by the round trip ({})", excerpt(value)),
                );
            }
        }
    }

    fn array(
        &mut self,
        schema: &'a Value,
        at: Option<&str>,
        received: &Value,
        read: &Value,
        path: &str,
    ) {
        let Some(received) = received.as_array() else {
            self.fail(
                path,
                format!("expected an array, got {}", kind_of(received)),
            );
            return;
        };
        let Some(read) = read.as_array() else {
            self.fail(
                path,
                format!("the array was read back as {}", kind_of(read)),
            );
            return;
        };
        // `ArrayOf(name)` has no array schema of its own: `at` is the items'.
        let (items, items_at) = match schema.get("items") {
            Some(items) => (items, at.map(|at| format!("{at}/items"))),
            None => match at.and_then(|at| self.spec.pointer(at)) {
                Some(items) if schema.is_null() => (items, at.map(str::to_owned)),
                _ => (&Value::Null, None),
            },
        };
        for (i, (item, back)) in received.iter().zip(read).enumerate() {
            self.value(
                items,
                items_at.as_deref(),
                item,
                back,
                &format!("{path}[{i}]"),
            );
        }
        if received.len() != read.len() {
            self.fail(
                path,
                format!("{} items were read back as {}", received.len(), read.len()),
            );
        }
        let bound = |key: &str| schema.get(key).and_then(Value::as_u64);
        let location = at.map_or_else(|| "the array's schema".to_owned(), |at| format!("#{at}"));
        let count = received.len() as u64;
        for (key, outside) in [
            ("maxItems", bound("maxItems").filter(|max| count > *max)),
            ("minItems", bound("minItems").filter(|min| count < *min)),
        ] {
            if let Some(limit) = outside {
                self.drift(
                    path,
                    DriftKind::OutsideConstraint,
                    format!("{count} items, outside `{key}: {limit}`"),
                    format!(
                        "`{key}` at {location} limits what is sent; say in its description that \
                         responses may hold more, or raise it"
                    ),
                );
            }
        }
    }

    /// A union dispatched on a tag: the variant its tag maps, or an unknown
    /// variant that must be kept exactly as received.
    fn union(
        &mut self,
        object: &'a Map<String, Value>,
        at: Option<&str>,
        received: &Value,
        read: &Value,
        path: &str,
    ) {
        let tag = object
            .get("discriminator")
            .and_then(|d| d.get("propertyName"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let mapping = object
            .get("discriminator")
            .and_then(|d| d.get("mapping"))
            .and_then(Value::as_object);
        let location = at.map_or_else(|| "the union".to_owned(), |at| format!("#{at}"));
        let Some(fields) = received.as_object() else {
            self.fail(
                path,
                format!("expected an object, got {}", kind_of(received)),
            );
            return;
        };
        let tag_path = child_path(path, tag);
        let value = match fields.get(tag) {
            Some(Value::String(value)) => value,
            Some(other) => {
                self.fail(
                    &tag_path,
                    format!("the tag is {}, not a string", kind_of(other)),
                );
                return;
            }
            None => {
                self.fail(path, format!("no `{tag}` to tell the variant by"));
                return;
            }
        };
        match mapping.and_then(|m| m.get(value)).and_then(Value::as_str) {
            Some(reference) => match self.target(reference) {
                Some((variant, pointer)) => {
                    self.value(variant, Some(&pointer), received, read, path)
                }
                None => self.fail(path, format!("`{reference}` points at nothing in the spec")),
            },
            None => {
                self.drift(
                    &tag_path,
                    DriftKind::UnknownTag,
                    format!("`{value}` is not a known `{tag}` of {location} (the bindings keep it as the unknown variant)"),
                    format!("add `{value}` to the discriminator mapping of {location}, with a schema for its variant"),
                );
                self.same(received, read, path);
            }
        }
    }

    /// A union without a tag: the first variant the value fits (with the
    /// least drift); a failure when it fits none.
    fn variants(
        &mut self,
        keyword: &str,
        variants: &'a [Value],
        at: Option<&str>,
        received: &Value,
        read: &Value,
        path: &str,
    ) {
        let mut best: Option<(usize, Walk<'a>)> = None;
        for (i, variant) in variants.iter().enumerate() {
            let mut walk = Walk::new(self.schemas, self.direction);
            let pointer = at.map(|at| format!("{at}/{keyword}/{i}"));
            walk.value(variant, pointer.as_deref(), received, read, path);
            let score = |w: &Walk<'_>| (w.failures.len(), w.drift.len());
            if best.as_ref().is_none_or(|(_, b)| score(&walk) < score(b)) {
                best = Some((i, walk));
            }
        }
        let Some((i, walk)) = best else {
            self.same(received, read, path);
            return;
        };
        if !walk.failures.is_empty() {
            let location = at.map_or_else(String::new, |at| format!(" of #{at}"));
            self.fail(
                path,
                format!(
                    "fits none of the {} variants{location}; the closest ({keyword}/{i}): {}",
                    variants.len(),
                    walk.failures.join("; ")
                ),
            );
        }
        self.drift.extend(walk.drift);
    }

    fn enumeration(
        &mut self,
        values: &[Value],
        at: Option<&str>,
        received: &Value,
        read: &Value,
        path: &str,
    ) {
        if values.contains(received) {
            self.same(received, read, path);
            return;
        }
        let location = at.map_or_else(|| "the enum".to_owned(), |at| format!("#{at}"));
        match received {
            Value::String(value) if values.iter().all(Value::is_string) => {
                self.drift(
                    path,
                    DriftKind::UnknownEnumValue,
                    format!("`{value}` is not a value of {location}"),
                    format!("add `{value}` to the `enum` of {location}"),
                );
                if read != received {
                    self.fail(
                        path,
                        format!(
                            "the unknown value `{value}` was read back as {}",
                            excerpt(read)
                        ),
                    );
                }
            }
            other => self.fail(
                path,
                format!("{} is not one of the values of {location}", excerpt(other)),
            ),
        }
    }

    /// A scalar: its type, format and limits (by the `jsonschema` crate),
    /// then its reading compared by meaning.
    fn leaf(
        &mut self,
        schema: &'a Value,
        at: Option<&str>,
        received: &Value,
        read: &Value,
        path: &str,
    ) {
        let problems = match at {
            Some(at) => self.schemas.leaf_problems(at, received),
            None => Vec::new(),
        };
        let location = at.map_or_else(|| "its schema".to_owned(), |at| format!("#{at}"));
        for problem in problems {
            match problem {
                Problem::Type(message) => self.fail(path, message),
                Problem::Constraint { keyword, message } => self.drift(
                    path,
                    DriftKind::OutsideConstraint,
                    message,
                    format!(
                        "`{keyword}` at {location} limits what is sent; say in its description \
                         that received values may break it, or change it"
                    ),
                ),
            }
        }
        let date_time = schema.get("format").and_then(Value::as_str) == Some("date-time");
        if date_time
            && let (Value::String(a), Value::String(b)) = (received, read)
            && let (Ok(a_time), Ok(b_time)) = (
                chrono::DateTime::parse_from_rfc3339(a),
                chrono::DateTime::parse_from_rfc3339(b),
            )
        {
            if a_time != b_time {
                self.fail(path, format!("the instant {a} was read back as {b}"));
            }
            return;
        }
        self.same(received, read, path);
    }

    /// Values the schema does not type further: equal by meaning.
    fn same(&mut self, received: &Value, read: &Value, path: &str) {
        if let Some(difference) = diff(received, read, path) {
            self.failures.push(match difference.split_once(": ") {
                Some((at, what)) => format!("at {at}: {what}"),
                None => difference,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schemas() -> Schemas {
        Schemas::new(&json!({"components": {"schemas": {
            "Thing": {"type": "object", "required": ["id", "kind"], "properties": {
                "id": {"type": "string"},
                "kind": {"$ref": "#/components/schemas/Kind"},
                "photo_url": {"type": "string"},
                "note": {"type": "string", "nullable": true},
                "at": {"type": "string", "format": "date-time"},
                "tags": {"type": "array", "maxItems": 2, "items": {"type": "string", "maxLength": 3}},
                "pet": {"$ref": "#/components/schemas/Pet"},
                "extras": {"type": "object", "additionalProperties": {"type": "integer"}}
            }},
            "Kind": {"type": "string", "enum": ["a", "b"]},
            "Pet": {
                "oneOf": [{"$ref": "#/components/schemas/Cat"}],
                "discriminator": {"propertyName": "type", "mapping": {"cat": "#/components/schemas/Cat"}}
            },
            "Cat": {"type": "object", "required": ["type"], "properties": {
                "type": {"type": "string", "enum": ["cat"]}, "lives": {"type": "integer"}}}
        }}}))
    }

    fn thing(received: Value, read: Value) -> Result<Vec<Drift>, String> {
        judge(
            &schemas(),
            &Shape::Named("Thing".into()),
            Direction::Received,
            &received,
            &read,
        )
    }

    fn paths(drift: &[Drift]) -> Vec<(&str, DriftKind)> {
        drift.iter().map(|d| (d.path.as_str(), d.kind)).collect()
    }

    #[test]
    fn what_the_spec_describes_passes_and_compares_by_meaning() {
        let received = json!({"id": "1", "kind": "a", "at": "2017-03-01T15:49:09.0Z", "note": null,
            "extras": {"x": 1.0}, "pet": {"type": "cat", "lives": 9}});
        let read = json!({"extras": {"x": 1}, "pet": {"lives": 9, "type": "cat"}, "note": null,
            "at": "2017-03-01T15:49:09Z", "kind": "a", "id": "1"});
        assert_eq!(thing(received, read), Ok(vec![]));
    }

    #[test]
    fn what_the_spec_does_not_describe_is_drift_at_its_path() {
        let received = json!({"id": "1", "kind": "c", "photo_url": null, "extra": 1,
            "tags": ["abcd", "b", "c"], "pet": {"type": "dog", "barks": true}});
        let read = json!({"id": "1", "kind": "c", "tags": ["abcd", "b", "c"],
            "pet": {"type": "dog", "barks": true}});
        let drift = thing(received, read).unwrap();
        assert_eq!(
            paths(&drift),
            [
                ("$.extra", DriftKind::UndocumentedProperty),
                ("$.kind", DriftKind::UnknownEnumValue),
                ("$.pet.type", DriftKind::UnknownTag),
                ("$.photo_url", DriftKind::NullForAbsent),
                ("$.tags[0]", DriftKind::OutsideConstraint),
                ("$.tags", DriftKind::OutsideConstraint),
            ]
        );
        let text: Vec<String> = drift.iter().map(ToString::to_string).collect();
        assert!(
            text[0].contains("add `extra` to the `properties` of #/components/schemas/Thing"),
            "{text:?}"
        );
        assert!(
            text[1].contains("add `c` to the `enum` of #/components/schemas/Kind"),
            "{text:?}"
        );
        assert!(
            text[2].contains("discriminator mapping of #/components/schemas/Pet"),
            "{text:?}"
        );
        assert!(
            text[3].contains(
                "add `nullable: true` to #/components/schemas/Thing/properties/photo_url"
            ),
            "{text:?}"
        );
    }

    #[test]
    fn breakage_fails_naming_the_path() {
        let fail = |received: Value, read: Value| thing(received, read).unwrap_err();
        let error = fail(json!({"id": 1, "kind": "a"}), json!({"id": 1, "kind": "a"}));
        assert!(error.starts_with("at $.id:"), "{error}");
        let error = fail(json!({"kind": "a"}), json!({"kind": "a"}));
        assert!(
            error.contains("the required property `id` is missing"),
            "{error}"
        );
        let error = fail(
            json!({"id": "1", "kind": "a", "note": "x"}),
            json!({"id": "1", "kind": "a"}),
        );
        assert!(
            error.contains("at $.note: missing after the round trip"),
            "{error}"
        );
        let error = fail(
            json!({"id": "1", "kind": "a"}),
            json!({"id": "2", "kind": "a"}),
        );
        assert!(error.contains("at $.id: \"1\" became \"2\""), "{error}");
        let error = fail(
            json!({"id": "1", "kind": "a", "at": "2017-03-01T15:49:09Z"}),
            json!({"id": "1", "kind": "a", "at": "2017-03-01T15:49:10Z"}),
        );
        assert!(error.contains("at $.at: the instant"), "{error}");
        let error = fail(
            json!({"id": "1", "kind": "z"}),
            json!({"id": "1", "kind": "a"}),
        );
        assert!(
            error.contains("at $.kind: the unknown value `z`"),
            "{error}"
        );
        let error = fail(
            json!({"id": "1", "kind": "a"}),
            json!({"id": "1", "kind": "a", "x": null}),
        );
        assert!(error.contains("at $.x: added by the round trip"), "{error}");
        let error = fail(
            json!({"id": "1", "kind": "a", "pet": {"type": "cat", "lives": "9"}}),
            json!({"id": "1", "kind": "a", "pet": {"type": "cat", "lives": "9"}}),
        );
        assert!(error.contains("at $.pet.lives:"), "{error}");
    }

    #[test]
    fn what_is_sent_fails_on_drift() {
        let value = json!({"id": "1", "kind": "a", "extra": 1});
        let error = judge(
            &schemas(),
            &Shape::Named("Thing".into()),
            Direction::Sent,
            &value,
            &value,
        )
        .unwrap_err();
        assert!(
            error.contains("at $.extra: undocumented property"),
            "{error}"
        );
    }

    #[test]
    fn paths_of_odd_keys_are_quoted() {
        assert_eq!(child_path("$", "a_b1"), "$.a_b1");
        assert_eq!(child_path("$", "a.b"), "$[\"a.b\"]");
        assert_eq!(
            first_difference(&json!({"a": [1.0]}), &json!({"a": [1]})),
            None
        );
        assert_eq!(
            first_difference(&json!({"a": [1]}), &json!({"a": []})).as_deref(),
            Some("$.a: 1 items became 0")
        );
    }
}
