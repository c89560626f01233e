//! Writing the documented rules down: as data for the runtime (each type's
//! `RULES`), as docs on each type, and as the rules table `spec/RULES.md`.

use std::collections::BTreeMap;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use serde_yaml::Value;
use syn::{File, Item};

use super::read::{self, Enforced, Is, Kind, SpecRule, When};
use crate::Error;
use crate::emit::type_name;

/// The test that runs every row's pair, named in the table.
pub(crate) const TABLE_TEST: &str =
    "`messaging-simulator` test `rules::every_rule_row_is_held_by_the_client_and_the_simulator`";

fn when_tokens(when: &When) -> TokenStream {
    let property = &when.property;
    let is = match &when.is {
        Is::Present => quote!(::bindings_runtime::rules::Is::Present),
        Is::OneOf(values) => quote!(::bindings_runtime::rules::Is::OneOf(&[#(#values),*])),
        Is::NotOneOf(values) => quote!(::bindings_runtime::rules::Is::NotOneOf(&[#(#values),*])),
        Is::HasItem(key, value) => quote!(::bindings_runtime::rules::Is::HasItem(#key, #value)),
    };
    quote!(::bindings_runtime::rules::When { property: #property, is: #is })
}

fn check_tokens(kind: &Kind) -> Option<TokenStream> {
    let rules = quote!(::bindings_runtime::rules);
    Some(match kind {
        Kind::RequiresOneOf {
            properties,
            exclusive,
        } => {
            quote!(#rules::Check::RequiresOneOf { properties: &[#(#properties),*], exclusive: #exclusive })
        }
        Kind::RequiresIf { property, when } => {
            let when = when_tokens(when);
            quote!(#rules::Check::RequiresIf { property: #property, when: #when })
        }
        Kind::ForbidsWith {
            property,
            when,
            deleted,
            values,
        } => {
            let when = when_tokens(when);
            quote!(#rules::Check::ForbidsWith { property: #property, when: #when, deleted: #deleted, values: &[#(#values),*] })
        }
        Kind::Counts { property, of, max } => {
            let max = usize::try_from(*max).unwrap_or(usize::MAX);
            quote!(#rules::Check::Counts { property: #property, of: &[#(#of),*], max: #max })
        }
        Kind::SameCount { property, as_ } => {
            quote!(#rules::Check::SameCount { property: #property, as_: #as_ })
        }
        Kind::HasItem {
            property,
            key,
            value,
        } => quote!(#rules::Check::HasItem { property: #property, key: #key, value: #value }),
        Kind::Format {
            property,
            format,
            max,
            when,
        } => {
            let property = match property {
                Some(p) => quote!(Some(#p)),
                None => quote!(None),
            };
            let format = match format.as_str() {
                "hex" => quote!(#rules::Format::Hex),
                "seconds" => {
                    let max = max.unwrap_or(0);
                    quote!(#rules::Format::Seconds { max: #max })
                }
                "origin" => quote!(#rules::Format::Origin),
                "sms-bytes" => {
                    let max = max.unwrap_or(0);
                    quote!(#rules::Format::SmsBytes { max: #max })
                }
                _ => quote!(#rules::Format::HttpsOrigin),
            };
            let when = match when {
                Some(w) => {
                    let w = when_tokens(w);
                    quote!(Some(#w))
                }
                None => quote!(None),
            };
            quote!(#rules::Check::Format { property: #property, format: #format, when: #when })
        }
        Kind::Selects {
            property,
            object,
            keys,
        } => {
            let pairs = keys.iter().map(|(v, k)| quote!((#v, #k)));
            quote!(#rules::Check::Selects { property: #property, object: #object, keys: &[#(#pairs),*] })
        }
        Kind::Keyword { .. } | Kind::Stateful | Kind::Unchecked => return None,
    })
}

/// `impl T { pub const RULES: … }`: the rules the type's `Validate` runs.
pub(crate) fn rules_constant(
    name: &str,
    rules: &[SpecRule],
    types: &BTreeMap<String, &Item>,
) -> TokenStream {
    let ty = type_name(name);
    if !types.contains_key(&ty) {
        return TokenStream::new();
    }
    let ty = Ident::new(&ty, Span::call_site());
    let entries = rules.iter().filter_map(|rule| {
        let check = check_tokens(&rule.kind)?;
        let (id, says, source) = (&rule.id, &rule.says, &rule.source);
        Some(quote!(::bindings_runtime::rules::DocRule::new(#id, #says, #source, #check)))
    });
    let doc = format!(
        " The documented rules of `{name}` (its `x-rules` in the spec), checked by its `Validate`."
    );
    quote! {
        impl #ty {
            #[doc = #doc]
            pub const RULES: &'static [::bindings_runtime::rules::DocRule] = &[#(#entries),*];
        }
    }
}

/// Adds the rules of a schema to its type's documentation.
pub(crate) fn rules_doc(name: &str, rules: &[SpecRule], file: &mut File) -> Result<(), Error> {
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
        syn::parse_quote!(#[doc = " Documented rules (the spec's `x-rules`; `spec/RULES.md` lists them all):"]),
    ];
    for rule in rules {
        let line = format!(
            " - {} ({}; {})",
            rule.says,
            rule.source,
            match rule.enforced {
                Enforced::Both | Enforced::Client => "checked before sending",
                Enforced::Simulator => "the server's: it needs stored state",
                Enforced::Nobody => "not checked",
            }
        );
        docs.push(syn::parse_quote!(#[doc = #line]));
    }
    attrs.splice(position..position, docs);
    Ok(())
}

fn how(rule: &SpecRule) -> String {
    let list = |items: &[String]| {
        items
            .iter()
            .map(|i| format!("`{i}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let cond = |w: &When| match &w.is {
        Is::Present => format!("`{}` present", w.property),
        Is::OneOf(values) => format!("`{}` in {}", w.property, list(values)),
        Is::NotOneOf(values) => format!("`{}` not in {}", w.property, list(values)),
        Is::HasItem(k, v) => format!("`{}` has an item with `{k}: {v}`", w.property),
    };
    match &rule.kind {
        Kind::RequiresOneOf {
            properties,
            exclusive,
        } => format!(
            "requires-one-of {}{}",
            list(properties),
            if *exclusive { " (exactly one)" } else { "" }
        ),
        Kind::RequiresIf { property, when } => {
            format!("requires-if `{property}` when {}", cond(when))
        }
        Kind::ForbidsWith {
            property,
            when,
            deleted,
            values,
        } => format!(
            "forbids-with `{property}`{} when {}",
            if *deleted {
                " = null".to_owned()
            } else if values.is_empty() {
                String::new()
            } else {
                format!(" in {}", list(values))
            },
            cond(when)
        ),
        Kind::Counts { property, of, max } => {
            format!("counts `{property}` by {} at most {max}", list(of))
        }
        Kind::SameCount { property, as_ } => format!("same-count `{property}` as `{as_}`"),
        Kind::HasItem {
            property,
            key,
            value,
        } => format!("has-item `{property}` with `{key}: {value}`"),
        Kind::Format {
            property,
            format,
            when,
            ..
        } => format!(
            "format `{format}` of {}{}",
            property
                .as_deref()
                .map_or_else(|| "the value".to_owned(), |p| format!("`{p}`")),
            when.as_ref()
                .map(|w| format!(" when {}", cond(w)))
                .unwrap_or_default()
        ),
        Kind::Selects {
            property, object, ..
        } => {
            format!("selects `{object}.<key>` by `{property}`")
        }
        Kind::Keyword { keyword, property } => format!("keyword `{keyword}` of `{property}`"),
        Kind::Stateful => "state".to_owned(),
        Kind::Unchecked => "none".to_owned(),
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// `spec/RULES.md`: one row per documented rule of each spec.
pub(crate) fn rules_table(specs: &[(&str, &Value)]) -> Result<String, Error> {
    let mut problems = Vec::new();
    let names: Vec<String> = specs.iter().map(|(name, _)| format!("`{name}`")).collect();
    let mut out = format!(
        "<!-- Generated by `{}` from {} (their `x-rules`). Do not edit by hand:\n     change the spec and run `{}`. -->\n\n# The documented rules\n\n",
        crate::targets::REGEN_COMMAND,
        names.join(", "),
        crate::targets::REGEN_COMMAND,
    );
    out.push_str(
        "\
         Every documented rule the bindings know, written once in its spec under `x-rules` of the\n\
         schema it constrains. \"both\": the client's generated `Validate` refuses it before sending and\n\
         the simulator, which runs the same `Validate` on what it receives, answers the platform's\n\
         error; \"simulator\": the rule needs stored state (a channel's type, its settings, its page);\n\
         \"client\": the platform itself does otherwise (the note says what); \"not enforced\": the note\n\
         says why. Each row's valid/invalid pair is in the spec beside the rule and is run by the\n\
         ",
    );
    out.push_str(TABLE_TEST);
    out.push_str(".\n");
    let mut counts = BTreeMap::<&str, usize>::new();
    let mut sections = String::new();
    for (spec_name, spec) in specs {
        let rules = read::rules(spec, &mut problems);
        sections.push_str(&format!(
            "\n## `{spec_name}`\n\n| rule | source | schema | says | check | enforced | test pair | note |\n|---|---|---|---|---|---|---|---|\n"
        ));
        for rule in &rules {
            *counts.entry(rule.enforced.word()).or_default() += 1;
            sections.push_str(&format!(
                "| `{}` | {} | `{}` | {} | {} | {} | {} | {} |\n",
                rule.id,
                cell(&rule.source),
                rule.schema,
                cell(&rule.says),
                cell(&how(rule)),
                rule.enforced.word(),
                rule.pair
                    .as_deref()
                    .map_or_else(String::new, |op| format!("`{op}`")),
                cell(rule.note.as_deref().unwrap_or("")),
            ));
        }
    }
    let total: usize = counts.values().sum();
    out.push_str(&format!("\n{total} rules: "));
    out.push_str(
        &counts
            .iter()
            .map(|(word, n)| format!("{n} {word}"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    out.push_str(".\n");
    out.push_str(&sections);
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Error::Conventions(problems))
    }
}
