//! Keeping secrets out of reach of the agent's jobs.
//!
//! A job runs as the same user as the supervisor, so anything it can read, it can steal:
//!
//! - A process's initial environment stays readable in `/proc/<pid>/environ` for as long as
//!   it runs, whatever the process later removes from it. [`hide_secret_variables`]
//!   re-executes the current program (same PID, so still PID 1 in a container) without the
//!   [`SECRET_VARIABLES`], handing their values over on a pipe as its stdin.
//! - It also marks the process non-dumpable, so that a job running as another, non-root user
//!   can read neither its memory nor its environment. A job running as root can read both:
//!   no user-space measure protects a secret from root in the same PID namespace.
//! - The children's environment is [`ChildEnv`](crate::ChildEnv): the same list removed.
//!
//! This is the one list of secret variable names of the workspace's binaries.

use arm_core::EnvSource;
use std::collections::BTreeMap;
use std::io::Read;

/// Variables whose values are secrets (or, for `AZP_TOKEN_FILE`, point at one): never passed
/// to a child, and moved out of `/proc/<pid>/environ` by [`hide_secret_variables`].
pub const SECRET_VARIABLES: &[&str] = &[
    "AZP_TOKEN",
    "AZP_TOKEN_FILE",
    "AZP_CLIENTSECRET",
    "AZ_SERVICE_PRINCIPAL_KEY",
    "AZURE_CLIENT_SECRET",
    "AZURE_CLIENT_CERTIFICATE_PASSWORD",
    "ACI_REGISTRY_PASSWORD",
    "ACI_SECURE_ENVIRONMENT",
];

/// Set (to `1`) in the re-executed program's environment: its stdin holds the secrets.
const SECRETS_ON_STDIN: &str = "AZP_AGENT_SECRETS_ON_STDIN";

/// The process environment, plus the secret variables handed over on stdin.
pub struct HiddenEnv {
    secrets: BTreeMap<String, String>,
}

impl std::fmt::Debug for HiddenEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HiddenEnv")
            .field("secret_variables", &self.secrets.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl EnvSource for HiddenEnv {
    fn var(&self, name: &str) -> Option<String> {
        match self.secrets.get(name) {
            Some(value) => Some(value.clone()).filter(|v| !v.trim().is_empty()),
            None => arm_core::ProcessEnv.var(name),
        }
    }
}

/// Moves the [`SECRET_VARIABLES`] out of this process's environment and marks it
/// non-dumpable (see the module documentation); returns the environment to read the
/// configuration from. Call it first thing in `main`, before any thread is started: when a
/// secret variable is set, it re-executes the program (same PID, same arguments) and only the
/// re-executed program returns from it.
///
/// ```no_run
/// use arm_core::EnvSource;
///
/// let env = azp_agent::hide_secret_variables().expect("cannot hide the secrets");
/// let token = env.var("AZP_TOKEN"); // still readable here, gone from /proc/self/environ
/// # let _ = token;
/// ```
pub fn hide_secret_variables() -> std::io::Result<HiddenEnv> {
    #[cfg(target_os = "linux")]
    nix::sys::prctl::set_dumpable(false).map_err(std::io::Error::from)?;
    if std::env::var_os(SECRETS_ON_STDIN).is_some() {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        let secrets = serde_json::from_str(&text).map_err(std::io::Error::other)?;
        return Ok(HiddenEnv { secrets });
    }
    let secrets: BTreeMap<String, String> = SECRET_VARIABLES
        .iter()
        .filter_map(|name| std::env::var(name).ok().map(|value| ((*name).to_owned(), value)))
        .collect();
    if secrets.is_empty() {
        return Ok(HiddenEnv { secrets });
    }
    reexec(&secrets)
}

#[cfg(unix)]
fn reexec(secrets: &BTreeMap<String, String>) -> std::io::Result<HiddenEnv> {
    use std::io::Write;
    use std::os::unix::process::CommandExt;
    let text = serde_json::to_vec(secrets).map_err(std::io::Error::other)?;
    // The pipe's buffer (64 KiB on Linux, 16 KiB on macOS) must take them without a
    // reader: the program reads them only once re-executed.
    if text.len() > 16 * 1024 {
        return Err(std::io::Error::other(format!(
            "the secret variables hold {} bytes; expected at most 16384",
            text.len()
        )));
    }
    let (reader, mut writer) = std::io::pipe()?;
    writer.write_all(&text)?;
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
fn reexec(secrets: &BTreeMap<String, String>) -> std::io::Result<HiddenEnv> {
    // No /proc: the children's environment is scrubbed all the same.
    Ok(HiddenEnv {
        secrets: secrets.clone(),
    })
}
