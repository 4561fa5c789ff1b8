//! The container runtime: runs the containers of container groups as local child processes.
//!
//! The configuration's `images` map an image name to a command. When a container starts (its
//! group's provisioning completes on the emulator's clock, or a restart is due), a mapped image
//! runs as a child process (the mapped command followed by the container's `command`) with the
//! environment of [`env::environment`]; an image without a mapping runs nothing and stays
//! `Running`. Exits are recorded in the container state, and the group's restart policy decides
//! whether the container starts again (after a back-off on the emulator's clock). Stopping,
//! restarting or deleting a group kills its processes and every process they started: each run
//! has a [subreaper shim](shim) that no process of the container can leave.

mod env;
pub(crate) mod process;
mod shim;
mod supervisor;
mod table;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

pub(crate) use env::Platform;
use process::ProcessSpec;
pub(crate) use supervisor::supervise;
pub(crate) use table::ProcessTable;

use crate::shared::Shared;

/// What handlers tell the supervisor.
pub(crate) enum Message {
    /// Start this process (its kill receiver is registered in the table already).
    Launch(ProcessSpec, oneshot::Receiver<()>),
    /// Something may be due: start what is.
    Wake,
}

/// The runtime's configuration and its link to the supervisor task.
pub(crate) struct Runtime {
    /// Image name → command.
    images: BTreeMap<String, Vec<String>>,
    platform: Platform,
    /// How long a container's main process has between SIGTERM and SIGKILL when it is stopped.
    pub stop_grace: Duration,
    /// The process runs that have not ended.
    pub table: Arc<ProcessTable>,
    messages: mpsc::UnboundedSender<Message>,
}

impl Runtime {
    /// A runtime and the receiver its supervisor serves.
    pub fn new(
        images: BTreeMap<String, Vec<String>>,
        platform: Platform,
        stop_grace: Duration,
    ) -> (Runtime, mpsc::UnboundedReceiver<Message>) {
        let (messages, receiver) = mpsc::unbounded_channel();
        let runtime = Runtime {
            images,
            platform,
            stop_grace,
            table: Arc::new(ProcessTable::default()),
            messages,
        };
        (runtime, receiver)
    }

    /// Asks the supervisor to start whatever is due (after the clock moved or a restart was
    /// scheduled).
    pub fn wake(&self) {
        let _ = self.messages.send(Message::Wake);
    }

    /// The command image `image` is mapped to (the configuration's `[images]`), if any.
    pub fn image(&self, image: &str) -> Option<&[String]> {
        self.images.get(image).map(Vec::as_slice)
    }

    /// The environment every process starts from: the emulator's own `PATH`, `HOME` and
    /// `TMPDIR`, and the platform variables.
    pub fn base_environment(&self) -> Vec<(String, String)> {
        env::base(&self.platform)
    }

    /// Kills these process runs.
    pub fn kill(&self, run_ids: &[u64]) {
        for run_id in run_ids {
            self.table.kill(*run_id);
        }
    }
}

/// Starts every container that is due at the emulator's time: its state becomes `Running` now
/// (so that the next read sees it) and the process of a mapped image is handed to the
/// supervisor.
pub(crate) fn reconcile(shared: &Shared) {
    let runtime = &shared.runtime;
    let mut world = shared.write();
    let launches = world
        .container_groups
        .start_due(shared.clock.instant(), shared.clock.now());
    for launch in launches {
        let Some(mapped) = runtime.images.get(&launch.container.image) else {
            continue;
        };
        let tenant = world.subscription(&launch.subscription_id).map(|s| s.tenant_id.clone());
        let env = env::environment(&runtime.platform, &launch, tenant.as_deref());
        let program = mapped.iter().chain(&launch.container.command).cloned().collect();
        let killed = runtime.table.register(launch.run_id);
        let spec = ProcessSpec {
            run_id: launch.run_id,
            program,
            env,
        };
        if runtime.messages.send(Message::Launch(spec, killed)).is_err() {
            runtime.table.remove(launch.run_id);
        }
    }
}
