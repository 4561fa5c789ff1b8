//! How a run ends the command: its status, its error message, the images it pushed with their
//! digests, the pipeline variables (`acrRunId`, `acrRunStatus`, `acrImage`, `acrImageDigest`;
//! [`acr_agentpool::flow::variables`]) as `##vso[task.setvariable]` and `$GITHUB_OUTPUT` lines,
//! and the exit code ([`exit`]).

use super::exit;
use crate::command::signals::Received;
use crate::command::variables::set_variables;
use acr_agentpool::flow::{RunEnd, RunOutcome};
use acr_agentpool::model::RunStatus;

/// Prints `outcome`; returns the exit code: a signal's first, then the run's end.
pub(super) fn report(outcome: &RunOutcome, received: &Received) -> u8 {
    let status = outcome.status_text();
    if outcome.run_id.is_empty() {
        println!("no run was scheduled");
    } else {
        println!("run {}: {status}", outcome.run_id);
    }
    for image in &outcome.output_images {
        println!("image: {image}");
    }
    if let Some(message) = &outcome.error_message {
        println!("##[error]run {}: {message}", outcome.run_id);
    }
    if let Some(error) = &outcome.error {
        println!("##[error]{error}");
    }
    if !outcome.run_id.is_empty()
        && let Err(error) = set_variables(&outcome.variables())
    {
        println!("##[error]cannot write GITHUB_OUTPUT: {error}");
    }
    if let Some(code) = received.exit_code() {
        return code;
    }
    exit_code(&outcome.end)
}

/// The exit code of a run's end, with no signal received.
pub(super) fn exit_code(end: &RunEnd) -> u8 {
    match end {
        RunEnd::Finished(RunStatus::Succeeded) => exit::SUCCEEDED,
        RunEnd::Finished(RunStatus::Canceled) | RunEnd::Canceled | RunEnd::NotScheduled => exit::RUN_CANCELED,
        RunEnd::Finished(RunStatus::Timeout) => exit::TIMED_OUT,
        _ => exit::FAILED,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_end_has_its_code() {
        assert_eq!(exit_code(&RunEnd::Finished(RunStatus::Succeeded)), 0);
        assert_eq!(exit_code(&RunEnd::Finished(RunStatus::Failed)), 1);
        assert_eq!(exit_code(&RunEnd::Finished(RunStatus::Error)), 1);
        assert_eq!(exit_code(&RunEnd::Finished(RunStatus::Canceled)), 3);
        assert_eq!(exit_code(&RunEnd::Finished(RunStatus::Timeout)), 124);
        assert_eq!(exit_code(&RunEnd::Unknown), 1);
    }
}
