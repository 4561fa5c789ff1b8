//! Network security groups and their rules (`NetworkSecurityGroup` and `SecurityRule` of
//! `networkSecurityGroup.json`).

use super::sub_resource::{ProvisioningState, SubResource};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A network security group: `GET .../networkSecurityGroups/{name}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkSecurityGroup {
    /// The resource id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The group's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The resource type, `Microsoft.Network/networkSecurityGroups`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// The region. A security group applies only to subnets of its own region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The resource tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<HashMap<String, String>>,
    /// Changes whenever the group changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// The group's properties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<NetworkSecurityGroupProperties>,
}

/// The properties of a [`NetworkSecurityGroup`] (`NetworkSecurityGroupPropertiesFormat`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkSecurityGroupProperties {
    /// Whether existing connections are re-evaluated when a rule changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flush_connection: Option<bool>,
    /// The rules the group's owner wrote (priorities 100 to 4096).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_rules: Option<Vec<SecurityRule>>,
    /// The rules Azure puts in every group (priorities 65000 to 65500, read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_security_rules: Option<Vec<SecurityRule>>,
    /// The network interfaces the group applies to (read-only, ids only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_interfaces: Option<Vec<SubResource>>,
    /// The subnets the group applies to (read-only, ids only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnets: Option<Vec<SubResource>>,
    /// The group's resource GUID (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_guid: Option<String>,
    /// The provisioning state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<ProvisioningState>,
}

impl NetworkSecurityGroup {
    /// The rules the owner wrote (none when absent).
    pub fn security_rules(&self) -> &[SecurityRule] {
        self.properties
            .as_ref()
            .and_then(|properties| properties.security_rules.as_deref())
            .unwrap_or_default()
    }

    /// The default rules as the body carries them (none when absent: a body written by a
    /// client rather than read from Azure).
    pub fn default_security_rules(&self) -> &[SecurityRule] {
        self.properties
            .as_ref()
            .and_then(|properties| properties.default_security_rules.as_deref())
            .unwrap_or_default()
    }
}

/// A rule of a network security group.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityRule {
    /// The resource id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The rule's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The resource type.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// Changes whenever the rule changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// The rule's properties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<SecurityRuleProperties>,
}

/// The properties of a [`SecurityRule`] (`SecurityRulePropertiesFormat`). The address, port and
/// application security group fields each come as a single value, a list, or both; a rule
/// matches a value in any of them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityRuleProperties {
    /// A description of the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The protocol the rule applies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<SecurityRuleProtocol>,
    /// The source port or range: `*`, `80`, `1024-65535`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_port_range: Option<String>,
    /// The destination port or range: `*`, `443`, `400-500`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_port_range: Option<String>,
    /// The source address: `*`, a CIDR or IP address, or a service tag (`VirtualNetwork`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_address_prefix: Option<String>,
    /// The source addresses: CIDRs, IP addresses or service tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_address_prefixes: Option<Vec<String>>,
    /// The application security groups as the source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_application_security_groups: Option<Vec<SubResource>>,
    /// The destination address: `*`, a CIDR or IP address, or a service tag (`Storage`,
    /// `Storage.WestUS2`, `Internet`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_address_prefix: Option<String>,
    /// The destination addresses: CIDRs, IP addresses or service tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_address_prefixes: Option<Vec<String>>,
    /// The application security groups as the destination.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_application_security_groups: Option<Vec<SubResource>>,
    /// The source ports or ranges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_port_ranges: Option<Vec<String>>,
    /// The destination ports or ranges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_port_ranges: Option<Vec<String>>,
    /// Whether matching traffic is allowed or denied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<SecurityRuleAccess>,
    /// 100 to 4096 for the owner's rules (lower first); 65000 and up for the default rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<u32>,
    /// Whether the rule applies to incoming or outgoing traffic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<SecurityRuleDirection>,
    /// The provisioning state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<ProvisioningState>,
}

arm_core::string_enum! {
    /// The protocol of a security rule (`SecurityRuleProtocol`).
    pub enum SecurityRuleProtocol {
        /// TCP.
        Tcp = "Tcp",
        /// UDP.
        Udp = "Udp",
        /// ICMP.
        Icmp = "Icmp",
        /// IPsec ESP.
        Esp = "Esp",
        /// Any protocol.
        Any = "*",
        /// IPsec AH.
        Ah = "Ah",
    }
}

arm_core::string_enum! {
    /// Whether a security rule allows or denies traffic (`SecurityRuleAccess`).
    pub enum SecurityRuleAccess {
        /// Allows matching traffic.
        Allow = "Allow",
        /// Denies matching traffic.
        Deny = "Deny",
    }
}

arm_core::string_enum! {
    /// The direction of the traffic a security rule applies to (`SecurityRuleDirection`).
    pub enum SecurityRuleDirection {
        /// Traffic into the subnet or interface.
        Inbound = "Inbound",
        /// Traffic out of the subnet or interface.
        Outbound = "Outbound",
    }
}
