//! The instance view of one container: its current and previous state, restart count, events
//! and log, and the transitions the runtime and the API drive.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::log::Log;
use super::spec::RestartPolicy;
use crate::clock;

/// Exit code recorded for a process killed by a stop (128 + SIGKILL, as Docker reports it).
pub(crate) const KILLED_EXIT_CODE: i32 = 137;

/// First back-off before a restart; it doubles with each restart, up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_secs(10);
/// Longest back-off before a restart.
const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// A container state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum State {
    /// Not running; started at `due` (emulator time).
    Waiting {
        due: Instant,
        detail: &'static str,
    },
    Running {
        started: OffsetDateTime,
    },
    Terminated {
        started: Option<OffsetDateTime>,
        finished: OffsetDateTime,
        exit_code: Option<i32>,
        detail: &'static str,
    },
}

impl State {
    /// The `ContainerState` JSON.
    fn to_json(&self) -> Value {
        match self {
            State::Waiting { detail, .. } => json!({ "state": "Waiting", "detailStatus": detail }),
            State::Running { started } => {
                json!({ "state": "Running", "startTime": clock::rfc3339(*started), "detailStatus": "" })
            }
            State::Terminated {
                started,
                finished,
                exit_code,
                detail,
            } => {
                let mut body = json!({
                    "state": "Terminated",
                    "finishTime": clock::rfc3339(*finished),
                    "detailStatus": detail,
                });
                if let Some(started) = started {
                    body["startTime"] = json!(clock::rfc3339(*started));
                }
                if let Some(code) = exit_code {
                    body["exitCode"] = json!(code);
                }
                body
            }
        }
    }
}

/// A container event (`Pulling`, `Pulled`, `Started`, `Killing`).
#[derive(Clone, Debug)]
struct Event {
    name: &'static str,
    count: u32,
    first: OffsetDateTime,
    last: OffsetDateTime,
    message: String,
}

/// The runtime state of one container of a group.
#[derive(Clone, Debug)]
pub(crate) struct ContainerRun {
    pub current: State,
    pub previous: Option<State>,
    pub restart_count: u32,
    events: Vec<Event>,
    pub log: Log,
    /// The process run in progress while `Running` (ids are unique across the emulator).
    pub run_id: Option<u64>,
}

impl ContainerRun {
    /// A container that starts at `due`; the image pull begins at `now`.
    pub fn new(due: Instant, now: OffsetDateTime, image: &str) -> Self {
        let mut run = ContainerRun {
            current: State::Waiting { due, detail: "" },
            previous: None,
            restart_count: 0,
            events: Vec::new(),
            log: Log::default(),
            run_id: None,
        };
        run.event("Pulling", now, format!("pulling image \"{image}\""));
        run
    }

    /// Records an event, counting repeats.
    fn event(&mut self, name: &'static str, at: OffsetDateTime, message: String) {
        match self.events.iter_mut().find(|e| e.name == name) {
            Some(event) => {
                event.count += 1;
                event.last = at;
            }
            None => self.events.push(Event {
                name,
                count: 1,
                first: at,
                last: at,
                message,
            }),
        }
    }

    /// When the container is due to start, if it waits.
    pub fn due(&self) -> Option<Instant> {
        match self.current {
            State::Waiting { due, .. } => Some(due),
            _ => None,
        }
    }

    /// Starts the container as run `run_id` (a fresh log).
    pub fn start(&mut self, run_id: u64, now: OffsetDateTime, image: &str) {
        if !self.events.iter().any(|e| e.name == "Pulled") {
            self.event("Pulled", now, format!("Successfully pulled image \"{image}\""));
        }
        self.event("Started", now, "Started container".to_owned());
        self.current = State::Running { started: now };
        self.log = Log::default();
        self.run_id = Some(run_id);
    }

    /// Records the exit of the running process; under `policy` a restart may be scheduled
    /// after a back-off. Returns whether it was.
    pub fn exit(&mut self, exit_code: i32, now: OffsetDateTime, at: Instant, policy: RestartPolicy) -> bool {
        let started = match self.current {
            State::Running { started } => Some(started),
            _ => None,
        };
        self.run_id = None;
        let terminated = State::Terminated {
            started,
            finished: now,
            exit_code: Some(exit_code),
            detail: if exit_code == 0 { "Completed" } else { "Error" },
        };
        if !policy.restarts(exit_code) {
            self.current = terminated;
            return false;
        }
        let backoff = FIRST_BACKOFF
            .saturating_mul(1 << self.restart_count.min(5))
            .min(MAX_BACKOFF);
        self.previous = Some(terminated);
        self.restart_count += 1;
        self.current = State::Waiting {
            due: at + backoff,
            detail: "CrashLoopBackOff: Back-off restarting failed container",
        };
        true
    }

    /// Stops the container: a running process is killed. Returns the killed run.
    pub fn stop(&mut self, now: OffsetDateTime) -> Option<u64> {
        let killed = self.run_id.take();
        match self.current {
            State::Running { started } => {
                self.event("Killing", now, "Killing container".to_owned());
                self.current = State::Terminated {
                    started: Some(started),
                    finished: now,
                    exit_code: Some(KILLED_EXIT_CODE),
                    detail: "Killed",
                };
            }
            State::Waiting { .. } => {
                self.current = State::Terminated {
                    started: None,
                    finished: now,
                    exit_code: None,
                    detail: "Stopped",
                };
            }
            State::Terminated { .. } => {}
        }
        killed
    }

    /// Starts the container again at `due`: a running process is killed (and the state kept as
    /// the previous one); `count` adds a restart. Returns the killed run.
    pub fn reschedule(&mut self, due: Instant, now: OffsetDateTime, count: bool) -> Option<u64> {
        let killed = self.stop(now);
        self.previous = Some(self.current.clone());
        if count {
            self.restart_count += 1;
        }
        self.current = State::Waiting { due, detail: "" };
        killed
    }

    /// The exit code when terminated.
    pub fn terminated_with(&self) -> Option<Option<i32>> {
        match self.current {
            State::Terminated { exit_code, .. } => Some(exit_code),
            _ => None,
        }
    }

    /// The container's `instanceView` JSON.
    pub fn to_json(&self) -> Value {
        let mut body = json!({
            "restartCount": self.restart_count,
            "currentState": self.current.to_json(),
            "events": self.events.iter().map(|e| json!({
                "name": e.name,
                "type": "Normal",
                "count": e.count,
                "firstTimestamp": clock::rfc3339(e.first),
                "lastTimestamp": clock::rfc3339(e.last),
                "message": e.message,
            })).collect::<Vec<_>>(),
        });
        if let Some(previous) = &self.previous {
            body["previousState"] = previous.to_json();
        }
        body
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use time::OffsetDateTime;

    use super::{ContainerRun, KILLED_EXIT_CODE, RestartPolicy, State};

    #[test]
    fn exits_follow_the_restart_policy() {
        let now = Instant::now();
        let wall = OffsetDateTime::UNIX_EPOCH;
        let mut run = ContainerRun::new(now, wall, "img");
        run.start(1, wall, "img");
        assert!(!run.exit(3, wall, now, RestartPolicy::Never));
        assert_eq!(run.terminated_with(), Some(Some(3)));
        assert_eq!(run.restart_count, 0);

        let mut run = ContainerRun::new(now, wall, "img");
        run.start(2, wall, "img");
        assert!(!run.exit(0, wall, now, RestartPolicy::OnFailure));
        let mut run = ContainerRun::new(now, wall, "img");
        run.start(3, wall, "img");
        assert!(run.exit(1, wall, now, RestartPolicy::OnFailure));
        assert_eq!(run.restart_count, 1);
        assert_eq!(run.due(), Some(now + Duration::from_secs(10)));
        run.start(4, wall, "img");
        assert!(run.exit(0, wall, now, RestartPolicy::Always));
        assert_eq!(run.due(), Some(now + Duration::from_secs(20)));
        assert!(matches!(
            run.previous,
            Some(State::Terminated { exit_code: Some(0), .. })
        ));
    }

    #[test]
    fn stopping_kills_the_run() {
        let now = Instant::now();
        let wall = OffsetDateTime::UNIX_EPOCH;
        let mut run = ContainerRun::new(now, wall, "img");
        run.start(7, wall, "img");
        assert_eq!(run.stop(wall), Some(7));
        assert_eq!(run.terminated_with(), Some(Some(KILLED_EXIT_CODE)));
        assert_eq!(run.reschedule(now, wall, true), None);
        assert_eq!(run.restart_count, 1);
        assert_eq!(run.due(), Some(now));
    }
}
