//! How an error of the `acr-agentpool` crate ends the command: one line naming the input (the
//! flag rather than the API's parameter) and the rule, and its exit code: a bad input or a
//! refusal by a check is [`exit::BAD_INPUT`](super::exit::BAD_INPUT) (every one comes before the first write), anything
//! else [`exit::FAILED`](super::exit::FAILED).

use super::{bad_input, failed};
use acr_agentpool::Error;

/// Prints `error` as one line; returns its exit code. `pool_flag` is the flag that names the
/// agent pool in this subcommand (`--name` or `--agent-pool`).
pub(super) fn report(error: &Error, pool_flag: &str) -> u8 {
    match error {
        Error::InvalidInput { field, message } => bad_input(&format!("{}: {message}", flag_of(field, pool_flag))),
        Error::Refused { check, message } => bad_input(&format!("refused ({check}): {message}")),
        other => failed(&other.to_string()),
    }
}

/// The flag of the crate's input `field` (the API's parameter names and the checks' field
/// names); a field with no flag (a `.dockerignore` line) as it is.
fn flag_of<'a>(field: &'a str, pool_flag: &'a str) -> &'a str {
    match field {
        "registry_name" => "--registry",
        "agent_pool_name" => pool_flag,
        "task_name" => "--name",
        "run_id" => "RUN_ID",
        "tier" => "--tier",
        "count" => "--count",
        "os" => "--os",
        "context" => "CONTEXT",
        "subnet id" => "--subnet-id",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::flag_of;

    #[test]
    fn the_crates_fields_are_named_by_their_flags() {
        assert_eq!(flag_of("registry_name", "--name"), "--registry");
        assert_eq!(flag_of("agent_pool_name", "--agent-pool"), "--agent-pool");
        assert_eq!(flag_of("agent_pool_name", "--name"), "--name");
        assert_eq!(flag_of("subnet id", "--name"), "--subnet-id");
        assert_eq!(flag_of(".dockerignore", "--name"), ".dockerignore");
    }
}
