//! The clients of agent pools, registries, runs and tasks, on arm-core's ARM client: one
//! subscription (and, below a registry, one registry) each, an api-version of their own
//! ([`crate::DEFAULT_API_VERSION`] unless overridden; [`crate::LEGACY_API_VERSION`] works
//! through the same methods), one `Option<...Options>` per method, `begin_*` for the
//! long-running operations and [`arm_core::Pager`] for lists.
//!
//! Retries are arm-core's: every request after a `429`, and after a `5xx` or a dropped
//! connection only the requests that are safe to send twice (GET, PUT, DELETE, and the POSTs and
//! PATCHes each method marks idempotent with its reason). `scheduleRun` is never sent twice by
//! the pipeline: see [`RegistriesClient::schedule_run`].

mod agent_pools;
pub(crate) mod names;
mod registries;
mod registry_scope;
mod run_filter;
mod runs;
mod sas_links;
mod tasks;

pub use agent_pools::{AgentPoolsClient, AgentPoolsClientOptions};
pub use registries::{REGISTRY_API_VERSION, RegistriesClient, RegistriesClientOptions};
pub use registry_scope::RegistryScope;
pub use run_filter::RunFilter;
pub use runs::{RunListOptions, RunsClient, RunsClientOptions};
pub use sas_links::{BuildSourceUpload, RunLogLinks};
pub use tasks::{TasksClient, TasksClientOptions};

/// The options of the methods that may be long-running operations: how to poll them.
pub use arm_core::BeginOptions;

/// Options of the clients below one registry ([`AgentPoolsClientOptions`],
/// [`RunsClientOptions`], [`TasksClientOptions`]).
#[derive(Clone, Debug)]
pub struct AcrClientOptions {
    /// The api-version of every request (default [`crate::DEFAULT_API_VERSION`],
    /// 2025-03-01-preview; [`crate::LEGACY_API_VERSION`] is the other version with agent pools).
    pub api_version: String,
}

impl Default for AcrClientOptions {
    fn default() -> Self {
        Self {
            api_version: crate::DEFAULT_API_VERSION.to_owned(),
        }
    }
}
