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

/// The parts of a resource id `/subscriptions/{s}/resourceGroups/{g}/providers/{resource_type}/{n}`
/// (literals in any case): subscription, group and name.
pub(crate) fn parse_resource<'a>(id: &'a str, resource_type: &str) -> Option<(&'a str, &'a str, &'a str)> {
    let segments: Vec<&str> = id.strip_prefix('/')?.split('/').collect();
    let type_segments: Vec<&str> = resource_type.split('/').collect();
    let [subscriptions, subscription, groups, group, providers, rest @ ..] = segments.as_slice() else {
        return None;
    };
    let (name, types) = rest.split_last()?;
    let literals_match = subscriptions.eq_ignore_ascii_case("subscriptions")
        && groups.eq_ignore_ascii_case("resourceGroups")
        && providers.eq_ignore_ascii_case("providers")
        && types.len() == type_segments.len()
        && types.iter().zip(&type_segments).all(|(a, b)| a.eq_ignore_ascii_case(b));
    let parts = [*subscription, *group, *name];
    (literals_match && parts.iter().all(|part| !part.is_empty())).then_some((subscription, group, name))
}

/// The resource group an id is in (the segment after `resourceGroups`, in any case).
pub(crate) fn group_of(id: &str) -> Option<&str> {
    let mut segments = id.split('/');
    segments.find(|s| s.eq_ignore_ascii_case("resourceGroups"))?;
    segments.next().filter(|group| !group.is_empty())
}

#[cfg(test)]
mod tests {
    use super::{group_of, parse_resource, resource};

    #[test]
    fn ids_are_built_and_read() {
        let id = resource("s", "rg", "Microsoft.ManagedIdentity/userAssignedIdentities", "id-1");
        assert_eq!(
            id,
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-1"
        );
        let kind = "microsoft.managedidentity/USERASSIGNEDIDENTITIES";
        assert_eq!(parse_resource(&id.to_uppercase(), kind), Some(("S", "RG", "ID-1")));
        assert_eq!(parse_resource(&id, "Microsoft.Compute/virtualMachines"), None);
        assert_eq!(parse_resource("/subscriptions/s/resourceGroups/rg", kind), None);
        assert_eq!(group_of(&id), Some("rg"));
        assert_eq!(group_of("/subscriptions/s/RESOURCEGROUPS/Rg"), Some("Rg"));
        assert_eq!(group_of("/subscriptions/s"), None);
    }
}
