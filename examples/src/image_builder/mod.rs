//! `image-builder`: Azure VM Image Builder from a pipeline, thin over the `image-builder` crate.
//!
//! - `build`: the Image Builder DevOps task's flow ([`image_builder::flow::BuildFlow`]): the
//!   package folder packed and uploaded, a throw-away template `t_<13 digits>` created and run
//!   (its phases printed as they change), its outputs printed as Azure Pipelines variables and
//!   `$GITHUB_OUTPUT` lines, then cleanup per `--cleanup`; a failed build prints the failing
//!   provisioner's section of `customization.log` and saves the whole log. SIGTERM/SIGINT
//!   cancel the run, then clean up.
//! - `logs`: the `customization.log` of a template's last run.
//! - `reap`: what builds left behind.
//!
//! Every flag is also an environment variable `IMAGE_BUILDER_<FLAG>`; the Azure login and the
//! subscription come from the `AZ_*`/`AZURE_*` variables the other binaries read. Exit codes:
//! see [`exit`].

mod args;
mod build;
mod context;
pub mod exit;
mod logs;
mod output;
mod plan;
mod reap;
mod storage_account;

use crate::command::report;
use args::{Cli, Command};
use clap::Parser;
use std::ffi::OsString;
use std::process::ExitCode;

const PROGRAM: &str = "image-builder";

/// Runs `image-builder` with its whole command line (program name first) and returns its exit
/// code.
pub fn main(args: Vec<OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => return report::clap_exit(PROGRAM, &error),
    };
    if let Err(error) = crate::logging::init("warn") {
        eprintln!("##[error]{PROGRAM}: cannot start logging: {error}");
    }
    report::run_async(PROGRAM, async {
        match cli.command {
            Command::Build(args) => build::run(*args).await,
            Command::Logs(args) => logs::run(args).await,
            Command::Reap(args) => reap::run(args).await,
        }
    })
}

/// A bad input: one line on stderr; returns exit code 2.
fn bad_input(message: &str) -> u8 {
    report::bad_input(PROGRAM, message)
}

/// A failure: one line on stderr; returns exit code 1.
fn failed(message: &str) -> u8 {
    report::failed(PROGRAM, message)
}
