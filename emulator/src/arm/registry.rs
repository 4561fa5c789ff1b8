//! What the resource group cascade, the generic resource list, seeding and the clock ask of every
//! registered resource provider ([`PROVIDERS`], declared where the providers' modules are).

use std::time::Instant;

use serde_json::Value;
use time::OffsetDateTime;

use super::PROVIDERS;
use crate::model::World;
use crate::model::resource_groups::ResourceGroup;
use crate::model::store;
use crate::shared::Shared;

/// Brings every provider's resources up to the emulator's time (after the clock moved).
pub(crate) fn catch_up(shared: &Shared) {
    for provider in PROVIDERS {
        provider.catch_up(shared);
    }
}

/// Lets every provider take in what seeding just put into `world`.
pub(crate) fn seeded(world: &mut World, now: Instant) {
    for provider in PROVIDERS {
        provider.seeded(world, now);
    }
}

/// Deletes the resources of every provider in `group` (its deletion was accepted); returns the
/// container process runs to kill once the state is unlocked.
pub(crate) fn delete_in_group(world: &mut World, group: &ResourceGroup, now: OffsetDateTime) -> Vec<u64> {
    PROVIDERS
        .iter()
        .flat_map(|provider| provider.delete_in_group(world, group, now))
        .collect()
}

/// The live resources of every provider whose id starts with `prefix`, ordered by id (any case).
pub(crate) fn resources_under(world: &World, prefix: &str, now: Instant) -> Vec<Value> {
    let mut all: Vec<(String, Value)> = PROVIDERS
        .iter()
        .flat_map(|provider| provider.resources_under(world, prefix, now))
        .map(|body| (store::key(body["id"].as_str().unwrap_or_default()), body))
        .collect();
    all.sort_by(|(a, _), (b, _)| a.cmp(b));
    all.into_iter().map(|(_, body)| body).collect()
}
