//! Container operations: List Containers, Create Container, Get Container Properties (and
//! Metadata), Set Container Metadata, Delete Container (learn.microsoft.com, one page each).
//! Containers live in the World, so that ARM's `blobServices/default/containers` sees them.

use hyper::StatusCode;

use crate::blob::auth::times::rfc1123;
use crate::blob::authorize::authorize;
use crate::blob::call::{Call, metadata_headers};
use crate::blob::conditions::no_lease;
use crate::blob::error::{BlobError, container_not_found, invalid_header};
use crate::blob::wire::xml;
use crate::blob::xml::{DECLARATION, element, escape};
use crate::http::Reply;
use crate::model::storage::{self, BlobContainer, PublicAccess, StorageAccount};
use crate::rbac::blob::BlobOperation;

use super::list_blobs::{max_results, service_endpoint, wants};

/// What List Containers' `include` may name (learn.microsoft.com "List Containers").
const CONTAINER_INCLUDES: &[&str] = &["metadata", "deleted", "system"];

/// List Containers: `GET /?comp=list` with `prefix`, `marker`, `maxresults`, `include=metadata`.
pub(crate) fn list(call: &Call<'_>, account: &StorageAccount) -> Result<Reply, BlobError> {
    let access = authorize(call, account, BlobOperation::ListContainers, None)?;
    let prefix = call.query("prefix").unwrap_or_default();
    let marker = call.query("marker");
    let max = max_results(call)?;
    let with_metadata = wants(call, CONTAINER_INCLUDES, "metadata")?;
    let containers: Vec<BlobContainer> = storage::containers(&call.shared.read(), &call.address.account, call.instant)
        .into_iter()
        .filter(|c| c.name.starts_with(prefix) && marker.is_none_or(|m| c.name.as_str() >= m))
        .cloned()
        .collect();
    let mut body = format!(
        "{DECLARATION}<EnumerationResults ServiceEndpoint=\"{}\">",
        escape(&service_endpoint(call, account))
    );
    if let Some(prefix) = call.query("prefix") {
        body.push_str(&element("Prefix", prefix));
    }
    if let Some(marker) = marker {
        body.push_str(&element("Marker", marker));
    }
    if let Some(max) = call.query("maxresults") {
        body.push_str(&element("MaxResults", max));
    }
    body.push_str("<Containers>");
    for container in containers.iter().take(max) {
        body.push_str("<Container>");
        body.push_str(&element("Name", &container.name));
        body.push_str("<Properties>");
        body.push_str(&element("Last-Modified", &rfc1123(container.last_modified)));
        body.push_str(&element("Etag", &container.etag));
        body.push_str("<LeaseStatus>unlocked</LeaseStatus><LeaseState>available</LeaseState>");
        if container.public_access != PublicAccess::None {
            body.push_str(&element(
                "PublicAccess",
                &container.public_access.as_str().to_lowercase(),
            ));
        }
        body.push_str("<HasImmutabilityPolicy>false</HasImmutabilityPolicy><HasLegalHold>false</HasLegalHold>");
        body.push_str("</Properties>");
        if with_metadata {
            body.push_str(&metadata_xml(&container.metadata));
        }
        body.push_str("</Container>");
    }
    body.push_str("</Containers>");
    match containers.get(max) {
        Some(next) => body.push_str(&element("NextMarker", &next.name)),
        None => body.push_str("<NextMarker />"),
    }
    body.push_str("</EnumerationResults>");
    Ok(xml(StatusCode::OK, body).by(access.principal()))
}

/// `<Metadata>` with one element per pair.
pub(crate) fn metadata_xml(metadata: &std::collections::BTreeMap<String, String>) -> String {
    let items: String = metadata.iter().map(|(name, value)| element(name, value)).collect();
    format!("<Metadata>{items}</Metadata>")
}

/// Create Container: `PUT /{container}?restype=container`, with `x-ms-blob-public-access`
/// (`container` or `blob`) and `x-ms-meta-*`; 201, or 409 `ContainerAlreadyExists`.
pub(crate) fn create(call: &Call<'_>, account: &StorageAccount) -> Result<Reply, BlobError> {
    let existing = call.container();
    let access = authorize(call, account, BlobOperation::CreateContainer, existing.as_ref())?;
    let name = call.container_name();
    if storage::container_name_error(name).is_some() {
        return Err(BlobError::new(
            StatusCode::BAD_REQUEST,
            "InvalidResourceName",
            "The specifed resource name contains invalid characters.",
        ));
    }
    let public_access = match call.header("x-ms-blob-public-access") {
        None => PublicAccess::None,
        Some(value @ ("container" | "blob")) => PublicAccess::parse(value).unwrap_or(PublicAccess::None),
        Some(other) => return Err(invalid_header("x-ms-blob-public-access", other)),
    };
    if public_access != PublicAccess::None && !account.allow_blob_public_access {
        return Err(BlobError::new(
            StatusCode::CONFLICT,
            "PublicAccessNotPermitted",
            "Public access is not permitted on this storage account.",
        ));
    }
    let metadata = call.metadata()?;
    let mut world = call.shared.write();
    if storage::container(&world, &call.address.account, name, call.instant).is_some() {
        return Err(BlobError::new(
            StatusCode::CONFLICT,
            "ContainerAlreadyExists",
            "The specified container already exists.",
        ));
    }
    let mut container = BlobContainer::new(account, name, public_access, call.now);
    container.metadata = metadata;
    let reply = Reply::empty(StatusCode::CREATED)
        .with_header("etag", &container.etag)
        .with_header("last-modified", &rfc1123(container.last_modified));
    storage::insert_container(&mut world, container);
    Ok(reply.by(access.principal()))
}

/// Get Container Properties (and Get Container Metadata): `GET`/`HEAD ?restype=container`.
pub(crate) fn properties(call: &Call<'_>, account: &StorageAccount) -> Result<Reply, BlobError> {
    let container = call.container();
    let access = authorize(call, account, BlobOperation::GetContainerProperties, container.as_ref())?;
    let container = container.ok_or_else(container_not_found)?;
    no_lease(call, false)?;
    let mut reply = Reply::empty(StatusCode::OK)
        .with_header("etag", &container.etag)
        .with_header("last-modified", &rfc1123(container.last_modified))
        .with_header("x-ms-lease-status", "unlocked")
        .with_header("x-ms-lease-state", "available")
        .with_header("x-ms-has-immutability-policy", "false")
        .with_header("x-ms-has-legal-hold", "false")
        .with_header("x-ms-default-encryption-scope", "$account-encryption-key")
        .with_header("x-ms-deny-encryption-scope-override", "false");
    if container.public_access != PublicAccess::None {
        reply.set_header(
            "x-ms-blob-public-access",
            &container.public_access.as_str().to_lowercase(),
        );
    }
    metadata_headers(&mut reply, &container.metadata);
    Ok(reply.by(access.principal()))
}

/// Set Container Metadata: `PUT ?restype=container&comp=metadata` replaces the metadata.
pub(crate) fn set_metadata(call: &Call<'_>, account: &StorageAccount) -> Result<Reply, BlobError> {
    let container = call.container();
    let access = authorize(call, account, BlobOperation::SetContainerMetadata, container.as_ref())?;
    let authorized = container.ok_or_else(container_not_found)?;
    no_lease(call, false)?;
    let metadata = call.metadata()?;
    let mut world = call.shared.write();
    // Read again under the lock: a container deleted (or re-created) meanwhile is not brought
    // back by this write.
    let mut container = storage::container(&world, &call.address.account, call.container_name(), call.instant)
        .filter(|current| current.data_id == authorized.data_id)
        .cloned()
        .ok_or_else(container_not_found)?;
    container.metadata = metadata;
    container.touch(call.now);
    let reply = Reply::empty(StatusCode::OK)
        .with_header("etag", &container.etag)
        .with_header("last-modified", &rfc1123(container.last_modified));
    storage::insert_container(&mut world, container);
    Ok(reply.by(access.principal()))
}

/// Delete Container: `DELETE ?restype=container`; 202, its blobs removed from disk.
pub(crate) fn delete(call: &Call<'_>, account: &StorageAccount) -> Result<Reply, BlobError> {
    let container = call.container();
    let access = authorize(call, account, BlobOperation::DeleteContainer, container.as_ref())?;
    no_lease(call, false)?;
    let removed = storage::remove_container(&mut call.shared.write(), &call.address.account, call.container_name())
        .ok_or_else(container_not_found)?;
    call.shared.blob.drop_container(&removed.data_id);
    Ok(Reply::empty(StatusCode::ACCEPTED).by(access.principal()))
}
