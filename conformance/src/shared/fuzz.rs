//! Response fuzzing from the spec, inside the suite: for every operation
//! and every documented status with a body, responses generated from the
//! schema (seeded, as [`properties`] generates them) and then given what the
//! spec does not describe ([`mutate`]): undocumented properties, unknown enum
//! values and union tags, `null` in optional properties, long strings and
//! big arrays. The mock serves each to the client, which must read it (else
//! the check fails); the judge of live traffic and case files
//! ([`judge`]) must then find exactly the drift that was added, each at its
//! JSON path, and nothing else. The same for the callbacks (Amio's
//! webhooks, signed and verified; Webex Connect's delivery notifications).

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use serde_json::{Map, Value};

use crate::mock::{MockApi, canned};
use crate::schema::Schemas;
use crate::shared::cases::unreadable;
use crate::shared::compare::{
    Direction, Drift, DriftKind, allows_null, child_path, escape, fitting_variant, judge,
    object_view, target,
};
use crate::shared::properties::{self, shape_strategy};
use crate::shared::report::Area;
use crate::spec::{Operation, Response, Shape};
use crate::suite::{Reader, Suite};

/// The responses area's name in the report.
pub const RESPONSES: &str = "fuzz: responses";
/// The callbacks area's name in the report.
pub const CALLBACKS: &str = "fuzz: callbacks";

/// The seed of every run.
pub const SEED: u64 = 0x0f0e_2024_d21f_7a11;

/// Generated responses for the documented success of each operation.
pub const RESPONSES_PER_SUCCESS: usize = 16;

/// Generated responses for each documented error status of each operation
/// (they share one error schema).
pub const RESPONSES_PER_ERROR: usize = 2;

/// Generated bodies per callback schema.
pub const BODIES_PER_CALLBACK: usize = 24;

/// Whether long strings go beyond a schema's `maxLength`. Off while the
/// generated types still refuse, on receipt, a string longer than the
/// `maxLength` of its schema (a limit that exists for what is sent): turn it
/// on with lenient decoding, and the fuzzing checks that too.
pub const BEYOND_MAX_LENGTH: bool = false;

/// A small, seeded, reproducible source of choices (SplitMix64).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A source seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `low..high` (`low` when the range is empty).
    pub fn range(&mut self, low: usize, high: usize) -> usize {
        if high <= low {
            return low;
        }
        low + (self.next_u64() % (high - low) as u64) as usize
    }

    /// True one time in `n`.
    pub fn one_in(&mut self, n: u64) -> bool {
        n > 0 && self.next_u64().is_multiple_of(n)
    }
}

/// How often each kind of mutation is made where it can be: one time in N.
#[derive(Clone, Copy, Debug)]
pub struct Rates {
    /// An undocumented property added to an object whose schema lists its
    /// properties.
    pub extra_property: u64,
    /// An unknown value for a named string enum.
    pub unknown_enum: u64,
    /// An unknown tag for a discriminated union.
    pub unknown_tag: u64,
    /// `null` for an optional, non-nullable property (present or not).
    pub null: u64,
    /// A long string (1 000 to 5 000 characters) for a plain string.
    pub long_string: u64,
    /// An array grown to 100 to 300 items.
    pub big_array: u64,
}

impl Default for Rates {
    fn default() -> Self {
        Self {
            extra_property: 3,
            unknown_enum: 4,
            unknown_tag: 8,
            null: 6,
            long_string: 10,
            big_array: 12,
        }
    }
}

/// A generated value given what the spec does not describe, and the drift
/// that was added, by JSON path.
#[derive(Clone, Debug, PartialEq)]
pub struct Mutated {
    /// The value.
    pub value: Value,
    /// `(JSON path, kind)` of every drift added.
    pub added: Vec<(String, DriftKind)>,
}

/// Gives `value`, a value of `shape` that fits the spec of `schemas`, what
/// the spec does not describe, at the `rates` given, choosing with `rng`.
pub fn mutate(
    schemas: &Schemas,
    shape: &Shape,
    value: Value,
    rng: &mut Rng,
    rates: Rates,
) -> Mutated {
    let mut mutator = Mutator {
        schemas,
        spec: schemas.spec(),
        rng,
        rates,
        added: Vec::new(),
        counter: 0,
    };
    let value = match shape {
        Shape::Named(name) => {
            let schema =
                serde_json::json!({ "$ref": format!("#/components/schemas/{}", escape(name)) });
            mutator.value(&schema, None, value, "$", false)
        }
        Shape::ArrayOf(name) => {
            let schema = serde_json::json!({
                "type": "array",
                "items": { "$ref": format!("#/components/schemas/{}", escape(name)) }
            });
            mutator.value(&schema, None, value, "$", false)
        }
        Shape::Inline(_) => value,
    };
    Mutated {
        value,
        added: mutator.added,
    }
}

struct Mutator<'a> {
    schemas: &'a Schemas,
    spec: &'a Value,
    rng: &'a mut Rng,
    rates: Rates,
    added: Vec<(String, DriftKind)>,
    counter: usize,
}

impl Mutator<'_> {
    fn fresh(&mut self, what: &str) -> String {
        self.counter += 1;
        format!("conformance_{what}_{}", self.counter)
    }

    /// `at`: the schema's pointer in the spec, when it has one. `via_ref`:
    /// the schema was reached through a `$ref` (a named enum is open; an
    /// inline one is a union tag, which the union mutates).
    fn value(
        &mut self,
        schema: &Value,
        at: Option<&str>,
        value: Value,
        path: &str,
        via_ref: bool,
    ) -> Value {
        let Some(object) = schema.as_object() else {
            return value;
        };
        if value.is_null() {
            return value;
        }
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            return match target(self.spec, reference) {
                Some((target, pointer)) => self.value(target, Some(&pointer), value, path, true),
                None => value,
            };
        }
        let child = |key: &str| at.map(|at| format!("{at}/{key}"));
        if let Some(parts) = object.get("allOf").and_then(Value::as_array) {
            if let [only] = parts.as_slice() {
                return self.value(only, child("allOf/0").as_deref(), value, path, via_ref);
            }
            return self.object(schema, at, value, path, None);
        }
        if object.contains_key("discriminator") {
            return self.union(object, value, path);
        }
        if let Some((keyword, variants)) = ["oneOf", "anyOf"]
            .iter()
            .find_map(|k| Some((*k, object.get(*k)?.as_array()?)))
        {
            // The variant the judge reads the value as.
            return match fitting_variant(self.schemas, keyword, variants, at, &value) {
                Some(i) => {
                    let pointer = child(&format!("{keyword}/{i}"));
                    self.value(&variants[i], pointer.as_deref(), value, path, false)
                }
                None => value,
            };
        }
        if let Some(values) = object.get("enum").and_then(Value::as_array) {
            if via_ref
                && values.iter().all(Value::is_string)
                && self.rng.one_in(self.rates.unknown_enum)
            {
                self.added
                    .push((path.to_owned(), DriftKind::UnknownEnumValue));
                return Value::String(self.fresh("value"));
            }
            return value;
        }
        let kind = object.get("type").and_then(Value::as_str);
        if kind == Some("array") || object.contains_key("items") {
            return self.array(object, at, value, path);
        }
        if kind == Some("object")
            || object.contains_key("properties")
            || object.contains_key("additionalProperties")
        {
            return self.object(schema, at, value, path, None);
        }
        if kind == Some("string")
            && !object.contains_key("format")
            && !object.contains_key("pattern")
            && self.rng.one_in(self.rates.long_string)
        {
            let max = object.get("maxLength").and_then(Value::as_u64);
            match max {
                None => return Value::String(long_string(self.rng, 1_000, 5_000)),
                Some(max) if BEYOND_MAX_LENGTH => {
                    let max = usize::try_from(max).unwrap_or(usize::MAX - 1);
                    self.added
                        .push((path.to_owned(), DriftKind::OutsideConstraint));
                    return Value::String(long_string(self.rng, max + 1, max + 2_000));
                }
                Some(_) => {}
            }
        }
        value
    }

    /// `tag`: the union tag of the variant, which must stay as it is.
    fn object(
        &mut self,
        schema: &Value,
        at: Option<&str>,
        value: Value,
        path: &str,
        tag: Option<&str>,
    ) -> Value {
        let Value::Object(mut members) = value else {
            return value;
        };
        let view = object_view(self.spec, schema, at);
        let mut out = Map::new();
        let names: Vec<String> = members.keys().cloned().collect();
        for name in names {
            let Some(member) = members.remove(&name) else {
                continue;
            };
            let child = child_path(path, &name);
            let property = view.property(&name).map(|(_, schema, pointer)| {
                (*schema, (!pointer.is_empty()).then(|| pointer.clone()))
            });
            let optional = !view.required.contains(&name.as_str());
            let mutated = match property {
                _ if tag == Some(name.as_str()) => member,
                Some((schema, _))
                    if optional
                        && !allows_null(self.spec, schema)
                        && self.rng.one_in(self.rates.null) =>
                {
                    self.added.push((child, DriftKind::NullForAbsent));
                    Value::Null
                }
                Some((schema, pointer)) => {
                    self.value(schema, pointer.as_deref(), member, &child, false)
                }
                None => match &view.additional {
                    Some((schema, pointer)) => {
                        self.value(schema, pointer.as_deref(), member, &child, false)
                    }
                    None => member,
                },
            };
            out.insert(name, mutated);
        }
        // `null` for an optional property the value does not have.
        for (name, schema, _) in &view.properties {
            if !out.contains_key(*name)
                && !view.required.contains(name)
                && !allows_null(self.spec, schema)
                && self.rng.one_in(self.rates.null * 2)
            {
                self.added
                    .push((child_path(path, name), DriftKind::NullForAbsent));
                out.insert((*name).to_owned(), Value::Null);
            }
        }
        if view.closed() && self.rng.one_in(self.rates.extra_property) {
            let name = self.fresh("extra");
            self.added
                .push((child_path(path, &name), DriftKind::UndocumentedProperty));
            let extra = extra_value(self.rng);
            out.insert(name, extra);
        }
        Value::Object(out)
    }

    fn array(
        &mut self,
        schema: &Map<String, Value>,
        at: Option<&str>,
        value: Value,
        path: &str,
    ) -> Value {
        let Value::Array(mut items) = value else {
            return value;
        };
        if !items.is_empty() && self.rng.one_in(self.rates.big_array) {
            let target = self.rng.range(100, 301);
            let seed = items.clone();
            while items.len() < target {
                let pick = self.rng.range(0, seed.len());
                items.push(seed[pick].clone());
            }
            let max = schema.get("maxItems").and_then(Value::as_u64);
            if max.is_some_and(|max| items.len() as u64 > max) {
                self.added
                    .push((path.to_owned(), DriftKind::OutsideConstraint));
            }
        }
        let item_schema = schema.get("items").cloned().unwrap_or(Value::Null);
        let item_at = at.map(|at| format!("{at}/items"));
        Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    let path = format!("{path}[{i}]");
                    self.value(&item_schema, item_at.as_deref(), item, &path, false)
                })
                .collect(),
        )
    }

    fn union(&mut self, object: &Map<String, Value>, value: Value, path: &str) -> Value {
        let tag = object
            .get("discriminator")
            .and_then(|d| d.get("propertyName"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let Value::Object(mut members) = value else {
            return value;
        };
        if self.rng.one_in(self.rates.unknown_tag) {
            let unknown = self.fresh("tag");
            self.added
                .push((child_path(path, &tag), DriftKind::UnknownTag));
            members.insert(tag, Value::String(unknown));
            return Value::Object(members);
        }
        let variant = members
            .get(&tag)
            .and_then(Value::as_str)
            .and_then(|value| object.get("discriminator")?.get("mapping")?.get(value))
            .and_then(Value::as_str)
            .and_then(|reference| target(self.spec, reference));
        match variant {
            Some((schema, pointer)) => self.object(
                schema,
                Some(&pointer),
                Value::Object(members),
                path,
                Some(&tag),
            ),
            None => Value::Object(members),
        }
    }
}

/// A string of `low..high` characters mixing what breaks naive readers:
/// quotes, backslashes, control characters, non-Latin letters and emoji.
pub fn long_string(rng: &mut Rng, low: usize, high: usize) -> String {
    const PIECES: [&str; 12] = [
        "a", "Z", "0", " ", "\"", "\\", "\n", "\t", "é", "ж", "中", "😀",
    ];
    let length = rng.range(low, high);
    (0..length)
        .map(|_| PIECES[rng.range(0, PIECES.len())])
        .collect()
}

/// The value of an undocumented property: any JSON, nested once.
fn extra_value(rng: &mut Rng) -> Value {
    match rng.range(0, 6) {
        0 => Value::Null,
        1 => Value::Bool(rng.one_in(2)),
        2 => Value::from(rng.next_u64() % 1_000_000),
        3 => Value::String(long_string(rng, 0, 16)),
        4 => Value::Array(vec![Value::from(1), Value::String("two".into())]),
        _ => serde_json::json!({ "nested": { "deeper": [true, null] } }),
    }
}

/// Judges what was read of `mutated` and compares the drift found with the
/// drift added: the same set of `(JSON path, kind)`.
fn drift_matches(
    suite: &Suite,
    shape: &Shape,
    mutated: &Mutated,
    read: &Value,
) -> Result<usize, String> {
    let drift = judge(
        &suite.schemas,
        shape,
        Direction::Received,
        &mutated.value,
        read,
    )?;
    let mut found: Vec<(String, DriftKind)> =
        drift.iter().map(|d| (d.path.clone(), d.kind)).collect();
    let mut added = mutated.added.clone();
    found.sort();
    found.dedup();
    added.sort();
    added.dedup();
    if found == added {
        return Ok(added.len());
    }
    let missed: Vec<String> = added
        .iter()
        .filter(|a| !found.contains(a))
        .map(|(path, kind)| format!("{path} ({kind})"))
        .collect();
    let extra: Vec<String> = drift
        .iter()
        .filter(|d| !added.contains(&(d.path.clone(), d.kind)))
        .map(Drift::to_string)
        .collect();
    Err(format!(
        "the judge did not report the drift added: missed [{}], reported besides [{}]",
        missed.join(", "),
        extra.join("; ")
    ))
}

/// A seeded generator of values of the spec's schemas.
struct Generator {
    runner: TestRunner,
}

impl Generator {
    fn new(seed: u64) -> Self {
        let mut config = properties::config(1);
        config.rng_seed = proptest::test_runner::RngSeed::Fixed(seed);
        Self {
            runner: TestRunner::new(config),
        }
    }

    fn value(&mut self, suite: &Suite, shape: &Shape) -> Result<Value, String> {
        let strategy =
            shape_strategy(&suite.spec, shape).ok_or_else(|| format!("{shape}: no generator"))?;
        strategy
            .new_tree(&mut self.runner)
            .map(|tree| tree.current())
            .map_err(|e| format!("generating a {shape}: {e}"))
    }
}

/// A seed for one check, from the run's seed and the check's name.
fn seed_of(name: &str) -> u64 {
    name.bytes().fold(SEED, |seed, byte| {
        (seed ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// How many responses are generated for `response`.
pub fn count(response: &Response) -> usize {
    if response.is_success() {
        RESPONSES_PER_SUCCESS
    } else {
        RESPONSES_PER_ERROR
    }
}

/// Fuzzes one documented response of `operation`.
async fn fuzz_response(
    suite: &Suite,
    reader: &dyn Reader,
    operation: &Operation,
    response: &Response,
    shape: &Shape,
    name: &str,
) -> Result<usize, String> {
    let seed = seed_of(name);
    let mut generator = Generator::new(seed);
    let mut rng = Rng::new(seed);
    let request = operation
        .request
        .as_ref()
        .and_then(|r| r.examples.first())
        .map(|e| e.value.clone());
    let input = suite.input(operation, request)?;
    let mut added = 0;
    for i in 0..count(response) {
        let value = generator.value(suite, shape)?;
        let mutated = mutate(&suite.schemas, shape, value, &mut rng, Rates::default());
        let canned = canned(response, Some(&mutated.value))?;
        let outcome = async {
            let read = reader
                .read(operation, &input, &canned)
                .await
                .map_err(|e| unreadable(suite, response, Some(&mutated.value), e))?;
            let body = read.body.ok_or("the client read no body")?;
            drift_matches(suite, shape, &mutated, &body)
        }
        .await;
        added += outcome.map_err(|e| format!("response {i} (seed {seed:#x}): {e}"))?;
    }
    Ok(added)
}

/// For every operation and every documented status with a body, generated
/// and mutated responses through the client ([`RESPONSES_PER_SUCCESS`] for
/// the success, [`RESPONSES_PER_ERROR`] for each error status); one check
/// per status.
pub async fn responses(suite: &Suite) -> Area {
    let mut area = Area::new(RESPONSES);
    let mock = MockApi::start().await;
    let reader = suite.under_test().reader(suite, &mock);
    let mut served = 0;
    let mut added = 0;
    for operation in &suite.operations {
        for response in &operation.responses {
            let Some(shape) = &response.shape else {
                continue;
            };
            let name = format!("{} {}", operation.id, response.status);
            let outcome =
                fuzz_response(suite, reader.as_ref(), operation, response, shape, &name).await;
            served += count(response);
            if let Ok(count) = &outcome {
                added += count;
            }
            area.record(
                format!("{name}: {} generated responses", count(response)),
                outcome.map(drop),
            );
        }
    }
    area.coverage = format!(
        "{served} responses generated from the schemas (seed {SEED:#x}), served to the client; \
         {added} drifts added, each reported at its path"
    );
    area
}

/// For every callback schema of the spec, [`BODIES_PER_CALLBACK`] generated
/// and mutated bodies read as a receiver reads them; one check per schema.
pub fn callbacks(suite: &Suite) -> Area {
    let mut area = Area::new(CALLBACKS);
    let mut shapes: Vec<&Shape> = Vec::new();
    for example in suite.webhook_examples() {
        if !shapes.contains(&&example.shape) {
            shapes.push(&example.shape);
        }
    }
    let mut added = 0;
    for shape in &shapes {
        let name = format!("{shape}: {BODIES_PER_CALLBACK} generated bodies");
        let seed = seed_of(&name);
        let mut generator = Generator::new(seed);
        let mut rng = Rng::new(seed);
        let outcome = (0..BODIES_PER_CALLBACK).try_fold(0, |count, i| {
            let value = generator.value(suite, shape)?;
            let mutated = mutate(&suite.schemas, shape, value, &mut rng, Rates::default());
            let body = serde_json::to_vec(&mutated.value).map_err(|e| e.to_string())?;
            suite
                .under_test()
                .read_callback(&body)
                .and_then(|read| drift_matches(suite, shape, &mutated, &read))
                .map(|n| count + n)
                .map_err(|e| format!("body {i} (seed {seed:#x}): {e}"))
        });
        if let Ok(count) = &outcome {
            added += count;
        }
        area.record(name, outcome.map(drop));
    }
    area.coverage = format!(
        "{} bodies generated from {} callback schemas (seed {SEED:#x}); {added} drifts added, \
         each reported at its path",
        shapes.len() * BODIES_PER_CALLBACK,
        shapes.len()
    );
    area
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_source_is_seeded() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        let first: Vec<u64> = (0..4).map(|_| a.next_u64()).collect();
        assert_eq!(first, (0..4).map(|_| b.next_u64()).collect::<Vec<_>>());
        assert_ne!(first[0], first[1]);
        let text = long_string(&mut a, 10, 11);
        assert_eq!(text.chars().count(), 10);
    }

    #[test]
    fn mutations_name_what_they_add() {
        let spec = json!({"components": {"schemas": {
            "Thing": {"type": "object", "required": ["kind"], "properties": {
                "kind": {"$ref": "#/components/schemas/Kind"},
                "name": {"type": "string"}}},
            "Kind": {"type": "string", "enum": ["a"]}
        }}});
        let always = Rates {
            extra_property: 1,
            unknown_enum: 1,
            unknown_tag: 1,
            null: 1,
            long_string: 1,
            big_array: 1,
        };
        let mutated = mutate(
            &Schemas::new(&spec),
            &Shape::Named("Thing".into()),
            json!({"kind": "a", "name": "n"}),
            &mut Rng::new(1),
            always,
        );
        assert_eq!(
            mutated.added,
            [
                ("$.kind".to_owned(), DriftKind::UnknownEnumValue),
                ("$.name".to_owned(), DriftKind::NullForAbsent),
                (
                    "$.conformance_extra_2".to_owned(),
                    DriftKind::UndocumentedProperty
                ),
            ]
        );
        assert_eq!(mutated.value["name"], Value::Null);
        assert_eq!(mutated.value["kind"], "conformance_value_1");
    }
}
