//! `build`: every input checked (flags, environment, the template, and what must be read from
//! Azure: the resource group, the storage account) before anything is written; then the crate's
//! [`BuildFlow`] with SIGTERM/SIGINT as its cancellation input; then the outcome as pipeline
//! output and an exit code.

use super::args::BuildArgs;
use super::context::Azure;
use super::plan::{Plan, plan};
use super::signals::{Received, Stop};
use super::storage_account::Lookup;
use super::{bad_input, exit, failed, output};
use arm_core::ResourceId;
use arm_core::resource_groups::ResourceGroupsClient;
use arm_core::storage::{BlobEndpoint, UploadOptions};
use image_builder::artifacts::{ArtifactTarget, masked_template};
use image_builder::diagnostics::{self, LogLocation, find_log_location};
use image_builder::flow::{
    ArtifactRequest, BuildEvent, BuildFlow, BuildOutcome, BuildRequest, BuildStatus, CREATED_BY_TAG, CREATED_BY_VALUE,
};
use image_builder::model::RunState;

/// Runs `build`; returns the exit code.
pub(super) async fn run(args: BuildArgs) -> u8 {
    // Listening first: a signal from the very start cancels cleanly.
    let (stop, received) = match Stop::listen() {
        Ok(listening) => listening,
        Err(error) => return failed(&format!("cannot listen for signals: {error}")),
    };
    let azure = match Azure::from_env() {
        Ok(azure) => azure,
        Err(error) => return bad_input(&error.to_string()),
    };
    let plan = match plan(&args, &azure.subscription_id) {
        Ok(plan) => plan,
        Err(message) => return bad_input(&message),
    };
    let account = match read_inputs(&azure, &plan).await {
        Ok(account) => account,
        Err(code) => return code,
    };
    if args.check {
        return check(&azure, &plan, account.as_ref());
    }
    let template = plan.template.clone();
    let request = BuildRequest {
        resource_group: plan.resource_group.clone(),
        template_name: Some(plan.name.clone()),
        template: plan.template,
        artifacts: plan.package.zip(account).map(|(folder, (account, _))| ArtifactRequest {
            folder,
            storage_account: account,
            format: plan.format,
            sas: plan.sas,
            upload: UploadOptions::default(),
        }),
        cleanup: plan.cleanup,
        wait: Some(plan.wait),
    };
    println!(
        "image-builder: building {} in resource group {}",
        plan.name, plan.resource_group
    );
    let flow = BuildFlow::new(azure.templates.clone(), azure.storage.clone(), azure.credential.clone());
    // A failed run's log is read as soon as the failure is seen, the flow paused meanwhile:
    // `--cleanup always` deletes it with the staging group before the flow returns.
    let mut early_log = None;
    let outcome = flow
        .run(request, stop.wait(), |event| {
            output::event(&event);
            if early_log.is_none()
                && let Some(location) = failed_run_log(&event)
            {
                let fetch = fetch_log(&azure, &location);
                early_log = Some(tokio::task::block_in_place(|| {
                    tokio::runtime::Handle::current().block_on(fetch)
                }));
            }
        })
        .await;
    let log = match (early_log, &outcome.log_location) {
        (Some(log), _) => log,
        (None, Some(location)) => fetch_log(&azure, location).await,
        (None, None) => Err("no customization.log is named".to_owned()),
    };
    report(&template, &outcome, log);
    exit_code(&outcome, &received)
}

/// What must be read before anything is written: the resource group exists; the storage
/// account exists and has a Blob endpoint. Returns the account's id and endpoint; an error is
/// printed and its exit code returned.
async fn read_inputs(azure: &Azure, plan: &Plan) -> Result<Option<(ResourceId, BlobEndpoint)>, u8> {
    let groups = ResourceGroupsClient::from_arm(azure.arm.clone(), &azure.subscription_id)
        .map_err(|e| failed(&e.to_string()))?;
    match groups.exists(&plan.resource_group, None).await {
        Ok(true) => {}
        Ok(false) => {
            return Err(bad_input(&format!(
                "--resource-group: resource group '{}' does not exist in subscription {}",
                plan.resource_group, azure.subscription_id
            )));
        }
        Err(error) => return Err(failed(&format!("--resource-group: cannot read it: {error}"))),
    }
    let Some(account) = &plan.account else {
        return Ok(None);
    };
    let id = account
        .resolve(&azure.arm, &azure.subscription_id)
        .await
        .map_err(|lookup| match lookup {
            Lookup::Missing(message) => bad_input(&message),
            Lookup::Failed(message) => failed(&message),
        })?;
    let endpoint = BlobEndpoint::resolve(
        &azure.arm,
        id.subscription_id(),
        id.resource_group().unwrap_or_default(),
        id.name(),
        None,
    )
    .await
    .map_err(|error| match (&error, error.status().map(u16::from)) {
        (_, Some(404)) => bad_input(&format!("--storage-account: {id} does not exist")),
        (arm_core::storage::Error::InvalidInput { message, .. }, _) => {
            bad_input(&format!("--storage-account: {message}"))
        }
        _ => failed(&format!("--storage-account: cannot read it: {error}")),
    })?;
    Ok(Some((id, endpoint)))
}

/// `--check`: the plan and the template that would be submitted, SAS masked; exit 0.
fn check(azure: &Azure, plan: &Plan, account: Option<&(ResourceId, BlobEndpoint)>) -> u8 {
    let mut template = plan.template.clone();
    template
        .tags
        .get_or_insert_with(Default::default)
        .insert(CREATED_BY_TAG.to_owned(), CREATED_BY_VALUE.to_owned());
    println!("image-builder: the inputs are valid; it would:");
    if let (Some(folder), Some((_, endpoint))) = (&plan.package, account) {
        let target = ArtifactTarget::for_template(endpoint.clone(), &plan.name);
        let blob = match target.blob(folder, plan.format, azure.credential.clone()) {
            Ok(blob) => blob,
            Err(error) => return bad_input(&format!("--package-path: {error}")),
        };
        println!(
            "  pack {} and upload it to {} ({}), then put a File step with its sha256Checksum and an unpack step first",
            folder.display(),
            blob.url(),
            if plan.sas {
                "read with a user-delegation SAS, masked"
            } else {
                "read by the template's identity, no SAS"
            }
        );
    }
    println!(
        "  create image template {} in resource group {}, run it, and clean up ({:?})",
        plan.name, plan.resource_group, plan.cleanup
    );
    match serde_json::to_string_pretty(&masked_template(&template)) {
        Ok(text) => println!("{text}"),
        Err(error) => return failed(&format!("cannot print the template: {error}")),
    }
    exit::SUCCEEDED
}

/// Where the `customization.log` is, when `event` reports a failed run that names it.
fn failed_run_log(event: &BuildEvent) -> Option<LogLocation> {
    let BuildEvent::Run(run) = event else {
        return None;
    };
    if run.run_state != Some(RunState::Failed) {
        return None;
    }
    find_log_location(run.message.as_deref()?)
}

async fn fetch_log(azure: &Azure, location: &LogLocation) -> Result<String, String> {
    diagnostics::fetch_log(&azure.arm, &azure.storage, azure.credential.clone(), location, None)
        .await
        .map_err(|e| e.to_string())
}

/// The outcome as output: variables, failed targets, the failure's log, cleanup.
fn report(template: &image_builder::model::ImageTemplate, outcome: &BuildOutcome, log: Result<String, String>) {
    match outcome.status {
        BuildStatus::Succeeded | BuildStatus::PartiallySucceeded => {
            if let Err(error) = output::variables(outcome) {
                println!("##[error]cannot write GITHUB_OUTPUT: {error}");
            }
            if outcome.status == BuildStatus::PartiallySucceeded {
                let failed = output::failed_targets(template, outcome);
                println!(
                    "##[error]the build partially succeeded; distribution failed for: {} ({})",
                    failed.join(", "),
                    outcome.message.as_deref().unwrap_or("no message")
                );
            } else {
                println!("image-builder: {} succeeded", outcome.template_name);
            }
        }
        BuildStatus::Canceled => println!("image-builder: {} canceled", outcome.template_name),
        _ => {
            match log {
                Ok(log) => output::failure_log(&log, &output::log_file(&outcome.template_name)),
                Err(error) => println!("##[warning]cannot read customization.log: {error}"),
            }
            match &outcome.error {
                Some(error) => println!("##[error]{error}"),
                None => println!("##[error]the build of {} failed", outcome.template_name),
            }
        }
    }
    output::cleanup(&outcome.cleanup);
}

/// The exit code of an outcome (see [`exit`]): a signal or a timeout first, then what cleanup
/// left, then how the build ended.
fn exit_code(outcome: &BuildOutcome, received: &Received) -> u8 {
    if let Some(code) = received.exit_code() {
        return code;
    }
    match outcome.status {
        BuildStatus::TimedOut => exit::TIMED_OUT,
        _ if !outcome.cleanup.is_complete() => exit::CLEANUP_INCOMPLETE,
        BuildStatus::Succeeded => exit::SUCCEEDED,
        BuildStatus::PartiallySucceeded => exit::PARTIALLY_SUCCEEDED,
        _ if matches!(outcome.error, Some(image_builder::Error::InvalidInput { .. })) => exit::BAD_INPUT,
        _ => exit::FAILED,
    }
}
