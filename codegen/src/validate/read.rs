//! Reading the spec's `x-rules`: each documented rule of a schema, in the
//! vocabulary `bindings_runtime::rules` checks, with its source and its
//! valid/invalid pair. A rule the reader cannot understand is a problem of
//! the spec, named with its path.

use serde_yaml::{Mapping, Value};

use super::get;

/// Who enforces a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Enforced {
    /// The client's generated `Validate`, which the simulator runs too.
    Both,
    /// The client only (the simulator does what the platform does instead).
    Client,
    /// The simulator only: the rule needs what it stores.
    Simulator,
    /// Nobody; `why` says why.
    Nobody,
}

impl Enforced {
    /// The word of the rules table.
    pub(crate) fn word(self) -> &'static str {
        match self {
            Self::Both => "both",
            Self::Client => "client",
            Self::Simulator => "simulator",
            Self::Nobody => "not enforced",
        }
    }
}

/// A condition of a rule.
#[derive(Clone, Debug)]
pub(crate) struct When {
    pub(crate) property: String,
    pub(crate) is: Is,
}

#[derive(Clone, Debug)]
pub(crate) enum Is {
    Present,
    OneOf(Vec<String>),
    NotOneOf(Vec<String>),
    HasItem(String, String),
}

/// How a rule is checked, as `bindings_runtime::rules::Check` says it.
#[derive(Clone, Debug)]
pub(crate) enum Kind {
    RequiresOneOf {
        properties: Vec<String>,
        exclusive: bool,
    },
    RequiresIf {
        property: String,
        when: When,
    },
    ForbidsWith {
        property: String,
        when: When,
        deleted: bool,
        values: Vec<String>,
    },
    Counts {
        property: String,
        of: Vec<String>,
        max: u64,
    },
    SameCount {
        property: String,
        as_: String,
    },
    HasItem {
        property: String,
        key: String,
        value: String,
    },
    Format {
        property: Option<String>,
        format: String,
        max: Option<u64>,
        when: Option<When>,
    },
    Selects {
        property: String,
        object: String,
        keys: Vec<(String, String)>,
    },
    /// A JSON Schema keyword of the schema's property says the rule.
    Keyword {
        keyword: String,
        property: String,
    },
    /// Checked by the simulator against what it stores.
    Stateful,
    /// Not checked.
    Unchecked,
}

/// One rule of the spec.
#[derive(Clone, Debug)]
pub(crate) struct SpecRule {
    pub(crate) schema: String,
    pub(crate) id: String,
    pub(crate) says: String,
    pub(crate) source: String,
    pub(crate) kind: Kind,
    pub(crate) enforced: Enforced,
    pub(crate) note: Option<String>,
    /// The operation of its valid/invalid pair (whole request bodies).
    pub(crate) pair: Option<String>,
}

impl SpecRule {
    /// Whether the client's generated `Validate` runs it as a rule of data.
    pub(crate) fn is_data(&self) -> bool {
        !matches!(
            self.kind,
            Kind::Keyword { .. } | Kind::Stateful | Kind::Unchecked
        )
    }
}

fn text(map: &Mapping, key: &str) -> Option<String> {
    map.get(key)
        .and_then(Value::as_str)
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn texts(value: Option<&Value>) -> Option<Vec<String>> {
    value.and_then(Value::as_sequence).map(|items| {
        items
            .iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                Value::Bool(b) => Some(b.to_string()),
                _ => None,
            })
            .collect()
    })
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn when(value: Option<&Value>, at: &str, problems: &mut Vec<String>) -> Option<When> {
    let map = value?.as_mapping();
    let Some(map) = map else {
        problems.push(format!("{at}/when: a mapping with `property`"));
        return None;
    };
    let Some(property) = text(map, "property") else {
        problems.push(format!("{at}/when: no `property`"));
        return None;
    };
    let is = if let Some(values) = texts(map.get("in")) {
        Is::OneOf(values)
    } else if let Some(values) = texts(map.get("not-in")) {
        Is::NotOneOf(values)
    } else if let Some(item) = map.get("has-item").and_then(Value::as_mapping) {
        let mut pairs = item
            .iter()
            .filter_map(|(k, v)| Some((k.as_str()?, scalar(v)?)));
        match (pairs.next(), pairs.next()) {
            (Some((k, v)), None) => Is::HasItem(k.to_owned(), v),
            _ => {
                problems.push(format!("{at}/when/has-item: one `key: value`"));
                return None;
            }
        }
    } else {
        Is::Present
    };
    Some(When { property, is })
}

/// Every `x-rules` entry of every named schema, in spec order.
pub(crate) fn rules(spec: &Value, problems: &mut Vec<String>) -> Vec<SpecRule> {
    let mut out = Vec::new();
    let Some(schemas) = get(spec, "components")
        .and_then(|c| get(c, "schemas"))
        .and_then(Value::as_mapping)
    else {
        return out;
    };
    for (name, schema) in schemas {
        let Some(name) = name.as_str() else { continue };
        let Some(list) = get(schema, super::RULES) else {
            continue;
        };
        let at = format!("#/components/schemas/{name}/{}", super::RULES);
        let Some(list) = list.as_sequence() else {
            problems.push(format!("{at}: a list of rules"));
            continue;
        };
        for (index, entry) in list.iter().enumerate() {
            let at = format!("{at}/{index}");
            if let Some(rule) = rule(name, schema, entry, &at, problems) {
                out.push(rule);
            }
        }
    }
    let mut ids = std::collections::BTreeSet::new();
    for rule in &out {
        if !ids.insert(rule.id.clone()) {
            problems.push(format!("rule `{}`: the id is used twice", rule.id));
        }
    }
    out
}

fn rule(
    schema_name: &str,
    schema: &Value,
    entry: &Value,
    at: &str,
    problems: &mut Vec<String>,
) -> Option<SpecRule> {
    let Some(map) = entry.as_mapping() else {
        problems.push(format!(
            "{at}: a mapping with `id`, `says`, `source` and one kind of check"
        ));
        return None;
    };
    let mut missing = |key: &str| {
        let value = text(map, key);
        if value.is_none() {
            problems.push(format!("{at}: no `{key}`"));
        }
        value
    };
    let (id, says, source) = (missing("id"), missing("says"), missing("source"));
    let (id, says, source) = (id?, says?, source?);
    let before = problems.len();
    let property = text(map, "property");
    let kind = if let Some(properties) = texts(map.get("requires-one-of")) {
        Kind::RequiresOneOf {
            properties,
            exclusive: map
                .get("exclusive")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        }
    } else if let Some(property) = text(map, "requires-if") {
        Kind::RequiresIf {
            property,
            when: when(map.get("when"), at, problems)?,
        }
    } else if let Some(property) = text(map, "forbids-with") {
        Kind::ForbidsWith {
            property,
            when: when(map.get("when"), at, problems)?,
            deleted: map.get("deleted").and_then(Value::as_bool).unwrap_or(false),
            values: texts(map.get("values")).unwrap_or_default(),
        }
    } else if let Some(property) = text(map, "counts") {
        let of = texts(map.get("of")).unwrap_or_default();
        let Some(max) = map.get("max").and_then(Value::as_u64) else {
            problems.push(format!("{at}: `counts` needs `max`"));
            return None;
        };
        Kind::Counts { property, of, max }
    } else if let Some(property) = text(map, "same-count") {
        let Some(as_) = text(map, "as") else {
            problems.push(format!("{at}: `same-count` needs `as`"));
            return None;
        };
        Kind::SameCount { property, as_ }
    } else if let Some(property) = text(map, "has-item") {
        let (Some(key), Some(value)) = (text(map, "key"), map.get("value").and_then(scalar)) else {
            problems.push(format!("{at}: `has-item` needs `key` and `value`"));
            return None;
        };
        Kind::HasItem {
            property,
            key,
            value,
        }
    } else if let Some(format) = text(map, "format") {
        if !["hex", "seconds", "origin", "https-origin", "sms-bytes"].contains(&format.as_str()) {
            problems.push(format!(
                "{at}: format `{format}` is none of hex, seconds, origin, https-origin, sms-bytes"
            ));
        }
        let max = map.get("max").and_then(Value::as_u64);
        if (format == "seconds" || format == "sms-bytes") && max.is_none() {
            problems.push(format!("{at}: format `seconds` needs `max`"));
        }
        Kind::Format {
            property: property.clone(),
            format,
            max,
            when: when(map.get("when"), at, problems),
        }
    } else if let Some(selector) = text(map, "selects") {
        let object = text(map, "object");
        let keys: Option<Vec<(String, String)>> =
            map.get("keys").and_then(Value::as_mapping).map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.as_str()?.to_owned(), v.as_str()?.to_owned())))
                    .collect()
            });
        let (Some(object), Some(keys)) = (object, keys) else {
            problems.push(format!("{at}: `selects` needs `object` and `keys`"));
            return None;
        };
        Kind::Selects {
            property: selector,
            object,
            keys,
        }
    } else if let Some(keyword) = text(map, "keyword") {
        let Some(property) = property.clone() else {
            problems.push(format!("{at}: `keyword` needs `property`"));
            return None;
        };
        let found = get(schema, "properties")
            .and_then(|p| get(p, &property))
            .is_some_and(|p| get(p, &keyword).is_some());
        if !found {
            problems.push(format!(
                "{at}: the property `{property}` of `{schema_name}` has no `{keyword}`"
            ));
        }
        Kind::Keyword { keyword, property }
    } else if map.get("state").is_some() {
        Kind::Stateful
    } else if map.get("unchecked").is_some() {
        Kind::Unchecked
    } else {
        problems.push(format!(
            "{at}: no kind of check (requires-one-of, requires-if, forbids-with, counts, same-count, has-item, format, selects, keyword, state, unchecked)"
        ));
        return None;
    };
    // Every property a check names is one of the schema's.
    let mut named: Vec<&str> = Vec::new();
    match &kind {
        Kind::RequiresOneOf { properties, .. } => {
            named.extend(properties.iter().map(String::as_str))
        }
        Kind::RequiresIf { property, when } | Kind::ForbidsWith { property, when, .. } => {
            named.push(property);
            named.push(&when.property);
        }
        Kind::Counts { property, .. } | Kind::HasItem { property, .. } => named.push(property),
        Kind::SameCount { property, as_ } => {
            named.push(property);
            named.push(as_);
        }
        Kind::Format { property, when, .. } => {
            named.extend(property.as_deref());
            named.extend(when.as_ref().map(|w| w.property.as_str()));
        }
        Kind::Selects {
            property, object, ..
        } => {
            named.push(property);
            named.push(object);
        }
        Kind::Keyword { .. } | Kind::Stateful | Kind::Unchecked => {}
    }
    let properties = get(schema, "properties").and_then(Value::as_mapping);
    for name in named {
        if !properties.is_some_and(|p| p.contains_key(name)) {
            problems.push(format!(
                "{at}: `{name}` is not a property of `{schema_name}`"
            ));
        }
    }
    let enforced = match (text(map, "enforced"), &kind) {
        (Some(word), _) => match word.as_str() {
            "client" => Enforced::Client,
            "simulator" => Enforced::Simulator,
            "both" => Enforced::Both,
            other => {
                problems.push(format!(
                    "{at}: `enforced: {other}` is none of client, simulator, both"
                ));
                Enforced::Both
            }
        },
        (None, Kind::Stateful) => Enforced::Simulator,
        (None, Kind::Unchecked) => Enforced::Nobody,
        (None, _) => Enforced::Both,
    };
    let note = text(map, "note")
        .or_else(|| text(map, "state"))
        .or_else(|| text(map, "unchecked"))
        .or_else(|| text(map, "untested").map(|why| format!("No pair: {why}")));
    let pair = match map.get("test").and_then(Value::as_mapping) {
        Some(test) => {
            let operation = text(test, "operation");
            let (valid, invalid) = (test.get("valid"), test.get("invalid"));
            match (operation, valid, invalid) {
                (Some(operation), Some(_), Some(_)) => Some(operation),
                _ => {
                    problems.push(format!("{at}/test: `operation`, `valid` and `invalid`"));
                    None
                }
            }
        }
        None => None,
    };
    let untested = text(map, "untested");
    if pair.is_none()
        && untested.is_none()
        && enforced != Enforced::Nobody
        && problems.len() == before
    {
        problems.push(format!(
            "{at}: an enforced rule needs a `test` (a valid and an invalid request)"
        ));
    }
    if enforced == Enforced::Nobody && note.is_none() {
        problems.push(format!(
            "{at}: a rule nobody enforces says why (`unchecked`)"
        ));
    }
    (problems.len() == before).then_some(SpecRule {
        schema: schema_name.to_owned(),
        id,
        says,
        source,
        kind,
        enforced,
        note,
        pair,
    })
}
