//! `spawn-agent`: run from a pipeline job to create a run-once agent in a private network.
//!
//! It creates the agent's container group (the image whose entrypoint is `ephemeral-agent`, a
//! private IP in a subnet, restart policy `Never`, 1 CPU and 1 GB by default, the token as a
//! secure value, the agent named from a prefix and the run's ids), waits until the agent is
//! online in the pool, and prints the logging command that sets the agent's name as an output
//! variable. When the group does not start, its container ends, the agent does not come online
//! in time, or a SIGTERM/SIGINT arrives, it deletes the group and the agent before it exits.
//! Configured by environment variables: `spawn-agent --help` lists them.

mod config;
mod definition;
mod help;
mod online;

use crate::cli::{self, CONFIG_ERROR, Invocation};
use aci_lifecycle::ContainerGroupsClient;
use arm_core::ConfigError;
use azp_agent::DevOpsClient;
use config::Config;
use online::{Failure, Stage};
use std::cell::Cell;
use std::process::ExitCode;
use std::time::Duration;
use tokio::signal::unix::{SignalKind, signal};

pub use definition::{CONTAINER_NAME, POOL_TAG};

/// Exit code when the agent did not come online (and was cleaned up).
const NOT_ONLINE: u8 = 1;
/// Exit code when the cleanup after a failure did not finish: something may be left.
const CLEANUP_INCOMPLETE: u8 = 4;
/// How long the cleanup may take: two accepted deletions, with the retries of throttling and
/// server errors. A canceled pipeline step is killed some time after its cancel.
const CLEANUP_TIME: Duration = Duration::from_secs(60);

/// Runs spawn-agent with its command-line arguments (without the program name) and returns its
/// exit code: 0 online, 1 not online (cleaned up), 2 configuration error, 4 cleanup incomplete,
/// 130/143 interrupted (cleaned up).
pub fn main(args: Vec<String>) -> ExitCode {
    let check = match cli::parse("spawn-agent", &args, &[], help::text) {
        Invocation::Run(_) => false,
        Invocation::Check => true,
        Invocation::Exit(code) => return code,
    };
    cli::launch("spawn-agent", check, Config::from_env(&arm_core::ProcessEnv), run)
}

impl cli::Configured for Config {
    fn plan(&self) -> Vec<(&'static str, String)> {
        self.describe()
    }

    fn log_filter(&self) -> &str {
        &self.log_filter
    }
}

/// The two clients spawn-agent needs.
struct Clients {
    containers: ContainerGroupsClient,
    devops: DevOpsClient,
}

impl Clients {
    fn new(config: &Config) -> Result<Clients, ConfigError> {
        let arm = config.arm.arm_client().map_err(crate::env_config::arm_config)?;
        let containers = ContainerGroupsClient::from_arm(arm, &config.subscription_id)
            .map_err(|e| ConfigError::new("AZ_SUBSCRIPTION_ID", e.to_string()))?;
        let devops = crate::env_config::devops_client(&config.access, &config.arm.transport)?;
        Ok(Clients { containers, devops })
    }
}

async fn run(config: Config) -> ExitCode {
    let (mut term, mut int) = match (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) {
        (Ok(term), Ok(int)) => (term, int),
        (Err(error), _) | (_, Err(error)) => {
            tracing::error!(%error, "cannot listen for signals");
            return ExitCode::FAILURE;
        }
    };
    let clients = match Clients::new(&config) {
        Ok(clients) => clients,
        Err(error) => {
            tracing::error!("{error}");
            return ExitCode::from(CONFIG_ERROR);
        }
    };
    let stage = Cell::new(Stage::Nothing);
    let outcome = tokio::select! {
        outcome = spawn(&config, &clients, &stage) => outcome,
        _ = term.recv() => Err(Failure::Interrupted { signal: "SIGTERM", code: 143 }),
        _ = int.recv() => Err(Failure::Interrupted { signal: "SIGINT", code: 130 }),
    };
    let failure = match outcome {
        Ok(()) => {
            println!(
                "##vso[task.setvariable variable={};isOutput=true]{}",
                config.output_variable, config.agent_name
            );
            return ExitCode::SUCCESS;
        }
        Err(failure) => failure,
    };
    tracing::error!("{failure}");
    let code = match failure {
        Failure::Interrupted { code, .. } => code,
        _ => NOT_ONLINE,
    };
    let Stage::Created { pool_id } = stage.get() else {
        tracing::info!("nothing was created");
        return ExitCode::from(code);
    };
    let cleanup = tokio::time::timeout(CLEANUP_TIME, clean_up(&config, &clients, pool_id));
    let left = match cleanup.await {
        Ok(left) => left,
        Err(_) => vec![format!(
            "the cleanup did not finish within {} s: container group {}/{} and agent {} may be left",
            CLEANUP_TIME.as_secs(),
            config.resource_group,
            config.agent_name,
            config.agent_name
        )],
    };
    if left.is_empty() {
        tracing::info!(group = %config.agent_name, agent = %config.agent_name, "cleaned up: container group and agent deleted");
        ExitCode::from(code)
    } else {
        for what in &left {
            tracing::error!("cleanup incomplete: {what}; run reap to remove it");
        }
        ExitCode::from(CLEANUP_INCOMPLETE)
    }
}

/// Creates the group and waits until the agent is online; `stage` says how far it got.
async fn spawn(config: &Config, clients: &Clients, stage: &Cell<Stage>) -> Result<(), Failure> {
    let started = tokio::time::Instant::now();
    let rg = &config.resource_group;
    let name = &config.agent_name;
    let pool = clients
        .devops
        .pool_by_name(&config.access.pool, None)
        .await
        .map_err(|e| Failure::before(format!("cannot find agent pool '{}': {e}", config.access.pool)))?;
    let pool_id = pool.id.ok_or_else(|| Failure::before("the agent pool has no id"))?;
    match clients.containers.get(rg, name, None).await {
        Ok(_) => {
            return Err(Failure::before(format!(
                "container group {rg}/{name} already exists; refusing to replace it (set AZP_AGENT_NAME or retry the job)"
            )));
        }
        Err(error) if error.as_arm().is_some_and(|e| e.is_not_found()) => {}
        Err(error) => {
            return Err(Failure::before(format!(
                "cannot read container group {rg}/{name}: {error}"
            )));
        }
    }
    if let Some(existing) = clients
        .devops
        .find_agent(pool_id, name, None)
        .await
        .map_err(|e| Failure::before(format!("cannot list the agents of pool '{}': {e}", config.access.pool)))?
    {
        return Err(Failure::before(format!(
            "agent {name} (id {}) already exists in pool '{}'; refusing to replace it",
            existing.reference.id.unwrap_or_default(),
            config.access.pool
        )));
    }

    tracing::info!(
        group = %name,
        resource_group = %rg,
        image = %config.image,
        subnet = %config.subnet_id,
        "creating the container group"
    );
    let mut definition = definition::container_group(config);
    aci_lifecycle::mark_run_once(&mut definition).map_err(|e| Failure::before(e.to_string()))?;
    stage.set(Stage::Created { pool_id });
    let created = async {
        clients
            .containers
            .begin_create_or_update(rg, name, &definition, None)
            .await?
            .await
            .map_err(aci_lifecycle::Error::from)
    };
    match tokio::time::timeout(config.timeout.saturating_sub(started.elapsed()), created).await {
        Ok(created) => created.map_err(|e| Failure::Start(e.to_string()))?,
        Err(_) => {
            return Err(Failure::TimedOut {
                timeout: config.timeout.as_secs(),
                last_seen: "the container group was still being created".to_owned(),
            });
        }
    };
    tracing::info!(group = %name, "the container group is created; waiting for the agent to come online");
    let left = config.timeout.saturating_sub(started.elapsed());
    let agent = online::wait(&clients.containers, &clients.devops, config, pool_id, left).await?;
    tracing::info!(
        agent = %name,
        id = agent.reference.id.unwrap_or_default(),
        pool = %config.access.pool,
        "the agent is online"
    );
    Ok(())
}

/// Deletes the group (first, so that its agent cannot register afterwards), then the agent;
/// what may be left. The group counts as gone once Azure has accepted its deletion: stopping
/// its container ends the agent's process, and waiting for the deletion to finish would only
/// delay the agent's deletion.
async fn clean_up(config: &Config, clients: &Clients, pool_id: i32) -> Vec<String> {
    let (rg, name) = (&config.resource_group, &config.agent_name);
    let mut left = Vec::new();
    match clients.containers.begin_delete(rg, name, None).await {
        Ok(_accepted) => tracing::info!(group = %name, "container group deletion accepted"),
        Err(error) => left.push(format!("container group {rg}/{name} ({error})")),
    }
    match clients.devops.find_agent(pool_id, name, None).await {
        Ok(None) => {}
        Ok(Some(agent)) => {
            let id = agent.reference.id.unwrap_or_default();
            match clients.devops.delete_agent(pool_id, id, None).await {
                Ok(_) => tracing::info!(agent = %name, id, "agent deleted"),
                Err(error) => left.push(format!(
                    "agent {name} (id {id}) in pool '{}' ({error})",
                    config.access.pool
                )),
            }
        }
        Err(error) => left.push(format!(
            "agent {name} in pool '{}' (cannot list agents: {error})",
            config.access.pool
        )),
    }
    left
}
