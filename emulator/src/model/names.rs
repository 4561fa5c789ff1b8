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

/// Whether `id` is a GUID in the hyphenated form Azure uses.
pub(crate) fn is_guid(id: &str) -> bool {
    id.len() == 36 && uuid::Uuid::try_parse(id).is_ok()
}

#[cfg(test)]
mod tests {
    use super::{check_resource_group_name, is_guid};

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
