//! Turning seed records into state: random ids for what is left out, "the first one" for
//! references left out, and precise errors for references to nothing.

mod principals;
mod references;
mod resources;
mod roles;

use std::time::Instant;

use serde::Serialize;

use super::World;
use super::principals::{ManagedIdentity, ServicePrincipal, Tenant};
use super::roles::{SeededAssignment, assign};
use super::store::Stored;
use super::subscriptions::Subscription;
use crate::config::SeedSections;
use crate::error::Error;
use principals::{managed_identity, service_principal};
use references::resolve_principal;
pub(crate) use resources::location;
use resources::{resource_group, subscription, tenant};
use roles::{grant_role, scope};

/// What applying seeds created, with every id resolved.
#[derive(Serialize, Default, Debug)]
pub(crate) struct Seeded {
    pub tenants: Vec<Tenant>,
    pub service_principals: Vec<ServicePrincipal>,
    pub managed_identities: Vec<ManagedIdentity>,
    pub subscriptions: Vec<Subscription>,
    pub resource_groups: Vec<SeededGroup>,
    pub role_assignments: Vec<SeededAssignment>,
}

/// A created resource group.
#[derive(Serialize, Debug)]
pub(crate) struct SeededGroup {
    pub id: String,
    pub subscription_id: String,
    pub name: String,
    pub location: String,
}

/// Applies `seeds` to `world` at the emulator time `now`. On error `world` may be partly
/// changed: apply to a copy.
pub(crate) fn apply(
    world: &mut World,
    seeds: &SeedSections,
    default_location: &str,
    now: Instant,
) -> Result<Seeded, Error> {
    let mut seeded = Seeded::default();
    for (i, seed) in seeds.tenants.iter().enumerate() {
        let tenant = tenant(world, seed, &format!("tenants[{i}]"))?;
        world.tenants.push(tenant.clone());
        seeded.tenants.push(tenant);
    }
    for (i, seed) in seeds.subscriptions.iter().enumerate() {
        let field = format!("subscriptions[{i}]");
        let subscription = subscription(world, seed, &field)?;
        world.subscriptions.push(subscription.clone());
        seeded.subscriptions.push(subscription);
    }
    for (i, seed) in seeds.resource_groups.iter().enumerate() {
        let field = format!("resource_groups[{i}]");
        let group = resource_group(world, seed, default_location, &field, now)?;
        seeded.resource_groups.push(SeededGroup {
            id: group.id(),
            subscription_id: group.subscription_id.clone(),
            name: group.name.clone(),
            location: group.location.clone(),
        });
        world.groups.insert(group);
    }
    for (i, seed) in seeds.service_principals.iter().enumerate() {
        let field = format!("service_principals[{i}]");
        let principal = service_principal(world, seed, &field)?;
        world.service_principals.push(principal.clone());
        for (j, grant) in seed.roles.iter().enumerate() {
            let assignment = grant_role(world, &principal.object_id, grant, &field, j)?;
            seeded.role_assignments.push(assignment);
        }
        seeded.service_principals.push(principal);
    }
    for (i, seed) in seeds.managed_identities.iter().enumerate() {
        let field = format!("managed_identities[{i}]");
        let identity = managed_identity(world, seed, &field, now)?;
        world.identities.push(identity.clone());
        for (j, grant) in seed.roles.iter().enumerate() {
            let assignment = grant_role(world, &identity.principal_id, grant, &field, j)?;
            seeded.role_assignments.push(assignment);
        }
        seeded.managed_identities.push(identity);
    }
    for (i, seed) in seeds.role_assignments.iter().enumerate() {
        let field = format!("role_assignments[{i}]");
        let principal_id = resolve_principal(world, &seed.principal_id)
            .ok_or_else(|| {
                Error::invalid(
                    format!("{field}.principal_id"),
                    format!(
                        "no service principal or managed identity has the object or client id '{}'",
                        seed.principal_id
                    ),
                )
            })?
            .to_owned();
        let scope = scope(
            world,
            seed.scope.as_deref(),
            seed.subscription_id.as_deref(),
            seed.resource_group.as_deref(),
            &field,
        )?;
        seeded
            .role_assignments
            .push(assign(world, &principal_id, seed.role, scope));
    }
    Ok(seeded)
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::apply;
    use crate::config::EmulatorConfig;
    use crate::model::World;
    use crate::rbac::Scope;

    #[test]
    fn default_config_gives_owner_and_contributor() {
        let config = EmulatorConfig::default();
        let mut world = World::default();
        let seeded = apply(&mut world, &config.seed_sections(), "eastus", Instant::now()).expect("applies");
        let sub = &seeded.subscriptions[0].id;
        let sp = &seeded.service_principals[0];
        let mi = &seeded.managed_identities[0];
        assert!(sp.client_secret.len() >= 32);
        assert_eq!(
            mi.resource_id,
            format!(
                "/subscriptions/{sub}/resourceGroups/rg-emulator/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-emulator"
            )
        );
        let rg = Scope::parse(&format!("/subscriptions/{sub}/resourcegroups/rg-emulator"));
        let other = Scope::parse(&format!("/subscriptions/{sub}/resourcegroups/other"));
        let (write, delete) = (
            "Microsoft.Resources/subscriptions/resourceGroups/write",
            "Microsoft.Resources/subscriptions/resourceGroups/delete",
        );
        let authorizer = world.authorizer();
        assert!(authorizer.is_action_allowed(&sp.object_id, delete, &other));
        assert!(authorizer.is_action_allowed(&mi.principal_id, write, &rg));
        assert!(!authorizer.is_action_allowed(
            &mi.principal_id,
            "Microsoft.Resources/subscriptions/resourceGroups/read",
            &other
        ));
    }

    #[test]
    fn references_to_nothing_name_the_field() {
        let config = EmulatorConfig::from_toml_str(
            r#"
            [[tenants]]
            [[subscriptions]]
            tenant_id = "00000000-0000-0000-0000-000000000001"
            "#,
        )
        .expect("parses");
        let error = apply(&mut World::default(), &config.seed_sections(), "eastus", Instant::now()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid config: subscriptions[0].tenant_id: tenant '00000000-0000-0000-0000-000000000001' is not defined"
        );
    }
}
