//! What a run flow (build, quick run, task run) reports once its run was scheduled: the run id,
//! how it ended, the images it pushed with their digests, Azure's error message, and the
//! pipeline variables a command prints from them.

use crate::error::Error;
use crate::model::{ImageDescriptor, Run, RunStatus};
use std::fmt;

/// How a scheduled run ended, as far as the flow saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RunEnd {
    /// The run reached this terminal status (`Succeeded`, `Failed`, `Canceled`, `Error`,
    /// `Timeout`).
    Finished(RunStatus),
    /// The caller canceled the flow after the run was scheduled: the run was asked to cancel
    /// (`Runs_Cancel`) and read until it showed a terminal status ([`RunOutcome::run`]: usually
    /// `Canceled`; a run that ended first keeps its own status). [`RunOutcome::error`] holds
    /// the cancel's refusal, or [`Error::Wait`] when the run was still going at the bound.
    Canceled,
    /// The caller canceled the flow before `scheduleRun`: no run exists ([`RunOutcome::run_id`]
    /// is empty).
    NotScheduled,
    /// The flow stopped watching before the run ended (its log or status could not be read, or
    /// the follow's bound passed): [`RunOutcome::error`] says why, and the run may go on.
    Unknown,
}

/// An image a run pushed (`outputImages`): `registry/repository:tag@digest`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputImage {
    /// The registry's login server (`myregistry.azurecr.io`).
    pub registry: String,
    /// The repository.
    pub repository: String,
    /// The tag, if any.
    pub tag: Option<String>,
    /// The manifest digest (`sha256:...`), if any.
    pub digest: Option<String>,
}

impl OutputImage {
    /// The image of an `ImageDescriptor`; `None` without a repository.
    pub fn from_descriptor(descriptor: &ImageDescriptor) -> Option<Self> {
        Some(Self {
            registry: descriptor.registry.clone().unwrap_or_default(),
            repository: descriptor.repository.clone()?,
            tag: descriptor.tag.clone(),
            digest: descriptor.digest.clone(),
        })
    }

    /// The reference by digest (`registry/repository@sha256:...`), the one that cannot move;
    /// `None` without a digest.
    pub fn pinned(&self) -> Option<String> {
        let digest = self.digest.as_ref()?;
        Some(format!("{}@{digest}", self.name()))
    }

    /// `registry/repository` (the repository alone without a registry).
    fn name(&self) -> String {
        if self.registry.is_empty() {
            self.repository.clone()
        } else {
            format!("{}/{}", self.registry, self.repository)
        }
    }
}

impl fmt::Display for OutputImage {
    /// `registry/repository[:tag][@digest]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

/// The names of the pipeline variables of [`RunOutcome::variables`].
pub mod variables {
    /// The run id.
    pub const RUN_ID: &str = "acrRunId";
    /// The run's last status (`Succeeded`, `Failed`, ...; `Canceled` after a cancel).
    pub const RUN_STATUS: &str = "acrRunStatus";
    /// The first output image, `registry/repository:tag@digest`.
    pub const IMAGE: &str = "acrImage";
    /// The first output image's digest.
    pub const IMAGE_DIGEST: &str = "acrImageDigest";
}

/// The result of a run flow once the run was scheduled (a flow refused before scheduling
/// returns its error instead, and left nothing behind).
#[derive(Debug)]
pub struct RunOutcome {
    /// The run id (`ca1`).
    pub run_id: String,
    /// How the run ended.
    pub end: RunEnd,
    /// The run as last read, if it was read after scheduling.
    pub run: Option<Run>,
    /// The images the run pushed, with their digests (`outputImages`).
    pub output_images: Vec<OutputImage>,
    /// Azure's message about the run's failure (`runErrorMessage`), if any.
    pub error_message: Option<String>,
    /// Why the flow could not see the run's end, or why the cancel failed.
    pub error: Option<Error>,
}

impl RunOutcome {
    /// The outcome of run `run_id` as `run` shows it (`end` decided by the caller).
    pub(crate) fn new(run_id: &str, end: RunEnd, run: Option<Run>, error: Option<Error>) -> Self {
        let properties = run.as_ref().and_then(|r| r.properties.as_ref());
        let output_images = properties
            .and_then(|p| p.output_images.as_ref())
            .map(|images| images.iter().filter_map(OutputImage::from_descriptor).collect())
            .unwrap_or_default();
        let error_message = properties.and_then(|p| p.run_error_message.clone());
        Self {
            run_id: run_id.to_owned(),
            end,
            output_images,
            error_message,
            run,
            error,
        }
    }

    /// Whether the run succeeded.
    pub fn succeeded(&self) -> bool {
        self.end == RunEnd::Finished(RunStatus::Succeeded)
    }

    /// The run's status for people and pipelines: the terminal status; after a cancel, the
    /// terminal status the run showed (`Canceled`, or the status it ended with first), else
    /// `Canceled`; otherwise the last status read (`Unknown` when none was).
    pub fn status_text(&self) -> String {
        match &self.end {
            RunEnd::Finished(status) => status.to_string(),
            RunEnd::Canceled => self
                .run
                .as_ref()
                .and_then(Run::status)
                .filter(|status| status.is_terminal())
                .map_or_else(|| "Canceled".to_owned(), ToString::to_string),
            RunEnd::NotScheduled => "Canceled".to_owned(),
            RunEnd::Unknown => self
                .run
                .as_ref()
                .and_then(Run::status)
                .map_or_else(|| "Unknown".to_owned(), ToString::to_string),
        }
    }

    /// The pipeline variables ([`variables`]): the run id and status always, the first output
    /// image and its digest when the run pushed one.
    pub fn variables(&self) -> Vec<(&'static str, String)> {
        let mut list = vec![
            (variables::RUN_ID, self.run_id.clone()),
            (variables::RUN_STATUS, self.status_text()),
        ];
        if let Some(image) = self.output_images.first() {
            list.push((variables::IMAGE, image.to_string()));
            if let Some(digest) = &image.digest {
                list.push((variables::IMAGE_DIGEST, digest.clone()));
            }
        }
        list
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RunProperties;

    fn run(status: RunStatus, images: Vec<ImageDescriptor>) -> Run {
        Run {
            properties: Some(RunProperties {
                run_id: Some("ca1".to_owned()),
                status: Some(status),
                output_images: Some(images),
                run_error_message: Some("step 1 failed".to_owned()),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn descriptor(tag: Option<&str>, digest: Option<&str>) -> ImageDescriptor {
        ImageDescriptor {
            registry: Some("myregistry.azurecr.io".to_owned()),
            repository: Some("team/app".to_owned()),
            tag: tag.map(str::to_owned),
            digest: digest.map(str::to_owned),
        }
    }

    #[test]
    fn output_images_print_as_references() {
        let full = OutputImage::from_descriptor(&descriptor(Some("v1"), Some("sha256:ab"))).unwrap();
        assert_eq!(full.to_string(), "myregistry.azurecr.io/team/app:v1@sha256:ab");
        assert_eq!(
            full.pinned().as_deref(),
            Some("myregistry.azurecr.io/team/app@sha256:ab")
        );
        let bare = OutputImage::from_descriptor(&descriptor(None, None)).unwrap();
        assert_eq!(bare.to_string(), "myregistry.azurecr.io/team/app");
        assert_eq!(bare.pinned(), None);
        let mut nameless = descriptor(None, None);
        nameless.repository = None;
        assert_eq!(OutputImage::from_descriptor(&nameless), None);
    }

    #[test]
    fn the_variables_name_the_run_and_its_first_image() {
        let images = vec![descriptor(Some("v1"), Some("sha256:ab")), descriptor(Some("v2"), None)];
        let outcome = RunOutcome::new(
            "ca1",
            RunEnd::Finished(RunStatus::Succeeded),
            Some(run(RunStatus::Succeeded, images)),
            None,
        );
        assert!(outcome.succeeded());
        assert_eq!(outcome.output_images.len(), 2);
        assert_eq!(outcome.error_message.as_deref(), Some("step 1 failed"));
        assert_eq!(
            outcome.variables(),
            [
                ("acrRunId", "ca1".to_owned()),
                ("acrRunStatus", "Succeeded".to_owned()),
                ("acrImage", "myregistry.azurecr.io/team/app:v1@sha256:ab".to_owned()),
                ("acrImageDigest", "sha256:ab".to_owned()),
            ]
        );
    }

    #[test]
    fn a_canceled_or_unseen_run_says_so() {
        let canceled = RunOutcome::new("ca2", RunEnd::Canceled, Some(run(RunStatus::Running, vec![])), None);
        assert!(!canceled.succeeded());
        assert_eq!(canceled.status_text(), "Canceled");
        let raced = RunOutcome::new("ca2", RunEnd::Canceled, Some(run(RunStatus::Succeeded, vec![])), None);
        assert!(!raced.succeeded());
        assert_eq!(raced.status_text(), "Succeeded");
        let unseen = RunOutcome::new("ca3", RunEnd::Unknown, Some(run(RunStatus::Running, vec![])), None);
        assert_eq!(unseen.status_text(), "Running");
        assert_eq!(
            RunOutcome::new("ca4", RunEnd::Unknown, None, None).status_text(),
            "Unknown"
        );
        assert_eq!(unseen.variables().len(), 2);
    }
}
