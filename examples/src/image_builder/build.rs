//! `build`: every input checked (flags, environment, the template, and what must be read from
//! Azure: the resource group, the storage account) before anything is written; then the crate's
//! [`BuildFlow`] with SIGTERM/SIGINT as its cancellation input; then the outcome as pipeline
//! output and an exit code.

use super::args::BuildArgs;
use super::context::Azure;
use super::plan::{Plan, plan};
use super::storage_account::Lookup;
use super::{bad_input, exit, failed, output};
use crate::command::signals::{Received, Stop};
use arm_core::ResourceId;
use arm_core::resource_groups::ResourceGroupsClient;
use arm_core::storage::{BlobEndpoint, UploadOptions};
use image_builder::artifacts::{ArtifactTarget, masked_template, planned_customizers};
use image_builder::flow::{
    ArtifactRequest, BuildFlow, BuildOutcome, BuildRequest, BuildStatus, CREATED_BY_TAG, CREATED_BY_VALUE,
};

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
        return check(&plan, account.as_ref());
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
    // The flow reads a failed run's log before cleanup (`--cleanup always` deletes it with
    // the staging group).
    let flow = BuildFlow::new(azure.templates.clone(), azure.storage.clone(), azure.credential.clone());
    let outcome = flow
        .run(request, stop.wait("canceling the build, then cleaning up"), |event| {
            output::event(&event)
        })
        .await;
    report(&template, &outcome);
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
    account
        .resolve(&azure.arm, &azure.subscription_id)
        .await
        .map(Some)
        .map_err(|lookup| match lookup {
            Lookup::Missing(message) => bad_input(&message),
            Lookup::Failed(message) => failed(&message),
        })
}

/// `--check`: the plan and the template that would be submitted (with the package's File and
/// unpack steps first, their checksum a placeholder), SAS masked; exit 0.
fn check(plan: &Plan, account: Option<&(ResourceId, BlobEndpoint)>) -> u8 {
    let mut template = plan.template.clone();
    template
        .tags
        .get_or_insert_with(Default::default)
        .insert(CREATED_BY_TAG.to_owned(), CREATED_BY_VALUE.to_owned());
    println!("image-builder: the inputs are valid; it would:");
    if let (Some(folder), Some((_, endpoint))) = (&plan.package, account) {
        let target = ArtifactTarget::for_template(endpoint.clone(), &plan.name);
        let steps = match planned_customizers(&target, folder, plan.format, plan.sas) {
            Ok(steps) => steps,
            Err(error) => return bad_input(&format!("--package-path: {error}")),
        };
        println!(
            "  pack {} and upload it ({}), its File and unpack steps first",
            folder.display(),
            if plan.sas {
                "read with a user-delegation SAS, masked"
            } else {
                "read by the template's identity, no SAS"
            }
        );
        template
            .properties
            .customize
            .get_or_insert_with(Vec::new)
            .splice(0..0, steps);
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

/// The outcome as output: variables, failed targets, the failure's log, cleanup.
fn report(template: &image_builder::model::ImageTemplate, outcome: &BuildOutcome) {
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
            match (&outcome.log, &outcome.log_warning) {
                (Some(log), _) => output::failure_log(log, &output::log_file(&outcome.template_name)),
                (None, Some(warning)) => println!("##[warning]{warning}"),
                (None, None) if outcome.log_location.is_none() && outcome.message.is_some() => {
                    println!("##[warning]lastRunStatus.message names no customization.log")
                }
                (None, None) => {}
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
