//! Running `bin/Agent.Listener run --once` until it has done its one run.

use super::budget::{StopBudget, checked_add};
use super::options::SuperviseOptions;
use super::outcome::RunEnd;
use super::stop::StopSignals;
use crate::child_env::ChildEnv;
use crate::install::AgentDir;
use crate::process::{self, ExitKind, Process};
use arm_core::{Acceptance, TokioClock, Waiter, WaiterOptions};
use nix::sys::signal::Signal;
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// What the listener loop did.
pub(crate) struct ListenerRun {
    pub end: RunEnd,
    pub last_exit: Option<ExitKind>,
    pub retries: u32,
    pub updates: u32,
}

/// Agent.Listener's exit codes.
const RETRYABLE: i32 = 2;
const UPDATING: i32 = 3;
const RUN_ONCE_UPDATING: i32 = 4;

/// Runs the listener until it has done its one run, restarting it after retryable exits and
/// self-updates (bounded), and stopping it on request or at the time limit.
pub(crate) async fn run_listener(
    agent: &AgentDir,
    env: &ChildEnv,
    options: &SuperviseOptions,
    stop: &mut StopSignals,
    budget: &StopBudget,
) -> ListenerRun {
    let deadline = options.job_time_limit.map(|limit| checked_add(Instant::now(), limit));
    let mut run = ListenerRun {
        end: RunEnd::Completed,
        last_exit: None,
        retries: 0,
        updates: 0,
    };
    loop {
        if run.updates > 0 {
            tokio::select! {
                ready = wait_executable(agent, options.update_wait) => if !ready {
                    run.end = RunEnd::UpdateFailed(format!(
                        "{} was not executable {} s after the update",
                        agent.listener().display(),
                        options.update_wait.as_secs()
                    ));
                    return run;
                },
                request = stop.recv() => {
                    budget.request();
                    run.end = RunEnd::Stopped(request);
                    return run;
                }
            }
        }
        let process = match start(agent, env) {
            Ok(process) => process,
            Err(e) => {
                run.end = RunEnd::ListenerFailed(ExitKind::Code(-1));
                tracing::error!(error = %e, "cannot start {}", agent.listener().display());
                return run;
            }
        };
        tracing::info!(pid = process.pid(), "listener started");
        let limit = async {
            match deadline {
                Some(deadline) => tokio::time::sleep_until(deadline).await,
                None => std::future::pending().await,
            }
        };
        let exit = tokio::select! {
            exit = process.wait() => exit,
            request = stop.recv() => {
                budget.request();
                run.last_exit = Some(shut_down(&process, options, stop, budget).await);
                run.end = RunEnd::Stopped(request);
                return run;
            }
            () = limit => {
                tracing::warn!("job time limit reached; stopping the listener");
                budget.request();
                run.last_exit = Some(shut_down(&process, options, stop, budget).await);
                run.end = RunEnd::TimeLimit;
                return run;
            }
        };
        run.last_exit = Some(exit);
        tracing::info!(%exit, "listener ended");
        if !matches!(exit, ExitKind::Code(UPDATING | RUN_ONCE_UPDATING)) {
            // Whatever the job left in the listener's group, or below it, goes with it.
            process.kill_tree();
        }
        match exit {
            ExitKind::Code(0) => return run,
            ExitKind::Code(RETRYABLE) => {
                run.retries += 1;
                if run.retries > options.max_retries {
                    run.end = RunEnd::RetriesExhausted;
                    return run;
                }
                let delay = backoff(options, run.retries);
                tracing::info!(
                    retry = run.retries,
                    delay_ms = delay.as_millis() as u64,
                    "retryable exit; restarting"
                );
                tokio::select! {
                    () = tokio::time::sleep(delay) => {}
                    request = stop.recv() => {
                        budget.request();
                        run.end = RunEnd::Stopped(request);
                        return run;
                    }
                }
            }
            ExitKind::Code(UPDATING | RUN_ONCE_UPDATING) => {
                run.updates += 1;
                if run.updates > options.max_updates {
                    run.end = RunEnd::UpdateFailed(format!("the agent updated itself {} times", run.updates));
                    return run;
                }
                // The real agent's updater is a script the listener started in its own process
                // group: it waits for the listener to exit, then swaps `bin/` and `externals/`.
                // Its group is left alone until it is done.
                tracing::info!(
                    update = run.updates,
                    "the agent is updating itself; waiting for its updater"
                );
                let finished = checked_add(Instant::now(), options.update_wait);
                tokio::select! {
                    done = process::wait_group_gone(process.pid(), finished) => if !done {
                        process.kill_tree();
                        run.end = RunEnd::UpdateFailed(format!(
                            "the agent's updater (process group {}) did not finish within {} s",
                            process.pid(),
                            options.update_wait.as_secs()
                        ));
                        return run;
                    },
                    request = stop.recv() => {
                        budget.request();
                        process.kill_tree();
                        run.end = RunEnd::Stopped(request);
                        return run;
                    }
                }
                tracing::info!(update = run.updates, "the updater finished; starting the new listener");
            }
            other => {
                run.end = RunEnd::ListenerFailed(other);
                return run;
            }
        }
    }
}

fn start(agent: &AgentDir, env: &ChildEnv) -> std::io::Result<Process> {
    let mut command = Command::new(agent.listener());
    command
        .args(["run", "--once"])
        .current_dir(agent.root())
        .stdin(Stdio::null());
    env.apply(&mut command);
    process::spawn(command)
}

/// SIGINT to the listener's group, then the grace period (within the stop budget; a second
/// request ends it at once), then SIGKILL of the listener and every process below it.
async fn shut_down(
    process: &Process,
    options: &SuperviseOptions,
    stop: &mut StopSignals,
    budget: &StopBudget,
) -> ExitKind {
    let deadline = budget
        .grace_deadline(options.grace_period)
        .unwrap_or_else(|| checked_add(Instant::now(), options.grace_period));
    tracing::info!(
        grace_ms = deadline.saturating_duration_since(Instant::now()).as_millis() as u64,
        "forwarding SIGINT to the listener"
    );
    process.signal_group(Signal::SIGINT);
    tokio::select! {
        exit = process.wait() => {
            process.kill_tree();
            return exit;
        }
        () = tokio::time::sleep_until(deadline) => {
            tracing::warn!("the listener did not stop within the grace period; killing it and its processes");
        }
        _ = stop.recv() => {
            budget.request();
            tracing::warn!("second stop request: killing the listener and its processes now");
        }
    }
    process.kill_tree();
    process.wait().await
}

/// The delay before restart `retry` (1 for the first): `retry_initial_delay`, doubled each time,
/// at most `retry_max_delay`, without jitter (one listener, nothing to spread).
fn backoff(options: &SuperviseOptions, retry: u32) -> Duration {
    arm_core::Backoff {
        min_delay: options.retry_initial_delay,
        max_delay: options.retry_max_delay,
        jitter: false,
    }
    .delay(retry.saturating_sub(1))
}

/// Waits until the listener is an executable file again (after a self-update).
async fn wait_executable(agent: &AgentDir, wait: Duration) -> bool {
    let options = WaiterOptions {
        min_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(500),
        max_wait: wait,
        jitter: false,
    };
    let executable = || {
        let ready = std::fs::metadata(agent.listener())
            .map(|m| m.is_file() && m.permissions().mode() & 0o100 != 0)
            .unwrap_or(false);
        std::future::ready(Ok::<bool, std::convert::Infallible>(ready))
    };
    let accept = |ready: Result<&bool, &std::convert::Infallible>| match ready {
        Ok(true) => Acceptance::Success(()),
        _ => Acceptance::Retry,
    };
    if Waiter::new(options, Arc::new(TokioClock))
        .wait(executable, accept)
        .await
        .is_err()
    {
        return false;
    }
    // An updater may still be writing: a short settle before exec.
    tokio::time::sleep(Duration::from_millis(50)).await;
    true
}
