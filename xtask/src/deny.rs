//! `cargo xtask deny`: `cargo deny check` with `deny.toml`: licenses, bans
//! (duplicate versions) and sources always; advisories only when the RustSec
//! advisory database is already on this machine, since it is fetched from
//! GitHub, which not every build can reach. A skipped check is said, never
//! passed silently.
//!
//! cargo-deny is installed on first use from crates.io, at a pinned version,
//! under `target/tools/`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::lint::must;

/// The cargo-deny release, pinned.
const CARGO_DENY: &str = "0.20.2";

/// The `cargo-deny` executable's folder, installed first if missing.
fn install(tools: &Path) -> Result<PathBuf, String> {
    let bin = tools.join("bin");
    if !bin.join("cargo-deny").is_file() {
        println!(
            "installing cargo-deny {CARGO_DENY} into {}",
            tools.display()
        );
        must(
            Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
                .args(["install", "cargo-deny", "--locked", "--version"])
                .arg(format!("={CARGO_DENY}"))
                .arg("--root")
                .arg(tools),
            "cargo install cargo-deny",
        )?;
    }
    Ok(bin)
}

/// Where cargo-deny keeps the advisory database: `$CARGO_HOME/advisory-dbs`.
fn advisory_db() -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let dir = home.join("advisory-dbs");
    let has_one = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(Result::ok)
        .next()
        .is_some();
    has_one.then_some(dir)
}

/// Runs the checks.
pub(crate) fn check(root: &Path) -> Result<(), String> {
    let bin = install(&root.join("target/tools"))?;
    let path = match std::env::var_os("PATH") {
        Some(path) => {
            let mut dirs = vec![bin];
            dirs.extend(std::env::split_paths(&path));
            std::env::join_paths(dirs).map_err(|e| format!("PATH: {e}"))?
        }
        None => bin.into_os_string(),
    };
    let deny = |checks: &[&str], extra: &[&str]| {
        let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        command
            .current_dir(root)
            .env("PATH", &path)
            .args(["deny", "--locked", "check"])
            .args(extra)
            .args(checks);
        must(
            &mut command,
            &format!("cargo deny check {}", checks.join(" ")),
        )
    };
    deny(&["licenses", "bans", "sources"], &[])?;
    match advisory_db() {
        Some(db) => {
            println!("advisories: with the database in {}", db.display());
            deny(&["advisories"], &["--disable-fetch"])
        }
        None => {
            println!(
                "advisories: skipped, no RustSec advisory database on this machine \
                 (cargo deny fetches it from github.com/rustsec/advisory-db; run \
                 `cargo deny fetch` where that is reachable)"
            );
            Ok(())
        }
    }
}
