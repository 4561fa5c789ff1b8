//! What a resource provider implements, once per resource type (or, for the built-in
//! `Microsoft.Resources` endpoints, per family of endpoints), and what the ARM listener, the
//! resource group cascade, the generic resource list, seeding and the clock ask of it. Every
//! provider is listed once, in [`super::PROVIDERS`].

use std::time::Instant;

use serde_json::Value;
use time::OffsetDateTime;

use super::api_version::ApiVersions;
use super::route::Route;
use crate::model::World;
use crate::model::resource_groups::ResourceGroup;
use crate::shared::Shared;

/// A resource type the emulator's ARM serves.
pub(crate) trait ResourceProvider: Sync {
    /// The api-versions every one of its routes accepts: all the versions the real provider
    /// publishes (an unlisted one is answered `InvalidApiVersionParameter` with this list).
    fn api_versions(&self) -> ApiVersions;

    /// Its routes: path patterns, methods, access rules and handlers (which validate requests).
    fn routes(&self) -> Vec<Route>;

    /// Brings its resources up to the emulator's time. Called before each request to one of its
    /// routes, and after the clock is moved forward (`POST /clock/advance`).
    fn catch_up(&self, _shared: &Shared) {}

    /// Deletes its resources in `group`, whose deletion has just been accepted (at `now` on the
    /// emulator's wall clock). Returns the container process runs it stopped, which the caller
    /// kills once the state is unlocked.
    fn delete_in_group(&self, _world: &mut World, _group: &ResourceGroup, _now: OffsetDateTime) -> Vec<u64> {
        Vec::new()
    }

    /// Its live resources whose id starts with `prefix` (any case), as their ARM JSON, for the
    /// generic resource list.
    fn resources_under(&self, _world: &World, _prefix: &str, _now: Instant) -> Vec<Value> {
        Vec::new()
    }

    /// Takes in what seeding (the configuration, `POST /seed`) just put into `world` at the
    /// emulator time `now`, e.g. the resources behind seeded principals.
    fn seeded(&self, _world: &mut World, _now: Instant) {}
}
