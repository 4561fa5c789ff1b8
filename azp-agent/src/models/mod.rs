//! Azure DevOps distributedtask models (TaskAgent 7.1): pools, agents, job requests, packages.
//!
//! Field names follow the TaskAgent 7.1 swagger. Every property of the modelled definitions is a
//! typed field (a test walks the spec); nested structures this crate does not interpret
//! (`_links`, `properties`, identities, `agentSpecification`) stay JSON values.

mod agent;
mod job_request;
mod list;
mod package;
mod pool;

pub use agent::{TaskAgent, TaskAgentAuthorization, TaskAgentPublicKey, TaskAgentReference, TaskAgentStatus};
pub use job_request::{Demand, TaskAgentJobRequest, TaskOrchestrationOwner, TaskResult};
pub use list::List;
pub use package::{PackageMetadata, PackageVersion};
pub use pool::TaskAgentPool;

#[cfg(test)]
mod spec_coverage;
