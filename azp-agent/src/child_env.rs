//! The environment of the agent's child processes: the supervisor's own, minus every secret.

use crate::secrets::SECRET_VARIABLES;
use arm_core::azure_core::credentials::Secret;
use std::collections::BTreeSet;
use std::ffi::OsString;

/// Prefix of the agent's configuration inputs (`config.sh` reads `VSTS_AGENT_INPUT_<NAME>`);
/// such variables are never inherited.
pub const AGENT_INPUT_PREFIX: &str = "VSTS_AGENT_INPUT_";

/// The variable the agent reads to leave variables out of its capabilities.
pub const VSO_AGENT_IGNORE: &str = "VSO_AGENT_IGNORE";

/// The environment children get: the current one without secrets.
///
/// A variable is removed when its name is one of [`SECRET_VARIABLES`], is marked secret by
/// the caller, starts with [`AGENT_INPUT_PREFIX`], or when its value contains a secret value
/// the supervisor knows (the PAT read from `AZP_TOKEN_FILE`, a client secret), whatever its
/// name. `VSO_AGENT_IGNORE` lists every sensitive name (joined to any value it already had).
#[derive(Clone)]
pub struct ChildEnv {
    vars: Vec<(OsString, OsString)>,
    removed: Vec<String>,
}

impl std::fmt::Debug for ChildEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChildEnv")
            .field("variables", &self.vars.len())
            .field("removed", &self.removed)
            .finish()
    }
}

impl ChildEnv {
    /// The scrubbed process environment.
    pub fn from_process(marked_secret: &[String], secret_values: &[Secret]) -> Self {
        Self::scrub(std::env::vars_os(), marked_secret, secret_values)
    }

    /// The scrubbed form of `vars`.
    pub fn scrub(
        vars: impl IntoIterator<Item = (OsString, OsString)>,
        marked_secret: &[String],
        secret_values: &[Secret],
    ) -> Self {
        let sensitive: BTreeSet<String> = SECRET_VARIABLES
            .iter()
            .map(|s| (*s).to_owned())
            .chain(marked_secret.iter().cloned())
            .collect();
        let mut kept = Vec::new();
        let mut removed = Vec::new();
        let mut ignore_before = None;
        for (name, value) in vars {
            let name_text = name.to_string_lossy().into_owned();
            let value_text = value.to_string_lossy();
            let holds_secret = secret_values
                .iter()
                .any(|s| s.secret().len() >= 3 && value_text.contains(s.secret()));
            if name_text == VSO_AGENT_IGNORE {
                ignore_before = Some(value_text.into_owned());
            } else if sensitive.iter().any(|s| s.eq_ignore_ascii_case(&name_text))
                || name_text.to_ascii_uppercase().starts_with(AGENT_INPUT_PREFIX)
                || holds_secret
            {
                removed.push(name_text);
            } else {
                kept.push((name, value));
            }
        }
        let mut ignore: BTreeSet<String> = sensitive;
        ignore.extend(removed.iter().cloned());
        if let Some(before) = ignore_before {
            ignore.extend(
                before
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned),
            );
        }
        let ignore = ignore.into_iter().collect::<Vec<_>>().join(",");
        kept.push((VSO_AGENT_IGNORE.into(), ignore.into()));
        removed.sort();
        Self { vars: kept, removed }
    }

    /// The variables, for `Command::envs` after `env_clear`.
    pub fn vars(&self) -> impl Iterator<Item = (&OsString, &OsString)> {
        self.vars.iter().map(|(k, v)| (k, v))
    }

    /// The names that were removed.
    pub fn removed(&self) -> &[String] {
        &self.removed
    }

    /// The value of a kept variable.
    pub fn get(&self, name: &str) -> Option<&OsString> {
        self.vars.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// Applies this environment to `command` (clearing what it would inherit).
    pub(crate) fn apply(&self, command: &mut std::process::Command) {
        command.env_clear();
        command.envs(self.vars());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(OsString, OsString)> {
        pairs.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect()
    }

    #[test]
    fn secrets_are_removed_by_name_and_by_value() {
        let env = ChildEnv::scrub(
            vars(&[
                ("PATH", "/usr/bin"),
                ("AZP_TOKEN", "pat-value"),
                ("AZP_TOKEN_FILE", "/run/secrets/pat"),
                ("azure_client_secret", "x"),
                ("VSTS_AGENT_INPUT_TOKEN", "pat-value"),
                ("MY_COPY", "Bearer pat-from-file"),
                ("APP_KEY", "k"),
                ("VSO_AGENT_IGNORE", "FOO, BAR"),
                ("AZP_URL", "https://dev.azure.com/contoso"),
            ]),
            &["APP_KEY".to_owned()],
            &[Secret::new("pat-from-file")],
        );
        let kept: Vec<String> = env.vars().map(|(k, _)| k.to_string_lossy().into_owned()).collect();
        assert_eq!(kept, ["PATH", "AZP_URL", "VSO_AGENT_IGNORE"]);
        assert_eq!(
            env.removed(),
            [
                "APP_KEY",
                "AZP_TOKEN",
                "AZP_TOKEN_FILE",
                "MY_COPY",
                "VSTS_AGENT_INPUT_TOKEN",
                "azure_client_secret"
            ]
        );
        let ignore = env.get(VSO_AGENT_IGNORE).unwrap().to_string_lossy().into_owned();
        for name in ["AZP_TOKEN", "AZP_CLIENTSECRET", "APP_KEY", "MY_COPY", "FOO", "BAR"] {
            assert!(ignore.split(',').any(|n| n == name), "{name} missing in {ignore}");
        }
        assert!(!format!("{env:?}").contains("pat"));
    }
}
