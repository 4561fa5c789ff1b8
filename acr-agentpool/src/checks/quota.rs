//! The vCPU quota of a registry's agent pools: one for the standard tiers together, one for the
//! isolated tier ("For each registry, the default total vCPU (core) quota is 16 for all
//! standard agent pools and is 0 for isolated agent pools").

use super::limits::Limits;
use super::pool_settings::unknown_tier;
use crate::error::Error;
use crate::model::{AgentPool, Tier};

/// What a pool that passed [`check_quota`] uses of its class's quota.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuotaUse {
    /// The vCPUs of the registry's other pools of the same class (standard or isolated).
    pub used: u64,
    /// The vCPUs of the new or scaled pool: its tier's vCPUs times its count.
    pub requested: u64,
    /// The class's quota.
    pub quota: u64,
    /// The other pools whose vCPUs are unknown (a tier or count this crate cannot read), left
    /// out of `used`, each as `name: tier x count`; a caller should say so.
    pub unknown: Vec<String>,
}

/// A registry's other pool, as the quota sees it.
struct Other<'a> {
    name: &'a str,
    tier: Option<Tier>,
    count: Option<i32>,
}

impl Other<'_> {
    /// `p1: S3 x 1`, with `?` for what is unknown.
    fn describe(&self) -> String {
        let tier = self.tier.as_ref().map_or("?", Tier::as_str);
        let count = self.count.map_or_else(|| "?".to_owned(), |c| c.to_string());
        format!("{}: {tier} x {count}", self.name)
    }

    /// Whether its tier is isolated; `None` when its tier is unknown (so is its class).
    fn is_isolated(&self) -> Option<bool> {
        let tier = self.tier.as_ref()?;
        tier.vcpus().map(|_| tier.is_isolated())
    }

    /// Its vCPUs; `None` when its tier or count is unknown.
    fn vcpus(&self) -> Option<u64> {
        let per_instance = self.tier.as_ref()?.vcpus()?;
        Some(u64::from(per_instance) * u64::try_from(self.count?).ok()?)
    }
}

/// Checks that pool `pool_name` with `count` instances of `tier` fits the quota of its class,
/// given the registry's `existing` pools. The pool's own entry in `existing` is left out (an
/// update replaces its old count); the others of the same class count with their tier's vCPUs
/// times their count. A pool whose tier is not known here (so neither its class nor its size)
/// is not guessed at: it is left out and named in [`QuotaUse::unknown`] and in a refusal.
///
/// Pool names are compared case-insensitively, as ARM compares resource names.
pub fn check_quota(
    existing: &[AgentPool],
    pool_name: &str,
    tier: &Tier,
    count: u32,
    limits: &Limits,
) -> Result<QuotaUse, Error> {
    let per_instance = tier.vcpus().ok_or_else(|| unknown_tier(tier.as_str()))?;
    let isolated = tier.is_isolated();
    let (class, quota) = if isolated {
        ("isolated", limits.isolated_vcpu_quota)
    } else {
        ("standard", limits.standard_vcpu_quota)
    };
    let others = existing.iter().filter_map(|pool| {
        let name = pool.name.as_deref()?;
        (!name.eq_ignore_ascii_case(pool_name)).then(|| Other {
            name,
            tier: pool.tier(),
            count: pool.count(),
        })
    });
    // Of the same class with a known size; of an unknown class or size.
    let (mut same_class, mut unknown) = (Vec::new(), Vec::new());
    for other in others {
        match (other.is_isolated(), other.vcpus()) {
            (Some(class), Some(_)) if class == isolated => same_class.push(other),
            (Some(class), None) if class == isolated => unknown.push(other.describe()),
            (None, _) => unknown.push(other.describe()),
            _ => {}
        }
    }
    let used: u64 = same_class.iter().filter_map(Other::vcpus).sum();
    let requested = u64::from(per_instance) * u64::from(count);
    let quota = u64::from(quota);
    if used + requested <= quota {
        return Ok(QuotaUse {
            used,
            requested,
            quota,
            unknown,
        });
    }
    let in_use: Vec<String> = same_class.iter().map(Other::describe).collect();
    let in_use = if in_use.is_empty() {
        "none".to_owned()
    } else {
        in_use.join(", ")
    };
    let not_counted = if unknown.is_empty() {
        String::new()
    } else {
        format!(" (not counted, size unknown: {})", unknown.join(", "))
    };
    Err(Error::refused(
        "quota",
        format!(
            "pool {pool_name}: {tier} x {count} = {requested} vCPU + {used} vCPU in use by other {class} pools ({in_use}) = {} > quota {quota}{not_counted}; ask for more with a support request, or pass a raised quota",
            used + requested
        ),
    ))
}
