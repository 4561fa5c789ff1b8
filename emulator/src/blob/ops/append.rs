//! Append Block: `PUT ?comp=appendblock` adds the body (at most 4 MiB) at the end of an append
//! blob, with the optional `x-ms-blob-condition-appendpos` (412
//! `AppendPositionConditionNotMet`) and `x-ms-blob-condition-maxsize` (412
//! `MaxBlobSizeConditionNotMet`) conditions, and answers where it went
//! (`x-ms-blob-append-offset`) and how many blocks the blob has
//! (`x-ms-blob-committed-block-count`). Learn.microsoft.com "Append Block". Appends to one blob
//! are serialized by the blob's lock; the body is received before the lock is taken.

use std::io::{Seek, SeekFrom};

use hyper::StatusCode;

use crate::blob::auth::times::rfc1123;
use crate::blob::authorize::authorize;
use crate::blob::call::Call;
use crate::blob::conditions::{self, Kind, no_lease};
use crate::blob::data::BlobKind;
use crate::blob::error::{BlobError, blob_not_found, container_not_found, internal};
use crate::http::Reply;
use crate::model::storage::StorageAccount;
use crate::rbac::blob::BlobOperation;

use super::blocks::{block_count_exceeded, invalid_blob_type};
use super::upload::{checksum_headers, receive};

/// The largest appended block (4 MiB).
const MAX_APPEND_BLOCK: u64 = 4 * 1024 * 1024;
/// The most blocks of an append blob.
const MAX_APPEND_BLOCKS: u32 = 50_000;

/// Append Block.
pub(crate) async fn append(call: &Call<'_>, account: &StorageAccount) -> Result<Reply, BlobError> {
    let container = call.container();
    let access = authorize(call, account, BlobOperation::AppendBlock, container.as_ref())?;
    let container = container.ok_or_else(container_not_found)?;
    no_lease(call, true)?;
    let name = call.blob_name();
    let data = &call.shared.blob;
    match data.get(&container.data_id, name) {
        None => return Err(blob_not_found()),
        Some(props) if props.kind != BlobKind::Append => return Err(invalid_blob_type()),
        Some(_) => {}
    }
    let append_position = call.number_header("x-ms-blob-condition-appendpos")?;
    let max_size = call.number_header("x-ms-blob-condition-maxsize")?;
    let received = receive(call, MAX_APPEND_BLOCK, false).await?;

    let lock = data.lock(&container.data_id, name);
    let _writing = lock.lock().await;
    let props = data.get(&container.data_id, name).ok_or_else(blob_not_found)?;
    conditions::check(call, Some((props.etag.as_str(), props.last_modified)), Kind::Write)?;
    if max_size.is_some_and(|max| props.len + received.len > max) {
        return Err(BlobError::new(
            StatusCode::PRECONDITION_FAILED,
            "MaxBlobSizeConditionNotMet",
            "The max blob size condition specified was not met.",
        ));
    }
    if append_position.is_some_and(|position| position != props.len) {
        return Err(BlobError::new(
            StatusCode::PRECONDITION_FAILED,
            "AppendPositionConditionNotMet",
            "The append position condition specified was not met.",
        ));
    }
    if props.append_count >= MAX_APPEND_BLOCKS {
        return Err(block_count_exceeded());
    }
    let offset = props.len;
    let target = data.blob_path(&container.data_id, name);
    let source = received.file.path().to_owned();
    tokio::task::spawn_blocking(move || append_file(&target, offset, &source))
        .await
        .map_err(|e| internal(&e))?
        .map_err(|e| internal(&e))?;
    let mut updated = None;
    data.update(&container.data_id, name, |props| {
        props.len = offset + received.len;
        props.append_count += 1;
        props.touch(call.now);
        updated = Some(props.clone());
    });
    let props = updated.ok_or_else(blob_not_found)?;
    let mut reply = Reply::empty(StatusCode::CREATED)
        .with_header("etag", &props.etag)
        .with_header("last-modified", &rfc1123(props.last_modified))
        .with_header("x-ms-blob-append-offset", &offset.to_string())
        .with_header("x-ms-blob-committed-block-count", &props.append_count.to_string())
        .with_header("x-ms-request-server-encrypted", "true");
    checksum_headers(&mut reply, &received.sums);
    Ok(reply.by(access.principal()))
}

/// Writes `source` into `target` at `offset` (the blob's length: bytes beyond it, left by an
/// append that failed, are overwritten).
fn append_file(target: &std::path::Path, offset: u64, source: &std::path::Path) -> std::io::Result<()> {
    let mut out = std::fs::OpenOptions::new().write(true).open(target)?;
    out.seek(SeekFrom::Start(offset))?;
    std::io::copy(&mut std::fs::File::open(source)?, &mut out)?;
    out.sync_data()
}
