//! The listener's routes (the stand-in agent's protocol): `POST pools/{poolId}/sessions`,
//! `DELETE .../sessions/{sessionId}`, the long poll `GET .../messages?sessionId=&lastMessageId=`
//! and the acknowledgement `DELETE .../messages/{messageId}?sessionId=`.

use hyper::StatusCode;
use serde::Deserialize;
use serde_json::json;
use tokio::sync::watch;

use super::Call;
use super::auth::{self, Caller};
use super::body::{json, query};
use crate::http::Reply;
use crate::pools::error::AdoError;
use crate::pools::sessions::{self, PollError};
use crate::pools::wire;

/// The agent of the caller (only agent credentials reach these routes).
fn agent_id(call: &Call<'_>) -> Result<i32, AdoError> {
    match call.caller {
        Caller::Agent { agent_id, .. } => Ok(agent_id),
        _ => Err(AdoError::access_denied("Only an agent may use listener sessions.")),
    }
}

/// The `sessionId` query parameter.
fn session_id<'a>(call: &'a Call<'_>) -> Result<&'a str, AdoError> {
    query(call.request, "sessionId").ok_or_else(|| AdoError::argument("The query parameter 'sessionId' is required."))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SessionBody {
    #[serde(default)]
    owner_name: Option<String>,
    #[serde(default)]
    agent: Option<AgentRef>,
}

#[derive(Deserialize)]
struct AgentRef {
    #[serde(default)]
    id: Option<i32>,
}

/// Opens a session (replacing an older one of the agent): the agent is `online`.
pub(crate) fn create(call: &Call<'_>, pool_id: i32) -> Result<Reply, AdoError> {
    let agent_id = agent_id(call)?;
    let body: SessionBody = json(call.request)?;
    if body.agent.and_then(|a| a.id).is_some_and(|id| id != agent_id) {
        return Err(AdoError::access_denied("An agent may open sessions only for itself."));
    }
    let owner = body.owner_name.unwrap_or_default();
    let now = call.shared.clock.now();
    let reply = {
        let mut state = call.shared.pools.lock(&call.shared.clock);
        let org = state
            .organization_mut(&call.org)
            .ok_or_else(|| AdoError::pool_not_found(pool_id))?;
        let session_id = sessions::create(org, pool_id, agent_id, now)?;
        let agent = org
            .pool(pool_id)
            .and_then(|p| p.agent(agent_id))
            .ok_or_else(|| AdoError::agent_not_found(pool_id, agent_id))?;
        Reply::json(
            StatusCode::OK,
            &json!({
                "sessionId": session_id,
                "ownerName": owner,
                "agent": wire::agent_reference(agent, pool_id, &call.org_url),
                "encryptionKey": null,
                "systemCapabilities": {},
            }),
        )
    };
    call.shared.pools.wake();
    Ok(reply)
}

/// Closes a session: 204; the agent is `offline`, a request it was running is abandoned.
pub(crate) fn delete(call: &Call<'_>, pool_id: i32, session_id: &str) -> Result<Reply, AdoError> {
    let agent_id = agent_id(call)?;
    let now = call.shared.clock.now();
    {
        let mut state = call.shared.pools.lock(&call.shared.clock);
        let org = state
            .organization_mut(&call.org)
            .ok_or_else(|| AdoError::pool_not_found(pool_id))?;
        sessions::delete(org, pool_id, agent_id, session_id, now)?;
    }
    call.shared.pools.wake();
    Ok(Reply::empty(StatusCode::NO_CONTENT))
}

/// Acknowledges a message: 204.
pub(crate) fn ack(call: &Call<'_>, pool_id: i32, message_id: i64) -> Result<Reply, AdoError> {
    let agent_id = agent_id(call)?;
    let session_id = session_id(call)?;
    let now = call.shared.clock.now();
    let mut state = call.shared.pools.lock(&call.shared.clock);
    let org = state
        .organization_mut(&call.org)
        .ok_or_else(|| AdoError::pool_not_found(pool_id))?;
    sessions::ack(org, pool_id, agent_id, session_id, message_id, now)?;
    Ok(Reply::empty(StatusCode::NO_CONTENT))
}

/// The long poll: 200 with a message as soon as there is one, 204 after `message_poll_secs`
/// (or at shutdown); 401 once the agent is deleted, 404 once the session is gone.
pub(crate) async fn poll(call: &Call<'_>, pool_id: i32, mut stopped: watch::Receiver<bool>) -> Result<Reply, AdoError> {
    let agent_id = agent_id(call)?;
    let session_id = session_id(call)?.to_owned();
    let pools = &call.shared.pools;
    let deadline = tokio::time::Instant::now() + pools.poll;
    let _in_flight = PollInFlight::start(call, pool_id, agent_id, &session_id);
    loop {
        let notified = pools.changed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let next = {
            let now = call.shared.clock.now();
            let mut state = pools.lock(&call.shared.clock);
            let org = state
                .organization_mut(&call.org)
                .ok_or_else(|| AdoError::pool_not_found(pool_id))?;
            sessions::next_message(org, pool_id, agent_id, &session_id, now)
        };
        match next {
            Ok(Some(message)) => {
                let body = json!({
                    "messageId": message.id,
                    "messageType": message.kind,
                    "body": message.body,
                    "iv": null,
                });
                return Ok(Reply::json(StatusCode::OK, &body));
            }
            Ok(None) => {}
            Err(PollError::AgentGone) => return Ok(auth::unauthorized()),
            Err(PollError::Ado(error)) => return Err(error),
        }
        if *stopped.borrow() {
            return Ok(Reply::empty(StatusCode::NO_CONTENT));
        }
        tokio::select! {
            () = &mut notified => {}
            () = tokio::time::sleep_until(deadline) => return Ok(Reply::empty(StatusCode::NO_CONTENT)),
            _ = stopped.wait_for(|stop| *stop) => return Ok(Reply::empty(StatusCode::NO_CONTENT)),
        }
    }
}

/// A long poll in flight, counted on its session from start to end (also when the listener
/// hangs up and the poll is dropped), so that a waiting listener is never taken for a silent one.
struct PollInFlight<'a> {
    shared: &'a crate::shared::Shared,
    org: &'a str,
    pool_id: i32,
    agent_id: i32,
    session_id: &'a str,
}

impl<'a> PollInFlight<'a> {
    fn start(call: &'a Call<'_>, pool_id: i32, agent_id: i32, session_id: &'a str) -> Self {
        let poll = PollInFlight {
            shared: call.shared,
            org: &call.org,
            pool_id,
            agent_id,
            session_id,
        };
        poll.count(1);
        poll
    }

    fn count(&self, delta: i32) {
        let now = self.shared.clock.now();
        let mut state = self.shared.pools.lock(&self.shared.clock);
        if let Some(org) = state.organization_mut(self.org) {
            sessions::count_poll(org, self.pool_id, self.agent_id, self.session_id, delta, now);
        }
    }
}

impl Drop for PollInFlight<'_> {
    fn drop(&mut self) {
        self.count(-1);
    }
}
