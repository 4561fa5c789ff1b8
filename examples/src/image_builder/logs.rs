//! `logs`: the `customization.log` of a template's last run, found in `lastRunStatus.message`
//! (either form Azure has used; a failed run names it) or else, as after a run that succeeded,
//! the newest one in the staging resource group's storage account
//! ([`latest_log_location`]), read with the caller's Entra ID credential
//! ([`image_builder::diagnostics`]).

use super::args::LogsArgs;
use super::context::Azure;
use super::{bad_input, exit, failed};
use image_builder::diagnostics::{fetch_log, latest_log_location, log_location_of};

/// Runs `logs`; returns the exit code: 0 printed, 1 not found or unreadable, 2 bad input.
pub(super) async fn run(args: LogsArgs) -> u8 {
    if let Err(error) = arm_core::resource_groups::validate_name(&args.resource_group) {
        return bad_input(&format!("--resource-group: {error}"));
    }
    if let Err(error) = image_builder::validate_template_name(&args.name) {
        return bad_input(&format!("--name: {error}"));
    }
    let azure = match Azure::from_env() {
        Ok(azure) => azure,
        Err(error) => return bad_input(&error.to_string()),
    };
    let template = match azure.templates.get(&args.resource_group, &args.name, None).await {
        Ok(template) => template,
        Err(error) => return failed(&format!("image template {}: {error}", args.name)),
    };
    let location = match log_location_of(&template) {
        Some(location) => Some(location),
        None => match latest_log_location(&azure.arm, &azure.storage, azure.credential.clone(), &template).await {
            Ok(location) => location,
            Err(error) => {
                return failed(&format!(
                    "image template {}: cannot find its customization.log: {error}",
                    args.name
                ));
            }
        },
    };
    let Some(location) = location else {
        let state = template
            .properties
            .last_run_status
            .as_ref()
            .and_then(|s| s.run_state.as_ref())
            .map_or_else(|| "never run".to_owned(), |s| format!("last run {s}"));
        return failed(&format!(
            "image template {} ({state}) has no customization.log: none is named in lastRunStatus.message and none is in its staging resource group",
            args.name
        ));
    };
    match fetch_log(&azure.arm, &azure.storage, azure.credential.clone(), &location, None).await {
        Ok(log) => {
            print!("{log}");
            exit::SUCCEEDED
        }
        Err(error) => failed(&format!("cannot read customization.log: {error}")),
    }
}
