//! Matching of permission strings (`Actions`, `NotActions`, `DataActions`, `NotDataActions`)
//! against the action a request performs.
//!
//! Azure's rules, from learn.microsoft.com "Azure custom roles" (MicrosoftDocs/azure-docs
//! `articles/role-based-access-control/custom-roles.md`, "Wildcard permissions" and "Custom role
//! properties") and "Understand Azure role definitions" (`role-definitions.md`, "Actions",
//! "NotActions"):
//!
//! - "Permission strings are case-insensitive."
//! - "A wildcard (`*`) extends a permission to everything that matches the action string you
//!   provide": `*` stands for any run of characters, `/` included, so `Microsoft.Compute/*`
//!   covers every action of every resource type of the provider, `*/read` every read action,
//!   `Microsoft.Network/*/read` every read of the provider, and a wildcard may stand inside a
//!   segment (`Microsoft.Storage/storageAccounts/list*/action`).
//! - "The access granted by a role (effective permissions) is computed by subtracting the
//!   `NotActions` actions from the `Actions` actions", likewise `DataActions - NotDataActions`.
//!   `NotActions` is not a deny: "If a user is assigned a role that excludes an action in
//!   `NotActions`, and is assigned a second role that grants access to the same action, the user
//!   is allowed to perform that action." The subtraction is therefore per permission block, and
//!   access is the union over blocks and roles (see [`super::definition`]).
//!
//! One more rule the built-in roles rely on: a `/*` may also stand for nothing. Managed Identity
//! Operator, "Read and Assign User Assigned Identity", grants exactly
//! `Microsoft.ManagedIdentity/userAssignedIdentities/*/read` and
//! `Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action`, and the action ARM checks
//! when an identity is attached is `Microsoft.ManagedIdentity/userAssignedIdentities/assign/action`
//! (the action named in ARM's `LinkedAuthorizationFailed` answers, which Managed Identity Operator
//! resolves); so `.../userAssignedIdentities/*/assign/action` must cover
//! `.../userAssignedIdentities/assign/action`. (Built-in roles that also list the shorter form,
//! such as ContainerApp Reader's `Microsoft.App/containerApps/read` beside
//! `Microsoft.App/containerApps/*/read`, are merely redundant under this rule.)

/// Whether `pattern` (a permission string, `*` wildcards anywhere) matches `action`,
/// case-insensitively.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    let pattern = pattern.trim().to_ascii_lowercase();
    let action = action.trim().to_ascii_lowercase();
    glob(pattern.as_bytes(), action.as_bytes())
}

/// Whether the permission block `allowed` minus `excluded` grants `action`: some allowed
/// pattern matches and no excluded pattern does.
pub fn permits<A: AsRef<str>, E: AsRef<str>>(allowed: &[A], excluded: &[E], action: &str) -> bool {
    allowed.iter().any(|p| action_matches(p.as_ref(), action))
        && !excluded.iter().any(|p| action_matches(p.as_ref(), action))
}

/// The number of `*` in a permission string (custom roles may hold at most one: "You can have
/// only one wildcard in an action string", custom-roles.md "Custom role limits").
pub fn wildcard_count(pattern: &str) -> usize {
    pattern.bytes().filter(|b| *b == b'*').count()
}

/// Wildcard matching by dynamic programming over (pattern, text) positions: `*` matches any
/// run of bytes, and `/*` may also match nothing at all.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    let (n, m) = (pattern.len(), text.len());
    // matches[i][j]: pattern[i..] matches text[j..].
    let mut matches = vec![vec![false; m + 1]; n + 1];
    matches[n][m] = true;
    for i in (0..n).rev() {
        for j in (0..=m).rev() {
            matches[i][j] = if pattern[i] == b'*' {
                matches[i + 1][j] || (j < m && matches[i][j + 1])
            } else {
                (j < m && pattern[i] == text[j] && matches[i + 1][j + 1])
                    || (pattern[i] == b'/' && pattern.get(i + 1) == Some(&b'*') && matches[i + 2][j])
            };
        }
    }
    matches[0][0]
}

#[cfg(test)]
mod tests {
    use super::{action_matches, permits, wildcard_count};

    #[test]
    fn matches_as_azure_documents() {
        let cases: &[(&str, &str, bool)] = &[
            ("*", "Microsoft.ContainerInstance/containerGroups/write", true),
            ("*/read", "Microsoft.Compute/virtualMachines/read", true),
            ("*/read", "Microsoft.Compute/virtualMachines/write", false),
            ("*/read", "Microsoft.Resources/subscriptions/resourcegroups/read", true),
            (
                "Microsoft.Compute/*",
                "Microsoft.Compute/virtualMachines/start/action",
                true,
            ),
            ("Microsoft.Compute/*", "Microsoft.Network/virtualNetworks/read", false),
            (
                "Microsoft.Network/*/read",
                "Microsoft.Network/virtualNetworks/subnets/read",
                true,
            ),
            (
                "Microsoft.Network/*/read",
                "Microsoft.Network/virtualNetworks/subnets/join/action",
                false,
            ),
            (
                "Microsoft.Compute/virtualMachines/*",
                "Microsoft.Compute/virtualMachines/read",
                true,
            ),
            (
                "Microsoft.CostManagement/exports/*",
                "Microsoft.CostManagement/exports/run/action",
                true,
            ),
            (
                "Microsoft.CostManagement/*/query/*",
                "Microsoft.CostManagement/x/query/action",
                true,
            ),
            (
                "microsoft.web/sites/restart/Action",
                "Microsoft.Web/sites/restart/action",
                true,
            ),
            (
                "Microsoft.Authorization/*/Write",
                "Microsoft.Authorization/roleAssignments/write",
                true,
            ),
            (
                "Microsoft.Authorization/*/Delete",
                "microsoft.authorization/roledefinitions/DELETE",
                true,
            ),
            (
                "Microsoft.Authorization/*/Write",
                "Microsoft.Authorization/roleAssignments/read",
                false,
            ),
            // `/*` may stand for nothing (Managed Identity Operator's assign action).
            (
                "Microsoft.App/containerApps/*/read",
                "Microsoft.App/containerApps/read",
                true,
            ),
            (
                "Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action",
                "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action",
                true,
            ),
            (
                "Microsoft.ManagedIdentity/userAssignedIdentities/*/read",
                "Microsoft.ManagedIdentity/userAssignedIdentities/read",
                true,
            ),
            (
                "Microsoft.ManagedIdentity/userAssignedIdentities/*/read",
                "Microsoft.ManagedIdentity/userAssignedIdentitiesX/read",
                false,
            ),
            (
                "Microsoft.ManagedIdentity/userAssignedIdentities/*/read",
                "Microsoft.ManagedIdentity/userAssignedIdentities/write",
                false,
            ),
            (
                "Microsoft.App/containerApps/*/read",
                "Microsoft.App/containerApps/revisions/read",
                true,
            ),
            // Wildcards inside a segment.
            (
                "Microsoft.Storage/storageAccounts/list*/action",
                "Microsoft.Storage/storageAccounts/listKeys/action",
                true,
            ),
            (
                "Microsoft.Storage/storageAccounts/list*/action",
                "Microsoft.Storage/storageAccounts/regeneratekey/action",
                false,
            ),
            (
                "*Keys/action",
                "Microsoft.Storage/storageAccounts/listKeys/action",
                true,
            ),
            // No partial match without a wildcard.
            (
                "Microsoft.Storage/storageAccounts/read",
                "Microsoft.Storage/storageAccounts/readx",
                false,
            ),
            (
                "Microsoft.Storage/storageAccounts/read",
                "Microsoft.Storage/storageAccounts",
                false,
            ),
            ("", "Microsoft.Storage/storageAccounts/read", false),
            ("**", "anything/at/all", true),
        ];
        for (pattern, action, expected) in cases {
            assert_eq!(action_matches(pattern, action), *expected, "{pattern} vs {action}");
        }
    }

    #[test]
    fn not_actions_are_subtracted_within_the_block() {
        let actions = ["*"];
        let not_actions = ["Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write"];
        assert!(permits(
            &actions,
            &not_actions,
            "Microsoft.Resources/subscriptions/resourceGroups/write"
        ));
        assert!(permits(
            &actions,
            &not_actions,
            "Microsoft.Authorization/roleAssignments/read"
        ));
        assert!(!permits(
            &actions,
            &not_actions,
            "Microsoft.Authorization/roleAssignments/write"
        ));
        let none: [&str; 0] = [];
        assert!(!permits(&none, &none, "Microsoft.Authorization/roleAssignments/read"));
    }

    #[test]
    fn counts_wildcards() {
        assert_eq!(wildcard_count("*/read"), 1);
        assert_eq!(wildcard_count("Microsoft.CostManagement/*/query/*"), 2);
        assert_eq!(wildcard_count("Microsoft.Storage/storageAccounts/read"), 0);
    }
}
