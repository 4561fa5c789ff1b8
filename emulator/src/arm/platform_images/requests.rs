//! The platform image requests: the versions of a SKU, and one version.

use hyper::StatusCode;
use serde_json::{Value, json};

use crate::arm::error::ArmError;
use crate::arm::galleries::compute::invalid;
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::compute::{PlatformImage, platform_image, platform_images};
use crate::model::regions;
use crate::model::store::Stored;

/// Compute's 404 for an image it does not have.
fn not_found() -> ArmError {
    ArmError::new(StatusCode::NOT_FOUND, "NotFound", "Artifact: VMImage was not found.")
}

/// The region of the path, normalized; an unknown region has no images.
fn location(call: &ArmCall<'_>) -> Result<String, ArmError> {
    regions::normalize(call.params[1]).ok_or_else(not_found)
}

/// `image` as the API answers it in region `location`, with `properties` when `full`.
fn image_json(call: &ArmCall<'_>, image: &PlatformImage, location: &str, full: bool) -> Value {
    let now = call.shared.clock.instant();
    let mut body = image.to_json(now);
    body["location"] = location.into();
    body["id"] = image.arm_id(call.params[0], location).into();
    if !full && let Value::Object(fields) = &mut body {
        fields.remove("properties");
    }
    body
}

/// Whether `$orderby` asks for descending names: `name`, `name asc` or `name desc` (any case).
fn descending(call: &ArmCall<'_>) -> Result<bool, ArmError> {
    let Some(order) = call.request.query("$orderby") else {
        return Ok(false);
    };
    let words: Vec<String> = order.split_whitespace().map(str::to_lowercase).collect();
    match words.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["name"] | ["name", "asc"] => Ok(false),
        ["name", "desc"] => Ok(true),
        _ => Err(invalid(format!(
            "The value '{order}' of query parameter '$orderby' is not valid. Only 'name', 'name asc' and 'name desc' are supported."
        ))),
    }
}

/// `$top`: a positive integer, if given.
fn top(call: &ArmCall<'_>) -> Result<Option<usize>, ArmError> {
    let Some(raw) = call.request.query("$top") else {
        return Ok(None);
    };
    match raw.parse::<usize>() {
        Ok(top) if top > 0 => Ok(Some(top)),
        _ => Err(invalid(format!(
            "The value '{raw}' of query parameter '$top' is not valid. It must be a positive integer."
        ))),
    }
}

/// GET of a SKU's versions: a JSON array of `{location, name, id}`, oldest first (newest first
/// with `$orderby=name desc`), at most `$top`.
pub(super) fn list(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let location = location(call)?;
    let (descending, top) = (descending(call)?, top(call)?);
    let now = call.shared.clock.instant();
    let world = call.shared.read();
    let mut images = platform_images(&world, &location, call.params[2], call.params[3], call.params[4], now);
    if descending {
        images.reverse();
    }
    let items: Vec<Value> = images
        .iter()
        .take(top.unwrap_or(usize::MAX))
        .map(|image| image_json(call, image, &location, false))
        .collect();
    Ok(Reply::json(StatusCode::OK, &json!(items)))
}

/// GET of one version (`latest`: the newest), or 404 `NotFound`.
pub(super) fn get(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let location = location(call)?;
    let now = call.shared.clock.instant();
    let world = call.shared.read();
    let params = &call.params;
    let image = platform_image(&world, &location, params[2], params[3], params[4], params[5], now).ok_or_else(not_found)?;
    Ok(Reply::json(StatusCode::OK, &image_json(call, &image, &location, true)))
}
