//! Service principals and managed identities from their seeds.

use std::time::Instant;

use super::references::{subscription_ref, tenant_ref, unique_ids};
use crate::config::{IdentityKind, ManagedIdentitySeed, ServicePrincipalSeed};
use crate::error::Error;
use crate::model::principals::{FederatedCredential, ManagedIdentity, ServicePrincipal};
use crate::model::{World, ids};
use crate::random;

pub(super) fn service_principal(
    world: &World,
    seed: &ServicePrincipalSeed,
    field: &str,
) -> Result<ServicePrincipal, Error> {
    let tenant_id = tenant_ref(world, seed.tenant_id.as_deref(), &format!("{field}.tenant_id"))?;
    let (client_id, object_id) = unique_ids(
        world,
        seed.client_id.as_deref(),
        seed.object_id.as_deref(),
        field,
        "object_id",
    )?;
    let client_secret = match &seed.client_secret {
        Some(secret) if secret.is_empty() => {
            return Err(Error::invalid(format!("{field}.client_secret"), "must not be empty"));
        }
        Some(secret) => secret.clone(),
        None => random::secret(40)?,
    };
    let mut federated_credentials = Vec::new();
    for (i, credential) in seed.federated_credentials.iter().enumerate() {
        if credential.issuer.is_empty() || credential.subject.is_empty() {
            return Err(Error::invalid(
                format!("{field}.federated_credentials[{i}]"),
                "issuer and subject must not be empty",
            ));
        }
        federated_credentials.push(FederatedCredential {
            issuer: credential.issuer.clone(),
            subject: credential.subject.clone(),
            audience: credential.audience.clone(),
        });
    }
    Ok(ServicePrincipal {
        name: seed
            .name
            .clone()
            .unwrap_or_else(|| format!("sp-{}", world.service_principals.len() + 1)),
        tenant_id,
        client_id,
        client_secret,
        object_id,
        federated_credentials,
    })
}

pub(super) fn managed_identity(
    world: &World,
    seed: &ManagedIdentitySeed,
    field: &str,
    now: Instant,
) -> Result<ManagedIdentity, Error> {
    let tenant_id = tenant_ref(world, seed.tenant_id.as_deref(), &format!("{field}.tenant_id"))?;
    let (client_id, principal_id) = unique_ids(
        world,
        seed.client_id.as_deref(),
        seed.principal_id.as_deref(),
        field,
        "principal_id",
    )?;
    let name = match (seed.kind, &seed.name) {
        (_, Some(name)) if name.is_empty() || name.contains('/') => {
            return Err(Error::invalid(
                format!("{field}.name"),
                format!("'{name}' is not a resource name"),
            ));
        }
        (_, Some(name)) => name.clone(),
        (IdentityKind::User, None) => {
            return Err(Error::invalid(
                format!("{field}.name"),
                "a user-assigned identity needs a name",
            ));
        }
        (IdentityKind::System, None) => "system".to_owned(),
    };
    if seed.kind == IdentityKind::System && world.identities.iter().any(|mi| mi.kind == IdentityKind::System) {
        return Err(Error::invalid(
            format!("{field}.kind"),
            "there can be only one system-assigned identity",
        ));
    }
    let resource_id = match &seed.resource_id {
        Some(id) if id.starts_with("/subscriptions/") => id.clone(),
        Some(id) => {
            return Err(Error::invalid(
                format!("{field}.resource_id"),
                format!("'{id}' is not a resource id"),
            ));
        }
        None => {
            let subscription_id = subscription_ref(
                world,
                seed.subscription_id.as_deref(),
                &format!("{field}.subscription_id"),
            )?;
            let group = identity_group(world, &subscription_id, seed, field, now)?;
            match seed.kind {
                IdentityKind::User => format!(
                    "/subscriptions/{subscription_id}/resourceGroups/{group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}"
                ),
                IdentityKind::System => format!(
                    "/subscriptions/{subscription_id}/resourceGroups/{group}/providers/Microsoft.Compute/virtualMachines/az-emulator-host"
                ),
            }
        }
    };
    Ok(ManagedIdentity {
        kind: seed.kind,
        name,
        tenant_id,
        client_id,
        principal_id,
        resource_id,
    })
}

/// The resource group an identity lives in: the named one (which must exist) or the
/// subscription's first.
fn identity_group(
    world: &World,
    subscription_id: &str,
    seed: &ManagedIdentitySeed,
    field: &str,
    now: Instant,
) -> Result<String, Error> {
    match &seed.resource_group {
        Some(name) => world
            .groups
            .get(&ids::resource_group(subscription_id, name), now)
            .map(|g| g.name.clone())
            .ok_or_else(|| {
                Error::invalid(
                    format!("{field}.resource_group"),
                    format!("resource group '{name}' does not exist in subscription '{subscription_id}'"),
                )
            }),
        None => world
            .groups
            .under(&ids::resource_groups_of(subscription_id), now)
            .next()
            .map(|g| g.name.clone())
            .ok_or_else(|| {
                Error::invalid(
                    format!("{field}.resource_group"),
                    format!(
                        "subscription '{subscription_id}' has no resource group; set resource_group or resource_id"
                    ),
                )
            }),
    }
}
