//! What Azure enforces on an agent pool, server-side: the name (3-20 of `[a-zA-Z0-9-]`), the
//! tier (`S1`, `S2`, `S3`, `I6`), a count ≥ 0, Linux only, a Premium registry in the pool's
//! region, a subnet id of the right shape, and the vCPU quota of the registry (16 across its
//! standard pools, 0 for isolated ones: learn.microsoft.com "Run an ACR task on a dedicated
//! agent pool", Preview limitations). Azure's error codes for these are undocumented: the codes
//! here are the emulator's choice, listed in the README.

use crate::arm::error::ArmError;
use crate::model::acr::agent_pool::{AgentPool, is_isolated, tier_vcpus};
use crate::model::acr::registry::Registry;

/// The default vCPU quota of a registry's standard (S1, S2, S3) pools together.
pub(super) const STANDARD_QUOTA: u32 = 16;

/// The default vCPU quota of a registry's isolated (I6) pools together.
pub(super) const ISOLATED_QUOTA: u32 = 0;

/// The tiers, canonical.
const TIERS: &[&str] = &["S1", "S2", "S3", "I6"];

/// 400 `InvalidParameter` naming the property, the rule and what was given.
fn invalid(message: String) -> ArmError {
    ArmError::bad_request("InvalidParameter", message)
}

/// The name rule: 3 to 20 letters, digits and hyphens.
pub(super) fn check_name(name: &str) -> Result<(), ArmError> {
    let valid = (3..=20).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if valid {
        return Ok(());
    }
    Err(invalid(format!(
        "The agent pool name '{name}' is invalid: it must be 3 to 20 letters, digits and hyphens."
    )))
}

/// The tier, canonical (`s2` is `S2`).
pub(super) fn tier(given: &str) -> Result<String, ArmError> {
    TIERS
        .iter()
        .find(|tier| tier.eq_ignore_ascii_case(given))
        .map(|tier| (*tier).to_owned())
        .ok_or_else(|| {
            invalid(format!(
                "The tier '{given}' is invalid: expected one of S1, S2, S3, I6."
            ))
        })
}

/// The count: an integer ≥ 0 (an int32 in the specification).
pub(super) fn count(given: &serde_json::Value) -> Result<u32, ArmError> {
    given
        .as_i64()
        .and_then(|count| u32::try_from(count).ok())
        .filter(|count| i32::try_from(*count).is_ok())
        .ok_or_else(|| {
            invalid(format!(
                "The count {given} is invalid: expected an integer of 0 or more."
            ))
        })
}

/// The OS, canonical: only `Linux` is offered (`Windows` is in the specification's enum).
pub(super) fn os(given: &str) -> Result<String, ArmError> {
    if given.eq_ignore_ascii_case("Linux") {
        return Ok("Linux".to_owned());
    }
    Err(ArmError::bad_request(
        "OsNotSupported",
        format!("The os '{given}' is not supported: agent pools run Linux only."),
    ))
}

/// The subnet id: `/subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.Network/
/// virtualNetworks/{v}/subnets/{n}` (literals in any case). The shape only: that the subnet
/// exists and may be joined is [`super::subnet`]'s check.
pub(super) fn subnet(given: &str) -> Result<String, ArmError> {
    let segments: Vec<&str> = given.strip_prefix('/').unwrap_or("").split('/').collect();
    let literals = [
        (0, "subscriptions"),
        (2, "resourceGroups"),
        (4, "providers"),
        (5, "Microsoft.Network"),
        (6, "virtualNetworks"),
        (8, "subnets"),
    ];
    let valid = segments.len() == 10
        && literals
            .iter()
            .all(|(i, literal)| segments[*i].eq_ignore_ascii_case(literal))
        && [1, 3, 7, 9].iter().all(|i| !segments[*i].is_empty());
    if valid {
        return Ok(given.to_owned());
    }
    Err(invalid(format!(
        "The virtualNetworkSubnetResourceId '{given}' is invalid: expected /subscriptions/{{id}}/resourceGroups/{{group}}/providers/Microsoft.Network/virtualNetworks/{{vnet}}/subnets/{{subnet}}."
    )))
}

/// The registry must be Premium: 400 `RegistrySkuNotSupported`.
pub(super) fn premium(registry: &Registry) -> Result<(), ArmError> {
    if registry.is_premium() {
        return Ok(());
    }
    Err(ArmError::bad_request(
        "RegistrySkuNotSupported",
        format!(
            "Agent pools are only supported for managed registries in Premium SKU: registry '{}' is {}.",
            registry.name, registry.sku
        ),
    ))
}

/// The pool's location must be the registry's: 400 `InvalidLocation`.
pub(super) fn same_location(registry: &Registry, location: &str) -> Result<(), ArmError> {
    if registry.location.eq_ignore_ascii_case(location) {
        return Ok(());
    }
    Err(ArmError::bad_request(
        "InvalidLocation",
        format!(
            "The agent pool location '{location}' is invalid: it must be the registry's location '{}'.",
            registry.location
        ),
    ))
}

/// The quota: the vCPUs of the registry's other pools of the same kind (standard or isolated)
/// plus `tier` × `count` stay within the kind's quota; 409 `QuotaExceeded` with the numbers.
pub(super) fn quota(others: &[&AgentPool], name: &str, tier: &str, count: u32) -> Result<(), ArmError> {
    let isolated = is_isolated(tier);
    let (kind, limit) = if isolated {
        ("isolated", ISOLATED_QUOTA)
    } else {
        ("standard", STANDARD_QUOTA)
    };
    let in_use: u32 = others
        .iter()
        .filter(|pool| !pool.name.eq_ignore_ascii_case(name) && is_isolated(&pool.tier) == isolated)
        .map(|pool| pool.vcpus())
        .sum();
    let requested = tier_vcpus(tier).unwrap_or(0).saturating_mul(count);
    if in_use.saturating_add(requested) <= limit {
        return Ok(());
    }
    Err(ArmError::new(
        hyper::StatusCode::CONFLICT,
        "QuotaExceeded",
        format!(
            "The agent pool '{name}' ({count} x {tier}, {requested} vCPU) would exceed the registry's {kind} agent pool quota: {in_use} of {limit} vCPU already in use."
        ),
    ))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{check_name, count, os, subnet, tier};

    #[test]
    fn values_follow_the_rules() {
        assert!(check_name("my-pool-1").is_ok());
        for bad in ["ab", "a_b_c", &"a".repeat(21)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
        assert_eq!(tier("s3").unwrap(), "S3");
        assert!(tier("S4").is_err());
        assert_eq!(count(&json!(0)).unwrap(), 0);
        assert!(count(&json!(-1)).is_err());
        assert!(count(&json!(1.5)).is_err());
        assert_eq!(os("linux").unwrap(), "Linux");
        assert!(os("Windows").is_err());
        let id = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v/subnets/n";
        assert!(subnet(id).is_ok());
        assert!(subnet("/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v").is_err());
    }
}
