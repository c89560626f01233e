//! Reading a spec's examples: every named example, where it is used, and the
//! schema it illustrates.

use std::collections::BTreeMap;

use serde_json::Value;

/// The schema an example illustrates.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Shape {
    /// A named schema under `components/schemas`.
    Named(String),
    /// An array of a named schema.
    ArrayOf(String),
    /// A schema written inline; examples of it cannot be typed.
    Inline(String),
}

impl std::fmt::Display for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Named(name) => f.write_str(name),
            Self::ArrayOf(name) => write!(f, "[{name}]"),
            Self::Inline(at) => write!(f, "inline schema at {at}"),
        }
    }
}

/// One named example and what it illustrates.
#[derive(Clone, Debug)]
pub struct Example {
    /// Its name under `components/examples` (or its key where it is inline).
    pub name: String,
    /// Where it is first used, as a JSON pointer.
    pub used_at: String,
    /// The schema it illustrates.
    pub shape: Shape,
    /// The example's `description`: where in the docs it comes from.
    pub description: String,
    /// The example's value.
    pub value: Value,
}

/// Why a spec could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SpecError {
    /// The file could not be read.
    #[error("reading {path}: {source}")]
    Read {
        /// The path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The text is not YAML.
    #[error("parsing {path}: {message}")]
    Parse {
        /// The path.
        path: String,
        /// The parser's message.
        message: String,
    },
}

/// Loads a YAML spec as JSON.
pub fn load(path: &std::path::Path) -> Result<Value, SpecError> {
    let text = std::fs::read_to_string(path).map_err(|source| SpecError::Read {
        path: path.display().to_string(),
        source,
    })?;
    serde_yaml::from_str(&text).map_err(|e| SpecError::Parse {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

const SCHEMA_REF: &str = "#/components/schemas/";

/// Resolves a local `$ref` (`#/a/b`), once.
fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(pointer) if pointer.starts_with("#/") => spec.pointer(&pointer[1..]).unwrap_or(value),
        _ => value,
    }
}

fn shape_of(schema: &Value, at: &str) -> Shape {
    if let Some(name) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix(SCHEMA_REF))
    {
        return Shape::Named(name.to_owned());
    }
    let items = schema
        .get("items")
        .and_then(|i| i.get("$ref"))
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix(SCHEMA_REF));
    if let (Some("array"), Some(name)) = (schema.get("type").and_then(Value::as_str), items) {
        return Shape::ArrayOf(name.to_owned());
    }
    Shape::Inline(at.to_owned())
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Every example of the spec, each once (keyed by name and shape), in the
/// order first met: media types under `paths` (requests, responses and
/// callbacks), then `x-examples` of named schemas.
pub fn examples(spec: &Value) -> Vec<Example> {
    let mut found = BTreeMap::<(String, Shape), Example>::new();
    let mut order = Vec::new();
    let mut add = |example: Example| {
        let key = (example.name.clone(), example.shape.clone());
        if let std::collections::btree_map::Entry::Vacant(slot) = found.entry(key.clone()) {
            order.push(key);
            slot.insert(example);
        }
    };
    walk_media(
        spec,
        spec.get("paths").unwrap_or(&Value::Null),
        "#/paths",
        &mut add,
    );
    if let Some(schemas) = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            let Some(examples) = schema.get("x-examples").and_then(Value::as_object) else {
                continue;
            };
            for (key, example) in examples {
                let at = format!(
                    "#/components/schemas/{}/x-examples/{}",
                    escape(name),
                    escape(key)
                );
                add(named_example(
                    spec,
                    key,
                    example,
                    Shape::Named(name.clone()),
                    at,
                ));
            }
        }
    }
    order
        .into_iter()
        .filter_map(|key| found.remove(&key))
        .collect()
}

fn named_example(
    spec: &Value,
    key: &str,
    example: &Value,
    shape: Shape,
    used_at: String,
) -> Example {
    let name = example
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/examples/"))
        .unwrap_or(key)
        .to_owned();
    let example = resolve(spec, example);
    Example {
        name,
        used_at,
        shape,
        description: example
            .get("description")
            .or_else(|| example.get("summary"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        value: example.get("value").cloned().unwrap_or(Value::Null),
    }
}

/// Walks everything under `value`, following `$ref`s to responses and
/// request bodies, and reports every `examples` entry of every media type.
fn walk_media(spec: &Value, value: &Value, at: &str, add: &mut impl FnMut(Example)) {
    let value = resolve(spec, value);
    let Some(object) = value.as_object() else {
        if let Some(items) = value.as_array() {
            for (i, item) in items.iter().enumerate() {
                walk_media(spec, item, &format!("{at}/{i}"), add);
            }
        }
        return;
    };
    if let (Some(schema), Some(examples)) = (
        object.get("schema"),
        object.get("examples").and_then(Value::as_object),
    ) {
        let shape = shape_of(schema, &format!("{at}/schema"));
        for (key, example) in examples {
            let used_at = format!("{at}/examples/{}", escape(key));
            add(named_example(spec, key, example, shape.clone(), used_at));
        }
    }
    for (key, child) in object {
        if matches!(
            key.as_str(),
            "schema" | "examples" | "example" | "parameters" | "headers"
        ) {
            continue;
        }
        walk_media(spec, child, &format!("{at}/{}", escape(key)), add);
    }
}

/// One example of a request or response body, by name.
#[derive(Clone, Debug, PartialEq)]
pub struct NamedExample {
    /// Its name under `components/examples` (or its key where it is inline).
    pub name: String,
    /// The example's value.
    pub value: Value,
}

/// A parameter of an operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    /// Its name.
    pub name: String,
    /// Where it goes: `path`, `query` or `header`.
    pub location: String,
    /// Whether the operation needs it.
    pub required: bool,
    /// The spec's `example` of it, used to call the operation.
    pub example: Option<Value>,
}

/// A header a response documents.
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    /// Its name, as the spec writes it.
    pub name: String,
    /// The spec's `example` of it, served by the mock.
    pub example: Option<Value>,
}

/// The request body of an operation.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestBody {
    /// Its schema.
    pub shape: Shape,
    /// Its examples, in spec order.
    pub examples: Vec<NamedExample>,
}

/// One documented response of an operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    /// The HTTP status.
    pub status: u16,
    /// The headers it documents.
    pub headers: Vec<Header>,
    /// The schema of its JSON body; `None` when it has no body.
    pub shape: Option<Shape>,
    /// Examples of its body, in spec order.
    pub examples: Vec<NamedExample>,
}

impl Response {
    /// Whether the status is a success (2xx).
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// One operation: an HTTP method on a path, with everything the spec says
/// about its requests and responses.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// Its `operationId`.
    pub id: String,
    /// The HTTP method, upper case.
    pub method: String,
    /// The path template, such as `/channels/{channel_id}`.
    pub path: String,
    /// Its parameters (the path item's and its own).
    pub parameters: Vec<Parameter>,
    /// Its request body, if it has one.
    pub request: Option<RequestBody>,
    /// Its documented responses, by status.
    pub responses: Vec<Response>,
}

impl Operation {
    /// The response documented for `status`, if any.
    pub fn response(&self, status: u16) -> Option<&Response> {
        self.responses.iter().find(|r| r.status == status)
    }

    /// The first documented success.
    pub fn success(&self) -> Option<&Response> {
        self.responses.iter().find(|r| r.is_success())
    }

    /// The path with every `{parameter}` replaced by its example.
    pub fn example_path(&self) -> Result<String, String> {
        let mut path = self.path.clone();
        for parameter in self.parameters.iter().filter(|p| p.location == "path") {
            let value = parameter
                .example
                .as_ref()
                .ok_or_else(|| format!("path parameter `{}` has no example", parameter.name))?;
            let text = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            path = path.replace(&format!("{{{}}}", parameter.name), &text);
        }
        Ok(path)
    }
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The path of the spec's first server URL (`/v1` for
/// `https://api.amio.io/v1`), without a trailing `/`.
pub fn base_path(spec: &Value) -> String {
    spec.pointer("/servers/0/url")
        .and_then(Value::as_str)
        .and_then(|url| url::Url::parse(url).ok())
        .map(|url| url.path().trim_end_matches('/').to_owned())
        .unwrap_or_default()
}

/// Every operation under `paths`, in spec order. An error lists every
/// operation the suite cannot read (no `operationId`, a status that is not a
/// number, a body that is not JSON).
pub fn operations(spec: &Value) -> Result<Vec<Operation>, String> {
    let mut operations = Vec::new();
    let mut problems = Vec::new();
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        return Ok(operations);
    };
    for (path, item) in paths {
        let item = resolve(spec, item);
        let shared = item.get("parameters");
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let at = format!("{} {path}", method.to_uppercase());
            match read_operation(spec, path, method, shared, operation) {
                Ok(operation) => operations.push(operation),
                Err(problem) => problems.push(format!("{at}: {problem}")),
            }
        }
    }
    if problems.is_empty() {
        Ok(operations)
    } else {
        Err(problems.join("\n"))
    }
}

fn read_operation(
    spec: &Value,
    path: &str,
    method: &str,
    shared: Option<&Value>,
    operation: &Value,
) -> Result<Operation, String> {
    let id = operation
        .get("operationId")
        .and_then(Value::as_str)
        .ok_or("no operationId")?
        .to_owned();
    let mut parameters: Vec<Parameter> = Vec::new();
    let lists = [shared, operation.get("parameters")];
    for parameter in lists
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
    {
        let parameter = resolve(spec, parameter);
        let name = parameter
            .get("name")
            .and_then(Value::as_str)
            .ok_or("a parameter has no name")?;
        let location = parameter
            .get("in")
            .and_then(Value::as_str)
            .ok_or("a parameter has no `in`")?;
        // An operation's parameter replaces the path item's of the same name.
        parameters.retain(|p| !(p.name == name && p.location == location));
        parameters.push(Parameter {
            name: name.to_owned(),
            location: location.to_owned(),
            required: parameter.get("required") == Some(&Value::Bool(true)),
            example: parameter
                .get("example")
                .or_else(|| parameter.pointer("/schema/example"))
                .cloned(),
        });
    }
    let request = match operation.get("requestBody") {
        None => None,
        Some(body) => {
            let body = resolve(spec, body);
            let media = body
                .pointer("/content/application~1json")
                .ok_or("the request body is not application/json")?;
            let at = format!(
                "#/paths/{}/{method}/requestBody/content/application~1json/schema",
                escape(path)
            );
            Some(RequestBody {
                shape: shape_of(media.get("schema").unwrap_or(&Value::Null), &at),
                examples: media_examples(spec, media),
            })
        }
    };
    let mut responses = Vec::new();
    for (status, response) in operation
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let code: u16 = status
            .parse()
            .map_err(|_| format!("response `{status}` is not an HTTP status"))?;
        let response = resolve(spec, response);
        let headers = response
            .get("headers")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(name, header)| {
                let header = resolve(spec, header);
                Header {
                    name: name.clone(),
                    example: header
                        .get("example")
                        .or_else(|| header.pointer("/schema/example"))
                        .cloned(),
                }
            })
            .collect();
        let content = response.get("content").and_then(Value::as_object);
        let (shape, examples) = match content {
            None => (None, Vec::new()),
            Some(content) => {
                let media = content
                    .get("application/json")
                    .ok_or_else(|| format!("response {status} is not application/json"))?;
                let at = format!(
                    "#/paths/{}/{method}/responses/{status}/content/application~1json/schema",
                    escape(path)
                );
                (
                    Some(shape_of(media.get("schema").unwrap_or(&Value::Null), &at)),
                    media_examples(spec, media),
                )
            }
        };
        responses.push(Response {
            status: code,
            headers,
            shape,
            examples,
        });
    }
    Ok(Operation {
        id,
        method: method.to_uppercase(),
        path: path.to_owned(),
        parameters,
        request,
        responses,
    })
}

fn media_examples(spec: &Value, media: &Value) -> Vec<NamedExample> {
    let mut examples: Vec<NamedExample> = media
        .get("examples")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(key, example)| {
            let named = named_example(
                spec,
                key,
                example,
                Shape::Inline(String::new()),
                String::new(),
            );
            NamedExample {
                name: named.name,
                value: named.value,
            }
        })
        .collect();
    if let Some(value) = media.get("example") {
        examples.push(NamedExample {
            name: "example".to_owned(),
            value: value.clone(),
        });
    }
    examples
}

/// The value of the example `name` under `components/examples` of the YAML
/// text `spec_text`, as compact JSON with its keys in the order written:
/// the exact bytes the docs print for a signed body.
pub fn example_as_written(spec_text: &str, name: &str) -> Option<String> {
    let yaml: serde_yaml::Value = serde_yaml::from_str(spec_text).ok()?;
    let value = yaml
        .get("components")?
        .get("examples")?
        .get(name)?
        .get("value")?;
    serde_json::to_string(value).ok()
}

/// The schema of the webhook payloads: the request body of the first
/// callback (`create_channel`'s `webhook`).
pub fn webhook_shape(spec: &Value) -> Option<Shape> {
    fn find(value: &Value, at: &str, in_callback: bool) -> Option<Shape> {
        let object = value.as_object()?;
        if in_callback
            && let Some(schema) = value.pointer("/requestBody/content/application~1json/schema")
        {
            return Some(shape_of(schema, &format!("{at}/requestBody")));
        }
        object.iter().find_map(|(key, child)| {
            find(
                child,
                &format!("{at}/{}", escape(key)),
                in_callback || key == "callbacks",
            )
        })
    }
    find(spec.get("paths")?, "#/paths", false)
}
