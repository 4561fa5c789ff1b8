//! Networking: IP address, ports, subnets, DNS.

use serde::{Deserialize, Serialize};

/// The IP address of a container group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IpAddress {
    /// The ports exposed on the group.
    pub ports: Vec<Port>,
    /// Public, or private in a virtual network.
    #[serde(rename = "type")]
    pub address_type: IpAddressType,
    /// The IP address; set by Azure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// The DNS name label of a public address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dns_name_label: Option<String>,
    /// Who may reuse the DNS name label (`Unsecure` if absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_generated_domain_name_label_scope: Option<DnsNameLabelReusePolicy>,
    /// The fully qualified domain name; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fqdn: Option<String>,
}

impl IpAddress {
    /// A private address in the group's subnet, exposing `ports` over TCP.
    pub fn private(ports: impl IntoIterator<Item = i32>) -> Self {
        Self::with_type(IpAddressType::Private, ports)
    }

    /// A public address, exposing `ports` over TCP.
    pub fn public(ports: impl IntoIterator<Item = i32>) -> Self {
        Self::with_type(IpAddressType::Public, ports)
    }

    fn with_type(address_type: IpAddressType, ports: impl IntoIterator<Item = i32>) -> Self {
        Self {
            ports: ports
                .into_iter()
                .map(|port| Port {
                    protocol: Some(NetworkProtocol::Tcp),
                    port,
                })
                .collect(),
            address_type,
            ip: None,
            dns_name_label: None,
            auto_generated_domain_name_label_scope: None,
            fqdn: None,
        }
    }
}

/// A port exposed on the group's IP address or by a container within the group (the spec's `Port`
/// and `ContainerPort`, which are the same).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Port {
    /// TCP or UDP.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<NetworkProtocol>,
    /// The port number.
    pub port: i32,
}

arm_core::string_enum! {
    /// The protocol of a port (the spec's `ContainerGroupNetworkProtocol` and
    /// `ContainerNetworkProtocol`, which are the same).
    pub enum NetworkProtocol {
        /// TCP.
        Tcp = "TCP",
        /// UDP.
        Udp = "UDP",
    }
}

arm_core::string_enum! {
    /// Whether a group's IP address is public or private (the spec's `ContainerGroupIpAddressType`).
    pub enum IpAddressType {
        /// Exposed to the internet.
        Public = "Public",
        /// In a virtual network.
        Private = "Private",
    }
}

arm_core::string_enum! {
    /// Who may reuse a DNS name label once the group is deleted.
    pub enum DnsNameLabelReusePolicy {
        /// Anyone (the default).
        Unsecure = "Unsecure",
        /// The same tenant.
        TenantReuse = "TenantReuse",
        /// The same subscription.
        SubscriptionReuse = "SubscriptionReuse",
        /// The same resource group.
        ResourceGroupReuse = "ResourceGroupReuse",
        /// No one.
        NoReuse = "Noreuse",
    }
}

/// A subnet a container group is deployed in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerGroupSubnetId {
    /// The subnet's resource id
    /// (`/subscriptions/…/providers/Microsoft.Network/virtualNetworks/{vnet}/subnets/{subnet}`).
    pub id: String,
    /// A friendly name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl ContainerGroupSubnetId {
    /// The subnet with resource id `id`.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: None,
        }
    }
}

/// The DNS configuration of a container group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DnsConfiguration {
    /// The DNS servers.
    pub name_servers: Vec<String>,
    /// The search domains, separated by spaces.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search_domains: Option<String>,
    /// The resolver options, e.g. `ndots:2`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<String>,
}
