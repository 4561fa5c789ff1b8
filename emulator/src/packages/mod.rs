//! The agent packages the devops listener advertises and serves: configured archives served as
//! they are, or the stand-in agent packed on first use (on a blocking thread) into the state
//! directory. Each archive is hashed once.

mod build;
pub(crate) mod layout;

use std::io;
use std::path::{Path, PathBuf};

use time::OffsetDateTime;
use tokio::sync::OnceCell;

use crate::config::AgentPackageSeed;

/// Name of the stand-in agent executable looked for next to the running executable.
pub(crate) const AGENT_BINARY_NAME: &str = "az-emulator-agent";

/// An archive ready to be served.
#[derive(Debug, Clone)]
pub(crate) struct Ready {
    pub path: PathBuf,
    /// Lowercase hex SHA-256 of the archive.
    pub sha256: String,
    pub size: u64,
}

/// Why a package cannot be served.
#[derive(Debug)]
pub(crate) enum PackageError {
    /// The stand-in package needs an agent executable and there is none.
    NoAgentBinary,
    /// Reading, packing or hashing failed.
    Io(io::Error),
}

impl std::fmt::Display for PackageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PackageError::NoAgentBinary => write!(
                f,
                "the emulator has no stand-in agent executable to pack: set devops.agent_binary, or put {AGENT_BINARY_NAME} next to the emulator's executable"
            ),
            PackageError::Io(error) => write!(f, "the agent package cannot be prepared: {error}"),
        }
    }
}

/// One advertised package.
pub(crate) struct Package {
    pub seed: AgentPackageSeed,
    pub created_on: OffsetDateTime,
    ready: OnceCell<Ready>,
}

/// Every advertised package and what building the stand-in one needs.
pub(crate) struct AgentPackages {
    packages: Vec<Package>,
    /// Where built packages are written.
    dir: PathBuf,
    agent_binary: Option<PathBuf>,
    ca_pem: String,
    login: String,
}

impl AgentPackages {
    pub fn new(
        seeds: &[AgentPackageSeed],
        dir: PathBuf,
        agent_binary: Option<PathBuf>,
        ca_pem: String,
        login: String,
        now: OffsetDateTime,
    ) -> Self {
        let packages = seeds
            .iter()
            .map(|seed| Package {
                seed: seed.clone(),
                created_on: now,
                ready: OnceCell::new(),
            })
            .collect();
        AgentPackages {
            packages,
            dir,
            agent_binary,
            ca_pem,
            login,
        }
    }

    /// Every package, in configuration order.
    pub fn all(&self) -> Vec<&Package> {
        self.packages.iter().collect()
    }

    /// The packages of a platform (case-insensitive), in configuration order.
    pub fn for_platform(&self, platform: &str) -> Vec<&Package> {
        self.packages
            .iter()
            .filter(|p| p.seed.platform.eq_ignore_ascii_case(platform))
            .collect()
    }

    /// The package with this file name.
    pub fn named(&self, filename: &str) -> Option<&Package> {
        self.packages.iter().find(|p| p.seed.filename() == filename)
    }

    /// The archive of a package: hashed (and first packed, for the stand-in) on first use.
    pub async fn ready<'a>(&self, package: &'a Package) -> Result<&'a Ready, PackageError> {
        package
            .ready
            .get_or_try_init(|| async {
                let seed = package.seed.clone();
                let job = match &seed.file {
                    Some(file) => Job::Hash(file.clone()),
                    None => {
                        let binary = self.agent_binary.clone().ok_or(PackageError::NoAgentBinary)?;
                        if !binary.is_file() {
                            return Err(PackageError::NoAgentBinary);
                        }
                        let target = layout::Target {
                            ca_pem: &self.ca_pem,
                            login: &self.login,
                            version: &seed.version,
                        };
                        let files = layout::files(&binary, &target);
                        Job::Pack(self.dir.join(seed.filename()), files)
                    }
                };
                tokio::task::spawn_blocking(move || job.run())
                    .await
                    .map_err(|e| PackageError::Io(io::Error::other(e)))?
                    .map_err(PackageError::Io)
            })
            .await
    }
}

/// Blocking work to get an archive ready.
enum Job {
    Hash(PathBuf),
    Pack(PathBuf, Vec<layout::LayoutFile>),
}

impl Job {
    fn run(self) -> io::Result<Ready> {
        let path = match self {
            Job::Hash(path) => path,
            Job::Pack(target, files) => {
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                build::pack(&target, &files)?;
                target
            }
        };
        let (sha256, size) = build::sha256(&path)?;
        Ok(Ready { path, sha256, size })
    }
}

/// The stand-in agent executable: the configured one, else `az-emulator-agent` next to the
/// running executable or in its parent directory (tests run from `target/debug/deps`).
pub(crate) fn find_agent_binary(configured: Option<&Path>) -> Option<PathBuf> {
    if let Some(path) = configured {
        return Some(path.to_owned());
    }
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?;
    [Some(dir), dir.parent()]
        .into_iter()
        .flatten()
        .map(|d| d.join(AGENT_BINARY_NAME))
        .find(|candidate| candidate.is_file())
}
