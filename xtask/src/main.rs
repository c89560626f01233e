//! Project automation, run as `cargo xtask <command>`.
//!
//! - `regen [--check]`: rewrite the generated bindings from `spec/`, or, with
//!   `--check`, exit non-zero with a unified diff when they are stale.
//! - `conformance [ARGS]`: run the conformance suite and print its report.
//! - `lint-spec`: lint the specs with Spectral and openapi-spec-validator.
//! - `simulate [ARGS]`: run the local Amio and Webex Connect simulator.
//! - `check-simulator`: check the simulator with the conformance runner and
//!   Schemathesis.
//! - `deny`: `cargo deny check` with `deny.toml` (licenses, bans, sources;
//!   advisories when the database is available).
//! - `check-imports`: fail on an import circle among the project's modules
//!   (also a test of this crate, so `cargo test` runs it).
//! - `bench-webhook [--rounds N] [--core C]`: the webhook bench of `amio`
//!   beside the Node side, on one pinned core, with their ratios.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[cfg(test)]
mod architecture;
mod bench;
mod conformance;
mod deny;
mod imports;
mod lint;
mod regen;
mod simulate;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  regen [--check]     rewrite the generated bindings from spec/ (--check: fail with a diff if stale)
  conformance [ARGS]  run the conformance suite against a mock built from the spec, or a live
                      endpoint; `cargo xtask conformance --help` for ARGS
  lint-spec           lint the specs with Spectral and openapi-spec-validator (installed on
                      first use under target/tools/)
  simulate [ARGS]     run a local, stateful Amio and Webex Connect on 127.0.0.1:4010;
                      `cargo xtask simulate --help` for ARGS and subcommands
  check-simulator     check the simulator: the conformance runner's live mode and
                      Schemathesis (installed on first use under target/tools/)
  check-imports       fail on an import circle among the project's own modules
  deny                cargo deny check: licenses, duplicate versions, sources, and advisories
                      when their database is available (installed on first use under target/tools/)
  bench-webhook [--rounds N] [--core C]
                      amio's webhook bench beside the Node SDK's per-event work, on one
                      pinned core (taskset), in alternating rounds; needs node";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = match std::env::current_dir()
        .map_err(|e| format!("the working directory: {e}"))
        .and_then(|cwd| workspace_root(&cwd))
    {
        Ok(root) => root,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let result = match args.first().map(String::as_str) {
        Some("regen") => match &args[1..] {
            [] => regen::write(&root),
            [flag] if flag == "--check" => regen::check(&root),
            _ => Err(format!("regen takes only --check\n\n{USAGE}")),
        },
        Some("conformance") => {
            return match conformance::run(&root, &args[1..]) {
                Ok(0) => ExitCode::SUCCESS,
                Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
                Err(message) => {
                    eprintln!("error: {message}");
                    ExitCode::FAILURE
                }
            };
        }
        Some("simulate") => {
            return match simulate::run(&root, &args[1..]) {
                Ok(0) => ExitCode::SUCCESS,
                Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
                Err(message) => {
                    eprintln!("error: {message}");
                    ExitCode::FAILURE
                }
            };
        }
        Some("check-simulator") => match &args[1..] {
            [] => simulate::check(&root),
            _ => Err(format!("check-simulator takes no arguments\n\n{USAGE}")),
        },
        Some("deny") => match &args[1..] {
            [] => deny::check(&root),
            _ => Err(format!("deny takes no arguments\n\n{USAGE}")),
        },
        Some("check-imports") => match &args[1..] {
            [] => imports::check(&root),
            _ => Err(format!("check-imports takes no arguments\n\n{USAGE}")),
        },
        Some("bench-webhook") => bench::run(&root, &args[1..]),
        Some("lint-spec") => match &args[1..] {
            [] => lint::lint(&root),
            _ => Err(format!("lint-spec takes no arguments\n\n{USAGE}")),
        },
        Some("-h" | "--help") | None => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root, found at run time: `start` or the nearest folder
/// above it holding `xtask/Cargo.toml` and `spec/`. Never the folder xtask
/// was built in, so that a copy of the repository sharing a target folder
/// works on itself.
fn workspace_root(start: &Path) -> Result<PathBuf, String> {
    start
        .ancestors()
        .find(|dir| dir.join("xtask/Cargo.toml").is_file() && dir.join("spec").is_dir())
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            format!(
                "{} is not in a checkout of the repository (no folder from it up holds \
                 xtask/Cargo.toml and spec/)",
                start.display()
            )
        })
}

#[cfg(test)]
mod tests {
    use super::workspace_root;

    #[test]
    fn the_root_is_found_from_any_folder_inside_it() {
        let root = std::env::temp_dir().join(format!("xtask-root-{}", std::process::id()));
        let deep = root.join("conformance/cases");
        std::fs::create_dir_all(root.join("xtask")).unwrap();
        std::fs::create_dir_all(root.join("spec")).unwrap();
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(root.join("xtask/Cargo.toml"), "").unwrap();
        assert_eq!(workspace_root(&deep).unwrap(), root);
        assert_eq!(workspace_root(&root).unwrap(), root);
        let error = workspace_root(&std::env::temp_dir()).unwrap_err();
        assert!(error.contains("is not in a checkout"), "{error}");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
