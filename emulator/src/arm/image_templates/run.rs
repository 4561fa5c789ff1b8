//! A run of a template on the emulator's clock: its phases (`runSubState` Queued, Building,
//! Customizing, then Validating and Optimizing when asked for, then Distributing), each lasting
//! the configured phase duration; how it ends (decided when it starts: a scripted failure or a
//! checksum mismatch fails it in its customizer, a distributor whose target is missing makes it
//! PartiallySucceeded, or Failed when no distributor succeeds); a cancel (`Canceling` for one
//! phase, then `Canceled`, or for ever when scripted); and its `customization.log`, whose lines
//! are due at their times and written as the clock reaches them.

use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::clock::rfc3339;

/// A phase of a running build (`runSubState`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum SubState {
    Queued,
    Building,
    Customizing,
    Validating,
    Optimizing,
    Distributing,
}

impl SubState {
    /// Its name in `lastRunStatus.runSubState`.
    pub fn as_str(self) -> &'static str {
        match self {
            SubState::Queued => "Queued",
            SubState::Building => "Building",
            SubState::Customizing => "Customizing",
            SubState::Validating => "Validating",
            SubState::Optimizing => "Optimizing",
            SubState::Distributing => "Distributing",
        }
    }
}

/// How a run that is not canceled ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum End {
    Succeeded,
    /// Some distributors failed: `lastRunStatus.message`.
    PartiallySucceeded(String),
    /// `lastRunStatus.message`.
    Failed(String),
}

/// A cancel of the run.
#[derive(Clone, Debug)]
pub(super) struct Cancel {
    /// When it was asked for.
    pub at: Instant,
    /// When the run is `Canceled` (`None`: never, a scripted stuck cancel).
    pub done: Option<Instant>,
}

/// A line of `customization.log`, due at `at`.
#[derive(Clone, Debug)]
pub(super) struct LogLine {
    pub at: Instant,
    pub text: String,
}

/// A run.
#[derive(Clone, Debug)]
pub(super) struct Run {
    /// The long-running operation that reports it.
    pub operation_id: String,
    /// The folder of its log: `packerlogs/{log_id}/customization.log`.
    pub log_id: String,
    pub started: Instant,
    pub started_at: OffsetDateTime,
    /// How long each phase lasts.
    pub phase: Duration,
    /// Its phases in order (up to the failing one when it fails).
    pub phases: Vec<SubState>,
    pub end: End,
    /// The exact version of a `PlatformImage` (`latest` resolved) or `SharedImageVersion` source.
    pub exact_version: Option<String>,
    pub cancel: Option<Cancel>,
    /// Its log, in order of time.
    pub log: Vec<LogLine>,
    /// How many lines of `log` are written.
    pub logged: usize,
    /// Whether its end's effects (images, versions, VHDs, outputs) were applied.
    pub settled: bool,
    /// The distributors (indexes in `distribute`) that cannot succeed.
    pub failed_distributors: Vec<usize>,
}

impl Run {
    /// When it ends unless canceled.
    pub fn ends_at(&self) -> Instant {
        self.started + self.phase * u32::try_from(self.phases.len()).unwrap_or(u32::MAX)
    }

    /// The wall time of `at`.
    pub fn wall(&self, at: Instant) -> OffsetDateTime {
        self.started_at + at.saturating_duration_since(self.started)
    }

    /// The phase at `at` (the last one once it ended).
    pub fn sub_state(&self, at: Instant) -> SubState {
        let elapsed = at.saturating_duration_since(self.started).as_nanos();
        let index = usize::try_from(elapsed / self.phase.as_nanos().max(1)).unwrap_or(usize::MAX);
        self.phases[index.min(self.phases.len().saturating_sub(1))]
    }

    /// Whether it is running or canceling at `now` (a template cannot be deleted then).
    pub fn is_active(&self, now: Instant) -> bool {
        match &self.cancel {
            Some(cancel) => cancel.done.is_none_or(|done| now < done),
            None => now < self.ends_at(),
        }
    }

    /// Whether it is canceling at `now`.
    pub fn is_canceling(&self, now: Instant) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|c| c.done.is_none_or(|done| now < done))
    }

    /// When it stopped (ended, or its cancel completed), if it has at `now`.
    pub fn stopped_at(&self, now: Instant) -> Option<Instant> {
        let at = match &self.cancel {
            Some(cancel) => cancel.done?,
            None => self.ends_at(),
        };
        (now >= at).then_some(at)
    }

    /// `runState` at `now`.
    pub fn run_state(&self, now: Instant) -> &'static str {
        if self.cancel.is_some() {
            return if self.is_canceling(now) {
                "Canceling"
            } else {
                "Canceled"
            };
        }
        if now < self.ends_at() {
            return "Running";
        }
        match self.end {
            End::Succeeded => "Succeeded",
            End::PartiallySucceeded(_) => "PartiallySucceeded",
            End::Failed(_) => "Failed",
        }
    }

    /// `lastRunStatus` at `now`.
    pub fn status_json(&self, now: Instant) -> Value {
        let state = self.run_state(now);
        let mut status = json!({ "startTime": rfc3339(self.started_at), "runState": state, "message": "" });
        match state {
            "Running" => status["runSubState"] = self.sub_state(now).as_str().into(),
            "Canceling" => {
                let at = self.cancel.as_ref().map_or(now, |c| c.at);
                status["runSubState"] = self.sub_state(at).as_str().into();
            }
            _ => {}
        }
        if let Some(stopped) = self.stopped_at(now) {
            status["endTime"] = rfc3339(self.wall(stopped)).into();
            if self.cancel.is_none()
                && let End::PartiallySucceeded(message) | End::Failed(message) = &self.end
            {
                status["message"] = message.as_str().into();
            }
        }
        status
    }

    /// Writes `exactVersion` into a `PlatformImage` or `SharedImageVersion` source.
    pub fn add_exact_versions(&self, properties: &mut Map<String, Value>) {
        if let (Some(version), Some(Value::Object(source))) = (&self.exact_version, properties.get_mut("source")) {
            source.insert("exactVersion".into(), version.as_str().into());
        }
    }

    /// The log lines due at `now` that are not written yet, marked written.
    pub fn take_due_lines(&mut self, now: Instant) -> String {
        let due = self.log[self.logged..].iter().take_while(|line| line.at <= now).count();
        let text: String = self.log[self.logged..self.logged + due]
            .iter()
            .map(|line| format!("{}\n", line.text))
            .collect();
        self.logged += due;
        text
    }

    /// Records a cancel at `now` lasting `duration` (`None`: for ever): the log stops at `now`
    /// and says so.
    pub fn cancel(&mut self, now: Instant, duration: Option<Duration>, line: impl Fn(Instant, &str) -> LogLine) {
        self.log
            .truncate(self.log.iter().position(|l| l.at > now).unwrap_or(self.log.len()));
        self.log
            .push(line(now, "PACKER OUT Cancelling build after receiving interrupt"));
        let done = duration.map(|d| now + d);
        if let Some(done) = done {
            self.log.push(line(
                done,
                "PACKER OUT Build 'azure-arm' errored after cancellation: build was cancelled",
            ));
        }
        self.cancel = Some(Cancel { at: now, done });
    }
}
