//! `acr-agentpool`: ACR task agent pools, builds and runs on them, thin over the
//! `acr-agentpool` crate, with the checks Azure leaves to the caller done before anything is
//! written (issue 15).
//!
//! - `create`, `update`, `show`, `list`, `delete`: `az acr agentpool ...` ([`pools`]); `create`
//!   checks the registry (Premium, region), the vCPU quota and, in a subnet, the outbound rules
//!   (the preflight table printed first);
//! - `preflight --subnet-id`: the subnet's outbound rules for what a pool needs;
//! - `build`, `run`, `task-run`: `az acr build --agent-pool`, `az acr run`, `az acr task run`:
//!   the log streamed, then the run's status, the images with their digests, and the pipeline
//!   variables (`##vso[task.setvariable]`, `$GITHUB_OUTPUT`); SIGTERM/SIGINT cancel the run;
//! - `logs RUN_ID`, `cancel RUN_ID`.
//!
//! Every flag is also an environment variable `ACR_AGENTPOOL_<FLAG>` (`task-run --name` is
//! `ACR_AGENTPOOL_TASK`, so that a pipeline's `ACR_AGENTPOOL_NAME` for its pool is never read as
//! a task); the Azure login and the subscription come from the `AZ_*`/`AZURE_*` variables the
//! other binaries read. Exit codes: see [`exit`].

mod args;
mod errors;
pub mod exit;
mod outcome;
mod pools;
mod preflight;
mod progress;
mod run_admin;
mod runs;
mod session;

use crate::command::report;
use args::{Cli, Command};
use clap::Parser;
use session::Session;
use std::ffi::OsString;
use std::process::ExitCode;

const PROGRAM: &str = "acr-agentpool";

/// Runs `acr-agentpool` with its whole command line (program name first) and returns its exit
/// code.
pub fn main(args: Vec<OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => return report::clap_exit(PROGRAM, &error),
    };
    if let Err(error) = crate::logging::init("warn") {
        eprintln!("##[error]{PROGRAM}: cannot start logging: {error}");
    }
    report::run_async(PROGRAM, dispatch(cli))
}

/// Checks `--registry` (every subcommand but `preflight` needs it) before the environment is
/// read, opens the session with the subcommand's limits, then runs the subcommand.
async fn dispatch(cli: Cli) -> u8 {
    let Cli { common, command } = cli;
    let registry = match &command {
        Command::Preflight(args) => {
            return match Session::open(&common, None) {
                Ok(session) => preflight::run(&session, args).await,
                Err(code) => code,
            };
        }
        _ => match session::required_registry(&common) {
            Ok(registry) => registry,
            Err(code) => return code,
        },
    };
    let limits = match &command {
        Command::Create(args) => Some(&args.limits),
        Command::Update(args) => Some(&args.limits),
        _ => None,
    };
    let session = match Session::open(&common, limits) {
        Ok(session) => session,
        Err(code) => return code,
    };
    match command {
        Command::Create(args) => pools::create(&session, &registry, args).await,
        Command::Update(args) => pools::update(&session, &registry, args).await,
        Command::Show(args) => pools::show(&session, &registry, args).await,
        Command::List => pools::list(&session, &registry).await,
        Command::Delete(args) => pools::delete(&session, &registry, args).await,
        Command::Preflight(args) => preflight::run(&session, &args).await,
        Command::Build(args) => runs::build(&session, &registry, *args).await,
        Command::Run(args) => runs::run(&session, &registry, args).await,
        Command::TaskRun(args) => runs::task_run(&session, &registry, args).await,
        Command::Logs(args) => run_admin::logs(&session, &registry, args).await,
        Command::Cancel(args) => run_admin::cancel(&session, &registry, args).await,
    }
}

/// A bad input: one line on stderr; returns exit code 2.
fn bad_input(message: &str) -> u8 {
    report::bad_input(PROGRAM, message)
}

/// A failure: one line on stderr; returns exit code 1.
fn failed(message: &str) -> u8 {
    report::failed(PROGRAM, message)
}
