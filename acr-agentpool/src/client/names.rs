//! The names the client methods put in request paths, checked against the spec's path
//! parameters before any request (`registryName`, `agentPoolName`, `taskName` of
//! `specification/containerregistry/.../2025-03-01-preview/containerregistry_build.json`), so
//! that a bad name is one clear line instead of a 400 or a request to another path.

use crate::error::Error;

/// The spec's `registryName`: 5 to 50 of `[a-zA-Z0-9]`.
pub(crate) fn check_registry_name(name: &str) -> Result<(), Error> {
    check(
        "registry_name",
        name,
        5,
        50,
        |c| c.is_ascii_alphanumeric(),
        "letters or digits (Azure's registryName pattern ^[a-zA-Z0-9]*$)",
    )
}

/// The spec's `agentPoolName`: 3 to 20 of `[a-zA-Z0-9-]`.
pub(crate) fn check_agent_pool_name(name: &str) -> Result<(), Error> {
    check(
        "agent_pool_name",
        name,
        3,
        20,
        |c| c.is_ascii_alphanumeric() || c == '-',
        "letters, digits or '-' (Azure's agentPoolName pattern ^[a-zA-Z0-9-]*$)",
    )
}

/// The spec's `taskName`: 5 to 50 of `[a-zA-Z0-9-_]`.
pub(crate) fn check_task_name(name: &str) -> Result<(), Error> {
    check(
        "task_name",
        name,
        5,
        50,
        |c| c.is_ascii_alphanumeric() || c == '-' || c == '_',
        "letters, digits, '-' or '_' (Azure's taskName pattern ^[a-zA-Z0-9-_]*$)",
    )
}

/// A run id. The spec gives `runId` no pattern; ACR's ids are short (`cab1`: the registry's
/// prefix and a counter) and the examples use GUIDs, so this accepts 1 to 64 of `[a-zA-Z0-9-]`
/// (our choice: enough for both, and nothing that could change the request's path or query).
pub(crate) fn check_run_id(id: &str) -> Result<(), Error> {
    check(
        "run_id",
        id,
        1,
        64,
        |c| c.is_ascii_alphanumeric() || c == '-',
        "letters, digits or '-' (an ACR run id such as 'cab1', or a GUID)",
    )
}

fn check(
    field: &str,
    value: &str,
    min: usize,
    max: usize,
    allowed: fn(char) -> bool,
    expected: &str,
) -> Result<(), Error> {
    let length = value.chars().count();
    if let Some(bad) = value.chars().find(|c| !allowed(*c)) {
        return Err(Error::invalid(
            field,
            format!("'{value}' holds {bad:?}: expected {min} to {max} {expected}"),
        ));
    }
    if !(min..=max).contains(&length) {
        return Err(Error::invalid(
            field,
            format!("'{value}' has length {length}: expected {min} to {max} {expected}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_spec_patterns() {
        check_registry_name("myRegistry").unwrap();
        check_agent_pool_name("myAgentPool").unwrap();
        check_agent_pool_name("a-1").unwrap();
        check_task_name("my_task-1").unwrap();
        check_run_id("0accec26-d6de-4757-8e74-d080f38eaaab").unwrap();
        check_run_id("cab1").unwrap();
        for (check, value) in [
            (check_registry_name as fn(&str) -> Result<(), Error>, "my-registry"),
            (check_registry_name, "abcd"),
            (check_agent_pool_name, "ab"),
            (check_agent_pool_name, "a-pool-name-of-21-chr"),
            (check_agent_pool_name, "pool_1"),
            (check_task_name, "task"),
            (check_task_name, "a/../b"),
            (check_run_id, ""),
            (check_run_id, "ca1?x=1"),
        ] {
            let error = check(value).unwrap_err().to_string();
            assert!(error.contains(&format!("'{value}'")), "{error}");
            assert!(!error.contains('\n'), "{error}");
        }
    }

    #[test]
    fn the_message_names_the_field_and_the_rule() {
        let error = check_agent_pool_name("x").unwrap_err().to_string();
        assert_eq!(
            error,
            "invalid agent_pool_name: 'x' has length 1: expected 3 to 20 letters, digits or '-' (Azure's agentPoolName pattern ^[a-zA-Z0-9-]*$)"
        );
    }
}
