//! `Microsoft.Authorization/roleDefinitions` at any scope: the built-in roles
//! ([`crate::rbac::builtin`]) and custom roles, GET (by GUID), PUT and DELETE of custom roles,
//! and the list with `$filter=roleName eq '{name}'` or `type eq 'BuiltInRole'|'CustomRole'`.
//! Any authenticated caller may read role definitions (as in Azure, where every principal of
//! the tenant can list them); writes are checked by the router
//! (`roleDefinitions/write|delete` over the request's scope) and on every assignable scope
//! ([`crate::rbac::validate::check_role_definition_scopes`]).

use hyper::StatusCode;
use serde_json::{Value, json};

use super::api_version::ApiVersions;
use super::error::ArmError;
use super::provider::ResourceProvider;
use super::rbac_error;
use super::role_assignments::{check_scope, quoted_eq, split_and};
use super::route::{Access, ArmCall, Route};
use crate::clock;
use crate::http::Reply;
use crate::model::ids;
use crate::rbac::validate::{self, Caller};
use crate::rbac::{BUILT_IN_ROLES, RoleDefinition, Scope, builtin, denial};

/// Every api-version of role definitions in the specification (`Azure/azure-rest-api-specs`,
/// `authorization-RoleDefinitionsCalls.json`); the Azure CLI uses 2022-05-01-preview.
const API_VERSIONS: &[&str] = &["2015-07-01", "2018-01-01-preview", "2022-04-01", "2022-05-01-preview"];

/// The role definitions provider.
pub(crate) struct Provider;

impl ResourceProvider for Provider {
    fn api_versions(&self) -> ApiVersions {
        ApiVersions::Only(API_VERSIONS)
    }

    fn routes(&self) -> Vec<Route> {
        vec![
            Route {
                pattern: "{*scope}/providers/Microsoft.Authorization/roleDefinitions",
                methods: &["GET"],
                access: Access::Filtered,
                handler: list,
            },
            Route {
                pattern: "{*scope}/providers/Microsoft.Authorization/roleDefinitions/{roleDefinitionId}",
                methods: &["GET"],
                access: Access::Filtered,
                handler: get,
            },
            Route {
                pattern: "{*scope}/providers/Microsoft.Authorization/roleDefinitions/{roleDefinitionId}",
                methods: &["PUT", "DELETE"],
                access: Access::Rbac,
                handler: write,
            },
        ]
    }
}

fn write(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    if call.request.method == "PUT" {
        put(call)
    } else {
        delete(call)
    }
}

/// A role as ARM shows it at `scope`: its id under the scope's subscription (the tenant form
/// at `/` and management groups).
fn json_at(definition: &RoleDefinition, scope: &Scope) -> Value {
    definition.to_arm_json(scope.subscription_id())
}

/// Every role (built-in, then custom) as definitions.
fn all_roles(custom: &[RoleDefinition]) -> impl Iterator<Item = RoleDefinition> + '_ {
    BUILT_IN_ROLES
        .iter()
        .map(builtin::BuiltInRole::definition)
        .chain(custom.iter().cloned())
}

fn get(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let scope = call.scope(4);
    let guid = call.params[0];
    let world = call.shared.read();
    check_scope(call, &world, &scope)?;
    all_roles(&world.role_definitions)
        .find(|r| r.name.eq_ignore_ascii_case(guid.trim()))
        .map(|r| Reply::json(StatusCode::OK, &json_at(&r, &scope)))
        .ok_or_else(|| rbac_error(denial::role_definition_does_not_exist(guid, 404)))
}

/// What a list's `$filter` asks for.
#[derive(Default)]
struct DefinitionFilter {
    role_name: Option<String>,
    role_type: Option<String>,
}

fn parse_filter(raw: &str) -> Result<DefinitionFilter, ArmError> {
    let invalid = || super::filter::invalid_filter(raw);
    let mut filter = DefinitionFilter::default();
    for clause in split_and(raw) {
        let clause = clause.trim();
        if let Some(name) = quoted_eq(clause, "roleName") {
            if filter.role_name.replace(name).is_some() {
                return Err(invalid());
            }
        } else if let Some(kind) = quoted_eq(clause, "type") {
            if filter.role_type.replace(kind).is_some() {
                return Err(invalid());
            }
        } else {
            return Err(invalid());
        }
    }
    Ok(filter)
}

/// GET of the roles usable at the scope: every built-in role, and the custom roles with an
/// assignable scope at, above or below it.
fn list(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let scope = call.scope(3);
    let filter = match call.request.query("$filter") {
        Some(raw) if !raw.trim().is_empty() => parse_filter(raw)?,
        _ => DefinitionFilter::default(),
    };
    let world = call.shared.read();
    check_scope(call, &world, &scope)?;
    let value: Vec<Value> = all_roles(&world.role_definitions)
        .filter(|r| r.assignable_scopes.iter().any(|s| Scope::parse(s).is_related(&scope)))
        .filter(|r| {
            filter
                .role_name
                .as_deref()
                .is_none_or(|n| r.role_name.eq_ignore_ascii_case(n))
        })
        .filter(|r| {
            filter
                .role_type
                .as_deref()
                .is_none_or(|t| r.role_type.as_str().eq_ignore_ascii_case(t))
        })
        .map(|r| json_at(&r, &scope))
        .collect();
    Ok(Reply::json(StatusCode::OK, &json!({ "value": value })))
}

/// PUT of a custom role: 201 created, 200 updated.
fn put(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let scope = call.scope(4);
    let guid = call.params[0];
    let body = Value::Object(super::body::object(call)?);
    let mut definition =
        validate::parse_role_definition_body(guid, &body, Some(&call.caller.oid)).map_err(rbac_error)?;
    let mut world = call.shared.write();
    check_scope(call, &world, &scope)?;
    let creates = validate::check_custom_role_put(&definition, &world.role_definitions).map_err(rbac_error)?;
    {
        let now = call.shared.clock.instant();
        let exists = |s: &Scope| match (s.subscription_id(), s.resource_group()) {
            (Some(sub), Some(group)) => {
                world.subscription(sub).is_some() && world.groups.get(&ids::resource_group(sub, group), now).is_some()
            }
            (Some(sub), None) => world.subscription(sub).is_some(),
            _ => true,
        };
        let caller = Caller {
            client: &call.caller.appid,
            object_id: &call.caller.oid,
        };
        validate::check_role_definition_scopes(&definition, &world.authorizer(), caller, &scope, &exists)
            .map_err(rbac_error)?;
    }
    let now = clock::rfc3339(call.shared.clock.now());
    let existing = world
        .role_definitions
        .iter()
        .position(|r| r.name.eq_ignore_ascii_case(&definition.name));
    definition.updated_on = Some(now.clone());
    match existing {
        Some(index) => {
            let old = &world.role_definitions[index];
            definition.created_on = old.created_on.clone();
            definition.created_by = old.created_by.clone();
            world.role_definitions[index] = definition.clone();
        }
        None => {
            definition.created_on = Some(now);
            world.role_definitions.push(definition.clone());
        }
    }
    let status = if creates { StatusCode::CREATED } else { StatusCode::OK };
    Ok(Reply::json(status, &json_at(&definition, &scope)))
}

/// DELETE of a custom role: 200 with it, 204 when there is none; a built-in role cannot be
/// deleted (emulator choice: 400 `InvalidRoleDefinition`), nor a role still assigned (400
/// `RoleDefinitionHasAssignments`).
fn delete(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let scope = call.scope(4);
    let guid = call.params[0];
    let mut world = call.shared.write();
    check_scope(call, &world, &scope)?;
    if builtin::by_id(guid).is_some() {
        return Err(rbac_error(denial::invalid_role_definition(
            "Built-in role definitions cannot be deleted.",
        )));
    }
    let Some(index) = world
        .role_definitions
        .iter()
        .position(|r| r.name.eq_ignore_ascii_case(guid.trim()))
    else {
        return Ok(Reply::empty(StatusCode::NO_CONTENT));
    };
    validate::check_custom_role_delete(guid, &world.authorizer()).map_err(rbac_error)?;
    let removed = world.role_definitions.remove(index);
    Ok(Reply::json(StatusCode::OK, &json_at(&removed, &scope)))
}
