//! Whether one security rule applies to the pool's traffic to one required destination, read
//! as Azure reads rules (learn.microsoft.com "Network security groups", "Security rules";
//! "Virtual network service tags").

use super::cidr::Cidr;
use super::model::{SecurityRule, SecurityRuleDirection, SecurityRuleProperties, SecurityRuleProtocol};
use super::ports::any_port_matches;
use super::requirements::Requirement;

/// Whether a rule applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Match {
    /// It does not.
    No,
    /// It does; with a remark for the report (a regional tag).
    Yes(Option<String>),
    /// It may, for part of the traffic; why this evaluation cannot tell.
    Maybe(String),
}

/// What the evaluation knows of the traffic: its subnet's prefixes, the pool's region (for
/// regional tags) and whether a route table sends `0.0.0.0/0` somewhere (which puts the
/// default route in the `VirtualNetwork` tag).
pub(crate) struct Traffic<'a> {
    pub requirement: &'a Requirement,
    pub subnet_prefixes: Vec<Cidr>,
    pub region: Option<String>,
    pub default_route_is_user_defined: bool,
}

/// The region as service tags and ARM spell it without spaces and case: `westus2`.
pub(crate) fn normalize_region(region: &str) -> String {
    region
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

fn fields<'a>(single: &'a Option<String>, list: &'a Option<Vec<String>>) -> Vec<&'a str> {
    single.iter().chain(list.iter().flatten()).map(String::as_str).collect()
}

/// The first `Yes` of `matches`, else the first `Maybe`, else `No`.
fn any(matches: impl IntoIterator<Item = Match>) -> Match {
    let mut maybe = None;
    for found in matches {
        match found {
            Match::Yes(note) => return Match::Yes(note),
            Match::Maybe(reason) => {
                maybe.get_or_insert(reason);
            }
            Match::No => {}
        }
    }
    maybe.map_or(Match::No, Match::Maybe)
}

/// `No` if any is `No`, else the first `Maybe`, else `Yes` with the first remark.
fn all(matches: impl IntoIterator<Item = Match>) -> Match {
    let (mut maybe, mut note) = (None, None);
    for found in matches {
        match found {
            Match::No => return Match::No,
            Match::Maybe(reason) => {
                maybe.get_or_insert(reason);
            }
            Match::Yes(remark) => {
                if note.is_none() {
                    note = remark;
                }
            }
        }
    }
    maybe.map_or(Match::Yes(note), Match::Maybe)
}

/// Whether `rule` applies to `traffic`: outbound, TCP or any protocol, the destination port in
/// its port fields, the pool's subnet in its sources, the service in its destinations.
pub(crate) fn rule_matches(rule: &SecurityRule, traffic: &Traffic<'_>) -> Match {
    let Some(properties) = &rule.properties else {
        return Match::No;
    };
    if properties.direction != Some(SecurityRuleDirection::Outbound) {
        return Match::No;
    }
    if !matches!(
        properties.protocol,
        Some(SecurityRuleProtocol::Tcp | SecurityRuleProtocol::Any)
    ) {
        return Match::No;
    }
    let destination_ports = fields(&properties.destination_port_range, &properties.destination_port_ranges);
    if !any_port_matches(destination_ports, traffic.requirement.port) {
        return Match::No;
    }
    all([
        source_ports_match(properties),
        sources_match(properties, traffic),
        destinations_match(properties, traffic),
    ])
}

/// The pool's connections come from ephemeral ports: a rule limited to some source ports
/// applies to some of them only.
fn source_ports_match(properties: &SecurityRuleProperties) -> Match {
    let ports = fields(&properties.source_port_range, &properties.source_port_ranges);
    if ports.iter().any(|port| port.trim() == "*") {
        return Match::Yes(None);
    }
    if ports.is_empty() {
        return Match::No;
    }
    Match::Maybe(format!(
        "source ports {}: only connections from those ports",
        ports.join(",")
    ))
}

/// Sources: `*`, `VirtualNetwork` (the subnet is in it), or a prefix holding the subnet. An
/// application security group holds network interfaces a user put in it, never the pool's
/// (Azure manages them), so it does not match.
fn sources_match(properties: &SecurityRuleProperties, traffic: &Traffic<'_>) -> Match {
    any(
        fields(&properties.source_address_prefix, &properties.source_address_prefixes)
            .into_iter()
            .map(|source| source_matches(source.trim(), traffic)),
    )
}

fn source_matches(source: &str, traffic: &Traffic<'_>) -> Match {
    if source == "*" || source.eq_ignore_ascii_case("VirtualNetwork") {
        return Match::Yes(None);
    }
    let Some(prefix) = Cidr::parse(source) else {
        return Match::No;
    };
    if traffic.subnet_prefixes.is_empty() {
        return Match::Maybe(format!("source {source}: the subnet's prefix is unknown"));
    }
    if traffic.subnet_prefixes.iter().all(|subnet| prefix.contains(subnet)) {
        Match::Yes(None)
    } else if traffic.subnet_prefixes.iter().any(|subnet| subnet.contains(&prefix)) {
        Match::Maybe(format!("source {source} holds part of the subnet only"))
    } else {
        Match::No
    }
}

/// Destinations: see [`destination_matches`]. An application security group holds network
/// interfaces of the virtual network, never an Azure service's addresses: no match.
fn destinations_match(properties: &SecurityRuleProperties, traffic: &Traffic<'_>) -> Match {
    any(fields(
        &properties.destination_address_prefix,
        &properties.destination_address_prefixes,
    )
    .into_iter()
    .map(|destination| destination_matches(destination.trim(), traffic)))
}

/// One destination of a rule against the service tag of the traffic:
/// - `*` and `0.0.0.0/0`: every address;
/// - `Internet`: "the IP address space that's outside the virtual network and reachable by the
///   public internet. The address range includes the Azure-owned public IP address space"
///   (learn.microsoft.com "Virtual network service tags"), so every service tag's addresses;
/// - `AzureCloud`: every Azure datacenter public address, so every service tag's too;
/// - the tag itself (`Storage`);
/// - a regional tag (`Storage.WestUS2`, `AzureCloud.WestUS2`): the service's addresses in that
///   region only. It applies when the region is the pool's; with no known region the row is
///   unknown. (The pool talks to its services in its own region; a regional allow for it counts
///   as allowing the destination, and the report says "only <region>".)
/// - `VirtualNetwork`: "address prefixes used on user-defined routes. This tag might also
///   contain default routes" (same page): with a user-defined `0.0.0.0/0` route, everything;
///   otherwise not a service's addresses;
/// - another IP prefix: rules with IP prefixes are not compared with the service tag's ranges
///   (which change weekly): unknown, and the report names the rule;
/// - another service tag: no.
fn destination_matches(destination: &str, traffic: &Traffic<'_>) -> Match {
    if destination == "*" || destination.eq_ignore_ascii_case("Internet") {
        return Match::Yes(None);
    }
    if let Some(prefix) = Cidr::parse(destination) {
        return if prefix.is_all_ipv4() {
            Match::Yes(None)
        } else {
            Match::Maybe(format!(
                "IP prefix {destination} is not compared with the {} ranges",
                traffic.requirement.service_tag
            ))
        };
    }
    if destination.eq_ignore_ascii_case("VirtualNetwork") {
        return if traffic.default_route_is_user_defined {
            Match::Yes(Some("VirtualNetwork holds the user-defined 0.0.0.0/0 route".to_owned()))
        } else {
            Match::No
        };
    }
    tag_matches(destination, traffic.requirement.service_tag, traffic.region.as_deref())
}

/// Whether service tag `written` (`Storage`, `Storage.WestUS2`, `AzureCloud`,
/// `AzureCloud.WestUS2`) covers `service_tag`'s addresses for a pool in `region`.
pub(crate) fn tag_matches(written: &str, service_tag: &str, region: Option<&str>) -> Match {
    let (base, tag_region) = match written.split_once('.') {
        Some((base, tag_region)) => (base, Some(tag_region)),
        None => (written, None),
    };
    if !base.eq_ignore_ascii_case(service_tag) && !base.eq_ignore_ascii_case("AzureCloud") {
        return Match::No;
    }
    let Some(tag_region) = tag_region else {
        return Match::Yes(None);
    };
    match region {
        Some(region) if normalize_region(tag_region) == normalize_region(region) => Match::Yes(Some(format!(
            "regional tag {written}: only {}",
            normalize_region(region)
        ))),
        Some(_) => Match::No,
        None => Match::Maybe(format!(
            "regional tag {written}: only that region, and the pool's region is unknown"
        )),
    }
}
