//! A `cmd` step's process: the command the configuration's `[images]` maps the step's image to,
//! with the step's arguments appended, run by the container runtime's process runner (under its
//! subreaper shim, registered in its process table so that a cancel, a deletion or the
//! emulator's shutdown kills it and everything it started), its stdout and stderr streamed into
//! the run's log line by line.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::mpsc;

use super::TICK;
use super::run::{Execution, Outcome};
use crate::containers::process::{ProcessOutput, ProcessSpec, run_with};
use crate::model::acr::run::runs_mut;
use crate::shared::Shared;

/// The process run ids of steps: far above the container groups' (which count from 1), so
/// both share the runtime's process table.
static NEXT_PROCESS: AtomicU64 = AtomicU64::new(1 << 62);

/// Where a step's lines and exit code go.
struct StepOutput {
    lines: mpsc::UnboundedSender<String>,
    exit: Mutex<Option<i32>>,
}

impl ProcessOutput for StepOutput {
    fn line(&self, _shared: &Shared, _run_id: u64, text: String) {
        let _ = self.lines.send(text);
    }

    fn exited(&self, _shared: &Shared, _run_id: u64, code: i32) {
        *self.exit.lock().unwrap_or_else(PoisonError::into_inner) = Some(code);
    }
}

/// Runs `image` with `args`; its exit code.
pub(super) async fn run_step(execution: &Execution, image: &str, args: &[String]) -> Result<i32, Outcome> {
    let shared = &execution.shared;
    let Some(mapped) = shared.runtime.image(image) else {
        return Err(Outcome::Failed(format!(
            "image '{image}' is not in the emulator's [images] table: map it to a command to run it"
        )));
    };
    let program: Vec<String> = mapped.iter().chain(args).cloned().collect();
    let process = NEXT_PROCESS.fetch_add(1, Ordering::Relaxed);
    let killed = shared.runtime.table.register(process);
    let registered = {
        let mut world = shared.write();
        match runs_mut(&mut world).get_mut(&execution.id, shared.clock.instant()) {
            Some(run) if !run.status.is_terminal() => {
                run.process = Some(process);
                true
            }
            _ => false,
        }
    };
    if !registered {
        shared.runtime.table.remove(process);
        return Err(Outcome::Stop(execution.check().err().unwrap_or(super::run::Stop::Gone)));
    }
    let (lines, mut received) = mpsc::unbounded_channel();
    let output = Arc::new(StepOutput {
        lines,
        exit: Mutex::new(None),
    });
    let spec = ProcessSpec {
        run_id: process,
        program,
        env: shared.runtime.base_environment(),
    };
    let sink: Arc<dyn ProcessOutput> = output.clone();
    let mut task = tokio::spawn(run_with(Arc::clone(shared), spec, killed, sink));
    let mut stop = None;
    loop {
        tokio::select! {
            Some(line) = received.recv() => execution.write(vec![line]).await,
            _ = &mut task => break,
            () = tokio::time::sleep(TICK) => {
                if stop.is_none() && let Err(reason) = execution.check() {
                    shared.runtime.kill(&[process]);
                    stop = Some(reason);
                }
            }
        }
    }
    let mut rest = Vec::new();
    while let Ok(line) = received.try_recv() {
        rest.push(line);
    }
    execution.write(rest).await;
    {
        let mut world = shared.write();
        if let Some(run) = runs_mut(&mut world).get_mut(&execution.id, shared.clock.instant()) {
            run.process = None;
        }
    }
    if let Some(reason) = stop {
        return Err(Outcome::Stop(reason));
    }
    let exit = *output.exit.lock().unwrap_or_else(PoisonError::into_inner);
    match exit {
        Some(code) => Ok(code),
        // Killed on request (a cancel or a deletion): whoever asked recorded the end.
        None => Err(Outcome::Stop(execution.check().err().unwrap_or(super::run::Stop::Gone))),
    }
}
