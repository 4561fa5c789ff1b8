//! The background task of the container runtime: starts the processes handlers ask for, wakes
//! when the next container is due on the emulator's clock, and kills everything at shutdown.

use std::sync::Arc;

use tokio::sync::{mpsc, watch};

use super::{Message, process, reconcile};
use crate::shared::Shared;

/// Serves `messages` until `stopped`, then kills every process and waits for them.
pub(crate) async fn supervise(
    shared: Arc<Shared>,
    mut messages: mpsc::UnboundedReceiver<Message>,
    mut stopped: watch::Receiver<bool>,
) {
    while !*stopped.borrow() {
        let due = shared.read().container_groups.next_due();
        let sleep = async {
            match due {
                Some(due) => tokio::time::sleep(due.saturating_duration_since(shared.clock.instant())).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            changed = stopped.changed() => {
                if changed.is_err() {
                    break;
                }
            }
            message = messages.recv() => match message {
                Some(Message::Launch(spec, killed)) => {
                    let run_id = spec.run_id;
                    let task = tokio::spawn(process::run(Arc::clone(&shared), spec, killed));
                    shared.runtime.table.set_task(run_id, task);
                }
                Some(Message::Wake) => reconcile(&shared),
                None => break,
            },
            () = sleep => reconcile(&shared),
        }
    }
    shared.runtime.table.shutdown().await;
}
