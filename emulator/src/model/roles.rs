//! Role assignments and the access checks ARM makes with them.

use serde::Serialize;

use crate::config::RoleName;

/// Built-in role definition ids, as Azure publishes them.
pub(crate) fn role_definition_id(role: RoleName) -> &'static str {
    match role {
        RoleName::Owner => "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
        RoleName::Contributor => "b24988ac-6180-42a0-ab88-20f7382dd24c",
        RoleName::Reader => "acdd72a7-3374-4c41-80f2-e1c5c5b7a3ab",
    }
}

/// The kind of ARM action a request performs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    Read,
    Write,
    Delete,
}

impl Action {
    /// The suffix of the RBAC action name (`.../read`).
    pub fn verb(self) -> &'static str {
        match self {
            Action::Read => "read",
            Action::Write => "write",
            Action::Delete => "delete",
        }
    }
}

/// Whether a built-in role permits an action.
fn allows(role: RoleName, action: Action) -> bool {
    match role {
        RoleName::Owner | RoleName::Contributor => true,
        RoleName::Reader => action == Action::Read,
    }
}

/// A role assignment: `principal_id` has `role` at `scope` and below.
#[derive(Serialize, Clone, Debug)]
pub(crate) struct RoleAssignment {
    pub principal_id: String,
    pub role: RoleName,
    pub role_definition_id: &'static str,
    pub scope: String,
    #[serde(skip)]
    scope_segments: Vec<String>,
}

impl RoleAssignment {
    pub fn new(principal_id: String, role: RoleName, scope: String) -> Self {
        let scope_segments = scope
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_lowercase)
            .collect();
        RoleAssignment {
            principal_id,
            role,
            role_definition_id: role_definition_id(role),
            scope,
            scope_segments,
        }
    }

    fn is_for(&self, principal_id: &str) -> bool {
        self.principal_id.eq_ignore_ascii_case(principal_id)
    }

    /// The assignment's scope is `target` or one of its ancestors (case-insensitive segments).
    fn covers(&self, target: &[&str]) -> bool {
        self.scope_segments.len() <= target.len()
            && self
                .scope_segments
                .iter()
                .zip(target)
                .all(|(scope, target)| scope.eq_ignore_ascii_case(target))
    }

    /// The assignment is at `target` or below it.
    fn is_within(&self, target: &[&str]) -> bool {
        self.scope_segments.len() >= target.len()
            && self
                .scope_segments
                .iter()
                .zip(target)
                .all(|(scope, target)| scope.eq_ignore_ascii_case(target))
    }
}

/// Whether `principal_id` may perform `action` on the resource whose id has `target` segments.
pub(crate) fn is_authorized(
    assignments: &[RoleAssignment],
    principal_id: &str,
    action: Action,
    target: &[&str],
) -> bool {
    assignments
        .iter()
        .any(|a| a.is_for(principal_id) && allows(a.role, action) && a.covers(target))
}

/// Whether `principal_id` has any role at, above or below `target` (what listing a
/// subscription or reading it requires).
pub(crate) fn has_any_access(assignments: &[RoleAssignment], principal_id: &str, target: &[&str]) -> bool {
    assignments
        .iter()
        .any(|a| a.is_for(principal_id) && (a.covers(target) || a.is_within(target)))
}

#[cfg(test)]
mod tests {
    use super::{Action, RoleAssignment, has_any_access, is_authorized};
    use crate::config::RoleName;

    #[test]
    fn scope_is_a_case_insensitive_segment_prefix() {
        let roles = [RoleAssignment::new(
            "p".into(),
            RoleName::Reader,
            "/subscriptions/S1/resourceGroups/RG".into(),
        )];
        let inside = ["subscriptions", "s1", "resourcegroups", "rg", "providers", "x"];
        assert!(is_authorized(&roles, "P", Action::Read, &inside));
        assert!(!is_authorized(&roles, "p", Action::Write, &inside));
        let sibling = ["subscriptions", "s1", "resourcegroups", "rg2"];
        assert!(!is_authorized(&roles, "p", Action::Read, &sibling));
        assert!(!is_authorized(&roles, "p", Action::Read, &["subscriptions", "s1"]));
        assert!(has_any_access(&roles, "p", &["subscriptions", "S1"]));
        assert!(!has_any_access(&roles, "p", &["subscriptions", "s2"]));
    }

    #[test]
    fn root_scope_covers_everything() {
        let roles = [RoleAssignment::new("p".into(), RoleName::Owner, "/".into())];
        assert!(is_authorized(&roles, "p", Action::Delete, &["subscriptions", "any"]));
    }
}
