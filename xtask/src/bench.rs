//! `cargo xtask bench-webhook [--rounds N] [--core C]`: the webhook bench of
//! `amio` (`generated/amio/benches/webhook.rs`, divan) beside the Node side
//! (`generated/amio/benches/webhook_node.js`: per event what amio-sdk-js's
//! webhook router does), on the same bodies, on one pinned core
//! (`taskset`), in alternating rounds.
//!
//! Prints, per body, the median of the rounds' medians: `verify_and_parse`,
//! Node, and the limit (`hmac_and_ignored`: the HMAC, then reading the JSON
//! into `IgnoredAny`), with the two ratios the performance goals are stated
//! in: how many times Node's time `verify_and_parse` is (goal: at least 2),
//! and what fraction of the limit's rate it reaches (goal: at least 0.35).
//! Needs `node` and `taskset` on the `PATH`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The bodies of the performance goals, then the large one with its keys
/// sorted (the slow path of the one-pass parse).
const BODIES: [&str; 5] = [
    "delivered_reference",
    "received_text",
    "received_nlp_64k",
    "echo_text_64k",
    "received_nlp_64k_sorted",
];

/// What the command was asked.
struct Options {
    rounds: usize,
    core: String,
}

fn options(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        rounds: 3,
        core: "1".to_owned(),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{arg} takes a value\n\n{USAGE}"))
        };
        match arg.as_str() {
            "--rounds" => {
                options.rounds = value()?
                    .parse()
                    .ok()
                    .filter(|rounds| *rounds >= 1)
                    .ok_or_else(|| format!("--rounds takes a number from 1\n\n{USAGE}"))?;
            }
            "--core" => value()?.clone_into(&mut options.core),
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument `{other}`\n\n{USAGE}")),
        }
    }
    Ok(options)
}

const USAGE: &str = "usage: cargo xtask bench-webhook [--rounds N] [--core C]

  --rounds N  alternating rounds of the Rust and the Node side (default 3)
  --core C    the CPU both are pinned to with taskset (default 1)";

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// Runs the comparison and prints it.
pub(crate) fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let options = options(args)?;
    for (tool, arg) in [("node", "--version"), ("taskset", "--version")] {
        Command::new(tool)
            .arg(arg)
            .output()
            .map_err(|e| format!("`{tool}` is needed on the PATH: {e}"))?;
    }
    let bench = build(root)?;
    let bodies = root.join("target/bench-webhook");
    let status = Command::new(&bench)
        .env("AMIO_WEBHOOK_BENCH_DUMP", &bodies)
        .status()
        .map_err(|e| format!("running {}: {e}", bench.display()))?;
    if !status.success() {
        return Err(format!("{} could not write the bodies", bench.display()));
    }
    let script = root.join("generated/amio/benches/webhook_node.js");
    println!("load average before: {}", load_average());
    let mut rust: Vec<BTreeMap<String, f64>> = Vec::new();
    let mut node: Vec<BTreeMap<String, f64>> = Vec::new();
    for round in 0..options.rounds {
        // Alternate which side goes first.
        let sides: [bool; 2] = if round % 2 == 0 {
            [true, false]
        } else {
            [false, true]
        };
        for is_rust in sides {
            if is_rust {
                let times = rust_round(&bench, &options.core)?;
                print_round(round, "rust", &times);
                rust.push(times);
            } else {
                let times = node_round(&script, &bodies, &options.core)?;
                print_round(round, "node", &times);
                node.push(times);
            }
        }
    }
    println!("load average after: {}", load_average());
    println!();
    println!(
        "medians of {} rounds on core {}, ns per event:",
        options.rounds, options.core
    );
    println!(
        "{:<24} {:>12} {:>12} {:>8} {:>12} {:>8}",
        "body", "verify_and_", "node", "vs node", "limit", "/ limit"
    );
    println!(
        "{:<24} {:>12} {:>12} {:>8} {:>12} {:>8}",
        "", "parse", "", "(>= 2)", "", "(>=0.35)"
    );
    for body in BODIES {
        let ours = median(&rust, &format!("verify_and_parse/{body}"))?;
        let limit = median(&rust, &format!("hmac_and_ignored/{body}"))?;
        let theirs = median(&node, body)?;
        println!(
            "{body:<24} {ours:>12.0} {theirs:>12.0} {:>8.2} {limit:>12.0} {:>8.2}",
            theirs / ours,
            limit / ours
        );
    }
    Ok(())
}

/// Builds the bench (release) and returns its executable.
fn build(root: &Path) -> Result<PathBuf, String> {
    let output = Command::new(cargo())
        .args([
            "bench",
            "--locked",
            "--package",
            "amio",
            "--bench",
            "webhook",
        ])
        .args(["--no-run", "--message-format=json-render-diagnostics"])
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .output()
        .map_err(|e| format!("running cargo: {e}"))?;
    if !output.status.success() {
        return Err("the webhook bench does not build".to_owned());
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .filter(|line| line.contains(r#""name":"webhook""#) && line.contains(r#""kind":["bench"]"#))
        .find_map(|line| {
            let start = line.find(r#""executable":""#)? + r#""executable":""#.len();
            let end = start + line[start..].find('"')?;
            Some(PathBuf::from(&line[start..end]))
        })
        .ok_or_else(|| "cargo named no executable for the webhook bench".to_owned())
}

/// One round of the Rust side: divan's median of each body.
fn rust_round(bench: &Path, core: &str) -> Result<BTreeMap<String, f64>, String> {
    let output = Command::new("taskset")
        .args(["-c", core])
        .arg(bench)
        .args(["--bench", "verify_and_parse", "hmac_and_ignored"])
        .output()
        .map_err(|e| format!("running the bench: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "the bench failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    divan_medians(&String::from_utf8_lossy(&output.stdout))
}

/// The median column of divan's table, in ns, by `group/body`.
fn divan_medians(table: &str) -> Result<BTreeMap<String, f64>, String> {
    let mut medians = BTreeMap::new();
    let mut group = String::new();
    for line in table.lines() {
        // The tree (drawn with `│` too) ends at the row's branch.
        let Some(branch) = ["├─ ", "╰─ "].iter().filter_map(|b| line.find(b)).min() else {
            continue;
        };
        let columns: Vec<&str> = line[branch + "├─ ".len()..].split('│').collect();
        let mut words = columns[0].split_whitespace();
        let Some(name) = words.next() else { continue };
        if words.next().is_none() {
            name.clone_into(&mut group);
            continue;
        }
        let median = columns
            .get(2)
            .and_then(|median| nanoseconds(median))
            .ok_or_else(|| format!("no median in divan's line `{line}`"))?;
        medians.insert(format!("{group}/{name}"), median);
    }
    Ok(medians)
}

/// `1.234 µs` in ns.
fn nanoseconds(text: &str) -> Option<f64> {
    let mut words = text.split_whitespace();
    let value: f64 = words.next()?.parse().ok()?;
    let unit = match words.next()? {
        "ps" => 1e-3,
        "ns" => 1.0,
        "µs" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        _ => return None,
    };
    Some(value * unit)
}

/// One round of the Node side: its median of each body.
fn node_round(script: &Path, bodies: &Path, core: &str) -> Result<BTreeMap<String, f64>, String> {
    let output = Command::new("taskset")
        .args(["-c", core, "node"])
        .arg(script)
        .arg(bodies)
        .args(BODIES)
        .output()
        .map_err(|e| format!("running node: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "the Node side failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            let mut words = line.split_whitespace();
            match (words.next(), words.next().and_then(|ns| ns.parse().ok())) {
                (Some(name), Some(ns)) => Ok((name.to_owned(), ns)),
                _ => Err(format!("the Node side printed `{line}`")),
            }
        })
        .collect()
}

fn print_round(round: usize, side: &str, times: &BTreeMap<String, f64>) {
    let times: Vec<String> = times
        .iter()
        .map(|(name, ns)| format!("{name} {ns:.0}"))
        .collect();
    println!("round {} {side}: {}", round + 1, times.join(", "));
}

/// The median over rounds of one measurement.
fn median(rounds: &[BTreeMap<String, f64>], key: &str) -> Result<f64, String> {
    let mut values: Vec<f64> = rounds
        .iter()
        .map(|round| {
            round
                .get(key)
                .copied()
                .ok_or_else(|| format!("no measurement of {key}"))
        })
        .collect::<Result<_, _>>()?;
    values.sort_by(f64::total_cmp);
    Ok(values[values.len() / 2])
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "unknown".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn divan_medians_are_read_by_group_and_body() {
        let table = "\
Timer precision: 20 ns
webhook                        fastest       │ slowest       │ median        │ mean          │ samples │ iters
├─ hmac_and_ignored                          │               │               │               │         │
│  ├─ delivered_reference      670.3 ns      │ 7.901 µs      │ 815.8 ns      │ 888.5 ns      │ 100     │ 100
│  │                           329.6 MB/s    │ 27.96 MB/s    │ 270.8 MB/s    │ 248.7 MB/s    │         │
│  │                           max alloc:    │               │               │               │         │
│  │                             1           │ 1             │ 1             │ 1             │         │
│  ╰─ received_text            890.3 ns      │ 22.39 µs      │ 1.041 µs      │ 1.262 µs      │ 100     │ 100
╰─ verify_and_parse                          │               │               │               │         │
   ├─ echo_text_64k            63.18 µs      │ 135.5 µs      │ 68.74 µs      │ 70.57 µs      │ 100     │ 100
   ╰─ received_nlp_64k         313.2 µs      │ 8.369 ms      │ 1.5 ms        │ 569.4 µs      │ 100     │ 100
";
        let medians = divan_medians(table).unwrap();
        assert_eq!(medians.len(), 4, "{medians:?}");
        assert_eq!(medians["hmac_and_ignored/delivered_reference"], 815.8);
        assert_eq!(medians["hmac_and_ignored/received_text"], 1041.0);
        assert_eq!(medians["verify_and_parse/echo_text_64k"], 68740.0);
        assert_eq!(medians["verify_and_parse/received_nlp_64k"], 1_500_000.0);
    }

    #[test]
    fn the_median_of_rounds_is_the_middle_value() {
        let rounds: Vec<BTreeMap<String, f64>> = [3.0, 1.0, 2.0]
            .into_iter()
            .map(|ns| BTreeMap::from([("a".to_owned(), ns)]))
            .collect();
        assert_eq!(median(&rounds, "a").unwrap(), 2.0);
        assert!(median(&rounds, "b").is_err());
    }

    #[test]
    fn options_are_checked() {
        let args = |list: &[&str]| list.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>();
        let parsed = options(&args(&["--rounds", "5", "--core", "0"])).unwrap();
        assert_eq!((parsed.rounds, parsed.core.as_str()), (5, "0"));
        assert!(options(&args(&["--rounds", "0"])).is_err());
        assert!(options(&args(&["--rounds"])).is_err());
        assert!(options(&args(&["--fast"])).is_err());
    }
}
