//! Where artifacts go in a storage account: one container per account, made on demand on the
//! Blob data plane, and one blob per build under the template's name.
//!
//! Least privilege: everything here is a Blob data plane request with the caller's Entra
//! credential, which Storage Blob Data Contributor on the account (or on the container) allows
//! (learn.microsoft.com "Permissions for Blob service operations": Get Container Properties and
//! Create Container need `.../blobServices/containers/read` and `/write`, in that role's
//! actions; Put Block, Put Block List and Delete Blob its data actions; Get User Delegation Key
//! `.../generateUserDelegationKey/action`). No ARM write right on the account is needed, and no
//! account key.

use super::ArchiveFormat;
use crate::error::Error;
use arm_core::azure_core::credentials::TokenCredential;
use arm_core::storage::{BlobEndpoint, BlobLocation};
use std::path::Path;
use std::sync::Arc;
use url::Url;

/// The container of every build's artifacts in a storage account: `imagebuilder`.
pub const ARTIFACT_CONTAINER: &str = "imagebuilder";

/// Where an artifact goes: a storage account, its container, and the build's virtual folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArtifactTarget {
    /// The storage account's Blob endpoint (from ARM: [`BlobEndpoint::resolve`]).
    pub endpoint: BlobEndpoint,
    /// The container (3-63 lowercase letters, digits and single dashes); created when missing,
    /// never deleted.
    pub container: String,
    /// The build's virtual folder: the blob is `<prefix>/<folder name>.<tar.gz|zip>`, deleted
    /// alone at cleanup.
    pub prefix: String,
}

impl ArtifactTarget {
    /// The target of template `template`'s artifacts: container [`ARTIFACT_CONTAINER`] of the
    /// account at `endpoint`, prefix the template name.
    pub fn for_template(endpoint: BlobEndpoint, template: &str) -> Self {
        Self {
            endpoint,
            container: ARTIFACT_CONTAINER.to_owned(),
            prefix: template.to_owned(),
        }
    }

    /// The blob of `folder` packed as `format`, reached with `credential`: the one
    /// [`upload_artifact`](super::upload_artifact) writes and cleanup deletes. Refuses a prefix
    /// with an empty, `.` or `..` segment (a URL would resolve it elsewhere) and a folder
    /// without a UTF-8 name.
    pub fn blob(
        &self,
        folder: &Path,
        format: ArchiveFormat,
        credential: Arc<dyn TokenCredential>,
    ) -> Result<BlobLocation, Error> {
        Ok(BlobLocation::with_credential(
            self.blob_url(folder, format)?,
            credential,
        )?)
    }

    /// The URL (without query) of the blob of `folder` packed as `format`: see
    /// [`ArtifactTarget::blob`].
    pub fn blob_url(&self, folder: &Path, format: ArchiveFormat) -> Result<Url, Error> {
        if self.prefix.split('/').any(|s| matches!(s, "" | "." | "..")) {
            return Err(Error::invalid(
                "artifact prefix",
                format!("'{}' has an empty, '.' or '..' segment", self.prefix),
            ));
        }
        let name = format!("{}/{}.{}", self.prefix, folder_name(folder)?, format.extension());
        Ok(self.endpoint.blob_url(&self.container, &name)?)
    }
}

/// The last component of `folder` (after resolving `.` and links): `/tmp/<name>` or
/// `C:\buildArtifacts\<name>` on the build VM.
pub(crate) fn folder_name(folder: &Path) -> Result<String, Error> {
    folder
        .canonicalize()
        .ok()
        .filter(|p| p.is_dir())
        .and_then(|p| p.file_name().and_then(|n| n.to_str()).map(str::to_owned))
        .filter(|n| !n.is_empty())
        .ok_or_else(|| {
            Error::invalid(
                "package_path",
                format!("'{}' is not a folder with a UTF-8 name", folder.display()),
            )
        })
}
