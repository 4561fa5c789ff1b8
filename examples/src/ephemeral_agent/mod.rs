//! `ephemeral-agent`: the container entrypoint of a run-once Azure Pipelines agent.
//!
//! It installs (or reuses) the agent, registers it, runs exactly one job, unregisters it and,
//! when `AZ_ACI_NAME`, `AZ_ACI_RG` and `AZ_SUBSCRIPTION_ID` are set, deletes its own container
//! group. Configured by the seed image's environment variables and a few more: `--help` lists
//! them; `--check` validates them and prints what would be done. As PID 1 it reaps orphans.
//! Exit codes: see `--help` and the README.

mod config;
mod help;
mod self_delete_hook;

use crate::cli::{self, CONFIG_ERROR, Configured, Invocation};
use arm_core::azure_core::http::ClientOptions;
use azp_agent::configure::ConfigureOptions;
use azp_agent::models::TaskResult;
use azp_agent::supervise::{Outcome, RunOnce, StepResult, StopSignals, SuperviseOptions};
use azp_agent::{DevOpsClient, DevOpsClientOptions};
use config::{Config, Registration};
use std::process::ExitCode;
use std::sync::Arc;

/// Runs the entrypoint with its command-line arguments (without the program name) and returns
/// its exit code. A configuration error is one line on stderr and exit code 2.
pub fn main(args: Vec<String>) -> ExitCode {
    let check = match cli::parse("ephemeral-agent", &args, &[], help::text) {
        Invocation::Run(_) => false,
        Invocation::Check => true,
        Invocation::Exit(code) => return code,
    };
    let config = if check {
        Config::from_env(&arm_core::ProcessEnv)
    } else {
        match azp_agent::hide_secret_variables() {
            Ok(env) => Config::from_env(&env),
            Err(error) => {
                eprintln!("##[error]ephemeral-agent: cannot move the secrets out of the environment: {error}");
                return ExitCode::FAILURE;
            }
        }
    };
    cli::launch("ephemeral-agent", check, config, run)
}

async fn run(config: Config) -> ExitCode {
    // Signals first: a SIGTERM from the very start must stop the run cleanly.
    let stop = match StopSignals::os() {
        Ok(stop) => stop,
        Err(error) => {
            tracing::error!(%error, "cannot listen for signals");
            return ExitCode::FAILURE;
        }
    };
    let run_once = match prepare(config) {
        Ok(run_once) => run_once,
        Err(error) => {
            tracing::error!("{error}");
            return ExitCode::from(CONFIG_ERROR);
        }
    };
    let outcome = run_once.run(stop).await;
    report(&outcome);
    ExitCode::from(exit_code(&outcome))
}

/// The run, composed from the configuration: the client, the registration, the teardown.
fn prepare(config: Config) -> Result<RunOnce, arm_core::ConfigError> {
    let credential = config.devops_credential()?;
    let options = DevOpsClientOptions {
        client_options: ClientOptions {
            transport: Some(config.transport.to_transport()),
            ..Default::default()
        },
        ..Default::default()
    };
    let client = DevOpsClient::new(config.organization.clone(), credential, Some(options))
        .map_err(|e| arm_core::ConfigError::new("AZP_URL", e.to_string()))?;
    let mut configure = ConfigureOptions::new(config.organization);
    configure.pool = config.pool;
    configure.agent_name = config.agent_name;
    configure.work_dir = Some(config.work_dir);
    let supervise = SuperviseOptions {
        stop_timeout: config.stop_timeout,
        grace_period: config.grace_period,
        job_time_limit: config.job_time_limit,
        // The entrypoint owns every process it starts: whatever a job detaches is adopted
        // and ended before the cleanup.
        reap_orphans: Some(true),
        ..Default::default()
    };
    let (registration, secret) = match config.registration {
        Registration::Token { token, .. } => (azp_agent::supervise::Registration::ClientCredential, Some(token)),
        Registration::ServicePrincipal {
            tenant_id,
            client_id,
            secret,
        } => (
            azp_agent::supervise::Registration::ServicePrincipal {
                tenant_id,
                client_id,
                secret: secret.clone(),
            },
            Some(secret),
        ),
        Registration::ManagedIdentity { .. } => (azp_agent::supervise::Registration::ClientCredential, None),
    };
    let mut run_once = RunOnce::new(client, config.agent_dir, configure)
        .download_if_missing(config.platform)
        .registration(registration)
        .secret_values(secret)
        .options(supervise);
    if let Some(target) = config.self_delete {
        run_once = run_once.teardown(Arc::new(self_delete_hook::SelfDeleteHook::new(target)));
    }
    Ok(run_once)
}

/// The entrypoint's exit code: the supervisor's, except that a job Azure DevOps recorded as
/// failed, canceled or abandoned makes a clean run exit 1.
fn exit_code(outcome: &Outcome) -> u8 {
    let code = outcome.exit_code();
    let job_failed = matches!(
        outcome.job_result,
        Some(TaskResult::Failed | TaskResult::Canceled | TaskResult::Abandoned)
    );
    if code == 0 && job_failed { 1 } else { code as u8 }
}

/// One line per cleanup step, then the end, as warnings or errors when something may be left.
fn report(outcome: &Outcome) {
    for step in &outcome.cleanup.steps {
        if let StepResult::Failed(why) = &step.result {
            tracing::error!(step = %step.name, "cleanup step failed, something may be left behind: {why}");
        }
    }
    if !outcome.cleanup.agent_removed {
        tracing::error!("the agent may still be registered in the pool: remove it there, or run reap");
    }
    let code = exit_code(outcome);
    let job = outcome.job_result.as_ref().map(ToString::to_string);
    match code {
        0 => tracing::info!(job = job.as_deref().unwrap_or("none"), exit_code = code, "done"),
        _ => tracing::warn!(end = ?outcome.end, job = job.as_deref().unwrap_or("none"), exit_code = code, "ended"),
    }
}

impl Configured for Config {
    fn plan(&self) -> Vec<(&'static str, String)> {
        self.describe()
    }

    fn log_filter(&self) -> &str {
        &self.log_filter
    }
}
