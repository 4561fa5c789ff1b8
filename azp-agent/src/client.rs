//! The Azure DevOps agent-pool REST client.

use crate::auth::DevOpsCredential;
use crate::error::Error;
use crate::models::{List, PackageMetadata, TaskAgent, TaskAgentJobRequest, TaskAgentPool};
use crate::org_url::OrganizationUrl;
use crate::platform::Platform;
use crate::response::{check, error_from};
use arm_core::azure_core::http::response::AsyncResponseBody;
use arm_core::azure_core::http::{ClientOptions, Method, Url};
use arm_core::{
    ArmRequest, ArmResponse, Clock, RequestOptions, RetryOptions, ServicePipeline, TokioClock, url_without_query,
};
use serde::de::DeserializeOwned;
use std::sync::Arc;

/// The api-version of every call but the job requests route.
pub const DEFAULT_API_VERSION: &str = "7.1";

/// Options of a [`DevOpsClient`].
#[derive(Clone, Debug)]
pub struct DevOpsClientOptions {
    /// azure_core client options: the transport (default: arm-core's `HttpTransport` with the
    /// platform's roots), extra policies, user agent application id. Their `retry` is ignored.
    pub client_options: ClientOptions,
    /// How requests are retried (429 with `Retry-After`, 5xx, dropped connections).
    pub retry: RetryOptions,
    /// The api-version of every call but the job requests route (default
    /// [`DEFAULT_API_VERSION`]; Azure DevOps Server releases lag behind the service).
    pub api_version: String,
    /// The clock of retries (default: the real clock).
    pub clock: Option<Arc<dyn Clock>>,
}

impl Default for DevOpsClientOptions {
    fn default() -> Self {
        Self {
            client_options: ClientOptions::default(),
            retry: RetryOptions::default(),
            api_version: DEFAULT_API_VERSION.to_owned(),
            clock: None,
        }
    }
}

/// Options of [`DevOpsClient::list_agents`].
#[derive(Clone, Debug, Default)]
pub struct ListAgentsOptions {
    /// Only the agent with this name.
    pub agent_name: Option<String>,
    /// Include each agent's assigned request.
    pub include_assigned_request: bool,
    /// Include each agent's last completed request.
    pub include_last_completed_request: bool,
    /// Options of the request (a deadline).
    pub request: RequestOptions,
}

/// Options of [`DevOpsClient::list_job_requests`].
#[derive(Clone, Debug, Default)]
pub struct ListJobRequestsOptions {
    /// At most this many requests (`$top`).
    pub top: Option<u32>,
    /// Only requests that have not finished (`completedRequestCount=0`).
    pub unfinished_only: bool,
    /// Options of the request (a deadline).
    pub request: RequestOptions,
}

/// What [`DevOpsClient::delete_agent`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgentDeletion {
    /// The agent was deleted.
    Deleted,
    /// There was no such agent (404): someone removed it already.
    AlreadyGone,
}

/// A package download in progress: its length if known, and the body as a stream of chunks.
#[derive(Debug)]
pub struct PackageDownload {
    /// `Content-Length`, if the server sent one.
    pub total: Option<u64>,
    /// The archive bytes.
    pub body: AsyncResponseBody,
}

/// A client for the agent pools of one Azure DevOps organization (or Server collection).
///
/// Cheap to clone. Every call goes through arm-core's request layer ([`ServicePipeline`]: bounded
/// retries, request id, transport and credential errors); the PAT or Entra token is only ever
/// sent to the organization's host (package downloads go to the CDN without it).
///
/// ```no_run
/// use azp_agent::{DevOpsClient, DevOpsCredential, OrganizationUrl};
///
/// # async fn run() -> Result<(), azp_agent::Error> {
/// let org = OrganizationUrl::parse("https://dev.azure.com/contoso")?;
/// let client = DevOpsClient::new(org, DevOpsCredential::pat("...")?, None)?;
/// let pool = client.pool_by_name("Default", None).await?;
/// for agent in client.list_agents(pool.id.unwrap_or_default(), None).await? {
///     println!("{} {:?}", agent.name(), agent.reference.status);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct DevOpsClient {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    organization: OrganizationUrl,
    credential: DevOpsCredential,
    service: ServicePipeline,
    downloads: ServicePipeline,
    api_version: String,
}

impl DevOpsClient {
    /// A client for `organization` authenticating with `credential`.
    pub fn new(
        organization: OrganizationUrl,
        credential: DevOpsCredential,
        options: Option<DevOpsClientOptions>,
    ) -> Result<Self, Error> {
        let options = options.unwrap_or_default();
        let clock = options.clock.clone().unwrap_or_else(|| Arc::new(TokioClock));
        let build = |per_try| {
            arm_core::pipeline(
                env!("CARGO_PKG_NAME"),
                env!("CARGO_PKG_VERSION"),
                options.client_options.clone(),
                options.retry.clone(),
                clock.clone(),
                per_try,
            )
            .map_err(|e| Error::invalid_input("client options", e.to_string()))
        };
        let service = ServicePipeline::new(build(vec![credential.policy()])?, arm_core::AZURE_DEVOPS_SCOPE);
        let downloads = ServicePipeline::new(build(Vec::new())?, arm_core::AZURE_DEVOPS_SCOPE);
        Ok(Self {
            inner: Arc::new(Inner {
                organization,
                credential,
                service,
                downloads,
                api_version: options.api_version,
            }),
        })
    }

    /// The organization this client talks to.
    pub fn organization(&self) -> &OrganizationUrl {
        &self.inner.organization
    }

    /// The credential of this client.
    pub fn credential(&self) -> &DevOpsCredential {
        &self.inner.credential
    }

    fn url(&self, path: &str, versioned: bool) -> Url {
        let mut url = self.inner.organization.join(path);
        if versioned {
            url.query_pairs_mut()
                .append_pair("api-version", &self.inner.api_version);
        }
        url
    }

    async fn send(&self, method: Method, url: Url, options: &RequestOptions) -> Result<ArmResponse, Error> {
        let request = options.apply(ArmRequest::new(method, url));
        check(self.inner.service.send(request).await?)
    }

    async fn get<T: DeserializeOwned>(&self, url: Url, options: &RequestOptions) -> Result<T, Error> {
        Ok(self.send(Method::Get, url, options).await?.json()?)
    }

    /// The pool named `name` (case-insensitive). [`Error::NotFound`] if there is none.
    pub async fn pool_by_name(&self, name: &str, options: Option<RequestOptions>) -> Result<TaskAgentPool, Error> {
        if name.trim().is_empty() {
            return Err(Error::invalid_input("pool", "is empty; expected an agent pool name"));
        }
        let mut url = self.url("_apis/distributedtask/pools", true);
        url.query_pairs_mut().append_pair("poolName", name);
        let pools: List<TaskAgentPool> = self.get(url, &options.unwrap_or_default()).await?;
        pools
            .value
            .into_iter()
            .find(|p| p.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(name)))
            .ok_or_else(|| Error::NotFound {
                what: format!("agent pool '{name}' in {}", self.inner.organization),
                message: None,
            })
    }

    /// The agents of pool `pool_id`.
    pub async fn list_agents(&self, pool_id: i32, options: Option<ListAgentsOptions>) -> Result<Vec<TaskAgent>, Error> {
        let options = options.unwrap_or_default();
        let mut url = self.url(&format!("_apis/distributedtask/pools/{pool_id}/agents"), true);
        {
            let mut query = url.query_pairs_mut();
            if let Some(name) = &options.agent_name {
                query.append_pair("agentName", name);
            }
            if options.include_assigned_request {
                query.append_pair("includeAssignedRequest", "true");
            }
            if options.include_last_completed_request {
                query.append_pair("includeLastCompletedRequest", "true");
            }
        }
        let agents: List<TaskAgent> = self.get(url, &options.request).await?;
        Ok(agents.value)
    }

    /// The agent named `name` in pool `pool_id` (case-insensitive), with its assigned and last
    /// completed requests, if there is one.
    pub async fn find_agent(
        &self,
        pool_id: i32,
        name: &str,
        options: Option<RequestOptions>,
    ) -> Result<Option<TaskAgent>, Error> {
        let options = ListAgentsOptions {
            agent_name: Some(name.to_owned()),
            include_assigned_request: true,
            include_last_completed_request: true,
            request: options.unwrap_or_default(),
        };
        Ok(self
            .list_agents(pool_id, Some(options))
            .await?
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(name)))
    }

    /// Agent `agent_id` of pool `pool_id`, with its assigned and last completed requests.
    pub async fn get_agent(
        &self,
        pool_id: i32,
        agent_id: i32,
        options: Option<RequestOptions>,
    ) -> Result<TaskAgent, Error> {
        let mut url = self.url(
            &format!("_apis/distributedtask/pools/{pool_id}/agents/{agent_id}"),
            true,
        );
        url.query_pairs_mut()
            .append_pair("includeAssignedRequest", "true")
            .append_pair("includeLastCompletedRequest", "true");
        self.get(url, &options.unwrap_or_default()).await
    }

    /// Deletes agent `agent_id` from pool `pool_id`; an agent already gone (404) is not an error.
    pub async fn delete_agent(
        &self,
        pool_id: i32,
        agent_id: i32,
        options: Option<RequestOptions>,
    ) -> Result<AgentDeletion, Error> {
        let url = self.url(
            &format!("_apis/distributedtask/pools/{pool_id}/agents/{agent_id}"),
            true,
        );
        match self.send(Method::Delete, url, &options.unwrap_or_default()).await {
            Ok(_) => Ok(AgentDeletion::Deleted),
            Err(e) if e.is_not_found() => Ok(AgentDeletion::AlreadyGone),
            Err(e) => Err(e),
        }
    }

    /// The job requests of pool `pool_id`, through the undocumented route KEDA uses
    /// (`_apis/distributedtask/pools/{id}/jobrequests`, without api-version).
    pub async fn list_job_requests(
        &self,
        pool_id: i32,
        options: Option<ListJobRequestsOptions>,
    ) -> Result<Vec<TaskAgentJobRequest>, Error> {
        let options = options.unwrap_or_default();
        let mut url = self.url(&format!("_apis/distributedtask/pools/{pool_id}/jobrequests"), false);
        if let Some(top) = options.top {
            url.query_pairs_mut().append_pair("$top", &top.to_string());
        }
        if options.unfinished_only {
            url.query_pairs_mut().append_pair("completedRequestCount", "0");
        }
        let requests: List<TaskAgentJobRequest> = self.get(url, &options.request).await?;
        Ok(requests.value)
    }

    /// The latest agent package for `platform`. [`Error::NotFound`] if Azure DevOps offers none.
    pub async fn latest_package(
        &self,
        platform: Platform,
        options: Option<RequestOptions>,
    ) -> Result<PackageMetadata, Error> {
        let mut url = self.url("_apis/distributedtask/packages/agent", true);
        url.query_pairs_mut()
            .append_pair("platform", platform.as_str())
            .append_pair("$top", "1");
        let packages: List<PackageMetadata> = self.get(url, &options.unwrap_or_default()).await?;
        packages.value.into_iter().next().ok_or_else(|| Error::NotFound {
            what: format!("an agent package for {platform} in {}", self.inner.organization),
            message: None,
        })
    }

    /// Starts downloading `package` (from its `downloadUrl`, which must be https; no credential
    /// is sent there). Check the bytes against `hashValue`: [`crate::install`] does.
    pub async fn download_package(
        &self,
        package: &PackageMetadata,
        options: Option<RequestOptions>,
    ) -> Result<PackageDownload, Error> {
        let link = package
            .download_url
            .as_deref()
            .ok_or_else(|| Error::invalid_input("package", "has no downloadUrl"))?;
        let url = Url::parse(link)
            .map_err(|e| Error::invalid_input("package downloadUrl", format!("'{link}' is not a URL: {e}")))?;
        if url.scheme() != "https" {
            return Err(Error::invalid_input(
                "package downloadUrl",
                format!("'{}' is not https", url_without_query(&url)),
            ));
        }
        let downloads = &self.inner.downloads;
        let request = options
            .unwrap_or_default()
            .apply(ArmRequest::new(Method::Get, url.clone()));
        let response = downloads.stream(request).await?;
        if !response.status().is_success() || u16::from(response.status()) == 203 {
            let (status, headers, body) = response.deconstruct();
            let body = body
                .collect()
                .await
                .map_err(|source| downloads.error(Method::Get, &url, source))?;
            return Err(error_from(Method::Get, &url, status, &headers, &body));
        }
        let total = arm_core::header(response.headers(), &"content-length".into()).and_then(|v| v.parse().ok());
        Ok(PackageDownload {
            total,
            body: response.into_body(),
        })
    }
}
