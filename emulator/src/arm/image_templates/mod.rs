//! `Microsoft.VirtualMachineImages/imageTemplates` (Azure VM Image Builder): create (an
//! Azure-AsyncOperation; a template can never be updated by PUT, and a failed creation leaves a
//! `Failed` template to delete), get, patch, lists, delete (refused while a run is running or
//! canceling; it removes the staging group Image Builder created), `run` (the phases on the
//! emulator's clock, a real download of the customizers' files from the emulator's Blob service,
//! a `customization.log`, what the distributors name), `cancel`, and the run outputs.
//! Before every request, and when the clock moves, due log lines are written and finished runs
//! make their images. learn.microsoft.com "Virtual Machine Image Templates" (REST), "Azure VM
//! Image Builder overview", "Troubleshoot Azure VM Image Builder".

mod actions;
mod delete;
mod distribute;
mod log;
mod plan;
mod read;
mod run;
mod staging;
mod template;
mod validate;
mod write;

use std::time::Instant;

use hyper::StatusCode;
use serde_json::Value;
use time::OffsetDateTime;

use super::api_version::ApiVersions;
use super::error::ArmError;
use super::galleries::compute;
use super::lro::{self, OperationHandle};
use super::provider::ResourceProvider;
use super::route::{Access, ArmCall, Handler, Route};
use crate::blob::internal;
use crate::http::Reply;
use crate::model::operations::{LocationStyle, NewOperation, Outcome};
use crate::model::resource_groups::ResourceGroup;
use crate::model::store::Store;
use crate::model::{World, ids};
use crate::random;
use crate::shared::Shared;
use template::{ImageTemplate, TEMPLATE_TYPE};

/// Every api-version `Microsoft.VirtualMachineImages` publishes (Azure/azure-rest-api-specs
/// `specification/imagebuilder/resource-manager/Microsoft.VirtualMachineImages`, previews
/// included).
const API_VERSIONS: &[&str] = &[
    "2018-02-01-preview",
    "2019-02-01-preview",
    "2019-05-01-preview",
    "2020-02-14",
    "2021-10-01",
    "2022-02-14",
    "2022-07-01",
    "2023-07-01",
    "2024-02-01",
    "2025-10-01",
];

/// The resource provider namespace.
const NAMESPACE: &str = "Microsoft.VirtualMachineImages";

/// Path of one template.
macro_rules! template_path {
    ($rest:literal) => {
        concat!(
            "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.VirtualMachineImages/imageTemplates/{imageTemplateName}",
            $rest
        )
    };
}

/// A route with RBAC over the path.
fn route(pattern: &'static str, methods: &'static [&'static str], handler: Handler) -> Route {
    Route {
        pattern,
        methods,
        access: Access::Rbac,
        handler,
    }
}

/// The image templates provider.
pub(crate) struct Provider;

impl ResourceProvider for Provider {
    fn api_versions(&self) -> ApiVersions {
        ApiVersions::Only(API_VERSIONS)
    }

    fn routes(&self) -> Vec<Route> {
        vec![
            Route {
                pattern: "subscriptions/{subscriptionId}/providers/Microsoft.VirtualMachineImages/imageTemplates",
                methods: &["GET"],
                access: Access::Filtered,
                handler: compute::list_subscription::<ImageTemplate>,
            },
            route(
                "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.VirtualMachineImages/imageTemplates",
                &["GET"],
                compute::list_resource_group::<ImageTemplate>,
            ),
            route(template_path!(""), &["GET", "PUT", "PATCH", "DELETE"], item),
            route(template_path!("/run"), &["POST"], actions::run),
            route(template_path!("/cancel"), &["POST"], actions::cancel),
            route(template_path!("/runOutputs"), &["GET"], read::list_outputs),
            route(
                template_path!("/runOutputs/{runOutputName}"),
                &["GET"],
                read::get_output,
            ),
        ]
    }

    /// Writes due log lines and settles the runs that ended.
    fn catch_up(&self, shared: &Shared) {
        let now = shared.clock.instant();
        let mut world = shared.write();
        let pending: Vec<String> = templates(&world)
            .map(|store| {
                store
                    .values()
                    .filter(|t| t.run.as_ref().is_some_and(|run| !run.settled))
                    .map(ImageTemplate::id)
                    .collect()
            })
            .unwrap_or_default();
        for id in pending {
            advance(shared, &mut world, &id, now);
        }
    }

    /// Removes the group's templates, and the staging groups they created.
    fn delete_in_group(&self, world: &mut World, group: &ResourceGroup, now: OffsetDateTime) -> Vec<u64> {
        let removed = templates_mut(world).remove_under(&group.scope());
        let instant = Instant::now();
        removed
            .iter()
            .filter_map(|template| template.staging.as_ref())
            .flat_map(|staging| staging::remove(world, staging, now, instant, instant))
            .collect()
    }

    fn resources_under(&self, world: &World, prefix: &str, now: Instant) -> Vec<Value> {
        compute::json_under::<ImageTemplate>(world, prefix, now)
    }
}

fn item(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    match call.request.method.as_str() {
        "GET" => read::get(call),
        "PUT" => write::put(call),
        "PATCH" => write::patch(call),
        _ => delete::delete(call),
    }
}

/// The templates of `world`, if any was ever stored.
fn templates(world: &World) -> Option<&Store<ImageTemplate>> {
    world.resources.get()
}

/// The templates of `world`, mutably.
fn templates_mut(world: &mut World) -> &mut Store<ImageTemplate> {
    world.resources.get_mut()
}

/// The id of the template of the request's path.
fn template_id(call: &ArmCall<'_>) -> String {
    ids::resource(call.params[0], call.params[1], TEMPLATE_TYPE, call.params[2])
}

/// ARM's 404 for a template that does not exist.
fn not_found(call: &ArmCall<'_>) -> ArmError {
    ArmError::resource_not_found(TEMPLATE_TYPE, call.params[2], call.params[1])
}

/// Image Builder's 409 `OperationNotAllowed` for `action` (`delete`, `run/action`,
/// `cancel/action`, `write`) on `template` in its current states.
fn not_allowed(action: &str, template: &ImageTemplate, now: Instant) -> ArmError {
    let provisioning = match template.provisioning_state(now) {
        "Succeeded" => "provisioned",
        "Creating" => "creating",
        "Deleting" => "deleting",
        _ => "failed",
    };
    let run_state = template
        .run
        .as_ref()
        .map_or("none".to_owned(), |run| run.run_state(now).to_ascii_lowercase());
    ArmError::new(
        StatusCode::CONFLICT,
        "OperationNotAllowed",
        format!(
            "Operation {TEMPLATE_TYPE}/{action} is not allowed in provisioning state: {provisioning} or run state: {run_state}."
        ),
    )
}

/// A Microsoft.VirtualMachineImages operation in `location` (a fresh id) that ends with
/// `outcome` after `duration`.
fn operation_spec(
    call: &ArmCall<'_>,
    world: &World,
    location: &str,
    duration: std::time::Duration,
    outcome: Outcome,
) -> NewOperation {
    let subscription_id = world
        .subscription(call.params[0])
        .map_or_else(|| call.params[0].to_owned(), |s| s.id.clone());
    NewOperation {
        id: random::uuid(),
        subscription_id,
        namespace: NAMESPACE.to_owned(),
        location: location.to_owned(),
        api_version: call.api_version.to_owned(),
        duration,
        outcome,
        success_status: 200,
        style: LocationStyle::Provider,
    }
}

/// Starts `spec` and answers its URLs.
fn start(call: &ArmCall<'_>, world: &mut World, spec: NewOperation) -> OperationHandle {
    let settings = &call.shared.settings;
    lro::start(world, spec, &call.shared.clock, call.arm(), settings.retry_after_secs)
}

/// Starts a Microsoft.VirtualMachineImages operation in `location` that ends with `outcome`
/// after `duration`.
fn start_operation(
    call: &ArmCall<'_>,
    world: &mut World,
    location: &str,
    duration: std::time::Duration,
    outcome: Outcome,
) -> OperationHandle {
    let spec = operation_spec(call, world, location, duration, outcome);
    start(call, world, spec)
}

/// Brings the run of template `id` to `now`: writes its due log lines into the staging
/// account's `packerlogs`, and once it stopped makes what its distributors name.
fn advance(shared: &Shared, world: &mut World, id: &str, now: Instant) {
    let Some(template) = templates_mut(world).get_mut(id, now) else {
        return;
    };
    let Some(run) = template.run.as_mut() else {
        return;
    };
    let text = run.take_due_lines(now);
    let stopped = run.stopped_at(now).is_some();
    let succeeded = run.cancel.is_none() && !matches!(run.end, run::End::Failed(_));
    if stopped {
        run.settled = true;
    }
    let log_name = format!("{}/customization.log", run.log_id);
    let failed = run.failed_distributors.clone();
    let snapshot = template.clone();
    if let Some(staging) = &snapshot.staging
        && !text.is_empty()
        && let Err(error) = internal::append_block(
            shared,
            world,
            (&staging.account, staging::LOGS_CONTAINER),
            &log_name,
            text.as_bytes(),
        )
    {
        tracing::warn!(%error, template = %snapshot.name, "image builder: customization.log could not be written");
    }
    if stopped && succeeded {
        let outputs = distribute::settle(shared, world, &snapshot, &failed);
        if let Some(template) = templates_mut(world).get_mut(id, now) {
            template.outputs = outputs;
        }
    }
}
