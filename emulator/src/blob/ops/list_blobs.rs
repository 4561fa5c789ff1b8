//! List Blobs: `GET /{container}?restype=container&comp=list` with `prefix`, `delimiter`
//! (virtual directories as `<BlobPrefix>`), `marker`/`NextMarker`, `maxresults` and
//! `include=metadata` (learn.microsoft.com "List Blobs"). Markers are the name of the first
//! entry not yet returned.

use hyper::StatusCode;

use crate::blob::auth::times::rfc1123;
use crate::blob::authorize::authorize;
use crate::blob::call::Call;
use crate::blob::data::{BlobKind, BlobProps};
use crate::blob::error::{BlobError, container_not_found, invalid_query};
use crate::blob::wire::xml;
use crate::blob::xml::{DECLARATION, element, escape};
use crate::http::Reply;
use crate::model::storage::StorageAccount;
use crate::rbac::blob::BlobOperation;

use super::containers::metadata_xml;

/// The most entries one page holds, and the default (learn.microsoft.com "List Blobs").
const MAX_RESULTS: usize = 5000;

/// `maxresults`: 1 to 5000 (larger values are 5000, as Storage); else 400
/// `OutOfRangeQueryParameterValue` / `InvalidQueryParameterValue`.
pub(crate) fn max_results(call: &Call<'_>) -> Result<usize, BlobError> {
    let Some(text) = call.query("maxresults") else {
        return Ok(MAX_RESULTS);
    };
    match text.parse::<i64>() {
        Ok(n) if n >= 1 => Ok(usize::try_from(n).unwrap_or(MAX_RESULTS).min(MAX_RESULTS)),
        Ok(_) => Err(BlobError::new(
            StatusCode::BAD_REQUEST,
            "OutOfRangeQueryParameterValue",
            format!(
                "One of the query parameters specified in the request URI is outside the permissible range. Query parameter 'maxresults' has value '{text}'."
            ),
        )),
        Err(_) => Err(invalid_query("maxresults", text)),
    }
}

/// What List Blobs' `include` may name (learn.microsoft.com "List Blobs").
pub(crate) const BLOB_INCLUDES: &[&str] = &[
    "metadata",
    "snapshots",
    "uncommittedblobs",
    "copy",
    "deleted",
    "tags",
    "versions",
    "deletedwithversions",
    "immutabilitypolicy",
    "legalhold",
    "permissions",
    "system",
];

/// Whether `include` names `what`; a value not in `known` is 400 `InvalidQueryParameterValue`
/// (known ones the emulator has nothing for are accepted and add nothing: it has no snapshots,
/// versions, tags, deleted blobs or copies). Empty items are skipped: the SDKs send `include=`
/// when nothing is included (azure-storage-blob's `list_containers()`), which Storage accepts.
pub(crate) fn wants(call: &Call<'_>, known: &[&str], what: &str) -> Result<bool, BlobError> {
    let Some(include) = call.query("include") else {
        return Ok(false);
    };
    let mut found = false;
    for item in include.split(',').map(str::trim).filter(|item| !item.is_empty()) {
        if !known.contains(&item.to_ascii_lowercase().as_str()) {
            return Err(invalid_query("include", include));
        }
        found |= item.eq_ignore_ascii_case(what);
    }
    Ok(found)
}

/// `ServiceEndpoint` of a listing: the account's Blob endpoint as the client addressed it.
pub(crate) fn service_endpoint(call: &Call<'_>, account: &StorageAccount) -> String {
    match call.header("host") {
        Some(host) if !call.address.path_style => format!("https://{host}/"),
        _ => format!("{}/", account.blob_endpoint.trim_end_matches('/')),
    }
}

/// One entry of a hierarchical listing.
enum Entry {
    Blob(String, Box<BlobProps>),
    Prefix(String),
}

/// List Blobs.
pub(crate) fn list(call: &Call<'_>, account: &StorageAccount) -> Result<Reply, BlobError> {
    let container = call.container();
    let access = authorize(call, account, BlobOperation::ListBlobs, container.as_ref())?;
    let container = container.ok_or_else(container_not_found)?;
    let prefix = call.query("prefix").unwrap_or_default();
    let delimiter = call.query("delimiter").filter(|d| !d.is_empty());
    let marker = call.query("marker").filter(|m| !m.is_empty());
    let max = max_results(call)?;
    let with_metadata = wants(call, BLOB_INCLUDES, "metadata")?;

    let mut entries: Vec<Entry> = Vec::new();
    let mut next_marker = None;
    for (name, props) in call.shared.blob.list(&container.data_id, prefix, marker) {
        let group = delimiter.and_then(|d| {
            name[prefix.len()..]
                .find(d)
                .map(|at| name[..prefix.len() + at + d.len()].to_owned())
        });
        if let (Some(group), Some(Entry::Prefix(last))) = (&group, entries.last())
            && group == last
        {
            continue;
        }
        if entries.len() == max {
            next_marker = Some(name);
            break;
        }
        entries.push(match group {
            Some(group) => Entry::Prefix(group),
            None => Entry::Blob(name, Box::new(props)),
        });
    }

    let mut body = format!(
        "{DECLARATION}<EnumerationResults ServiceEndpoint=\"{}\" ContainerName=\"{}\">",
        escape(&service_endpoint(call, account)),
        escape(&container.name)
    );
    for (name, value) in [
        ("Prefix", call.query("prefix")),
        ("Marker", marker),
        ("MaxResults", call.query("maxresults")),
        ("Delimiter", delimiter),
    ] {
        if let Some(value) = value {
            body.push_str(&element(name, value));
        }
    }
    body.push_str("<Blobs>");
    for entry in &entries {
        match entry {
            Entry::Prefix(name) => body.push_str(&format!("<BlobPrefix>{}</BlobPrefix>", element("Name", name))),
            Entry::Blob(name, props) => body.push_str(&blob_xml(name, props, with_metadata)),
        }
    }
    body.push_str("</Blobs>");
    match next_marker {
        Some(marker) => body.push_str(&element("NextMarker", &marker)),
        None => body.push_str("<NextMarker />"),
    }
    body.push_str("</EnumerationResults>");
    Ok(xml(StatusCode::OK, body).by(access.principal()))
}

/// A `<Blob>` of a listing.
fn blob_xml(name: &str, props: &BlobProps, with_metadata: bool) -> String {
    let optional = |name: &str, value: &Option<String>| match value {
        Some(value) => element(name, value),
        None => format!("<{name} />"),
    };
    let headers = &props.headers;
    let mut xml = format!(
        "<Blob>{}<Properties>{}{}{}{}{}{}{}{}{}{}{}",
        element("Name", name),
        element("Creation-Time", &rfc1123(props.created)),
        element("Last-Modified", &rfc1123(props.last_modified)),
        element("Etag", &props.etag),
        element("Content-Length", &props.len.to_string()),
        optional("Content-Type", &headers.content_type),
        optional("Content-Encoding", &headers.content_encoding),
        optional("Content-Language", &headers.content_language),
        optional("Content-MD5", &headers.content_md5),
        optional("Cache-Control", &headers.cache_control),
        optional("Content-Disposition", &headers.content_disposition),
        element("BlobType", props.kind.as_str()),
    );
    if props.kind == BlobKind::Block {
        xml.push_str("<AccessTier>Hot</AccessTier><AccessTierInferred>true</AccessTierInferred>");
    }
    xml.push_str("<LeaseStatus>unlocked</LeaseStatus><LeaseState>available</LeaseState><ServerEncrypted>true</ServerEncrypted></Properties>");
    if with_metadata {
        xml.push_str(&metadata_xml(&props.metadata));
    }
    xml.push_str("</Blob>");
    xml
}
