//! The `[devops]` configuration made into records, and the admin API's additions (pools, PATs).

use time::OffsetDateTime;

use super::state::{Organization, Pat, Pool, PoolsState};
use crate::config::{DevopsConfig, OrganizationSeed, PatSeed, SCOPE_AGENT_POOLS_MANAGE};
use crate::error::Error;
use crate::random;

/// What the defaults report: the first organization, its first pool and first full-scope PAT
/// (empty strings when there are none).
#[derive(Default)]
pub(crate) struct SeededDevops {
    pub organization: String,
    pub pool: String,
    pub pat: String,
}

/// The records of a (validated) configuration.
pub(crate) fn apply(config: &DevopsConfig, now: OffsetDateTime) -> Result<(PoolsState, SeededDevops), Error> {
    let mut state = PoolsState::default();
    for seed in &config.organizations {
        state.organizations.push(organization(seed, now)?);
    }
    let mut seeded = SeededDevops::default();
    if let Some(first) = state.organizations.first() {
        seeded.organization = first.name.clone();
        seeded.pool = first.pools.first().map(|p| p.name.clone()).unwrap_or_default();
        seeded.pat = first
            .pats
            .iter()
            .find(|p| p.scopes.iter().any(|s| s == SCOPE_AGENT_POOLS_MANAGE))
            .map(|p| p.token.clone())
            .unwrap_or_default();
    }
    Ok((state, seeded))
}

fn organization(seed: &OrganizationSeed, now: OffsetDateTime) -> Result<Organization, Error> {
    let mut next_id = seed.pools.iter().filter_map(|p| p.id).max().unwrap_or(0) + 1;
    let pools = seed
        .pools
        .iter()
        .map(|p| {
            let id = p.id.unwrap_or_else(|| {
                next_id += 1;
                next_id - 1
            });
            new_pool(id, &p.name, now)
        })
        .collect();
    let pats = seed.pats.iter().map(pat).collect::<Result<Vec<_>, _>>()?;
    Ok(Organization {
        name: seed.name.clone(),
        pools,
        pats,
        requests: Vec::new(),
        next_agent_id: 1,
        next_request_id: 1,
        next_message_id: 1,
    })
}

/// A pool without agents.
fn new_pool(id: i32, name: &str, now: OffsetDateTime) -> Pool {
    Pool {
        id,
        name: name.to_owned(),
        created_on: now,
        scope: random::uuid(),
        agents: Vec::new(),
    }
}

/// A PAT record (a random token when the seed has none).
pub(crate) fn pat(seed: &PatSeed) -> Result<Pat, Error> {
    let token = match &seed.token {
        Some(token) => token.clone(),
        None => random::pat()?,
    };
    Ok(Pat {
        name: seed.name.clone().unwrap_or_else(|| "pat".to_owned()),
        token,
        scopes: seed.scopes.clone(),
    })
}

/// Adds a pool named `name` with the next free id; `None` when the name is taken.
pub(crate) fn add_pool(org: &mut Organization, name: &str, now: OffsetDateTime) -> Option<i32> {
    if org.pool_named(name).is_some() {
        return None;
    }
    let id = org.pools.iter().map(|p| p.id).max().unwrap_or(0) + 1;
    org.pools.push(new_pool(id, name, now));
    Some(id)
}

#[cfg(test)]
mod tests {
    use super::apply;
    use crate::config::{DevopsConfig, OrganizationSeed, PoolSeed};

    #[test]
    fn pool_ids_left_out_follow_the_highest_given() {
        let config = DevopsConfig {
            organizations: vec![OrganizationSeed {
                name: "org".into(),
                pools: vec![
                    PoolSeed {
                        name: "a".into(),
                        id: None,
                    },
                    PoolSeed {
                        name: "b".into(),
                        id: Some(10),
                    },
                    PoolSeed {
                        name: "c".into(),
                        id: None,
                    },
                ],
                pats: Vec::new(),
            }],
            ..DevopsConfig::default()
        };
        let (state, seeded) = apply(&config, time::OffsetDateTime::now_utc()).unwrap();
        let ids: Vec<i32> = state.organizations[0].pools.iter().map(|p| p.id).collect();
        assert_eq!(ids, [11, 10, 12]);
        assert_eq!(seeded.pool, "a");
        assert_eq!(seeded.pat, "");
    }

    #[test]
    fn the_default_has_a_full_scope_pat() {
        let (_, seeded) = apply(&DevopsConfig::default(), time::OffsetDateTime::now_utc()).unwrap();
        assert_eq!(seeded.organization, "emulator");
        assert_eq!(seeded.pool, "Default");
        assert_eq!(seeded.pat.len(), 52);
    }
}
