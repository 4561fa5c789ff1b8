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
//!   forwarded as SIGINT with a grace period within a stop budget, orphans reaped and ended as
//!   PID 1 or subreaper, and a cleanup that always unregisters the agent through the REST API
//!   (never through a script a job could have rewritten) and runs teardown hooks;
//! - [`hide_secret_variables`]: the secret variables moved out of `/proc/<pid>/environ`;
//! - [`PoolAccess`]: `AZP_URL`, `AZP_POOL` and `AZP_TOKEN`/`AZP_TOKEN_FILE` read from the
//!   environment, each error naming its variable.
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
pub mod pool_access;
mod process;
mod response;
mod secrets;
pub mod supervise;

pub use auth::DevOpsCredential;
pub use child_env::{AGENT_INPUT_PREFIX, ChildEnv, VSO_AGENT_IGNORE};
pub use client::{
    AgentDeletion, DEFAULT_API_VERSION, DevOpsClient, DevOpsClientOptions, ListAgentsOptions, ListJobRequestsOptions,
    PackageDownload,
};
pub use error::Error;
pub use org_url::{OrganizationKind, OrganizationUrl};
pub use platform::Platform;
pub use pool_access::PoolAccess;
pub use secrets::{HiddenEnv, SECRET_VARIABLES, hide_secret_variables};
