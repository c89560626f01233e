//! The runner behind `cargo xtask conformance`: runs the suite and prints
//! its report. Exits 0 when every check passed, 1 when one failed, 2 when
//! the suite could not run.

use std::path::PathBuf;
use std::process::ExitCode;

use conformance::live::LiveOptions;

const USAGE: &str = "usage: cargo xtask conformance [--cases DIR]... [--base-url URL --token TOKEN [--channel-id ID]]

With no arguments, runs every check of every API (Amio, Webex Connect)
against an in-process mock built from its spec (127.0.0.1 only), with the
sample cases of conformance/cases.

  --cases DIR        also check the case files (*.json) in DIR; repeatable
  --base-url URL     run the checks that are safe on this live Amio endpoint
  --token TOKEN      the access token for --base-url
  --channel-id ID    the channel to read (default: the first listed); a
                     message is sent only if its mode is `test`

The case format and live mode are described in conformance/README.md.";

struct Args {
    cases: Vec<PathBuf>,
    base_url: Option<String>,
    token: Option<String>,
    channel_id: Option<String>,
}

fn parse(args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        cases: Vec::new(),
        base_url: None,
        token: None,
        channel_id: None,
    };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        if flag == "-h" || flag == "--help" {
            return Ok(None);
        }
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--cases" => parsed.cases.push(PathBuf::from(value()?)),
            "--base-url" => parsed.base_url = Some(value()?),
            "--token" => parsed.token = Some(value()?),
            "--channel-id" => parsed.channel_id = Some(value()?),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Some(parsed))
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: starting the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let result = match (args.base_url, args.token, args.channel_id) {
        (None, None, None) => runtime.block_on(conformance::runner::offline(&root, &args.cases)),
        (Some(base_url), Some(token), channel_id) => {
            let options = LiveOptions {
                base_url,
                token,
                channel_id,
            };
            runtime.block_on(conformance::runner::live(&root, &options, &args.cases))
        }
        _ => Err(format!(
            "--base-url and --token go together (--channel-id needs both)\n\n{USAGE}"
        )),
    };
    match result {
        Ok(report) => {
            print!("{report}");
            if report.is_success() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}
