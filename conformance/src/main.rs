//! The runner behind `cargo xtask conformance`: runs the suite and prints
//! its report. Exits 0 when no check failed (and, with `--strict`, none found
//! drift), 1 when one did, 2 when the suite could not run.

use std::path::PathBuf;
use std::process::ExitCode;

use conformance::api::Api;
use conformance::runner;
use conformance::shared::live::LiveOptions;

const USAGE: &str = "usage: cargo xtask conformance [--repo DIR] [--strict] [--cases DIR]...
       [--base-url URL (--token TOKEN [--channel-id ID] | --api webex-connect --service-key KEY [--msisdn NUMBER])]

With no arguments, runs every check of every API (Amio, Webex Connect)
against an in-process mock built from its spec (127.0.0.1 only), with the
sample cases of conformance/cases.

  --repo DIR           the repository to check (default: the one holding the
                       working directory)
  --strict             fail on drift too (what the server sent that the spec
                       does not describe), not only on failures
  --cases DIR          also check the case files (*.json) in DIR; repeatable
  --api API            the API of --base-url: amio (default) or webex-connect
  --base-url URL       run the checks that are safe on this live endpoint
  --token TOKEN        Amio: the access token for --base-url
  --channel-id ID      Amio: the channel to read (default: the first listed);
                       a message is sent only if its mode is `test`
  --service-key KEY    Webex Connect: the service key for --base-url
  --msisdn NUMBER      Webex Connect: send ONE real SMS to this number (it is
                       charged); without it nothing is sent

The report ends with `D drift` and `N passed, M failed`. The case format and
live mode are described in conformance/README.md.";

#[derive(Default)]
struct Args {
    repo: Option<PathBuf>,
    strict: bool,
    cases: Vec<PathBuf>,
    api: Option<String>,
    base_url: Option<String>,
    token: Option<String>,
    channel_id: Option<String>,
    service_key: Option<String>,
    msisdn: Option<String>,
}

fn parse(args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args::default();
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
            "--repo" => parsed.repo = Some(PathBuf::from(value()?)),
            "--strict" if inline.is_none() => parsed.strict = true,
            "--cases" => parsed.cases.push(PathBuf::from(value()?)),
            "--api" => parsed.api = Some(value()?),
            "--base-url" => parsed.base_url = Some(value()?),
            "--token" => parsed.token = Some(value()?),
            "--channel-id" => parsed.channel_id = Some(value()?),
            "--service-key" => parsed.service_key = Some(value()?),
            "--msisdn" => parsed.msisdn = Some(value()?),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Some(parsed))
}

/// What to run: offline, or live for one API.
enum Run {
    Offline,
    Live(Api, LiveOptions),
}

fn plan(args: &mut Args) -> Result<Run, String> {
    let api = args.api.as_deref().map(Api::from_name).transpose()?;
    let amio_only = args.token.is_some() || args.channel_id.is_some();
    let webex_only = args.service_key.is_some() || args.msisdn.is_some();
    let Some(base_url) = args.base_url.take() else {
        if api.is_some() || amio_only || webex_only {
            return Err(
                "--api, --token, --channel-id, --service-key and --msisdn go with --base-url"
                    .to_owned(),
            );
        }
        return Ok(Run::Offline);
    };
    match api.unwrap_or(Api::Amio) {
        Api::WebexConnect => {
            if amio_only {
                return Err("--token and --channel-id are Amio's; Webex Connect takes \
                            --service-key and --msisdn"
                    .to_owned());
            }
            let credential = args
                .service_key
                .take()
                .ok_or("--api webex-connect --base-url needs --service-key")?;
            Ok(Run::Live(
                Api::WebexConnect,
                LiveOptions {
                    base_url,
                    credential,
                    channel_id: None,
                    msisdn: args.msisdn.take(),
                },
            ))
        }
        api => {
            if webex_only {
                return Err("--service-key and --msisdn are Webex Connect's \
                            (--api webex-connect); Amio takes --token and --channel-id"
                    .to_owned());
            }
            let credential = args
                .token
                .take()
                .ok_or("--base-url needs --token (or --api webex-connect --service-key)")?;
            Ok(Run::Live(
                api,
                LiveOptions {
                    base_url,
                    credential,
                    channel_id: args.channel_id.take(),
                    msisdn: None,
                },
            ))
        }
    }
}

fn main() -> ExitCode {
    let mut args = match parse(std::env::args().skip(1)) {
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
    match run(&mut args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &mut Args) -> Result<ExitCode, String> {
    let plan = plan(args)?;
    let start = match &args.repo {
        Some(repo) => repo.clone(),
        None => std::env::current_dir().map_err(|e| format!("the working directory: {e}"))?,
    };
    let root = runner::find_root(&start)?;
    runner::check_case_dirs(&args.cases)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("starting the async runtime: {e}"))?;
    let report = match plan {
        Run::Offline => runtime.block_on(runner::offline(&root, &args.cases))?,
        Run::Live(api, options) => {
            runtime.block_on(runner::live(&root, api, &options, &args.cases))?
        }
    };
    print!("{report}");
    let passed = if args.strict {
        report.is_strict_success()
    } else {
        report.is_success()
    };
    Ok(if passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
