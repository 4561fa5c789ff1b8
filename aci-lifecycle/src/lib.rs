//! # aci-lifecycle
//!
//! Azure Container Instances container groups on arm-core: a typed [`ContainerGroupsClient`]
//! (create, get, list, tags, delete, stop, start, restart, logs) whose inputs are checked before
//! any request, and the models of `Microsoft.ContainerInstance/containerGroups`.
//!
//! ```no_run
//! use aci_lifecycle::ContainerGroupsClient;
//! use arm_core::{ArmEnvironment, ProcessEnv};
//!
//! # async fn run() -> Result<(), aci_lifecycle::Error> {
//! let env = ArmEnvironment::from_env(&ProcessEnv)?;
//! let groups = ContainerGroupsClient::from_arm(env.arm_client()?, env.require_subscription_id()?)?;
//! let group = groups.get("rg-agents", "agent-1", None).await?;
//! println!("{:?}", group.properties.instance_view.and_then(|v| v.state));
//! # Ok(()) }
//! ```

mod client;
mod error;
pub mod models;
mod reap;
pub mod self_delete;
mod spawn;
mod validation;
pub mod waiters;

pub use arm_core::SubscriptionClient;
pub use client::{
    BeginOptions, ContainerGroupsClient, ContainerGroupsClientOptions, DEFAULT_API_VERSION, ListLogsOptions,
};
pub use error::Error;
pub use reap::{ReapOptions, ReapReport, ReapScope};
pub use spawn::{CREATED_AT_TAG, EPHEMERAL_TAG, SpawnOptions, mark_run_once};
pub use validation::{
    MAX_CPU, MAX_MEMORY_GB, container_group as validate_container_group, group_name as validate_group_name,
};
pub use waiters::{Acceptance, ContainerExit, WaiterOptions};

/// The code of README.md, compiled as doctests so that it stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
