//! Naming rules ARM enforces.

/// Checks a resource group name the way ARM does; the error is ARM's message.
pub(crate) fn check_resource_group_name(name: &str) -> Result<(), String> {
    let invalid: String = name
        .chars()
        .filter(|c| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '(' | ')')))
        .collect();
    if !invalid.is_empty() {
        return Err(format!(
            "The provided resource group name '{name}' has these invalid characters: '{invalid}'. \
             The name can only be a letter, digit, '-', '.', '(', ')' or '_'."
        ));
    }
    let length = name.chars().count();
    if length == 0 || length > 90 || name.ends_with('.') {
        return Err(format!(
            "Resource group name '{name}' is invalid. It must be 1 to 90 characters long and \
             cannot end in a period."
        ));
    }
    Ok(())
}

/// Whether `name` is a DNS label as ACI wants container group and container names: 1 to 63
/// characters matching `[a-z0-9]([-a-z0-9]*[a-z0-9])?`.
pub(crate) fn is_dns_label(name: &str) -> bool {
    (1..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

/// Whether `id` is a subnet resource id:
/// `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{v}/subnets/{n}`
/// (literals case-insensitive, no empty segment).
pub(crate) fn is_subnet_id(id: &str) -> bool {
    let Some(rest) = id.strip_prefix('/') else {
        return false;
    };
    let segments: Vec<&str> = rest.split('/').collect();
    let literals = [
        (0, "subscriptions"),
        (2, "resourceGroups"),
        (4, "providers"),
        (5, "Microsoft.Network"),
        (6, "virtualNetworks"),
        (8, "subnets"),
    ];
    segments.len() == 10
        && segments.iter().all(|s| !s.is_empty())
        && literals
            .iter()
            .all(|(i, literal)| segments[*i].eq_ignore_ascii_case(literal))
}

/// Whether `id` is a GUID in the hyphenated form Azure uses.
pub(crate) fn is_guid(id: &str) -> bool {
    id.len() == 36 && uuid::Uuid::try_parse(id).is_ok()
}

#[cfg(test)]
mod tests {
    use super::{check_resource_group_name, is_dns_label, is_guid, is_subnet_id};

    #[test]
    fn dns_labels_and_subnet_ids() {
        assert!(is_dns_label("a"));
        assert!(is_dns_label("agent-01"));
        assert!(is_dns_label(&"a".repeat(63)));
        for bad in ["", "-a", "a-", "Agent", "a_b", "a.b", "é"] {
            assert!(!is_dns_label(bad), "{bad}");
        }
        assert!(!is_dns_label(&"a".repeat(64)));
        let subnet = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/n";
        assert!(is_subnet_id(subnet));
        assert!(is_subnet_id(&subnet.to_lowercase()));
        assert!(!is_subnet_id(&subnet[1..]));
        assert!(!is_subnet_id(&subnet.replace("subnets", "subnet")));
        assert!(!is_subnet_id(&format!("{subnet}/x")));
        assert!(!is_subnet_id(
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks//subnets/n"
        ));
    }

    #[test]
    fn resource_group_names_follow_arm() {
        assert!(check_resource_group_name("rg-a_b.(c)").is_ok());
        assert!(check_resource_group_name("grüppe").is_ok());
        assert!(check_resource_group_name(&"a".repeat(90)).is_ok());
        assert!(check_resource_group_name(&"a".repeat(91)).is_err());
        assert!(check_resource_group_name("ends.").is_err());
        let error = check_resource_group_name("a b!").unwrap_err();
        assert!(error.contains("invalid characters: ' !'"), "{error}");
    }

    #[test]
    fn guids_are_hyphenated() {
        assert!(is_guid("8e3af657-a8ff-443c-a75c-2fe8c4bcb635"));
        assert!(!is_guid("8e3af657a8ff443ca75c2fe8c4bcb635"));
        assert!(!is_guid("tenant"));
    }
}
