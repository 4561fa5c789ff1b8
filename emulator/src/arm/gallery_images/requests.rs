//! The requests on image definitions: GET, PUT, DELETE of one, and the list of a gallery.

use hyper::StatusCode;
use serde_json::{Map, Value};

use crate::arm::body::{self, object_at, string_at};
use crate::arm::error::ArmError;
use crate::arm::galleries::compute::{self, NameRule, change_not_allowed, missing, one_of};
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::compute::{
    GALLERY_TYPE, GalleryImage, IMAGE_DEFINITION_TYPE, ImageIdentifier, gallery, gallery_image,
    Lifecycle, insert_gallery_image, versions_of,
};
use crate::model::ids;
use crate::model::store::Stored;

/// Image definition names: letters, digits, hyphens, underscores and periods.
const NAME: NameRule = NameRule {
    kind: "gallery image",
    punctuation: &['-', '_', '.'],
    may_end_with_underscore: false,
    words: "The name can contain only letters, numbers, hyphens, underscores and periods, and must start and end with a letter or number.",
};

/// The properties whose values the emulator models (the others are echoed).
const MODELLED: &[&str] = &[
    "osType",
    "osState",
    "hyperVGeneration",
    "architecture",
    "identifier",
    "provisioningState",
];

/// Routes a request on one definition by method.
pub(super) fn item(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    match call.request.method.as_str() {
        "GET" => get(call),
        "PUT" => put(call),
        _ => delete(call),
    }
}

/// The id of the gallery of the request's path.
fn gallery_id(call: &ArmCall<'_>) -> String {
    ids::resource(call.params[0], call.params[1], GALLERY_TYPE, call.params[2])
}

/// The id of the definition of the request's path.
fn image_id(call: &ArmCall<'_>) -> String {
    format!("{}/images/{}", gallery_id(call), call.params[3])
}

/// ARM's 404 for the definition of the path.
fn not_found(call: &ArmCall<'_>) -> ArmError {
    let name = format!("{}/{}", call.params[2], call.params[3]);
    ArmError::resource_not_found(IMAGE_DEFINITION_TYPE, &name, call.params[1])
}

/// GET: the definition, or 404 `ResourceNotFound`.
fn get(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    compute::get::<GalleryImage>(call, &image_id(call), || not_found(call))
}

/// What a PUT asks for.
struct Requested {
    os_type: String,
    os_state: String,
    hyper_v_generation: String,
    architecture: String,
    identifier: ImageIdentifier,
    other_properties: Map<String, Value>,
}

impl Requested {
    /// Reads and checks `properties`: `osType`, `osState` and `identifier` (`publisher`,
    /// `offer`, `sku`) are required; `hyperVGeneration` is `V1` (default) or `V2`,
    /// `architecture` `x64` (default) or `Arm64`.
    fn parse(body: &Map<String, Value>) -> Result<Requested, ArmError> {
        let properties = compute::properties(body)?;
        let path = "properties";
        let os_type = one_of(properties, "osType", path, &["Windows", "Linux"], "OperatingSystemTypes")?
            .ok_or_else(|| missing("osType"))?;
        let os_state = one_of(properties, "osState", path, &["Generalized", "Specialized"], "OperatingSystemStateTypes")?
            .ok_or_else(|| missing("osState"))?;
        let hyper_v_generation = one_of(properties, "hyperVGeneration", path, &["V1", "V2"], "HyperVGeneration")?
            .unwrap_or_else(|| "V1".to_owned());
        let architecture = one_of(properties, "architecture", path, &["x64", "Arm64"], "Architecture")?
            .unwrap_or_else(|| "x64".to_owned());
        if properties.get("identifier").is_none_or(Value::is_null) {
            return Err(missing("identifier"));
        }
        let identifier = object_at(properties, "identifier", path)?;
        let part = |key: &str| -> Result<String, ArmError> {
            string_at(identifier, key, "properties.identifier")?
                .filter(|value| !value.trim().is_empty())
                .map(str::to_owned)
                .ok_or_else(|| missing(&format!("identifier.{key}")))
        };
        let identifier = ImageIdentifier {
            publisher: part("publisher")?,
            offer: part("offer")?,
            sku: part("sku")?,
        };
        let other_properties = properties
            .iter()
            .filter(|(key, _)| !MODELLED.contains(&key.as_str()))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        Ok(Requested {
            os_type,
            os_state,
            hyper_v_generation,
            architecture,
            identifier,
            other_properties,
        })
    }

    /// 409 `PropertyChangeNotAllowed` if it would change what a definition cannot change.
    fn check_unchanged(&self, existing: &GalleryImage) -> Result<(), ArmError> {
        let changes = [
            ("osType", existing.os_type != self.os_type),
            ("osState", existing.os_state != self.os_state),
            ("hyperVGeneration", existing.hyper_v_generation != self.hyper_v_generation),
            ("identifier", existing.identifier != self.identifier),
        ];
        match changes.iter().find(|(_, changed)| *changed) {
            Some((name, _)) => Err(change_not_allowed(name)),
            None => Ok(()),
        }
    }
}

/// PUT: creates a definition in an existing gallery (201, `Creating` until its operation
/// completes) or updates one (200).
fn put(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    NAME.check(call.params[3])?;
    let body = body::object(call)?;
    let location = body::location(&body, Some(IMAGE_DEFINITION_TYPE))?;
    let tags = body::tags(&body)?.unwrap_or_default();
    let requested = Requested::parse(&body)?;
    let now = call.shared.clock.instant();
    let mut world = call.shared.write();
    call.resource_group(&world)?;
    let gallery_id = gallery_id(call);
    if gallery(&world, &gallery_id, now).is_none() {
        return Err(compute::parent_not_found(IMAGE_DEFINITION_TYPE, &gallery_id));
    }
    let image = GalleryImage {
        gallery_id,
        name: call.params[3].to_owned(),
        location,
        tags,
        os_type: requested.os_type.clone(),
        os_state: requested.os_state.clone(),
        hyper_v_generation: requested.hyper_v_generation.clone(),
        identifier: requested.identifier.clone(),
        architecture: requested.architecture.clone(),
        other_properties: requested.other_properties.clone(),
        lifecycle: Lifecycle::ready_at(now + call.shared.settings.operation_duration),
    };
    if let Some(existing) = gallery_image(&world, &image_id(call), now) {
        if existing.location != image.location {
            let name = format!("{}/{}", call.params[2], call.params[3]);
            return Err(ArmError::location_conflict(&name, call.params[1], &existing.location, &image.location));
        }
        requested.check_unchanged(existing)?;
        let updated = GalleryImage {
            name: existing.name.clone(),
            lifecycle: existing.lifecycle.clone(),
            ..image
        };
        let reply = Reply::json(StatusCode::OK, &updated.to_json(now));
        insert_gallery_image(&mut world, updated);
        return Ok(reply);
    }
    let reply = compute::created(call, &mut world, &image.location, &image.to_json(now));
    insert_gallery_image(&mut world, image);
    Ok(reply)
}

/// DELETE: 409 `CannotDeleteResource` while the definition has versions; else
/// [`compute::delete`]'s answers.
fn delete(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let id = image_id(call);
    compute::delete::<GalleryImage>(call, &id, |world, now| !versions_of(world, &id, now).is_empty())
}

/// GET of a gallery's definitions (404 when the gallery does not exist).
pub(super) fn list(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let now = call.shared.clock.instant();
    let world = call.shared.read();
    call.resource_group(&world)?;
    let gallery_id = gallery_id(call);
    if gallery(&world, &gallery_id, now).is_none() {
        return Err(ArmError::resource_not_found(GALLERY_TYPE, call.params[2], call.params[1]));
    }
    compute::list_under::<GalleryImage>(call, &world, &format!("{gallery_id}/images/"))
}
