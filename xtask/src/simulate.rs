//! `cargo xtask simulate [ARGS]`: builds and runs the simulator (the
//! `messaging-simulator` binary of `simulator/`), passing ARGS on.
//!
//! `cargo xtask check-simulator`: the evidence that the simulator is the
//! documented API, by tools that did not write it. Against a fresh simulator
//! each:
//!
//! 1. the conformance runner's live mode, out of process, sends included:
//!    Amio on the seeded channel (mode `test`), and Webex Connect with one
//!    SMS;
//! 2. Schemathesis (PyPI, pinned, installed on first use under
//!    `target/tools/schemathesis`) on the Amio spec: examples, coverage,
//!    fuzzing and stateful phases, with the checks of
//!    `simulator/schemathesis/amio.toml`;
//! 3. Schemathesis on the Webex Connect spec (one operation, so no stateful
//!    phase), with `webex-connect.toml`.
//!
//! Like the runner, the simulator is a separate binary, not a dependency of
//! xtask, so that xtask builds without the generated code.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The Schemathesis package, pinned.
const SCHEMATHESIS: &str = "schemathesis==4.32.5";
/// The seed of every Schemathesis run, so that a failure can be replayed.
const SEED: &str = "1";
/// Test cases per operation and phase: enough to find what is wrong, few
/// enough to keep CI within a few minutes.
const MAX_EXAMPLES: &str = "20";

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// Runs the simulator with `args` and returns its exit status.
pub(crate) fn run(root: &Path, args: &[String]) -> Result<i32, String> {
    let status = Command::new(cargo())
        .args([
            "run",
            "--locked",
            "--quiet",
            "--package",
            "messaging-simulator",
        ])
        .args(["--bin", "messaging-simulator", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .arg("--")
        .args(args)
        .status()
        .map_err(|e| format!("running cargo: {e}"))?;
    Ok(status.code().unwrap_or(1))
}

/// A simulator started for one check, killed when dropped.
struct Simulator {
    child: Child,
    base_url: String,
}

impl Simulator {
    fn start(binary: &Path, args: &[&str]) -> Result<Self, String> {
        let mut child = Command::new(binary)
            .args(["--port", "0", "--quiet"])
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("starting {}: {e}", binary.display()))?;
        let stdout = child.stdout.take().ok_or("the simulator has no stdout")?;
        let mut stdout = BufReader::new(stdout);
        let mut first = String::new();
        stdout
            .read_line(&mut first)
            .map_err(|e| format!("reading the simulator's banner: {e}"))?;
        // Keep reading, so that the simulator never writes into a closed pipe.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let Some(base_url) = first.trim().strip_prefix("listening on ") else {
            let _ = child.kill();
            return Err(format!("the simulator did not start: {first:?}"));
        };
        Ok(Self {
            base_url: base_url.to_owned(),
            child,
        })
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

/// The Schemathesis executable, installed first if missing.
fn schemathesis(tools: &Path) -> Result<PathBuf, String> {
    let venv = tools.join("schemathesis");
    let bin = venv.join("bin/schemathesis");
    if !bin.is_file() {
        println!("installing {SCHEMATHESIS} into {}", venv.display());
        std::fs::create_dir_all(tools).map_err(|e| format!("{}: {e}", tools.display()))?;
        crate::lint::must(
            Command::new("python3").arg("-m").arg("venv").arg(&venv),
            "python3 -m venv",
        )?;
        crate::lint::must(
            Command::new(venv.join("bin/pip")).args(["install", "--quiet", SCHEMATHESIS]),
            "pip install",
        )?;
    }
    Ok(bin)
}

/// Runs every check of the simulator; an error names the ones that failed.
pub(crate) fn check(root: &Path) -> Result<(), String> {
    crate::lint::must(
        Command::new(cargo())
            .args(["build", "--locked", "--quiet", "--manifest-path"])
            .arg(root.join("Cargo.toml"))
            .args([
                "--package",
                "messaging-simulator",
                "--bin",
                "messaging-simulator",
            ])
            .args(["--package", "conformance", "--bin", "conformance"]),
        "cargo build",
    )?;
    let bin = target_dir(root).join("debug");
    let simulator = bin.join(format!(
        "messaging-simulator{}",
        std::env::consts::EXE_SUFFIX
    ));
    let runner = bin.join(format!("conformance{}", std::env::consts::EXE_SUFFIX));
    let schemathesis = schemathesis(&target_dir(root).join("tools"))?;
    let mut failed = Vec::new();

    println!("== conformance live mode against the simulator");
    {
        let running = Simulator::start(&simulator, &[])?;
        let passed = crate::lint::run(
            Command::new(&runner)
                .current_dir(root)
                .arg("--base-url")
                .arg(format!("{}/v1", running.base_url))
                .args(["--token", "simulator-token"]),
            "the conformance runner",
        )?;
        if !passed {
            failed.push("conformance live mode (Amio)");
        }
        // The simulator charges nothing, so the one send of Webex Connect's
        // live mode is made too, to a UK number of the range kept for fiction
        // (07700 900xxx).
        let passed = crate::lint::run(
            Command::new(&runner)
                .current_dir(root)
                .args(["--api", "webex-connect", "--base-url"])
                .arg(&running.base_url)
                .args(["--service-key", "simulator-service-key"])
                .args(["--msisdn", "447700900123"]),
            "the conformance runner",
        )?;
        if !passed {
            failed.push("conformance live mode (Webex Connect)");
        }
    }

    let configs = root.join("simulator/schemathesis");
    let runs = [
        (
            "amio",
            "spec/amio.yaml",
            "/v1",
            "Authorization: Bearer simulator-token",
            "examples,coverage,fuzzing,stateful",
        ),
        (
            "webex-connect",
            "spec/webex-connect.yaml",
            "",
            "key: simulator-service-key",
            "examples,coverage,fuzzing",
        ),
    ];
    for (api, spec, base_path, header, phases) in runs {
        println!("== schemathesis {spec} against the simulator");
        // No rate limit: Schemathesis sends more than an hour's budget.
        let running = Simulator::start(&simulator, &["--plan", "enterprise"])?;
        let passed = crate::lint::run(
            Command::new(&schemathesis)
                .current_dir(root)
                .arg("--no-color")
                .arg("--config-file")
                .arg(configs.join(format!("{api}.toml")))
                .args(["run", spec, "--url"])
                .arg(format!("{}{base_path}", running.base_url))
                .args(["--header", header, "--phases", phases])
                .args(["--max-examples", MAX_EXAMPLES, "--seed", SEED])
                .args(["--workers", "1"]),
            "schemathesis",
        )?;
        if !passed {
            failed.push(if api == "amio" {
                "schemathesis amio"
            } else {
                "schemathesis webex-connect"
            });
        }
    }
    if failed.is_empty() {
        println!("the simulator passed the conformance runner and Schemathesis");
        Ok(())
    } else {
        Err(format!("simulator checks failed: {}", failed.join(", ")))
    }
}
