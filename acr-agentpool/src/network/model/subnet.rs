//! A subnet of a virtual network (`Subnet` of `virtualNetwork.json`).

use super::sub_resource::{ProvisioningState, SubResource};
use serde::{Deserialize, Serialize};

/// A subnet: `GET .../virtualNetworks/{vnet}/subnets/{subnet}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subnet {
    /// The resource id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The subnet's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The resource type, `Microsoft.Network/virtualNetworks/subnets`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// Changes whenever the subnet changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// The subnet's properties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<SubnetProperties>,
}

/// The properties of a [`Subnet`] (`SubnetPropertiesFormat`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubnetProperties {
    /// The subnet's address prefix, e.g. `10.0.0.0/24`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_prefix: Option<String>,
    /// The subnet's address prefixes, when it has several (then `addressPrefix` is absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_prefixes: Option<Vec<String>>,
    /// The network security group the subnet's traffic goes through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_security_group: Option<SubResource>,
    /// The route table of the subnet's traffic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route_table: Option<SubResource>,
    /// The NAT gateway of the subnet's outbound traffic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nat_gateway: Option<SubResource>,
    /// The service endpoints of the subnet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_endpoints: Option<Vec<ServiceEndpoint>>,
    /// The services the subnet is delegated to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delegations: Option<Vec<Delegation>>,
    /// The network interface IP configurations in the subnet (read-only, ids only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_configurations: Option<Vec<SubResource>>,
    /// What the subnet is used for, derived by Azure from its delegations (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// `Enabled` or `Disabled`: whether network policies apply to private endpoints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_endpoint_network_policies: Option<String>,
    /// `Enabled` or `Disabled`: whether network policies apply to private link services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_link_service_network_policies: Option<String>,
    /// `false` turns off the default outbound access of the subnet's VMs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_outbound_access: Option<bool>,
    /// The provisioning state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<ProvisioningState>,
}

impl Subnet {
    /// The subnet's address prefixes: `addressPrefixes` when set, else `addressPrefix`.
    pub fn address_prefixes(&self) -> Vec<&str> {
        let Some(properties) = &self.properties else {
            return Vec::new();
        };
        match (&properties.address_prefixes, &properties.address_prefix) {
            (Some(prefixes), _) if !prefixes.is_empty() => prefixes.iter().map(String::as_str).collect(),
            (_, Some(prefix)) => vec![prefix.as_str()],
            _ => Vec::new(),
        }
    }

    /// The id of the subnet's network security group, if it has one.
    pub fn network_security_group_id(&self) -> Option<&str> {
        self.properties.as_ref()?.network_security_group.as_ref()?.id.as_deref()
    }

    /// The id of the subnet's route table, if it has one.
    pub fn route_table_id(&self) -> Option<&str> {
        self.properties.as_ref()?.route_table.as_ref()?.id.as_deref()
    }

    /// The subnet's service endpoints (none when absent).
    pub fn service_endpoints(&self) -> &[ServiceEndpoint] {
        self.properties
            .as_ref()
            .and_then(|properties| properties.service_endpoints.as_deref())
            .unwrap_or_default()
    }
}

/// A service endpoint of a subnet (`ServiceEndpointPropertiesFormat`): the subnet reaches the
/// service over the Azure backbone, by a system route that Azure adds for the service's
/// addresses.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceEndpoint {
    /// The service, e.g. `Microsoft.Storage`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// The regions the endpoint covers (`*` for all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locations: Option<Vec<String>>,
    /// The provisioning state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<ProvisioningState>,
}

/// A delegation of a subnet to a service (`Delegation`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delegation {
    /// The resource id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The delegation's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The resource type.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// Changes whenever the delegation changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// The delegation's properties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<DelegationProperties>,
}

/// The properties of a [`Delegation`] (`ServiceDelegationPropertiesFormat`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DelegationProperties {
    /// The service the subnet is delegated to, e.g. `Microsoft.ContainerInstance/containerGroups`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    /// The actions the service may take on the subnet (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<String>>,
    /// The provisioning state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<ProvisioningState>,
}
