//! State shared by every listener of one emulator.

use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use crate::blob::BlobData;
use crate::clock::Clock;
use crate::containers::Runtime;
use crate::faults::Faults;
use crate::journal::Journal;
use crate::model::World;
use crate::packages::AgentPackages;
use crate::pools::AgentPools;
use crate::random::Draws;
use crate::startup::Endpoints;
use crate::token::Tokens;

/// Settings that handlers read.
pub(crate) struct Settings {
    /// Default region.
    pub location: String,
    /// How long long-running operations stay in progress.
    pub operation_duration: Duration,
    /// `Retry-After` of long-running operation responses.
    pub retry_after_secs: u64,
    /// The App Service `X-IDENTITY-HEADER` secret.
    pub identity_header: String,
    /// Seeded draws among the answers the API documents for a request.
    pub draws: Draws,
    /// The statuses a DELETE of an existing container group draws from.
    pub container_group_delete: Vec<u16>,
}

/// Everything a request handler may touch.
pub(crate) struct Shared {
    world: RwLock<World>,
    pub journal: Journal,
    pub faults: Faults,
    pub tokens: Tokens,
    pub endpoints: Endpoints,
    pub settings: Settings,
    /// The emulator's time (real time unless the admin API moved it forward).
    pub clock: Clock,
    /// The container runtime (processes of container groups).
    pub runtime: Runtime,
    /// Azure DevOps organizations, agent pools, agents and job requests.
    pub pools: AgentPools,
    /// The agent packages served.
    pub packages: AgentPackages,
    /// Blob contents and properties on disk, and the secret user delegation keys derive from.
    pub blob: BlobData,
}

/// The state of the services that are not ARM resources: Azure DevOps and Blob contents.
pub(crate) struct DataPlanes {
    pub devops: DevopsState,
    pub blob: BlobData,
}

/// The Azure DevOps part of the state.
pub(crate) struct DevopsState {
    pub pools: AgentPools,
    pub packages: AgentPackages,
}

impl Shared {
    pub fn new(
        world: World,
        faults: Faults,
        tokens: Tokens,
        endpoints: Endpoints,
        settings: Settings,
        runtime: Runtime,
        planes: DataPlanes,
    ) -> Self {
        let DataPlanes { devops, blob } = planes;
        Shared {
            world: RwLock::new(world),
            journal: Journal::default(),
            faults,
            tokens,
            endpoints,
            settings,
            clock: Clock::default(),
            runtime,
            pools: devops.pools,
            packages: devops.packages,
            blob,
        }
    }

    /// Shared read access to the state.
    pub fn read(&self) -> RwLockReadGuard<'_, World> {
        self.world.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Exclusive access to the state.
    pub fn write(&self) -> RwLockWriteGuard<'_, World> {
        self.world.write().unwrap_or_else(PoisonError::into_inner)
    }
}
