//! Job requests: queueing (admin API), lock renewal and finishing (the listener), listing.

use std::collections::VecDeque;

use time::{Duration, OffsetDateTime};

use super::error::AdoError;
use super::state::{Directive, JobRequest, Organization, TaskResult};
use crate::random;

/// How long a lock lasts after assignment or renewal (as in Azure DevOps).
pub(crate) const LOCK_DURATION: Duration = Duration::minutes(5);

/// A job to queue.
pub(crate) struct JobSpec {
    pub name: String,
    pub command: String,
    pub directives: Vec<Directive>,
    pub crash: bool,
    pub ignore_sigint: bool,
}

/// Queues a job in pool `pool_id`; its request id.
pub(crate) fn queue(org: &mut Organization, pool_id: i32, spec: JobSpec, now: OffsetDateTime) -> i64 {
    let request_id = org.next_request_id;
    org.next_request_id += 1;
    org.requests.push(JobRequest {
        request_id,
        pool_id,
        job_id: random::uuid(),
        plan_id: random::uuid(),
        job_name: spec.name,
        definition_id: 1,
        queue_time: now,
        assign_time: None,
        receive_time: None,
        finish_time: None,
        locked_until: None,
        result: None,
        reserved_agent: None,
        session_id: None,
        lock_token: None,
        demands: vec!["Agent.Version -gtVersion 2.182.1".to_owned()],
        command: spec.command,
        crash: spec.crash,
        ignore_sigint: spec.ignore_sigint,
        directives: VecDeque::from(spec.directives),
    });
    request_id
}

/// Finishes a request with `result` (nothing when it already finished); its agent's
/// `lastCompletedRequest` becomes it.
pub(crate) fn finish(org: &mut Organization, request_id: i64, result: TaskResult, now: OffsetDateTime) {
    let Some(request) = org.request_mut(request_id) else {
        return;
    };
    if request.result.is_some() {
        return;
    }
    request.result = Some(result);
    request.finish_time = Some(now);
    request.locked_until = None;
    let (pool_id, agent) = (request.pool_id, request.reserved_agent.clone());
    if let Some((agent_id, _)) = agent
        && let Some(agent) = org.pool_mut(pool_id).and_then(|p| p.agent_mut(agent_id))
    {
        if agent.assigned_request == Some(request_id) {
            agent.assigned_request = None;
        }
        agent.last_completed_request = Some(request_id);
    }
}

/// What a listener's `PATCH .../jobrequests/{id}` asks.
pub(crate) struct RequestUpdate<'a> {
    pub pool_id: i32,
    pub request_id: i64,
    pub agent_id: i32,
    pub lock_token: Option<&'a str>,
    /// Finish with this result; renew the lock when `None`.
    pub result: Option<TaskResult>,
}

/// Renews the lock of, or finishes, a request assigned to the calling agent.
pub(crate) fn update(org: &mut Organization, update: &RequestUpdate<'_>, now: OffsetDateTime) -> Result<(), AdoError> {
    let request = org
        .request_mut(update.request_id)
        .filter(|r| r.pool_id == update.pool_id)
        .ok_or_else(|| AdoError::request_not_found(update.request_id))?;
    if request.reserved_agent.as_ref().map(|(id, _)| *id) != Some(update.agent_id) {
        return Err(AdoError::access_denied(format!(
            "Job request {} is not assigned to this agent.",
            update.request_id
        )));
    }
    if request.result.is_some() {
        return Ok(());
    }
    if update.lock_token.is_none() || request.lock_token.as_deref() != update.lock_token {
        return Err(AdoError::lock_mismatch(update.request_id));
    }
    super::sessions::touch(org, update.pool_id, update.agent_id, now);
    let request = org
        .request_mut(update.request_id)
        .ok_or_else(|| AdoError::request_not_found(update.request_id))?;
    match update.result {
        None => {
            request.locked_until = Some(now + LOCK_DURATION);
            Ok(())
        }
        Some(result) => {
            finish(org, update.request_id, result, now);
            Ok(())
        }
    }
}

/// The requests of a pool as `GET .../jobrequests` lists them: unfinished ones first (oldest
/// first), then finished ones (most recently finished first), at most `completed` finished ones
/// when given, at most `top` in all when given.
pub(crate) fn list(org: &Organization, pool_id: i32, top: Option<usize>, completed: Option<usize>) -> Vec<&JobRequest> {
    let in_pool = || org.requests.iter().filter(move |r| r.pool_id == pool_id);
    let mut finished: Vec<&JobRequest> = in_pool().filter(|r| r.result.is_some()).collect();
    finished.sort_by(|a, b| b.finish_time.cmp(&a.finish_time).then(b.request_id.cmp(&a.request_id)));
    finished.truncate(completed.unwrap_or(usize::MAX));
    let mut listed: Vec<&JobRequest> = in_pool().filter(|r| r.result.is_none()).collect();
    listed.extend(finished);
    listed.truncate(top.unwrap_or(usize::MAX));
    listed
}
