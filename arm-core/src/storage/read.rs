//! Range reads (learn.microsoft.com "Get Blob", "Specify the range header for Blob service
//! operations").

use crate::storage::client::StorageClient;
use crate::storage::error::Error;
use crate::storage::location::BlobLocation;
use azure_core::Bytes;
use azure_storage_blob::BlobClient;
use azure_storage_blob::models::BlobClientDownloadOptions;
use std::num::NonZeroUsize;
use std::ops::Range;

/// The most bytes one request of a range read asks for (the rest comes in further requests).
const PART: usize = 8 * 1024 * 1024;

impl StorageClient {
    /// Reads the bytes `range` of `blob` (fewer when the blob ends before `range.end`). The
    /// caller bounds the memory by the range it asks for; a range starting at or after the end
    /// of the blob is the service's `416 InvalidRange` error.
    pub async fn read_range(&self, blob: &BlobLocation, range: Range<u64>) -> Result<Bytes, Error> {
        if range.is_empty() {
            return Err(Error::invalid_input(
                "range",
                format!("{}..{} is empty", range.start, range.end),
            ));
        }
        get_range(&self.blob_client(blob)?, blob, range).await
    }
}

/// Get Blob of `range` (one request per [`PART`], the later ones pinned to the first one's
/// ETag by the official client).
pub(crate) async fn get_range(client: &BlobClient, blob: &BlobLocation, range: Range<u64>) -> Result<Bytes, Error> {
    let length = usize::try_from(range.end - range.start).unwrap_or(usize::MAX);
    let options = BlobClientDownloadOptions {
        range: Some(range.into()),
        parallel: Some(NonZeroUsize::MIN),
        partition_size: NonZeroUsize::new(length.min(PART)),
        ..Default::default()
    };
    let failed = |e| Error::from_azure("Get Blob", blob.url(), e);
    let download = client.download(Some(options)).await.map_err(failed)?;
    download.body.collect().await.map_err(failed)
}
