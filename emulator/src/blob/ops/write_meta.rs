//! Set Blob Metadata (`PUT ?comp=metadata`: the metadata is replaced) and Delete Blob (`DELETE`,
//! 202). Learn.microsoft.com "Set Blob Metadata", "Delete Blob".

use hyper::StatusCode;

use crate::blob::auth::times::rfc1123;
use crate::blob::authorize::authorize;
use crate::blob::call::Call;
use crate::blob::conditions::{self, Kind, no_lease};
use crate::blob::error::{BlobError, blob_not_found, container_not_found};
use crate::http::Reply;
use crate::model::storage::StorageAccount;
use crate::rbac::blob::BlobOperation;

/// Set Blob Metadata.
pub(crate) async fn set_metadata(call: &Call<'_>, account: &StorageAccount) -> Result<Reply, BlobError> {
    let container = call.container();
    let access = authorize(call, account, BlobOperation::ModifyBlob, container.as_ref())?;
    let container = container.ok_or_else(container_not_found)?;
    no_lease(call, true)?;
    let metadata = call.metadata()?;
    let name = call.blob_name();
    let data = &call.shared.blob;
    let lock = data.lock(&container.data_id, name);
    let _writing = lock.lock().await;
    let props = data.get(&container.data_id, name).ok_or_else(blob_not_found)?;
    conditions::check(call, Some((props.etag.as_str(), props.last_modified)), Kind::Write)?;
    let mut updated = None;
    data.update(&container.data_id, name, |props| {
        props.metadata = metadata;
        props.touch(call.now);
        updated = Some((props.etag.clone(), props.last_modified));
    });
    let (etag, last_modified) = updated.ok_or_else(blob_not_found)?;
    Ok(Reply::empty(StatusCode::OK)
        .with_header("etag", &etag)
        .with_header("last-modified", &rfc1123(last_modified))
        .with_header("x-ms-request-server-encrypted", "true")
        .by(access.principal()))
}

/// Delete Blob.
pub(crate) async fn delete(call: &Call<'_>, account: &StorageAccount) -> Result<Reply, BlobError> {
    let container = call.container();
    let access = authorize(call, account, BlobOperation::DeleteBlob, container.as_ref())?;
    let container = container.ok_or_else(container_not_found)?;
    no_lease(call, true)?;
    let name = call.blob_name();
    let data = &call.shared.blob;
    let lock = data.lock(&container.data_id, name);
    let _writing = lock.lock().await;
    let props = data.get(&container.data_id, name).ok_or_else(blob_not_found)?;
    conditions::check(call, Some((props.etag.as_str(), props.last_modified)), Kind::Write)?;
    data.remove(&container.data_id, name);
    Ok(Reply::empty(StatusCode::ACCEPTED)
        .with_header("x-ms-delete-type-permanent", "true")
        .by(access.principal()))
}
