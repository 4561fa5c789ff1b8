//! The rules Azure applies late or never, checked before any write. Each refusal is one line
//! naming the input, the rule, the numbers and what would pass:
//! [`Error::InvalidInput`](crate::Error::InvalidInput) for a bad input,
//! [`Error::Refused`](crate::Error::Refused) for a state in Azure that would make the operation
//! fail or hang.
//!
//! The facts come from learn.microsoft.com "Run an ACR task on a dedicated agent pool"
//! (MicrosoftDocs/azure-docs `articles/container-registry/tasks-agent-pools.md`, ms.date
//! 10/11/2022) and the 2025-03-01-preview spec.
//!
//! - pool settings: [`validate_pool_name`], [`parse_tier`], [`validate_count`], [`validate_os`];
//! - the registry: [`check_registry`] (Premium, and a region with agent pools, [`Limits`]);
//! - the quota: [`check_quota`];
//! - runs: [`check_schedulable`], [`check_task_run_pool`].

mod limits;
mod pool_settings;
mod quota;
mod registry;
mod runs;

pub use limits::{AGENT_POOL_REGIONS, Limits, REGIONS_AS_OF, normalize_region};
pub use pool_settings::{parse_tier, validate_count, validate_os, validate_pool_name};
pub use quota::{QuotaUse, check_quota};
pub use registry::check_registry;
pub use runs::{check_schedulable, check_task_run_pool};
