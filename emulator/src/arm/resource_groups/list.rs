//! Listing the resource groups of a subscription, a page at a time.

use crate::arm::error::ArmError;
use crate::arm::filter::TAG_FIELDS;
use crate::arm::list::{self, ListRules};
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::ids;
use crate::model::store::Stored;

/// Pages of at most 1,000 groups (ARM's maximum), `$top` for fewer, tag filters.
const RULES: ListRules = ListRules {
    page: 1000,
    top: true,
    filter: TAG_FIELDS,
};

/// GET of the collection: the groups the caller may read that pass the tag `$filter`, a page at
/// a time (`$top`, `$skiptoken`).
pub(super) fn list(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let now = call.shared.clock.instant();
    let world = call.shared.read();
    let groups = world
        .groups
        .under(&ids::resource_groups_of(call.params[0]), now)
        .map(|group| group.to_json(now));
    list::respond(call, &world, &RULES, groups)
}
