//! Models of `Microsoft.ContainerInstance/containerGroups`, after the 2026-05-01 spec.
//!
//! The JSON is Azure's, field for field, and round-trips exactly (every example of the spec
//! deserializes and serializes back to the same JSON):
//! - Optional fields are `Option`s and are left out when `None`.
//! - Optional arrays and maps are `Option<Vec<_>>` and `Option<BTreeMap<_, _>>`: Azure tells an
//!   absent array from an empty one (`"command": []`), and so do these models. Required arrays
//!   (`containers`, `ports` of an IP address, `nameServers`, `value`) are plain `Vec`s.
//! - String enums ([`arm_core::string_enum!`]) are `#[non_exhaustive]`, read known values
//!   case-insensitively and keep values this crate does not know in an `Other(String)` variant.
//! - Cpu and memory are `f64`, written without a fraction when whole (`"cpu": 1`).
//! - Times stay the RFC 3339 strings Azure sent.
//! - Secret values (secure environment variables, registry passwords, storage account keys,
//!   secret volumes, the Log Analytics workspace key) are
//!   [`Secret`](arm_core::azure_core::credentials::Secret)s: sent to Azure as plain strings,
//!   never returned by it, never printed by `Debug`.
//!
//! The properties that the spec nests under `properties` are nested here too
//! (`group.properties.containers`, `container.properties.image`).

mod container;
mod diagnostics;
mod env;
mod extension;
mod group;
mod identity;
mod init_container;
mod instance_view;
mod list;
mod network;
mod probe;
mod profile;
mod registry;
mod resources;
mod security;
mod volume;
mod whole_number;

pub use arm_core::{CreatedByType, SystemData, UserAssignedIdentity};
pub use container::{ConfigMap, Container, ContainerProperties};
pub use diagnostics::{ContainerGroupDiagnostics, LogAnalytics, LogAnalyticsLogType};
pub use env::EnvironmentVariable;
pub use extension::{DeploymentExtension, DeploymentExtensionProperties, ProtectedSettings};
pub use group::{
    ContainerGroup, ContainerGroupPriority, ContainerGroupProperties, ContainerGroupSku, OsType, ProvisioningState,
    RestartPolicy,
};
pub use identity::{
    ContainerGroupIdentity, IdentityAccessControl, IdentityAccessLevel, IdentityAcls, ResourceIdentityType,
};
pub use init_container::{InitContainer, InitContainerProperties};
pub use instance_view::{
    ContainerGroupInstanceView, ContainerGroupState, ContainerInstanceView, ContainerRunState, ContainerState, Event,
};
pub use list::{ContainerGroupListResult, Logs};
pub use network::{
    ContainerGroupSubnetId, DnsConfiguration, DnsNameLabelReusePolicy, IpAddress, IpAddressType, NetworkProtocol, Port,
};
pub use probe::{ContainerExec, ContainerHttpGet, ContainerProbe, HttpHeader, Scheme};
pub use profile::{ContainerGroupProfileReference, StandbyPoolProfile};
pub use registry::{ImageRegistryCredential, SecretReference};
pub use resources::{GpuResource, GpuSku, ResourceLimits, ResourceRequests, ResourceRequirements};
pub use security::{ConfidentialComputeProperties, EncryptionProperties, SecurityCapabilities, SecurityContext};
pub use volume::{AzureFileVolume, GitRepoVolume, Volume, VolumeMount};
