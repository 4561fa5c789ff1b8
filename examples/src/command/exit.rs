//! The exit codes every multi-command tool gives the same meaning; a tool adds its own between
//! 3 and 123 (see `image_builder::exit` and `acr_agentpool::exit`).

/// The operation succeeded.
pub const SUCCEEDED: u8 = 0;
/// The operation failed (named on stderr).
pub const FAILED: u8 = 1;
/// Bad input: a flag, an environment variable, a file; nothing was written to Azure.
pub const BAD_INPUT: u8 = 2;
/// The wait went on past its bound (the `timeout` command's convention).
pub const TIMED_OUT: u8 = 124;
/// Stopped by SIGINT (128 + 2), after canceling what was running.
pub const SIGINT: u8 = 130;
/// Stopped by SIGTERM (128 + 15), after canceling what was running.
pub const SIGTERM: u8 = 143;
