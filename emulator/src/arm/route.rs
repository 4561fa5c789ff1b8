//! The routes of the resource providers: path patterns, methods, access rule and handler.
//! A provider contributes them through [`ResourceProvider::routes`]; its api-versions apply to
//! every one.

use super::auth::Caller;
use super::error::ArmError;
use super::provider::ResourceProvider;
use super::resource_groups;
use crate::http::{Reply, Request};
use crate::model::World;
use crate::model::ids;
use crate::model::resource_groups::ResourceGroup;
use crate::shared::Shared;

/// What the caller needs for the route.
pub(crate) enum Access {
    /// Nothing at the route: a list across scopes, which shows only what the caller may read.
    Filtered,
    /// Any role assignment at, above or below the first `scope_len` path segments (reading a
    /// subscription, polling an operation: what ARM checks there is undocumented; emulator
    /// choice).
    Related { scope_len: usize },
    /// Azure RBAC: the action ARM derives from the method and the path
    /// ([`crate::rbac::arm_operation`]), allowed over its scope by some role assignment.
    Rbac,
}

/// A request that reached its handler.
pub(crate) struct ArmCall<'a> {
    pub shared: &'a Shared,
    pub request: &'a Request,
    /// The values of the pattern's `{params}`, in order.
    pub params: Vec<&'a str>,
    pub api_version: &'a str,
    pub caller: &'a Caller,
}

impl ArmCall<'_> {
    /// The `{*scope}` of the route: the request's segments before the pattern's other
    /// `suffix_len` segments, in the caller's casing.
    pub fn scope(&self, suffix_len: usize) -> crate::rbac::Scope {
        let segments = &self.request.segments;
        crate::rbac::Scope::from_segments(segments[..segments.len().saturating_sub(suffix_len)].to_vec())
    }

    /// The emulator's ARM base URL.
    pub fn arm(&self) -> &str {
        &self.shared.endpoints.arm
    }

    /// The resource group of a path `subscriptions/{subscriptionId}/resourceGroups/{name}/...`
    /// (the first two parameters), as ARM checks it before a resource provider sees the request:
    /// 404 `ResourceGroupNotFound` when it does not exist, and for a write (PUT, PATCH, POST)
    /// 409 `ResourceGroupBeingDeleted` while its deletion runs.
    pub fn resource_group<'w>(&self, world: &'w World) -> Result<&'w ResourceGroup, ArmError> {
        let name = self.params[1];
        let group = world
            .groups
            .get(&ids::resource_group(self.params[0], name), self.shared.clock.instant())
            .ok_or_else(|| resource_groups::not_found(name))?;
        let write = matches!(self.request.method.as_str(), "PUT" | "PATCH" | "POST");
        if write && group.deletion.is_some() {
            return Err(resource_groups::being_deleted(&group.name));
        }
        Ok(group)
    }
}

/// A route handler.
pub(crate) type Handler = fn(&ArmCall<'_>) -> Result<Reply, ArmError>;

/// One route of a provider.
pub(crate) struct Route {
    /// `/`-separated; `{name}` segments are parameters, others literals matched case-insensitively.
    pub pattern: &'static str,
    /// Accepted HTTP methods.
    pub methods: &'static [&'static str],
    pub access: Access,
    pub handler: Handler,
}

/// A pattern segment.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Segment {
    Literal(&'static str),
    Param,
    /// `{*scope}`, first in a pattern: any number of segments (none included), left out of the
    /// params (the handler reads them from the request, see [`ArmCall::scope`]).
    Scope,
}

/// A route with its pattern split into segments, and the provider it belongs to.
pub(crate) struct CompiledRoute {
    pub segments: Vec<Segment>,
    pub route: Route,
    pub provider: &'static dyn ResourceProvider,
}

impl CompiledRoute {
    /// Compiles one of `provider`'s routes.
    pub fn new(route: Route, provider: &'static dyn ResourceProvider) -> Self {
        let segments = route
            .pattern
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| {
                if s.starts_with("{*") {
                    Segment::Scope
                } else if s.starts_with('{') {
                    Segment::Param
                } else {
                    Segment::Literal(s)
                }
            })
            .collect();
        CompiledRoute {
            segments,
            route,
            provider,
        }
    }

    /// The parameter values if `path` matches.
    pub fn matches<'a>(&self, path: &'a [String]) -> Option<Vec<&'a str>> {
        let (segments, path) = match self.segments.split_first() {
            Some((Segment::Scope, rest)) if path.len() >= rest.len() => (rest, &path[path.len() - rest.len()..]),
            Some((Segment::Scope, _)) => return None,
            _ => (self.segments.as_slice(), path),
        };
        if path.len() != segments.len() {
            return None;
        }
        let mut params = Vec::new();
        for (pattern, actual) in segments.iter().zip(path) {
            match pattern {
                Segment::Literal(literal) if literal.eq_ignore_ascii_case(actual) => {}
                Segment::Literal(_) => return None,
                Segment::Param => params.push(actual.as_str()),
                Segment::Scope => return None,
            }
        }
        Some(params)
    }

    /// The subscription of a request to this route: the pattern's `subscriptions/{id}`, or for
    /// a `{*scope}` pattern a scope that starts with `/subscriptions/{id}`.
    pub fn subscription<'a>(&self, path: &'a [String]) -> Option<&'a str> {
        let starts_with_subscription = matches!(
            self.segments.as_slice(),
            [Segment::Literal(first), Segment::Param, ..] if first.eq_ignore_ascii_case("subscriptions")
        );
        let scoped = matches!(self.segments.first(), Some(Segment::Scope))
            && path.len() > self.segments.len()
            && path[0].eq_ignore_ascii_case("subscriptions");
        (starts_with_subscription || scoped).then(|| path[1].as_str())
    }

    /// The namespace after a literal `providers` segment, if the pattern names one.
    pub fn namespace(&self) -> Option<&'static str> {
        self.segments.windows(2).find_map(|pair| match pair {
            [Segment::Literal(p), Segment::Literal(ns)] if p.eq_ignore_ascii_case("providers") => Some(*ns),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{Access, CompiledRoute, Route};
    use crate::arm::api_version::ApiVersions;
    use crate::arm::provider::ResourceProvider;
    use crate::http::Reply;

    struct Nothing;

    impl ResourceProvider for Nothing {
        fn api_versions(&self) -> ApiVersions {
            ApiVersions::Any
        }

        fn routes(&self) -> Vec<Route> {
            Vec::new()
        }
    }

    fn route(pattern: &'static str) -> CompiledRoute {
        let route = Route {
            pattern,
            methods: &["GET"],
            access: Access::Filtered,
            handler: |_| Ok(Reply::empty(hyper::StatusCode::OK)),
        };
        CompiledRoute::new(route, &Nothing)
    }

    fn path(p: &str) -> Vec<String> {
        p.split('/').filter(|s| !s.is_empty()).map(str::to_owned).collect()
    }

    #[test]
    fn literals_match_case_insensitively() {
        let rg = route("subscriptions/{sub}/resourcegroups/{rg}");
        let p = path("/SUBSCRIPTIONS/s1/resourceGroups/My-RG");
        assert_eq!(rg.matches(&p), Some(vec!["s1", "My-RG"]));
        assert!(rg.matches(&path("/subscriptions/s1/resourceGroups")).is_none());
        assert_eq!(rg.subscription(&p), Some("s1"));
        assert_eq!(rg.namespace(), None);
        let aci =
            route("subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.ContainerInstance/containerGroups/{n}");
        assert_eq!(aci.namespace(), Some("Microsoft.ContainerInstance"));
    }

    #[test]
    fn a_scope_pattern_matches_any_prefix() {
        let list = route("{*scope}/providers/Microsoft.Authorization/roleAssignments");
        let at_root = path("/providers/Microsoft.Authorization/roleAssignments");
        assert_eq!(list.matches(&at_root), Some(vec![]));
        assert_eq!(list.subscription(&at_root), None);
        let at_group = path("/subscriptions/s1/resourceGroups/rg/providers/microsoft.authorization/roleassignments");
        assert_eq!(list.matches(&at_group), Some(vec![]));
        assert_eq!(list.subscription(&at_group), Some("s1"));
        assert!(list.matches(&path("/providers/Microsoft.Authorization")).is_none());
        assert!(
            list.matches(&path(
                "/subscriptions/s1/providers/Microsoft.Authorization/roleDefinitions"
            ))
            .is_none()
        );
        let item = route("{*scope}/providers/Microsoft.Authorization/roleAssignments/{name}");
        assert_eq!(
            item.matches(&path(
                "/subscriptions/s1/providers/Microsoft.Authorization/roleAssignments/a"
            )),
            Some(vec!["a"])
        );
        assert_eq!(item.namespace(), Some("Microsoft.Authorization"));
    }
}
