//! The routes under `/{org}/_apis/distributedtask/`, who may call them, and whether they need
//! an api-version.

use hyper::StatusCode;

use crate::pools::error::{AdoError, Assembly};

/// A route, with its path parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    Pools,
    Pool(i32),
    Agents(i32),
    Agent(i32, i32),
    JobRequests(i32),
    JobRequest(i32, i64),
    Sessions(i32),
    Session(i32, String),
    Messages(i32),
    Message(i32, i64),
    AgentPackages,
}

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// `vso.agentpools` (or more), or an Entra token.
    Read,
    /// `vso.agentpools_manage`, or an Entra token.
    Manage,
    /// The agent credential of an agent of this pool.
    Agent(i32),
}

impl Route {
    /// The route of the segments after `_apis/distributedtask`.
    pub fn parse(rest: &[String]) -> Option<Route> {
        let lower: Vec<String> = rest.iter().map(|s| s.to_ascii_lowercase()).collect();
        let words: Vec<&str> = lower.iter().map(String::as_str).collect();
        let pool = |i: usize| rest.get(i).and_then(|s| s.parse::<i32>().ok());
        let route = match words.as_slice() {
            ["pools"] => Route::Pools,
            ["pools", _] => Route::Pool(pool(1)?),
            ["pools", _, "agents"] => Route::Agents(pool(1)?),
            ["pools", _, "agents", id] => Route::Agent(pool(1)?, id.parse().ok()?),
            ["pools", _, "jobrequests"] => Route::JobRequests(pool(1)?),
            ["pools", _, "jobrequests", id] => Route::JobRequest(pool(1)?, id.parse().ok()?),
            ["pools", _, "sessions"] => Route::Sessions(pool(1)?),
            ["pools", _, "sessions", _] => Route::Session(pool(1)?, rest[3].clone()),
            ["pools", _, "messages"] => Route::Messages(pool(1)?),
            ["pools", _, "messages", id] => Route::Message(pool(1)?, id.parse().ok()?),
            ["packages", "agent"] => Route::AgentPackages,
            _ => return None,
        };
        Some(route)
    }

    /// Who may call it with `method`; `None` when the method is not served.
    pub fn access(&self, method: &str) -> Option<Access> {
        let access = match (self, method) {
            (Route::Pools | Route::Pool(_) | Route::AgentPackages, "GET") => Access::Read,
            (Route::Agents(_), "GET") | (Route::Agent(..), "GET") => Access::Read,
            (Route::Agents(_), "POST") => Access::Manage,
            (Route::Agent(..), "PUT" | "PATCH" | "DELETE") => Access::Manage,
            (Route::JobRequests(_) | Route::JobRequest(..), "GET") => Access::Read,
            (Route::JobRequest(pool, _), "PATCH") => Access::Agent(*pool),
            (Route::Sessions(pool), "POST") => Access::Agent(*pool),
            (Route::Session(pool, _), "DELETE") => Access::Agent(*pool),
            (Route::Messages(pool), "GET") => Access::Agent(*pool),
            (Route::Message(pool, _), "DELETE") => Access::Agent(*pool),
            _ => return None,
        };
        Some(access)
    }

    /// Whether the route needs an api-version: all but the job request list (KEDA calls it
    /// without one) and the listener's own routes.
    pub fn needs_api_version(&self, access: Access) -> bool {
        !matches!(self, Route::JobRequests(_)) && !matches!(access, Access::Agent(_))
    }
}

/// 404 for a path that is no route.
pub(crate) fn not_found(path: &str) -> AdoError {
    AdoError::new(
        StatusCode::NOT_FOUND,
        "VssResourceNotFoundException",
        Assembly::VssWebApi,
        format!("The resource '{path}' could not be found."),
    )
}

/// 405 for a method a route does not serve.
pub(crate) fn method_not_allowed(method: &str) -> AdoError {
    AdoError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "VssServiceException",
        Assembly::VssWebApi,
        format!("The requested resource does not support http method '{method}'."),
    )
}

#[cfg(test)]
mod tests {
    use super::{Access, Route};

    fn parse(path: &str) -> Option<Route> {
        let segments: Vec<String> = path.split('/').map(str::to_owned).collect();
        Route::parse(&segments)
    }

    #[test]
    fn routes() {
        assert_eq!(parse("pools"), Some(Route::Pools));
        assert_eq!(parse("Pools/3/Agents/7"), Some(Route::Agent(3, 7)));
        assert_eq!(parse("pools/x/agents"), None);
        assert_eq!(parse("pools/1/sessions/S-1"), Some(Route::Session(1, "S-1".into())));
        assert_eq!(parse("packages/agent"), Some(Route::AgentPackages));
        assert_eq!(Route::Agents(1).access("POST"), Some(Access::Manage));
        assert_eq!(Route::Messages(2).access("GET"), Some(Access::Agent(2)));
        assert_eq!(Route::Pools.access("DELETE"), None);
        assert!(!Route::JobRequests(1).needs_api_version(Access::Read));
        assert!(Route::Pools.needs_api_version(Access::Read));
    }
}
