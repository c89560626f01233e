//! The Rust the generator writes itself, where progenitor's own output falls
//! short: open enums and unions dispatched on their tag. The code they read
//! with is written once, in the runtime (`bindings_runtime::de`), not in each
//! generated crate. Everything here is driven by the [`Analysis`] of the spec.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::Error;
use crate::spec::{Analysis, OpenEnum, Union};

/// The name typify gives the type of a named schema.
pub(crate) fn type_name(schema: &str) -> String {
    use heck::ToPascalCase;
    let cleaned: String = schema
        .replace('\'', "")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let name = cleaned.to_pascal_case();
    match name.chars().next() {
        Some(c) if c.is_alphabetic() => name,
        _ => format!("X{name}"),
    }
}

/// A Rust identifier for a wire value: `amio_chat` → `AmioChat`, `1` → `Value1`.
pub(crate) fn variant_ident(value: &str) -> Result<Ident, String> {
    use heck::ToPascalCase;
    let cleaned: String = value
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    let mut name = cleaned.to_pascal_case();
    if !name.chars().next().is_some_and(char::is_alphabetic) {
        name = format!("Value{name}");
    }
    syn::parse_str::<Ident>(&name).map_err(|_| format!("`{value}` gives no Rust identifier"))
}

/// A snake-case method name for a property: `type` → `type_`.
fn method_ident(property: &str) -> Ident {
    use heck::ToSnakeCase;
    let name = property.to_snake_case();
    match syn::parse_str::<Ident>(&name) {
        Ok(ident) => ident,
        Err(_) => Ident::new(&format!("{name}_"), Span::call_site()),
    }
}

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

fn doc(text: Option<&str>, fallback: &str) -> TokenStream {
    let text = text
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or(fallback);
    let lines = text.lines().map(|l| format!(" {l}"));
    quote! { #( #[doc = #lines] )* }
}

/// Assigns identifiers to values, refusing collisions and the reserved `Unknown`.
fn variant_idents<'a>(
    owner: &str,
    values: impl Iterator<Item = &'a str>,
) -> Result<Vec<Ident>, Error> {
    let mut seen = BTreeMap::<String, &str>::new();
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for value in values {
        match variant_ident(value) {
            Ok(id) => {
                let key = id.to_string();
                if key == "Unknown" {
                    problems.push(format!(
                        "{owner}: the value `{value}` would take the name `Unknown`, kept for unknown values"
                    ));
                } else if let Some(previous) = seen.insert(key.clone(), value) {
                    problems.push(format!(
                        "{owner}: `{previous}` and `{value}` both become the Rust name `{key}`"
                    ));
                }
                out.push(id);
            }
            Err(e) => problems.push(format!("{owner}: {e}")),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Error::Conventions(problems))
    }
}

/// The identifiers the spec gives (`x-enum-varnames`), checked like derived ones.
fn named_idents(owner: &str, names: &[String]) -> Result<Vec<Ident>, Error> {
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for name in names {
        match syn::parse_str::<Ident>(name) {
            Ok(id) if name == "Unknown" => {
                problems.push(format!(
                    "{owner}: x-enum-varnames may not use `Unknown`, kept for unknown values"
                ));
                out.push(id);
            }
            Ok(id) => {
                if !seen.insert(name.clone()) {
                    problems.push(format!("{owner}: x-enum-varnames has `{name}` twice"));
                }
                out.push(id);
            }
            Err(_) => problems.push(format!(
                "{owner}: x-enum-varnames: `{name}` is not a Rust identifier"
            )),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Error::Conventions(problems))
    }
}

/// All the items to add to the generated `types` module.
pub(crate) fn items(analysis: &Analysis) -> Result<TokenStream, Error> {
    let mut out = TokenStream::new();
    for open_enum in &analysis.enums {
        out.extend(open_enum_items(open_enum)?);
    }
    for union in &analysis.unions {
        out.extend(union_items(union)?);
    }
    // Written even when empty: every operation reads its responses with it.
    let tags: BTreeSet<&str> = analysis.unions.iter().map(|u| u.tag.as_str()).collect();
    let tags = tags.into_iter();
    out.extend(quote! {
        /// The tag property of every discriminated union of the spec. A
        /// reader that wants the whole JSON path of an error puts these
        /// keys first in each object (see
        /// `bindings_runtime::json::read`), so that every union
        /// reads its variant straight from the input.
        pub const UNION_TAGS: &[&str] = &[#(#tags),*];
    });
    Ok(out)
}

fn open_enum_items(open_enum: &OpenEnum) -> Result<TokenStream, Error> {
    let name = ident(&type_name(&open_enum.name));
    let variants = match &open_enum.names {
        Some(names) => named_idents(&open_enum.name, names)?,
        None => variant_idents(&open_enum.name, open_enum.values.iter().map(String::as_str))?,
    };
    let values = &open_enum.values;
    let docs = values.iter().enumerate().map(|(i, v)| {
        match open_enum.descriptions.as_ref().and_then(|d| d.get(i)) {
            Some(description) => format!(" `{v}`: {description}"),
            None => format!(" `{v}`"),
        }
    });
    let type_doc = doc(
        open_enum.description.as_deref(),
        &format!("`{}` values.", open_enum.name),
    );
    let description = open_enum.descriptions.as_ref().map(|descriptions| {
        quote! {
            /// What the value means, as the documentation says; `None` for a
            /// value this version of the bindings does not know.
            pub fn description(&self) -> ::std::option::Option<&'static str> {
                match self {
                    #( Self::#variants => Some(#descriptions), )*
                    Self::Unknown(_) => None,
                }
            }
        }
    });
    Ok(quote! {
        #type_doc
        ///
        /// This enum is open: a value the server adds later arrives as
        /// [`Self::Unknown`] instead of failing, and is sent back unchanged.
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #( #[doc = #docs] #variants, )*
            /// A value this version of the bindings does not know, kept as received.
            Unknown(::std::string::String),
        }

        impl #name {
            #description

            /// The value as it is on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #values, )*
                    Self::Unknown(value) => value.as_str(),
                }
            }

            /// Whether the value is one this version of the bindings does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #( #values => Self::#variants, )*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #( #values => Self::#variants, )*
                    _ => Self::Unknown(value),
                }
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                ::bindings_runtime::de::open_enum(deserializer)
            }
        }
    })
}

fn union_items(union: &Union) -> Result<TokenStream, Error> {
    let name = ident(&type_name(&union.name));
    let union_name = &union.name;
    let tag = &union.tag;
    let tag_method = method_ident(tag);
    let variants = variant_idents(&union.name, union.variants.iter().map(|(v, _)| v.as_str()))?;
    let values: Vec<&str> = union.variants.iter().map(|(v, _)| v.as_str()).collect();
    let types: Vec<Ident> = union
        .variants
        .iter()
        .map(|(_, schema)| ident(&type_name(schema)))
        .collect();
    let variant_docs = values.iter().map(|v| format!(" `{tag}` is `\"{v}\"`."));
    let type_doc = doc(
        union.description.as_deref(),
        &format!("One of the `{union_name}` kinds."),
    );
    let unknown_doc = format!(
        " A `{tag}` this version of the bindings does not know, kept as the raw JSON received."
    );
    let dispatch_doc = format!(
        " Dispatched on `{tag}`; an unknown `{tag}` gives [`Self::Unknown`], which keeps the\n raw JSON and serializes back to it unchanged."
    );
    let tag_doc = format!(" The `{tag}` of this value, as on the wire.");

    // `From<Variant>` only where the variant type stands for one tag.
    let mut uses = BTreeMap::<&Ident, usize>::new();
    for t in &types {
        *uses.entry(t).or_default() += 1;
    }
    let mut done = BTreeSet::new();
    let froms = variants
        .iter()
        .zip(&types)
        .filter(|(_, ty)| uses[ty] == 1 && done.insert(ty.to_string()))
        .map(|(variant, ty)| {
            quote! {
                impl ::std::convert::From<#ty> for #name {
                    fn from(value: #ty) -> Self {
                        Self::#variant(value)
                    }
                }
            }
        });

    Ok(quote! {
        #type_doc
        ///
        #[doc = #dispatch_doc]
        #[derive(Clone, Debug, PartialEq)]
        pub enum #name {
            #( #[doc = #variant_docs] #variants(#types), )*
            #[doc = #unknown_doc]
            Unknown(::serde_json::Value),
        }

        impl #name {
            #[doc = #tag_doc]
            pub fn #tag_method(&self) -> &str {
                match self {
                    #( Self::#variants(_) => #values, )*
                    Self::Unknown(value) => value
                        .get(#tag)
                        .and_then(::serde_json::Value::as_str)
                        .unwrap_or_default(),
                }
            }

            /// Whether this is a kind this version of the bindings does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        #( #froms )*

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                #[derive(::serde::Serialize)]
                #[serde(tag = #tag)]
                enum Tagged<'a> {
                    #( #[serde(rename = #values)] #variants(&'a #types), )*
                }
                match self {
                    #( Self::#variants(value) => ::serde::Serialize::serialize(&Tagged::#variants(value), serializer), )*
                    Self::Unknown(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl ::bindings_runtime::de::Tagged for #name {
            const UNION: &'static str = #union_name;
            const TAG: &'static str = #tag;

            fn variant<'de, M: ::serde::de::MapAccess<'de>>(
                tag: &str,
                map: M,
            ) -> ::std::result::Result<::std::result::Result<Self, M::Error>, M> {
                Ok(match tag {
                    #( #values => ::bindings_runtime::de::variant(map).map(Self::#variants), )*
                    _ => return Err(map),
                })
            }

            fn unknown(value: ::serde_json::Value) -> Self {
                Self::Unknown(value)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                ::bindings_runtime::de::deserialize_tagged(deserializer)
            }
        }
    })
}
