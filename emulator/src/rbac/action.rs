//! The ARM action a request performs and the scope ARM checks it at.
//!
//! "Actions are specified with strings that have the following format:
//! `{Company}.{ProviderName}/{resourceType}/{action}`", where `read` "enables read actions
//! (GET)", `write` "enables write actions (PUT or PATCH)", `delete` "enables delete actions
//! (DELETE)" and `action` "enables custom actions like restart virtual machines (POST)"
//! (learn.microsoft.com "Understand Azure role definitions", MicrosoftDocs/azure-docs
//! `articles/role-based-access-control/role-definitions.md`, "Actions format").
//!
//! The mapping from a request to its action follows ARM's resource id grammar:
//!
//! - The namespace is the one after the last `/providers/{namespace}`; paths without one
//!   belong to `Microsoft.Resources` (`/subscriptions/{s}` is
//!   `Microsoft.Resources/subscriptions/read`, `/subscriptions/{s}/resourceGroups/{rg}` is
//!   `Microsoft.Resources/subscriptions/resourceGroups/{read|write|delete}`).
//! - The resource type is every other segment after the namespace (`{type}/{name}/{childType}`
//!   is `{namespace}/{type}/{childType}`).
//! - A path ending in a name is the resource itself: GET/HEAD read, PUT/PATCH write, DELETE
//!   delete, POST action, checked over the resource's id.
//! - A path ending in a type is a collection: GET lists it (`{type}/read`) and is checked at
//!   the parent path; POST `.../{name}/{verb}` is the custom action `{type}/{verb}/action` on
//!   the resource (`POST .../containerGroups/g/stop` is
//!   `Microsoft.ContainerInstance/containerGroups/stop/action` over the group,
//!   `POST .../storageAccounts/a/listKeys` is `Microsoft.Storage/storageAccounts/listKeys/action`).
//!
//! ARM's denials echo the action and the scope in the caller's casing (a request for
//! `/subscriptions/s/resourcegroups/x` is denied "to perform action
//! 'Microsoft.Resources/subscriptions/resourcegroups/read' over scope
//! '/subscriptions/s/resourcegroups/x'"; listing resource groups is denied over
//! '/subscriptions/s'; listing role assignments under a storage account over
//! '.../storageAccounts/a/providers/Microsoft.Authorization'), and so does this module.

use super::scope::Scope;

/// The kind of an ARM action, its last segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    /// GET, HEAD.
    Read,
    /// PUT, PATCH.
    Write,
    /// DELETE.
    Delete,
    /// POST.
    Action,
}

impl Verb {
    /// The verb of an HTTP method (case-insensitive); `None` for methods ARM has no action for.
    pub fn from_method(method: &str) -> Option<Verb> {
        match method.to_ascii_uppercase().as_str() {
            "GET" | "HEAD" => Some(Verb::Read),
            "PUT" | "PATCH" => Some(Verb::Write),
            "DELETE" => Some(Verb::Delete),
            "POST" => Some(Verb::Action),
            _ => None,
        }
    }

    /// The action suffix: `read`, `write`, `delete`, `action`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Read => "read",
            Verb::Write => "write",
            Verb::Delete => "delete",
            Verb::Action => "action",
        }
    }
}

/// The action a request performs and the scope ARM authorizes it over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArmOperation {
    /// `{namespace}/{type}[/{childType}...][/{verb}]/{read|write|delete|action}`.
    pub action: String,
    /// The verb of the action.
    pub verb: Verb,
    /// The scope the action is checked over (and named in a denial).
    pub scope: Scope,
}

/// The namespace of paths that name no provider.
const RESOURCES: &str = "Microsoft.Resources";

/// The ARM action of `method` on `path` (a path with an optional query, such as
/// `/subscriptions/s/resourceGroups/rg?api-version=2021-04-01`), or `None` for the root path or
/// a method ARM has no action for.
pub fn arm_operation(method: &str, path: &str) -> Option<ArmOperation> {
    let verb = Verb::from_method(method)?;
    let segments = Scope::parse(path).segments().to_vec();
    if segments.is_empty() {
        return None;
    }
    let providers = segments
        .iter()
        .rposition(|s| s.eq_ignore_ascii_case("providers"))
        .filter(|p| p + 1 < segments.len());
    let (namespace, rest_start) = match providers {
        Some(p) if p + 2 == segments.len() => {
            // `/subscriptions/{s}/providers/{namespace}`: reading a resource provider.
            let mut types = implicit_types(&segments[..p]);
            types.push(segments[p].clone());
            let action = format!("{RESOURCES}/{}/{}", types.join("/"), verb.as_str());
            return Some(ArmOperation {
                action,
                verb,
                scope: Scope::from_segments(segments),
            });
        }
        Some(p) => (segments[p + 1].clone(), p + 2),
        None => (RESOURCES.to_owned(), 0),
    };
    let rest = &segments[rest_start..];
    let mut types: Vec<String> = rest.iter().step_by(2).cloned().collect();
    if rest.len().is_multiple_of(2) {
        // The path names a resource.
        return Some(ArmOperation {
            action: format!("{namespace}/{}/{}", types.join("/"), verb.as_str()),
            verb,
            scope: Scope::from_segments(segments),
        });
    }
    // The path ends in a type: a collection, or a verb on the resource before it.
    let parent = Scope::from_segments(segments[..segments.len() - 1].to_vec());
    if verb == Verb::Action {
        // `{type}/{verb}/action`: the last "type" is the verb.
        let verb_name = types.pop().unwrap_or_default();
        types.push(verb_name);
    }
    Some(ArmOperation {
        action: format!("{namespace}/{}/{}", types.join("/"), verb.as_str()),
        verb,
        scope: parent,
    })
}

/// The `Microsoft.Resources` types of the segments before a `/providers`: every other segment
/// (`subscriptions/{s}/resourceGroups/{rg}` gives `subscriptions/resourceGroups`).
fn implicit_types(segments: &[String]) -> Vec<String> {
    segments.iter().step_by(2).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::{Verb, arm_operation};

    const RG: &str = "/subscriptions/s/resourceGroups/rg";
    const CG: &str = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerInstance/containerGroups/g";

    #[test]
    fn table() {
        let sa = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a";
        let cases: Vec<(&str, String, &str, String)> = vec![
            // Subscriptions and resource groups (Microsoft.Resources).
            (
                "GET",
                "/subscriptions?api-version=2022-12-01".into(),
                "Microsoft.Resources/subscriptions/read",
                "/".into(),
            ),
            (
                "GET",
                "/subscriptions/s".into(),
                "Microsoft.Resources/subscriptions/read",
                "/subscriptions/s".into(),
            ),
            (
                "GET",
                "/subscriptions/s/resourcegroups".into(),
                "Microsoft.Resources/subscriptions/resourcegroups/read",
                "/subscriptions/s".into(),
            ),
            (
                "GET",
                format!("{RG}?api-version=2021-04-01"),
                "Microsoft.Resources/subscriptions/resourceGroups/read",
                RG.into(),
            ),
            (
                "HEAD",
                RG.into(),
                "Microsoft.Resources/subscriptions/resourceGroups/read",
                RG.into(),
            ),
            (
                "PUT",
                RG.into(),
                "Microsoft.Resources/subscriptions/resourceGroups/write",
                RG.into(),
            ),
            (
                "PATCH",
                RG.into(),
                "Microsoft.Resources/subscriptions/resourceGroups/write",
                RG.into(),
            ),
            (
                "DELETE",
                RG.into(),
                "Microsoft.Resources/subscriptions/resourceGroups/delete",
                RG.into(),
            ),
            (
                "get",
                "/subscriptions/s/resourcegroups/x".into(),
                "Microsoft.Resources/subscriptions/resourcegroups/read",
                "/subscriptions/s/resourcegroups/x".into(),
            ),
            (
                "GET",
                format!("{RG}/resources"),
                "Microsoft.Resources/subscriptions/resourceGroups/resources/read",
                RG.into(),
            ),
            (
                "GET",
                "/subscriptions/s/resources".into(),
                "Microsoft.Resources/subscriptions/resources/read",
                "/subscriptions/s".into(),
            ),
            (
                "GET",
                "/subscriptions/s/locations".into(),
                "Microsoft.Resources/subscriptions/locations/read",
                "/subscriptions/s".into(),
            ),
            (
                "POST",
                format!("{RG}/exportTemplate"),
                "Microsoft.Resources/subscriptions/resourceGroups/exportTemplate/action",
                RG.into(),
            ),
            ("GET", "/tenants".into(), "Microsoft.Resources/tenants/read", "/".into()),
            // Resource providers.
            (
                "GET",
                "/subscriptions/s/providers".into(),
                "Microsoft.Resources/subscriptions/providers/read",
                "/subscriptions/s".into(),
            ),
            (
                "GET",
                "/subscriptions/s/providers/Microsoft.ContainerInstance".into(),
                "Microsoft.Resources/subscriptions/providers/read",
                "/subscriptions/s/providers/Microsoft.ContainerInstance".into(),
            ),
            (
                "POST",
                "/subscriptions/s/providers/Microsoft.ContainerInstance/register".into(),
                "Microsoft.ContainerInstance/register/action",
                "/subscriptions/s/providers/Microsoft.ContainerInstance".into(),
            ),
            // Container groups.
            (
                "PUT",
                format!("{CG}?api-version=2023-05-01"),
                "Microsoft.ContainerInstance/containerGroups/write",
                CG.into(),
            ),
            (
                "PATCH",
                CG.into(),
                "Microsoft.ContainerInstance/containerGroups/write",
                CG.into(),
            ),
            (
                "GET",
                CG.into(),
                "Microsoft.ContainerInstance/containerGroups/read",
                CG.into(),
            ),
            (
                "DELETE",
                CG.into(),
                "Microsoft.ContainerInstance/containerGroups/delete",
                CG.into(),
            ),
            (
                "POST",
                format!("{CG}/stop?api-version=2023-05-01"),
                "Microsoft.ContainerInstance/containerGroups/stop/action",
                CG.into(),
            ),
            (
                "POST",
                format!("{CG}/start"),
                "Microsoft.ContainerInstance/containerGroups/start/action",
                CG.into(),
            ),
            (
                "POST",
                format!("{CG}/restart"),
                "Microsoft.ContainerInstance/containerGroups/restart/action",
                CG.into(),
            ),
            (
                "GET",
                format!("{CG}/containers/c/logs"),
                "Microsoft.ContainerInstance/containerGroups/containers/logs/read",
                format!("{CG}/containers/c"),
            ),
            (
                "POST",
                format!("{CG}/containers/c/exec"),
                "Microsoft.ContainerInstance/containerGroups/containers/exec/action",
                format!("{CG}/containers/c"),
            ),
            (
                "GET",
                format!("{RG}/providers/Microsoft.ContainerInstance/containerGroups"),
                "Microsoft.ContainerInstance/containerGroups/read",
                format!("{RG}/providers/Microsoft.ContainerInstance"),
            ),
            (
                "GET",
                "/subscriptions/s/providers/Microsoft.ContainerInstance/containerGroups".into(),
                "Microsoft.ContainerInstance/containerGroups/read",
                "/subscriptions/s/providers/Microsoft.ContainerInstance".into(),
            ),
            (
                "GET",
                "/subscriptions/s/providers/Microsoft.ContainerInstance/locations/westeurope/operations/op1".into(),
                "Microsoft.ContainerInstance/locations/operations/read",
                "/subscriptions/s/providers/Microsoft.ContainerInstance/locations/westeurope/operations/op1".into(),
            ),
            // Storage.
            (
                "POST",
                format!("{sa}/listKeys"),
                "Microsoft.Storage/storageAccounts/listKeys/action",
                sa.into(),
            ),
            (
                "PUT",
                format!("{sa}/blobServices/default/containers/c"),
                "Microsoft.Storage/storageAccounts/blobServices/containers/write",
                format!("{sa}/blobServices/default/containers/c"),
            ),
            (
                "GET",
                format!("{sa}/blobServices/default/containers"),
                "Microsoft.Storage/storageAccounts/blobServices/containers/read",
                format!("{sa}/blobServices/default"),
            ),
            // Identities.
            (
                "PUT",
                format!("{RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1"),
                "Microsoft.ManagedIdentity/userAssignedIdentities/write",
                format!("{RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1"),
            ),
            (
                "PUT",
                format!(
                    "{RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1/federatedIdentityCredentials/f"
                ),
                "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write",
                format!(
                    "{RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1/federatedIdentityCredentials/f"
                ),
            ),
            // Role assignments and definitions, at any scope (extension resources).
            (
                "PUT",
                "/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/ra".into(),
                "Microsoft.Authorization/roleAssignments/write",
                "/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/ra".into(),
            ),
            (
                "DELETE",
                format!("{RG}/providers/Microsoft.Authorization/roleAssignments/ra"),
                "Microsoft.Authorization/roleAssignments/delete",
                format!("{RG}/providers/Microsoft.Authorization/roleAssignments/ra"),
            ),
            (
                "PUT",
                format!("{CG}/providers/Microsoft.Authorization/roleAssignments/ra"),
                "Microsoft.Authorization/roleAssignments/write",
                format!("{CG}/providers/Microsoft.Authorization/roleAssignments/ra"),
            ),
            (
                "GET",
                format!("{sa}/providers/Microsoft.Authorization/roleAssignments"),
                "Microsoft.Authorization/roleAssignments/read",
                format!("{sa}/providers/Microsoft.Authorization"),
            ),
            (
                "GET",
                "/providers/Microsoft.Authorization/roleAssignments?$filter=atScope()".into(),
                "Microsoft.Authorization/roleAssignments/read",
                "/providers/Microsoft.Authorization".into(),
            ),
            (
                "GET",
                "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7".into(),
                "Microsoft.Authorization/roleDefinitions/read",
                "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7".into(),
            ),
            (
                "PUT",
                "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/d".into(),
                "Microsoft.Authorization/roleDefinitions/write",
                "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/d".into(),
            ),
            (
                "GET",
                "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions?$filter=roleName%20eq%20'Reader'"
                    .into(),
                "Microsoft.Authorization/roleDefinitions/read",
                "/subscriptions/s/providers/Microsoft.Authorization".into(),
            ),
            // Deployments, image templates, registries.
            (
                "PUT",
                format!("{RG}/providers/Microsoft.Resources/deployments/d"),
                "Microsoft.Resources/deployments/write",
                format!("{RG}/providers/Microsoft.Resources/deployments/d"),
            ),
            (
                "POST",
                format!("{RG}/providers/Microsoft.VirtualMachineImages/imageTemplates/t/run"),
                "Microsoft.VirtualMachineImages/imageTemplates/run/action",
                format!("{RG}/providers/Microsoft.VirtualMachineImages/imageTemplates/t"),
            ),
            (
                "POST",
                format!("{RG}/providers/Microsoft.ContainerRegistry/registries/r/scheduleRun"),
                "Microsoft.ContainerRegistry/registries/scheduleRun/action",
                format!("{RG}/providers/Microsoft.ContainerRegistry/registries/r"),
            ),
            (
                "PUT",
                format!("{RG}/providers/Microsoft.ContainerRegistry/registries/r/agentPools/p"),
                "Microsoft.ContainerRegistry/registries/agentPools/write",
                format!("{RG}/providers/Microsoft.ContainerRegistry/registries/r/agentPools/p"),
            ),
            (
                "POST",
                format!("{RG}/providers/Microsoft.ContainerRegistry/registries/r/runs/run1/cancel"),
                "Microsoft.ContainerRegistry/registries/runs/cancel/action",
                format!("{RG}/providers/Microsoft.ContainerRegistry/registries/r/runs/run1"),
            ),
            (
                "POST",
                format!("{RG}/providers/Microsoft.Network/virtualNetworks/v/subnets/s1/join"),
                "Microsoft.Network/virtualNetworks/subnets/join/action",
                format!("{RG}/providers/Microsoft.Network/virtualNetworks/v/subnets/s1"),
            ),
        ];
        for (method, path, action, scope) in cases {
            let op = arm_operation(method, &path).unwrap_or_else(|| panic!("{method} {path}"));
            assert_eq!(op.action, action, "{method} {path}");
            assert_eq!(op.scope.as_str(), scope, "{method} {path}");
        }
    }

    #[test]
    fn verbs() {
        assert_eq!(arm_operation("GET", CG).unwrap().verb, Verb::Read);
        assert_eq!(arm_operation("POST", &format!("{CG}/stop")).unwrap().verb, Verb::Action);
        assert_eq!(Verb::from_method("patch"), Some(Verb::Write));
        assert_eq!(Verb::from_method("TRACE"), None);
        assert!(arm_operation("OPTIONS", CG).is_none());
        assert!(arm_operation("GET", "/").is_none());
        assert!(arm_operation("GET", "?api-version=1").is_none());
    }
}
