//! `logs RUN_ID` and `cancel RUN_ID`: a run of the registry, by id. `logs` follows the log as
//! the run writes it ([`LogFollower`]: new lines within a second, the end read from the blob's
//! `complete` metadata and confirmed by the run's status) and exits as the run ended
//! ([`outcome`]); `cancel` asks the run to cancel (`Runs_Cancel`) and prints its status.

use super::args::RunIdArgs;
use super::progress::Progress;
use super::session::Session;
use super::{errors, exit, outcome};
use acr_agentpool::Error;
use acr_agentpool::flow::RegistryRef;
use acr_agentpool::flow::RunEnd;
use acr_agentpool::logs::LogFollower;
use acr_agentpool::model::RunStatus;

/// Runs `logs`; returns the exit code (as the run ended: 0 succeeded, 1 failed, 3 canceled, 124
/// timed out).
pub(super) async fn logs(session: &Session, registry: &RegistryRef, args: RunIdArgs) -> u8 {
    let progress = Progress::start();
    let followed = async {
        let (group, _) = session.flow.resolve(registry).await?;
        let runs = session.registries.runs(&group, &registry.name)?;
        LogFollower::new(runs, session.storage.clone())
            .follow(&args.run_id, |line| progress.line(line))
            .await
    };
    let followed = followed.await;
    drop(progress);
    match followed {
        Ok(run) => {
            let status = run.status().cloned().unwrap_or(RunStatus::Other("unknown".to_owned()));
            println!("run {}: {status}", args.run_id);
            outcome::exit_code(&RunEnd::Finished(status))
        }
        Err(error) => errors::report(&error, "--agent-pool"),
    }
}

/// Runs `cancel`; returns the exit code (0 once the cancel was accepted).
pub(super) async fn cancel(session: &Session, registry: &RegistryRef, args: RunIdArgs) -> u8 {
    let canceled = async {
        let (group, _) = session.flow.resolve(registry).await?;
        let runs = session.registries.runs(&group, &registry.name)?;
        runs.cancel(&args.run_id, None).await?;
        let run = runs.get(&args.run_id, None).await?;
        Ok::<_, Error>(run)
    };
    match canceled.await {
        Ok(run) => {
            let status = run.status().map_or_else(|| "unknown".to_owned(), ToString::to_string);
            println!("run {}: cancel requested ({status})", args.run_id);
            exit::SUCCEEDED
        }
        Err(error) => errors::report(&error, "--agent-pool"),
    }
}
