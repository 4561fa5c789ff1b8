//! Registering, replacing, enabling and deleting agents.

use time::OffsetDateTime;

use super::error::AdoError;
use super::names::{invalid_agent_name, is_agent_name};
use super::requests::finish;
use super::state::{Agent, Organization, TaskResult};
use crate::random;

/// What a client sends to register or replace an agent.
pub(crate) struct AgentInput {
    pub name: String,
    pub version: String,
    pub os_description: String,
    /// `authorization.publicKey.modulus`, decoded (empty when none was sent).
    pub key: Vec<u8>,
    pub enabled: Option<bool>,
}

/// Registers an agent in pool `pool_id`; its id.
pub(crate) fn add(
    org: &mut Organization,
    pool_id: i32,
    input: AgentInput,
    now: OffsetDateTime,
) -> Result<i32, AdoError> {
    if !is_agent_name(&input.name) {
        return Err(AdoError::argument(invalid_agent_name(&input.name)));
    }
    let id = org.next_agent_id;
    let pool = org.pool_mut(pool_id).ok_or_else(|| AdoError::pool_not_found(pool_id))?;
    if pool.agent_named(&input.name).is_some() {
        return Err(AdoError::agent_exists(pool_id, &input.name));
    }
    pool.agents.push(Agent {
        id,
        name: input.name,
        version: input.version,
        os_description: input.os_description,
        enabled: input.enabled.unwrap_or(true),
        created_on: now,
        status_changed_on: now,
        key: input.key,
        client_id: random::uuid(),
        session: None,
        assigned_request: None,
        last_completed_request: None,
    });
    org.next_agent_id += 1;
    Ok(id)
}

/// Replaces agent `agent_id` (same id, new name, version and key); an open session ends.
pub(crate) fn replace(
    org: &mut Organization,
    pool_id: i32,
    agent_id: i32,
    input: AgentInput,
    now: OffsetDateTime,
) -> Result<(), AdoError> {
    if !is_agent_name(&input.name) {
        return Err(AdoError::argument(invalid_agent_name(&input.name)));
    }
    let pool = org.pool(pool_id).ok_or_else(|| AdoError::pool_not_found(pool_id))?;
    pool.agent(agent_id)
        .ok_or_else(|| AdoError::agent_not_found(pool_id, agent_id))?;
    if pool
        .agents
        .iter()
        .any(|a| a.id != agent_id && a.name.eq_ignore_ascii_case(&input.name))
    {
        return Err(AdoError::agent_exists(pool_id, &input.name));
    }
    abandon_assigned(org, pool_id, agent_id, now);
    let Some(agent) = org.pool_mut(pool_id).and_then(|p| p.agent_mut(agent_id)) else {
        return Err(AdoError::agent_not_found(pool_id, agent_id));
    };
    agent.name = input.name;
    agent.version = input.version;
    agent.os_description = input.os_description;
    agent.key = input.key;
    if let Some(enabled) = input.enabled {
        agent.enabled = enabled;
    }
    if agent.session.take().is_some() {
        agent.status_changed_on = now;
    }
    Ok(())
}

/// Enables or disables an agent.
pub(crate) fn set_enabled(org: &mut Organization, pool_id: i32, agent_id: i32, enabled: bool) -> Result<(), AdoError> {
    let pool = org.pool_mut(pool_id).ok_or_else(|| AdoError::pool_not_found(pool_id))?;
    let agent = pool
        .agent_mut(agent_id)
        .ok_or_else(|| AdoError::agent_not_found(pool_id, agent_id))?;
    agent.enabled = enabled;
    Ok(())
}

/// Deletes an agent; its unfinished request is abandoned.
pub(crate) fn delete(org: &mut Organization, pool_id: i32, agent_id: i32, now: OffsetDateTime) -> Result<(), AdoError> {
    let pool = org.pool(pool_id).ok_or_else(|| AdoError::pool_not_found(pool_id))?;
    pool.agent(agent_id)
        .ok_or_else(|| AdoError::agent_not_found(pool_id, agent_id))?;
    abandon_assigned(org, pool_id, agent_id, now);
    if let Some(pool) = org.pool_mut(pool_id) {
        pool.agents.retain(|a| a.id != agent_id);
    }
    Ok(())
}

/// Finishes the agent's unfinished request as `abandoned`.
pub(crate) fn abandon_assigned(org: &mut Organization, pool_id: i32, agent_id: i32, now: OffsetDateTime) {
    let assigned = org
        .pool(pool_id)
        .and_then(|p| p.agent(agent_id))
        .and_then(|a| a.assigned_request);
    if let Some(request_id) = assigned {
        finish(org, request_id, TaskResult::Abandoned, now);
    }
}
