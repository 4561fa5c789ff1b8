//! The agent root's files: `.agent` (settings), `.credentials`, `.credentials_rsaparams` (the
//! key, mode 0600), `.emulator.json` (CA and Entra endpoint) and `.listener.pid`.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use crate::packages::layout::EMULATOR_FILE;

/// The settings file.
pub(crate) const AGENT_FILE: &str = ".agent";
/// The credential settings.
pub(crate) const CREDENTIALS_FILE: &str = ".credentials";
/// The agent's key.
pub(crate) const KEY_FILE: &str = ".credentials_rsaparams";
/// The pid of a running listener.
pub(crate) const PID_FILE: &str = ".listener.pid";
/// When present, `remove` fails (tests force the REST fallback with it).
pub(crate) const REMOVE_FAILS_FILE: &str = ".remove-fails";

/// `.agent`.
#[derive(Serialize, Deserialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AgentSettings {
    pub agent_id: i32,
    pub agent_name: String,
    pub pool_id: i32,
    pub pool_name: String,
    pub server_url: String,
    pub work_folder: String,
}

/// `.emulator.json`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EmulatorSettings {
    pub ca_pem: String,
    pub login_endpoint: String,
    /// The version of the package the agent came from.
    #[serde(default = "default_version")]
    pub agent_version: String,
}

fn default_version() -> String {
    crate::config::DEFAULT_AGENT_VERSION.to_owned()
}

/// `.credentials_rsaparams` (the stand-in's key stands in for the RSA parameters).
#[derive(Serialize, Deserialize)]
struct KeyFile {
    exponent: String,
    modulus: String,
}

/// The agent root: the parent of the directory holding the executable (`bin/..`).
pub(crate) fn agent_root() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find the agent's executable: {e}"))?;
    exe.parent()
        .and_then(Path::parent)
        .map(Path::to_owned)
        .ok_or_else(|| format!("the executable {} is not in a bin directory", exe.display()))
}

/// Reads a JSON file of the agent root.
fn read_json<T: serde::de::DeserializeOwned>(root: &Path, name: &str) -> Result<T, String> {
    let path = root.join(name);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{} is not valid: {e}", path.display()))
}

/// Writes a file of the agent root (mode 0600 when `private`).
fn write(root: &Path, name: &str, content: &str, private: bool) -> Result<(), String> {
    let path = root.join(name);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    if private {
        options.mode(0o600);
    }
    options
        .open(&path)
        .and_then(|mut file| file.write_all(content.as_bytes()))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// `.emulator.json`.
pub(crate) fn emulator(root: &Path) -> Result<EmulatorSettings, String> {
    read_json(root, EMULATOR_FILE)
}

/// `.agent`, or `None` when the agent is not configured.
pub(crate) fn settings(root: &Path) -> Result<Option<AgentSettings>, String> {
    if !root.join(AGENT_FILE).exists() {
        return Ok(None);
    }
    read_json(root, AGENT_FILE).map(Some)
}

/// Writes `.agent`, `.credentials` and `.credentials_rsaparams`.
pub(crate) fn save(
    root: &Path,
    settings: &AgentSettings,
    client_id: &str,
    authorization_url: &str,
    key: &[u8],
) -> Result<(), String> {
    let key_file = KeyFile {
        exponent: "AQAB".to_owned(),
        modulus: STANDARD.encode(key),
    };
    write(root, KEY_FILE, &to_json(&key_file), true)?;
    let credentials = serde_json::json!({
        "scheme": "OAuth",
        "data": {
            "clientId": client_id,
            "authorizationUrl": authorization_url,
            "requireFipsCryptography": "False",
        },
    });
    write(root, CREDENTIALS_FILE, &format!("{credentials:#}"), false)?;
    write(root, AGENT_FILE, &to_json(settings), false)
}

fn to_json(value: &impl Serialize) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// The agent's key.
pub(crate) fn key(root: &Path) -> Result<Vec<u8>, String> {
    let file: KeyFile = read_json(root, KEY_FILE)?;
    STANDARD
        .decode(file.modulus)
        .map_err(|e| format!("{KEY_FILE} is not valid: {e}"))
}

/// Removes the configuration files (missing ones are fine).
pub(crate) fn remove_configuration(root: &Path) -> Result<(), String> {
    for name in [CREDENTIALS_FILE, KEY_FILE, AGENT_FILE] {
        match std::fs::remove_file(root.join(name)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("cannot remove {name}: {e}")),
        }
    }
    Ok(())
}

/// Whether a listener of this agent root is running: `.listener.pid` names a live process.
pub(crate) fn listener_running(root: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(root.join(PID_FILE)) else {
        return false;
    };
    let Ok(pid) = text.trim().parse::<u32>() else {
        return false;
    };
    if pid == std::process::id() {
        return false;
    }
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X"),
        Err(_) => false,
    }
}

/// `.listener.pid`, removed when dropped.
pub(crate) struct PidFile {
    path: PathBuf,
}

impl PidFile {
    /// Writes this process's id.
    pub fn write(root: &Path) -> Result<PidFile, String> {
        write(root, PID_FILE, &format!("{}\n", std::process::id()), false)?;
        Ok(PidFile {
            path: root.join(PID_FILE),
        })
    }
}

impl Drop for PidFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The work folder of the settings, absolute (relative ones are under the agent root).
pub(crate) fn work_folder(root: &Path, settings: &AgentSettings) -> PathBuf {
    let work = Path::new(&settings.work_folder);
    if work.is_absolute() {
        work.to_owned()
    } else {
        root.join(work)
    }
}
