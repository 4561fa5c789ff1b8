//! The container group resource and its properties.

use super::container::Container;
use super::diagnostics::ContainerGroupDiagnostics;
use super::extension::DeploymentExtension;
use super::identity::{ContainerGroupIdentity, IdentityAcls};
use super::init_container::InitContainer;
use super::instance_view::ContainerGroupInstanceView;
use super::network::{ContainerGroupSubnetId, DnsConfiguration, IpAddress};
use super::profile::{ContainerGroupProfileReference, StandbyPoolProfile};
use super::registry::{ImageRegistryCredential, SecretReference};
use super::security::{ConfidentialComputeProperties, EncryptionProperties};
use super::volume::Volume;
use arm_core::SystemData;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A container group (`Microsoft.ContainerInstance/containerGroups`): the request body of a create
/// and the answer of get, list, create and delete.
///
/// `id`, `name`, `type` and `systemData` are set by Azure and ignored in requests.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerGroup {
    /// The resource id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The resource name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The resource type, `Microsoft.ContainerInstance/containerGroups`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// The Azure region, e.g. `westeurope` (Azure may answer with a display name such as `WestUs`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The resource tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
    /// The availability zones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zones: Option<Vec<String>>,
    /// The managed identities of the group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<ContainerGroupIdentity>,
    /// Who created and last modified the resource, and when.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_data: Option<SystemData>,
    /// The container group properties.
    pub properties: ContainerGroupProperties,
}

impl ContainerGroup {
    /// A group in `location` with no containers yet: add them to `properties.containers`.
    pub fn new(location: impl Into<String>) -> Self {
        Self {
            location: Some(location.into()),
            ..Self::default()
        }
    }

    /// A Linux group in `location` with no containers yet.
    ///
    /// ```
    /// use aci_lifecycle::models::{Container, ContainerGroup, OsType};
    ///
    /// let group = ContainerGroup::linux("westeurope").with_container(Container::new("agent", "contoso.azurecr.io/agent:1", 1.0, 1.5));
    /// assert_eq!(group.properties.os_type, Some(OsType::Linux));
    /// assert_eq!(group.properties.containers.len(), 1);
    /// ```
    pub fn linux(location: impl Into<String>) -> Self {
        let mut group = Self::new(location);
        group.properties.os_type = Some(OsType::Linux);
        group
    }

    /// This group with `container` added.
    pub fn with_container(mut self, container: Container) -> Self {
        self.properties.containers.push(container);
        self
    }
}

/// The properties of a container group (the spec's `ContainerGroupPropertiesProperties`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerGroupProperties {
    /// The provisioning state; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<ProvisioningState>,
    /// Key Vault secrets that environment variables, registry credentials and volumes can refer to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_references: Option<Vec<SecretReference>>,
    /// The containers of the group.
    pub containers: Vec<Container>,
    /// The credentials of the registries the images are pulled from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_registry_credentials: Option<Vec<ImageRegistryCredential>>,
    /// When the containers are restarted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restart_policy: Option<RestartPolicy>,
    /// The IP address of the group (public, or private in a virtual network).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<IpAddress>,
    /// The operating system of the containers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os_type: Option<OsType>,
    /// The volumes that containers can mount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volumes: Option<Vec<Volume>>,
    /// The state and events of the group; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_view: Option<ContainerGroupInstanceView>,
    /// Where the logs go.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnostics: Option<ContainerGroupDiagnostics>,
    /// The subnets the group is deployed in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet_ids: Option<Vec<ContainerGroupSubnetId>>,
    /// The DNS configuration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dns_config: Option<DnsConfiguration>,
    /// The SKU.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sku: Option<ContainerGroupSku>,
    /// Encryption of the deployment data with a customer key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption_properties: Option<EncryptionProperties>,
    /// Containers that run to completion before the others start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub init_containers: Option<Vec<InitContainer>>,
    /// Extensions used by virtual kubelet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extensions: Option<Vec<DeploymentExtension>>,
    /// The confidential compute enforcement policy of a `Confidential` group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidential_compute_properties: Option<ConfidentialComputeProperties>,
    /// Regular or Spot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<ContainerGroupPriority>,
    /// Which containers may use which managed identities.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_acls: Option<IdentityAcls>,
    /// The container group profile the group is created from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_group_profile: Option<ContainerGroupProfileReference>,
    /// The standby pool the group is taken from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub standby_pool_profile: Option<StandbyPoolProfile>,
    /// Whether the group was taken from a standby pool; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_created_from_standby_pool: Option<bool>,
}

arm_core::string_enum! {
    /// The provisioning state of a container group.
    pub enum ProvisioningState {
        /// Not specified.
        NotSpecified = "NotSpecified",
        /// Accepted.
        Accepted = "Accepted",
        /// Pending.
        Pending = "Pending",
        /// Updating.
        Updating = "Updating",
        /// Creating.
        Creating = "Creating",
        /// Repairing.
        Repairing = "Repairing",
        /// Unhealthy.
        Unhealthy = "Unhealthy",
        /// Failed (terminal).
        Failed = "Failed",
        /// Canceled (terminal).
        Canceled = "Canceled",
        /// Succeeded (terminal).
        Succeeded = "Succeeded",
        /// Deleting.
        Deleting = "Deleting",
        /// Not accessible.
        NotAccessible = "NotAccessible",
        /// Pre-provisioned (standby pools).
        PreProvisioned = "PreProvisioned",
    }
}

arm_core::string_enum! {
    /// When the containers of a group are restarted.
    pub enum RestartPolicy {
        /// Always restart.
        Always = "Always",
        /// Restart on failure.
        OnFailure = "OnFailure",
        /// Never restart.
        Never = "Never",
    }
}

arm_core::string_enum! {
    /// The operating system of the containers of a group.
    pub enum OsType {
        /// Linux.
        Linux = "Linux",
        /// Windows.
        Windows = "Windows",
    }
}

arm_core::string_enum! {
    /// The SKU of a container group.
    pub enum ContainerGroupSku {
        /// Not specified.
        NotSpecified = "NotSpecified",
        /// Standard (shared hosts).
        Standard = "Standard",
        /// Dedicated hosts.
        Dedicated = "Dedicated",
        /// Confidential containers.
        Confidential = "Confidential",
    }
}

arm_core::string_enum! {
    /// The priority of a container group.
    pub enum ContainerGroupPriority {
        /// Regular capacity.
        Regular = "Regular",
        /// Spot capacity, evictable.
        Spot = "Spot",
    }
}
