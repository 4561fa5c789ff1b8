//! The emulated Azure state: directory, subscriptions, resource groups, roles, operations,
//! container groups, and the stores of the other resource types.

pub(crate) mod acr;
pub(crate) mod compute;
pub(crate) mod container_groups;
pub(crate) mod ids;
pub(crate) mod names;
pub(crate) mod network;
pub(crate) mod operations;
pub(crate) mod principals;
pub(crate) mod regions;
pub(crate) mod resource_groups;
pub(crate) mod roles;
pub(crate) mod seeding;
pub(crate) mod storage;
pub(crate) mod store;
pub(crate) mod subscriptions;
pub(crate) mod tags;

use container_groups::ContainerGroups;
use operations::Operations;
use principals::{ManagedIdentity, ServicePrincipal, Tenant};
use resource_groups::ResourceGroup;
use store::{Store, Stores};
use subscriptions::Subscription;

use crate::rbac::{Authorizer, RoleAssignment, RoleDefinition};

/// Everything the emulator knows, behind one lock in [`crate::shared::Shared`].
#[derive(Clone, Debug, Default)]
pub(crate) struct World {
    pub tenants: Vec<Tenant>,
    pub service_principals: Vec<ServicePrincipal>,
    pub identities: Vec<ManagedIdentity>,
    pub subscriptions: Vec<Subscription>,
    pub groups: Store<ResourceGroup>,
    /// Role assignments at every scope (seeded, or written over ARM).
    pub role_assignments: Vec<RoleAssignment>,
    /// Custom role definitions (built-in roles are [`crate::rbac::builtin`]'s static data).
    pub role_definitions: Vec<RoleDefinition>,
    pub operations: Operations,
    /// Container groups: a field of their own because the container runtime drives them.
    pub container_groups: ContainerGroups,
    /// The stores of the other resource types, each owned by its resource provider.
    pub resources: Stores,
}

impl World {
    /// The tenant with this id (case-insensitive).
    pub fn tenant(&self, id: &str) -> Option<&Tenant> {
        self.tenants.iter().find(|t| t.id.eq_ignore_ascii_case(id))
    }

    /// The subscription with this id (case-insensitive).
    pub fn subscription(&self, id: &str) -> Option<&Subscription> {
        self.subscriptions.iter().find(|s| s.id.eq_ignore_ascii_case(id))
    }

    /// The access decision over the current role assignments and custom roles.
    pub fn authorizer(&self) -> Authorizer<'_> {
        Authorizer::new(&self.role_assignments, &self.role_definitions)
    }

    /// The service principal of `client_id` in `tenant_id`.
    pub fn service_principal(&self, tenant_id: &str, client_id: &str) -> Option<&ServicePrincipal> {
        self.service_principals
            .iter()
            .find(|sp| sp.tenant_id.eq_ignore_ascii_case(tenant_id) && sp.client_id.eq_ignore_ascii_case(client_id))
    }
}
