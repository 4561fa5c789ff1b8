//! Azure DevOps through the control API: pools, PATs, jobs for the stand-in agents, agents.

use super::{Control, ControlError};
use crate::config::{PatSeed, is_token};
use crate::pools::names::is_agent_name;
use crate::pools::requests;
use crate::pools::seeding;
use crate::pools::state::{self, Directive, JobRequest, Organization, TaskResult};

/// A job for the stand-in agents of a pool ([`Control::queue_job`]): a shell command, and what
/// the listener that takes it is told first.
///
/// ```
/// use az_emulator::{Directive, JobSpec};
///
/// let job = JobSpec::new("echo deploying; exit 3")
///     .with_name("deploy")
///     .with_directive(Directive::Update(4));
/// # let _ = job;
/// ```
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobSpec {
    /// The command line, run with `sh -c` in the agent's sources folder.
    pub command: String,
    /// The job's name (1 to 64 characters; `Job` by default).
    pub name: String,
    /// What listeners are told, one per session, before one gets the job.
    pub directives: Vec<Directive>,
    /// The listener crashes (exit 1 without finishing the job) once it has the job.
    pub crash: bool,
    /// The listener ignores SIGINT while the job runs.
    pub ignore_sigint: bool,
}

impl JobSpec {
    /// A job named `Job` that runs `command`.
    pub fn new(command: impl Into<String>) -> JobSpec {
        JobSpec {
            command: command.into(),
            name: "Job".to_owned(),
            directives: Vec::new(),
            crash: false,
            ignore_sigint: false,
        }
    }

    /// With this name.
    pub fn with_name(mut self, name: impl Into<String>) -> JobSpec {
        self.name = name.into();
        self
    }

    /// With one more directive (delivered in order, one per listener session).
    pub fn with_directive(mut self, directive: Directive) -> JobSpec {
        self.directives.push(directive);
        self
    }

    /// With the listener crashing once it has the job.
    pub fn crashing(mut self) -> JobSpec {
        self.crash = true;
        self
    }

    /// With the listener ignoring SIGINT while the job runs.
    pub fn ignoring_sigint(mut self) -> JobSpec {
        self.ignore_sigint = true;
        self
    }
}

/// A queued job ([`Control::queue_job`]).
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueuedJob {
    /// The job request's id (`requestId`), unique in the organization.
    pub request_id: i64,
    /// The job's id (`jobId`, a GUID).
    pub job_id: String,
}

/// Where a job request is.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JobState {
    /// Waiting for an agent.
    Queued,
    /// Given to an agent, not finished.
    Assigned,
    /// Finished ([`Job::result`] says how).
    Completed,
}

/// A job request ([`Control::job`], [`Control::jobs`]).
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    /// `requestId`.
    pub request_id: i64,
    /// `jobId`.
    pub job_id: String,
    /// `jobName`.
    pub name: String,
    /// The pool's id.
    pub pool_id: i32,
    /// Queued, assigned or completed.
    pub state: JobState,
    /// How it ended, once completed.
    pub result: Option<TaskResult>,
    /// The id of the agent it was given to.
    pub agent_id: Option<i32>,
    /// The name of the agent it was given to.
    pub agent_name: Option<String>,
}

/// Whether an agent's listener is connected.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AgentStatus {
    /// A listener session is open.
    Online,
    /// No session (never started, stopped, or lost after `session_timeout_secs` of silence).
    Offline,
}

/// A registered agent ([`Control::agents`]).
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Agent {
    /// The agent's id in its pool.
    pub id: i32,
    /// Its name.
    pub name: String,
    /// The version it registered with.
    pub version: String,
    /// Whether it may be given jobs.
    pub enabled: bool,
    /// Online or offline.
    pub status: AgentStatus,
    /// The unfinished job request it holds.
    pub assigned_request: Option<i64>,
    /// The job request it finished last.
    pub last_completed_request: Option<i64>,
}

/// An agent pool ([`Control::add_pool`]).
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pool {
    /// The pool's id.
    pub id: i32,
    /// Its name.
    pub name: String,
}

impl Control {
    /// Queues `job` in pool `pool` of organization `org` (names case-insensitive) for the
    /// stand-in agents (`POST /devops/{org}/pools/{pool}/jobs`).
    pub fn queue_job(&self, org: &str, pool: &str, job: &JobSpec) -> Result<QueuedJob, ControlError> {
        if job
            .directives
            .iter()
            .any(|d| matches!(d, Directive::Update(code) if !matches!(code, 3 | 4)))
        {
            return Err(ControlError::Invalid(
                "an update directive's code must be 3 or 4".to_owned(),
            ));
        }
        if !is_agent_name(&job.name) {
            return Err(ControlError::Invalid(
                "the job name must be 1 to 64 characters".to_owned(),
            ));
        }
        let spec = requests::JobSpec {
            name: job.name.clone(),
            command: job.command.clone(),
            directives: job.directives.clone(),
            crash: job.crash,
            ignore_sigint: job.ignore_sigint,
        };
        let now = self.shared.clock.now();
        let queued = self.with_org(org, |org| {
            let pool_id = org.pool_named(pool).map(|p| p.id).ok_or_else(|| pool_not_found(pool))?;
            let request_id = requests::queue(org, pool_id, spec, now);
            let job_id = org.request(request_id).map(|r| r.job_id.clone()).unwrap_or_default();
            Ok(QueuedJob { request_id, job_id })
        })?;
        self.shared.pools.wake();
        Ok(queued)
    }

    /// Job request `request_id` of organization `org`
    /// (`GET /devops/{org}/jobs/{requestId}`).
    pub fn job(&self, org: &str, request_id: i64) -> Result<Job, ControlError> {
        self.with_org(org, |org| {
            org.request(request_id)
                .map(job)
                .ok_or_else(|| ControlError::NotFound(format!("no job request {request_id}")))
        })
    }

    /// The job requests of a pool, oldest first (`GET /devops/{org}/pools/{pool}/jobs`).
    pub fn jobs(&self, org: &str, pool: &str) -> Result<Vec<Job>, ControlError> {
        self.with_org(org, |org| {
            let pool_id = org.pool_named(pool).ok_or_else(|| pool_not_found(pool))?.id;
            Ok(org.requests.iter().filter(|r| r.pool_id == pool_id).map(job).collect())
        })
    }

    /// The agents of a pool (`GET /devops/{org}/pools/{pool}/agents`).
    pub fn agents(&self, org: &str, pool: &str) -> Result<Vec<Agent>, ControlError> {
        self.with_org(org, |org| {
            let pool = org.pool_named(pool).ok_or_else(|| pool_not_found(pool))?;
            Ok(pool.agents.iter().map(agent).collect())
        })
    }

    /// Adds an agent pool named `name` with the next free id (`POST /devops/{org}/pools`).
    pub fn add_pool(&self, org: &str, name: &str) -> Result<Pool, ControlError> {
        if !is_agent_name(name) {
            return Err(ControlError::Invalid(format!("'{name}' is not a pool name")));
        }
        let now = self.shared.clock.now();
        self.with_org(org, |org| {
            let id = seeding::add_pool(org, name, now)
                .ok_or_else(|| ControlError::Conflict(format!("a pool named {name} exists")))?;
            Ok(Pool {
                id,
                name: name.to_owned(),
            })
        })
    }

    /// Adds a PAT to organization `org` (a random token when `pat.token` is `None`); the token
    /// (`POST /devops/{org}/pats`).
    pub fn add_pat(&self, org: &str, pat: &PatSeed) -> Result<String, ControlError> {
        if pat.token.as_deref().is_some_and(|t| !is_token(t)) {
            return Err(ControlError::Invalid(
                "the token must be non-empty visible ASCII".to_owned(),
            ));
        }
        let pat = seeding::pat(pat).map_err(|e| ControlError::Invalid(e.to_string()))?;
        let token = pat.token.clone();
        self.with_org(org, |org| {
            org.pats.push(pat);
            Ok(token)
        })
    }

    /// Runs `f` on the organization named `org`, or fails with `NotFound`.
    pub(crate) fn with_org<T>(
        &self,
        org: &str,
        f: impl FnOnce(&mut Organization) -> Result<T, ControlError>,
    ) -> Result<T, ControlError> {
        let shared = &self.shared;
        let mut pools = shared.pools.lock(&shared.clock);
        let org = pools
            .organization_mut(org)
            .ok_or_else(|| ControlError::NotFound(format!("no organization named {org}")))?;
        f(org)
    }
}

/// 404 for a pool.
fn pool_not_found(pool: &str) -> ControlError {
    ControlError::NotFound(format!("no pool named {pool}"))
}

fn job(request: &JobRequest) -> Job {
    Job {
        request_id: request.request_id,
        job_id: request.job_id.clone(),
        name: request.job_name.clone(),
        pool_id: request.pool_id,
        state: match request.state() {
            "completed" => JobState::Completed,
            "assigned" => JobState::Assigned,
            _ => JobState::Queued,
        },
        result: request.result,
        agent_id: request.reserved_agent.as_ref().map(|(id, _)| *id),
        agent_name: request.reserved_agent.as_ref().map(|(_, name)| name.clone()),
    }
}

fn agent(agent: &state::Agent) -> Agent {
    Agent {
        id: agent.id,
        name: agent.name.clone(),
        version: agent.version.clone(),
        enabled: agent.enabled,
        status: if agent.session.is_some() {
            AgentStatus::Online
        } else {
            AgentStatus::Offline
        },
        assigned_request: agent.assigned_request,
        last_completed_request: agent.last_completed_request,
    }
}
