//! `reap`: the nightly cleanup of ephemeral agents, done once and properly.
//!
//! It deletes the offline agents of the pool whose names start with the ephemeral prefix and
//! whose container group no longer exists or has ended, then the ended container groups tagged
//! ephemeral that finished at least the minimum age ago. Running groups and online or busy
//! agents are never touched. `--dry-run` deletes nothing. A table of what was seen and done
//! ends the output; the exit code is 1 when anything failed. `reap --help` lists the variables.

mod agents;
mod config;
pub(crate) mod table;

use crate::cli::{self, CONFIG_ERROR, Invocation};
use aci_lifecycle::{ContainerGroupsClient, ReapOptions, ReapScope};
use agents::Verdict;
use arm_core::azure_core::time::OffsetDateTime;
use azp_agent::ListAgentsOptions;
use config::Config;
use std::process::ExitCode;
use table::{Action, Row};

/// The flag of a dry run.
const DRY_RUN: &str = "--dry-run";

/// Runs reap with its command-line arguments (without the program name) and returns its exit
/// code: 0 done, 1 something failed to be read or deleted, 2 configuration error.
pub fn main(args: Vec<String>) -> ExitCode {
    let (check, dry_run) = match cli::parse("reap", &args, &[DRY_RUN], help) {
        Invocation::Run(flags) => (false, flags.contains(&DRY_RUN)),
        Invocation::Check => (true, args.iter().any(|a| a == DRY_RUN)),
        Invocation::Exit(code) => return code,
    };
    let loaded = Config::from_env(&arm_core::ProcessEnv).map(|mut config| {
        config.dry_run = dry_run;
        config
    });
    cli::launch("reap", check, loaded, run)
}

impl cli::Configured for Config {
    fn plan(&self) -> Vec<(&'static str, String)> {
        self.describe()
    }

    fn log_filter(&self) -> &str {
        &self.log_filter
    }
}

/// (variable, default, meaning) of reap's own variables.
const VARIABLES: &[(&str, &str, &str)] = &[
    (
        "AZP_URL",
        "(required)",
        "organization URL, e.g. https://dev.azure.com/contoso",
    ),
    ("AZP_POOL", "Default", "agent pool of the ephemeral agents"),
    ("AZP_TOKEN", "(required)", "PAT with Agent Pools (read & manage)"),
    ("AZP_TOKEN_FILE", "", "file holding the token, instead of AZP_TOKEN"),
    (
        "AZP_AGENT_PREFIX",
        "ephemeral-",
        "how ephemeral agent (and group) names begin",
    ),
    (
        "ACI_RESOURCE_GROUP",
        "(required)",
        "resource group(s) of the container groups, separated by commas",
    ),
    (
        "REAP_MIN_AGE",
        "15m",
        "groups are deleted once ended this long ago; agents without a group once registered this long ago",
    ),
    ("AZP_LOG", "info", "log filter"),
];

fn help() -> String {
    crate::env_config::help_text(
        "reap: deletes offline agents named with the ephemeral prefix whose container group is gone or ended,\n\
         then ended container groups tagged azure-ephemeral=true older than the minimum age. Never touches a\n\
         running group or an online or busy agent.",
        "reap [--dry-run] [--check | --help | --version]\n\
         \x20 --dry-run  report what would be deleted, delete nothing\n\
         \x20 --check    validate the configuration, print what would be done (secrets masked), exit",
        &[VARIABLES, crate::env_config::AZURE_LOGIN_VARIABLES],
        "0 done (also when nothing was to be deleted), 1 something could not be read or deleted (see the\n\
         table), 2 configuration error.",
    )
}

async fn run(config: Config) -> ExitCode {
    let dry_run = config.dry_run;
    let clients = config
        .arm
        .arm_client()
        .map_err(crate::env_config::arm_config)
        .and_then(|arm| {
            ContainerGroupsClient::from_arm(arm, &config.subscription_id)
                .map_err(|e| arm_core::ConfigError::new("AZ_SUBSCRIPTION_ID", e.to_string()))
        })
        .and_then(|containers| {
            Ok((
                containers,
                crate::env_config::devops_client(&config.access, &config.arm.transport)?,
            ))
        });
    let (containers, devops) = match clients {
        Ok(clients) => clients,
        Err(error) => {
            tracing::error!("{error}");
            return ExitCode::from(CONFIG_ERROR);
        }
    };
    let mut rows = reap_agents(&config, &containers, &devops, dry_run).await;
    rows.extend(reap_groups(&config, &containers, dry_run).await);
    print!("{}", table::render(&rows));
    let failed = rows.iter().filter(|r| r.action == Action::Failed).count();
    let deleted = rows.iter().filter(|r| r.action == Action::Deleted).count();
    let would = rows.iter().filter(|r| r.action == Action::WouldDelete).count();
    let kept = rows.len() - failed - deleted - would;
    if dry_run {
        println!("reap (dry run): {would} would be deleted, {kept} kept, {failed} failed");
    } else {
        println!("reap: {deleted} deleted, {kept} kept, {failed} failed");
    }
    if failed > 0 {
        tracing::error!("{failed} item(s) could not be read or deleted; see the table");
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The agents: offline, idle, ours, and without a live container group.
async fn reap_agents(
    config: &Config,
    containers: &ContainerGroupsClient,
    devops: &azp_agent::DevOpsClient,
    dry_run: bool,
) -> Vec<Row> {
    let pool = &config.access.pool;
    let listed = async {
        let pool_id = devops
            .pool_by_name(pool, None)
            .await
            .map_err(|e| e.to_string())?
            .id
            .ok_or_else(|| "the pool has no id".to_owned())?;
        let options = ListAgentsOptions {
            include_assigned_request: true,
            ..Default::default()
        };
        let agents = devops
            .list_agents(pool_id, Some(options))
            .await
            .map_err(|e| e.to_string())?;
        Ok::<_, String>((pool_id, agents))
    };
    let (pool_id, agents) = match listed.await {
        Ok(listed) => listed,
        Err(error) => return vec![Row::new("agents", format!("pool {pool}"), Action::Failed, error)],
    };
    let now = OffsetDateTime::now_utc();
    let mut rows = Vec::new();
    for agent in agents.iter().filter(|a| agents::is_ephemeral(a, &config.prefix)) {
        let name = agent.reference.name.clone().unwrap_or_default();
        let id = agent.reference.id.unwrap_or_default();
        let label = format!("{name} (id {id})");
        let verdict = match agents::precheck(agent) {
            Some(verdict) => verdict,
            None => match agents::look_up(containers, &config.resource_groups, &name).await {
                Ok(group) => agents::verdict(agent, &group, config.min_age, now),
                Err(error) => {
                    rows.push(Row::new(
                        "agent",
                        label,
                        Action::Failed,
                        format!("cannot read its group: {error}"),
                    ));
                    continue;
                }
            },
        };
        let row = match verdict {
            Verdict::Keep(reason) => Row::new("agent", label, Action::Kept, reason),
            Verdict::Delete(reason) if dry_run => Row::new("agent", label, Action::WouldDelete, reason),
            Verdict::Delete(reason) => match devops.delete_agent(pool_id, id, None).await {
                Ok(_) => Row::new("agent", label, Action::Deleted, reason),
                Err(error) => Row::new(
                    "agent",
                    label,
                    Action::Failed,
                    format!("{reason}; delete failed: {error}"),
                ),
            },
        };
        rows.push(row);
    }
    rows
}

/// The container groups: aci-lifecycle's reap over the configured resource groups.
async fn reap_groups(config: &Config, containers: &ContainerGroupsClient, dry_run: bool) -> Vec<Row> {
    let options = ReapOptions {
        scope: ReapScope::ResourceGroups(config.resource_groups.clone()),
        min_age: config.min_age,
        dry_run,
        ..ReapOptions::default()
    };
    let report = match containers.reap(Some(options)).await {
        Ok(report) => report,
        Err(error) => {
            return vec![Row::new(
                "container groups",
                config.resource_groups.join(", "),
                Action::Failed,
                error.to_string(),
            )];
        }
    };
    let done = if dry_run { Action::WouldDelete } else { Action::Deleted };
    let mut rows: Vec<Row> = report
        .deleted
        .into_iter()
        .map(|name| Row::new("container group", name, done, "ended".to_owned()))
        .collect();
    rows.extend(
        report
            .skipped
            .into_iter()
            .map(|(name, reason)| Row::new("container group", name, Action::Kept, reason)),
    );
    rows.extend(
        report
            .failed
            .into_iter()
            .map(|(name, error)| Row::new("container group", name, Action::Failed, error)),
    );
    rows
}
