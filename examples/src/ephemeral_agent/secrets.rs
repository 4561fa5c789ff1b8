//! Keeping secrets out of reach of the jobs.
//!
//! A process's initial environment stays readable in `/proc/<pid>/environ` for as long as it
//! runs, by its own user and by root, whatever it later removes from it; a job could read
//! `AZP_TOKEN` there. So when a secret arrives in the environment, the entrypoint re-executes
//! itself (same PID, so still PID 1 in a container) without it, handing the secrets over on
//! its stdin. It also makes itself non-dumpable, so that a job running as another, non-root
//! user cannot read its memory or environment at all.

use arm_core::{EnvSource, ProcessEnv};
use std::collections::BTreeMap;
use std::io::Read;

/// Set (to `1`) in the re-executed entrypoint's environment: its stdin holds the secrets.
const SECRETS_ON_STDIN: &str = "EPHEMERAL_AGENT_SECRETS_ON_STDIN";

/// The variables holding secrets.
pub const SECRET_VARIABLES: &[&str] = &[
    "AZP_TOKEN",
    "AZP_CLIENTSECRET",
    "AZ_SERVICE_PRINCIPAL_KEY",
    "AZURE_CLIENT_SECRET",
];

/// The process environment, plus the secrets handed over on stdin.
pub struct Env {
    secrets: BTreeMap<String, String>,
}

impl EnvSource for Env {
    fn var(&self, name: &str) -> Option<String> {
        match self.secrets.get(name) {
            Some(value) => Some(value.clone()).filter(|v| !v.trim().is_empty()),
            None => ProcessEnv.var(name),
        }
    }
}

/// Moves the secrets out of this process's environment (see the module documentation) and
/// returns the environment to read the configuration from. Returns only once they are out, or
/// with the error that prevented it.
pub fn hide() -> std::io::Result<Env> {
    #[cfg(target_os = "linux")]
    nix::sys::prctl::set_dumpable(false).map_err(std::io::Error::from)?;
    if std::env::var_os(SECRETS_ON_STDIN).is_some() {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        let secrets = serde_json::from_str(&text).map_err(std::io::Error::other)?;
        return Ok(Env { secrets });
    }
    let secrets: BTreeMap<String, String> = SECRET_VARIABLES
        .iter()
        .filter_map(|name| std::env::var(name).ok().map(|value| ((*name).to_owned(), value)))
        .collect();
    if secrets.is_empty() {
        return Ok(Env { secrets });
    }
    reexec(&secrets)
}

#[cfg(unix)]
fn reexec(secrets: &BTreeMap<String, String>) -> std::io::Result<Env> {
    use std::io::Write;
    use std::os::unix::process::CommandExt;
    let (reader, mut writer) = std::io::pipe()?;
    // A few hundred bytes: the pipe's buffer takes them without a reader.
    writer.write_all(&serde_json::to_vec(secrets).map_err(std::io::Error::other)?)?;
    drop(writer);
    let mut command = std::process::Command::new(std::env::current_exe()?);
    command
        .args(std::env::args_os().skip(1))
        .env(SECRETS_ON_STDIN, "1")
        .stdin(reader);
    for name in secrets.keys() {
        command.env_remove(name);
    }
    Err(command.exec())
}

#[cfg(not(unix))]
fn reexec(secrets: &BTreeMap<String, String>) -> std::io::Result<Env> {
    // Windows has no /proc; the agent's environment is scrubbed by azp-agent all the same.
    Ok(Env {
        secrets: secrets.clone(),
    })
}
