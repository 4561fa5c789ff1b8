//! The container registry (`Microsoft.ContainerRegistry/registries`), as far as agent pools need
//! it (its SKU, region and login server), and the build source upload URL.
//!
//! Registries are not in the agent pool spec: these follow `containerregistry.json` of
//! Azure/azure-rest-api-specs `specification/containerregistry/resource-manager/
//! Microsoft.ContainerRegistry/stable/2023-07-01`. The registry properties this crate does not
//! use (network rules, policies, encryption, private endpoints, ...) are kept verbatim in
//! [`RegistryProperties::other`], so that nothing is lost.

use super::common::{IdentityProperties, ProvisioningState};
use arm_core::SystemData;
use arm_core::azure_core::credentials::Secret;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A container registry (`Registry`, a tracked resource).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Registry {
    /// The resource id; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The registry's name; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `Microsoft.ContainerRegistry/registries`; only in responses.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// The region.
    pub location: String,
    /// The tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<HashMap<String, String>>,
    /// Who created and last modified the registry, and when.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_data: Option<SystemData>,
    /// The SKU: agent pools need `Premium`.
    pub sku: Sku,
    /// The managed identity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<IdentityProperties>,
    /// The registry's properties.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<RegistryProperties>,
}

/// The SKU of a registry (`Sku`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sku {
    /// The SKU's name.
    pub name: SkuName,
    /// The SKU's tier; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<SkuTier>,
}

arm_core::string_enum! {
    /// The name of a registry SKU (`SkuName`).
    pub enum SkuName {
        /// The retired Classic SKU.
        Classic = "Classic",
        /// Basic.
        Basic = "Basic",
        /// Standard.
        Standard = "Standard",
        /// Premium: the only SKU with agent pools.
        Premium = "Premium",
    }
}

arm_core::string_enum! {
    /// The tier of a registry SKU (`SkuTier`).
    pub enum SkuTier {
        /// The retired Classic tier.
        Classic = "Classic",
        /// Basic.
        Basic = "Basic",
        /// Standard.
        Standard = "Standard",
        /// Premium.
        Premium = "Premium",
    }
}

/// The properties of a registry (`RegistryProperties`) that this crate reads, and the rest
/// kept verbatim.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistryProperties {
    /// The login server (`myregistry.azurecr.io`); only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_server: Option<String>,
    /// When the registry was created (RFC 3339), as Azure wrote it; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creation_date: Option<String>,
    /// The provisioning state; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<ProvisioningState>,
    /// Whether the admin user is enabled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_user_enabled: Option<bool>,
    /// `Enabled` or `Disabled`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_network_access: Option<String>,
    /// Whether the registry serves data from dedicated data endpoints.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_endpoint_enabled: Option<bool>,
    /// Whether trusted Azure services may bypass the network rules (`AzureServices`, `None`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_rule_bypass_options: Option<String>,
    /// `Enabled` or `Disabled`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone_redundancy: Option<String>,
    /// Whether anonymous pull is enabled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anonymous_pull_enabled: Option<bool>,
    /// The other properties (`status`, `networkRuleSet`, `policies`, `encryption`,
    /// `dataEndpointHostNames`, `privateEndpointConnections`, ...), verbatim.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// A page of registries (`RegistryListResult`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistryListResult {
    /// The registries.
    #[serde(default)]
    pub value: Vec<Registry>,
    /// The URL of the next page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_link: Option<String>,
}

/// Where to upload a build context (`SourceUploadDefinition`, from
/// `listBuildSourceUploadUrl`). The URL carries a SAS: it is a [`Secret`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceUploadDefinition {
    /// The blob URL with a write SAS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upload_url: Option<Secret>,
    /// The path to give a run as its `sourceLocation`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relative_path: Option<String>,
}
