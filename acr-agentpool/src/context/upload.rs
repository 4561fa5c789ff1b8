//! Packing and uploading a build context in one pipelined pass, to the SAS URL of
//! `listBuildSourceUploadUrl` (the CLI's `upload_source_code`, which packs to a temporary file
//! first and then uploads it; here nothing touches the disk).

use super::build_context::BuildContext;
use crate::error::Error;
use arm_core::storage::{BlobLocation, SasUrl, StorageClient, UploadOptions};

/// An uploaded build context.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct UploadedContext {
    /// The size of the archive in bytes.
    pub bytes: u64,
    /// Regular files in the archive, the Dockerfile copy included.
    pub files: u64,
    /// The SHA-256 of the archive, lowercase hex.
    pub sha256: String,
    /// The Dockerfile's name in the archive (the run request's `dockerFilePath`), for a build.
    pub dockerfile_path: Option<String>,
}

/// Packs `context` ([`BuildContext::pack`]) and uploads the archive to the block blob of
/// `upload_url` (the `uploadUrl` of `listBuildSourceUploadUrl`; the run request then names the
/// `relativePath` that came with it) through [`StorageClient::upload_stream`], while it is
/// packed: memory stays bounded (the pipe's 2 MiB plus the upload's blocks in flight) and no
/// temporary file is written.
///
/// A pack that fails (a file unreadable, gone or shrinking while packed) fails the upload
/// before anything is committed, and the error names the file ([`Error::Pack`]). Dropping the
/// returned future stops both the upload (nothing committed) and the packer.
pub async fn upload_context(
    storage: &StorageClient,
    upload_url: &SasUrl,
    context: BuildContext,
    options: Option<UploadOptions>,
) -> Result<UploadedContext, Error> {
    let blob = BlobLocation::from_sas(upload_url.clone())?;
    let dockerfile_path = context.dockerfile_in_archive().map(str::to_owned);
    let mut packed = context.pack();
    let uploaded = storage.upload_stream(&blob, &mut packed, options).await;
    let summary = packed.finish().await;
    // The packer's error explains a failed upload better than the pipe's.
    let summary = match (summary, uploaded) {
        (Err(error), _) => return Err(error),
        (Ok(_), Err(error)) => return Err(error.into()),
        (Ok(summary), Ok(_)) => summary,
    };
    tracing::info!(blob = %blob, bytes = summary.bytes, files = summary.files, sha256 = %summary.sha256, "build context uploaded");
    Ok(UploadedContext {
        bytes: summary.bytes,
        files: summary.files,
        sha256: summary.sha256,
        dockerfile_path,
    })
}
