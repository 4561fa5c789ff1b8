//! Security rules (`Microsoft.Network/networkSecurityGroups/securityRules`), inline in a network
//! security group's PUT or written on their own, validated as Network does (learn.microsoft.com
//! "Security Rules - Create Or Update", "Network security groups: security rules"; Network's
//! codes `SecurityRuleInvalidPriority`, `SecurityRuleInvalidPortRange`,
//! `SecurityRuleInvalidAddressPrefix`, `SecurityRuleConflict`).

use std::net::IpAddr;
use std::time::Instant;

use serde_json::{Map, Value};

use crate::arm::body::{self, join};
use crate::arm::error::ArmError;
use crate::arm::virtual_networks::network::{self, is_service_tag, missing, one_of};
use crate::model::World;
use crate::model::network::{Cidr, NetworkSecurityGroup};

/// The protocols of `SecurityRuleProtocol`.
const PROTOCOLS: &[&str] = &["Tcp", "Udp", "Icmp", "Esp", "*", "Ah"];

/// Validates a rule's `properties` (at `path`) and returns its properties as Network
/// answers them (enumerations in their canonical spelling).
pub(super) fn parse(properties: &Map<String, Value>, path: &str) -> Result<Map<String, Value>, ArmError> {
    let mut out = network::writable(properties, "");
    for (key, what, values) in [
        ("protocol", "SecurityRuleProtocol", PROTOCOLS),
        ("access", "SecurityRuleAccess", &["Allow", "Deny"][..]),
        ("direction", "SecurityRuleDirection", &["Inbound", "Outbound"][..]),
    ] {
        let value = one_of(properties, key, path, what, values)?.ok_or_else(|| missing(key, path))?;
        out.insert(key.into(), value.into());
    }
    priority(properties, path)?;
    for side in ["source", "destination"] {
        let ports = texts(
            properties,
            &format!("{side}PortRange"),
            &format!("{side}PortRanges"),
            path,
        )?;
        if ports.is_empty() {
            return Err(missing(&format!("{side}PortRange"), path));
        }
        for port in ports {
            check_port_range(port)?;
        }
        let prefixes = texts(
            properties,
            &format!("{side}AddressPrefix"),
            &format!("{side}AddressPrefixes"),
            path,
        )?;
        let groups = body::array_at(properties, &format!("{side}ApplicationSecurityGroups"), path)?;
        if prefixes.is_empty() && groups.is_empty() {
            return Err(missing(&format!("{side}AddressPrefix"), path));
        }
        for prefix in prefixes {
            check_address_prefix(prefix)?;
        }
    }
    Ok(out)
}

/// `priority`: an integer from 100 to 4096.
fn priority(properties: &Map<String, Value>, path: &str) -> Result<i64, ArmError> {
    let value = properties.get("priority").ok_or_else(|| missing("priority", path))?;
    value.as_i64().filter(|p| (100..=4096).contains(p)).ok_or_else(|| {
        ArmError::bad_request(
            "SecurityRuleInvalidPriority",
            format!("Security rule has invalid Priority. Value provided: {value} Allowed range 100-4096."),
        )
    })
}

/// The strings of the singular property `one` and the plural `many` of `properties`.
fn texts<'a>(properties: &'a Map<String, Value>, one: &str, many: &str, path: &str) -> Result<Vec<&'a str>, ArmError> {
    let single = body::string_at(properties, one, path)?;
    let plural = body::array_at(properties, many, path)?
        .iter()
        .enumerate()
        .map(|(i, item)| {
            item.as_str().ok_or_else(|| {
                network::invalid_format(format_args!(
                    "'{}[{i}]' must be a string, not {item}.",
                    join(path, many)
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(single.into_iter().chain(plural).collect())
}

/// A port range: `*`, a port (0 to 65535) or `low-high` with low ≤ high.
fn check_port_range(range: &str) -> Result<(), ArmError> {
    let port = |text: &str| text.parse::<u16>().ok();
    let valid = range == "*"
        || port(range).is_some()
        || range
            .split_once('-')
            .and_then(|(low, high)| Some((port(low)?, port(high)?)))
            .is_some_and(|(low, high)| low <= high);
    if valid {
        return Ok(());
    }
    Err(ArmError::bad_request(
        "SecurityRuleInvalidPortRange",
        format!(
            "Security rule has invalid Port range. Value provided: {range}. Value should be an integer OR integer range with '-' delimiter. Valid range 0-65535."
        ),
    ))
}

/// An address prefix: `*`, an IP address, an aligned CIDR prefix or a service tag.
fn check_address_prefix(prefix: &str) -> Result<(), ArmError> {
    let valid =
        prefix == "*" || prefix.parse::<IpAddr>().is_ok() || Cidr::parse(prefix).is_ok() || is_service_tag(prefix);
    if valid {
        return Ok(());
    }
    Err(ArmError::bad_request(
        "SecurityRuleInvalidAddressPrefix",
        format!("Security rule has invalid Address prefix. Value provided: {prefix}"),
    ))
}

/// 400 `SecurityRuleConflict` when two of `rules` (name, properties) have the same priority and
/// direction.
pub(super) fn check_conflicts<'a>(
    rules: impl IntoIterator<Item = (&'a str, &'a Map<String, Value>)>,
) -> Result<(), ArmError> {
    let mut seen: Vec<(&str, &Value, &Value)> = Vec::new();
    for (name, properties) in rules {
        let (priority, direction) = (&properties["priority"], &properties["direction"]);
        if let Some((other, _, _)) = seen
            .iter()
            .find(|(other, p, d)| *p == priority && *d == direction && !other.eq_ignore_ascii_case(name))
        {
            return Err(ArmError::bad_request(
                "SecurityRuleConflict",
                format!(
                    "Security rule {name} conflicts with rule {other}. Rules cannot have the same Priority and Direction."
                ),
            ));
        }
        seen.push((name, priority, direction));
    }
    Ok(())
}

/// A security rule PUT's validation against its security group's other rules.
pub(super) fn put(
    _world: &World,
    nsg: &NetworkSecurityGroup,
    name: &str,
    properties: &Map<String, Value>,
    now: Instant,
) -> Result<Map<String, Value>, ArmError> {
    let answered = parse(properties, "properties")?;
    let others = nsg
        .live_children(now)
        .filter(|rule| !rule.name.eq_ignore_ascii_case(name))
        .map(|rule| (rule.name.as_str(), &rule.properties));
    check_conflicts(others.chain([(name, &answered)]))?;
    Ok(answered)
}
