//! The exit codes of `acr-agentpool`, which scripts rely on: those every tool shares
//! ([`crate::command::exit`]) and its own, 3.
//!
//! Every check that needs no write comes before the first write, so that exit code 2 always
//! means "nothing was written": the flags and variables; then, after reads, the checks against
//! what Azure holds (the registry exists and is Premium, its region offers agent pools, the vCPU
//! quota, a pool scaled to 0, a task run naming a pool its task already has, a subnet that
//! denies a required destination). A refusal after reads is 2 as well, not a code of its own: in
//! both cases the input must change (another registry, a raised `--quota`, another subnet)
//! before a retry can pass, and nothing is left to clean up.

/// Refused before any write: a bad flag or environment variable, or a check against what Azure
/// holds (see the module's documentation).
pub use crate::command::exit::BAD_INPUT;
/// The operation failed: the run ended `Failed` or `Error`, an Azure request failed, the run's
/// end could not be seen (the run may go on); `preflight`: a required destination is denied.
pub use crate::command::exit::FAILED;
/// The operation succeeded (a run ended `Succeeded`; `preflight`: no required destination is
/// denied).
pub use crate::command::exit::SUCCEEDED;
/// The run ended `Canceled` by someone else (another `acr-agentpool cancel`, the portal).
pub const RUN_CANCELED: u8 = 3;
/// Stopped by SIGINT (128 + 2), after canceling the run.
pub use crate::command::exit::SIGINT;
/// Stopped by SIGTERM (128 + 15), after canceling the run.
pub use crate::command::exit::SIGTERM;
/// The run ended `Timeout`: it ran past its `--timeout`.
pub use crate::command::exit::TIMED_OUT;
