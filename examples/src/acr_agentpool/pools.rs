//! `create`, `update`, `show`, `list`, `delete`: `az acr agentpool ...` on the crate's flows
//! ([`AgentPoolFlow::create_pool`](acr_agentpool::flow::AgentPoolFlow::create_pool) with its
//! checks and preflight, `scale_pool`, `show_pool`, `delete_pool`), the pool printed as a
//! table row.

use super::args::{CreateArgs, PoolArgs, UpdateArgs};
use super::progress::Progress;
use super::session::Session;
use super::{errors, exit, failed, preflight};
use acr_agentpool::flow::CreatePoolRequest;
use acr_agentpool::flow::RegistryRef;
use acr_agentpool::model::AgentPool;
use futures::TryStreamExt;

/// The flag that names the pool in these subcommands.
const POOL_FLAG: &str = "--name";

/// `create`: checks, preflight table (with --subnet-id), create, wait.
pub(super) async fn create(session: &Session, registry: &RegistryRef, args: CreateArgs) -> u8 {
    let request = CreatePoolRequest {
        registry: registry.clone(),
        name: args.name,
        tier: args.tier,
        count: args.count,
        os: "Linux".to_owned(),
        subnet_id: args.subnet_id,
        tags: Default::default(),
        skip_preflight: args.skip_preflight,
    };
    let progress = Progress::start();
    let created = session
        .flow
        .create_pool(
            &request,
            |event| progress.event(&event),
            |report| {
                progress.line(&preflight::table(
                    request.subnet_id.as_deref().unwrap_or_default(),
                    report,
                ))
            },
        )
        .await;
    drop(progress);
    match created {
        Ok(pool) => finished("created", &pool),
        Err(error) => errors::report(&error, POOL_FLAG),
    }
}

/// `update --count`: the quota with the new count, then scale and wait.
pub(super) async fn update(session: &Session, registry: &RegistryRef, args: UpdateArgs) -> u8 {
    let progress = Progress::start();
    let scaled = session
        .flow
        .scale_pool(registry, &args.name, args.count, |event| progress.event(&event))
        .await;
    drop(progress);
    match scaled {
        Ok(pool) => finished("updated", &pool),
        Err(error) => errors::report(&error, POOL_FLAG),
    }
}

/// `show`: the pool and its queue.
pub(super) async fn show(session: &Session, registry: &RegistryRef, args: PoolArgs) -> u8 {
    match session.flow.show_pool(registry, &args.name).await {
        Ok(status) => {
            print_table(&[status.pool]);
            println!("queued runs: {}", status.queued_runs);
            exit::SUCCEEDED
        }
        Err(error) => errors::report(&error, POOL_FLAG),
    }
}

/// `list`: the registry's pools.
pub(super) async fn list(session: &Session, registry: &RegistryRef) -> u8 {
    let listed = async {
        let (group, _) = session.flow.resolve(registry).await?;
        let pools = session.registries.agent_pools(&group, &registry.name)?;
        Ok::<_, acr_agentpool::Error>(pools.list(None)?.try_collect::<Vec<AgentPool>>().await?)
    };
    match listed.await {
        Ok(pools) => {
            print_table(&pools);
            exit::SUCCEEDED
        }
        Err(error) => errors::report(&error, POOL_FLAG),
    }
}

/// `delete`: delete and wait until gone.
pub(super) async fn delete(session: &Session, registry: &RegistryRef, args: PoolArgs) -> u8 {
    let progress = Progress::start();
    progress.step(&format!("deleting pool {}", args.name));
    let deleted = session.flow.delete_pool(registry, &args.name).await;
    drop(progress);
    match deleted {
        Ok(()) => {
            println!("pool {} deleted", args.name);
            exit::SUCCEEDED
        }
        Err(error) => errors::report(&error, POOL_FLAG),
    }
}

/// After a create or an update: the pool's row, and exit 0 when it provisioned, else 1.
fn finished(what: &str, pool: &AgentPool) -> u8 {
    print_table(std::slice::from_ref(pool));
    let state = pool.provisioning_state().map(ToString::to_string);
    match state.as_deref() {
        Some("Succeeded") | None => {
            println!("pool {} {what}", pool.name.as_deref().unwrap_or_default());
            exit::SUCCEEDED
        }
        Some(other) => failed(&format!(
            "pool {} ended {other}",
            pool.name.as_deref().unwrap_or_default()
        )),
    }
}

/// Pools as an aligned table: name, tier, count, provisioning state, subnet.
fn print_table(pools: &[AgentPool]) {
    let header = ["NAME", "TIER", "COUNT", "STATE", "SUBNET"].map(str::to_owned);
    let rows: Vec<[String; 5]> = pools.iter().map(row).collect();
    let mut widths = header.clone().map(|h| h.len());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let line = format!(
            "{:<w0$}  {:<w1$}  {:<w2$}  {:<w3$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3]
        );
        println!("{}", line.trim_end());
    }
}

/// A pool's cells; `-` for what it does not say.
fn row(pool: &AgentPool) -> [String; 5] {
    let or_dash = |value: Option<String>| value.unwrap_or_else(|| "-".to_owned());
    [
        or_dash(pool.name.clone()),
        or_dash(pool.tier().map(|t| t.to_string())),
        or_dash(pool.count().map(|c| c.to_string())),
        or_dash(pool.provisioning_state().map(ToString::to_string)),
        or_dash(
            pool.properties
                .as_ref()
                .and_then(|p| p.virtual_network_subnet_resource_id.clone()),
        ),
    ]
}
