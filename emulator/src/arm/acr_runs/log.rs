//! A run's log: an append blob of the internal account, written as the run goes, each line
//! ending in CRLF (the Azure CLI prints a chunk up to its last `\r\n`: `_stream_utils.py`), and
//! marked finished with the metadata `complete` set to how the run ended (the CLI takes any key
//! that is `complete` in any case as the end, and its value as the run's status: see
//! [`RunStatus::log_completion`]). Lines with a time carry ACR's stamp `2006/01/02 15:04:05`.

use time::OffsetDateTime;
use time::macros::format_description;

use crate::blob::internal;
use crate::model::World;
use crate::model::acr::run::{InternalBlob, RunStatus};
use crate::model::storage;
use crate::shared::Shared;

/// The metadata key that marks a finished log.
pub(super) const COMPLETE_KEY: &str = "complete";

/// `at` as ACR stamps its log lines.
pub(super) fn stamp(at: OffsetDateTime) -> String {
    at.format(format_description!("[year]/[month]/[day] [hour]:[minute]:[second]"))
        .unwrap_or_default()
}

/// Appends `lines` (each ended with CRLF) to the log `blob`.
pub(super) fn append(shared: &Shared, world: &World, blob: &InternalBlob, lines: &[String]) {
    if lines.is_empty() {
        return;
    }
    let text: String = lines.iter().map(|line| format!("{line}\r\n")).collect();
    if let Err(error) = internal::append_block(
        shared,
        world,
        (&blob.account, &blob.container),
        &blob.blob,
        text.as_bytes(),
    ) {
        tracing::warn!(%error, log = %blob.blob, "acr: a run log could not be written");
    }
}

/// The first lines of a run's log, written when it is scheduled.
pub(super) fn queued(shared: &Shared, world: &World, blob: &InternalBlob, run_id: &str) {
    append(
        shared,
        world,
        blob,
        &[
            format!("Queued a run with ID: {run_id}"),
            "Waiting for an agent...".to_owned(),
        ],
    );
}

/// Marks the log `blob` finished with `status`.
pub(super) fn complete(shared: &Shared, world: &World, blob: &InternalBlob, status: RunStatus) {
    let Some(container) = storage::container(world, &blob.account, &blob.container, shared.clock.instant()) else {
        return;
    };
    let now = shared.clock.now();
    let marked = shared.blob.update(&container.data_id, &blob.blob, |props| {
        props
            .metadata
            .insert(COMPLETE_KEY.to_owned(), status.log_completion().to_owned());
        props.touch(now);
    });
    if !marked {
        tracing::warn!(log = %blob.blob, "acr: a run log to mark complete is missing");
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::stamp;

    #[test]
    fn stamps_are_acr_s() {
        assert_eq!(stamp(datetime!(2025-03-18 20:42:48 UTC)), "2025/03/18 20:42:48");
    }
}
