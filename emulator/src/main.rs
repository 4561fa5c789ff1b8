//! The `az-emulator` binary: `az-emulator serve [--config FILE]`.
//!
//! Prints one JSON line (the startup information) to stdout, serves until SIGTERM or SIGINT,
//! then shuts down and exits 0. Configuration errors exit 2 with one line on stderr.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use az_emulator::{Emulator, EmulatorConfig, Error};

const USAGE: &str = "\
az-emulator: a local emulator of Entra ID, managed identity, Azure Resource Manager and Azure
DevOps agent pools

Usage:
  az-emulator serve [--config FILE]   start, print one JSON line, serve until SIGTERM/SIGINT
  az-emulator --help                  show this help

Options:
  --config FILE   configuration file (.toml or .json); the documented default without it

Environment:
  RUST_LOG        log filter for stderr (default: info)
";

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    Serve { config: Option<PathBuf> },
    Help,
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut args = args.into_iter();
    let mut command = None;
    let mut config = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" | "help" => return Ok(Command::Help),
            "serve" if command.is_none() => command = Some(arg),
            "--config" => match args.next() {
                Some(path) => config = Some(PathBuf::from(path)),
                None => return Err("--config needs a file".to_owned()),
            },
            other => match other.strip_prefix("--config=") {
                Some(path) if !path.is_empty() => config = Some(PathBuf::from(path)),
                _ => return Err(format!("unknown argument '{other}' (see --help)")),
            },
        }
    }
    match command {
        Some(_) => Ok(Command::Serve { config }),
        None => Err("missing command: use 'az-emulator serve' (see --help)".to_owned()),
    }
}

fn main() -> ExitCode {
    let command = match parse_args(std::env::args().skip(1)) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("az-emulator: {message}");
            return ExitCode::from(2);
        }
    };
    match command {
        Command::Help => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Command::Serve { config } => serve(config),
    }
}

fn serve(config_path: Option<PathBuf>) -> ExitCode {
    install_logging();
    let config = match &config_path {
        Some(path) => EmulatorConfig::from_file(path),
        None => Ok(EmulatorConfig::default()),
    };
    let config = match config {
        Ok(config) => config,
        Err(error) => return fail(&error),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("az-emulator: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(config))
}

async fn run(config: EmulatorConfig) -> ExitCode {
    let mut signals = match Signals::install() {
        Ok(signals) => signals,
        Err(error) => {
            eprintln!("az-emulator: cannot install signal handlers: {error}");
            return ExitCode::FAILURE;
        }
    };
    let emulator = match Emulator::start(config).await {
        Ok(emulator) => emulator,
        Err(error) => return fail(&error),
    };
    let printed = serde_json::to_string(emulator.info())
        .map_err(std::io::Error::other)
        .and_then(|line| {
            let mut stdout = std::io::stdout().lock();
            writeln!(stdout, "{line}")?;
            stdout.flush()
        });
    if let Err(error) = printed {
        eprintln!("az-emulator: cannot write the startup line: {error}");
        emulator.shutdown().await;
        return ExitCode::FAILURE;
    }
    let signal = signals.wait().await;
    tracing::info!(signal, "shutting down");
    emulator.shutdown().await;
    ExitCode::SUCCESS
}

/// One line on stderr; exit 2 for configuration errors, 1 otherwise.
fn fail(error: &Error) -> ExitCode {
    eprintln!("az-emulator: {}", one_line(error));
    if error.is_config() {
        ExitCode::from(2)
    } else {
        ExitCode::FAILURE
    }
}

/// The error and its sources on one line (parse errors already say everything).
fn one_line(error: &Error) -> String {
    let mut line = error.to_string();
    if matches!(error, Error::ParseConfig { .. }) {
        return line;
    }
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let text = cause.to_string();
        line.push_str(": ");
        line.push_str(text.lines().next().unwrap_or_default());
        source = cause.source();
    }
    line
}

fn install_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

/// SIGTERM and SIGINT.
struct Signals {
    terminate: tokio::signal::unix::Signal,
    interrupt: tokio::signal::unix::Signal,
}

impl Signals {
    fn install() -> std::io::Result<Signals> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Signals {
            terminate: signal(SignalKind::terminate())?,
            interrupt: signal(SignalKind::interrupt())?,
        })
    }

    /// The name of the first signal received.
    async fn wait(&mut self) -> &'static str {
        tokio::select! {
            _ = self.terminate.recv() => "SIGTERM",
            _ = self.interrupt.recv() => "SIGINT",
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::{Command, parse_args};

    fn parse(args: &[&str]) -> Result<Command, String> {
        parse_args(args.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn arguments() {
        assert_eq!(parse(&["serve"]), Ok(Command::Serve { config: None }));
        assert_eq!(
            parse(&["serve", "--config", "a.toml"]),
            Ok(Command::Serve {
                config: Some(PathBuf::from("a.toml"))
            })
        );
        assert_eq!(
            parse(&["serve", "--config=b.json"]),
            Ok(Command::Serve {
                config: Some(PathBuf::from("b.json"))
            })
        );
        assert_eq!(parse(&["--help"]), Ok(Command::Help));
        assert_eq!(
            parse(&["serve", "--port"]),
            Err("unknown argument '--port' (see --help)".to_owned())
        );
        assert_eq!(parse(&["serve", "--config"]), Err("--config needs a file".to_owned()));
        assert!(parse(&[]).is_err());
    }
}
