//! The outbound default rules Azure puts in every network security group.

use super::model::{
    SecurityRule, SecurityRuleAccess, SecurityRuleDirection, SecurityRuleProperties, SecurityRuleProtocol,
};

/// Azure's outbound default rules, as a security group read from Azure carries them in
/// `defaultSecurityRules`: `AllowVnetOutBound` (65000, to `VirtualNetwork`),
/// `AllowInternetOutBound` (65001, to `Internet`) and `DenyAllOutBound` (65500), every protocol
/// and port (learn.microsoft.com "Network security groups", "Default security rules"). The
/// preflight applies them when a body has no `defaultSecurityRules` (one written by a client).
pub fn default_outbound_rules() -> Vec<SecurityRule> {
    [
        (
            "AllowVnetOutBound",
            "VirtualNetwork",
            "VirtualNetwork",
            SecurityRuleAccess::Allow,
            65000,
        ),
        (
            "AllowInternetOutBound",
            "*",
            "Internet",
            SecurityRuleAccess::Allow,
            65001,
        ),
        ("DenyAllOutBound", "*", "*", SecurityRuleAccess::Deny, 65500),
    ]
    .into_iter()
    .map(|(name, source, destination, access, priority)| SecurityRule {
        name: Some(name.to_owned()),
        properties: Some(SecurityRuleProperties {
            protocol: Some(SecurityRuleProtocol::Any),
            source_port_range: Some("*".to_owned()),
            destination_port_range: Some("*".to_owned()),
            source_address_prefix: Some(source.to_owned()),
            destination_address_prefix: Some(destination.to_owned()),
            access: Some(access),
            priority: Some(priority),
            direction: Some(SecurityRuleDirection::Outbound),
            ..SecurityRuleProperties::default()
        }),
        ..SecurityRule::default()
    })
    .collect()
}
