//! The Azure DevOps listener (`devops`, HTTPS): agent pools, agents, job requests and agent
//! packages under `/{org}/_apis/distributedtask/`, the listener routes the stand-in agent uses
//! (sessions, long-polled messages, job request locks), the location service that official
//! clients discover those routes with (`OPTIONS /{org}/_apis`, `ResourceAreas`,
//! `connectionData`), and the package downloads under `/_packages/{filename}` (a CDN in Azure:
//! no authentication).

mod agent_routes;
mod api_version;
mod auth;
mod body;
mod error;
mod location_routes;
mod locations;
mod package_routes;
mod pool_routes;
mod request_routes;
mod route;
mod session_routes;

use std::sync::Arc;

use hyper::StatusCode;
use tokio::sync::watch;

use crate::faults::ErrorFault;
use crate::http::{Family, Reply, Request};
use crate::listener_kind::ListenerKind;
use crate::pools::error::{AdoError, Assembly};
use crate::shared::Shared;
use auth::{Caller, Denied};
use location_routes::Discovery;
use route::{Access, Route};

/// Azure DevOps.
pub(crate) struct Devops {
    shared: Arc<Shared>,
    /// Turns true at shutdown: long polls answer at once.
    stopped: watch::Receiver<bool>,
}

/// An authenticated, authorized request to a route of an organization.
pub(crate) struct Call<'a> {
    pub shared: &'a Shared,
    pub request: &'a Request,
    /// The organization's name as configured.
    pub org: String,
    /// `{devops endpoint}/{org}`.
    pub org_url: String,
    pub caller: Caller,
}

/// What a request under `/{org}/_apis/` asks for.
enum Target {
    /// A route under `_apis/distributedtask/`.
    Task(Route),
    /// The location service.
    Location(Discovery),
}

/// Why a request was not let through to its route.
enum Refused {
    Denied(Denied),
    /// An error, and the caller when one was authenticated.
    Error(AdoError, Option<String>),
}

impl Refused {
    fn reply(self) -> Reply {
        match self {
            Refused::Denied(denied) => denied.reply(),
            Refused::Error(error, principal) => error::reply(&error).by(principal),
        }
    }
}

impl Devops {
    pub fn new(shared: Arc<Shared>, stopped: watch::Receiver<bool>) -> Self {
        Devops { shared, stopped }
    }

    /// Organization, authentication, route, api-version and access checks.
    fn prepare<'a>(&'a self, request: &'a Request) -> Result<(Call<'a>, Target), Refused> {
        let not_found = || Refused::Error(route::not_found(&request.path), None);
        let [org, apis, under @ ..] = request.segments.as_slice() else {
            return Err(not_found());
        };
        if !apis.eq_ignore_ascii_case("_apis") {
            return Err(not_found());
        }
        let method = request.method.as_str();
        // `OPTIONS _apis/distributedtask` asks the location service for the area's locations.
        let task = match under {
            [area, rest @ ..]
                if area.eq_ignore_ascii_case("distributedtask") && !(rest.is_empty() && method == "OPTIONS") =>
            {
                Some(rest)
            }
            _ => None,
        };
        let discovery = match task {
            Some(_) => None,
            None => Some(Discovery::parse(method, under).ok_or_else(not_found)?),
        };
        let org = {
            let state = self.shared.pools.lock(&self.shared.clock);
            state.organization(org).map(|o| o.name.clone())
        }
        .ok_or_else(|| Refused::Error(organization_not_found(org), None))?;
        let caller = auth::authenticate(&self.shared, request, &org).map_err(Refused::Denied)?;
        let principal = Some(caller.principal());
        let checked = (|| {
            if let Some(discovery) = discovery {
                // Any authenticated caller may discover (an agent's own credential too).
                if !discovery.serves(method) {
                    return Err(route::method_not_allowed(method));
                }
                if let Some(location) = discovery.location() {
                    api_version::check(request, false, &location)?;
                }
                return Ok(Target::Location(discovery));
            }
            let rest = task.unwrap_or_default();
            let route = Route::parse(rest).ok_or_else(|| route::not_found(&request.path))?;
            let access = route.access(method).ok_or_else(|| route::method_not_allowed(method))?;
            api_version::check(request, route.needs_api_version(access), &route.location())?;
            authorize(&caller, access)?;
            Ok::<_, AdoError>(Target::Task(route))
        })();
        let target = checked.map_err(|e| Refused::Error(e, principal))?;
        let org_url = format!("{}/{org}", self.shared.endpoints.devops);
        let call = Call {
            shared: &self.shared,
            request,
            org,
            org_url,
            caller,
        };
        Ok((call, target))
    }

    /// The answers that do not wait.
    fn immediate(call: &Call<'_>, target: &Target) -> Result<Reply, AdoError> {
        match target {
            Target::Task(route) => Devops::dispatch(call, route),
            Target::Location(discovery) => discovery.answer(call),
        }
    }

    /// The routes answered at once.
    fn dispatch(call: &Call<'_>, route: &Route) -> Result<Reply, AdoError> {
        let method = call.request.method.as_str();
        match (route, method) {
            (Route::Pools, _) => pool_routes::list(call),
            (Route::Pool(id), _) => pool_routes::get(call, *id),
            (Route::Agents(pool), "GET") => agent_routes::list(call, *pool),
            (Route::Agents(pool), _) => agent_routes::add(call, *pool),
            (Route::Agent(pool, agent), "GET") => agent_routes::get(call, *pool, *agent),
            (Route::Agent(pool, agent), "PUT") => agent_routes::replace(call, *pool, *agent),
            (Route::Agent(pool, agent), "PATCH") => agent_routes::patch(call, *pool, *agent),
            (Route::Agent(pool, agent), _) => agent_routes::delete(call, *pool, *agent),
            (Route::JobRequests(pool), _) => request_routes::list(call, *pool),
            (Route::JobRequest(pool, id), "GET") => request_routes::get(call, *pool, *id),
            (Route::JobRequest(pool, id), _) => request_routes::update(call, *pool, *id),
            (Route::Sessions(pool), _) => session_routes::create(call, *pool),
            (Route::Session(pool, id), _) => session_routes::delete(call, *pool, id),
            (Route::Message(pool, id), _) => session_routes::ack(call, *pool, *id),
            (Route::Messages(_) | Route::AgentPackages(_) | Route::AgentPackage(..), _) => Err(AdoError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "VssServiceException",
                Assembly::VssWebApi,
                "This route is answered asynchronously.",
            )),
        }
    }

    /// The route's answer, waiting where it must (long polls, package preparation).
    async fn answer(&self, request: &Request) -> Reply {
        if let [first, filename] = request.segments.as_slice()
            && first == "_packages"
        {
            return package_routes::download(&self.shared, request, filename).await;
        }
        let (call, target) = match self.prepare(request) {
            Ok(prepared) => prepared,
            Err(refused) => return refused.reply(),
        };
        let result = match &target {
            Target::Task(Route::Messages(pool)) => session_routes::poll(&call, *pool, self.stopped.clone()).await,
            Target::Task(Route::AgentPackages(platform)) => package_routes::list(&call, platform.as_deref()).await,
            Target::Task(Route::AgentPackage(platform, version)) => package_routes::get(&call, platform, version).await,
            _ => Devops::immediate(&call, &target),
        };
        result
            .unwrap_or_else(|e| error::reply(&e))
            .by(Some(call.caller.principal()))
    }
}

/// Whether the caller may use a route of this access.
fn authorize(caller: &Caller, access: Access) -> Result<(), AdoError> {
    let allowed = match access {
        Access::Read => caller.can_read(),
        Access::Manage => caller.can_manage(),
        Access::Agent(pool) => matches!(caller, Caller::Agent { pool_id, .. } if *pool_id == pool),
    };
    if allowed {
        return Ok(());
    }
    let message = match access {
        Access::Read => format!(
            "Access denied. {} needs View permissions for the agent pools to perform the action (PAT scope {} or {}). For more information, contact the Azure DevOps Server administrator.",
            caller.display(),
            crate::config::SCOPE_AGENT_POOLS_READ,
            crate::config::SCOPE_AGENT_POOLS_MANAGE
        ),
        Access::Manage => format!(
            "Access denied. {} needs Manage permissions for the agent pools to perform the action (PAT scope {}). For more information, contact the Azure DevOps Server administrator.",
            caller.display(),
            crate::config::SCOPE_AGENT_POOLS_MANAGE
        ),
        Access::Agent(pool) => format!(
            "Access denied. {} cannot act as an agent of pool {pool}: only the agent's own credential can.",
            caller.display()
        ),
    };
    Err(AdoError::access_denied(message))
}

/// 404 for an organization that does not exist.
fn organization_not_found(name: &str) -> AdoError {
    AdoError::new(
        StatusCode::NOT_FOUND,
        "OrganizationNotFoundException",
        Assembly::VssWebApi,
        format!("The organization '{name}' could not be found."),
    )
}

impl Family for Devops {
    const KIND: ListenerKind = ListenerKind::Devops;

    /// Answers the routes that do not wait; [`Family::respond`] is what the listener calls.
    fn handle(&self, request: &Request) -> Reply {
        let reply = match self.prepare(request) {
            Ok((call, target)) => Devops::immediate(&call, &target)
                .unwrap_or_else(|e| error::reply(&e))
                .by(Some(call.caller.principal())),
            Err(refused) => refused.reply(),
        };
        error::stamp(reply)
    }

    async fn respond<'a>(&'a self, request: &'a Request) -> Reply {
        error::stamp(self.answer(request).await)
    }

    fn fault_reply(&self, fault: ErrorFault, _request: &Request) -> Reply {
        error::fault(fault)
    }
}
