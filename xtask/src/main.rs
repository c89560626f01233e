//! Project automation, run as `cargo xtask <command>`.
//!
//! - `regen [--check]`: rewrite the generated bindings from `spec/`, or, with
//!   `--check`, exit non-zero with a unified diff when they are stale.
//! - `conformance [ARGS]`: run the conformance suite and print its report.
//! - `lint-spec`: lint the specs with Spectral and openapi-spec-validator.
//! - `simulate [ARGS]`: run the local Amio and Webex Connect simulator.
//! - `check-simulator`: check the simulator with the conformance runner and
//!   Schemathesis.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod conformance;
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
                      Schemathesis (installed on first use under target/tools/)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
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

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}
