//! `POST /seed`: adds principals, identities, subscriptions, resource groups and role
//! assignments while the emulator runs.

use hyper::StatusCode;
use serde::Deserialize;

use super::error;
use crate::config::{
    ManagedIdentitySeed, ResourceGroupSeed, RoleAssignmentSeed, ServicePrincipalSeed, SubscriptionSeed, TenantSeed,
};
use crate::http::{Reply, Request};
use crate::model::seeding::{self, Seeds};
use crate::shared::Shared;

/// The body: the seed sections of the config file, in JSON.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct SeedBody {
    tenants: Vec<TenantSeed>,
    service_principals: Vec<ServicePrincipalSeed>,
    managed_identities: Vec<ManagedIdentitySeed>,
    subscriptions: Vec<SubscriptionSeed>,
    resource_groups: Vec<ResourceGroupSeed>,
    role_assignments: Vec<RoleAssignmentSeed>,
}

/// Applies the seeds atomically and answers with what was created (every id resolved).
pub(crate) fn handle(shared: &Shared, request: &Request) -> Reply {
    let body: SeedBody = match serde_json::from_slice(&request.body) {
        Ok(body) => body,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    let seeds = Seeds {
        tenants: &body.tenants,
        service_principals: &body.service_principals,
        managed_identities: &body.managed_identities,
        subscriptions: &body.subscriptions,
        resource_groups: &body.resource_groups,
        role_assignments: &body.role_assignments,
    };
    let mut world = shared.write();
    let mut next = world.clone();
    match seeding::apply(&mut next, &seeds, &shared.settings.location) {
        Ok(seeded) => {
            *world = next;
            Reply::json(StatusCode::OK, &seeded)
        }
        Err(e) => error(StatusCode::BAD_REQUEST, &e.to_string()),
    }
}
