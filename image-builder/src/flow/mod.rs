//! The Image Builder DevOps task's flow as a library call (learn.microsoft.com "Azure VM Image
//! Builder service DevOps task", How the task works): pack and upload the artifacts, create a
//! throw-away template `t_<13 digits>`, run it while reporting its phases, read its outputs,
//! then delete what was created as the [`CleanupPolicy`] says, with a cancellation input that
//! cancels the run before cleaning up.

mod cleanup;
mod outcome;

pub use cleanup::CleanupPolicy;
pub use outcome::{BuildOutcome, BuildStatus, CleanupReport};

use crate::artifacts::{ArchiveFormat, ArtifactAccess, ArtifactOptions, ArtifactTarget, upload_artifact};
use crate::client::ImageTemplatesClient;
use crate::diagnostics::{FetchLogOptions, fetch_log, find_log_location};
use crate::error::Error;
use crate::model::{ImageTemplate, ImageTemplateSource, RunState};
use crate::runs::{self, RunEvent, RunWaitOptions};
use crate::validate_template;
use arm_core::azure_core::credentials::TokenCredential;
use arm_core::storage::{BlobEndpoint, StorageClient, UploadOptions};
use arm_core::{ResourceId, SubscriptionClient};
use cleanup::Created;
use futures::FutureExt;
use futures::TryStreamExt;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The tag this crate puts on the templates it creates, so that a reaper can tell them.
pub const CREATED_BY_TAG: &str = "createdBy";
/// The value of [`CREATED_BY_TAG`].
pub const CREATED_BY_VALUE: &str = "azure-ephemeral-image-builder";
/// What a SAS outlives the run's wait by (the last reads of a slow distribution).
const SAS_MARGIN: Duration = Duration::from_secs(30 * 60);
/// The least time a cancel or a delete is waited for, however short the run's wait: Azure
/// takes minutes to cancel a build.
const SETTLE_WAIT: Duration = Duration::from_secs(30 * 60);

/// The artifacts of a build: a folder packed and uploaded to a storage account.
#[derive(Clone, Debug)]
pub struct ArtifactRequest {
    /// The folder; its name becomes `/tmp/<name>` or `C:\buildArtifacts\<name>` on the VM.
    pub folder: PathBuf,
    /// The storage account (`.../providers/Microsoft.Storage/storageAccounts/<name>`): its Blob
    /// endpoint is read through ARM (`Microsoft.Storage/storageAccounts/read`), the archive goes
    /// to `<template>/<folder>.<ext>` in its container [`ARTIFACT_CONTAINER`](crate::artifacts::ARTIFACT_CONTAINER) (created when
    /// missing) with the caller's Entra credential (Storage Blob Data Contributor), and cleanup
    /// deletes that blob only.
    pub storage_account: ResourceId,
    /// `tar.gz` (Linux) or `zip` (Windows).
    pub format: ArchiveFormat,
    /// With a user-delegation SAS (`true`), or read by the template's identity (`false`).
    pub sas: bool,
    /// The upload's block size, parallelism and progress.
    pub upload: UploadOptions,
}

impl ArtifactRequest {
    /// Refuses, before anything is created, a storage account id of another type and a
    /// folder that is not one.
    fn check(&self) -> Result<(), Error> {
        if !self.storage_account.is_type("Microsoft.Storage/storageAccounts") {
            return Err(Error::invalid(
                "storage_account",
                format!("{} is not a Microsoft.Storage/storageAccounts id", self.storage_account),
            ));
        }
        crate::artifacts::folder_name(&self.folder).map(drop)
    }
}

/// What to build.
#[derive(Clone, Debug)]
pub struct BuildRequest {
    /// The resource group of the template.
    pub resource_group: String,
    /// The template name; `t_<milliseconds since 1970, 13 digits>` when `None`, as the task.
    pub template_name: Option<String>,
    /// The template (from [`ImageTemplateBuilder`](crate::ImageTemplateBuilder) or a file); the
    /// artifact steps are put first in its `customize`, the [`CREATED_BY_TAG`] is added.
    pub template: ImageTemplate,
    /// The artifacts, if any.
    pub artifacts: Option<ArtifactRequest>,
    /// When to delete what the flow created.
    pub cleanup: CleanupPolicy,
    /// How the run is waited for; default: the template's build timeout plus [`RUN_MARGIN`](crate::runs::RUN_MARGIN).
    /// Past its `max_wait` the run is canceled and the outcome is [`BuildStatus::TimedOut`];
    /// the cancel and the cleanup are waited for at least 30 minutes.
    pub wait: Option<RunWaitOptions>,
}

/// A step of the flow, for progress output.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum BuildEvent {
    /// A step starts, described on one line (`creating template t_...`).
    Step(String),
    /// The artifacts were uploaded.
    Uploaded {
        /// The blob URL (without any SAS).
        blob: String,
        /// Its size.
        bytes: u64,
        /// Its SHA-256.
        sha256: String,
    },
    /// The run's state or phase changed.
    Run(RunEvent),
}

/// The flow: clients for ARM and Blob, and the caller's credential (for the Blob uploads, the
/// user-delegation key and a failed run's `customization.log`).
#[derive(Clone, Debug)]
pub struct BuildFlow {
    templates: ImageTemplatesClient,
    storage: StorageClient,
    credential: Arc<dyn TokenCredential>,
    log_options: FetchLogOptions,
}

/// `wait` for a cancel or a delete: at least [`SETTLE_WAIT`].
fn settle_wait(wait: &RunWaitOptions) -> RunWaitOptions {
    let mut settle = wait.clone();
    settle.waiter.max_wait = settle.waiter.max_wait.max(SETTLE_WAIT);
    settle
}

/// A template name as the task makes them: `t_` and the milliseconds since 1970 (13 digits).
pub fn generated_template_name() -> String {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis();
    format!("t_{millis:013}")
}

impl BuildFlow {
    /// A flow on these clients.
    pub fn new(templates: ImageTemplatesClient, storage: StorageClient, credential: Arc<dyn TokenCredential>) -> Self {
        Self {
            templates,
            storage,
            credential,
            log_options: FetchLogOptions::default(),
        }
    }

    /// This flow, reading a failed run's `customization.log` with `options` (default: its
    /// last [`DEFAULT_MAX_LOG_BYTES`](crate::diagnostics::DEFAULT_MAX_LOG_BYTES)).
    pub fn with_log_options(mut self, options: FetchLogOptions) -> Self {
        self.log_options = options;
        self
    }

    /// Runs the whole flow. `cancel` resolving (a pipeline canceled, a signal) stops the step
    /// in progress: an upload is abandoned uncommitted, a run is canceled and waited for; then
    /// cleanup runs as the policy says. `events` sees every step and every change of the run.
    /// A failed run's `customization.log` is read before cleanup (which may delete it with the
    /// staging resource group) into [`BuildOutcome::log`]. Never panics on Azure's answers and always returns an outcome, whose
    /// [`CleanupReport`] names what could not be deleted.
    pub async fn run(
        &self,
        request: BuildRequest,
        cancel: impl Future<Output = ()>,
        mut events: impl FnMut(BuildEvent),
    ) -> BuildOutcome {
        let name = request.template_name.clone().unwrap_or_else(generated_template_name);
        let template_id = self
            .templates
            .template_id(&request.resource_group, &name)
            .map_or_else(|_| name.clone(), |id| id.to_string());
        let timeout = request.template.properties.build_timeout_in_minutes.unwrap_or(0);
        let wait = request
            .wait
            .clone()
            .unwrap_or_else(|| RunWaitOptions::for_build_timeout(timeout));
        let mut outcome = BuildOutcome {
            status: BuildStatus::Failed,
            template_name: name.clone(),
            template_id,
            outputs: Vec::new(),
            image_uri: None,
            source_variables: Vec::new(),
            message: None,
            log_location: None,
            log: None,
            log_warning: None,
            error: None,
            cleanup: CleanupReport::default(),
        };
        let mut created = Created::default();
        let cancel = cancel.fuse();
        let mut cancel = std::pin::pin!(cancel);
        let result = self
            .build(
                &request,
                &name,
                &wait,
                &mut created,
                &mut cancel,
                &mut events,
                &mut outcome,
            )
            .await;
        if let Err(error) = result {
            outcome.error = Some(error);
        }
        self.read_log(&mut outcome, &mut events).await;
        let succeeded = outcome.status == BuildStatus::Succeeded;
        if created.template.is_some() || created.artifact.is_some() {
            events(BuildEvent::Step("cleaning up".to_owned()));
        }
        outcome.cleanup = created
            .clean(
                &self.templates,
                &self.storage,
                request.cleanup,
                succeeded,
                &settle_wait(&wait),
            )
            .await;
        outcome
    }

    /// Reads the `customization.log` of a failed run that names one; a failure to read it is
    /// a warning of the outcome.
    async fn read_log(&self, outcome: &mut BuildOutcome, events: &mut impl FnMut(BuildEvent)) {
        let Some(location) = outcome
            .log_location
            .as_ref()
            .filter(|_| outcome.status == BuildStatus::Failed)
        else {
            return;
        };
        events(BuildEvent::Step("reading customization.log".to_owned()));
        let options = Some(self.log_options.clone());
        match fetch_log(
            self.templates.arm(),
            &self.storage,
            self.credential.clone(),
            location,
            options,
        )
        .await
        {
            Ok(log) => outcome.log = Some(log),
            Err(error) => {
                tracing::warn!(template = %outcome.template_name, %error, "customization.log could not be read");
                outcome.log_warning = Some(format!("cannot read customization.log: {error}"));
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn build<C: Future<Output = ()> + futures::future::FusedFuture>(
        &self,
        request: &BuildRequest,
        name: &str,
        wait: &RunWaitOptions,
        created: &mut Created,
        cancel: &mut std::pin::Pin<&mut C>,
        events: &mut impl FnMut(BuildEvent),
        outcome: &mut BuildOutcome,
    ) -> Result<(), Error> {
        let resource_group = request.resource_group.as_str();
        let mut template = request.template.clone();
        template
            .tags
            .get_or_insert_with(Default::default)
            .insert(CREATED_BY_TAG.to_owned(), CREATED_BY_VALUE.to_owned());
        // Everything is checked before anything is created.
        validate_template(name, &template)?;
        self.templates.template_id(resource_group, name)?;
        if let Some(artifacts) = &request.artifacts {
            artifacts.check()?;
        }

        if let Some(artifacts) = &request.artifacts {
            let sas_lifetime = wait.waiter.max_wait + SAS_MARGIN;
            let step = self.upload(artifacts, name, sas_lifetime, created, events);
            let uploaded = tokio::select! {
                uploaded = step => uploaded?,
                () = cancel.as_mut() => {
                    outcome.status = BuildStatus::Canceled;
                    return Ok(());
                }
            };
            let steps = uploaded.customizers();
            let customize = template.properties.customize.get_or_insert_with(Vec::new);
            customize.splice(0..0, steps);
        }

        events(BuildEvent::Step(format!("creating template {name}")));
        created.template = Some((resource_group.to_owned(), name.to_owned()));
        let create = runs::create(&self.templates, resource_group, name, &template, Some(wait.clone()));
        tokio::select! {
            result = create => { result?; }
            () = cancel.as_mut() => {
                outcome.status = BuildStatus::Canceled;
                return Ok(());
            }
        }

        events(BuildEvent::Step(format!("running template {name}")));
        let run = async {
            runs::start_run(&self.templates, resource_group, name, Some(wait.clone())).await?;
            runs::wait_for_run(&self.templates, resource_group, name, Some(wait.clone()), |event| {
                events(BuildEvent::Run(event.clone()))
            })
            .await
        };
        let finished = tokio::select! {
            result = run => result,
            () = cancel.as_mut() => {
                outcome.status = BuildStatus::Canceled;
                events(BuildEvent::Step(format!("canceling the run of {name}")));
                runs::cancel_and_wait(&self.templates, resource_group, name, Some(settle_wait(wait)), |_| {}).await?;
                return Ok(());
            }
        };
        let finished = match finished {
            Ok(template) => template,
            Err(error @ Error::Wait { .. }) => {
                outcome.status = BuildStatus::TimedOut;
                events(BuildEvent::Step(format!("canceling the run of {name} (timed out)")));
                if let Err(cancel_error) =
                    runs::cancel_and_wait(&self.templates, resource_group, name, Some(settle_wait(wait)), |_| {}).await
                {
                    tracing::warn!(template = name, error = %cancel_error, "the timed-out run could not be canceled");
                }
                return Err(error);
            }
            Err(error) => return Err(error),
        };
        self.read_results(resource_group, name, &finished, outcome).await
    }

    async fn upload(
        &self,
        artifacts: &ArtifactRequest,
        name: &str,
        sas_lifetime: Duration,
        created: &mut Created,
        events: &mut impl FnMut(BuildEvent),
    ) -> Result<crate::artifacts::UploadedArtifact, Error> {
        let account = &artifacts.storage_account;
        let endpoint = BlobEndpoint::resolve(
            self.templates.arm(),
            account.subscription_id(),
            account.resource_group().unwrap_or_default(),
            account.name(),
            None,
        )
        .await?;
        let target = ArtifactTarget::for_template(endpoint, name);
        let blob = target.blob(&artifacts.folder, artifacts.format, self.credential.clone())?;
        events(BuildEvent::Step(format!(
            "uploading {} to {}/{}/{}",
            artifacts.folder.display(),
            blob.account(),
            blob.container(),
            blob.name()
        )));
        // Recorded before the upload: a commit that happens as the caller cancels is deleted too.
        created.artifact = Some(blob);
        let options = ArtifactOptions {
            format: artifacts.format,
            access: if artifacts.sas {
                ArtifactAccess::UserDelegationSas {
                    expires_in: sas_lifetime.min(arm_core::storage::MAX_USER_DELEGATION),
                }
            } else {
                ArtifactAccess::TemplateIdentity
            },
            upload: artifacts.upload.clone(),
        };
        let uploaded = upload_artifact(
            &self.storage,
            self.credential.clone(),
            &target,
            &artifacts.folder,
            Some(options),
        )
        .await?;
        events(BuildEvent::Uploaded {
            blob: uploaded.blob().url().to_string(),
            bytes: uploaded.bytes(),
            sha256: uploaded.sha256().to_owned(),
        });
        Ok(uploaded)
    }

    /// Fills the outcome from the finished template: status, message, log, outputs, source.
    async fn read_results(
        &self,
        resource_group: &str,
        name: &str,
        finished: &ImageTemplate,
        outcome: &mut BuildOutcome,
    ) -> Result<(), Error> {
        let status = finished.properties.last_run_status.clone().unwrap_or_default();
        outcome.message = status.message.clone();
        outcome.status = match status.run_state {
            Some(RunState::Succeeded) => BuildStatus::Succeeded,
            Some(RunState::PartiallySucceeded) => BuildStatus::PartiallySucceeded,
            Some(RunState::Canceled) => BuildStatus::Canceled,
            _ => BuildStatus::Failed,
        };
        if outcome.status == BuildStatus::Failed {
            outcome.log_location = status.message.as_deref().and_then(find_log_location);
            outcome.error = Some(Error::Wait {
                template: outcome.template_id.clone(),
                reason: format!(
                    "the build failed: {}",
                    status.message.as_deref().unwrap_or("no message")
                ),
            });
        }
        if let ImageTemplateSource::PlatformImage(source) = &finished.properties.source {
            let image = crate::SourceImage::Marketplace {
                publisher: source.publisher.clone().unwrap_or_default(),
                offer: source.offer.clone().unwrap_or_default(),
                sku: source.sku.clone().unwrap_or_default(),
                version: source.version.clone().unwrap_or_default(),
            };
            outcome.source_variables = image.pir_variables(source.exact_version.as_deref());
        }
        if matches!(outcome.status, BuildStatus::Succeeded | BuildStatus::PartiallySucceeded) {
            outcome.outputs = self
                .templates
                .list_run_outputs(resource_group, name, None)?
                .try_collect()
                .await
                .map_err(Error::from)?;
            outcome.image_uri = outcome
                .outputs
                .iter()
                .filter_map(|o| o.properties.as_ref())
                .find_map(|p| p.artifact_id.clone().or_else(|| p.artifact_uri.clone()));
        }
        Ok(())
    }
}
