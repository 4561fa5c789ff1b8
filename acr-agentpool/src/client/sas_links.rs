//! The SAS URLs that `listBuildSourceUploadUrl` and `listLogSasUrl` answer with, parsed into
//! [`SasUrl`]s (https only, a signature, an expiry not past, a resource), so that they reach
//! the Blob module checked and stay redacted in every `Debug`, `Display` and error.

use crate::error::Error;
use crate::model::{RunGetLogResult, SourceUploadDefinition};
use arm_core::azure_core::credentials::Secret;
use arm_core::storage::SasUrl;

/// Where to upload a build context: the blob URL with a write SAS, and the path to give the run
/// as its `sourceLocation` (from `listBuildSourceUploadUrl`).
#[derive(Clone, Debug)]
pub struct BuildSourceUpload {
    /// The blob to upload the `tar.gz` to, with its SAS (redacted in `Debug`).
    pub upload_url: SasUrl,
    /// The path to give [`crate::model::DockerBuildRequest`]'s `sourceLocation`.
    pub relative_path: String,
}

impl BuildSourceUpload {
    /// The parsed form of `answer`; `registry` names the registry in the error when a field is
    /// missing.
    pub(crate) fn from_answer(answer: SourceUploadDefinition, registry: &str) -> Result<Self, Error> {
        let missing = |field: &str| {
            Error::invalid(
                field,
                format!("listBuildSourceUploadUrl of registry '{registry}' answered without {field}"),
            )
        };
        let upload_url = answer.upload_url.ok_or_else(|| missing("uploadUrl"))?;
        let relative_path = answer.relative_path.ok_or_else(|| missing("relativePath"))?;
        Ok(Self {
            upload_url: parse(&upload_url)?,
            relative_path,
        })
    }
}

/// A run's log links (from `listLogSasUrl`): the log blob with a read SAS, and the archived log
/// artifact when there is one.
#[derive(Clone, Debug)]
pub struct RunLogLinks {
    /// The run's log, an append blob written as the run goes (redacted in `Debug`).
    pub log_link: SasUrl,
    /// The archived log artifact (runs with `isArchiveEnabled`), once there is one.
    pub log_artifact_link: Option<SasUrl>,
}

impl RunLogLinks {
    /// The parsed form of `answer`; `run_id` names the run in the error when the log link is
    /// missing.
    pub(crate) fn from_answer(answer: RunGetLogResult, run_id: &str) -> Result<Self, Error> {
        let log_link = answer.log_link.ok_or_else(|| {
            Error::invalid(
                "logLink",
                format!("listLogSasUrl of run '{run_id}' answered without logLink"),
            )
        })?;
        Ok(Self {
            log_link: parse(&log_link)?,
            log_artifact_link: answer.log_artifact_link.as_ref().map(parse).transpose()?,
        })
    }
}

fn parse(url: &Secret) -> Result<SasUrl, Error> {
    Ok(SasUrl::parse(url.secret())?)
}
