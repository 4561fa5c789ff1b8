//! Where the subnet's routes send the traffic to one service tag (learn.microsoft.com "Virtual
//! network traffic routing": user-defined routes, service tags in routes, next hop types).

use super::model::{NextHopType, Route, RouteTable, Subnet};
use super::report::Verdict;
use super::requirements::Requirement;
use super::rule_match::{Match, tag_matches};

/// The verdict of the routes on traffic the security group lets out, and what decided it;
/// `None` when no user-defined route applies (Azure's system route sends it to the internet,
/// where the services are).
///
/// - A route whose prefix is a service tag covering the destination wins over `0.0.0.0/0`
///   (its prefixes are longer). Among tag routes whose prefixes overlap, Azure takes a regional
///   tag first, then the top-level tag, then a regional `AzureCloud` tag, then `AzureCloud`
///   (same page, "Service tags for user-defined routes").
/// - A service endpoint of the subnet for the service adds system routes for the service's
///   addresses, longer than `0.0.0.0/0`: it wins over a default route.
/// - Then a `0.0.0.0/0` route.
/// - Other IP-prefix routes are not compared with the service tag's ranges.
pub(crate) fn route_verdict(
    subnet: &Subnet,
    table: Option<&RouteTable>,
    requirement: &Requirement,
    region: Option<&str>,
) -> Option<(Verdict, String)> {
    let routes = table.map(RouteTable::routes).unwrap_or_default();
    let mut tag_routes: Vec<(u8, &Route, Match)> = routes
        .iter()
        .filter_map(|route| {
            let prefix = route.properties.as_ref()?.address_prefix.as_deref()?;
            let found = tag_matches(prefix, requirement.service_tag, region);
            (found != Match::No).then(|| (tag_rank(prefix, requirement.service_tag), route, found))
        })
        .collect();
    tag_routes.sort_by_key(|(rank, _, _)| *rank);
    if let Some((_, route, found)) = tag_routes.first() {
        let described = describe(route);
        return Some(match found {
            Match::Maybe(reason) => (Verdict::Unknown, format!("{described}: {reason}")),
            _ => next_hop_verdict(route, described),
        });
    }
    let default = routes.iter().find(|route| {
        route
            .properties
            .as_ref()
            .and_then(|properties| properties.address_prefix.as_deref())
            .is_some_and(|prefix| prefix.trim() == "0.0.0.0/0")
    })?;
    if let Some(endpoint) = service_endpoint(subnet, requirement) {
        return Some((
            Verdict::Allowed,
            format!("service endpoint {endpoint} (before {})", describe(default)),
        ));
    }
    Some(next_hop_verdict(default, describe(default)))
}

/// The order of Azure's preference among tag routes: regional, top level, AzureCloud regional,
/// AzureCloud top level.
fn tag_rank(prefix: &str, service_tag: &str) -> u8 {
    let regional = prefix.contains('.');
    let own = prefix
        .split('.')
        .next()
        .is_some_and(|base| base.eq_ignore_ascii_case(service_tag));
    match (own, regional) {
        (true, true) => 0,
        (true, false) => 1,
        (false, true) => 2,
        (false, false) => 3,
    }
}

/// The subnet's service endpoint for the requirement's service, if any.
fn service_endpoint<'a>(subnet: &'a Subnet, requirement: &Requirement) -> Option<&'a str> {
    let wanted = requirement.service_endpoint?;
    subnet
        .service_endpoints()
        .iter()
        .filter_map(|endpoint| endpoint.service.as_deref())
        .find(|service| service.eq_ignore_ascii_case(wanted))
}

/// `route <name> (<prefix> → <next hop>)`.
fn describe(route: &Route) -> String {
    let properties = route.properties.clone().unwrap_or_default();
    let hop = match (&properties.next_hop_type, &properties.next_hop_ip_address) {
        (Some(hop), Some(address)) => format!("{hop} {address}"),
        (Some(hop), None) => hop.to_string(),
        (None, _) => "no next hop".to_owned(),
    };
    format!(
        "route {} ({} → {hop})",
        route.name.as_deref().unwrap_or("(unnamed)"),
        properties.address_prefix.as_deref().unwrap_or("?")
    )
}

/// What the route's next hop makes of the traffic: the internet delivers it; an appliance or a
/// gateway must allow it; `None` drops it; `VnetLocal` keeps it in the virtual network, where
/// the service is not.
fn next_hop_verdict(route: &Route, described: String) -> (Verdict, String) {
    let properties = route.properties.as_ref();
    let verdict = match properties.and_then(|properties| properties.next_hop_type.as_ref()) {
        Some(NextHopType::Internet) => Verdict::Allowed,
        Some(NextHopType::VirtualAppliance) => Verdict::ThroughFirewall {
            next_hop: properties
                .and_then(|properties| properties.next_hop_ip_address.clone())
                .unwrap_or_else(|| "VirtualAppliance".to_owned()),
        },
        Some(NextHopType::VirtualNetworkGateway) => Verdict::ThroughFirewall {
            next_hop: "VirtualNetworkGateway".to_owned(),
        },
        Some(NextHopType::None) => return (Verdict::Denied, format!("{described}: dropped")),
        Some(NextHopType::VnetLocal) => {
            return (Verdict::Denied, format!("{described}: kept in the virtual network"));
        }
        _ => return (Verdict::Unknown, format!("{described}: unknown next hop type")),
    };
    (verdict, described)
}
