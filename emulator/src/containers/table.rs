//! The running container processes by run id: how to stop one, and every one at shutdown.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use nix::sys::signal::Signal;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// One process run.
#[derive(Default)]
struct Entry {
    /// The process id of the run's [shim](super::shim) once forked (an unreaped child of the
    /// emulator while its entry is here).
    pid: Option<u32>,
    /// Fires the kill.
    kill: Option<oneshot::Sender<()>>,
    /// The task that supervises the process.
    task: Option<JoinHandle<()>>,
}

/// The process runs that have not ended.
#[derive(Default)]
pub(crate) struct ProcessTable {
    entries: Mutex<HashMap<u64, Entry>>,
}

impl ProcessTable {
    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Entry>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers run `run_id`; the receiver learns when it must be killed.
    pub fn register(&self, run_id: u64) -> oneshot::Receiver<()> {
        let (kill, killed) = oneshot::channel();
        self.entries().insert(
            run_id,
            Entry {
                kill: Some(kill),
                ..Entry::default()
            },
        );
        killed
    }

    /// Records the task supervising run `run_id` (dropped if the run already ended).
    pub fn set_task(&self, run_id: u64, task: JoinHandle<()>) {
        if let Some(entry) = self.entries().get_mut(&run_id) {
            entry.task = Some(task);
        }
    }

    /// Records the process id of run `run_id`'s shim.
    pub fn set_pid(&self, run_id: u64, pid: Option<u32>) {
        if let Some(entry) = self.entries().get_mut(&run_id) {
            entry.pid = pid;
        }
    }

    /// Sends `signal` to the shim of run `run_id`, if it is still in the table (a shim leaves
    /// the table before it is reaped, so its process id is never reused here).
    pub fn signal(&self, run_id: u64, signal: Signal) {
        if let Some(pid) = self.entries().get(&run_id).and_then(|entry| entry.pid) {
            super::shim::signal_all(&[pid], signal);
        }
    }

    /// Asks for run `run_id` to be killed.
    pub fn kill(&self, run_id: u64) {
        if let Some(kill) = self.entries().get_mut(&run_id).and_then(|entry| entry.kill.take()) {
            let _ = kill.send(());
        }
    }

    /// Forgets run `run_id` (its task calls this when it ends).
    pub fn remove(&self, run_id: u64) {
        self.entries().remove(&run_id);
    }

    /// Kills every run and waits for their tasks to end.
    pub async fn shutdown(&self) {
        let tasks: Vec<JoinHandle<()>> = self
            .entries()
            .values_mut()
            .filter_map(|entry| {
                if let Some(kill) = entry.kill.take() {
                    let _ = kill.send(());
                }
                entry.task.take()
            })
            .collect();
        for task in tasks {
            let _ = task.await;
        }
    }

    /// Stops every run now, without waiting (for `Drop`, where nothing can be awaited): SIGTERM to
    /// each shim, which kills every process of its container and exits (and would do the same
    /// once the emulator's end of its lifeline closes).
    pub fn kill_now(&self) {
        let mut entries = self.entries();
        for entry in entries.values_mut() {
            if let Some(pid) = entry.pid {
                super::shim::signal_all(&[pid], Signal::SIGTERM);
            }
            if let Some(kill) = entry.kill.take() {
                let _ = kill.send(());
            }
        }
    }
}
