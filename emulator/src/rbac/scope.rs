//! RBAC scopes: `/`, management groups, subscriptions, resource groups, resources and child
//! resources, compared as Azure compares them.
//!
//! "Scopes are structured in a parent-child relationship. You can assign roles at any of these
//! levels of hierarchy" and "Permissions are inherited from parent scopes" (learn.microsoft.com
//! "Understand scope for Azure RBAC", MicrosoftDocs/azure-docs
//! `articles/role-based-access-control/scope-overview.md`). Resource ids are case-insensitive, so
//! a scope is within another when the other's path segments are a case-insensitive prefix of its
//! own: `/subscriptions/a/resourceGroups/rg1` is not within `/subscriptions/a/resourceGroups/rg`
//! although the string starts with it.

use std::fmt;
use std::hash::{Hash, Hasher};

/// A normalized scope: a leading `/`, no empty segments, no trailing `/`, no query; the casing
/// of the input is kept for display (ARM echoes the caller's casing in its messages) and ignored
/// in every comparison.
#[derive(Clone, Debug)]
pub struct Scope {
    path: String,
    segments: Vec<String>,
}

/// What a scope names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    /// `/`, the root (tenant) scope.
    Root,
    /// `/providers/Microsoft.Management/managementGroups/{group}`.
    ManagementGroup,
    /// `/subscriptions/{subscription}`.
    Subscription,
    /// `/subscriptions/{subscription}/resourceGroups/{group}`.
    ResourceGroup,
    /// A resource or child resource: `.../providers/{namespace}/{type}/{name}[/{type}/{name}]...`,
    /// possibly nested under another resource's `/providers/`.
    Resource,
    /// Anything else (`/subscriptions`, `/subscriptions/s/resourceGroups`, a provider namespace,
    /// a resource type without a name): not a scope a role can be assigned at.
    Invalid,
}

impl Scope {
    /// Parses a scope or resource id: a query (`?api-version=...`) is dropped, repeated and
    /// trailing slashes are ignored, and `""` or `"/"` is the root.
    pub fn parse(scope: &str) -> Scope {
        let path = scope.split(['?', '#']).next().unwrap_or_default();
        let segments: Vec<String> = path.split('/').filter(|s| !s.is_empty()).map(str::to_owned).collect();
        Scope::from_segments(segments)
    }

    /// The scope made of these path segments.
    pub fn from_segments(segments: Vec<String>) -> Scope {
        let path = if segments.is_empty() {
            "/".to_owned()
        } else {
            let mut path = String::new();
            for segment in &segments {
                path.push('/');
                path.push_str(segment);
            }
            path
        };
        Scope { path, segments }
    }

    /// The root scope `/`.
    pub fn root() -> Scope {
        Scope::from_segments(Vec::new())
    }

    /// The normalized path, in the casing it was given.
    pub fn as_str(&self) -> &str {
        &self.path
    }

    /// The path segments.
    pub fn segments(&self) -> &[String] {
        &self.segments
    }

    /// Whether this is `/`.
    pub fn is_root(&self) -> bool {
        self.segments.is_empty()
    }

    /// The lowercase form, a key for maps and stores.
    pub fn key(&self) -> String {
        self.path.to_ascii_lowercase()
    }

    /// Whether this scope is `ancestor` or below it (segment-wise, case-insensitively).
    pub fn is_within(&self, ancestor: &Scope) -> bool {
        ancestor.segments.len() <= self.segments.len()
            && ancestor
                .segments
                .iter()
                .zip(&self.segments)
                .all(|(a, b)| a.eq_ignore_ascii_case(b))
    }

    /// Whether this scope is `other`, above it or below it (what "has some access related to
    /// this scope" means when ARM filters a list such as `GET /subscriptions`).
    pub fn is_related(&self, other: &Scope) -> bool {
        self.is_within(other) || other.is_within(self)
    }

    /// The enclosing scope one level up: a resource's parent resource, resource group or
    /// subscription; a resource group's subscription; `None` for the root. Levels that are
    /// not scopes themselves (`/providers/{namespace}`, `/resourceGroups`) are skipped.
    pub fn parent(&self) -> Option<Scope> {
        if self.is_root() {
            return None;
        }
        let mut segments = self.segments.clone();
        loop {
            segments.pop();
            let candidate = Scope::from_segments(segments.clone());
            if candidate.kind() != ScopeKind::Invalid {
                return Some(candidate);
            }
            if segments.is_empty() {
                return Some(Scope::root());
            }
        }
    }

    /// What this scope names.
    pub fn kind(&self) -> ScopeKind {
        let s: Vec<&str> = self.segments.iter().map(String::as_str).collect();
        let is = |i: usize, word: &str| s.get(i).is_some_and(|x| x.eq_ignore_ascii_case(word));
        match s.len() {
            0 => ScopeKind::Root,
            4 if is(0, "providers") && is(1, "Microsoft.Management") && is(2, "managementGroups") => {
                ScopeKind::ManagementGroup
            }
            2 if is(0, "subscriptions") => ScopeKind::Subscription,
            4 if is(0, "subscriptions") && is(2, "resourceGroups") => ScopeKind::ResourceGroup,
            _ => {
                let base = if is(0, "subscriptions") && is(2, "resourceGroups") {
                    4
                } else if is(0, "subscriptions") {
                    2
                } else {
                    return ScopeKind::Invalid;
                };
                if s.len() > base && resource_tail_is_valid(&s[base..]) {
                    ScopeKind::Resource
                } else {
                    ScopeKind::Invalid
                }
            }
        }
    }

    /// The subscription id of a scope at or below a subscription.
    pub fn subscription_id(&self) -> Option<&str> {
        match self.segments.as_slice() {
            [first, id, ..] if first.eq_ignore_ascii_case("subscriptions") => Some(id),
            _ => None,
        }
    }

    /// The resource group name of a scope at or below a resource group.
    pub fn resource_group(&self) -> Option<&str> {
        match self.segments.as_slice() {
            [first, _, rg, name, ..]
                if first.eq_ignore_ascii_case("subscriptions") && rg.eq_ignore_ascii_case("resourceGroups") =>
            {
                Some(name)
            }
            _ => None,
        }
    }

    /// `{scope}/providers/{namespace}/{type}/{name}`: the id of an extension resource (a role
    /// assignment, a role definition) at this scope; `/providers/...` at the root.
    pub fn extension_id(&self, namespace: &str, resource_type: &str, name: &str) -> String {
        let base = if self.is_root() { "" } else { self.as_str() };
        format!("{base}/providers/{namespace}/{resource_type}/{name}")
    }
}

/// `{namespace}/{type}/{name}[/{type}/{name}]...` with nested `/providers/{namespace}/...`
/// allowed after a complete resource.
fn resource_tail_is_valid(tail: &[&str]) -> bool {
    let mut rest = tail;
    let mut saw_resource = false;
    while !rest.is_empty() {
        // `providers`, a namespace, then at least one type/name pair.
        if rest.len() < 4 || !rest[0].eq_ignore_ascii_case("providers") {
            return false;
        }
        rest = &rest[2..];
        let mut pairs = 0;
        while rest.len() >= 2 && !rest[0].eq_ignore_ascii_case("providers") {
            rest = &rest[2..];
            pairs += 1;
        }
        if pairs == 0 || rest.len() == 1 {
            return false;
        }
        saw_resource = true;
    }
    saw_resource
}

impl PartialEq for Scope {
    fn eq(&self, other: &Self) -> bool {
        self.segments.len() == other.segments.len() && self.is_within(other)
    }
}

impl Eq for Scope {}

impl Hash for Scope {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)
    }
}

/// The normalized, lowercase form of a scope (a store key).
pub fn normalize(scope: &str) -> String {
    Scope::parse(scope).key()
}

/// Whether `scope` is `ancestor` or below it, over path segments and case-insensitively.
pub fn is_within(scope: &str, ancestor: &str) -> bool {
    Scope::parse(scope).is_within(&Scope::parse(ancestor))
}

#[cfg(test)]
mod tests {
    use super::{Scope, ScopeKind, is_within, normalize};

    #[test]
    fn within_is_over_segments_not_string_prefixes() {
        let cases: &[(&str, &str, bool)] = &[
            (
                "/subscriptions/a/resourceGroups/rg1",
                "/subscriptions/a/resourceGroups/rg",
                false,
            ),
            (
                "/subscriptions/a/resourceGroups/rg",
                "/subscriptions/a/resourceGroups/rg",
                true,
            ),
            (
                "/subscriptions/A/resourcegroups/RG/providers/X.Y/z/n",
                "/subscriptions/a/resourceGroups/rg",
                true,
            ),
            ("/subscriptions/a", "/subscriptions/a/resourceGroups/rg", false),
            ("/subscriptions/ab", "/subscriptions/a", false),
            ("/subscriptions/a", "/", true),
            ("/", "/", true),
            ("/", "/subscriptions/a", false),
            ("/subscriptions/a/", "//subscriptions//a", true),
            (
                "/subscriptions/a/resourceGroups/rg?api-version=2022-04-01",
                "/subscriptions/a/resourceGroups/RG",
                true,
            ),
            (
                "/subscriptions/a/resourceGroups/rg/providers/Microsoft.ContainerInstance/containerGroups/g",
                "/subscriptions/a/resourceGroups/rg/providers/Microsoft.ContainerInstance/containerGroups/g2",
                false,
            ),
        ];
        for (scope, ancestor, expected) in cases {
            assert_eq!(is_within(scope, ancestor), *expected, "{scope} within {ancestor}");
        }
    }

    #[test]
    fn normalizes_and_compares_case_insensitively() {
        assert_eq!(
            normalize("/Subscriptions/A//resourceGroups/RG/"),
            "/subscriptions/a/resourcegroups/rg"
        );
        assert_eq!(normalize(""), "/");
        assert_eq!(Scope::parse("/subscriptions/A"), Scope::parse("/SUBSCRIPTIONS/a/"));
        assert_ne!(
            Scope::parse("/subscriptions/a"),
            Scope::parse("/subscriptions/a/resourceGroups/b")
        );
        assert_eq!(Scope::parse("/Subscriptions/A/").as_str(), "/Subscriptions/A");
        assert!(Scope::parse("/subscriptions/a").is_related(&Scope::parse("/subscriptions/a/resourceGroups/b")));
        assert!(!Scope::parse("/subscriptions/a").is_related(&Scope::parse("/subscriptions/b")));
    }

    #[test]
    fn kinds() {
        let cases: &[(&str, ScopeKind)] = &[
            ("/", ScopeKind::Root),
            (
                "/providers/Microsoft.Management/managementGroups/mg",
                ScopeKind::ManagementGroup,
            ),
            ("/subscriptions/s", ScopeKind::Subscription),
            ("/subscriptions/s/resourceGroups/rg", ScopeKind::ResourceGroup),
            ("/subscriptions/s/resourcegroups/rg", ScopeKind::ResourceGroup),
            (
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a",
                ScopeKind::Resource,
            ),
            (
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a/blobServices/default/containers/c",
                ScopeKind::Resource,
            ),
            (
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/providers/Microsoft.Foo/bars/b",
                ScopeKind::Resource,
            ),
            ("/subscriptions/s/providers/Microsoft.Foo/bars/b", ScopeKind::Resource),
            ("/subscriptions", ScopeKind::Invalid),
            ("/subscriptions/s/resourceGroups", ScopeKind::Invalid),
            (
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage",
                ScopeKind::Invalid,
            ),
            (
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts",
                ScopeKind::Invalid,
            ),
            (
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a/blobServices",
                ScopeKind::Invalid,
            ),
            ("/foo/bar", ScopeKind::Invalid),
        ];
        for (scope, kind) in cases {
            assert_eq!(Scope::parse(scope).kind(), *kind, "{scope}");
        }
    }

    #[test]
    fn parts_and_parents() {
        let scope = Scope::parse(
            "/subscriptions/S/resourceGroups/RG/providers/Microsoft.Storage/storageAccounts/a/blobServices/default/containers/c",
        );
        assert_eq!(scope.subscription_id(), Some("S"));
        assert_eq!(scope.resource_group(), Some("RG"));
        let parent = scope.parent().unwrap();
        assert_eq!(
            parent.as_str(),
            "/subscriptions/S/resourceGroups/RG/providers/Microsoft.Storage/storageAccounts/a/blobServices/default"
        );
        let account = parent.parent().unwrap();
        assert_eq!(
            account.as_str(),
            "/subscriptions/S/resourceGroups/RG/providers/Microsoft.Storage/storageAccounts/a"
        );
        assert_eq!(account.parent().unwrap().as_str(), "/subscriptions/S/resourceGroups/RG");
        assert_eq!(
            Scope::parse("/subscriptions/S/resourceGroups/RG")
                .parent()
                .unwrap()
                .as_str(),
            "/subscriptions/S"
        );
        assert_eq!(Scope::parse("/subscriptions/S").parent().unwrap().as_str(), "/");
        assert!(Scope::root().parent().is_none());
        assert_eq!(Scope::parse("/subscriptions/s").resource_group(), None);
        assert_eq!(Scope::root().subscription_id(), None);
    }

    #[test]
    fn extension_ids() {
        assert_eq!(
            Scope::root().extension_id("Microsoft.Authorization", "roleDefinitions", "x"),
            "/providers/Microsoft.Authorization/roleDefinitions/x"
        );
        assert_eq!(
            Scope::parse("/subscriptions/s").extension_id("Microsoft.Authorization", "roleAssignments", "y"),
            "/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/y"
        );
    }
}
