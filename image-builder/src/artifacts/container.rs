//! The container of a build's artifacts, created and deleted through ARM
//! (learn.microsoft.com "Blob Containers - Create" and "Blob Containers - Delete",
//! `Microsoft.Storage` 2024-01-01).

use crate::error::Error;
use arm_core::azure_core::http::Method;
use arm_core::storage::DEFAULT_STORAGE_API_VERSION;
use arm_core::{ArmClient, ResourceId};

/// The container name for the artifacts of template `template`: `imagebuilder-` and the
/// template name lowercased, every run of characters other than letters and digits made one
/// `-` (container names are 3-63 lowercase letters, digits and single dashes).
///
/// ```
/// assert_eq!(image_builder::artifacts::artifact_container_name("t_1700000000000"), "imagebuilder-t-1700000000000");
/// ```
pub fn artifact_container_name(template: &str) -> String {
    let mut name = String::from("imagebuilder-");
    for c in template.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.ends_with('-') {
            name.push('-');
        }
    }
    name.truncate(63);
    name.trim_end_matches('-').to_owned()
}

/// Creates container `name` in storage account `account` (its resource id), without public
/// access, and returns the container's resource id.
pub async fn create_container(arm: &ArmClient, account: &ResourceId, name: &str) -> Result<ResourceId, Error> {
    if !account.is_type("Microsoft.Storage/storageAccounts") {
        return Err(Error::invalid(
            "storage_account",
            format!("{account} is not a Microsoft.Storage/storageAccounts id"),
        ));
    }
    let id = account.child("blobServices", "default").child("containers", name);
    let request = arm
        .request(Method::Put, &id.to_string(), DEFAULT_STORAGE_API_VERSION)?
        .json(&serde_json::json!({"properties": {"publicAccess": "None"}}))?;
    arm.send(request).await?;
    Ok(id)
}

/// Deletes a container and every blob in it; one already gone counts as deleted.
pub async fn delete_container(arm: &ArmClient, container: &ResourceId) -> Result<(), Error> {
    let request = arm.request(Method::Delete, &container.to_string(), DEFAULT_STORAGE_API_VERSION)?;
    match arm.send(request).await {
        Err(error) if error.is_not_found() => Ok(()),
        other => other.map(drop).map_err(Error::from),
    }
}
