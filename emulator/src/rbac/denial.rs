//! The answers Azure gives when RBAC says no, and the other RBAC errors, with their real codes
//! and messages.
//!
//! Each constructor says where its wording comes from. "Verified" means the exact text was read
//! in a captured Azure response or in Microsoft's documentation; "emulator choice" means the
//! code or wording could not be confirmed and the most plausible one was picked.

use serde_json::{Value, json};

/// An RBAC error: an HTTP status, an error code and a message, ready for ARM's envelope
/// `{"error":{"code":..,"message":..}}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RbacError {
    /// The HTTP status.
    pub status: u16,
    /// The error code.
    pub code: &'static str,
    /// The message.
    pub message: String,
}

impl RbacError {
    fn new(status: u16, code: &'static str, message: impl Into<String>) -> RbacError {
        RbacError {
            status,
            code,
            message: message.into(),
        }
    }

    /// ARM's error body.
    pub fn arm_body(&self) -> Value {
        json!({ "error": { "code": self.code, "message": self.message } })
    }
}

/// 403 `AuthorizationFailed`. Verified: "The client '{client}' with object id '{objectId}' does
/// not have authorization to perform action '{action}' over scope '{scope}' or the scope is
/// invalid. If access was recently granted, please refresh your credentials." (azure-docs
/// machine learning feature store troubleshooting; many captured responses). `client` is what
/// ARM shows as the caller: a user's UPN; for managed identities the object id again (AKS
/// identity denials show the identity's principal id twice); app registrations have been seen
/// with their client (application) id. Action and scope are echoed in the caller's casing.
pub fn authorization_failed(client: &str, object_id: &str, action: &str, scope: &str) -> RbacError {
    RbacError::new(
        403,
        "AuthorizationFailed",
        format!(
            "The client '{client}' with object id '{object_id}' does not have authorization to perform action '{action}' over scope '{scope}' or the scope is invalid. If access was recently granted, please refresh your credentials."
        ),
    )
}

/// 403 `LinkedAuthorizationFailed`: the caller may perform `action` on `scope` but not the
/// linked actions (attaching a user-assigned identity needs
/// `Microsoft.ManagedIdentity/userAssignedIdentities/assign/action` on the identity; placing a
/// container group in a subnet `Microsoft.Network/virtualNetworks/subnets/join/action` on the
/// subnet; writing a custom role `Microsoft.Authorization/roleDefinitions/write` on every
/// assignable scope). Verified (ARM's current wording, captured from AKS, Container Apps and
/// Application Gateway for Containers denials): "The client '{client}' with object id
/// '{objectId}' has permission to perform action '{action}' on scope '{scope}'; however, it does
/// not have permission to perform action(s) '{linked actions}' on the linked scope(s) '{linked
/// scopes}' (respectively) or the linked scope(s) are invalid." Several linked actions and
/// scopes are joined with `,`.
pub fn linked_authorization_failed(
    client: &str,
    object_id: &str,
    action: &str,
    scope: &str,
    linked: &[(&str, &str)],
) -> RbacError {
    let actions: Vec<&str> = linked.iter().map(|(a, _)| *a).collect();
    let scopes: Vec<&str> = linked.iter().map(|(_, s)| *s).collect();
    RbacError::new(
        403,
        "LinkedAuthorizationFailed",
        format!(
            "The client '{client}' with object id '{object_id}' has permission to perform action '{action}' on scope '{scope}'; however, it does not have permission to perform action(s) '{}' on the linked scope(s) '{}' (respectively) or the linked scope(s) are invalid.",
            actions.join(","),
            scopes.join(",")
        ),
    )
}

/// 409 `RoleAssignmentExists`: the same role for the same principal at the same scope under
/// another name. Verified: "The role assignment already exists." (azure-cli matches this exact
/// message; Terraform logs show status 409), followed in current ARM by " The ID of the existing
/// role assignment is {id}." with the existing assignment's name without dashes.
pub fn role_assignment_exists(existing_name: &str) -> RbacError {
    RbacError::new(
        409,
        "RoleAssignmentExists",
        format!(
            "The role assignment already exists. The ID of the existing role assignment is {}.",
            existing_name.replace('-', "")
        ),
    )
}

/// 400 `PrincipalNotFound`. Verified (azure-docs "Troubleshoot Azure RBAC", captured
/// deployment errors, which print the principal id without dashes): "Principal {principalId}
/// does not exist in the directory {tenantId}. Check that you have the correct principal ID. If
/// you are creating this principal and then immediately assigning a role, this error might be
/// related to a replication delay. In this case, set the role assignment principalType property
/// to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype"
/// (two spaces before "See" as Azure writes it).
pub fn principal_not_found(principal_id: &str, tenant_id: &str) -> RbacError {
    RbacError::new(
        400,
        "PrincipalNotFound",
        format!(
            "Principal {} does not exist in the directory {tenant_id}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype",
            principal_id.replace('-', "")
        ),
    )
}

/// 400 `InvalidRoleAssignmentId`. Verified (azure-sdk-for-python issue 4621, Azure Landing
/// Zones issue 3419): "The role assignment ID '{name}' is not valid. The role assignment ID must
/// be a GUID."
pub fn invalid_role_assignment_id(name: &str) -> RbacError {
    RbacError::new(
        400,
        "InvalidRoleAssignmentId",
        format!("The role assignment ID '{name}' is not valid. The role assignment ID must be a GUID."),
    )
}

/// 400 `InvalidPrincipalId`. Verified (azure-powershell issue 16627): "The Principal ID '{id}'
/// is not valid. Principal ID must be a GUID."
pub fn invalid_principal_id(principal_id: &str) -> RbacError {
    RbacError::new(
        400,
        "InvalidPrincipalId",
        format!("The Principal ID '{principal_id}' is not valid. Principal ID must be a GUID."),
    )
}

/// 400 `InvalidRoleDefinitionId`: a `roleDefinitionId` that is not a role definition id with a
/// GUID, or a role definition PUT whose name is not a GUID. The code is verified (tools guard
/// against it); the message is an emulator choice modeled on `InvalidRoleAssignmentId`.
pub fn invalid_role_definition_id(id: &str) -> RbacError {
    RbacError::new(
        400,
        "InvalidRoleDefinitionId",
        format!("The role definition ID '{id}' is not valid. The role definition ID must be a GUID."),
    )
}

/// `RoleDefinitionDoesNotExist`. Verified message (Terraform log of a 404 from GET
/// roleDefinitions): "The specified role definition with ID '{guid}' does not exist." Status 404
/// for a GET or DELETE of the definition; a role assignment PUT that names a missing role gets
/// the same code with 400 (emulator choice: the request is what is wrong there).
pub fn role_definition_does_not_exist(guid: &str, status: u16) -> RbacError {
    RbacError::new(
        status,
        "RoleDefinitionDoesNotExist",
        format!("The specified role definition with ID '{guid}' does not exist."),
    )
}

/// 400 `RoleAssignmentScopeNotAssignableToRoleDefinition`: the assignment's scope is outside
/// the role's assignable scopes. Verified message ("The role Custom Role - Cloud One Conformity
/// is not available for assignment at the requested scope."); the 400 is reported by clients
/// that retry it.
pub fn scope_not_assignable(role_name: &str) -> RbacError {
    RbacError::new(
        400,
        "RoleAssignmentScopeNotAssignableToRoleDefinition",
        format!("The role {role_name} is not available for assignment at the requested scope."),
    )
}

/// 400 `RoleAssignmentUpdateNotPermitted`: a PUT on an existing assignment name that changes
/// the principal, role or scope. Verified (azure-docs "Troubleshoot Azure RBAC", which reports a
/// BadRequest): "Tenant ID, application ID, principal ID, and scope are not allowed to be
/// updated."
pub fn role_assignment_update_not_permitted() -> RbacError {
    RbacError::new(
        400,
        "RoleAssignmentUpdateNotPermitted",
        "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
    )
}

/// 409 `RoleDefinitionWithSameNameExists`. Verified: code and 409 (azure-sdk-for-net's
/// authorization tests assert both), message "A custom role with the same name already exists
/// in this directory." (as the Azure CLI prints it).
pub fn role_definition_with_same_name_exists() -> RbacError {
    RbacError::new(
        409,
        "RoleDefinitionWithSameNameExists",
        "A custom role with the same name already exists in this directory.",
    )
}

/// `RoleDefinitionHasAssignments`: deleting a custom role that assignments still use. Verified
/// code and message (azure-docs "Azure custom roles": "There are existing role assignments
/// referencing role"); 409 is an emulator choice (a conflict with existing state).
pub fn role_definition_has_assignments() -> RbacError {
    RbacError::new(
        409,
        "RoleDefinitionHasAssignments",
        "There are existing role assignments referencing role",
    )
}

/// `RoleDefinitionLimitExceeded`: more than [`CUSTOM_ROLE_LIMIT`] custom roles in a tenant.
/// Verified code and message (azure-docs "Troubleshoot Azure RBAC": "Role definition limit
/// exceeded. No more role definitions can be created."); the 400 is an emulator choice.
pub fn role_definition_limit_exceeded() -> RbacError {
    RbacError::new(
        400,
        "RoleDefinitionLimitExceeded",
        "Role definition limit exceeded. No more role definitions can be created.",
    )
}

/// The number of custom roles a tenant may hold ("Each tenant can have up to 5000 custom
/// roles", azure-docs "Azure custom roles", "Custom role limits").
pub const CUSTOM_ROLE_LIMIT: usize = 5000;

/// 400 `InvalidActionOrNotAction`: a permission string Azure does not accept. Verified
/// (captured response): "'{action}' does not match any of the actions supported by the
/// providers."
pub fn invalid_action_or_not_action(action: &str) -> RbacError {
    RbacError::new(
        400,
        "InvalidActionOrNotAction",
        format!("'{action}' does not match any of the actions supported by the providers."),
    )
}

/// 400 for a role definition body that breaks one of Azure's documented custom role rules
/// (missing `roleName`, empty `assignableScopes`, root or wildcard assignable scope, too long a
/// name or description, more than 2000 assignable scopes). The rules are Azure's (azure-docs
/// "Azure custom roles", "Custom role properties" and "Custom role limits"); the code
/// `InvalidRoleDefinition` and the wording are emulator choices, the real ones not having been
/// found.
pub fn invalid_role_definition(message: impl Into<String>) -> RbacError {
    RbacError::new(400, "InvalidRoleDefinition", message)
}

/// 400 for a role assignment body without `properties.roleDefinitionId` or
/// `properties.principalId`: an emulator choice (`InvalidRequestContent`, ARM's code for a body
/// it cannot use).
pub fn invalid_request_content(message: impl Into<String>) -> RbacError {
    RbacError::new(400, "InvalidRequestContent", message)
}

/// A Storage service error (Blob), answered as XML with the code also in `x-ms-error-code`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StorageError {
    /// The HTTP status.
    pub status: u16,
    /// The error code (also the `x-ms-error-code` header).
    pub code: &'static str,
    /// The message, before the `RequestId`/`Time` lines Storage appends.
    pub message: &'static str,
}

impl StorageError {
    /// The XML body: Storage appends the request id and the time to the message on their own
    /// lines, as in "...using this permission.\nRequestId:8af115c9-...\nTime:2019-07-25T09:24:38.2773882Z".
    /// `time` is formatted by the caller (ISO 8601 with seven fractional digits and `Z`).
    pub fn xml_body(&self, request_id: &str, time: &str) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{}</Code><Message>{}\nRequestId:{request_id}\nTime:{time}</Message></Error>",
            self.code, self.message
        )
    }

    /// The content type of the body.
    pub fn content_type(&self) -> &'static str {
        "application/xml"
    }
}

/// 403 `AuthorizationPermissionMismatch`: a Blob request authorized with a bearer token whose
/// principal lacks the data role (or the control action, for container and delegation key
/// operations) the operation needs. Verified status, code, message and XML shape
/// (azure-sdk-for-js recorded responses, AzCopy logs): "This request is not authorized to
/// perform this operation using this permission."
pub fn storage_permission_mismatch() -> StorageError {
    StorageError {
        status: 403,
        code: "AuthorizationPermissionMismatch",
        message: "This request is not authorized to perform this operation using this permission.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorization_failed_is_arms_403() {
        let error = authorization_failed(
            "e3ba4b52-fd38-44fc-8b4b-ff3e610fdc2b",
            "e3ba4b52-fd38-44fc-8b4b-ff3e610fdc2b",
            "Microsoft.Network/virtualNetworks/subnets/read",
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/a",
        );
        assert_eq!(error.status, 403);
        assert_eq!(error.code, "AuthorizationFailed");
        assert_eq!(
            error.message,
            "The client 'e3ba4b52-fd38-44fc-8b4b-ff3e610fdc2b' with object id 'e3ba4b52-fd38-44fc-8b4b-ff3e610fdc2b' does not have authorization to perform action 'Microsoft.Network/virtualNetworks/subnets/read' over scope '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/a' or the scope is invalid. If access was recently granted, please refresh your credentials."
        );
        assert_eq!(error.arm_body()["error"]["code"], "AuthorizationFailed");
        assert_eq!(error.arm_body()["error"]["message"], error.message.as_str());
    }

    #[test]
    fn linked_authorization_failed_names_each_linked_scope() {
        let error = linked_authorization_failed(
            "c",
            "o",
            "Microsoft.ContainerInstance/containerGroups/write",
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerInstance/containerGroups/g",
            &[(
                "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action",
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id",
            )],
        );
        assert_eq!(error.status, 403);
        assert_eq!(
            error.message,
            "The client 'c' with object id 'o' has permission to perform action 'Microsoft.ContainerInstance/containerGroups/write' on scope '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerInstance/containerGroups/g'; however, it does not have permission to perform action(s) 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action' on the linked scope(s) '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id' (respectively) or the linked scope(s) are invalid."
        );
        let two = linked_authorization_failed("c", "o", "a", "s", &[("x", "/1"), ("y", "/2")]);
        assert!(two.message.contains("action(s) 'x,y' on the linked scope(s) '/1,/2'"));
    }

    #[test]
    fn assignment_errors() {
        let exists = role_assignment_exists("0a2b7dc5-8eb4-4970-9418-694f83a6c164");
        assert_eq!((exists.status, exists.code), (409, "RoleAssignmentExists"));
        assert_eq!(
            exists.message,
            "The role assignment already exists. The ID of the existing role assignment is 0a2b7dc58eb449709418694f83a6c164."
        );
        let missing = principal_not_found("11111111-2222-3333-4444-555555555555", "t");
        assert_eq!((missing.status, missing.code), (400, "PrincipalNotFound"));
        assert!(
            missing
                .message
                .starts_with("Principal 11111111222233334444555555555555 does not exist in the directory t. Check")
        );
        assert!(
            missing
                .message
                .ends_with("or Group.  See https://aka.ms/docs-principaltype")
        );
        assert_eq!(
            invalid_role_assignment_id("contributor").message,
            "The role assignment ID 'contributor' is not valid. The role assignment ID must be a GUID."
        );
        assert_eq!(
            invalid_principal_id("User").message,
            "The Principal ID 'User' is not valid. Principal ID must be a GUID."
        );
        assert_eq!(role_definition_does_not_exist("x", 404).status, 404);
        assert_eq!(
            role_definition_does_not_exist("x", 400).message,
            "The specified role definition with ID 'x' does not exist."
        );
        assert_eq!(
            scope_not_assignable("Custom Role").message,
            "The role Custom Role is not available for assignment at the requested scope."
        );
        assert_eq!(
            role_assignment_update_not_permitted().code,
            "RoleAssignmentUpdateNotPermitted"
        );
        assert_eq!(role_definition_with_same_name_exists().status, 409);
        assert_eq!(role_definition_has_assignments().code, "RoleDefinitionHasAssignments");
        assert_eq!(role_definition_limit_exceeded().code, "RoleDefinitionLimitExceeded");
        assert_eq!(
            invalid_action_or_not_action("Microsoft.Billing/billingPeriods/read").message,
            "'Microsoft.Billing/billingPeriods/read' does not match any of the actions supported by the providers."
        );
    }

    #[test]
    fn storage_mismatch_is_storages_xml() {
        let error = storage_permission_mismatch();
        assert_eq!((error.status, error.code), (403, "AuthorizationPermissionMismatch"));
        assert_eq!(error.content_type(), "application/xml");
        assert_eq!(
            error.xml_body("8af115c9-301e-00e3-1aca-42db19000000", "2019-07-25T09:24:38.2773882Z"),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>AuthorizationPermissionMismatch</Code><Message>This request is not authorized to perform this operation using this permission.\nRequestId:8af115c9-301e-00e3-1aca-42db19000000\nTime:2019-07-25T09:24:38.2773882Z</Message></Error>"
        );
    }
}
