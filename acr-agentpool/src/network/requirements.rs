//! What a task agent pool in a subnet must reach.

/// One outbound destination a task agent pool needs: TCP from the pool's subnet to the
/// addresses of `service_tag` on `port`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Requirement {
    /// The service tag of the destination, e.g. `Storage`.
    pub service_tag: &'static str,
    /// The TCP port.
    pub port: u16,
    /// The subnet service endpoint that reaches the service over the Azure backbone, e.g.
    /// `Microsoft.Storage`, if the service has one.
    pub service_endpoint: Option<&'static str>,
}

impl std::fmt::Display for Requirement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.service_tag, self.port)
    }
}

/// The outbound rules a task agent pool in a virtual network needs (TCP, from
/// `VirtualNetwork`, any source port): learn.microsoft.com "Run an ACR task on a dedicated agent
/// pool", section "Add firewall rules" (AzureKeyVault, Storage, EventHub, AzureActiveDirectory
/// and AzureMonitor on 443), and AzureMonitor on 12000 (ARCHITECTURE.md "Facts"). Without them
/// the pool reports `Succeeded` and queues runs forever.
pub const REQUIRED_OUTBOUND: &[Requirement] = &[
    Requirement {
        service_tag: "AzureKeyVault",
        port: 443,
        service_endpoint: Some("Microsoft.KeyVault"),
    },
    Requirement {
        service_tag: "Storage",
        port: 443,
        service_endpoint: Some("Microsoft.Storage"),
    },
    Requirement {
        service_tag: "EventHub",
        port: 443,
        service_endpoint: Some("Microsoft.EventHub"),
    },
    Requirement {
        service_tag: "AzureActiveDirectory",
        port: 443,
        service_endpoint: Some("Microsoft.AzureActiveDirectory"),
    },
    Requirement {
        service_tag: "AzureMonitor",
        port: 443,
        service_endpoint: None,
    },
    Requirement {
        service_tag: "AzureMonitor",
        port: 12000,
        service_endpoint: None,
    },
];
