//! The exit codes of `image-builder`: those every tool shares ([`crate::command::exit`]) and
//! its own, 3 and 4.

/// Bad input: a flag, an environment variable or the template; nothing was created.
pub use crate::command::exit::BAD_INPUT;
/// The build (or `logs`, or part of `reap`) failed.
pub use crate::command::exit::FAILED;
/// The build succeeded (and everything the cleanup policy named was deleted).
pub use crate::command::exit::SUCCEEDED;
/// Some distribution targets failed (named on stderr); the others were written.
pub const PARTIALLY_SUCCEEDED: u8 = 3;
/// Cleanup left something behind (named on stderr).
pub const CLEANUP_INCOMPLETE: u8 = 4;
/// Stopped by SIGINT (128 + 2) after canceling the run and cleaning up.
pub use crate::command::exit::SIGINT;
/// Stopped by SIGTERM (128 + 15) after canceling the run and cleaning up.
pub use crate::command::exit::SIGTERM;
/// The run went on past the build timeout plus margin; it was canceled.
pub use crate::command::exit::TIMED_OUT;
