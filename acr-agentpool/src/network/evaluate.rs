//! The VNet preflight without IO: the subnet, its security group and its route table in, one
//! verdict per required destination out.

use super::cidr::Cidr;
use super::default_rules::default_outbound_rules;
use super::model::{NetworkSecurityGroup, RouteTable, SecurityRule, SecurityRuleAccess, Subnet};
use super::report::{PreflightReport, PreflightRow, Verdict};
use super::requirements::{REQUIRED_OUTBOUND, Requirement};
use super::routes::route_verdict;
use super::rule_match::{Match, Traffic, normalize_region, rule_matches};

/// Evaluates the outbound traffic of a pool in `subnet` to every [`REQUIRED_OUTBOUND`]
/// destination, through the subnet's security group `nsg` and route table `route_table` (`None`
/// when the subnet has none). The pool's region, for regional service tags, is the security
/// group's, else the route table's (both are in their subnet's region); see
/// [`evaluate_in_region`] to give it.
pub fn evaluate(
    subnet: &Subnet,
    nsg: Option<&NetworkSecurityGroup>,
    route_table: Option<&RouteTable>,
) -> PreflightReport {
    evaluate_in_region(subnet, nsg, route_table, None)
}

/// [`evaluate`] for a pool in `region` (e.g. `westus2` or `West US 2`; `None`: the security
/// group's or route table's region).
///
/// The security group's outbound rules apply in priority order, lowest first, and the first
/// that matches decides (learn.microsoft.com "Network security groups": "Once traffic matches a
/// rule, processing stops"); its default rules are the body's `defaultSecurityRules`, or
/// Azure's when the body has none. A rule this evaluation cannot settle (see
/// [`Verdict::Unknown`]) makes the verdict unknown when it would decide the other way than the
/// rule that decides. Traffic the group lets out then follows the route table.
pub fn evaluate_in_region(
    subnet: &Subnet,
    nsg: Option<&NetworkSecurityGroup>,
    route_table: Option<&RouteTable>,
    region: Option<&str>,
) -> PreflightReport {
    let region = region
        .or_else(|| nsg.and_then(|nsg| nsg.location.as_deref()))
        .or_else(|| route_table.and_then(|table| table.location.as_deref()))
        .map(normalize_region);
    let rules = nsg.map(ordered_rules).unwrap_or_default();
    let default_route_is_user_defined = route_table.is_some_and(|table| {
        table.routes().iter().any(|route| {
            route
                .properties
                .as_ref()
                .and_then(|properties| properties.address_prefix.as_deref())
                .is_some_and(|prefix| prefix.trim() == "0.0.0.0/0")
        })
    });
    let rows = REQUIRED_OUTBOUND
        .iter()
        .map(|requirement| {
            let traffic = Traffic {
                requirement,
                subnet_prefixes: subnet.address_prefixes().into_iter().filter_map(Cidr::parse).collect(),
                region: region.clone(),
                default_route_is_user_defined,
            };
            let (verdict, deciding) = match nsg {
                None => (Verdict::Allowed, "no network security group".to_owned()),
                Some(_) => security_verdict(&rules, &traffic),
            };
            let (verdict, deciding) = match verdict {
                Verdict::Allowed => match route_verdict(subnet, route_table, requirement, region.as_deref()) {
                    Some((verdict, route)) => (verdict, format!("{deciding}; {route}")),
                    None => (Verdict::Allowed, deciding),
                },
                other => (other, deciding),
            };
            row(requirement, verdict, deciding)
        })
        .collect();
    PreflightReport { rows }
}

fn row(requirement: &Requirement, verdict: Verdict, deciding: String) -> PreflightRow {
    PreflightRow {
        destination: requirement.service_tag.to_owned(),
        port: requirement.port,
        verdict,
        deciding,
    }
}

/// A rule with how the report names it.
struct Ranked {
    rule: SecurityRule,
    label: String,
}

/// The group's rules and default rules (the body's, else Azure's), by priority.
fn ordered_rules(nsg: &NetworkSecurityGroup) -> Vec<Ranked> {
    let defaults = if nsg.default_security_rules().is_empty() {
        default_outbound_rules()
    } else {
        nsg.default_security_rules().to_vec()
    };
    let label = |kind: &str, rule: &SecurityRule| {
        let priority = rule
            .properties
            .as_ref()
            .and_then(|properties| properties.priority)
            .map_or_else(|| "no priority".to_owned(), |priority| priority.to_string());
        format!("{kind} {} ({priority})", rule.name.as_deref().unwrap_or("(unnamed)"))
    };
    let mut rules: Vec<(u32, Ranked)> = nsg
        .security_rules()
        .iter()
        .map(|rule| ("rule", rule.clone()))
        .chain(defaults.into_iter().map(|rule| ("default rule", rule)))
        .map(|(kind, rule)| {
            let priority = rule
                .properties
                .as_ref()
                .and_then(|properties| properties.priority)
                .unwrap_or(u32::MAX);
            let label = label(kind, &rule);
            (priority, Ranked { rule, label })
        })
        .collect();
    rules.sort_by_key(|(priority, _)| *priority);
    rules.into_iter().map(|(_, ranked)| ranked).collect()
}

/// The first matching rule's verdict, unknown when an unsettled rule before it decides the
/// other way.
fn security_verdict(rules: &[Ranked], traffic: &Traffic<'_>) -> (Verdict, String) {
    let mut unsettled: Vec<(bool, String)> = Vec::new();
    for ranked in rules {
        let allows = ranked
            .rule
            .properties
            .as_ref()
            .and_then(|properties| properties.access.as_ref())
            == Some(&SecurityRuleAccess::Allow);
        match rule_matches(&ranked.rule, traffic) {
            Match::No => {}
            Match::Maybe(reason) => unsettled.push((allows, format!("{}: {reason}", ranked.label))),
            Match::Yes(note) => {
                let verb = if allows { "allows" } else { "denies" };
                let decided = match note {
                    Some(note) => format!("{}, {note}", ranked.label),
                    None => ranked.label.clone(),
                };
                if let Some((_, reason)) = unsettled.iter().find(|(other, _)| *other != allows) {
                    return (Verdict::Unknown, format!("{reason}; otherwise {decided} {verb}"));
                }
                let verdict = if allows { Verdict::Allowed } else { Verdict::Denied };
                return (verdict, decided);
            }
        }
    }
    match unsettled.first() {
        Some((_, reason)) => (Verdict::Unknown, reason.clone()),
        None => (Verdict::Unknown, "no outbound rule matches".to_owned()),
    }
}
