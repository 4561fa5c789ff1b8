//! The exit codes of `image-builder`.

/// The build succeeded (and everything the cleanup policy named was deleted).
pub const SUCCEEDED: u8 = 0;
/// The build (or `logs`, or part of `reap`) failed.
pub const FAILED: u8 = 1;
/// Bad input: a flag, an environment variable or the template; nothing was created.
pub const BAD_INPUT: u8 = 2;
/// Some distribution targets failed (named on stderr); the others were written.
pub const PARTIALLY_SUCCEEDED: u8 = 3;
/// Cleanup left something behind (named on stderr).
pub const CLEANUP_INCOMPLETE: u8 = 4;
/// The run went on past the build timeout plus margin; it was canceled.
pub const TIMED_OUT: u8 = 124;
/// Stopped by SIGINT (128 + 2) after canceling the run and cleaning up.
pub const SIGINT: u8 = 130;
/// Stopped by SIGTERM (128 + 15) after canceling the run and cleaning up.
pub const SIGTERM: u8 = 143;
