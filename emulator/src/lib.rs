//! # az-emulator
//!
//! A local stand-in for the Azure endpoints azure-ephemeral talks to, speaking Azure's documented
//! wire formats so that official clients (azure_identity's credentials and curl are tested) work
//! against it unchanged:
//!
//! - **Entra ID** (`login`, HTTPS): `POST /{tenant}/oauth2/v2.0/token` with the client
//!   credentials grant (client secret or federated client assertion), Entra's AADSTS errors.
//! - **Managed identity** (`imds`, HTTP): the IMDS path `/metadata/identity/oauth2/token` and
//!   the App Service `IDENTITY_ENDPOINT` (`/msi/token`).
//! - **Azure Resource Manager** (`arm`, HTTPS): the cloud metadata (`/metadata/endpoints`),
//!   subscriptions, resource groups, the generic resource list, container groups
//!   (`Microsoft.ContainerInstance`, whose containers run as local child processes when the
//!   configuration maps their image to a command, each under a subreaper shim so that no
//!   process of a container outlives it), user-assigned identities
//!   (`Microsoft.ManagedIdentity`), long-running operations, bearer authentication, api-version
//!   checks (every version each resource provider publishes) and role-based access, with ARM's
//!   headers and error envelope. Each resource type is a resource provider registered once.
//! - **Azure DevOps** (`devops`, HTTPS): agent pools, agents, job requests and agent packages
//!   under `/{org}/_apis/distributedtask/` (PATs, Entra tokens, Azure DevOps's 203/401/403 and
//!   error envelope), the location service official clients discover those routes with
//!   (`OPTIONS /{org}/_apis`, `ResourceAreas`, `connectionData`, with Azure DevOps's location
//!   ids), unauthenticated package downloads, and the listener protocol of the
//!   [stand-in agent](standin): an executable packed as `bin/Agent.Listener` that configures,
//!   runs one job (`sh -c`), obeys scripted directives and signals, and removes itself like the
//!   real Azure Pipelines agent.
//! - **Admin API** (`admin`, HTTP, every request with `Authorization: Bearer <admin_token>`,
//!   [`Emulator::admin_token`]): request journal, fault injection, seeding, federated tokens,
//!   test operations, the emulator's clock (`POST /clock/advance` moves it forward so that
//!   operations finish and tokens expire without waiting), Azure DevOps pools, PATs and jobs.
//!   In-process, the same is a typed Rust API: [`Emulator::control`] ([`Control`]).
//!
//! Each family has its own listener on 127.0.0.1. The HTTPS listeners use a certificate signed
//! by a CA generated at start and written to `ca.pem` in the state directory (and, after the
//! system's trusted roots, to `ca-bundle.pem`).
//!
//! ```no_run
//! use az_emulator::{Emulator, EmulatorConfig};
//!
//! # async fn run() -> Result<(), az_emulator::Error> {
//! let emulator = Emulator::start(EmulatorConfig::default()).await?;
//! let info = emulator.info();
//! println!("ARM at {}", info.endpoints.arm);
//! println!("trust {}", info.ca_file.display());
//! println!(
//!     "sign in as {} / {} in tenant {}",
//!     info.defaults.client_id, info.defaults.client_secret, info.defaults.tenant_id
//! );
//! emulator.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod admin;
mod arm;
mod blob;
mod ca_files;
mod clock;
mod config;
mod containers;
mod control;
mod devops;
mod emulator;
mod entra;
mod error;
mod faults;
mod http;
mod identity;
mod journal;
mod listener_kind;
mod model;
mod packages;
mod pools;
mod random;
pub mod rbac;
mod redact;
mod shared;
pub mod standin;
mod startup;
mod tls;
mod token;

pub use config::{
    AcrConfig, AcrRunScript, AgentPackageSeed, CONTAINER_GROUP_DELETE_STATUSES, DEFAULT_AGENT_PLATFORM,
    DEFAULT_AGENT_VERSION, DEFAULT_FEDERATED_AUDIENCE, DEFAULT_IDENTITY_NAME, DEFAULT_ORGANIZATION, DEFAULT_POOL,
    DEFAULT_RESOURCE_GROUP, DevopsConfig, EmulatorConfig, FaultConfig, FaultRule, FederatedCredentialSeed,
    IdentityKind, ImageBuildScript, ImageBuilderConfig, LogLocation, ManagedIdentitySeed, OrganizationSeed, PatSeed,
    PlatformImageSeed, PoolSeed, Ports, ResourceGroupSeed, ResponsesConfig, RoleAssignmentSeed, RoleGrantSeed,
    RoleName, SCOPE_AGENT_POOLS_MANAGE, SCOPE_AGENT_POOLS_READ, SeedSections, ServicePrincipalSeed, SubscriptionSeed,
    TenantSeed,
};
pub use control::{Agent, AgentStatus, ClockReading, Control, ControlError, Job, JobSpec, JobState, Pool, QueuedJob};
pub use emulator::Emulator;
pub use error::Error;
pub use journal::JournalEntry;
pub use listener_kind::ListenerKind;
pub use pools::state::{Directive, TaskResult};
pub use startup::{CLOUD_NAME, Defaults, Endpoints, StartupInfo};

/// Compiles the README's Rust example as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
