//! Run-once supervision of the agent listener.
//!
//! [`RunOnce`] installs the agent if needed, registers it with `config.sh`, starts
//! `bin/Agent.Listener run --once` directly (not `run.sh`) in its own process group with every
//! secret removed from its environment, and then:
//!
//! - exit 0: done; exit 1 or a crash: failed; exit 2 (retryable): restarted with a bounded
//!   exponential backoff; exit 3 or 4 (the agent updated itself): restarted once the new
//!   `bin/Agent.Listener` is executable, bounded, without counting as the one run;
//! - SIGTERM or SIGINT: SIGINT to the listener's process group so that it cancels its job,
//!   a grace period (a second signal shortens it), then SIGKILL of the group;
//! - an optional job time limit, handled like a signal;
//! - as PID 1 (or when asked), every orphan is reaped;
//! - cleanup always runs: `config.sh remove` with a fresh token, the REST API by name if that
//!   did not remove the agent, then the [`TeardownHook`]s in order; each step bounded and
//!   logged, and harmless when repeated.
//!
//! The [`Outcome`] says how it ended and which exit code an entrypoint should return (see
//! [`Outcome::exit_code`]).

mod cleanup;
mod listener;
mod options;
mod outcome;
mod run;
mod stop;
mod teardown;

pub use crate::process::ExitKind;
pub use options::SuperviseOptions;
pub use outcome::{CleanupReport, CleanupStep, Outcome, RunEnd, StepResult};
pub use run::{Registration, RunOnce};
pub use stop::{StopRequest, StopSender, StopSignals};
pub use teardown::TeardownHook;
