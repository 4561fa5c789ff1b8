//! Agent and pool names as Azure DevOps accepts them.

/// Characters an agent or pool name cannot contain.
pub(crate) const FORBIDDEN: &[char] = &['"', '/', ':', '<', '>', '\\', '|', '*', '?'];

/// Longest agent or pool name, in characters.
pub(crate) const MAX_NAME: usize = 64;

/// Whether `name` is 1 to 64 characters without `"/:<>\|*?`, control characters or surrounding
/// whitespace.
pub(crate) fn is_agent_name(name: &str) -> bool {
    let len = name.chars().count();
    (1..=MAX_NAME).contains(&len)
        && name.trim() == name
        && !name.chars().any(|c| FORBIDDEN.contains(&c) || c.is_control())
}

/// The 400 message for a name that is not valid.
pub(crate) fn invalid_agent_name(name: &str) -> String {
    format!(
        "The agent name '{name}' is not valid. Agent names must be 1 to {MAX_NAME} characters long and cannot contain any of the characters \"/:<>\\|*? or control characters."
    )
}

#[cfg(test)]
mod tests {
    use super::is_agent_name;

    #[test]
    fn agent_names() {
        assert!(is_agent_name("agent-1 (ci)"));
        assert!(is_agent_name(&"a".repeat(64)));
        assert!(!is_agent_name(&"a".repeat(65)));
        assert!(!is_agent_name(""));
        assert!(!is_agent_name(" a"));
        for bad in ["a/b", "a:b", "a*", "a?", "a|b", "a\\b", "a\"b", "<a>", "a\tb"] {
            assert!(!is_agent_name(bad), "{bad}");
        }
    }
}
