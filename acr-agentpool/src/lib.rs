//! # acr-agentpool
//!
//! Azure Container Registry task agent pools on arm-core. The IO-free part:
//! - [`model`]: the types of `Microsoft.ContainerRegistry` agent pools, runs and their run
//!   requests, tasks and their triggers, after the 2025-03-01-preview spec;
//! - [`checks`]: the rules Azure applies late or never (pool name, tier, count, OS, Premium,
//!   region, vCPU quota, scale to 0, a task run naming a pool its task already has), each a
//!   one-line error naming the input and the rule;
//! - [`network`]: the subnet, network security group and route table models and the outbound
//!   evaluation a pool in a subnet needs (the VNet preflight);
//! - [`context`]: a build context packed as `az acr build` packs it (`.dockerignore`).
//!
//! On top of it, the IO layers:
//! - [`client`]: `AgentPoolsClient`, `RegistriesClient`, `RunsClient`, `TasksClient`;
//! - [`logs`]: a run's log followed as it is written;
//! - [`flow`]: create with preflight, build, run and task run, cancel.

pub mod checks;
pub mod client;
pub mod context;
mod error;
pub mod flow;
pub mod logs;
pub mod model;
pub mod network;

pub use client::{AgentPoolsClient, RegistriesClient, RunsClient, TasksClient};
pub use error::Error;
pub use flow::{AgentPoolFlow, RegistryRef, RunOutcome};
pub use logs::{LogFollowOptions, LogFollower};

/// The api-version the clients use unless told otherwise: `2025-03-01-preview`, the newest of
/// the two versions with agent pools (scheduling and canceling a run are synchronous in it).
pub const DEFAULT_API_VERSION: &str = "2025-03-01-preview";

/// The other api-version with agent pools: `2019-06-01-preview`, where scheduling a run and
/// canceling it are long-running operations. Pass it as a client's api-version to use it.
pub const LEGACY_API_VERSION: &str = "2019-06-01-preview";

/// The code of README.md, compiled as doctests so that it stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
