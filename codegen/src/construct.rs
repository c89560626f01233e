//! Construction without `None`: every generated struct gets a `new` that takes
//! exactly the properties its schema lists as `required` (in the spec's
//! order), and one `with_<property>` setter per property. Optional properties
//! need no mention, and adding one to the spec breaks no caller: the structs
//! are `#[non_exhaustive]`, so no code outside the crate can depend on the
//! full list of fields.
//!
//! The pass is driven by the spec's `required` lists and by the shape of each
//! field's type (`Option`, tri-state `Option<Option<_>>`, `Vec`, a flattened
//! map of extra properties), never by a list of type names, so it works for
//! whatever field types the rest of the generator chooses.
//!
//! A newtype around a map (a free-form object) gets an empty `new` and
//! `with_entry(key, value)`; a map-valued property's setter takes any
//! iterator of pairs, so `[("default", value)]` needs no `HashMap`.
//!
//! It also makes a union variant that carries nothing but its tag (such as a
//! quick reply `{"type": "location"}`) an empty struct, a unit-like value,
//! instead of the JSON map typify would make of an object without properties.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use serde_yaml::{Mapping, Value};
use syn::{Fields, File, Item, ItemStruct, Type};

use crate::Error;
use crate::emit::type_name;
use crate::patch::{types_module, wire_name};
use crate::spec::Analysis;
use crate::syntax::{generic_args, option_inner};

/// What the pass needs from the spec, read from the spec as prepared for
/// progenitor (union variants no longer hold their tag).
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// Rust type name → the schema's name and its `required` properties, in spec order.
    required: BTreeMap<String, (String, Vec<String>)>,
    /// Rust type names of union variants that hold nothing but their tag.
    unit_variants: BTreeSet<String>,
}

fn get<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    value.as_mapping().and_then(|m| m.get(key))
}

/// Reads the plan from the prepared spec and marks the tag-only variants
/// closed, so that typify writes a struct without fields for them (the
/// `deny_unknown_fields` that comes with it is removed again by [`apply`]).
pub(crate) fn plan(prepared: &mut Value, analysis: &Analysis) -> Plan {
    let mut plan = Plan::default();
    let variants: BTreeSet<&str> = analysis
        .unions
        .iter()
        .flat_map(|u| u.variants.iter().map(|(_, v)| v.as_str()))
        .collect();
    let Some(schemas) = prepared
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
        .and_then(Value::as_mapping_mut)
    else {
        return plan;
    };
    for (name, schema) in schemas.iter_mut() {
        let Some(name) = name.as_str() else { continue };
        let required: Vec<String> = get(schema, "required")
            .and_then(Value::as_sequence)
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let no_properties = get(schema, "properties")
            .and_then(Value::as_mapping)
            .is_none_or(Mapping::is_empty);
        let rust_name = type_name(name);
        if variants.contains(name)
            && no_properties
            && get(schema, "additionalProperties").is_none()
            && let Some(map) = schema.as_mapping_mut()
        {
            map.insert(Value::from("additionalProperties"), Value::Bool(false));
            plan.unit_variants.insert(rust_name.clone());
        }
        plan.required.insert(rust_name, (name.to_owned(), required));
    }
    plan
}

/// `HashMap<K, V>`, `BTreeMap<K, V>` or `serde_json::Map<K, V>` → `(K, V)`.
fn map_inner(ty: &Type) -> Option<(&Type, &Type)> {
    match generic_args(ty, &["HashMap", "BTreeMap", "Map"])?.as_slice() {
        [key, value] => Some((key, value)),
        _ => None,
    }
}

/// `impl Into<T>`, or `T` itself for a number or a boolean.
fn into(ty: &Type) -> TokenStream {
    if is_primitive(ty) {
        quote! { #ty }
    } else {
        quote! { impl ::std::convert::Into<#ty> }
    }
}

/// `Vec<T>` → `T`.
fn vec_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Vec" {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(args) => match args.args.first()? {
            syn::GenericArgument::Type(inner) => Some(inner),
            _ => None,
        },
        _ => None,
    }
}

/// Numbers and booleans are taken as they are: an integer literal passed to an
/// `impl Into<u32>` would not infer.
fn is_primitive(ty: &Type) -> bool {
    const PRIMITIVES: [&str; 14] = [
        "bool", "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128",
        "f32", "f64",
    ];
    match ty {
        Type::Path(path) => {
            path.qself.is_none()
                && path.path.segments.len() == 1
                && PRIMITIVES.iter().any(|p| path.path.segments[0].ident == p)
                || path
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident.to_string().starts_with("NonZero"))
        }
        _ => false,
    }
}

/// A value of type `ty` as a parameter: the parameter's type and the
/// expression that turns the parameter `name` into a `ty`.
fn parameter(ty: &Type, name: &Ident) -> (TokenStream, TokenStream) {
    if is_primitive(ty) || option_inner(ty).is_some_and(is_primitive) {
        return (quote! { #ty }, quote! { #name });
    }
    if let Some((key, value)) = map_inner(ty) {
        let (key_param, value_param) = (into(key), into(value));
        return (
            quote! { impl ::std::iter::IntoIterator<Item = (#key_param, #value_param)> },
            quote! {
                #name
                    .into_iter()
                    .map(|(key, value)| (::std::convert::Into::into(key), ::std::convert::Into::into(value)))
                    .collect()
            },
        );
    }
    if let Some(item) = vec_inner(ty) {
        let item_param = if is_primitive(item) {
            quote! { #item }
        } else {
            quote! { impl ::std::convert::Into<#item> }
        };
        let convert = if is_primitive(item) {
            quote! { #name.into_iter().collect() }
        } else {
            quote! { #name.into_iter().map(::std::convert::Into::into).collect() }
        };
        return (
            quote! { impl ::std::iter::IntoIterator<Item = #item_param> },
            convert,
        );
    }
    (
        quote! { impl ::std::convert::Into<#ty> },
        quote! { ::std::convert::Into::into(#name) },
    )
}

/// Whether a field's serde attribute has one of `keys`.
fn serde_has(field: &syn::Field, keys: &[&str]) -> bool {
    field.attrs.iter().any(|attr| {
        let mut found = false;
        if attr.path().is_ident("serde") {
            let _ = attr.parse_nested_meta(|meta| {
                if keys.iter().any(|k| meta.path.is_ident(k)) {
                    found = true;
                }
                if meta.input.peek(syn::Token![=]) {
                    meta.value()?.parse::<syn::Expr>()?;
                }
                Ok(())
            });
        }
        found
    })
}

fn is_flattened(field: &syn::Field) -> bool {
    serde_has(field, &["flatten"])
}

fn is_optional(field: &syn::Field) -> bool {
    serde_has(field, &["default", "skip_serializing_if", "flatten"])
}

fn docs(field: &syn::Field) -> Vec<&syn::Attribute> {
    field
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .collect()
}

/// A snake-case name for a wire name, usable after `with_`: `type` → `type`,
/// `callbackData` → `callback_data`.
fn setter_suffix(wire: &str) -> String {
    use heck::ToSnakeCase;
    let snake: String = wire
        .to_snake_case()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect();
    snake.trim_matches('_').to_owned()
}

/// "A" or "An", as the name is spoken letter by letter or as a word: "an
/// `AndroidPush`", "a `UserInput`".
fn article(name: &str) -> &'static str {
    match name.chars().next() {
        Some('A' | 'E' | 'I' | 'O') => "An",
        _ => "A",
    }
}

/// The constructor and entry setter of a newtype around a map (a free-form
/// object schema): `new()` is empty, `with_entry` adds one member.
fn map_methods(item: &ItemStruct, schema: &str) -> Option<TokenStream> {
    let Fields::Unnamed(unnamed) = &item.fields else {
        return None;
    };
    let [field] = unnamed.unnamed.iter().collect::<Vec<_>>()[..] else {
        return None;
    };
    let (key, value) = map_inner(&field.ty)?;
    let name = &item.ident;
    let (key_param, value_param) = (into(key), into(value));
    let new_doc = format!(" {} `{schema}` with no members.", article(schema));
    Some(quote! {
        impl #name {
            #[doc = #new_doc]
            pub fn new() -> Self {
                Self(::std::default::Default::default())
            }
            /// Adds the member `key` (replacing one of the same name).
            pub fn with_entry(mut self, key: #key_param, value: #value_param) -> Self {
                self.0.insert(::std::convert::Into::into(key), ::std::convert::Into::into(value));
                self
            }
        }
    })
}

/// The constructor and setters of one struct.
fn methods(item: &ItemStruct, schema: &str, required: &[String]) -> Result<TokenStream, String> {
    let name = &item.ident;
    let Fields::Named(named) = &item.fields else {
        return Err(format!("{schema}: not a struct with named fields"));
    };
    let fields: Vec<(&syn::Field, Ident, String)> = named
        .named
        .iter()
        .filter_map(|f| {
            let ident = f.ident.clone()?;
            let wire = wire_name(f).unwrap_or_default();
            Some((f, ident, wire))
        })
        .collect();

    let mut params = Vec::new();
    let mut inits = BTreeMap::<String, TokenStream>::new();
    for property in required {
        let Some((field, ident, _)) = fields.iter().find(|(_, _, wire)| wire == property) else {
            return Err(format!(
                "{schema}: required property `{property}` has no field in struct {name}"
            ));
        };
        let (param_ty, convert) = parameter(&field.ty, ident);
        params.push(quote! { #ident: #param_ty });
        inits.insert(ident.to_string(), convert);
    }
    let field_inits = fields
        .iter()
        .map(|(_, ident, _)| match inits.get(&ident.to_string()) {
            Some(convert) if *ident == convert.to_string() => quote! { #ident },
            Some(convert) => quote! { #ident: #convert },
            None => quote! { #ident: ::std::default::Default::default() },
        });
    let article = article(schema);
    let new_doc = if required.is_empty() {
        format!(" {article} `{schema}` with every property left out.")
    } else {
        let listed: Vec<String> = required.iter().map(|r| format!("`{r}`")).collect();
        format!(
            " {article} `{schema}` with its required {}, and every optional property left out.",
            if listed.len() == 1 {
                format!("property {}", listed[0])
            } else {
                format!("properties {}", listed.join(", "))
            }
        )
    };

    let mut setters = Vec::new();
    for (field, ident, wire) in &fields {
        let fallback = format!(" Sets `{wire}`.");
        let field_docs = match docs(field) {
            found if found.is_empty() => vec![syn::parse_quote! { #[doc = #fallback] }],
            found => found.into_iter().cloned().collect::<Vec<syn::Attribute>>(),
        };
        let separator = quote! { #[doc = ""] };
        let bare = ident.to_string();
        let suffix = setter_suffix(if wire.is_empty() {
            bare.trim_start_matches("r#")
        } else {
            wire
        });
        let setter = format_ident!("with_{}", suffix);
        let value = Ident::new("value", Span::call_site());
        if is_flattened(field) {
            let doc = " Adds one property that the schema does not name.";
            setters.push(quote! {
                #( #field_docs )*
                #separator
                #[doc = #doc]
                pub fn #setter(
                    mut self,
                    key: impl ::std::convert::Into<::std::string::String>,
                    value: impl ::std::convert::Into<::serde_json::Value>,
                ) -> Self {
                    self.#ident.insert(key.into(), value.into());
                    self
                }
            });
            continue;
        }
        let optional = !required.iter().any(|r| r == wire);
        match option_inner(&field.ty).filter(|_| optional) {
            Some(inner) => match option_inner(inner) {
                Some(value_ty) => {
                    let (param_ty, convert) = parameter(value_ty, &value);
                    let null_setter = format_ident!("with_{}_null", suffix);
                    let null_doc =
                        format!(" Sends `\"{wire}\": null` (on a PATCH: deletes the value).");
                    setters.push(quote! {
                        #( #field_docs )*
                        pub fn #setter(mut self, value: #param_ty) -> Self {
                            self.#ident = ::std::option::Option::Some(::std::option::Option::Some(#convert));
                            self
                        }
                        #[doc = #null_doc]
                        pub fn #null_setter(mut self) -> Self {
                            self.#ident = ::std::option::Option::Some(::std::option::Option::None);
                            self
                        }
                    });
                }
                None => {
                    let (param_ty, convert) = parameter(inner, &value);
                    setters.push(quote! {
                        #( #field_docs )*
                        pub fn #setter(mut self, value: #param_ty) -> Self {
                            self.#ident = ::std::option::Option::Some(#convert);
                            self
                        }
                    });
                }
            },
            None => {
                let (param_ty, convert) = parameter(&field.ty, &value);
                setters.push(quote! {
                    #( #field_docs )*
                    pub fn #setter(mut self, value: #param_ty) -> Self {
                        self.#ident = #convert;
                        self
                    }
                });
            }
        }
    }

    Ok(quote! {
        impl #name {
            #[doc = #new_doc]
            pub fn new(#( #params ),*) -> Self {
                Self { #( #field_inits ),* }
            }
            #( #setters )*
        }
    })
}

/// Derives `Default`, unless the struct already does.
fn add_default(item: &mut ItemStruct) {
    let has_default = item.attrs.iter().any(|attr| {
        attr.path().is_ident("derive") && quote!(#attr).to_string().contains("Default")
    });
    if !has_default {
        item.attrs.push(syn::parse_quote! { #[derive(Default)] });
    }
}

/// Writes the constructors and setters, marks the structs
/// `#[non_exhaustive]`, and turns the tag-only union variants into empty
/// structs that accept (and drop) whatever members the server adds.
pub(crate) fn apply(file: &mut File, plan: &Plan) -> Result<(), Error> {
    let types = types_module(file)?;
    let mut problems = Vec::new();
    let mut extra = Vec::new();
    for item in types.iter_mut() {
        let Item::Struct(item) = item else { continue };
        let name = item.ident.to_string();
        let schema = plan
            .required
            .get(&name)
            .map_or(name.as_str(), |(schema, _)| schema.as_str());
        if let Some(tokens) = map_methods(item, schema) {
            extra.push(tokens);
            add_default(item);
            continue;
        }
        let Fields::Named(named) = &item.fields else {
            continue;
        };
        // A struct typify made of an inline object schema has no name in the
        // spec: its required properties are the fields typify marks neither
        // `default` nor `skip_serializing_if`, which it writes on every
        // optional property.
        let inline;
        let (schema, required) = match plan.required.get(&name) {
            Some((schema, required)) => (schema.as_str(), required),
            None => {
                inline = (
                    format!("{name} (an inline schema)"),
                    named
                        .named
                        .iter()
                        .filter(|f| !is_optional(f))
                        .filter_map(wire_name)
                        .collect::<Vec<_>>(),
                );
                (inline.0.as_str(), &inline.1)
            }
        };
        if plan.unit_variants.contains(&name) {
            if !named.named.is_empty() {
                problems.push(format!(
                    "{schema}: a tag-only variant, but {name} has fields"
                ));
                continue;
            }
            item.attrs.retain(|a| {
                !(a.path().is_ident("serde")
                    && quote!(#a).to_string().contains("deny_unknown_fields"))
            });
            add_default(item);
        }
        match methods(item, schema, required) {
            Ok(tokens) => extra.push(tokens),
            Err(problem) => problems.push(problem),
        }
        item.attrs.push(syn::parse_quote! { #[non_exhaustive] });
    }
    if !problems.is_empty() {
        return Err(Error::Patch(problems.join("\n")));
    }
    for tokens in extra {
        let parsed: File =
            syn::parse2(tokens).map_err(|e| Error::Patch(format!("constructors: {e}")))?;
        types.extend(parsed.items);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::setter_suffix;

    #[test]
    fn setter_names_are_snake_case_wire_names() {
        assert_eq!(setter_suffix("type"), "type");
        assert_eq!(setter_suffix("callbackData"), "callback_data");
        assert_eq!(setter_suffix("gtrId"), "gtr_id");
        assert_eq!(setter_suffix("user_ref"), "user_ref");
    }
}
