//! The settings of a pool as a caller gives them: name, tier, count, OS.

use crate::error::Error;
use crate::model::{Os, Tier};

/// Checks an agent pool name against the spec's `agentPoolName` path parameter: 3 to 20
/// characters of `[a-zA-Z0-9-]` (`minLength` 3, `maxLength` 20, pattern `^[a-zA-Z0-9-]*$`; the
/// spec sets no rule for the first character, and neither does this).
pub fn validate_pool_name(name: &str) -> Result<(), Error> {
    crate::client::names::check_agent_pool_name(name)
}

/// Reads a tier, case-insensitively: `S1`, `S2`, `S3` or `I6` (the documented tiers); any other
/// value is refused, since Azure would refuse it only after the request.
pub fn parse_tier(s: &str) -> Result<Tier, Error> {
    match Tier::from(s.trim()) {
        Tier::Other(_) => Err(unknown_tier(s)),
        tier => Ok(tier),
    }
}

/// The refusal of tier `s`, which is not one of the documented tiers.
pub(super) fn unknown_tier(s: &str) -> Error {
    Error::invalid(
        "tier",
        format!(
            "'{s}' is not an agent pool tier: expected S1 (2 vCPU), S2 (4 vCPU), S3 (8 vCPU) or I6 (64 vCPU, isolated)"
        ),
    )
}

/// Checks an instance count: 0 or more (0 is allowed, "You can scale to 0 instances", but a
/// run then waits; see [`check_schedulable`](super::check_schedulable)) and within the spec's
/// `int32`.
pub fn validate_count(count: i64) -> Result<i32, Error> {
    if count < 0 {
        return Err(Error::invalid(
            "count",
            format!("{count} is negative: expected 0 or more instances"),
        ));
    }
    i32::try_from(count).map_err(|_| {
        Error::invalid(
            "count",
            format!("{count} is too large: expected at most {} instances", i32::MAX),
        )
    })
}

/// Reads an operating system for a pool: `Linux` (any case). `Windows` is refused: "Task agent
/// pools currently support Linux nodes. Windows nodes aren't currently supported"
/// (learn.microsoft.com "Run an ACR task on a dedicated agent pool", preview limitations).
pub fn validate_os(os: &str) -> Result<Os, Error> {
    match Os::from(os.trim()) {
        Os::Linux => Ok(Os::Linux),
        Os::Windows => Err(Error::invalid(
            "os",
            format!("'{os}': agent pools support Linux nodes only (Windows nodes aren't supported): expected Linux"),
        )),
        _ => Err(Error::invalid(
            "os",
            format!("'{os}' is not an operating system of agent pools: expected Linux"),
        )),
    }
}
