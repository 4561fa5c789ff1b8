//! PUT and PATCH of an agent pool, both long-running operations (`AgentPools_Create`: 201 for a
//! new pool, 200 for an existing one; `AgentPools_Update`: 200), answered with the pool and an
//! `Azure-AsyncOperation` to poll, in both api-versions. The pool is `Creating` or `Updating`
//! until the emulator's operation duration has passed, then `Succeeded`. Every rule of
//! [`super::rules`] is checked before anything is written. A PUT of an existing pool may change
//! its count and tags, not its tier, OS or subnet (the service's answer to that is
//! undocumented: 400 `PropertyChangeNotAllowed`, emulator choice). A new count is handed to
//! the run queues at once ([`dispatch`]).

use hyper::StatusCode;
use serde_json::{Map, Value};

use super::pool_id;
use super::rules;
use crate::arm::acr_runs::dispatch;
use crate::arm::body::{self, converting};
use crate::arm::error::ArmError;
use crate::arm::registries::{of_path, start_operation};
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::acr::agent_pool::{AGENT_POOL_TYPE, AgentPool, pools_of};
use crate::model::acr::provisioning::Provisioning;
use crate::model::store::Stored;

/// The `properties` of a body (empty when left out).
fn properties(request: &Map<String, Value>) -> Result<Map<String, Value>, ArmError> {
    match request.get("properties") {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(properties)) => Ok(properties.clone()),
        Some(other) => Err(converting(other, "AgentPoolProperties", "properties")),
    }
}

/// The count of `properties`, if given.
fn count_of(properties: &Map<String, Value>) -> Result<Option<u32>, ArmError> {
    properties
        .get("count")
        .filter(|v| !v.is_null())
        .map(rules::count)
        .transpose()
}

/// What a PUT asks for.
struct Requested {
    location: String,
    tier: String,
    count: u32,
    os: String,
    subnet_id: Option<String>,
    tags: Option<std::collections::BTreeMap<String, String>>,
}

impl Requested {
    /// Reads and checks a PUT body: tier `S1`, count 1 and `Linux` when left out (the defaults
    /// of `az acr agentpool create`; the service's are undocumented).
    fn parse(request: &Map<String, Value>) -> Result<Self, ArmError> {
        let location = body::location(request, Some(AGENT_POOL_TYPE))?;
        let properties = properties(request)?;
        let tier = body::string_at(&properties, "tier", "properties")?.map_or(Ok("S1".to_owned()), rules::tier)?;
        let os = body::string_at(&properties, "os", "properties")?.map_or(Ok("Linux".to_owned()), rules::os)?;
        let subnet_id = body::string_at(&properties, "virtualNetworkSubnetResourceId", "properties")?
            .map(rules::subnet)
            .transpose()?;
        Ok(Requested {
            location,
            tier,
            count: count_of(&properties)?.unwrap_or(1),
            os,
            subnet_id,
            tags: body::tags(request)?,
        })
    }
}

/// 400 `PropertyChangeNotAllowed` for a PUT that would change `name` of an existing pool.
fn change_not_allowed(name: &str, from: &str, to: &str) -> ArmError {
    ArmError::bad_request(
        "PropertyChangeNotAllowed",
        format!(
            "The agent pool's {name} cannot be changed from '{from}' to '{to}': delete the pool and create it again."
        ),
    )
}

/// The pool's answer with an `Azure-AsyncOperation` for a write that completes after the
/// emulator's operation duration.
fn answered(call: &ArmCall<'_>, world: &mut crate::model::World, pool: &AgentPool, status: StatusCode) -> Reply {
    let body = pool.to_json(call.shared.clock.instant());
    start_operation(call, world, &pool.location, 200).with_async_operation(Reply::json(status, &body))
}

/// PUT: creates the pool (201) or updates the count and tags of the existing one (200).
pub(super) fn put(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let name = call.params[3];
    rules::check_name(name)?;
    let request = body::object(call)?;
    let requested = Requested::parse(&request)?;
    let clock = &call.shared.clock;
    let (now, wall) = (clock.instant(), clock.now());
    let settles_at = now + call.shared.settings.operation_duration;
    let mut world = call.shared.write();
    let registry = of_path(call, &world)?;
    rules::premium(registry)?;
    rules::same_location(registry, &requested.location)?;
    if let Some(subnet_id) = &requested.subnet_id {
        super::subnet::check(call, &world, subnet_id, now)?;
    }
    let registry_id = registry.id();
    let id = pool_id(&registry_id, name);
    let pools = pools_of(&world, &registry_id, now);
    rules::quota(&pools, name, &requested.tier, requested.count)?;
    let existing = world
        .resources
        .get::<AgentPool>()
        .and_then(|store| store.get(&id, now))
        .cloned();
    let (pool, status) = match existing {
        Some(mut pool) => {
            if pool.tier != requested.tier {
                return Err(change_not_allowed("tier", &pool.tier, &requested.tier));
            }
            if pool.subnet_id != requested.subnet_id {
                let shown = |s: &Option<String>| s.clone().unwrap_or_default();
                return Err(change_not_allowed(
                    "virtualNetworkSubnetResourceId",
                    &shown(&pool.subnet_id),
                    &shown(&requested.subnet_id),
                ));
            }
            pool.count = requested.count;
            if let Some(tags) = requested.tags {
                pool.tags = tags;
            }
            pool.modified = wall;
            pool.provisioning.update(settles_at);
            (pool, StatusCode::OK)
        }
        None => (
            AgentPool {
                registry_id,
                name: name.to_owned(),
                location: requested.location,
                tags: requested.tags.unwrap_or_default(),
                tier: requested.tier,
                count: requested.count,
                os: requested.os,
                subnet_id: requested.subnet_id,
                created: wall,
                modified: wall,
                provisioning: Provisioning::creating(settles_at),
            },
            StatusCode::CREATED,
        ),
    };
    world.resources.get_mut::<AgentPool>().insert(pool.clone());
    dispatch(&mut world, wall, now);
    Ok(answered(call, &mut world, &pool, status))
}

/// PATCH (`AgentPoolUpdateParameters`): `properties.count` and `tags`, 200.
pub(super) fn patch(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let request = body::object(call)?;
    let count = count_of(&properties(&request)?)?;
    let tags = body::tags(&request)?;
    let clock = &call.shared.clock;
    let (now, wall) = (clock.instant(), clock.now());
    let mut world = call.shared.write();
    let registry = of_path(call, &world)?;
    let registry_id = registry.id();
    let id = pool_id(&registry_id, call.params[3]);
    let mut pool = world
        .resources
        .get::<AgentPool>()
        .and_then(|store| store.get(&id, now))
        .cloned()
        .ok_or_else(|| super::not_found(call))?;
    if let Some(count) = count {
        rules::quota(&pools_of(&world, &registry_id, now), &pool.name, &pool.tier, count)?;
        pool.count = count;
    }
    if let Some(tags) = tags {
        pool.tags = tags;
    }
    pool.modified = wall;
    pool.provisioning.update(now + call.shared.settings.operation_duration);
    world.resources.get_mut::<AgentPool>().insert(pool.clone());
    dispatch(&mut world, wall, now);
    Ok(answered(call, &mut world, &pool, StatusCode::OK))
}
