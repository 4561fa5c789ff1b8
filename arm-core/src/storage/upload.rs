//! Uploads to a block blob with bounded memory: blocks read one after the other, a fixed number
//! staged in parallel, each with its MD5, then one Put Block List.
//!
//! Follows learn.microsoft.com "Put Block", "Put Block List" and "Put Blob": block ids are
//! Base64 strings of one length per blob; `Content-MD5` of a block is checked by the service
//! before it stores the block; `x-ms-blob-content-md5` of Put Blob is checked against the
//! content, and on Put Block List it is stored as the blob's `Content-MD5` unchecked (so it is
//! sent only when [`UploadOptions::blob_content_md5`] asks: it costs a second MD5 pass over
//! every byte, and the official clients do not set it by default either).
//!
//! Hashing runs on tokio's blocking threads, never on the executor's: a block's MD5 in its own
//! task, so blocks in flight are hashed in parallel.

use crate::storage::client::StorageClient;
use crate::storage::error::Error;
use crate::storage::location::BlobLocation;
use crate::storage::progress::{Progress, default_progress};
use azure_core::Bytes;
use azure_storage_blob::BlockBlobClient;
use azure_storage_blob::models::{
    BlockBlobClientCommitBlockListOptions, BlockBlobClientStageBlockOptions, BlockBlobClientUploadOptions,
    BlockLookupList,
};
use md5::{Digest, Md5};
use std::collections::HashMap;
use std::num::{NonZero, NonZeroU64, NonZeroUsize};
use std::path::Path;
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::task::JoinSet;

/// The default block size: 8 MiB.
pub const DEFAULT_BLOCK_SIZE: usize = 8 * 1024 * 1024;
/// The default number of blocks staged in parallel.
pub const DEFAULT_BLOCKS_IN_FLIGHT: usize = 4;
/// The largest block the service takes (4000 MiB, versions 2019-12-12 and later).
pub const MAX_BLOCK_SIZE: usize = 4000 * 1024 * 1024;
/// The most blocks a blob may have.
pub const MAX_BLOCKS: u64 = 50_000;

/// Options of [`StorageClient::upload_file`] and [`StorageClient::upload_stream`].
///
/// Peak memory is about `block_size * (blocks_in_flight + 1)`, whatever the size of the data.
#[derive(Clone)]
pub struct UploadOptions {
    /// The size of each block (default [`DEFAULT_BLOCK_SIZE`]); data of at most one block is
    /// sent in one Put Blob.
    pub block_size: usize,
    /// How many blocks are staged at once (default [`DEFAULT_BLOCKS_IN_FLIGHT`]).
    pub blocks_in_flight: usize,
    /// The blob's `Content-Type` (default: the service's `application/octet-stream`).
    pub content_type: Option<String>,
    /// The blob's metadata.
    pub metadata: HashMap<String, String>,
    /// Where progress goes; `None` uses [`default_progress`].
    pub progress: Option<Arc<dyn Progress>>,
    /// Whether a blob uploaded in blocks gets its whole content's MD5 as `Content-MD5`
    /// (`x-ms-blob-content-md5` on Put Block List; default `false`: every block is still checked
    /// by its own MD5). Data of one block (one Put Blob) always gets it: the service checks it
    /// against the content and stores it.
    pub blob_content_md5: bool,
}

impl Default for UploadOptions {
    fn default() -> Self {
        Self {
            block_size: DEFAULT_BLOCK_SIZE,
            blocks_in_flight: DEFAULT_BLOCKS_IN_FLIGHT,
            content_type: None,
            metadata: HashMap::new(),
            progress: None,
            blob_content_md5: false,
        }
    }
}

impl std::fmt::Debug for UploadOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadOptions")
            .field("block_size", &self.block_size)
            .field("blocks_in_flight", &self.blocks_in_flight)
            .field("content_type", &self.content_type)
            .field("metadata", &self.metadata)
            .field("blob_content_md5", &self.blob_content_md5)
            .finish_non_exhaustive()
    }
}

/// What an upload did.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct UploadResult {
    /// Bytes uploaded.
    pub bytes: u64,
    /// Blocks staged (0 for a single Put Blob).
    pub blocks: u64,
    /// The MD5 of the whole content, as stored in the blob's `Content-MD5`, when the upload set
    /// it (one Put Blob, or [`UploadOptions::blob_content_md5`]).
    pub content_md5: Option<Vec<u8>>,
}

impl StorageClient {
    /// Uploads the file at `path` to the block blob `blob` (replacing it), with bounded memory.
    ///
    /// Dropping the returned future stops the upload without committing anything: blocks
    /// already staged stay uncommitted and the service garbage-collects them after a week
    /// (learn.microsoft.com "Put Block", Remarks); an existing blob is left as it was.
    pub async fn upload_file(
        &self,
        blob: &BlobLocation,
        path: &Path,
        options: Option<UploadOptions>,
    ) -> Result<UploadResult, Error> {
        let input = path.display().to_string();
        let read_error = |source| Error::Read {
            input: input.clone(),
            source,
        };
        let file = tokio::fs::File::open(path).await.map_err(read_error)?;
        let size = file.metadata().await.map_err(read_error)?.len();
        self.upload_reader(blob, file, &input, Some(size), options).await
    }

    /// Uploads everything `reader` yields to the block blob `blob` (replacing it), with bounded
    /// memory; see [`StorageClient::upload_file`] for cancellation.
    pub async fn upload_stream<R: AsyncRead + Unpin + Send>(
        &self,
        blob: &BlobLocation,
        reader: R,
        options: Option<UploadOptions>,
    ) -> Result<UploadResult, Error> {
        self.upload_reader(blob, reader, "the upload stream", None, options)
            .await
    }

    async fn upload_reader<R: AsyncRead + Unpin + Send>(
        &self,
        blob: &BlobLocation,
        reader: R,
        input: &str,
        size: Option<u64>,
        options: Option<UploadOptions>,
    ) -> Result<UploadResult, Error> {
        let options = options.unwrap_or_default();
        if !(1..=MAX_BLOCK_SIZE).contains(&options.block_size) {
            return Err(Error::invalid_input(
                "block_size",
                format!("{} is not between 1 byte and 4000 MiB", options.block_size),
            ));
        }
        let in_flight = NonZeroUsize::new(options.blocks_in_flight)
            .ok_or_else(|| Error::invalid_input("blocks_in_flight", "must be at least 1"))?;
        let progress: Arc<dyn Progress> = match &options.progress {
            Some(progress) => progress.clone(),
            None => Arc::from(default_progress(&format!("upload {}", blob.url()), size)),
        };
        let client = Arc::new(self.blob_client(blob)?.block_blob_client());
        let mut source = BlockSource {
            reader,
            input,
            block_size: options.block_size,
            md5: None,
            bytes: 0,
        };
        let first = source.next().await?;
        let second = if first.len() == options.block_size {
            source.next().await?
        } else {
            Bytes::new()
        };
        let result = if second.is_empty() {
            put_blob(&client, blob, first, &options).await?
        } else {
            let upload = BlockUpload {
                client: &client,
                blob,
                progress: progress.as_ref(),
                in_flight: in_flight.get(),
            };
            upload.run(&mut source, [first, second], &options).await?
        };
        if result.blocks == 0 {
            progress.advance(result.bytes);
        }
        progress.finish();
        Ok(result)
    }
}

/// The data, one block at a time, with the MD5 of everything read so far when it is kept.
struct BlockSource<'a, R> {
    reader: R,
    input: &'a str,
    block_size: usize,
    /// The MD5 of the blocks read, once [`BlockSource::keep_md5`] asked for it.
    md5: Option<Md5>,
    bytes: u64,
}

impl<R: AsyncRead + Unpin> BlockSource<'_, R> {
    /// The next block: `block_size` bytes, fewer at the end, empty after it.
    async fn next(&mut self) -> Result<Bytes, Error> {
        let mut buffer = Vec::with_capacity(self.block_size);
        let limit = u64::try_from(self.block_size).unwrap_or(u64::MAX);
        (&mut self.reader)
            .take(limit)
            .read_to_end(&mut buffer)
            .await
            .map_err(|source| Error::Read {
                input: self.input.to_owned(),
                source,
            })?;
        self.bytes += buffer.len() as u64;
        let buffer = Bytes::from(buffer);
        if let Some(mut md5) = self.md5.take() {
            let block = buffer.clone();
            self.md5 = Some(
                off_executor(move || {
                    md5.update(&block);
                    md5
                })
                .await,
            );
        }
        Ok(buffer)
    }

    /// Keeps the MD5 of every block read from now on, after `read` (the blocks already read,
    /// in order).
    async fn keep_md5(&mut self, read: &[Bytes]) {
        let read = read.to_vec();
        self.md5 = Some(off_executor(move || read.iter().fold(Md5::new(), |md5, block| md5.chain_update(block))).await);
    }

    /// The byte count and, when kept, the MD5 of everything read.
    fn finish(&mut self) -> (u64, Option<Vec<u8>>) {
        (self.bytes, self.md5.take().map(|md5| md5.finalize().to_vec()))
    }
}

/// Runs CPU-bound `work` (hashing) on tokio's blocking threads, so that the executor's threads
/// keep driving the uploads in flight.
async fn off_executor<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    match tokio::task::spawn_blocking(work).await {
        Ok(value) => value,
        Err(error) => std::panic::resume_unwind(error.into_panic()),
    }
}

/// Data of at most one block: one Put Blob, checked by `x-ms-blob-content-md5`.
async fn put_blob(
    client: &BlockBlobClient,
    blob: &BlobLocation,
    data: Bytes,
    options: &UploadOptions,
) -> Result<UploadResult, Error> {
    let bytes = data.len() as u64;
    let md5 = md5_of(data.clone()).await;
    let upload_options = BlockBlobClientUploadOptions {
        blob_content_md5: Some(md5.clone()),
        blob_content_type: options.content_type.clone(),
        metadata: (!options.metadata.is_empty()).then(|| options.metadata.clone()),
        parallel: Some(NonZero::<usize>::MIN),
        partition_size: NonZeroU64::new(u64::try_from(options.block_size).unwrap_or(u64::MAX)),
        ..Default::default()
    };
    client
        .upload(data.into(), Some(upload_options))
        .await
        .map_err(|e| Error::from_azure("Put Blob", blob.url(), e))?;
    Ok(UploadResult {
        bytes,
        blocks: 0,
        content_md5: Some(md5),
    })
}

/// Stages blocks, `in_flight` at a time, then commits them.
struct BlockUpload<'a> {
    client: &'a Arc<BlockBlobClient>,
    blob: &'a BlobLocation,
    progress: &'a dyn Progress,
    in_flight: usize,
}

impl BlockUpload<'_> {
    async fn run<R: AsyncRead + Unpin>(
        &self,
        source: &mut BlockSource<'_, R>,
        read_ahead: [Bytes; 2],
        options: &UploadOptions,
    ) -> Result<UploadResult, Error> {
        if options.blob_content_md5 {
            source.keep_md5(&read_ahead).await;
        }
        let upload_id = *azure_core::Uuid::new_v4().as_bytes();
        let mut ids: Vec<Vec<u8>> = Vec::new();
        // Dropping the set (an error, or the caller dropping the future) aborts every stage.
        let mut staging = JoinSet::new();
        let mut pending: Vec<Bytes> = read_ahead.into_iter().rev().collect();
        let mut end = false;
        loop {
            while staging.len() < self.in_flight && !end {
                let data = match pending.pop() {
                    Some(data) => data,
                    None => source.next().await?,
                };
                if data.is_empty() {
                    end = true;
                    break;
                }
                if ids.len() as u64 == MAX_BLOCKS {
                    return Err(Error::invalid_input(
                        "block_size",
                        format!(
                            "{} needs more than {MAX_BLOCKS} blocks of {} bytes; use larger blocks",
                            source.input, options.block_size
                        ),
                    ));
                }
                let id = block_id(&upload_id, ids.len() as u64);
                ids.push(id.clone());
                staging.spawn(stage(self.client.clone(), self.blob.url().clone(), id, data));
            }
            let Some(joined) = staging.join_next().await else {
                break;
            };
            let staged = joined.map_err(|e| match e.try_into_panic() {
                Ok(panic) => std::panic::resume_unwind(panic),
                Err(e) => Error::invalid_input("upload", format!("a block upload was cancelled: {e}")),
            })??;
            self.progress.advance(staged);
        }
        let blocks = ids.len() as u64;
        let (bytes, md5) = source.finish();
        let commit = BlockBlobClientCommitBlockListOptions {
            blob_content_md5: md5.clone(),
            blob_content_type: options.content_type.clone(),
            metadata: (!options.metadata.is_empty()).then(|| options.metadata.clone()),
            ..Default::default()
        };
        let list = BlockLookupList {
            latest: Some(ids),
            ..Default::default()
        };
        let body = list
            .try_into()
            .map_err(|e| Error::from_azure("Put Block List", self.blob.url(), e))?;
        self.client
            .commit_block_list(body, Some(commit))
            .await
            .map_err(|e| Error::from_azure("Put Block List", self.blob.url(), e))?;
        Ok(UploadResult {
            bytes,
            blocks,
            content_md5: md5,
        })
    }
}

/// The MD5 of `data`, computed off the executor.
async fn md5_of(data: Bytes) -> Vec<u8> {
    off_executor(move || Md5::digest(&data).to_vec()).await
}

/// Put Block of `data` as block `id`, with its `Content-MD5`; returns the bytes staged.
async fn stage(client: Arc<BlockBlobClient>, url: url::Url, id: Vec<u8>, data: Bytes) -> Result<u64, Error> {
    let length = data.len() as u64;
    let options = BlockBlobClientStageBlockOptions {
        transactional_content_md5: Some(md5_of(data.clone()).await),
        ..Default::default()
    };
    client
        .stage_block(&id, length, data.into(), Some(options))
        .await
        .map_err(|e| Error::from_azure("Put Block", &url, e))?;
    Ok(length)
}

/// Block `index` of upload `upload_id`: 24 bytes (32 Base64 characters) for every block, unique
/// to this upload so that blocks left by an earlier, interrupted upload are never committed.
fn block_id(upload_id: &[u8; 16], index: u64) -> Vec<u8> {
    let mut id = upload_id.to_vec();
    id.extend_from_slice(&index.to_be_bytes());
    id
}
