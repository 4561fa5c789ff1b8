//! The pool flows: `az acr agentpool create/update/delete/show`, with the checks Azure leaves to
//! the caller run first (name, tier, count, OS; Premium and region; the vCPU quota; the subnet's
//! outbound rules), so that a refusal comes before anything is created.

use super::{AgentPoolFlow, FlowEvent, RegistryRef};
use crate::checks::{check_quota, check_registry, parse_tier, validate_count, validate_os, validate_pool_name};
use crate::client::BeginOptions;
use crate::error::Error;
use crate::model::{AgentPool, AgentPoolProperties, AgentPoolPropertiesUpdateParameters, AgentPoolUpdateParameters};
use crate::network::{PreflightOptions, PreflightReport};
use futures::TryStreamExt;
use std::collections::HashMap;

/// A pool to create (`az acr agentpool create`).
#[derive(Clone, Debug)]
pub struct CreatePoolRequest {
    /// The registry.
    pub registry: RegistryRef,
    /// The pool's name (`--name`, 3 to 20 of `[a-zA-Z0-9-]`).
    pub name: String,
    /// The tier (`--tier`, `S1`/`S2`/`S3`/`I6`, case-insensitive).
    pub tier: String,
    /// The instance count (`--count`, default 1 as the CLI).
    pub count: i64,
    /// The OS (`--os`, Linux only).
    pub os: String,
    /// The subnet (`--subnet-id`), checked by the VNet preflight unless `skip_preflight`.
    pub subnet_id: Option<String>,
    /// The pool's tags.
    pub tags: HashMap<String, String>,
    /// Create without the VNet preflight.
    pub skip_preflight: bool,
}

/// A pool and its queue (`az acr agentpool show --queue-count`).
#[derive(Clone, Debug)]
pub struct PoolStatus {
    /// The pool.
    pub pool: AgentPool,
    /// The runs queued on it (`listQueueStatus`).
    pub queued_runs: i32,
}

impl AgentPoolFlow {
    /// Creates a pool: validate the inputs, read the registry ([`check_registry`]: Premium and
    /// region), list its pools ([`check_quota`]), run the subnet's preflight (a blocking report
    /// is [`Error::Refused`] `network` with its summary; the full table is in the returned
    /// report of [`crate::network::NetworkClient::preflight`], printed by the command), then
    /// `PUT` the pool and wait for its provisioning. Returns the pool and the preflight report
    /// (when a subnet was checked).
    pub async fn create_pool(
        &self,
        request: &CreatePoolRequest,
        mut events: impl FnMut(FlowEvent),
        mut on_report: impl FnMut(&PreflightReport),
    ) -> Result<AgentPool, Error> {
        validate_pool_name(&request.name)?;
        let tier = parse_tier(&request.tier)?;
        let count = validate_count(request.count)?;
        let os = validate_os(&request.os)?;
        let (group, registry) = self.resolve(&request.registry).await?;
        check_registry(&registry, &self.limits)?;
        let pools = self.registries.agent_pools(&group, &request.registry.name)?;
        let existing: Vec<AgentPool> = pools.list(None)?.try_collect().await?;
        if existing
            .iter()
            .any(|p| p.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(&request.name)))
        {
            return Err(Error::refused(
                "agent pool",
                format!(
                    "pool {} already exists in registry {}: change it with update --count, or delete it first",
                    request.name, request.registry.name
                ),
            ));
        }
        check_quota(&existing, &request.name, &tier, count as u32, &self.limits)?;
        if let Some(subnet) = request.subnet_id.as_deref().filter(|_| !request.skip_preflight) {
            events(FlowEvent::Step(format!(
                "checking the outbound rules of subnet {subnet}"
            )));
            let options = PreflightOptions {
                region: Some(registry.location.clone()),
                ..Default::default()
            };
            let report = self.network.preflight(subnet, Some(options)).await?;
            on_report(&report);
            if report.is_blocking() {
                return Err(Error::refused(
                    "network",
                    format!(
                        "subnet {subnet} blocks what a pool needs ({}): the pool would report Succeeded and queue runs forever; allow these destinations, or pass skip_preflight",
                        report.summary()
                    ),
                ));
            }
        }
        events(FlowEvent::Step(format!(
            "creating pool {} ({tier} x {count})",
            request.name
        )));
        let pool = AgentPool {
            location: registry.location.clone(),
            tags: (!request.tags.is_empty()).then(|| request.tags.clone()),
            properties: Some(AgentPoolProperties {
                count: Some(count),
                tier: Some(tier.as_str().to_owned()),
                os: Some(os),
                virtual_network_subnet_resource_id: request.subnet_id.clone(),
                provisioning_state: None,
            }),
            ..Default::default()
        };
        let poller = pools
            .begin_create(&request.name, &pool, Some(BeginOptions::default()))
            .await?;
        Ok(poller.await?)
    }

    /// Scales pool `name` to `count` instances: the quota with the new count, then `PATCH` and
    /// wait. Scaling to 0 is allowed; `events` gets a warning that runs will stay queued.
    pub async fn scale_pool(
        &self,
        registry: &RegistryRef,
        name: &str,
        count: i64,
        mut events: impl FnMut(FlowEvent),
    ) -> Result<AgentPool, Error> {
        validate_pool_name(name)?;
        let count = validate_count(count)?;
        let (group, _) = self.resolve(registry).await?;
        let pools = self.registries.agent_pools(&group, &registry.name)?;
        let existing: Vec<AgentPool> = pools.list(None)?.try_collect().await?;
        let Some(pool) = existing
            .iter()
            .find(|p| p.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(name)))
        else {
            return Err(Error::refused(
                "agent pool",
                format!("no pool {name} in registry {}: create it first", registry.name),
            ));
        };
        let tier = pool.tier().ok_or_else(|| {
            Error::refused(
                "quota",
                format!("pool {name} reports no tier, so its vCPUs cannot be counted against the quota"),
            )
        })?;
        check_quota(&existing, name, &tier, count as u32, &self.limits)?;
        if count == 0 {
            events(FlowEvent::Step(format!(
                "warning: pool {name} scaled to 0: runs scheduled on it will stay Queued until it is scaled up"
            )));
        }
        events(FlowEvent::Step(format!("scaling pool {name} to {count}")));
        let parameters = AgentPoolUpdateParameters {
            tags: None,
            properties: Some(AgentPoolPropertiesUpdateParameters { count: Some(count) }),
        };
        Ok(pools.begin_update(name, &parameters, None).await?.await?)
    }

    /// Deletes pool `name` and waits until it is gone (a pool already gone is not an error:
    /// ARM's `204`).
    pub async fn delete_pool(&self, registry: &RegistryRef, name: &str) -> Result<(), Error> {
        validate_pool_name(name)?;
        let (group, _) = self.resolve(registry).await?;
        let pools = self.registries.agent_pools(&group, &registry.name)?;
        pools.begin_delete(name, None).await?.await?;
        Ok(())
    }

    /// Pool `name` and the number of runs queued on it.
    pub async fn show_pool(&self, registry: &RegistryRef, name: &str) -> Result<PoolStatus, Error> {
        validate_pool_name(name)?;
        let (group, _) = self.resolve(registry).await?;
        let pools = self.registries.agent_pools(&group, &registry.name)?;
        let pool = pools.get(name, None).await?;
        let queued_runs = pools.queue_status(name, None).await?.count.unwrap_or(0);
        Ok(PoolStatus { pool, queued_runs })
    }
}
