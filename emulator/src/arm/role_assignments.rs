//! `Microsoft.Authorization/roleAssignments` at any scope (`/`, a subscription, a resource
//! group, a resource): PUT (create), GET, DELETE, and the list with `$filter=atScope()` and
//! `principalId eq '{id}'`. The checks on a PUT are [`crate::rbac::validate`]'s; the RBAC check of
//! the request itself (`roleAssignments/write` over the new assignment's id) is the router's.

use hyper::StatusCode;
use serde_json::{Value, json};

use super::api_version::ApiVersions;
use super::error::ArmError;
use super::provider::ResourceProvider;
use super::route::{Access, ArmCall, Route};
use super::{body, rbac_error, resource_groups, subscriptions};
use crate::clock;
use crate::http::Reply;
use crate::model::World;
use crate::rbac::validate::{self, AssignmentOutcome, AssignmentPut};
use crate::rbac::{PrincipalType, RoleAssignment, Scope};

/// Every api-version ARM has accepted for role assignments: the list of its 2021
/// `InvalidApiVersionParameter` answer, then 2020-10-01-preview, 2022-01-01-preview and
/// 2022-04-01 (the specification's files in `Azure/azure-rest-api-specs`).
const API_VERSIONS: &[&str] = &[
    "2014-04-01-preview",
    "2014-07-01-preview",
    "2014-10-01-preview",
    "2015-05-01-preview",
    "2015-06-01",
    "2015-07-01",
    "2016-07-01",
    "2017-05-01",
    "2017-09-01",
    "2017-10-01-preview",
    "2018-01-01-preview",
    "2018-07-01",
    "2018-09-01-preview",
    "2018-12-01-preview",
    "2019-04-01-preview",
    "2020-03-01-preview",
    "2020-04-01-preview",
    "2020-08-01-preview",
    "2020-10-01-preview",
    "2021-04-01-preview",
    "2022-01-01-preview",
    "2022-04-01",
];

/// The role assignments provider.
pub(crate) struct Provider;

impl ResourceProvider for Provider {
    fn api_versions(&self) -> ApiVersions {
        ApiVersions::Only(API_VERSIONS)
    }

    fn routes(&self) -> Vec<Route> {
        vec![
            Route {
                pattern: "{*scope}/providers/Microsoft.Authorization/roleAssignments",
                methods: &["GET"],
                access: Access::Rbac,
                handler: list,
            },
            Route {
                pattern: "{*scope}/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}",
                methods: &["GET", "PUT", "DELETE"],
                access: Access::Rbac,
                handler: item,
            },
        ]
    }
}

/// The subscription and resource group of `scope` must exist, as ARM checks before the
/// provider sees the request (404 `SubscriptionNotFound`, `ResourceGroupNotFound`); resources
/// below a group are not checked (the emulator does not hold every resource type).
pub(super) fn check_scope(call: &ArmCall<'_>, world: &World, scope: &Scope) -> Result<(), ArmError> {
    if let Some(subscription) = scope.subscription_id() {
        world
            .subscription(subscription)
            .ok_or_else(|| subscriptions::not_found(subscription))?;
        if let Some(group) = scope.resource_group() {
            let id = crate::model::ids::resource_group(subscription, group);
            world
                .groups
                .get(&id, call.shared.clock.instant())
                .ok_or_else(|| resource_groups::not_found(group))?;
        }
    }
    Ok(())
}

/// Whether a principal with this object id exists in the directory.
pub(super) fn principal_exists(world: &World, object_id: &str) -> bool {
    world
        .service_principals
        .iter()
        .any(|sp| sp.object_id.eq_ignore_ascii_case(object_id))
        || world
            .identities
            .iter()
            .any(|mi| mi.principal_id.eq_ignore_ascii_case(object_id))
}

fn item(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    match call.request.method.as_str() {
        "GET" => get(call),
        "PUT" => put(call),
        _ => delete(call),
    }
}

/// The scope and the name of an item request.
fn scope_and_name<'a>(call: &ArmCall<'a>) -> (Scope, &'a str) {
    (call.scope(4), call.params[0])
}

/// ARM's 404 for an assignment that does not exist at the scope (the code Azure answers; the
/// wording is the emulator's choice).
fn not_found(name: &str) -> ArmError {
    ArmError::new(
        StatusCode::NOT_FOUND,
        "RoleAssignmentNotFound",
        format!("The role assignment '{name}' is not found."),
    )
}

fn get(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let (scope, name) = scope_and_name(call);
    let world = call.shared.read();
    check_scope(call, &world, &scope)?;
    world
        .role_assignments
        .iter()
        .find(|a| a.name.eq_ignore_ascii_case(name) && a.scope == scope)
        .map(|a| Reply::json(StatusCode::OK, &a.to_arm_json()))
        .ok_or_else(|| not_found(name))
}

/// PUT: 201 with the new assignment; 201 again with the same one when the same grant is put
/// under the same name (ARM answers an idempotent PUT as a create).
fn put(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let (scope, name) = scope_and_name(call);
    let body = Value::Object(body::object(call)?);
    let request = validate::parse_role_assignment_body(&body).map_err(rbac_error)?;
    let mut world = call.shared.write();
    check_scope(call, &world, &scope)?;
    let outcome = {
        let authorizer = world.authorizer();
        validate::check_role_assignment_put(&AssignmentPut {
            scope: &scope,
            name,
            request: &request,
            authorizer: &authorizer,
            principal_exists: principal_exists(&world, &request.principal_id),
            tenant_id: &call.caller.tid,
        })
        .map_err(rbac_error)?
    };
    if outcome == AssignmentOutcome::Unchanged {
        let existing = world
            .role_assignments
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
            .map(RoleAssignment::to_arm_json)
            .unwrap_or_default();
        return Ok(Reply::json(StatusCode::CREATED, &existing));
    }
    let now = clock::rfc3339(call.shared.clock.now());
    let mut assignment = RoleAssignment::new(
        name.trim().to_ascii_lowercase(),
        scope,
        request.role_definition,
        request.principal_id,
        request.principal_type.unwrap_or(PrincipalType::ServicePrincipal),
    );
    assignment.description = request.description;
    assignment.created_on = Some(now.clone());
    assignment.updated_on = Some(now);
    assignment.created_by = Some(call.caller.oid.clone());
    assignment.updated_by = Some(call.caller.oid.clone());
    let reply = Reply::json(StatusCode::CREATED, &assignment.to_arm_json());
    world.role_assignments.push(assignment);
    Ok(reply)
}

/// DELETE: 200 with the deleted assignment, 204 when there is none.
fn delete(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let (scope, name) = scope_and_name(call);
    let mut world = call.shared.write();
    check_scope(call, &world, &scope)?;
    let Some(index) = world
        .role_assignments
        .iter()
        .position(|a| a.name.eq_ignore_ascii_case(name) && a.scope == scope)
    else {
        return Ok(Reply::empty(StatusCode::NO_CONTENT));
    };
    let removed = world.role_assignments.remove(index);
    Ok(Reply::json(StatusCode::OK, &removed.to_arm_json()))
}

/// What a list's `$filter` asks for.
#[derive(Default)]
struct AssignmentFilter {
    /// `atScope()`: only assignments at the scope or above it.
    at_scope: bool,
    /// `principalId eq '{id}'`.
    principal_id: Option<String>,
}

/// Parses `atScope()`, `principalId eq '{id}'` or `assignedTo('{id}')`, joined by `and`; anything else is 400
/// `InvalidFilterInQueryString`.
fn parse_filter(raw: &str) -> Result<AssignmentFilter, ArmError> {
    let invalid = || super::filter::invalid_filter(raw);
    let mut filter = AssignmentFilter::default();
    for clause in split_and(raw) {
        let clause = clause.trim();
        if clause.eq_ignore_ascii_case("atScope()") && !filter.at_scope {
            filter.at_scope = true;
            continue;
        }
        let value = quoted_eq(clause, "principalId")
            .or_else(|| assigned_to(clause))
            .ok_or_else(invalid)?;
        if filter.principal_id.replace(value).is_some() {
            return Err(invalid());
        }
    }
    Ok(filter)
}

/// The principal of `assignedTo('{id}')`: the assignments of a principal, directly or through
/// its groups (the emulator has no groups, so it is `principalId eq`).
fn assigned_to(clause: &str) -> Option<String> {
    let (name, rest) = clause.split_once('(')?;
    if !name.trim().eq_ignore_ascii_case("assignedTo") {
        return None;
    }
    let inner = rest.trim().strip_suffix(')')?.trim();
    Some(inner.strip_prefix('\'')?.strip_suffix('\'')?.replace("''", "'"))
}

/// The clauses of a filter joined by ` and ` (any case).
pub(super) fn split_and(raw: &str) -> Vec<&str> {
    let lower = raw.to_ascii_lowercase();
    let mut clauses = Vec::new();
    let mut start = 0;
    while let Some(found) = lower[start..].find(" and ") {
        clauses.push(&raw[start..start + found]);
        start += found + 5;
    }
    clauses.push(&raw[start..]);
    clauses
}

/// The value of `{field} eq '{value}'` (keywords any case, `''` a quote inside the value).
pub(super) fn quoted_eq(clause: &str, field: &str) -> Option<String> {
    let mut words = clause.splitn(3, ' ');
    let name = words.next()?;
    let op = words.next()?;
    let value = words.next()?.trim();
    if !name.eq_ignore_ascii_case(field) || !op.eq_ignore_ascii_case("eq") {
        return None;
    }
    let inner = value.strip_prefix('\'')?.strip_suffix('\'')?;
    Some(inner.replace("''", "'"))
}

/// GET of the assignments that concern the scope: at it, above it, and below it (without
/// `atScope()`), optionally of one principal.
fn list(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let scope = call.scope(3);
    let filter = match call.request.query("$filter") {
        Some(raw) if !raw.trim().is_empty() => parse_filter(raw)?,
        _ => AssignmentFilter::default(),
    };
    let world = call.shared.read();
    check_scope(call, &world, &scope)?;
    let value: Vec<Value> = world
        .role_assignments
        .iter()
        .filter(|a| {
            if filter.at_scope {
                a.applies_to(&scope)
            } else {
                a.scope.is_related(&scope)
            }
        })
        .filter(|a| filter.principal_id.as_deref().is_none_or(|p| a.is_for(p)))
        .map(RoleAssignment::to_arm_json)
        .collect();
    Ok(Reply::json(StatusCode::OK, &json!({ "value": value })))
}

#[cfg(test)]
mod tests {
    use super::{parse_filter, quoted_eq, split_and};

    #[test]
    fn filters() {
        assert_eq!(
            split_and("atScope() AND principalId eq 'x'"),
            ["atScope()", "principalId eq 'x'"]
        );
        assert_eq!(
            quoted_eq("principalid EQ 'a''b'", "principalId").as_deref(),
            Some("a'b")
        );
        let both = parse_filter("atScope() and principalId eq 'p'").unwrap();
        assert!(both.at_scope);
        assert_eq!(both.principal_id.as_deref(), Some("p"));
        assert!(parse_filter("principalId ne 'p'").is_err());
        let assigned = parse_filter("atScope() and assignedTo('q')").unwrap();
        assert_eq!(assigned.principal_id.as_deref(), Some("q"));
        assert!(parse_filter("assignedTo('q') and principalId eq 'p'").is_err());
        assert!(parse_filter("atScope() and atScope()").is_err());
    }
}
