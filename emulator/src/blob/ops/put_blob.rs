//! Put Blob: `PUT /{container}/{blob}` with `x-ms-blob-type: BlockBlob` (the body is the
//! content, at most 5000 MiB) or `AppendBlob` (an empty append blob; `Content-Length` must be
//! 0). Learn.microsoft.com "Put Blob".

use hyper::StatusCode;

use crate::blob::auth::times::rfc1123;
use crate::blob::authorize::authorize;
use crate::blob::call::Call;
use crate::blob::conditions::{self, Kind, no_lease};
use crate::blob::data::{BlobKind, BlobProps, ContentHeaders};
use crate::blob::error::{BlobError, container_not_found, internal, invalid_header, missing_header};
use crate::http::Reply;
use crate::model::storage::StorageAccount;
use crate::rbac::blob::BlobOperation;

use super::upload::{checksum_headers, receive};

/// The largest Put Blob body (version 2019-12-12 and later: 5000 MiB).
const MAX_PUT_BLOB: u64 = 5000 * 1024 * 1024;

/// Put Blob.
pub(crate) async fn put(call: &Call<'_>, account: &StorageAccount) -> Result<Reply, BlobError> {
    let container = call.container();
    let current = container
        .as_ref()
        .and_then(|c| call.shared.blob.get(&c.data_id, call.blob_name()));
    let op = BlobOperation::WriteBlob {
        creates: current.is_none(),
    };
    let access = authorize(call, account, op, container.as_ref())?;
    let container = container.ok_or_else(container_not_found)?;
    let kind = match call.header("x-ms-blob-type") {
        None => return Err(missing_header("x-ms-blob-type")),
        Some("BlockBlob") => BlobKind::Block,
        Some("AppendBlob") => BlobKind::Append,
        Some("PageBlob") => {
            return Err(BlobError::new(
                StatusCode::NOT_IMPLEMENTED,
                "NotImplemented",
                "The emulator does not implement page blobs (see the Blob storage section of its README).",
            ));
        }
        Some(other) => return Err(invalid_header("x-ms-blob-type", other)),
    };
    no_lease(call, true)?;
    conditions::check(
        call,
        current.as_ref().map(|p| (p.etag.as_str(), p.last_modified)),
        Kind::Write,
    )?;
    let headers = content_headers(call, true);
    let metadata = call.metadata()?;
    let limit = match kind {
        BlobKind::Block => MAX_PUT_BLOB,
        BlobKind::Append => 0,
    };
    if kind == BlobKind::Append && call.number_header("content-length")?.is_some_and(|n| n > 0) {
        return Err(invalid_header(
            "Content-Length",
            call.header("content-length").unwrap_or_default(),
        ));
    }
    let received = receive(call, limit, kind == BlobKind::Block).await?;

    let name = call.blob_name();
    let lock = call.shared.blob.lock(&container.data_id, name);
    let _writing = lock.lock().await;
    let current = call.shared.blob.get(&container.data_id, name);
    conditions::check(
        call,
        current.as_ref().map(|p| (p.etag.as_str(), p.last_modified)),
        Kind::Write,
    )?;
    let mut props = BlobProps::new(kind, received.len, call.now);
    props.headers = headers;
    if kind == BlobKind::Block && props.headers.content_md5.is_none() {
        props.headers.content_md5 = received.sums.md5_base64();
    }
    props.metadata = metadata;
    let mut reply = Reply::empty(StatusCode::CREATED)
        .with_header("etag", &props.etag)
        .with_header("last-modified", &rfc1123(props.last_modified))
        .with_header("x-ms-request-server-encrypted", "true");
    if kind == BlobKind::Block {
        checksum_headers(&mut reply, &received.sums);
    }
    call.shared
        .blob
        .commit(&container.data_id, name, received.file, props)
        .map_err(|e| internal(&e))?;
    Ok(reply.by(access.principal()))
}

/// The content headers a write sets: `x-ms-blob-content-*` (and, for Put Blob, the request's
/// own `Content-Type`, `Content-Encoding`, `Content-Language`, `Cache-Control` when the
/// `x-ms-blob-` form is absent); the content type defaults to `application/octet-stream`.
pub(crate) fn content_headers(call: &Call<'_>, from_request: bool) -> ContentHeaders {
    let get = |name: &str, plain: &str| {
        call.header(&format!("x-ms-blob-{name}"))
            .or_else(|| if from_request { call.header(plain) } else { None })
            .map(str::to_owned)
    };
    ContentHeaders {
        content_type: get("content-type", "content-type").or_else(|| Some("application/octet-stream".to_owned())),
        content_encoding: get("content-encoding", "content-encoding"),
        content_language: get("content-language", "content-language"),
        content_disposition: get("content-disposition", "x-ms-blob-content-disposition"),
        cache_control: get("cache-control", "cache-control"),
        content_md5: call.header("x-ms-blob-content-md5").map(str::to_owned),
    }
}
