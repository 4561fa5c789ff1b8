//! The six seed sections as one value: what a configuration starts with and what an admin
//! `POST /seed` body adds.

use serde::Deserialize;

use super::EmulatorConfig;
use super::seeds::{
    ManagedIdentitySeed, ResourceGroupSeed, RoleAssignmentSeed, ServicePrincipalSeed, SubscriptionSeed, TenantSeed,
};

/// Tenants, principals, identities, subscriptions, resource groups and role assignments to create.
#[derive(Deserialize, Clone, Debug, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct SeedSections {
    pub tenants: Vec<TenantSeed>,
    pub service_principals: Vec<ServicePrincipalSeed>,
    pub managed_identities: Vec<ManagedIdentitySeed>,
    pub subscriptions: Vec<SubscriptionSeed>,
    pub resource_groups: Vec<ResourceGroupSeed>,
    pub role_assignments: Vec<RoleAssignmentSeed>,
}

impl EmulatorConfig {
    /// The configuration's seed sections.
    pub(crate) fn seed_sections(&self) -> SeedSections {
        SeedSections {
            tenants: self.tenants.clone(),
            service_principals: self.service_principals.clone(),
            managed_identities: self.managed_identities.clone(),
            subscriptions: self.subscriptions.clone(),
            resource_groups: self.resource_groups.clone(),
            role_assignments: self.role_assignments.clone(),
        }
    }
}
