//! The VNet preflight: a task agent pool in a subnet needs outbound TCP to AzureKeyVault,
//! Storage, EventHub, AzureActiveDirectory and AzureMonitor on 443 and AzureMonitor on 12000
//! ([`REQUIRED_OUTBOUND`]); without them it reports `Succeeded` and queues runs forever.
//!
//! - [`model`]: subnets, network security groups and their rules, route tables and their
//!   routes, virtual networks and service tags (`Microsoft.Network`);
//! - [`evaluate`]: IO-free: the security group's outbound rules in priority order (service tags,
//!   port ranges, default rules), then the routes (a default route to an appliance, service
//!   tag routes), one [`Verdict`] per destination in a [`PreflightReport`];
//! - [`NetworkClient`]: the reads of a subnet, its security group and its route table, and
//!   [`NetworkClient::preflight`].
//!
//! ```
//! use acr_agentpool::network::model::{NetworkSecurityGroup, Subnet};
//! use acr_agentpool::network::{Verdict, evaluate};
//!
//! let subnet: Subnet = serde_json::from_value(serde_json::json!({
//!     "properties": {"addressPrefix": "10.0.1.0/24"}
//! }))?;
//! let nsg: NetworkSecurityGroup = serde_json::from_value(serde_json::json!({
//!     "location": "westus2",
//!     "properties": {"securityRules": [{
//!         "name": "DenyInternet",
//!         "properties": {"access": "Deny", "direction": "Outbound", "priority": 4096, "protocol": "*",
//!             "sourceAddressPrefix": "*", "sourcePortRange": "*",
//!             "destinationAddressPrefix": "Internet", "destinationPortRange": "*"}
//!     }]}
//! }))?;
//! let report = evaluate(&subnet, Some(&nsg), None);
//! assert!(report.is_blocking());
//! assert_eq!(report.rows[0].verdict, Verdict::Denied);
//! assert_eq!(report.rows[0].deciding, "rule DenyInternet (4096)");
//! # Ok::<(), serde_json::Error>(())
//! ```

mod cidr;
mod client;
mod default_rules;
mod evaluate;
pub mod model;
mod ports;
mod report;
mod requirements;
mod routes;
mod rule_match;

pub use client::{DEFAULT_NETWORK_API_VERSION, NetworkClient, NetworkClientOptions, PreflightOptions};
pub use default_rules::default_outbound_rules;
pub use evaluate::{evaluate, evaluate_in_region};
pub use report::{PreflightReport, PreflightRow, Verdict};
pub use requirements::{REQUIRED_OUTBOUND, Requirement};
