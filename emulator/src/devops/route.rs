//! The routes under `/{org}/_apis/distributedtask/`, who may call them, and whether they need
//! an api-version.

use hyper::StatusCode;

use super::locations::{self, Location};
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
    /// `packages/agent`, with the platform from the path (`packages/agent/{platform}`, as the
    /// real clients send it) or `None` (then `?platform=` or every platform).
    AgentPackages(Option<String>),
    /// `packages/agent/{platform}/{version}`.
    AgentPackage(String, String),
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
            ["packages", "agent"] => Route::AgentPackages(None),
            ["packages", "agent", _] => Route::AgentPackages(Some(rest[2].clone())),
            ["packages", "agent", _, _] => Route::AgentPackage(rest[2].clone(), rest[3].clone()),
            _ => return None,
        };
        Some(route)
    }

    /// Who may call it with `method`; `None` when the method is not served.
    pub fn access(&self, method: &str) -> Option<Access> {
        let access = match (self, method) {
            (Route::Pools | Route::Pool(_) | Route::AgentPackages(_) | Route::AgentPackage(..), "GET") => Access::Read,
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

    /// Its location in the location service (every route has one: the match is exhaustive).
    pub fn location(&self) -> Location {
        match self {
            Route::Pools | Route::Pool(_) => locations::POOLS,
            Route::Agents(_) | Route::Agent(..) => locations::AGENTS,
            Route::JobRequests(_) | Route::JobRequest(..) => locations::JOB_REQUESTS,
            Route::Sessions(_) | Route::Session(..) => locations::SESSIONS,
            Route::Messages(_) | Route::Message(..) => locations::MESSAGES,
            Route::AgentPackages(_) | Route::AgentPackage(..) => locations::PACKAGES,
        }
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
        assert_eq!(parse("packages/agent"), Some(Route::AgentPackages(None)));
        assert_eq!(
            parse("packages/Agent/linux-x64"),
            Some(Route::AgentPackages(Some("linux-x64".into())))
        );
        assert_eq!(
            parse("packages/agent/linux-x64/4.258.1"),
            Some(Route::AgentPackage("linux-x64".into(), "4.258.1".into()))
        );
        assert_eq!(parse("packages/agent/a/b/c"), None);
        assert_eq!(Route::Agents(1).access("POST"), Some(Access::Manage));
        assert_eq!(Route::Messages(2).access("GET"), Some(Access::Agent(2)));
        assert_eq!(Route::Pools.access("DELETE"), None);
        assert!(!Route::JobRequests(1).needs_api_version(Access::Read));
        assert!(Route::Pools.needs_api_version(Access::Read));
    }

    /// Which variant a route is; the match is exhaustive, so a new route must be added here,
    /// and then to [`SERVED`], or [`every_route_has_a_location_matching_its_path`] fails.
    fn variant(route: &Route) -> usize {
        match route {
            Route::Pools => 0,
            Route::Pool(_) => 1,
            Route::Agents(_) => 2,
            Route::Agent(..) => 3,
            Route::JobRequests(_) => 4,
            Route::JobRequest(..) => 5,
            Route::Sessions(_) => 6,
            Route::Session(..) => 7,
            Route::Messages(_) => 8,
            Route::Message(..) => 9,
            Route::AgentPackages(_) => 10,
            Route::AgentPackage(..) => 11,
        }
    }
    const VARIANTS: usize = 12;

    /// Every method and path served (after `_apis/distributedtask/`).
    const SERVED: &[(&str, &str)] = &[
        ("GET", "pools"),
        ("GET", "pools/1"),
        ("GET", "pools/1/agents"),
        ("POST", "pools/1/agents"),
        ("GET", "pools/1/agents/2"),
        ("PUT", "pools/1/agents/2"),
        ("PATCH", "pools/1/agents/2"),
        ("DELETE", "pools/1/agents/2"),
        ("GET", "pools/1/jobrequests"),
        ("GET", "pools/1/jobrequests/3"),
        ("PATCH", "pools/1/jobrequests/3"),
        ("POST", "pools/1/sessions"),
        ("DELETE", "pools/1/sessions/S-1"),
        ("GET", "pools/1/messages"),
        ("DELETE", "pools/1/messages/4"),
        ("GET", "packages/agent"),
        ("GET", "packages/agent/linux-x64"),
        ("GET", "packages/agent/linux-x64/4.258.1"),
    ];

    #[test]
    fn every_route_has_a_location_matching_its_path() {
        let mut seen = [false; VARIANTS];
        for (method, path) in SERVED {
            let route = parse(path).unwrap_or_else(|| panic!("{path} is no route"));
            assert!(route.access(method).is_some(), "{method} {path} is not served");
            seen[variant(&route)] = true;
            let mut segments = vec!["_apis", "distributedtask"];
            segments.extend(path.split('/'));
            let location = route.location();
            assert!(
                location.matches(&segments),
                "{path} does not fit the template {} of {}",
                location.route_template,
                location.resource_name
            );
            assert_eq!(location.area, "distributedtask");
            let others = crate::devops::locations::ALL
                .iter()
                .filter(|l| l.id != location.id && l.matches(&segments))
                .count();
            assert_eq!(others, 0, "{path} fits several templates");
        }
        let missing: Vec<usize> = (0..VARIANTS).filter(|&i| !seen[i]).collect();
        assert!(missing.is_empty(), "variants without a served path: {missing:?}");
    }
}
