//! `cargo xtask check-imports`: no import circle among the project's own
//! modules.
//!
//! Every package of the repository is read from its `src/` (the library's,
//! or the binary's when there is no library): each file is a module (`a.rs`
//! and `a/mod.rs` are `a`, `a/b.rs` is `a::b`). A path in a file that names
//! another module of its crate (`use crate::a::b`, `super::b::f()`,
//! `self::c`, or a child's name) is an edge from that file to the module's
//! file. Two kinds of path are not edges: one to the crate root (`lib.rs`,
//! `main.rs`: the façade that declares and re-exports the modules), and one
//! between a module and its own descendants (`amio/mod.rs` and
//! `amio/live.rs` are one module's inside). A circle is then a set of files
//! that reach each other; it is reported with its members.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit_mut::{self, VisitMut};

/// A module of a crate, as the path of names from the crate root.
type Module = Vec<String>;

/// One crate's modules: each file's module path and the file.
struct Crate {
    /// The package directory, relative to the repository root.
    name: String,
    files: BTreeMap<Module, PathBuf>,
}

/// Every import circle of the repository under `root`, each as the files in
/// it (relative to `root`), sorted.
pub(crate) fn circles(root: &Path) -> Result<Vec<Vec<String>>, String> {
    let mut found = Vec::new();
    for krate in crates(root)? {
        let edges = edges(root, &krate)?;
        for circle in strongly_connected(&edges) {
            let mut files: Vec<String> = circle
                .iter()
                .filter_map(|module| krate.files.get(module))
                .map(|file| {
                    file.strip_prefix(root)
                        .unwrap_or(file)
                        .display()
                        .to_string()
                })
                .collect();
            files.sort();
            found.push(files);
        }
    }
    Ok(found)
}

/// Circles known and being undone elsewhere, each with why it is still
/// here. The check fails on any other circle, and on an entry that is no
/// longer a circle, so that this list only shrinks.
// None at present: every circle the check found has been undone.
const KNOWN: &[(&[&str], &str)] = &[];

/// `cargo xtask check-imports`: fails naming every circle not in [`KNOWN`],
/// and every entry of it that is gone.
pub(crate) fn check(root: &Path) -> Result<(), String> {
    let found = circles(root)?;
    let known = |circle: &Vec<String>| KNOWN.iter().any(|(files, _)| files == circle);
    let new: Vec<String> = found
        .iter()
        .filter(|circle| !known(circle))
        .map(|circle| format!("  {}", circle.join(" ↔ ")))
        .collect();
    let gone: Vec<String> = KNOWN
        .iter()
        .filter(|(files, _)| !found.iter().any(|circle| circle == files))
        .map(|(files, _)| format!("  {}", files.join(" ↔ ")))
        .collect();
    for (files, why) in KNOWN {
        if found.iter().any(|circle| circle == files) {
            println!("known circle, {why}: {}", files.join(" ↔ "));
        }
    }
    let mut problems = Vec::new();
    if !new.is_empty() {
        problems.push(format!(
            "{} import circle(s): a module that imports its importer is one job split wrongly\n{}",
            new.len(),
            new.join("\n")
        ));
    }
    if !gone.is_empty() {
        problems.push(format!(
            "no longer circles; take them out of `KNOWN` in xtask/src/imports.rs:\n{}",
            gone.join("\n")
        ));
    }
    if problems.is_empty() {
        println!("no new import circle among the project's modules");
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// Every package directory with a `src/` under `root` (not `target/`, not
/// hidden folders), with its modules.
fn crates(root: &Path) -> Result<Vec<Crate>, String> {
    let mut manifests = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                if !(name.starts_with('.') || name == "target" || name == "node_modules") {
                    pending.push(path);
                }
            } else if name == "Cargo.toml" && dir.join("src").is_dir() {
                manifests.push(dir.clone());
            }
        }
    }
    manifests.sort();
    let mut crates = Vec::new();
    for dir in manifests {
        let src = dir.join("src");
        let root_file = if src.join("lib.rs").is_file() {
            "lib.rs"
        } else {
            "main.rs"
        };
        let mut files = BTreeMap::new();
        let mut pending = vec![src.clone()];
        while let Some(folder) = pending.pop() {
            let entries =
                std::fs::read_dir(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
            for entry in entries.filter_map(Result::ok) {
                let path = entry.path();
                if path.is_dir() {
                    if path != src.join("bin") {
                        pending.push(path);
                    }
                    continue;
                }
                if path.extension().and_then(|e| e.to_str()) != Some("rs") {
                    continue;
                }
                let Ok(relative) = path.strip_prefix(&src) else {
                    continue;
                };
                let mut module: Module = relative
                    .with_extension("")
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                let top_level = module.len() == 1;
                match module.last().map(String::as_str) {
                    Some("mod") => {
                        module.pop();
                    }
                    Some("lib" | "main") if top_level => {
                        if module[0] != root_file.trim_end_matches(".rs") {
                            continue; // the other crate root: a crate of its own
                        }
                        module.clear();
                    }
                    _ => {}
                }
                files.insert(module, path);
            }
        }
        crates.push(Crate {
            name: dir.strip_prefix(root).unwrap_or(&dir).display().to_string(),
            files,
        });
    }
    Ok(crates)
}

/// The edges between the files of `krate`, from each module to the modules
/// it names.
fn edges(root: &Path, krate: &Crate) -> Result<BTreeMap<Module, BTreeSet<Module>>, String> {
    let modules: BTreeSet<&Module> = krate.files.keys().collect();
    let mut edges: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (module, file) in &krate.files {
        let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let mut syntax = syn::parse_file(&text).map_err(|e| {
            let shown = file
                .strip_prefix(root)
                .unwrap_or(file)
                .display()
                .to_string();
            format!("{} ({shown}): {e}", krate.name)
        })?;
        let mut paths = Paths {
            at: module.clone(),
            found: Vec::new(),
        };
        paths.visit_file_mut(&mut syntax);
        let targets = edges.entry(module.clone()).or_default();
        for (at, path) in paths.found {
            let Some(target) = resolve(&modules, &at, &path) else {
                continue;
            };
            let target = file_of(&modules, &target);
            let related = target.starts_with(module) || module.starts_with(&target);
            if !target.is_empty() && !related {
                targets.insert(target);
            }
        }
    }
    Ok(edges)
}

/// The module a path names, resolved from the module `at` where it is
/// written: `crate::`, `super::`, `self::` or a child's name first, then the
/// longest run of module names. `None` for a path that leaves the crate or
/// names none of its modules.
fn resolve(modules: &BTreeSet<&Module>, at: &Module, path: &[String]) -> Option<Module> {
    let mut base: Module = Vec::new();
    let mut rest = path;
    match path.first().map(String::as_str) {
        Some("crate") => rest = &path[1..],
        Some("self") => {
            base = at.clone();
            rest = &path[1..];
        }
        Some("super") => {
            base = at.clone();
            while rest.first().map(String::as_str) == Some("super") {
                base.pop()?;
                rest = &rest[1..];
            }
        }
        Some(first) => {
            let mut child = at.clone();
            child.push(first.to_owned());
            if !modules.iter().any(|m| m.starts_with(&child)) {
                return None;
            }
            base = at.clone();
        }
        None => return None,
    }
    let mut target = base;
    for segment in rest {
        let mut next = target.clone();
        next.push(segment.clone());
        if modules.iter().any(|m| m.starts_with(&next)) {
            target = next;
        } else {
            break;
        }
    }
    Some(target)
}

/// The file module holding `module` (an inline module is its file's).
fn file_of(modules: &BTreeSet<&Module>, module: &Module) -> Module {
    let mut candidate = module.clone();
    while !modules.contains(&candidate) && !candidate.is_empty() {
        candidate.pop();
    }
    candidate
}

/// Every path of a file that may name a module, with the module it is
/// written in (inline modules included).
struct Paths {
    at: Module,
    found: Vec<(Module, Vec<String>)>,
}

impl VisitMut for Paths {
    fn visit_item_mod_mut(&mut self, item: &mut syn::ItemMod) {
        if item.content.is_some() {
            self.at.push(item.ident.to_string());
            visit_mut::visit_item_mod_mut(self, item);
            self.at.pop();
        }
    }

    fn visit_item_use_mut(&mut self, item: &mut syn::ItemUse) {
        let mut prefix = Vec::new();
        flatten(&item.tree, &mut prefix, &mut |path| {
            self.found.push((self.at.clone(), path));
        });
    }

    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if path.leading_colon.is_none() && segments.len() > 1 {
            self.found.push((self.at.clone(), segments));
        }
        visit_mut::visit_path_mut(self, path);
    }
}

/// Each path a `use` tree imports, as its segments.
fn flatten(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut impl FnMut(Vec<String>)) {
    match tree {
        syn::UseTree::Path(path) => {
            prefix.push(path.ident.to_string());
            flatten(&path.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(name) => {
            let mut path = prefix.clone();
            path.push(name.ident.to_string());
            out(path);
        }
        syn::UseTree::Rename(rename) => {
            let mut path = prefix.clone();
            path.push(rename.ident.to_string());
            out(path);
        }
        syn::UseTree::Glob(_) => out(prefix.clone()),
        syn::UseTree::Group(group) => {
            for item in &group.items {
                flatten(item, prefix, out);
            }
        }
    }
}

/// The strongly connected components of more than one node (Tarjan's
/// algorithm, iterative).
fn strongly_connected(edges: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    let nodes: Vec<&Module> = edges.keys().collect();
    let index_of: BTreeMap<&Module, usize> =
        nodes.iter().enumerate().map(|(i, m)| (*m, i)).collect();
    let successors: Vec<Vec<usize>> = nodes
        .iter()
        .map(|m| {
            edges[*m]
                .iter()
                .filter_map(|t| index_of.get(t).copied())
                .collect()
        })
        .collect();
    let count = nodes.len();
    let mut index = vec![usize::MAX; count];
    let mut low = vec![0; count];
    let mut on_stack = vec![false; count];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut components = Vec::new();
    for start in 0..count {
        if index[start] != usize::MAX {
            continue;
        }
        let mut work = vec![(start, 0usize)];
        index[start] = next;
        low[start] = next;
        next += 1;
        stack.push(start);
        on_stack[start] = true;
        while let Some(&mut (node, ref mut child)) = work.last_mut() {
            if let Some(&successor) = successors[node].get(*child) {
                *child += 1;
                if index[successor] == usize::MAX {
                    index[successor] = next;
                    low[successor] = next;
                    next += 1;
                    stack.push(successor);
                    on_stack[successor] = true;
                    work.push((successor, 0));
                } else if on_stack[successor] {
                    low[node] = low[node].min(index[successor]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component.push(nodes[member].clone());
                    if member == node {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    components.push(component);
                }
            }
        }
    }
    components
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }

    /// A throwaway package under the system's temporary folder.
    fn package(name: &str, files: &[(&str, &str)]) -> PathBuf {
        let root = std::env::temp_dir().join(format!("imports-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for (path, text) in files.iter().chain(&[("Cargo.toml", "[package]\n")]) {
            let file = root.join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, text).unwrap();
        }
        root
    }

    #[test]
    fn the_project_has_no_import_circle_but_the_known_ones() {
        if let Err(problems) = check(&workspace()) {
            panic!("{problems}");
        }
    }

    #[test]
    fn a_circle_through_use_super_and_an_inline_path_is_found() {
        let root = package(
            "circle",
            &[
                ("src/lib.rs", "mod a; mod b; mod c; pub use a::A;"),
                ("src/a.rs", "use crate::b::B; pub struct A;"),
                ("src/b.rs", "pub struct B; fn f() { crate::c::g(); }"),
                ("src/c.rs", "pub fn g() { let _ = super::a::A; }"),
            ],
        );
        let found = circles(&root).unwrap();
        assert_eq!(
            found,
            vec![vec!["src/a.rs", "src/b.rs", "src/c.rs"]],
            "{found:?}"
        );
        let _ = std::fs::remove_dir_all(root);
    }

    #[test]
    fn the_root_and_a_module_with_its_own_children_are_no_circle() {
        let root = package(
            "tree",
            &[
                ("src/lib.rs", "mod api; mod x; pub use api::Api;"),
                (
                    "src/api/mod.rs",
                    "mod live; pub struct Api; fn f() { live::go(); }",
                ),
                (
                    "src/api/live.rs",
                    "use super::Api; use crate::x::X; pub fn go() {}",
                ),
                (
                    "src/x.rs",
                    "use crate::Api; pub struct X; mod tests { use super::*; }",
                ),
            ],
        );
        assert_eq!(circles(&root).unwrap(), Vec::<Vec<String>>::new());
        let _ = std::fs::remove_dir_all(root);
    }
}
