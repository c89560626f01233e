//! What the spec says about a request: which operation a method and path
//! are, and whether its parameters and body fit their schemas. Nothing here
//! knows an operation by name; the handlers do.

use std::collections::BTreeMap;

use axum::http::Method;
use messaging_openapi::Document;
use messaging_openapi::schema::Schemas;
use messaging_openapi::spec::Shape;
use serde_json::Value;

/// One problem with a request, as the API reports it: the field at fault
/// (dotted, `contact.phone_number`, `destination[0].msisdn`), the value
/// rejected and what is wrong.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct FieldProblem {
    /// The field, or `None` when the problem is the whole body.
    pub(crate) field: Option<String>,
    /// The JSON pointer of the field in the body (empty for a parameter).
    pub(crate) pointer: String,
    /// The JSON Schema keyword that failed (`required`, `type`, `maxItems`).
    pub(crate) keyword: String,
    /// The value refused (`null` when it is missing).
    pub(crate) rejected_value: Value,
    /// What is wrong, in words.
    pub(crate) message: String,
}

/// Why a request was refused before its handler ran.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Refusal {
    /// It cannot be understood: no body where one is required, a body that
    /// is not JSON, a parameter given twice.
    BadRequest(String, Option<String>),
    /// It is understood but does not fit the spec: every problem found.
    Invalid(Vec<FieldProblem>),
}

/// A parameter of an operation, with the JSON pointer of its schema.
#[derive(Clone, Debug)]
pub(crate) struct Param {
    name: String,
    location: String,
    required: bool,
    schema: Option<String>,
    default: Option<Value>,
    type_: Option<String>,
}

#[derive(Clone, Debug)]
enum Segment {
    Literal(String),
    Param(String),
}

/// One operation of the spec, ready to match requests.
#[derive(Clone, Debug)]
pub(crate) struct Route {
    /// Its `operationId`.
    pub(crate) id: String,
    method: Method,
    segments: Vec<Segment>,
    params: Vec<Param>,
    body: Option<(Shape, bool)>,
}

/// What a request turned out to be.
#[derive(Debug)]
pub(crate) enum Found<'a> {
    /// An operation, with the values of its path parameters.
    Route(&'a Route, BTreeMap<String, String>),
    /// A path of the spec, but not with this method: the methods it has.
    MethodNotAllowed(Vec<Method>),
    /// No path of the spec.
    NoPath,
}

/// A request's parameters and body, read and checked.
#[derive(Clone, Debug, Default)]
pub(crate) struct Inputs {
    /// Path parameters, decoded.
    pub(crate) path: BTreeMap<String, String>,
    /// Query parameters the operation documents, typed as their schemas say,
    /// with the schema's `default` for the ones not given.
    pub(crate) query: BTreeMap<String, Value>,
    /// The JSON body.
    pub(crate) body: Option<Value>,
}

impl Inputs {
    /// The path parameter `name` (the route guarantees it).
    pub(crate) fn path(&self, name: &str) -> &str {
        self.path.get(name).map_or("", String::as_str)
    }

    /// The query parameter `name` as an integer, if given or defaulted.
    pub(crate) fn query_u64(&self, name: &str) -> Option<u64> {
        self.query.get(name).and_then(Value::as_u64)
    }
}

/// Every operation of one API.
#[derive(Debug)]
pub(crate) struct Routes {
    base_path: String,
    routes: Vec<Route>,
}

/// Resolves a local `$ref` once, giving the pointer it points at.
fn resolve<'a>(spec: &'a Value, value: &'a Value, at: String) -> (&'a Value, String) {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) if reference.starts_with("#/") => match spec.pointer(&reference[1..]) {
            Some(target) => (target, reference[1..].to_owned()),
            None => (value, at),
        },
        _ => (value, at),
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn read_params(spec: &Value, path: &str, method: &str) -> Vec<Param> {
    let item_at = format!("/paths/{}", escape(path));
    let mut params: Vec<Param> = Vec::new();
    for at in [
        format!("{item_at}/parameters"),
        format!("{item_at}/{method}/parameters"),
    ] {
        let Some(list) = spec.pointer(&at).and_then(Value::as_array) else {
            continue;
        };
        for (i, parameter) in list.iter().enumerate() {
            let (parameter, pointer) = resolve(spec, parameter, format!("{at}/{i}"));
            let (Some(name), Some(location)) = (
                parameter.get("name").and_then(Value::as_str),
                parameter.get("in").and_then(Value::as_str),
            ) else {
                continue;
            };
            let schema = parameter.get("schema").map(|schema| {
                let (_, at) = resolve(spec, schema, format!("{pointer}/schema"));
                at
            });
            let schema_value = schema.as_deref().and_then(|at| spec.pointer(at));
            params.retain(|p| !(p.name == name && p.location == location));
            params.push(Param {
                name: name.to_owned(),
                location: location.to_owned(),
                required: parameter.get("required") == Some(&Value::Bool(true)),
                default: schema_value.and_then(|s| s.get("default")).cloned(),
                type_: schema_value
                    .and_then(|s| s.get("type"))
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                schema: schema.map(|at| format!("#{at}")),
            });
        }
    }
    params
}

impl Routes {
    /// The routes of every operation of `suite`; an error names each
    /// operation `handled` does not list (an operation the simulator cannot
    /// answer is refused at start, never a 404 at run time).
    pub(crate) fn new(suite: &Document, handled: &[&str]) -> Result<Self, String> {
        let mut routes = Vec::new();
        let mut missing = Vec::new();
        for operation in &suite.operations {
            if !handled.contains(&operation.id.as_str()) {
                missing.push(operation.id.clone());
                continue;
            }
            let method = Method::from_bytes(operation.method.as_bytes())
                .map_err(|e| format!("{}: {e}", operation.id))?;
            let segments = operation
                .path
                .split('/')
                .filter(|s| !s.is_empty())
                .map(
                    |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                        Some(name) => Segment::Param(name.to_owned()),
                        None => Segment::Literal(s.to_owned()),
                    },
                )
                .collect();
            let body_required = suite
                .spec
                .pointer(&format!(
                    "/paths/{}/{}/requestBody",
                    escape(&operation.path),
                    operation.method.to_lowercase()
                ))
                .map(|body| {
                    let (body, _) = resolve(&suite.spec, body, String::new());
                    body.get("required") == Some(&Value::Bool(true))
                })
                .unwrap_or(false);
            routes.push(Route {
                id: operation.id.clone(),
                method,
                segments,
                params: read_params(
                    &suite.spec,
                    &operation.path,
                    &operation.method.to_lowercase(),
                ),
                body: operation
                    .request
                    .as_ref()
                    .map(|r| (r.shape.clone(), body_required)),
            });
        }
        if !missing.is_empty() {
            return Err(format!(
                "{}: the simulator has no handler for {}",
                suite.path,
                missing.join(", ")
            ));
        }
        Ok(Self {
            base_path: suite.base_path.clone(),
            routes,
        })
    }

    /// The path of the API's server URL (`/v1` for Amio, empty for Webex
    /// Connect).
    pub(crate) fn base_path(&self) -> &str {
        &self.base_path
    }

    /// The operation `method` and `path` (with the base path) are.
    pub(crate) fn find(&self, method: &Method, path: &str) -> Found<'_> {
        let Some(rest) = path.strip_prefix(&self.base_path) else {
            return Found::NoPath;
        };
        let segments: Option<Vec<String>> = rest
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8()
                    .ok()
                    .map(|s| s.into_owned())
            })
            .collect();
        let Some(segments) = segments else {
            return Found::NoPath;
        };
        let mut allowed = Vec::new();
        for route in &self.routes {
            let Some(params) = route.matches(&segments) else {
                continue;
            };
            if route.method == *method {
                return Found::Route(route, params);
            }
            allowed.push(route.method.clone());
        }
        if allowed.is_empty() {
            Found::NoPath
        } else {
            Found::MethodNotAllowed(allowed)
        }
    }
}

/// The dotted name of the field at a JSON pointer of `body`:
/// `/destination/0/msisdn` is `destination[0].msisdn`.
pub(crate) fn field_name(body: &Value, pointer: &str) -> Option<String> {
    if pointer.is_empty() {
        return None;
    }
    let mut name = String::new();
    let mut at = Some(body);
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        match at {
            Some(Value::Array(items)) => {
                name.push_str(&format!("[{token}]"));
                at = token.parse::<usize>().ok().and_then(|i| items.get(i));
            }
            other => {
                if !name.is_empty() {
                    name.push('.');
                }
                name.push_str(&token);
                at = other.and_then(|v| v.get(&token));
            }
        }
    }
    Some(name)
}

impl Route {
    fn matches(&self, segments: &[String]) -> Option<BTreeMap<String, String>> {
        if segments.len() != self.segments.len() {
            return None;
        }
        let mut params = BTreeMap::new();
        for (segment, given) in self.segments.iter().zip(segments) {
            match segment {
                Segment::Literal(literal) if literal == given => {}
                Segment::Literal(_) => return None,
                Segment::Param(name) => {
                    params.insert(name.clone(), given.clone());
                }
            }
        }
        Some(params)
    }

    /// Reads the query and the body of a request to this route and checks
    /// them against the spec's schemas: every problem is reported, each
    /// naming its field.
    pub(crate) fn inputs(
        &self,
        schemas: &Schemas,
        path: BTreeMap<String, String>,
        query: Option<&str>,
        body: &[u8],
    ) -> Result<Inputs, Refusal> {
        let mut inputs = Inputs {
            path,
            ..Inputs::default()
        };
        let mut problems = Vec::new();
        let mut given: BTreeMap<String, String> = BTreeMap::new();
        for (name, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            let documented = self
                .params
                .iter()
                .any(|p| p.location == "query" && p.name == name);
            if documented && given.contains_key(name.as_ref()) {
                return Err(Refusal::BadRequest(
                    format!("Query parameter '{name}' is given more than once."),
                    Some(name.into_owned()),
                ));
            }
            given.insert(name.into_owned(), value.into_owned());
        }
        for param in self.params.iter().filter(|p| p.location == "query") {
            let Some(text) = given.get(&param.name) else {
                if let Some(default) = &param.default {
                    inputs.query.insert(param.name.clone(), default.clone());
                } else if param.required {
                    problems.push(FieldProblem {
                        field: Some(param.name.clone()),
                        pointer: String::new(),
                        keyword: "required".to_owned(),
                        rejected_value: Value::Null,
                        message: format!("Parameter '{}' is required.", param.name),
                    });
                }
                continue;
            };
            let typed = match param.type_.as_deref() {
                Some("integer") => text.parse::<i64>().ok().map(Value::from),
                Some("number") => text
                    .parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                    .map(Value::Number),
                Some("boolean") => text.parse::<bool>().ok().map(Value::Bool),
                _ => Some(Value::String(text.clone())),
            };
            let Some(typed) = typed else {
                problems.push(FieldProblem {
                    field: Some(param.name.clone()),
                    pointer: String::new(),
                    keyword: "type".to_owned(),
                    rejected_value: Value::String(text.clone()),
                    message: format!(
                        "Parameter '{}' must be of type {}.",
                        param.name,
                        param.type_.as_deref().unwrap_or("string")
                    ),
                });
                continue;
            };
            if let Some(schema) = &param.schema {
                let found = schemas
                    .problems(&Shape::Inline(schema.clone()), &typed)
                    .map_err(|e| Refusal::BadRequest(e, None))?;
                for problem in found {
                    problems.push(FieldProblem {
                        field: Some(param.name.clone()),
                        pointer: String::new(),
                        keyword: problem.keyword,
                        rejected_value: typed.clone(),
                        message: format!("Parameter '{}': {}.", param.name, problem.message),
                    });
                }
            }
            inputs.query.insert(param.name.clone(), typed);
        }
        match &self.body {
            None => {}
            Some((_, true)) if body.iter().all(u8::is_ascii_whitespace) => {
                return Err(Refusal::BadRequest(
                    "A request body is required.".to_owned(),
                    None,
                ));
            }
            Some((_, false)) if body.iter().all(u8::is_ascii_whitespace) => {}
            Some((shape, _)) => {
                let value = crate::json::parse(body).map_err(|e| {
                    Refusal::BadRequest(
                        format!("Request body is not a valid JSON document: {e}."),
                        None,
                    )
                })?;
                let found = schemas
                    .problems(shape, &value)
                    .map_err(|e| Refusal::BadRequest(e, None))?;
                for problem in found {
                    let field = field_name(&value, &problem.pointer);
                    let message = match (&field, problem.keyword.as_str()) {
                        (Some(field), "required") => format!("Property '{field}' is required."),
                        (Some(field), _) => {
                            format!("Property '{field}' is invalid: {}.", problem.message)
                        }
                        (None, _) => format!("Request body is invalid: {}.", problem.message),
                    };
                    problems.push(FieldProblem {
                        rejected_value: value
                            .pointer(&problem.pointer)
                            .cloned()
                            .unwrap_or(Value::Null),
                        field,
                        pointer: problem.pointer,
                        keyword: problem.keyword,
                        message,
                    });
                }
                inputs.body = Some(value);
            }
        }
        problems.dedup_by(|a, b| a.field == b.field && a.message == b.message);
        if problems.is_empty() {
            Ok(inputs)
        } else {
            Err(Refusal::Invalid(problems))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn field_names_are_dotted_with_indices() {
        let body = json!({"destination": [{"msisdn": ["1"]}], "a": {"b/c": 1}});
        assert_eq!(
            field_name(&body, "/destination/0/msisdn").as_deref(),
            Some("destination[0].msisdn")
        );
        assert_eq!(field_name(&body, "/a/b~1c").as_deref(), Some("a.b/c"));
        assert_eq!(field_name(&body, "/missing").as_deref(), Some("missing"));
        assert_eq!(field_name(&body, ""), None);
    }
}
