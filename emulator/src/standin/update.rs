//! The self-update the `AgentRefresh` message asks for, as the real agent does it
//! (microsoft/azure-pipelines-agent, `src/Agent.Listener/SelfUpdater.cs` and the
//! `update.sh.template` it fills in):
//!
//! - the listener lays the new version out beside the current one, as `bin.<version>` and
//!   `externals.<version>` under the agent root (the real one downloads and unpacks the
//!   package into `_work/_update`, then copies `bin` and `externals` there);
//! - it writes the update script and starts it with the shell, in its own process group (a
//!   plain `Process.Start`: no new group or session), logging to `_diag/SelfUpdate-<time>.log`,
//!   and exits with 3 (4 for a run-once agent);
//! - the script waits until `/proc/<listener pid>` is gone (so a supervisor that does not
//!   reap the listener keeps it waiting), sleeps one more second, then renames `bin` and
//!   `externals` to `bin.bak.<old>` and `externals.bak.<old>` and the new folders into their
//!   place. Until then `bin/Agent.Listener` is the old listener: a supervisor that restarts it
//!   at once, or kills the listener's process group, breaks the update.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Stdio;

use super::job::scrub;
use super::{Failure, stamp};

/// The update script, after `update.sh.template`: `{pid}`, `{root}`, `{old}`, `{new}` and
/// `{log}` are filled in.
const SCRIPT: &str = r#"#!/bin/sh
# Agent self-update (az-emulator stand-in agent, after the real agent's update.sh.template).
agentpid={pid}
rootfolder='{root}'
existagentversion='{old}'
downloadagentversion='{new}'
logfile='{log}'

echo "Waiting for Agent.Listener ($agentpid) to complete" >> "$logfile" 2>&1
while [ -e "/proc/$agentpid" ]; do
    sleep 0.2
done
echo "Process $agentpid finished running; sleep 1 more second to make sure it exited" >> "$logfile" 2>&1
sleep 1

for folder in bin externals; do
    if [ -e "$rootfolder/$folder" ]; then
        mv -f "$rootfolder/$folder" "$rootfolder/$folder.bak.$existagentversion" >> "$logfile" 2>&1 || {
            echo "Can't move $rootfolder/$folder to $rootfolder/$folder.bak.$existagentversion" >> "$logfile" 2>&1
            exit 1
        }
    fi
    mv -f "$rootfolder/$folder.$downloadagentversion" "$rootfolder/$folder" >> "$logfile" 2>&1 || {
        echo "Can't move $rootfolder/$folder.$downloadagentversion to $rootfolder/$folder" >> "$logfile" 2>&1
        exit 1
    }
done
echo "Exit _update.sh" >> "$logfile" 2>&1
"#;

/// Lays out version `new` of the agent at `root` (currently `old`) and starts the update
/// script in this process's group.
pub(crate) fn start(root: &Path, old: &str, new: &str) -> Result<(), Failure> {
    let failed = |what: &str, e: std::io::Error| Failure::new(format!("The agent update failed to {what}: {e}"));
    for version in [old, new] {
        if version.is_empty()
            || !version
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        {
            return Err(Failure::new(format!(
                "The agent update failed: '{version}' is not an agent version"
            )));
        }
    }
    for folder in ["bin", "externals"] {
        // The backups of an earlier update go first, as the real agent deletes them.
        let _ = std::fs::remove_dir_all(root.join(format!("{folder}.bak.{old}")));
        let staged = root.join(format!("{folder}.{new}"));
        let _ = std::fs::remove_dir_all(&staged);
        let current = root.join(folder);
        if current.is_dir() {
            copy_tree(&current, &staged).map_err(|e| failed("lay out the new version", e))?;
        } else {
            std::fs::create_dir_all(&staged).map_err(|e| failed("lay out the new version", e))?;
        }
    }
    let diag = root.join("_diag");
    std::fs::create_dir_all(&diag).map_err(|e| failed("create _diag", e))?;
    let time = stamp().replace([' ', ':'], "-");
    let log = diag.join(format!("SelfUpdate-{time}.log"));
    let script = root.join("_update.sh");
    let text = SCRIPT
        .replace("{pid}", &std::process::id().to_string())
        .replace("{root}", &root.display().to_string())
        .replace("{old}", old)
        .replace("{new}", new)
        .replace("{log}", &log.display().to_string());
    std::fs::write(&script, text).map_err(|e| failed("write the update script", e))?;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| failed("write the update script", e))?;
    let output = std::fs::File::create(&log).map_err(|e| failed("create the update log", e))?;
    let errors = output.try_clone().map_err(|e| failed("create the update log", e))?;
    let mut command = std::process::Command::new("sh");
    command
        .arg(&script)
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(output)
        .stderr(errors);
    scrub(&mut command);
    command.spawn().map_err(|e| failed("start the update script", e))?;
    Ok(())
}

/// Copies the tree at `from` to `to`; files are hard-linked where the file system allows it
/// (the listener is large), else copied, with their modes.
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else if kind.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(entry.path())?, &target)?;
        } else if std::fs::hard_link(entry.path(), &target).is_err() {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}
