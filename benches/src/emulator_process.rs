//! The `az-emulator` binary as a child process, so that its peak RSS is its own.

use crate::rss;
use az_emulator::StartupInfo;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The variable that names an `az-emulator` binary to use instead of building one.
pub const EMULATOR_BIN: &str = "AZ_EMULATOR_BIN";

/// The `az-emulator` binary: the one `$AZ_EMULATOR_BIN` names when it is set, else the one of
/// the running bench's profile, built first (`cargo build --profile <dev|bench> -p az-emulator
/// --bin az-emulator`, a no-op when it is up to date) with the cargo that runs the bench.
pub fn emulator_binary() -> PathBuf {
    if let Some(binary) = std::env::var_os(EMULATOR_BIN) {
        return PathBuf::from(binary);
    }
    let exe = std::env::current_exe().expect("the bench's path");
    // target/<profile>/deps/<bench>-<hash>
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>")
        .to_owned();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let profile = if profile_dir.ends_with("debug") { "dev" } else { "bench" };
    let status = Command::new(cargo)
        .args([
            "build",
            "--quiet",
            "--profile",
            profile,
            "-p",
            "az-emulator",
            "--bin",
            "az-emulator",
        ])
        .status()
        .expect("cargo runs");
    assert!(status.success(), "building az-emulator failed");
    profile_dir.join("az-emulator")
}

/// `az-emulator serve` running as a child process, and the startup line it printed. Dropping
/// it sends SIGTERM and waits for the process to exit.
pub struct EmulatorProcess {
    child: Child,
    info: StartupInfo,
}

impl EmulatorProcess {
    /// Starts `az-emulator serve` (with `--config <config>` when given; logs at `warn` on the
    /// bench's stderr) and reads its startup line.
    pub fn start(config: Option<&Path>) -> EmulatorProcess {
        let mut command = Command::new(emulator_binary());
        command.arg("serve");
        if let Some(config) = config {
            command.arg("--config").arg(config);
        }
        let mut child = command
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("az-emulator starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the startup line");
        let info = serde_json::from_str(&line).expect("the startup line is JSON");
        EmulatorProcess { child, info }
    }

    /// What the emulator printed at start: endpoints, CA, environment, defaults.
    pub fn info(&self) -> &StartupInfo {
        &self.info
    }

    /// The emulator's peak resident set so far, in kB.
    pub fn vm_hwm_kb(&self) -> u64 {
        rss::vm_hwm_kb(self.child.id()).expect("the emulator's /proc/<pid>/status")
    }
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
        let _ = self.child.wait();
    }
}
