//! What the emulator knows of a blob besides its bytes: the properties Get Blob Properties
//! answers and List Blobs lists, and the committed block list of a block blob.

use std::collections::BTreeMap;

use time::OffsetDateTime;

/// The blob types the emulator stores (page blobs are not emulated).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BlobKind {
    /// A block blob (Put Blob, Put Block List).
    Block,
    /// An append blob (Put Blob with `x-ms-blob-type: AppendBlob`, Append Block).
    Append,
}

impl BlobKind {
    /// Its name in `x-ms-blob-type` and `<BlobType>`.
    pub fn as_str(self) -> &'static str {
        match self {
            BlobKind::Block => "BlockBlob",
            BlobKind::Append => "AppendBlob",
        }
    }
}

/// The standard HTTP properties of a blob, set by `x-ms-blob-content-*` (or the request's own
/// `Content-*` for Put Blob) and answered as `Content-*` by Get Blob.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ContentHeaders {
    pub content_type: Option<String>,
    pub content_encoding: Option<String>,
    pub content_language: Option<String>,
    pub content_disposition: Option<String>,
    pub cache_control: Option<String>,
    /// Base64 MD5 of the whole content.
    pub content_md5: Option<String>,
}

/// A block: its id as the client sent it (base64) and its size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Block {
    pub id: String,
    pub size: u64,
}

/// A stored blob.
#[derive(Clone, Debug)]
pub(crate) struct BlobProps {
    pub kind: BlobKind,
    /// Content length.
    pub len: u64,
    pub headers: ContentHeaders,
    /// Quoted, as Storage writes it.
    pub etag: String,
    pub last_modified: OffsetDateTime,
    pub created: OffsetDateTime,
    pub metadata: BTreeMap<String, String>,
    /// Block blobs: the committed blocks in order (their bytes are the blob's, back to back).
    pub committed: Vec<Block>,
    /// Append blobs: how many blocks were appended.
    pub append_count: u32,
}

impl BlobProps {
    /// A new blob of `kind`, `len` bytes, created (and modified) at `at`.
    pub fn new(kind: BlobKind, len: u64, at: OffsetDateTime) -> BlobProps {
        BlobProps {
            kind,
            len,
            headers: ContentHeaders::default(),
            etag: crate::model::storage::etag(at),
            last_modified: at,
            created: at,
            metadata: BTreeMap::new(),
            committed: Vec::new(),
            append_count: 0,
        }
    }

    /// Marks a change at `at`: a new ETag and last-modified time.
    pub fn touch(&mut self, at: OffsetDateTime) {
        self.etag = crate::model::storage::etag(at);
        self.last_modified = at;
    }
}
