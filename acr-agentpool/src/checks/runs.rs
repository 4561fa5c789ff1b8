//! Runs on a pool: a pool that can take them, and a task run that does not fight its task.

use super::pool_settings::validate_pool_name;
use crate::error::Error;
use crate::model::{AgentPool, ProvisioningState, Task};

/// Checks that a run scheduled on `pool` can start: the pool is provisioned (`Succeeded`) and
/// has at least 1 instance ("To use an agent pool in an ACR task, ensure that the pool contains
/// at least 1 instance"; on a pool with 0 instances Azure accepts the run and keeps it `Queued`
/// forever). A pool whose count is absent passes (nothing to go on).
pub fn check_schedulable(pool: &AgentPool) -> Result<(), Error> {
    let name = pool.name.as_deref().unwrap_or("the agent pool");
    match pool.provisioning_state() {
        Some(ProvisioningState::Succeeded) => {}
        Some(state) => {
            return Err(Error::refused(
                "agent pool",
                format!(
                    "pool {name} is {state}, not Succeeded: a run needs a provisioned pool; wait for it, or recreate a Failed pool"
                ),
            ));
        }
        None => {
            return Err(Error::refused(
                "agent pool",
                format!("pool {name} reports no provisioning state: a run needs a pool that is Succeeded"),
            ));
        }
    }
    if pool.count() == Some(0) {
        return Err(Error::refused(
            "scale",
            format!(
                "pool {name} has 0 instances: a run on it would stay Queued forever; scale it first: az acr agentpool update --name {name} --count 1"
            ),
        ));
    }
    Ok(())
}

/// Checks the pool a run of `task` names. A task that has an `agentPoolName` runs on it; a run
/// request that names a pool as well is refused by the service after the request (the refusal
/// the Azure CLI passes through: its `az acr task run --agent-pool` sends `agentPoolName`
/// unchecked, Azure/azure-cli `src/azure-cli/azure/cli/command_modules/acr/task.py`
/// `acr_task_run`; Azure/acr#694 reports the same refusal for a task run from Bicep). Its
/// wording is not documented, so this refuses before any request, even when both name the
/// same pool (our choice: the request would be refused all the same). A malformed pool name is
/// an invalid input.
pub fn check_task_run_pool(task: &Task, agent_pool_name: Option<&str>) -> Result<(), Error> {
    let Some(requested) = agent_pool_name else {
        return Ok(());
    };
    validate_pool_name(requested)?;
    let Some(own) = task.agent_pool_name() else {
        return Ok(());
    };
    let task_name = task.name.as_deref().unwrap_or("the task");
    Err(Error::refused(
        "agent pool",
        format!(
            "task {task_name} already runs on pool {own}, so a run of it cannot name a pool (asked for {requested}): leave the agent pool out to run on {own}, or change the task's agentPoolName first"
        ),
    ))
}
