//! `/devops/{org}/...`: seeding Azure DevOps (pools, PATs), queueing jobs for stand-in agents
//! and reading them back.

use hyper::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{control_error, error, parse};
use crate::config::PatSeed;
use crate::control::{Control, JobSpec};
use crate::http::{Reply, Request};
use crate::pools::state::{Directive, Organization};
use crate::pools::wire::{self, Include};
use crate::shared::Shared;

/// A directive as the admin API takes it.
#[derive(Deserialize)]
#[serde(tag = "action", rename_all = "lowercase", deny_unknown_fields)]
enum DirectiveBody {
    /// The listener exits with `code`.
    Exit { code: u8 },
    /// The listener pretends to update itself, then exits with `code` (3 or 4).
    Update { code: u8 },
}

/// `POST /devops/{org}/pools/{pool}/jobs`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct JobBody {
    command: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    directives: Vec<DirectiveBody>,
    #[serde(default)]
    crash: bool,
    #[serde(default)]
    ignore_sigint: bool,
}

/// `POST /devops/{org}/pools`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PoolBody {
    name: String,
}

/// Answers `/devops/...` (`path` without the leading `devops`).
pub(crate) fn handle(shared: &Shared, control: &Control, request: &Request, path: &[&str]) -> Reply {
    let method = request.method.as_str();
    match (method, path) {
        ("POST", [org, "pools", pool, "jobs"]) => queue_job(control, request, org, pool),
        ("GET", [org, "pools", pool, "jobs"]) => list_jobs(shared, org, pool),
        ("GET", [org, "pools", pool, "agents"]) => list_agents(shared, org, pool),
        ("GET", [org, "jobs", id]) => get_job(shared, org, id),
        ("POST", [org, "pools"]) => add_pool(shared, control, request, org),
        ("POST", [org, "pats"]) => add_pat(control, request, org),
        (_, [_, "pools", _, "jobs" | "agents"] | [_, "jobs", _] | [_, "pools" | "pats"]) => {
            error(StatusCode::METHOD_NOT_ALLOWED, "method not allowed")
        }
        _ => error(StatusCode::NOT_FOUND, "no such admin endpoint"),
    }
}

/// An admin error, before it becomes a reply.
struct Failed(StatusCode, String);

impl From<Failed> for Reply {
    fn from(Failed(status, message): Failed) -> Reply {
        error(status, &message)
    }
}

/// Runs `f` on the organization, or answers 404.
fn with_org<T>(shared: &Shared, org: &str, f: impl FnOnce(&mut Organization) -> T) -> Result<T, Failed> {
    let mut state = shared.pools.lock(&shared.clock);
    let org = state
        .organization_mut(org)
        .ok_or_else(|| Failed(StatusCode::NOT_FOUND, format!("no organization named {org}")))?;
    Ok(f(org))
}

fn org_url(shared: &Shared, org: &Organization) -> String {
    format!("{}/{}", shared.endpoints.devops, org.name)
}

fn pool_not_found(pool: &str) -> Reply {
    error(StatusCode::NOT_FOUND, &format!("no pool named {pool}"))
}

fn queue_job(control: &Control, request: &Request, org: &str, pool: &str) -> Reply {
    let body: JobBody = match parse(request) {
        Ok(body) => body,
        Err(bad) => return bad.into(),
    };
    let mut job = JobSpec::new(body.command);
    if let Some(name) = body.name {
        job = job.with_name(name);
    }
    for directive in body.directives {
        job = job.with_directive(match directive {
            DirectiveBody::Exit { code } => Directive::Exit(code),
            DirectiveBody::Update { code } => Directive::Update(code),
        });
    }
    job.crash = body.crash;
    job.ignore_sigint = body.ignore_sigint;
    match control.queue_job(org, pool, &job) {
        Ok(queued) => Reply::json(
            StatusCode::OK,
            &json!({ "requestId": queued.request_id, "jobId": queued.job_id }),
        ),
        Err(e) => control_error(&e),
    }
}

/// A request with `state` and `agentName`.
fn job_view(shared: &Shared, org: &Organization, request_id: i64) -> Option<Value> {
    let request = org.request(request_id)?;
    let mut value = wire::job_request(request, org, &org_url(shared, org));
    value["state"] = json!(request.state());
    value["agentName"] = json!(request.reserved_agent.as_ref().map(|(_, name)| name));
    Some(value)
}

fn get_job(shared: &Shared, org: &str, id: &str) -> Reply {
    let Ok(request_id) = id.parse::<i64>() else {
        return error(StatusCode::BAD_REQUEST, "the request id must be a number");
    };
    match with_org(shared, org, |org| job_view(shared, org, request_id)) {
        Err(failed) => failed.into(),
        Ok(None) => error(StatusCode::NOT_FOUND, &format!("no job request {request_id}")),
        Ok(Some(view)) => Reply::json(StatusCode::OK, &view),
    }
}

fn list_jobs(shared: &Shared, org: &str, pool: &str) -> Reply {
    let listed = with_org(shared, org, |org| {
        let pool_id = org.pool_named(pool)?.id;
        let views: Vec<Value> = org
            .requests
            .iter()
            .filter(|r| r.pool_id == pool_id)
            .filter_map(|r| job_view(shared, org, r.request_id))
            .collect();
        Some(wire::list(views))
    });
    match listed {
        Err(failed) => failed.into(),
        Ok(None) => pool_not_found(pool),
        Ok(Some(list)) => Reply::json(StatusCode::OK, &list),
    }
}

fn list_agents(shared: &Shared, org: &str, pool: &str) -> Reply {
    let include = Include {
        assigned_request: true,
        last_completed_request: true,
    };
    let listed = with_org(shared, org, |org| {
        let pool = org.pool_named(pool)?;
        let url = org_url(shared, org);
        let agents = pool
            .agents
            .iter()
            .map(|a| wire::agent(a, pool.id, org, &url, include))
            .collect();
        Some(wire::list(agents))
    });
    match listed {
        Err(failed) => failed.into(),
        Ok(None) => pool_not_found(pool),
        Ok(Some(list)) => Reply::json(StatusCode::OK, &list),
    }
}

fn add_pool(shared: &Shared, control: &Control, request: &Request, org: &str) -> Reply {
    let body: PoolBody = match parse(request) {
        Ok(body) => body,
        Err(bad) => return bad.into(),
    };
    let added = control.add_pool(org, &body.name).and_then(|added| {
        control.with_org(org, |org| {
            Ok(org.pool(added.id).map(|p| wire::pool(p, &org_url(shared, org))))
        })
    });
    match added {
        Ok(Some(pool)) => Reply::json(StatusCode::OK, &pool),
        Ok(None) => error(StatusCode::NOT_FOUND, &format!("no pool named {}", body.name)),
        Err(e) => control_error(&e),
    }
}

fn add_pat(control: &Control, request: &Request, org: &str) -> Reply {
    let seed: PatSeed = match parse(request) {
        Ok(seed) => seed,
        Err(bad) => return bad.into(),
    };
    match control.add_pat(org, &seed) {
        Ok(token) => Reply::json(StatusCode::OK, &json!({ "token": token })),
        Err(e) => control_error(&e),
    }
}
