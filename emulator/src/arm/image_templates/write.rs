//! PUT (create only: Image Builder refuses to update a template) and PATCH (tags, identity,
//! `vmProfile`, `distribute`: `ImageTemplateUpdateParameters`) of a template.
//!
//! A creation is checked, then answered 201 with `Azure-AsyncOperation`; the template is
//! `Creating` for the operation's duration, then `Succeeded`, or `Failed` with its
//! `provisioningError` when a customizer's script or file is on the emulator's Blob service and
//! neither the template's identity (its role assignments) nor the URL's SAS may read it (Image
//! Builder fetches them at submission). Codes (an emulator choice among the spec's values, as
//! Azure's exact ones are not documented): `NoCustomizerScript` for a script, `Other` for a
//! file. URLs elsewhere are accepted without a download.

use hyper::StatusCode;
use serde_json::{Map, Value, json};

use super::plan::customizer_uri;
use super::staging;
use super::template::{ImageTemplate, ProvisioningError};
use super::validate::{self, Definition};
use super::{not_allowed, not_found, start_operation, template_id, templates, templates_mut};
use crate::arm::body;
use crate::arm::error::ArmError;
use crate::arm::route::ArmCall;
use crate::blob::internal::BlobUrl;
use crate::config::IdentityKind;
use crate::http::Reply;
use crate::model::World;
use crate::model::operations::Outcome;
use crate::model::store::Stored;
use crate::rbac::{self, Scope};

/// The action ARM checks on the user-assigned identity a template is given.
const IDENTITY_ASSIGN: &str = "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action";

/// PUT: 409 `Conflict` on an existing template; else the checks, then 201 with the template
/// (`Creating`) and `Azure-AsyncOperation`.
pub(super) fn put(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let (subscription, name) = (call.params[0], call.params[2]);
    let body = body::object(call)?;
    let definition = validate::definition(&body, name, subscription)?;
    let shared = call.shared;
    let now = shared.clock.instant();
    let id = template_id(call);
    let mut world = shared.write();
    let group = call.resource_group(&world)?.clone();
    if templates(&world).and_then(|store| store.get(&id, now)).is_some() {
        return Err(ArmError::new(
            StatusCode::CONFLICT,
            "Conflict",
            "Update/Upgrade of image templates is currently not supported. Please change the name of the template you are submitting.",
        ));
    }
    let (identity, principal_id) = identity_json(&world, &definition.identity_id)?;
    check_assign(call, &world, &definition.identity_id)?;
    let given = definition
        .properties
        .get("stagingResourceGroup")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if let Some(given) = &given {
        staging::check_given(&world, given, now)?;
    }
    let error = unreadable(call, &world, &definition, &principal_id);
    let staging = staging::create(
        shared,
        &mut world,
        (&group, name),
        given.as_deref(),
        &definition.location,
    )?;
    let duration = shared.settings.operation_duration;
    let outcome = match &error {
        None => Outcome::Succeeded,
        Some(error) => Outcome::Failed {
            code: error.code.to_owned(),
            message: error.message.clone(),
            status: 400,
        },
    };
    let handle = start_operation(call, &mut world, &definition.location, duration, outcome);
    let template = ImageTemplate {
        subscription_id: group.subscription_id.clone(),
        resource_group: group.name.clone(),
        name: name.to_owned(),
        location: definition.location,
        tags: definition.tags,
        identity,
        principal_id: Some(principal_id),
        properties: definition.properties,
        provisioned_at: now + duration,
        provisioning_error: error,
        staging: Some(staging),
        run: None,
        outputs: Vec::new(),
        deletion: None,
    };
    let reply = template.to_json(now);
    templates_mut(&mut world).insert(template);
    Ok(handle.with_async_operation(Reply::json(StatusCode::CREATED, &reply)))
}

/// The `identity` as answered, and the identity's object id: the identity must exist.
fn identity_json(world: &World, id: &str) -> Result<(Value, String), ArmError> {
    let found = world
        .identities
        .iter()
        .find(|mi| mi.kind == IdentityKind::User && mi.resource_id.eq_ignore_ascii_case(id))
        .ok_or_else(|| {
            validate::bad_value(
                "ImageTemplate.identity",
                "userAssignedIdentities",
                id,
                "The user-assigned identity was not found.",
            )
        })?;
    let identity = json!({
        "type": "UserAssigned",
        "userAssignedIdentities": { id: { "principalId": found.principal_id, "clientId": found.client_id } },
    });
    Ok((identity, found.principal_id.clone()))
}

/// ARM's linked check: the caller may assign the identity (403 `LinkedAuthorizationFailed`).
fn check_assign(call: &ArmCall<'_>, world: &World, identity: &str) -> Result<(), ArmError> {
    if world
        .authorizer()
        .is_action_allowed(&call.caller.oid, IDENTITY_ASSIGN, &Scope::parse(identity))
    {
        return Ok(());
    }
    Err(crate::arm::rbac_error(rbac::denial::linked_authorization_failed(
        &call.caller.appid,
        &call.caller.oid,
        &format!("{}/write", super::template::TEMPLATE_TYPE),
        &call.request.path,
        &[(IDENTITY_ASSIGN, identity)],
    )))
}

/// Why the template fails to provision: the first customizer script or file on the emulator's
/// Blob service that it cannot read.
fn unreadable(
    call: &ArmCall<'_>,
    world: &World,
    definition: &Definition,
    principal: &str,
) -> Option<ProvisioningError> {
    let customizers = definition.properties.get("customize").and_then(Value::as_array)?;
    customizers.iter().find_map(|customizer| {
        let uri = customizer_uri(customizer)?;
        let url = BlobUrl::parse(call.shared, world, uri)?;
        let error = url.check_read(call.shared, world, Some(principal)).err()?;
        let is_file = customizer.get("type").and_then(Value::as_str) == Some("File");
        Some(ProvisioningError {
            code: if is_file { "Other" } else { "NoCustomizerScript" },
            message: format!(
                "Failed to download '{}' with the template's identity or the URL's SAS: {error}",
                super::log::without_query(uri)
            ),
        })
    })
}

/// PATCH: `tags`, `identity`, `properties.vmProfile` and `properties.distribute` of an existing
/// template that is not running (200 with the template).
pub(super) fn patch(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let body = body::object(call)?;
    let tags = body::tags(&body)?;
    let now = call.shared.clock.instant();
    let mut world = call.shared.write();
    call.resource_group(&world)?;
    let id = template_id(call);
    let existing = templates(&world)
        .and_then(|store| store.get(&id, now))
        .ok_or_else(|| not_found(call))?
        .clone();
    if existing.deletion.is_some() || existing.run.as_ref().is_some_and(|run| run.is_active(now)) {
        return Err(not_allowed("write", &existing, now));
    }
    let identity = match body.get("identity") {
        None | Some(Value::Null) => None,
        Some(_) => {
            let id = validate::identity(&body)?;
            check_assign(call, &world, &id)?;
            Some(identity_json(&world, &id)?)
        }
    };
    let mut properties: Map<String, Value> = existing.properties.clone();
    if let Some(Value::Object(update)) = body.get("properties") {
        for key in ["vmProfile", "distribute"] {
            if let Some(value) = update.get(key) {
                properties.insert(key.to_owned(), value.clone());
            }
        }
    }
    validate::check_properties(&properties, call.params[0])?;
    let template = templates_mut(&mut world)
        .get_mut(&id, now)
        .ok_or_else(|| not_found(call))?;
    if let Some(tags) = tags {
        template.tags = tags;
    }
    if let Some((identity, principal)) = identity {
        template.identity = identity;
        template.principal_id = Some(principal);
    }
    template.properties = properties;
    Ok(Reply::json(StatusCode::OK, &template.to_json(now)))
}
