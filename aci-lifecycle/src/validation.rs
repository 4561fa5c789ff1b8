//! Client-side checks of names and container group definitions, run before any request so that
//! a mistake costs no Azure call and the error names the field.

use crate::error::Error;
use crate::models::{ContainerGroup, IpAddressType};
use arm_core::ResourceId;
use std::collections::HashSet;

/// The most CPU cores a container group may request (the largest ACI offers, in some regions).
pub const MAX_CPU: f64 = 31.0;
/// The most memory, in GB, a container group may request.
pub const MAX_MEMORY_GB: f64 = 240.0;

const SUBNET_TYPE: &str = "Microsoft.Network/virtualNetworks/subnets";

pub(crate) fn subscription_id(value: &str) -> Result<(), Error> {
    arm_core::resource_groups::validate_subscription_id(value).map_err(Error::from)
}

/// The same error, about the environment variable `variable` that held the value.
pub(crate) fn named(error: Error, variable: &str) -> Error {
    match error {
        Error::InvalidInput { message, .. } | Error::Arm(arm_core::Error::InvalidInput { message, .. }) => {
            Error::invalid(variable, message)
        }
        other => other,
    }
}

pub(crate) fn resource_group_name(value: &str) -> Result<(), Error> {
    arm_core::resource_groups::validate_name(value).map_err(Error::from)
}

/// Checks a name of ACI's rule: 1 to 63 lowercase letters, digits and hyphens, not starting or
/// ending with a hyphen.
fn aci_name(field: &str, value: &str) -> Result<(), Error> {
    let fail = |why: &str| {
        Err(Error::invalid(
            field,
            format!(
                "'{value}' {why}; expected 1 to 63 lowercase letters, digits and hyphens, not starting or ending with a hyphen"
            ),
        ))
    };
    if value.is_empty() || value.len() > 63 {
        return fail("has a bad length");
    }
    if value.starts_with('-') || value.ends_with('-') {
        return fail("starts or ends with a hyphen");
    }
    if !value
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return fail("has a character that is not allowed");
    }
    Ok(())
}

/// Checks a container group name as ACI does: 1 to 63 lowercase letters, digits and hyphens,
/// not starting or ending with a hyphen. The error names `container_group_name`.
///
/// ```
/// assert!(aci_lifecycle::validate_group_name("agent-42").is_ok());
/// assert!(aci_lifecycle::validate_group_name("Agent_42").is_err());
/// ```
pub fn group_name(value: &str) -> Result<(), Error> {
    aci_name("container_group_name", value)
}

pub(crate) fn container_name(field: &str, value: &str) -> Result<(), Error> {
    aci_name(field, value)
}

/// Checks a whole container group definition as
/// [`ContainerGroupsClient::begin_create_or_update`](crate::ContainerGroupsClient::begin_create_or_update)
/// does before it sends it; the error names the field.
pub fn container_group(group: &ContainerGroup) -> Result<(), Error> {
    if group.location.as_deref().is_none_or(|l| l.trim().is_empty()) {
        return Err(Error::invalid(
            "location",
            "is missing; expected an Azure region such as 'westeurope'",
        ));
    }
    let properties = &group.properties;
    if properties.os_type.is_none() {
        return Err(Error::invalid("os_type", "is missing; expected Linux or Windows"));
    }
    if properties.containers.is_empty() {
        return Err(Error::invalid(
            "containers",
            "is empty; a container group needs at least one container",
        ));
    }
    let mut names = HashSet::new();
    let (mut cpu, mut memory) = (0.0, 0.0);
    for (i, container) in properties.containers.iter().enumerate() {
        let at = format!("containers[{i}]");
        container_name(&format!("{at}.name"), &container.name)?;
        if !names.insert(container.name.as_str()) {
            return Err(Error::invalid(
                format!("{at}.name"),
                format!("'{}' is used by two containers", container.name),
            ));
        }
        let props = &container.properties;
        if props.image.as_deref().is_none_or(|i| i.trim().is_empty()) {
            return Err(Error::invalid(
                format!("{at}.image"),
                "is missing; expected an image such as 'mcr.microsoft.com/azure-cli:latest'",
            ));
        }
        let Some(resources) = &props.resources else {
            return Err(Error::invalid(
                format!("{at}.resources"),
                "is missing; expected CPU and memory requests",
            ));
        };
        let requests = &resources.requests;
        if !(requests.cpu > 0.0 && requests.cpu <= MAX_CPU) {
            return Err(Error::invalid(
                format!("{at}.resources.requests.cpu"),
                format!(
                    "{} is out of range; expected more than 0 and at most {MAX_CPU}",
                    requests.cpu
                ),
            ));
        }
        let tenths = requests.memory_in_gb * 10.0;
        if !(requests.memory_in_gb > 0.0 && requests.memory_in_gb <= MAX_MEMORY_GB)
            || (tenths - tenths.round()).abs() > 1e-9
        {
            return Err(Error::invalid(
                format!("{at}.resources.requests.memory_in_gb"),
                format!(
                    "{} is out of range; expected a multiple of 0.1 GB, more than 0 and at most {MAX_MEMORY_GB}",
                    requests.memory_in_gb
                ),
            ));
        }
        cpu += requests.cpu;
        memory += requests.memory_in_gb;
        let mut env_names = HashSet::new();
        for (j, variable) in props.environment_variables.iter().flatten().enumerate() {
            let field = format!("{at}.environment_variables[{j}]");
            if variable.name.trim().is_empty() {
                return Err(Error::invalid(format!("{field}.name"), "is empty"));
            }
            if !env_names.insert(variable.name.as_str()) {
                return Err(Error::invalid(
                    format!("{field}.name"),
                    format!("'{}' is set twice in container '{}'", variable.name, container.name),
                ));
            }
            if variable.value.is_some() && variable.secure_value.is_some() {
                return Err(Error::invalid(
                    field,
                    format!("'{}' has both a value and a secure value; set one", variable.name),
                ));
            }
        }
    }
    if cpu > MAX_CPU || memory > MAX_MEMORY_GB {
        return Err(Error::invalid(
            "containers",
            format!(
                "request {cpu} CPU and {memory} GB in all; a container group may have at most {MAX_CPU} CPU and {MAX_MEMORY_GB} GB"
            ),
        ));
    }
    for (i, subnet) in properties.subnet_ids.iter().flatten().enumerate() {
        let field = format!("subnet_ids[{i}]");
        let id: ResourceId = subnet
            .id
            .parse()
            .map_err(|e: arm_core::ResourceIdError| Error::invalid(&field, e.to_string()))?;
        if !id.is_type(SUBNET_TYPE) {
            return Err(Error::invalid(
                field,
                format!("'{}' is not a {SUBNET_TYPE} resource id", subnet.id),
            ));
        }
    }
    let private = properties
        .ip_address
        .as_ref()
        .is_some_and(|ip| ip.address_type == IpAddressType::Private);
    if private && properties.subnet_ids.as_ref().is_none_or(Vec::is_empty) {
        return Err(Error::invalid(
            "ip_address",
            "is Private but subnet_ids is empty; a private IP needs the subnet to take it from",
        ));
    }
    for (i, credential) in properties.image_registry_credentials.iter().flatten().enumerate() {
        let field = format!("image_registry_credentials[{i}]");
        if credential.server.trim().is_empty() {
            return Err(Error::invalid(
                format!("{field}.server"),
                "is empty; expected a registry host such as 'contoso.azurecr.io'",
            ));
        }
        if credential.password.is_none() && credential.identity.is_none() && credential.password_reference.is_none() {
            return Err(Error::invalid(
                field,
                format!("for '{}' has neither a password nor an identity", credential.server),
            ));
        }
    }
    Ok(())
}
