//! One Blob request on its way through: what it addresses, its account, and the helpers every
//! operation uses to read it.

use std::collections::BTreeMap;
use std::time::Instant;

use hyper::StatusCode;
use time::OffsetDateTime;

use super::address::Address;
use super::error::{BlobError, invalid_header};
use crate::http::Request;
use crate::model::storage::{self, BlobContainer, StorageAccount};
use crate::shared::Shared;

/// A request and what it addresses, with the emulator's time when it arrived.
pub(crate) struct Call<'a> {
    pub shared: &'a Shared,
    pub request: &'a Request,
    pub address: Address,
    /// The emulator's time (wall clock).
    pub now: OffsetDateTime,
    /// The emulator's time (monotonic, for the World's stores).
    pub instant: Instant,
}

impl Call<'_> {
    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.request.header(name)
    }

    /// A query parameter.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.request.query(name)
    }

    /// The container name (the route guarantees there is one for container and blob operations).
    pub fn container_name(&self) -> &str {
        self.address.container.as_deref().unwrap_or_default()
    }

    /// The blob name (the route guarantees there is one for blob operations).
    pub fn blob_name(&self) -> &str {
        self.address.blob.as_deref().unwrap_or_default()
    }

    /// The addressed account.
    pub fn account(&self) -> Option<StorageAccount> {
        storage::account_by_name(&self.shared.read(), &self.address.account, self.instant).cloned()
    }

    /// The addressed container, if it exists.
    pub fn container(&self) -> Option<BlobContainer> {
        storage::container(
            &self.shared.read(),
            &self.address.account,
            self.container_name(),
            self.instant,
        )
        .cloned()
    }

    /// The `x-ms-meta-*` headers (names lowercase, as HTTP/1.1 headers arrive), checked as
    /// Storage checks them: each name a C# identifier (learn.microsoft.com "Naming and
    /// Referencing Containers, Blobs, and Metadata"), else 400 `InvalidMetadata`.
    pub fn metadata(&self) -> Result<BTreeMap<String, String>, BlobError> {
        let mut metadata = BTreeMap::new();
        for (name, value) in &self.request.headers {
            let Some(key) = name.as_str().strip_prefix("x-ms-meta-") else {
                continue;
            };
            let valid = key.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
                && key.chars().all(|c| c.is_alphanumeric() || c == '_');
            if !valid {
                return Err(BlobError::new(
                    StatusCode::BAD_REQUEST,
                    "InvalidMetadata",
                    format!(
                        "The metadata specified is invalid. It has characters that are not permitted. Name '{key}'."
                    ),
                ));
            }
            let value = value
                .to_str()
                .map_err(|_| invalid_header(name.as_str(), "(not ASCII)"))?;
            metadata.insert(key.to_owned(), value.trim().to_owned());
        }
        Ok(metadata)
    }

    /// A header holding a non-negative integer, if present.
    pub fn number_header(&self, name: &str) -> Result<Option<u64>, BlobError> {
        self.header(name)
            .map(|text| text.trim().parse::<u64>().map_err(|_| invalid_header(name, text)))
            .transpose()
    }
}

/// Writes `metadata` as `x-ms-meta-*` headers.
pub(crate) fn metadata_headers(reply: &mut crate::http::Reply, metadata: &BTreeMap<String, String>) {
    for (name, value) in metadata {
        reply.set_header(format!("x-ms-meta-{name}").as_str(), value);
    }
}
