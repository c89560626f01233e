//! `cargo xtask conformance [ARGS]`: builds and runs the conformance runner
//! (the `conformance` binary of the `conformance` crate), passing ARGS on.
//!
//! The runner is a separate binary, not a dependency of xtask, so that xtask
//! builds without the generated code: `cargo xtask regen` can always repair
//! generated files that no longer compile.

use std::path::Path;
use std::process::Command;

/// Runs the conformance suite of the repository at `root` (passed on as
/// `--repo` unless ARGS name one) and returns its exit status.
pub(crate) fn run(root: &Path, args: &[String]) -> Result<i32, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let names_repo = args
        .iter()
        .any(|a| a == "--repo" || a.starts_with("--repo="));
    let repo = if names_repo {
        Vec::new()
    } else {
        vec!["--repo".into(), root.as_os_str().to_owned()]
    };
    let status = Command::new(cargo)
        .args(["run", "--locked", "--quiet", "--package", "conformance"])
        .args(["--bin", "conformance", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .arg("--")
        .args(repo)
        .args(args)
        .status()
        .map_err(|e| format!("running cargo: {e}"))?;
    Ok(status.code().unwrap_or(1))
}
