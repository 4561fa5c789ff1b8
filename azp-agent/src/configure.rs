//! Unattended `config.sh` (register). There is no `config.sh remove` here on purpose: it would
//! run scripts a job may have rewritten, with a secret; the supervisor unregisters through the
//! REST API instead.
//!
//! The token reaches `config.sh` only as `VSTS_AGENT_INPUT_TOKEN` (a service principal's secret
//! as `VSTS_AGENT_INPUT_CLIENTSECRET`) in that child's environment, never on its command line.
//! Its output goes to `tracing` with the secrets masked, and a failure becomes one line saying
//! which of the known causes it was.

use crate::child_env::ChildEnv;
use crate::error::Error;
use crate::install::AgentDir;
use crate::org_url::OrganizationUrl;
use crate::output::{Masker, Transcript, forward};
use crate::process::{self, ExitKind};
use arm_core::azure_core::credentials::Secret;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

/// How `config.sh` authenticates.
#[derive(Clone, Debug)]
pub enum ChildAuth {
    /// `--auth pat` with a PAT or an Entra access token for Azure DevOps.
    Token(Secret),
    /// `--auth sp`: the agent gets its own tokens as this service principal.
    ServicePrincipal {
        /// Directory (tenant) id.
        tenant_id: String,
        /// Application (client) id.
        client_id: String,
        /// Client secret.
        secret: Secret,
    },
}

impl ChildAuth {
    fn apply(&self, command: &mut Command) {
        match self {
            ChildAuth::Token(token) => {
                command.args(["--auth", "pat"]);
                command.env("VSTS_AGENT_INPUT_TOKEN", token.secret());
            }
            ChildAuth::ServicePrincipal {
                tenant_id,
                client_id,
                secret,
            } => {
                command.args(["--auth", "sp", "--clientId", client_id, "--tenantId", tenant_id]);
                command.env("VSTS_AGENT_INPUT_CLIENTSECRET", secret.secret());
            }
        }
    }

    fn secret(&self) -> Secret {
        match self {
            ChildAuth::Token(token) => token.clone(),
            ChildAuth::ServicePrincipal { secret, .. } => secret.clone(),
        }
    }
}

/// What to register.
#[derive(Clone, Debug)]
pub struct ConfigureOptions {
    /// The organization (`--url`).
    pub organization: OrganizationUrl,
    /// The pool (`--pool`), `Default` by default.
    pub pool: String,
    /// The agent name (`--agent`), the host name by default.
    pub agent_name: String,
    /// The work folder (`--work`), the agent's `_work` when `None`.
    pub work_dir: Option<PathBuf>,
    /// Replace an agent of the same name (`--replace`), true by default.
    pub replace: bool,
    /// Further arguments for `config.sh` (e.g. `--disableloguploads`).
    pub extra_args: Vec<String>,
    /// How long `config.sh` may run (5 minutes by default).
    pub timeout: Duration,
}

impl ConfigureOptions {
    /// Options for `organization` with the defaults.
    pub fn new(organization: OrganizationUrl) -> Self {
        Self {
            organization,
            pool: "Default".to_owned(),
            agent_name: host_name(),
            work_dir: None,
            replace: true,
            extra_args: Vec::new(),
            timeout: Duration::from_secs(300),
        }
    }
}

/// The host name, the default agent name (`agent` if it cannot be read).
pub fn host_name() -> String {
    nix::unistd::gethostname()
        .ok()
        .and_then(|h| h.into_string().ok())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "agent".to_owned())
}

/// Checks an agent name as Azure DevOps does: 1 to 64 characters, none of `"/:<>\|*?` and no
/// control characters.
pub fn validate_agent_name(input: &str, name: &str) -> Result<(), Error> {
    if name.is_empty() || name.chars().count() > 64 {
        return Err(Error::invalid_input(
            input,
            format!("'{name}' must have 1 to 64 characters"),
        ));
    }
    if let Some(bad) = name.chars().find(|c| "\"/:<>\\|*?".contains(*c) || c.is_control()) {
        return Err(Error::invalid_input(
            input,
            format!(
                "'{name}' contains '{}'; agent names cannot contain \"/:<>\\|*? or control characters",
                bad.escape_default()
            ),
        ));
    }
    Ok(())
}

/// Which known cause a `config.sh` failure had.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigureFailure {
    /// The token was refused (invalid, expired, or without the Agent Pools scope).
    BadToken,
    /// The pool does not exist.
    PoolNotFound,
    /// An agent of that name exists and `--replace` was not given.
    NameTaken,
    /// The organization could not be reached.
    Network,
    /// The agent is not configured (for `remove`).
    NotConfigured,
    /// It did not finish in time and was killed.
    TimedOut,
    /// Anything else.
    Other,
}

impl ConfigureFailure {
    fn describe(self) -> &'static str {
        match self {
            ConfigureFailure::BadToken => "the token is invalid, expired or lacks the Agent Pools (read, manage) scope",
            ConfigureFailure::PoolNotFound => "the agent pool does not exist",
            ConfigureFailure::NameTaken => "an agent with this name exists in the pool (use replace)",
            ConfigureFailure::Network => "the organization cannot be reached",
            ConfigureFailure::NotConfigured => "the agent is not configured",
            ConfigureFailure::TimedOut => "it did not finish in time and was killed",
            ConfigureFailure::Other => "it failed",
        }
    }

    /// Classifies a transcript by the agent's known messages.
    fn classify(lines: &[String]) -> ConfigureFailure {
        let text = lines.join("\n").to_ascii_lowercase();
        let has = |needles: &[&str]| needles.iter().any(|n| text.contains(n));
        if has(UNAUTHORIZED_MESSAGES) || lines.iter().any(|l| is_access_denied(l)) {
            ConfigureFailure::BadToken
        } else if has(&[
            "pool not found",
            "agent pool not found",
            "could not find a pool",
            "no agent pool",
        ]) {
            ConfigureFailure::PoolNotFound
        } else if has(&["already contains an agent with name", "already exists"]) {
            ConfigureFailure::NameTaken
        } else if has(&["not configured", "does not appear to be configured"]) {
            ConfigureFailure::NotConfigured
        } else if has(&[
            "failed to connect",
            "connection refused",
            "name or service not known",
            "no such host",
            "network is unreachable",
            "timed out",
            "ssl",
            "certificate",
        ]) {
            ConfigureFailure::Network
        } else {
            ConfigureFailure::Other
        }
    }
}

/// What the agent prints when the server refuses its token, lowercase. Only these whole
/// messages count: a bare `401`, `403` or `unauthorized` may be part of an agent, pool or host
/// name in an otherwise unrelated line.
const UNAUTHORIZED_MESSAGES: &[&str] = &[
    // `VssUnauthorizedException` on a 401 (or a 203 sign-in page): "VS30063: You are not
    // authorized to access https://dev.azure.com/contoso."
    "vs30063: you are not authorized",
    // The server's own 401 message: "TF400813: The user '...' is not authorized to access this
    // resource." or "TF400813: Resource not available for anonymous access. Client
    // authentication required."
    "tf400813:",
    // The exception's name, in the agent's traces and stack traces.
    "vssunauthorizedexception",
    // .NET's `HttpRequestException` for a refused request.
    "response status code does not indicate success: 401 (unauthorized)",
    "response status code does not indicate success: 403 (forbidden)",
];

/// Whether `line` is the server's `AccessCheckException` message, as the agent prints it: "Access
/// denied. {identity} needs Manage permissions for pool {pool} to perform the action. ...".
fn is_access_denied(line: &str) -> bool {
    let line = line.trim_start().to_ascii_lowercase();
    line.starts_with("access denied. ") && line.contains(" permissions ")
}

/// Why `config.sh` failed: the cause, its exit, and its last meaningful line (masked).
#[derive(Debug, thiserror::Error)]
#[error("{command} failed ({exit}): {}{}", kind.describe(), last_line.as_deref().map(|l| format!(": {l}")).unwrap_or_default())]
pub struct ConfigureError {
    /// `config.sh` or `config.sh remove`.
    pub command: &'static str,
    /// The cause.
    pub kind: ConfigureFailure,
    /// How it ended.
    pub exit: String,
    /// Its last error line, secrets masked.
    pub last_line: Option<String>,
}

/// Registers the agent in `agent` unattended.
///
/// Dropping the returned future kills `config.sh` (its whole process group).
pub async fn configure(
    agent: &AgentDir,
    options: &ConfigureOptions,
    auth: &ChildAuth,
    env: &ChildEnv,
) -> Result<(), Error> {
    validate_agent_name("agent name", &options.agent_name)?;
    if options.pool.trim().is_empty() {
        return Err(Error::invalid_input("pool", "is empty; expected an agent pool name"));
    }
    let mut command = Command::new(agent.config_script());
    command.current_dir(agent.root());
    env.apply(&mut command);
    command.args(["--unattended", "--acceptTeeEula"]);
    command.args(["--url", options.organization.as_str()]);
    command.args(["--pool", &options.pool]);
    command.args(["--agent", &options.agent_name]);
    if let Some(work) = &options.work_dir {
        command.arg("--work").arg(work);
    }
    if options.replace {
        command.arg("--replace");
    }
    command.args(&options.extra_args);
    auth.apply(&mut command);
    run("config.sh", command, auth, options.timeout).await
}

async fn run(name: &'static str, mut command: Command, auth: &ChildAuth, timeout: Duration) -> Result<(), Error> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let program = command.get_program().to_string_lossy().into_owned();
    tracing::info!(command = name, "running {program}");
    let started = std::time::Instant::now();
    let mut process = process::spawn(command).map_err(|e| Error::io("start", &program, e))?;
    let masker = Masker::new([auth.secret()]);
    let transcript = Transcript::default();
    let mut readers = Vec::new();
    if let Some(out) = process.child_mut().stdout.take() {
        readers.push(forward(out, name, "stdout", masker.clone(), transcript.clone()));
    }
    if let Some(err) = process.child_mut().stderr.take() {
        readers.push(forward(err, name, "stderr", masker, transcript.clone()));
    }
    let exit = tokio::time::timeout(timeout, process.wait()).await;
    let exit = match exit {
        Ok(exit) => exit,
        Err(_) => {
            drop(process);
            return Err(ConfigureError {
                command: name,
                kind: ConfigureFailure::TimedOut,
                exit: format!("killed after {} s", timeout.as_secs()),
                last_line: transcript.lines().last().cloned(),
            }
            .into());
        }
    };
    for reader in readers {
        let _ = tokio::task::spawn_blocking(move || reader.join()).await;
    }
    let elapsed_us = started.elapsed().as_micros() as u64;
    tracing::debug!(command = name, %exit, elapsed_us, "{program} ended");
    if exit == ExitKind::Code(0) {
        return Ok(());
    }
    let lines = transcript.lines();
    let last_line = lines
        .iter()
        .rev()
        .find(|l| {
            let l = l.to_ascii_lowercase();
            l.contains("error") || l.contains("fail") || l.contains("not ") || l.contains("vs")
        })
        .or(lines.last())
        .cloned();
    Err(ConfigureError {
        command: name,
        kind: ConfigureFailure::classify(&lines),
        exit: exit.to_string(),
        last_line,
    }
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_messages_are_classified() {
        let cases = [
            (
                "VS30063: You are not authorized to access https://dev.azure.com/x.",
                ConfigureFailure::BadToken,
            ),
            ("Agent pool not found: 'Nope'", ConfigureFailure::PoolNotFound),
            (
                "Pool 1 already contains an agent with name a1.",
                ConfigureFailure::NameTaken,
            ),
            (
                "Failed to connect to https://127.0.0.1:1/x: Connection refused",
                ConfigureFailure::Network,
            ),
            ("something odd", ConfigureFailure::Other),
        ];
        for (line, kind) in cases {
            assert_eq!(ConfigureFailure::classify(&[line.to_owned()]), kind, "{line}");
        }
    }

    #[test]
    fn only_the_agents_unauthorized_messages_are_a_bad_token() {
        let bad_token = [
            "VS30063: You are not authorized to access https://dev.azure.com/contoso.",
            "TF400813: The user 'aaaaaaaa-0000-0000-0000-000000000000' is not authorized to access this resource.",
            "TF400813: Resource not available for anonymous access. Client authentication required.",
            "Microsoft.VisualStudio.Services.Common.VssUnauthorizedException: VS30063: You are not authorized",
            "Access denied. Build Service needs Manage permissions for pool Default to perform the action. \
             For more information, contact the Azure DevOps Server administrator.",
            "Response status code does not indicate success: 401 (Unauthorized).",
        ];
        for line in bad_token {
            let lines = ["Connecting to server ...".to_owned(), line.to_owned()];
            assert_eq!(ConfigureFailure::classify(&lines), ConfigureFailure::BadToken, "{line}");
        }
        let not_bad_token = [
            "Agent 'build-401' registered; pool 403 items",
            "Scanning agent-403 for tool capabilities; 401 found",
            "Agent 'unauthorized-tests' exited with code 2",
            "Pool 'not authorized builds' is full",
            "Copying 'access denied.txt' failed",
        ];
        for line in not_bad_token {
            assert_ne!(
                ConfigureFailure::classify(&[line.to_owned()]),
                ConfigureFailure::BadToken,
                "{line}"
            );
        }
    }

    #[test]
    fn agent_names_are_checked() {
        validate_agent_name("AZP_AGENT_NAME", "agent-01").unwrap();
        let message = validate_agent_name("AZP_AGENT_NAME", "a/b").unwrap_err().to_string();
        assert!(message.starts_with("AZP_AGENT_NAME: 'a/b' contains '/'"), "{message}");
        assert!(validate_agent_name("AZP_AGENT_NAME", &"x".repeat(65)).is_err());
        assert!(validate_agent_name("AZP_AGENT_NAME", "").is_err());
    }
}
