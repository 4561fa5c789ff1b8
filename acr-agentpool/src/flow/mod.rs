//! The flows of the `acr-agentpool` command as library calls. Each one checks before it writes,
//! in this order: its inputs → the registry (found by name when no resource group is given, as
//! the Azure CLI finds it) → the checks against what Azure holds ([`crate::checks`]) → the VNet
//! preflight (pool creation in a subnet) → the writes. A refusal is one [`Error`] line, and
//! nothing was written.
//!
//! - [`AgentPoolFlow::create_pool`], [`AgentPoolFlow::scale_pool`],
//!   [`AgentPoolFlow::delete_pool`], [`AgentPoolFlow::show_pool`]: `az acr agentpool
//!   create/update/delete/show`;
//! - [`AgentPoolFlow::build`], [`AgentPoolFlow::quick_run`], [`AgentPoolFlow::task_run`]:
//!   `az acr build --agent-pool`, `az acr run`, `az acr task run`, following the run's log
//!   ([`crate::logs`]) to a [`RunOutcome`], with a cancel input.

mod image_name;
mod lost_answer;
mod outcome;
mod platform;
mod pools;
mod quick_task;
mod runs;
mod settle;

pub use image_name::validate_image_name;
pub use outcome::{OutputImage, RunEnd, RunOutcome, variables};
pub use platform::parse_platform;
pub use pools::{CreatePoolRequest, PoolStatus};
pub use quick_task::{CMD_TEMPLATE, CMD_TIMEOUT_LINE, encode_cmd_task};
pub use runs::{BuildRequest, MAX_TIMEOUT, MIN_TIMEOUT, QuickRunRequest, QuickRunTask, TaskRunFlowRequest};
pub use settle::{CREATE_TIME_MARGIN, RECENT_RUNS, RunControlOptions};

use crate::checks::Limits;
use crate::client::RegistriesClient;
use crate::error::Error;
use crate::logs::LogFollowOptions;
use crate::model::Registry;
use crate::network::NetworkClient;
use arm_core::storage::StorageClient;
use arm_core::{Clock, TokioClock};
use std::sync::Arc;

/// A registry as the command names it: `--registry` and, optionally, `--resource-group`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryRef {
    /// The registry's name.
    pub name: String,
    /// Its resource group; `None`: found through the subscription's resource list.
    pub resource_group: Option<String>,
}

/// A step of a flow, for progress output.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FlowEvent {
    /// A step starts, on one line (`creating pool mypool`).
    Step(String),
    /// A context was uploaded.
    Uploaded {
        /// The archive's size.
        bytes: u64,
        /// Its SHA-256.
        sha256: String,
    },
    /// The run was scheduled.
    Scheduled {
        /// Its id.
        run_id: String,
    },
}

/// The flows over the clients: registries (and the pool, run and task clients made from it),
/// Blob (context uploads, logs), network (preflight), with the [`Limits`] the checks use, the
/// log follow's options, how a lost `scheduleRun` answer and a cancel are settled
/// ([`RunControlOptions`]), and a clock.
#[derive(Clone, Debug)]
pub struct AgentPoolFlow {
    registries: RegistriesClient,
    network: NetworkClient,
    storage: StorageClient,
    limits: Limits,
    follow: LogFollowOptions,
    control: RunControlOptions,
    clock: Arc<dyn Clock>,
}

impl AgentPoolFlow {
    /// Flows on these clients, with the documented limits, the default follow options and the
    /// real clock.
    pub fn new(registries: RegistriesClient, network: NetworkClient, storage: StorageClient) -> Self {
        Self {
            registries,
            network,
            storage,
            limits: Limits::default(),
            follow: LogFollowOptions::default(),
            control: RunControlOptions::default(),
            clock: Arc::new(TokioClock),
        }
    }

    /// These flows with `limits` (a raised quota, more regions).
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// These flows following logs with `options`.
    pub fn with_follow_options(mut self, options: LogFollowOptions) -> Self {
        self.follow = options;
        self
    }

    /// These flows settling lost `scheduleRun` answers and cancels with `options`.
    pub fn with_run_control(mut self, options: RunControlOptions) -> Self {
        self.control = options;
        self
    }

    /// These flows timing their waits on `clock`.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The registries client underneath.
    pub fn registries(&self) -> &RegistriesClient {
        &self.registries
    }

    /// The registry's resource group and the registry (read first: every flow needs its SKU,
    /// region or existence).
    pub async fn resolve(&self, registry: &RegistryRef) -> Result<(String, Registry), Error> {
        let group = match &registry.resource_group {
            Some(group) => group.clone(),
            None => self
                .registries
                .find(&registry.name, None)
                .await?
                .resource_group()
                .unwrap_or_default()
                .to_owned(),
        };
        let found = self.registries.get(&group, &registry.name, None).await?;
        Ok((group, found))
    }
}
