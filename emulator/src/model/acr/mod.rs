//! The Container Registry state: registries, agent pools, tasks and runs.

pub(crate) mod agent_pool;
pub(crate) mod provisioning;
pub(crate) mod registry;
pub(crate) mod run;
pub(crate) mod task;
