//! The typed control API: what the admin API does over HTTP, as Rust calls on a running
//! in-process emulator ([`crate::Emulator::control`]).
//!
//! The calls act on the emulator's shared state directly (no HTTP, no admin token, no JSON):
//! nothing in them waits on IO, so they are plain methods, callable from async code and from
//! plain threads alike. The admin HTTP API stays for other languages and for emulators running
//! as a process; its handlers go through the same code.

pub(crate) mod acr;
mod devops;
pub(crate) mod image_builder;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use hyper::StatusCode;

pub use devops::{Agent, AgentStatus, Job, JobSpec, JobState, Pool, QueuedJob};

use crate::arm;
use crate::clock::MAX_OFFSET;
use crate::config::{DEFAULT_FEDERATED_AUDIENCE, FaultConfig, SeedSections};
use crate::journal::JournalEntry;
use crate::model::seeding;
use crate::shared::Shared;

/// A handle on a running emulator's state: journal, faults, clock, seeds, federated tokens,
/// Azure DevOps pools, PATs and jobs. Cheap to clone; `Send + Sync + 'static`, so it can move
/// into spawned tasks. It keeps the state alive but not the listeners: once the [`Emulator`] is
/// shut down or dropped, calls still work on the state nobody serves any more.
///
/// ```no_run
/// use std::time::Duration;
/// use az_emulator::{Emulator, EmulatorConfig, JobSpec, ListenerKind, TaskResult};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let emulator = Emulator::start(EmulatorConfig::default()).await?;
/// let control = emulator.control();
/// let d = &emulator.info().defaults;
/// let queued = control.queue_job(&d.devops_organization, &d.devops_pool, &JobSpec::new("echo hi"))?;
/// // ... an agent runs it ...
/// let job = control.job(&d.devops_organization, queued.request_id)?;
/// assert_eq!(job.result, Some(TaskResult::Succeeded));
/// control.advance_clock(Duration::from_secs(3600))?; // every token issued so far has expired
/// let logins = control.journal().iter().filter(|e| e.listener == ListenerKind::Login).count();
/// # let _ = logins;
/// # Ok(())
/// # }
/// ```
///
/// [`Emulator`]: crate::Emulator
#[derive(Clone)]
pub struct Control {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Control {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Control")
            .field("admin", &self.shared.endpoints.admin)
            .finish_non_exhaustive()
    }
}

/// Why a control call changed nothing. The admin API answers these as 400, 404 and 409 with
/// `{"error": "<message>"}`.
#[non_exhaustive]
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum ControlError {
    /// An argument is out of range or malformed (the admin API's 400).
    #[error("{0}")]
    Invalid(String),
    /// No organization, pool or job request of that name or id (404).
    #[error("{0}")]
    NotFound(String),
    /// The name is taken (409).
    #[error("{0}")]
    Conflict(String),
}

impl ControlError {
    /// The admin API's status for this error.
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            ControlError::Invalid(_) => StatusCode::BAD_REQUEST,
            ControlError::NotFound(_) => StatusCode::NOT_FOUND,
            ControlError::Conflict(_) => StatusCode::CONFLICT,
        }
    }
}

/// The emulator's time ([`Control::clock`]).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClockReading {
    /// The emulator's now.
    pub now: SystemTime,
    /// How far the emulator's clock is ahead of the real clock.
    pub offset: Duration,
}

impl Control {
    pub(crate) fn new(shared: Arc<Shared>) -> Control {
        Control { shared }
    }

    /// The request journal, oldest first (the newest 20,000 requests of every listener but
    /// `admin`; `GET /journal`).
    pub fn journal(&self) -> Vec<JournalEntry> {
        self.shared.journal.snapshot()
    }

    /// Forgets every journal entry (`DELETE /journal`); sequence numbers keep counting.
    pub fn clear_journal(&self) {
        self.shared.journal.clear();
    }

    /// Replaces the fault configuration and restarts its draws (`PUT /faults`).
    pub fn set_faults(&self, faults: &FaultConfig) -> Result<(), ControlError> {
        faults
            .validate("faults")
            .map_err(|e| ControlError::Invalid(e.to_string()))?;
        self.shared.faults.replace(faults);
        Ok(())
    }

    /// Removes every fault rule (`PUT /faults` with `{}`).
    pub fn clear_faults(&self) {
        self.shared.faults.replace(&FaultConfig::default());
    }

    /// The emulator's time and how far it is ahead (`GET /clock`).
    pub fn clock(&self) -> ClockReading {
        ClockReading {
            now: SystemTime::from(self.shared.clock.now()),
            offset: self.shared.clock.offset(),
        }
    }

    /// Moves the emulator's time forward by `by` (at most 100 years ahead in total), brings every
    /// resource provider up to it (containers then due have started when it returns) and wakes
    /// the container runtime (`POST /clock/advance`). Tokens issued before expire on this time.
    pub fn advance_clock(&self, by: Duration) -> Result<ClockReading, ControlError> {
        let shared = &self.shared;
        shared.clock.advance(by).map_err(|_| {
            ControlError::Invalid(format!(
                "the clock may be moved at most {} seconds ahead in total",
                MAX_OFFSET.as_secs()
            ))
        })?;
        arm::catch_up(shared);
        shared.runtime.wake();
        Ok(self.clock())
    }

    /// Adds tenants, principals, identities, subscriptions, resource groups and role assignments
    /// (the configuration's seed sections), all or nothing (`POST /seed`). Answers what was
    /// created with every id resolved, as the admin API's JSON (`tenants`, `service_principals`,
    /// `managed_identities`, `subscriptions`, `resource_groups`, `role_assignments`).
    pub fn seed(&self, seeds: &SeedSections) -> Result<serde_json::Value, ControlError> {
        let shared = &self.shared;
        let now = shared.clock.instant();
        let mut world = shared.write();
        let mut next = world.clone();
        let seeded = seeding::apply(&mut next, seeds, &shared.settings.location, now)
            .map_err(|e| ControlError::Invalid(e.to_string()))?;
        arm::seeded(&mut next, now);
        *world = next;
        Ok(serde_json::to_value(&seeded).unwrap_or_default())
    }

    /// A one-hour federated assertion (`POST /federated-token`) from `issuer` for `subject`,
    /// for `audience` (`api://AzureADTokenExchange` when `None`): what a workload identity
    /// presents as its client assertion.
    pub fn federated_token(&self, issuer: &str, subject: &str, audience: Option<&str>) -> String {
        let audience = audience.unwrap_or(DEFAULT_FEDERATED_AUDIENCE);
        self.shared
            .tokens
            .federated(issuer, subject, audience, self.shared.clock.unix_now())
    }
}
