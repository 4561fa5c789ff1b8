//! The Azure DevOps records: organizations, pools, PATs, agents, sessions and job requests.

use std::collections::VecDeque;

use time::OffsetDateTime;

/// Every organization.
#[derive(Default)]
pub(crate) struct PoolsState {
    pub organizations: Vec<Organization>,
}

/// An organization and everything in it.
pub(crate) struct Organization {
    pub name: String,
    pub pools: Vec<Pool>,
    pub pats: Vec<Pat>,
    /// Job requests of every pool, oldest first.
    pub requests: Vec<JobRequest>,
    pub next_agent_id: i32,
    pub next_request_id: i64,
    pub next_message_id: i64,
}

/// A personal access token. Not `Debug`: it holds the token.
#[derive(Clone)]
pub(crate) struct Pat {
    pub name: String,
    pub token: String,
    pub scopes: Vec<String>,
}

/// An agent pool.
pub(crate) struct Pool {
    pub id: i32,
    pub name: String,
    pub created_on: OffsetDateTime,
    /// A stable id for the pool's `scope`.
    pub scope: String,
    pub agents: Vec<Agent>,
}

/// A registered agent. Not `Debug`: it holds the agent's key.
pub(crate) struct Agent {
    pub id: i32,
    pub name: String,
    pub version: String,
    pub os_description: String,
    pub enabled: bool,
    pub created_on: OffsetDateTime,
    pub status_changed_on: OffsetDateTime,
    /// The key of the agent credential (`publicKey.modulus`), empty when none was given.
    pub key: Vec<u8>,
    /// `authorization.clientId`.
    pub client_id: String,
    /// The listener's session; the agent is `online` while it has one.
    pub session: Option<Session>,
    /// The unfinished request assigned to it.
    pub assigned_request: Option<i64>,
    /// The request it finished last.
    pub last_completed_request: Option<i64>,
}

/// A listener session.
pub(crate) struct Session {
    pub id: String,
    /// The message delivered and not yet acknowledged (delivered again until it is).
    pub pending: Option<Message>,
    /// Whether this session was given a directive (it then gets no job).
    pub got_directive: bool,
    /// When the listener last showed it is alive: opened the session, started or ended a poll,
    /// acknowledged a message, renewed or finished its job.
    pub last_contact: OffsetDateTime,
    /// Long polls of this session in flight (a waiting poll is proof of life).
    pub polls: u32,
}

impl Session {
    /// Whether the listener has gone silent: no poll in flight and no contact for `timeout`.
    pub fn silent(&self, now: OffsetDateTime, timeout: std::time::Duration) -> bool {
        self.polls == 0 && now - self.last_contact >= timeout
    }
}

/// A message for a listener.
#[derive(Clone, Debug)]
pub(crate) struct Message {
    pub id: i64,
    pub kind: &'static str,
    /// The body: a JSON document as a string.
    pub body: String,
}

/// What a stand-in listener is told to do before it is given a job
/// ([`crate::JobSpec::directives`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Directive {
    /// Exit with this code (`EmulatorDirective`).
    Exit(u8),
    /// Pretend to update itself, then exit with this code, 3 or 4 (`AgentRefresh`).
    Update(u8),
}

/// How a job request ended (Azure DevOps's `TaskResult`).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TaskResult {
    /// `succeeded`.
    Succeeded,
    /// `succeededWithIssues`.
    SucceededWithIssues,
    /// `failed`.
    Failed,
    /// `canceled`.
    Canceled,
    /// `skipped`.
    Skipped,
    /// `abandoned`: its agent went away (session lost) before it finished.
    Abandoned,
}

impl std::fmt::Display for TaskResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TaskResult {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskResult::Succeeded => "succeeded",
            TaskResult::SucceededWithIssues => "succeededWithIssues",
            TaskResult::Failed => "failed",
            TaskResult::Canceled => "canceled",
            TaskResult::Skipped => "skipped",
            TaskResult::Abandoned => "abandoned",
        }
    }

    /// Parses a wire name (case-insensitive).
    pub(crate) fn parse(text: &str) -> Option<TaskResult> {
        [
            TaskResult::Succeeded,
            TaskResult::SucceededWithIssues,
            TaskResult::Failed,
            TaskResult::Canceled,
            TaskResult::Skipped,
            TaskResult::Abandoned,
        ]
        .into_iter()
        .find(|r| r.as_str().eq_ignore_ascii_case(text))
    }
}

/// A job request: queued, assigned to an agent, then finished.
pub(crate) struct JobRequest {
    pub request_id: i64,
    pub pool_id: i32,
    pub job_id: String,
    pub plan_id: String,
    pub job_name: String,
    pub definition_id: i32,
    pub queue_time: OffsetDateTime,
    pub assign_time: Option<OffsetDateTime>,
    pub receive_time: Option<OffsetDateTime>,
    pub finish_time: Option<OffsetDateTime>,
    pub locked_until: Option<OffsetDateTime>,
    pub result: Option<TaskResult>,
    /// The agent it is (or was) assigned to: id and name.
    pub reserved_agent: Option<(i32, String)>,
    /// The session it was delivered through.
    pub session_id: Option<String>,
    pub lock_token: Option<String>,
    /// Demands, as Azure DevOps lists them (`Agent.Version -gtVersion 2.163.1`).
    pub demands: Vec<String>,
    pub command: String,
    pub crash: bool,
    pub ignore_sigint: bool,
    /// Directives still to deliver before the job.
    pub directives: VecDeque<Directive>,
}

impl JobRequest {
    /// `queued`, `assigned` or `completed`.
    pub fn state(&self) -> &'static str {
        if self.result.is_some() {
            "completed"
        } else if self.reserved_agent.is_some() {
            "assigned"
        } else {
            "queued"
        }
    }
}

impl PoolsState {
    /// The organization of this name (case-insensitive).
    pub fn organization(&self, name: &str) -> Option<&Organization> {
        self.organizations.iter().find(|o| o.name.eq_ignore_ascii_case(name))
    }

    /// The organization of this name, to change it.
    pub fn organization_mut(&mut self, name: &str) -> Option<&mut Organization> {
        self.organizations
            .iter_mut()
            .find(|o| o.name.eq_ignore_ascii_case(name))
    }
}

impl Organization {
    /// The pool with this id.
    pub fn pool(&self, id: i32) -> Option<&Pool> {
        self.pools.iter().find(|p| p.id == id)
    }

    /// The pool with this id, to change it.
    pub fn pool_mut(&mut self, id: i32) -> Option<&mut Pool> {
        self.pools.iter_mut().find(|p| p.id == id)
    }

    /// The pool with this name (case-insensitive).
    pub fn pool_named(&self, name: &str) -> Option<&Pool> {
        self.pools.iter().find(|p| p.name.eq_ignore_ascii_case(name))
    }

    /// The request with this id.
    pub fn request(&self, id: i64) -> Option<&JobRequest> {
        self.requests.iter().find(|r| r.request_id == id)
    }

    /// The request with this id, to change it.
    pub fn request_mut(&mut self, id: i64) -> Option<&mut JobRequest> {
        self.requests.iter_mut().find(|r| r.request_id == id)
    }
}

impl Pool {
    /// The agent with this id.
    pub fn agent(&self, id: i32) -> Option<&Agent> {
        self.agents.iter().find(|a| a.id == id)
    }

    /// The agent with this id, to change it.
    pub fn agent_mut(&mut self, id: i32) -> Option<&mut Agent> {
        self.agents.iter_mut().find(|a| a.id == id)
    }

    /// The agent with this name (case-insensitive).
    pub fn agent_named(&self, name: &str) -> Option<&Agent> {
        self.agents.iter().find(|a| a.name.eq_ignore_ascii_case(name))
    }
}

impl Agent {
    /// `online` while a listener session is open, else `offline`.
    pub fn status(&self) -> &'static str {
        if self.session.is_some() { "online" } else { "offline" }
    }
}
