//! ARM resource ids: building them from their parts, and reading the parts back.

/// `/subscriptions/{subscription}/resourceGroups/{name}`.
pub(crate) fn resource_group(subscription: &str, name: &str) -> String {
    format!("/subscriptions/{subscription}/resourceGroups/{name}")
}

/// The id prefix of a subscription's resource groups.
pub(crate) fn resource_groups_of(subscription: &str) -> String {
    format!("/subscriptions/{subscription}/resourceGroups/")
}

/// `/subscriptions/{subscription}/resourceGroups/{group}/providers/{resource_type}/{name}`.
pub(crate) fn resource(subscription: &str, group: &str, resource_type: &str, name: &str) -> String {
    format!(
        "{}/providers/{resource_type}/{name}",
        resource_group(subscription, group)
    )
}

/// The resource group an id is in (the segment after `resourceGroups`, in any case).
pub(crate) fn group_of(id: &str) -> Option<&str> {
    let mut segments = id.split('/');
    segments.find(|s| s.eq_ignore_ascii_case("resourceGroups"))?;
    segments.next().filter(|group| !group.is_empty())
}

#[cfg(test)]
mod tests {
    use super::{group_of, resource};

    #[test]
    fn ids_are_built_and_read() {
        let id = resource("s", "rg", "Microsoft.ManagedIdentity/userAssignedIdentities", "id-1");
        assert_eq!(
            id,
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-1"
        );
        assert_eq!(group_of(&id), Some("rg"));
        assert_eq!(group_of("/subscriptions/s/RESOURCEGROUPS/Rg"), Some("Rg"));
        assert_eq!(group_of("/subscriptions/s"), None);
    }
}
