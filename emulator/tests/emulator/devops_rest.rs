//! The Azure DevOps REST API: authentication, pools, agents, job requests, api-versions, errors.

use az_emulator::JobSpec;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Harness, Reply};
use crate::devops_support::{API, basic, devops_config};

/// Azure DevOps's error envelope, with `typeKey` `key`.
fn assert_envelope(reply: &Reply, status: u16, key: &str) {
    assert_eq!(reply.status, status, "{}", reply.text);
    assert_eq!(reply.json["typeKey"], key, "{}", reply.text);
    assert_eq!(reply.json["$id"], "1");
    assert_eq!(reply.json["innerException"], Value::Null);
    assert_eq!(reply.json["errorCode"], 0);
    assert_eq!(reply.json["eventId"], 3000);
    assert!(reply.json["typeName"].as_str().unwrap().contains(key));
    assert!(reply.header("x-vss-e2eid").is_some());
    assert!(reply.header("activityid").is_some());
}

/// A `TaskAgent` body with a public key.
fn agent_body(name: &str) -> Value {
    json!({
        "name": name,
        "version": "4.258.1",
        "osDescription": "Linux test",
        "authorization": { "publicKey": { "exponent": "AQAB", "modulus": STANDARD.encode([7u8; 32]) } },
    })
}

#[tokio::test]
async fn credentials_map_to_203_401_403_and_entra_tokens_work_until_they_expire() {
    let h = Harness::with(devops_config()).await;
    let pools = format!("pools?{API}");

    let anonymous = h.devops(Method::GET, &pools, None, None).await;
    assert_eq!(anonymous.status, 203);
    assert!(anonymous.header("content-type").unwrap().starts_with("text/html"));
    assert!(anonymous.text.contains("Sign In"));

    let bad = h.devops(Method::GET, &pools, Some(&basic("not-a-pat")), None).await;
    assert_eq!(bad.status, 401);
    assert_eq!(
        bad.header("www-authenticate"),
        Some("Bearer authorization_uri=https://login.microsoftonline.com/common")
    );
    assert!(bad.header("x-tfs-fedauthredirect").is_some());

    let full = h.devops(Method::GET, &pools, Some(&h.pat_auth()), None).await;
    assert_eq!(full.status, 200, "{}", full.text);

    let read_only = basic(&h.seed_pat(&["vso.agentpools"]).await);
    assert_eq!(h.devops(Method::GET, &pools, Some(&read_only), None).await.status, 200);
    let denied = h
        .devops(
            Method::POST,
            &format!("pools/1/agents?{API}"),
            Some(&read_only),
            Some(agent_body("a")),
        )
        .await;
    assert_envelope(&denied, 403, "AccessDeniedException");
    assert!(denied.json["message"].as_str().unwrap().contains("Manage permissions"));

    let no_scope = basic(&h.seed_pat(&[]).await);
    assert_envelope(
        &h.devops(Method::GET, &pools, Some(&no_scope), None).await,
        403,
        "AccessDeniedException",
    );

    let entra = h.token_for_scope("499b84ac-1321-427f-aa17-267ca6975798/.default").await;
    let bearer = format!("Bearer {entra}");
    assert_eq!(h.devops(Method::GET, &pools, Some(&bearer), None).await.status, 200);
    let created = h
        .devops(
            Method::POST,
            &format!("pools/1/agents?{API}"),
            Some(&basic(&entra)),
            Some(agent_body("via-jwt")),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.text);
    let arm_token = h.token().await;
    let wrong_audience = format!("Bearer {arm_token}");
    assert_eq!(
        h.devops(Method::GET, &pools, Some(&wrong_audience), None).await.status,
        401
    );

    h.advance_clock(3601).await;
    assert_eq!(h.devops(Method::GET, &pools, Some(&bearer), None).await.status, 401);
    assert_eq!(
        h.devops(Method::GET, &pools, Some(&h.pat_auth()), None).await.status,
        200
    );
}

#[tokio::test]
async fn pools_by_name_and_id() {
    let h = Harness::with(devops_config()).await;
    let auth = h.pat_auth();
    let by_name = h
        .devops(Method::GET, &format!("pools?poolName=DEFAULT&{API}"), Some(&auth), None)
        .await;
    assert_eq!(by_name.status, 200);
    assert_eq!(by_name.json["count"], 1);
    let pool = &by_name.json["value"][0];
    assert_eq!(pool["name"], "Default");
    assert_eq!(pool["id"], 1);
    assert_eq!(pool["poolType"], "automation");
    assert_eq!(pool["isHosted"], false);

    let none = h
        .devops(Method::GET, &format!("pools?poolName=nope&{API}"), Some(&auth), None)
        .await;
    assert_eq!(none.json, json!({ "count": 0, "value": [] }));

    let org = h.info().defaults.devops_organization.clone();
    let added = h.emulator.control().add_pool(&org, "ci").unwrap();
    assert_eq!(added.id, 2);
    let all = h.devops(Method::GET, &format!("pools?{API}"), Some(&auth), None).await;
    assert_eq!(all.json["count"], 2);
    let one = h
        .devops(Method::GET, &format!("pools/2?{API}"), Some(&auth), None)
        .await;
    assert_eq!(one.json["name"], "ci");
    let missing = h
        .devops(Method::GET, &format!("pools/99?{API}"), Some(&auth), None)
        .await;
    assert_envelope(&missing, 404, "TaskAgentPoolNotFoundException");
    assert_eq!(missing.json["message"], "Agent pool 99 could not be found.");

    let unknown_org = h
        .devops_url(
            Method::GET,
            &format!(
                "{}/no-such-org/_apis/distributedtask/pools?{API}",
                h.info().endpoints.devops
            ),
            Some(&auth),
            None,
        )
        .await;
    assert_eq!(unknown_org.status, 404);
}

#[tokio::test]
async fn agents_are_added_refused_twice_replaced_and_deleted() {
    let h = Harness::with(devops_config()).await;
    let auth = h.pat_auth();
    let added = h
        .devops(
            Method::POST,
            &format!("pools/1/agents?{API}"),
            Some(&auth),
            Some(agent_body("build-1")),
        )
        .await;
    assert_eq!(added.status, 200, "{}", added.text);
    let id = added.json["id"].as_i64().unwrap();
    assert_eq!(added.json["status"], "offline");
    assert_eq!(added.json["enabled"], true);
    assert!(added.json["createdOn"].is_string());
    assert!(uuid::Uuid::parse_str(added.json["authorization"]["clientId"].as_str().unwrap()).is_ok());
    assert!(added.json["authorization"]["authorizationUrl"].is_string());
    assert!(!added.text.contains("publicKey"));

    let duplicate = h
        .devops(
            Method::POST,
            &format!("pools/1/agents?{API}"),
            Some(&auth),
            Some(agent_body("BUILD-1")),
        )
        .await;
    assert_envelope(&duplicate, 409, "TaskAgentExistsException");
    assert_eq!(
        duplicate.json["message"],
        "Pool 1 already contains an agent with name BUILD-1."
    );
    let invalid = h
        .devops(
            Method::POST,
            &format!("pools/1/agents?{API}"),
            Some(&auth),
            Some(agent_body("a/b")),
        )
        .await;
    assert_eq!(invalid.status, 400);

    let listed = h
        .devops(
            Method::GET,
            &format!("pools/1/agents?agentName=build-1&{API}"),
            Some(&auth),
            None,
        )
        .await;
    assert_eq!(listed.json["count"], 1);
    assert_eq!(listed.json["value"][0]["id"], id);
    let replaced = h
        .devops(
            Method::PUT,
            &format!("pools/1/agents/{id}?{API}"),
            Some(&auth),
            Some(agent_body("build-1")),
        )
        .await;
    assert_eq!(replaced.status, 200, "{}", replaced.text);
    assert_eq!(replaced.json["id"], id);
    let got = h
        .devops(Method::GET, &format!("pools/1/agents/{id}?{API}"), Some(&auth), None)
        .await;
    assert_eq!(got.json["name"], "build-1");

    let deleted = h
        .devops(Method::DELETE, &format!("pools/1/agents/{id}?{API}"), Some(&auth), None)
        .await;
    assert_eq!(deleted.status, 204);
    let again = h
        .devops(Method::DELETE, &format!("pools/1/agents/{id}?{API}"), Some(&auth), None)
        .await;
    assert_envelope(&again, 404, "TaskAgentNotFoundException");
    let gone = h
        .devops(Method::GET, &format!("pools/1/agents/{id}?{API}"), Some(&auth), None)
        .await;
    assert_eq!(gone.status, 404);
}

#[tokio::test]
async fn api_versions_are_required_except_for_job_requests() {
    let h = Harness::with(devops_config()).await;
    let auth = h.pat_auth();
    let missing = h.devops(Method::GET, "pools", Some(&auth), None).await;
    assert_envelope(&missing, 400, "VssVersionOutOfRangeException");
    assert!(
        missing.json["message"]
            .as_str()
            .unwrap()
            .starts_with("No api-version was supplied")
    );
    let too_new = h.devops(Method::GET, "pools?api-version=8.0", Some(&auth), None).await;
    assert_envelope(&too_new, 400, "VssVersionOutOfRangeException");
    for version in ["7.1", "7.1-preview.1", "6.0-preview", "5.1"] {
        let reply = h
            .devops(Method::GET, &format!("pools?api-version={version}"), Some(&auth), None)
            .await;
        assert_eq!(reply.status, 200, "{version}: {}", reply.text);
    }
    let in_accept = h
        .send(
            Method::GET,
            &format!("{}/_apis/distributedtask/pools", h.info().defaults.devops_url),
            &[("authorization", &auth), ("accept", "application/json;api-version=7.1")],
            None,
        )
        .await;
    assert_eq!(in_accept.status, 200);
    assert_eq!(
        h.devops(Method::GET, "pools/1/jobrequests", Some(&auth), None)
            .await
            .status,
        200
    );
}

/// Registers an agent with `key` through REST; its id.
async fn register(h: &Harness, name: &str, key: &[u8]) -> i64 {
    let body = json!({
        "name": name,
        "version": "4.258.1",
        "authorization": { "publicKey": { "exponent": "AQAB", "modulus": STANDARD.encode(key) } },
    });
    let reply = h
        .devops(
            Method::POST,
            &format!("pools/1/agents?{API}"),
            Some(&h.pat_auth()),
            Some(body),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json["id"].as_i64().unwrap()
}

/// Opens a listener session for `agent` with its credential `auth`; the session id.
async fn open_session(h: &Harness, agent: i64, auth: &str) -> String {
    let session = h
        .devops(
            Method::POST,
            "pools/1/sessions",
            Some(auth),
            Some(json!({ "agent": { "id": agent } })),
        )
        .await;
    assert_eq!(session.status, 200, "{}", session.text);
    session.json["sessionId"].as_str().unwrap().to_owned()
}

/// The stand-in's credential for an agent.
fn agent_auth(id: i64, key: &[u8]) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!("Bearer agent.{id}.{}", URL_SAFE_NO_PAD.encode(key))
}

#[tokio::test]
async fn job_requests_are_listed_dispatched_through_sessions_and_finished() {
    let h = Harness::with(devops_config()).await;
    let auth = h.pat_auth();
    let first = h.queue_job(JobSpec::new("true").with_name("first"));
    let second = h.queue_job(JobSpec::new("true"));
    let third = h.queue_job(JobSpec::new("true"));

    let listed = h.devops(Method::GET, "pools/1/jobrequests", Some(&auth), None).await;
    assert_eq!(listed.json["count"], 3, "{}", listed.text);
    let request = &listed.json["value"][0];
    assert_eq!(request["requestId"], first);
    assert_eq!(request["jobName"], "first");
    assert_eq!(request["planType"], "Build");
    assert_eq!(request["poolId"], 1);
    assert!(request["queueTime"].is_string());
    assert!(request["demands"][0].is_string());
    assert!(uuid::Uuid::parse_str(request["jobId"].as_str().unwrap()).is_ok());
    assert!(request.get("result").is_none());
    let top = h
        .devops(Method::GET, "pools/1/jobrequests?$top=1", Some(&auth), None)
        .await;
    assert_eq!(top.json["count"], 1);

    let key = [9u8; 32];
    let agent = register(&h, "listener", &key).await;
    let me = agent_auth(agent, &key);
    assert_eq!(
        h.devops(Method::POST, "pools/1/sessions", Some(&auth), Some(json!({})))
            .await
            .status,
        403,
        "a PAT is not an agent credential"
    );
    let forged = agent_auth(agent, &[1u8; 32]);
    assert_eq!(
        h.devops(Method::POST, "pools/1/sessions", Some(&forged), Some(json!({})))
            .await
            .status,
        401
    );
    let session = h
        .devops(
            Method::POST,
            "pools/1/sessions",
            Some(&me),
            Some(json!({ "ownerName": "test", "agent": { "id": agent, "name": "listener" } })),
        )
        .await;
    assert_eq!(session.status, 200, "{}", session.text);
    let session_id = session.json["sessionId"].as_str().unwrap().to_owned();
    assert_eq!(h.pool_agents().await[0]["status"], "online");

    let message = h
        .devops(
            Method::GET,
            &format!("pools/1/messages?sessionId={session_id}"),
            Some(&me),
            None,
        )
        .await;
    assert_eq!(message.status, 200, "{}", message.text);
    assert_eq!(message.json["messageType"], "PipelineAgentJobRequest");
    let body: Value = serde_json::from_str(message.json["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["requestId"], first);
    let lock = body["lockToken"].as_str().unwrap().to_owned();
    let message_id = message.json["messageId"].as_i64().unwrap();
    let acked = h
        .devops(
            Method::DELETE,
            &format!("pools/1/messages/{message_id}?sessionId={session_id}"),
            Some(&me),
            None,
        )
        .await;
    assert_eq!(acked.status, 204);
    let assigned = h.job(first).await;
    assert_eq!(assigned["state"], "assigned");
    assert_eq!(assigned["agentName"], "listener");
    assert_eq!(assigned["reservedAgent"]["id"], agent);
    assert!(assigned["assignTime"].is_string());

    let with_request = h
        .devops(
            Method::GET,
            &format!("pools/1/agents/{agent}?includeAssignedRequest=true&{API}"),
            Some(&auth),
            None,
        )
        .await;
    assert_eq!(with_request.json["assignedRequest"]["requestId"], first);
    let without = h
        .devops(Method::GET, &format!("pools/1/agents/{agent}?{API}"), Some(&auth), None)
        .await;
    assert!(without.json.get("assignedRequest").is_none());

    let wrong_lock = h
        .devops(
            Method::PATCH,
            &format!("pools/1/jobrequests/{first}?lockToken=nope"),
            Some(&me),
            Some(json!({ "requestId": first, "result": "succeeded" })),
        )
        .await;
    assert_eq!(wrong_lock.status, 409);
    let renewed = h
        .devops(
            Method::PATCH,
            &format!("pools/1/jobrequests/{first}?lockToken={lock}"),
            Some(&me),
            Some(json!({ "requestId": first })),
        )
        .await;
    assert_eq!(renewed.status, 200, "{}", renewed.text);
    assert!(renewed.json["lockedUntil"].is_string());
    let finished = h
        .devops(
            Method::PATCH,
            &format!("pools/1/jobrequests/{first}?lockToken={lock}"),
            Some(&me),
            Some(json!({ "requestId": first, "result": "succeeded", "finishTime": "2026-01-01T00:00:00Z" })),
        )
        .await;
    assert_eq!(finished.json["result"], "succeeded");
    assert!(finished.json["finishTime"].is_string());

    let unfinished = h
        .devops(
            Method::GET,
            "pools/1/jobrequests?completedRequestCount=0",
            Some(&auth),
            None,
        )
        .await;
    let ids: Vec<i64> = unfinished.json["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["requestId"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [second, third]);
    let last = h
        .devops(
            Method::GET,
            &format!("pools/1/agents?includeLastCompletedRequest=true&{API}"),
            Some(&auth),
            None,
        )
        .await;
    assert_eq!(last.json["value"][0]["lastCompletedRequest"]["requestId"], first);

    let next = h
        .devops(
            Method::GET,
            &format!("pools/1/messages?sessionId={session_id}"),
            Some(&me),
            None,
        )
        .await;
    assert_eq!(next.status, 200);
    let deleted = h
        .devops(
            Method::DELETE,
            &format!("pools/1/agents/{agent}?{API}"),
            Some(&auth),
            None,
        )
        .await;
    assert_eq!(deleted.status, 204);
    assert_eq!(h.job(second).await["result"], "abandoned");
    let after = h
        .devops(
            Method::GET,
            &format!("pools/1/messages?sessionId={session_id}"),
            Some(&me),
            None,
        )
        .await;
    assert_eq!(after.status, 401);
}

#[tokio::test]
async fn a_long_poll_answers_204_after_the_wait_and_wakes_for_a_queued_job() {
    let h = Harness::with(devops_config()).await;
    let key = [3u8; 32];
    let agent = register(&h, "poller", &key).await;
    let me = agent_auth(agent, &key);
    let session_id = open_session(&h, agent, &me).await;
    let path = format!("pools/1/messages?sessionId={session_id}");

    let started = std::time::Instant::now();
    let empty = h.devops(Method::GET, &path, Some(&me), None).await;
    assert_eq!(empty.status, 204);
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(1900),
        "{:?}",
        started.elapsed()
    );

    let started = std::time::Instant::now();
    let (message, _) = tokio::join!(h.devops(Method::GET, &path, Some(&me), None), async {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        h.queue_job(JobSpec::new("true"))
    });
    assert_eq!(message.status, 200, "{}", message.text);
    assert!(
        started.elapsed() < std::time::Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );

    let closed = h
        .devops(
            Method::DELETE,
            &format!("pools/1/sessions/{session_id}"),
            Some(&me),
            None,
        )
        .await;
    assert_eq!(closed.status, 204);
    assert_eq!(h.pool_agents().await[0]["status"], "offline");
    let gone = h.devops(Method::GET, &path, Some(&me), None).await;
    assert_eq!(gone.status, 404);
}

#[tokio::test]
async fn devops_requests_are_journaled_without_credentials_and_faulted() {
    let h = Harness::with(devops_config()).await;
    let pat = h.info().defaults.devops_pat.clone();
    let reply = h
        .devops(Method::GET, &format!("pools?{API}"), Some(&h.pat_auth()), None)
        .await;
    assert_eq!(reply.status, 200);
    let journal = h.admin(Method::GET, "/journal", None).await;
    let entry = journal.json.as_array().unwrap().last().unwrap().clone();
    assert_eq!(entry["listener"], "devops");
    assert_eq!(entry["status"], 200);
    assert_eq!(entry["principal"], "pat:az-emulator");
    assert!(!journal.text.contains(&pat));
    assert!(!journal.text.to_ascii_lowercase().contains("basic"));

    let faults = json!({ "routes": [ { "listener": "devops", "path_contains": "/pools", "rate_503": 1.0, "retry_after_secs": 4 } ] });
    h.emulator
        .control()
        .set_faults(&serde_json::from_value(faults).unwrap())
        .unwrap();
    let faulted = h
        .devops(Method::GET, &format!("pools?{API}"), Some(&h.pat_auth()), None)
        .await;
    assert_envelope(&faulted, 503, "VssServiceUnavailableException");
    assert_eq!(faulted.header("retry-after"), Some("4"));
}

#[tokio::test]
async fn a_silent_listener_goes_offline_and_abandons_its_job_while_a_polling_one_stays_online() {
    let h = Harness::with(devops_config()).await;
    let (silent_key, poller_key) = ([5u8; 32], [6u8; 32]);
    let silent = register(&h, "silent", &silent_key).await;
    let silent_auth = agent_auth(silent, &silent_key);
    let silent_session = open_session(&h, silent, &silent_auth).await;
    let job = h.queue_job(JobSpec::new("sleep 600"));
    let message = h
        .devops(
            Method::GET,
            &format!("pools/1/messages?sessionId={silent_session}"),
            Some(&silent_auth),
            None,
        )
        .await;
    assert_eq!(
        message.json["messageType"], "PipelineAgentJobRequest",
        "{}",
        message.text
    );
    assert_eq!(h.job(job).await["state"], "assigned");

    let poller = register(&h, "poller", &poller_key).await;
    let poller_auth = agent_auth(poller, &poller_key);
    let poller_session = open_session(&h, poller, &poller_auth).await;
    let status = |agents: &[Value], name: &str| {
        agents
            .iter()
            .find(|a| a["name"] == name)
            .map(|a| a["status"].as_str().unwrap_or_default().to_owned())
    };
    // 119 silent seconds are not enough; 121 are, except for a listener whose poll waits.
    h.advance_clock(119).await;
    assert_eq!(status(&h.pool_agents().await, "silent").as_deref(), Some("online"));
    let poll_path = format!("pools/1/messages?sessionId={poller_session}");
    let (polled, agents) = tokio::join!(h.devops(Method::GET, &poll_path, Some(&poller_auth), None), async {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        h.advance_clock(2).await;
        h.pool_agents().await
    });
    assert_eq!(polled.status, 204, "{}", polled.text);
    assert_eq!(status(&agents, "silent").as_deref(), Some("offline"));
    assert_eq!(status(&agents, "poller").as_deref(), Some("online"));
    let abandoned = h.job(job).await;
    assert_eq!(abandoned["result"], "abandoned", "{abandoned}");
    assert_eq!(status(&h.pool_agents().await, "poller").as_deref(), Some("online"));

    // The silent listener's session is gone: its next poll is told so.
    let late = h
        .devops(
            Method::GET,
            &format!("pools/1/messages?sessionId={silent_session}"),
            Some(&silent_auth),
            None,
        )
        .await;
    assert_eq!(late.status, 404, "{}", late.text);
}
