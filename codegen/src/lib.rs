//! Turns an OpenAPI 3.0 document into one Rust source file of bindings.
//!
//! The heavy lifting is progenitor's. This crate checks the spec against the
//! conventions written in `spec/README.md`, then closes progenitor's gaps that a
//! real client cannot live with, all driven by the spec itself:
//!
//! - a `oneOf` with a `discriminator` becomes an enum dispatched on the tag,
//!   whose unknown tags land in an `Unknown` variant that keeps the raw JSON,
//!   and whose errors for a known tag name the tag and the field at fault;
//! - every named string enum becomes an *open* enum: an unknown value is kept;
//! - an optional `nullable` (or any-value) property becomes a tri-state `Option<Option<T>>`
//!   that sends `null` only when asked to, as PATCH needs;
//! - an optional array or map is an `Option` of it, so an empty one and an
//!   absent one stay different on the wire;
//! - every operation sends through the shared runtime (`bindings-runtime`):
//!   each path parameter is one segment (empty, `.` and `..` refused), no
//!   `api-version` header, and `Runtime::execute` instead of progenitor's
//!   hooks (see `client.rs`);
//! - every struct gets `new(required…)` and a `with_<property>` setter per
//!   property, and is `#[non_exhaustive]`: the compiler checks the required
//!   properties, and a property added to the spec breaks no caller.
//!
//! The output is formatted with prettyplease and is byte-for-byte reproducible.
//! The generated crate needs `bindings-runtime`, `progenitor-client`,
//! `reqwest`, `serde`, `serde_json`, `serde_path_to_error` and `chrono` as
//! dependencies, and builds its client's `inner` state (a
//! `bindings_runtime::Runtime`) itself.

mod client;
mod construct;
mod dispatch;
mod emit;
mod patch;
mod spec;
pub mod targets;
mod validate;

pub use dispatch::{DispatchOptions, dispatch};

use std::fmt;

/// What went wrong while generating.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text is not YAML or JSON.
    #[error("the spec is not valid YAML: {0}")]
    Parse(String),
    /// The text is YAML but not an OpenAPI 3.0 document progenitor can read.
    #[error("the spec is not an OpenAPI 3.0 document: {0}")]
    OpenApi(String),
    /// The spec breaks conventions the generator relies on (one line each).
    #[error("the spec breaks the generator's conventions:\n  {}", .0.join("\n  "))]
    Conventions(Vec<String>),
    /// progenitor refused the spec.
    #[error("progenitor: {0}")]
    Progenitor(String),
    /// progenitor's output did not have the shape the generator edits.
    #[error("editing progenitor's output: {0}")]
    Patch(String),
}

/// How to generate one crate's bindings.
#[derive(Clone, Debug)]
pub struct Options {
    /// The Rust path of the module the generated file becomes, such as
    /// `crate::generated`: the types the generator writes itself are named
    /// through it.
    pub module_path: String,
    /// The spec's path as the header should name it, such as `spec/amio.yaml`.
    pub spec_name: String,
    /// The command that regenerates the file, named in its header.
    pub regen_command: String,
    /// The Cargo feature the client is behind, such as `client`: every item
    /// but the `types` module gets `#[cfg(feature = "…")]`, so that the
    /// types build without an HTTP client. `None`: no feature.
    pub client_feature: Option<String>,
}

/// The generator's view of a spec, before any code is written: counts of what
/// it will write itself. Useful for reports and tests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// Discriminated unions, by schema name.
    pub unions: Vec<String>,
    /// Open string enums, by schema name.
    pub open_enums: Vec<String>,
    /// Tri-state properties, as `Schema.property`.
    pub tri_states: Vec<String>,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} unions, {} open enums, {} tri-state properties",
            self.unions.len(),
            self.open_enums.len(),
            self.tri_states.len()
        )
    }
}

/// Loads and checks a spec without generating code.
pub fn check(spec_text: &str) -> Result<Summary, Error> {
    let raw = spec::load(spec_text)?;
    let analysis = spec::analyse(&raw)?;
    Ok(Summary {
        unions: analysis.unions.iter().map(|u| u.name.clone()).collect(),
        open_enums: analysis.enums.iter().map(|e| e.name.clone()).collect(),
        tri_states: analysis
            .tri_states
            .iter()
            .map(|t| format!("{}.{}", t.schema, t.property))
            .collect(),
    })
}

/// Generates the bindings for `spec_text` (YAML or JSON): the whole file,
/// header included.
pub fn generate(spec_text: &str, options: &Options) -> Result<String, Error> {
    let raw = spec::load(spec_text)?;
    let analysis = spec::analyse(&raw)?;
    let mut prepared = spec::prepare(raw.clone(), &analysis);
    validate::strip(&mut prepared);
    let construction = construct::plan(&mut prepared, &analysis);
    let openapi: openapiv3::OpenAPI =
        serde_yaml::from_value(prepared).map_err(|e| Error::OpenApi(e.to_string()))?;

    let mut settings = progenitor::GenerationSettings::new();
    settings
        .with_interface(progenitor::InterfaceStyle::Positional)
        .with_tag(progenitor::TagStyle::Merged)
        .with_derive("PartialEq");
    let runtime: proc_macro2::TokenStream = client::RUNTIME_TYPE
        .parse()
        .map_err(|e| Error::Progenitor(format!("runtime type: {e}")))?;
    settings.with_inner_type(runtime);
    let types_path = format!("{}::types", options.module_path);
    for open_enum in &analysis.enums {
        let name = emit::type_name(&open_enum.name);
        settings.with_replacement(
            &name,
            format!("{types_path}::{name}"),
            [progenitor::TypeImpl::Display, progenitor::TypeImpl::FromStr].into_iter(),
        );
    }
    for union in &analysis.unions {
        let name = emit::type_name(&union.name);
        settings.with_replacement(&name, format!("{types_path}::{name}"), [].into_iter());
    }

    let mut generator = progenitor::Generator::new(&settings);
    let tokens = generator
        .generate_tokens(&openapi)
        .map_err(|e| Error::Progenitor(e.to_string()))?;
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| Error::Patch(format!("progenitor's output: {e}")))?;
    patch::add_types(&mut file, emit::items(&analysis)?)?;
    patch::optional_collections(&mut file)?;
    patch::tri_states(&mut file, &analysis.tri_states)?;
    patch::derive_default(&mut file)?;
    client::patch(&mut file)?;
    let checks = validate::items(&raw, &analysis, &mut file)?;
    patch::add_types(&mut file, checks.items)?;
    validate::check_before_sending(&mut file, &checks.roots)?;
    construct::apply(&mut file, &construction)?;
    if let Some(feature) = &options.client_feature {
        client::behind_feature(&mut file, feature)?;
    }

    let body = prettyplease::unparse(&file);
    Ok(format!(
        "// Generated by `{command}` from `{spec}`. Do not edit by hand:\n\
         // change the spec or the generator (`codegen/`) and run `{command}`.\n\n{body}",
        command = options.regen_command,
        spec = options.spec_name,
    ))
}

/// Generates a registry of the bindings' types, for data-driven tests: a
/// function that deserializes a JSON value into the type generated for a
/// named schema and serializes it back. `types_path` is the Rust path of the
/// bindings' `types` module, such as `amio::types`.
pub fn registry(spec_text: &str, spec_name: &str, types_path: &str) -> Result<String, Error> {
    let raw = spec::load(spec_text)?;
    spec::analyse(&raw)?;
    let names = spec::schema_names(&raw);
    let types_path: syn::Path = syn::parse_str(types_path)
        .map_err(|e| Error::Patch(format!("types path `{types_path}`: {e}")))?;
    let arms = names.iter().map(|name| {
        let ty = proc_macro2::Ident::new(&emit::type_name(name), proc_macro2::Span::call_site());
        quote::quote! { #name => round_trip_as::<#types_path::#ty>(value), }
    });
    let tokens = quote::quote! {
        /// Every schema under `components/schemas`, in spec order.
        pub const SCHEMAS: &[&str] = &[#(#names),*];

        /// Deserializes `value` into the type generated for `schema` and
        /// serializes it back; `None` when the spec has no such schema. A
        /// deserialization error names the JSON path at fault (`$.a.b[0]`).
        pub fn round_trip(
            schema: &str,
            value: ::serde_json::Value,
        ) -> ::std::option::Option<::std::result::Result<::serde_json::Value, ::std::string::String>> {
            Some(match schema {
                #(#arms)*
                _ => return None,
            })
        }

        fn round_trip_as<T>(
            value: ::serde_json::Value,
        ) -> ::std::result::Result<::serde_json::Value, ::std::string::String>
        where
            T: ::serde::de::DeserializeOwned + ::serde::Serialize,
        {
            let typed: T = ::serde_path_to_error::deserialize(value).map_err(|error| {
                let path = match error.path().to_string() {
                    root if root == "." => "$".to_owned(),
                    path => format!("$.{path}"),
                };
                format!("at {path}: {}", error.into_inner())
            })?;
            ::serde_json::to_value(&typed).map_err(|error| format!("serializing: {error}"))
        }
    };
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| Error::Patch(format!("registry: {e}")))?;
    Ok(format!(
        "// Generated by `{command}` from `{spec_name}`. Do not edit by hand:\n\
         // change the spec and run `{command}`.\n\n{body}",
        command = targets::REGEN_COMMAND,
        body = prettyplease::unparse(&file),
    ))
}
