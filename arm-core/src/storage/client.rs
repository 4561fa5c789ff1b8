//! The entry point of Blob transfers: the official clients built on our transport and retries.

use crate::clock::{Clock, TokioClock};
use crate::environment::ArmEnvironment;
use crate::retry::{RetryOptions, RetryPolicy};
use crate::storage::error::Error;
use crate::storage::location::{BlobAuth, BlobLocation};
use crate::transport::HttpTransport;
use azure_core::http::ClientOptions;
use azure_storage_blob::{
    BlobClient, BlobClientOptions, BlobContainerClient, BlobContainerClientOptions, BlobServiceClient,
    BlobServiceClientOptions,
};
use std::sync::Arc;
use url::Url;

/// Options of a [`StorageClient`].
#[derive(Clone, Debug, Default)]
pub struct StorageClientOptions {
    /// azure_core client options: the transport (default: an [`HttpTransport`] with the
    /// platform's roots) and extra policies. Their `retry` is ignored: see
    /// [`StorageClientOptions::retry`].
    pub client_options: ClientOptions,
    /// How each request (each block of an upload) is retried: arm-core's policy, which retries
    /// PUT and GET after 5xx and I/O errors and honours `Retry-After`.
    pub retry: RetryOptions,
    /// The clock of retries and of the append-blob follower (default: the real clock).
    pub clock: Option<Arc<dyn Clock>>,
    /// The Blob service version sent as `x-ms-version` (default: the one of
    /// `azure_storage_blob`).
    pub version: Option<String>,
}

/// Blob transfers: uploads, user-delegation SAS, range reads and append-blob following, on the
/// official `azure_storage_blob` clients with arm-core's transport (rustls with ring, custom
/// CAs, test redirects) and retry policy. Cheap to clone.
#[derive(Clone, Debug)]
pub struct StorageClient {
    client_options: ClientOptions,
    version: Option<String>,
    pub(crate) clock: Arc<dyn Clock>,
}

impl StorageClient {
    /// A client with `options`.
    pub fn new(options: Option<StorageClientOptions>) -> Result<Self, Error> {
        let options = options.unwrap_or_default();
        let clock = options.clock.unwrap_or_else(|| Arc::new(TokioClock));
        let mut client_options = options.client_options;
        if client_options.transport.is_none() {
            client_options.transport = Some(HttpTransport::builder().build()?.to_transport());
        }
        client_options.retry = azure_core::http::RetryOptions::none();
        client_options
            .per_call_policies
            .push(Arc::new(RetryPolicy::new(options.retry, clock.clone())));
        Ok(Self {
            client_options,
            version: options.version,
            clock,
        })
    }

    /// A client on the transport of `environment` (`AZ_CA_BUNDLE`...), with `options` for the
    /// rest (a transport they name wins).
    pub fn for_environment(environment: &ArmEnvironment, options: Option<StorageClientOptions>) -> Result<Self, Error> {
        let mut options = options.unwrap_or_default();
        if options.client_options.transport.is_none() {
            options.client_options.transport = Some(environment.transport.to_transport());
        }
        Self::new(Some(options))
    }

    /// The official blob client of `blob`: bearer token or SAS query, our pipeline.
    pub(crate) fn blob_client(&self, blob: &BlobLocation) -> Result<BlobClient, Error> {
        let mut options = BlobClientOptions {
            client_options: self.client_options.clone(),
            ..Default::default()
        };
        if let Some(version) = &self.version {
            options.version = version.clone();
        }
        BlobClient::new(blob.request_url(), credential(blob), Some(options))
            .map_err(|e| Error::from_azure("create client", blob.url(), e))
    }

    /// The official service client of the account of `blob`, with its credential.
    pub(crate) fn service_client(&self, blob: &BlobLocation) -> Result<BlobServiceClient, Error> {
        let mut options = BlobServiceClientOptions {
            client_options: self.client_options.clone(),
            ..Default::default()
        };
        if let Some(version) = &self.version {
            options.version = version.clone();
        }
        let url = blob.service_url();
        BlobServiceClient::new(url.clone(), credential(blob), Some(options))
            .map_err(|e| Error::from_azure("create client", &url, e))
    }
}

impl StorageClient {
    /// The official container client of the container of `blob`, with its credential (a SAS
    /// query stays on the URL). Built from the service URL rather than with
    /// `BlobServiceClient::blob_container_client`, which keeps the trailing `/` of a path-style
    /// service URL (`https://127.0.0.1:port/acct/`) and so addresses `acct//container`.
    pub(crate) fn container_client(&self, blob: &BlobLocation) -> Result<BlobContainerClient, Error> {
        let mut url = blob.service_url();
        url.set_query(blob.request_url().query());
        self.container_client_at(url, blob.container(), credential(blob))
    }

    /// The official container client of `container` under the service URL `service` (its query,
    /// a SAS, kept), with `credential` when there is one.
    pub(crate) fn container_client_at(
        &self,
        mut service: Url,
        container: &str,
        credential: Option<Arc<dyn azure_core::credentials::TokenCredential>>,
    ) -> Result<BlobContainerClient, Error> {
        let mut options = BlobContainerClientOptions {
            client_options: self.client_options.clone(),
            ..Default::default()
        };
        if let Some(version) = &self.version {
            options.version = version.clone();
        }
        if let Ok(mut segments) = service.path_segments_mut() {
            segments.pop_if_empty().push(container);
        }
        BlobContainerClient::new(service.clone(), credential, Some(options))
            .map_err(|e| Error::from_azure("create client", &service, e))
    }
}

fn credential(blob: &BlobLocation) -> Option<Arc<dyn azure_core::credentials::TokenCredential>> {
    match blob.auth() {
        BlobAuth::Credential(credential) => Some(credential.clone()),
        BlobAuth::Sas(_) => None,
    }
}
