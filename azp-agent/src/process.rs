//! Child processes in their own process group, waited for without tokio's child reaper, so
//! that a supervisor running as PID 1 can also reap orphans (`waitpid(-1)`) without stealing
//! the exit status of its own children.

use nix::errno::Errno;
use nix::sys::signal::{Signal, killpg};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;
use std::collections::{HashMap, HashSet};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::signal::unix::{SignalKind, signal};

/// How a child ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitKind {
    /// It exited with this code.
    Code(i32),
    /// A signal (number) killed it.
    Signal(i32),
}

impl std::fmt::Display for ExitKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExitKind::Code(code) => write!(f, "exit code {code}"),
            ExitKind::Signal(signal) => match Signal::try_from(*signal) {
                Ok(s) => write!(f, "killed by {s}"),
                Err(_) => write!(f, "killed by signal {signal}"),
            },
        }
    }
}

#[derive(Default)]
struct Table {
    /// Our children that have not been waited for.
    tracked: HashSet<i32>,
    /// Statuses reaped by a `waitpid(-1)` on behalf of another waiter.
    exited: HashMap<i32, ExitKind>,
    /// Whether `waitpid(-1)` reaps every child (PID 1, or a subreaper).
    reap_all: bool,
}

static TABLE: Mutex<Option<Table>> = Mutex::new(None);

fn with_table<T>(f: impl FnOnce(&mut Table) -> T) -> T {
    let mut guard = TABLE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    f(guard.get_or_insert_with(Table::default))
}

/// Makes every wait also reap orphans (children of others that were re-parented to this
/// process). Only for a process that owns all its children: PID 1 or a child subreaper.
pub(crate) fn reap_all_children(enabled: bool) {
    with_table(|t| t.reap_all = enabled);
}

/// A child started by [`spawn`], in its own process group. Dropping it before it was waited
/// for kills its group and reaps it in the background, so a canceled phase leaves nothing.
#[derive(Debug)]
pub(crate) struct Process {
    pid: i32,
    child: Child,
    ended: AtomicBool,
}

/// Starts `command` in a new process group (whose id is the child's pid).
pub(crate) fn spawn(mut command: Command) -> std::io::Result<Process> {
    command.process_group(0);
    // The table lock is held across the spawn so that a concurrent `waitpid(-1)` cannot reap
    // the new child before it is tracked.
    with_table(|table| {
        let child = command.spawn()?;
        let pid = child.id() as i32;
        table.tracked.insert(pid);
        Ok(Process {
            pid,
            child,
            ended: AtomicBool::new(false),
        })
    })
}

impl Process {
    /// The child's pid (also its process group id).
    pub(crate) fn pid(&self) -> i32 {
        self.pid
    }

    /// The child's pipes and handle (never wait through it: [`Process::wait`] does).
    pub(crate) fn child_mut(&mut self) -> &mut Child {
        &mut self.child
    }

    /// Sends `signal` to the child's whole process group; a group already gone is fine.
    pub(crate) fn signal_group(&self, signal: Signal) {
        match killpg(Pid::from_raw(self.pid), signal) {
            Ok(()) | Err(Errno::ESRCH) => {}
            Err(e) => tracing::warn!(pid = self.pid, %signal, error = %e, "cannot signal the process group"),
        }
    }

    /// Kills the child's process group and every descendant, also those that moved to a group
    /// of their own (a job's processes): the tree is read from `/proc` before the kill.
    pub(crate) fn kill_tree(&self) {
        let mut tree = vec![self.pid];
        let mut next = 0;
        while next < tree.len() {
            let parent = tree[next];
            tree.extend(children_of(parent));
            next += 1;
        }
        self.signal_group(Signal::SIGKILL);
        for pid in tree.into_iter().skip(1) {
            let _ = nix::sys::signal::kill(Pid::from_raw(pid), Signal::SIGKILL);
        }
    }

    /// Waits until the child ends (cancel-safe: dropping the future leaves it tracked).
    pub(crate) async fn wait(&self) -> ExitKind {
        let exit = wait_pid(self.pid).await;
        self.ended.store(true, Ordering::SeqCst);
        exit
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if self.ended.load(Ordering::SeqCst) {
            return;
        }
        self.signal_group(Signal::SIGKILL);
        let pid = self.pid;
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(wait_pid(pid));
            }
            Err(_) => {
                let _ = waitpid(Pid::from_raw(pid), None);
                with_table(|t| t.tracked.remove(&pid));
            }
        }
    }
}

/// Waits until `pid` (one of ours) ends.
async fn wait_pid(pid: i32) -> ExitKind {
    let mut sigchld = signal(SignalKind::child()).ok();
    loop {
        if let Some(exit) = try_reap(pid) {
            return exit;
        }
        // SIGCHLD wakes us; the timer covers signals that arrive before registration.
        let tick = tokio::time::sleep(Duration::from_millis(100));
        match &mut sigchld {
            Some(stream) => {
                tokio::select! {
                    _ = stream.recv() => {}
                    _ = tick => {}
                }
            }
            None => tick.await,
        }
    }
}

fn decode(status: WaitStatus) -> Option<(i32, ExitKind)> {
    match status {
        WaitStatus::Exited(pid, code) => Some((pid.as_raw(), ExitKind::Code(code))),
        WaitStatus::Signaled(pid, signal, _) => Some((pid.as_raw(), ExitKind::Signal(signal as i32))),
        _ => None,
    }
}

/// The exit of `pid` if it has ended, reaping orphans on the way when enabled.
fn try_reap(pid: i32) -> Option<ExitKind> {
    with_table(|table| {
        if let Some(exit) = table.exited.remove(&pid) {
            table.tracked.remove(&pid);
            return Some(exit);
        }
        if table.reap_all {
            reap_any(table);
            if let Some(exit) = table.exited.remove(&pid) {
                table.tracked.remove(&pid);
                return Some(exit);
            }
            None
        } else {
            match waitpid(Pid::from_raw(pid), Some(WaitPidFlag::WNOHANG)) {
                Ok(status) => decode(status).map(|(_, exit)| {
                    table.tracked.remove(&pid);
                    exit
                }),
                Err(Errno::ECHILD) => {
                    table.tracked.remove(&pid);
                    Some(ExitKind::Code(-1))
                }
                Err(_) => None,
            }
        }
    })
}

/// `waitpid(-1, WNOHANG)` until nothing is left to reap: our children's statuses are kept for
/// their waiters, orphans are logged and dropped.
fn reap_any(table: &mut Table) {
    loop {
        match waitpid(None::<Pid>, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) | Err(_) => return,
            Ok(status) => {
                if let Some((pid, exit)) = decode(status) {
                    if table.tracked.contains(&pid) {
                        table.exited.insert(pid, exit);
                    } else {
                        tracing::debug!(pid, %exit, "reaped an orphaned process");
                    }
                }
            }
        }
    }
}

/// Ends every process the run left behind, before any cleanup step: every child of this
/// process that no live [`Process`] tracks (the job's orphans, re-parented to this PID 1 or
/// child subreaper, whether they double-forked, called `setsid` or `nohup`), and all their
/// descendants, with SIGKILL. Killing a process re-parents its children to this process, so
/// the walk repeats until nothing is left or `deadline` passes; returns how many processes
/// were signalled. Only for a process that owns all its children (see
/// [`reap_all_children`]).
pub(crate) async fn end_leftovers(deadline: tokio::time::Instant) -> usize {
    let me = std::process::id() as i32;
    let mut ended = 0;
    loop {
        let tracked = with_table(|t| {
            reap_any(t);
            t.tracked.clone()
        });
        let mut tree: Vec<i32> = children_of(me)
            .into_iter()
            .filter(|pid| !tracked.contains(pid))
            .collect();
        let mut next = 0;
        while next < tree.len() {
            let parent = tree[next];
            tree.extend(children_of(parent));
            next += 1;
        }
        // Zombies are already gone: only reaping is left for them.
        tree.retain(|pid| process_state(*pid).is_some_and(|state| state != 'Z'));
        if tree.is_empty() {
            break;
        }
        if ended == 0 {
            tracing::info!(count = tree.len(), "ending the processes the run left behind");
        }
        for pid in &tree {
            let _ = nix::sys::signal::kill(Pid::from_raw(*pid), Signal::SIGKILL);
        }
        ended += tree.len();
        if tokio::time::Instant::now() >= deadline {
            tracing::warn!(
                left = tree.len(),
                "processes left behind are still running at the deadline"
            );
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    with_table(reap_any);
    ended
}

/// Waits until no process is left in process group `pgid` (an agent's updater finishing after
/// the listener exited), reaping on the way when this process reaps orphans; false when
/// `deadline` passed first.
pub(crate) async fn wait_group_gone(pgid: i32, deadline: tokio::time::Instant) -> bool {
    loop {
        with_table(|t| {
            if t.reap_all {
                reap_any(t);
            }
        });
        if let Err(Errno::ESRCH) = killpg(Pid::from_raw(pgid), None) {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The state letter of `pid` (`R`, `S`, `Z`...) from `/proc/<pid>/stat`, `None` once it is gone.
fn process_state(pid: i32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat[stat.rfind(')')? + 1..].split_whitespace().next()?.chars().next()
}

/// The pids whose parent is `parent`, from `/proc`.
fn children_of(parent: i32) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|stat| {
                    // The command name may hold spaces: fields restart after the last ')'.
                    let rest = &stat[stat.rfind(')')? + 1..];
                    rest.split_whitespace().nth(1)?.parse::<i32>().ok()
                })
                == Some(parent)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn exit_codes_and_signals_are_reported() {
        let mut command = Command::new("sh");
        command.args(["-c", "exit 3"]);
        let process = spawn(command).unwrap();
        assert_eq!(process.wait().await, ExitKind::Code(3));

        let mut command = Command::new("sleep");
        command.arg("30");
        let process = spawn(command).unwrap();
        process.signal_group(Signal::SIGKILL);
        assert_eq!(process.wait().await, ExitKind::Signal(9));
        assert_eq!(ExitKind::Signal(9).to_string(), "killed by SIGKILL");
    }

    #[tokio::test]
    async fn the_whole_group_gets_the_signal() {
        use std::io::{BufRead, BufReader};
        let mut command = Command::new("sh");
        // The leader ignores SIGTERM (set after `sleep` started, which keeps the default), so
        // it survives the signal and reports how its child `sleep`, in the same group, ended.
        // Had only the leader been signalled, `sleep` would run on and `wait` time out.
        command
            .args([
                "-c",
                "sleep 30 & trap '' TERM; echo ready; wait $!; echo \"sleep ended: $?\"; exit 3",
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null());
        let mut process = spawn(command).unwrap();
        let mut stdout = BufReader::new(process.child_mut().stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        assert_eq!(line, "ready\n");
        process.signal_group(Signal::SIGTERM);
        let exit = tokio::time::timeout(Duration::from_secs(5), process.wait())
            .await
            .expect("the group signal ends the grandchild too");
        assert_eq!(exit, ExitKind::Code(3), "the leader ignores SIGTERM");
        line.clear();
        stdout.read_line(&mut line).unwrap();
        assert_eq!(line, "sleep ended: 143\n", "sleep died of SIGTERM");
    }
}
