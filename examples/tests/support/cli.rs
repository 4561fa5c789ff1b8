//! What the end-to-end tests of the multi-command tools share: a binary run to its end with an
//! environment of its own ([`run`]), or started and stopped by a signal ([`spawn`],
//! [`Running`]), and the emulator's journal read for writes ([`assert_no_write_since`]).

use az_emulator::{Control, ListenerKind};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What a run of a binary printed, and how it ended.
#[derive(Debug)]
pub struct Ran {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

fn command(bin: &str, args: &[&str], env: &BTreeMap<String, String>) -> Command {
    let mut command = Command::new(bin);
    command.args(args).env_clear().envs(env);
    command
}

/// Runs `bin` with `args` and only `env` to its end.
pub async fn run(bin: &str, args: &[&str], env: &BTreeMap<String, String>) -> Ran {
    let mut command = command(bin, args, env);
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .unwrap();
    Ran {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Starts `bin` with `args` and only `env`; its stdout is collected as it comes.
pub fn spawn(bin: &str, args: &[&str], env: &BTreeMap<String, String>) -> Running {
    let mut child = command(bin, args, env)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = Arc::new(Mutex::new(String::new()));
    let stdout = child.stdout.take().unwrap();
    let sink = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let mut text = sink.lock().unwrap();
            text.push_str(&line);
            text.push('\n');
        }
    });
    Running { child, lines }
}

/// A process of a binary, its stdout collected.
pub struct Running {
    pub child: Child,
    pub lines: Arc<Mutex<String>>,
}

impl Running {
    /// Waits (20 s at most) until stdout holds `text`.
    pub async fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.lines.lock().unwrap().contains(text) {
            assert!(
                Instant::now() < deadline,
                "no '{text}' in:\n{}",
                self.lines.lock().unwrap()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Sends `signal`, waits for the end; the exit code, stdout and stderr.
    pub async fn stop(mut self, signal: nix::sys::signal::Signal) -> (Option<i32>, String, String) {
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        nix::sys::signal::kill(pid, signal).unwrap();
        let mut stderr = self.child.stderr.take().unwrap();
        let mut child = self.child;
        let (status, err) = tokio::task::spawn_blocking(move || {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut stderr, &mut text).unwrap();
            (child.wait().unwrap(), text)
        })
        .await
        .unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        let out = self.lines.lock().unwrap().clone();
        (status.code(), out, err)
    }
}

/// The writes (PUT, POST, DELETE, PATCH on ARM or Blob) in the journal after `after`.
pub fn writes_since(control: &Control, after: u64) -> Vec<String> {
    control
        .journal()
        .into_iter()
        .filter(|e| e.seq > after)
        .filter(|e| matches!(e.listener, ListenerKind::Arm | ListenerKind::Blob))
        .filter(|e| matches!(e.method.as_str(), "PUT" | "POST" | "DELETE" | "PATCH"))
        .map(|e| format!("{} {}", e.method, e.path))
        .collect()
}

/// Asserts that the journal from `after` on holds no write on ARM or Blob.
pub fn assert_no_write_since(control: &Control, after: u64, what: &str) {
    let writes = writes_since(control, after);
    assert!(writes.is_empty(), "{what}: writes {writes:?}");
}

/// The journal's last sequence number.
pub fn journal_mark(control: &Control) -> u64 {
    control.journal().last().map_or(0, |e| e.seq)
}

/// A number that differs between the tests' folders.
pub fn unique() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    u64::from(nanos) ^ (u64::from(std::process::id()) << 32)
}
