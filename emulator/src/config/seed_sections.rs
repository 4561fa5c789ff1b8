//! The six seed sections as one value: what a configuration starts with and what an admin
//! `POST /seed` body adds.

use serde::Deserialize;

use super::EmulatorConfig;
use super::seeds::{
    ManagedIdentitySeed, ResourceGroupSeed, RoleAssignmentSeed, ServicePrincipalSeed, SubscriptionSeed, TenantSeed,
};

/// Tenants, principals, identities, subscriptions, resource groups and role assignments to create
/// ([`crate::Control::seed`]; the body of the admin API's `POST /seed`): the configuration's
/// sections of the same names.
#[derive(Deserialize, Clone, Debug, Default)]
#[serde(default, deny_unknown_fields)]
pub struct SeedSections {
    /// `tenants[]`.
    pub tenants: Vec<TenantSeed>,
    /// `service_principals[]`.
    pub service_principals: Vec<ServicePrincipalSeed>,
    /// `managed_identities[]`.
    pub managed_identities: Vec<ManagedIdentitySeed>,
    /// `subscriptions[]`.
    pub subscriptions: Vec<SubscriptionSeed>,
    /// `resource_groups[]`.
    pub resource_groups: Vec<ResourceGroupSeed>,
    /// `role_assignments[]`.
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
