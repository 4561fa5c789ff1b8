//! Role assignments and the access decision ARM makes with them.
//!
//! "Azure RBAC determines if a user has access": Azure Resource Manager gets the role
//! assignments (and deny assignments, not modeled here) "that apply to the resource upon which
//! the action is being taken", "determines the roles in the role assignments", and the caller
//! "has access if the action is in the Actions and not in the NotActions of any role" (or, for
//! a data action, in DataActions and not NotDataActions); a role assignment applies to its scope
//! and everything below it (learn.microsoft.com "How Azure RBAC determines if a user has access
//! to a resource", MicrosoftDocs/azure-docs `articles/role-based-access-control/overview.md`, and
//! "Understand scope for Azure RBAC"). NotActions is not a deny: a second role that grants the
//! action wins (role-definitions.md).
//!
//! Principals are matched by object id; group membership is not modeled (the emulator's
//! principals are service principals and managed identities).

use serde_json::{Value, json};

use super::builtin::{self, BuiltInRole};
use super::definition::{RoleDefinition, role_definition_id};
use super::scope::Scope;

/// The resource type of role assignments.
pub const ROLE_ASSIGNMENT_TYPE: &str = "Microsoft.Authorization/roleAssignments";

/// The kind of principal a role assignment names (`principalType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrincipalType {
    /// `User`.
    User,
    /// `Group`.
    Group,
    /// `ServicePrincipal` (also managed identities).
    ServicePrincipal,
    /// `ForeignGroup`.
    ForeignGroup,
    /// `Device`.
    Device,
}

impl PrincipalType {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalType::User => "User",
            PrincipalType::Group => "Group",
            PrincipalType::ServicePrincipal => "ServicePrincipal",
            PrincipalType::ForeignGroup => "ForeignGroup",
            PrincipalType::Device => "Device",
        }
    }

    /// Parses a wire value, case-insensitively.
    pub fn parse(value: &str) -> Option<PrincipalType> {
        [
            PrincipalType::User,
            PrincipalType::Group,
            PrincipalType::ServicePrincipal,
            PrincipalType::ForeignGroup,
            PrincipalType::Device,
        ]
        .into_iter()
        .find(|t| t.as_str().eq_ignore_ascii_case(value.trim()))
    }
}

/// A role assignment: `principal_id` holds role `role_definition` at `scope` and below.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleAssignment {
    /// The assignment's GUID (the resource `name`).
    pub name: String,
    /// Where it applies.
    pub scope: Scope,
    /// The GUID of the role definition.
    pub role_definition: String,
    /// The object id of the principal.
    pub principal_id: String,
    /// The kind of principal.
    pub principal_type: PrincipalType,
    /// `description`.
    pub description: Option<String>,
    /// `createdOn`, an ISO 8601 instant.
    pub created_on: Option<String>,
    /// `updatedOn`.
    pub updated_on: Option<String>,
    /// `createdBy`: the object id of the principal that created it.
    pub created_by: Option<String>,
    /// `updatedBy`.
    pub updated_by: Option<String>,
}

impl RoleAssignment {
    /// A new assignment with no description or audit fields.
    pub fn new(
        name: impl Into<String>,
        scope: Scope,
        role_definition: impl Into<String>,
        principal_id: impl Into<String>,
        principal_type: PrincipalType,
    ) -> RoleAssignment {
        RoleAssignment {
            name: name.into(),
            scope,
            role_definition: role_definition.into(),
            principal_id: principal_id.into(),
            principal_type,
            description: None,
            created_on: None,
            updated_on: None,
            created_by: None,
            updated_by: None,
        }
    }

    /// `{scope}/providers/Microsoft.Authorization/roleAssignments/{name}`.
    pub fn id(&self) -> String {
        self.scope
            .extension_id("Microsoft.Authorization", "roleAssignments", &self.name)
    }

    /// Whether the assignment names this principal (object ids compare case-insensitively).
    pub fn is_for(&self, principal_id: &str) -> bool {
        self.principal_id.eq_ignore_ascii_case(principal_id.trim())
    }

    /// Whether the assignment applies to a request over `scope` (its scope is `scope` or above).
    pub fn applies_to(&self, scope: &Scope) -> bool {
        scope.is_within(&self.scope)
    }

    /// Whether two assignments give the same role to the same principal at the same scope
    /// (what ARM refuses to create twice, whatever the names).
    pub fn same_grant(&self, other: &RoleAssignment) -> bool {
        self.scope == other.scope
            && self.role_definition.eq_ignore_ascii_case(&other.role_definition)
            && self.is_for(&other.principal_id)
    }

    /// The `Microsoft.Authorization/roleAssignments` resource as ARM returns it; the
    /// `roleDefinitionId` is under the assignment's subscription (the tenant form at the root
    /// or a management group).
    pub fn to_arm_json(&self) -> Value {
        json!({
            "properties": {
                "roleDefinitionId": role_definition_id(self.scope.subscription_id(), &self.role_definition),
                "principalId": self.principal_id,
                "principalType": self.principal_type.as_str(),
                "scope": self.scope.as_str(),
                "condition": null,
                "conditionVersion": null,
                "createdOn": self.created_on,
                "updatedOn": self.updated_on,
                "createdBy": self.created_by,
                "updatedBy": self.updated_by,
                "delegatedManagedIdentityResourceId": null,
                "description": self.description,
            },
            "id": self.id(),
            "type": ROLE_ASSIGNMENT_TYPE,
            "name": self.name,
        })
    }
}

/// A role, built-in (static data) or custom.
#[derive(Clone, Copy, Debug)]
pub enum Role<'a> {
    /// A built-in role.
    BuiltIn(&'static BuiltInRole),
    /// A custom role.
    Custom(&'a RoleDefinition),
}

impl Role<'_> {
    /// Whether the role grants the control plane `action`.
    pub fn allows_action(&self, action: &str) -> bool {
        match self {
            Role::BuiltIn(role) => role.allows_action(action),
            Role::Custom(role) => role.allows_action(action),
        }
    }

    /// Whether the role grants the data plane `data_action`.
    pub fn allows_data_action(&self, data_action: &str) -> bool {
        match self {
            Role::BuiltIn(role) => role.allows_data_action(data_action),
            Role::Custom(role) => role.allows_data_action(data_action),
        }
    }

    /// `roleName`.
    pub fn role_name(&self) -> &str {
        match self {
            Role::BuiltIn(role) => role.role_name,
            Role::Custom(role) => &role.role_name,
        }
    }

    /// Whether the role may be assigned at `scope` (built-in roles: everywhere).
    pub fn is_assignable_at(&self, scope: &Scope) -> bool {
        match self {
            Role::BuiltIn(_) => true,
            Role::Custom(role) => role.is_assignable_at(scope),
        }
    }
}

/// A permission a request needs: a control plane action or a data plane action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needed<'a> {
    /// Checked against `Actions`/`NotActions`.
    Action(&'a str),
    /// Checked against `DataActions`/`NotDataActions`.
    DataAction(&'a str),
}

/// The access decision over a set of role assignments and custom roles.
#[derive(Clone, Copy, Debug)]
pub struct Authorizer<'a> {
    assignments: &'a [RoleAssignment],
    custom_roles: &'a [RoleDefinition],
}

impl<'a> Authorizer<'a> {
    /// Decides over these assignments; role ids resolve to built-in roles, then to
    /// `custom_roles`.
    pub fn new(assignments: &'a [RoleAssignment], custom_roles: &'a [RoleDefinition]) -> Authorizer<'a> {
        Authorizer {
            assignments,
            custom_roles,
        }
    }

    /// The assignments decided over.
    pub fn assignments(&self) -> &'a [RoleAssignment] {
        self.assignments
    }

    /// The role with this GUID.
    pub fn role(&self, guid: &str) -> Option<Role<'a>> {
        if let Some(role) = builtin::by_id(guid) {
            return Some(Role::BuiltIn(role));
        }
        self.custom_roles
            .iter()
            .find(|r| r.name.eq_ignore_ascii_case(guid.trim()))
            .map(Role::Custom)
    }

    /// Whether `principal_id` may do what `needed` names at `scope`: some assignment at `scope`
    /// or above has a role that grants it.
    pub fn is_allowed(&self, principal_id: &str, needed: Needed<'_>, scope: &Scope) -> bool {
        self.assignments
            .iter()
            .filter(|a| a.is_for(principal_id) && a.applies_to(scope))
            .filter_map(|a| self.role(&a.role_definition))
            .any(|role| match needed {
                Needed::Action(action) => role.allows_action(action),
                Needed::DataAction(data_action) => role.allows_data_action(data_action),
            })
    }

    /// Whether `principal_id` may perform the control plane `action` at `scope`.
    pub fn is_action_allowed(&self, principal_id: &str, action: &str, scope: &Scope) -> bool {
        self.is_allowed(principal_id, Needed::Action(action), scope)
    }

    /// Whether `principal_id` may perform the data plane `data_action` at `scope`.
    pub fn is_data_action_allowed(&self, principal_id: &str, data_action: &str, scope: &Scope) -> bool {
        self.is_allowed(principal_id, Needed::DataAction(data_action), scope)
    }

    /// Whether any of `alternatives` is allowed (a Blob operation that accepts either of two
    /// permissions).
    pub fn is_any_allowed(&self, principal_id: &str, alternatives: &[Needed<'_>], scope: &Scope) -> bool {
        alternatives.iter().any(|n| self.is_allowed(principal_id, *n, scope))
    }

    /// The scopes among `scopes` where `principal_id` may not perform `action` (for
    /// `LinkedAuthorizationFailed`: attaching an identity, joining a subnet, writing a custom
    /// role whose assignable scopes span several subscriptions).
    pub fn denied_scopes<'s>(&self, principal_id: &str, action: &str, scopes: &'s [Scope]) -> Vec<&'s Scope> {
        scopes
            .iter()
            .filter(|s| !self.is_action_allowed(principal_id, action, s))
            .collect()
    }

    /// Whether `principal_id` holds some assignment at, above or below `scope` (how
    /// `GET /subscriptions` decides which subscriptions a caller sees).
    pub fn has_any_assignment_related_to(&self, principal_id: &str, scope: &Scope) -> bool {
        self.assignments
            .iter()
            .any(|a| a.is_for(principal_id) && a.scope.is_related(scope))
    }

    /// The assignments that reference the role `guid` (a custom role with any cannot be
    /// deleted).
    pub fn assignments_of_role(&self, guid: &str) -> impl Iterator<Item = &'a RoleAssignment> + 'a {
        let guid = guid.trim().to_ascii_lowercase();
        self.assignments
            .iter()
            .filter(move |a| a.role_definition.eq_ignore_ascii_case(&guid))
    }
}

#[cfg(test)]
mod tests {
    use super::{Authorizer, Needed, PrincipalType, RoleAssignment};
    use crate::rbac::builtin;
    use crate::rbac::definition::{Permission, RoleDefinition, RoleType};
    use crate::rbac::scope::Scope;

    const SP: &str = "00000000-0000-0000-0000-0000000000aa";
    const RG: &str = "/subscriptions/s/resourceGroups/rg";
    const CG: &str = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerInstance/containerGroups/g";

    fn assign(name: &str, scope: &str, role: &str) -> RoleAssignment {
        RoleAssignment::new(name, Scope::parse(scope), role, SP, PrincipalType::ServicePrincipal)
    }

    fn custom_role() -> RoleDefinition {
        RoleDefinition {
            name: "22222222-2222-2222-2222-222222222222".into(),
            role_name: "Group starter".into(),
            role_type: RoleType::Custom,
            description: String::new(),
            assignable_scopes: vec!["/subscriptions/s".into()],
            permissions: vec![Permission {
                actions: vec!["Microsoft.ContainerInstance/containerGroups/start/action".into()],
                ..Permission::default()
            }],
            created_on: None,
            updated_on: None,
            created_by: None,
            updated_by: None,
        }
    }

    #[test]
    fn assignments_apply_at_their_scope_and_below() {
        let assignments = [assign("a1", RG, builtin::READER.name)];
        let roles = [];
        let auth = Authorizer::new(&assignments, &roles);
        let read = "Microsoft.ContainerInstance/containerGroups/read";
        assert!(auth.is_action_allowed(SP, read, &Scope::parse(CG)));
        assert!(auth.is_action_allowed(&SP.to_uppercase(), read, &Scope::parse(RG)));
        assert!(!auth.is_action_allowed(SP, read, &Scope::parse("/subscriptions/s")));
        assert!(!auth.is_action_allowed(SP, read, &Scope::parse("/subscriptions/s/resourceGroups/rg2")));
        assert!(!auth.is_action_allowed(SP, read, &Scope::parse("/subscriptions/s/resourceGroups/rg1")));
        assert!(!auth.is_action_allowed("someone-else", read, &Scope::parse(CG)));
        assert!(!auth.is_action_allowed(
            SP,
            "Microsoft.ContainerInstance/containerGroups/write",
            &Scope::parse(CG)
        ));
        assert!(auth.has_any_assignment_related_to(SP, &Scope::parse("/subscriptions/s")));
        assert!(!auth.has_any_assignment_related_to(SP, &Scope::parse("/subscriptions/t")));
    }

    #[test]
    fn not_actions_are_not_a_deny() {
        // Contributor excludes role assignment writes; User Access Administrator grants them.
        let only_contributor = [assign("a1", "/subscriptions/s", builtin::CONTRIBUTOR.name)];
        let both = [
            assign("a1", "/subscriptions/s", builtin::CONTRIBUTOR.name),
            assign("a2", RG, builtin::USER_ACCESS_ADMINISTRATOR.name),
        ];
        let write = "Microsoft.Authorization/roleAssignments/write";
        let at = Scope::parse(&format!("{RG}/providers/Microsoft.Authorization/roleAssignments/x"));
        assert!(!Authorizer::new(&only_contributor, &[]).is_action_allowed(SP, write, &at));
        assert!(Authorizer::new(&both, &[]).is_action_allowed(SP, write, &at));
        // ... but only where the second role applies.
        let elsewhere =
            Scope::parse("/subscriptions/s/resourceGroups/other/providers/Microsoft.Authorization/roleAssignments/x");
        assert!(!Authorizer::new(&both, &[]).is_action_allowed(SP, write, &elsewhere));
    }

    #[test]
    fn data_actions_need_data_roles() {
        let container = Scope::parse(&format!(
            "{RG}/providers/Microsoft.Storage/storageAccounts/a/blobServices/default/containers/c"
        ));
        let read = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read";
        let owner = [assign("a1", "/subscriptions/s", builtin::OWNER.name)];
        assert!(!Authorizer::new(&owner, &[]).is_data_action_allowed(SP, read, &container));
        let reader = [assign(
            "a1",
            &format!("{RG}/providers/Microsoft.Storage/storageAccounts/a"),
            builtin::STORAGE_BLOB_DATA_READER.name,
        )];
        let auth = Authorizer::new(&reader, &[]);
        assert!(auth.is_data_action_allowed(SP, read, &container));
        assert!(!auth.is_data_action_allowed(
            SP,
            "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
            &container
        ));
        assert!(auth.is_any_allowed(
            SP,
            &[
                Needed::DataAction("Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write"),
                Needed::Action("Microsoft.Storage/storageAccounts/blobServices/containers/read"),
            ],
            &container
        ));
    }

    #[test]
    fn custom_roles_and_unknown_roles() {
        let roles = [custom_role()];
        let assignments = [
            assign("a1", RG, "22222222-2222-2222-2222-222222222222"),
            assign("a2", "/subscriptions/s", "33333333-3333-3333-3333-333333333333"),
        ];
        let auth = Authorizer::new(&assignments, &roles);
        assert!(auth.is_action_allowed(
            SP,
            "Microsoft.ContainerInstance/containerGroups/start/action",
            &Scope::parse(CG)
        ));
        assert!(!auth.is_action_allowed(
            SP,
            "Microsoft.ContainerInstance/containerGroups/stop/action",
            &Scope::parse(CG)
        ));
        assert!(auth.role("33333333-3333-3333-3333-333333333333").is_none());
        assert_eq!(
            auth.role(&builtin::OWNER.name.to_uppercase()).unwrap().role_name(),
            "Owner"
        );
        assert_eq!(
            auth.assignments_of_role("22222222-2222-2222-2222-222222222222").count(),
            1
        );
        let scopes = [Scope::parse(RG), Scope::parse("/subscriptions/s/resourceGroups/rg2")];
        let denied = auth.denied_scopes(SP, "Microsoft.ContainerInstance/containerGroups/start/action", &scopes);
        assert_eq!(denied, vec![&scopes[1]]);
    }

    #[test]
    fn json_shape() {
        let mut assignment = assign("3f3f3f3f-0000-0000-0000-000000000001", RG, builtin::ACR_PULL.name);
        assignment.created_by = Some("creator".into());
        let json = assignment.to_arm_json();
        assert_eq!(
            json["id"],
            format!("{RG}/providers/Microsoft.Authorization/roleAssignments/3f3f3f3f-0000-0000-0000-000000000001")
        );
        assert_eq!(json["type"], "Microsoft.Authorization/roleAssignments");
        assert_eq!(json["name"], "3f3f3f3f-0000-0000-0000-000000000001");
        assert_eq!(
            json["properties"]["roleDefinitionId"],
            "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d"
        );
        assert_eq!(json["properties"]["principalType"], "ServicePrincipal");
        assert_eq!(json["properties"]["scope"], RG);
        assert_eq!(json["properties"]["createdBy"], "creator");
        let root = RoleAssignment::new("n", Scope::root(), builtin::OWNER.name, SP, PrincipalType::User);
        assert_eq!(root.id(), "/providers/Microsoft.Authorization/roleAssignments/n");
        assert_eq!(
            root.to_arm_json()["properties"]["roleDefinitionId"],
            "/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
        );
        assert_eq!(
            PrincipalType::parse("serviceprincipal"),
            Some(PrincipalType::ServicePrincipal)
        );
        assert_eq!(PrincipalType::parse("Robot"), None);
        assert!(assignment.same_grant(&assign(
            "other-name",
            "/Subscriptions/S/resourcegroups/RG",
            &builtin::ACR_PULL.name.to_uppercase()
        )));
    }
}
