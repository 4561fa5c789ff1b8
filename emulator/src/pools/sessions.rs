//! Listener sessions and their messages: directives first, then the job itself.

use time::OffsetDateTime;

use super::agents::abandon_assigned;
use super::error::AdoError;
use super::requests::LOCK_DURATION;
use super::state::{Directive, Message, Organization, Session};
use crate::random;

/// `messageType` of a directive to exit.
pub(crate) const DIRECTIVE_MESSAGE: &str = "EmulatorDirective";
/// `messageType` of an update.
pub(crate) const REFRESH_MESSAGE: &str = "AgentRefresh";
/// `messageType` of a job.
pub(crate) const JOB_MESSAGE: &str = "PipelineAgentJobRequest";

/// Why a listener's poll cannot be answered.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum PollError {
    /// The agent no longer exists (its credential is no longer valid).
    AgentGone,
    /// A 404 of Azure DevOps (pool or session).
    Ado(AdoError),
}

/// Opens a session for an agent (replacing an older one); the agent is `online`.
pub(crate) fn create(
    org: &mut Organization,
    pool_id: i32,
    agent_id: i32,
    now: OffsetDateTime,
) -> Result<String, AdoError> {
    let had_session = org
        .pool(pool_id)
        .ok_or_else(|| AdoError::pool_not_found(pool_id))?
        .agent(agent_id)
        .ok_or_else(|| AdoError::agent_not_found(pool_id, agent_id))?
        .session
        .is_some();
    if had_session {
        abandon_assigned(org, pool_id, agent_id, now);
    }
    let agent = org
        .pool_mut(pool_id)
        .and_then(|p| p.agent_mut(agent_id))
        .ok_or_else(|| AdoError::agent_not_found(pool_id, agent_id))?;
    let id = random::uuid();
    agent.session = Some(Session {
        id: id.clone(),
        pending: None,
        got_directive: false,
        last_contact: now,
        polls: 0,
    });
    agent.status_changed_on = now;
    Ok(id)
}

/// Closes a session; the agent is `offline` and a request it was running is abandoned.
pub(crate) fn delete(
    org: &mut Organization,
    pool_id: i32,
    agent_id: i32,
    session_id: &str,
    now: OffsetDateTime,
) -> Result<(), AdoError> {
    let pool = org.pool(pool_id).ok_or_else(|| AdoError::pool_not_found(pool_id))?;
    let agent = pool
        .agent(agent_id)
        .ok_or_else(|| AdoError::agent_not_found(pool_id, agent_id))?;
    if agent.session.as_ref().is_none_or(|s| s.id != session_id) {
        return Err(AdoError::session_not_found(session_id));
    }
    let running = agent
        .assigned_request
        .and_then(|id| org.request(id))
        .is_some_and(|r| r.session_id.as_deref() == Some(session_id));
    if running {
        abandon_assigned(org, pool_id, agent_id, now);
    }
    if let Some(agent) = org.pool_mut(pool_id).and_then(|p| p.agent_mut(agent_id)) {
        agent.session = None;
        agent.status_changed_on = now;
    }
    Ok(())
}

/// The message for a polling session, if there is one now: the unacknowledged one again, else
/// the next directive of the oldest queued job of the pool, else that job (then assigned to the
/// agent). A session that was given a directive, a disabled agent and a busy agent get nothing.
pub(crate) fn next_message(
    org: &mut Organization,
    pool_id: i32,
    agent_id: i32,
    session_id: &str,
    now: OffsetDateTime,
) -> Result<Option<Message>, PollError> {
    let Organization {
        pools,
        requests,
        next_message_id,
        ..
    } = org;
    let pool = pools
        .iter_mut()
        .find(|p| p.id == pool_id)
        .ok_or_else(|| PollError::Ado(AdoError::pool_not_found(pool_id)))?;
    let agent = pool.agent_mut(agent_id).ok_or(PollError::AgentGone)?;
    let (agent_name, busy, enabled) = (agent.name.clone(), agent.assigned_request.is_some(), agent.enabled);
    let session = agent
        .session
        .as_mut()
        .filter(|s| s.id == session_id)
        .ok_or_else(|| PollError::Ado(AdoError::session_not_found(session_id)))?;
    if let Some(pending) = &session.pending {
        return Ok(Some(pending.clone()));
    }
    if session.got_directive || busy || !enabled {
        return Ok(None);
    }
    let Some(request) = requests
        .iter_mut()
        .find(|r| r.pool_id == pool_id && r.result.is_none() && r.reserved_agent.is_none())
    else {
        return Ok(None);
    };
    let id = *next_message_id;
    *next_message_id += 1;
    let message = match request.directives.pop_front() {
        Some(directive) => {
            session.got_directive = true;
            directive_message(id, directive)
        }
        None => {
            let lock_token = random::uuid();
            request.assign_time = Some(now);
            request.receive_time = Some(now);
            request.locked_until = Some(now + LOCK_DURATION);
            request.reserved_agent = Some((agent_id, agent_name.clone()));
            request.session_id = Some(session.id.clone());
            request.lock_token = Some(lock_token.clone());
            let body = serde_json::json!({
                "requestId": request.request_id,
                "jobId": request.job_id,
                "jobName": request.job_name,
                "lockToken": lock_token,
                "command": request.command,
                "crash": request.crash,
                "ignoreSigint": request.ignore_sigint,
            });
            let request_id = request.request_id;
            if let Some(agent) = pool.agent_mut(agent_id) {
                agent.assigned_request = Some(request_id);
            }
            Message {
                id,
                kind: JOB_MESSAGE,
                body: body.to_string(),
            }
        }
    };
    if let Some(session) = pool.agent_mut(agent_id).and_then(|a| a.session.as_mut()) {
        session.pending = Some(message.clone());
    }
    Ok(Some(message))
}

/// The message of a directive.
fn directive_message(id: i64, directive: Directive) -> Message {
    let (kind, body) = match directive {
        Directive::Exit(code) => (DIRECTIVE_MESSAGE, serde_json::json!({ "action": "exit", "code": code })),
        Directive::Update(code) => (
            REFRESH_MESSAGE,
            serde_json::json!({ "targetVersion": "4.259.0", "exitCode": code }),
        ),
    };
    Message {
        id,
        kind,
        body: body.to_string(),
    }
}

/// Notes that the agent's listener is alive at `now`.
pub(crate) fn touch(org: &mut Organization, pool_id: i32, agent_id: i32, now: OffsetDateTime) {
    if let Some(session) = org
        .pool_mut(pool_id)
        .and_then(|p| p.agent_mut(agent_id))
        .and_then(|a| a.session.as_mut())
    {
        session.last_contact = session.last_contact.max(now);
    }
}

/// Counts a long poll of `session_id` starting (`+1`) or ending (`-1`); either is contact.
pub(crate) fn count_poll(
    org: &mut Organization,
    pool_id: i32,
    agent_id: i32,
    session_id: &str,
    delta: i32,
    now: OffsetDateTime,
) {
    let session = org
        .pool_mut(pool_id)
        .and_then(|p| p.agent_mut(agent_id))
        .and_then(|a| a.session.as_mut())
        .filter(|s| s.id == session_id);
    if let Some(session) = session {
        session.polls = session.polls.saturating_add_signed(delta);
        session.last_contact = session.last_contact.max(now);
    }
}

/// Ends the sessions of listeners that went silent for `timeout` (killed, or cut off from the
/// network), as Azure DevOps does: the agent goes `offline` and a request it was running is
/// abandoned. Whether anything changed.
pub(crate) fn expire_silent(org: &mut Organization, now: OffsetDateTime, timeout: std::time::Duration) -> bool {
    let silent: Vec<(i32, i32)> = org
        .pools
        .iter()
        .flat_map(|pool| {
            pool.agents
                .iter()
                .filter(|a| a.session.as_ref().is_some_and(|s| s.silent(now, timeout)))
                .map(move |a| (pool.id, a.id))
        })
        .collect();
    for &(pool_id, agent_id) in &silent {
        abandon_assigned(org, pool_id, agent_id, now);
        if let Some(agent) = org.pool_mut(pool_id).and_then(|p| p.agent_mut(agent_id)) {
            agent.session = None;
            agent.status_changed_on = now;
        }
    }
    !silent.is_empty()
}

/// Acknowledges (deletes) a delivered message.
pub(crate) fn ack(
    org: &mut Organization,
    pool_id: i32,
    agent_id: i32,
    session_id: &str,
    message_id: i64,
    now: OffsetDateTime,
) -> Result<(), AdoError> {
    let session = org
        .pool_mut(pool_id)
        .ok_or_else(|| AdoError::pool_not_found(pool_id))?
        .agent_mut(agent_id)
        .and_then(|a| a.session.as_mut())
        .filter(|s| s.id == session_id)
        .ok_or_else(|| AdoError::session_not_found(session_id))?;
    if session.pending.as_ref().is_some_and(|m| m.id == message_id) {
        session.pending = None;
    }
    session.last_contact = session.last_contact.max(now);
    Ok(())
}
