//! One container run: its command started under a [subreaper shim](super::shim) with only the
//! environment it is given, its stdout and stderr read line by line into the container log, ended
//! (with every process it started, whatever they did to detach) when asked, its exit recorded in
//! the container state.

use std::os::fd::OwnedFd;
use std::sync::Arc;
use std::time::Duration;

use nix::sys::signal::Signal;
use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::Pid;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, BufReader};
use tokio::net::unix::pipe;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::shim::{self, Shim};
use crate::shared::Shared;

/// Exit code recorded when the mapped command cannot be started (as a shell reports a command
/// it cannot find).
const CANNOT_START: i32 = 127;

/// Longest log line; longer ones are split.
const MAX_LINE: u64 = 64 * 1024;

/// How long the shim may take to end everything once asked (after the container's grace
/// period), before the emulator kills it and its descendants itself.
const SHIM_GRACE: Duration = Duration::from_secs(2);

/// How long the log readers may go on once the shim is reaped (every process of the container
/// is gone by then, so they are at the end of their pipes unless a descriptor escaped).
const DRAIN: Duration = Duration::from_millis(500);

/// What to run for one container run. Not `Debug`: the environment holds secure values.
pub(crate) struct ProcessSpec {
    pub run_id: u64,
    /// Program and arguments (the image's mapped command, then the container's `command`).
    pub program: Vec<String>,
    /// The whole environment of the process.
    pub env: Vec<(String, String)>,
}

/// The container exit code of the shim's wait status: the shim exits with the command's code
/// (128 + the signal that ended it); a shim killed by a signal counts as 128 + that signal.
fn exit_code(status: WaitStatus) -> i32 {
    match status {
        WaitStatus::Exited(_, code) => code,
        WaitStatus::Signaled(_, signal, _) => 128 + signal as i32,
        _ => -1,
    }
}

/// Where a process run's output lines and exit go.
pub(crate) trait ProcessOutput: Send + Sync + 'static {
    /// One line of its stdout or stderr (without the line end).
    fn line(&self, shared: &Shared, run_id: u64, text: String);
    /// It exited with `code` by itself (an end that was asked for is recorded by the asker).
    fn exited(&self, shared: &Shared, run_id: u64, code: i32);
}

/// A container's output: its log and its state in the container groups.
struct ContainerOutput;

impl ProcessOutput for ContainerOutput {
    fn line(&self, shared: &Shared, run_id: u64, text: String) {
        shared
            .write()
            .container_groups
            .append_log(run_id, shared.clock.now(), text);
    }

    fn exited(&self, shared: &Shared, run_id: u64, code: i32) {
        record_exit(shared, run_id, code);
    }
}

/// Runs the command of `spec` until it exits or `killed` fires, then records the exit in the
/// container state.
pub(crate) async fn run(shared: Arc<Shared>, spec: ProcessSpec, killed: oneshot::Receiver<()>) {
    run_with(shared, spec, killed, Arc::new(ContainerOutput)).await;
}

/// Runs the command of `spec` until it exits or `killed` fires, its lines and exit going to
/// `output`. The caller has registered `spec.run_id` in the runtime's process table.
pub(crate) async fn run_with(
    shared: Arc<Shared>,
    spec: ProcessSpec,
    mut killed: oneshot::Receiver<()>,
    output: Arc<dyn ProcessOutput>,
) {
    let run_id = spec.run_id;
    let table = Arc::clone(&shared.runtime.table);
    if !matches!(killed.try_recv(), Err(oneshot::error::TryRecvError::Empty)) {
        table.remove(run_id);
        return;
    }
    let Some((program, args)) = spec.program.split_first() else {
        table.remove(run_id);
        return;
    };
    let grace = shared.runtime.stop_grace;
    let started = shim::Command::new(program, args, &spec.env, grace).and_then(|command| shim::spawn(&command));
    let Shim {
        pid,
        lifeline,
        stdout,
        stderr,
    } = match started {
        Ok(shim) => shim,
        Err(error) => {
            output.line(
                &shared,
                run_id,
                format!("az-emulator: cannot start '{program}': {error}"),
            );
            table.remove(run_id);
            output.exited(&shared, run_id, CANNOT_START);
            return;
        }
    };
    table.set_pid(run_id, Some(pid));
    let readers = [
        reader(&shared, run_id, OwnedFd::from(stdout), &output),
        reader(&shared, run_id, OwnedFd::from(stderr), &output),
    ];
    let mut lifeline = lifeline
        .set_nonblocking(true)
        .and_then(|()| tokio::net::UnixStream::from_std(lifeline))
        .inspect_err(|error| tracing::warn!(%error, run_id, "cannot watch a container's shim; stopping it"))
        .ok();
    let requested = match lifeline.as_mut() {
        Some(lifeline) => tokio::select! {
            () = ended(lifeline) => false,
            _ = &mut killed => true,
        },
        None => false,
    };
    if requested || lifeline.is_none() {
        table.signal(run_id, Signal::SIGTERM);
        let ended_in_time = match lifeline.as_mut() {
            Some(lifeline) => tokio::time::timeout(grace + SHIM_GRACE, ended(lifeline)).await.is_ok(),
            None => false,
        };
        if !ended_in_time {
            tracing::warn!(
                run_id,
                "a container's shim did not end in time; killing it and its processes"
            );
            shim::force(pid);
        }
    }
    // Forgotten before it is reaped: nothing signals its process id after this.
    table.remove(run_id);
    let status = tokio::task::spawn_blocking(move || reap(pid)).await.ok().flatten();
    for mut reader in readers.into_iter().flatten() {
        if tokio::time::timeout(DRAIN, &mut reader).await.is_err() {
            reader.abort();
        }
    }
    // A requested end was recorded by whoever asked for it (stop, restart, delete).
    if let Some(status) = status.filter(|_| !requested) {
        output.exited(&shared, run_id, exit_code(status));
    }
}

/// Records that run `run_id` exited with `code`, and wakes the supervisor when the restart
/// policy starts it again.
fn record_exit(shared: &Shared, run_id: u64, code: i32) {
    let restart = shared
        .write()
        .container_groups
        .exit(run_id, code, shared.clock.instant(), shared.clock.now());
    if restart {
        shared.runtime.wake();
    }
}

/// Resolves when the shim has closed its end of the lifeline: it has exited.
async fn ended(lifeline: &mut tokio::net::UnixStream) {
    let mut buffer = [0u8; 64];
    while matches!(lifeline.read(&mut buffer).await, Ok(n) if n > 0) {}
}

/// Waits for the shim `pid` to exit and reaps it; its wait status.
fn reap(pid: u32) -> Option<WaitStatus> {
    let pid = Pid::from_raw(i32::try_from(pid).ok()?);
    loop {
        match waitpid(pid, None) {
            Ok(status @ (WaitStatus::Exited(..) | WaitStatus::Signaled(..))) => return Some(status),
            Ok(_) | Err(nix::errno::Errno::EINTR) => {}
            Err(_) => return None,
        }
    }
}

/// Reads the output from the read end of one of its pipes, in a task.
fn reader(shared: &Arc<Shared>, run_id: u64, pipe: OwnedFd, output: &Arc<dyn ProcessOutput>) -> Option<JoinHandle<()>> {
    match pipe::Receiver::from_owned_fd(pipe) {
        Ok(stream) => Some(tokio::spawn(read_lines(
            Arc::clone(shared),
            run_id,
            stream,
            Arc::clone(output),
        ))),
        Err(error) => {
            tracing::warn!(%error, run_id, "cannot read a container's output");
            None
        }
    }
}

/// Hands every line of `stream` to `output` (invalid UTF-8 replaced, lines longer than
/// [`MAX_LINE`] split).
async fn read_lines(shared: Arc<Shared>, run_id: u64, stream: impl AsyncRead + Unpin, output: Arc<dyn ProcessOutput>) {
    let mut reader = BufReader::new(stream);
    let mut line = Vec::new();
    loop {
        line.clear();
        match (&mut reader).take(MAX_LINE).read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {
                let text = String::from_utf8_lossy(line.strip_suffix(b"\n").unwrap_or(&line));
                let text = text.strip_suffix('\r').unwrap_or(&text).to_owned();
                output.line(&shared, run_id, text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use nix::sys::signal::Signal;
    use nix::sys::wait::WaitStatus;
    use nix::unistd::Pid;

    use super::exit_code;

    #[test]
    fn signals_count_as_128_plus_the_signal() {
        let pid = Pid::from_raw(1);
        assert_eq!(exit_code(WaitStatus::Exited(pid, 3)), 3);
        assert_eq!(exit_code(WaitStatus::Exited(pid, 143)), 143);
        assert_eq!(exit_code(WaitStatus::Signaled(pid, Signal::SIGKILL, false)), 137);
    }
}
