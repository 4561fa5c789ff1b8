//! Placeholder: being written.

use std::ffi::OsString;
use std::process::ExitCode;

/// Runs `acr-agentpool` with its whole command line (program name first).
pub fn main(_args: Vec<OsString>) -> ExitCode {
    ExitCode::from(1)
}
