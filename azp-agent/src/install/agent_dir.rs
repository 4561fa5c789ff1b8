//! An agent directory: `config.sh` and an executable `bin/Agent.Listener`.

use super::{InstallError, perms};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

#[cfg(not(windows))]
const CONFIG_SCRIPT: &str = "config.sh";
#[cfg(windows)]
const CONFIG_SCRIPT: &str = "config.cmd";
#[cfg(not(windows))]
const LISTENER: &str = "Agent.Listener";
#[cfg(windows)]
const LISTENER: &str = "Agent.Listener.exe";

/// A directory that holds an installed Azure Pipelines agent: `config.sh` and `bin/Agent.Listener`, a regular
/// file its owner may execute. Found with [`find_agent`] or made by [`install_stream`](super::install_stream).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentDir {
    root: PathBuf,
}

impl AgentDir {
    /// Only for a directory that was checked.
    pub(super) fn checked(root: PathBuf) -> Self {
        AgentDir { root }
    }

    /// The agent directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `config.sh` in the agent directory (`config.cmd` on Windows).
    pub fn config_script(&self) -> PathBuf {
        self.root.join(CONFIG_SCRIPT)
    }

    /// `bin/Agent.Listener` in the agent directory (`bin\Agent.Listener.exe` on Windows).
    pub fn listener(&self) -> PathBuf {
        self.root.join("bin").join(LISTENER)
    }
}

/// The agent installed in `dir`, if there is one.
///
/// `Ok(None)` when `dir` does not exist, or holds neither `config.sh` nor `bin/Agent.Listener` (an empty
/// directory, say). [`InstallError::Incomplete`] when it holds one of them but not both, or a listener its owner
/// may not execute: a half-installed agent must not be silently overwritten. [`InstallError::Io`] when `dir`
/// is not a directory or cannot be read.
pub fn find_agent(dir: &Path) -> Result<Option<AgentDir>, InstallError> {
    const ACTION: &str = "inspect the agent directory";
    match fs::metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(InstallError::io(ACTION, dir, e)),
        Ok(meta) if !meta.is_dir() => {
            let e = io::Error::new(io::ErrorKind::NotADirectory, "it is not a directory");
            return Err(InstallError::io(ACTION, dir, e));
        }
        Ok(_) => {}
    }
    let agent = AgentDir::checked(dir.to_path_buf());
    let config = probe(&agent.config_script())?;
    let listener = probe(&agent.listener())?;
    let missing = match (config, listener) {
        (Probe::Absent, Probe::Absent) => return Ok(None),
        (Probe::Present { .. }, Probe::Present { executable: true }) => return Ok(Some(agent)),
        (Probe::Absent, _) => CONFIG_SCRIPT,
        (Probe::Present { .. }, Probe::Absent) => "bin/Agent.Listener",
        (Probe::Present { .. }, Probe::Present { executable: false }) => {
            "the owner's execute permission on bin/Agent.Listener"
        }
    };
    Err(InstallError::Incomplete {
        dir: dir.to_path_buf(),
        missing,
    })
}

enum Probe {
    Absent,
    Present { executable: bool },
}

/// Whether `path` is a regular file (symbolic links followed), and executable by its owner.
fn probe(path: &Path) -> Result<Probe, InstallError> {
    match fs::metadata(path) {
        Ok(meta) if meta.is_file() => Ok(Probe::Present {
            executable: perms::is_owner_executable(&meta),
        }),
        Ok(_) => Ok(Probe::Absent),
        Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => Ok(Probe::Absent),
        Err(e) => Err(InstallError::io("inspect", path, e)),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::install::test_dir::TestDir;
    use std::os::unix::fs::PermissionsExt;

    fn write(path: &Path, mode: u32) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, b"#!/bin/sh\n").unwrap();
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    }

    #[test]
    fn missing_or_empty_directory_has_no_agent() {
        let dir = TestDir::new("find-empty");
        assert_eq!(find_agent(&dir.path().join("nope")).unwrap(), None);
        assert_eq!(find_agent(dir.path()).unwrap(), None);
        fs::write(dir.path().join("README"), b"unrelated").unwrap();
        assert_eq!(find_agent(dir.path()).unwrap(), None);
    }

    #[test]
    fn complete_agent_is_found() {
        let dir = TestDir::new("find-ok");
        write(&dir.path().join("config.sh"), 0o755);
        write(&dir.path().join("bin/Agent.Listener"), 0o744);
        let agent = find_agent(dir.path()).unwrap().expect("an agent");
        assert_eq!(agent.root(), dir.path());
        assert_eq!(agent.config_script(), dir.path().join("config.sh"));
        assert_eq!(agent.listener(), dir.path().join("bin/Agent.Listener"));
    }

    /// A name, files and their modes, what is missing.
    type Case = (&'static str, &'static [(&'static str, u32)], &'static str);

    #[test]
    fn half_installs_are_incomplete() {
        let cases: [Case; 4] = [
            ("config-only", &[("config.sh", 0o755)], "bin/Agent.Listener"),
            ("listener-only", &[("bin/Agent.Listener", 0o755)], "config.sh"),
            (
                "not-executable",
                &[("config.sh", 0o755), ("bin/Agent.Listener", 0o655)],
                "the owner's execute permission on bin/Agent.Listener",
            ),
            (
                "listener-dir",
                &[("config.sh", 0o755), ("bin/Agent.Listener/x", 0o755)],
                "bin/Agent.Listener",
            ),
        ];
        for (name, files, expected) in cases {
            let dir = TestDir::new(name);
            for (file, mode) in files {
                write(&dir.path().join(file), *mode);
            }
            match find_agent(dir.path()) {
                Err(InstallError::Incomplete { dir: d, missing }) => {
                    assert_eq!(d, dir.path(), "{name}");
                    assert_eq!(missing, expected, "{name}");
                }
                other => panic!("{name}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_file_is_not_an_agent_directory() {
        let dir = TestDir::new("find-file");
        let file = dir.path().join("file");
        fs::write(&file, b"x").unwrap();
        let err = find_agent(&file).unwrap_err();
        assert!(
            matches!(err, InstallError::Io { ref path, .. } if *path == file),
            "{err}"
        );
    }
}
