//! Why a build failed: the `customization.log` that Azure names in `lastRunStatus.message` or
//! in the run operation's error, fetched with the caller's Entra ID credential, and the section
//! of the provisioner that failed.
//!
//! Azure has named the log in two forms (both seen in public issues): a blob URL
//! (`... Image Build log location: https://<account>.blob.core.windows.net/packerlogs/<guid>/customization.log. OperationId: ...`)
//! and an ARM path (`... Packer build logs are at location /subscriptions/<s>/resourceGroups/IT_<rg>_<template>_<guid>/providers/Microsoft.Storage/storageAccounts/<account>/blobServices/default/containers/packerlogs/<guid>/customization.log. Please navigate ...`).
//! For the ARM path the account's Blob endpoint comes from ARM ([`BlobEndpoint::resolve`]).
//! A run that succeeded names no log: [`latest_log_location`] finds the newest one in the
//! staging resource group.
//!
//! The log is read with a bearer token, never anonymously (the staging account refuses public
//! access: `PublicAccessNotPermitted`); the caller needs Storage Blob Data Reader on the
//! staging account or group. ARCHITECTURE.md allows a fallback to the account key from ARM
//! `listKeys`, used in-process only: it is not implemented, because `azure_storage_blob` (the
//! Blob client this workspace uses) has no Shared Key authentication and a key must never be
//! turned into a SAS handed out.

mod extract;
mod latest;

pub use extract::{ProvisionerSection, failing_provisioner};
pub use latest::{LOGS_CONTAINER, latest_log_location};

use crate::error::Error;
use crate::model::ImageTemplate;
use arm_core::azure_core::credentials::TokenCredential;
use arm_core::storage::{BlobEndpoint, BlobLocation, StorageClient};
use arm_core::{ArmClient, ResourceId};
use std::sync::Arc;
use url::Url;

const LOG_NAME: &str = "customization.log";
/// The default most bytes kept of a log: the last 64 MiB (the failure is at the end).
pub const DEFAULT_MAX_LOG_BYTES: u64 = 64 * 1024 * 1024;
/// The size of each range read.
const RANGE: u64 = 4 * 1024 * 1024;

/// Where a `customization.log` is.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LogLocation {
    /// A blob URL (`https://<account>.blob.<suffix>/packerlogs/<guid>/customization.log`).
    BlobUrl(Url),
    /// An ARM path: the storage account's id, the container and the blob name.
    ArmPath {
        /// The storage account (`.../providers/Microsoft.Storage/storageAccounts/<account>`).
        account: ResourceId,
        /// The container, `packerlogs`.
        container: String,
        /// The blob, `<guid>/customization.log`.
        blob: String,
    },
}

/// Characters that end a location in a message (`customization.log.` ends a sentence).
fn token_end(text: &str) -> usize {
    text.find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ';' | ')' | ']' | '>'))
        .unwrap_or(text.len())
}

/// The log location named in `message`, in either form; `None` when it names none.
///
/// ```
/// use image_builder::diagnostics::{LogLocation, find_log_location};
///
/// let message = "... Image Build log location: https://abc123.blob.core.windows.net/packerlogs/0f9e/customization.log. OperationId: 1";
/// assert!(matches!(find_log_location(message), Some(LogLocation::BlobUrl(url)) if url.path() == "/packerlogs/0f9e/customization.log"));
/// ```
pub fn find_log_location(message: &str) -> Option<LogLocation> {
    let mut rest = message;
    while let Some(at) = rest.find(LOG_NAME) {
        let head = &rest[..at + LOG_NAME.len()];
        let start = head
            .rfind(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '(' | '[' | '<' | '='))
            .map_or(0, |i| i + 1);
        let candidate = &head[start..];
        let candidate = &candidate[..token_end(candidate).min(candidate.len())];
        if let Some(location) = parse_location(candidate) {
            return Some(location);
        }
        rest = &rest[at + LOG_NAME.len()..];
    }
    None
}

fn parse_location(candidate: &str) -> Option<LogLocation> {
    if candidate.starts_with("https://") {
        let url = Url::parse(candidate).ok()?;
        return url.host_str().is_some().then_some(LogLocation::BlobUrl(url));
    }
    let start = candidate.find("/subscriptions/")?;
    let path = &candidate[start..];
    let marker = "/blobServices/default/containers/";
    let lower = path.to_ascii_lowercase();
    let at = lower.find(&marker.to_ascii_lowercase())?;
    let account = ResourceId::parse(&path[..at]).ok()?;
    if !account.is_type("Microsoft.Storage/storageAccounts") {
        return None;
    }
    let (container, blob) = path[at + marker.len()..].split_once('/')?;
    Some(LogLocation::ArmPath {
        account,
        container: container.to_owned(),
        blob: blob.to_owned(),
    })
}

/// The log location of a template's last run (from `lastRunStatus.message`).
pub fn log_location_of(template: &ImageTemplate) -> Option<LogLocation> {
    let message = template.properties.last_run_status.as_ref()?.message.as_deref()?;
    find_log_location(message)
}

/// Options of [`fetch_log`].
#[derive(Clone, Debug)]
pub struct FetchLogOptions {
    /// The most bytes kept: the end of a longer log (default [`DEFAULT_MAX_LOG_BYTES`]).
    pub max_bytes: u64,
}

impl Default for FetchLogOptions {
    fn default() -> Self {
        Self {
            max_bytes: DEFAULT_MAX_LOG_BYTES,
        }
    }
}

/// The blob of `location`, reached with `credential`; an ARM path is resolved through ARM.
pub async fn log_blob(
    arm: &ArmClient,
    credential: Arc<dyn TokenCredential>,
    location: &LogLocation,
) -> Result<BlobLocation, Error> {
    match location {
        LogLocation::BlobUrl(url) => {
            let mut url = url.clone();
            url.set_query(None);
            Ok(BlobLocation::with_credential(url, credential)?)
        }
        LogLocation::ArmPath {
            account,
            container,
            blob,
        } => {
            let resource_group = account.resource_group().unwrap_or_default();
            let endpoint =
                BlobEndpoint::resolve(arm, account.subscription_id(), resource_group, account.name(), None).await?;
            Ok(endpoint.blob(container, blob, credential)?)
        }
    }
}

/// Reads the log at `location` with the caller's credential, in ranges, keeping its last
/// `max_bytes`. The text is decoded lossily (Packer's output is not always UTF-8).
pub async fn fetch_log(
    arm: &ArmClient,
    storage: &StorageClient,
    credential: Arc<dyn TokenCredential>,
    location: &LogLocation,
    options: Option<FetchLogOptions>,
) -> Result<String, Error> {
    let options = options.unwrap_or_default();
    let blob = log_blob(arm, credential, location).await?;
    let mut kept: Vec<u8> = Vec::new();
    let mut offset = 0u64;
    loop {
        let chunk = match storage.read_range(&blob, offset..offset + RANGE).await {
            Ok(chunk) => chunk,
            // A log whose length is a multiple of the range ends with an empty range.
            Err(error) if offset > 0 && error.status().is_some_and(|s| u16::from(s) == 416) => break,
            Err(error) => return Err(error.into()),
        };
        offset += chunk.len() as u64;
        kept.extend_from_slice(&chunk);
        let max = usize::try_from(options.max_bytes).unwrap_or(usize::MAX);
        if kept.len() > max {
            kept.drain(..kept.len() - max);
        }
        if (chunk.len() as u64) < RANGE {
            break;
        }
    }
    Ok(String::from_utf8_lossy(&kept).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_seen_in_azure_messages_are_found() {
        let url_form = "Deployment failed. Correlation ID: ba81. Failed in building/customizing image: Packer build command has failed: exit status 1. During the image build, a failure has occurred, please review the build log to identify which build/customization step failed. For more troubleshooting steps go to https://aka.ms/azvmimagebuilderts. Image Build log location: https://xkzlyccln2x4qrzk8r60s8oc.blob.core.windows.net/packerlogs/0b2f3c8e-1111-4a5b-9c1d-2e3f4a5b6c7d/customization.log. OperationId: 019d793b. Use this operationId to search packer logs.";
        match find_log_location(url_form) {
            Some(LogLocation::BlobUrl(url)) => {
                assert_eq!(url.host_str(), Some("xkzlyccln2x4qrzk8r60s8oc.blob.core.windows.net"));
                assert_eq!(
                    url.path(),
                    "/packerlogs/0b2f3c8e-1111-4a5b-9c1d-2e3f4a5b6c7d/customization.log"
                );
            }
            other => panic!("{other:?}"),
        }
        let arm_form = "During the image build a failure has occurred. Packer build logs are at location /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/IT_rg_PSEXCEL-2_6589927b-3015-44bf-89dd-92ea3d05e39e/providers/Microsoft.Storage/storageAccounts/abc123def/blobServices/default/containers/packerlogs/ef6ba98d-efd3-42cc-bc37-0123456789ab/customization.log. Please navigate to this location using portal or other tools to download logs for identifying which build/customization step failed. Use this operationId 5e819c65 to search packer logs.";
        match find_log_location(arm_form) {
            Some(LogLocation::ArmPath {
                account,
                container,
                blob,
            }) => {
                assert_eq!(account.name(), "abc123def");
                assert_eq!(
                    account.resource_group(),
                    Some("IT_rg_PSEXCEL-2_6589927b-3015-44bf-89dd-92ea3d05e39e")
                );
                assert_eq!(container, "packerlogs");
                assert_eq!(blob, "ef6ba98d-efd3-42cc-bc37-0123456789ab/customization.log");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn messages_without_a_location_give_none() {
        assert_eq!(
            find_log_location("Failed while waiting for packerizer: Microservice has failed"),
            None
        );
        assert_eq!(find_log_location("see customization.log"), None);
        assert_eq!(
            find_log_location(
                "at /subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/d/customization.log"
            ),
            None
        );
    }
}
