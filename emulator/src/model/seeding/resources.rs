//! Tenants, subscriptions and resource groups from their seeds.

use std::time::Instant;

use super::references::{id_or_random, subscription_ref, tenant_ref};
use crate::config::{ResourceGroupSeed, SubscriptionSeed, TenantSeed};
use crate::error::Error;
use crate::model::World;
use crate::model::ids;
use crate::model::names::check_resource_group_name;
use crate::model::principals::Tenant;
use crate::model::resource_groups::ResourceGroup;
use crate::model::subscriptions::Subscription;
use crate::model::{regions, tags};

pub(super) fn tenant(world: &World, seed: &TenantSeed, field: &str) -> Result<Tenant, Error> {
    let id = id_or_random(seed.id.as_deref(), &format!("{field}.id"))?;
    if world.tenant(&id).is_some() {
        return Err(Error::invalid(
            format!("{field}.id"),
            format!("tenant '{id}' already exists"),
        ));
    }
    Ok(Tenant { id })
}

pub(super) fn subscription(world: &World, seed: &SubscriptionSeed, field: &str) -> Result<Subscription, Error> {
    let id = id_or_random(seed.id.as_deref(), &format!("{field}.id"))?;
    if world.subscription(&id).is_some() {
        return Err(Error::invalid(
            format!("{field}.id"),
            format!("subscription '{id}' already exists"),
        ));
    }
    let tenant_id = tenant_ref(world, seed.tenant_id.as_deref(), &format!("{field}.tenant_id"))?;
    let display_name = seed
        .display_name
        .clone()
        .unwrap_or_else(|| format!("Azure Emulator Subscription {}", world.subscriptions.len() + 1));
    Ok(Subscription {
        id,
        tenant_id,
        display_name,
    })
}

pub(super) fn resource_group(
    world: &World,
    seed: &ResourceGroupSeed,
    default_location: &str,
    field: &str,
    now: Instant,
) -> Result<ResourceGroup, Error> {
    let subscription_id = subscription_ref(
        world,
        seed.subscription_id.as_deref(),
        &format!("{field}.subscription_id"),
    )?;
    check_resource_group_name(&seed.name).map_err(|message| Error::invalid(format!("{field}.name"), message))?;
    if world
        .groups
        .get(&ids::resource_group(&subscription_id, &seed.name), now)
        .is_some()
    {
        return Err(Error::invalid(
            format!("{field}.name"),
            format!(
                "resource group '{}' already exists in subscription '{subscription_id}'",
                seed.name
            ),
        ));
    }
    let location = location(seed.location.as_deref().unwrap_or(default_location))
        .map_err(|message| Error::invalid(format!("{field}.location"), message))?;
    tags::check(&seed.tags)
        .map_err(|error| Error::invalid(format!("{field}.tags"), format!("{}: {}", error.code, error.message)))?;
    Ok(ResourceGroup {
        subscription_id,
        name: seed.name.clone(),
        location,
        tags: seed.tags.clone(),
        deletion: None,
    })
}

/// Normal form of a region name, or an error naming it.
pub(crate) fn location(name: &str) -> Result<String, String> {
    regions::normalize(name).ok_or_else(|| format!("'{name}' is not an Azure region"))
}
