//! The simulator's command line, run by `cargo xtask simulate [ARGS]`:
//! without a subcommand it serves Amio and Webex Connect on 127.0.0.1;
//! `trigger`, `inbound`, `read` and `listen` drive it and any receiver.
//! Exits 0 on success, 1 when a command failed, 2 on bad arguments.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};
use messaging_simulator::cli::{self, Remote, Trigger};
use messaging_simulator::{Config, Plan};

fn command() -> Command {
    let remote = [
        Arg::new("url")
            .long("url")
            .value_name("URL")
            .default_value("http://127.0.0.1:4010")
            .help("the running simulator"),
        Arg::new("token")
            .long("token")
            .value_name("T")
            .default_value(messaging_simulator::DEFAULT_TOKEN)
            .help("its access token"),
        Arg::new("channel")
            .long("channel")
            .value_name("ID")
            .required(true)
            .help("the channel"),
        Arg::new("contact")
            .long("contact")
            .value_name("ID")
            .required(true)
            .help("the contact (created if new)"),
    ];
    Command::new("messaging-simulator")
        .about("A local, stateful Amio and Webex Connect on 127.0.0.1, and a CLI to fire webhooks.")
        .after_help("Without a subcommand it serves both APIs until Ctrl-C (the state is written then, with --state).")
        .args_conflicts_with_subcommands(true)
        .arg(Arg::new("port").long("port").value_name("PORT").value_parser(value_parser!(u16)).default_value("4010").help("the port on 127.0.0.1 (0: any free one)"))
        .arg(Arg::new("state").long("state").value_name("FILE").value_parser(value_parser!(PathBuf)).help("load the state from FILE on start, write it there on exit (atomically)"))
        .arg(Arg::new("token").long("token").value_name("T").default_value(messaging_simulator::DEFAULT_TOKEN).help("the Amio access token accepted"))
        .arg(Arg::new("service-key").long("service-key").value_name("K").default_value(messaging_simulator::DEFAULT_SERVICE_KEY).help("the Webex Connect service key accepted"))
        .arg(Arg::new("service-id").long("service-id").value_name("ID").default_value(messaging_simulator::DEFAULT_SERVICE_ID).help("the `iss` of a Webex Connect JWT"))
        .arg(Arg::new("service-secret").long("service-secret").value_name("S").default_value(messaging_simulator::DEFAULT_SERVICE_SECRET).help("the secret Webex Connect JWTs are signed with (HS256)"))
        .arg(Arg::new("plan").long("plan").value_name("PLAN").default_value("developer").help("the Amio plan whose limits apply: free (1000/hour, 3 connections), developer (2000/hour, 10), enterprise (none)"))
        .arg(Arg::new("rate-limit").long("rate-limit").value_name("N").value_parser(value_parser!(u64)).help("requests per hour, instead of the plan's"))
        .arg(Arg::new("connections").long("connections").value_name("N").value_parser(value_parser!(usize)).help("simultaneous connections, instead of the plan's"))
        .arg(Arg::new("faults").long("faults").value_name("SEED").value_parser(value_parser!(u64)).help("answer some requests 502 or drop their connection, in an order SEED fixes"))
        .arg(Arg::new("fault-rate").long("fault-rate").value_name("P").value_parser(value_parser!(f64)).default_value("0.1").help("the share of requests --faults hits"))
        .arg(Arg::new("time-scale").long("time-scale").value_name("X").value_parser(value_parser!(f64)).default_value("1").help("run the clock X times faster (re-delivery schedule, rate-limit hour)"))
        .arg(Arg::new("quiet").long("quiet").action(ArgAction::SetTrue).help("no log lines"))
        .subcommand(
            Command::new("trigger")
                .about("send a webhook example of the specs, signed, to a receiver")
                .arg(Arg::new("event").value_name("EVENT").required_unless_present("list").help("an event (message_received, …) or an example's name"))
                .arg(Arg::new("to").long("to").value_name("URL").required_unless_present("list").help("the receiver"))
                .arg(Arg::new("secret").long("secret").value_name("S").help("the channel's webhook secret (Amio events)"))
                .arg(Arg::new("channel").long("channel").value_name("ID").help("put this channel id into data.channel.id"))
                .arg(Arg::new("list").long("list").action(ArgAction::SetTrue).help("list the examples")),
        )
        .subcommand(
            Command::new("inbound")
                .about("make the simulator receive a message from a contact (fires message_received)")
                .args(remote.clone())
                .arg(Arg::new("text").long("text").value_name("TEXT").required(true).help("the message")),
        )
        .subcommand(
            Command::new("read")
                .about("make a contact read the messages sent to it (fires messages_read)")
                .args(remote),
        )
        .subcommand(
            Command::new("listen")
                .about("receive webhooks on 127.0.0.1 and print the verified events")
                .arg(Arg::new("port").long("port").value_name("P").value_parser(value_parser!(u16)).required(true).help("the port"))
                .arg(Arg::new("secret").long("secret").value_name("S").required(true).help("the webhook secret to verify with")),
        )
}

fn string(matches: &ArgMatches, id: &str) -> String {
    matches.get_one::<String>(id).cloned().unwrap_or_default()
}

fn remote(matches: &ArgMatches) -> Remote {
    Remote {
        url: string(matches, "url"),
        token: string(matches, "token"),
    }
}

async fn serve(matches: &ArgMatches) -> Result<(), String> {
    let mut config = Config::default();
    config.port = matches
        .get_one::<u16>("port")
        .copied()
        .unwrap_or(messaging_simulator::DEFAULT_PORT);
    config.state_file = matches.get_one::<PathBuf>("state").cloned();
    config.token = string(matches, "token");
    config.service_key = string(matches, "service-key");
    config.service_id = string(matches, "service-id");
    config.service_secret = string(matches, "service-secret");
    config.plan = Plan::from_name(&string(matches, "plan"))?;
    config.rate_limit = matches.get_one::<u64>("rate-limit").copied();
    config.connections = matches.get_one::<usize>("connections").copied();
    config.faults = matches.get_one::<u64>("faults").copied();
    config.fault_rate = matches.get_one::<f64>("fault-rate").copied().unwrap_or(0.1);
    config.time_scale = matches.get_one::<f64>("time-scale").copied().unwrap_or(1.0);
    config.quiet = matches.get_flag("quiet");
    let running = messaging_simulator::start(config)
        .await
        .map_err(|e| e.to_string())?;
    say(&running.banner());
    wait_for_signal().await;
    running.shutdown().await.map_err(|e| e.to_string())?;
    say("stopped");
    Ok(())
}

/// Prints a line; a closed stdout is no reason to stop serving.
fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn run(matches: ArgMatches) -> Result<(), String> {
    match matches.subcommand() {
        Some(("trigger", sub)) => {
            if sub.get_flag("list") {
                for example in cli::webhook_examples()? {
                    say(&format!("{:<20} {}", example.event, example.name));
                }
                return Ok(());
            }
            let trigger = Trigger {
                event: string(sub, "event"),
                to: string(sub, "to"),
                secret: sub.get_one::<String>("secret").cloned(),
                channel: sub.get_one::<String>("channel").cloned(),
            };
            let sent = cli::trigger(&trigger).await?;
            say(&format!(
                "{} -> {}: {} {}",
                sent.example, trigger.to, sent.status, sent.body
            ));
            if (200..300).contains(&sent.status) {
                Ok(())
            } else {
                Err(format!("the receiver answered {}", sent.status))
            }
        }
        Some(("inbound", sub)) => {
            let message = remote(sub)
                .inbound(
                    &string(sub, "channel"),
                    &string(sub, "contact"),
                    &string(sub, "text"),
                )
                .await?;
            say(&message.to_string());
            Ok(())
        }
        Some(("read", sub)) => {
            let read = remote(sub)
                .read(&string(sub, "channel"), &string(sub, "contact"))
                .await?;
            say(&format!("{read} messages marked read"));
            Ok(())
        }
        Some(("listen", sub)) => {
            let port = sub.get_one::<u16>("port").copied().unwrap_or_default();
            let (lines, mut printed) = tokio::sync::mpsc::unbounded_channel();
            let listener = cli::listen(port, &string(sub, "secret"), lines).await?;
            say(&format!(
                "listening on http://{} (Amio events on any path, Webex Connect notifications on /webex)",
                listener.addr
            ));
            loop {
                tokio::select! {
                    line = printed.recv() => match line {
                        Some(line) => say(&line),
                        None => return Ok(()),
                    },
                    _ = wait_for_signal() => return Ok(()),
                }
            }
        }
        _ => serve(&matches).await,
    }
}

fn main() -> ExitCode {
    let matches = match command().try_get_matches() {
        Ok(matches) => matches,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: starting the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(matches)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
