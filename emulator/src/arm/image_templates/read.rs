//! GET of a template and of the run outputs (learn.microsoft.com "Virtual Machine Image
//! Templates - Get", "- List Run Outputs", "- Get Run Output"); the lists are the generic ones
//! of [`crate::arm::galleries::compute`].

use hyper::StatusCode;
use serde_json::json;

use super::template::ImageTemplate;
use super::{not_found, template_id, templates};
use crate::arm::error::ArmError;
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::store::Stored;
use crate::model::World;

/// The template of the path (404 when missing).
fn find<'w>(call: &ArmCall<'_>, world: &'w World) -> Result<&'w ImageTemplate, ArmError> {
    call.resource_group(world)?;
    templates(world)
        .and_then(|store| store.get(&template_id(call), call.shared.clock.instant()))
        .ok_or_else(|| not_found(call))
}

/// GET: the template.
pub(super) fn get(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let world = call.shared.read();
    let template = find(call, &world)?;
    Ok(Reply::json(
        StatusCode::OK,
        &template.to_json(call.shared.clock.instant()),
    ))
}

/// GET runOutputs: the outputs of the last run.
pub(super) fn list_outputs(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let world = call.shared.read();
    let template = find(call, &world)?;
    let id = template.id();
    let value: Vec<_> = template.outputs.iter().map(|output| output.to_json(&id)).collect();
    Ok(Reply::json(StatusCode::OK, &json!({ "value": value })))
}

/// GET runOutputs/{name}: one output (404 `ResourceNotFound` when the last run made none of
/// that name).
pub(super) fn get_output(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let world = call.shared.read();
    let template = find(call, &world)?;
    let name = call.params[3];
    let output = template
        .outputs
        .iter()
        .find(|output| output.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| {
            ArmError::new(
                StatusCode::NOT_FOUND,
                "ResourceNotFound",
                format!(
                    "The run output '{name}' of image template '{}' was not found.",
                    template.name
                ),
            )
        })?;
    Ok(Reply::json(StatusCode::OK, &output.to_json(&template.id())))
}
