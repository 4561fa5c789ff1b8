//! Block blobs built from blocks (learn.microsoft.com "Put Block", "Put Block List", "Get Block
//! List"): blocks are received to files on disk, and a block list is committed by
//! concatenating them (and ranges of the current content, for `<Committed>` blocks) into a new
//! file on a blocking thread with the kernel's copy, never in memory; a list of one uncommitted
//! block links that block's file instead of copying it.

use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hyper::StatusCode;

use crate::blob::auth::times::rfc1123;
use crate::blob::authorize::authorize;
use crate::blob::call::Call;
use crate::blob::checksum::Sums;
use crate::blob::conditions::{self, Kind, no_lease};
use crate::blob::data::{BlobKind, BlobProps, Block};
use crate::blob::error::{BlobError, blob_not_found, container_not_found, internal, invalid_query, invalid_xml};
use crate::blob::wire::xml;
use crate::blob::xml::{BlockSource, DECLARATION, block_list, element};
use crate::http::{BodyError, Reply};
use crate::model::storage::{BlobContainer, StorageAccount};
use crate::rbac::blob::BlobOperation;

use super::put_blob::content_headers;
use super::upload::{checksum_headers, receive, wanted};

/// The largest block (version 2019-12-12 and later: 4000 MiB).
const MAX_BLOCK: u64 = 4000 * 1024 * 1024;
/// The most committed blocks of a blob.
const MAX_COMMITTED: usize = 50_000;
/// The most uncommitted blocks of a blob.
const MAX_UNCOMMITTED: usize = 100_000;
/// The largest Put Block List body read (50,000 ids of 64 bytes, base64, in XML).
const MAX_BLOCK_LIST_BODY: usize = 16 * 1024 * 1024;

/// 409 `InvalidBlobType`: the blob exists with another type.
pub(crate) fn invalid_blob_type() -> BlobError {
    BlobError::new(
        StatusCode::CONFLICT,
        "InvalidBlobType",
        "The blob type is invalid for this operation.",
    )
}

/// 409 `BlockCountExceedsLimit`.
pub(crate) fn block_count_exceeded() -> BlobError {
    BlobError::new(
        StatusCode::CONFLICT,
        "BlockCountExceedsLimit",
        "The committed block count cannot exceed the maximum limit of 50,000 blocks.",
    )
}

/// Put Block: `PUT ?comp=block&blockid={base64}`. Block ids are base64 of at most 64 bytes, all
/// of one length per blob (400 `InvalidBlockId` for a bad id, 400 `InvalidBlobOrBlock` for a
/// different length); the block is kept until a block list commits it.
pub(crate) async fn put_block(call: &Call<'_>, account: &StorageAccount) -> Result<Reply, BlobError> {
    let container = call.container();
    let access = authorize(call, account, BlobOperation::ModifyBlob, container.as_ref())?;
    let container = container.ok_or_else(container_not_found)?;
    let id_text = call.query("blockid").unwrap_or_default();
    let id = STANDARD
        .decode(id_text)
        .ok()
        .filter(|id| !id.is_empty() && id.len() <= 64)
        .ok_or_else(|| {
            BlobError::new(
                StatusCode::BAD_REQUEST,
                "InvalidBlockId",
                "The specified block ID is invalid. The block ID must be Base64-encoded.",
            )
        })?;
    no_lease(call, true)?;
    let name = call.blob_name();
    let data = &call.shared.blob;
    if data
        .get(&container.data_id, name)
        .is_some_and(|p| p.kind != BlobKind::Block)
    {
        return Err(invalid_blob_type());
    }
    let received = receive(call, MAX_BLOCK, false).await?;

    let lock = data.lock(&container.data_id, name);
    let _writing = lock.lock().await;
    let uncommitted = data.uncommitted(&container.data_id, name);
    let committed = data
        .get(&container.data_id, name)
        .map(|p| p.committed)
        .unwrap_or_default();
    let other_length = uncommitted
        .iter()
        .chain(&committed)
        .any(|block| STANDARD.decode(&block.id).map_or(0, |b| b.len()) != id.len());
    if other_length {
        return Err(BlobError::new(
            StatusCode::BAD_REQUEST,
            "InvalidBlobOrBlock",
            "The specified blob or block content is invalid. All block ids of a blob must have the same length.",
        ));
    }
    if uncommitted.len() >= MAX_UNCOMMITTED && !uncommitted.iter().any(|b| b.id == id_text) {
        return Err(BlobError::new(
            StatusCode::CONFLICT,
            "BlockCountExceedsLimit",
            "The uncommitted block count cannot exceed the maximum limit of 100,000 blocks.",
        ));
    }
    data.prepare_blocks_dir(&container.data_id, name)
        .await
        .map_err(|e| internal(&e))?;
    let mut reply = Reply::empty(StatusCode::CREATED).with_header("x-ms-request-server-encrypted", "true");
    checksum_headers(&mut reply, &received.sums);
    let size = received.len;
    received
        .file
        .persist(&data.block_path(&container.data_id, name, &id))
        .map_err(|e| internal(&e))?;
    data.add_uncommitted(
        &container.data_id,
        name,
        Block {
            id: id_text.to_owned(),
            size,
        },
    );
    Ok(reply.by(access.principal()))
}

/// Where a block of the new list comes from.
enum Piece {
    /// An uncommitted block's file.
    File(PathBuf),
    /// A range of the current content.
    Range { offset: u64, len: u64 },
}

/// Put Block List: `PUT ?comp=blocklist` with `<BlockList>`; the blob becomes those blocks in
/// that order. A block that is not where the list says is 400 `InvalidBlockList`.
pub(crate) async fn put_block_list(call: &Call<'_>, account: &StorageAccount) -> Result<Reply, BlobError> {
    let container = call.container();
    let name = call.blob_name();
    let exists = container
        .as_ref()
        .is_some_and(|c| call.shared.blob.get(&c.data_id, name).is_some());
    let op = BlobOperation::WriteBlob { creates: !exists };
    let access = authorize(call, account, op, container.as_ref())?;
    let container = container.ok_or_else(container_not_found)?;
    no_lease(call, true)?;
    let body = call
        .request
        .take_body()
        .ok_or_else(|| internal(&"the request body was already read"))?;
    let body = match body.read_limited(MAX_BLOCK_LIST_BODY).await {
        Ok(body) => body,
        Err(BodyError::TooLarge) => return Err(crate::blob::error::body_too_large(MAX_BLOCK_LIST_BODY as u64)),
        Err(error) => return Err(internal(&error)),
    };
    let list = block_list(&body).ok_or_else(invalid_xml)?;
    if list.len() > MAX_COMMITTED {
        return Err(block_count_exceeded());
    }
    let headers = content_headers(call, false);
    let metadata = call.metadata()?;

    let data = &call.shared.blob;
    let lock = data.lock(&container.data_id, name);
    let _writing = lock.lock().await;
    let current = data.get(&container.data_id, name);
    conditions::check(
        call,
        current.as_ref().map(|p| (p.etag.as_str(), p.last_modified)),
        Kind::Write,
    )?;
    if current.as_ref().is_some_and(|p| p.kind != BlobKind::Block) {
        return Err(invalid_blob_type());
    }
    let (pieces, blocks) = resolve(call, &container, current.as_ref(), &list)?;
    let temp = match pieces.as_slice() {
        // One uncommitted block is the whole blob: its file becomes the blob's, uncopied (the
        // block's own name goes with the other uncommitted blocks at the commit).
        [Piece::File(block)] => data.temp_link(block).await.map_err(|e| internal(&e))?,
        _ => {
            let (temp, file) = data.temp_file().await.map_err(|e| internal(&e))?;
            let source = data.blob_path(&container.data_id, name);
            let file = file.into_std().await;
            tokio::task::spawn_blocking(move || concatenate(file, &source, &pieces))
                .await
                .map_err(|e| internal(&e))?
                .map_err(|e| internal(&e))?;
            temp
        }
    };

    let mut props = BlobProps::new(BlobKind::Block, blocks.iter().map(|b| b.size).sum(), call.now);
    if let Some(current) = &current {
        props.created = current.created;
    }
    props.headers = headers;
    props.metadata = metadata;
    props.committed = blocks;
    let mut reply = Reply::empty(StatusCode::CREATED)
        .with_header("etag", &props.etag)
        .with_header("last-modified", &rfc1123(props.last_modified))
        .with_header("x-ms-request-server-encrypted", "true");
    // The checksum of the request, the block list, not of the blob ("Put Block List").
    checksum_headers(&mut reply, &Sums::of(&body, wanted(call, false)));
    data.commit(&container.data_id, name, temp, props)
        .map_err(|e| internal(&e))?;
    Ok(reply.by(access.principal()))
}

/// The pieces of the new content and its block list.
fn resolve(
    call: &Call<'_>,
    container: &BlobContainer,
    current: Option<&BlobProps>,
    list: &[BlockSource],
) -> Result<(Vec<Piece>, Vec<Block>), BlobError> {
    let data = &call.shared.blob;
    let name = call.blob_name();
    let uncommitted = data.uncommitted(&container.data_id, name);
    let mut committed_at = Vec::new();
    let mut offset = 0;
    for block in current.map(|p| p.committed.as_slice()).unwrap_or_default() {
        committed_at.push((block, offset));
        offset += block.size;
    }
    let invalid = || {
        BlobError::new(
            StatusCode::BAD_REQUEST,
            "InvalidBlockList",
            "The specified block list is invalid.",
        )
    };
    let from_uncommitted = |id: &str| {
        let block = uncommitted.iter().find(|b| b.id == id)?;
        let bytes = STANDARD.decode(id).ok()?;
        Some((
            Piece::File(data.block_path(&container.data_id, name, &bytes)),
            block.clone(),
        ))
    };
    let from_committed = |id: &str| {
        committed_at.iter().find(|(b, _)| b.id == id).map(|(block, offset)| {
            (
                Piece::Range {
                    offset: *offset,
                    len: block.size,
                },
                (*block).clone(),
            )
        })
    };
    let mut pieces = Vec::with_capacity(list.len());
    let mut blocks = Vec::with_capacity(list.len());
    for source in list {
        let found = match source {
            BlockSource::Uncommitted(id) => from_uncommitted(id),
            BlockSource::Committed(id) => from_committed(id),
            BlockSource::Latest(id) => from_uncommitted(id).or_else(|| from_committed(id)),
        };
        let (piece, block) = found.ok_or_else(invalid)?;
        pieces.push(piece);
        blocks.push(block);
    }
    Ok((pieces, blocks))
}

/// Writes the pieces one after the other into `out`. `std::io::copy` between two
/// `std::fs::File`s is `copy_file_range(2)` on Linux: the kernel copies (or shares the extents,
/// on file systems that can), no byte passes through this process. The result is not synced to
/// the disk: the store does not outlive the emulator (its World lives in memory), and the
/// rename that publishes it is atomic for readers either way.
fn concatenate(mut out: std::fs::File, current: &std::path::Path, pieces: &[Piece]) -> std::io::Result<()> {
    let mut source = None;
    for piece in pieces {
        match piece {
            Piece::File(path) => {
                std::io::copy(&mut std::fs::File::open(path)?, &mut out)?;
            }
            Piece::Range { offset, len } => {
                if source.is_none() {
                    source = Some(std::fs::File::open(current)?);
                }
                let file = source
                    .as_mut()
                    .ok_or_else(|| std::io::Error::other("no current content"))?;
                file.seek(SeekFrom::Start(*offset))?;
                let copied = std::io::copy(&mut Read::by_ref(file).take(*len), &mut out)?;
                if copied != *len {
                    return Err(std::io::Error::other("the blob's content is shorter than its blocks"));
                }
            }
        }
    }
    Ok(())
}

/// Get Block List: `GET ?comp=blocklist&blocklisttype=committed|uncommitted|all`.
pub(crate) fn get_block_list(call: &Call<'_>, account: &StorageAccount) -> Result<Reply, BlobError> {
    let container = call.container();
    let access = authorize(call, account, BlobOperation::ReadBlob, container.as_ref())?;
    let container = container.ok_or_else(container_not_found)?;
    let (committed, uncommitted) = match call.query("blocklisttype").unwrap_or("committed") {
        t if t.eq_ignore_ascii_case("committed") => (true, false),
        t if t.eq_ignore_ascii_case("uncommitted") => (false, true),
        t if t.eq_ignore_ascii_case("all") => (true, true),
        other => return Err(invalid_query("blocklisttype", other)),
    };
    let name = call.blob_name();
    let data = &call.shared.blob;
    let current = data.get(&container.data_id, name);
    let pending = data.uncommitted(&container.data_id, name);
    if current.is_none() && pending.is_empty() {
        return Err(blob_not_found());
    }
    if current.as_ref().is_some_and(|p| p.kind != BlobKind::Block) {
        return Err(invalid_blob_type());
    }
    conditions::check(
        call,
        current.as_ref().map(|p| (p.etag.as_str(), p.last_modified)),
        Kind::Read,
    )?;
    let list = |tag: &str, blocks: &[Block]| {
        let items: String = blocks
            .iter()
            .map(|b| {
                format!(
                    "<Block>{}{}</Block>",
                    element("Name", &b.id),
                    element("Size", &b.size.to_string())
                )
            })
            .collect();
        format!("<{tag}>{items}</{tag}>")
    };
    let mut body = format!("{DECLARATION}<BlockList>");
    if committed {
        body.push_str(&list(
            "CommittedBlocks",
            current.as_ref().map(|p| p.committed.as_slice()).unwrap_or_default(),
        ));
    }
    if uncommitted {
        body.push_str(&list("UncommittedBlocks", &pending));
    }
    body.push_str("</BlockList>");
    let mut reply = xml(StatusCode::OK, body);
    if let Some(current) = &current {
        reply.set_header("etag", &current.etag);
        reply.set_header("last-modified", &rfc1123(current.last_modified));
        reply.set_header("x-ms-blob-content-length", &current.len.to_string());
    }
    Ok(reply.by(access.principal()))
}
