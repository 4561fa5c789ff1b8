//! The executor of ACR runs: a background task (started with the emulator) that, every
//! [`TICK`], starts the queued runs an agent is free for ([`super::dispatch`]) and executes each
//! run an agent took, in a task of its own ([`run::execute`]). Runs go on whether or not anyone
//! calls ARM, because clients follow their logs on the Blob listener; their steps last on the
//! emulator's clock (`[acr] step_ms`), so a test moves the clock to hurry them.

mod context;
mod dockerfile;
mod process;
mod run;
mod task_yaml;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::dispatch;
use crate::model::acr::run::{Run, RunStatus, runs_mut};
use crate::shared::Shared;

/// How often the executor looks for work, and how often a running step checks for a cancel, a
/// timeout or the end of its wait.
const TICK: Duration = Duration::from_millis(50);

/// Runs until `stopped`: starts what is due and hands each started run to a task.
pub(crate) async fn serve(shared: Arc<Shared>, mut stopped: watch::Receiver<bool>) {
    while !*stopped.borrow() {
        for run in take_started(&shared) {
            tokio::spawn(run::execute(Arc::clone(&shared), run));
        }
        tokio::select! {
            changed = stopped.changed() => {
                if changed.is_err() {
                    break;
                }
            }
            () = tokio::time::sleep(TICK) => {}
        }
    }
}

/// Dispatches the queues, then takes the runs an agent holds that no task executes yet.
fn take_started(shared: &Shared) -> Vec<Run> {
    let (now, wall) = (shared.clock.instant(), shared.clock.now());
    let mut world = shared.write();
    dispatch(&mut world, wall, now);
    runs_mut(&mut world)
        .values_mut()
        .filter(|run| run.status == RunStatus::Started && !run.executing)
        .map(|run| {
            run.executing = true;
            run.clone()
        })
        .collect()
}
