//! Run-once supervision of the agent listener.
//!
//! [`RunOnce`] installs the agent if needed, registers it with `config.sh`, starts
//! `bin/Agent.Listener run --once` directly (not `run.sh`) in its own process group with every
//! secret removed from its environment, and then:
//!
//! - exit 0: done; exit 1 or a crash: failed; exit 2 (retryable): restarted with a bounded
//!   exponential backoff; exit 3 or 4 (the agent updated itself): restarted once the new
//!   `bin/Agent.Listener` is executable, bounded, without counting as the one run;
//!   The real agent's updater, a script the listener leaves running in its process group, is
//!   waited for (bounded) before the new listener starts;
//! - SIGTERM or SIGINT: SIGINT to the listener's process group so that it cancels its job,
//!   a grace period, then SIGKILL of the listener and every process below it. From the first
//!   request, the whole stop fits in a budget ([`SuperviseOptions::stop_timeout`]); a second
//!   request skips the rest of the grace period and every step not needed to leave nothing
//!   behind;
//! - an optional job time limit, handled like a signal;
//! - as PID 1 or a child subreaper ([`SuperviseOptions::reap_orphans`]), every orphan is
//!   reaped, and every process the run left behind is ended before the cleanup;
//! - cleanup always runs: the agent recorded in `.agent` at registration (read before any job
//!   could run) is deleted through the REST API with the supervisor's own credential,
//!   concurrently with the [`TeardownHook`]s; each step bounded and logged, and harmless when
//!   repeated. Once the listener has started, no child process gets a secret: a job may have
//!   rewritten every file of the agent folder, so `config.sh remove` is never run.
//!
//! The [`Outcome`] says how it ended and which exit code an entrypoint should return (see
//! [`Outcome::exit_code`]).

mod budget;
mod cleanup;
mod listener;
mod options;
mod outcome;
mod registered;
mod run;
mod stop;
mod teardown;

pub use crate::process::ExitKind;
pub use options::SuperviseOptions;
pub use outcome::{CleanupReport, CleanupStep, Outcome, RunEnd, StepResult};
pub use run::{Registration, RunOnce};
pub use stop::{StopRequest, StopSender, StopSignals};
pub use teardown::TeardownHook;
