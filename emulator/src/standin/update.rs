//! The update the `AgentRefresh` message asks for, as the real agent does it: the listener
//! leaves `bin/Agent.Listener` absent, starts a detached updater and exits with 3 or 4; the
//! updater puts the new listener in place (executable again) about 300 ms later.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::time::Duration;

use super::Failure;
use super::job::scrub;

/// The hidden subcommand of the updater.
pub(crate) const UPDATE_COMMAND: &str = "__update";
/// How long the updater waits before the new listener is in place.
const UPDATE_DELAY: Duration = Duration::from_millis(300);

fn listener(root: &Path) -> PathBuf {
    root.join("bin").join("Agent.Listener")
}

fn staged(root: &Path) -> PathBuf {
    root.join("bin").join("Agent.Listener.new")
}

/// Stages the new listener, removes the current one and starts the updater.
pub(crate) fn start(root: &Path) -> Result<(), Failure> {
    let (current, new) = (listener(root), staged(root));
    let failed = |what: &str, e: std::io::Error| Failure::new(format!("The agent update failed to {what}: {e}"));
    std::fs::copy(&current, &new).map_err(|e| failed("stage the new listener", e))?;
    std::fs::set_permissions(&new, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| failed("stage the new listener", e))?;
    std::fs::remove_file(&current).map_err(|e| failed("remove the old listener", e))?;
    let mut command = std::process::Command::new(&new);
    command
        .arg0(&current)
        .arg(UPDATE_COMMAND)
        .arg(root)
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    scrub(&mut command);
    command.spawn().map_err(|e| failed("start the updater", e))?;
    Ok(())
}

/// The updater: waits, then renames the staged listener into place (mode 0755).
pub(crate) fn finish(args: &[String]) -> ExitCode {
    let Some(root) = args.first().map(PathBuf::from) else {
        eprintln!("{UPDATE_COMMAND} needs the agent root");
        return ExitCode::FAILURE;
    };
    std::thread::sleep(UPDATE_DELAY);
    let (current, new) = (listener(&root), staged(&root));
    let placed = std::fs::rename(&new, &current)
        .and_then(|()| std::fs::set_permissions(&current, std::fs::Permissions::from_mode(0o755)));
    match placed {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("The agent update failed: {error}");
            ExitCode::FAILURE
        }
    }
}
