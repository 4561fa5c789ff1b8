//! The one implementation of ARM's paged lists: the resources the caller may read that pass
//! `$filter`, a page at a time (`$top`), each page after the previous one's last key
//! (`$skiptoken`), with a `nextLink` that repeats the request's path and query while more follow.

use hyper::StatusCode;
use serde_json::{Value, json};

use super::error::ArmError;
use super::filter::{Field, Filter};
use super::route::ArmCall;
use super::skip_token;
use crate::http::Reply;
use crate::model::World;
use crate::model::store;
use crate::rbac;

/// How a list pages and filters.
pub(crate) struct ListRules {
    /// Items per page without `$top`, and the largest `$top` accepted.
    pub page: usize,
    /// Whether `$top` sets the page size (otherwise it is ignored).
    pub top: bool,
    /// The fields `$filter` may name; none: `$filter` is ignored.
    pub filter: &'static [Field],
}

/// Answers a list: `items` are ARM JSON bodies (with their `id`) in the order of their store
/// key; those the caller may read and that pass `$filter` are answered a page at a time.
pub(crate) fn respond(
    call: &ArmCall<'_>,
    world: &World,
    rules: &ListRules,
    items: impl Iterator<Item = Value>,
) -> Result<Reply, ArmError> {
    let filter = match call.request.query("$filter") {
        Some(raw) if !rules.filter.is_empty() => Some(Filter::parse(raw, rules.filter)?),
        _ => None,
    };
    let page_size = match call.request.query("$top") {
        Some(raw) if rules.top => top(raw, rules.page)?,
        _ => rules.page,
    };
    let after = skip_token::after(call)?;
    let mut passing = items
        .map(|item| (store::key(item["id"].as_str().unwrap_or_default()), item))
        .filter(|(key, _)| after.as_ref().is_none_or(|after| key > after))
        .filter(|(_, item)| filter.as_ref().is_none_or(|filter| filter.matches(item)))
        .filter(|(key, _)| readable(world, call, key));
    let page: Vec<(String, Value)> = passing.by_ref().take(page_size).collect();
    let mut body = json!({ "value": page.iter().map(|(_, item)| item).collect::<Vec<_>>() });
    if let (Some((last, _)), Some(_)) = (page.last(), passing.next()) {
        body["nextLink"] = json!(next_link(call, last));
    }
    Ok(Reply::json(StatusCode::OK, &body))
}

/// The page size `$top` asks for: 1 to `max`.
fn top(raw: &str, max: usize) -> Result<usize, ArmError> {
    raw.parse::<usize>()
        .ok()
        .filter(|top| (1..=max).contains(top))
        .ok_or_else(|| {
            ArmError::bad_request(
                "InvalidQueryParameterValue",
                format!(
                    "The value '{raw}' of query parameter '$top' is not valid. It must be an integer between 1 and {max}."
                ),
            )
        })
}

/// Whether the caller may read the resource of store key `key` (its lowercase id): RBAC's
/// `{type}/read` over the resource.
fn readable(world: &World, call: &ArmCall<'_>, key: &str) -> bool {
    rbac::arm_operation("GET", key).is_some_and(|read| {
        world
            .authorizer()
            .is_action_allowed(&call.caller.oid, &read.action, &read.scope)
    })
}

/// The request again, from the page after `last`: its path and query with a new `$skiptoken`.
fn next_link(call: &ArmCall<'_>, last: &str) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in call.request.query.iter().filter(|(name, _)| name != "$skiptoken") {
        query.append_pair(name, value);
    }
    query.append_pair("$skiptoken", &skip_token::encode(last));
    format!("{}{}?{}", call.arm(), call.request.path, query.finish())
}
