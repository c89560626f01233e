//! The `operationId` → client method table of a spec, for data-driven tests:
//! one `match` arm per operation, calling the method progenitor generates for
//! it with arguments read from JSON.
//!
//! The table is written from the spec alone (as oxide.rs writes its CLI), so
//! that a new operation needs no hand edit. It names the method after the
//! `operationId` and passes, in progenitor's positional order, the path
//! parameters (in the order of the path template, as strings), the query
//! parameters (in spec order, deserialized into whatever type the method
//! takes) and the request body (likewise).

use serde_yaml::Value;

use crate::Error;
use crate::spec::load;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Where the generated table finds what it calls.
#[derive(Clone, Debug)]
pub struct DispatchOptions {
    /// The Rust path of the module holding the shared helpers: `Input`,
    /// `DispatchError`, `IntoOutcome` and the functions `text`, `param` and
    /// `body`, such as `crate::dispatch`.
    pub support_path: &'static str,
    /// The Rust path of the module holding the API's `Caller` (what the
    /// methods are called on) and `Outcome` (what a call gives), such as
    /// `super`.
    pub api_path: &'static str,
}

/// One argument of an operation's method, in call order.
enum Argument {
    /// A path parameter, passed as `&str`.
    Path(String),
    /// A query parameter, deserialized into the method's parameter type.
    Query(String),
    /// The request body, deserialized and passed by reference.
    Body,
}

struct Call {
    id: String,
    arguments: Vec<Argument>,
}

fn get<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    value.as_mapping().and_then(|m| m.get(key))
}

/// Resolves a local `$ref` once.
fn resolve<'a>(spec: &'a Value, value: &'a Value) -> Result<&'a Value, String> {
    let Some(reference) = get(value, "$ref").and_then(Value::as_str) else {
        return Ok(value);
    };
    let pointer = reference
        .strip_prefix("#/")
        .ok_or_else(|| format!("`{reference}` is not a local reference"))?;
    pointer
        .split('/')
        .try_fold(spec, |at, key| {
            get(at, &key.replace("~1", "/").replace("~0", "~"))
        })
        .ok_or_else(|| format!("`{reference}` points at nothing"))
}

/// Every operation of the spec, in spec order, with its arguments.
fn calls(spec: &Value) -> Result<Vec<Call>, Error> {
    let mut calls = Vec::new();
    let mut problems = Vec::new();
    let paths = get(spec, "paths").and_then(Value::as_mapping);
    for (path, item) in paths.into_iter().flatten() {
        let path = path.as_str().unwrap_or_default();
        for method in METHODS {
            let Some(operation) = get(item, method) else {
                continue;
            };
            let at = format!("{} {path}", method.to_uppercase());
            match call(spec, path, item, operation) {
                Ok(call) => calls.push(call),
                Err(problem) => problems.push(format!("{at}: {problem}")),
            }
        }
    }
    if problems.is_empty() {
        Ok(calls)
    } else {
        Err(Error::Conventions(problems))
    }
}

fn call(spec: &Value, path: &str, item: &Value, operation: &Value) -> Result<Call, String> {
    let id = get(operation, "operationId")
        .and_then(Value::as_str)
        .ok_or("no operationId (it names the client method)")?
        .to_owned();
    // `(name, in)` of every parameter; an operation's replaces the path item's.
    let mut parameters: Vec<(String, String)> = Vec::new();
    for list in [get(item, "parameters"), get(operation, "parameters")] {
        for parameter in list.and_then(Value::as_sequence).into_iter().flatten() {
            let parameter = resolve(spec, parameter)?;
            let text = |key: &str| {
                get(parameter, key)
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .ok_or_else(|| format!("a parameter has no `{key}`"))
            };
            let (name, location) = (text("name")?, text("in")?);
            parameters.retain(|(n, l)| !(*n == name && *l == location));
            parameters.push((name, location));
        }
    }
    let mut arguments = Vec::new();
    // Path parameters in the order the template names them.
    for segment in path.split('{').skip(1) {
        let name = segment
            .split_once('}')
            .map(|(name, _)| name)
            .ok_or_else(|| format!("an unclosed `{{` in {path}"))?;
        if !parameters.iter().any(|(n, l)| n == name && l == "path") {
            return Err(format!("path parameter `{name}` is not declared"));
        }
        arguments.push(Argument::Path(name.to_owned()));
    }
    for (name, location) in &parameters {
        match location.as_str() {
            "path" | "header" | "cookie" => {}
            "query" => arguments.push(Argument::Query(name.clone())),
            other => return Err(format!("parameter `{name}` is `in: {other}`")),
        }
    }
    if get(operation, "requestBody").is_some() {
        arguments.push(Argument::Body);
    }
    Ok(Call { id, arguments })
}

/// Generates the dispatch table of `spec_text`: `OPERATIONS`, every
/// `operationId` in spec order, and `call`, which calls the client method of
/// an `operationId` with arguments taken from an `Input`.
pub fn dispatch(
    spec_text: &str,
    spec_name: &str,
    options: &DispatchOptions,
) -> Result<String, Error> {
    let spec = load(spec_text)?;
    let calls = calls(&spec)?;
    let path = |text: &str| -> Result<syn::Path, Error> {
        syn::parse_str(text).map_err(|e| Error::Patch(format!("path `{text}`: {e}")))
    };
    let support = path(options.support_path)?;
    let api = path(options.api_path)?;
    let ids: Vec<&str> = calls.iter().map(|c| c.id.as_str()).collect();
    // Only the helpers the arms use, so that the file compiles without warnings.
    let used =
        |wanted: fn(&Argument) -> bool| calls.iter().any(|call| call.arguments.iter().any(wanted));
    let mut helpers = Vec::new();
    for (name, wanted) in [
        (
            "body",
            (|a| matches!(a, Argument::Body)) as fn(&Argument) -> bool,
        ),
        ("param", |a| matches!(a, Argument::Query(_))),
        ("text", |a| matches!(a, Argument::Path(_))),
    ] {
        if used(wanted) {
            helpers.push(proc_macro2::Ident::new(
                name,
                proc_macro2::Span::call_site(),
            ));
        }
    }
    let arms = calls.iter().map(|call| {
        let id = &call.id;
        let method = proc_macro2::Ident::new(id, proc_macro2::Span::call_site());
        let arguments = call.arguments.iter().map(|argument| match argument {
            Argument::Path(name) => quote::quote! { text(input, #name)? },
            Argument::Query(name) => quote::quote! { param(input, #name)? },
            Argument::Body => quote::quote! { &body(input)? },
        });
        quote::quote! {
            #id => client.#method(#(#arguments),*).await.into_outcome(),
        }
    });
    let tokens = quote::quote! {
        use #support::{#(#helpers,)* DispatchError, Input, IntoOutcome};
        use #api::{Caller, Outcome};

        /// Every `operationId` of the spec, in spec order: the operations
        /// [`call`] can call.
        pub const OPERATIONS: &[&str] = &[#(#ids),*];

        /// Calls the client method of `operation` (named after it) with the
        /// arguments in `input`: the path parameters as strings, the query
        /// parameters and the body deserialized into the method's types.
        pub async fn call(
            client: &Caller<'_>,
            operation: &str,
            input: &Input,
        ) -> ::std::result::Result<Outcome, DispatchError> {
            match operation {
                #(#arms)*
                other => Err(DispatchError::UnknownOperation(other.to_owned())),
            }
        }
    };
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| Error::Patch(format!("dispatch table: {e}")))?;
    Ok(crate::with_header(
        spec_name,
        crate::REGEN_COMMAND,
        &prettyplease::unparse(&file),
    ))
}
