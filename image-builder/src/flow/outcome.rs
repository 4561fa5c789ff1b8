//! What a build flow reports: its status, the pipeline variables, and what cleanup did.

use crate::diagnostics::LogLocation;
use crate::error::Error;
use crate::model::RunOutput;
use crate::source_image::task_variables;

/// How a build ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildStatus {
    /// Every distribution target was written.
    Succeeded,
    /// Some distribution targets failed; [`BuildOutcome::outputs`] holds those that succeeded.
    PartiallySucceeded,
    /// The build (or a step before it) failed; [`BuildOutcome::error`] says why.
    Failed,
    /// The caller canceled; the run, if any, was canceled.
    Canceled,
    /// The run went on past the build timeout plus the margin; it was canceled.
    TimedOut,
}

/// What cleanup did, per resource (named by resource id or blob URL).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CleanupReport {
    /// Deleted.
    pub removed: Vec<String>,
    /// Kept because the cleanup policy said so.
    pub kept: Vec<String>,
    /// Not deleted although the policy asked: the resource and why, on one line.
    pub failed: Vec<(String, String)>,
}

impl CleanupReport {
    /// Whether everything the policy asked to delete was deleted.
    pub fn is_complete(&self) -> bool {
        self.failed.is_empty()
    }
}

/// The result of [`BuildFlow::run`](super::BuildFlow::run).
#[derive(Debug)]
pub struct BuildOutcome {
    /// How the build ended.
    pub status: BuildStatus,
    /// The template name (`t_<13 digits>` unless given).
    pub template_name: String,
    /// The template's resource id.
    pub template_id: String,
    /// The run outputs (one per distribution target written).
    pub outputs: Vec<RunOutput>,
    /// The first output's `artifactId` (a managed image or gallery image version id) or
    /// `artifactUri` (a VHD): the task's `imageUri`.
    pub image_uri: Option<String>,
    /// The task's `pirPublisher`, `pirOffer`, `pirSku`, `pirVersion` (the exact version) for a
    /// marketplace source; empty otherwise.
    pub source_variables: Vec<(&'static str, String)>,
    /// `lastRunStatus.message` of the run, if any.
    pub message: Option<String>,
    /// Where the `customization.log` of a failed run is.
    pub log_location: Option<LogLocation>,
    /// The `customization.log` of a failed run (its end, bounded by the flow's
    /// [`FetchLogOptions`](crate::diagnostics::FetchLogOptions)), read before cleanup could
    /// delete it with the staging resource group.
    pub log: Option<String>,
    /// Why [`BuildOutcome::log`] could not be read, on one line (the outcome stands).
    pub log_warning: Option<String>,
    /// Why the build did not succeed.
    pub error: Option<Error>,
    /// What cleanup did.
    pub cleanup: CleanupReport,
}

impl BuildOutcome {
    /// The pipeline variables of the Image Builder DevOps task: `imageUri` (when there is an
    /// image), `templateName`, `templateId`, and the `pir*` variables of a marketplace source.
    pub fn variables(&self) -> Vec<(&'static str, String)> {
        let mut variables = Vec::new();
        if let Some(uri) = &self.image_uri {
            variables.push((task_variables::IMAGE_URI, uri.clone()));
        }
        variables.push((task_variables::TEMPLATE_NAME, self.template_name.clone()));
        variables.push((task_variables::TEMPLATE_ID, self.template_id.clone()));
        variables.extend(self.source_variables.iter().cloned());
        variables
    }
}
