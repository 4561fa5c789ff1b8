//! What ARM checks when role assignments and custom role definitions are written or deleted.
//!
//! Rules (learn.microsoft.com, MicrosoftDocs/azure-docs `articles/role-based-access-control/`):
//!
//! - Role assignment names are GUIDs, "You can't create two role assignments with the same
//!   name, even in different Azure subscriptions. You also can't change the properties of an
//!   existing role assignment", and the same role for the same principal at the same scope
//!   exists once (`troubleshooting.md`).
//! - A role assignment's principal must exist, unless `principalType` is given (the documented
//!   way around directory replication delays, `troubleshooting.md`).
//! - The assignment's scope must be within one of the role's `AssignableScopes`
//!   (`role-definitions.md`, "AssignableScopes").
//! - Custom roles (`custom-roles.md`, "Custom role properties" and "Custom role limits"):
//!   `roleName` required, unique in the tenant, at most 512 characters; `description` at most
//!   2048; `assignableScopes` required, at most 2000, not `/`, no wildcard, at most one
//!   management group, and no management group when the role has `DataActions`; at most one
//!   wildcard in an action string; at most 5000 custom roles per tenant; "Users that are granted
//!   [`Microsoft.Authorization/roleDefinitions/write`] on all the `AssignableScopes` of the
//!   custom role can create (or delete) custom roles"; a role still referenced by assignments
//!   cannot be deleted.
//!
//! Every function is pure: the caller passes the state it holds (assignments, custom roles,
//! whether a principal or scope exists).

use serde_json::Value;

use super::assignment::{Authorizer, PrincipalType, RoleAssignment};
use super::builtin;
use super::definition::{Permission, RoleDefinition, RoleType, role_definition_guid};
use super::denial::{self, CUSTOM_ROLE_LIMIT, RbacError};
use super::pattern::wildcard_count;
use super::scope::{Scope, ScopeKind};

/// Whether `value` is a GUID (hyphenated, simple, braced or URN form, as .NET's `Guid.Parse`
/// accepts most of them).
pub fn is_guid(value: &str) -> bool {
    uuid::Uuid::try_parse(value.trim()).is_ok()
}

/// The properties of a role assignment PUT body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleAssignmentRequest {
    /// The role's GUID, from `properties.roleDefinitionId`.
    pub role_definition: String,
    /// `properties.principalId`.
    pub principal_id: String,
    /// `properties.principalType`, when given.
    pub principal_type: Option<PrincipalType>,
    /// `properties.description`.
    pub description: Option<String>,
}

/// Reads a role assignment PUT body (`{"properties":{"roleDefinitionId":..,"principalId":..,
/// "principalType":..}}`): `InvalidRequestContent` without the two ids, `InvalidPrincipalId`
/// when the principal id is not a GUID, `InvalidRoleDefinitionId` when the role id is not a role
/// definition id ending in a GUID.
pub fn parse_role_assignment_body(body: &Value) -> Result<RoleAssignmentRequest, RbacError> {
    let properties = body.get("properties").filter(|p| p.is_object()).ok_or_else(|| {
        denial::invalid_request_content(
            "The request content was invalid and could not be deserialized: 'properties' is required.",
        )
    })?;
    let text = |name: &str| properties.get(name).and_then(Value::as_str).map(str::trim);
    let role_definition_id = text("roleDefinitionId").filter(|s| !s.is_empty()).ok_or_else(|| {
        denial::invalid_request_content(
            "The request content was invalid and could not be deserialized: 'properties.roleDefinitionId' is required.",
        )
    })?;
    let principal_id = text("principalId").filter(|s| !s.is_empty()).ok_or_else(|| {
        denial::invalid_request_content(
            "The request content was invalid and could not be deserialized: 'properties.principalId' is required.",
        )
    })?;
    if !is_guid(principal_id) {
        return Err(denial::invalid_principal_id(principal_id));
    }
    let role_definition = role_definition_guid(role_definition_id)
        .filter(|guid| is_guid(guid))
        .ok_or_else(|| denial::invalid_role_definition_id(role_definition_id))?;
    let principal_type = match text("principalType") {
        None => None,
        Some(value) => Some(PrincipalType::parse(value).ok_or_else(|| {
            denial::invalid_request_content(format!(
                "The request content was invalid and could not be deserialized: 'properties.principalType' value '{value}' is not one of User, Group, ServicePrincipal, ForeignGroup, Device."
            ))
        })?),
    };
    Ok(RoleAssignmentRequest {
        role_definition: role_definition.to_ascii_lowercase(),
        principal_id: principal_id.to_owned(),
        principal_type,
        description: text("description").map(str::to_owned),
    })
}

/// Everything a role assignment PUT is checked against.
#[derive(Clone, Copy, Debug)]
pub struct AssignmentPut<'a> {
    /// The scope of the PUT (the path before `/providers/Microsoft.Authorization/roleAssignments`).
    pub scope: &'a Scope,
    /// The assignment name in the path.
    pub name: &'a str,
    /// The body.
    pub request: &'a RoleAssignmentRequest,
    /// The existing assignments (all scopes: names are unique tenant-wide) and custom roles.
    pub authorizer: &'a Authorizer<'a>,
    /// Whether the principal exists in the tenant.
    pub principal_exists: bool,
    /// The tenant (for `PrincipalNotFound`).
    pub tenant_id: &'a str,
}

/// What a valid role assignment PUT does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignmentOutcome {
    /// A new assignment (201).
    Create,
    /// The same assignment again (200, unchanged).
    Unchanged,
}

/// Checks a role assignment PUT, in this order: the name is a GUID (`InvalidRoleAssignmentId`),
/// the role exists (`RoleDefinitionDoesNotExist`, 400), it is assignable at the scope
/// (`RoleAssignmentScopeNotAssignableToRoleDefinition`), an assignment of that name is either
/// the same grant (unchanged) or refused (`RoleAssignmentUpdateNotPermitted`), the principal
/// exists unless `principalType` is given (`PrincipalNotFound`), and no other assignment already
/// gives the same role to the same principal at the same scope (`RoleAssignmentExists`).
pub fn check_role_assignment_put(put: &AssignmentPut<'_>) -> Result<AssignmentOutcome, RbacError> {
    if !is_guid(put.name) {
        return Err(denial::invalid_role_assignment_id(put.name));
    }
    let role = put
        .authorizer
        .role(&put.request.role_definition)
        .ok_or_else(|| denial::role_definition_does_not_exist(&put.request.role_definition, 400))?;
    if !role.is_assignable_at(put.scope) {
        return Err(denial::scope_not_assignable(role.role_name()));
    }
    let wanted = RoleAssignment::new(
        put.name,
        put.scope.clone(),
        put.request.role_definition.clone(),
        put.request.principal_id.clone(),
        put.request.principal_type.unwrap_or(PrincipalType::ServicePrincipal),
    );
    if let Some(existing) = put
        .authorizer
        .assignments()
        .iter()
        .find(|a| a.name.eq_ignore_ascii_case(put.name.trim()))
    {
        return if existing.same_grant(&wanted) {
            Ok(AssignmentOutcome::Unchanged)
        } else {
            Err(denial::role_assignment_update_not_permitted())
        };
    }
    if !put.principal_exists && put.request.principal_type.is_none() {
        return Err(denial::principal_not_found(&put.request.principal_id, put.tenant_id));
    }
    if let Some(duplicate) = put.authorizer.assignments().iter().find(|a| a.same_grant(&wanted)) {
        return Err(denial::role_assignment_exists(&duplicate.name));
    }
    Ok(AssignmentOutcome::Create)
}

/// The longest `roleName` ("Maximum number of characters is 512").
pub const ROLE_NAME_MAX: usize = 512;
/// The longest `description` ("Maximum number of characters is 2048").
pub const DESCRIPTION_MAX: usize = 2048;
/// The most `assignableScopes` ("Maximum number of `AssignableScopes` is 2,000").
pub const ASSIGNABLE_SCOPES_MAX: usize = 2000;

/// Reads and checks a custom role PUT body
/// (`{"properties":{"roleName":..,"description":..,"type":"CustomRole","assignableScopes":[..],
/// "permissions":[{"actions":[..],"notActions":[..],"dataActions":[..],"notDataActions":[..]}]}}`)
/// against the rules that need no state; `created_by` becomes `createdBy`/`updatedBy`.
pub fn parse_role_definition_body(
    name: &str,
    body: &Value,
    created_by: Option<&str>,
) -> Result<RoleDefinition, RbacError> {
    if !is_guid(name) {
        return Err(denial::invalid_role_definition_id(name));
    }
    let properties = body
        .get("properties")
        .filter(|p| p.is_object())
        .ok_or_else(|| denial::invalid_role_definition("The role definition properties must be specified."))?;
    let role_name = properties
        .get("roleName")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| denial::invalid_role_definition("The role definition name must be specified."))?;
    if role_name.chars().count() > ROLE_NAME_MAX {
        return Err(denial::invalid_role_definition(format!(
            "The role definition name exceeds the maximum length of {ROLE_NAME_MAX} characters."
        )));
    }
    let description = properties
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if description.chars().count() > DESCRIPTION_MAX {
        return Err(denial::invalid_role_definition(format!(
            "The role definition description exceeds the maximum length of {DESCRIPTION_MAX} characters."
        )));
    }
    let assignable_scopes = strings(properties.get("assignableScopes"));
    check_assignable_scopes(&assignable_scopes)?;
    let permissions: Vec<Permission> = properties
        .get("permissions")
        .and_then(Value::as_array)
        .map(|blocks| {
            blocks
                .iter()
                .map(|block| Permission {
                    actions: strings(block.get("actions")),
                    not_actions: strings(block.get("notActions")),
                    data_actions: strings(block.get("dataActions")),
                    not_data_actions: strings(block.get("notDataActions")),
                })
                .collect()
        })
        .unwrap_or_default();
    for block in &permissions {
        for action in block
            .actions
            .iter()
            .chain(&block.not_actions)
            .chain(&block.data_actions)
            .chain(&block.not_data_actions)
        {
            check_permission_string(action)?;
        }
    }
    let definition = RoleDefinition {
        name: name.trim().to_ascii_lowercase(),
        role_name: role_name.to_owned(),
        role_type: RoleType::Custom,
        description: description.to_owned(),
        assignable_scopes,
        permissions,
        created_on: None,
        updated_on: None,
        created_by: created_by.map(str::to_owned),
        updated_by: created_by.map(str::to_owned),
    };
    let management_groups = definition
        .assignable_scopes
        .iter()
        .filter(|s| Scope::parse(s).kind() == ScopeKind::ManagementGroup)
        .count();
    if management_groups > 1 {
        return Err(denial::invalid_role_definition(
            "You can define only one management group in AssignableScopes of a custom role.",
        ));
    }
    if management_groups == 1 && definition.has_data_actions() {
        // Verified wording (azure-docs "Troubleshoot Azure RBAC").
        return Err(denial::invalid_role_definition(
            "You cannot add data action permissions when you have a management group as an assignable scope",
        ));
    }
    Ok(definition)
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default()
}

fn check_assignable_scopes(scopes: &[String]) -> Result<(), RbacError> {
    if scopes.is_empty() {
        return Err(denial::invalid_role_definition(
            "The role definition must have at least one assignable scope.",
        ));
    }
    if scopes.len() > ASSIGNABLE_SCOPES_MAX {
        return Err(denial::invalid_role_definition(format!(
            "The role definition cannot have more than {ASSIGNABLE_SCOPES_MAX} assignable scopes."
        )));
    }
    for scope in scopes {
        if scope.contains('*') {
            return Err(denial::invalid_role_definition(format!(
                "The assignable scope '{scope}' is not valid: wildcards are not allowed in assignable scopes."
            )));
        }
        match Scope::parse(scope).kind() {
            ScopeKind::Root => {
                return Err(denial::invalid_role_definition(
                    "The assignable scope '/' is not valid: the root scope cannot be an assignable scope of a custom role.",
                ));
            }
            ScopeKind::Invalid => {
                return Err(denial::invalid_role_definition(format!(
                    "The assignable scope '{scope}' is not valid."
                )));
            }
            ScopeKind::ManagementGroup | ScopeKind::Subscription | ScopeKind::ResourceGroup | ScopeKind::Resource => {}
        }
    }
    Ok(())
}

/// A permission string of a custom role: `*`, or `{provider}/...` with no spaces and at most
/// one wildcard; anything else is `InvalidActionOrNotAction`. (Azure also refuses actions no
/// provider registers; the emulator does not hold every provider's operation list.)
fn check_permission_string(action: &str) -> Result<(), RbacError> {
    let well_formed = !action.is_empty()
        && !action.chars().any(char::is_whitespace)
        && (action == "*" || (action.contains('/') && !action.starts_with('/') && !action.ends_with('/')))
        && wildcard_count(action) <= 1;
    if well_formed {
        Ok(())
    } else {
        Err(denial::invalid_action_or_not_action(action))
    }
}

/// Checks a custom role PUT against the tenant's state: the name is not taken by a built-in or
/// another custom role (`RoleDefinitionWithSameNameExists`), and a new role does not exceed
/// [`CUSTOM_ROLE_LIMIT`] (`RoleDefinitionLimitExceeded`). Returns whether the PUT creates the
/// role (`true`, 201) or updates it (`false`, 200).
pub fn check_custom_role_put(definition: &RoleDefinition, custom_roles: &[RoleDefinition]) -> Result<bool, RbacError> {
    if builtin::by_id(&definition.name).is_some() {
        return Err(denial::role_definition_with_same_name_exists());
    }
    let taken = builtin::by_role_name(&definition.role_name).is_some()
        || custom_roles.iter().any(|r| {
            !r.name.eq_ignore_ascii_case(&definition.name) && r.role_name.eq_ignore_ascii_case(&definition.role_name)
        });
    if taken {
        return Err(denial::role_definition_with_same_name_exists());
    }
    let creates = !custom_roles
        .iter()
        .any(|r| r.name.eq_ignore_ascii_case(&definition.name));
    if creates && custom_roles.len() >= CUSTOM_ROLE_LIMIT {
        return Err(denial::role_definition_limit_exceeded());
    }
    Ok(creates)
}

/// The caller of a request, as denials name it.
#[derive(Clone, Copy, Debug)]
pub struct Caller<'a> {
    /// What ARM shows as the client (see [`denial::authorization_failed`]).
    pub client: &'a str,
    /// The caller's object id.
    pub object_id: &'a str,
}

/// The action writing (or deleting) a role definition needs on every assignable scope.
pub const ROLE_DEFINITION_WRITE: &str = "Microsoft.Authorization/roleDefinitions/write";

/// Checks that the caller may write `definition` on every assignable scope and that each
/// scope exists: otherwise `LinkedAuthorizationFailed` naming the scopes that fail ("This error
/// usually indicates that you don't have permissions to one or more of the assignable scopes",
/// `troubleshooting.md`). `put_scope` is the scope of the PUT, which the router has already
/// checked for `Microsoft.Authorization/roleDefinitions/write`.
pub fn check_role_definition_scopes(
    definition: &RoleDefinition,
    authorizer: &Authorizer<'_>,
    caller: Caller<'_>,
    put_scope: &Scope,
    scope_exists: &dyn Fn(&Scope) -> bool,
) -> Result<(), RbacError> {
    let failing: Vec<&String> = definition
        .assignable_scopes
        .iter()
        .filter(|s| {
            let scope = Scope::parse(s);
            !scope_exists(&scope) || !authorizer.is_action_allowed(caller.object_id, ROLE_DEFINITION_WRITE, &scope)
        })
        .collect();
    if failing.is_empty() {
        return Ok(());
    }
    let linked: Vec<(&str, &str)> = failing.iter().map(|s| (ROLE_DEFINITION_WRITE, s.as_str())).collect();
    Err(denial::linked_authorization_failed(
        caller.client,
        caller.object_id,
        ROLE_DEFINITION_WRITE,
        put_scope.as_str(),
        &linked,
    ))
}

/// Checks a custom role DELETE: no assignment may still reference it
/// (`RoleDefinitionHasAssignments`).
pub fn check_custom_role_delete(guid: &str, authorizer: &Authorizer<'_>) -> Result<(), RbacError> {
    if authorizer.assignments_of_role(guid).next().is_some() {
        return Err(denial::role_definition_has_assignments());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    const SP: &str = "00000000-0000-0000-0000-0000000000aa";
    const OTHER: &str = "00000000-0000-0000-0000-0000000000bb";
    const NAME: &str = "3f3f3f3f-0000-0000-0000-000000000001";
    const RG: &str = "/subscriptions/s/resourceGroups/rg";

    fn body(role: &str, principal: &str) -> serde_json::Value {
        json!({"properties": {"roleDefinitionId": format!("/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/{role}"), "principalId": principal}})
    }

    fn put<'a>(
        scope: &'a Scope,
        name: &'a str,
        request: &'a RoleAssignmentRequest,
        authorizer: &'a Authorizer<'a>,
        principal_exists: bool,
    ) -> Result<AssignmentOutcome, RbacError> {
        check_role_assignment_put(&AssignmentPut {
            scope,
            name,
            request,
            authorizer,
            principal_exists,
            tenant_id: TENANT,
        })
    }

    #[test]
    fn assignment_bodies() {
        let request = parse_role_assignment_body(&body(&builtin::READER.name.to_uppercase(), SP)).unwrap();
        assert_eq!(request.role_definition, builtin::READER.name);
        assert_eq!(request.principal_type, None);
        let with_type = json!({"properties": {"roleDefinitionId": format!("/providers/Microsoft.Authorization/roleDefinitions/{}", builtin::OWNER.name), "principalId": SP, "principalType": "ServicePrincipal", "description": "d"}});
        let request = parse_role_assignment_body(&with_type).unwrap();
        assert_eq!(request.principal_type, Some(PrincipalType::ServicePrincipal));
        assert_eq!(request.description.as_deref(), Some("d"));

        let code = |value: serde_json::Value| parse_role_assignment_body(&value).unwrap_err().code;
        assert_eq!(code(json!({})), "InvalidRequestContent");
        assert_eq!(
            code(json!({"properties": {"principalId": SP}})),
            "InvalidRequestContent"
        );
        assert_eq!(
            code(json!({"properties": {"roleDefinitionId": "x"}})),
            "InvalidRequestContent"
        );
        assert_eq!(code(body(builtin::READER.name, "User")), "InvalidPrincipalId");
        assert_eq!(
            code(json!({"properties": {"roleDefinitionId": "Reader", "principalId": SP}})),
            "InvalidRoleDefinitionId"
        );
        assert_eq!(code(body("not-a-guid", SP)), "InvalidRoleDefinitionId");
        assert_eq!(
            code(
                json!({"properties": {"roleDefinitionId": format!("/providers/Microsoft.Authorization/roleDefinitions/{}", builtin::OWNER.name), "principalId": SP, "principalType": "Robot"}})
            ),
            "InvalidRequestContent"
        );
    }

    #[test]
    fn assignment_puts() {
        let scope = Scope::parse(RG);
        let reader = parse_role_assignment_body(&body(builtin::READER.name, SP)).unwrap();
        let no_existing: Vec<RoleAssignment> = Vec::new();
        let auth = Authorizer::new(&no_existing, &[]);
        assert_eq!(put(&scope, NAME, &reader, &auth, true), Ok(AssignmentOutcome::Create));
        assert_eq!(
            put(&scope, "contributor", &reader, &auth, true).unwrap_err().code,
            "InvalidRoleAssignmentId"
        );
        let missing_role = parse_role_assignment_body(&body("44444444-4444-4444-4444-444444444444", SP)).unwrap();
        let error = put(&scope, NAME, &missing_role, &auth, true).unwrap_err();
        assert_eq!((error.status, error.code), (400, "RoleDefinitionDoesNotExist"));
        let error = put(&scope, NAME, &reader, &auth, false).unwrap_err();
        assert_eq!((error.status, error.code), (400, "PrincipalNotFound"));
        let typed = RoleAssignmentRequest {
            principal_type: Some(PrincipalType::ServicePrincipal),
            ..reader.clone()
        };
        assert_eq!(put(&scope, NAME, &typed, &auth, false), Ok(AssignmentOutcome::Create));

        let existing = vec![RoleAssignment::new(
            NAME,
            scope.clone(),
            builtin::READER.name,
            SP,
            PrincipalType::ServicePrincipal,
        )];
        let auth = Authorizer::new(&existing, &[]);
        assert_eq!(
            put(&scope, NAME, &reader, &auth, true),
            Ok(AssignmentOutcome::Unchanged)
        );
        let other_name = "3f3f3f3f-0000-0000-0000-000000000002";
        let error = put(&scope, other_name, &reader, &auth, true).unwrap_err();
        assert_eq!((error.status, error.code), (409, "RoleAssignmentExists"));
        assert!(error.message.ends_with("3f3f3f3f000000000000000000000001."));
        let other_principal = parse_role_assignment_body(&body(builtin::READER.name, OTHER)).unwrap();
        let error = put(&scope, NAME, &other_principal, &auth, true).unwrap_err();
        assert_eq!((error.status, error.code), (400, "RoleAssignmentUpdateNotPermitted"));
        // Same name at another scope is an update of the same assignment too.
        let error = put(&Scope::parse("/subscriptions/s"), NAME, &reader, &auth, true).unwrap_err();
        assert_eq!(error.code, "RoleAssignmentUpdateNotPermitted");
        assert_eq!(
            put(&scope, other_name, &other_principal, &auth, true),
            Ok(AssignmentOutcome::Create)
        );
    }

    #[test]
    fn custom_roles_are_assignable_within_their_scopes_only() {
        let custom = parse_role_definition_body(
            "55555555-5555-5555-5555-555555555555",
            &json!({"properties": {"roleName": "Starter", "assignableScopes": [RG], "permissions": [{"actions": ["Microsoft.ContainerInstance/containerGroups/start/action"]}]}}),
            Some(SP),
        )
        .unwrap();
        let roles = vec![custom];
        let none: Vec<RoleAssignment> = Vec::new();
        let auth = Authorizer::new(&none, &roles);
        let request = parse_role_assignment_body(&body("55555555-5555-5555-5555-555555555555", SP)).unwrap();
        let inside = Scope::parse(&format!("{RG}/providers/Microsoft.ContainerInstance/containerGroups/g"));
        assert_eq!(put(&inside, NAME, &request, &auth, true), Ok(AssignmentOutcome::Create));
        let error = put(&Scope::parse("/subscriptions/s"), NAME, &request, &auth, true).unwrap_err();
        assert_eq!(
            (error.status, error.code),
            (400, "RoleAssignmentScopeNotAssignableToRoleDefinition")
        );
        assert_eq!(
            error.message,
            "The role Starter is not available for assignment at the requested scope."
        );
    }

    fn role_body(scopes: serde_json::Value, actions: serde_json::Value) -> serde_json::Value {
        json!({"properties": {"roleName": "Custom", "description": "d", "type": "CustomRole", "assignableScopes": scopes, "permissions": [{"actions": actions, "notActions": [], "dataActions": [], "notDataActions": []}]}})
    }

    #[test]
    fn role_definition_bodies() {
        let name = "66666666-6666-6666-6666-666666666666";
        let role = parse_role_definition_body(
            name,
            &role_body(json!(["/subscriptions/s"]), json!(["Microsoft.Compute/*/read"])),
            Some(SP),
        )
        .unwrap();
        assert_eq!(role.role_type, RoleType::Custom);
        assert_eq!(role.created_by.as_deref(), Some(SP));
        assert_eq!(role.to_arm_json(Some("s"))["properties"]["type"], "CustomRole");

        let error = |name: &str, value: serde_json::Value| parse_role_definition_body(name, &value, None).unwrap_err();
        assert_eq!(
            error("custom", role_body(json!(["/subscriptions/s"]), json!([]))).code,
            "InvalidRoleDefinitionId"
        );
        for scopes in [
            json!([]),
            json!(["/"]),
            json!(["/subscriptions/*"]),
            json!(["/subscriptions"]),
            json!(null),
        ] {
            let e = error(name, role_body(scopes.clone(), json!(["*/read"])));
            assert_eq!((e.status, e.code), (400, "InvalidRoleDefinition"), "{scopes}");
        }
        let two_groups = json!([
            "/providers/Microsoft.Management/managementGroups/a",
            "/providers/Microsoft.Management/managementGroups/b"
        ]);
        assert_eq!(
            error(name, role_body(two_groups, json!(["*/read"]))).code,
            "InvalidRoleDefinition"
        );
        let group_with_data = json!({"properties": {"roleName": "x", "assignableScopes": ["/providers/Microsoft.Management/managementGroups/a"], "permissions": [{"dataActions": ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"]}]}});
        assert_eq!(
            error(name, group_with_data).message,
            "You cannot add data action permissions when you have a management group as an assignable scope"
        );
        assert!(
            parse_role_definition_body(
                name,
                &role_body(
                    json!([
                        "/providers/Microsoft.Management/managementGroups/a",
                        "/subscriptions/s",
                        "/subscriptions/s/resourceGroups/rg"
                    ]),
                    json!(["*/read"])
                ),
                None
            )
            .is_ok()
        );
        for action in [
            "Microsoft.CostManagement/*/query/*",
            "",
            "read",
            "Microsoft.Compute/ virtualMachines/read",
            "/Microsoft.Compute/read",
        ] {
            let e = error(name, role_body(json!(["/subscriptions/s"]), json!([action])));
            assert_eq!((e.status, e.code), (400, "InvalidActionOrNotAction"), "{action}");
        }
        let no_name = json!({"properties": {"roleName": "  ", "assignableScopes": ["/subscriptions/s"]}});
        assert_eq!(error(name, no_name).code, "InvalidRoleDefinition");
        let long_name = json!({"properties": {"roleName": "x".repeat(513), "assignableScopes": ["/subscriptions/s"]}});
        assert_eq!(error(name, long_name).code, "InvalidRoleDefinition");
        let long_description = json!({"properties": {"roleName": "x", "description": "d".repeat(2049), "assignableScopes": ["/subscriptions/s"]}});
        assert_eq!(error(name, long_description).code, "InvalidRoleDefinition");
    }

    #[test]
    fn role_definition_state_checks() {
        let name = "66666666-6666-6666-6666-666666666666";
        let role =
            parse_role_definition_body(name, &role_body(json!(["/subscriptions/s"]), json!(["*/read"])), None).unwrap();
        assert_eq!(check_custom_role_put(&role, &[]), Ok(true));
        assert_eq!(check_custom_role_put(&role, std::slice::from_ref(&role)), Ok(false));
        let mut same_name = role.clone();
        same_name.name = "77777777-7777-7777-7777-777777777777".into();
        let error = check_custom_role_put(&same_name, std::slice::from_ref(&role)).unwrap_err();
        assert_eq!((error.status, error.code), (409, "RoleDefinitionWithSameNameExists"));
        let mut built_in_name = role.clone();
        built_in_name.role_name = "reader".into();
        assert_eq!(
            check_custom_role_put(&built_in_name, &[]).unwrap_err().code,
            "RoleDefinitionWithSameNameExists"
        );
        let mut built_in_id = role.clone();
        built_in_id.name = builtin::OWNER.name.into();
        assert_eq!(
            check_custom_role_put(&built_in_id, &[]).unwrap_err().code,
            "RoleDefinitionWithSameNameExists"
        );
        let many: Vec<RoleDefinition> = (0..CUSTOM_ROLE_LIMIT)
            .map(|i| RoleDefinition {
                name: format!("{i:08x}-0000-0000-0000-000000000000"),
                role_name: format!("role {i}"),
                ..role.clone()
            })
            .collect();
        assert_eq!(
            check_custom_role_put(&role, &many).unwrap_err().code,
            "RoleDefinitionLimitExceeded"
        );
    }

    #[test]
    fn writing_a_role_needs_write_on_every_assignable_scope() {
        let name = "66666666-6666-6666-6666-666666666666";
        let role = parse_role_definition_body(
            name,
            &role_body(
                json!(["/subscriptions/s", "/subscriptions/t", "/subscriptions/gone"]),
                json!(["*/read"]),
            ),
            None,
        )
        .unwrap();
        let assignments = vec![
            RoleAssignment::new(
                "a",
                Scope::parse("/subscriptions/s"),
                builtin::OWNER.name,
                SP,
                PrincipalType::ServicePrincipal,
            ),
            RoleAssignment::new(
                "b",
                Scope::parse("/subscriptions/t"),
                builtin::CONTRIBUTOR.name,
                SP,
                PrincipalType::ServicePrincipal,
            ),
            RoleAssignment::new(
                "c",
                Scope::parse("/subscriptions/gone"),
                builtin::OWNER.name,
                SP,
                PrincipalType::ServicePrincipal,
            ),
        ];
        let auth = Authorizer::new(&assignments, &[]);
        let caller = Caller {
            client: SP,
            object_id: SP,
        };
        let put_scope = Scope::parse(&format!(
            "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/{name}"
        ));
        let exists = |scope: &Scope| !scope.as_str().contains("gone");
        let error = check_role_definition_scopes(&role, &auth, caller, &put_scope, &exists).unwrap_err();
        assert_eq!((error.status, error.code), (403, "LinkedAuthorizationFailed"));
        assert!(
            error
                .message
                .contains("on the linked scope(s) '/subscriptions/t,/subscriptions/gone' (respectively)"),
            "{}",
            error.message
        );
        let only_s =
            parse_role_definition_body(name, &role_body(json!(["/subscriptions/s"]), json!(["*/read"])), None).unwrap();
        assert!(check_role_definition_scopes(&only_s, &auth, caller, &put_scope, &exists).is_ok());
    }

    #[test]
    fn deleting_a_used_role() {
        let guid = "66666666-6666-6666-6666-666666666666";
        let assignments = vec![RoleAssignment::new(
            "a",
            Scope::parse(RG),
            guid,
            SP,
            PrincipalType::ServicePrincipal,
        )];
        let error = check_custom_role_delete(&guid.to_uppercase(), &Authorizer::new(&assignments, &[])).unwrap_err();
        assert_eq!(error.code, "RoleDefinitionHasAssignments");
        assert!(check_custom_role_delete(guid, &Authorizer::new(&[], &[])).is_ok());
    }

    #[test]
    fn guids() {
        assert!(is_guid("8e3af657-a8ff-443c-a75c-2fe8c4bcb635"));
        assert!(is_guid("8E3AF657A8FF443CA75C2FE8C4BCB635"));
        assert!(!is_guid("contributor"));
        assert!(!is_guid(""));
    }
}
