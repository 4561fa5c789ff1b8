//! [`NetworkClient`]: the `Microsoft.Network` reads of the VNet preflight, and the preflight.

use super::evaluate::evaluate_in_region;
use super::model::{NetworkSecurityGroup, RouteTable, Subnet};
use super::report::PreflightReport;
use crate::error::Error;
use arm_core::azure_core::http::Method;
use arm_core::{ArmClient, RequestOptions, ResourceId, is_guid};
use serde::de::DeserializeOwned;

/// The `Microsoft.Network` api-version of the reads unless told otherwise: `2024-05-01`, a GA
/// version every public and national cloud serves (the examples of
/// `fixtures/api-examples/network/` come from 2025-09-01 to 2026-07-01; the properties the
/// preflight reads are the same in all of them).
pub const DEFAULT_NETWORK_API_VERSION: &str = "2024-05-01";

/// Options of [`NetworkClient::new`].
#[derive(Clone, Debug)]
pub struct NetworkClientOptions {
    /// The api-version of every request (default [`DEFAULT_NETWORK_API_VERSION`]).
    pub api_version: String,
}

impl Default for NetworkClientOptions {
    fn default() -> Self {
        Self {
            api_version: DEFAULT_NETWORK_API_VERSION.to_owned(),
        }
    }
}

/// Options of [`NetworkClient::preflight`].
#[derive(Clone, Debug, Default)]
pub struct PreflightOptions {
    /// The pool's region (`westus2`), for rules with regional service tags; `None`: the
    /// security group's region, which is the subnet's.
    pub region: Option<String>,
    /// Options of each read.
    pub request: RequestOptions,
}

/// Reads subnets, network security groups and route tables by id, in any subscription the
/// credential can read, and runs the VNet preflight of a subnet.
///
/// ```no_run
/// use acr_agentpool::network::NetworkClient;
///
/// # async fn run(arm: arm_core::ArmClient) -> Result<(), acr_agentpool::Error> {
/// let network = NetworkClient::new(arm, None);
/// let report = network
///     .preflight("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/agents", None)
///     .await?;
/// println!("{report}");
/// assert!(!report.is_blocking(), "{}", report.summary());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct NetworkClient {
    arm: ArmClient,
    api_version: String,
}

/// A kind of id the client reads, with the shape its error message shows.
struct IdKind {
    resource_type: &'static str,
    what: &'static str,
    shape: &'static str,
}

const SUBNET: IdKind = IdKind {
    resource_type: "Microsoft.Network/virtualNetworks/subnets",
    what: "a subnet id",
    shape: "/subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>",
};

const SECURITY_GROUP: IdKind = IdKind {
    resource_type: "Microsoft.Network/networkSecurityGroups",
    what: "a network security group id",
    shape: "/subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.Network/networkSecurityGroups/<name>",
};

const ROUTE_TABLE: IdKind = IdKind {
    resource_type: "Microsoft.Network/routeTables",
    what: "a route table id",
    shape: "/subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.Network/routeTables/<name>",
};

/// Checks that `id` is of `kind`, naming `field` and the expected shape when it is not.
fn parse_id(field: &str, id: &str, kind: &IdKind) -> Result<ResourceId, Error> {
    let refuse = |reason: String| {
        Error::invalid(
            field,
            format!("'{id}' is not {} ({reason}): expected {}", kind.what, kind.shape),
        )
    };
    let parsed = ResourceId::parse(id.trim()).map_err(|error| refuse(error.reason))?;
    if !is_guid(parsed.subscription_id()) {
        return Err(refuse(format!(
            "subscription '{}' is not a GUID",
            parsed.subscription_id()
        )));
    }
    if parsed.resource_group().is_none() {
        return Err(refuse("no resource group".to_owned()));
    }
    if !parsed.is_type(kind.resource_type) {
        let found = parsed.resource_type().unwrap_or_else(|| "no resource type".to_owned());
        return Err(refuse(format!("its type is {found}")));
    }
    Ok(parsed)
}

impl NetworkClient {
    /// A client on `arm` with `options` (default api-version [`DEFAULT_NETWORK_API_VERSION`]).
    pub fn new(arm: ArmClient, options: Option<NetworkClientOptions>) -> Self {
        Self {
            arm,
            api_version: options.unwrap_or_default().api_version,
        }
    }

    /// The api-version of this client's requests.
    pub fn api_version(&self) -> &str {
        &self.api_version
    }

    async fn get<T: DeserializeOwned>(&self, id: &ResourceId, options: Option<RequestOptions>) -> Result<T, Error> {
        let request = self.arm.request(Method::Get, &id.to_string(), &self.api_version)?;
        Ok(self.arm.send_json(options.unwrap_or_default().apply(request)).await?)
    }

    /// Reads a subnet (`GET .../virtualNetworks/{vnet}/subnets/{subnet}`); `subnet_id` is
    /// checked first.
    pub async fn get_subnet(&self, subnet_id: &str, options: Option<RequestOptions>) -> Result<Subnet, Error> {
        let id = parse_id("subnet id", subnet_id, &SUBNET)?;
        self.get(&id, options).await
    }

    /// Reads a network security group (`GET .../networkSecurityGroups/{name}`), with its rules
    /// and default rules; `id` is checked first.
    pub async fn get_network_security_group(
        &self,
        id: &str,
        options: Option<RequestOptions>,
    ) -> Result<NetworkSecurityGroup, Error> {
        let id = parse_id("network security group id", id, &SECURITY_GROUP)?;
        self.get(&id, options).await
    }

    /// Reads a route table (`GET .../routeTables/{name}`), with its routes; `id` is checked
    /// first.
    pub async fn get_route_table(&self, id: &str, options: Option<RequestOptions>) -> Result<RouteTable, Error> {
        let id = parse_id("route table id", id, &ROUTE_TABLE)?;
        self.get(&id, options).await
    }

    /// The VNet preflight of a pool in subnet `subnet_id`: checks the id, reads the subnet, then
    /// its security group and route table (if it has them), and evaluates them
    /// ([`evaluate_in_region`](super::evaluate_in_region)). A subnet that does not exist is
    /// [`Error::Refused`] (check `network`); a malformed id is [`Error::InvalidInput`] with
    /// nothing sent.
    pub async fn preflight(
        &self,
        subnet_id: &str,
        options: Option<PreflightOptions>,
    ) -> Result<PreflightReport, Error> {
        let options = options.unwrap_or_default();
        let id = parse_id("subnet id", subnet_id, &SUBNET)?;
        let subnet: Subnet = self
            .get(&id, Some(options.request.clone()))
            .await
            .map_err(|error| match error {
                Error::Arm(arm) if arm.is_not_found() => Error::refused(
                    "network",
                    format!("subnet {id} does not exist or cannot be read ({arm}): check the subnet id"),
                ),
                other => other,
            })?;
        let nsg = match subnet.network_security_group_id() {
            Some(nsg) => {
                let nsg_id = parse_id("the subnet's networkSecurityGroup.id", nsg, &SECURITY_GROUP)?;
                Some(
                    self.get::<NetworkSecurityGroup>(&nsg_id, Some(options.request.clone()))
                        .await?,
                )
            }
            None => None,
        };
        let route_table = match subnet.route_table_id() {
            Some(table) => {
                let table_id = parse_id("the subnet's routeTable.id", table, &ROUTE_TABLE)?;
                Some(self.get::<RouteTable>(&table_id, Some(options.request.clone())).await?)
            }
            None => None,
        };
        Ok(evaluate_in_region(
            &subnet,
            nsg.as_ref(),
            route_table.as_ref(),
            options.region.as_deref(),
        ))
    }
}
