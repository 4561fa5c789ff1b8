//! The staging resource group of a template: `IT_<resource group>_<template>_<guid>`, tagged
//! `createdBy: AzureVMImageBuilder`, `imageTemplateName`, `imageTemplateResourceGroupName`
//! (learn.microsoft.com "Azure VM Image Builder overview", "Use custom staging resource group"),
//! holding a storage account with a random name and its `packerlogs` container, written through
//! the storage model so that the Blob service serves them. A group the caller names
//! (`stagingResourceGroup`) must be empty or absent; it is created when absent, and at the
//! template's deletion a group Image Builder created is deleted, a group the caller gave emptied.

use std::collections::BTreeMap;
use std::time::Instant;

use time::OffsetDateTime;

use super::template::Staging;
use crate::arm::error::ArmError;
use crate::arm::registry;
use crate::model::World;
use crate::model::ids;
use crate::model::resource_groups::{Deletion, ResourceGroup};
use crate::model::storage::{self, AccountKey, BlobContainer, PublicAccess, StorageAccount};
use crate::model::store::Stored;
use crate::random;
use crate::shared::Shared;

/// The container of the build logs.
pub(super) const LOGS_CONTAINER: &str = "packerlogs";

/// The longest resource group name ARM accepts.
const MAX_GROUP_NAME: usize = 90;

/// `IT_<group>_<template>_<guid>`. ARM caps group names at 90 characters; when the whole name
/// would be longer, the group's and the template's names are cut to share the 49 characters
/// left beside `IT_`, the underscores and the guid, each keeping at least its half (an emulator
/// rule: Azure's exact cut is not documented; observed names keep both parts' beginnings).
pub(super) fn group_name(group: &str, template: &str, guid: &str) -> String {
    let budget = MAX_GROUP_NAME - "IT___".len() - guid.len();
    let (g, t) = (group.chars().count(), template.chars().count());
    let (keep_g, keep_t) = if g + t <= budget {
        (g, t)
    } else {
        let half = budget / 2;
        let keep_t = t.min(budget - g.min(half));
        (budget - keep_t, keep_t)
    };
    let cut = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    format!("IT_{}_{}_{guid}", cut(group, keep_g), cut(template, keep_t))
}

/// 400 `ValidationFailed` (code `BadStagingResourceGroup` in Azure's provisioning errors) for a
/// caller's staging group that holds resources.
fn not_empty(id: &str) -> ArmError {
    super::validate::bad_value(
        "ImageTemplate.properties",
        "stagingResourceGroup",
        id,
        "The staging resource group must be empty or not exist.",
    )
}

/// Checks a caller's staging group `id`: empty or absent.
pub(super) fn check_given(world: &World, id: &str, now: Instant) -> Result<(), ArmError> {
    if world.groups.get(id, now).is_none() {
        return Ok(());
    }
    if crate::arm::registry::resources_under(world, &format!("{id}/"), now).is_empty() {
        Ok(())
    } else {
        Err(not_empty(id))
    }
}

/// Creates (or, for a caller's existing empty group, fills) the staging group of template
/// `template` of group `group`, and its storage account and `packerlogs` container.
pub(super) fn create(
    shared: &Shared,
    world: &mut World,
    (group, template): (&ResourceGroup, &str),
    given: Option<&str>,
    location: &str,
) -> Result<Staging, ArmError> {
    let (now, wall) = (shared.clock.instant(), shared.clock.now());
    let (group_id, created) = match given {
        Some(id) => (id.to_owned(), world.groups.get(id, now).is_none()),
        None => (
            ids::resource_group(
                &group.subscription_id,
                &group_name(&group.name, template, &random::uuid()),
            ),
            true,
        ),
    };
    if created {
        let name = ids::group_of(&group_id).unwrap_or_default().to_owned();
        let tags = BTreeMap::from([
            ("createdBy".to_owned(), "AzureVMImageBuilder".to_owned()),
            ("imageTemplateName".to_owned(), template.to_owned()),
            ("imageTemplateResourceGroupName".to_owned(), group.name.clone()),
        ]);
        world.groups.insert(ResourceGroup {
            subscription_id: group.subscription_id.clone(),
            name,
            location: location.to_owned(),
            tags,
            deletion: None,
        });
    }
    let account = account(shared, &group_id, location, wall)?;
    let name = account.name.clone();
    let container = BlobContainer::new(&account, LOGS_CONTAINER, PublicAccess::None, wall);
    storage::accounts_mut(world).insert(account);
    storage::insert_container(world, container);
    Ok(Staging {
        group_id,
        created,
        account: name,
    })
}

/// A new Standard_LRS StorageV2 account with a random 24-character name in group `group_id`.
fn account(shared: &Shared, group_id: &str, location: &str, wall: OffsetDateTime) -> Result<StorageAccount, ArmError> {
    let key = |name: &str| {
        AccountKey::generate(name, wall).map_err(|error| {
            ArmError::new(
                hyper::StatusCode::INTERNAL_SERVER_ERROR,
                "InternalServerError",
                error.to_string(),
            )
        })
    };
    let name: String = random::uuid().replace('-', "").chars().take(24).collect();
    let subscription = group_id.split('/').nth(2).unwrap_or_default().to_owned();
    Ok(StorageAccount {
        subscription_id: subscription,
        resource_group: ids::group_of(group_id).unwrap_or_default().to_owned(),
        blob_endpoint: format!("{}/{name}/", shared.endpoints.blob.trim_end_matches('/')),
        name,
        location: location.to_owned(),
        kind: "StorageV2".to_owned(),
        sku_name: "Standard_LRS".to_owned(),
        tags: BTreeMap::new(),
        keys: [key("key1")?, key("key2")?],
        allow_shared_key_access: None,
        allow_blob_public_access: false,
        minimum_tls_version: "TLS1_2".to_owned(),
        public_network_access: "Enabled".to_owned(),
        created: wall,
        ready_at: shared.clock.instant(),
        operation_id: random::uuid(),
        access_tier: Some("Hot".to_owned()),
        encryption: crate::arm::storage_accounts::default_encryption(wall),
        extended_location: None,
        other_properties: Default::default(),
    })
}

/// Removes what the template's staging group holds, and the group itself when Image Builder
/// created it (deleted as ARM deletes a group: `Deleting` until `until`). Returns the container
/// process runs to kill once the state is unlocked.
pub(super) fn remove(
    world: &mut World,
    staging: &Staging,
    wall: OffsetDateTime,
    until: Instant,
    now: Instant,
) -> Vec<u64> {
    let Some(group) = world.groups.get(&staging.group_id, now).cloned() else {
        return Vec::new();
    };
    let killed = registry::delete_in_group(world, &group, wall);
    if staging.created
        && let Some(stored) = world.groups.get_mut(&group.id(), now)
    {
        stored.deletion = Some(Deletion {
            operation_id: random::uuid(),
            until,
        });
    }
    killed
}

#[cfg(test)]
mod tests {
    use super::group_name;

    const GUID: &str = "6589927b-3015-44bf-89dd-92ea3d05e39e";

    #[test]
    fn names_are_it_group_template_guid_within_90_characters() {
        assert_eq!(group_name("rg", "t_1", GUID), format!("IT_rg_t_1_{GUID}"));
        let long = group_name(&"g".repeat(80), &"t".repeat(64), GUID);
        assert_eq!(long.len(), 90);
        assert!(long.starts_with(&format!("IT_{}_", "g".repeat(24))), "{long}");
        let short_template = group_name(&"g".repeat(80), "t", GUID);
        assert_eq!(short_template, format!("IT_{}_t_{GUID}", "g".repeat(48)));
    }
}
