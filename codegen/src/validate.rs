//! Direction-aware constraints: strict on what we send, lenient on what we
//! receive.
//!
//! typify turns `maxLength` (and `pattern`, and `minimum` on integers) into
//! types that refuse a value while it is deserialized, so a server value
//! would be refused for a rule that exists to stop the client from sending
//! it. This module keeps those keywords away from progenitor ([`strip`]) and
//! writes them instead, for every type a request can carry, as an
//! implementation of `bindings_runtime::validate::Validate` ([`items`]),
//! which the generated operation methods run before sending
//! ([`check_before_sending`]). It also writes each keyword's value as an
//! associated constant of its type, for the hand-written code that needs a
//! limit, and calls the hand-written `Rules` of the schemas that list
//! `x-rules`.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use serde_yaml::{Mapping, Value};
use syn::{Fields, File, GenericArgument, ImplItem, Item, PathArguments, Type};

use crate::Error;
use crate::emit::type_name;
use crate::spec::{Analysis, SCHEMA_REF_PREFIX};

/// The keywords checked before sending and never while deserializing.
pub(crate) const KEYWORDS: [&str; 10] = [
    "maxLength",
    "minLength",
    "maxItems",
    "minItems",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    MAX_BYTES,
];

/// The spec's own keyword: at most this many bytes (UTF-8 for a string,
/// compact JSON for any other value).
pub(crate) const MAX_BYTES: &str = "x-max-bytes";

/// The spec's own keyword: rules no schema keyword can say, one sentence each
/// with its source; the crate implements them by hand (`Rules`).
pub(crate) const RULES: &str = "x-rules";

const RUNTIME: &str = "::bindings_runtime::validate";

fn get<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    value.as_mapping().and_then(|m| m.get(key))
}

fn schema_ref(value: &Value) -> Option<&str> {
    get(value, "$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix(SCHEMA_REF_PREFIX))
}

fn has_keyword(schema: &Value) -> bool {
    KEYWORDS.iter().any(|k| get(schema, k).is_some())
}

/// Data, not schemas: never walked.
const DATA_KEYS: [&str; 5] = ["example", "examples", "x-examples", "enum", "default"];

/// Removes the constraint keywords from every schema progenitor reads, except
/// those of operation parameters, which are only ever sent (typify makes
/// `minimum: 1` a `NonZero` integer, a check before sending too).
pub(crate) fn strip(spec: &mut Value) {
    fn walk(value: &mut Value) {
        match value {
            Value::Mapping(map) => {
                for keyword in KEYWORDS {
                    map.remove(keyword);
                }
                map.remove(RULES);
                for (key, child) in map.iter_mut() {
                    match key.as_str() {
                        Some(key) if DATA_KEYS.contains(&key) || key == "parameters" => {}
                        _ => walk(child),
                    }
                }
            }
            Value::Sequence(seq) => seq.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(spec);
}

/// The named schemas each schema refers to, anywhere inside it.
fn refs_in(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Mapping(map) => {
            for (key, child) in map {
                match key.as_str() {
                    Some("$ref") => {
                        if let Some(name) = child
                            .as_str()
                            .and_then(|r| r.strip_prefix(SCHEMA_REF_PREFIX))
                        {
                            out.insert(name.to_owned());
                        }
                    }
                    Some(key) if DATA_KEYS.contains(&key) => {}
                    _ => refs_in(child, out),
                }
            }
        }
        Value::Sequence(seq) => seq.iter().for_each(|v| refs_in(v, out)),
        _ => {}
    }
}

/// Whether a schema has a constraint keyword anywhere inside it (not through
/// a `$ref`), or `x-rules` at its top.
fn checks_itself(value: &Value) -> bool {
    match value {
        Value::Mapping(map) => {
            has_keyword(value)
                || map.iter().any(|(key, child)| match key.as_str() {
                    Some(key) if DATA_KEYS.contains(&key) => false,
                    _ => checks_itself(child),
                })
        }
        Value::Sequence(seq) => seq.iter().any(checks_itself),
        _ => false,
    }
}

/// The operations' request bodies, as named schemas (callbacks are what the
/// server sends, not requests).
fn request_roots(spec: &Value, problems: &mut Vec<String>) -> BTreeSet<String> {
    let mut roots = BTreeSet::new();
    let Some(paths) = get(spec, "paths").and_then(Value::as_mapping) else {
        return roots;
    };
    for (path, item) in paths {
        let Some(item) = item.as_mapping() else {
            continue;
        };
        for (method, operation) in item {
            let Some(body) = get(operation, "requestBody") else {
                continue;
            };
            let Some(content) = get(body, "content").and_then(Value::as_mapping) else {
                continue;
            };
            for (media, media_type) in content {
                let Some(schema) = get(media_type, "schema") else {
                    continue;
                };
                match schema_ref(schema) {
                    Some(name) => {
                        roots.insert(name.to_owned());
                    }
                    None => problems.push(format!(
                        "{} {}: the {} request body must be a $ref to a named schema (its checks before sending are written per schema)",
                        method.as_str().unwrap_or_default().to_uppercase(),
                        path.as_str().unwrap_or_default(),
                        media.as_str().unwrap_or_default(),
                    )),
                }
            }
        }
    }
    roots
}

/// What the checks are written from: the spec as written (keywords kept), the
/// analysis, and progenitor's `types` module.
struct Emitter<'a> {
    schemas: &'a Mapping,
    analysis: &'a Analysis,
    /// The items of progenitor's `types` module, by name.
    types: BTreeMap<String, &'a Item>,
    /// Named schemas whose values have something to check.
    needs: BTreeSet<String>,
    problems: Vec<String>,
    runtime: TokenStream,
}

/// The checks to add to the `types` module, and the request body types that
/// have a `Validate` implementation (the operation methods call it).
pub(crate) struct Output {
    pub(crate) items: TokenStream,
    pub(crate) roots: BTreeSet<String>,
}

/// Writes a `Validate` implementation for every named schema a request can
/// carry that has something to check (and for every request body), the
/// constants of every keyword, and the docs of the hand-written rules.
pub(crate) fn items(spec: &Value, analysis: &Analysis, file: &mut File) -> Result<Output, Error> {
    let empty = Mapping::new();
    let schemas = get(spec, "components")
        .and_then(|c| get(c, "schemas"))
        .and_then(Value::as_mapping)
        .unwrap_or(&empty);
    let mut problems = Vec::new();
    let roots = request_roots(spec, &mut problems);

    // Which named schemas have something to check, directly or through a reference.
    let mut refs = BTreeMap::<String, BTreeSet<String>>::new();
    let mut needs = BTreeSet::new();
    for (name, schema) in schemas {
        let Some(name) = name.as_str() else { continue };
        let mut out = BTreeSet::new();
        refs_in(schema, &mut out);
        refs.insert(name.to_owned(), out);
        if checks_itself(schema) || get(schema, RULES).is_some() {
            needs.insert(name.to_owned());
        }
    }
    loop {
        let more: Vec<String> = refs
            .iter()
            .filter(|(name, targets)| {
                !needs.contains(*name) && targets.iter().any(|t| needs.contains(t))
            })
            .map(|(name, _)| name.clone())
            .collect();
        if more.is_empty() {
            break;
        }
        needs.extend(more);
    }
    // Which named schemas a request can carry.
    let mut reachable = BTreeSet::new();
    let mut queue: Vec<String> = roots.iter().cloned().collect();
    while let Some(name) = queue.pop() {
        if reachable.insert(name.clone()) {
            queue.extend(refs.get(&name).into_iter().flatten().cloned());
        }
    }

    let types_items = crate::patch::types_module(file)?.clone();
    let emitter = Emitter {
        schemas,
        analysis,
        types: types_items
            .iter()
            .filter_map(|item| item_name(item).map(|name| (name, item)))
            .collect(),
        needs,
        problems,
        runtime: RUNTIME.parse().map_err(|e| Error::Patch(format!("{e}")))?,
    };
    let mut emitter = emitter;
    let mut out = TokenStream::new();
    for (name, schema) in schemas {
        let Some(name) = name.as_str() else { continue };
        out.extend(emitter.constants(name, schema));
        if get(schema, RULES).is_some() {
            emitter.rules_doc(name, schema, file)?;
        }
        let carried = reachable.contains(name);
        if carried && (emitter.needs.contains(name) || roots.contains(name)) {
            out.extend(emitter.validate_impl(name, schema));
        }
    }
    if emitter.problems.is_empty() {
        Ok(Output { items: out, roots })
    } else {
        Err(Error::Conventions(emitter.problems))
    }
}

fn item_name(item: &Item) -> Option<String> {
    match item {
        Item::Struct(s) => Some(s.ident.to_string()),
        Item::Enum(e) => Some(e.ident.to_string()),
        Item::Type(t) => Some(t.ident.to_string()),
        _ => None,
    }
}

/// The last segment's name of a path type: `crate::generated::types::Content` → `Content`.
fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The generic arguments of a path type's last segment.
fn generic_args(ty: &Type) -> Vec<&Type> {
    let Type::Path(path) = ty else {
        return Vec::new();
    };
    let Some(last) = path.path.segments.last() else {
        return Vec::new();
    };
    match &last.arguments {
        PathArguments::AngleBracketed(args) => args
            .args
            .iter()
            .filter_map(|arg| match arg {
                GenericArgument::Type(ty) => Some(ty),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn wrapper<'t>(ty: &'t Type, name: &str) -> Option<&'t Type> {
    (last_ident(ty).as_deref() == Some(name))
        .then(|| generic_args(ty).first().copied())
        .flatten()
}

/// The number a keyword holds, as a Rust literal of its constant's type and
/// as the `f64` the checks compare with.
fn number(value: &Value) -> Option<(TokenStream, TokenStream, f64)> {
    let Value::Number(n) = value else { return None };
    if let Some(i) = n.as_i64() {
        #[allow(clippy::cast_precision_loss, reason = "a bound from the spec")]
        let f = i as f64;
        Some((quote!(i64), quote!(#i), f))
    } else {
        let f = n.as_f64()?;
        Some((quote!(f64), quote!(#f), f))
    }
}

fn count(value: &Value) -> Option<usize> {
    value.as_u64().and_then(|n| usize::try_from(n).ok())
}

impl Emitter<'_> {
    /// The `impl T { pub const … }` of every keyword of a named schema, its
    /// properties and its items (not through references).
    fn constants(&mut self, name: &str, schema: &Value) -> TokenStream {
        let ty = type_name(name);
        if !self.types.contains_key(&ty) {
            return TokenStream::new();
        }
        let mut consts = Vec::new();
        collect_constants(schema, &mut Vec::new(), &mut consts);
        if consts.is_empty() {
            return TokenStream::new();
        }
        let ty = Ident::new(&ty, Span::call_site());
        let items = consts.into_iter().map(|(path, keyword, value)| {
            use heck::ToShoutySnakeCase;
            let mut words: Vec<String> = path.iter().map(|p| p.to_shouty_snake_case()).collect();
            words.push(keyword.to_shouty_snake_case());
            let ident = Ident::new(
                &words.join("_").replace("X_MAX_BYTES", "MAX_BYTES"),
                Span::call_site(),
            );
            let at = if path.is_empty() {
                format!("`{name}`")
            } else {
                format!("`{name}.{}`", path.join("."))
            };
            let doc = format!(" `{keyword}` of {at}, from the spec.");
            match keyword.as_str() {
                "minimum" | "maximum" => match number(&value) {
                    Some((ty, literal, _)) => {
                        quote! { #[doc = #doc] pub const #ident: #ty = #literal; }
                    }
                    None => TokenStream::new(),
                },
                "pattern" => match value.as_str() {
                    Some(pattern) => {
                        quote! { #[doc = #doc] pub const #ident: &'static str = #pattern; }
                    }
                    None => TokenStream::new(),
                },
                _ => match count(&value) {
                    Some(n) => quote! { #[doc = #doc] pub const #ident: usize = #n; },
                    None => TokenStream::new(),
                },
            }
        });
        quote! {
            impl #ty {
                #( #items )*
            }
        }
    }

    /// Adds the `x-rules` of a schema to its type's documentation.
    fn rules_doc(&mut self, name: &str, schema: &Value, file: &mut File) -> Result<(), Error> {
        let rules: Vec<&str> = get(schema, RULES)
            .and_then(Value::as_sequence)
            .map(|rules| rules.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if rules.is_empty() {
            self.problems.push(format!(
                "#/components/schemas/{name}/{RULES}: a list of sentences, one per rule, each naming its source"
            ));
            return Ok(());
        }
        let ty = type_name(name);
        let attrs = crate::patch::types_module(file)?
            .iter_mut()
            .find_map(|item| match item {
                Item::Struct(s) if s.ident == ty => Some(&mut s.attrs),
                Item::Enum(e) if e.ident == ty => Some(&mut e.attrs),
                _ => None,
            });
        let Some(attrs) = attrs else { return Ok(()) };
        let position = attrs
            .iter()
            .rposition(|a| a.path().is_ident("doc"))
            .map_or(0, |i| i + 1);
        let mut docs: Vec<syn::Attribute> = vec![
            syn::parse_quote!(#[doc = ""]),
            syn::parse_quote!(#[doc = " Checked before sending, beside the spec's keywords (hand-written, `Rules`):"]),
        ];
        for rule in rules {
            let line = format!(
                " - {}",
                rule.split_whitespace().collect::<Vec<_>>().join(" ")
            );
            docs.push(syn::parse_quote!(#[doc = #line]));
        }
        attrs.splice(position..position, docs);
        Ok(())
    }

    fn validate_impl(&mut self, name: &str, schema: &Value) -> TokenStream {
        let ty_name = type_name(name);
        let Some(item) = self.types.get(&ty_name).copied() else {
            self.problems.push(format!(
                "#/components/schemas/{name}: a request carries it, but progenitor wrote no type `{ty_name}`"
            ));
            return TokenStream::new();
        };
        let at = format!("#/components/schemas/{name}");
        let body = match item {
            Item::Struct(item) => match &item.fields {
                Fields::Named(fields) => {
                    let checks: Vec<TokenStream> = fields
                        .named
                        .iter()
                        .filter_map(|field| {
                            let ident = field.ident.as_ref()?;
                            let wire = crate::patch::wire_name(field)?;
                            let flatten = crate::patch::has_serde_word(field, "flatten");
                            let property = if flatten {
                                get(schema, "additionalProperties").filter(|v| v.is_mapping())
                            } else {
                                get(schema, "properties").and_then(|p| get(p, &wire))
                            }?;
                            let value = quote!(&self.#ident);
                            if flatten {
                                self.map_values(
                                    value,
                                    &field.ty,
                                    property,
                                    &format!("{at}/additionalProperties"),
                                )
                            } else {
                                let inner = self.check(
                                    value,
                                    &field.ty,
                                    property,
                                    &format!("{at}/properties/{wire}"),
                                )?;
                                Some(quote! { { let at = &at.key(#wire); #inner } })
                            }
                        })
                        .collect();
                    quote! { #( #checks )* }
                }
                Fields::Unnamed(fields) if fields.unnamed.len() == 1 => {
                    let field = &fields.unnamed[0];
                    self.check(quote!(&self.0), &field.ty, schema, &at)
                        .unwrap_or_default()
                }
                _ => {
                    self.problems.push(format!(
                        "{at}: its type `{ty_name}` has a shape the checks cannot walk"
                    ));
                    TokenStream::new()
                }
            },
            Item::Enum(item) => self.enum_checks(name, schema, item),
            _ => {
                if checks_itself(schema) {
                    self.problems.push(format!(
                        "{at}: its type `{ty_name}` is an alias the checks cannot walk"
                    ));
                }
                TokenStream::new()
            }
        };
        // Keywords on the object itself (not on a newtype, whose value is checked above).
        let whole = match item {
            Item::Struct(item) if matches!(item.fields, Fields::Unnamed(_)) => None,
            _ => get(schema, MAX_BYTES).and_then(count).map(|n| {
                let runtime = &self.runtime;
                quote! { #runtime::max_json_bytes(self, #n, at)?; }
            }),
        };
        let body = quote! { #whole #body };
        let rules = get(schema, RULES).is_some().then(|| {
            let runtime = &self.runtime;
            quote! { #runtime::Rules::check_rules(self, at)?; }
        });
        let runtime = &self.runtime;
        let ty = Ident::new(&ty_name, Span::call_site());
        let at_name = if body.is_empty() && rules.is_none() {
            quote!(_at)
        } else {
            quote!(at)
        };
        quote! {
            impl #runtime::Validate for #ty {
                fn validate_at(
                    &self,
                    #at_name: &#runtime::Path<'_>,
                ) -> ::std::result::Result<(), #runtime::ValidationError> {
                    #body
                    #rules
                    Ok(())
                }
            }
        }
    }

    /// A union: each variant whose type has something to check.
    fn enum_checks(&mut self, name: &str, schema: &Value, item: &syn::ItemEnum) -> TokenStream {
        let runtime = self.runtime.clone();
        let at = format!("#/components/schemas/{name}");
        if let Some(union) = self.analysis.unions.iter().find(|u| u.name == name) {
            let mut arms = Vec::new();
            let mut done = BTreeSet::new();
            for (value, variant) in &union.variants {
                if !self.needs.contains(variant) {
                    continue;
                }
                let Ok(ident) = crate::emit::variant_ident(value) else {
                    continue;
                };
                if done.insert(ident.to_string()) {
                    arms.push(quote! { Self::#ident(value) => #runtime::Validate::validate_at(value, at)?, });
                }
            }
            if arms.is_empty() {
                return TokenStream::new();
            }
            return quote! {
                match self {
                    #( #arms )*
                    _ => {}
                }
            };
        }
        // An untagged union (oneOf without a discriminator): its members must be named
        // schemas to be checked; progenitor names the variants after them.
        for combinator in ["oneOf", "anyOf"] {
            for (i, member) in get(schema, combinator)
                .and_then(Value::as_sequence)
                .into_iter()
                .flatten()
                .enumerate()
            {
                if schema_ref(member).is_none() && checks_itself(member) {
                    self.problems.push(format!(
                        "{at}/{combinator}/{i}: an inline member with constraints is not checked before sending; make it a named schema"
                    ));
                }
            }
        }
        let mut arms = Vec::new();
        for variant in &item.variants {
            let Fields::Unnamed(fields) = &variant.fields else {
                continue;
            };
            if fields.unnamed.len() != 1 {
                continue;
            }
            let mut ty = &fields.unnamed[0].ty;
            while let Some(inner) = wrapper(ty, "Box") {
                ty = inner;
            }
            let checked = last_ident(ty).is_some_and(|ident| {
                self.schemas
                    .keys()
                    .filter_map(Value::as_str)
                    .any(|schema| type_name(schema) == ident && self.needs.contains(schema))
            });
            if checked {
                let ident = &variant.ident;
                arms.push(
                    quote! { Self::#ident(value) => #runtime::Validate::validate_at(value, at)?, },
                );
            }
        }
        if arms.is_empty() {
            return TokenStream::new();
        }
        quote! {
            #[allow(unreachable_patterns)]
            match self {
                #( #arms )*
                _ => {}
            }
        }
    }

    /// The checks of one value (`value`, an expression of type `&ty`) against
    /// its schema; `None` when there is nothing to check. `at` in scope is the
    /// value's path.
    fn check(
        &mut self,
        value: TokenStream,
        ty: &Type,
        schema: &Value,
        at: &str,
    ) -> Option<TokenStream> {
        let runtime = self.runtime.clone();
        // Options (tri-state ones too) and boxes: check what is there.
        if let Some(inner) = wrapper(ty, "Option") {
            let checks = self.check(quote!(value), inner, schema, at)?;
            return Some(quote! { if let Some(value) = #value { #checks } });
        }
        if let Some(inner) = wrapper(ty, "Box") {
            return self.check(quote!(&**#value), inner, schema, at);
        }
        // A reference: the referenced type checks itself.
        if let Some(target) = schema_ref(schema) {
            return self
                .needs
                .contains(target)
                .then(|| quote! { #runtime::Validate::validate_at(#value, at)?; });
        }
        let mut checks = Vec::new();
        // `value` as an argument, `receiver` before a method call.
        let receiver = parenthesized(value.clone());
        // `allOf: [$ref]` (a reference with a description or keywords beside it).
        if let Some(all_of) = get(schema, "allOf").and_then(Value::as_sequence) {
            if all_of.len() != 1 {
                if checks_itself(schema)
                    || all_of
                        .iter()
                        .filter_map(schema_ref)
                        .any(|t| self.needs.contains(t))
                {
                    self.problems.push(format!(
                        "{at}/allOf: only `allOf` with one member is checked before sending"
                    ));
                }
            } else if let Some(inner) =
                self.check(value.clone(), ty, &all_of[0], &format!("{at}/allOf/0"))
            {
                checks.push(inner);
            }
        }
        for combinator in ["oneOf", "anyOf"] {
            if get(schema, combinator).is_some_and(checks_itself) {
                self.problems.push(format!(
                    "{at}/{combinator}: an inline union with constraints is not checked before sending; make it a named schema"
                ));
            }
        }
        let is_string = get(schema, "type").and_then(Value::as_str) == Some("string");
        let as_str = quote! { ::std::convert::AsRef::<str>::as_ref(#value) };
        if let Some(n) = get(schema, "maxLength").and_then(count) {
            checks.push(quote! { #runtime::max_length(#as_str, #n, at)?; });
        }
        if let Some(n) = get(schema, "minLength").and_then(count) {
            checks.push(quote! { #runtime::min_length(#as_str, #n, at)?; });
        }
        if let Some(pattern) = get(schema, "pattern") {
            match pattern.as_str() {
                Some(pattern) if regex_lite::Regex::new(pattern).is_ok() => checks.push(quote! {
                    {
                        static PATTERN: #runtime::Pattern = #runtime::Pattern::new(#pattern);
                        PATTERN.check(#as_str, at)?;
                    }
                }),
                _ => self
                    .problems
                    .push(format!("{at}/pattern: not a regular expression")),
            }
        }
        if let Some(n) = get(schema, MAX_BYTES).and_then(count) {
            if is_string {
                checks.push(quote! { #runtime::max_bytes(#as_str, #n, at)?; });
            } else {
                checks.push(quote! { #runtime::max_json_bytes(#value, #n, at)?; });
            }
        }
        for (keyword, exclusive, function) in [
            ("minimum", "exclusiveMinimum", quote!(minimum)),
            ("maximum", "exclusiveMaximum", quote!(maximum)),
        ] {
            if let Some((_, _, bound)) = get(schema, keyword).and_then(number) {
                let exclusive = get(schema, exclusive)
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                checks.push(quote! { #runtime::#function(*#value, #bound, #exclusive, at)?; });
            }
        }
        // Arrays: their size, then each item.
        let items = get(schema, "items");
        let max_items = get(schema, "maxItems").and_then(count);
        let min_items = get(schema, "minItems").and_then(count);
        if max_items.is_some() || min_items.is_some() || items.is_some() {
            let element = wrapper(ty, "Vec");
            if let Some(n) = max_items {
                checks.push(quote! { #runtime::max_items(#receiver.len(), #n, at)?; });
            }
            if let Some(n) = min_items {
                checks.push(quote! { #runtime::min_items(#receiver.len(), #n, at)?; });
            }
            if let Some(items) = items {
                match element {
                    Some(element) => {
                        if let Some(inner) =
                            self.check(quote!(value), element, items, &format!("{at}/items"))
                        {
                            checks.push(quote! {
                                for (index, value) in #receiver.iter().enumerate() {
                                    let at = &at.index(index);
                                    #inner
                                }
                            });
                        }
                    }
                    None => {
                        if checks_itself(items)
                            || schema_ref(items).is_some_and(|t| self.needs.contains(t))
                        {
                            self.problems.push(format!(
                                "{at}/items: the items are not a Rust `Vec` the checks can walk"
                            ));
                        }
                    }
                }
            }
        }
        // An inline object: progenitor wrote a struct for it; walk its fields.
        if let Some(properties) = get(schema, "properties").and_then(Value::as_mapping)
            && properties
                .values()
                .any(|p| checks_itself(p) || schema_ref(p).is_some_and(|t| self.needs.contains(t)))
        {
            match last_ident(ty).and_then(|name| self.types.get(&name).copied()) {
                Some(Item::Struct(item)) => {
                    if let Fields::Named(fields) = &item.fields {
                        for field in &fields.named {
                            let (Some(ident), Some(wire)) = (field.ident.as_ref(), crate::patch::wire_name(field)) else {
                                continue;
                            };
                            let Some(property) = properties.get(wire.as_str()) else { continue };
                            if let Some(inner) = self.check(quote!(&value.#ident), &field.ty, property, &format!("{at}/properties/{wire}")) {
                                checks.push(quote! { { let at = &at.key(#wire); let value = #value; #inner } });
                            }
                        }
                    }
                }
                _ => self.problems.push(format!(
                    "{at}: an inline object with constraints whose type the checks cannot find; make it a named schema"
                )),
            }
        }
        if let Some(extra) = get(schema, "additionalProperties").filter(|v| v.is_mapping())
            && let Some(inner) = self.map_values(
                value.clone(),
                ty,
                extra,
                &format!("{at}/additionalProperties"),
            )
        {
            checks.push(inner);
        }
        (!checks.is_empty()).then(|| quote! { #( #checks )* })
    }

    /// The checks of each value of a map (an object's additional properties).
    fn map_values(
        &mut self,
        value: TokenStream,
        ty: &Type,
        schema: &Value,
        at: &str,
    ) -> Option<TokenStream> {
        if !(checks_itself(schema) || schema_ref(schema).is_some_and(|t| self.needs.contains(t))) {
            return None;
        }
        let args = generic_args(ty);
        let Some(element) = args.get(1) else {
            self.problems.push(format!(
                "{at}: the values are not a Rust map the checks can walk"
            ));
            return None;
        };
        let inner = self.check(quote!(value), element, schema, at)?;
        let receiver = parenthesized(value);
        Some(quote! {
            for (key, value) in #receiver.iter() {
                let at = &at.key(key);
                #inner
            }
        })
    }
}

/// `(value)`, unless it is a plain name already.
fn parenthesized(value: TokenStream) -> TokenStream {
    let mut tokens = value.clone().into_iter();
    match (tokens.next(), tokens.next()) {
        (Some(proc_macro2::TokenTree::Ident(_)), None) => value,
        _ => quote!((#value)),
    }
}

/// `(path of property names, keyword, value)` of every keyword in a schema,
/// through its properties and items (not through references).
fn collect_constants(
    schema: &Value,
    path: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, String, Value)>,
) {
    let Some(map) = schema.as_mapping() else {
        return;
    };
    for keyword in KEYWORDS {
        if keyword.starts_with("exclusive") {
            continue;
        }
        if let Some(value) = map.get(keyword) {
            out.push((path.clone(), keyword.to_owned(), value.clone()));
        }
    }
    if let Some(Value::Sequence(all_of)) = map.get("allOf")
        && all_of.len() == 1
    {
        collect_constants(&all_of[0], path, out);
    }
    if let Some(items) = map.get("items") {
        path.push("items".to_owned());
        collect_constants(items, path, out);
        path.pop();
    }
    if let Some(Value::Mapping(properties)) = map.get("properties") {
        for (name, property) in properties {
            let Some(name) = name.as_str() else { continue };
            path.push(name.to_owned());
            collect_constants(property, path, out);
            path.pop();
        }
    }
}

/// Makes each operation method check its body before sending: the first
/// statement of every method taking `body: &types::T` runs `T`'s `Validate`
/// and refuses the call with `Error::InvalidRequest`, naming the path and
/// the rule, so that nothing reaches the server. (Call `validate` on the
/// body yourself for the structured `ValidationError`.)
pub(crate) fn check_before_sending(file: &mut File, roots: &BTreeSet<String>) -> Result<(), Error> {
    let runtime: TokenStream = RUNTIME.parse().map_err(|e| Error::Patch(format!("{e}")))?;
    let root_types: BTreeSet<String> = roots.iter().map(|r| type_name(r)).collect();
    let mut problems = Vec::new();
    for item in &mut file.items {
        let Item::Impl(block) = item else { continue };
        let is_client = matches!(&*block.self_ty, Type::Path(p) if p.path.is_ident("Client"));
        if !is_client || block.trait_.is_some() {
            continue;
        }
        for member in &mut block.items {
            let ImplItem::Fn(method) = member else {
                continue;
            };
            if method.sig.asyncness.is_none() {
                continue;
            }
            let body_type = method.sig.inputs.iter().find_map(|input| match input {
                syn::FnArg::Typed(arg) => match (&*arg.pat, &*arg.ty) {
                    (syn::Pat::Ident(pat), Type::Reference(reference)) if pat.ident == "body" => {
                        last_ident(&reference.elem)
                    }
                    _ => None,
                },
                _ => None,
            });
            let Some(body_type) = body_type else { continue };
            if !root_types.contains(&body_type) {
                problems.push(format!(
                    "`{}` takes a body of type `{body_type}`, which has no checks before sending",
                    method.sig.ident
                ));
                continue;
            }
            let check: syn::Stmt = syn::parse_quote! {
                #runtime::Validate::validate(body).map_err(Error::InvalidRequest)?;
            };
            method.block.stmts.insert(0, check);
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Patch(problems.join("\n")))
    }
}
