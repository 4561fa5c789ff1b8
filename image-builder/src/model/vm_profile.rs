//! The build VM: size, disk, identities and network.

use serde::{Deserialize, Serialize};

/// The build and validation VM (`ImageTemplateVmProfile`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageTemplateVmProfile {
    /// The VM size; empty or absent for Azure's default (`Standard_D1_v2` for Gen1 images,
    /// `Standard_D2ds_v4` for Gen2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vm_size: Option<String>,
    /// The OS disk size in GB; 0 or absent for the image's size.
    #[serde(rename = "osDiskSizeGB", skip_serializing_if = "Option::is_none")]
    pub os_disk_size_gb: Option<u32>,
    /// Resource ids of user-assigned identities to put on the build VM.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_assigned_identities: Option<Vec<String>>,
    /// The virtual network of the build VM; absent for a network Azure creates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vnet_config: Option<VirtualNetworkConfig>,
}

/// The network of the build VM (`VirtualNetworkConfig`).
///
/// Two ways to reach a VM in your subnet: a proxy VM (`proxyVmSize`, the default) or an Azure
/// Container Instance in a second, delegated subnet (`containerInstanceSubnetId`); not both.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualNetworkConfig {
    /// The resource id of the subnet of the build VM.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    /// The resource id of a subnet delegated to Azure Container Instances, in the same virtual
    /// network as `subnetId` (the isolated-build option).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_instance_subnet_id: Option<String>,
    /// The size of the proxy VM; empty or absent for `Standard_A1_v2`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxy_vm_size: Option<String>,
}

/// An additional data disk of the image (`DataDisk`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DataDisk {
    /// The size in GB.
    #[serde(rename = "sizeGB", skip_serializing_if = "Option::is_none")]
    pub size_gb: Option<u32>,
}
