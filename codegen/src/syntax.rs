//! What the passes over progenitor's output share about Rust types: one
//! helper that unwraps a generic type (`Option<T>`, `Vec<T>`, `HashMap<K, V>`).

use syn::{GenericArgument, PathArguments, Type};

/// The type arguments of `ty` when it is a path type whose last segment is
/// one of `names` (`Option`, `Vec`, `HashMap`, …), in order; `None` for any
/// other type.
pub(crate) fn generic_args<'t>(ty: &'t Type, names: &[&str]) -> Option<Vec<&'t Type>> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if !names.iter().any(|name| last.ident == name) {
        return None;
    }
    match &last.arguments {
        PathArguments::AngleBracketed(args) => Some(
            args.args
                .iter()
                .filter_map(|arg| match arg {
                    GenericArgument::Type(inner) => Some(inner),
                    _ => None,
                })
                .collect(),
        ),
        _ => None,
    }
}

/// `Option<T>` → `T`.
pub(crate) fn option_inner(ty: &Type) -> Option<&Type> {
    match generic_args(ty, &["Option"])?.as_slice() {
        [inner] => Some(inner),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unwraps_the_named_generic_only() {
        let ty: Type = syn::parse_quote!(::std::option::Option<Vec<u8>>);
        let inner = option_inner(&ty).map(|t| quote::quote!(#t).to_string());
        assert_eq!(inner.as_deref(), Some("Vec < u8 >"));
        let map: Type = syn::parse_quote!(std::collections::HashMap<String, i32>);
        assert_eq!(generic_args(&map, &["HashMap"]).map(|a| a.len()), Some(2));
        assert!(generic_args(&map, &["BTreeMap"]).is_none());
        assert!(option_inner(&map).is_none());
        let plain: Type = syn::parse_quote!(Option);
        assert!(option_inner(&plain).is_none());
    }
}
