//! One container process: spawned with only the environment it is given, in its own process
//! group, its stdout and stderr read line by line into the container log, killed (with every
//! process it started) when asked, its exit recorded in the container state.

use std::os::unix::process::ExitStatusExt;
use std::process::{ExitStatus, Stdio};
use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, BufReader};
use tokio::sync::oneshot;

use crate::shared::Shared;

/// Exit code recorded when the mapped command cannot be started (as a shell reports a command
/// it cannot find).
const CANNOT_START: i32 = 127;

/// Longest log line; longer ones are split.
const MAX_LINE: u64 = 64 * 1024;

/// What to run for one container run. Not `Debug`: the environment holds secure values.
pub(crate) struct ProcessSpec {
    pub run_id: u64,
    /// Program and arguments (the image's mapped command, then the container's `command`).
    pub program: Vec<String>,
    /// The whole environment of the process.
    pub env: Vec<(String, String)>,
}

/// `kill -<signal> -- -<pid> <descendants>`: signals the process group `pid` leads and every
/// descendant of `pid`, also those that made process groups or sessions of their own (as the
/// end of a container ends every process in it). No unsafe code needed.
pub(crate) fn kill_group_command(pid: u32, signal: &str) -> std::process::Command {
    let mut command = std::process::Command::new("kill");
    command.args([format!("-{signal}"), "--".to_owned(), format!("-{pid}")]);
    command.args(descendants(pid).iter().map(u32::to_string));
    command
}

/// The descendants of `pid` now, from `/proc/<pid>/task/<tid>/children` (empty where that is not
/// available).
fn descendants(pid: u32) -> Vec<u32> {
    let mut found = Vec::new();
    let mut pending = vec![pid];
    while let Some(parent) = pending.pop() {
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{parent}/task")) else {
            continue;
        };
        for task in tasks.flatten() {
            let children = std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
            for child in children.split_whitespace().filter_map(|c| c.parse::<u32>().ok()) {
                if !found.contains(&child) {
                    found.push(child);
                    pending.push(child);
                }
            }
        }
    }
    found
}

/// Kills the process group `pid` leads and every descendant of `pid`: stops them first, so
/// that none can start another process meanwhile, then kills them. Errors (no such process)
/// are ignored.
async fn kill_group(pid: u32) {
    for signal in ["STOP", "KILL"] {
        let mut command = tokio::process::Command::from(kill_group_command(pid, signal));
        let _ = command.stdout(Stdio::null()).stderr(Stdio::null()).status().await;
    }
}

/// The container exit code of a status: the code, or 128 + the signal that ended it.
fn exit_code(status: ExitStatus) -> i32 {
    status
        .code()
        .or_else(|| status.signal().map(|signal| 128 + signal))
        .unwrap_or(-1)
}

/// Runs the process of `spec` until it exits or `killed` fires, then records the exit.
pub(crate) async fn run(shared: Arc<Shared>, spec: ProcessSpec, mut killed: oneshot::Receiver<()>) {
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
    let mut command = tokio::process::Command::new(program);
    command
        .args(args)
        .env_clear()
        .envs(spec.env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(error) => {
            let line = format!("az-emulator: cannot start '{program}': {error}");
            let mut world = shared.write();
            world.container_groups.append_log(run_id, shared.clock.now(), line);
            let restart = world
                .container_groups
                .exit(run_id, CANNOT_START, shared.clock.instant(), shared.clock.now());
            drop(world);
            table.remove(run_id);
            if restart {
                shared.runtime.wake();
            }
            return;
        }
    };
    let pid = child.id();
    table.set_pid(run_id, pid);
    let readers = [
        child
            .stdout
            .take()
            .map(|out| tokio::spawn(read_lines(Arc::clone(&shared), run_id, out))),
        child
            .stderr
            .take()
            .map(|err| tokio::spawn(read_lines(Arc::clone(&shared), run_id, err))),
    ];
    let status = tokio::select! {
        status = child.wait() => status.ok(),
        _ = &mut killed => None,
    };
    if let Some(pid) = pid {
        kill_group(pid).await;
    }
    if status.is_none() {
        let _ = child.kill().await;
    }
    for reader in readers.into_iter().flatten() {
        let _ = reader.await;
    }
    table.remove(run_id);
    if let Some(status) = status {
        let restart =
            shared
                .write()
                .container_groups
                .exit(run_id, exit_code(status), shared.clock.instant(), shared.clock.now());
        if restart {
            shared.runtime.wake();
        }
    }
}

/// Appends every line of `stream` to the log of run `run_id` (invalid UTF-8 replaced, lines
/// longer than [`MAX_LINE`] split).
async fn read_lines(shared: Arc<Shared>, run_id: u64, stream: impl AsyncRead + Unpin) {
    let mut reader = BufReader::new(stream);
    let mut line = Vec::new();
    loop {
        line.clear();
        match (&mut reader).take(MAX_LINE).read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {
                let text = String::from_utf8_lossy(line.strip_suffix(b"\n").unwrap_or(&line));
                let text = text.strip_suffix('\r').unwrap_or(&text).to_owned();
                shared
                    .write()
                    .container_groups
                    .append_log(run_id, shared.clock.now(), text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::process::ExitStatusExt;
    use std::process::ExitStatus;

    use super::exit_code;

    #[test]
    fn signals_count_as_128_plus_the_signal() {
        assert_eq!(exit_code(ExitStatus::from_raw(3 << 8)), 3);
        assert_eq!(exit_code(ExitStatus::from_raw(9)), 137);
    }
}
