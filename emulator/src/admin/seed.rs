//! `POST /seed`: adds principals, identities, subscriptions, resource groups and role
//! assignments while the emulator runs.

use hyper::StatusCode;

use super::{control_error, parse};
use crate::config::SeedSections;
use crate::control::Control;
use crate::http::{Reply, Request};

/// Applies the seeds (the config file's seed sections, in JSON) atomically, lets the resource
/// providers take them in, and answers with what was created (every id resolved).
pub(crate) fn handle(control: &Control, request: &Request) -> Reply {
    let seeds: SeedSections = match parse(request) {
        Ok(body) => body,
        Err(bad) => return bad.into(),
    };
    match control.seed(&seeds) {
        Ok(seeded) => Reply::json(StatusCode::OK, &seeded),
        Err(e) => control_error(&e),
    }
}
