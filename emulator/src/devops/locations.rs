//! The location service's data: the `ApiResourceLocation` of every route served (ids, areas,
//! resource names and route templates as Azure DevOps publishes them), the resource areas, and
//! how a route template matches a path.

use super::api_version;

/// The resource area of the agent pool routes (`TaskResourceIds.AreaId`; the Python client's
/// `TaskAgentClient.resource_area_identifier`).
pub(crate) const DISTRIBUTED_TASK_AREA_ID: &str = "a85b8835-c1a1-4aac-ae97-1c3d0ba72dbd";
/// The area of the routes under `_apis/distributedtask/`.
pub(crate) const DISTRIBUTED_TASK: &str = "distributedtask";
/// The location service's own area (clients never look it up: it is at the base URL).
pub(crate) const LOCATION: &str = "Location";

/// An `ApiResourceLocation`: where a resource is and which api-versions it serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Location {
    pub id: &'static str,
    pub area: &'static str,
    pub resource_name: &'static str,
    /// Relative to the organization URL; `{area}` and `{resource}` stand for the two fields above.
    pub route_template: &'static str,
    pub resource_version: u32,
    pub min_version: &'static str,
    /// `0.0` for a resource that was never released (preview only).
    pub released_version: &'static str,
}

/// A released distributedtask resource (all of them were released with 1.0).
const fn task(
    id: &'static str,
    resource_name: &'static str,
    route_template: &'static str,
    resource_version: u32,
) -> Location {
    Location {
        id,
        area: DISTRIBUTED_TASK,
        resource_name,
        route_template,
        resource_version,
        min_version: "1.0",
        released_version: api_version::LATEST_TEXT,
    }
}

/// `GET pools[/{poolId}]`.
pub(crate) const POOLS: Location = task(
    "a8c47e17-4d56-4a56-92bb-de7ea7dc65be",
    "pools",
    "_apis/{area}/{resource}/{poolId}",
    1,
);
/// `pools/{poolId}/agents[/{agentId}]`.
pub(crate) const AGENTS: Location = task(
    "e298ef32-5878-4cab-993c-043836571f42",
    "agents",
    "_apis/{area}/pools/{poolId}/{resource}/{agentId}",
    2,
);
/// `pools/{poolId}/jobrequests[/{requestId}]` (`TaskResourceIds.JobRequestsDeprecated`: the
/// pool-scoped job requests the agent and KEDA use).
pub(crate) const JOB_REQUESTS: Location = task(
    "fc825784-c92a-4299-9221-998a02d1b54f",
    "jobrequests",
    "_apis/{area}/pools/{poolId}/{resource}/{requestId}",
    1,
);
/// `pools/{poolId}/sessions[/{sessionId}]`.
pub(crate) const SESSIONS: Location = task(
    "134e239e-2df3-4794-a6f6-24f1f19ec8dc",
    "sessions",
    "_apis/{area}/pools/{poolId}/{resource}/{sessionId}",
    1,
);
/// `pools/{poolId}/messages[/{messageId}]`.
pub(crate) const MESSAGES: Location = task(
    "c3a054f6-7a8a-49c0-944e-3a8e5d7adfd7",
    "messages",
    "_apis/{area}/pools/{poolId}/{resource}/{messageId}",
    1,
);
/// `packages/{packageType}[/{platform}[/{version}]]`.
pub(crate) const PACKAGES: Location = task(
    "8ffcd551-079c-493a-9c02-54346299d144",
    "packages",
    "_apis/{area}/{resource}/{packageType}/{platform}/{version}",
    2,
);
/// `GET _apis/ResourceAreas[/{areaId}]` (preview only).
pub(crate) const RESOURCE_AREAS: Location = Location {
    id: "e81700f7-3be2-46de-8624-2eb35882fcaa",
    area: LOCATION,
    resource_name: "ResourceAreas",
    route_template: "_apis/{resource}/{areaId}",
    resource_version: 1,
    min_version: "3.2",
    released_version: "0.0",
};
/// `GET _apis/ConnectionData` (preview only).
pub(crate) const CONNECTION_DATA: Location = Location {
    id: "00d9565f-ed9c-4a06-9a50-00e7896ccab4",
    area: LOCATION,
    resource_name: "ConnectionData",
    route_template: "_apis/{resource}",
    resource_version: 1,
    min_version: "1.0",
    released_version: "0.0",
};

/// Every location served, the location service's own first.
pub(crate) const ALL: [Location; 8] = [
    RESOURCE_AREAS,
    CONNECTION_DATA,
    POOLS,
    AGENTS,
    JOB_REQUESTS,
    SESSIONS,
    MESSAGES,
    PACKAGES,
];

/// A resource area with a `ResourceAreas` entry: its id and name.
pub(crate) const RESOURCE_AREA_LIST: [(&str, &str); 1] = [(DISTRIBUTED_TASK_AREA_ID, DISTRIBUTED_TASK)];

impl Location {
    /// The highest api-version served: the emulator's newest (7.1; Azure DevOps publishes 7.2
    /// today, which the emulator would refuse).
    pub fn max_version(&self) -> &'static str {
        api_version::LATEST_TEXT
    }

    /// Whether a path (the segments after the organization) is one this location's template
    /// makes: literals compared case-insensitively, each `{parameter}` one segment, trailing
    /// parameters optional (clients leave out those without a value).
    #[cfg(test)]
    pub fn matches(&self, segments: &[&str]) -> bool {
        let template: Vec<&str> = self.route_template.split('/').collect();
        if segments.len() > template.len() {
            return false;
        }
        let mut rest = template.iter().skip(segments.len());
        if !rest.all(|t| t.starts_with('{') && !matches!(*t, "{area}" | "{resource}")) {
            return false;
        }
        template.iter().zip(segments).all(|(t, s)| match *t {
            "{area}" => s.eq_ignore_ascii_case(self.area),
            "{resource}" => s.eq_ignore_ascii_case(self.resource_name),
            t if t.starts_with('{') => !s.is_empty(),
            literal => s.eq_ignore_ascii_case(literal),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{AGENTS, ALL, PACKAGES, POOLS, RESOURCE_AREAS};

    fn split(path: &str) -> Vec<&str> {
        path.split('/').collect()
    }

    #[test]
    fn templates_match_paths_with_trailing_parameters_left_out() {
        assert!(POOLS.matches(&split("_apis/distributedtask/pools")));
        assert!(POOLS.matches(&split("_apis/DistributedTask/Pools/3")));
        assert!(!POOLS.matches(&split("_apis/distributedtask/pools/3/agents")));
        assert!(!POOLS.matches(&split("_apis/distributedtask")));
        assert!(AGENTS.matches(&split("_apis/distributedtask/pools/3/agents/7")));
        assert!(!AGENTS.matches(&split("_apis/distributedtask/pools/3")));
        assert!(PACKAGES.matches(&split("_apis/distributedtask/packages/agent/linux-x64")));
        assert!(RESOURCE_AREAS.matches(&split("_apis/resourceareas")));
    }

    #[test]
    fn ids_are_unique_guids() {
        let mut ids: Vec<&str> = ALL.iter().map(|l| l.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), ALL.len());
        assert!(ids.iter().all(|id| uuid::Uuid::parse_str(id).is_ok()));
    }
}
