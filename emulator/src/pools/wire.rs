//! The records in Azure DevOps's wire format (TaskAgent 7.1): `TaskAgentPool`, `TaskAgent`,
//! `TaskAgentJobRequest`, and the `{"count","value"}` list.

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::state::{Agent, JobRequest, Organization, Pool};
use crate::clock;

/// The emulator's identity, as `createdBy` and `owner` of pools.
const OWNER_ID: &str = "8a9f2d4e-5b1c-4e7a-9c3d-1f0e2b3a4c5d";

/// A list in Azure DevOps's shape.
pub(crate) fn list(values: Vec<Value>) -> Value {
    json!({ "count": values.len(), "value": values })
}

/// A time as Azure DevOps writes it.
fn time(at: OffsetDateTime) -> String {
    clock::rfc3339(at)
}

/// A `TaskAgentPool`.
pub(crate) fn pool(pool: &Pool, org_url: &str) -> Value {
    let owner = json!({
        "displayName": "az-emulator",
        "id": OWNER_ID,
        "uniqueName": "az-emulator@emulator.local",
        "url": format!("{org_url}/_apis/Identities/{OWNER_ID}"),
    });
    json!({
        "createdOn": time(pool.created_on),
        "autoProvision": false,
        "autoUpdate": true,
        "autoSize": true,
        "targetSize": null,
        "agentCloudId": null,
        "createdBy": owner,
        "owner": owner,
        "id": pool.id,
        "scope": pool.scope,
        "name": pool.name,
        "isHosted": false,
        "poolType": "automation",
        "size": pool.agents.len(),
        "isLegacy": false,
        "options": "none",
    })
}

/// A `TaskAgentReference`.
pub(crate) fn agent_reference(agent: &Agent, pool_id: i32, org_url: &str) -> Value {
    json!({
        "_links": {
            "self": { "href": format!("{org_url}/_apis/distributedtask/pools/{pool_id}/agents/{}", agent.id) },
            "web": { "href": format!("{org_url}/_settings/agentpools?poolId={pool_id}&view=agents") },
        },
        "id": agent.id,
        "name": agent.name,
        "version": agent.version,
        "osDescription": agent.os_description,
        "enabled": agent.enabled,
        "status": agent.status(),
        "provisioningState": "Provisioned",
        "accessPoint": "CodexAccessMapping",
    })
}

/// What of an agent's requests to show.
#[derive(Clone, Copy, Default)]
pub(crate) struct Include {
    pub assigned_request: bool,
    pub last_completed_request: bool,
}

/// A `TaskAgent` (never with its public key).
pub(crate) fn agent(agent: &Agent, pool_id: i32, org: &Organization, org_url: &str, include: Include) -> Value {
    let mut value = agent_reference(agent, pool_id, org_url);
    let extra = json!({
        "maxParallelism": 1,
        "createdOn": time(agent.created_on),
        "statusChangedOn": time(agent.status_changed_on),
        "authorization": {
            "clientId": agent.client_id,
            "authorizationUrl": format!("{org_url}/_apis/oauth2/token"),
        },
    });
    merge(&mut value, extra);
    let request = |id: Option<i64>| id.and_then(|id| org.request(id)).map(|r| job_request(r, org, org_url));
    if include.assigned_request
        && let Some(assigned) = request(agent.assigned_request)
    {
        value["assignedRequest"] = assigned;
    }
    if include.last_completed_request
        && let Some(last) = request(agent.last_completed_request)
    {
        value["lastCompletedRequest"] = last;
    }
    value
}

/// A `TaskAgentJobRequest`.
pub(crate) fn job_request(request: &JobRequest, org: &Organization, org_url: &str) -> Value {
    let pool = org.pool(request.pool_id);
    let reserved = request
        .reserved_agent
        .as_ref()
        .map(|(id, name)| reference_of(pool.and_then(|p| p.agent(*id)), *id, name, request.pool_id, org_url));
    let matched: Vec<Value> = match &reserved {
        Some(agent) => vec![agent.clone()],
        None => pool
            .map(|p| {
                p.agents
                    .iter()
                    .filter(|a| a.enabled)
                    .map(|a| agent_reference(a, p.id, org_url))
                    .collect()
            })
            .unwrap_or_default(),
    };
    let mut value = json!({
        "requestId": request.request_id,
        "queueTime": time(request.queue_time),
        "serviceOwner": "00025394-6065-48ca-87d9-7f5672854ef7",
        "hostId": "d2b5b8a0-4f6a-4d3c-9e1f-6a7b8c9d0e1f",
        "scopeId": "f3c2b1a0-9e8d-4c7b-a6f5-e4d3c2b1a0f9",
        "planType": "Build",
        "planId": request.plan_id,
        "jobId": request.job_id,
        "jobName": request.job_name,
        "demands": request.demands,
        "matchedAgents": matched,
        "matchesAllAgentsInPool": true,
        "poolId": request.pool_id,
        "orchestrationId": format!("{}.job.__default", request.plan_id),
        "priority": 0,
        "definition": {
            "_links": { "web": { "href": format!("{org_url}/_build/definition?definitionId={}", request.definition_id) } },
            "id": request.definition_id,
            "name": request.job_name,
        },
        "owner": {
            "_links": { "web": { "href": format!("{org_url}/_build/results?buildId={}", request.request_id) } },
            "id": request.request_id,
            "name": format!("{}.{}", request.job_name, request.request_id),
        },
        "data": { "ParallelismTag": "Private", "IsScheduledKey": "False" },
    });
    let times = [
        ("assignTime", request.assign_time),
        ("receiveTime", request.receive_time),
        ("finishTime", request.finish_time),
        ("lockedUntil", request.locked_until),
    ];
    for (name, at) in times {
        if let Some(at) = at {
            value[name] = json!(time(at));
        }
    }
    if let Some(result) = request.result {
        value["result"] = json!(result.as_str());
    }
    if let Some(reserved) = reserved {
        value["reservedAgent"] = reserved;
    }
    value
}

/// The reference of an agent that may have been deleted since.
fn reference_of(agent: Option<&Agent>, id: i32, name: &str, pool_id: i32, org_url: &str) -> Value {
    match agent {
        Some(agent) => agent_reference(agent, pool_id, org_url),
        None => json!({ "id": id, "name": name, "enabled": false, "status": "offline" }),
    }
}

/// Adds the fields of `extra` (an object) to `value` (an object).
fn merge(value: &mut Value, extra: Value) {
    if let (Some(target), Value::Object(extra)) = (value.as_object_mut(), extra) {
        target.extend(extra);
    }
}
