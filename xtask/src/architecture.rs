//! ARCHITECTURE.md stays true: it is short, it has a paragraph for every
//! crate of the workspace and for no other, and it names every xtask command
//! and no other.
//!
//! A crate's paragraph starts with its package name in bold code,
//! `` - **`amio`** ``; a command is named as `` `cargo xtask regen` ``.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::USAGE;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The package names of the workspace's members.
fn packages(root: &Path) -> BTreeSet<String> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let members = manifest
        .lines()
        .find(|line| line.trim_start().starts_with("members"))
        .expect("the workspace lists its members on one line");
    members
        .split('"')
        .skip(1)
        .step_by(2)
        .map(|member| {
            let text = std::fs::read_to_string(root.join(member).join("Cargo.toml")).unwrap();
            let name = text
                .lines()
                .find_map(|line| line.trim().strip_prefix("name = "))
                .unwrap_or_else(|| panic!("{member} has a package name"));
            name.trim_matches('"').to_owned()
        })
        .collect()
}

/// The commands of `cargo xtask --help`.
fn commands() -> BTreeSet<String> {
    USAGE
        .split_once("commands:")
        .map(|(_, list)| list)
        .unwrap_or_default()
        .lines()
        .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

/// What `text` names between `open` and the next backtick.
fn named(text: &str, open: &str) -> BTreeSet<String> {
    text.split(open)
        .skip(1)
        .filter_map(|rest| rest.split('`').next())
        .filter_map(|name| name.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn architecture_names_every_crate_and_command_and_nothing_else() {
    let root = root();
    let text = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let lines = text.lines().count();
    assert!(
        lines < 150,
        "ARCHITECTURE.md has {lines} lines; keep it under 150"
    );
    assert_eq!(
        named(&text, "- **`"),
        packages(&root),
        "a paragraph (- **`name`**) for each workspace package"
    );
    assert_eq!(
        named(&text, "`cargo xtask "),
        commands(),
        "each xtask command named once as `cargo xtask <command>`"
    );
}

#[test]
fn the_lists_it_is_checked_against_are_read() {
    let packages = packages(&root());
    assert!(
        packages.contains("amio") && packages.contains("xtask"),
        "{packages:?}"
    );
    let commands = commands();
    assert!(
        commands.contains("regen") && commands.contains("deny"),
        "{commands:?}"
    );
    assert!(!commands.contains("ARGS"), "{commands:?}");
}
