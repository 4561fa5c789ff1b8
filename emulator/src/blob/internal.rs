//! The Blob service as the emulator's own resource providers use it, in process: find the blob an
//! https URL names on the emulator's Blob service, check that a principal (through its role
//! assignments) or the URL's SAS may read it, download it, and write block blobs and append
//! blobs by account, container and name. Everything goes through the data plane's own pieces
//! (the address rules, [`auth::verify_sas`], the RBAC needs of Get Blob, the on-disk
//! [`BlobData`](super::BlobData)), so a provider sees exactly what a client would.
//!
//! The callers are synchronous (ARM handlers, the clock's catch-up); reads use the store's
//! plain files, and writes, whose temporary files are tokio files, run on a short-lived thread
//! with a runtime of its own so they work from any thread, inside a runtime or not.

use std::future::Future;
use std::io::Read;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hyper::HeaderMap;
use tokio::io::AsyncWriteExt;

use super::address;
use super::auth::{self, AccountSecrets, SasKind, SignedRequest};
use super::checksum::md5;
use super::data::{BlobKind, BlobProps};
use super::error::BlobError;
use crate::model::World;
use crate::model::storage::{self, BlobContainer, StorageAccount};
use crate::rbac::blob::{BlobOperation, blob_scope};
use crate::rbac::denial::storage_permission_mismatch;
use crate::shared::Shared;

/// A blob an https URL names on the emulator's Blob service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BlobUrl {
    /// The account name, lowercase.
    pub account: String,
    /// The container, if the path names one.
    pub container: Option<String>,
    /// The blob name (decoded), if the path names one.
    pub blob: Option<String>,
    /// The path as in the URL (percent-encoded), which a SAS signature covers.
    raw_path: String,
    path_style: bool,
    /// The query pairs (decoded), SAS parameters included.
    query: Vec<(String, String)>,
}

/// Why a blob could not be read: Storage's status, code and message (never the URL's query).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{status} {code}: {message}")]
pub(crate) struct ReadError {
    /// The HTTP status Storage would answer.
    pub status: u16,
    /// Storage's error code, e.g. `AuthorizationPermissionMismatch`.
    pub code: &'static str,
    /// Storage's message.
    pub message: String,
}

impl From<BlobError> for ReadError {
    fn from(error: BlobError) -> Self {
        ReadError {
            status: error.status.as_u16(),
            code: error.code,
            message: error.message,
        }
    }
}

/// What a download read: the size and the SHA-256 (lowercase hex) of the content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Downloaded {
    /// Bytes read.
    pub len: u64,
    /// SHA-256 of the content, lowercase hex (as `sha256Checksum` is written).
    pub sha256: String,
}

impl BlobUrl {
    /// The blob `url` names when it is on the emulator's Blob service: path-style on the
    /// service's endpoint (`https://127.0.0.1:PORT/{account}/{container}/{blob}`), or
    /// host-style (`https://{account}.blob.<suffix>/{container}/{blob}`) naming an account the
    /// emulator has. `None` for any other URL (a foreign service).
    pub fn parse(shared: &Shared, world: &World, url: &str) -> Option<BlobUrl> {
        let parsed = url::Url::parse(url).ok()?;
        let endpoint = url::Url::parse(&shared.endpoints.blob).ok()?;
        if parsed.scheme() != "https" {
            return None;
        }
        let host = parsed.host_str()?;
        let ours = parsed.origin() == endpoint.origin()
            || host
                .split_once(".blob.")
                .is_some_and(|(account, _)| storage::account_by_name(world, account, shared.clock.instant()).is_some());
        if !ours {
            return None;
        }
        let address = address::parse(Some(host), parsed.path())?;
        Some(BlobUrl {
            account: address.account,
            container: address.container,
            blob: address.blob,
            raw_path: parsed.path().to_owned(),
            path_style: address.path_style,
            query: parsed
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        })
    }

    /// Whether the URL carries a SAS (a `sig` parameter).
    pub fn has_sas(&self) -> bool {
        self.query.iter().any(|(key, _)| key == "sig")
    }

    /// Checks, as Get Blob would, that the blob exists and that the URL's SAS (when it has one)
    /// or else `principal` (an object id, through its role assignments) may read it.
    pub fn check_read(&self, shared: &Shared, world: &World, principal: Option<&str>) -> Result<(), ReadError> {
        self.readable(shared, world, principal).map(drop)
    }

    /// Downloads the blob after [`BlobUrl::check_read`]'s checks, hashing it as it streams.
    pub fn download(&self, shared: &Shared, world: &World, principal: Option<&str>) -> Result<Downloaded, ReadError> {
        let (container, blob) = self.readable(shared, world, principal)?;
        let (_, mut file) = shared
            .blob
            .open(&container.data_id, blob)
            .ok_or_else(blob_not_found)?
            .map_err(|error| internal(&error))?;
        let mut context = ring::digest::Context::new(&ring::digest::SHA256);
        let mut buffer = vec![0; 64 * 1024];
        let mut len = 0u64;
        loop {
            let read = file.read(&mut buffer).map_err(|error| internal(&error))?;
            if read == 0 {
                break;
            }
            context.update(&buffer[..read]);
            len += read as u64;
        }
        let sha256 = context.finish().as_ref().iter().map(|b| format!("{b:02x}")).collect();
        Ok(Downloaded { len, sha256 })
    }

    /// The container and the blob name, once the read is authorized and the blob exists.
    fn readable<'w>(
        &'w self,
        shared: &Shared,
        world: &'w World,
        principal: Option<&str>,
    ) -> Result<(&'w BlobContainer, &'w str), ReadError> {
        let now = shared.clock.instant();
        let account = storage::account_by_name(world, &self.account, now).ok_or_else(|| ReadError {
            status: 404,
            code: "ResourceNotFound",
            message: "The specified resource does not exist.".to_owned(),
        })?;
        let (Some(container_name), Some(blob)) = (self.container.as_deref(), self.blob.as_deref()) else {
            return Err(ReadError {
                status: 400,
                code: "InvalidUri",
                message: "The requested URI does not represent any resource on the server.".to_owned(),
            });
        };
        let reader = if self.has_sas() {
            self.sas_reader(shared, account, container_name, blob)?
        } else {
            principal.map(str::to_owned)
        };
        let container = storage::container(world, &self.account, container_name, now).ok_or_else(|| ReadError {
            status: 404,
            code: "ContainerNotFound",
            message: "The specified container does not exist.".to_owned(),
        })?;
        if let Some(oid) = reader {
            let scope = blob_scope(&account.id(), Some(container_name));
            if !world
                .authorizer()
                .is_any_allowed(&oid, BlobOperation::ReadBlob.needs(), &scope)
            {
                return Err(BlobError::from(storage_permission_mismatch()).into());
            }
        } else if !self.has_sas() {
            return Err(BlobError::from(auth::AuthError::authorization_failure()).into());
        }
        if shared.blob.get(&container.data_id, blob).is_none() {
            return Err(blob_not_found());
        }
        Ok((container, blob))
    }

    /// Verifies the URL's SAS for a read of `blob`; the signer whose role assignments bound it
    /// (a user delegation SAS), if any.
    fn sas_reader(
        &self,
        shared: &Shared,
        account: &StorageAccount,
        container: &str,
        blob: &str,
    ) -> Result<Option<String>, ReadError> {
        let headers = HeaderMap::new();
        let request = SignedRequest {
            method: "GET",
            account: &self.account,
            raw_path: &self.raw_path,
            path_style: self.path_style,
            container: Some(container),
            blob: Some(blob),
            query: &self.query,
            headers: &headers,
            https: true,
        };
        let keys = account.key_bytes();
        let secrets = AccountSecrets {
            name: &self.account,
            keys: &keys,
            shared_key_allowed: account.shared_key_allowed(),
        };
        let grant = auth::verify_sas(&request, &secrets, shared.blob.delegation_secret(), shared.clock.now())
            .map_err(BlobError::from)?;
        grant
            .allows(BlobOperation::ReadBlob, Some(container), Some(blob))
            .map_err(BlobError::from)?;
        Ok(match grant.kind {
            SasKind::UserDelegation { object_id, .. } => Some(object_id),
            SasKind::Service | SasKind::Account => None,
        })
    }
}

/// Storage's 404 `BlobNotFound`.
fn blob_not_found() -> ReadError {
    ReadError {
        status: 404,
        code: "BlobNotFound",
        message: "The specified blob does not exist.".to_owned(),
    }
}

/// Storage's 500 `InternalError` for a file that could not be read.
fn internal(error: &std::io::Error) -> ReadError {
    ReadError {
        status: 500,
        code: "InternalError",
        message: format!("The server encountered an internal error: {error}"),
    }
}

/// Writes `content` as block blob `name` of container `container` of account `account`
/// (replacing what is there), with `content_type`, as Put Blob would.
pub(crate) fn put_block_blob(
    shared: &Shared,
    world: &World,
    (account, container): (&str, &str),
    name: &str,
    content: &[u8],
    content_type: &str,
) -> std::io::Result<()> {
    let container = existing_container(shared, world, account, container)?;
    let now = shared.clock.now();
    let data = &shared.blob;
    let mut props = BlobProps::new(BlobKind::Block, content.len() as u64, now);
    props.headers.content_type = Some(content_type.to_owned());
    props.headers.content_md5 = Some(STANDARD.encode(md5(content)));
    on_io_thread(async {
        let lock = data.lock(&container.data_id, name);
        let _writing = lock.lock().await;
        let (temp, mut file) = data.temp_file().await?;
        file.write_all(content).await?;
        file.flush().await?;
        drop(file);
        data.commit(&container.data_id, name, temp, props)
    })
}

/// Appends `content` to append blob `name` of container `container` of account `account`, as
/// Append Block would; the blob is created (as Put Blob with `x-ms-blob-type: AppendBlob`,
/// `text/plain`) when there is none.
pub(crate) fn append_block(
    shared: &Shared,
    world: &World,
    (account, container): (&str, &str),
    name: &str,
    content: &[u8],
) -> std::io::Result<()> {
    let container = existing_container(shared, world, account, container)?;
    let now = shared.clock.now();
    let data = &shared.blob;
    on_io_thread(async {
        let lock = data.lock(&container.data_id, name);
        let _writing = lock.lock().await;
        let (temp, mut file) = data.temp_file().await?;
        let mut props = match data.get(&container.data_id, name) {
            Some(props) if props.kind == BlobKind::Append => {
                let mut existing = tokio::fs::File::open(data.blob_path(&container.data_id, name)).await?;
                tokio::io::copy(&mut existing, &mut file).await?;
                props
            }
            Some(_) => return Err(std::io::Error::other(format!("{name} is not an append blob"))),
            None => {
                let mut props = BlobProps::new(BlobKind::Append, 0, now);
                props.headers.content_type = Some("text/plain".to_owned());
                props
            }
        };
        file.write_all(content).await?;
        file.flush().await?;
        drop(file);
        props.len += content.len() as u64;
        props.append_count += 1;
        props.touch(now);
        data.commit(&container.data_id, name, temp, props)
    })
}

/// Container `container` of account `account`, or a not-found error.
fn existing_container<'w>(
    shared: &Shared,
    world: &'w World,
    account: &str,
    container: &str,
) -> std::io::Result<&'w BlobContainer> {
    storage::container(world, account, container, shared.clock.instant()).ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("container {container} of account {account} does not exist"),
        )
    })
}

/// Runs `work` to completion on a new thread with a runtime of its own, and waits for it.
fn on_io_thread<T: Send>(work: impl Future<Output = std::io::Result<T>> + Send) -> std::io::Result<T> {
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?
                    .block_on(work)
            })
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the blob writer thread panicked")))
    })
}
