//! The rules of a whole template, checked before any request: each refusal is one line that
//! names the input (its JSON path in the template) and the rule.
//!
//! The rules are the spec's (patterns, required fields, ranges, the documented "only if"
//! constraints) and those of learn.microsoft.com "Create an Azure Image Builder Bicep or ARM
//! template JSON template" (one user-assigned identity, build timeout, isolated builds).

use super::checks::resource_id;
use super::{source, steps, targets, vm_profile};
use crate::error::Error;
use crate::model::{ImageTemplate, ResourceIdentityType};
use std::collections::BTreeMap;

const IDENTITY_TYPE: &str = "Microsoft.ManagedIdentity/userAssignedIdentities";
/// ARM's tag limits: 50 tags, names of at most 512 characters, values of at most 256
/// (learn.microsoft.com "Use tags to organize your Azure resources", Limitations).
const MAX_TAGS: usize = 50;
const MAX_TAG_NAME: usize = 512;
const MAX_TAG_VALUE: usize = 256;
/// The longest build timeout, in minutes (16 hours).
pub const MAX_BUILD_TIMEOUT_MINUTES: u32 = 960;
/// The shortest non-zero build timeout, in minutes; 0 means Azure's default of 240.
pub const MIN_BUILD_TIMEOUT_MINUTES: u32 = 6;

/// Checks an image template name: `^[A-Za-z0-9-_.]{1,64}$` (the pattern Image Builder enforces).
/// The error names `name`.
///
/// ```
/// assert!(image_builder::validate_template_name("t_1700000000000").is_ok());
/// assert!(image_builder::validate_template_name("my template").is_err());
/// ```
pub fn validate_template_name(name: &str) -> Result<(), Error> {
    if (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Ok(());
    }
    Err(Error::invalid(
        "name",
        format!("'{name}' does not match ^[A-Za-z0-9-_.]{{1,64}}$ (1 to 64 letters, digits, '-', '_', '.')"),
    ))
}

/// Checks a whole template named `name` as Azure would at PUT, before any request: the first
/// rule broken is the error, naming the field by its JSON path (e.g.
/// `properties.customize[1].runAsSystem`).
///
/// Read-only fields are ignored; kinds of source, customizer or distributor newer than this
/// crate are left to Azure.
pub fn validate_template(name: &str, template: &ImageTemplate) -> Result<(), Error> {
    validate_template_name(name)?;
    if template.location.trim().is_empty() {
        return Err(Error::invalid(
            "location",
            "required: the region the build runs in, e.g. westeurope",
        ));
    }
    if let Some(tags) = &template.tags {
        check_tags("tags", tags)?;
    }
    identity(template)?;
    let properties = &template.properties;
    source::check(&properties.source)?;
    for (i, step) in properties.customize.iter().flatten().enumerate() {
        steps::customizer(&format!("properties.customize[{i}]"), step)?;
    }
    if let Some(validate) = &properties.validate {
        for (i, step) in validate.in_vm_validations.iter().flatten().enumerate() {
            steps::validator(&format!("properties.validate.inVMValidations[{i}]"), step)?;
        }
    }
    targets::check(&properties.distribute)?;
    if let Some(minutes) = properties.build_timeout_in_minutes {
        build_timeout(minutes)?;
    }
    if let Some(profile) = &properties.vm_profile {
        vm_profile::check(profile)?;
    }
    if let Some(group) = properties.staging_resource_group.as_deref().filter(|g| !g.is_empty()) {
        staging_resource_group(group)?;
    }
    if let Some(tags) = &properties.managed_resource_tags {
        check_tags("properties.managedResourceTags", tags)?;
    }
    Ok(())
}

/// Exactly one user-assigned identity: Image Builder "supports only a single user-assigned
/// identity" and needs it to read sources and write targets.
fn identity(template: &ImageTemplate) -> Result<(), Error> {
    let Some(identity) = &template.identity else {
        return Err(Error::invalid(
            "identity",
            "required: one user-assigned managed identity (Image Builder builds with it)",
        ));
    };
    if let Some(kind) = identity
        .identity_type
        .as_ref()
        .filter(|k| **k != ResourceIdentityType::UserAssigned)
    {
        return Err(Error::invalid(
            "identity.type",
            format!("'{kind}' is not supported; Image Builder takes exactly one UserAssigned identity"),
        ));
    }
    let ids: Vec<&str> = identity.resource_ids().collect();
    match ids.as_slice() {
        [id] => resource_id("identity.userAssignedIdentities", id, IDENTITY_TYPE).map(drop),
        _ => Err(Error::invalid(
            "identity.userAssignedIdentities",
            format!(
                "found {} identities; Image Builder takes exactly one user-assigned identity",
                ids.len()
            ),
        )),
    }
}

/// 0 (Azure's default, 240 minutes) or 6 to 960 minutes.
fn build_timeout(minutes: u32) -> Result<(), Error> {
    if minutes == 0 || (MIN_BUILD_TIMEOUT_MINUTES..=MAX_BUILD_TIMEOUT_MINUTES).contains(&minutes) {
        return Ok(());
    }
    Err(Error::invalid(
        "properties.buildTimeoutInMinutes",
        format!(
            "{minutes} is out of range; expected 0 (the default, 240) or {MIN_BUILD_TIMEOUT_MINUTES} to {MAX_BUILD_TIMEOUT_MINUTES}"
        ),
    ))
}

/// A resource group id (`/subscriptions/<id>/resourceGroups/<name>`), not a bare name.
fn staging_resource_group(group: &str) -> Result<(), Error> {
    const FIELD: &str = "properties.stagingResourceGroup";
    let id = arm_core::ResourceId::parse(group).map_err(|e| Error::invalid(FIELD, e.to_string()))?;
    if id.resource_group().is_none() || id.namespace().is_some() {
        return Err(Error::invalid(
            FIELD,
            format!("'{group}' is not a resource group id; expected /subscriptions/<id>/resourceGroups/<name>"),
        ));
    }
    Ok(())
}

fn check_tags(field: &str, tags: &BTreeMap<String, String>) -> Result<(), Error> {
    if tags.len() > MAX_TAGS {
        return Err(Error::invalid(
            field,
            format!("{} tags; Azure allows at most {MAX_TAGS}", tags.len()),
        ));
    }
    for (name, value) in tags {
        if name.is_empty() || name.chars().count() > MAX_TAG_NAME {
            return Err(Error::invalid(
                field,
                format!("tag name '{name}' must have 1 to {MAX_TAG_NAME} characters"),
            ));
        }
        if value.chars().count() > MAX_TAG_VALUE {
            return Err(Error::invalid(
                format!("{field}.{name}"),
                format!("the value has more than {MAX_TAG_VALUE} characters"),
            ));
        }
    }
    Ok(())
}
