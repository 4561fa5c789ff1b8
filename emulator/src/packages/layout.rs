//! The files of the stand-in agent, laid out as the real Linux agent is: `config.sh`, `run.sh`,
//! `env.sh`, `bin/Agent.Listener` and `.emulator.json` (how the stand-in trusts the emulator and
//! reaches its Entra endpoint). Packed into the agent package, or written into a directory.

use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::config::DEFAULT_AGENT_VERSION;
use crate::startup::StartupInfo;

/// Where the stand-in finds the emulator: written to `.emulator.json` at the agent root.
pub(crate) const EMULATOR_FILE: &str = ".emulator.json";

/// `config.sh`: `configure` (or `remove`) with every argument.
const CONFIG_SH: &str = r#"#!/bin/sh
# Azure Pipelines agent configuration (az-emulator stand-in agent).
dir="$(cd "$(dirname "$0")" && pwd)"
if [ "$1" = "remove" ]; then
    shift
    exec "$dir/bin/Agent.Listener" remove "$@"
fi
exec "$dir/bin/Agent.Listener" configure "$@"
"#;

/// `run.sh`: the listener; exit code 4 (a run-once agent that updated) runs it once more.
const RUN_SH: &str = r#"#!/bin/sh
# Azure Pipelines agent listener (az-emulator stand-in agent).
dir="$(cd "$(dirname "$0")" && pwd)"
"$dir/bin/Agent.Listener" run "$@"
code=$?
# 4: the run-once agent received an update; wait for the new listener and run it once more.
if [ "$code" -eq 4 ]; then
    i=0
    while [ ! -x "$dir/bin/Agent.Listener" ] && [ "$i" -lt 10 ]; do
        sleep 1
        i=$((i + 1))
    done
    "$dir/bin/Agent.Listener" run "$@"
    exit $?
fi
exit "$code"
"#;

/// `env.sh`: records variables for jobs in `.env` and the `PATH` in `.path`, like the real one.
const ENV_SH: &str = r#"#!/bin/sh
# Records the environment the agent's jobs see (.env and .path), like the real env.sh.
dir="$(cd "$(dirname "$0")" && pwd)"
cd "$dir" || exit 1
[ -f .env ] || touch .env
for name in LANG JAVA_HOME ANT_HOME M2_HOME ANDROID_HOME GRADLE_HOME NVM_BIN NVM_PATH LD_LIBRARY_PATH PERL5LIB; do
    eval "value=\${$name:-}"
    if [ -n "$value" ] && ! grep -q "^$name=" .env; then
        printf '%s=%s\n' "$name" "$value" >> .env
    fi
done
printf '%s\n' "$PATH" > .path
"#;

/// The content of one file.
pub(crate) enum Content {
    /// Text written as is.
    Text(String),
    /// A file copied from disk.
    Copy(PathBuf),
}

/// One file of the layout.
pub(crate) struct LayoutFile {
    /// Path relative to the agent root.
    pub path: &'static str,
    /// Unix permissions.
    pub mode: u32,
    pub content: Content,
}

/// Where the stand-in agent finds the emulator, and the version it reports.
pub(crate) struct Target<'a> {
    pub ca_pem: &'a str,
    /// The Entra endpoint (`--auth sp`).
    pub login: &'a str,
    /// The agent version of the package.
    pub version: &'a str,
}

/// The files of the stand-in agent whose listener is `agent_binary`.
pub(crate) fn files(agent_binary: &Path, target: &Target<'_>) -> Vec<LayoutFile> {
    let emulator = serde_json::json!({
        "caPem": target.ca_pem,
        "loginEndpoint": target.login,
        "agentVersion": target.version,
    });
    let text = |path, mode, text: &str| LayoutFile {
        path,
        mode,
        content: Content::Text(text.to_owned()),
    };
    vec![
        text("config.sh", 0o755, CONFIG_SH),
        text("run.sh", 0o755, RUN_SH),
        text("env.sh", 0o755, ENV_SH),
        text(EMULATOR_FILE, 0o644, &format!("{emulator:#}\n")),
        LayoutFile {
            path: "bin/Agent.Listener",
            mode: 0o755,
            content: Content::Copy(agent_binary.to_owned()),
        },
    ]
}

/// Writes the stand-in agent into `dir` (created if needed): the same files as the default
/// agent package (version 4.258.1) of an emulator whose startup information is `info`, with
/// `agent_binary` copied to `bin/Agent.Listener`. For tests that start from an installed agent.
pub fn lay_out(dir: &Path, agent_binary: &Path, info: &StartupInfo) -> io::Result<()> {
    let ca_pem = std::fs::read_to_string(&info.ca_file)?;
    let target = Target {
        ca_pem: &ca_pem,
        login: &info.endpoints.login,
        version: DEFAULT_AGENT_VERSION,
    };
    write_files(dir, &files(agent_binary, &target))
}

/// Writes `files` under `dir`.
pub(crate) fn write_files(dir: &Path, files: &[LayoutFile]) -> io::Result<()> {
    for file in files {
        let path = dir.join(file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        match &file.content {
            Content::Text(text) => std::fs::write(&path, text)?,
            Content::Copy(source) => {
                std::fs::copy(source, &path)?;
            }
        }
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(file.mode))?;
    }
    Ok(())
}
