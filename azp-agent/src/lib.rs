//! # azp-agent
//!
//! Run-once Azure Pipelines agents, done right:
//!
//! - [`DevOpsClient`]: the Azure DevOps agent-pool REST API (pools, agents, job requests,
//!   agent packages) with a PAT or an Entra token ([`DevOpsCredential`]), on an azure_core
//!   pipeline with bounded retries;
//! - [`install`]: an agent already on disk, or the latest package streamed, hashed and
//!   extracted with no archive on disk;
//! - [`configure`]: `config.sh` unattended, the token only in `VSTS_AGENT_INPUT_TOKEN`;
//! - [`supervise`]: `bin/Agent.Listener run --once` in its own process group with every secret
//!   removed from its environment, restarts on retryable exits and self-updates, SIGTERM
//!   forwarded as SIGINT with a grace period, orphans reaped as PID 1, and a cleanup that always
//!   unregisters the agent (`config.sh remove`, else the REST API) and runs teardown hooks.
//!
//! Supervision is Unix only (process groups and signals).

mod auth;
mod child_env;
mod client;
pub mod configure;
mod error;
pub mod install;
pub mod models;
mod org_url;
mod output;
mod platform;
mod process;
mod response;
pub mod supervise;

pub use auth::DevOpsCredential;
pub use child_env::{AGENT_INPUT_PREFIX, ChildEnv, SECRET_VARIABLES, VSO_AGENT_IGNORE};
pub use client::{
    AgentDeletion, DEFAULT_API_VERSION, DevOpsClient, DevOpsClientOptions, ListAgentsOptions, ListJobRequestsOptions,
    PackageDownload,
};
pub use error::Error;
pub use org_url::{OrganizationKind, OrganizationUrl};
pub use platform::Platform;
