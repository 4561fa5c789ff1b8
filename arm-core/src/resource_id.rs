//! Azure resource ids: parse, build and compare them the way ARM does (case-insensitively).

use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

/// Why a string is not a resource id, with the offending input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid resource id '{input}': {reason}")]
pub struct ResourceIdError {
    /// The string that was parsed.
    pub input: String,
    /// What is wrong with it and what was expected.
    pub reason: String,
}

/// The id of a subscription, a resource group, a resource or a child resource.
///
/// Ids compare and hash case-insensitively, as ARM treats them; `Display` gives the canonical
/// spelling of the fixed segments (`subscriptions`, `resourceGroups`, `providers`) and keeps the
/// spelling of names.
///
/// ```
/// use arm_core::ResourceId;
///
/// let subnet: ResourceId =
///     "/subscriptions/sub/resourcegroups/net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/agents".parse()?;
/// assert_eq!(subnet.resource_type().as_deref(), Some("Microsoft.Network/virtualNetworks/subnets"));
/// assert_eq!(subnet.name(), "agents");
/// assert_eq!(subnet.resource_group(), Some("net"));
///
/// let built = ResourceId::resource("SUB", "NET", "microsoft.network", "virtualnetworks", "VNET")
///     .child("subnets", "AGENTS");
/// assert_eq!(built, subnet);
/// # Ok::<(), arm_core::ResourceIdError>(())
/// ```
#[derive(Debug, Clone, Eq)]
pub struct ResourceId {
    subscription_id: String,
    resource_group: Option<String>,
    namespace: Option<String>,
    /// (type, name) pairs from the top-level resource down to the deepest child.
    types: Vec<(String, String)>,
}

impl ResourceId {
    /// The id of a subscription.
    pub fn subscription(subscription_id: &str) -> Self {
        Self {
            subscription_id: subscription_id.to_owned(),
            resource_group: None,
            namespace: None,
            types: Vec::new(),
        }
    }

    /// The id of a resource group.
    pub fn resource_group_id(subscription_id: &str, resource_group: &str) -> Self {
        Self {
            resource_group: Some(resource_group.to_owned()),
            ..Self::subscription(subscription_id)
        }
    }

    /// The id of a top-level resource in a resource group.
    pub fn resource(
        subscription_id: &str,
        resource_group: &str,
        namespace: &str,
        resource_type: &str,
        name: &str,
    ) -> Self {
        Self {
            namespace: Some(namespace.to_owned()),
            types: vec![(resource_type.to_owned(), name.to_owned())],
            ..Self::resource_group_id(subscription_id, resource_group)
        }
    }

    /// The id of a child resource of this resource.
    ///
    /// # Panics
    /// When `self` is a subscription or resource group id, which have no provider namespace.
    pub fn child(&self, child_type: &str, name: &str) -> Self {
        assert!(
            self.namespace.is_some(),
            "child() needs a resource id, not a subscription or resource group id"
        );
        let mut id = self.clone();
        id.types.push((child_type.to_owned(), name.to_owned()));
        id
    }

    /// The subscription id.
    pub fn subscription_id(&self) -> &str {
        &self.subscription_id
    }

    /// The resource group, unless this is a subscription id or a subscription-level resource.
    pub fn resource_group(&self) -> Option<&str> {
        self.resource_group.as_deref()
    }

    /// The provider namespace, e.g. `Microsoft.ContainerInstance`.
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    /// The full type, e.g. `Microsoft.Network/virtualNetworks/subnets`; `None` for subscriptions and
    /// resource groups.
    pub fn resource_type(&self) -> Option<String> {
        let namespace = self.namespace.as_ref()?;
        let mut out = namespace.clone();
        for (t, _) in &self.types {
            out.push('/');
            out.push_str(t);
        }
        Some(out)
    }

    /// True when this is the id of a resource of the given full type (case-insensitive).
    pub fn is_type(&self, full_type: &str) -> bool {
        self.resource_type().is_some_and(|t| t.eq_ignore_ascii_case(full_type))
    }

    /// The last name: the resource's, else the resource group's, else the subscription id.
    pub fn name(&self) -> &str {
        self.types
            .last()
            .map(|(_, n)| n.as_str())
            .or(self.resource_group.as_deref())
            .unwrap_or(&self.subscription_id)
    }

    /// The parent: a child's parent resource, a resource's resource group, a group's subscription.
    pub fn parent(&self) -> Option<Self> {
        let mut id = self.clone();
        if id.types.len() > 1 {
            id.types.pop();
        } else if !id.types.is_empty() {
            id.types.clear();
            id.namespace = None;
        } else if id.resource_group.is_some() {
            id.resource_group = None;
        } else {
            return None;
        }
        Some(id)
    }

    /// True when `other` is this id or lies below it (an RBAC scope test).
    pub fn contains(&self, other: &ResourceId) -> bool {
        let mine = self.to_string().to_ascii_lowercase();
        let theirs = other.to_string().to_ascii_lowercase();
        theirs == mine || theirs.starts_with(&format!("{mine}/"))
    }

    /// Parses an id; the same as `str::parse`.
    pub fn parse(input: &str) -> Result<Self, ResourceIdError> {
        input.parse()
    }
}

impl FromStr for ResourceId {
    type Err = ResourceIdError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let fail = |reason: String| ResourceIdError {
            input: input.to_owned(),
            reason,
        };
        let Some(rest) = input.strip_prefix('/') else {
            return Err(fail("it must start with '/subscriptions/'".into()));
        };
        let segments: Vec<&str> = rest.split('/').collect();
        if let Some(pos) = segments.iter().position(|s| s.trim().is_empty()) {
            return Err(fail(format!("segment {} is empty (a '//' or a trailing '/')", pos + 1)));
        }
        let expect_key = |index: usize, key: &str| -> Result<(), ResourceIdError> {
            match segments.get(index) {
                Some(found) if found.eq_ignore_ascii_case(key) => Ok(()),
                Some(found) => Err(fail(format!(
                    "segment {} should be '{key}', found '{found}'",
                    index + 1
                ))),
                None => Err(fail(format!("it ends before '{key}'"))),
            }
        };
        expect_key(0, "subscriptions")?;
        let subscription_id = segments
            .get(1)
            .ok_or_else(|| fail("the subscription id is missing".into()))?;
        let mut id = ResourceId::subscription(subscription_id);
        let mut index = 2;
        if segments
            .get(index)
            .is_some_and(|s| s.eq_ignore_ascii_case("resourceGroups"))
        {
            let rg = segments
                .get(index + 1)
                .ok_or_else(|| fail("the resource group name is missing".into()))?;
            id.resource_group = Some((*rg).to_owned());
            index += 2;
        }
        if index == segments.len() {
            return Ok(id);
        }
        expect_key(index, "providers")?;
        let namespace = segments
            .get(index + 1)
            .ok_or_else(|| fail("the provider namespace is missing".into()))?;
        if !namespace.contains('.') {
            return Err(fail(format!(
                "'{namespace}' is not a provider namespace (expected e.g. 'Microsoft.Network')"
            )));
        }
        id.namespace = Some((*namespace).to_owned());
        let pairs = &segments[index + 2..];
        if pairs.is_empty() {
            return Err(fail(format!(
                "the resource type and name after '{namespace}' are missing"
            )));
        }
        if !pairs.len().is_multiple_of(2) {
            return Err(fail(format!(
                "the resource type '{}' has no name",
                pairs[pairs.len() - 1]
            )));
        }
        for pair in pairs.chunks(2) {
            if pair[0].eq_ignore_ascii_case("providers") {
                return Err(fail(
                    "extension resources (a second '/providers/') are not supported".into(),
                ));
            }
            id.types.push((pair[0].to_owned(), pair[1].to_owned()));
        }
        Ok(id)
    }
}

impl fmt::Display for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "/subscriptions/{}", self.subscription_id)?;
        if let Some(rg) = &self.resource_group {
            write!(f, "/resourceGroups/{rg}")?;
        }
        if let Some(ns) = &self.namespace {
            write!(f, "/providers/{ns}")?;
            for (t, n) in &self.types {
                write!(f, "/{t}/{n}")?;
            }
        }
        Ok(())
    }
}

impl PartialEq for ResourceId {
    fn eq(&self, other: &Self) -> bool {
        let eq = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
        let eq_opt = |a: &Option<String>, b: &Option<String>| match (a, b) {
            (Some(a), Some(b)) => eq(a, b),
            (None, None) => true,
            _ => false,
        };
        eq(&self.subscription_id, &other.subscription_id)
            && eq_opt(&self.resource_group, &other.resource_group)
            && eq_opt(&self.namespace, &other.namespace)
            && self.types.len() == other.types.len()
            && self
                .types
                .iter()
                .zip(&other.types)
                .all(|((t1, n1), (t2, n2))| eq(t1, t2) && eq(n1, n2))
    }
}

impl Hash for ResourceId {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.to_string().to_ascii_lowercase().hash(state);
    }
}

impl serde::Serialize for ResourceId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for ResourceId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn round_trips_every_level() {
        for text in [
            "/subscriptions/00000000-0000-0000-0000-000000000000",
            "/subscriptions/sub/resourceGroups/rg",
            "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.ContainerInstance/containerGroups/demo1",
            "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/default",
            "/subscriptions/sub/providers/Microsoft.ContainerInstance/locations/westus",
            "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/r/agentPools/p",
        ] {
            let id: ResourceId = text.parse().unwrap();
            assert_eq!(id.to_string(), text);
        }
    }

    #[test]
    fn canonicalises_fixed_segments_and_compares_case_insensitively() {
        let a: ResourceId = "/SUBSCRIPTIONS/Sub/RESOURCEGROUPS/Rg/PROVIDERS/microsoft.network/virtualnetworks/V"
            .parse()
            .unwrap();
        assert_eq!(
            a.to_string(),
            "/subscriptions/Sub/resourceGroups/Rg/providers/microsoft.network/virtualnetworks/V"
        );
        let b = ResourceId::resource("sub", "rg", "Microsoft.Network", "virtualNetworks", "v");
        assert_eq!(a, b);
        let set: HashSet<_> = [a, b].into_iter().collect();
        assert_eq!(set.len(), 1);
        assert_ne!(ResourceId::subscription("a"), ResourceId::resource_group_id("a", "b"));
    }

    #[test]
    fn accessors_and_parents() {
        let subnet = ResourceId::resource("s", "rg", "Microsoft.Network", "virtualNetworks", "v").child("subnets", "a");
        assert!(subnet.is_type("microsoft.network/VIRTUALNETWORKS/subnets"));
        assert_eq!(subnet.namespace(), Some("Microsoft.Network"));
        let vnet = subnet.parent().unwrap();
        assert_eq!(vnet.name(), "v");
        let rg = vnet.parent().unwrap();
        assert_eq!(rg.to_string(), "/subscriptions/s/resourceGroups/rg");
        assert_eq!(rg.name(), "rg");
        assert_eq!(rg.resource_type(), None);
        let sub = rg.parent().unwrap();
        assert_eq!(sub.name(), "s");
        assert!(sub.parent().is_none());
        assert!(sub.contains(&subnet) && rg.contains(&subnet) && subnet.contains(&subnet));
        assert!(!subnet.contains(&rg));
        let other_rg = ResourceId::resource_group_id("s", "rg2");
        assert!(!rg.contains(&other_rg), "a prefix of the name is not a parent scope");
    }

    #[test]
    fn precise_parse_errors() {
        let cases = [
            ("subscriptions/s", "must start with '/subscriptions/'"),
            (
                "/subscription/s",
                "segment 1 should be 'subscriptions', found 'subscription'",
            ),
            ("/subscriptions", "subscription id is missing"),
            ("/subscriptions/s/resourceGroups", "resource group name is missing"),
            ("/subscriptions/s/resourceGroups/rg/", "segment 5 is empty"),
            ("/subscriptions//resourceGroups/rg", "segment 2 is empty"),
            (
                "/subscriptions/s/resourceGroups/rg/foo/bar",
                "segment 5 should be 'providers', found 'foo'",
            ),
            (
                "/subscriptions/s/resourceGroups/rg/providers",
                "provider namespace is missing",
            ),
            (
                "/subscriptions/s/resourceGroups/rg/providers/Network/v/x",
                "not a provider namespace",
            ),
            (
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network",
                "type and name after 'Microsoft.Network' are missing",
            ),
            (
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks",
                "'virtualNetworks' has no name",
            ),
            (
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/providers/Microsoft.Authorization/roleAssignments/x",
                "extension resources",
            ),
        ];
        for (input, reason) in cases {
            let err = input.parse::<ResourceId>().unwrap_err();
            assert_eq!(err.input, input);
            assert!(err.reason.contains(reason), "{input}: {}", err.reason);
            assert!(err.to_string().starts_with(&format!("invalid resource id '{input}'")));
        }
    }

    #[test]
    fn serde_uses_the_string_form() {
        let id: ResourceId = serde_json::from_str("\"/subscriptions/s/resourceGroups/rg\"").unwrap();
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            "\"/subscriptions/s/resourceGroups/rg\""
        );
        assert!(serde_json::from_str::<ResourceId>("\"/nope\"").is_err());
    }
}
