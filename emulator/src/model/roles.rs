//! The role assignments seeding creates (configuration file, `POST /seed`): the built-in role a
//! configuration names (`Owner`, `Contributor`, `Reader`) mapped through
//! [`crate::rbac::builtin::for_config_role`] to an RBAC assignment under a fresh GUID. Access
//! decisions are [`crate::rbac`]'s, over [`super::World::role_assignments`].

use serde::Serialize;

use super::World;
use crate::config::RoleName;
use crate::random;
use crate::rbac::{PrincipalType, RoleAssignment, Scope, builtin};

/// A seeded role assignment as `POST /seed` reports it.
#[derive(Serialize, Clone, Debug)]
pub(crate) struct SeededAssignment {
    /// The assignment's GUID (its ARM `name`).
    pub name: String,
    pub principal_id: String,
    pub role: RoleName,
    /// The built-in role's GUID.
    pub role_definition_id: &'static str,
    pub scope: String,
}

/// Gives `principal_id` the built-in `role` at `scope` in `world`.
pub(crate) fn assign(world: &mut World, principal_id: &str, role: RoleName, scope: String) -> SeededAssignment {
    let definition = builtin::for_config_role(role);
    let name = random::uuid();
    world.role_assignments.push(RoleAssignment::new(
        name.clone(),
        Scope::parse(&scope),
        definition.name,
        principal_id,
        PrincipalType::ServicePrincipal,
    ));
    SeededAssignment {
        name,
        principal_id: principal_id.to_owned(),
        role,
        role_definition_id: definition.name,
        scope,
    }
}

#[cfg(test)]
mod tests {
    use super::assign;
    use crate::config::RoleName;
    use crate::model::World;
    use crate::rbac::Scope;

    #[test]
    fn config_roles_map_to_built_in_roles() {
        let mut world = World::default();
        let seeded = assign(
            &mut world,
            "p",
            RoleName::Reader,
            "/subscriptions/S1/resourceGroups/RG".into(),
        );
        assert_eq!(seeded.role_definition_id, "acdd72a7-3385-48ef-bd42-f606fba81ae7");
        let authorizer = world.authorizer();
        let inside = Scope::parse("/subscriptions/s1/resourcegroups/rg/providers/X/y/z");
        assert!(authorizer.is_action_allowed("P", "X/y/read", &inside));
        assert!(!authorizer.is_action_allowed("p", "X/y/write", &inside));
        let sibling = Scope::parse("/subscriptions/s1/resourcegroups/rg2");
        assert!(!authorizer.is_action_allowed("p", "Microsoft.Resources/subscriptions/resourceGroups/read", &sibling));
    }
}
