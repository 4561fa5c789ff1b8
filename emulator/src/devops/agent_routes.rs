//! Agents of a pool: list (by `agentName`), get, register (POST), replace (PUT), enable (PATCH),
//! delete.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hyper::StatusCode;
use serde::Deserialize;

use super::Call;
use super::body::{flag, json, query};
use crate::http::Reply;
use crate::pools::agents::{self, AgentInput};
use crate::pools::error::AdoError;
use crate::pools::state::{Organization, PoolsState};
use crate::pools::wire::{self, Include};

/// The fields of a `TaskAgent` body that matter here (others are ignored).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AgentBody {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    os_description: Option<String>,
    #[serde(default)]
    enabled: Option<bool>,
    #[serde(default)]
    authorization: Option<AuthorizationBody>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AuthorizationBody {
    #[serde(default)]
    public_key: Option<PublicKeyBody>,
}

#[derive(Deserialize)]
struct PublicKeyBody {
    #[serde(default)]
    modulus: Option<ByteArray>,
}

/// A .NET `byte[]`: base64 text, or an array of numbers.
#[derive(Deserialize)]
#[serde(untagged)]
enum ByteArray {
    Base64(String),
    Numbers(Vec<u8>),
}

impl AgentBody {
    /// What the model needs; 400 without a name or with a key that is not base64.
    fn input(self) -> Result<AgentInput, AdoError> {
        let name = self
            .name
            .ok_or_else(|| AdoError::argument("Value cannot be null.\r\nParameter name: agent.Name"))?;
        let key = match self.authorization.and_then(|a| a.public_key).and_then(|k| k.modulus) {
            None => Vec::new(),
            Some(ByteArray::Numbers(bytes)) => bytes,
            Some(ByteArray::Base64(text)) => STANDARD
                .decode(text.trim())
                .map_err(|_| AdoError::argument("agent.Authorization.PublicKey.Modulus is not valid base64."))?,
        };
        Ok(AgentInput {
            name,
            version: self.version.unwrap_or_default(),
            os_description: self.os_description.unwrap_or_default(),
            key,
            enabled: self.enabled,
        })
    }
}

/// The organization of the call (it existed when the call was prepared).
fn organization<'s>(state: &'s PoolsState, call: &Call<'_>) -> Result<&'s Organization, AdoError> {
    state.organization(&call.org).ok_or_else(|| AdoError::pool_not_found(0))
}

fn organization_mut<'s>(state: &'s mut PoolsState, call: &Call<'_>) -> Result<&'s mut Organization, AdoError> {
    state
        .organization_mut(&call.org)
        .ok_or_else(|| AdoError::pool_not_found(0))
}

fn include(call: &Call<'_>) -> Include {
    Include {
        assigned_request: flag(call.request, "includeAssignedRequest"),
        last_completed_request: flag(call.request, "includeLastCompletedRequest"),
    }
}

/// One agent as JSON.
fn agent_reply(
    org: &Organization,
    call: &Call<'_>,
    pool_id: i32,
    agent_id: i32,
    include: Include,
) -> Result<Reply, AdoError> {
    let agent = org
        .pool(pool_id)
        .ok_or_else(|| AdoError::pool_not_found(pool_id))?
        .agent(agent_id)
        .ok_or_else(|| AdoError::agent_not_found(pool_id, agent_id))?;
    Ok(Reply::json(
        StatusCode::OK,
        &wire::agent(agent, pool_id, org, &call.org_url, include),
    ))
}

/// `GET pools/{poolId}/agents[?agentName=]`.
pub(crate) fn list(call: &Call<'_>, pool_id: i32) -> Result<Reply, AdoError> {
    let name = query(call.request, "agentName");
    let include = include(call);
    let state = call.shared.pools.lock(&call.shared.clock);
    let org = organization(&state, call)?;
    let pool = org.pool(pool_id).ok_or_else(|| AdoError::pool_not_found(pool_id))?;
    let agents = pool
        .agents
        .iter()
        .filter(|a| name.is_none_or(|n| a.name.eq_ignore_ascii_case(n)))
        .map(|a| wire::agent(a, pool_id, org, &call.org_url, include))
        .collect();
    Ok(Reply::json(StatusCode::OK, &wire::list(agents)))
}

/// `GET pools/{poolId}/agents/{agentId}`.
pub(crate) fn get(call: &Call<'_>, pool_id: i32, agent_id: i32) -> Result<Reply, AdoError> {
    let state = call.shared.pools.lock(&call.shared.clock);
    agent_reply(organization(&state, call)?, call, pool_id, agent_id, include(call))
}

/// `POST pools/{poolId}/agents`: registers an agent.
pub(crate) fn add(call: &Call<'_>, pool_id: i32) -> Result<Reply, AdoError> {
    let input = json::<AgentBody>(call.request)?.input()?;
    let now = call.shared.clock.now();
    let mut state = call.shared.pools.lock(&call.shared.clock);
    let org = organization_mut(&mut state, call)?;
    let id = agents::add(org, pool_id, input, now)?;
    agent_reply(org, call, pool_id, id, Include::default())
}

/// `PUT pools/{poolId}/agents/{agentId}`: replaces an agent (same id, new key).
pub(crate) fn replace(call: &Call<'_>, pool_id: i32, agent_id: i32) -> Result<Reply, AdoError> {
    let input = json::<AgentBody>(call.request)?.input()?;
    let now = call.shared.clock.now();
    let reply = {
        let mut state = call.shared.pools.lock(&call.shared.clock);
        let org = organization_mut(&mut state, call)?;
        agents::replace(org, pool_id, agent_id, input, now)?;
        agent_reply(org, call, pool_id, agent_id, Include::default())
    };
    call.shared.pools.wake();
    reply
}

/// The fields of a PATCH body that are applied.
#[derive(Deserialize)]
struct PatchBody {
    #[serde(default)]
    enabled: Option<bool>,
}

/// `PATCH pools/{poolId}/agents/{agentId}`: `enabled`.
pub(crate) fn patch(call: &Call<'_>, pool_id: i32, agent_id: i32) -> Result<Reply, AdoError> {
    let body: PatchBody = json(call.request)?;
    let reply = {
        let mut state = call.shared.pools.lock(&call.shared.clock);
        let org = organization_mut(&mut state, call)?;
        if let Some(enabled) = body.enabled {
            agents::set_enabled(org, pool_id, agent_id, enabled)?;
        }
        agent_reply(org, call, pool_id, agent_id, Include::default())
    };
    call.shared.pools.wake();
    reply
}

/// `DELETE pools/{poolId}/agents/{agentId}`: 204; its unfinished request is abandoned.
pub(crate) fn delete(call: &Call<'_>, pool_id: i32, agent_id: i32) -> Result<Reply, AdoError> {
    let now = call.shared.clock.now();
    {
        let mut state = call.shared.pools.lock(&call.shared.clock);
        agents::delete(organization_mut(&mut state, call)?, pool_id, agent_id, now)?;
    }
    call.shared.pools.wake();
    Ok(Reply::empty(StatusCode::NO_CONTENT))
}
