//! How a tool reports what ends it: one `##[error]<program>: <message>` line on stderr (Azure
//! Pipelines highlights it) and the exit code; clap's help and version as clap prints them, any
//! other clap error as one such line and [`exit::BAD_INPUT`].

use super::exit;
use std::process::ExitCode;

/// A bad input of `program`: one line on stderr; returns [`exit::BAD_INPUT`].
pub(crate) fn bad_input(program: &str, message: &str) -> u8 {
    eprintln!("##[error]{program}: {message}");
    exit::BAD_INPUT
}

/// A failure of `program`: one line on stderr; returns [`exit::FAILED`].
pub(crate) fn failed(program: &str, message: &str) -> u8 {
    eprintln!("##[error]{program}: {message}");
    exit::FAILED
}

/// Help and version as clap prints them (exit 0); any other clap error as one line and exit 2.
pub(crate) fn clap_exit(program: &str, error: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(error.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        print!("{error}");
        return ExitCode::SUCCESS;
    }
    let line = error
        .to_string()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("For more information") && !l.starts_with("Usage:"))
        .map(|l| l.trim_start_matches("error: "))
        .collect::<Vec<_>>()
        .join(" ");
    ExitCode::from(bad_input(program, &line))
}

/// A current-thread runtime for `work`; a runtime that cannot start is one line and
/// [`exit::FAILED`].
pub(crate) fn run_async<F: std::future::Future<Output = u8>>(program: &str, work: F) -> ExitCode {
    match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => ExitCode::from(runtime.block_on(work)),
        Err(error) => ExitCode::from(failed(program, &format!("cannot start: {error}"))),
    }
}
