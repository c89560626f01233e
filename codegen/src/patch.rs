//! Edits to progenitor's syntax tree: adding the emitted items to the `types`
//! module and turning optional nullable fields into tri-state fields.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Fields, File, Item, ItemMod, ItemStruct, LitStr, Type};

use crate::Error;
use crate::emit::type_name;
use crate::spec::TriState;
use crate::syntax::option_inner;

pub(crate) fn types_module(file: &mut File) -> Result<&mut Vec<Item>, Error> {
    file.items
        .iter_mut()
        .find_map(|item| match item {
            Item::Mod(ItemMod {
                ident,
                content: Some((_, items)),
                ..
            }) if ident == "types" => Some(items),
            _ => None,
        })
        .ok_or_else(|| Error::Patch("progenitor's output has no `types` module".to_owned()))
}

/// Appends `items` to the `types` module.
pub(crate) fn add_types(file: &mut File, items: TokenStream) -> Result<(), Error> {
    let extra: File = syn::parse2(items).map_err(|e| Error::Patch(format!("emitted code: {e}")))?;
    types_module(file)?.extend(extra.items);
    Ok(())
}

/// The wire name of a field: its `#[serde(rename = "...")]`, else its identifier.
pub(crate) fn wire_name(field: &syn::Field) -> Option<String> {
    let mut renamed = None;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                renamed = Some(meta.value()?.parse::<LitStr>()?.value());
            } else if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
            }
            Ok(())
        });
    }
    renamed.or_else(|| {
        field
            .ident
            .as_ref()
            .map(|i| i.to_string().trim_start_matches("r#").to_owned())
    })
}

/// Whether a field's serde attribute has the bare word `word`, such as `flatten`.
pub(crate) fn has_serde_word(field: &syn::Field, word: &str) -> bool {
    let mut found = false;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(word) {
                found = true;
            } else if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
            }
            Ok(())
        });
    }
    found
}

/// Makes each optional nullable property tri-state: `Option<Option<T>>`, where
/// `None` is absent, `Some(None)` is `null` and `Some(Some(v))` is a value.
pub(crate) fn tri_states(file: &mut File, fields: &[TriState]) -> Result<(), Error> {
    let types = types_module(file)?;
    let mut problems = Vec::new();
    for wanted in fields {
        let struct_name = type_name(&wanted.schema);
        let Some(item) = types.iter_mut().find_map(|item| match item {
            Item::Struct(s @ ItemStruct { .. }) if s.ident == struct_name => Some(s),
            _ => None,
        }) else {
            problems.push(format!(
                "tri-state {}.{}: struct {struct_name} not found in progenitor's output",
                wanted.schema, wanted.property
            ));
            continue;
        };
        let Fields::Named(named) = &mut item.fields else {
            problems.push(format!(
                "tri-state {}: not a struct with named fields",
                wanted.schema
            ));
            continue;
        };
        let Some(field) = named
            .named
            .iter_mut()
            .find(|f| wire_name(f).as_deref() == Some(wanted.property.as_str()))
        else {
            problems.push(format!(
                "tri-state {}.{}: field not found in struct {struct_name}",
                wanted.schema, wanted.property
            ));
            continue;
        };
        let Some(inner) = option_inner(&field.ty).cloned() else {
            problems.push(format!(
                "tri-state {}.{}: expected an Option field",
                wanted.schema, wanted.property
            ));
            continue;
        };
        let renamed = field
            .ident
            .as_ref()
            .map(|i| i.to_string().trim_start_matches("r#").to_owned())
            != Some(wanted.property.clone());
        let property = &wanted.property;
        let rename = renamed.then(|| quote! { rename = #property, });
        field.attrs.retain(|a| !a.path().is_ident("serde"));
        let has_docs = field.attrs.iter().any(|a| a.path().is_ident("doc"));
        let separator = has_docs.then(|| quote! { #[doc = ""] });
        let extra: ItemStruct = syn::parse_quote! {
            struct Attrs {
                #separator
                /// Tri-state: `None` leaves it out of the JSON (on a PATCH: leave
                /// the value alone), `Some(None)` sends `null` (delete it), and
                /// `Some(Some(value))` sends the value.
                #[serde(
                    #rename
                    default,
                    skip_serializing_if = "::std::option::Option::is_none",
                    deserialize_with = "::bindings_runtime::de::deserialize_some"
                )]
                field: (),
            }
        };
        if let Fields::Named(extra_fields) = extra.fields {
            field
                .attrs
                .extend(extra_fields.named.into_iter().flat_map(|f| f.attrs));
        }
        field.ty = syn::parse_quote! { ::std::option::Option<::std::option::Option<#inner>> };
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Patch(problems.join("\n")))
    }
}

/// The `skip_serializing_if` path of a field's serde attribute, if any.
fn skip_if(field: &syn::Field) -> Option<String> {
    let mut skip = None;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("skip_serializing_if") {
                skip = Some(meta.value()?.parse::<LitStr>()?.value());
            } else if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
            }
            Ok(())
        });
    }
    skip
}

/// typify gives an optional array or map a default of empty and leaves it out
/// of the JSON when empty, so `"x": []` and no `x` read the same and `[]` is
/// never sent. Every such field becomes an `Option` of the collection instead:
/// absent stays absent, empty stays empty.
pub(crate) fn optional_collections(file: &mut File) -> Result<(), Error> {
    for item in types_module(file)? {
        let Item::Struct(ItemStruct {
            fields: Fields::Named(named),
            ..
        }) = item
        else {
            continue;
        };
        for field in named.named.iter_mut() {
            if !skip_if(field).is_some_and(|s| s.ends_with("::is_empty")) {
                continue;
            }
            let wire = wire_name(field);
            let ident = field
                .ident
                .as_ref()
                .map(|i| i.to_string().trim_start_matches("r#").to_owned());
            let rename = (wire != ident).then(|| {
                let wire = wire.unwrap_or_default();
                quote! { rename = #wire, }
            });
            field.attrs.retain(|a| !a.path().is_ident("serde"));
            let extra: ItemStruct = syn::parse_quote! {
                struct Attrs {
                    #[serde(#rename default, skip_serializing_if = "::std::option::Option::is_none")]
                    field: (),
                }
            };
            if let Fields::Named(extra_fields) = extra.fields {
                field
                    .attrs
                    .extend(extra_fields.named.into_iter().flat_map(|f| f.attrs));
            }
            let ty = &field.ty;
            field.ty = syn::parse_quote! { ::std::option::Option<#ty> };
        }
    }
    Ok(())
}

/// Whether a field's type has an empty default: an `Option` or a JSON map.
fn defaults_to_empty(ty: &Type) -> bool {
    let Type::Path(path) = ty else { return false };
    path.path
        .segments
        .last()
        .is_some_and(|last| last.ident == "Option" || last.ident == "Map")
}

/// Derives `Default` for every struct whose fields all default to empty (all
/// optional, perhaps with a map of extra properties), so that a PATCH body
/// can be written as `SettingsUpdate::default()` and its setters.
pub(crate) fn derive_default(file: &mut File) -> Result<(), Error> {
    for item in types_module(file)? {
        let Item::Struct(item) = item else { continue };
        let Fields::Named(named) = &item.fields else {
            continue;
        };
        if named.named.is_empty() || !named.named.iter().all(|f| defaults_to_empty(&f.ty)) {
            continue;
        }
        let has_default = item.attrs.iter().any(|attr| {
            attr.path().is_ident("derive") && quote!(#attr).to_string().contains("Default")
        });
        if !has_default {
            item.attrs.push(syn::parse_quote! { #[derive(Default)] });
        }
    }
    Ok(())
}
