//! The process the `self_delete` benchmark starts each time: a self-deletion from the
//! environment, then its own peak resident set size from `/proc/self/status` on stdout
//! (`peak_rss_kb=<n>`). Exit code 0 when the deletion was accepted or the group was gone.

use aci_lifecycle::self_delete::{SelfDeleteOutcome, self_delete_from_env};
use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let outcome = self_delete_from_env(&arm_core::ProcessEnv).await;
    if let Err(error) = benches::rss::print_own_peak_rss() {
        eprintln!("peak RSS: {error}");
    }
    match outcome {
        Ok(SelfDeleteOutcome::Accepted | SelfDeleteOutcome::AlreadyGone) => ExitCode::SUCCESS,
        Ok(other) => {
            eprintln!("unexpected outcome {other:?}");
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}
