//! The Rust the generator writes itself, where progenitor's own output falls
//! short: open enums, unions dispatched on their tag, and the support code
//! both need. Everything here is driven by the [`Analysis`] of the spec.

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
    if !analysis.unions.is_empty() {
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
    }
    if !analysis.unions.is_empty() || !analysis.tri_states.is_empty() || !analysis.enums.is_empty()
    {
        out.extend(support_module(
            !analysis.unions.is_empty(),
            !analysis.tri_states.is_empty(),
            !analysis.enums.is_empty(),
        ));
    }
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
                support::open_enum(deserializer)
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

        impl support::Tagged for #name {
            const UNION: &'static str = #union_name;
            const TAG: &'static str = #tag;

            fn variant<'de, M: ::serde::de::MapAccess<'de>>(
                tag: &str,
                map: M,
            ) -> ::std::result::Result<::std::result::Result<Self, M::Error>, M> {
                Ok(match tag {
                    #( #values => support::variant(map).map(Self::#variants), )*
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
                support::deserialize_tagged(deserializer)
            }
        }
    })
}

fn support_module(unions: bool, tri_states: bool, enums: bool) -> TokenStream {
    let union_support = unions.then(union_support);
    let enum_support = enums.then(|| {
        quote! {
            /// Reads an open enum from a string without copying a known value.
            pub(super) fn open_enum<'de, D, T>(deserializer: D) -> ::std::result::Result<T, D::Error>
            where
                D: ::serde::Deserializer<'de>,
                T: for<'a> ::std::convert::From<&'a str> + ::std::convert::From<::std::string::String>,
            {
                struct Text<T>(::std::marker::PhantomData<T>);
                impl<'de, T> ::serde::de::Visitor<'de> for Text<T>
                where
                    T: for<'a> ::std::convert::From<&'a str> + ::std::convert::From<::std::string::String>,
                {
                    type Value = T;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str("a string")
                    }
                    fn visit_str<E: ::serde::de::Error>(self, value: &str) -> ::std::result::Result<T, E> {
                        Ok(T::from(value))
                    }
                    fn visit_string<E: ::serde::de::Error>(
                        self,
                        value: ::std::string::String,
                    ) -> ::std::result::Result<T, E> {
                        Ok(T::from(value))
                    }
                }
                deserializer.deserialize_str(Text(::std::marker::PhantomData))
            }
        }
    });
    let tri_state_support = tri_states.then(|| {
        quote! {
            /// Reads a present tri-state field: `null` becomes `Some(None)`.
            pub(super) fn deserialize_some<'de, T, D>(
                deserializer: D,
            ) -> ::std::result::Result<::std::option::Option<::std::option::Option<T>>, D::Error>
            where
                T: ::serde::Deserialize<'de>,
                D: ::serde::Deserializer<'de>,
            {
                <::std::option::Option<T> as ::serde::Deserialize>::deserialize(deserializer).map(Some)
            }
        }
    });
    quote! {
        /// Support code for the types above.
        mod support {
            #union_support
            #tri_state_support
            #enum_support
        }
    }
}

/// The one-pass decoding every discriminated union shares. A union reads the
/// keys of its object until the tag; when the tag comes first (the usual
/// order) nothing is buffered and the variant reads the rest of the object
/// straight from the input, so an error inside it keeps its whole JSON path
/// (serde_path_to_error sees through). Entries before the tag are kept as
/// `serde_json::Value`s and replayed; an error inside one of them is reported
/// at the union, its inner path in the message (the input's tracking cannot
/// see inside a value already read; `bindings_runtime::json::read` reads a
/// failed body again with the tags first, for the whole path). An unknown tag
/// keeps the whole object as JSON.
///
/// The entries before the tag stay `Value`s, not raw slices: a replayed
/// entry must be readable by any `DeserializeSeed<'de>`, and only an owned
/// deserializer (a `Value`) is a `Deserializer<'de>` for every `'de`.
fn union_support() -> TokenStream {
    quote! {
        /// A union dispatched on its tag.
        pub(super) trait Tagged: ::std::marker::Sized {
            /// The union's schema name, for error messages.
            const UNION: &'static str;
            /// The tag property.
            const TAG: &'static str;
            /// Reads the variant of `tag` from the rest of the object, or gives
            /// the object back when the tag is unknown.
            fn variant<'de, M: ::serde::de::MapAccess<'de>>(
                tag: &str,
                map: M,
            ) -> ::std::result::Result<::std::result::Result<Self, M::Error>, M>;
            /// The value of an unknown tag, kept as received.
            fn unknown(value: ::serde_json::Value) -> Self;
        }

        /// Reads a variant from the rest of its object.
        pub(super) fn variant<'de, T, M>(map: M) -> ::std::result::Result<T, M::Error>
        where
            T: ::serde::Deserialize<'de>,
            M: ::serde::de::MapAccess<'de>,
        {
            T::deserialize(::serde::de::value::MapAccessDeserializer::new(map))
        }

        /// Reads a union in one pass over its object.
        pub(super) fn deserialize_tagged<'de, T, D>(deserializer: D) -> ::std::result::Result<T, D::Error>
        where
            T: Tagged,
            D: ::serde::Deserializer<'de>,
        {
            deserializer.deserialize_any(Union(::std::marker::PhantomData))
        }

        struct Union<T>(::std::marker::PhantomData<T>);

        impl<T: Tagged> Union<T> {
            fn not_an_object<E: ::serde::de::Error>() -> E {
                E::custom(format_args!("{}: expected a JSON object", T::UNION))
            }
        }

        impl<'de, T: Tagged> ::serde::de::Visitor<'de> for Union<T> {
            type Value = T;

            fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "a JSON object (a {})", T::UNION)
            }

            fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<T, A::Error> {
                let mut before = ::std::vec::Vec::new();
                loop {
                    let Some(key) = map.next_key_seed(Text)? else {
                        return Err(::serde::de::Error::custom(format_args!(
                            "{}: missing field `{}`",
                            T::UNION,
                            T::TAG
                        )));
                    };
                    if key == T::TAG {
                        let tag = map.next_value_seed(TagValue::<T>(::std::marker::PhantomData))?;
                        let rest = Rest {
                            before: before.into_iter(),
                            pending: None,
                            map,
                            union: T::UNION,
                            tag: T::TAG,
                        };
                        return match T::variant(&tag, rest) {
                            Ok(variant) => variant,
                            Err(rest) => rest.unknown::<T>(tag.into_owned()),
                        };
                    }
                    let value: ::serde_json::Value = map.next_value()?;
                    before.push((key.into_owned(), value));
                }
            }

            fn visit_bool<E: ::serde::de::Error>(self, _: bool) -> ::std::result::Result<T, E> {
                Err(Self::not_an_object())
            }
            fn visit_i64<E: ::serde::de::Error>(self, _: i64) -> ::std::result::Result<T, E> {
                Err(Self::not_an_object())
            }
            fn visit_u64<E: ::serde::de::Error>(self, _: u64) -> ::std::result::Result<T, E> {
                Err(Self::not_an_object())
            }
            fn visit_f64<E: ::serde::de::Error>(self, _: f64) -> ::std::result::Result<T, E> {
                Err(Self::not_an_object())
            }
            fn visit_str<E: ::serde::de::Error>(self, _: &str) -> ::std::result::Result<T, E> {
                Err(Self::not_an_object())
            }
            fn visit_bytes<E: ::serde::de::Error>(self, _: &[u8]) -> ::std::result::Result<T, E> {
                Err(Self::not_an_object())
            }
            fn visit_none<E: ::serde::de::Error>(self) -> ::std::result::Result<T, E> {
                Err(Self::not_an_object())
            }
            fn visit_unit<E: ::serde::de::Error>(self) -> ::std::result::Result<T, E> {
                Err(Self::not_an_object())
            }
            fn visit_some<D: ::serde::Deserializer<'de>>(self, _: D) -> ::std::result::Result<T, D::Error> {
                Err(Self::not_an_object())
            }
            fn visit_newtype_struct<D: ::serde::Deserializer<'de>>(self, _: D) -> ::std::result::Result<T, D::Error> {
                Err(Self::not_an_object())
            }
            fn visit_seq<A: ::serde::de::SeqAccess<'de>>(self, _: A) -> ::std::result::Result<T, A::Error> {
                Err(Self::not_an_object())
            }
            fn visit_enum<A: ::serde::de::EnumAccess<'de>>(self, _: A) -> ::std::result::Result<T, A::Error> {
                Err(Self::not_an_object())
            }
        }

        /// A key or a tag value: borrowed from the input when it can be.
        struct Text;

        impl<'de> ::serde::de::DeserializeSeed<'de> for Text {
            type Value = ::std::borrow::Cow<'de, str>;
            fn deserialize<D: ::serde::Deserializer<'de>>(self, deserializer: D) -> ::std::result::Result<Self::Value, D::Error> {
                deserializer.deserialize_str(self)
            }
        }

        impl<'de> ::serde::de::Visitor<'de> for Text {
            type Value = ::std::borrow::Cow<'de, str>;
            fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: ::serde::de::Error>(self, value: &'de str) -> ::std::result::Result<Self::Value, E> {
                Ok(::std::borrow::Cow::Borrowed(value))
            }
            fn visit_str<E: ::serde::de::Error>(self, value: &str) -> ::std::result::Result<Self::Value, E> {
                Ok(::std::borrow::Cow::Owned(value.to_owned()))
            }
            fn visit_string<E: ::serde::de::Error>(self, value: ::std::string::String) -> ::std::result::Result<Self::Value, E> {
                Ok(::std::borrow::Cow::Owned(value))
            }
        }

        /// The tag's value, which must be a string.
        struct TagValue<T>(::std::marker::PhantomData<T>);

        impl<'de, T: Tagged> ::serde::de::DeserializeSeed<'de> for TagValue<T> {
            type Value = ::std::borrow::Cow<'de, str>;
            fn deserialize<D: ::serde::Deserializer<'de>>(self, deserializer: D) -> ::std::result::Result<Self::Value, D::Error> {
                deserializer.deserialize_str(self)
            }
        }

        impl<'de, T: Tagged> ::serde::de::Visitor<'de> for TagValue<T> {
            type Value = ::std::borrow::Cow<'de, str>;
            fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "a string: the `{}` of a {}", T::TAG, T::UNION)
            }
            fn visit_borrowed_str<E: ::serde::de::Error>(self, value: &'de str) -> ::std::result::Result<Self::Value, E> {
                Text.visit_borrowed_str(value)
            }
            fn visit_str<E: ::serde::de::Error>(self, value: &str) -> ::std::result::Result<Self::Value, E> {
                Text.visit_str(value)
            }
            fn visit_string<E: ::serde::de::Error>(self, value: ::std::string::String) -> ::std::result::Result<Self::Value, E> {
                Text.visit_string(value)
            }
        }

        /// The rest of a union's object after its tag: the entries read
        /// before the tag, then the input's.
        struct Rest<A> {
            before: ::std::vec::IntoIter<(::std::string::String, ::serde_json::Value)>,
            pending: ::std::option::Option<(::std::string::String, ::serde_json::Value)>,
            map: A,
            union: &'static str,
            tag: &'static str,
        }

        impl<'de, A: ::serde::de::MapAccess<'de>> Rest<A> {
            /// The whole object of an unknown tag, as JSON.
            fn unknown<T: Tagged>(mut self, tag: ::std::string::String) -> ::std::result::Result<T, A::Error> {
                let mut object: ::serde_json::Map<::std::string::String, ::serde_json::Value> =
                    self.before.by_ref().collect();
                object.insert(self.tag.to_owned(), ::serde_json::Value::String(tag));
                let (union, tag) = (self.union, self.tag);
                while let Some(key) = self.map.next_key_seed(NotTheTag {
                    seed: ::std::marker::PhantomData::<::std::string::String>,
                    union,
                    tag,
                })? {
                    let value: ::serde_json::Value = self.map.next_value()?;
                    object.insert(key, value);
                }
                Ok(T::unknown(::serde_json::Value::Object(object)))
            }
        }

        impl<'de, A: ::serde::de::MapAccess<'de>> ::serde::de::MapAccess<'de> for Rest<A> {
            type Error = A::Error;

            fn next_key_seed<K: ::serde::de::DeserializeSeed<'de>>(
                &mut self,
                seed: K,
            ) -> ::std::result::Result<::std::option::Option<K::Value>, A::Error> {
                if let Some((key, value)) = self.before.next() {
                    let read = seed
                        .deserialize(::serde::de::IntoDeserializer::<A::Error>::into_deserializer(key.as_str()))
                        .map(Some);
                    self.pending = Some((key, value));
                    return read;
                }
                self.map.next_key_seed(NotTheTag {
                    seed,
                    union: self.union,
                    tag: self.tag,
                })
            }

            fn next_value_seed<V: ::serde::de::DeserializeSeed<'de>>(
                &mut self,
                seed: V,
            ) -> ::std::result::Result<V::Value, A::Error> {
                let Some((key, value)) = self.pending.take() else {
                    return self.map.next_value_seed(seed);
                };
                // Read before the tag: the input's path tracking cannot see
                // inside it, so the message says where.
                let mut track = ::serde_path_to_error::Track::new();
                seed.deserialize(::serde_path_to_error::Deserializer::new(value, &mut track))
                    .map_err(|error| {
                        let inner = track.path().to_string();
                        let separator = if inner.starts_with('[') { "" } else { "." };
                        let at = if inner == "." { key } else { format!("{key}{separator}{inner}") };
                        ::serde::de::Error::custom(format_args!(
                            "{error} (at `{at}`, read before the `{}` of the {})",
                            self.tag, self.union
                        ))
                    })
            }

            fn size_hint(&self) -> ::std::option::Option<usize> {
                self.map.size_hint().map(|rest| rest + self.before.len())
            }
        }

        /// A key after the tag: refused if it is the tag again (one object,
        /// one reading), else handed on.
        struct NotTheTag<K> {
            seed: K,
            union: &'static str,
            tag: &'static str,
        }

        impl<K> NotTheTag<K> {
            fn check<E: ::serde::de::Error>(&self, key: &str) -> ::std::result::Result<(), E> {
                if key == self.tag {
                    return Err(E::custom(format_args!("{}: duplicate field `{}`", self.union, self.tag)));
                }
                Ok(())
            }
        }

        impl<'de, K: ::serde::de::DeserializeSeed<'de>> ::serde::de::DeserializeSeed<'de> for NotTheTag<K> {
            type Value = K::Value;
            fn deserialize<D: ::serde::Deserializer<'de>>(self, deserializer: D) -> ::std::result::Result<K::Value, D::Error> {
                deserializer.deserialize_str(self)
            }
        }

        impl<'de, K: ::serde::de::DeserializeSeed<'de>> ::serde::de::Visitor<'de> for NotTheTag<K> {
            type Value = K::Value;
            fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E: ::serde::de::Error>(self, key: &'de str) -> ::std::result::Result<K::Value, E> {
                self.check(key)?;
                self.seed.deserialize(::serde::de::value::BorrowedStrDeserializer::new(key))
            }
            fn visit_str<E: ::serde::de::Error>(self, key: &str) -> ::std::result::Result<K::Value, E> {
                self.check(key)?;
                self.seed.deserialize(::serde::de::IntoDeserializer::<E>::into_deserializer(key))
            }
            fn visit_string<E: ::serde::de::Error>(self, key: ::std::string::String) -> ::std::result::Result<K::Value, E> {
                self.check(&key)?;
                self.seed.deserialize(::serde::de::IntoDeserializer::<E>::into_deserializer(key))
            }
        }
    }
}
