//! The requests on one account (GET, PUT, PATCH, DELETE) and the lists.

use hyper::StatusCode;

use super::create;
use super::properties::Requested;
use crate::arm::body;
use crate::arm::error::ArmError;
use crate::arm::list::{self, ListRules};
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::storage::{ACCOUNT_TYPE, accounts, accounts_mut, remove_account};
use crate::model::store::Stored;
use crate::model::{World, ids};

/// Pages of 100 accounts (emulator choice: the service's page size is undocumented); the lists
/// take neither `$top` nor `$filter`.
const RULES: ListRules = ListRules {
    page: 100,
    top: false,
    filter: &[],
};

/// Routes a request on one account by method.
pub(super) fn item(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    match call.request.method.as_str() {
        "GET" => get(call),
        "PUT" => create::put(call),
        "PATCH" => patch(call),
        _ => delete(call),
    }
}

/// The id of the account of the request's path.
pub(super) fn account_id(call: &ArmCall<'_>) -> String {
    ids::resource(call.params[0], call.params[1], ACCOUNT_TYPE, call.params[2])
}

/// ARM's 404 for the account of the request's path.
pub(super) fn not_found(call: &ArmCall<'_>) -> ArmError {
    ArmError::resource_not_found(ACCOUNT_TYPE, call.params[2], call.params[1])
}

/// GET: the account (`Creating` until its creation completes), or 404 `ResourceNotFound`.
fn get(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let now = call.shared.clock.instant();
    let world = call.shared.read();
    call.resource_group(&world)?;
    let account = accounts(&world)
        .and_then(|store| store.get(&account_id(call), now))
        .ok_or_else(|| not_found(call))?;
    Ok(Reply::json(StatusCode::OK, &account.to_json(now)))
}

/// PATCH: updates the SKU, kind, tags and properties given (200 with the account).
fn patch(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let requested = Requested::parse(&body::object(call)?)?;
    let clock = &call.shared.clock;
    let (now, wall) = (clock.instant(), clock.now());
    let mut world = call.shared.write();
    call.resource_group(&world)?;
    let account = accounts_mut(&mut world)
        .get_mut(&account_id(call), now)
        .ok_or_else(|| not_found(call))?;
    requested.apply(account, wall);
    Ok(Reply::json(StatusCode::OK, &account.to_json(now)))
}

/// DELETE: 200 when the account existed (it, its containers and their blob files are gone),
/// 204 when not.
fn delete(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let removed = {
        let mut world = call.shared.write();
        call.resource_group(&world)?;
        remove_account(&mut world, &account_id(call))
    };
    match removed {
        Some(_) => {
            crate::blob::drop_orphans(call.shared);
            Ok(Reply::empty(StatusCode::OK))
        }
        None => Ok(Reply::empty(StatusCode::NO_CONTENT)),
    }
}

/// GET of a resource group's accounts.
pub(super) fn list_resource_group(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let world = call.shared.read();
    let prefix = call.resource_group(&world)?.scope();
    list(call, &world, &prefix)
}

/// GET of a subscription's accounts (those the caller may read).
pub(super) fn list_subscription(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let world = call.shared.read();
    list(call, &world, &ids::resource_groups_of(call.params[0]))
}

/// A page of the accounts under `prefix`.
fn list(call: &ArmCall<'_>, world: &World, prefix: &str) -> Result<Reply, ArmError> {
    let now = call.shared.clock.instant();
    let items = accounts(world)
        .into_iter()
        .flat_map(|store| store.under(prefix, now))
        .map(|account| account.to_json(now));
    list::respond(call, world, &RULES, items)
}
