//! The subreaper shim of one container run: what makes a container end like a container.
//!
//! The emulator forks a shim for every run. The shim makes itself a *child subreaper*
//! (`PR_SET_CHILD_SUBREAPER`), so that every process the container's command leaves behind
//! (double forks, `setsid`, new process groups, `nohup`, daemons) is re-parented to the shim
//! rather than to init, and stays a descendant of the shim whatever it does. The shim then forks
//! and executes the container's command, and ends when one of these happens:
//!
//! - the command's process exits: everything left is killed, and the shim exits with the
//!   command's exit code (128 + the signal when a signal ended it);
//! - it receives SIGTERM (SIGINT, SIGHUP, SIGQUIT alike): the stop of a container. With no grace
//!   period every process is killed at once; with one, the command's process gets SIGTERM first
//!   and everything is killed when it exits or the grace period ends;
//! - its lifeline, a socket whose other end only the emulator holds, closes: the emulator has
//!   ended (even by SIGKILL), and every process is killed at once.
//!
//! "Killed" is a loop until the shim has no child left: find every descendant in `/proc`, stop
//! them all with SIGSTOP (so that none can fork meanwhile), SIGKILL them all, reap. Orphans
//! re-parent to the shim, so "no child left" means no process of the container is left. A
//! process that cannot be killed (a set-user-ID program of another user, which the emulator's
//! user may not signal) is given up on after 5 s.
//!
//! If the shim itself is killed with SIGKILL (by the emulator when it does not end in time),
//! the emulator freezes and kills the shim's descendants itself ([`force`]). The one way out
//! left is a container process killing its own shim with SIGKILL and racing the emulator; only
//! a PID namespace (which needs root, and changes the process ids a container sees) would close
//! it.
//!
//! The shim is a `fork` of the emulator without `exec`: the emulator is a library that runs
//! in-process in test binaries and in the demo, so there is no executable of its own to run.
//! Forking a multi-threaded process leaves only async-signal-safe work legal in the child until
//! it executes something, so the child here only makes system calls (through `nix`), reads
//! `/proc` and allocates (glibc and musl keep `malloc` usable in the child of `fork`). It takes
//! no lock another thread could have held (no logging, no stdio, no environment access), never
//! unwinds into the emulator's code, and leaves through `_exit`. Every signal stays blocked in
//! the shim (signals are read from a signalfd), so no handler of the host process ever runs in
//! it, and it closes every descriptor it inherited, so that it holds nothing of the emulator's
//! (listening sockets, other containers' pipes and lifelines, the host's stdout).

#![allow(unsafe_code)]

use std::collections::{HashMap, HashSet};
use std::ffi::CString;
use std::io::{self, PipeReader, PipeWriter, Read};
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, SigmaskHow, Signal, kill, pthread_sigmask, sigaction};
use nix::sys::signalfd::{SfdFlags, SignalFd};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, execve, fork, getpid, setpgid};

/// Exit code of the command's process when it cannot be executed (as a shell reports it).
const CANNOT_EXECUTE: i32 = 127;
/// Exit code of a shim that could not set itself up (nothing of the command ran).
const SHIM_FAILED: i32 = 125;
/// First pause between two rounds of killing while processes are still dying (doubling to
/// [`MAX_ROUND_PAUSE`]).
const ROUND_PAUSE: Duration = Duration::from_millis(1);
/// Longest pause between two rounds of killing.
const MAX_ROUND_PAUSE: Duration = Duration::from_millis(100);
/// How long the shim goes on killing a process that does not die (one it may not signal, such
/// as a set-user-ID program of another user, or one stuck in the kernel) before it exits anyway.
const KILL_PATIENCE: Duration = Duration::from_secs(5);
/// Signals that ask the shim to stop the container.
const STOP_SIGNALS: [Signal; 4] = [Signal::SIGTERM, Signal::SIGINT, Signal::SIGHUP, Signal::SIGQUIT];

/// What to execute, prepared before the fork (nothing is allocated for it after).
pub(crate) struct Command {
    /// The executable, resolved against the container's `PATH`.
    program: CString,
    argv: Vec<CString>,
    envp: Vec<CString>,
    /// `az-emulator: cannot start '<program>': `, written to the log before the reason when the
    /// executable cannot be executed.
    cannot_start: Vec<u8>,
    /// SIGTERM to SIGKILL, for the command's process at a stop.
    grace: Duration,
}

impl Command {
    /// `program` and `args` with exactly the environment `env`; `program` without a `/` is
    /// looked up in the `PATH` of `env` (else of the emulator). Errors: the program is not found,
    /// or a string holds a NUL byte.
    pub fn new(program: &str, args: &[String], env: &[(String, String)], grace: Duration) -> io::Result<Command> {
        let nul = |_| io::Error::new(io::ErrorKind::InvalidInput, "a NUL byte in the command or environment");
        let path_variable = env
            .iter()
            .rev()
            .find(|(name, _)| name == "PATH")
            .map(|(_, value)| value.clone())
            .or_else(|| std::env::var("PATH").ok())
            .unwrap_or_default();
        let resolved = resolve(program, &path_variable)?;
        Ok(Command {
            program: CString::new(resolved.as_os_str().as_bytes()).map_err(nul)?,
            argv: std::iter::once(program)
                .chain(args.iter().map(String::as_str))
                .map(|arg| CString::new(arg).map_err(nul))
                .collect::<io::Result<_>>()?,
            envp: env
                .iter()
                .map(|(name, value)| CString::new(format!("{name}={value}")).map_err(nul))
                .collect::<io::Result<_>>()?,
            cannot_start: format!("az-emulator: cannot start '{program}': ").into_bytes(),
            grace,
        })
    }
}

/// The executable `program` names: itself when it holds a `/`, else the first executable file
/// of that name in a directory of `path` (as `execvp` searches).
fn resolve(program: &str, path: &str) -> io::Result<PathBuf> {
    if program.contains('/') {
        return Ok(PathBuf::from(program));
    }
    if !program.is_empty() {
        for dir in path.split(':') {
            let dir = if dir.is_empty() { Path::new(".") } else { Path::new(dir) };
            let candidate = dir.join(program);
            let executable = std::fs::metadata(&candidate)
                .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0);
            if executable {
                return Ok(candidate);
            }
        }
    }
    Err(io::Error::new(
        io::ErrorKind::NotFound,
        "No such file or directory (not found in PATH)",
    ))
}

/// A running shim, as the emulator holds it.
pub(crate) struct Shim {
    /// The shim's process id (a child of the emulator: it cannot be reused before it is reaped).
    pub pid: u32,
    /// The emulator's end of the lifeline: it reads EOF once the shim has exited.
    pub lifeline: UnixStream,
    /// The container's stdout.
    pub stdout: PipeReader,
    /// The container's stderr.
    pub stderr: PipeReader,
}

/// Forks the shim of `command`.
pub(crate) fn spawn(command: &Command) -> io::Result<Shim> {
    let (stdout, stdout_writer) = io::pipe()?;
    let (stderr, stderr_writer) = io::pipe()?;
    let null = std::fs::OpenOptions::new().read(true).write(true).open("/dev/null")?;
    let (lifeline, shim_end) = UnixStream::pair()?;
    let ends = ShimEnds {
        lifeline: shim_end.into(),
        stdout: stdout_writer,
        stderr: stderr_writer,
        null: null.into(),
    };
    // Every signal blocked across the fork: the shim starts with all of them blocked (no handler
    // of the host can run in it), and this thread gets its mask back at once.
    let previous = pthread_sigmask_swap(&SigSet::all())?;
    // SAFETY: the child runs only `shim_main`, which makes system calls, reads `/proc`,
    // allocates, takes no lock another thread may hold, never returns and never unwinds (see the
    // module's documentation); the parent continues as usual.
    let forked = unsafe { fork() };
    if !matches!(forked, Ok(ForkResult::Child)) {
        let _ = pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(&previous), None);
    }
    match forked.map_err(io::Error::from)? {
        ForkResult::Child => shim_main(command, ends),
        ForkResult::Parent { child } => {
            drop(ends);
            Ok(Shim {
                pid: child.as_raw().unsigned_abs(),
                lifeline,
                stdout,
                stderr,
            })
        }
    }
}

/// Ends this process at once with `code`: no destructor, no `atexit` handler, no flush of the
/// emulator's buffers (which belong to the emulator, not to this copy of it).
fn exit_now(code: i32) -> ! {
    // SAFETY: `_exit` only ends the process; it has no precondition.
    unsafe { nix::libc::_exit(code) }
}

/// Sets this thread's signal mask to `mask`; the mask it had.
fn pthread_sigmask_swap(mask: &SigSet) -> io::Result<SigSet> {
    let mut previous = SigSet::empty();
    pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(mask), Some(&mut previous))?;
    Ok(previous)
}

/// The descriptors the shim keeps of what the emulator prepared.
struct ShimEnds {
    lifeline: OwnedFd,
    stdout: PipeWriter,
    stderr: PipeWriter,
    null: OwnedFd,
}

/// The shim: never returns.
fn shim_main(command: &Command, ends: ShimEnds) -> ! {
    let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| shim(command, ends))).unwrap_or(SHIM_FAILED);
    exit_now(code)
}

/// Sets up, starts the command, waits for the end, kills everything; the exit code.
fn shim(command: &Command, ends: ShimEnds) -> i32 {
    if let Err(errno) = set_up(&ends) {
        let _ = nix::unistd::write(&ends.stderr, b"az-emulator: cannot set up the container's shim: ");
        let _ = nix::unistd::write(&ends.stderr, errno.desc().as_bytes());
        let _ = nix::unistd::write(&ends.stderr, b"\n");
        return SHIM_FAILED;
    }
    let mut watched = SigSet::empty();
    watched.add(Signal::SIGCHLD);
    for signal in STOP_SIGNALS {
        watched.add(signal);
    }
    let Ok(signals) = SignalFd::with_flags(&watched, SfdFlags::SFD_NONBLOCK | SfdFlags::SFD_CLOEXEC) else {
        return SHIM_FAILED;
    };
    // SAFETY: the shim has one thread, so its child may do anything before `exec`.
    let main = match unsafe { fork() } {
        Ok(ForkResult::Child) => execute(command, &ends),
        Ok(ForkResult::Parent { child }) => child,
        Err(_) => return SHIM_FAILED,
    };
    let ShimEnds { lifeline, .. } = ends;
    let mut main_status = None;
    let mut deadline: Option<Instant> = None;
    loop {
        let timeout = match deadline {
            None => PollTimeout::NONE,
            Some(deadline) => {
                let left = deadline.saturating_duration_since(Instant::now());
                PollTimeout::try_from(left).unwrap_or(PollTimeout::MAX)
            }
        };
        let mut fds = [
            PollFd::new(signals.as_fd(), PollFlags::POLLIN),
            PollFd::new(lifeline.as_fd(), PollFlags::POLLIN),
        ];
        match poll(&mut fds, timeout) {
            Ok(_) | Err(Errno::EINTR) => {}
            Err(_) => break,
        }
        let mut stop = false;
        while let Ok(Some(info)) = signals.read_signal() {
            if i32::try_from(info.ssi_signo).ok() == Some(Signal::SIGCHLD as i32) {
                reap(main, &mut main_status);
            } else {
                stop = true;
            }
        }
        if main_status.is_some() || emulator_gone(&lifeline) {
            break;
        }
        if stop && deadline.is_none() {
            if command.grace.is_zero() {
                break;
            }
            let _ = kill(main, Signal::SIGTERM);
            deadline = Some(Instant::now() + command.grace);
        }
        if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
            break;
        }
    }
    kill_all(main, &mut main_status);
    main_status.unwrap_or(128 + Signal::SIGKILL as i32)
}

/// The shim's own setup: its own process group, /dev/null as its standard streams, no other
/// descriptor than its ends, default signal dispositions (all still blocked), and subreaping.
fn set_up(ends: &ShimEnds) -> nix::Result<()> {
    let _ = setpgid(Pid::from_raw(0), Pid::from_raw(0));
    nix::unistd::dup2_stdin(&ends.null)?;
    nix::unistd::dup2_stdout(&ends.null)?;
    nix::unistd::dup2_stderr(&ends.null)?;
    let keep = [
        0,
        1,
        2,
        ends.lifeline.as_raw_fd(),
        ends.stdout.as_raw_fd(),
        ends.stderr.as_raw_fd(),
        ends.null.as_raw_fd(),
    ];
    close_all_but(&keep);
    let default = SigAction::new(SigHandler::SigDfl, SaFlags::empty(), SigSet::empty());
    for signal in Signal::iterator().filter(|s| !matches!(s, Signal::SIGKILL | Signal::SIGSTOP)) {
        // SAFETY: installs the default disposition, no handler.
        let _ = unsafe { sigaction(signal, &default) };
    }
    nix::sys::prctl::set_child_subreaper(true)
}

/// Closes every open descriptor of this process but `keep` (from `/proc/self/fd`).
fn close_all_but(keep: &[RawFd]) {
    let Ok(entries) = std::fs::read_dir("/proc/self/fd") else {
        return;
    };
    let open: Vec<RawFd> = entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_str().and_then(|name| name.parse().ok()))
        .collect();
    for fd in open.into_iter().filter(|fd| !keep.contains(fd)) {
        // SAFETY: closes an inherited descriptor that nothing in the shim owns or uses; the
        // directory stream's own is closed already, and closing it again fails with EBADF,
        // harmlessly (not through `OwnedFd`, whose drop aborts on EBADF in debug builds).
        let _ = unsafe { nix::libc::close(fd) };
    }
}

/// The child of the shim: the container's command. Never returns.
fn execute(command: &Command, ends: &ShimEnds) -> ! {
    let _ = setpgid(Pid::from_raw(0), Pid::from_raw(0));
    let redirected = nix::unistd::dup2_stdin(&ends.null)
        .and_then(|()| nix::unistd::dup2_stdout(&ends.stdout))
        .and_then(|()| nix::unistd::dup2_stderr(&ends.stderr));
    if redirected.is_err() {
        exit_now(CANNOT_EXECUTE);
    }
    let _ = pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(&SigSet::empty()), None);
    let Err(errno) = execve(&command.program, &command.argv, &command.envp);
    let stderr = io::stderr();
    let _ = nix::unistd::write(&stderr, &command.cannot_start);
    let _ = nix::unistd::write(&stderr, errno.desc().as_bytes());
    let _ = nix::unistd::write(&stderr, b"\n");
    exit_now(CANNOT_EXECUTE)
}

/// Whether the emulator's end of the lifeline is closed (EOF or an error; bytes sent are
/// ignored).
fn emulator_gone(lifeline: &OwnedFd) -> bool {
    let mut fds = [PollFd::new(lifeline.as_fd(), PollFlags::POLLIN)];
    if !matches!(poll(&mut fds, PollTimeout::ZERO), Ok(n) if n > 0) {
        return false;
    }
    let mut buffer = [0u8; 64];
    match nix::unistd::read(lifeline, &mut buffer) {
        Ok(0) => true,
        Ok(_) | Err(Errno::EINTR | Errno::EAGAIN) => false,
        Err(_) => true,
    }
}

/// Reaps every child that has ended; records the command's exit code when it is one of them.
/// Whether a child is left.
fn reap(main: Pid, main_status: &mut Option<i32>) -> bool {
    loop {
        match waitpid(None, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) => return true,
            Ok(WaitStatus::Exited(pid, code)) if pid == main => *main_status = Some(code),
            Ok(WaitStatus::Signaled(pid, signal, _)) if pid == main => *main_status = Some(128 + signal as i32),
            Ok(_) | Err(Errno::EINTR) => {}
            Err(_) => return false,
        }
    }
}

/// Kills every descendant of the shim until it has no child left (see the module's
/// documentation), or [`KILL_PATIENCE`] has passed.
fn kill_all(main: Pid, main_status: &mut Option<i32>) {
    let me = getpid().as_raw().unsigned_abs();
    let give_up = Instant::now() + KILL_PATIENCE;
    let mut pause = ROUND_PAUSE;
    loop {
        let found = descendants(me);
        signal_all(&found, Signal::SIGSTOP);
        signal_all(&found, Signal::SIGKILL);
        if !reap(main, main_status) || Instant::now() >= give_up {
            return;
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(MAX_ROUND_PAUSE);
    }
}

/// Sends `signal` to each of `pids` (errors, such as a process already gone, are ignored).
pub(crate) fn signal_all(pids: &[u32], signal: Signal) {
    for pid in pids {
        if let Ok(pid) = i32::try_from(*pid) {
            let _ = kill(Pid::from_raw(pid), signal);
        }
    }
}

/// The descendants of `root` now, parents before children, from the parent of every process in
/// `/proc/<pid>/stat` (so threads' children count, and no kernel option is needed).
pub(crate) fn descendants(root: u32) -> Vec<u32> {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|name| name.parse::<u32>().ok()) else {
            continue;
        };
        if let Some(parent) = parent_of(pid) {
            children.entry(parent).or_default().push(pid);
        }
    }
    let mut found = Vec::new();
    let mut seen = HashSet::from([root]);
    let mut pending = vec![root];
    while let Some(parent) = pending.pop() {
        for child in children.get(&parent).into_iter().flatten() {
            if seen.insert(*child) {
                found.push(*child);
                pending.push(*child);
            }
        }
    }
    found
}

/// The parent process id of `pid` (field 4 of `/proc/<pid>/stat`, after the command name in
/// parentheses, which may itself hold spaces and parentheses).
fn parent_of(pid: u32) -> Option<u32> {
    let mut stat = Vec::with_capacity(512);
    std::fs::File::open(format!("/proc/{pid}/stat"))
        .ok()?
        .take(4096)
        .read_to_end(&mut stat)
        .ok()?;
    let after_name = stat.iter().rposition(|b| *b == b')')?;
    let rest = std::str::from_utf8(stat.get(after_name + 1..)?).ok()?;
    rest.split_whitespace().nth(1)?.parse().ok()
}

/// The emulator's last resort when a shim does not end in time: freezes every descendant of
/// `shim` (repeatedly, until no new one appears), kills the shim, then the frozen processes
/// (which cannot have forked since). Call only while `shim` is an unreaped child.
pub(crate) fn force(shim: u32) {
    let mut frozen: Vec<u32> = Vec::new();
    for _ in 0..64 {
        let new: Vec<u32> = descendants(shim)
            .into_iter()
            .filter(|pid| !frozen.contains(pid))
            .collect();
        if new.is_empty() {
            break;
        }
        signal_all(&new, Signal::SIGSTOP);
        frozen.extend(new);
    }
    signal_all(&[shim], Signal::SIGKILL);
    signal_all(&frozen, Signal::SIGKILL);
}

#[cfg(test)]
mod tests {
    use super::{parent_of, resolve};

    #[test]
    fn programs_are_found_as_execvp_finds_them() {
        assert_eq!(resolve("/no/such/x", "").unwrap().to_str(), Some("/no/such/x"));
        let sh = resolve("sh", "/nonexistent:/bin:/usr/bin").unwrap();
        assert!(sh.ends_with("sh") && sh.is_absolute(), "{sh:?}");
        let missing = resolve("no-such-program-anywhere", "/bin:/usr/bin").unwrap_err();
        assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
        assert!(resolve("", "/bin").is_err());
    }

    #[test]
    fn the_parent_comes_from_proc() {
        let me = std::process::id();
        let parent = parent_of(me).expect("this process has a parent");
        assert_eq!(parent, std::os::unix::process::parent_id());
    }
}
