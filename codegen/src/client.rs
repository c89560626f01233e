//! Edits to progenitor's client code, so that every generated operation goes
//! through the shared runtime (`bindings-runtime`, beside this crate):
//!
//! - each path parameter becomes exactly one segment, through
//!   `bindings_runtime::path::segment`, which refuses an empty, `.` or `..`
//!   value with a typed error naming the parameter before anything is sent
//!   (progenitor's `encode_path` leaves `.` and `\` alone, and the URL parser
//!   then climbs the path);
//! - the undocumented `api-version` header progenitor adds to every request
//!   is never written (nor the empty header map left behind);
//! - the request goes out through `Runtime::execute` (credential, limits,
//!   retries, deadline, redirects refused) instead of progenitor's hooks;
//! - the operations return the runtime's `Error` and `ResponseValue`, which
//!   keep progenitor's shape and add typed refusals; every JSON body is read
//!   with the crate's `types::UNION_TAGS`, so that a body that does not
//!   decode names the JSON path of the fault;
//! - `Client::new`, which would build an HTTP client that follows redirects
//!   with the credential, is removed: clients are built by each crate's
//!   `ClientBuilder`, through the generated `Client::from_parts`;
//!   `Client::base_url` and `Client::with_auth` (another credential, same
//!   pool) are generated too.
//!
//! - with a client feature, everything but the `types` module (the client,
//!   its imports, the prelude) is behind it.
//!
//! Each edit checks the shape it expects and fails with [`Error::Patch`]
//! naming the operation when progenitor's output changes.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;
use syn::{Expr, File, ImplItem, Item, ItemImpl, Stmt, Token};

use crate::Error;

/// The Rust path of the runtime's state type, the generated client's `inner`.
pub(crate) const RUNTIME_TYPE: &str = "::bindings_runtime::Runtime";

/// Applies every edit of this module to progenitor's output.
pub(crate) fn patch(file: &mut File) -> Result<(), Error> {
    imports(file)?;
    file.items.retain(|item| !is_hooks_item(item));
    let mut problems = Vec::new();
    for item in &mut file.items {
        let Item::Impl(block) = item else { continue };
        if !is_inherent_client_impl(block) {
            continue;
        }
        if block
            .items
            .iter()
            .any(|item| is_fn_named(item, "new_with_client"))
        {
            block.items.retain(|item| !is_fn_named(item, "new"));
            block.items.extend(constructors());
        }
        for item in &mut block.items {
            let ImplItem::Fn(function) = item else {
                continue;
            };
            if !tokens(&function.block).contains("OperationInfo") {
                continue;
            }
            let name = function.sig.ident.to_string();
            if let Err(problem) = operation(&mut function.block.stmts) {
                problems.push(format!("operation `{name}`: {problem}"));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Patch(problems.join("\n")))
    }
}

fn tokens(node: &impl ToTokens) -> String {
    node.to_token_stream().to_string()
}

/// The generated file imports `Error` and `ResponseValue` from the runtime
/// instead of `progenitor-client`, and no longer `encode_path` or `ClientHooks`.
fn imports(file: &mut File) -> Result<(), Error> {
    let public = quote!(
        pub use progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue};
    );
    let private = quote!(
        use progenitor_client::{encode_path, ClientHooks, OperationInfo, RequestBuilderExt};
    );
    let mut found = (false, false);
    for item in &mut file.items {
        let Item::Use(import) = item else { continue };
        let mut plain = import.clone();
        plain.attrs.clear();
        // progenitor writes a trailing comma in the braces.
        let text = tokens(&plain).replace(" , }", " }");
        if text == public.to_string() {
            found.0 = true;
            import.tree = syn::parse_quote!(progenitor_client::{ByteStream, ClientInfo});
        } else if text == private.to_string() {
            found.1 = true;
            import.tree = syn::parse_quote!(progenitor_client::{OperationInfo, RequestBuilderExt});
        }
    }
    if found != (true, true) {
        let seen: Vec<String> = file
            .items
            .iter()
            .filter(|item| matches!(item, Item::Use(_)))
            .map(tokens)
            .collect();
        return Err(Error::Patch(format!(
            "progenitor's imports of `progenitor_client` have changed shape: {}",
            seen.join("; ")
        )));
    }
    let runtime: Item = syn::parse_quote! {
        #[allow(unused_imports)]
        pub use bindings_runtime::{Error, ResponseValue};
    };
    let at = file
        .items
        .iter()
        .position(|item| matches!(item, Item::Use(_)))
        .unwrap_or(0);
    file.items.insert(at, runtime);
    Ok(())
}

/// `impl ClientHooks<..> for &Client {}` and the `assert_client_hooks`
/// check: the hooks are no longer called.
fn is_hooks_item(item: &Item) -> bool {
    match item {
        Item::Impl(block) => block
            .trait_
            .as_ref()
            .is_some_and(|(_, path, _)| tokens(path).starts_with("ClientHooks")),
        Item::Const(constant) => tokens(&constant.expr).contains("assert_client_hooks"),
        _ => false,
    }
}

/// What every client needs from its builder and for per-call credentials,
/// generated once rather than written in each crate.
fn constructors() -> Vec<ImplItem> {
    vec![
        syn::parse_quote! {
            /// A client from the parts its `ClientBuilder` checked.
            pub fn from_parts(parts: ::bindings_runtime::Parts) -> Self {
                Self::new_with_client(&parts.base_url, parts.http, parts.runtime)
            }
        },
        syn::parse_quote! {
            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                &self.baseurl
            }
        },
        syn::parse_quote! {
            /// The same client with another credential: a cheap clone that
            /// shares the connection pool and the in-flight limit.
            pub fn with_auth(&self, auth: ::bindings_runtime::Auth) -> Self {
                Self::new_with_client(&self.baseurl, self.client.clone(), self.inner.with_auth(auth))
            }
        },
    ]
}

fn is_inherent_client_impl(block: &ItemImpl) -> bool {
    block.trait_.is_none() && tokens(&block.self_ty) == "Client"
}

fn is_fn_named(item: &ImplItem, name: &str) -> bool {
    matches!(item, ImplItem::Fn(function) if function.sig.ident == name)
}

/// Edits one operation's statements.
fn operation(stmts: &mut Vec<Stmt>) -> Result<(), String> {
    let mut segments = Segments::default();
    for stmt in stmts.iter_mut() {
        segments.visit_stmt_mut(stmt);
    }
    if let Some(problem) = segments.problem {
        return Err(problem);
    }
    if stmts
        .iter()
        .any(|stmt| tokens(stmt).contains("encode_path"))
    {
        return Err("a path parameter is encoded in a way this generator does not know".to_owned());
    }
    drop_api_version(stmts)?;
    send_through_runtime(stmts)?;
    let mut reads = ResponseReads::default();
    for stmt in stmts.iter_mut() {
        reads.visit_stmt_mut(stmt);
    }
    reads.problem.map_or(Ok(()), Err)
}

/// Rewrites `ResponseValue::from_response(response)` into
/// `ResponseValue::from_response(response, types::UNION_TAGS)`: the
/// runtime reads the body with the union tags first when it does not
/// decode, for the whole JSON path of the fault.
#[derive(Default)]
struct ResponseReads {
    problem: Option<String>,
}

impl VisitMut for ResponseReads {
    fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
        syn::visit_mut::visit_expr_call_mut(self, call);
        if tokens(&call.func) != "ResponseValue :: from_response" {
            return;
        }
        if call.args.len() == 1 {
            call.args.push(syn::parse_quote!(types::UNION_TAGS));
        } else {
            self.problem = Some(format!(
                "`ResponseValue::from_response` takes {} arguments here, not one",
                call.args.len()
            ));
        }
    }
}

/// Rewrites `encode_path(&x.to_string())` in `format!` arguments into
/// `bindings_runtime::path::segment("x", &x.to_string())?`.
#[derive(Default)]
struct Segments {
    problem: Option<String>,
}

impl VisitMut for Segments {
    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        if !mac.path.is_ident("format") || !tokens(&mac.tokens).contains("encode_path") {
            return;
        }
        let parser = Punctuated::<Expr, Token![,]>::parse_terminated;
        let args = match syn::parse::Parser::parse2(parser, mac.tokens.clone()) {
            Ok(args) => args,
            Err(error) => {
                self.problem = Some(format!("reading a `format!` of the URL: {error}"));
                return;
            }
        };
        let mut rewritten: Vec<TokenStream> = Vec::new();
        for arg in args {
            match encoded_parameter(&arg) {
                Some((name, value)) => rewritten.push(quote! {
                    ::bindings_runtime::path::segment(#name, #value)?
                }),
                None => rewritten.push(arg.into_token_stream()),
            }
        }
        mac.tokens = quote!(#(#rewritten),*);
    }
}

/// For `encode_path(&x.to_string())`: `"x"` and `&x.to_string()`.
fn encoded_parameter(arg: &Expr) -> Option<(String, &Expr)> {
    let Expr::Call(call) = arg else { return None };
    if tokens(&call.func) != "encode_path" || call.args.len() != 1 {
        return None;
    }
    let value = call.args.first()?;
    let Expr::Reference(reference) = value else {
        return None;
    };
    let Expr::MethodCall(to_string) = &*reference.expr else {
        return None;
    };
    let Expr::Path(parameter) = &*to_string.receiver else {
        return None;
    };
    let name = parameter.path.get_ident()?.to_string();
    Some((name.trim_start_matches("r#").to_owned(), value))
}

/// Removes the `api-version` header, and the header map when nothing else
/// goes in it.
fn drop_api_version(stmts: &mut Vec<Stmt>) -> Result<(), String> {
    let before = stmts.len();
    stmts.retain(|stmt| {
        let text = tokens(stmt);
        !(text.starts_with("header_map . append") && text.contains("\"api-version\""))
    });
    if stmts.len() + 1 != before {
        return Err("expected one `api-version` header".to_owned());
    }
    let declaration = stmts
        .iter()
        .position(|stmt| tokens(stmt).starts_with("let mut header_map ="))
        .ok_or("no header map")?;
    let other_uses = stmts
        .iter()
        .enumerate()
        .filter(|(at, stmt)| *at != declaration && tokens(stmt).contains("header_map"))
        .count();
    let Some(Stmt::Local(local)) = stmts.get_mut(declaration) else {
        return Err("no header map".to_owned());
    };
    if other_uses > 1 {
        // Header parameters remain: one slot fewer.
        if let Some(init) = &mut local.init {
            let capacity = syn::LitInt::new(
                &format!("{}usize", other_uses - 1),
                proc_macro2::Span::call_site(),
            );
            *init.expr = syn::parse_quote! {
                ::reqwest::header::HeaderMap::with_capacity(#capacity)
            };
        }
        return Ok(());
    }
    stmts.remove(declaration);
    let mut removed = false;
    for stmt in stmts.iter_mut() {
        if let Stmt::Local(local) = stmt
            && let Some(init) = &mut local.init
        {
            removed |= remove_headers_call(&mut init.expr);
        }
    }
    if removed {
        Ok(())
    } else {
        Err("no `.headers(header_map)` in the request".to_owned())
    }
}

/// Removes `.headers(header_map)` from a builder chain.
fn remove_headers_call(expr: &mut Expr) -> bool {
    match expr {
        Expr::Try(inner) => remove_headers_call(&mut inner.expr),
        Expr::MethodCall(call) => {
            if call.method == "headers"
                && call.args.len() == 1
                && tokens(&call.args[0]) == "header_map"
            {
                *expr = (*call.receiver).clone();
                true
            } else {
                remove_headers_call(&mut call.receiver)
            }
        }
        _ => false,
    }
}

/// Replaces progenitor's hook calls with one call to the runtime.
fn send_through_runtime(stmts: &mut Vec<Stmt>) -> Result<(), String> {
    let hooks: [TokenStream; 4] = [
        quote!(self.pre(&mut request, &info).await?;),
        quote!(let result = self.exec(request, &info).await;),
        quote!(self.post(&result, &info).await?;),
        quote!(let response = result?;),
    ];
    let hooks: Vec<String> = hooks.iter().map(ToString::to_string).collect();
    let texts: Vec<String> = stmts.iter().map(tokens).collect();
    let at = texts
        .windows(hooks.len())
        .position(|window| window == hooks.as_slice())
        .ok_or("progenitor's hook calls have changed shape")?;
    let send: Stmt = syn::parse_quote! {
        let response = self.inner.execute(&self.client, request, &info).await?;
    };
    stmts.splice(at..at + hooks.len(), [send]);
    Ok(())
}

/// Puts every top-level item but the `types` module behind
/// `#[cfg(feature = "<feature>")]`: the types need no HTTP client, the
/// client and its imports do.
pub(crate) fn behind_feature(file: &mut File, feature: &str) -> Result<(), Error> {
    let cfg: syn::Attribute = syn::parse_quote!(#[cfg(feature = #feature)]);
    for item in &mut file.items {
        let attrs = match item {
            Item::Mod(module) if module.ident == "types" => continue,
            Item::Mod(module) => &mut module.attrs,
            Item::Use(item) => &mut item.attrs,
            Item::Struct(item) => &mut item.attrs,
            Item::Enum(item) => &mut item.attrs,
            Item::Impl(item) => &mut item.attrs,
            Item::Fn(item) => &mut item.attrs,
            Item::Const(item) => &mut item.attrs,
            Item::Static(item) => &mut item.attrs,
            Item::Type(item) => &mut item.attrs,
            Item::Trait(item) => &mut item.attrs,
            Item::Macro(item) => &mut item.attrs,
            other => {
                return Err(Error::Patch(format!(
                    "an item the client feature cannot be put on: {}",
                    tokens(other)
                )));
            }
        };
        attrs.insert(0, cfg.clone());
    }
    Ok(())
}
