//! The six default security rules Network puts in every network security group, with the names,
//! descriptions, prefixes and priorities of the specification's NetworkSecurityGroupGet example
//! (learn.microsoft.com "Network security groups", "Default security rules").

use serde_json::{Value, json};

/// `(name, description, direction, priority, access, source prefix, destination prefix)`.
const DEFAULT_RULES: [(&str, &str, &str, u16, &str, &str, &str); 6] = [
    (
        "AllowVnetInBound",
        "Allow inbound traffic from all VMs in VNET",
        "Inbound",
        65000,
        "Allow",
        "VirtualNetwork",
        "VirtualNetwork",
    ),
    (
        "AllowAzureLoadBalancerInBound",
        "Allow inbound traffic from azure load balancer",
        "Inbound",
        65001,
        "Allow",
        "AzureLoadBalancer",
        "*",
    ),
    (
        "DenyAllInBound",
        "Deny all inbound traffic",
        "Inbound",
        65500,
        "Deny",
        "*",
        "*",
    ),
    (
        "AllowVnetOutBound",
        "Allow outbound traffic from all VMs to all VMs in VNET",
        "Outbound",
        65000,
        "Allow",
        "VirtualNetwork",
        "VirtualNetwork",
    ),
    (
        "AllowInternetOutBound",
        "Allow outbound traffic from all VMs to Internet",
        "Outbound",
        65001,
        "Allow",
        "*",
        "Internet",
    ),
    (
        "DenyAllOutBound",
        "Deny all outbound traffic",
        "Outbound",
        65500,
        "Deny",
        "*",
        "*",
    ),
];

/// The `defaultSecurityRules` of the security group of id `nsg_id`.
pub(crate) fn default_security_rules(nsg_id: &str) -> Vec<Value> {
    DEFAULT_RULES
        .iter()
        .map(
            |(name, description, direction, priority, access, source, destination)| {
                json!({
                    "name": name,
                    "id": format!("{nsg_id}/defaultSecurityRules/{name}"),
                    "properties": {
                        "description": description,
                        "access": access,
                        "destinationAddressPrefix": destination,
                        "destinationPortRange": "*",
                        "direction": direction,
                        "priority": priority,
                        "provisioningState": "Succeeded",
                        "sourceAddressPrefix": source,
                        "sourcePortRange": "*",
                        "protocol": "*",
                    },
                })
            },
        )
        .collect()
}
