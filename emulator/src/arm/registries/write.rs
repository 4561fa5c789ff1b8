//! PUT and PATCH of a registry. A new registry is created as a long-running operation (201 with
//! `Azure-AsyncOperation`, `Creating` until the emulator's operation duration has passed); a PUT
//! of an existing one and a PATCH apply at once (200). SKUs: `Basic`, `Standard`, `Premium`
//! (`Classic` is refused for new registries, as ACR has since 2019).

use std::collections::BTreeMap;

use hyper::StatusCode;
use serde_json::{Map, Value};

use super::lookup::{not_found, path_id};
use super::names::{already_in_use, invalid_name, name_error, registry_named};
use super::operation;
use crate::arm::body::{self, converting, join};
use crate::arm::error::ArmError;
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::World;
use crate::model::acr::agent_pool::pools_of;
use crate::model::acr::provisioning::Provisioning;
use crate::model::acr::registry::{REGISTRY_TYPE, Registry};
use crate::model::store::Stored;

/// The SKUs a registry may be created with or moved to.
const SKUS: &[&str] = &["Basic", "Standard", "Premium"];

/// The writable part of a PUT or PATCH body, each `None` when left out.
#[derive(Default)]
struct Requested {
    sku: Option<String>,
    tags: Option<BTreeMap<String, String>>,
    admin_user_enabled: Option<bool>,
    public_network_access: Option<String>,
    zone_redundancy: Option<String>,
    anonymous_pull_enabled: Option<bool>,
}

/// 400 `InvalidSku` for a SKU name ACR does not create (the code is undocumented; emulator
/// choice).
fn invalid_sku(given: &str) -> ArmError {
    let hint = if given.eq_ignore_ascii_case("Classic") {
        " Classic registries can no longer be created or updated to."
    } else {
        ""
    };
    ArmError::bad_request(
        "InvalidSku",
        format!("The SKU '{given}' is not valid: expected one of Basic, Standard, Premium.{hint}"),
    )
}

/// The boolean at `key` of `parent` (at `path`), if present.
fn bool_at(parent: &Map<String, Value>, key: &str, path: &str) -> Result<Option<bool>, ArmError> {
    match parent.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(value)) => Ok(Some(*value)),
        Some(other) => Err(converting(other, "System.Boolean", &join(path, key))),
    }
}

/// The string at `key` of `parent` (at `path`), one of `values` in any case, canonical.
fn choice_at(parent: &Map<String, Value>, key: &str, path: &str, values: &[&str]) -> Result<Option<String>, ArmError> {
    let Some(given) = body::string_at(parent, key, path)? else {
        return Ok(None);
    };
    values
        .iter()
        .find(|value| value.eq_ignore_ascii_case(given))
        .map(|value| Some((*value).to_owned()))
        .ok_or_else(|| {
            ArmError::bad_request(
                "InvalidParameter",
                format!(
                    "The value '{given}' of '{}' is not valid: expected one of {}.",
                    join(path, key),
                    values.join(", ")
                ),
            )
        })
}

impl Requested {
    /// Reads a PUT or PATCH body.
    fn parse(request: &Map<String, Value>) -> Result<Self, ArmError> {
        let sku = match request.get("sku") {
            None | Some(Value::Null) => None,
            Some(Value::Object(sku)) => {
                let name = body::string_at(sku, "name", "sku")?.ok_or_else(|| body::required("name", "sku"))?;
                let canonical = SKUS
                    .iter()
                    .find(|s| s.eq_ignore_ascii_case(name))
                    .ok_or_else(|| invalid_sku(name))?;
                Some((*canonical).to_owned())
            }
            Some(other) => return Err(converting(other, "Sku", "sku")),
        };
        let empty = Map::new();
        let properties = match request.get("properties") {
            None | Some(Value::Null) => &empty,
            Some(Value::Object(properties)) => properties,
            Some(other) => return Err(converting(other, "RegistryProperties", "properties")),
        };
        let enabled = ["Enabled", "Disabled"];
        Ok(Requested {
            sku,
            tags: body::tags(request)?,
            admin_user_enabled: bool_at(properties, "adminUserEnabled", "properties")?,
            public_network_access: choice_at(properties, "publicNetworkAccess", "properties", &enabled)?,
            zone_redundancy: choice_at(properties, "zoneRedundancy", "properties", &enabled)?,
            anonymous_pull_enabled: bool_at(properties, "anonymousPullEnabled", "properties")?,
        })
    }

    /// Applies what was given to `registry`.
    fn apply(self, registry: &mut Registry) {
        if let Some(sku) = self.sku {
            registry.sku = sku;
        }
        if let Some(tags) = self.tags {
            registry.tags = tags;
        }
        if let Some(enabled) = self.admin_user_enabled {
            registry.admin_user_enabled = enabled;
        }
        if let Some(access) = self.public_network_access {
            registry.public_network_access = access;
        }
        if let Some(zones) = self.zone_redundancy {
            registry.zone_redundancy = zones;
        }
        if let Some(enabled) = self.anonymous_pull_enabled {
            registry.anonymous_pull_enabled = enabled;
        }
    }
}

/// 400 `RegistrySkuDowngradeNotAllowed` for moving a registry that holds agent pools off
/// Premium (agent pools need Premium; the code is undocumented, emulator choice).
fn downgrade_with_pools(name: &str, sku: &str, pools: usize) -> ArmError {
    ArmError::bad_request(
        "RegistrySkuDowngradeNotAllowed",
        format!(
            "The registry '{name}' holds {pools} agent pool(s), which need the Premium SKU: delete them before moving it to '{sku}'."
        ),
    )
}

/// Applies `requested` to the registry `id` (200), refusing a move off Premium while it holds
/// pools.
fn update(call: &ArmCall<'_>, world: &mut World, id: &str, requested: Requested) -> Result<Reply, ArmError> {
    let clock = &call.shared.clock;
    let (now, wall) = (clock.instant(), clock.now());
    let pools = pools_of(world, id, now).len();
    let registry = world
        .resources
        .get_mut::<Registry>()
        .get_mut(id, now)
        .ok_or_else(|| not_found(call))?;
    if let Some(sku) = &requested.sku
        && sku != "Premium"
        && pools > 0
    {
        return Err(downgrade_with_pools(&registry.name, sku, pools));
    }
    requested.apply(registry);
    registry.modified = wall;
    Ok(Reply::json(StatusCode::OK, &registry.to_json(now)))
}

/// PUT: validates the name and the body; updates the registry of the path (200) or creates a
/// new one (201 with `Azure-AsyncOperation`); 409 `AlreadyInUse` for a name another registry
/// holds.
pub(super) fn put(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let name = call.params[2];
    if let Some(message) = name_error(name) {
        return Err(invalid_name(message));
    }
    let request = body::object(call)?;
    let location = body::location(&request, Some(REGISTRY_TYPE))?;
    let requested = Requested::parse(&request)?;
    let id = path_id(call);
    let clock = &call.shared.clock;
    let (now, wall) = (clock.instant(), clock.now());
    let mut world = call.shared.write();
    let group = call.resource_group(&world)?;
    let (subscription_id, group_name) = (group.subscription_id.clone(), group.name.clone());
    match world.resources.get::<Registry>().and_then(|store| store.get(&id, now)) {
        Some(existing) if existing.location != location => {
            return Err(ArmError::location_conflict(
                name,
                &group_name,
                &existing.location,
                &location,
            ));
        }
        Some(_) => return update(call, &mut world, &id, requested),
        None if registry_named(&world, name, now).is_some() => return Err(already_in_use(name)),
        None => {}
    }
    let sku = requested.sku.clone().ok_or_else(|| body::required("sku", ""))?;
    let mut registry = Registry {
        subscription_id,
        resource_group: group_name,
        name: name.to_owned(),
        location: location.clone(),
        tags: BTreeMap::new(),
        sku,
        admin_user_enabled: false,
        public_network_access: "Enabled".to_owned(),
        zone_redundancy: "Disabled".to_owned(),
        anonymous_pull_enabled: false,
        created: wall,
        modified: wall,
        provisioning: Provisioning::creating(now + call.shared.settings.operation_duration),
    };
    requested.apply(&mut registry);
    let body = registry.to_json(now);
    world.resources.get_mut::<Registry>().insert(registry);
    let handle = operation::start(call, &mut world, &location, 200);
    Ok(handle.with_async_operation(Reply::json(StatusCode::CREATED, &body)))
}

/// PATCH (`RegistryUpdateParameters`): SKU, tags and the writable properties, 200.
pub(super) fn patch(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let request = body::object(call)?;
    let requested = Requested::parse(&request)?;
    let mut world = call.shared.write();
    super::of_path(call, &world)?;
    update(call, &mut world, &path_id(call), requested)
}
