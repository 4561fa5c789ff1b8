//! The `customization.log` of a run whose `lastRunStatus.message` names none (Azure names the
//! log only when a run fails): Image Builder keeps every run's log in the storage account of
//! the template's staging resource group (`exactStagingResourceGroup`), container
//! `packerlogs`, blob `<guid>/customization.log` (learn.microsoft.com "Troubleshoot Azure VM
//! Image Builder", Customization log). The newest such blob is the last run's.

use super::{LOG_NAME, LogLocation};
use crate::error::Error;
use crate::model::ImageTemplate;
use arm_core::azure_core::credentials::TokenCredential;
use arm_core::storage::{BlobEndpoint, ListedBlob, StorageClient};
use arm_core::{ArmClient, ResourceId};
use std::sync::Arc;

/// The container of the logs in the staging account.
pub const LOGS_CONTAINER: &str = "packerlogs";

/// The newest `packerlogs/<guid>/customization.log` in the storage accounts of `template`'s
/// staging resource group, read over ARM (the group's accounts, `Reader`) and Blob (List
/// Blobs with the caller's Entra credential, Storage Blob Data Reader); `None` when the template
/// has no staging group yet or no log was written. An account without a `packerlogs` container
/// is skipped.
pub async fn latest_log_location(
    arm: &ArmClient,
    storage: &StorageClient,
    credential: Arc<dyn TokenCredential>,
    template: &ImageTemplate,
) -> Result<Option<LogLocation>, Error> {
    let Some(group) = template.properties.exact_staging_resource_group.as_deref() else {
        return Ok(None);
    };
    let group = ResourceId::parse(group).map_err(|e| {
        Error::invalid(
            "exactStagingResourceGroup",
            format!("'{group}' is not a resource group id: {e}"),
        )
    })?;
    let Some(group_name) = group.resource_group() else {
        return Err(Error::invalid(
            "exactStagingResourceGroup",
            format!("'{group}' is not a resource group id"),
        ));
    };
    let accounts = BlobEndpoint::list_in_resource_group(arm, group.subscription_id(), group_name, None).await?;
    let mut newest: Option<(BlobEndpoint, ListedBlob)> = None;
    for (_, endpoint) in accounts {
        let listed = match storage
            .list_blobs(&endpoint, LOGS_CONTAINER, "", credential.clone())
            .await
        {
            Ok(listed) => listed,
            Err(error) if error.code() == Some("ContainerNotFound") => continue,
            Err(error) => return Err(error.into()),
        };
        let logs = listed.into_iter().filter(is_run_log);
        if let Some(blob) = logs.max_by_key(|b| b.last_modified)
            && newest
                .as_ref()
                .is_none_or(|(_, current)| blob.last_modified > current.last_modified)
        {
            newest = Some((endpoint, blob));
        }
    }
    newest
        .map(|(endpoint, blob)| Ok(LogLocation::BlobUrl(endpoint.blob_url(LOGS_CONTAINER, &blob.name)?)))
        .transpose()
}

/// Whether `blob` is a run's log: `<folder>/customization.log`.
fn is_run_log(blob: &ListedBlob) -> bool {
    blob.name
        .strip_suffix(LOG_NAME)
        .and_then(|folder| folder.strip_suffix('/'))
        .is_some_and(|folder| !folder.is_empty() && !folder.contains('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_runs_own_log_counts() {
        let blob = |name: &str| ListedBlob {
            name: name.to_owned(),
            last_modified: None,
            size: None,
        };
        for (name, counts) in [
            ("0b2f3c8e-1111-4a5b-9c1d-2e3f4a5b6c7d/customization.log", true),
            ("customization.log", false),
            ("/customization.log", false),
            ("a/b/customization.log", false),
            ("run/customization.log.1", false),
            ("run/validation.log", false),
        ] {
            assert_eq!(is_run_log(&blob(name)), counts, "{name}");
        }
    }
}
