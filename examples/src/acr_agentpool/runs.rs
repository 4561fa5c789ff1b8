//! `build`, `run`, `task-run`: the crate's run flows
//! ([`AgentPoolFlow::build`](acr_agentpool::flow::AgentPoolFlow::build), `quick_run`,
//! `task_run`: checks, upload, `scheduleRun`, the log followed) with SIGTERM/SIGINT as their
//! cancellation input, the log streamed to stdout, then the outcome ([`outcome`]).

use super::args::{BuildArgs, RunArgs, TaskRunArgs};
use super::progress::Progress;
use super::session::Session;
use super::{bad_input, errors, failed, outcome};
use crate::command::signals::{Received, Stop};
use acr_agentpool::Error;
use acr_agentpool::flow::RegistryRef;
use acr_agentpool::flow::{BuildRequest, QuickRunRequest, QuickRunTask, RunOutcome, TaskRunFlowRequest};
use arm_core::azure_core::credentials::Secret;
use std::path::Path;

/// What a signal makes the flow do.
const ON_SIGNAL: &str = "canceling the run";

/// `build`: pack CONTEXT, build it on the pool, follow the log.
pub(super) async fn build(session: &Session, registry: &RegistryRef, args: BuildArgs) -> u8 {
    let (stop, received) = match listen() {
        Ok(listening) => listening,
        Err(code) => return code,
    };
    let build_args = match args
        .build_args
        .iter()
        .map(|a| build_arg(a))
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(list) => list,
        Err(code) => return code,
    };
    let secret_build_args = match args
        .secret_build_args
        .iter()
        .map(|a| secret_build_arg(a))
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(list) => list,
        Err(code) => return code,
    };
    let request = BuildRequest {
        registry: registry.clone(),
        agent_pool: args.on_pool.agent_pool,
        images: args.images,
        file: args.file,
        build_args,
        secret_build_args,
        platform: args.on_pool.platform,
        timeout: args.on_pool.timeout,
        no_push: args.no_push,
        no_logs: args.on_pool.no_logs,
        context: args.context,
    };
    let progress = Progress::start();
    let ran = session
        .flow
        .build(
            &request,
            stop.wait(ON_SIGNAL),
            |line| progress.line(line),
            |event| progress.event(&event),
        )
        .await;
    drop(progress);
    finish(ran, &received)
}

/// `run`: `--cmd` with no context, or `-f` with a context folder.
pub(super) async fn run(session: &Session, registry: &RegistryRef, args: RunArgs) -> u8 {
    let (stop, received) = match listen() {
        Ok(listening) => listening,
        Err(code) => return code,
    };
    let task = match (args.cmd, args.file, args.context) {
        (Some(cmd), None, context) if context.as_deref().is_none_or(|c| c == Path::new("/dev/null")) => {
            QuickRunTask::Cmd(cmd)
        }
        (Some(_), None, Some(context)) => {
            return bad_input(&format!(
                "CONTEXT: '{}' with --cmd; a --cmd run takes no context: leave it out (or give /dev/null), or use -f with a task file in the context",
                context.display()
            ));
        }
        (None, Some(file), Some(context)) => QuickRunTask::File { file, context },
        (None, Some(_), None) => {
            return bad_input(
                "CONTEXT: required with -f; expected the folder that holds the task file and what it uses",
            );
        }
        _ => {
            return bad_input(
                "--cmd or -f: one is required; expected --cmd '<image> <arguments>' or -f <task file> <context folder>",
            );
        }
    };
    let request = QuickRunRequest {
        registry: registry.clone(),
        agent_pool: args.on_pool.agent_pool,
        task,
        platform: args.on_pool.platform,
        timeout: args.on_pool.timeout,
        no_logs: args.on_pool.no_logs,
    };
    let progress = Progress::start();
    let ran = session
        .flow
        .quick_run(
            &request,
            stop.wait(ON_SIGNAL),
            |line| progress.line(line),
            |event| progress.event(&event),
        )
        .await;
    drop(progress);
    finish(ran, &received)
}

/// `task-run`: run an existing task, on its pool or on `--agent-pool`.
pub(super) async fn task_run(session: &Session, registry: &RegistryRef, args: TaskRunArgs) -> u8 {
    let (stop, received) = match listen() {
        Ok(listening) => listening,
        Err(code) => return code,
    };
    let request = TaskRunFlowRequest {
        registry: registry.clone(),
        task: args.name,
        agent_pool: args.agent_pool,
        no_logs: args.no_logs,
    };
    let progress = Progress::start();
    let ran = session
        .flow
        .task_run(
            &request,
            stop.wait(ON_SIGNAL),
            |line| progress.line(line),
            |event| progress.event(&event),
        )
        .await;
    drop(progress);
    finish(ran, &received)
}

/// Listens for SIGTERM and SIGINT from the start, so that a signal at any moment cancels
/// cleanly.
fn listen() -> Result<(Stop, Received), u8> {
    Stop::listen().map_err(|error| failed(&format!("cannot listen for signals: {error}")))
}

/// The outcome printed, or the error; the exit code (a signal's first).
fn finish(ran: Result<RunOutcome, Error>, received: &Received) -> u8 {
    match ran {
        Ok(ran) => outcome::report(&ran, received),
        Err(error) => {
            let code = errors::report(&error, "--agent-pool");
            received.exit_code().unwrap_or(code)
        }
    }
}

/// `--build-arg NAME=VALUE`; `NAME` alone is an empty value, as the Azure CLI takes it
/// (Azure/azure-cli `acr/_validators.py`, `validate_build_argument`).
fn build_arg(arg: &str) -> Result<(String, String), u8> {
    let (name, value) = arg.split_once('=').unwrap_or((arg, ""));
    checked_name("--build-arg", name, arg)?;
    Ok((name.to_owned(), value.to_owned()))
}

/// `--secret-build-arg NAME=VALUE`, or `NAME` whose value is read from the environment
/// variable `NAME`. The Azure CLI sends an empty value for `NAME` alone, which no secret wants;
/// this reads it as `docker build --build-arg NAME` does, so that a pipeline passes a secret
/// through the environment and never on a command line. The value is never printed: an error
/// names the argument's name only.
fn secret_build_arg(arg: &str) -> Result<(String, Secret), u8> {
    match arg.split_once('=') {
        Some((name, value)) => {
            checked_name("--secret-build-arg", name, name)?;
            Ok((name.to_owned(), Secret::new(value.to_owned())))
        }
        None => {
            checked_name("--secret-build-arg", arg, arg)?;
            match std::env::var(arg) {
                Ok(value) => Ok((arg.to_owned(), Secret::new(value))),
                Err(_) => Err(bad_input(&format!(
                    "--secret-build-arg: {arg}: no environment variable {arg} holds its value; expected NAME with NAME set in the environment, or NAME=VALUE"
                ))),
            }
        }
    }
}

/// A build argument's name: not empty, no whitespace (the crate checks the rest).
fn checked_name(flag: &str, name: &str, shown: &str) -> Result<(), u8> {
    if name.is_empty() || name.chars().any(char::is_whitespace) {
        return Err(bad_input(&format!(
            "{flag}: '{shown}' has no argument name; expected NAME=VALUE, NAME a build argument of the Dockerfile"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_arguments_are_read_as_the_azure_cli_reads_them() {
        assert_eq!(build_arg("A=b=c").unwrap(), ("A".to_owned(), "b=c".to_owned()));
        assert_eq!(build_arg("A").unwrap(), ("A".to_owned(), String::new()));
    }

    #[test]
    fn a_secret_given_by_name_comes_from_the_environment() {
        // PATH is set in every test process.
        let (name, value) = secret_build_arg("PATH").unwrap();
        assert_eq!(name, "PATH");
        assert_eq!(value.secret(), std::env::var("PATH").unwrap());
        let (_, value) = secret_build_arg("TOKEN=s3cret").unwrap();
        assert_eq!(value.secret(), "s3cret");
        assert!(!format!("{value:?}").contains("s3cret"));
    }
}
