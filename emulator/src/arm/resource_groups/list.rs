//! Listing the resource groups of a subscription, a page at a time.

use hyper::StatusCode;
use serde_json::json;

use super::filter::TagFilter;
use crate::arm::error::ArmError;
use crate::arm::route::ArmCall;
use crate::arm::skip_token;
use crate::http::Reply;
use crate::model::resource_groups::ResourceGroup;
use crate::model::roles::{Action, is_authorized};

/// Page size when the request has no `$top` (ARM's maximum).
const MAX_PAGE: usize = 1000;

/// GET of the collection: the groups the caller may read that pass the tag `$filter`, a page at
/// a time (`$top`, `$skiptoken`).
pub(super) fn list(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let subscription = call.params[0];
    let filter_text = call.request.query("$filter");
    let filter = filter_text.map(TagFilter::parse).transpose()?;
    let top = match call.request.query("$top") {
        None => None,
        Some(raw) => Some(
            raw.parse::<usize>()
                .ok()
                .filter(|top| (1..=MAX_PAGE).contains(top))
                .ok_or_else(|| {
                    ArmError::bad_request(
                        "InvalidQueryParameterValue",
                        format!(
                            "The value '{raw}' of query parameter '$top' is not valid. It must be an integer between 1 and {MAX_PAGE}."
                        ),
                    )
                })?,
        ),
    };
    let after = skip_token::after(call)?;
    let page_size = top.unwrap_or(MAX_PAGE);
    let world = call.shared.read();
    let mut readable = world
        .groups
        .list_after(subscription, after.as_deref(), call.shared.clock.instant())
        .filter(|group| filter.as_ref().is_none_or(|f| f.matches(group)))
        .filter(|group| {
            is_authorized(
                &world.role_assignments,
                &call.caller.oid,
                Action::Read,
                &["subscriptions", &group.subscription_id, "resourcegroups", &group.name],
            )
        });
    let page: Vec<&ResourceGroup> = readable.by_ref().take(page_size).collect();
    let mut body = json!({ "value": page.iter().map(|g| g.to_json()).collect::<Vec<_>>() });
    if let (Some(last), Some(_)) = (page.last(), readable.next()) {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.append_pair("api-version", call.api_version);
        if let Some(filter) = filter_text {
            query.append_pair("$filter", filter);
        }
        if let Some(top) = top {
            query.append_pair("$top", &top.to_string());
        }
        query.append_pair("$skiptoken", &skip_token::encode(&last.name.to_lowercase()));
        body["nextLink"] = json!(format!(
            "{}/subscriptions/{subscription}/resourcegroups?{}",
            call.arm(),
            query.finish()
        ));
    }
    Ok(Reply::json(StatusCode::OK, &body))
}
