//! The blobs of a container, listed with the official `BlobContainerClient::list_blobs`
//! (learn.microsoft.com "List Blobs": `GET ...?restype=container&comp=list&prefix=...`, pages
//! followed through `NextMarker`). Needs the data action `.../containers/blobs/read` (Storage
//! Blob Data Reader) with a bearer token.

use crate::storage::client::StorageClient;
use crate::storage::endpoint::BlobEndpoint;
use crate::storage::error::Error;
use azure_core::credentials::TokenCredential;
use azure_core::time::OffsetDateTime;
use azure_storage_blob::models::BlobContainerClientListBlobsOptions;
use futures::TryStreamExt;
use std::sync::Arc;

/// A blob as List Blobs names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedBlob {
    /// Its name (decoded; `/` separates virtual directories).
    pub name: String,
    /// Its `Last-Modified` time.
    pub last_modified: Option<OffsetDateTime>,
    /// Its size in bytes (`Content-Length`).
    pub size: Option<u64>,
}

impl StorageClient {
    /// The blobs of `container` at `endpoint` whose names start with `prefix` (all of them for
    /// an empty prefix), every page read, reached with `credential`. A container that does not
    /// exist is the service's `404 ContainerNotFound` error.
    pub async fn list_blobs(
        &self,
        endpoint: &BlobEndpoint,
        container: &str,
        prefix: &str,
        credential: Arc<dyn TokenCredential>,
    ) -> Result<Vec<ListedBlob>, Error> {
        if container.is_empty() {
            return Err(Error::invalid_input(
                "container",
                "the container name must not be empty",
            ));
        }
        let mut service = endpoint.url().clone();
        service.set_query(None);
        let client = self.container_client_at(service, container, Some(credential))?;
        let url = client.url().clone();
        let options = BlobContainerClientListBlobsOptions {
            prefix: (!prefix.is_empty()).then(|| prefix.to_owned()),
            ..Default::default()
        };
        let failed = |e| Error::from_azure("List Blobs", &url, e);
        let items: Vec<_> = client
            .list_blobs(Some(options))
            .map_err(failed)?
            .try_collect()
            .await
            .map_err(failed)?;
        Ok(items
            .into_iter()
            .filter_map(|item| {
                let properties = item.properties.unwrap_or_default();
                Some(ListedBlob {
                    name: item.name?,
                    last_modified: properties.last_modified,
                    size: properties.content_length,
                })
            })
            .collect())
    }
}
