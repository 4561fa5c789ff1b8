//! `POST /seed`: adds principals, identities, subscriptions, resource groups and role
//! assignments while the emulator runs.

use hyper::StatusCode;

use super::error;
use crate::arm;
use crate::config::SeedSections;
use crate::http::{Reply, Request};
use crate::model::seeding;
use crate::shared::Shared;

/// Applies the seeds (the config file's seed sections, in JSON) atomically, lets the resource
/// providers take them in, and answers with what was created (every id resolved).
pub(crate) fn handle(shared: &Shared, request: &Request) -> Reply {
    let seeds: SeedSections = match serde_json::from_slice(&request.body) {
        Ok(body) => body,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    let now = shared.clock.instant();
    let mut world = shared.write();
    let mut next = world.clone();
    match seeding::apply(&mut next, &seeds, &shared.settings.location, now) {
        Ok(seeded) => {
            arm::seeded(&mut next, now);
            *world = next;
            Reply::json(StatusCode::OK, &seeded)
        }
        Err(e) => error(StatusCode::BAD_REQUEST, &e.to_string()),
    }
}
