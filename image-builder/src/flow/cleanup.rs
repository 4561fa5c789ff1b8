//! The cleanup guard of a build: what the flow created, deleted per the policy at the end.

use super::outcome::CleanupReport;
use crate::artifacts::delete_artifact;
use crate::client::ImageTemplatesClient;
use crate::runs::{self, RunWaitOptions};
use arm_core::storage::{BlobLocation, StorageClient};

/// When the flow deletes what it created.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum CleanupPolicy {
    /// Only after a successful build (the task's behaviour): a failed template keeps its
    /// staging resource group, with the `customization.log`, for inspection.
    #[default]
    OnSuccess,
    /// Always, whatever the outcome (a running build is canceled first).
    Always,
    /// Never: the template and the artifact blob stay.
    Never,
}

/// What the flow created so far.
#[derive(Debug, Default)]
pub(crate) struct Created {
    pub(crate) artifact: Option<BlobLocation>,
    pub(crate) template: Option<(String, String)>,
}

impl Created {
    /// Deletes what was created, as `policy` says for a build that `succeeded` or not: the
    /// template first (its run canceled if needed; Azure deletes the staging group with it),
    /// then the artifact blob (the container stays for the next builds). Every failure is
    /// reported, none stops the rest.
    pub(crate) async fn clean(
        self,
        templates: &ImageTemplatesClient,
        storage: &StorageClient,
        policy: CleanupPolicy,
        succeeded: bool,
        wait: &RunWaitOptions,
    ) -> CleanupReport {
        let mut report = CleanupReport::default();
        let delete = match policy {
            CleanupPolicy::Always => true,
            CleanupPolicy::OnSuccess => succeeded,
            CleanupPolicy::Never => false,
        };
        if let Some((resource_group, name)) = self.template {
            let id = templates
                .template_id(&resource_group, &name)
                .map_or_else(|_| name.clone(), |id| id.to_string());
            if !delete {
                report.kept.push(id);
            } else {
                match runs::delete(templates, &resource_group, &name, Some(wait.clone()), |_| {}).await {
                    Ok(()) => report.removed.push(id),
                    Err(error) => report.failed.push((id, error.to_string())),
                }
            }
        }
        if let Some(artifact) = self.artifact {
            let id = artifact.url().to_string();
            if !delete {
                report.kept.push(id);
            } else {
                match delete_artifact(storage, &artifact).await {
                    Ok(()) => report.removed.push(id),
                    Err(error) => report.failed.push((id, error.to_string())),
                }
            }
        }
        report
    }
}
