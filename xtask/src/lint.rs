//! `cargo xtask lint-spec`: lints every spec the generator reads with
//! Spectral (`spectral:oas`, every example checked against its schema; the
//! ruleset is `spec/.spectral.yaml`) and with `openapi-spec-validator`.
//!
//! Both tools are installed on first use by package name, at pinned
//! versions, under `target/tools/`: Spectral with npm into
//! `target/tools/node_modules`, the validator with pip into the virtual
//! environment `target/tools/venv`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::targets::TARGETS;

/// The Spectral CLI package, pinned.
const SPECTRAL: &str = "@stoplight/spectral-cli@6.16.3";
/// The OpenAPI validator package, pinned.
const VALIDATOR: &str = "openapi-spec-validator==0.9.0";
/// The ruleset, relative to the repository root.
const RULESET: &str = "spec/.spectral.yaml";

pub(crate) fn run(command: &mut Command, what: &str) -> Result<bool, String> {
    command
        .status()
        .map(|status| status.success())
        .map_err(|e| format!("{what}: {e}"))
}

pub(crate) fn must(command: &mut Command, what: &str) -> Result<(), String> {
    if run(command, what)? {
        Ok(())
    } else {
        Err(format!("{what} failed"))
    }
}

/// The Spectral executable, installed first if missing.
fn spectral(tools: &Path) -> Result<PathBuf, String> {
    let bin = tools.join("node_modules/.bin/spectral");
    if !bin.is_file() {
        println!("installing {SPECTRAL} into {}", tools.display());
        std::fs::create_dir_all(tools).map_err(|e| format!("{}: {e}", tools.display()))?;
        must(
            Command::new("npm")
                .arg("install")
                .arg("--prefix")
                .arg(tools)
                .args(["--no-audit", "--no-fund", "--loglevel=error", SPECTRAL]),
            "npm install",
        )?;
    }
    Ok(bin)
}

/// The `openapi-spec-validator` executable, installed first if missing.
fn validator(tools: &Path) -> Result<PathBuf, String> {
    let venv = tools.join("venv");
    let bin = venv.join("bin/openapi-spec-validator");
    if !bin.is_file() {
        println!("installing {VALIDATOR} into {}", venv.display());
        must(
            Command::new("python3").arg("-m").arg("venv").arg(&venv),
            "python3 -m venv",
        )?;
        must(
            Command::new(venv.join("bin/pip")).args(["install", "--quiet", VALIDATOR]),
            "pip install",
        )?;
    }
    Ok(bin)
}

/// Lints every spec under `spec/` that a generated file comes from.
pub(crate) fn lint(root: &Path) -> Result<(), String> {
    let tools = root.join("target/tools");
    let spectral = spectral(&tools)?;
    let validator = validator(&tools)?;
    let specs: BTreeSet<&str> = TARGETS
        .iter()
        .map(|t| t.spec)
        .filter(|spec| spec.starts_with("spec/"))
        .collect();
    let mut failed = Vec::new();
    for spec in &specs {
        println!("== spectral {spec}");
        let clean = run(
            Command::new(&spectral).current_dir(root).args([
                "lint",
                spec,
                "--ruleset",
                RULESET,
                "--fail-severity",
                "warn",
            ]),
            "spectral",
        )?;
        if !clean {
            failed.push(format!("spectral {spec}"));
        }
        println!("== openapi-spec-validator {spec}");
        if !run(
            Command::new(&validator).current_dir(root).arg(spec),
            "openapi-spec-validator",
        )? {
            failed.push(format!("openapi-spec-validator {spec}"));
        }
    }
    if failed.is_empty() {
        println!("{} specs lint clean", specs.len());
        Ok(())
    } else {
        Err(format!("lint failed: {}", failed.join(", ")))
    }
}
