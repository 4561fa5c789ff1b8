//! Containers made on demand and blobs deleted, on the Blob data plane with the caller's Entra
//! credential (or a SAS), so that a principal holding only a data role (Storage Blob Data
//! Contributor) on the account needs no ARM write permission on it.
//!
//! Follows learn.microsoft.com "Get Container Properties", "Create Container", "Delete Blob" and
//! "Permissions for Blob service operations": Create Container needs
//! `Microsoft.Storage/storageAccounts/blobServices/containers/write` and Get Container Properties
//! `.../containers/read` (both in the actions of Storage Blob Data Contributor), Delete Blob the
//! data action `.../containers/blobs/delete`.

use crate::storage::client::StorageClient;
use crate::storage::error::Error;
use crate::storage::location::BlobLocation;

/// The Storage error codes that mean a blob is not there (learn.microsoft.com "Blob Storage
/// error codes"): the blob, or its whole container.
const GONE: [&str; 2] = ["BlobNotFound", "ContainerNotFound"];

impl StorageClient {
    /// Creates the container of `blob` (private: no public access) unless it exists; returns
    /// whether this call created it.
    ///
    /// The container is read first (Get Container Properties), so that a principal whose role
    /// is scoped to that one container, which may read it but not create containers, passes when
    /// it exists; a `409 ContainerAlreadyExists` from a creation that lost a race counts as
    /// existing.
    pub async fn create_container_if_missing(&self, blob: &BlobLocation) -> Result<bool, Error> {
        let container = self.container_client(blob)?;
        let url = container.url().clone();
        let exists = container
            .exists()
            .await
            .map_err(|e| Error::from_azure("Get Container Properties", &url, e))?;
        if exists {
            return Ok(false);
        }
        match container.create(None).await {
            Ok(_) => Ok(true),
            Err(e) => match Error::from_azure("Create Container", &url, e) {
                error if error.code() == Some("ContainerAlreadyExists") => Ok(false),
                error => Err(error),
            },
        }
    }

    /// Deletes `blob` (Delete Blob, with the official `BlobClient::delete`); returns whether
    /// this call deleted it. A blob already gone (`404 BlobNotFound`, or `ContainerNotFound`)
    /// counts as deleted and returns `false`, so a retried or repeated cleanup succeeds.
    ///
    /// A blob that has only uncommitted blocks (an upload stopped before its Put Block List) does
    /// not exist for the service: its blocks are garbage-collected after a week
    /// (learn.microsoft.com "Put Block", Remarks).
    pub async fn delete_blob(&self, blob: &BlobLocation) -> Result<bool, Error> {
        match self.blob_client(blob)?.delete(None).await {
            Ok(_) => Ok(true),
            Err(e) => match Error::from_azure("Delete Blob", blob.url(), e) {
                error if error.code().is_some_and(|code| GONE.contains(&code)) => Ok(false),
                error => Err(error),
            },
        }
    }
}
