//! The stand-in Azure Pipelines agent: what the emulator packs as `bin/Agent.Listener` in its
//! agent package, so that agent supervisors can be tested end to end without Azure DevOps.
//!
//! It speaks to the emulator's devops listener like the real agent speaks to Azure DevOps:
//!
//! - `Agent.Listener configure [--unattended] [--replace] [--url U] [--pool P] [--agent A]
//!   [--work W] [--auth pat|sp] [--token T] [--clientId C --tenantId T --clientSecret S]`:
//!   every input also from `VSTS_AGENT_INPUT_<NAME>` (the argument wins); registers the agent
//!   and writes `.agent`, `.credentials` and `.credentials_rsaparams`.
//! - `Agent.Listener remove [--auth pat|sp] [--token T]`: unregisters it (refused while its
//!   listener runs; fails on purpose when `.remove-fails` exists in the agent root or
//!   `AZ_EMULATOR_AGENT_REMOVE_FAILS=1`).
//! - `Agent.Listener run [--once]`: takes jobs (`sh -c command`) and obeys the emulator's
//!   directives (exit with a code, pretend to update and exit with 3 or 4).
//!
//! Exit codes are the real agent's: 0 success, 1 terminated error, 2 retryable error, 3 agent
//! updating, 4 run-once agent updating. The agent root is the parent of the directory holding
//! the executable. Tokens and secrets are never written to disk or printed, and the
//! `VSTS_AGENT_INPUT_*` variables are never passed to the processes it starts.
//!
//! A test binary can serve as the stand-in itself: set `devops.agent_binary` to its own
//! executable and start `main` with
//!
//! ```no_run
//! fn main() -> std::process::ExitCode {
//!     if az_emulator::standin::invoked_as_standin() {
//!         return az_emulator::standin::main();
//!     }
//!     // ... the tests ...
//!     std::process::ExitCode::SUCCESS
//! }
//! ```

mod client;
mod configure;
mod credential;
mod files;
mod inputs;
mod job;
mod listen;
mod remove;
mod server;
mod signals;
mod update;

use std::path::Path;
use std::process::ExitCode;

use crate::config::DEFAULT_AGENT_VERSION;
pub use crate::packages::layout::lay_out;
use inputs::Inputs;

/// The file name the stand-in answers to (`bin/Agent.Listener`).
pub const LISTENER_NAME: &str = "Agent.Listener";

/// Whether this process was started as the stand-in agent: its `argv[0]` names a file called
/// `Agent.Listener`.
pub fn invoked_as_standin() -> bool {
    std::env::args_os()
        .next()
        .and_then(|arg0| Path::new(&arg0).file_name().map(|name| name == LISTENER_NAME))
        .unwrap_or(false)
}

/// Runs the stand-in agent with this process's arguments; the exit code is the real agent's.
pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let Some((command, rest)) = args.split_first() else {
        eprintln!("Usage: Agent.Listener configure|remove|run [options]");
        return ExitCode::FAILURE;
    };
    match command.as_str() {
        "--version" | "-v" => {
            let version = files::agent_root()
                .and_then(|root| files::emulator(&root))
                .map_or_else(|_| DEFAULT_AGENT_VERSION.to_owned(), |e| e.agent_version);
            println!("{version}");
            return ExitCode::SUCCESS;
        }
        "--help" | "-h" => {
            println!("Usage: Agent.Listener configure|remove|run [options] (az-emulator stand-in agent)");
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("Failed to start: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(dispatch(command, rest));
    match result {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            eprintln!("{}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

/// Runs one command; its exit code.
async fn dispatch(command: &str, args: &[String]) -> Result<u8, Failure> {
    let root = files::agent_root()?;
    let inputs = Inputs::parse(args, std::env::vars());
    if !inputs.unrecognized.is_empty() {
        eprintln!(
            "Unrecognized command-line input arguments: '{}'. For usage refer to: .\\config.cmd --help or ./config.sh --help",
            inputs.unrecognized.join(", ")
        );
    }
    match command {
        "configure" => configure::run(&root, &inputs).await.map(|()| 0),
        "remove" => remove::run(&root, &inputs).await.map(|()| 0),
        "run" => listen::run(&root, inputs.flag("once")).await,
        other => Err(Failure::new(format!(
            "Unrecognized command '{other}': use configure, remove or run."
        ))),
    }
}

/// Why a command failed, and its exit code.
#[derive(Debug)]
pub(crate) struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    /// A terminated error (exit code 1).
    pub fn new(message: impl Into<String>) -> Failure {
        Failure {
            code: 1,
            message: message.into(),
        }
    }
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure::new(message)
    }
}

/// The host name (the default agent name).
pub(crate) fn host_name() -> String {
    nix::unistd::gethostname()
        .ok()
        .and_then(|name| name.into_string().ok())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "az-emulator-agent".to_owned())
}

/// `Linux <kernel release>`.
pub(crate) fn os_description() -> String {
    match std::fs::read_to_string("/proc/sys/kernel/osrelease") {
        Ok(release) => format!("Linux {}", release.trim()),
        Err(_) => "Linux".to_owned(),
    }
}

/// The time the real agent prefixes its lines with (`2026-01-02 03:04:05Z`).
pub(crate) fn stamp() -> String {
    crate::clock::entra_timestamp(time::OffsetDateTime::now_utc())
}
