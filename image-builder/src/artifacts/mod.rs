//! Build artifacts: a folder packed as a stream (`tar.gz` for Linux, `zip` for Windows), its
//! SHA-256 computed on the way, uploaded to a block blob with bounded memory, and the template
//! steps that bring it onto the build VM: a File customizer (`sourceUri`, `destination`,
//! `sha256Checksum`) and the Shell or PowerShell step that unpacks it where the Image Builder
//! DevOps task puts artifacts (learn.microsoft.com "Azure VM Image Builder service DevOps
//! task", Build path: `/tmp/<folder>` on Linux, `C:\buildArtifacts\<folder>` on Windows).
//!
//! Access to the blob, by choice ([`ArtifactAccess`]): a user-delegation SAS (read-only,
//! https-only, that blob only, expiring when the build can no longer need it) or none, the
//! template's identity reading the blob through RBAC (Storage Blob Data Reader). Never an
//! account key.
//!
//! Every build of a storage account shares one container ([`ARTIFACT_CONTAINER`]), created on
//! the Blob data plane when missing; each build writes one blob under its template's name
//! (`<template>/<folder>.<tar.gz|zip>`), and cleanup deletes that blob only
//! ([`delete_artifact`]). A data role on the account (Storage Blob Data Contributor) is all the
//! caller needs there: no ARM write right on the account (see [`ArtifactTarget`]).

mod container;
mod pack;
mod zip;

pub(crate) use container::folder_name;
pub use container::{ARTIFACT_CONTAINER, ArtifactTarget};
pub use pack::ArchiveFormat;

use crate::error::Error;
use crate::model::{FileDownload, ImageTemplate, ImageTemplateCustomizer, PowerShellScript, ShellScript};
use arm_core::azure_core::credentials::Secret;
use arm_core::azure_core::credentials::TokenCredential;
use arm_core::storage::{BlobLocation, SasUrl, StorageClient, UploadOptions};
use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// How the build VM reads the artifact blob.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ArtifactAccess {
    /// A user-delegation SAS appended to `sourceUri`: read-only (`sp=r`), https-only, that blob
    /// only (`sr=b`), signed with a key Entra ID gives the caller, expiring after `expires_in`
    /// (the build timeout plus a margin; at most 7 days). The caller needs
    /// `generateUserDelegationKey` (Storage Blob Delegator or any Storage Blob Data role).
    UserDelegationSas {
        /// How long the SAS is valid from now.
        expires_in: Duration,
    },
    /// No SAS: the template's identity reads the blob through RBAC (it needs Storage Blob
    /// Data Reader on the account or the container).
    TemplateIdentity,
}

/// The deflate level of both archive formats: 1, not zlib's default 6. Packing is what bounds a
/// pipelined pack-and-upload (the upload runs while the folder is packed); on a mixed 500 MB
/// folder (text and incompressible files) level 1 packs in about 40% of the time of level 6
/// for an archive about 16% larger (level 3: about half the time, 3% larger), measured with
/// the crate's tar and zlib-rs writers. Artifacts go to a storage account in the build's
/// region, where a few more bytes cost less than a slower pack.
pub const COMPRESSION_LEVEL: u32 = 1;

/// Options of [`upload_artifact`].
#[derive(Clone, Debug)]
pub struct ArtifactOptions {
    /// The archive format (default: `tar.gz`).
    pub format: ArchiveFormat,
    /// How the build VM reads the blob.
    pub access: ArtifactAccess,
    /// Block size, blocks in flight and progress of the upload (content type set here).
    pub upload: UploadOptions,
}

impl Default for ArtifactOptions {
    fn default() -> Self {
        Self {
            format: ArchiveFormat::TarGz,
            access: ArtifactAccess::TemplateIdentity,
            upload: UploadOptions::default(),
        }
    }
}

/// An uploaded artifact and what a template needs to use it.
///
/// Its `Debug` never shows the SAS; [`UploadedArtifact::customizers`] puts it in the template,
/// which is then a secret too (print it with [`masked_template`]).
#[derive(Clone)]
pub struct UploadedArtifact {
    blob: BlobLocation,
    sas: Option<SasUrl>,
    sha256: String,
    bytes: u64,
    format: ArchiveFormat,
    folder_name: String,
}

impl fmt::Debug for UploadedArtifact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadedArtifact")
            .field("blob", &self.blob.url().as_str())
            .field("sas", &self.sas)
            .field("sha256", &self.sha256)
            .field("bytes", &self.bytes)
            .field("format", &self.format)
            .finish()
    }
}

impl UploadedArtifact {
    /// The blob (URL without query).
    pub fn blob(&self) -> &BlobLocation {
        &self.blob
    }

    /// The SHA-256 of the archive, lowercase hex (the File customizer's `sha256Checksum`).
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// The size of the archive in bytes.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The SAS, if the access is [`ArtifactAccess::UserDelegationSas`].
    pub fn sas(&self) -> Option<&SasUrl> {
        self.sas.as_ref()
    }

    /// The `sourceUri` of the File customizer: the SAS URL, or the blob URL.
    pub fn source_uri(&self) -> Secret {
        match &self.sas {
            Some(sas) => sas.secret().clone(),
            None => Secret::new(self.blob.url().to_string()),
        }
    }

    /// Where the File customizer puts the archive on the VM.
    pub fn destination(&self) -> String {
        destination(self.format, &self.folder_name)
    }

    /// The two steps to put first in a template: the File customizer that downloads the
    /// archive (checked against its SHA-256 by Image Builder), and the step that unpacks it to
    /// `/tmp/<folder>` (Shell) or `C:\buildArtifacts\<folder>` (PowerShell) and removes the
    /// archive.
    pub fn customizers(&self) -> [ImageTemplateCustomizer; 2] {
        artifact_steps(self.source_uri().secret(), &self.sha256, self.format, &self.folder_name)
    }
}

/// The placeholder of `sha256Checksum` in [`planned_customizers`].
pub const PLANNED_CHECKSUM: &str = "<computed at upload>";

/// The steps [`UploadedArtifact::customizers`] will put first in a template, before anything
/// is packed or uploaded (what `--check` shows): `sourceUri` is the blob URL of `folder` in
/// `target`, followed by `?<redacted>` when the blob will be read with a SAS, and
/// `sha256Checksum` is [`PLANNED_CHECKSUM`]. Refuses what [`ArtifactTarget::blob`] refuses.
pub fn planned_customizers(
    target: &ArtifactTarget,
    folder: &Path,
    format: ArchiveFormat,
    sas: bool,
) -> Result<[ImageTemplateCustomizer; 2], Error> {
    let mut source = target.blob_url(folder, format)?.to_string();
    if sas {
        source.push_str("?<redacted>");
    }
    let folder_name = container::folder_name(folder)?;
    Ok(artifact_steps(&source, PLANNED_CHECKSUM, format, &folder_name))
}

/// Where the File customizer puts the archive of `folder_name` on the VM.
fn destination(format: ArchiveFormat, folder_name: &str) -> String {
    match format {
        ArchiveFormat::Zip => format!("C:\\Windows\\Temp\\{folder_name}.zip"),
        _ => format!("/tmp/{folder_name}.tar.gz"),
    }
}

/// The File customizer of the archive at `source_uri` with its `sha256`, and the step that
/// unpacks it (see [`UploadedArtifact::customizers`]).
fn artifact_steps(
    source_uri: &str,
    sha256: &str,
    format: ArchiveFormat,
    folder_name: &str,
) -> [ImageTemplateCustomizer; 2] {
    let archive = destination(format, folder_name);
    let mut file = FileDownload::new("artifacts", source_uri, archive.clone());
    file.sha256_checksum = Some(sha256.to_owned());
    let unpack: ImageTemplateCustomizer = match format {
        ArchiveFormat::Zip => {
            let target = powershell_quote(&format!("C:\\buildArtifacts\\{folder_name}"));
            let archive = powershell_quote(&archive);
            PowerShellScript::inline(
                "unpack artifacts",
                [
                    "New-Item -ItemType Directory -Force -Path 'C:\\buildArtifacts' | Out-Null".to_owned(),
                    format!("Expand-Archive -LiteralPath {archive} -DestinationPath {target} -Force"),
                    format!("Remove-Item -LiteralPath {archive} -Force"),
                ],
            )
            .into()
        }
        _ => {
            let target = shell_quote(&format!("/tmp/{folder_name}"));
            let archive = shell_quote(&archive);
            ShellScript::inline(
                "unpack artifacts",
                [
                    format!("mkdir -p {target}"),
                    format!("tar -xzf {archive} -C {target}"),
                    format!("rm -f {archive}"),
                ],
            )
            .into()
        }
    };
    [file.into(), unpack]
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

fn powershell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Packs `folder` and uploads it as blob `<prefix>/<folder name>.<tar.gz|zip>` of `target`
/// ([`ArtifactTarget::blob`]), reached with the caller's credential, after creating the
/// container if it is missing; computes its SHA-256 on the way and, for
/// [`ArtifactAccess::UserDelegationSas`], signs a read-only SAS for it.
///
/// Packing runs on a blocking thread that feeds the upload through a bounded pipe (about 2 MiB)
/// while the upload holds `block_size * (blocks_in_flight + 1)`: no temporary file, memory
/// bounded whatever the folder's size. A file that cannot be read, or changes size while it is
/// packed, fails the upload before anything is committed.
pub async fn upload_artifact(
    storage: &StorageClient,
    credential: Arc<dyn TokenCredential>,
    target: &ArtifactTarget,
    folder: &Path,
    options: Option<ArtifactOptions>,
) -> Result<UploadedArtifact, Error> {
    let options = options.unwrap_or_default();
    let folder_name = container::folder_name(folder)?;
    let blob = target.blob(folder, options.format, credential)?;
    if storage.create_container_if_missing(&blob).await? {
        tracing::info!(
            account = blob.account(),
            container = blob.container(),
            "artifact container created"
        );
    }
    let mut upload = options.upload;
    upload.content_type = Some(options.format.content_type().to_owned());
    let (reader, packer) = pack::start(folder.to_owned(), options.format);
    let uploaded = storage.upload_stream(&blob, reader, Some(upload)).await;
    let packed = packer
        .await
        .map_err(|e| Error::Pack {
            input: folder.display().to_string(),
            source: std::io::Error::other(e.to_string()),
        })
        .and_then(|result| result);
    // The packer's error explains a failed upload better than the pipe's.
    let written = match (packed, uploaded) {
        (Err(error), _) => return Err(error),
        (Ok(_), Err(error)) => return Err(error.into()),
        (Ok(written), Ok(_)) => written,
    };
    let sas = match options.access {
        ArtifactAccess::UserDelegationSas { expires_in } => Some(storage.user_delegation_sas(&blob, expires_in).await?),
        ArtifactAccess::TemplateIdentity => None,
    };
    tracing::info!(blob = %blob, bytes = written.bytes, sha256 = %written.sha256, "artifact uploaded");
    Ok(UploadedArtifact {
        blob,
        sas,
        sha256: written.sha256,
        bytes: written.bytes,
        format: options.format,
        folder_name,
    })
}

/// Deletes the artifact blob `blob` (and nothing else: the container stays for the next
/// builds); one already gone counts as deleted. A SAS signed for it stops working with it.
pub async fn delete_artifact(storage: &StorageClient, blob: &BlobLocation) -> Result<(), Error> {
    storage.delete_blob(blob).await?;
    Ok(())
}

/// `template` as JSON with the query of every `sourceUri` and `scriptUri` that carries a
/// signature (`sig=`) replaced by `<redacted>`: what `--check` prints and logs may show.
pub fn masked_template(template: &ImageTemplate) -> serde_json::Value {
    let mut value = serde_json::to_value(template).unwrap_or_default();
    mask(&mut value);
    value
}

fn mask(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(object) => {
            for (key, item) in object.iter_mut() {
                match item {
                    serde_json::Value::String(text)
                        if matches!(key.as_str(), "sourceUri" | "scriptUri") && text.contains("sig=") =>
                    {
                        if let Some((base, _)) = text.split_once('?') {
                            *text = format!("{base}?<redacted>");
                        }
                    }
                    other => mask(other),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(mask),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ImageTemplateProperties;

    #[test]
    fn masked_templates_show_no_signature() {
        let mut template = ImageTemplate {
            id: None,
            name: None,
            resource_type: None,
            system_data: None,
            location: "westeurope".into(),
            tags: None,
            identity: None,
            properties: ImageTemplateProperties::new(
                crate::SourceImage::parse("a:b:c").unwrap().into_source(),
                Vec::new(),
            ),
        };
        template.properties.customize = Some(vec![
            FileDownload::new(
                "artifacts",
                "https://acct.blob.core.windows.net/c/app.tar.gz?sv=2026-04-06&sr=b&sp=r&sig=SECRET%3D",
                "/tmp/app.tar.gz",
            )
            .into(),
            FileDownload::new("public", "https://example.com/a.sh?version=2", "/tmp/a.sh").into(),
        ]);
        let text = masked_template(&template).to_string();
        assert!(!text.contains("SECRET"), "{text}");
        assert!(text.contains("https://acct.blob.core.windows.net/c/app.tar.gz?<redacted>"));
        assert!(text.contains("https://example.com/a.sh?version=2"));
    }

    #[test]
    fn planned_steps_are_the_uploaded_ones_with_placeholders() {
        let folder = std::env::temp_dir()
            .join(format!("ib-planned-{}", std::process::id()))
            .join("app");
        std::fs::create_dir_all(&folder).unwrap();
        let endpoint =
            arm_core::storage::BlobEndpoint::from_url("acct", "https://acct.blob.core.windows.net/".parse().unwrap());
        let target = ArtifactTarget::for_template(endpoint, "t_1");
        for (format, sas) in [(ArchiveFormat::TarGz, true), (ArchiveFormat::Zip, false)] {
            let planned = planned_customizers(&target, &folder, format, sas).unwrap();
            let credential = arm_core::test_support::StaticTokenCredential::new("t");
            let uploaded = UploadedArtifact {
                blob: target.blob(&folder, format, credential).unwrap(),
                sas: None,
                sha256: PLANNED_CHECKSUM.to_owned(),
                bytes: 1,
                format,
                folder_name: "app".to_owned(),
            };
            let mut expected = uploaded.customizers();
            let url = format!(
                "https://acct.blob.core.windows.net/imagebuilder/t_1/app.{}",
                format.extension()
            );
            let planned_json = serde_json::to_value(&planned[0]).unwrap();
            let shown = if sas { format!("{url}?<redacted>") } else { url };
            assert_eq!(planned_json["sourceUri"], shown.as_str());
            assert_eq!(planned_json["sha256Checksum"], PLANNED_CHECKSUM);
            if let ImageTemplateCustomizer::File(file) = &mut expected[0] {
                file.source_uri = Some(shown);
            }
            assert_eq!(planned, expected);
        }
        std::fs::remove_dir_all(folder.parent().unwrap()).unwrap();
    }

    #[test]
    fn quoting_survives_quotes() {
        assert_eq!(shell_quote("_it's"), r"'_it'\''s'");
        assert_eq!(powershell_quote("C:\\it's"), "'C:\\it''s'");
    }
}
