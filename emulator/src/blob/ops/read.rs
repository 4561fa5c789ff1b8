//! Get Blob (`GET`, the content streamed from disk, whole or a range of `Range`/`x-ms-range`)
//! and Get Blob Properties (`HEAD`, the same headers without the content). Learn.microsoft.com
//! "Get Blob", "Get Blob Properties", "Specifying the range header for Blob service
//! operations".

use std::io::{Read, Seek, SeekFrom};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hyper::StatusCode;

use crate::blob::auth::times::rfc1123;
use crate::blob::authorize::authorize;
use crate::blob::call::{Call, metadata_headers};
use crate::blob::checksum::md5;
use crate::blob::conditions::{self, Kind, no_lease};
use crate::blob::data::{BlobKind, BlobProps};
use crate::blob::error::{BlobError, blob_not_found, container_not_found, internal, invalid_header};
use crate::http::{Body, Reply};
use crate::model::storage::StorageAccount;
use crate::rbac::blob::BlobOperation;

/// The largest range `x-ms-range-get-content-md5` may ask for (4 MiB).
const MAX_MD5_RANGE: u64 = 4 * 1024 * 1024;

/// Get Blob (`with_content`) or Get Blob Properties.
pub(crate) async fn get(call: &Call<'_>, account: &StorageAccount, with_content: bool) -> Result<Reply, BlobError> {
    let container = call.container();
    let access = authorize(call, account, BlobOperation::ReadBlob, container.as_ref())?;
    let container = container.ok_or_else(container_not_found)?;
    if call.query("snapshot").is_some() || call.query("versionid").is_some() {
        // The emulator keeps no snapshots or versions: the one asked for does not exist.
        return Err(blob_not_found());
    }
    no_lease(call, true)?;
    let (props, file) = call
        .shared
        .blob
        .open(&container.data_id, call.blob_name())
        .ok_or_else(blob_not_found)?
        .map_err(|e| internal(&e))?;
    conditions::check(call, Some((props.etag.as_str(), props.last_modified)), Kind::Read)?;
    let mut reply = if with_content {
        content(call, &props, file).await?
    } else {
        Reply::empty(StatusCode::OK)
    };
    headers(&mut reply, &props);
    if !with_content {
        reply.set_header("content-length", &props.len.to_string());
        if let Some(md5) = &props.headers.content_md5 {
            reply.set_header("content-md5", md5);
        }
    }
    Ok(reply.by(access.principal()))
}

/// The response with the content (whole: 200; a range: 206 with `Content-Range`).
async fn content(call: &Call<'_>, props: &BlobProps, mut file: std::fs::File) -> Result<Reply, BlobError> {
    let range = range(call, props.len)?;
    let (start, len) = range.unwrap_or((0, props.len));
    let range_md5 = match call.header("x-ms-range-get-content-md5") {
        Some(value) if value.eq_ignore_ascii_case("true") => {
            if range.is_none() || len > MAX_MD5_RANGE {
                return Err(BlobError::new(
                    StatusCode::BAD_REQUEST,
                    "OutOfRangeInput",
                    "One of the request inputs is out of range. x-ms-range-get-content-md5 needs a range of at most 4 MiB.",
                ));
            }
            let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
            file.seek(SeekFrom::Start(start)).map_err(|e| internal(&e))?;
            (&mut file)
                .take(len)
                .read_to_end(&mut bytes)
                .map_err(|e| internal(&e))?;
            Some(STANDARD.encode(md5(&bytes)))
        }
        _ => None,
    };
    file.seek(SeekFrom::Start(start)).map_err(|e| internal(&e))?;
    let body = Body::file(tokio::fs::File::from_std(file), len);
    let mut reply = Reply::body(
        if range.is_some() {
            StatusCode::PARTIAL_CONTENT
        } else {
            StatusCode::OK
        },
        body,
    );
    if range.is_some() {
        let end = (start + len).saturating_sub(1);
        reply.set_header("content-range", &format!("bytes {start}-{end}/{}", props.len));
        if let Some(md5) = range_md5 {
            reply.set_header("content-md5", &md5);
        }
        if let Some(md5) = &props.headers.content_md5 {
            reply.set_header("x-ms-blob-content-md5", md5);
        }
    } else if let Some(md5) = &props.headers.content_md5 {
        reply.set_header("content-md5", md5);
    }
    Ok(reply)
}

/// The range asked for, as (start, length) within a blob of `size` bytes: `x-ms-range` wins over
/// `Range`; `bytes=a-b` and `bytes=a-` are understood. A range that starts at or beyond the end
/// is 416 `InvalidRange`; an `x-ms-range` that cannot be read is 400 `InvalidHeaderValue`, a
/// `Range` that cannot be read is ignored (the whole blob is sent, as HTTP says).
fn range(call: &Call<'_>, size: u64) -> Result<Option<(u64, u64)>, BlobError> {
    let (name, text) = match (call.header("x-ms-range"), call.header("range")) {
        (Some(text), _) => ("x-ms-range", text),
        (None, Some(text)) => ("range", text),
        (None, None) => return Ok(None),
    };
    let Some((start, end)) = parse_range(text) else {
        return if name == "x-ms-range" {
            Err(invalid_header(name, text))
        } else {
            Ok(None)
        };
    };
    if start >= size {
        return Err(BlobError::new(
            StatusCode::RANGE_NOT_SATISFIABLE,
            "InvalidRange",
            "The range specified is invalid for the current size of the resource.",
        )
        .with_header("content-range", format!("bytes */{size}")));
    }
    let end = end.map_or(size - 1, |end| end.min(size - 1));
    Ok(Some((start, end - start + 1)))
}

/// `bytes=a-b` or `bytes=a-` (with `b >= a`).
fn parse_range(text: &str) -> Option<(u64, Option<u64>)> {
    let (start, end) = text.trim().strip_prefix("bytes=")?.split_once('-')?;
    let start = start.trim().parse::<u64>().ok()?;
    let end = match end.trim() {
        "" => None,
        end => Some(end.parse::<u64>().ok().filter(|end| *end >= start)?),
    };
    Some((start, end))
}

/// The headers Get Blob and Get Blob Properties share.
fn headers(reply: &mut Reply, props: &BlobProps) {
    let content = &props.headers;
    let pairs = [
        ("content-type", content.content_type.as_deref()),
        ("content-encoding", content.content_encoding.as_deref()),
        ("content-language", content.content_language.as_deref()),
        ("content-disposition", content.content_disposition.as_deref()),
        ("cache-control", content.cache_control.as_deref()),
    ];
    for (name, value) in pairs {
        if let Some(value) = value {
            reply.set_header(name, value);
        }
    }
    reply.set_header("etag", &props.etag);
    reply.set_header("last-modified", &rfc1123(props.last_modified));
    reply.set_header("x-ms-creation-time", &rfc1123(props.created));
    reply.set_header("x-ms-blob-type", props.kind.as_str());
    reply.set_header("accept-ranges", "bytes");
    reply.set_header("x-ms-lease-status", "unlocked");
    reply.set_header("x-ms-lease-state", "available");
    reply.set_header("x-ms-server-encrypted", "true");
    match props.kind {
        BlobKind::Append => reply.set_header("x-ms-blob-committed-block-count", &props.append_count.to_string()),
        BlobKind::Block => {
            reply.set_header("x-ms-access-tier", "Hot");
            reply.set_header("x-ms-access-tier-inferred", "true");
        }
    }
    metadata_headers(reply, &props.metadata);
}

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn ranges_are_start_and_optional_end() {
        assert_eq!(parse_range("bytes=0-99"), Some((0, Some(99))));
        assert_eq!(parse_range("bytes=100-"), Some((100, None)));
        assert_eq!(parse_range("bytes=-100"), None);
        assert_eq!(parse_range("bytes=5-4"), None);
        assert_eq!(parse_range("items=0-1"), None);
    }
}
