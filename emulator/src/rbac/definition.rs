//! Role definitions: permission blocks, their evaluation, and the JSON of a
//! `Microsoft.Authorization/roleDefinitions` resource.
//!
//! Shape and meaning from learn.microsoft.com "Understand Azure role definitions"
//! (MicrosoftDocs/azure-docs `articles/role-based-access-control/role-definitions.md`): a role
//! has `roleName`, `name` (its GUID, "Built-in roles have the same role ID across clouds"),
//! `type` (`BuiltInRole` or `CustomRole`), `description`, `assignableScopes` and `permissions`,
//! each permission block holding `actions`, `notActions`, `dataActions` and `notDataActions`.
//! "Control plane access is not inherited to your data plane": `Actions` never grant a data
//! action (Owner's `*` reads no blob) and `DataActions` never grant a control action.

use serde_json::{Value, json};

use super::pattern::permits;
use super::scope::Scope;

/// The resource type of role definitions.
pub const ROLE_DEFINITION_TYPE: &str = "Microsoft.Authorization/roleDefinitions";

/// Whether a role is Azure's or a tenant's own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleType {
    /// `BuiltInRole`.
    BuiltIn,
    /// `CustomRole`.
    Custom,
}

impl RoleType {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            RoleType::BuiltIn => "BuiltInRole",
            RoleType::Custom => "CustomRole",
        }
    }
}

/// One permission block of a role: `Actions - NotActions` and `DataActions - NotDataActions`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Permission {
    /// Control plane actions allowed.
    pub actions: Vec<String>,
    /// Control plane actions subtracted from `actions`.
    pub not_actions: Vec<String>,
    /// Data plane actions allowed.
    pub data_actions: Vec<String>,
    /// Data plane actions subtracted from `data_actions`.
    pub not_data_actions: Vec<String>,
}

impl Permission {
    /// Whether this block grants the control plane `action`.
    pub fn allows_action(&self, action: &str) -> bool {
        permits(&self.actions, &self.not_actions, action)
    }

    /// Whether this block grants the data plane `data_action`.
    pub fn allows_data_action(&self, data_action: &str) -> bool {
        permits(&self.data_actions, &self.not_data_actions, data_action)
    }

    /// The block as Azure serializes it.
    pub fn to_json(&self) -> Value {
        json!({
            "actions": self.actions,
            "notActions": self.not_actions,
            "dataActions": self.data_actions,
            "notDataActions": self.not_data_actions,
        })
    }
}

/// A role definition, built-in or custom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleDefinition {
    /// The role's GUID (the resource `name`).
    pub name: String,
    /// The display name (`roleName`), unique in the tenant.
    pub role_name: String,
    /// Built-in or custom.
    pub role_type: RoleType,
    /// The description.
    pub description: String,
    /// Where the role may be assigned: `["/"]` for every built-in role.
    pub assignable_scopes: Vec<String>,
    /// The permission blocks; access is the union of what each block grants.
    pub permissions: Vec<Permission>,
    /// `createdOn`, an ISO 8601 instant, when known.
    pub created_on: Option<String>,
    /// `updatedOn`, when known.
    pub updated_on: Option<String>,
    /// `createdBy`: the object id of the creator of a custom role; `null` for built-in roles.
    pub created_by: Option<String>,
    /// `updatedBy`.
    pub updated_by: Option<String>,
}

impl RoleDefinition {
    /// Whether some permission block grants the control plane `action`.
    pub fn allows_action(&self, action: &str) -> bool {
        self.permissions.iter().any(|p| p.allows_action(action))
    }

    /// Whether some permission block grants the data plane `data_action`.
    pub fn allows_data_action(&self, data_action: &str) -> bool {
        self.permissions.iter().any(|p| p.allows_data_action(data_action))
    }

    /// Whether the role may be assigned at `scope`: `scope` is one of the assignable scopes or
    /// below one ("if `AssignableScopes` is set to a subscription, that means that the custom
    /// role is available for assignment at subscription scope for the specified subscription,
    /// resource group scope for any resource group in the subscription, or resource scope for
    /// any resource in the subscription", role-definitions.md "AssignableScopes").
    pub fn is_assignable_at(&self, scope: &Scope) -> bool {
        self.assignable_scopes.iter().any(|s| scope.is_within(&Scope::parse(s)))
    }

    /// Whether any block holds a data action (such custom roles cannot be assigned at a
    /// management group).
    pub fn has_data_actions(&self) -> bool {
        self.permissions.iter().any(|p| !p.data_actions.is_empty())
    }

    /// The resource id of this role seen from `subscription` (`None`: the tenant-level
    /// `/providers/...` form built-in roles also have).
    pub fn id(&self, subscription: Option<&str>) -> String {
        role_definition_id(subscription, &self.name)
    }

    /// The `Microsoft.Authorization/roleDefinitions` resource, as ARM returns it from
    /// `{scope}/providers/Microsoft.Authorization/roleDefinitions/{name}`.
    pub fn to_arm_json(&self, subscription: Option<&str>) -> Value {
        json!({
            "id": self.id(subscription),
            "name": self.name,
            "type": ROLE_DEFINITION_TYPE,
            "properties": {
                "roleName": self.role_name,
                "type": self.role_type.as_str(),
                "description": self.description,
                "assignableScopes": self.assignable_scopes,
                "permissions": self.permissions.iter().map(Permission::to_json).collect::<Vec<_>>(),
                "createdOn": self.created_on,
                "updatedOn": self.updated_on,
                "createdBy": self.created_by,
                "updatedBy": self.updated_by,
            }
        })
    }
}

/// `/subscriptions/{subscription}/providers/Microsoft.Authorization/roleDefinitions/{guid}`,
/// or `/providers/Microsoft.Authorization/roleDefinitions/{guid}` without a subscription.
pub fn role_definition_id(subscription: Option<&str>, guid: &str) -> String {
    match subscription {
        Some(subscription) => {
            format!("/subscriptions/{subscription}/providers/Microsoft.Authorization/roleDefinitions/{guid}")
        }
        None => format!("/providers/Microsoft.Authorization/roleDefinitions/{guid}"),
    }
}

/// The GUID of a role definition id in any of the forms clients send
/// (`/subscriptions/{s}/providers/Microsoft.Authorization/roleDefinitions/{guid}`, the
/// `/providers/...` form, or a form under a resource group or management group), matched
/// case-insensitively; `None` when the id does not end in `.../providers/Microsoft.Authorization/roleDefinitions/{x}`.
pub fn role_definition_guid(id: &str) -> Option<&str> {
    let trimmed = id.trim().trim_end_matches('/');
    let (head, guid) = trimmed.rsplit_once('/')?;
    let lower = head.to_ascii_lowercase();
    (lower.ends_with("/providers/microsoft.authorization/roledefinitions") && !guid.is_empty()).then_some(guid)
}

#[cfg(test)]
mod tests {
    use super::{Permission, RoleDefinition, RoleType, role_definition_guid, role_definition_id};
    use crate::rbac::scope::Scope;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    fn custom() -> RoleDefinition {
        RoleDefinition {
            name: "11111111-1111-1111-1111-111111111111".into(),
            role_name: "Container starter".into(),
            role_type: RoleType::Custom,
            description: "Starts groups".into(),
            assignable_scopes: strings(&["/subscriptions/s/resourceGroups/rg"]),
            permissions: vec![
                Permission {
                    actions: strings(&["Microsoft.ContainerInstance/containerGroups/*"]),
                    not_actions: strings(&["Microsoft.ContainerInstance/containerGroups/delete"]),
                    ..Permission::default()
                },
                Permission {
                    data_actions: strings(&["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*"]),
                    not_data_actions: strings(&[
                        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete",
                    ]),
                    ..Permission::default()
                },
            ],
            created_on: None,
            updated_on: None,
            created_by: Some("creator".into()),
            updated_by: Some("creator".into()),
        }
    }

    #[test]
    fn blocks_are_evaluated_separately_and_planes_do_not_mix() {
        let role = custom();
        assert!(role.allows_action("Microsoft.ContainerInstance/containerGroups/start/action"));
        assert!(!role.allows_action("Microsoft.ContainerInstance/containerGroups/delete"));
        assert!(role.allows_data_action("Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"));
        assert!(!role.allows_data_action("Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete"));
        // A data action is never granted by Actions, nor an action by DataActions.
        assert!(!role.allows_action("Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"));
        assert!(!role.allows_data_action("Microsoft.ContainerInstance/containerGroups/read"));
        assert!(role.has_data_actions());
    }

    #[test]
    fn assignable_scopes_cover_their_descendants() {
        let role = custom();
        assert!(role.is_assignable_at(&Scope::parse("/subscriptions/s/resourceGroups/RG")));
        assert!(role.is_assignable_at(&Scope::parse("/subscriptions/s/resourceGroups/rg/providers/X.Y/z/n")));
        assert!(!role.is_assignable_at(&Scope::parse("/subscriptions/s")));
        assert!(!role.is_assignable_at(&Scope::parse("/subscriptions/s/resourceGroups/rg2")));
    }

    #[test]
    fn json_shape() {
        let json = custom().to_arm_json(Some("s"));
        assert_eq!(
            json["id"],
            "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/11111111-1111-1111-1111-111111111111"
        );
        assert_eq!(json["name"], "11111111-1111-1111-1111-111111111111");
        assert_eq!(json["type"], "Microsoft.Authorization/roleDefinitions");
        assert_eq!(json["properties"]["type"], "CustomRole");
        assert_eq!(json["properties"]["roleName"], "Container starter");
        assert_eq!(
            json["properties"]["assignableScopes"][0],
            "/subscriptions/s/resourceGroups/rg"
        );
        assert_eq!(
            json["properties"]["permissions"][0]["notActions"][0],
            "Microsoft.ContainerInstance/containerGroups/delete"
        );
        assert_eq!(
            json["properties"]["permissions"][1]["dataActions"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        assert!(json["properties"]["createdOn"].is_null());
        assert_eq!(json["properties"]["createdBy"], "creator");
        assert_eq!(
            custom().id(None),
            "/providers/Microsoft.Authorization/roleDefinitions/11111111-1111-1111-1111-111111111111"
        );
    }

    #[test]
    fn ids() {
        assert_eq!(
            role_definition_id(None, "g"),
            "/providers/Microsoft.Authorization/roleDefinitions/g"
        );
        let cases: &[(&str, Option<&str>)] = &[
            (
                "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/abc",
                Some("abc"),
            ),
            ("/providers/microsoft.authorization/roledefinitions/ABC/", Some("ABC")),
            (
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Authorization/roleDefinitions/abc",
                Some("abc"),
            ),
            ("abc", None),
            (
                "/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/abc",
                None,
            ),
            (
                "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/",
                None,
            ),
        ];
        for (id, guid) in cases {
            assert_eq!(role_definition_guid(id), *guid, "{id}");
        }
    }
}
